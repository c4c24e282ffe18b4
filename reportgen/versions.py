"""The versions of the packages that shape reportgen's outputs, for the rebuild key and the chart cache.

Read from the installed distributions' metadata, never by importing the packages: a build with nothing to do
must stay fast (importing WeasyPrint alone takes about a second). ``importlib.metadata`` is imported only
when the quick look at the ``*.dist-info`` folder names on ``sys.path`` misses a package.
"""

from __future__ import annotations

import os
import re
import sys
from functools import cache

# What a brief's files depend on besides reportgen itself: the PDF (WeasyPrint and what it lays out and
# draws with), the charts (vl-convert draws, altair specifies), the HTML (jinja2, markupsafe, the CSS and
# HTML parsers of the boundary), the model (numpy, pandas and the readers of history files) and the
# contract (pydantic, PyYAML).
OUTPUT_PACKAGES = ("weasyprint", "pydyf", "tinycss2", "tinyhtml5", "cssselect2", "fonttools", "pillow", "pyphen",
                   "vl-convert-python", "altair", "jinja2", "markupsafe", "numpy", "pandas", "pyarrow",
                   "openpyxl", "pydantic", "pydantic-core", "pyyaml")
CHART_PACKAGES = ("vl-convert-python", "altair")

_DIST_INFO = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+?)\.dist-info$")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


@cache
def _installed() -> dict[str, str]:
    """Normalised distribution name -> version, from the dist-info folder names on sys.path (the first one
    found wins, as for imports)."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            match = _DIST_INFO.match(name)
            if match:
                found.setdefault(_normal(match["name"]), match["version"])
    return found


@cache
def version_of(package: str) -> str:
    """The installed version of ``package``, or "absent"."""
    version = _installed().get(_normal(package))
    if version is not None:
        return version
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def versions_text(packages: tuple[str, ...]) -> str:
    return ";".join(f"{package}={version_of(package)}" for package in packages)


@cache
def output_versions() -> str:
    """Python's version and the versions of OUTPUT_PACKAGES, as one string for a key."""
    return f"python={sys.version_info[0]}.{sys.version_info[1]};" + versions_text(OUTPUT_PACKAGES)


@cache
def chart_versions() -> str:
    return versions_text(CHART_PACKAGES)
