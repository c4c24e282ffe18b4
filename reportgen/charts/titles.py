"""The root <title> and <desc> of each chart's SVG: what the SVG says of itself where it is opened on its own
(charts/*.svg; the tagged PDF reads only the brief's alt text). The brief's <img alt>, written in
templates/partials/alt_text.html.j2, carries the figures; these name the chart and how to read it.
``render.draw_charts`` adds them after drawing: the per-spec cache keeps vl-convert's SVG as drawn.
"""

from __future__ import annotations

import re
from typing import Any

CHART_TITLES: dict[str, tuple[str, str]] = {
    "revenue_compute": ("Revenue and compute cost by scenario",
                        "Line charts of revenue and compute cost from {first_year} to {last_year} for each scenario; "
                        "scenarios are told apart by colour, dash and marker shape."),
    "cash": ("Cash by scenario",
             "Line chart of cash from {first_year} to {last_year} for each scenario, the first year below zero "
             "marked where there is one; "
             "scenarios are told apart by colour, dash and marker shape."),
    "provider_mix": ("Compute-provider shares",
                     "Stacked bars of compute-provider shares, one bar per company, the company's own "
                     "first."),
    "sensitivity": ("Value to price by training compute growth and growth factor",
                    "Heatmap of {cells} cells, each labelled with its value to price; {cells_at_or_above_price} "
                    "are at or above the price. The base cell is outlined."),
    "monte_carlo": ("Simulated equity value",
                    "Histogram of equity value over {paths} simulated paths, with the post-money valuation "
                    "marked."),
    "valuation_summary": ("Equity value by method",
                          "Range bars of equity value for each valuation method, with the latest round marked."),
    "history": ("Reported revenue", "Bars of reported revenue over {count} periods, from {first_period} to "
                "{last_period}."),
}
_SVG_ROOT = re.compile(r"""\A\s*<svg(?:\s+[^\s=>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*>""")


def titled_svg(svg: str, name: str, facts: dict[str, Any]) -> str:
    """The SVG with a <title> and <desc> as the root's first children (the chart's own are left alone)."""
    from xml.sax.saxutils import escape

    root = _SVG_ROOT.match(svg)
    known = CHART_TITLES.get(name)
    if root is None or known is None or "<title" in svg[root.end():root.end() + 16]:
        return svg
    title, desc = known
    values = {k: f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) and not k.endswith("year") else v
              for k, v in facts.items()}
    try:
        desc = desc.format(**values)
    except (KeyError, IndexError, ValueError, AttributeError):
        desc = f"{title}."
    return f"{svg[:root.end()]}<title>{escape(title)}</title><desc>{escape(desc)}</desc>{svg[root.end():]}"
