"""Limits a compressed history file is checked against before it is decompressed.

The 20 MiB limit on an input's files does not bound what a Parquet file or an XLSX zip expands to: 50
million rows of zstd fit in 400 KB, ten million spreadsheet rows in 1 MB. So the row count and the
expanded size are read from what the file declares (the Parquet footer, the zip directory) and from a
bounded scan of the one sheet pandas reads, and a file over a limit is refused before pandas, pyarrow
or openpyxl build anything of it. Each refusal is located like the other history errors.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

MAX_ROWS = 2000  # rows of figures in a history, after its header
MAX_EXPANDED = 16 << 20  # what one compressed part (an XLSX part, Parquet data) may expand to; ample for 2,000 rows
MAX_MEMBERS = 1000  # parts of an XLSX zip


class Refused(Exception):
    """A history file refused from what it declares, before its rows are decompressed."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def _too_many_rows(rows: int | None) -> Refused:
    count = f"more than {MAX_ROWS:,}" if rows is None else f"{rows:,}"
    return Refused(1, f"has {count} rows; at most {MAX_ROWS:,}")


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def check_parquet(content: bytes) -> None:
    """Refuse a Parquet file from its footer: the 20 MiB file limit does not bound what it decompresses to
    (50 million rows of zstd fit in 400 KB)."""
    import pyarrow.parquet as pq

    metadata = pq.ParquetFile(io.BytesIO(content)).metadata
    if metadata.num_rows > MAX_ROWS:
        raise _too_many_rows(metadata.num_rows)
    expanded = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    if expanded > MAX_EXPANDED:
        raise Refused(1, f"could not be read as Parquet: its data expands to {_megabytes(expanded)}; "
                         f"at most {_megabytes(MAX_EXPANDED)}")


def check_xlsx(content: bytes) -> None:
    """Refuse a workbook from its zip directory and a bounded scan of its first sheet, before openpyxl
    (through pandas) builds a cell object per cell: a 1 MB workbook can hold 10 million rows."""
    import zipfile

    def refuse(why: str) -> Refused:
        return Refused(1, f"could not be read as an Excel workbook: {why}")

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise refuse(f"it holds {len(members):,} parts; at most {MAX_MEMBERS:,}")
        for member in members:
            # zipfile stops a member at its declared size; bzip2 and lzma (which Excel never writes) are
            # refused because they decompress a whole read at once, without a bound
            if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise refuse(f"{member.filename} uses an unsupported compression")
        # Every part but the first sheet is read whole (openpyxl parses each sheet for its size, even in
        # read-only mode): their declared sizes bound them. The first sheet is scanned instead, so a
        # sheet of ten million rows is refused for its rows.
        first = _first_sheet(archive)
        parts = [m for m in members if m.filename != first]
        for member in parts:
            if member.file_size > MAX_EXPANDED:
                raise refuse(f"{member.filename} expands to {_megabytes(member.file_size)}; "
                             f"at most {_megabytes(MAX_EXPANDED)}")
        if sum(m.file_size for m in parts) > 4 * MAX_EXPANDED:
            raise refuse(f"its parts expand to {_megabytes(sum(m.file_size for m in parts))}; "
                         f"at most {_megabytes(4 * MAX_EXPANDED)}")
        if first is not None:
            _scan_sheet(archive, first, refuse)


_PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_SHEET_TAG = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _first_sheet(archive: Any) -> str | None:
    """The zip member of the sheet pandas reads: openpyxl's first worksheet (chartsheets skipped), found
    as openpyxl finds it, from the package and workbook relationships; None if the package does not
    say (openpyxl then fails on it too)."""
    import posixpath
    from xml.etree import ElementTree

    def part(name: str) -> Any:
        info = archive.getinfo(name)
        return None if info.file_size > MAX_EXPANDED else ElementTree.fromstring(archive.read(info))

    def targets(rels: str, base: str) -> dict[str, tuple[str, str]]:
        root = part(rels)
        found = {}
        for rel in root.iter(f"{_PACKAGE_RELS}Relationship") if root is not None else ():
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(base, target))
            found[rel.get("Id", "")] = (rel.get("Type", ""), target)
        return found

    names = set(archive.namelist())
    try:
        book = next((t for kind, t in targets("_rels/.rels", "").values() if kind.endswith("/officeDocument")),
                    "xl/workbook.xml")
        folder, name = posixpath.split(book)
        sheets = targets(posixpath.join(folder, "_rels", name + ".rels"), folder)
        root = part(book)
        for sheet in root.iter(_SHEET_TAG) if root is not None else ():
            kind, target = sheets.get(sheet.get(_REL_ID, ""), ("", ""))
            if kind.endswith("/worksheet") and target in names:  # openpyxl skips a sheet without its part
                return target
    except (KeyError, ElementTree.ParseError):
        return None
    return None


# A row element, with or without a namespace prefix. A tag can straddle two chunks: the last _TAIL bytes
# (longer than any match) wait for the next chunk, so each match is counted once, where it starts.
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,40}:)?row[\s/>]")
_TAIL = 64


def _scan_sheet(archive: Any, name: str, refuse: Callable[[str], Refused]) -> None:
    """Count the sheet's rows in its XML stream, a chunk at a time, and stop as soon as there are more than
    a header and MAX_ROWS rows, or more bytes than a history needs (a single huge row is a bomb too)."""
    rows, read, pending = 0, 0, b""
    with archive.open(name) as stream:
        while chunk := stream.read(1 << 16):
            read += len(chunk)
            if read > MAX_EXPANDED:
                raise refuse(f"its first sheet expands to more than {_megabytes(MAX_EXPANDED)}")
            buffer = pending + chunk
            limit = max(len(buffer) - _TAIL, 0)
            rows += sum(1 for m in _ROW_TAG.finditer(buffer) if m.start() < limit)
            if rows > MAX_ROWS + 1:  # the header row and MAX_ROWS rows of figures
                raise _too_many_rows(None)
            pending = buffer[limit:]
    if rows + sum(1 for _ in _ROW_TAG.finditer(pending)) > MAX_ROWS + 1:
        raise _too_many_rows(None)
