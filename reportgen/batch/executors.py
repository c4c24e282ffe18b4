"""Where jobs run: in this process, in a pool of spawned worker processes, or on a Dask cluster.

Pool workers are forked from a forkserver that has imported what they need and used none of it
(reportgen/processes.py), never from this process: vl-convert deadlocks in a forked child once the parent
has used it. Each worker parses WeasyPrint's fonts and stylesheets once, starts the chart engine at its first
chart not in the cache, and builds brief after brief.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from typing import Any, TypeVar

from reportgen.batch.job import Job, Result, run_job
from reportgen.batch.lifeline import end_with_parent

T = TypeVar("T")
_WARM: dict[str, WarmRenderer] = {}  # the helper `watch` keeps (warm_renderer)


def pool_worker(build: int, pdf: bool = True) -> None:
    """The initializer of a pool worker: tied to the build first (its parent is the forkserver), then
    WeasyPrint's fonts and stylesheets parsed when it will lay out a PDF (``lays_out_pdf``). The chart engine
    starts at the first chart not in the cache: a rebuild whose charts are all cached never pays its 0.4 s
    of CPU, and a started engine would overlap nothing here (the imports were done in the forkserver)."""
    end_with_parent(parent=build)
    if pdf:
        from reportgen.render.pdf import prewarm

        prewarm()


def lays_out_pdf(jobs: list[Job]) -> bool:
    """Whether a job will lay out a PDF in the process that runs it: not for HTML or JSON alone, nor with
    user templates, whose PDF is laid out in their limited child (render/isolated.py)."""
    return any("pdf" in job.options.formats and job.options.templates is None for job in jobs)


def pdf_helper(parent: int) -> None:
    """The initializer of the one-brief PDF helper: tied to its parent, then WeasyPrint prewarmed. It ignores
    Ctrl-C: the terminal signals the whole process group, and the parent ends the helper itself."""
    import signal

    from reportgen.render import pdf

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    end_with_parent(parent=parent)
    pdf.prewarm()


def warm_worker(weasyprint: bool = True) -> None:
    """Pay the fixed costs once per worker: imports, the chart engine, WeasyPrint's modules."""
    import threading

    from reportgen.charts.render import warm_up

    engine = threading.Thread(target=warm_up, daemon=True)
    engine.start()  # the JavaScript engine starts while the main thread imports WeasyPrint
    import altair  # noqa: F401

    if weasyprint:
        from reportgen.render.pdf import prewarm

        prewarm()  # imports WeasyPrint, parses fonts and stylesheets, then freezes them (render/pdf.py)
    engine.join()


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def run_in_process(jobs: list[Job], offload_pdf: bool = False) -> Iterator[Result]:
    """Jobs one after the other in this process. With ``offload_pdf`` (a single brief from the
    terminal), a spawned process imports WeasyPrint and parses the stylesheets while this one
    computes the model and draws the charts, then renders the PDF: the two cores overlap the two
    halves of a cold start."""
    warm = _WARM.get("pdf")
    if warm is not None:  # `watch` keeps one helper, already warm, across its builds
        for job in jobs:
            yield run_job(job, pdf_executor=warm.executor())
        return
    if not offload_pdf:
        for job in jobs:
            yield run_job(job)
        return
    helper = PdfHelper()
    try:
        for job in jobs:
            yield run_job(job, pdf_executor=helper)
    finally:
        helper.close()


class PdfHelper(Executor):
    """The one-brief PDF helper, started once the input has been read and validated (``prepare``, called by
    run_job), so that it still imports WeasyPrint while the model and charts are made, but an input that fails
    validation (the usual failure from the terminal) never starts a process: 0.3 CPU-s less per such build."""

    def __init__(self) -> None:
        self._executor: Any = None

    def prepare(self) -> None:
        if self._executor is None:
            self._executor = _start_helper()

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        self.prepare()
        return self._executor.submit(fn, *args, **kwargs)

    def close(self) -> None:
        if self._executor is not None:
            _stop_helper(self._executor)
            self._executor = None


def _start_helper() -> Any:
    """A spawned one-process pool whose process imports WeasyPrint and parses the stylesheets now. It is
    spawned with SIGINT ignored (inherited through exec), so a Ctrl-C during its start-up cannot reach it."""
    import multiprocessing
    import signal
    from concurrent.futures import ProcessPoolExecutor

    executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=pdf_helper,
                                   initargs=(os.getpid(),))
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread
        previous = None
    try:
        executor.submit(int)  # start the process now, not at the first PDF
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    return executor


