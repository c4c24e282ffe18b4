"""Side effects: planning what to rebuild, running briefs locally or on Dask, writing atomically.

``reportgen.build(paths, options)`` is the library's entry point, and ``reportgen.build`` is also this
subpackage: Python binds a subpackage to its parent's attribute when it is first imported, so a plain
function of that name in reportgen/__init__.py was replaced by this module as soon as anything imported
reportgen.build.*, and a second ``reportgen.build(...)`` raised "'module' object is not callable". The
module is made callable instead, so that both ``reportgen.build(...)`` and ``import reportgen.build.atomic``
work, in any order. It imports nothing until called: a no-op build stays light.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from reportgen.build.options import BuildOptions
    from reportgen.build.orchestrate import BuildReport


class _CallableModule(types.ModuleType):
    def __call__(self, paths: list[str], options: BuildOptions | None = None, on_event: Any = None) -> BuildReport:
        """Build the briefs of ``paths`` (files or folders); see reportgen.build.orchestrate.build."""
        from reportgen.build.orchestrate import build

        return build(paths, options, on_event)


sys.modules[__name__].__class__ = _CallableModule
