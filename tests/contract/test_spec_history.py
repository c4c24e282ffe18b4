"""``revenue.history``: a CSV, XLSX or Parquet file next to the input, columns ``period,revenue``. Every bad cell
is reported with its line as a spreadsheet shows it; the path may not leave the input's folder."""

from __future__ import annotations

import datetime as dt
import io
import os
import time

import pandas as pd
import pytest
from speckit import INPUTS, accepted, changed, lines_of, problems_of, render

from reportgen.contract.source import MAX_DATA_BYTES

QUARTERS = "period,revenue\n2024Q1,10\n2024Q2,11.5\n2024Q3,13\n2024Q4,14.25\n"


@pytest.fixture
def company(tmp_path, write):
    """``company(history="h.csv", **edits)``: an input naming ``history`` in tmp_path; returns (path, lines)."""

    def company(history: str | None = "h.csv", name: str = "company.yaml", **edits):
        data = changed(revenue__history=history, **edits) if history is not None else changed(**edits)
        text, where = render(data)
        return write(text, name), where

    return company


def _xlsx(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


def _parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


# --- files that work ------------------------------------------------------------------------------------

def test_the_nordlicht_example_reads_its_quarterly_history():
    spec = accepted(INPUTS / "nordlicht-2026.yaml")
    history = spec.history
    assert history is not None and history.granularity == "quarter"
    assert history.file == str(INPUTS / "nordlicht-history.csv")
    csv_rows = (INPUTS / "nordlicht-history.csv").read_text().split()[1:]
    assert [p.label for p in history.points] == [row.split(",")[0].replace("Q", " Q") for row in csv_rows]
    assert [p.revenue for p in history.points] == [float(row.split(",")[1]) for row in csv_rows]


def test_a_csv_history(company, write):
    path, _ = company()
    write(QUARTERS, "h.csv")
    history = accepted(path).history
    assert history.granularity == "quarter" and history.file == str(path.parent / "h.csv")
    assert [(p.label, p.end, p.revenue) for p in history.points] == [
        ("2024 Q1", dt.date(2024, 3, 31), 10.0), ("2024 Q2", dt.date(2024, 6, 30), 11.5),
        ("2024 Q3", dt.date(2024, 9, 30), 13.0), ("2024 Q4", dt.date(2024, 12, 31), 14.25)]


@pytest.mark.parametrize(("rows", "granularity", "labels"), [
    ("2022,1\n2023,2\n2024,3", "year", ["2022", "2023", "2024"]),
    ("2024-Q2,1\nQ1 2024,2\n2023q4,3", "quarter", ["2023 Q4", "2024 Q1", "2024 Q2"]),
    ("2024-01,1\n2024-02,2\n2023-12,3", "month", ["2023-12", "2024-01", "2024-02"]),
    ("2024-03-31,1\n2023-12-31,2", "date", ["2023-12-31", "2024-03-31"]),
])
def test_every_kind_of_period_sorted_by_its_end(company, write, rows, granularity, labels):
    path, _ = company()
    write("period,revenue\n" + rows + "\n", "h.csv")
    history = accepted(path).history
    assert history.granularity == granularity and [p.label for p in history.points] == labels


def test_csv_header_case_spaces_and_bom_are_tolerated(company, write):
    path, _ = company()
    write(b"\xef\xbb\xbfPeriod, Revenue\r\n2024, 5\r\n2025, 6\r\n", "h.csv")
    assert [p.revenue for p in accepted(path).history.points] == [5.0, 6.0]


def test_an_xlsx_history_that_works(company, write):
    path, _ = company(history="h.xlsx")
    frame = pd.DataFrame({"period": [2023, 2024, 2025], "revenue": [1.5, 2.0, 3.25]})  # years stored as numbers
    write(_xlsx(frame), "h.xlsx")
    history = accepted(path).history
    assert history.granularity == "year"
    assert [(p.label, p.revenue) for p in history.points] == [("2023", 1.5), ("2024", 2.0), ("2025", 3.25)]


def test_an_xlsx_with_real_dates(company, write):
    path, _ = company(history="h.xlsx")
    frame = pd.DataFrame({"period": [dt.datetime(2025, 12, 31), dt.datetime(2026, 3, 31)], "revenue": [7, 8]})
    write(_xlsx(frame), "h.xlsx")
    history = accepted(path).history
    assert history.granularity == "date" and [p.label for p in history.points] == ["2025-12-31", "2026-03-31"]


def test_a_parquet_history_that_works(company, write):
    path, _ = company(history="h.parquet")
    frame = pd.DataFrame({"period": ["2025-01", "2025-02", "2025-03"], "revenue": [1.0, 2.0, 4.0]})
    write(_parquet(frame), "h.parquet")
    history = accepted(path).history
    assert history.granularity == "month" and [p.revenue for p in history.points] == [1.0, 2.0, 4.0]


def test_a_history_in_a_subfolder(company, write):
    path, _ = company(history="data/h.csv")
    write(QUARTERS, "data/h.csv")
    assert len(accepted(path).history.points) == 4
    path, _ = company(history="data/../data/h.csv", name="again.yaml")
    assert len(accepted(path).history.points) == 4


def test_same_spec_from_yaml_and_json_with_history(company, write):
    import json

    from speckit import to_json_compatible

    path, _ = company()
    write(QUARTERS, "h.csv")
    json_path = write(json.dumps(to_json_compatible(changed(revenue__history="h.csv"))), "company.json")
    assert accepted(json_path).history == accepted(path).history.__class__(
        str(path.parent / "h.csv"), "quarter", accepted(path).history.points)


# --- the history file is missing or out of bounds -------------------------------------------------------

def test_a_missing_history_file(company):
    path, where = company()
    assert lines_of(path) == [f"{path}:{where['revenue.history']}: revenue.history: no such file (got 'h.csv')"]


@pytest.mark.parametrize(("written", "message"), [
    ("../x.csv", "must stay inside the folder of the input file (no .. or links out of it)"),
    ("sub/../../x.csv", "must stay inside the folder of the input file (no .. or links out of it)"),
    ("/etc/passwd.csv", "must be a path relative to the input file"),
    ("/dev/zero", "must be a path relative to the input file"),
    ("https://example.com/h.csv", "must be a path relative to the input file"),
    ("h.txt", "must name a .csv, .xlsx or .parquet file"),
    ("h.xls", "must name a .csv, .xlsx or .parquet file"),
    ("h", "must name a .csv, .xlsx or .parquet file"),
])
def test_history_paths_that_are_refused(company, write, tmp_path, written, message):
    (tmp_path.parent / "x.csv").write_text(QUARTERS)  # exists: refused for where it is, not for missing
    path, where = company(history=written)
    assert lines_of(path) == [f"{path}:{where['revenue.history']}: revenue.history: {message} (got {written!r})"]


def test_a_symlink_pointing_outside_the_folder_is_refused(company, tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-outside.csv"
    outside.write_text(QUARTERS)
    (tmp_path / "h.csv").symlink_to(outside)
    path, where = company()
    assert lines_of(path) == [f"{path}:{where['revenue.history']}: revenue.history: must stay inside the folder of "
                              "the input file (no .. or links out of it) (got 'h.csv')"]


def test_a_symlink_to_dev_zero_is_refused_without_reading(company, tmp_path):
    (tmp_path / "h.csv").symlink_to("/dev/zero")
    path, where = company()
    started = time.perf_counter()
    [problem] = problems_of(path)
    assert time.perf_counter() - started < 2
    assert (problem.line, problem.field) == (where["revenue.history"], "revenue.history")
    assert problem.message == "must stay inside the folder of the input file (no .. or links out of it)"


def test_a_symlink_inside_the_folder_is_followed(company, write, tmp_path):
    write(QUARTERS, "data/real.csv")
    (tmp_path / "h.csv").symlink_to(tmp_path / "data" / "real.csv")
    path, _ = company()
    assert len(accepted(path).history.points) == 4


@pytest.mark.parametrize("kind", ["directory", "fifo"])
def test_a_history_that_is_not_a_regular_file(company, tmp_path, kind):
    target = tmp_path / "h.csv"
    target.mkdir() if kind == "directory" else os.mkfifo(target)
    path, where = company()
    assert lines_of(path) == [
        f"{path}:{where['revenue.history']}: revenue.history: is not a regular file (got 'h.csv')"]


def test_a_nul_in_the_history_path(company):
    from speckit import Raw

    path, where = company(history=Raw('"h\\0.csv"'))
    assert lines_of(path) == [
        f"{path}:{where['revenue.history']}: revenue.history: is not a valid path (got 'h\\x00.csv')",
        f"{path}:{where['revenue.history']}: revenue.history: contains a control character (U+0000) "
        "(got 'h\\x00.csv')"]


def test_a_history_file_over_the_size_limit(company, tmp_path):
    with open(tmp_path / "h.csv", "wb") as handle:
        handle.write(b"period,revenue\n")
        handle.truncate(MAX_DATA_BYTES + 1)  # sparse: nothing to write
    path, where = company()
    assert lines_of(path) == [
        f"{path}:{where['revenue.history']}: revenue.history: is too large (20.0 MB); at most 20.0 MB (got 'h.csv')"]


@pytest.mark.parametrize(("written", "message"), [("''", "must be 1 to 500 characters long"),
                                                  ("5", "must be text")])
def test_a_history_that_is_not_a_path(company, written, message):
    from speckit import Raw

    path, where = company(history=Raw(written))
    [problem] = problems_of(path)
    assert (problem.line, problem.field, problem.message) == (where["revenue.history"], "revenue.history", message)


# --- malformed history files ----------------------------------------------------------------------------

def test_non_numeric_cells_are_reported_with_their_csv_lines(company, write):
    path, _ = company()
    csv = write("period,revenue\n2024Q1,10\n2024Q2,abc\n2024Q3,12%\n2024Q4,\n2025Q1,nan\n2025Q2,-5\n2025Q3,1e999\n",
                "h.csv")
    assert lines_of(path) == [
        f"{csv}:3: revenue.history.revenue: is not a number (got 'abc')",
        f"{csv}:4: revenue.history.revenue: must be an amount, not a percentage (got '12%')",
        f"{csv}:5: revenue.history.revenue: is empty (got '')",
        f"{csv}:6: revenue.history.revenue: must be a finite number (got 'nan')",
        f"{csv}:7: revenue.history.revenue: must be at least 0 (got '-5')",
        f"{csv}:8: revenue.history.revenue: must be a finite number (got '1e999')",
    ]


def test_bad_periods_are_reported_with_their_csv_lines(company, write):
    path, _ = company()
    csv = write("period,revenue\n2024Q5,1\n2024-13,2\n2023-02-30,3\nlast year,4\n", "h.csv")
    message = "is not a period (2024, 2024Q3, 2024-03 or 2024-03-31)"
    assert lines_of(path) == [f"{csv}:{line}: revenue.history.period: {message} (got {got!r})"
                              for line, got in [(2, "2024Q5"), (3, "2024-13"), (4, "2023-02-30"), (5, "last year")]]


def test_a_bad_period_and_a_bad_revenue_on_one_row_are_both_reported(company, write):
    path, _ = company()
    csv = write("period,revenue\nsoon,lots\n", "h.csv")
    assert [(p.file, p.line, p.field) for p in problems_of(path)] == [
        (str(csv), 2, "revenue.history.period"), (str(csv), 2, "revenue.history.revenue")]


@pytest.mark.parametrize("header", ["quarter,revenue", "period,sales", "period,revenue,notes", "period", "revenue"])
def test_wrong_columns(company, write, header):
    path, _ = company()
    csv = write(header + "\n" + "2024," * header.count(",") + "1\n", "h.csv")
    assert lines_of(path) == [f"{csv}:1: revenue.history: columns must be exactly period,revenue (got {header})"]


def test_duplicate_periods_name_the_first_line(company, write):
    path, _ = company()
    csv = write("period,revenue\n2024Q1,1\n2024Q2,2\n2024Q1,3\nQ2 2024,4\n", "h.csv")
    assert lines_of(path) == [
        f"{csv}:4: revenue.history.period: repeats the period of line 2 (got '2024Q1')",
        f"{csv}:5: revenue.history.period: repeats the period of line 3 (got 'Q2 2024')",
    ]


def test_mixed_kinds_of_period(company, write):
    path, _ = company()
    csv = write("period,revenue\n2024Q1,1\n2024Q2,2\n2024,3\n2024-07,4\n", "h.csv")
    assert lines_of(path) == [
        f"{csv}:2: revenue.history.period: mixes kinds of period: quarter (line 2), year (line 4), month (line 5)"]


def test_a_period_after_as_of(company, write):
    path, _ = company()  # as_of 2026-06-30
    csv = write("period,revenue\n2026Q2,1\n2026Q3,2\n", "h.csv")
    assert lines_of(path) == [
        f"{csv}:3: revenue.history.period: ends after company.as_of (2026-06-30) (got '2026Q3')"]
    write("period,revenue\n2026-06-30,1\n2026-07-01,2\n", "h.csv")
    assert lines_of(path) == [
        f"{csv}:3: revenue.history.period: ends after company.as_of (2026-06-30) (got '2026-07-01')"]
    write("period,revenue\n2025,1\n2026,2\n", "h.csv")  # the current year is allowed (year to date)
    assert [p.label for p in accepted(path).history.points] == ["2025", "2026"]


def test_a_header_without_rows(company, write):
    path, _ = company()
    csv = write("period,revenue\n", "h.csv")
    assert [(p.file, p.field, p.message) for p in problems_of(path)] == [(str(csv), "revenue.history", "has no rows")]


def test_too_many_rows(company, write):
    path, _ = company()
    rows = "".join(f"{1000 + i // 12}-{i % 12 + 1:02d},1\n" for i in range(2001))
    csv = write("period,revenue\n" + rows, "h.csv")
    assert lines_of(path) == [f"{csv}:2: revenue.history: has 2,001 rows; at most 2,000"]


def _months(rows: int) -> pd.DataFrame:
    periods = [f"{1000 + i // 12}-{i % 12 + 1:02d}" for i in range(rows)]
    return pd.DataFrame({"period": periods, "revenue": [1.0] * rows})


def test_an_xlsx_of_2000_rows_is_read_in_full(company, write):
    """2,000 rows span several chunks of the row scan (64 KiB each): a row tag across two chunks counts once."""
    path, _ = company(history="h.xlsx")
    write(_xlsx(_months(2000)), "h.xlsx")
    assert len(accepted(path).history.points) == 2000


@pytest.mark.parametrize(("name", "make", "rows"), [
    ("h.xlsx", _xlsx, "more than 2,000"),  # counted from the sheet's XML stream, stopped after the limit
    ("h.parquet", _parquet, "2,001"),  # from the Parquet footer
])
def test_too_many_rows_of_a_compressed_file_are_refused_before_reading(company, write, name, make, rows):
    path, _ = company(history=name)
    data = write(make(_months(2001)), name)
    assert lines_of(path) == [f"{data}:1: revenue.history: has {rows} rows; at most 2,000"]


def test_an_xlsx_part_that_expands_too_far_is_refused(company, write):
    import zipfile

    path, _ = company(history="h.xlsx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_xlsx(_months(3)))) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("xl/sharedStrings2.xml", b" " * (17 << 20))
    data = write(buffer.getvalue(), "h.xlsx")
    assert lines_of(path) == [f"{data}:1: revenue.history: could not be read as an Excel workbook: "
                              "xl/sharedStrings2.xml expands to 17.8 MB; at most 16.8 MB"]


def test_an_xlsx_part_in_bzip2_is_refused(company, write):
    import zipfile

    path, _ = company(history="h.xlsx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_xlsx(_months(3)))) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item), compress_type=zipfile.ZIP_BZIP2)
    data = write(buffer.getvalue(), "h.xlsx")
    [problem] = problems_of(path)
    assert (problem.file, problem.line) == (str(data), 1)
    assert problem.message.endswith("uses an unsupported compression")


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("h.xlsx", b"PK\x03\x04 this is not a workbook", "an Excel workbook"),
    ("h.xlsx", b"period,revenue\n2024,1\n", "an Excel workbook"),
    ("h.parquet", b"PAR1 not really PAR1", "Parquet"),
    ("h.parquet", b"", "Parquet"),
    ("h.csv", b"", "CSV"),
])
def test_broken_data_files(company, write, name, content, kind):
    path, _ = company(history=name)
    data = write(content, name)
    [problem] = problems_of(path)
    assert (problem.file, problem.line, problem.field) == (str(data), 1, "revenue.history")
    assert problem.message.startswith(f"could not be read as {kind}: ")
    assert "\n" not in problem.message


def test_an_xlsx_with_bad_cells_reports_spreadsheet_rows(company, write):
    path, _ = company(history="h.xlsx")
    frame = pd.DataFrame({"period": ["2023", "2024", "someday"], "revenue": [1, "n/a", 3]})
    data = write(_xlsx(frame), "h.xlsx")
    assert lines_of(path) == [
        f"{data}:3: revenue.history.revenue: is not a number (got 'n/a')",
        f"{data}:4: revenue.history.period: is not a period (2024, 2024Q3, 2024-03 or 2024-03-31) (got 'someday')",
    ]


def test_an_xlsx_with_empty_and_na_cells_reports_them_as_written(company, write):
    path, _ = company(history="h.xlsx")
    frame = pd.DataFrame({"period": ["2023", "NA", None], "revenue": [1, None, 3]})
    data = write(_xlsx(frame), "h.xlsx")
    assert lines_of(path) == [
        f"{data}:3: revenue.history.period: is not a period (2024, 2024Q3, 2024-03 or 2024-03-31) (got 'NA')",
        f"{data}:3: revenue.history.revenue: is empty (got '')",
        f"{data}:4: revenue.history.period: is not a period (2024, 2024Q3, 2024-03 or 2024-03-31) (got '')",
    ]


def test_a_parquet_with_wrong_columns(company, write):
    path, _ = company(history="h.parquet")
    data = write(_parquet(pd.DataFrame({"year": [2024], "revenue": [1.0]})), "h.parquet")
    assert lines_of(path) == [f"{data}:1: revenue.history: columns must be exactly period,revenue (got year,revenue)"]


def test_history_problems_are_reported_with_the_input_problems(company, write):
    """All problems at once: a bad cell in the history does not wait for the YAML to be fixed."""
    path, where = company(revenue__fade=7)
    csv = write("period,revenue\n2024,1\n2025,abc\n", "h.csv")
    assert sorted(lines_of(path)) == sorted([
        f"{path}:{where['revenue.fade']}: revenue.fade: must be between 0 and 1 (got 7); rates are fractions",
        f"{csv}:3: revenue.history.revenue: is not a number (got 'abc')",
    ])


def test_a_missing_history_is_reported_with_the_input_problems(company):
    path, where = company(dcf__horizon=99)
    assert lines_of(path) == [
        f"{path}:{where['revenue.history']}: revenue.history: no such file (got 'h.csv')",
        f"{path}:{where['dcf.horizon']}: dcf.horizon: must be between 3 and 30 (got 99)",
    ]


def test_history_problems_are_found_by_the_build_path_too(company, write):
    """The build parses history files in the parent (``preparse_history``); the result is the same."""
    from reportgen.contract.load import parse_bundle
    from reportgen.contract.source import preparse_history, read_input
    from reportgen.errors import SpecError

    path, _ = company(revenue__fade=7)
    write("period,revenue\n2024,1\n2025,abc\n", "h.csv")
    with pytest.raises(SpecError) as built:
        parse_bundle(preparse_history(read_input(str(path))))
    assert [str(p) for p in built.value.problems] == lines_of(path)
    path, _ = company(name="good.yaml")
    write(QUARTERS, "h.csv")
    assert parse_bundle(preparse_history(read_input(str(path)))).history == accepted(path).history
