"""``build``: plan, run and write many briefs. The only place (with the CLI) that has side effects.

Order of events: lock the output folder -> plan from content hashes -> read what is out of date ->
run (in process, spawned pool or Dask) -> write each brief's files atomically as it completes, then
its manifest entry -> rewrite the index page. One bad input never stops the others; an interrupted
build leaves every file whole and the next build finishes the rest (the manifest only records briefs
whose files were all written).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from reportgen.batch.job import Job, Result, failed_to_read
from reportgen.batch.lock import check_out_dir, locked, outside_output_folders, prepare_out_dir
from reportgen.batch.names import clash_key, output_name
from reportgen.batch.options import BuildOptions
from reportgen.batch.plan import (
    Manifest,
    PlannedBrief,
    input_roots,
    key_of,
    plan,
    state_dir,
    template_layers,
    templates_digest,
)
from reportgen.batch.publish import ManifestSaver, remove_leftovers, write_brief, write_failure, write_index
from reportgen.errors import SpecError, UsageError

Event = Callable[[str, Any], None]


@dataclass
class BuildReport:
    results: list[Result] = field(default_factory=list)
    skipped: list[PlannedBrief] = field(default_factory=list)
    seconds: float = 0.0
    out_dir: str = "outputs"
    index: str | None = None
    changed: list[str] = field(default_factory=list)  # briefs replaced by different bytes (archived)

    @property
    def built(self) -> list[Result]:
        return [r for r in self.results if r.status == "built"]

    @property
    def failed(self) -> list[Result]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "out_dir": self.out_dir,
            "seconds": round(self.seconds, 3),
            "built": [{"input": r.input, "output": os.path.join(self.out_dir, r.name), "seconds": round(r.seconds, 3),
                       "warnings": r.warnings} for r in self.built],
            "skipped": [{"input": p.input, "output": os.path.join(self.out_dir, p.name), "reason": p.reason}
                        for p in self.skipped],
            "failed": [{"input": r.input, "errors": r.errors} for r in self.failed],
            "index": self.index,
            "changed": [os.path.join(self.out_dir, name) for name in self.changed],  # archived: docs/intranet.md
            "exit_code": self.exit_code,
        }


def build(paths: list[str], options: BuildOptions | None = None, on_event: Event | None = None) -> BuildReport:
    """Build the briefs of every input under ``paths`` that is out of date (all with ``force``)."""
    from reportgen.contract.discover import discover_inputs

    options = options or BuildOptions()
    emit = on_event or (lambda kind, payload: None)
    started = time.perf_counter()
    check_out_dir(paths, options.out_dir)
    inputs = outside_output_folders(discover_inputs(paths, exclude=[options.out_dir]), paths)
    if not inputs:
        raise UsageError("no input files (.yaml, .yml, .json) found in " + " ".join(paths))
    prepare_out_dir(options.out_dir)
    with locked(options):
        report = _build_locked(inputs, options, emit, input_roots(paths, inputs))
    report.seconds = time.perf_counter() - started
    return report


def _build_locked(inputs: list[str], options: BuildOptions, emit: Event,
                  roots: dict[str, str] | None = None) -> BuildReport:
    manifest = Manifest.load(options.out_dir)
    if options.overrides and not options.overwrite_base:
        _refuse_over_base(inputs, options, manifest)
    templates = templates_digest(options.templates_dir)
    planned = plan(inputs, options, manifest, templates, roots)
    report = BuildReport(out_dir=options.out_dir)
    report.skipped = [p for p in planned if not p.out_of_date]
    todo = [p for p in planned if p.out_of_date]
    emit("plan", {"total": len(planned), "todo": len(todo), "skipped": len(report.skipped)})

    remove_leftovers([os.path.join(options.out_dir, p.name) for p in todo if p.problem is None]
                      + [options.out_dir, state_dir(options.out_dir)])
    clashes = {key for key, n in Counter(clash_key(p.name) for p in planned if p.problem is None).items() if n > 1}
    jobs: list[Job] = []
    for item in todo:
        if item.problem is not None:
            result = Result(item.input, item.name, item.key, "failed", errors=[item.problem])
            report.results.append(result)
            emit("done", result)
            continue
        if item.cached_errors is not None:  # failed before on these very bytes, options and versions
            result = Result(item.input, item.name, item.key, "failed", errors=list(item.cached_errors))
            report.results.append(result)
            emit("done", result)
            continue
        if clash_key(item.name) in clashes:  # also when the names differ only in case or normalisation
            others = [p.input for p in planned if clash_key(p.name) == clash_key(item.name) and p.input != item.input]
            alike = "" if all(output_name(p) == item.name for p in others) else (
                " (the names differ only in case or Unicode normalisation, which case-blind file systems and "
                "shares ignore)")
            result = Result(item.input, item.name, item.key, "failed", errors=[
                f"{item.input}: writes to {os.path.join(options.out_dir, item.name)} like {', '.join(others)}"
                f"{alike}; rename one of them"])
            report.results.append(result)
            emit("done", result)
            continue
        job = _job(item, options, templates)
        if isinstance(job, Result):
            report.results.append(job)
            emit("done", job)
        else:
            jobs.append(job)

    from reportgen.batch.archive import build_time

    moment = build_time()
    saver = ManifestSaver(manifest)
    try:
        for result in _run(jobs, options):
            if result.status == "failed" and result.cacheable:
                manifest.record_failure(result)
                saver.changed()
            if result.status == "built":
                manifest.failures.pop(result.name, None)
                try:
                    if write_brief(result, options, manifest, templates, moment):
                        report.changed.append(result.name)
                except OSError as exc:
                    result.status = "failed"
                    result.errors = [write_failure(result, options, exc)]
                else:
                    # Outside the try above: the brief's files are renamed by now, so a manifest that cannot
                    # be saved must not be reported as "the previous brief is unchanged".
                    saver.changed()
            report.results.append(result)
            emit("done", result)
    finally:
        saver.flush()  # also on Ctrl-C: what was written is recorded
        # A worker killed while writing a chart-cache entry leaves its temporary file (we hold the lock)
        remove_leftovers([state_dir(options.out_dir)])
    if saver.error is not None:
        report.results.append(Result("(manifest)", "manifest", "", "failed", errors=[
            f"{manifest.path}: could not write: {saver.error.strerror or saver.error}; the briefs built now are "
            "whole, and the next build rebuilds them"]))

    if report.built:
        from reportgen.charts.cache import prune_cache

        cache = options.chart_cache_folder()
        if cache:
            prune_cache(cache)
    # A missing index is rewritten even when nothing was built (everything up to date), but only when
    # there is a brief to list: a build in which every brief failed writes nothing at all.
    if report.built or (manifest.entries and not os.path.isfile(os.path.join(options.out_dir, "index.html"))):
        from reportgen.errors import ReportgenError

        try:
            report.index = write_index(options, manifest, report.changed, moment)
        except OSError as exc:
            error = f"{options.out_dir}/index.html: could not write: {exc.strerror or exc}"
            report.results.append(Result("(index)", "index", "", "failed", errors=[error]))
        except ReportgenError as exc:  # the page broke the HTML boundary: the previous index stays
            error = f"{options.out_dir}/index.html: not written: {exc}"
            report.results.append(Result("(index)", "index", "", "failed", errors=[error]))
    return report


def _refuse_over_base(inputs: list[str], options: BuildOptions, manifest: Manifest) -> None:
    """A what-if never replaces the brief of the unmodified input, unless asked (overwrite_base)."""
    for path in inputs:
        entry = manifest.entries.get(output_name(path))
        if entry is not None and not entry.get("what_if"):
            raise UsageError(f"--out {options.out_dir}: holds the brief of {path} built without -P; a what-if "
                             "writes to a folder of its own (e.g. --out whatif/), or give --overwrite-base")


def _job(item: PlannedBrief, options: BuildOptions, templates: str) -> Job | Result:
    """The job of one brief, or its failure: whatever reading its files raises (a file swapped for a link or
    a FIFO while it is read, an unreadable templates folder, a bug) fails this brief alone, with a located
    error, and the batch goes on."""
    import traceback

    from reportgen.errors import Problem, ReportgenError

    display = os.path.normpath(item.input) if not os.path.isabs(item.input) else item.input
    try:
        return _make_job(item, options, templates)
    except SpecError as exc:
        return failed_to_read(item.input, item.name, exc)
    except ReportgenError as exc:
        return Result(item.input, item.name, item.key, "failed", errors=[f"{display}: {exc}"])
    except OSError as exc:
        return failed_to_read(item.input, item.name, Problem(display, 1, "(file)",
                                                             f"cannot be read ({exc.strerror or exc})"))
    except Exception as exc:  # a bug of ours: say so, with the place, but keep the batch going
        from reportgen.errors import reraise_interrupt

        reraise_interrupt(exc)
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return Result(item.input, item.name, item.key, "failed", errors=[
            f"{display}: internal error {type(exc).__name__}: {exc} (at {where.filename}:{where.lineno}; "
            "please report it)"])


def _make_job(item: PlannedBrief, options: BuildOptions, templates: str) -> Job:
    from reportgen.contract.source import preparse_history, read_input
    from reportgen.pipeline import RenderOptions
    from reportgen.render.environment import merge_template_sets, read_template_dir
    from reportgen.safe_open import read_limited

    # a row of a sheet was read by the planner; its key is the row's
    bundle = preparse_history(item.bundle if item.bundle is not None else read_input(item.input, item.root))
    if options.overrides:
        bundle = replace(bundle, overrides=options.overrides)
    user_templates = None
    layers = template_layers(options.templates_dir)
    if layers:
        # Keyed by the folders' content digest, not their names: an edited template is read again in the same
        # process (watch --templates, or two reportgen.build() calls).
        cache_key = (tuple(layers), templates)
        user_templates = _TEMPLATE_SETS.get(cache_key)
        if user_templates is None:
            if len(_TEMPLATE_SETS) >= _TEMPLATE_SETS_LIMIT:
                _TEMPLATE_SETS.clear()
            user_templates = _TEMPLATE_SETS[cache_key] = merge_template_sets([read_template_dir(d) for d in layers])
    render_options = RenderOptions(
        formats=options.formats,
        strict=options.strict,
        templates=user_templates,
        templates_digest=templates,
        pdf_variant=options.pdf_variant,
        max_age_days=options.max_age_days,
        html_charts=options.html_charts,
        history_link=options.keep_versions > 0,
        chart_cache_dir=options.chart_cache_folder(),
    )
    previous = None
    with contextlib.suppress(OSError):  # none, or not a regular file of at most 8 MiB (a FIFO must not hang)
        previous = read_limited(os.path.join(options.out_dir, item.name, "model.json"), 8 << 20)
    # The key of the bytes just read (which the planner may not have seen: a save in between).
    key = item.key if item.bundle is not None else key_of(
        hashlib.sha256(bundle.content).hexdigest(),
        [(d.written, hashlib.sha256(d.content).hexdigest()) for d in bundle.data], templates, options)
    return Job(bundle, render_options, key, previous)


_TEMPLATE_SETS: dict[tuple[tuple[str, ...], str], Any] = {}
_TEMPLATE_SETS_LIMIT = 8


def _run(jobs: list[Job], options: BuildOptions) -> Iterator[Result]:
    from reportgen.batch.executors import default_jobs, lays_out_pdf, run_in_pool, run_in_process, run_on_dask

    if not jobs:
        return iter(())
    workers = options.jobs or default_jobs()
    if options.scheduler:
        return run_on_dask(jobs, options.scheduler, workers)
    if workers == 1 or len(jobs) == 1:
        # One brief from the terminal: overlap WeasyPrint's start-up with the model and charts,
        # when there is a second core to do it on and the PDF is laid out here (not in a template's child).
        overlap = len(jobs) == 1 and lays_out_pdf(jobs) and default_jobs() > 1
        return run_in_process(jobs, offload_pdf=overlap)
    return run_in_pool(jobs, workers)


