"""Reading a sheet of companies (.xlsx or .csv) into cells, with the limits that keep hostile files out.

Only the workbook's first worksheet is read, as a history file's is. A workbook is checked from its zip
directory and a bounded scan of that sheet before openpyxl builds anything (history_limits.check_xlsx).
A formula is never evaluated and its cached value never trusted (Excel's last saved result may be stale,
or forged): the cell is refused with its location. Each problem is located by cell, as Excel names it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import unicodedata
from dataclasses import dataclass, field
from typing import Any

MAX_COMPANIES = 1000  # rows below the header
MAX_COLUMNS = 500
MAX_CELL_TEXT = 10_000
SHEET_SUFFIXES = (".xlsx", ".csv")


class SheetRefused(Exception):
    """The sheet as a whole cannot be read (not a workbook, too large): one message, no rows."""


@dataclass(frozen=True)
class Cell:
    ref: str  # "C7"
    value: Any  # str, int, float, bool; None for an empty cell
    problem: str | None = None  # a formula, an error value, a number that is not finite


@dataclass
class Table:
    sheet: str | None  # the worksheet's name; None for a CSV (one sheet, no name)
    header: list[Cell]
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)  # (row number, cells)


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def is_sheet(path: str) -> bool:
    return path.lower().endswith(SHEET_SUFFIXES)


def read_table(content: bytes, display: str) -> Table:
    """The cells of the sheet in ``content``; raises SheetRefused when it cannot be read at all."""
    if display.lower().endswith(".csv"):
        return _csv_table(content)
    return _xlsx_table(content)


def _check_size(rows: int, columns: int) -> None:
    if rows > MAX_COMPANIES:
        raise SheetRefused(f"has {rows:,} rows of companies; at most {MAX_COMPANIES:,} (split it into several sheets)")
    if columns > MAX_COLUMNS:
        raise SheetRefused(f"has {columns:,} columns; at most {MAX_COLUMNS:,}")


def _trimmed(cells: list[Cell]) -> list[Cell]:
    while cells and cells[-1].value is None and cells[-1].problem is None:
        cells.pop()
    return cells


def _text_cell(ref: str, text: str) -> Cell:
    if len(text) > MAX_CELL_TEXT:
        return Cell(ref, None, f"holds {len(text):,} characters; at most {MAX_CELL_TEXT:,}")
    return Cell(ref, text if text.strip() else None)


def _csv_table(content: bytes) -> Table:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SheetRefused(f"is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8") from None
    if "\x00" in text:
        raise SheetRefused("holds a NUL byte: not a CSV file")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[Cell]]] = []
    try:
        for number, values in enumerate(reader, start=1):
            _check_size(number - 1, len(values))
            cells = [_text_cell(f"{column_letter(i)}{number}", v) for i, v in enumerate(values, start=1)]
            rows.append((number, _trimmed(cells)))
    except csv.Error as exc:
        raise SheetRefused(f"could not be read as CSV: {exc}") from None
    if not rows:
        raise SheetRefused("is empty: the first row names the fields, each row below is a company")
    return Table(None, rows[0][1], [(n, cells) for n, cells in rows[1:] if cells])


def _xlsx_cell(cell: Any, ref: str) -> Cell:
    value = cell.value
    if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=") and cell.data_type != "s"):
        shown = str(value)[:60]
        return Cell(ref, None, f"is a formula ({shown}); write its value: formulas are not evaluated")
    if cell.data_type == "e":
        return Cell(ref, None, f"is an error value ({value})")
    if isinstance(value, bool) or value is None:
        return Cell(ref, value)
    if isinstance(value, int | float):
        return Cell(ref, value) if math.isfinite(value) else Cell(ref, None, "must be a finite number")
    if isinstance(value, dt.datetime):
        if value.time() != dt.time():
            return Cell(ref, None, "is a date with a time; give a date alone (YYYY-MM-DD)")
        return Cell(ref, value.date().isoformat())
    if isinstance(value, dt.date):
        return Cell(ref, value.isoformat())
    if isinstance(value, str):
        return _text_cell(ref, value)
    return Cell(ref, None, f"holds a {type(value).__name__}, which a field cannot take")


def _xlsx_table(content: bytes) -> Table:
    import zipfile

    from openpyxl import load_workbook

    from reportgen.contract.history_limits import Refused, check_xlsx

    try:
        check_xlsx(content)
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Refused as exc:
        raise SheetRefused(exc.message) from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        reason = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        raise SheetRefused(f"could not be read as an Excel workbook: {reason}") from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise SheetRefused("has no worksheet")
        name = str(sheet.title)
        if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs") for c in name):
            raise SheetRefused("its first sheet's name holds an invisible or control character; rename the sheet")
        rows: list[tuple[int, list[Cell]]] = []
        try:  # read-only mode parses as it goes: a malformed cell (<v>NaN</v>) raises here
            for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS + 1), start=1):
                _check_size(number - 1, 0)
                cells = _trimmed([_xlsx_cell(c, f"{column_letter(i)}{number}") for i, c in enumerate(row, start=1)])
                _check_size(0, len(cells))
                rows.append((number, cells))
        except SheetRefused:
            raise
        except Exception as exc:  # openpyxl and its XML parser raise their own kinds on a hostile part
            reason = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
            raise SheetRefused(f"could not be read as an Excel workbook: {reason}") from None
    finally:
        workbook.close()
    if not rows or not rows[0][1]:
        raise SheetRefused("its first row is empty: the first row names the fields, each row below is a company")
    return Table(name, rows[0][1], [(n, cells) for n, cells in rows[1:] if cells])
