"""``BriefContext``: every name a brief's template can use, typed and documented here (the README's
Templates section points at this class). Numbers are ``Fig`` (a value with its provenance key, basis
and source note) and reach the page only through the filters; text from the input is plain ``str``
(autoescaped)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from reportgen.model.result import Company, HistoryPoint, Judgments


@dataclass(frozen=True)
class BriefContext:
    target: str  # "pdf" or "html"
    version: str  # reportgen's version
    company: Company  # name, as_of (ISO), currency, unit, input (file name)
    what_if: list[dict[str, Any]]  # a what-if's overrides {field, value, input (None: the default)}; empty
    # when the brief is of the input as written
    metrics: dict[str, Any]  # headline metrics by name (valuation_multiple, hhi, recycled_share, ...) as Figs
    inputs: dict[str, Any]  # input figures by short name (post_money, run_rate, horizon, ...) as Figs
    defaults: dict[str, bool]  # short input name -> the input left it to the contract's default
    judgments: Judgments  # multiple, capital_intensity, circularity, concentration, liquidity, terminal_value,
    # funding, valuation_odds: the words of the contract's bands
    cases: dict[str, dict[str, Any]]  # the scenarios by name (cases.base.equity_value): parameters, first and
    # final years' figures, squeeze_year, fcf_positive_year, cash_low, funding_need, dilution, dcf_equity,
    # equity_value, tv_share, value_to_price, basis
    scenarios: list[dict[str, Any]]  # the same, in the contract's order, each with its name and label
    squeeze: dict[str, Any] | None  # the earliest squeeze {year, name, label}, or None
    weakest: dict[str, Any]  # the scenario with the lowest cash
    reverse: dict[str, Any] | None  # implied_growth_factor, implied_growth_y1, implied_cagr, or None
    reverse_reason: str | None  # why the reverse DCF is None
    mc: dict[str, Any]  # Monte Carlo figures: paths, equity_p5/p50/p95, prob_value_ge_price, prob_squeeze,
    # prob_zero_value, cash_low_p5/p50/p95, funding_need_p50/p95, value_to_price_*, revenue_final_*
    grid: dict[str, Any]  # sensitivity: rows [{training_growth, cells}], growth_factors, min, max,
    # training_low/high (the base-case column), training_sensitive (its spread >= 0.25x), at_or_above, cells
    peers: list[dict[str, Any]]  # name, post_money, run_rate, valuation_multiple, ev_to_forward_revenue,
    # implied_value, implied_to_price, hhi, provider_count, top_provider, top_share
    providers: list[dict[str, Any]]  # the company's providers: name, share, commitment, years, investor
    top_provider: dict[str, Any]  # the largest provider
    investors: list[dict[str, Any]]  # providers that also invested
    investor_share: Any  # Fig: their normalised share of compute
    base_years: list[dict[str, Any]]  # the base case year by year: year, revenue, compute_cost, opex, ebit,
    # tax, fcf, cash
    projection_decimals: int  # the one precision of the base-case table
    valuation_summary: list[dict[str, Any]]  # football-field rows {method, low, high}
    basis: dict[str, str]  # provenance key -> reported | estimate | assumption
    charts: dict[str, Any]  # by name: ChartImage {uri, facts}
    chart_order: list[str]  # chart names in order
    sources: list[dict[str, Any]]  # endnotes {number, text, date, url, fields}
    provenance: list[dict[str, Any]]  # formula rows {name, label, formula, inputs, basis, source, anchor, reasons}
    assumptions: list[dict[str, Any]]  # every input {path, value, basis, default, anchor, note}
    history: list[HistoryPoint] | None  # reported revenue by period, or None
    changes: dict[str, Any] | None  # what changed since the previous brief, or None
    change_labels: dict[str, str]  # the words of each key of the changes' figures
    notes: str | None  # the analyst's notes (plain text)
    commentary: dict[str, str | None]  # the analyst's Markdown by section: summary, capital_intensity,
    # entrenchment, bear_case, outlook

    def for_template(self) -> dict[str, Any]:
        """The names as jinja2 takes them (one level: the values stay as they are)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}
