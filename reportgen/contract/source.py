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
from typing import TYPE_CHECKING, Any

from reportgen.errors import Problem
from reportgen.safe_open import Folder, NotRegular, OutsideFolder, TooLarge

if TYPE_CHECKING:
    from reportgen.contract.sheet import SheetPlace

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
    sheet: SheetPlace | None = None  # a row of a sheet of companies: its problems are located by cell
    overrides: tuple[str, ...] = ()  # what-ifs, PATH=VALUE (reportgen.contract.overrides), applied when parsed

    @property
    def sha256(self) -> str:
        digest = hashlib.sha256(self.content)
        for item in self.data:
            digest.update(item.written.encode())
            digest.update(hashlib.sha256(item.content).digest())
        return digest.hexdigest()


def input_folder(path: str, root: str | None = None) -> Folder:
    """The folder an input file is named in, opened. With ``root`` (the folder the operator named, which the
    input was found under), the folders between the two are opened one by one through ``root``'s descriptor,
    without following links: a sub-folder swapped for a link while the build runs is refused, not entered."""
    folder = os.path.dirname(os.path.abspath(path))
    if root is not None:
        top = os.path.abspath(root)
        relative = os.path.relpath(folder, top)
        if relative != "." and not relative.startswith(".."):
            with Folder(top) as opened:
                return opened.subfolder(relative)
    return Folder(folder)


def read_input_file(path: str, root: str | None = None, folder: Folder | None = None) -> bytes:
    """The bytes of an input file: a regular file of at most MAX_INPUT_BYTES inside the folder it is named in,
    opened through that folder's descriptor (``folder``, or opened here). A link out of that folder is refused,
    as ``revenue.history`` is: inputs are edited by many, and a link must not make another file an input (whose
    keys and values the error lines would then echo). A link that stays inside is followed, beneath the
    folder. The planner hashes inputs with this too."""
    opened = folder if folder is not None else input_folder(path, root)
    try:
        return opened.read(os.path.basename(path), MAX_INPUT_BYTES)
    except OutsideFolder:
        try:  # only to say what it is: stat, never open (a FIFO cannot block it)
            info = os.stat(path)
        except OSError:
            raise OutsideFolder(path) from None
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(path) from None
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular(path) from None  # /dev/zero, a FIFO: reported as what they are
        raise
    finally:
        if folder is None:
            opened.close()


def size_text(size: int) -> str:
    return f"{size / (1 << 20):.1f} MB" if size >= 1 << 20 else f"{size:,} bytes"


def read_input(path: str, root: str | None = None) -> InputBundle:
    """Read ``path`` and the history file it names, both through the descriptor of the input's folder
    (``root``: see ``input_folder``). Problems with the file itself raise SpecError; problems with its data
    files are kept in the bundle and reported with the validation errors. Nothing the disk does while it is
    read (a swap, a link, a FIFO, a racing rename) raises anything else."""
    from reportgen.errors import SpecError

    display = os.path.normpath(path) if not os.path.isabs(path) else path
    name = os.path.splitext(os.path.basename(path))[0]

    def refuse(message: str) -> SpecError:
        return SpecError([Problem(display, 1, "(file)", message)])

    try:
        folder = input_folder(path, root)
    except FileNotFoundError:
        raise refuse("no such file") from None
    except OSError as exc:
        raise refuse(f"its folder cannot be opened ({exc.strerror or exc}); an input's folder must be a "
                     "folder of the one named on the command line, not a link") from None
    with folder:
        try:
            content = read_input_file(path, folder=folder)
        except FileNotFoundError:
            raise refuse("no such file") from None
        except IsADirectoryError:
            raise refuse("is a directory, not an input file") from None
        except NotRegular:
            raise refuse("is not a regular file") from None
        except OutsideFolder:  # the target's name and content are not shown: they are not the input's
            raise refuse("links to a file outside its folder; an input must be a file of the folder it is "
                         "named in (copy it there instead)") from None
        except TooLarge as exc:
            raise refuse(f"is too large ({size_text(exc.size)}); an input may be at most "
                         f"{size_text(MAX_INPUT_BYTES)}") from None
        except PermissionError:
            raise refuse("cannot be read (permission denied)") from None
        except OSError as exc:
            raise refuse(f"cannot be read ({exc.strerror or exc})") from None

        written = _history_reference(content)
        if written is None:
            return InputBundle(display, name, content)
        data, problem = read_data_file(folder, display, written)
    return InputBundle(display, name, content, data=(data,) if data else (),
                       problems=(problem,) if problem else ())


