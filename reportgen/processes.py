"""The forkserver that a build's worker processes start from.

A pool worker or a limited template child started with ``spawn`` imports numpy, pandas, altair and WeasyPrint
again (about 2 s of CPU a process). Started from the forkserver, they are forked from one process that imported
them once. That process only imports: nothing in it starts the chart engine or lays out a page (vl-convert
deadlocks in a child forked once its parent has used it). It ends when the process that started it ends, and
so do the workers forked from it (batch/lifeline.py end_with_parent).

A process has one forkserver; the first caller's ``preload`` is the one it imports (later callers' modules
are imported by each child as it needs them).
"""

from __future__ import annotations

from typing import Any


def forkserver_context(preload: list[str]) -> Any:
    """The multiprocessing context of this process's forkserver, which imports ``preload`` when it starts."""
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(preload)
    return context
