"""A sheet of companies: one row per company, one column per contract field path.

The first row names the fields (``company.name``, ``valuation.post_money``, ``compute.providers.0.share``:
a number in the path is a list item, counted from 0). Each row below becomes one input document, checked
exactly as a YAML input is, its problems located by cell (``companies.xlsx:Sheet1!C7``, or
``companies.csv:C7``; a field no column gives, by row: ``Sheet1!7:7``). Special columns: ``name`` (the
brief's folder; default: the company name made a file name), ``sources.KEY`` (the text of the source of
KEY: a field, list item or section) and ``sources.KEY.kind`` (``.date``, ``.url``). ``schema`` may be left
out. An empty cell leaves its field out (the contract's default applies).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from reportgen.contract.sheet_read import Cell, Table
from reportgen.errors import Problem

SCHEMA = "reportgen/v1"
SOURCE_ATTRIBUTES = ("text", "kind", "date", "url")
_NUMBER = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_FOLDER_NAME = re.compile(r"[^\W_][\w.-]{0,99}")


@dataclass(frozen=True)
class SheetPlace:
    """Where a row of a sheet is: what turns a problem's field into a cell (kept with the row's bundle)."""

    file: str
    sheet: str | None
    row: int
    columns: tuple[tuple[str, str], ...] = ()  # (field path, cell reference such as "C7")

    def ref(self, cell: str) -> str:
        if self.sheet is None:
            return cell
        simple = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", self.sheet) is not None
        return f"{self.sheet}!{cell}" if simple else "'" + self.sheet.replace("'", "''") + f"'!{cell}"

    @property
    def row_ref(self) -> str:
        return self.ref(f"{self.row}:{self.row}")

    @property
    def display(self) -> str:
        return f"{self.file}:{self.row_ref}"

    def cell_of(self, path: str) -> str | None:
        for column, cell in self.columns:
            if column == path:
                return cell
        return next((cell for column, cell in self.columns if column.startswith(path + ".")), None)

    def locate(self, problem: Problem) -> Problem:
        """``problem`` of this row located by cell (a problem of the history file it names keeps its line)."""
        if problem.place is not None or problem.file not in (self.file, self.display):
            return problem
        cell = self.cell_of(problem.field)
        return Problem(self.file, self.row, problem.field, problem.message, problem.got, problem.hint,
                       place=self.ref(cell) if cell else self.row_ref)


@dataclass
class SheetRow:
    place: SheetPlace
    name: str  # the brief's folder
    document: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)

    def content(self) -> bytes:
        return (json.dumps(self.document, indent=1, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


def header_paths(table: Table, file: str) -> tuple[list[tuple[int, str]], list[Problem]]:
    """The field path of each column (by index from 0), and the problems of the header row."""
    from reportgen.contract.field_paths import source_key_parts

    place = SheetPlace(file, table.sheet, 1)
    columns: list[tuple[int, str]] = []
    problems: list[Problem] = []
    for index, cell in enumerate(table.header):
        text = cell.value.strip() if isinstance(cell.value, str) else cell.value
        where = place.ref(cell.ref)
        if cell.problem or text is None:
            problems.append(Problem(file, 1, "(header)", cell.problem or "is empty; every column needs a field path",
                                    place=where))
            continue
        path = str(text)
        key = path[len("sources."):] if path.startswith("sources.") else path
        if path != "name" and source_key_parts(key) is None:
            problems.append(Problem(file, 1, "(header)", "is not a field path", got=repr(path)[:60],
                                    hint="write it as company.name or compute.providers.0.share", place=where))
        elif path in {p for _, p in columns}:
            problems.append(Problem(file, 1, path, "names a field that another column names", place=where))
        else:
            columns.append((index, path))
    paths = {p for _, p in columns if not p.startswith("sources.")}
    for index, path in columns:
        if any(other.startswith(path + ".") for other in paths) and not path.startswith("sources."):
            problems.append(Problem(file, 1, path, "is a section or list item whose fields have columns of their "
                                    "own; give each field its column", place=place.ref(table.header[index].ref)))
    return columns, problems


def typed(path: str, value: Any) -> Any:
    """A cell's value as the field takes it: numbers written as text (a CSV, a cell formatted as text) become
    numbers where the field is a number, TRUE/FALSE yes/no where it is a flag, and a number is text where
    the field is text. Anything else is left for the contract to refuse with its own message."""
    from reportgen.contract.field_types import value_kind

    kind = value_kind(path.split(".", 1)[0] + ".x" if path.startswith("sources.") else path)
    if isinstance(value, str):
        text = value.strip()
        if kind == "number" and _NUMBER.fullmatch(text):
            number = float(text)
            return int(text) if text.lstrip("+-").isdigit() else number
        if kind == "flag" and text.lower() in ("true", "false"):
            return text.lower() == "true"
        return value
    if kind == "text" and isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() else repr(value)
    return value


def sheet_rows(table: Table, file: str, stem: str) -> tuple[list[SheetRow], list[Problem]]:
    """Every row of a sheet as an input document, or the header's problems (then no row)."""
    columns, problems = header_paths(table, file)
    if problems:
        return [], problems
    return [_row(number, cells, columns, table.sheet, file, stem) for number, cells in table.rows], []


