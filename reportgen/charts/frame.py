"""What every chart shares: the spec with the facts its alt text is written from, the theme applied,
and amounts as the axes print them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportgen.charts import theme
from reportgen.model.result import Model


@dataclass(frozen=True)
class ChartSpec:
    name: str
    spec: dict[str, Any]  # Vega-Lite, ready for vl-convert
    facts: dict[str, Any]  # what the alt text says, as numbers for the template's filters


def amount_title(model: Model) -> str:
    return f"{model.company.currency} {model.company.unit}"


def finish(chart: Any, width: int | None = theme.WIDTH, height: int | None = theme.HEIGHT) -> dict[str, Any]:
    if width is not None and height is not None:
        chart = chart.properties(width=width, height=height)
    spec = chart.to_dict(validate=False)
    spec["config"] = theme.config()
    spec.pop("$schema", None)
    return spec


# Amounts on axes are plain numbers in the brief's currency and unit (the axis title says which), with
# thousands separated: "1,000" under "USD billion", never SI suffixes such as "1k" or "200k".
AMOUNT_FORMAT = ",~f"


def amount(value: float) -> str:
    """An amount in the chart's unit, as the axes show them: thousands separated, three significant
    digits below 100."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"
