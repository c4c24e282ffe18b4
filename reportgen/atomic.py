"""Atomic file writes: a reader (a web server, a PDF viewer, a cron job) sees the old file or the new
one, never half of either."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
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


class PartialWriteError(OSError):
    """Some of a set of files were replaced and putting the old ones back failed too: the set is mixed."""


def _refuse_non_files(paths: list[str]) -> None:
    """Every target must be absent or a file (or a link) that a rename can replace. A folder squatting on a
    target name made the rename of that one file fail after the others had been replaced."""
    for path in paths:
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            continue
        except NotADirectoryError:  # a parent is a file: staging fails with a clear error below
            continue
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", path)


def _keep_old(path: str) -> str | None:
    """A hard link to the file now at ``path`` (None when there is none), to put it back if a later rename
    of the same set fails. A link costs no copy and leaves ``path`` in place for readers."""
    folder, base = os.path.split(os.path.abspath(path))
    for _ in range(16):
        backup = os.path.join(folder, f".tmp-{secrets.token_hex(6)}-old-{base}")
        try:
            os.link(path, backup, follow_symlinks=False)
            return backup
        except FileNotFoundError:
            return None
        except FileExistsError:
            continue
        except OSError:  # a filesystem without hard links: a copy does the same, at the cost of the bytes
            import shutil

            try:
                shutil.copy2(path, backup, follow_symlinks=False)
            except FileNotFoundError:
                return None
            return backup
    raise FileExistsError(errno.EEXIST, "no free name for a backup", path)


def write_all_atomic(files: list[tuple[str, bytes]], *, mode: int = FILE_MODE) -> None:
    """Write several files as one generation: after it, all are new or (on any error) all are as they were.

    Every target is checked first (a folder where a file must go is refused before anything is written),
    then every temporary file is written and fsynced, and each existing target is kept as a hard link.
    The temporary files are then renamed in order; when a rename fails, the files already renamed are put
    back from their links (or removed, when they are new) and the error is raised. No temporary file or
    link remains. Only a crash between two renames, or a failure to put a file back (PartialWriteError),
    can leave some files new and some old (each one whole)."""
    _refuse_non_files([path for path, _ in files])
    staged: list[tuple[str, str]] = []
    backups: dict[str, str | None] = {}
    renamed: list[str] = []
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
        for _, path in staged:
            backups[path] = _keep_old(path)
        try:
            for temporary, path in staged:
                os.replace(temporary, path)
                renamed.append(path)
        except BaseException as exc:
            _put_back(renamed, backups, exc)
            raise
    finally:
        for temporary in [t for t, _ in staged] + [b for b in backups.values() if b]:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
    for folder in dict.fromkeys(os.path.dirname(os.path.abspath(path)) for _, path in staged):
        fsync_dir(folder)


def _put_back(renamed: list[str], backups: dict[str, str | None], cause: BaseException) -> None:
    failed = []
    for path in reversed(renamed):
        try:
            backup = backups.get(path)
            if backup is None:
                os.unlink(path)
            else:
                os.replace(backup, path)
        except OSError:
            failed.append(path)
    if failed:
        reason = getattr(cause, "strerror", None) or str(cause)
        raise PartialWriteError(errno.EIO, f"{reason}, and the earlier files could not be put back "
                                f"({', '.join(os.path.basename(p) for p in failed)} are new)",
                                getattr(cause, "filename", None)) from cause
