"""Where the built-in templates and assets are: inside the installed wheel (``reportgen/_templates``)
or, in a source checkout, the top-level ``templates/`` folder."""

from __future__ import annotations

import os
from functools import cache

_PACKAGE = os.path.dirname(os.path.abspath(__file__))


@cache
def builtin_templates() -> str:
    for candidate in (os.path.join(_PACKAGE, "_templates"), os.path.join(os.path.dirname(_PACKAGE), "templates")):
        if os.path.isfile(os.path.join(candidate, "brief.html.j2")) or os.path.isfile(
            os.path.join(candidate, "starter.yaml")
        ):
            return os.path.realpath(candidate)
    raise FileNotFoundError("reportgen's built-in templates are missing from this installation")


def builtin_assets() -> str:
    return os.path.join(builtin_templates(), "assets")
