"""Family 6: broken revenue history files (``revenue.history``). Every one is a located error.

The file must be a regular file inside the input's folder, at most 20 MiB, with exactly the columns
period,revenue; every bad cell is reported with its spreadsheet line. Nothing in a cell is ever evaluated (a
CSV "formula" is just text that is not a number). Devices, FIFOs and links out of the folder are refused
without being opened for reading (a FIFO must not hang the build).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hostilekit import (
    INPUT,
    REPORTGEN,
    Background,
    Case,
    Run,
    Timeout,
    Workspace,
    assert_clean_failure,
    assert_located,
    assert_unchanged,
    background_job,
    line_of,
    params,
    yaml_text,
)

F = "history"
GIB = 1 << 30
CSV = "inputs/history.csv"  # how messages name the history file (relative to the input's folder)

# (history file name as written in the input, how to make it, file of the message, field, line, words)
CASES = [
    Case(F, "h-missing", "error", ("nothing.csv", None, INPUT, "revenue.history", "history:", "no such file")),
    Case(F, "h-empty", "error", ("history.csv", b"", CSV, "revenue.history", 1, "could not be read as CSV")),
    Case(F, "h-binary", "error", ("history.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x00\x01" * 64, CSV,
                                  "revenue.history", 1, "could not be read as CSV")),
    Case(F, "h-wrong-columns", "error", ("history.csv", b"date,amount\n2024,1\n", CSV, "revenue.history", 1,
                                         "columns must be exactly period,revenue")),
    Case(F, "h-extra-formula-column", "error", ("history.csv", b"period,revenue,=1+1\n2024,1,2\n", CSV,
                                                "revenue.history", 1, "columns must be exactly period,revenue")),
    Case(F, "h-non-numeric", "error", ("history.csv", b"period,revenue\n2024,1\n2025,abc\n", CSV,
                                       "revenue.history.revenue", 3, "is not a number")),
    Case(F, "h-formula-injection", "error", ("history.csv", b"period,revenue\n2024,=cmd|' /C calc'!A0\n", CSV,
                                             "revenue.history.revenue", 2, "is not a number")),
    Case(F, "h-formula-in-period", "error", ("history.csv",
                                             b'period,revenue\n"=HYPERLINK(""http://127.0.0.1:9/"",""x"")",1\n',
                                             CSV, "revenue.history.period", 2, "is not a period")),
    Case(F, "h-nan-and-inf-cells", "error", ("history.csv", b"period,revenue\n2024,nan\n2025,inf\n", CSV,
                                             "revenue.history.revenue", 2, "must be a finite number")),
    Case(F, "h-percent-cell", "error", ("history.csv", b"period,revenue\n2024,45%\n", CSV,
                                        "revenue.history.revenue", 2, "not a percentage")),
    Case(F, "h-too-many-rows", "error", ("history.csv", b"period,revenue\n" + b"2024,1\n" * 2001, CSV,
                                         "revenue.history", 2, "at most 2,000")),
    Case(F, "h-30-mb", "error", ("history.csv", "sparse-30mb", INPUT, "revenue.history", "history:",
                                 "is too large (30.0 MB); at most 20.0 MB")),
    Case(F, "h-symlink-etc-passwd", "error", ("history.csv", ("link", "/etc/passwd"), INPUT, "revenue.history",
                                              "history:", "must stay inside the folder")),
    Case(F, "h-symlink-dev-zero", "error", ("history.csv", ("link", "/dev/zero"), INPUT, "revenue.history",
                                            "history:", "must stay inside the folder")),
    Case(F, "h-fifo", "error", ("history.csv", "fifo", INPUT, "revenue.history", "history:",
                                "is not a regular file")),
    Case(F, "h-directory", "error", ("history.csv", "directory", INPUT, "revenue.history", "history:",
                                     "is not a regular file")),
    Case(F, "h-wrong-suffix", "error", ("history.txt", b"period,revenue\n2024,1\n", INPUT, "revenue.history",
                                        "history:", "must name a .csv, .xlsx or .parquet file")),
    Case(F, "h-fake-xlsx", "error", ("history.xlsx", b"period,revenue\n2024,1\n", "inputs/history.xlsx",
                                     "revenue.history", 1, "could not be read as an Excel workbook")),
    Case(F, "h-fake-parquet", "error", ("history.parquet", b"PAR1garbagePAR1", "inputs/history.parquet",
                                        "revenue.history", 1, "could not be read as Parquet")),
    # the input itself, or a history file that changed since the last build: seen first by the planner
    Case(F, "h-input-is-fifo", "error", "input-fifo"),
    Case(F, "h-input-links-dev-zero", "error", "input-dev-zero"),
    Case(F, "h-fifo-replaces-history", "error", "history-fifo"),
    Case(F, "h-dev-zero-replaces-history", "error", "history-dev-zero"),
    # decompression bombs within the size limit
    Case(F, "h-parquet-row-bomb", "error", ("history.parquet", "parquet-bomb", "inputs/history.parquet",
                                            "revenue.history", 1, "rows; at most 2,000")),
    Case(F, "h-xlsx-row-bomb", "error", ("history.xlsx", "xlsx-bomb", "inputs/history.xlsx", "revenue.history",
                                         1, "rows; at most 2,000")),
]


def _parquet_bomb(path: Path) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows, chunk = 50_000_000, 1 << 20  # a row group of pyarrow's default size, written again and again: the
    part = pa.table({"period": pa.array(np.full(chunk, 2024, dtype=np.int64)).cast(pa.string()),  # same file as
                     "revenue": pa.array(np.ones(chunk))})  # one table of 50 million rows, for a third of the CPU
    with pq.ParquetWriter(path, part.schema, compression="zstd") as writer:
        whole, rest = divmod(rows, chunk)
        for _ in range(whole):
            writer.write_table(part)
        writer.write_table(part.slice(0, rest))
    assert pq.ParquetFile(path).metadata.num_rows == rows
    assert path.stat().st_size < 1 << 20


_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats'
        '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats'
        '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
}


def _xlsx_bomb(path: Path, rows: int = 10_000_000) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in _XLSX_PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://'
                        b'schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row><c t="inlineStr"><is>'
                        b'<t>period</t></is></c><c t="inlineStr"><is><t>revenue</t></is></c></row>')
            chunk = b"<row><c><v>2024</v></c><c><v>1</v></c></row>" * 100_000
            for _ in range(rows // 100_000):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    assert path.stat().st_size < 2 << 20


def _make(ws: Workspace, name: str, how: object) -> None:
    path = ws.inputs / name
    if how is None:
        return
    if isinstance(how, bytes):
        path.write_bytes(how)
    elif isinstance(how, tuple):
        os.symlink(how[1], path)
    elif how == "sparse-30mb":
        with open(path, "wb") as handle:
            handle.write(b"period,revenue\n2024,1\n")
            handle.truncate(30 << 20)
    elif how == "fifo":
        os.mkfifo(path)
    elif how == "directory":
        path.mkdir()
    elif how == "parquet-bomb":
        _parquet_bomb(path)
    elif how == "xlsx-bomb":
        _xlsx_bomb(path)
    else:
        raise AssertionError(how)


@pytest.mark.parametrize("case", params(CASES, where=lambda c: isinstance(c.data, tuple) and "bomb" not in c.id))
def test_broken_history_is_a_located_error(case: Case, ws: Workspace) -> None:
    name, how, file, field, line, words = case.data
    text = yaml_text(**{"revenue.history": name})
    ws.write(text)
    _make(ws, name, how)
    if isinstance(line, str):
        line = line_of(text, line)
    before = ws.snapshot()
    run = ws.build("--format", "json", timeout=60)  # a FIFO must not hang the build
    assert_clean_failure(run)
    assert_located(run, file=file, field=field, line=line, contains=words)
    assert_unchanged(before, ws.snapshot())
    assert "root:x:0:0" not in run.output


def _planner_job(kind: str) -> Any:
    def job(ws: Workspace) -> tuple[Workspace, dict[str, str], Run | Timeout]:
        if kind.startswith("input"):
            if kind == "input-fifo":
                os.mkfifo(ws.inputs / "acme.yaml")
            else:
                os.symlink("/dev/zero", ws.inputs / "acme.yaml")
            inputs, options = ("inputs",), ()
        else:
            ws.write(yaml_text(**{"revenue.history": "history.csv"}))
            (ws.inputs / "history.csv").write_bytes(b"period,revenue\n2024,1\n2025,2\n")
            first = ws.build("--format", "json")
            assert first.code == 0, str(first)
            (ws.inputs / "history.csv").unlink()
            if kind == "history-fifo":
                os.mkfifo(ws.inputs / "history.csv")
            else:
                os.symlink("/dev/zero", ws.inputs / "history.csv")
            inputs, options = (INPUT,), ("--format", "json")
        before = ws.snapshot()
        try:
            return ws, before, ws.build(*options, inputs=inputs, timeout=20, memory_limit=3 * GIB)
        except Timeout as exc:
            return ws, before, exc

    return job


for _case in CASES:
    if isinstance(_case.data, str):
        background_job(_case.id)(_planner_job(_case.data))


@pytest.mark.slow
@pytest.mark.parametrize("case", params(CASES, where=lambda c: isinstance(c.data, str)))
def test_planner_refuses_what_is_not_a_regular_file(case: Case, background: Background) -> None:
    """A FIFO or a link to /dev/zero where an input or a recorded history file was: a located error, at once
    (20 s is generous: a refusal takes well under a second), within a 3 GiB address space."""
    ws, before, run = background.result(case.id)
    if isinstance(run, Timeout):
        raise AssertionError(str(run))
    assert_clean_failure(run)
    if case.data.startswith("input"):
        assert f"{INPUT}:1: (file): is not a regular file" in run.output, str(run)
    else:
        assert_located(run, field="revenue.history", file=INPUT)
    assert_unchanged(before, ws.snapshot())


def test_formula_cell_is_never_evaluated(ws: Workspace) -> None:
    """The formula is reported as the text it is; nothing named in it ran or was created."""
    text = yaml_text(**{"revenue.history": "history.csv"})
    ws.write(text)
    (ws.inputs / "history.csv").write_bytes(b"period,revenue\n2024,\"=cmd|' /C touch PWNED'!A0\"\n"
                                            b"2025,@SUM(1+1)*cmd|' /C calc'!A0\n")
    run = ws.expect_error("--format", "json", field="revenue.history.revenue", file=CSV, line=2,
                          contains="is not a number")
    assert "(got \"=cmd|' /C touch PWNED'!A0\")" in run.output or "=cmd|" in run.output
    assert not any(p.name == "PWNED" for p in ws.root.rglob("*"))


_MEASURE = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": done.returncode, "output": (done.stdout + done.stderr).decode("utf-8", "replace"),
                  "peak_kib": peak}))
"""


