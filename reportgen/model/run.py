"""``run_model``: a validated Spec in, a Model out. Pure: no I/O, no printing."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from reportgen.model import provenance as prov
from reportgen.model.judgments import judge
from reportgen.model.metrics import headline_metrics, normalised_shares, peer_figures
from reportgen.model.montecarlo import simulate
from reportgen.model.project import Fixed
from reportgen.model.result import Model
from reportgen.model.scenarios import resolve_scenarios
from reportgen.model.valuation import reverse_dcf, run_scenarios, sensitivity

if TYPE_CHECKING:
    from reportgen.spec.load import Spec
    from reportgen.spec.schema import SpecInput

SCENARIO_FIGURES = ("equity_value", "tv_share", "value_to_price", "squeeze_year", "fcf_positive_year")


def run_model(spec: Spec | SpecInput) -> Model:
    """Compute every figure of MODEL.md sections 2-4 for one company."""
    from reportgen.spec.schema import SpecInput

    data: SpecInput = spec if isinstance(spec, SpecInput) else spec.input
    fixed = Fixed.from_input(data)
    params = resolve_scenarios(data)
    base = params["base"]

    scenarios = run_scenarios(data, fixed, params)
    figures = headline_metrics(data, scenarios["base"].compute_cost[0])
    reverse, reverse_reason = reverse_dcf(data, fixed, base)
    mc = simulate(data, fixed, base)

    judgments, earliest = judge(
        multiple=figures["valuation_multiple"].value or 0.0,
        capital_intensity=figures["capital_intensity"].value or 0.0,
        recycled_share=figures["recycled_share"].value,
        hhi=figures["hhi"].value or 0.0,
        squeeze_years={name: result.squeeze_year for name, result in scenarios.items()},
        base_tv_share=scenarios["base"].tv_share.value,
        prob_value_ge_price=mc["prob_value_ge_price"],
    )

    provenance: dict[str, dict[str, Any]] = {}
    for name, figure in figures.items():
        provenance[name] = prov.entry(name, data, figure.reason)
    scenario_json = {}
    for name, result in scenarios.items():
        scenario_json[name] = {
            "years": result.years,
            "revenue": result.revenue,
            "compute_cost": result.compute_cost,
            "fcf": result.fcf,
            "cash": result.cash,
            "squeeze_year": result.squeeze_year,
            "fcf_positive_year": result.fcf_positive_year,
            "equity_value": result.equity_value.value,
            "tv_share": result.tv_share.value,
            "value_to_price": result.value_to_price.value,
            "parameters": {
                "growth_factor": result.params.growth_factor,
                "fade": result.params.fade,
                "price_decline": result.params.price_decline,
                "training_growth": result.params.training_growth,
            },
        }
        for series in ("revenue", "compute_cost", "fcf", "cash"):
            gaps = None if None not in getattr(result, series) else (
                "null in the years where the projection overflows the range of numbers")
            provenance[f"scenarios.{name}.{series}"] = prov.entry(series, data, gaps, scenario=name)
        reasons = {"equity_value": result.equity_value.reason, "tv_share": result.tv_share.reason,
                   "value_to_price": result.value_to_price.reason,
                   "squeeze_year": None if result.squeeze_year else "null: cash never falls below zero",
                   "fcf_positive_year": None if result.fcf_positive_year
                   else "null: free cash flow is never positive within the horizon"}
        for key in SCENARIO_FIGURES:
            provenance[f"scenarios.{name}.{key}"] = prov.entry(key, data, reasons[key], scenario=name)

    reverse_json = None
    if reverse is not None:
        reverse_json = {
            "implied_growth_factor": reverse.implied_growth_factor,
            "implied_growth_y1": reverse.implied_growth_y1,
            "implied_cagr": reverse.implied_cagr.value,
        }
    for key in ("implied_growth_factor", "implied_growth_y1", "implied_cagr"):
        reason = reverse_reason if reverse is None else (
            reverse.implied_cagr.reason if key == "implied_cagr" else None)
        provenance[f"reverse_dcf.{key}"] = prov.entry(key, data, reason)
    provenance["sensitivity.value_to_price"] = prov.entry("sensitivity", data)
    for key in mc:
        if key not in ("paths", "seed", "histogram"):
            reason = None if mc[key] is not None else "undefined: some paths overflow"
            provenance[f"monte_carlo.{key}"] = prov.entry("monte_carlo", data, reason)

    return Model(
        company=_identity(spec, data),
        metrics={name: figure.value for name, figure in figures.items()},
        peers=[{k: v for k, v in peer.items()} for peer in peer_figures(data)],
        scenarios=scenario_json,
        reverse_dcf=reverse_json,
        sensitivity=sensitivity(data, fixed, base),
        monte_carlo=mc,
        judgments=judgments,
        earliest_squeeze=earliest,
        provenance=provenance,
        inputs=_flatten(data.model_dump(mode="json", by_alias=True, exclude={"sources", "notes"})),
        compute_providers=_providers(data),
        history=_history(spec),
        sources=dict(data.sources),
        notes=data.notes,
    )


def _identity(spec: Any, data: SpecInput) -> dict[str, Any]:
    identity: dict[str, Any] = {
        "name": data.company.name,
        "as_of": data.company.as_of.isoformat(),
        "currency": data.company.currency,
        "unit": data.company.unit,
    }
    bundle = getattr(spec, "bundle", None)
    if bundle is not None:
        # the file name, not its path: the same input gives the same model.json from any folder
        identity["input"] = bundle.display.replace("\\", "/").rsplit("/", 1)[-1]
        identity["input_sha256"] = bundle.sha256
    return identity


def _providers(data: SpecInput) -> list[dict[str, Any]]:
    shares = normalised_shares([p.share for p in data.compute.providers])
    return [{"name": p.name, "share": float(s), "commitment": p.commitment, "years": p.years,
             "investor": p.investor} for p, s in zip(data.compute.providers, shares, strict=True)]


def _history(spec: Any) -> list[dict[str, Any]] | None:
    history = getattr(spec, "history", None)
    if history is None:
        return None
    return [{"period": p.label, "end": p.end.isoformat(), "revenue": p.revenue} for p in history.points]


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Input leaves by field path (``compute.providers.0.share``), as the sources map names them."""
    out: dict[str, Any] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            if item is not None:
                out.update(_flatten(item, f"{prefix}{key}."))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.update(_flatten(item, f"{prefix}{index}."))
    else:
        out[prefix[:-1]] = value.isoformat() if isinstance(value, dt.date) else value
    return out
