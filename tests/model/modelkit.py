"""Shared helpers of the model tests: the example inputs, rounding as MODEL.md shows figures, an
independent pure-Python re-derivation of a scenario path, and builders of valid inputs.

Nothing here imports the code under test's formulas: the reference path below is written from
MODEL.md section 2 alone (loops over years, ``**`` for powers, no numpy) so that it can disagree.
"""

from __future__ import annotations

import copy
import math
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
INPUTS = ROOT / "inputs"
EXAMPLE = INPUTS / "anthropic-2026.yaml"
ALL_INPUTS = ("anthropic-2026", "nordlicht-2026", "meridian-2026")
SCENARIOS = ("base", "adoption_plateau", "compute_stagnation", "bull")


def shown(value: float, decimals: int) -> str:
    """``value`` as MODEL.md prints it: rounded half away from zero to ``decimals`` places.

    The float's shortest repr is rounded (so -5.635000000000009 and -5.635 both show as -5.64)."""
    quantum = Decimal(1).scaleb(-decimals)
    return str(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def example_dict() -> dict[str, Any]:
    """The worked example as a plain dict (for variants built with :func:`variant`)."""
    with EXAMPLE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def variant(changes: dict[str, Any], base: dict[str, Any] | None = None):
    """A validated SpecInput: the example (or ``base``) with dotted-path ``changes`` applied.

    A value of ``DELETE`` removes the key."""
    from reportgen.spec.schema import SpecInput

    data = copy.deepcopy(base if base is not None else example_dict())
    for dotted, value in changes.items():
        *parents, leaf = dotted.split(".")
        node = data
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
        if value is DELETE:
            node.pop(leaf, None)
        elif isinstance(node, list):
            node[int(leaf)] = value
        else:
            node[leaf] = value
    return SpecInput.model_validate(data)


DELETE = object()


# --- the reference path, from MODEL.md section 2 ----------------------------------------------

def scenario_parameters(spec) -> dict[str, dict[str, float]]:
    """The four scenarios' (f, fade, d, tg), resolved from MODEL.md's defaults and the overrides."""
    d = spec.compute.price_decline
    out = {
        "base": {"f": 1.0, "fade": spec.revenue.fade, "d": d, "tg": spec.costs.training_growth},
        "adoption_plateau": {"f": 0.5, "fade": 0.5, "d": d, "tg": spec.costs.training_growth},
        "compute_stagnation": {"f": 1.0, "fade": spec.revenue.fade, "d": 0.0,
                               "tg": spec.costs.training_growth},
        "bull": {"f": 1.25, "fade": spec.revenue.fade, "d": d + 0.05, "tg": spec.costs.training_growth},
    }
    for name in SCENARIOS:
        override = getattr(spec.scenarios, name)
        if override is None:
            continue
        params = out[name]
        if override.growth_factor is not None:
            params["f"] = override.growth_factor
        if override.fade is not None:
            params["fade"] = override.fade
        if override.training_growth is not None:
            params["tg"] = override.training_growth
        if override.price_decline is not None:  # replaces d (and the scenario's default delta)
            params["d"] = override.price_decline
        if override.price_decline_delta is not None:
            base_d = override.price_decline if override.price_decline is not None else (
                0.0 if name == "compute_stagnation" else d)
            params["d"] = base_d + override.price_decline_delta
    return out


def reference_path(spec, f: float, fade: float, d: float, tg: float) -> dict[str, Any]:
    """One scenario, year by year, exactly as MODEL.md section 2 writes it."""
    horizon = spec.dcf.horizon
    r, gT = spec.dcf.discount_rate, spec.dcf.terminal_growth
    g1, gL = spec.revenue.growth_y1, spec.revenue.growth_long
    shares = spec.costs
    revenue_prev = spec.revenue.run_rate
    cash = spec.cash_on_hand
    out: dict[str, Any] = {"revenue": [], "compute_cost": [], "fcf": [], "cash": []}
    squeeze_t = positive_t = None
    pv = 0.0
    fcf = 0.0
    for t in range(1, horizon + 1):
        g = f * (gL + (g1 - gL) * fade ** (t - 1))
        revenue = revenue_prev * (1 + g)
        p = (1 - d) ** t
        serving = revenue * shares.inference_share * p
        training = shares.training_spend * (1 + tg) ** t * p
        committed = sum(pr.commitment / pr.years for pr in spec.compute.providers
                        if pr.years >= t and pr.years > 0)
        compute = max(serving + training, committed)
        other = revenue * shares.opex_share
        operating = revenue - compute - other
        fcf = operating - shares.tax_rate * max(operating, 0.0)
        cash = cash + fcf
        pv += fcf / (1 + r) ** t
        if squeeze_t is None and cash < 0:
            squeeze_t = t
        if positive_t is None and fcf > 0:
            positive_t = t
        for key, value in (("revenue", revenue), ("compute_cost", compute), ("fcf", fcf), ("cash", cash)):
            out[key].append(value)
        revenue_prev = revenue
    pv_terminal = fcf * (1 + gT) / (r - gT) / (1 + r) ** horizon
    enterprise = pv + pv_terminal
    year0 = spec.company.as_of.year
    out.update(
        enterprise=enterprise,
        pv_terminal=pv_terminal,
        equity_value=enterprise + spec.cash_on_hand,
        tv_share=pv_terminal / enterprise if enterprise > 0 else None,
        value_to_price=(enterprise + spec.cash_on_hand) / spec.valuation.post_money,
        squeeze_year=None if squeeze_t is None else year0 + squeeze_t,
        fcf_positive_year=None if positive_t is None else year0 + positive_t,
        revenue_final=revenue_prev,
    )
    return out


def close(a: float, b: float, rel: float, scale: float = 0.0) -> bool:
    """|a - b| <= rel * max(|a|, |b|, scale)."""
    return abs(a - b) <= rel * max(abs(a), abs(b), scale)


def walk_numbers(value: Any, where: str = "$"):
    """Every number in a JSON-like document, with its path."""
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from walk_numbers(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from walk_numbers(item, f"{where}[{index}]")


def all_finite(document: Any) -> list[str]:
    """Paths of the numbers in ``document`` that are NaN or infinite (empty when all are finite)."""
    return [where for where, number in walk_numbers(document) if not math.isfinite(number)]