def _run_measured(ws: Workspace, timeout: float) -> tuple[int, str, int]:
    """Build in a fresh wrapper process: (exit code, output, peak RSS in KiB of the build and its children)."""
    env = dict(os.environ, NO_COLOR="1", COLUMNS="200", TERM="dumb")
    argv = [sys.executable, "-c", _MEASURE, str(REPORTGEN), "build", INPUT, "--out", "out", "--format", "json"]
    process = subprocess.Popen(argv, cwd=ws.root, stdout=subprocess.PIPE, env=env, start_new_session=True)
    try:
        stdout, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise AssertionError(f"the build did not finish within {timeout:g} s") from None
    result = json.loads(stdout)
    return result["code"], result["output"], result["peak_kib"]


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.id == "h-parquet-row-bomb"))
def test_parquet_row_bomb(case: Case, ws: Workspace) -> None:
    """A 400 KB Parquet file of 50 million rows: refused for its rows, without materialising them."""
    name, how, file, field, line, words = case.data
    ws.write(yaml_text(**{"revenue.history": name}))
    _make(ws, name, how)
    before = ws.snapshot()
    code, output, peak_kib = _run_measured(ws, timeout=120)
    assert code == 1 and "Traceback" not in output, output
    assert f"{file}:{line}: {field}: " in output and words in output, output
    assert_unchanged(before, ws.snapshot())
    size_kib = (ws.inputs / name).stat().st_size >> 10
    assert peak_kib < 1 << 20, f"the build took {peak_kib >> 10} MiB of memory for a {size_kib} KiB file"


@background_job("h-xlsx-row-bomb")
def _xlsx_job(ws: Workspace) -> tuple[Workspace, dict[str, str], Run | Timeout]:
    name, how = next(c.data for c in CASES if c.id == "h-xlsx-row-bomb")[:2]
    ws.write(yaml_text(**{"revenue.history": name}))
    _make(ws, name, how)
    before = ws.snapshot()
    try:
        return ws, before, ws.build("--format", "json", timeout=60)
    except Timeout as exc:
        return ws, before, exc


@pytest.mark.slow
@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.id == "h-xlsx-row-bomb"))
def test_xlsx_row_bomb(case: Case, background: Background) -> None:
    """A 1 MB workbook of 10 million rows: refused for its rows within a generous 60 s."""
    _, _, file, field, line, words = case.data
    ws, before, run = background.result(case.id)
    if isinstance(run, Timeout):
        raise AssertionError(str(run))
    assert run.code == 1 and "Traceback" not in run.output, str(run)
    assert f"{file}:{line}: {field}: " in run.output and words in run.output, str(run)
    assert_unchanged(before, ws.snapshot())
