"""A sheet of companies (.xlsx, .csv): each row is checked as a YAML input is, its problems located by cell;
formulas, error values and non-finite numbers are refused; the sheet's size is capped; the template that
``reportgen new --sheet`` writes validates."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from reportgen.contract.load import parse_bundle
from reportgen.contract.sheet_read import MAX_COLUMNS, MAX_COMPANIES
from reportgen.contract.sheet_source import read_sheet
from reportgen.contract.sheet_template import template_row, template_sheet
from reportgen.errors import SpecError

HEADER = ["company.name", "company.as_of", "company.currency", "company.unit", "valuation.post_money",
          "valuation.latest_raise", "cash_on_hand", "revenue.run_rate", "revenue.growth_y1",
          "costs.inference_share", "costs.training_spend", "costs.opex_share", "compute.providers.0.name",
          "compute.providers.0.share", "compute.providers.1.name", "compute.providers.1.share",
          "sources.valuation.post_money"]
ROW = ["Acme AI", "2026-03-31", "USD", "million", 500, 50, 60, 40, 0.5, 0.3, 10, 0.4, "Cloud", 0.7, "Other", 0.3,
       "Press release"]


def write_xlsx(path: Path, rows: list[list], title: str = "Sheet1") -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[list]) -> Path:
    text = io.StringIO(newline="")
    csv.writer(text, lineterminator="\n").writerows(rows)
    path.write_text(text.getvalue(), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[list[str]]:
    """Each row's problems as printed (an empty list for a valid row)."""
    found = []
    for bundle in read_sheet(str(path)):
        try:
            parse_bundle(bundle)
            found.append([])
        except SpecError as exc:
            found.append([str(p) for p in exc.problems])
    return found


def test_rows_become_the_documents_a_yaml_input_would_be(tmp_path):
    path = write_xlsx(tmp_path / "companies.xlsx", [HEADER, ROW, ["Beta", *ROW[1:]]])
    bundles = read_sheet(str(path))
    specs = [parse_bundle(b) for b in bundles]
    assert [b.name for b in bundles] == ["acme-ai", "beta"]
    assert [b.display for b in bundles] == [f"{path}:Sheet1!2:2", f"{path}:Sheet1!3:3"]
    spec = specs[0].input
    assert (spec.company.name, spec.valuation.post_money, spec.compute.providers[1].share) == ("Acme AI", 500, 0.3)
    assert spec.company.as_of.isoformat() == "2026-03-31"
    assert spec.sources["valuation.post_money"].text == "Press release"


def test_a_bad_cell_is_located_by_cell_and_field(tmp_path):
    bad = list(ROW)
    bad[HEADER.index("revenue.growth_y1")] = "45%"
    bad[HEADER.index("compute.providers.0.share")] = "=0.5+0.2"  # a formula: refused, never evaluated
    path = write_xlsx(tmp_path / "companies.xlsx", [HEADER, ROW, bad], title="Q1 2026")
    good, wrong = problems_of(path)
    assert good == []
    assert wrong == [  # in the order of their fields, as a YAML input's problems of one line
        f"{path}:'Q1 2026'!N3: compute.providers.0.share: is a formula (=0.5+0.2); write its value: formulas "
        "are not evaluated",
        f"{path}:'Q1 2026'!I3: revenue.growth_y1: must be a number, not a percentage (got '45%'); "
        "write percentages as fractions (45% is 0.45)",
    ]


def test_csv_cells_are_typed_by_the_field_and_located_column_row(tmp_path):
    missing = list(ROW)
    missing[HEADER.index("valuation.post_money")] = ""
    nan = list(ROW)
    nan[HEADER.index("revenue.run_rate")] = "nan"
    path = write_csv(tmp_path / "companies.csv", [HEADER, ROW, missing, nan])
    ok, no_price, not_finite = problems_of(path)
    assert ok == []
    assert no_price == [f"{path}:E3: valuation.post_money: is required"]  # its empty cell
    assert not_finite == [f"{path}:H4: revenue.run_rate: must be a finite number (got 'nan')"]


def test_header_problems_refuse_the_whole_sheet(tmp_path):
    path = write_csv(tmp_path / "companies.csv", [[*HEADER, "company.name", "bad..path", "compute.providers"],
                                                   [*ROW, "x", "y", "z"]])
    with pytest.raises(SpecError) as caught:
        read_sheet(str(path))
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:S1: (header): is not a field path (got 'bad..path'); write it as company.name or "
        "compute.providers.0.share",
        f"{path}:R1: company.name: names a field that another column names",
        f"{path}:T1: compute.providers: is a section or list item whose fields have columns of their own; give "
        "each field its column",
    ]


