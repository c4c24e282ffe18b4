"""Altair chart specs from a Model. Data is inline (never a URL), pre-aggregated (the Monte Carlo
arrives as 40 bins, not paths), and each chart comes with the facts its alt text is written from.

Titles, captions and alt text are prose and live in the templates; the charts carry only axes,
legends and marks.
"""

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


def _amount_title(model: Model) -> str:
    return f"{model.company.currency} {model.company.unit}"


def _finish(chart: Any, width: int | None = theme.WIDTH, height: int | None = theme.HEIGHT) -> dict[str, Any]:
    if width is not None and height is not None:
        chart = chart.properties(width=width, height=height)
    spec = chart.to_dict(validate=False)
    spec["config"] = theme.config()
    spec.pop("$schema", None)
    return spec


# Amounts on axes are plain numbers in the brief's currency and unit (the axis title says which), with
# thousands separated: "1,000" under "USD billion", never SI suffixes such as "1k" or "200k".
AMOUNT_FORMAT = ",~f"


def _amount(value: float) -> str:
    """An amount in the chart's unit, as the axes show them: thousands separated, three significant
    digits below 100."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"


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
    unit = _amount_title(model)
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
    return ChartSpec("revenue_compute", _finish(chart, None, None), facts)


def cash_paths(model: Model) -> ChartSpec:
    import altair as alt

    rows = []
    for name, scenario in model.scenarios.items():
        for year, cash in zip(scenario.years, scenario.cash, strict=True):
            rows.append({"year": year, "scenario": theme.SCENARIO_LABELS[name], "cash": cash})
    lines = _scenario_lines(rows, "cash", f"cash, {_amount_title(model)}", model, theme.WIDTH)
    zero = alt.Chart(alt.Data(values=[{"zero": 0}])).mark_rule(color=theme.MUTED, strokeWidth=1).encode(
        y="zero:Q")
    layers = [zero, lines]
    squeeze = model.earliest_squeeze
    if squeeze is not None:
        year, scenario = squeeze
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
    return ChartSpec("cash", _finish(alt.layer(*layers), None, None), facts)


def provider_mix(model: Model) -> ChartSpec:
    import altair as alt

    companies = [(model.company.name, [(p.name, p.share) for p in model.providers])]
    companies += [(peer.name, [(p.name, p.share) for p in peer.providers]) for peer in model.peers]
    rows, providers = [], []
    for company, mix in companies:
        for order, (provider, share) in enumerate(sorted(mix, key=lambda p: -p[1])):
            rows.append({"company": company, "provider": provider, "share": share, "order": order})
            if provider not in providers:
                providers.append(provider)
    palette = (theme.PROVIDER_PALETTE * (len(providers) // len(theme.PROVIDER_PALETTE) + 1))[:len(providers)]
    names = [c for c, _ in companies]
    chart = alt.Chart(alt.Data(values=rows)).mark_bar(stroke="white", strokeWidth=0.6).encode(
        y=alt.Y("company:N", title=None, sort=names, axis=alt.Axis(labelLimit=160)),
        x=alt.X("share:Q", title="share of compute spend", stack="normalize", axis=alt.Axis(format="%")),
        color=alt.Color("provider:N", title=None, sort=providers,
                        scale=alt.Scale(domain=providers, range=palette),
                        legend=alt.Legend(columns=3, symbolLimit=60)),
        order=alt.Order("order:Q"),
    )
    facts = {"rows": [{"name": name, "count": len(mix),
                       "top": max(mix, key=lambda p: p[1])[0],
                       "top_share": max(share for _, share in mix)} for name, mix in companies]}
    return ChartSpec("provider_mix", _finish(chart, height=max(40, 26 * len(companies))), facts)


def sensitivity_heatmap(model: Model) -> ChartSpec:
    """Value to price on the grid: every cell labelled, the base case outlined, a stepped scale that
    diverges around 1.0x."""
    import altair as alt

    grid = model.sensitivity
    thresholds = theme.SENSITIVITY_THRESHOLDS
    centre_row, centre_col = len(grid.training_growth) // 2, len(grid.growth_factor) // 2
    rows = []
    for i, tg in enumerate(grid.training_growth):
        for j, f in enumerate(grid.growth_factor):
            value = grid.value_to_price[i][j]
            if value is not None:
                step = sum(1 for t in thresholds if value >= t)
                rows.append({"tg": f"{tg:.0%}", "f": f"{f:.1f}x", "value": value, "label": f"{value:.2f}",
                             "ink": theme.SENSITIVITY_LABEL_COLOURS[step],
                             "base": i == centre_row and j == centre_col})
    tg_labels = [f"{tg:.0%}" for tg in grid.training_growth]
    f_labels = [f"{f:.1f}x" for f in grid.growth_factor]
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("f:O", title="growth factor on the base path", sort=f_labels, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("tg:O", title="training compute growth", sort=tg_labels),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("value:Q", title="value / price",
                        scale=alt.Scale(type="threshold", domain=thresholds, range=theme.SENSITIVITY_COLOURS),
                        legend=alt.Legend(format=".2~f", symbolType="square")),
    )
    labels = base.mark_text(fontSize=8, font=theme.FONT).encode(
        text="label:N", color=alt.condition("datum.ink == 'white'", alt.value("white"), alt.value("black")))
    outline = base.transform_filter("datum.base").mark_rect(fillOpacity=0, stroke=theme.INK, strokeWidth=2.2)
    values = [r["value"] for r in rows]
    facts = {
        "min": min(values) if values else None,
        "max": max(values) if values else None,
        "centre": grid.value_to_price[centre_row][centre_col],
        "cells_at_or_above_price": sum(1 for v in values if v >= 1.0),
        "cells": len(values),
    }
    return ChartSpec("sensitivity", _finish(alt.layer(cells, labels, outline), height=220), facts)


def monte_carlo_distribution(model: Model) -> ChartSpec:
    """The simulated equity values, pre-binned; the end bins hold the tails and say so."""
    import altair as alt

    mc = model.monte_carlo
    edges, counts = mc.histogram.edges, mc.histogram.counts
    rows = [{"start": edges[i], "end": edges[i + 1], "paths": counts[i]} for i in range(len(counts))]
    post_money = model.input_value("valuation.post_money")
    unit = _amount_title(model)
    bars = alt.Chart(alt.Data(values=rows)).mark_bar(color=theme.BAR, stroke="white", strokeWidth=0.4).encode(
        x=alt.X("start:Q", title=f"equity value, {unit}", bin="binned", axis=alt.Axis(format=AMOUNT_FORMAT)),
        x2="end:Q",
        y=alt.Y("paths:Q", title="paths", axis=alt.Axis(format=",~f")),
    )
    layers = [bars]
    if rows:
        tails = [{"x": (rows[0]["start"] + rows[0]["end"]) / 2, "paths": rows[0]["paths"],
                  "label": f"below {_amount(edges[1])}", "align": "left"},
                 {"x": (rows[-1]["start"] + rows[-1]["end"]) / 2, "paths": rows[-1]["paths"],
                  "label": f"above {_amount(edges[-2])}", "align": "right"}]
        for tail in tails:
            layers.append(alt.Chart(alt.Data(values=[tail])).mark_text(
                color=theme.INK, align=tail["align"], dy=-6, fontSize=9, font=theme.FONT,
            ).encode(x="x:Q", y="paths:Q", text="label:N"))
    marker = [{"x": post_money, "label": "post-money"}]
    layers.append(alt.Chart(alt.Data(values=marker)).mark_rule(color=theme.ACCENT, strokeWidth=1.6).encode(x="x:Q"))
    layers.append(alt.Chart(alt.Data(values=marker)).mark_text(
        color=theme.ACCENT, align="left", dx=4, baseline="top", fontSize=10, font=theme.FONT,
    ).encode(x="x:Q", y=alt.value(2), text="label:N"))
    facts = {"paths": mc.paths, "p5": mc.equity_p5, "p50": mc.equity_p50, "p95": mc.equity_p95,
             "post_money": post_money, "prob": mc.prob_value_ge_price,
             "below": edges[1] if rows else None, "above": edges[-2] if rows else None}
    return ChartSpec("monte_carlo", _finish(alt.layer(*layers)), facts)


def revenue_history(model: Model) -> ChartSpec | None:
    import altair as alt

    if not model.history:
        return None
    rows = [{"period": p.period, "revenue": p.revenue} for p in model.history]
    periods = [r["period"] for r in rows]
    chart = alt.Chart(alt.Data(values=rows)).mark_bar(color=theme.BAR).encode(
        x=alt.X("period:O", title=None, sort=periods, axis=alt.Axis(labelAngle=-45 if len(rows) > 8 else 0)),
        y=alt.Y("revenue:Q", title=_amount_title(model), axis=alt.Axis(format=AMOUNT_FORMAT)),
    )
    facts = {"first_period": periods[0], "last_period": periods[-1], "first": rows[0]["revenue"],
             "last": rows[-1]["revenue"], "count": len(rows)}
    return ChartSpec("history", _finish(chart, height=180), facts)


VALUATION_METHODS = {
    "dcf_scenarios": "DCF, four scenarios",
    "monte_carlo": "Simulation, 5th to 95th percentile",
    "peer_multiples": "Peers' revenue multiples",
    "latest_round": "Latest round",
}


def valuation_summary(model: Model) -> ChartSpec:
    """The football field: one bar per method from its low to its high (a tick where they are
    equal), and a rule at the latest round's price."""
    import altair as alt

    rows = [{"method": VALUATION_METHODS[r.method], "low": r.low, "high": r.high}
            for r in model.valuation_summary if r.low is not None and r.high is not None]
    order = [r["method"] for r in rows]
    post_money = model.input_value("valuation.post_money")
    y = alt.Y("method:N", title=None, sort=order, axis=alt.Axis(labelLimit=220))
    bars = alt.Chart(alt.Data(values=rows)).mark_bar(color=theme.SCENARIO_COLOURS["base"], height=14).encode(
        y=y, x=alt.X("low:Q", title=f"equity value, {_amount_title(model)}", axis=alt.Axis(format=AMOUNT_FORMAT)),
        x2="high:Q")
    ticks = alt.Chart(alt.Data(values=rows)).mark_tick(color=theme.SCENARIO_COLOURS["base"], thickness=3,
                                                       size=18).encode(y=y, x="high:Q")
    marker = [{"x": post_money, "label": "latest round"}]
    rule = alt.Chart(alt.Data(values=marker)).mark_rule(color=theme.ACCENT, strokeDash=[4, 3],
                                                        strokeWidth=1.4).encode(x="x:Q")
    facts = {"rows": [{"label": r["method"], "low": r["low"], "high": r["high"]} for r in rows],
             "post_money": post_money}
    return ChartSpec("valuation_summary", _finish(alt.layer(bars, ticks, rule), height=26 * max(len(rows), 1)),
                     facts)


def chart_specs(model: Model) -> list[ChartSpec]:
    """Every chart of the brief, in the order they appear."""
    specs = [revenue_and_compute(model), cash_paths(model), provider_mix(model),
             sensitivity_heatmap(model), monte_carlo_distribution(model), valuation_summary(model)]
    history = revenue_history(model)
    if history is not None:
        specs.insert(0, history)
    return specs
