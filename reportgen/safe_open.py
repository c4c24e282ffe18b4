"""Reading files beneath a folder without a window between checking a name and opening it.

Inputs, history files, user templates and the chart cache are edited by many people while a build runs.
Checking a path (``realpath``, ``isfile``) and then opening it lets a file be swapped for a link to a file
outside the folder, or for a FIFO, in between. Here nothing is opened by its full path: a folder is opened
once, and every name under it is opened relative to its parent folder's descriptor, one component at a time,
with ``O_NOFOLLOW`` (a link is never followed by the kernel) and ``O_NONBLOCK`` (a FIFO cannot block the
open). A link is resolved here instead, component by component from the folder's own descriptor, and refused
when it leads out of the folder (``..`` above it, or an absolute target elsewhere). What is read is read from
the descriptor that ``fstat`` checked: a regular file, of at most the limit.

Standard library only (with ``reportgen.errors``): the planner uses it for hashing, without importing the
rendering stack.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable, Iterator

_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
FILE_FLAGS = os.O_RDONLY | _CLOEXEC | _NOFOLLOW | _NONBLOCK
FOLDER_FLAGS = os.O_RDONLY | _CLOEXEC | _NOFOLLOW | _NONBLOCK | _DIRECTORY
MAX_LINKS = 40  # as the kernel's own limit on links followed in one lookup


class NotRegular(OSError):
    """A FIFO, a device, a socket (opened non-blocking, never read)."""


class OutsideFolder(OSError):
    """The name, or a link on its way, leads out of the folder."""


class TooLarge(OSError):
    def __init__(self, size: int):
        super().__init__(errno.EFBIG, f"{size} bytes")
        self.size = size


class Folder:
    """An open folder: names are resolved beneath it, never above it.

    ``path`` is the operator's (or the build's) own name for the folder; links in it are followed once, when
    it is opened. Everything below it is untrusted."""

    def __init__(self, path: str, fd: int | None = None):
        self.path = path
        self.fd = os.open(path, os.O_RDONLY | _CLOEXEC | _DIRECTORY) if fd is None else fd
        info = os.fstat(self.fd)
        self.id = (info.st_dev, info.st_ino)
        # Absolute link targets are taken as under the folder when they start with one of its names.
        names = {os.path.abspath(path)}
        with contextlib.suppress(OSError):  # a racing rename: only the name as given then
            names.add(os.path.realpath(path))
        self._prefixes = tuple(sorted(n.rstrip(os.sep) for n in names))

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> Folder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- resolving a name -------------------------------------------------------------------------------

    def _under(self, target: str) -> list[str] | None:
        """The components of an absolute link target relative to the folder, or None when it is elsewhere."""
        for prefix in self._prefixes:
            if target == prefix or target.startswith(prefix + os.sep) or prefix == "":
                return target[len(prefix):].split(os.sep)
        return None

    def open(self, relative: str, *, folder: bool = False) -> int:
        """A descriptor of what ``relative`` names beneath the folder, links resolved beneath it too. The
        last component is opened non-blocking (with ``folder``, as a folder); the caller fstat's it.
        OutsideFolder when the name or a link leaves the folder; the kernel's OSError otherwise."""
        if "\x00" in relative:
            raise OutsideFolder(errno.EINVAL, "NUL in a name", relative)
        if os.path.isabs(relative):
            raise OutsideFolder(errno.EXDEV, "an absolute path", relative)
        if os.path.normpath(relative).split(os.sep)[0] == "..":  # as written, whatever exists on the way
            raise OutsideFolder(errno.EXDEV, "leaves the folder", relative)
        pending = relative.split(os.sep)
        stack = [self.fd]  # the folders walked through; stack[0] is the folder itself (not ours to close)
        links = 0
        try:
            while True:
                while pending and pending[0] in ("", "."):
                    pending.pop(0)
                if not pending:
                    return os.dup(stack[-1])  # the name was the folder (or a folder on its way) itself
                part = pending.pop(0)
                if part == "..":
                    if len(stack) == 1:
                        raise OutsideFolder(errno.EXDEV, "leaves the folder", relative)
                    os.close(stack.pop())
                    continue
                last = all(p in ("", ".") for p in pending)
                flags = FOLDER_FLAGS if (folder or not last) else FILE_FLAGS
                try:
                    fd = os.open(part, flags, dir_fd=stack[-1])
                except OSError as exc:
                    if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
                        raise
                    try:  # a link (ELOOP; ENOTDIR with O_DIRECTORY on some kernels): resolve it here
                        target = os.readlink(part, dir_fd=stack[-1])
                    except OSError as again:
                        if again.errno != errno.EINVAL:
                            raise
                        if exc.errno == errno.ELOOP and links < MAX_LINKS:  # swapped back from a link: again
                            links += 1  # each look counts against MAX_LINKS
                            pending.insert(0, part)
                            continue
                        raise exc from None  # ENOTDIR: a file where a folder was named
                    links += 1
                    if links > MAX_LINKS:
                        raise OSError(errno.ELOOP, "too many levels of links", relative) from None
                    if os.path.isabs(target):
                        inside = self._under(target)
                        if inside is None:
                            raise OutsideFolder(errno.EXDEV, "links out of the folder", relative) from None
                        while len(stack) > 1:
                            os.close(stack.pop())
                        pending = inside + pending
                    else:
                        pending = target.split(os.sep) + pending
                    continue
                if last and not folder:
                    return fd
                stack.append(fd)
        finally:
            for fd in stack[1:]:
                os.close(fd)

    def read(self, relative: str, limit: int) -> bytes:
        """The bytes of the regular file ``relative`` names beneath the folder, at most ``limit``."""
        fd = self.open(relative)
        try:
            return read_fd(fd, limit, relative)
        finally:
            os.close(fd)

    def subfolder(self, relative: str) -> Folder:
        """The folder ``relative`` names beneath this one, opened through this one's descriptor."""
        fd = self.open(relative, folder=True)
        return Folder(os.path.join(self.path, relative), fd)

    # --- walking ----------------------------------------------------------------------------------------

    def walk(self, want: Callable[[str], bool] | None = None,
             skip_hidden: bool = True) -> Iterator[tuple[str, int | None, str | None]]:
        """Every entry below the folder, in a stable order: ``(relative name, descriptor, problem)``. The
        descriptor (the caller closes it) is that of a regular file; ``problem`` says why there is none:
        "link out", "not regular", "unreadable: ...". Folders are entered through their descriptors; links to
        folders are not entered (as ``os.walk``); links to files beneath the folder are resolved. With
        ``want``, only files whose relative name it accepts are opened (folders are always entered)."""
        yield from self._walk(self.fd, "", want, skip_hidden, depth=0)

    def _walk(self, dir_fd: int, prefix: str, want: Callable[[str], bool] | None, skip_hidden: bool,
              depth: int) -> Iterator[tuple[str, int | None, str | None]]:
        if depth > 32:
            return
        for name in sorted(os.listdir(dir_fd)):
            if skip_hidden and name.startswith("."):
                continue
            relative = prefix + name
            wanted = want is None or want(relative)
            try:
                fd = os.open(name, FILE_FLAGS if wanted else FOLDER_FLAGS, dir_fd=dir_fd)
            except OSError as exc:
                if not wanted:
                    continue  # not a folder (ENOTDIR), a link (ELOOP), gone: not asked for
                if exc.errno != errno.ELOOP:
                    yield relative, None, f"unreadable: {exc.strerror or exc}"
                    continue
                yield from self._walk_link(relative)
                continue
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                try:
                    yield from self._walk(fd, relative + "/", want, skip_hidden, depth + 1)
                finally:
                    os.close(fd)
            elif stat.S_ISREG(info.st_mode):
                yield relative, fd, None
            else:
                os.close(fd)
                yield relative, None, "not regular"

    def _walk_link(self, relative: str) -> Iterator[tuple[str, int | None, str | None]]:
        try:
            fd = self.open(relative)
        except OutsideFolder:
            yield relative, None, "link out"
            return
        except FileNotFoundError:
            return  # a dangling link: nothing to read
        except OSError as exc:
            yield relative, None, f"unreadable: {exc.strerror or exc}"
            return
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode):
            yield relative, fd, None
            return
        os.close(fd)
        if not stat.S_ISDIR(info.st_mode):  # a link to a folder is not entered
            yield relative, None, "not regular"


def read_fd(fd: int, limit: int, name: str = "") -> bytes:
    """Read a descriptor that fstat shows to be a regular file of at most ``limit`` bytes."""
    info = os.fstat(fd)
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory", name)
    if not stat.S_ISREG(info.st_mode):
        raise NotRegular(errno.EINVAL, "not a regular file", name)
    if info.st_size > limit:
        raise TooLarge(info.st_size)
    chunks = []
    remaining = limit + 1
    while remaining > 0:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    content = b"".join(chunks)
    if len(content) > limit:  # grew while it was read
        raise TooLarge(len(content))
    return content


def read_limited(path: str, limit: int) -> bytes:
    """A regular file the build itself names (its own output folder, a file named on the command line):
    opened non-blocking, checked with fstat, at most ``limit`` bytes. Links in ``path`` are followed."""
    fd = os.open(path, os.O_RDONLY | _CLOEXEC | _NONBLOCK)
    try:
        return read_fd(fd, limit, path)
    finally:
        os.close(fd)


def read_beneath(folder: str, relative: str, limit: int) -> bytes:
    """``Folder(folder).read(relative, limit)``, the folder closed after."""
    with Folder(folder) as opened:
        return opened.read(relative, limit)
