"""``watch``: rebuild what a change affects, as files are saved.

A changed input rebuilds its company; a changed data file rebuilds the companies that read it; a
changed template rebuilds them all. Changes are debounced (an editor's save is often several
writes), the output folder is ignored, and an invalid intermediate save is reported while the last
good brief stays in place.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from typing import Any

from reportgen.batch.executors import warm_renderer
from reportgen.batch.options import BuildOptions
from reportgen.batch.orchestrate import BuildReport, Event, build
from reportgen.batch.plan import Manifest, template_layers
from reportgen.contract.source import DATA_SUFFIXES, INPUT_SUFFIXES
from reportgen.paths import builtin_templates

DEBOUNCE_MS = 300


def _inside(path: str, folder: str) -> bool:
    return os.path.commonpath([path, folder]) == folder


def affected_inputs(changed: set[str], paths: list[str], options: BuildOptions) -> list[str] | None:
    """The inputs a set of changed files affects, or None for "all of them" (a template changed)."""
    from reportgen.contract.discover import discover_inputs

    template_roots = [builtin_templates(), *template_layers(options.templates_dir)]
    if any(_inside(path, root) for path in changed for root in template_roots):
        return None
    inputs = discover_inputs(paths, exclude=[options.out_dir])
    by_real = {os.path.realpath(p): p for p in inputs}
    affected = [by_real[p] for p in sorted(changed) if p in by_real]
    manifest = Manifest.load(options.out_dir)
    readers = {os.path.realpath(entry.get("input", "")): entry.get("data_files", [])
               for entry in manifest.entries.values()}
    for real, data_files in readers.items():
        if real in by_real and any(os.path.realpath(d) in changed for d in data_files):
            affected.append(by_real[real])
    return list(dict.fromkeys(affected))


def watch(paths: list[str], options: BuildOptions, on_event: Event | None = None,
          stop: threading.Event | None = None,
          on_build: Callable[[BuildReport], None] | None = None) -> Iterator[BuildReport]:
    """Build once, then again after every relevant change, until ``stop`` is set. Yields reports."""
    from watchfiles import DefaultFilter
    from watchfiles import watch as watch_files

    out_real = os.path.realpath(options.out_dir)
    interesting = INPUT_SUFFIXES + DATA_SUFFIXES

    class Relevant(DefaultFilter):
        def __call__(self, change: Any, path: str) -> bool:
            real = os.path.realpath(path)
            name = os.path.basename(path)
            if _inside(real, out_real) or name.startswith((".", "#")) or name.endswith(("~", ".swp", ".tmp")):
                return False
            return super().__call__(change, path)  # also drops .git, __pycache__, editor files

    roots = [os.path.realpath(p if os.path.isdir(p) else os.path.dirname(os.path.abspath(p))) for p in paths]
    roots += [builtin_templates(), *template_layers(options.templates_dir)]
    roots = [r for r in dict.fromkeys(roots) if os.path.isdir(r)]

    # One warm renderer for the whole session (a PDF helper with WeasyPrint, fonts and stylesheets loaded, and
    # this process's chart engine started): a saved input costs its layout, not a cold start. It ends with
    # the generator (Ctrl-C, stop, close) and with this process (the helper's parent-death watchdog).
    with warm_renderer() if "pdf" in options.formats else nullcontext():
        report = build(paths, options, on_event)
        yield report
        for changes in watch_files(*roots, watch_filter=Relevant(), debounce=DEBOUNCE_MS, step=50,
                                   stop_event=stop, rust_timeout=500, yield_on_timeout=False):
            changed = {os.path.realpath(path) for _, path in changes}
            changed = {p for p in changed if p.lower().endswith(interesting) or any(
                _inside(p, r) for r in roots[-2:] if r != roots[0])}
            if not changed:
                continue
            targets = affected_inputs(changed, paths, options)
            if targets == []:
                continue
            yield build(paths if targets is None else targets, options, on_event)
