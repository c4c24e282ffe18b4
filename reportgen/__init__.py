"""reportgen: compile company YAML into research briefs (PDF, HTML, model.json).

The public API is imported lazily so that ``import reportgen`` (and therefore the CLI's
``--help``, ``validate`` and a no-op ``build``) does not pay for numpy, pandas, WeasyPrint or
altair.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Brief",
    "BuildOptions",
    "Model",
    "RenderOptions",
    "ReportgenError",
    "Spec",
    "SpecError",
    "__version__",
    "build",
    "load_spec",
    "render_brief",
    "run_model",
]

_LAZY = {
    "load_spec": "reportgen.contract.load",
    "run_model": "reportgen.model.run",
    "render_brief": "reportgen.pipeline",
    "Brief": "reportgen.pipeline",
    "RenderOptions": "reportgen.pipeline",
    "Spec": "reportgen.contract.load",
    "Model": "reportgen.model.result",
    "BuildOptions": "reportgen.batch.options",
    "build": "reportgen.batch.orchestrate",
    "ReportgenError": "reportgen.errors",
    "SpecError": "reportgen.errors",
}

if TYPE_CHECKING:  # pragma: no cover
    from reportgen.batch.options import BuildOptions
    from reportgen.batch.orchestrate import build
    from reportgen.contract.load import Spec, load_spec
    from reportgen.errors import ReportgenError, SpecError
    from reportgen.model.result import Model
    from reportgen.model.run import run_model
    from reportgen.pipeline import Brief, RenderOptions, render_brief


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'reportgen' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)