STDIN = "<stdin>"


def read_input_bytes(content: bytes, display: str = STDIN, folder: str = ".") -> InputBundle:
    """An input given as bytes (``reportgen validate -``): the history file it names is read from ``folder``
    (the current one), under the same rules as beside an input file."""
    from reportgen.errors import SpecError

    if len(content) > MAX_INPUT_BYTES:
        raise SpecError([Problem(display, 1, "(file)", f"is too large; an input may be at most "
                                 f"{size_text(MAX_INPUT_BYTES)}")])
    written = _history_reference(content)
    if written is None:
        return InputBundle(display, "stdin", content)
    with Folder(folder) as opened:
        data, problem = read_data_file(opened, display, written)
    return InputBundle(display, "stdin", content, data=(data,) if data else (),
                       problems=(problem,) if problem else ())


def _history_reference(content: bytes) -> str | None:
    """The ``revenue.history`` string of a document, or None; any parse problem is left for the full
    parse to report with its line."""
    from reportgen.contract.document import parse_document
    from reportgen.contract.text import decode_input

    try:
        data, _ = parse_document(decode_input(content, "(input)"), "(input)")
    except Exception:
        return None
    revenue = data.get("revenue") if isinstance(data, dict) else None
    history = revenue.get("history") if isinstance(revenue, dict) else None
    return history if isinstance(history, str) and history else None


def data_file_path(folder: Folder, written: str) -> str:
    """The name a data file is recorded under (manifest, watch): in the input's real folder. A name only:
    it is read through the folder's descriptor, never by this path."""
    try:
        base = os.path.realpath(folder.path)
    except OSError:
        base = os.path.abspath(folder.path)
    return os.path.normpath(os.path.join(base, written))


def read_data_file(folder: Folder, display: str, written: str) -> tuple[DataFile | None, Problem | None]:
    def problem(message: str) -> tuple[None, Problem]:
        return None, Problem(display, 0, "revenue.history", message, got=repr(written))

    if "\x00" in written:
        return problem("is not a valid path")
    if os.path.isabs(written) or "://" in written:
        return problem("must be a path relative to the input file")
    if not written.lower().endswith(DATA_SUFFIXES):
        return problem("must name a .csv, .xlsx or .parquet file")
    shown = os.path.normpath(os.path.join(os.path.dirname(display), written))
    try:
        content = folder.read(written, MAX_DATA_BYTES)
    except OutsideFolder:
        return problem("must stay inside the folder of the input file (no .. or links out of it)")
    except FileNotFoundError:
        return problem("no such file")
    except (IsADirectoryError, NotRegular):
        return problem("is not a regular file")
    except TooLarge as exc:
        return problem(f"is too large ({size_text(exc.size)}); at most {size_text(MAX_DATA_BYTES)}")
    except OSError as exc:
        return problem(f"cannot be read ({exc.strerror or exc})")
    return DataFile(written=written, display=shown, path=data_file_path(folder, written), content=content), None


def preparse_history(bundle: InputBundle) -> InputBundle:
    """Parse the bundle's history file now (pandas, in the building parent), keyed by the input's
    as_of, so that workers receive rows instead of a spreadsheet. Invalid input is left for the
    worker's full validation to report."""
    if not bundle.data:
        return bundle
    import datetime as dt

    from reportgen.contract.document import parse_document
    from reportgen.contract.history import load_history
    from reportgen.contract.text import decode_input

    try:
        data, _ = parse_document(decode_input(bundle.content, bundle.display), bundle.display)
        as_of = dt.date.fromisoformat(str(data["company"]["as_of"]))
    except Exception:
        return bundle
    item = bundle.data[0]
    history, problems = load_history(item.content, item.display, as_of)
    return replace(bundle, data=(replace(item, parsed=(as_of, history, problems)), *bundle.data[1:]))
