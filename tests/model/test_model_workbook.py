"""model.xlsx (``--format xlsx``): every figure of every sheet is the figure model.json holds, as a number
with its currency and unit in the number format, never a formula; the file is byte-reproducible."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from reportgen.model.workbook import ANNUAL, SHEETS, model_workbook

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def workbook_bytes(example_model) -> bytes:
    return model_workbook(example_model)


@pytest.fixture(scope="module")
def workbook(workbook_bytes):
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes))


def _rows(sheet) -> list[tuple[Any, ...]]:
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_one_sheet_each_and_no_formula(workbook):
    assert workbook.sheetnames == list(SHEETS)
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert len(cells) > 400
    assert [c.coordinate for c in cells if c.data_type == "f"] == []


def test_inputs_sheet_equals_model_json(workbook, example_json):
    sheet = workbook["Inputs"]
    header = next(sheet.iter_rows(max_row=1, values_only=True))
    assert header == ("field", "value", "basis", "default", "source", "date", "url")
    rows = {row[0]: row[1:] for row in _rows(sheet)}
    assert list(rows) == list(example_json["inputs"])
    for path, entry in example_json["inputs"].items():
        assert rows[path] == (entry["value"], entry["basis"], entry["default"], entry["source"], entry["date"],
                              entry["url"]), path
    post_money = next(c for c in sheet["B"] if sheet.cell(c.row, 1).value == "valuation.post_money")
    assert isinstance(post_money.value, int | float)
    assert post_money.number_format == '#,##0.00 "USD billion"'
    share = next(c for c in sheet["B"] if sheet.cell(c.row, 1).value == "compute.providers.0.share")
    assert "USD" not in share.number_format


def test_scenarios_sheet_equals_model_json(workbook, example_json):
    sheet = workbook["Scenarios"]
    rows = _rows(sheet)
    expected = [(name, year, *(scenario[key][i] for key in ANNUAL))
                for name, scenario in example_json["scenarios"].items()
                for i, year in enumerate(scenario["years"])]
    assert rows == expected
    assert len(rows) == 4 * len(example_json["scenarios"]["base"]["years"])
    assert all(sheet.cell(row, col).number_format == '#,##0.00 "USD billion"'
               for row in range(2, sheet.max_row + 1) for col in range(3, 3 + len(ANNUAL))
               if sheet.cell(row, col).value is not None)


def test_sensitivity_sheet_equals_model_json(workbook, example_json):
    grid = example_json["sensitivity"]
    rows = list(workbook["Sensitivity"].iter_rows(values_only=True))
    assert list(rows[0][1:]) == grid["growth_factor"]
    assert [row[0] for row in rows[1:]] == grid["training_growth"]
    assert [list(row[1:]) for row in rows[1:]] == grid["value_to_price"]


def test_monte_carlo_sheet_equals_model_json(workbook, example_json):
    mc = example_json["monte_carlo"]
    rows = dict(_rows(workbook["Monte Carlo"]))
    assert rows == {key: value for key, value in mc.items() if key != "histogram"}
    formats = {row[0].value: row[1].number_format for row in workbook["Monte Carlo"].iter_rows(min_row=2)}
    assert formats["equity_p50"] == '#,##0.00 "USD billion"'
    assert formats["prob_squeeze"] == "0.0%"


def test_judgments_sheet_equals_model_json(workbook, example_json):
    assert dict(_rows(workbook["Judgments"])) == example_json["judgments"]


def test_reproducible(example_model, workbook_bytes):
    """openpyxl stamps the time of saving into docProps/core.xml and every zip entry: both are the as_of."""
    assert model_workbook(example_model) == workbook_bytes
    as_of = dt.date.fromisoformat(example_model.company.as_of)
    with zipfile.ZipFile(io.BytesIO(workbook_bytes)) as package:
        assert {info.date_time[:3] for info in package.infolist()} == {(as_of.year, as_of.month, as_of.day)}
        core = package.read("docProps/core.xml").decode()
    assert core.count(f"{as_of.isoformat()}T00:00:00Z") == 2  # created and modified


def test_a_formula_like_name_stays_text(example_model):
    from dataclasses import replace

    hostile = replace(example_model, company=replace(example_model.company, name='=HYPERLINK("http://x","y")'))
    sheet = openpyxl.load_workbook(io.BytesIO(model_workbook(hostile)))["Judgments"]
    assert sheet.parent.properties.title.startswith("=HYPERLINK")
    package = zipfile.ZipFile(io.BytesIO(model_workbook(hostile)))
    assert all(b"<f>" not in package.read(name) for name in package.namelist())


def test_build_writes_model_xlsx_when_asked(tmp_path):
    """Through the CLI: --format json,xlsx writes model.xlsx beside model.json, and the default does not."""
    out = tmp_path / "out"
    source = ROOT / "inputs" / "anthropic-2026.yaml"
    done = subprocess.run([str(ROOT / ".venv/bin/reportgen"), "build", str(source), "--out", str(out), "--format",
                           "json,xlsx", "-q"], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    document = json.loads((out / "anthropic-2026" / "model.json").read_text(encoding="utf-8"))
    workbook = openpyxl.load_workbook(out / "anthropic-2026" / "model.xlsx")
    for check in (test_inputs_sheet_equals_model_json, test_scenarios_sheet_equals_model_json,
                  test_sensitivity_sheet_equals_model_json, test_monte_carlo_sheet_equals_model_json,
                  test_judgments_sheet_equals_model_json):
        check(workbook, document)  # every figure of the built file against the built model.json
    from reportgen.batch.options import BuildOptions

    assert "xlsx" not in BuildOptions().formats
