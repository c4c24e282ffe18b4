"""How a Model and a Brief show in Jupyter: small HTML tables (every text escaped: names come from users),
and the scenarios as a pandas DataFrame."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from reportgen.model.result import Model

ANNUAL = ("revenue", "compute_cost", "opex", "ebit", "tax", "fcf", "cash")


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.4g}"
    return html.escape(str(value), quote=True)


def table(caption: str, header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    head = "".join(f"<th>{_text(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_text(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><caption>{_text(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def model_html(model: Model) -> str:
    company = model.company
    amount = f"{company.currency} {company.unit}"
    scenarios = [(name, s.equity_value, s.value_to_price, s.funding_need, s.squeeze_year)
                 for name, s in model.scenarios.items()]
    mc = model.monte_carlo
    return "".join([
        table(f"{company.name} (as of {company.as_of}; amounts in {amount})",
              ["scenario", "equity value", "value / price", "funding need", "squeeze year"], scenarios),
        table("Monte Carlo", ["figure", "value"], [("paths", mc.paths), *mc.figures()]),
        table("Judgments", ["judgment", "verdict"], model.judgments.items()),
    ])


def brief_html(name: str, files: dict[str, bytes], warnings: list[str]) -> str:
    rows = [(path, f"{len(content):,} bytes") for path, content in sorted(files.items())]
    parts = [table(f"Brief {name}", ["file", "size"], rows)]
    if warnings:
        parts.append(table("Warnings", ["warning"], [(w,) for w in warnings]))
    return "".join(parts)


def scenarios_frame(model: Model) -> pd.DataFrame:
    """One row per scenario and year (index: scenario, year), one column per annual figure; an undefined
    figure (a path that overflowed) is NaN."""
    import pandas as pd

    records = [(name, year, *(getattr(s, key)[i] for key in ANNUAL))
               for name, s in model.scenarios.items() for i, year in enumerate(s.years)]
    frame = pd.DataFrame.from_records(records, columns=["scenario", "year", *ANNUAL])
    return frame.astype({key: "float64" for key in ANNUAL}).set_index(["scenario", "year"])
