"""Charts over the years of the scenarios: revenue and compute, cash, and reported revenue history."""

from __future__ import annotations

from typing import Any

from reportgen.charts import theme
from reportgen.charts.frame import AMOUNT_FORMAT, ChartSpec, amount_title, finish
from reportgen.model.result import Model


def _scenario_encodings(model: Model) -> dict[str, Any]:
    """Colour, dash and marker shape by scenario, one legend for all three."""
    import altair as alt

    names = list(model.scenarios)
    labels = [theme.SCENARIO_LABELS[n] for n in names]
    legend = alt.Legend(title=None, symbolStrokeWidth=2, symbolSize=60)
    return {
        "color": alt.Color("scenario:N", sort=labels, legend=legend,
                           scale=alt.Scale(domain=labels, range=[theme.SCENARIO_COLOURS[n] for n in names])),
        "strokeDash": alt.StrokeDash("scenario:N", sort=labels, legend=legend,
                                     scale=alt.Scale(domain=labels, range=[theme.SCENARIO_DASHES[n] for n in names])),
        "shape": alt.Shape("scenario:N", sort=labels, legend=legend,
                           scale=alt.Scale(domain=labels, range=[theme.SCENARIO_SHAPES[n] for n in names])),
    }


def _scenario_lines(rows: list[dict[str, Any]], field: str, title: str, model: Model, width: int) -> Any:
    """One line per scenario with a marker on every year; drawn base last, so it stays on top."""
    import altair as alt

    order = {theme.SCENARIO_LABELS[n]: i for i, n in enumerate(reversed(list(model.scenarios)))}
    data = [{**row, "layer": order[row["scenario"]]} for row in rows]
    encodings = _scenario_encodings(model)
    base = alt.Chart(alt.Data(values=data)).encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0, labelOverlap=True)),
        y=alt.Y(f"{field}:Q", title=title, axis=alt.Axis(format=AMOUNT_FORMAT, tickCount=5)),
        color=encodings["color"],
        order=alt.Order("layer:Q"),
        detail="scenario:N",
    )
    lines = base.mark_line(strokeWidth=1.8).encode(strokeDash=encodings["strokeDash"])
    points = base.mark_point(size=22, filled=True).encode(shape=encodings["shape"])
    return alt.layer(lines, points).properties(width=width, height=theme.HEIGHT - 20)


def revenue_and_compute(model: Model) -> ChartSpec:
    """Revenue and compute cost in two panels side by side: each scenario's line stays visible."""
    import altair as alt

    revenue, compute = [], []
    for name, scenario in model.scenarios.items():
        label = theme.SCENARIO_LABELS[name]
        for year, r, c in zip(scenario.years, scenario.revenue, scenario.compute_cost, strict=True):
            revenue.append({"year": year, "scenario": label, "value": r})
            compute.append({"year": year, "scenario": label, "value": c})
    unit = amount_title(model)
    panel = (theme.WIDTH - 70) // 2
    chart = alt.hconcat(
        _scenario_lines(revenue, "value", f"revenue, {unit}", model, panel),
        _scenario_lines(compute, "value", f"compute cost, {unit}", model, panel),
        spacing=24,
    ).resolve_scale(y="independent")
    facts = {
        "first_year": model.base.years[0],
        "last_year": model.base.years[-1],
        "scenarios": [{"label": theme.SCENARIO_LABELS[n], "revenue_final": s.revenue[-1],
                       "compute_final": s.compute_cost[-1]} for n, s in model.scenarios.items()],
    }
    return ChartSpec("revenue_compute", finish(chart, None, None), facts)


def cash_paths(model: Model) -> ChartSpec:
    import altair as alt

    rows: list[dict[str, Any]] = []
    for name, scenario in model.scenarios.items():
        for year, cash in zip(scenario.years, scenario.cash, strict=True):
            rows.append({"year": year, "scenario": theme.SCENARIO_LABELS[name], "cash": cash})
    lines = _scenario_lines(rows, "cash", f"cash, {amount_title(model)}", model, theme.WIDTH)
    zero = alt.Chart(alt.Data(values=[{"zero": 0}])).mark_rule(color=theme.MUTED, strokeWidth=1).encode(
        y="zero:Q")
    layers = [zero, lines]
    squeeze = model.earliest_squeeze
    if squeeze is not None:
        year = squeeze[0]
        marker = [{"year": year, "label": f"squeeze {year}"}]
        layers.append(alt.Chart(alt.Data(values=marker)).mark_rule(
            color=theme.ACCENT, strokeDash=[4, 3], strokeWidth=1.4).encode(x="year:O"))
        layers.append(alt.Chart(alt.Data(values=marker)).mark_text(
            color=theme.ACCENT, align="left", dx=4, dy=-4, baseline="top", fontSize=10,
            font=theme.FONT).encode(x="year:O", y=alt.value(0), text="label:N"))
    facts = {
        "first_year": model.base.years[0],
        "last_year": model.base.years[-1],
        "scenarios": [{"label": theme.SCENARIO_LABELS[n], "cash_final": s.cash[-1],
                       "cash_low": s.cash_low, "squeeze_year": s.squeeze_year}
                      for n, s in model.scenarios.items()],
        "earliest_squeeze": None if squeeze is None else {
            "year": squeeze[0], "label": theme.SCENARIO_LABELS[squeeze[1]]},
    }
    return ChartSpec("cash", finish(alt.layer(*layers), None, None), facts)


# Up to this many periods are drawn as bars, one labelled bar a period; a longer history (the contract
# allows 2,000 rows) is a line over the periods' end dates, which scales to any length.
MAX_HISTORY_BARS = 40


def revenue_history(model: Model) -> ChartSpec | None:
    import altair as alt

    if not model.history:
        return None
    rows: list[dict[str, Any]] = [{"period": p.period, "end": p.end, "revenue": p.revenue} for p in model.history]
    periods = [r["period"] for r in rows]
    y = alt.Y("revenue:Q", title=amount_title(model), axis=alt.Axis(format=AMOUNT_FORMAT))
    if len(rows) <= MAX_HISTORY_BARS:
        chart = alt.Chart(alt.Data(values=rows)).mark_bar(color=theme.BAR).encode(
            x=alt.X("period:O", title=None, sort=periods, axis=alt.Axis(labelAngle=-45 if len(rows) > 8 else 0)),
            y=y)
    else:
        chart = alt.Chart(alt.Data(values=rows)).mark_line(color=theme.BAR, strokeWidth=1.5).encode(
            x=alt.X("end:T", title=None, axis=alt.Axis(labelAngle=0, tickCount=8)), y=y)
    facts = {"first_period": periods[0], "last_period": periods[-1], "first": rows[0]["revenue"],
             "last": rows[-1]["revenue"], "count": len(rows)}
    return ChartSpec("history", finish(chart, height=180), facts)
