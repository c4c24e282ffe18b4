"""One brief as a unit of work: what a worker (local process or Dask) receives and returns.

A Job carries bytes, not paths (the input, its data files, the user templates, the previous
model.json), so a worker on another machine needs nothing but reportgen installed. A Result carries
the files of the brief; the parent writes them.
"""

from __future__ import annotations

import json
import time
import traceback
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reportgen.errors import Problem, ReportgenError, SpecError, StrictError, UsageError, reraise_interrupt

if TYPE_CHECKING:  # the render stack is imported by workers only, never by a no-op build
    from reportgen.contract.source import InputBundle
    from reportgen.pipeline import RenderOptions


@dataclass(frozen=True)
class Job:
    bundle: InputBundle
    options: RenderOptions
    key: str
    previous_model: bytes | None = None


@dataclass
class Result:
    input: str
    name: str
    key: str
    status: str  # "built" | "failed"
    files: dict[str, bytes] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    data_files: list[str] = field(default_factory=list)  # where they are (watch matches changes on these)
    data_written: list[str] = field(default_factory=list)  # as the input names them (the rebuild key's names)
    seconds: float = 0.0
    cacheable: bool = False  # a failure the same bytes, options and versions would repeat (not a bug, not memory)


def _previous(job: Job, input_sha256: str) -> dict[str, Any] | None:
    """The previous model.json to compare with. If it was built from this very input, its own
    comparison is carried over, so rebuilding unchanged input gives byte-identical files."""
    if not job.previous_model:
        return None
    try:
        previous = json.loads(job.previous_model)
    except ValueError:
        return None
    if not isinstance(previous, dict):
        return None
    company = previous.get("company") or {}
    # a what-if's comparison is carried only from the same what-if: the same input gives another model under
    # other overrides
    if company.get("input_sha256") == input_sha256 and _same_what_if(company.get("what_if"), job.bundle.overrides):
        return {"carry": previous.get("changes")}
    return previous


def _same_what_if(recorded: Any, overrides: tuple[str, ...]) -> bool:
    """Whether a model.json's ``company.what_if`` records these -P overrides (none: neither has any)."""
    if not recorded or not overrides:
        return not recorded and not overrides
    from reportgen.contract.overrides import parse

    try:
        wanted = [(o.path, o.value()) for o in (parse(item) for item in overrides)]
    except (SpecError, UsageError):
        return False
    try:
        return wanted == [(w["field"], w["value"]) for w in recorded]
    except (TypeError, KeyError):
        return False


def run_job(job: Job, pdf_executor: Any = None) -> Result:
    """Build one brief; never raises for anything an input or a template can cause. ``pdf_executor``
    lays out its PDF in a warm helper process (see executors.run_in_process)."""
    from reportgen.contract.load import parse_bundle
    from reportgen.pipeline import render_brief

    started = time.perf_counter()
    bundle = job.bundle
    result = Result(bundle.display, bundle.name, job.key, "failed",
                    data_files=[d.path for d in bundle.data], data_written=[d.written for d in bundle.data])
    try:
        spec = parse_bundle(bundle)
        prepare = getattr(pdf_executor, "prepare", None)
        if prepare is not None:  # the input is valid: the PDF helper starts now (executors.PdfHelper)
            prepare()
        brief = render_brief(spec, job.options, previous=_previous(job, bundle.sha256), pdf_executor=pdf_executor)
    except SpecError as exc:
        result.errors, result.cacheable = [str(p) for p in exc.problems], True
    except StrictError as exc:
        result.errors, result.cacheable = [str(exc)], True
    except ReportgenError as exc:
        result.errors, result.cacheable = [f"{bundle.display}: {exc}"], exc.repeatable
    except MemoryError:
        result.errors = [f"{bundle.display}: out of memory while building the brief"]
    except Exception as exc:  # a bug of ours: say so, with the place, but keep the batch going
        reraise_interrupt(exc)
        where = traceback.extract_tb(exc.__traceback__)[-1]
        result.errors = [f"{bundle.display}: internal error {type(exc).__name__}: {exc} "
                         f"(at {where.filename}:{where.lineno}; please report it)"]
    else:
        result.status = "built"
        result.files = brief.files
        result.warnings = brief.warnings
        result.summary = brief.summary
    result.seconds = time.perf_counter() - started
    return result


def failed_to_read(path: str, name: str, exc: SpecError | Problem) -> Result:
    problems = exc.problems if isinstance(exc, SpecError) else [exc]
    return Result(path, name, "", "failed", errors=[str(p) for p in problems])
