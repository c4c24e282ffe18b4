"""Rendering user templates (``--templates``) under a time and a memory limit.

A user template is code: the sandbox stops it from reaching Python internals, but not from looping
for hours or building a gigabyte of output. So it renders in a child process forked from a clean
forkserver (never from a worker that has started the chart engine), with an address-space limit.
It may spend ``TIME_LIMIT`` seconds of CPU time (RLIMIT_CPU: a busy machine slows it but does not fail it),
and the parent kills it after ``WALL_FACTOR`` times that in wall time (a child that waits instead of
computing). A runaway template fails its brief, not the batch. Built-in templates are trusted and render in-process.

What a user template renders is as untrusted as the template: 50,000 short paragraphs render in a
second and take WeasyPrint minutes and gigabytes to lay out. So the same child also checks the HTML
brief's boundary, caps the rendered size (``MAX_OUTPUT``), and lays out the PDF, under the same
memory limit and a fresh ``TIME_LIMIT`` of CPU time for the layout.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
from dataclasses import dataclass
from typing import Any

from reportgen.errors import ReportgenError, ResourceLimitError, TemplateError

# seconds of CPU time, for the rendering and again for the PDF layout (a brief takes about 0.1 s and 1-3 s); the
# environment variable REPORTGEN_TEMPLATE_TIME_LIMIT overrides it (the tests shorten it for their runaway templates)
TIME_LIMIT = float(os.environ.get("REPORTGEN_TEMPLATE_TIME_LIMIT") or 20.0)
WALL_FACTOR = 6  # the wall-clock backstop, as a multiple of TIME_LIMIT: only a child that does not compute meets it
MEMORY_LIMIT = 1 << 30  # bytes of address space for the child (a brief's PDF layout peaks near 0.3 GiB)
MAX_OUTPUT = 5 << 20  # characters of rendered HTML per document; the built-in brief is about 0.2 MB


@dataclass(frozen=True)
class PageOptions:
    """What the built-in render is told besides the templates: the interactive charts' specs (chart name ->
    spec JSON, made by the parent from the model) and whether the what-changed box links to the history page."""

    interactive: dict[str, str] | None = None
    history_link: bool = True


def _guarded(what: str, memory_limit: int, work: Any) -> Any:
    try:
        return work()
    except ReportgenError as exc:
        return ("error", str(exc))
    except MemoryError:
        return ("error", f"{what} exceeded the memory limit of {memory_limit >> 20} MiB")
    except BaseException as exc:  # a template must not be able to take the parent down with it
        return ("error", f"{what} failed: {type(exc).__name__}: {str(exc)[:200]}")


def _render(model: Any, charts: list[Any], targets: tuple[str, ...], templates: Any, digest: str,
            page: PageOptions) -> Any:
    from reportgen.render.boundary import seal_html
    from reportgen.render.html import render_html

    documents = {}
    for target in targets:
        interactive = page.interactive if target == "html" else None
        html, warnings = render_html(model, charts, target=target, templates=templates, templates_digest=digest,
                                     interactive=interactive, history_link=page.history_link)
        if len(html) > MAX_OUTPUT:
            raise TemplateError(f"template output too large: the rendered {target.upper()} brief has "
                                f"{len(html) / 1e6:.1f} million characters (the limit is {MAX_OUTPUT / 1e6:.1f} "
                                "million; a runaway loop in a --templates file?)")
        if target == "html":
            scripts: tuple[str, ...] = ()
            if interactive:
                from reportgen.render.scripts import vega_runtime

                scripts = (vega_runtime(),)
            html = seal_html(html, templates, scripts=scripts)
        documents[target] = (html, warnings)
    return ("documents", documents)


def _limit_cpu(seconds: float) -> None:
    """SIGXCPU (which ends the process) once it has computed ``seconds`` more from now."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(usage.ru_utime + usage.ru_stime + seconds + 0.999)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _child(connection: Any, model: Any, charts: list[Any], targets: tuple[str, ...], templates: Any,
           digest: str, memory_limit: int, pdf_variant: str | None, time_limit: float, page: PageOptions) -> None:
    with contextlib.suppress(ValueError, OSError):  # a lower hard limit may already be in place
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    signal.signal(signal.SIGXCPU, signal.SIG_DFL)
    try:
        _limit_cpu(time_limit)
        outcome = _guarded("template rendering", memory_limit,
                           lambda: _render(model, charts, targets, templates, digest, page))
        _send(connection, outcome)
        if outcome[0] == "documents" and "pdf" in outcome[1]:
            from reportgen.render.pdf import render_pdf_here

            html = outcome[1]["pdf"][0]
            del outcome
            _limit_cpu(time_limit)  # a fresh allowance for the layout
            _send(connection, _guarded("the PDF layout of the template's output", memory_limit,
                                       lambda: ("pdf", render_pdf_here(html, templates=templates,
                                                                       variant=pdf_variant))))
    finally:
        connection.close()


def _send(connection: Any, outcome: Any) -> None:
    try:
        connection.send(outcome)
    except MemoryError:
        connection.send(("error", "template output too large"))


def _context(pdf: bool) -> Any:
    from reportgen.processes import forkserver_context

    # WeasyPrint is imported once into the forkserver, not once per brief (about 1 s each), and only when the
    # child lays out a PDF.
    return forkserver_context(["reportgen.render.html", "reportgen.render.boundary", *(["weasyprint"] if pdf else [])])


def _over_time(what: str, time_limit: float) -> ResourceLimitError:
    return ResourceLimitError(f"{what} exceeded the time limit of {time_limit:g} s "
                              "(a runaway loop in a --templates file, or output too large?)")


def _receive(receiver: Any, process: Any, time_limit: float, what: str) -> Any:
    if not receiver.poll(time_limit * WALL_FACTOR):
        raise _over_time(what, time_limit)
    try:
        outcome = receiver.recv()
    except EOFError:
        process.join(5)
        if process.exitcode == -signal.SIGXCPU:
            raise _over_time(what, time_limit) from None
        raise ResourceLimitError(f"{what} died (killed, or out of memory)") from None
    if isinstance(outcome, tuple) and outcome and outcome[0] == "error":
        raise TemplateError(outcome[1])
    return outcome[1]


def render_isolated(model: Any, charts: list[Any], targets: tuple[str, ...], templates: Any, digest: str,
                    time_limit: float = TIME_LIMIT, memory_limit: int = MEMORY_LIMIT,
                    pdf_variant: str | None = None, page: PageOptions | None = None) -> tuple[dict[str, Any], Any]:
    """``({target: (html, warnings)}, (pdf, warnings) or None)`` rendered, checked (the HTML brief's
    boundary) and, when "pdf" is a target, laid out in a limited child; TemplateError when it fails."""
    context = _context("pdf" in targets)
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, model, charts, targets, templates, digest, memory_limit,
                                                   pdf_variant, time_limit, page or PageOptions()), daemon=True)
    process.start()
    sender.close()
    try:
        documents = _receive(receiver, process, time_limit, "template rendering")
        pdf = _receive(receiver, process, time_limit, "the PDF layout of the template's output") \
            if "pdf" in documents else None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        receiver.close()
    return documents, pdf