def _row(number: int, cells: list[Cell], columns: list[tuple[int, str]], sheet: str | None, file: str,
         stem: str) -> SheetRow:
    refs = tuple((path, cells[i].ref if i < len(cells) else f"{_letter(i)}{number}") for i, path in columns)
    place = SheetPlace(file, sheet, number, refs)
    document: dict[str, Any] = {}
    problems: list[Problem] = []
    name: str | None = None
    for index, path in columns:
        cell = cells[index] if index < len(cells) else None
        if cell is None or (cell.value is None and cell.problem is None):
            continue
        if cell.problem is not None:
            problems.append(Problem(file, number, path, cell.problem, place=place.ref(cell.ref)))
            continue
        if path == "name":
            name = str(cell.value).strip()
            if not _FOLDER_NAME.fullmatch(name):
                problems.append(Problem(file, number, "name", "must be a folder name: letters, digits, '.', '-' "
                                        "and '_', starting with a letter or digit, at most 100",
                                        got=repr(name)[:60], place=place.ref(cell.ref)))
                name = None
            continue
        if path.startswith("sources."):
            _put_source(document.setdefault("sources", {}), path[len("sources."):], typed(path, cell.value))
            continue
        _put(document, path.split("."), typed(path, cell.value))
    document = _lists(document, "", place, problems)
    document.setdefault("schema", SCHEMA)
    return SheetRow(place, name or _folder_of(document, stem, number), document, problems)


def _letter(index: int) -> str:
    from reportgen.contract.sheet_read import column_letter

    return column_letter(index + 1)


def _put(node: dict[Any, Any], parts: list[str], value: Any) -> None:
    for part in parts[:-1]:
        key: Any = int(part) if part.isdigit() else part
        node = node.setdefault(key, {})
    last = parts[-1]
    node[int(last) if last.isdigit() else last] = value


def _put_source(sources: dict[str, Any], key: str, value: Any) -> None:
    """``sources.KEY`` is the source's text; ``sources.KEY.kind`` (text, date, url) one of its attributes."""
    base, _, attribute = key.rpartition(".")
    if base and attribute in SOURCE_ATTRIBUTES:
        entry = sources.get(base)
        entry = {"text": entry} if isinstance(entry, str) else entry or {}
        entry[attribute] = value
        sources[base] = entry
    elif isinstance(sources.get(key), dict):
        sources[key]["text"] = value
    else:
        sources[key] = value


def _lists(node: Any, prefix: str, place: SheetPlace, problems: list[Problem]) -> Any:
    """Mappings keyed by item numbers made lists; a list with a gap (items 0 and 2, not 1) is a problem."""
    if not isinstance(node, dict):
        return node
    if node and all(isinstance(k, int) for k in node):
        items = []
        for expected, index in enumerate(sorted(node)):
            if index != expected:
                path = f"{prefix}{index}"
                problems.append(Problem(place.file, place.row, path, f"item {index} is given but item {expected} is "
                                        "empty; number the items from 0 without gaps",
                                        place=place.ref(place.cell_of(path) or place.row_ref)))
                break
            items.append(_lists(node[index], f"{prefix}{index}.", place, problems))
        return items
    return {k: _lists(v, f"{prefix}{k}.", place, problems) for k, v in node.items()}


def _folder_of(document: dict[str, Any], stem: str, number: int) -> str:
    """The brief's folder: the company name as a file name (letters and digits kept, the rest '-')."""
    company = document.get("company")
    name = company.get("name") if isinstance(company, dict) else None
    slug = re.sub(r"[^\w]+|_+", "-", name.strip().lower()).strip("-")[:100] if isinstance(name, str) else ""
    return slug or f"{stem}-row-{number}"
