"""Atomic file writes: a reader (a web server, a PDF viewer, a cron job) sees the old file or the new
one, never half of either."""

from __future__ import annotations

import contextlib
import os
import tempfile

FILE_MODE = 0o644  # briefs are served on an intranet: readable by the web server's user


def write_atomic(path: str, content: bytes, *, mode: int = FILE_MODE) -> None:
    """Write ``content`` to a temporary file in the same folder, fsync it, then ``os.replace`` it over
    ``path`` and fsync the folder so the rename itself survives a crash."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix="-" + os.path.basename(path))
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    fsync_dir(folder)


def fsync_dir(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems refuse fsync on a directory; the rename is still atomic
    finally:
        os.close(fd)


def write_all_atomic(files: list[tuple[str, bytes]], *, mode: int = FILE_MODE) -> None:
    """Write several files so that a failure while writing (disk full, permission) replaces none of
    them: every temporary file is written and fsynced first, then they are renamed in order. Only a
    crash between two renames can leave some files new and some old (each one whole)."""
    staged: list[tuple[str, str]] = []
    try:
        for path, content in files:
            folder = os.path.dirname(os.path.abspath(path))
            os.makedirs(folder, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix="-" + os.path.basename(path))
            staged.append((temporary, path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, mode)
    except BaseException:
        for temporary, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        raise
    for temporary, path in staged:
        os.replace(temporary, path)
    for folder in dict.fromkeys(os.path.dirname(os.path.abspath(path)) for _, path in staged):
        fsync_dir(folder)
