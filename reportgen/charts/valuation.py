"""Charts of value: the sensitivity heatmap, the simulated distribution and the football field."""

from __future__ import annotations

from typing import Any

from reportgen.charts import theme
from reportgen.charts.frame import AMOUNT_FORMAT, ChartSpec, amount, amount_title, finish
from reportgen.model.result import Model


def sensitivity_heatmap(model: Model) -> ChartSpec:
    """Value to price on the grid: every cell labelled, the base case outlined, a stepped scale that
    diverges around 1.0x."""
    import altair as alt

    grid = model.sensitivity
    thresholds = theme.SENSITIVITY_THRESHOLDS
    centre_row, centre_col = len(grid.training_growth) // 2, len(grid.growth_factor) // 2
    rows: list[dict[str, Any]] = []
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
    return ChartSpec("sensitivity", finish(alt.layer(cells, labels, outline), height=220), facts)


def monte_carlo_distribution(model: Model) -> ChartSpec:
    """The simulated equity values, pre-binned; the end bins hold the tails and say so."""
    import altair as alt

    mc = model.monte_carlo
    edges, counts = mc.histogram.edges, mc.histogram.counts
    rows: list[dict[str, Any]] = [{"start": edges[i], "end": edges[i + 1], "paths": counts[i]}
                                  for i in range(len(counts))]
    post_money = model.input_value("valuation.post_money")
    unit = amount_title(model)
    # Headroom above the tallest bar: the post-money label sits there, clear of the bars.
    top = max((row["paths"] for row in rows), default=0) * 1.15 or 1
    bars = alt.Chart(alt.Data(values=rows)).mark_bar(color=theme.BAR, stroke="white", strokeWidth=0.4).encode(
        # labelFlush off: the first and last labels are centred on their ticks like the others; flush with the
        # axis ends they ran into their neighbours ("1,5002,000").
        x=alt.X("start:Q", title=f"equity value, {unit}", bin="binned",
                axis=alt.Axis(format=AMOUNT_FORMAT, labelFlush=False)),
        x2="end:Q",
        y=alt.Y("paths:Q", title="paths", axis=alt.Axis(format=",~f"), scale=alt.Scale(domain=[0, top], nice=False)),
    )
    layers = [bars]
    if rows:
        below, above = f"below {amount(edges[1])}", f"above {amount(edges[-2])}"
        tails: list[dict[str, Any]] = [
            {"x": (rows[0]["start"] + rows[0]["end"]) / 2, "over": _under_label(rows, below, 0), "label": below,
             "align": "left"},
            {"x": (rows[-1]["start"] + rows[-1]["end"]) / 2, "over": _under_label(rows, above, -1), "label": above,
             "align": "right"}]
        for tail in tails:
            # aria off: the label is read as text; its height is the bars' under it, not a count of the tail
            layers.append(alt.Chart(alt.Data(values=[tail])).mark_text(
                color=theme.INK, align=tail["align"], dy=-6, fontSize=9, font=theme.FONT, aria=False,
            ).encode(x="x:Q", y="over:Q", text="label:N"))
    marker = [{"x": post_money, "label": "post-money"}]
    layers.append(alt.Chart(alt.Data(values=marker)).mark_rule(color=theme.ACCENT, strokeWidth=1.6).encode(x="x:Q"))
    layers.append(alt.Chart(alt.Data(values=marker)).mark_text(
        color=theme.ACCENT, align="left", dx=4, baseline="top", fontSize=10, font=theme.FONT,
    ).encode(x="x:Q", y=alt.value(2), text="label:N"))
    facts = {"paths": mc.paths, "p5": mc.equity_p5, "p50": mc.equity_p50, "p95": mc.equity_p95,
             "post_money": post_money, "prob": mc.prob_value_ge_price,
             "below": edges[1] if rows else None, "above": edges[-2] if rows else None}
    return ChartSpec("monte_carlo", finish(alt.layer(*layers)), facts)


def _under_label(rows: list[dict[str, Any]], label: str, end: int) -> float:
    """The height of the tallest bar under a tail's label, which runs from the end bin's middle inwards: the
    label is drawn above it, not across the bars beside the tail."""
    span = rows[-1]["end"] - rows[0]["start"]
    bin_pixels = theme.WIDTH * (rows[0]["end"] - rows[0]["start"]) / span if span > 0 else theme.WIDTH
    label_pixels = 0.62 * 9 * len(label) + 4  # 9-pixel DejaVu Sans: about 0.6 em a character
    count = min(len(rows), 1 + int(label_pixels / max(bin_pixels, 1.0) + 0.5))
    under = rows[:count] if end == 0 else rows[len(rows) - count:]
    return float(max(row["paths"] for row in under))


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

    rows: list[dict[str, Any]] = [{"method": VALUATION_METHODS[r.method], "low": r.low, "high": r.high}
            for r in model.valuation_summary if r.low is not None and r.high is not None]
    order = [r["method"] for r in rows]
    post_money = model.input_value("valuation.post_money")
    y = alt.Y("method:N", title=None, sort=order, axis=alt.Axis(labelLimit=220))
    bars = alt.Chart(alt.Data(values=rows)).mark_bar(color=theme.SCENARIO_COLOURS["base"], height=14).encode(
        y=y, x=alt.X("low:Q", title=f"equity value, {amount_title(model)}", axis=alt.Axis(format=AMOUNT_FORMAT)),
        x2="high:Q")
    ticks = alt.Chart(alt.Data(values=rows)).mark_tick(color=theme.SCENARIO_COLOURS["base"], thickness=3,
                                                       size=18).encode(y=y, x="high:Q")
    marker = [{"x": post_money, "label": "latest round"}]
    rule = alt.Chart(alt.Data(values=marker)).mark_rule(color=theme.ACCENT, strokeDash=[4, 3],
                                                        strokeWidth=1.4).encode(x="x:Q")
    facts = {"rows": [{"label": r["method"], "low": r["low"], "high": r["high"]} for r in rows],
             "post_money": post_money}
    return ChartSpec("valuation_summary", finish(alt.layer(bars, ticks, rule), height=26 * max(len(rows), 1)),
                     facts)