def test_a_field_without_a_column_is_located_by_row(tmp_path):
    header = [h for h in HEADER if h != "costs.opex_share"]
    row = [v for h, v in zip(HEADER, ROW, strict=True) if h != "costs.opex_share"]
    path = write_xlsx(tmp_path / "c.xlsx", [header, row])
    assert problems_of(path) == [[f"{path}:Sheet1!2:2: costs.opex_share: is required"]]


def test_list_items_without_a_gap_and_a_name_column(tmp_path):
    header = [*HEADER, "compute.providers.3.name", "compute.providers.3.share", "name"]
    gap = [*ROW, "Far", 0.1, "acme-custom"]
    bad_name = [*ROW, "", "", "../escape"]
    path = write_xlsx(tmp_path / "c.xlsx", [header, gap, bad_name])
    bundles = read_sheet(str(path))
    assert [b.name for b in bundles] == ["acme-custom", "acme-ai"]
    first, second = problems_of(path)
    assert first == [f"{path}:Sheet1!R2: compute.providers.3: item 3 is given but item 2 is empty; number the "
                     "items from 0 without gaps"]
    assert second == [f"{path}:Sheet1!T3: name: must be a folder name: letters, digits, '.', '-' and '_', "
                      "starting with a letter or digit, at most 100 (got '../escape')"]


def test_size_limits(tmp_path):
    rows = [HEADER] + [ROW] * (MAX_COMPANIES + 1)
    path = write_csv(tmp_path / "many.csv", rows)
    with pytest.raises(SpecError, match=f"at most {MAX_COMPANIES:,}"):
        read_sheet(str(path))
    wide = write_csv(tmp_path / "wide.csv", [[f"notes{i}" for i in range(MAX_COLUMNS + 1)]])
    with pytest.raises(SpecError, match=f"at most {MAX_COLUMNS:,}"):
        read_sheet(str(wide))
    not_a_workbook = tmp_path / "fake.xlsx"
    not_a_workbook.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(SpecError, match="could not be read as an Excel workbook"):
        read_sheet(str(not_a_workbook))


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_template_validates_and_keeps_a_hostile_name_as_text(tmp_path, suffix):
    name = '=HYPERLINK("http://x","y") <b>'
    path = tmp_path / f"template{suffix}"
    path.write_bytes(template_sheet(name, csv_file=suffix == ".csv"))
    [bundle] = read_sheet(str(path))
    spec = parse_bundle(bundle)
    assert spec.input.company.name == name
    assert len(template_row(name)) > 30


def test_a_row_names_a_history_file_beside_the_sheet(tmp_path):
    (tmp_path / "acme-history.csv").write_text("period,revenue\n2024,10\n2025,25\n2026,oops\n", encoding="utf-8")
    header = [*HEADER, "revenue.history"]
    rows = [[*ROW, "acme-history.csv"], ["Beta", *ROW[1:], "missing.csv"]]
    path = write_xlsx(tmp_path / "c.xlsx", [header, *rows])
    acme, beta = problems_of(path)
    assert acme == [f"{tmp_path / 'acme-history.csv'}:4: revenue.history.revenue: is not a number (got 'oops')"]
    assert beta == [f"{path}:Sheet1!R3: revenue.history: no such file (got 'missing.csv')"]
    (tmp_path / "acme-history.csv").write_text("period,revenue\n2024,10\n2025,25\n", encoding="utf-8")
    spec = parse_bundle(read_sheet(str(path))[0])
    assert [point.revenue for point in spec.history.points] == [10, 25]


def _with_values(path: Path, values: list[bytes]) -> bytes:
    """The workbook at ``path`` with its empty number cells' values replaced, in order, by ``values``."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                for value in values:
                    data = data.replace(b"<v />", b"<v>" + value + b"</v>", 1)
            target.writestr(info, data)
    return out.getvalue()


def test_hostile_workbooks_are_refused_not_crashed(tmp_path):
    """Cells a spreadsheet program never writes (1e400, NaN), too many rows, and a formula are refused with
    their location; the reader never raises anything but SpecError."""
    template = write_xlsx(tmp_path / "t.xlsx", [HEADER, [*ROW[:4], float("nan"), *ROW[5:]]])  # an empty <v />
    infinite = tmp_path / "inf.xlsx"
    infinite.write_bytes(_with_values(template, [b"1e400"]))
    assert problems_of(infinite) == [[f"{infinite}:Sheet1!E2: valuation.post_money: must be a finite number"]]
    malformed = tmp_path / "nan.xlsx"
    malformed.write_bytes(_with_values(template, [b"NaN"]))
    with pytest.raises(SpecError, match="could not be read as an Excel workbook"):
        read_sheet(str(malformed))
    many = write_xlsx(tmp_path / "many.xlsx", [HEADER] + [ROW] * (MAX_COMPANIES + 1))
    with pytest.raises(SpecError, match=f"at most {MAX_COMPANIES:,}"):
        read_sheet(str(many))
