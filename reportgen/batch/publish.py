"""Publishing what a build made: a brief's files written all or none, the manifest saved as briefs
complete, the index page, and the leftovers of a build that was killed mid-write."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time

from reportgen.batch.job import Result
from reportgen.batch.options import BuildOptions
from reportgen.batch.plan import Manifest


def remove_leftovers(folders: list[str]) -> None:
    """Temporary files of a build that was killed mid-write (we hold the lock: no build is writing)."""
    for folder in folders:
        for sub in (folder, os.path.join(folder, "charts")):
            try:
                names = os.listdir(sub)
            except OSError:
                continue
            for name in names:
                if name.startswith(".tmp-"):
                    with contextlib.suppress(OSError):
                        os.unlink(os.path.join(sub, name))


def write_brief(result: Result, options: BuildOptions, manifest: Manifest, templates: str,
                moment: dt.datetime | None = None) -> bool:
    """Write a brief's files as one generation (reportgen.pipeline.write_files: all new or all as they were,
    model.json last, charts no longer drawn dropped), then record the brief in the manifest. Raises OSError
    only when the previous brief is unchanged, or PartialWriteError when it could not be put back (its
    manifest entry is then dropped: it is rebuilt). A brief replaced by different bytes is archived first
    (batch/archive.py); returns whether it was."""
    from reportgen.atomic import PartialWriteError
    from reportgen.batch.archive import archive_current, build_time, changes_brief, discard, published
    from reportgen.pipeline import write_files

    folder = os.path.join(options.out_dir, result.name)
    current = published(folder)
    changed = changes_brief(folder, result.files, current)
    try:
        archived = (archive_current(folder, options.keep_versions, moment or build_time(), current)
                    if changed else None)
    except OSError as exc:  # the brief's folder cannot take the copy: it cannot take the new brief either
        raise OSError(exc.errno, exc.strerror) from exc
    try:
        write_files(folder, result.files)
    except PartialWriteError:
        manifest.entries.pop(result.name, None)
        raise
    except OSError:
        if archived is not None:  # the brief it copied is still the current one
            discard(folder, archived)
        raise
    if changed:
        from reportgen.batch.archive import prune
        from reportgen.batch.intranet import write_history
        from reportgen.errors import ReportgenError

        prune(folder, options.keep_versions)  # only now: a brief that could not be replaced loses no version
        # The brief is published: a history page that cannot be written now is rewritten by its next change
        with contextlib.suppress(OSError, ReportgenError):
            write_history(folder, result.summary.get("name") or result.name)
    manifest.entries[result.name] = {
        "input": result.input,
        "key": result.key,  # of the bytes it was built from (see _job)
        "data_files": result.data_files,
        "data_written": result.data_written,
        "summary": result.summary,
        "formats": sorted(options.formats),
    }
    if options.overrides:  # a what-if (the next build of the unmodified input must not be refused for it)
        manifest.entries[result.name]["what_if"] = list(options.overrides)
    result.files = {}  # written: free the memory of a large batch
    return changed


def write_failure(result: Result, options: BuildOptions, exc: OSError) -> str:
    """What a failed write_brief did, in one line: which file, why, and in what state the brief is."""
    from reportgen.atomic import PartialWriteError

    folder = os.path.join(options.out_dir, result.name)
    reason = exc.strerror or str(exc)
    name = exc.filename if isinstance(exc.filename, str) else None
    if name and not os.path.basename(name).startswith(".tmp-") and (
            os.path.abspath(name).startswith(os.path.abspath(folder) + os.sep)):
        reason = f"{os.path.relpath(os.path.abspath(name), os.path.abspath(folder))}: {reason}"
    if isinstance(exc, PartialWriteError):
        return (f"{result.input}: could not write {folder}: {reason}; the brief's files are partly new and "
                "partly old, and the next build rebuilds it")
    return (f"{result.input}: could not write {folder}: {reason}; the previous brief is unchanged (none of its "
            "files was replaced)")


class ManifestSaver:
    """Saves the manifest at most once a second while briefs complete, and at the end: a thousand
    briefs do not rewrite a growing manifest a thousand times. A brief written but not yet recorded
    when the build is killed is simply rebuilt by the next build."""

    INTERVAL = 1.0

    def __init__(self, manifest: Manifest):
        self.manifest = manifest
        self.dirty = False
        self.last = time.monotonic()
        self.error: OSError | None = None

    def changed(self) -> None:
        self.dirty = True
        if time.monotonic() - self.last >= self.INTERVAL:
            self.flush()

    def flush(self) -> None:
        """Never raises OSError (it runs in a ``finally``, where a raise would hide the build's report):
        a failed save is kept in ``error``, stays dirty and is retried by the next flush."""
        if self.dirty:
            try:
                self.manifest.save()
            except OSError as exc:
                self.error = exc
            else:
                self.dirty = False
                self.error = None  # a later save recorded everything the failed one missed
        self.last = time.monotonic()


def write_index(options: BuildOptions, manifest: Manifest, changed: list[str] | None = None,
                moment: dt.datetime | None = None) -> str:
    """The index page, then feed.xml (batch/intranet.py) from the same rows."""
    from reportgen.atomic import write_atomic
    from reportgen.batch.archive import build_time, versions
    from reportgen.batch.intranet import write_feed
    from reportgen.render.index import render_index

    rows = []
    for name, entry in sorted(manifest.entries.items(), key=lambda item: (item[1].get("summary") or {}).get(
            "name", item[0]).casefold()):
        folder = os.path.join(options.out_dir, name)
        if not os.path.isdir(folder) or not entry.get("summary"):
            continue
        rows.append({"folder": name, **entry["summary"],
                     "has_pdf": os.path.isfile(os.path.join(folder, "brief.pdf")),
                     "has_html": os.path.isfile(os.path.join(folder, "brief.html")),
                     "has_json": os.path.isfile(os.path.join(folder, "model.json")),
                     "versions": len(versions(folder)), "changed": name in (changed or ()),
                     "what_if": entry.get("what_if") or []})
    moment = moment or build_time()
    path = os.path.join(options.out_dir, "index.html")
    write_atomic(path, render_index(rows, moment).encode("utf-8"))
    write_feed(options, rows, moment)
    return path
