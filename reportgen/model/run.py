"""``run_model``: a validated Spec in, a Model out. Pure: no I/O, no printing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reportgen.model import provenance as prov
from reportgen.model.judgments import judge
from reportgen.model.metrics import headline_metrics, normalised_shares, peer_figures
from reportgen.model.montecarlo import simulate
from reportgen.model.project import Fixed
from reportgen.model.result import (
    Company,
    HistoryPoint,
    Model,
    MonteCarlo,
    Peer,
    Provenance,
    Provider,
    Scenario,
    ValuationRow,
)
from reportgen.model.scenarios import resolve_scenarios
from reportgen.model.valuation import reverse_dcf, run_scenarios, sensitivity

if TYPE_CHECKING:
    from reportgen.contract.basis import InputEntry
    from reportgen.contract.load import Spec
    from reportgen.contract.schema import InputDocument

SCENARIO_FIGURES = ("squeeze_year", "fcf_positive_year", "cash_low", "funding_need", "dilution", "dcf_equity",
                    "equity_value", "tv_share", "value_to_price")
SCENARIO_SERIES = ("revenue", "compute_cost", "opex", "ebit", "tax", "fcf", "cash")


def run_model(spec: Spec | InputDocument) -> Model:
    """Compute every figure of the contract (model v2) for one company."""
    from reportgen.contract.basis import input_entries
    from reportgen.contract.schema import InputDocument

    data: InputDocument = spec if isinstance(spec, InputDocument) else spec.input
    fixed = Fixed.from_input(data)
    params = resolve_scenarios(data)
    base = params["base"]

    scenarios = run_scenarios(data, fixed, params)
    metrics = headline_metrics(data, scenarios["base"])
    peers = peer_figures(data)
    reverse, reverse_reason = reverse_dcf(data, fixed, base)
    mc = simulate(data, fixed, base)
    summary = valuation_summary(scenarios, mc, peers, data.valuation.post_money)

    judgments, earliest = judge(
        multiple=metrics.valuation_multiple or 0.0,
        capital_intensity=metrics.capital_intensity or 0.0,
        recycled_share=metrics.recycled_share,
        hhi=metrics.hhi or 0.0,
        squeeze_years={name: result.squeeze_year for name, result in scenarios.items()},
        base_tv_share=scenarios["base"].tv_share,
        base_funding_need=scenarios["base"].funding_need,
        base_dilution=scenarios["base"].dilution,
        prob_value_ge_price=mc.prob_value_ge_price,
    )
    inputs = _what_if_inputs(input_entries(data), spec)

    return Model(
        company=_identity(spec, data),
        metrics=metrics,
        peers=peers,
        scenarios=scenarios,
        reverse_dcf=reverse,
        reverse_dcf_reason=reverse_reason if reverse is None else None,
        sensitivity=sensitivity(data, fixed, base),
        monte_carlo=mc,
        valuation_summary=summary,
        judgments=judgments,
        earliest_squeeze=earliest,
        inputs=inputs,
        provenance=_provenance(data, inputs, metrics.reasons, scenarios, reverse is None, reverse_reason, mc,
                               summary),
        providers=_providers(data),
        history=_history(spec),
        notes=data.notes,
        commentary=_commentary(data),
    )


def valuation_summary(scenarios: dict[str, Scenario], mc: MonteCarlo, peers: list[Peer],
                      post_money: float) -> list[ValuationRow]:
    """The football field's rows, in the contract's order."""
    values = [s.equity_value for s in scenarios.values()]
    known = [v for v in values if v is not None]
    complete = len(known) == len(values)
    implied = [p.implied_value for p in peers if p.implied_value is not None]
    return [
        ValuationRow("dcf_scenarios", min(known) if complete else None, max(known) if complete else None),
        ValuationRow("monte_carlo", mc.equity_p5, mc.equity_p95),
        ValuationRow("peer_multiples", min(implied) if implied else None, max(implied) if implied else None),
        ValuationRow("latest_round", post_money, post_money),
    ]


def _provenance(data: InputDocument, inputs: dict[str, InputEntry], metric_reasons: dict[str, str],
                scenarios: dict[str, Scenario], reverse_missing: bool, reverse_reason: str | None,
                mc: MonteCarlo, summary: list[ValuationRow]) -> dict[str, Provenance]:
    def entry(key: str, reason: str | None = None, scenario: str | None = None) -> Provenance:
        return prov.entry(key, data, inputs, reason, scenario)

    out = {name: entry(name, metric_reasons.get(name)) for name in _METRIC_NAMES}
    for name, result in scenarios.items():
        for series in SCENARIO_SERIES:
            gaps = None if None not in getattr(result, series) else (
                "null in the years where the projection overflows the range of numbers")
            out[f"scenarios.{name}.{series}"] = entry(series, gaps, scenario=name)
        for key in SCENARIO_FIGURES:
            out[f"scenarios.{name}.{key}"] = entry(key, result.reasons.get(key), scenario=name)
    for key in ("implied_growth_factor", "implied_growth_y1", "implied_cagr"):
        reason = reverse_reason if reverse_missing or key == "implied_cagr" else None
        out[f"reverse_dcf.{key}"] = entry(key, reason)
    out["sensitivity.value_to_price"] = entry("sensitivity")
    for key, value in mc.figures():
        out[f"monte_carlo.{key}"] = entry("monte_carlo", None if value is not None else
                                          "undefined: some paths overflow the range of numbers")
    for row in summary:
        reason = None
        if row.low is None:
            reason = ("null: the input lists no peers" if row.method == "peer_multiples" and not data.peers
                      else "undefined: a figure it spans is undefined")
        out[f"valuation_summary.{row.method}"] = entry(f"valuation_summary.{row.method}", reason)
    out["peers"] = entry("peers")
    return out


_METRIC_NAMES = ("valuation_multiple", "raise_to_revenue", "compute_spend", "capital_intensity",
                 "investor_provider_share", "recycled_share", "enterprise_value_at_price", "ev_to_forward_revenue",
                 "circular_commitment_ratio", "commitment_total", "commitment_to_revenue", "lock_in_years", "hhi",
                 "provider_count", "contribution_margin")


def _identity(spec: Any, data: InputDocument) -> Company:
    bundle = getattr(spec, "bundle", None)
    return Company(
        name=data.company.name,
        as_of=data.company.as_of.isoformat(),
        currency=data.company.currency,
        unit=data.company.unit,
        # the file name, not its path: the same input gives the same model.json from any folder
        input=bundle.display.replace("\\", "/").rsplit("/", 1)[-1] if bundle is not None else None,
        input_sha256=bundle.sha256 if bundle is not None else None,
        what_if=tuple(getattr(spec, "what_if", ())) or None,
    )


def _what_if_inputs(inputs: dict[str, InputEntry], spec: Any) -> dict[str, InputEntry]:
    """A what-if's overridden fields rest on the flag, not on the input's sources: an assumption, unsourced
    (and so is every figure computed from them)."""
    import dataclasses

    changed = {applied.field for applied in getattr(spec, "what_if", ())}
    return {path: dataclasses.replace(entry, basis="assumption", default=False, source=None, date=None, url=None)
            if any(path == c or path.startswith(c + ".") for c in changed) else entry
            for path, entry in inputs.items()}


def _providers(data: InputDocument) -> list[Provider]:
    shares = normalised_shares([p.share for p in data.compute.providers])
    return [Provider(p.name, float(s), p.commitment, p.years, p.investor)
            for p, s in zip(data.compute.providers, shares, strict=True)]


def _history(spec: Any) -> list[HistoryPoint] | None:
    history = getattr(spec, "history", None)
    if history is None:
        return None
    return [HistoryPoint(p.label, p.end.isoformat(), p.revenue) for p in history.points]


def _commentary(data: InputDocument) -> dict[str, str]:
    commentary = getattr(data, "commentary", None)
    if commentary is None:
        return {}
    return {key: value for key, value in commentary.model_dump().items() if value is not None}
