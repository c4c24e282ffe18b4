"""``reportgen new --sheet FILE``: a sheet of companies with the starter's fields as headers and the
starter company as its one row, which validates (checked before anything is written)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from reportgen.contract.sheet import SOURCE_ATTRIBUTES


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}{key}.", out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _flatten(item, f"{prefix}{index}.", out)
    elif value is not None:
        out[prefix[:-1]] = value.isoformat() if isinstance(value, dt.date) else value


def template_row(name: str, today: dt.date | None = None) -> dict[str, Any]:
    """Column -> value of the starter company (raises StarterError for a name the contract refuses)."""
    import yaml

    from reportgen.contract.starter import starter_yaml

    document = yaml.safe_load(starter_yaml(name, today))
    sources = document.pop("sources", None) or {}
    document.pop("schema", None)
    row: dict[str, Any] = {}
    _flatten(document, "", row)
    for key, source in sources.items():
        if isinstance(source, dict):
            for attribute in SOURCE_ATTRIBUTES:
                if source.get(attribute) is not None:
                    value = source[attribute]
                    suffix = "" if attribute == "text" else f".{attribute}"
                    row[f"sources.{key}{suffix}"] = value.isoformat() if isinstance(value, dt.date) else value
        else:
            row[f"sources.{key}"] = source
    return row


def template_sheet(name: str, csv_file: bool, today: dt.date | None = None) -> bytes:
    """The bytes of the template: a workbook, or CSV (UTF-8) when ``csv_file``."""
    row = template_row(name, today)
    if csv_file:
        text = io.StringIO(newline="")
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(list(row))
        writer.writerow([("TRUE" if v else "FALSE") if isinstance(v, bool) else v for v in row.values()])
        return text.getvalue().encode("utf-8")
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Companies"
    sheet.append(list(row))
    sheet.append(list(row.values()))
    for cell in sheet[2]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # a name such as "=1+1" stays text
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
