"""Altair chart specs from a Model. Data is inline (never a URL), pre-aggregated (the Monte Carlo
arrives as 40 bins, not paths), and each chart comes with the facts its alt text is written from.

Titles, captions and alt text are prose and live in the templates; the charts carry only axes,
legends and marks.
"""

from __future__ import annotations

from reportgen.charts import theme
from reportgen.charts.frame import ChartSpec, finish
from reportgen.charts.paths import cash_paths, revenue_and_compute, revenue_history
from reportgen.charts.valuation import monte_carlo_distribution, sensitivity_heatmap, valuation_summary
from reportgen.model.result import Model

__all__ = ["ChartSpec", "chart_specs"]


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
    return ChartSpec("provider_mix", finish(chart, height=max(40, 26 * len(companies))), facts)


def chart_specs(model: Model) -> list[ChartSpec]:
    """Every chart of the brief, in the order they appear."""
    specs = [revenue_and_compute(model), cash_paths(model), provider_mix(model),
             sensitivity_heatmap(model), monte_carlo_distribution(model), valuation_summary(model)]
    history = revenue_history(model)
    if history is not None:
        specs.insert(0, history)
    return specs
