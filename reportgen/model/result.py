"""The model's result, typed: what ``run_model`` returns and what templates and charts read by name.

Every figure that can be undefined is ``float | None``; the reason it is None sits beside it in a
``reasons`` map (and in model.json's provenance). The JSON form is made in one place,
``reportgen.model.document``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from reportgen.contract.basis import InputEntry

Number = float | None


@dataclass(frozen=True)
class Company:
    name: str
    as_of: str  # ISO date
    currency: str
    unit: str
    input: str | None = None  # the input's file name, when built from a file
    input_sha256: str | None = None
    # A what-if: the overrides applied to the input, each {field, value, input} (reportgen.contract.overrides)
    what_if: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class Metrics:
    """Headline metrics of the company (t = 0 unless said), in the contract's order."""

    valuation_multiple: Number
    raise_to_revenue: Number
    compute_spend: Number
    capital_intensity: Number
    investor_provider_share: Number
    recycled_share: Number
    enterprise_value_at_price: Number
    ev_to_forward_revenue: Number
    circular_commitment_ratio: Number
    commitment_total: Number
    commitment_to_revenue: Number
    lock_in_years: Number
    hhi: Number
    provider_count: Number
    contribution_margin: Number
    reasons: dict[str, str] = field(default_factory=dict, compare=False)

    def items(self) -> list[tuple[str, Number]]:
        return [(f.name, getattr(self, f.name)) for f in fields(self) if f.name != "reasons"]


@dataclass(frozen=True)
class ProviderShare:
    name: str
    share: float  # normalised: the shares of one company sum to 1


@dataclass(frozen=True)
class Provider:
    name: str
    share: float
    commitment: float
    years: int
    investor: bool


@dataclass(frozen=True)
class Peer:
    name: str
    valuation_multiple: Number
    ev_to_forward_revenue: Number
    hhi: float
    provider_count: int
    implied_value: Number  # the company valued at this peer's multiple
    providers: list[ProviderShare]


@dataclass(frozen=True)
class Scenario:
    """One scenario's parameters, paths (years 1..H) and figures."""

    name: str
    growth_factor: float
    fade: float
    price_decline: float
    training_growth: float
    years: list[int]
    revenue: list[Number]
    compute_cost: list[Number]
    opex: list[Number]
    ebit: list[Number]
    tax: list[Number]
    fcf: list[Number]
    cash: list[Number]
    squeeze_year: int | None
    fcf_positive_year: int | None
    cash_low: Number  # min(cash on hand, lowest year-end cash)
    funding_need: Number  # new capital that keeps cash >= 0
    dilution: Number  # funding_need / (post_money + funding_need)
    dcf_equity: Number  # enterprise value + cash: may be negative
    equity_value: Number  # max(0, dcf_equity)
    tv_share: Number
    value_to_price: Number
    reasons: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class ReverseDcf:
    implied_growth_factor: float
    implied_growth_y1: float
    implied_cagr: Number


@dataclass(frozen=True)
class Sensitivity:
    training_growth: list[float]  # rows
    growth_factor: list[float]  # columns
    value_to_price: list[list[Number]]


@dataclass(frozen=True)
class Histogram:
    """Equity values pre-binned for the chart; the end bins hold the tails (below edges[1], at or
    above edges[-2])."""

    edges: list[float]
    counts: list[int]


@dataclass(frozen=True)
class MonteCarlo:
    paths: int
    seed: int
    equity_p5: Number
    equity_p50: Number
    equity_p95: Number
    prob_value_ge_price: float
    prob_squeeze: float
    prob_zero_value: float
    cash_low_p5: Number
    cash_low_p50: Number
    cash_low_p95: Number
    funding_need_p50: Number
    funding_need_p95: Number
    value_to_price_p5: Number
    value_to_price_p50: Number
    value_to_price_p95: Number
    revenue_final_p5: Number
    revenue_final_p50: Number
    revenue_final_p95: Number
    histogram: Histogram

    def figures(self) -> list[tuple[str, Number]]:
        """The summary figures (everything but the sample size, seed and histogram)."""
        skip = ("paths", "seed", "histogram")
        return [(f.name, getattr(self, f.name)) for f in fields(self) if f.name not in skip]


@dataclass(frozen=True)
class ValuationRow:
    """One row of the valuation summary (the football field)."""

    method: str
    low: Number
    high: Number


@dataclass(frozen=True)
class Judgments:
    multiple: str
    capital_intensity: str
    circularity: str
    concentration: str
    liquidity: str
    terminal_value: str
    funding: str
    valuation_odds: str

    def items(self) -> list[tuple[str, str]]:
        return [(f.name, getattr(self, f.name)) for f in fields(self)]


@dataclass(frozen=True)
class Provenance:
    """Where a figure comes from: the formula in words, the input fields it used, its basis (the
    weakest of those inputs) and the texts of their sources."""

    formula: str
    inputs: list[str]
    basis: str
    sources: list[str]
    reason: str | None = None  # why the figure is null, when it is


@dataclass(frozen=True)
class HistoryPoint:
    period: str
    end: str
    revenue: float


@dataclass(frozen=True)
class Model:
    """Everything the model computed for one company."""

    company: Company
    metrics: Metrics
    peers: list[Peer]
    scenarios: dict[str, Scenario]  # in the contract's order: base, adoption_plateau, compute_stagnation, bull
    reverse_dcf: ReverseDcf | None
    reverse_dcf_reason: str | None
    sensitivity: Sensitivity
    monte_carlo: MonteCarlo
    valuation_summary: list[ValuationRow]
    judgments: Judgments
    earliest_squeeze: tuple[int, str] | None
    inputs: dict[str, InputEntry]
    provenance: dict[str, Provenance]
    providers: list[Provider]
    history: list[HistoryPoint] | None = None
    notes: str | None = None
    commentary: dict[str, str] = field(default_factory=dict)
    changes: dict[str, Any] | None = None

    @property
    def base(self) -> Scenario:
        return self.scenarios["base"]

    def input_value(self, path: str) -> Any:
        entry = self.inputs.get(path)
        return None if entry is None else entry.value

    def with_changes(self, changes: dict[str, Any] | None) -> Model:
        return replace(self, changes=changes)

    def to_json(self) -> dict[str, Any]:
        from reportgen.model.document import model_document

        return model_document(self)

    def to_json_bytes(self) -> bytes:
        from reportgen.model.document import dumps

        return dumps(self.to_json())

    def scenarios_frame(self) -> pd.DataFrame:
        """The scenarios' annual figures as a pandas DataFrame (index: scenario, year)."""
        from reportgen.model.notebook import scenarios_frame

        return scenarios_frame(self)

    def _repr_html_(self) -> str:  # Jupyter
        from reportgen.model.notebook import model_html

        return model_html(self)


def lowest(values: list[Number]) -> Number:
    """The minimum of a path; None if any year is undefined (a path that overflowed)."""
    known = [v for v in values if v is not None]
    return None if not values or len(known) < len(values) else min(known)
