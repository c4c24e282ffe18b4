"""``reportgen build companies.xlsx`` through the CLI: one brief per valid row, a bad cell located and the
exit code 1; editing one row rebuilds that row's brief alone; two rows of one name are refused."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from buildkit import reportgen

HEADER = ["company.name", "company.as_of", "company.currency", "company.unit", "valuation.post_money",
          "valuation.latest_raise", "cash_on_hand", "revenue.run_rate", "revenue.growth_y1",
          "costs.inference_share", "costs.training_spend", "costs.opex_share", "compute.providers.0.name",
          "compute.providers.0.share"]


def row(name: str, post_money: object = 500) -> list[object]:
    return [name, "2026-03-31", "USD", "million", post_money, 50, 60, 40, 0.5, 0.3, 10, 0.4, "Cloud", 1]


def write(path: Path, rows: list[list[object]]) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Sheet1"
    for values in [HEADER, *rows]:
        workbook.active.append(values)
    workbook.save(path)


def test_three_companies_one_bad_cell(tmp_path: Path) -> None:
    sheet = tmp_path / "companies.xlsx"
    write(sheet, [row("Acme AI"), row("Beta Labs", "lots"), row("Gamma")])
    first = reportgen("build", sheet.name, "--out", "out", "--format", "json", "--json", cwd=tmp_path)
    assert first.code == 1, str(first)
    summary = first.json()
    assert sorted(Path(b["output"]).name for b in summary["built"]) == ["acme-ai", "gamma"]
    assert summary["failed"] == [{"input": "companies.xlsx:Sheet1!3:3", "errors": [
        "companies.xlsx:Sheet1!E3: valuation.post_money: must be a number (got 'lots')"]}]
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_dir()) == [".reportgen", "acme-ai", "gamma"]
    checked = reportgen("validate", sheet.name, cwd=tmp_path)
    assert checked.code == 1 and checked.stdout.splitlines() == [
        "companies.xlsx:Sheet1!2:2: ok", "companies.xlsx:Sheet1!4:4: ok"], str(checked)
    assert checked.stderr.splitlines() == [
        "companies.xlsx:Sheet1!E3: valuation.post_money: must be a number (got 'lots')", "2 valid, 1 invalid"]
    model = json.loads((tmp_path / "out" / "gamma" / "model.json").read_text(encoding="utf-8"))
    assert model["company"]["name"] == "Gamma" and model["inputs"]["valuation.post_money"]["value"] == 500

    # One row edited (Gamma's price) and the bad cell fixed: those two rows are built, Acme is up to date.
    gamma_before = (tmp_path / "out" / "gamma" / "model.json").read_bytes()
    write(sheet, [row("Acme AI"), row("Beta Labs", 700), row("Gamma", 900)])
    second = reportgen("build", sheet.name, "--out", "out", "--format", "json", "--json", cwd=tmp_path)
    assert second.code == 0, str(second)
    summary = second.json()
    assert sorted(Path(b["output"]).name for b in summary["built"]) == ["beta-labs", "gamma"]
    assert [Path(s["output"]).name for s in summary["skipped"]] == ["acme-ai"]
    assert (tmp_path / "out" / "gamma" / "model.json").read_bytes() != gamma_before

    # Two rows that would write one folder: both refused, the others untouched.
    write(sheet, [row("Acme AI"), row("Delta"), row("delta")])
    third = reportgen("build", sheet.name, "--out", "out", "--format", "json", "--json", cwd=tmp_path)
    assert third.code == 1, str(third)
    failed = {f["input"]: f["errors"] for f in third.json()["failed"]}
    assert sorted(failed) == ["companies.xlsx:Sheet1!3:3", "companies.xlsx:Sheet1!4:4"]
    assert "like companies.xlsx:Sheet1!4:4" in failed["companies.xlsx:Sheet1!3:3"][0]


def test_new_sheet_writes_a_template_that_validates(tmp_path: Path) -> None:
    made = reportgen("new", "--sheet", "companies.csv", cwd=tmp_path)
    assert made.code == 0, str(made)
    header = (tmp_path / "companies.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:2] == ["company.name", "company.as_of"] and "compute.providers.1.share" in header
    checked = reportgen("validate", "companies.csv", cwd=tmp_path)
    assert checked.code == 0 and checked.stdout.splitlines()[0] == "companies.csv:2:2: ok", str(checked)
    again = reportgen("new", "--sheet", "companies.csv", cwd=tmp_path)
    assert again.code == 1 and "already exists" in again.stderr
