"""Rendering user templates (``--templates``) under a time and a memory limit.

A user template is code: the sandbox stops it from reaching Python internals, but not from looping
for hours or building a gigabyte of output. So it renders in a child process forked from a clean
forkserver (never from a worker that has started the chart engine), with an address-space limit;
the parent waits at most ``TIME_LIMIT`` seconds, then kills it. A runaway template fails its brief,
not the batch. Built-in templates are trusted and render in-process.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import resource
from typing import Any

from reportgen.errors import ReportgenError, TemplateError

TIME_LIMIT = 20.0  # seconds; a brief renders in well under 0.1 s
MEMORY_LIMIT = 1 << 30  # bytes of address space for the child


def _child(connection: Any, model: Any, charts: list[Any], targets: tuple[str, ...], templates: Any,
           digest: str, memory_limit: int) -> None:
    with contextlib.suppress(ValueError, OSError):  # a lower hard limit may already be in place
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    try:
        from reportgen.render.html import render_html

        outcome: Any = {t: render_html(model, charts, target=t, templates=templates, templates_digest=digest)
                        for t in targets}
    except ReportgenError as exc:
        outcome = ("error", str(exc))
    except MemoryError:
        outcome = ("error", f"template rendering exceeded the memory limit of {memory_limit >> 20} MiB")
    except BaseException as exc:  # a template must not be able to take the parent down with it
        outcome = ("error", f"template rendering failed: {type(exc).__name__}: {str(exc)[:200]}")
    try:
        connection.send(outcome)
    except MemoryError:
        connection.send(("error", "template output too large"))
    finally:
        connection.close()


def _context() -> Any:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["reportgen.render.html"])
    return context


def render_isolated(model: Any, charts: list[Any], targets: tuple[str, ...], templates: Any, digest: str,
                    time_limit: float = TIME_LIMIT, memory_limit: int = MEMORY_LIMIT) -> dict[str, Any]:
    """``{target: (html, warnings)}`` rendered in a limited child; TemplateError when it fails."""
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, model, charts, targets, templates, digest, memory_limit),
                              daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(time_limit):
            raise TemplateError(f"template rendering exceeded the time limit of {time_limit:g} s "
                                "(a runaway loop in a --templates file?)")
        try:
            outcome = receiver.recv()
        except EOFError:
            raise TemplateError("template rendering died (killed, or out of memory)") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        receiver.close()
    if isinstance(outcome, tuple) and outcome and outcome[0] == "error":
        raise TemplateError(outcome[1])
    return outcome
