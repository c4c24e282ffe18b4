"""Reading an input file and the data files it names, with the limits that keep hostile files out.

The result is an ``InputBundle``: the bytes of the YAML/JSON file and of its history file. Parsing
works on the bundle, never on the disk, so a Dask worker on another machine can validate and build
from it, and what was hashed for the incremental build is exactly what was built.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field, replace
from typing import Any

from reportgen.errors import Problem

MAX_INPUT_BYTES = 1 << 20  # a company is a few KB; 1 MiB leaves room and stops a 50 MB file early
MAX_DATA_BYTES = 20 << 20
DATA_SUFFIXES = (".csv", ".xlsx", ".parquet")
INPUT_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class DataFile:
    """A file an input refers to: as written in the input, where it is, and its bytes."""

    written: str
    display: str
    path: str
    content: bytes
    # (as_of, history, problems) when the parent already parsed it: workers then never import pandas
    parsed: Any = None


@dataclass(frozen=True)
class InputBundle:
    """One input file and its data files, read and checked, not yet parsed."""

    display: str  # the path as the user gave it: every message starts with it
    name: str  # the file stem: the output folder's name
    content: bytes
    data: tuple[DataFile, ...] = ()
    problems: tuple[Problem, ...] = field(default=())

    @property
    def sha256(self) -> str:
        digest = hashlib.sha256(self.content)
        for item in self.data:
            digest.update(item.written.encode())
            digest.update(hashlib.sha256(item.content).digest())
        return digest.hexdigest()


def read_limited(path: str, limit: int) -> bytes:
    """Read a regular file of at most ``limit`` bytes; refuse devices, FIFOs and directories (a
    ``/dev/zero`` would otherwise be read forever)."""
    # O_NONBLOCK: opening a FIFO must not hang before fstat can refuse it.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise IsADirectoryError(path) if stat.S_ISDIR(info.st_mode) else _NotRegular(path)
        if info.st_size > limit:
            raise _TooLarge(info.st_size)
        chunks = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        content = b"".join(chunks)
        if len(content) > limit:  # grew while we read it
            raise _TooLarge(len(content))
        return content
    finally:
        os.close(fd)


class _NotRegular(OSError):
    pass


class _OutsideFolder(OSError):
    pass


def read_input_file(path: str) -> bytes:
    """The bytes of an input file: a regular file of at most MAX_INPUT_BYTES whose real path stays inside
    the folder it is named in. A link out of that folder is refused before anything is opened, as
    ``revenue.history`` is: inputs are edited by many, and a link must not make another file an input
    (whose keys and values the error lines would then echo). The planner hashes inputs with this too."""
    base = os.path.realpath(os.path.dirname(os.path.abspath(path)))
    target = os.path.realpath(path)
    if os.path.commonpath([base, target]) != base:
        info = os.stat(path)  # stat, not open: a FIFO cannot block it; a missing target raises here
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(info.st_mode):
            raise _NotRegular(path)  # /dev/zero, a FIFO: reported as what they are
        raise _OutsideFolder(path)
    return read_limited(path, MAX_INPUT_BYTES)


class _TooLarge(OSError):
    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


def _size(size: int) -> str:
    return f"{size / (1 << 20):.1f} MB" if size >= 1 << 20 else f"{size:,} bytes"


def read_input(path: str) -> InputBundle:
    """Read ``path`` and the history file it names. Problems with the file itself raise SpecError;
    problems with its data files are kept in the bundle and reported with the validation errors."""
    from reportgen.errors import SpecError

    display = os.path.normpath(path) if not os.path.isabs(path) else path
    name = os.path.splitext(os.path.basename(path))[0]
    try:
        content = read_input_file(path)
    except FileNotFoundError:
        raise SpecError([Problem(display, 1, "(file)", "no such file")]) from None
    except IsADirectoryError:
        raise SpecError([Problem(display, 1, "(file)", "is a directory, not an input file")]) from None
    except _NotRegular:
        raise SpecError([Problem(display, 1, "(file)", "is not a regular file")]) from None
    except _OutsideFolder:  # the target's name and content are not shown: they are not the input's
        raise SpecError([Problem(display, 1, "(file)", "links to a file outside its folder; an input must be "
                                 "a file of the folder it is named in (copy it there instead)")]) from None
    except _TooLarge as exc:
        raise SpecError([Problem(display, 1, "(file)", f"is too large ({_size(exc.size)}); "
                                 f"an input may be at most {_size(MAX_INPUT_BYTES)}")]) from None
    except PermissionError:
        raise SpecError([Problem(display, 1, "(file)", "cannot be read (permission denied)")]) from None
    except OSError as exc:
        raise SpecError([Problem(display, 1, "(file)", f"cannot be read ({exc.strerror or exc})")]) from None

    written = _history_reference(content)
    if written is None:
        return InputBundle(display, name, content)
    data, problem = _read_data_file(path, display, written)
    return InputBundle(display, name, content, data=(data,) if data else (),
                       problems=(problem,) if problem else ())


def _history_reference(content: bytes) -> str | None:
    """The ``revenue.history`` string of a document, or None; any parse problem is left for the full
    parse to report with its line."""
    from reportgen.spec.document import parse_document
    from reportgen.spec.text import decode_input

    try:
        data, _ = parse_document(decode_input(content, "(input)"), "(input)")
    except Exception:
        return None
    revenue = data.get("revenue") if isinstance(data, dict) else None
    history = revenue.get("history") if isinstance(revenue, dict) else None
    return history if isinstance(history, str) and history else None


def _read_data_file(input_path: str, display: str, written: str) -> tuple[DataFile | None, Problem | None]:
    def problem(message: str) -> tuple[None, Problem]:
        return None, Problem(display, 0, "revenue.history", message, got=repr(written))

    if "\x00" in written:
        return problem("is not a valid path")
    if os.path.isabs(written) or "://" in written:
        return problem("must be a path relative to the input file")
    if not written.lower().endswith(DATA_SUFFIXES):
        return problem("must name a .csv, .xlsx or .parquet file")
    base = os.path.realpath(os.path.dirname(os.path.abspath(input_path)))
    target = os.path.realpath(os.path.join(base, written))
    if os.path.commonpath([base, target]) != base:
        return problem("must stay inside the folder of the input file (no .. or links out of it)")
    shown = os.path.normpath(os.path.join(os.path.dirname(display), written))
    try:
        content = read_limited(target, MAX_DATA_BYTES)
    except FileNotFoundError:
        return problem("no such file")
    except (IsADirectoryError, _NotRegular):
        return problem("is not a regular file")
    except _TooLarge as exc:
        return problem(f"is too large ({_size(exc.size)}); at most {_size(MAX_DATA_BYTES)}")
    except OSError as exc:
        return problem(f"cannot be read ({exc.strerror or exc})")
    return DataFile(written=written, display=shown, path=target, content=content), None


def preparse_history(bundle: InputBundle) -> InputBundle:
    """Parse the bundle's history file now (pandas, in the building parent), keyed by the input's
    as_of, so that workers receive rows instead of a spreadsheet. Invalid input is left for the
    worker's full validation to report."""
    if not bundle.data:
        return bundle
    import datetime as dt

    from reportgen.spec.document import parse_document
    from reportgen.spec.history import load_history
    from reportgen.spec.text import decode_input

    try:
        data, _ = parse_document(decode_input(bundle.content, bundle.display), bundle.display)
        as_of = dt.date.fromisoformat(str(data["company"]["as_of"]))
    except Exception:
        return bundle
    item = bundle.data[0]
    history, problems = load_history(item.content, item.display, as_of)
    return replace(bundle, data=(replace(item, parsed=(as_of, history, problems)), *bundle.data[1:]))
