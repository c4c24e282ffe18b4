"""Optional revenue history (``revenue.history``): CSV, XLSX or Parquet read with pandas.

Columns ``period,revenue``; periods are years (2024), quarters (2024Q3, 2024-Q3, Q3 2024), months
(2024-03) or dates (2024-03-31), one granularity per file. Every bad cell is reported with the row
as a spreadsheet shows it (header on line 1).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from calendar import monthrange
from dataclasses import dataclass

from reportgen.contract.history_limits import MAX_ROWS, Refused, check_parquet, check_xlsx
from reportgen.errors import Problem

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$|^Q([1-4])\s*-?\s*(\d{4})$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00:00)?$")


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    label: str  # canonical: 2024, 2024 Q3, 2024-03, 2024-03-31
    end: dt.date  # last day of the period, for ordering and drawing
    revenue: float


@dataclass(frozen=True, slots=True)
class RevenueHistory:
    file: str
    granularity: str  # year | quarter | month | date
    points: tuple[HistoryPoint, ...]


def parse_period(text: str) -> tuple[str, str, dt.date] | None:
    """``(granularity, label, period end)`` or None when ``text`` is not a period."""
    text = text.strip()
    try:
        if m := _YEAR.match(text):
            year = int(m[1])
            return "year", f"{year}", dt.date(year, 12, 31)
        if m := _QUARTER.match(text):
            year, quarter = (int(m[1]), int(m[2])) if m[1] else (int(m[4]), int(m[3]))
            month = quarter * 3
            return "quarter", f"{year} Q{quarter}", dt.date(year, month, monthrange(year, month)[1])
        if m := _MONTH.match(text):
            year, month = int(m[1]), int(m[2])
            return "month", f"{year}-{month:02d}", dt.date(year, month, monthrange(year, month)[1])
        if m := _DATE.match(text):
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            return "date", day.isoformat(), day
    except ValueError:  # month 13, 30 February
        return None
    return None


def _frame(content: bytes, suffix: str):
    import pandas as pd

    if suffix == ".csv":
        frame = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False,
                            encoding="utf-8-sig", skipinitialspace=True)
        return frame, 2  # header is line 1
    if suffix == ".xlsx":
        check_xlsx(content)
        # keep_default_na=False: "n/a" or an empty cell is reported as written, not as a NaN shown as ''
        frame = pd.read_excel(io.BytesIO(content), dtype=object, engine="openpyxl", keep_default_na=False)
        return frame, 2
    check_parquet(content)
    frame = pd.read_parquet(io.BytesIO(content))
    return frame, 1  # no header row: report row numbers from 1


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    if hasattr(value, "isoformat"):  # pandas Timestamp
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e6:
        return str(int(value))  # Excel stores the year 2024 as 2024.0
    return str(value)


def load_history(content: bytes, display: str, as_of: dt.date | None) -> tuple[RevenueHistory | None,
                                                                               list[Problem]]:
    """Parse a history file; return the series or the problems found, every one of them."""
    suffix = "." + display.rsplit(".", 1)[-1].lower()
    try:
        frame, first_line = _frame(content, suffix)
    except Refused as refused:
        return None, [Problem(display, refused.line, "revenue.history", refused.message)]
    except Exception as exc:  # pandas, openpyxl and pyarrow each raise their own kinds
        kind = {".csv": "CSV", ".xlsx": "an Excel workbook", ".parquet": "Parquet"}[suffix]
        reason = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        return None, [Problem(display, 1, "revenue.history", f"could not be read as {kind}: {reason}")]

    columns = {str(c).strip().lower(): c for c in frame.columns}
    missing = [c for c in ("period", "revenue") if c not in columns]
    extra = [str(c) for key, c in columns.items() if key not in ("period", "revenue")]
    if missing or extra:
        found = ",".join(str(c) for c in frame.columns) or "(none)"
        return None, [Problem(display, 1, "revenue.history",
                              "columns must be exactly period,revenue", got=found)]
    if len(frame) == 0:
        return None, [Problem(display, first_line, "revenue.history", "has no rows")]
    if len(frame) > MAX_ROWS:
        return None, [Problem(display, first_line, "revenue.history",
                              f"has {len(frame):,} rows; at most {MAX_ROWS:,}")]

    problems: list[Problem] = []
    points: list[HistoryPoint] = []
    granularities: dict[str, int] = {}
    seen: dict[str, int] = {}
    periods = frame[columns["period"]].tolist()
    revenues = frame[columns["revenue"]].tolist()
    for index, (raw_period, raw_revenue) in enumerate(zip(periods, revenues, strict=True)):
        line = first_line + index
        period_text, revenue_text = _cell_text(raw_period), _cell_text(raw_revenue)
        parsed = parse_period(period_text)
        if parsed is None:
            problems.append(Problem(display, line, "revenue.history.period",
                                    "is not a period (2024, 2024Q3, 2024-03 or 2024-03-31)",
                                    got=repr(period_text)))
        value = _revenue_value(raw_revenue, revenue_text)
        if isinstance(value, str):
            problems.append(Problem(display, line, "revenue.history.revenue", value,
                                    got=repr(revenue_text)))
        if parsed is None or isinstance(value, str):
            continue
        granularity, label, end = parsed
        granularities.setdefault(granularity, line)
        if label in seen:
            problems.append(Problem(display, line, "revenue.history.period",
                                    f"repeats the period of line {seen[label]}", got=repr(period_text)))
            continue
        seen[label] = line
        if as_of is not None and end > as_of and granularity != "year":
            problems.append(Problem(display, line, "revenue.history.period",
                                    f"ends after company.as_of ({as_of.isoformat()})", got=repr(period_text)))
        points.append(HistoryPoint(label, end, value))
    if len(granularities) > 1:
        kinds = ", ".join(f"{kind} (line {line})" for kind, line in granularities.items())
        problems.append(Problem(display, first_line, "revenue.history.period",
                                f"mixes kinds of period: {kinds}"))
    if problems:
        return None, problems
    points.sort(key=lambda p: p.end)
    return RevenueHistory(display, next(iter(granularities)), tuple(points)), []


def _revenue_value(raw: object, text: str) -> float | str:
    """The revenue of a cell, or the reason it is not one."""
    if isinstance(raw, bool):
        return "must be a number"
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        number = float(raw)
    else:
        stripped = text.strip()
        if not stripped:
            return "is empty"
        if stripped.endswith("%"):
            return "must be an amount, not a percentage"
        try:
            number = float(stripped)
        except ValueError:
            return "is not a number"
        if stripped.lower().lstrip("+-") in {"nan", "inf", "infinity"}:
            return "must be a finite number"
    if not math.isfinite(number):
        return "must be a finite number"
    if number < 0:
        return "must be at least 0"
    return number
