"""model.json (``reportgen.model/v2``): the one place a Model becomes JSON.

The contract's keys come first, in its order; reportgen's additions (scenario parameters, the
histogram, providers, history, notes, commentary, changes) follow. Floats keep 12 significant digits
(beyond that a float's last bits may differ between CPUs) and there is no NaN, Infinity or -0.0.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from typing import Any

from reportgen.model.result import Model, Scenario

SCHEMA = "reportgen.model/v2"
SIGNIFICANT_DIGITS = 12
SCENARIO_KEYS = ("years", "revenue", "compute_cost", "opex", "ebit", "tax", "fcf", "cash", "squeeze_year",
                 "fcf_positive_year", "cash_low", "funding_need", "dilution", "dcf_equity", "equity_value",
                 "tv_share", "value_to_price")
PEER_KEYS = ("name", "valuation_multiple", "ev_to_forward_revenue", "hhi", "provider_count", "implied_value")


def _scenario(scenario: Scenario) -> dict[str, Any]:
    document = {key: getattr(scenario, key) for key in SCENARIO_KEYS}
    document["parameters"] = {"growth_factor": scenario.growth_factor, "fade": scenario.fade,
                              "price_decline": scenario.price_decline,
                              "training_growth": scenario.training_growth}
    return document


def _without_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def model_document(model: Model) -> dict[str, Any]:
    """The model.json document of docs/contract-output.md."""
    reverse = asdict(model.reverse_dcf) if model.reverse_dcf is not None else None
    document = {
        "schema": SCHEMA,
        "company": _without_none(asdict(model.company)),
        "metrics": dict(model.metrics.items()),
        "peers": [{**{key: getattr(peer, key) for key in PEER_KEYS},
                   "providers": [asdict(p) for p in peer.providers]} for peer in model.peers],
        "scenarios": {name: _scenario(s) for name, s in model.scenarios.items()},
        "reverse_dcf": reverse,
        "sensitivity": asdict(model.sensitivity),
        "monte_carlo": asdict(model.monte_carlo),
        "valuation_summary": [asdict(row) for row in model.valuation_summary],
        "judgments": dict(model.judgments.items()),
        "earliest_squeeze": list(model.earliest_squeeze) if model.earliest_squeeze else None,
        "inputs": {path: asdict(entry) for path, entry in model.inputs.items()},
        "provenance": {key: _without_none(asdict(entry)) for key, entry in model.provenance.items()},
        "providers": [asdict(p) for p in model.providers],
        "history": [asdict(p) for p in model.history] if model.history is not None else None,
        "notes": model.notes,
        "commentary": model.commentary or None,
        "changes": model.changes,
    }
    return _rounded(document)


def dumps(document: dict[str, Any]) -> bytes:
    """Canonical bytes: stable key order, no NaN or Infinity (json refuses them), UTF-8."""
    return (json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


def rounded(value: Any) -> Any:
    """``value`` as model.json holds it: floats to 12 significant digits, no -0.0 (also inside lists and maps)."""
    return _rounded(value)


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("non-finite number in model.json")  # the model maps these to null
        rounded = float(f"{value:.{SIGNIFICANT_DIGITS}g}")
        return 0.0 if rounded == 0 else rounded  # no "-0.0"
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value