class WarmRenderer:
    """One PDF helper kept warm across builds (``watch``): WeasyPrint imported, fonts and stylesheets parsed
    once, so a saved input costs the layout, not the start-up. A helper that died is replaced at the next
    build. The chart engine of this process starts in a thread meanwhile."""

    def __init__(self) -> None:
        import threading

        self._executor: Any = _start_helper()
        threading.Thread(target=warm_worker, kwargs={"weasyprint": False}, daemon=True).start()

    def executor(self) -> Any:
        if getattr(self._executor, "_broken", False):
            _stop_helper(self._executor)
            self._executor = _start_helper()
        return self._executor

    def close(self) -> None:
        _stop_helper(self._executor)


@contextmanager
def warm_renderer() -> Iterator[WarmRenderer]:
    """While open, every build of this process renders its PDFs in the one warm helper (run_in_process)."""
    renderer = WarmRenderer()
    _WARM["pdf"] = renderer
    try:
        yield renderer
    finally:
        _WARM.pop("pdf", None)
        renderer.close()


def _stop_helper(executor: object) -> None:
    """End the PDF helper now. Every PDF it rendered has been awaited, so it is idle, or still importing
    WeasyPrint when the brief failed before its PDF. Left to finish on its own (shutdown(wait=False)), it
    outlived the build, and a Ctrl-C in ``watch`` then reached it mid-start-up, which printed 'Fatal
    Python error: init_import_site' on the terminal. Waiting for it would make a failed brief wait for
    WeasyPrint's import; SIGTERM ends a Python process silently."""
    terminate = getattr(executor, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
        return
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)  # type: ignore[attr-defined]
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(5)


def run_in_pool(jobs: list[Job], workers: int) -> Iterator[Result]:
    """Results as they complete. When a worker dies (killed, out of memory), the pool breaks; the
    briefs it had not finished are then retried one at a time in fresh single-worker pools, so only
    the brief that kills its worker fails."""
    broken: list[Job] = []
    for job, outcome in _pool(jobs, workers):
        if isinstance(outcome, Result):
            yield outcome
        else:
            broken.append(job)
    for job in broken:
        for _, outcome in _pool([job], 1):
            yield outcome if isinstance(outcome, Result) else _crashed(
                job, RuntimeError("its worker process died (killed or out of memory)"))


# What a pool worker needs, imported once in the forkserver the workers are forked from (reportgen/processes.py),
# not once per worker; WeasyPrint only for workers that lay out PDFs.
POOL_PRELOAD = ["reportgen.batch.job", "reportgen.pipeline", "reportgen.charts.render", "reportgen.render.html",
                "reportgen.render.boundary", "altair", "vl_convert"]
PDF_PRELOAD = ["reportgen.render.pdf", "weasyprint"]


def _pool(jobs: list[Job], workers: int) -> Iterator[tuple[Job, Result | BaseException]]:
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    from reportgen.processes import forkserver_context

    pdf = lays_out_pdf(jobs)
    context = forkserver_context(POOL_PRELOAD + PDF_PRELOAD if pdf else POOL_PRELOAD)
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context, initializer=pool_worker,
                             initargs=(os.getpid(), pdf)) as pool:
        futures = {pool.submit(run_job, job): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            try:
                yield job, future.result()
            except BrokenProcessPool as exc:
                yield job, exc
            except Exception as exc:
                yield job, _crashed(job, exc)


def _crashed(job: Job, exc: BaseException) -> Result:
    return Result(job.bundle.display, job.bundle.name, job.key, "failed",
                  errors=[f"{job.bundle.display}: {exc}"])


def run_on_dask(jobs: list[Job], scheduler: str, workers: int) -> Iterator[Result]:
    """The same jobs on dask.distributed: ``scheduler`` is an address (tcp://host:port) or "local"
    for a LocalCluster of spawned worker processes on this machine."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as exc:
        from reportgen.errors import UsageError

        raise UsageError("--scheduler needs dask.distributed: pip install 'reportgen[dask]'") from exc
    import dask

    cluster = None
    with dask.config.set({"distributed.worker.multiprocessing-method": "spawn"}):
        if scheduler == "local":
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=40)
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout="20s")
        try:
            client.run(warm_worker)
            futures = {client.submit(run_job, job, pure=False, key=f"reportgen-{i}-{job.key[:12]}"): job
                       for i, job in enumerate(jobs)}
            for future in as_completed(list(futures)):
                job = futures[future]
                try:
                    yield future.result()
                except Exception as exc:
                    yield _crashed(job, exc)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
