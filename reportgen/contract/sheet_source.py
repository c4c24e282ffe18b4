"""Reading a sheet of companies from disk: the file (through its folder's descriptor, as an input is read),
its rows as input bundles, and the history files the rows name (beside the sheet)."""

from __future__ import annotations

import os
from dataclasses import replace

from reportgen.contract.sheet import sheet_rows
from reportgen.contract.sheet_read import SheetRefused, read_table
from reportgen.contract.source import MAX_DATA_BYTES, InputBundle, input_folder, read_data_file, size_text
from reportgen.errors import Problem, SpecError
from reportgen.safe_open import NotRegular, OutsideFolder, TooLarge


def read_sheet(path: str, root: str | None = None) -> list[InputBundle]:
    """One bundle per company row of the sheet at ``path``. Raises SpecError when the sheet as a whole
    cannot be read (missing, too large, not a workbook, a bad header row): then no row is built."""
    display = os.path.normpath(path) if not os.path.isabs(path) else path
    stem = os.path.splitext(os.path.basename(path))[0]

    def refuse(message: str) -> SpecError:
        return SpecError([Problem(display, 1, "(file)", message)])

    try:
        folder = input_folder(path, root)
    except OSError as exc:
        raise refuse(f"its folder cannot be opened ({exc.strerror or exc})") from None
    with folder:
        try:
            content = folder.read(os.path.basename(path), MAX_DATA_BYTES)
        except FileNotFoundError:
            raise refuse("no such file") from None
        except (IsADirectoryError, NotRegular):
            raise refuse("is not a regular file") from None
        except OutsideFolder:
            raise refuse("links to a file outside its folder; copy the sheet there instead") from None
        except TooLarge as exc:
            raise refuse(f"is too large ({size_text(exc.size)}); a sheet may be at most "
                         f"{size_text(MAX_DATA_BYTES)}") from None
        except OSError as exc:
            raise refuse(f"cannot be read ({exc.strerror or exc})") from None
        try:
            table = read_table(content, display)
        except SheetRefused as exc:
            raise refuse(str(exc)) from None
        rows, problems = sheet_rows(table, display, stem)
        if problems:
            raise SpecError(problems)
        bundles = []
        for row in rows:
            bundle = InputBundle(row.place.display, row.name, row.content(), problems=tuple(row.problems),
                                 sheet=row.place)
            written = (row.document.get("revenue") or {}).get("history") if isinstance(
                row.document.get("revenue"), dict) else None
            if isinstance(written, str) and written:
                data, problem = read_data_file(folder, display, written)
                bundle = replace(bundle, data=(data,) if data else (),
                                 problems=bundle.problems + ((problem,) if problem else ()))
            bundles.append(bundle)
    return bundles
