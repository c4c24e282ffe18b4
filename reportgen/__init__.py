"""reportgen: compile company YAML into research briefs (PDF, HTML, model.json).

The public API is imported lazily so that ``import reportgen`` (and therefore the CLI's
``--help``, ``validate`` and a no-op ``build``) does not pay for numpy, pandas, WeasyPrint or
altair.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "BuildOptions",
    "ReportgenError",
    "SpecError",
    "__version__",
    "build",
    "load_spec",
    "render_brief",
    "run_model",
]

_LAZY = {
    "load_spec": "reportgen.spec.load",
    "run_model": "reportgen.model.run",
    "render_brief": "reportgen.render.brief",
    "BuildOptions": "reportgen.build.options",
    "ReportgenError": "reportgen.errors",
    "SpecError": "reportgen.errors",
}

if TYPE_CHECKING:  # pragma: no cover
    from reportgen.build.options import BuildOptions
    from reportgen.build.orchestrate import BuildReport
    from reportgen.errors import ReportgenError, SpecError
    from reportgen.model.run import run_model
    from reportgen.render.brief import render_brief
    from reportgen.spec.load import load_spec


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'reportgen' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


# ``reportgen.build`` is both this function and the subpackage reportgen/build/. Importing a submodule
# binds the subpackage to the parent's attribute the first time only, so the subpackage (whose
# __init__ imports nothing) is imported here first and the name then bound to the function: later
# imports of reportgen.build.* no longer replace it. Lazily resolved, a second reportgen.build(...)
# raised "'module' object is not callable".
import reportgen.build  # noqa: E402, F401


def build(paths: list[str], options: BuildOptions | None = None, on_event: Any = None) -> BuildReport:
    """Build the briefs of ``paths`` (files or folders) into ``options.out_dir``; see
    reportgen.build.orchestrate.build."""
    from reportgen.build.orchestrate import build as run_build

    return run_build(paths, options, on_event)
