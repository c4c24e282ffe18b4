"""model.xlsx: the model's figures for a reader who checks them in Excel.

One sheet each for the inputs (with basis and sources), the scenarios (one row per scenario and
year), the sensitivity grid, the Monte Carlo summary and the judgments. Every figure is a number cell
holding the value model.json holds (the same 12 significant digits); amounts carry the input's
currency and unit in their number format, ratios and probabilities theirs. Nothing is a formula: a
text that starts with "=" is written as text, never evaluated.

The file is byte-reproducible: the workbook's dates are the input's as_of, and the zip is rewritten
with fixed entry dates (openpyxl stamps both with the time of saving).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

from reportgen.model.document import rounded
from reportgen.model.result import Model, Scenario

SHEETS = ("Inputs", "Scenarios", "Sensitivity", "Monte Carlo", "Judgments")
ANNUAL = ("revenue", "compute_cost", "opex", "ebit", "tax", "fcf", "cash")
INPUT_COLUMNS = ("field", "value", "basis", "default", "source", "date", "url")
RATIO_FORMAT = '0.00"x"'
PERCENT_FORMAT = "0.0%"
PLAIN_FORMAT = "General"
_MC_RATIO = ("value_to_price_p5", "value_to_price_p50", "value_to_price_p95")
_MC_PERCENT = ("prob_value_ge_price", "prob_squeeze", "prob_zero_value")


def amount_format(model: Model) -> str:
    """``#,##0.00 "USD billion"``: the figure stays a number; the cell shows its currency and unit."""
    label = f"{model.company.currency} {model.company.unit}".replace('"', "")
    return f'#,##0.00 "{label}"'


def model_workbook(model: Model) -> bytes:
    """The bytes of model.xlsx for ``model``."""
    from openpyxl import Workbook

    workbook = Workbook()
    money = amount_format(model)
    _inputs(workbook.active, model, money)
    _scenarios(workbook.create_sheet(), model.scenarios, money)
    _sensitivity(workbook.create_sheet(), model)
    _monte_carlo(workbook.create_sheet(), model, money)
    _judgments(workbook.create_sheet(), model)
    for sheet, title in zip(workbook.worksheets, SHEETS, strict=True):
        sheet.title = title
        sheet.freeze_panes = "A2"
    stamp = dt.datetime.combine(dt.date.fromisoformat(model.company.as_of), dt.time())
    workbook.properties.creator = "reportgen"
    workbook.properties.title = f"{model.company.name}: model"[:255]
    workbook.properties.created = stamp
    buffer = io.BytesIO()
    workbook.save(buffer)
    return reproducible_zip(buffer.getvalue(), stamp)


def reproducible_zip(content: bytes, stamp: dt.datetime) -> bytes:
    """``content`` (an OOXML zip) with every entry dated ``stamp`` and the core properties' modified date
    (which openpyxl sets to now when it saves) set to it as well."""
    when = max(stamp, dt.datetime(1980, 1, 1))  # the earliest date a zip entry can hold
    iso = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + iso.encode() + rb"\g<2>", data)
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, data)
    return out.getvalue()


def _cell_value(value: Any) -> Any:
    """A cell's value: numbers as numbers (rounded as model.json rounds them), text never a formula."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return rounded(value)
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # XML 1.0 cannot hold C0 controls: shown escaped, as the terminal shows them
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: repr(m.group())[1:-1], str(value))


def _append(sheet: Any, values: list[Any], formats: list[str | None] | None = None) -> None:
    row = sheet.max_row + 1 if sheet.max_row > 1 or sheet["A1"].value is not None else 1
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        cell.value = _cell_value(value)
        if isinstance(cell.value, str):
            cell.data_type = "s"  # "=..." from an input stays text, never a formula
        fmt = formats[column - 1] if formats else None
        if fmt and isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
            cell.number_format = fmt


def _inputs(sheet: Any, model: Model, money: str) -> None:
    from reportgen.contract.field_types import is_amount

    _append(sheet, list(INPUT_COLUMNS))
    for path, entry in model.inputs.items():
        fmt = money if is_amount(path) else PLAIN_FORMAT
        _append(sheet, [path, entry.value, entry.basis, entry.default, entry.source, entry.date, entry.url],
                [None, fmt, None, None, None, None, None])


def _scenarios(sheet: Any, scenarios: dict[str, Scenario], money: str) -> None:
    _append(sheet, ["scenario", "year", *ANNUAL])
    formats: list[str | None] = [None, "0", *([money] * len(ANNUAL))]
    for name, scenario in scenarios.items():
        for index, year in enumerate(scenario.years):
            _append(sheet, [name, year, *(getattr(scenario, key)[index] for key in ANNUAL)], formats)


def _sensitivity(sheet: Any, model: Model) -> None:
    grid = model.sensitivity
    _append(sheet, ["training_growth \\ growth_factor", *grid.growth_factor],
            [None, *([PLAIN_FORMAT] * len(grid.growth_factor))])
    for growth, row in zip(grid.training_growth, grid.value_to_price, strict=True):
        _append(sheet, [growth, *row], [PERCENT_FORMAT, *([RATIO_FORMAT] * len(row))])


def _monte_carlo(sheet: Any, model: Model, money: str) -> None:
    mc = model.monte_carlo
    _append(sheet, ["figure", "value"])
    _append(sheet, ["paths", mc.paths], [None, "0"])
    _append(sheet, ["seed", mc.seed], [None, "0"])
    for name, value in mc.figures():
        fmt = RATIO_FORMAT if name in _MC_RATIO else PERCENT_FORMAT if name in _MC_PERCENT else money
        _append(sheet, [name, value], [None, fmt])


def _judgments(sheet: Any, model: Model) -> None:
    _append(sheet, ["judgment", "verdict"])
    for name, verdict in model.judgments.items():
        _append(sheet, [name, verdict])
