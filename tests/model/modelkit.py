"""Shared helpers of the model tests: the example inputs, rounding as MODEL.md shows figures, an
independent pure-Python re-derivation of a scenario path, and builders of valid inputs.

Nothing here imports the code under test's formulas: the reference path below is written from
MODEL.md v2 section 2 alone (loops over years, ``**`` for powers, no numpy but the contract's random
draws) so that it can disagree.
"""

from __future__ import annotations

import copy
import dataclasses
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
    """A validated InputDocument: the example (or ``base``) with dotted-path ``changes`` applied.

    A value of ``DELETE`` removes the key."""
    from reportgen.contract.schema import InputDocument

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
    return InputDocument.model_validate(data)


DELETE = object()


def _money_bounds() -> tuple[float, float]:
    """The smallest and largest amount other than 0 the input contract accepts (the spec may bound
    amounts to what a brief can show; without bounds, any positive finite float)."""
    from reportgen.contract import fields

    return (getattr(fields, "MONEY_FLOOR", 5e-324), getattr(fields, "MONEY_CEILING", 1.7976931348623157e308))


MONEY_MIN, MONEY_MAX = _money_bounds()


def unchecked(changes: dict[str, Any]):
    """The validated example with dotted-path ``changes`` applied WITHOUT validation (model_copy):
    figures beyond the input contract, to test the model's own arithmetic guards."""
    from reportgen.contract.load import load_spec

    def put(node, parts, value):
        if not parts:
            return value
        head, rest = parts[0], parts[1:]
        if isinstance(node, tuple):
            items = list(node)
            items[int(head)] = put(items[int(head)], rest, value)
            return tuple(items)
        return node.model_copy(update={head: put(getattr(node, head), rest, value)})

    data = load_spec(str(EXAMPLE)).input
    for dotted, value in changes.items():
        data = put(data, dotted.split("."), value)
    return data


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


def reference_path(spec, f: float, fade: float, d: float, tg: float, *, g1: float | None = None,
                   r: float | None = None) -> dict[str, Any]:
    """One scenario, year by year, exactly as MODEL.md v2 section 2 writes it.

    ``g1`` and ``r`` replace the input's year-1 growth and discount rate (a Monte Carlo path)."""
    horizon = spec.dcf.horizon
    r = spec.dcf.discount_rate if r is None else r
    gT = spec.dcf.terminal_growth
    g1 = spec.revenue.growth_y1 if g1 is None else g1
    gL = spec.revenue.growth_long
    costs = spec.costs
    revenue_prev = spec.revenue.run_rate
    cash = spec.cash_on_hand
    losses = costs.tax_losses
    out: dict[str, Any] = {key: [] for key in SERIES}
    squeeze_t = positive_t = None
    pv = 0.0
    fcf = 0.0
    for t in range(1, horizon + 1):
        g = f * (gL + (g1 - gL) * fade ** (t - 1))
        revenue = revenue_prev * (1 + g)
        p = (1 - d) ** t
        serving = revenue * costs.inference_share * p
        training = costs.training_spend * (1 + tg) ** t * p
        committed = sum(pr.commitment / pr.years for pr in spec.compute.providers
                        if pr.years >= t and pr.years > 0)
        compute = max(serving + training, committed)
        opex = revenue * costs.opex_share
        ebit = revenue - compute - opex
        used = min(losses, max(ebit, 0.0))
        losses = losses - used + max(-ebit, 0.0)
        tax = costs.tax_rate * (max(ebit, 0.0) - used)
        fcf = ebit - tax
        cash = cash + fcf
        pv += fcf / (1 + r) ** t
        if squeeze_t is None and cash < 0:
            squeeze_t = t
        if positive_t is None and fcf > 0:
            positive_t = t
        for key, value in zip(SERIES, (revenue, compute, opex, ebit, tax, fcf, cash), strict=True):
            out[key].append(value)
        revenue_prev = revenue
    terminal = max(0.0, fcf * (1 + gT) / (r - gT))
    pv_terminal = terminal / (1 + r) ** horizon
    enterprise = pv + pv_terminal
    dcf_equity = enterprise + spec.cash_on_hand
    equity = max(0.0, dcf_equity)
    lowest = min(out["cash"])
    need = max(0.0, -lowest)
    post_money = spec.valuation.post_money
    year0 = spec.company.as_of.year
    out.update(
        years=[year0 + t for t in range(1, horizon + 1)],
        enterprise=enterprise,
        pv_terminal=pv_terminal,
        squeeze_year=None if squeeze_t is None else year0 + squeeze_t,
        fcf_positive_year=None if positive_t is None else year0 + positive_t,
        cash_low=min(spec.cash_on_hand, lowest),
        funding_need=need,
        dilution=need / (post_money + need),
        dcf_equity=dcf_equity,
        equity_value=equity,
        tv_share=pv_terminal / enterprise if enterprise > 0 else None,
        value_to_price=equity / post_money,
        revenue_final=revenue_prev,
    )
    return out


SERIES = ("revenue", "compute_cost", "opex", "ebit", "tax", "fcf", "cash")
SCENARIO_FIGURES = ("squeeze_year", "fcf_positive_year", "cash_low", "funding_need", "dilution", "dcf_equity",
                    "equity_value", "tv_share", "value_to_price")


def reference_scenarios(spec) -> dict[str, dict[str, Any]]:
    return {name: reference_path(spec, **params) for name, params in scenario_parameters(spec).items()}


def _shares(values: list[float]) -> list[float]:
    total = sum(values)
    return [v / total for v in values]


def _hhi(values: list[float]) -> float:
    return sum(s * s for s in _shares(values))


def reference_metrics(spec, base: dict[str, Any]) -> dict[str, float | None]:
    """The headline metrics of MODEL.md v2 section 2; ``base`` is the base scenario's reference path."""
    r0 = spec.revenue.run_rate
    post_money = spec.valuation.post_money
    providers = spec.compute.providers
    shares = _shares([p.share for p in providers])
    investor_share = sum(s for s, p in zip(shares, providers, strict=True) if p.investor)
    compute_spend = spec.costs.inference_share * r0 + spec.costs.training_spend
    spend_1 = base["compute_cost"][0] + base["opex"][0] + base["tax"][0]
    from_cloud = spec.valuation.latest_raise * spec.valuation.raise_from_cloud_investors
    investor_commitments = sum(p.commitment for p in providers if p.investor)
    commitment_total = sum(p.commitment for p in providers)
    ev_at_price = post_money - spec.cash_on_hand
    return {
        "valuation_multiple": post_money / r0,
        "raise_to_revenue": spec.valuation.latest_raise / r0,
        "compute_spend": compute_spend,
        "capital_intensity": compute_spend / r0,
        "investor_provider_share": investor_share,
        "recycled_share": base["compute_cost"][0] * investor_share / spend_1 if spend_1 != 0 else None,
        "enterprise_value_at_price": ev_at_price,
        "ev_to_forward_revenue": ev_at_price / base["revenue"][0] if base["revenue"][0] > 0 else None,
        "circular_commitment_ratio": investor_commitments / from_cloud if from_cloud != 0 else None,
        "commitment_total": commitment_total,
        "commitment_to_revenue": commitment_total / r0,
        "lock_in_years": max(p.years for p in providers),
        "hhi": sum(s * s for s in shares),
        "provider_count": len(providers),
        "contribution_margin": 1 - spec.costs.inference_share,
    }


def reference_peers(spec) -> list[dict[str, Any]]:
    out = []
    for peer in spec.peers:
        multiple = peer.post_money / peer.run_rate
        forward = None
        if peer.growth_y1 is not None:
            forward = (peer.post_money - peer.cash_on_hand) / (peer.run_rate * (1 + peer.growth_y1))
        out.append({"name": peer.name, "valuation_multiple": multiple, "ev_to_forward_revenue": forward,
                    "hhi": _hhi([p.share for p in peer.providers]), "provider_count": len(peer.providers),
                    "implied_value": multiple * spec.revenue.run_rate})
    return out


def percentile(values: list[float], q: float) -> float:
    """numpy.percentile's default ("linear"): interpolate at rank q/100 x (n - 1) of the sorted values."""
    ordered = sorted(values)
    rank = q / 100 * (len(ordered) - 1)
    lo = math.floor(rank)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (rank - lo)


def reference_monte_carlo(spec) -> dict[str, Any]:
    """MODEL.md v2's Monte Carlo: the four draws in the contract's order (numpy's generator is the
    contract), each path evaluated by :func:`reference_path`, the figures by a plain percentile."""
    import numpy as np  # the draws only

    mc = spec.monte_carlo
    n = mc.paths
    rng = np.random.default_rng(mc.seed)
    zg = rng.standard_normal(n).tolist()
    ud = rng.uniform(-1, 1, n).tolist()
    zt = rng.standard_normal(n).tolist()
    ur = rng.uniform(-1, 1, n).tolist()
    base = scenario_parameters(spec)["base"]
    gT, r = spec.dcf.terminal_growth, spec.dcf.discount_rate
    equity, dcf_equity, cash_low, need, squeezed, revenue_final = [], [], [], [], [], []
    for i in range(n):
        path = reference_path(
            spec, f=base["f"], fade=base["fade"],
            d=min(max(base["d"] + mc.price_spread * ud[i], -0.5), 0.9),
            tg=base["tg"] + mc.training_sd * zt[i],
            g1=max(-0.5, spec.revenue.growth_y1 * (1 + mc.growth_sd * zg[i])),
            r=max(gT + 0.01, r + mc.rate_spread * ur[i]))
        equity.append(path["equity_value"])
        dcf_equity.append(path["dcf_equity"])
        cash_low.append(path["cash_low"])
        need.append(path["funding_need"])
        squeezed.append(path["squeeze_year"] is not None)
        revenue_final.append(path["revenue_final"])
    post_money = spec.valuation.post_money
    out: dict[str, Any] = {"paths": n, "seed": mc.seed}
    for q in (5, 50, 95):
        out[f"equity_p{q}"] = percentile(equity, q)
    out["prob_value_ge_price"] = sum(e >= post_money for e in equity) / n
    out["prob_squeeze"] = sum(squeezed) / n
    out["prob_zero_value"] = sum(e <= 0 for e in dcf_equity) / n
    for q in (5, 50, 95):
        out[f"cash_low_p{q}"] = percentile(cash_low, q)
    for q in (50, 95):
        out[f"funding_need_p{q}"] = percentile(need, q)
    for q in (5, 50, 95):
        out[f"value_to_price_p{q}"] = out[f"equity_p{q}"] / post_money
        out[f"revenue_final_p{q}"] = percentile(revenue_final, q)
    return out


def _band(value: float, steps: tuple[tuple[float, str], ...], floor: str) -> str:
    return next((word for threshold, word in steps if value >= threshold), floor)


def reference_judgments(metrics: dict[str, Any], scenarios: dict[str, dict[str, Any]],
                        prob_value_ge_price: float) -> tuple[dict[str, str], list | None]:
    """MODEL.md v2 section 3, and ``earliest_squeeze`` ([year, scenario] or None; the first scenario
    in the contract's order wins a tie)."""
    squeezes = [(s["squeeze_year"], name) for name, s in scenarios.items() if s["squeeze_year"] is not None]
    earliest = None
    for year, name in squeezes:
        if earliest is None or year < earliest[0]:
            earliest = [year, name]
    base = scenarios["base"]
    if base["funding_need"] == 0:
        funding = "self_funded"
    elif base["dilution"] < 0.10:
        funding = "modest_raise"
    else:
        funding = "dilutive"
    odds = ("tail_dependent" if prob_value_ge_price < 0.25
            else "plausible" if prob_value_ge_price < 0.6 else "supported")
    words = {
        "multiple": _band(metrics["valuation_multiple"], ((15, "priced_for_perfection"), (8, "premium")),
                          "conventional"),
        "capital_intensity": _band(metrics["capital_intensity"], ((1, "extreme"), (0.5, "heavy")), "moderate"),
        "circularity": _band(metrics["recycled_share"] or 0.0, ((0.5, "circular"), (0.2, "partly_circular")),
                             "limited"),
        "concentration": _band(metrics["hhi"], ((0.5, "single_provider"), (0.3, "concentrated")),
                               "diversified"),
        "liquidity": "squeeze" if earliest is not None else "funded",
        "terminal_value": ("no_positive_value" if base["tv_share"] is None else
                           _band(base["tv_share"], ((0.75, "terminal_dominated"), (0.5, "terminal_weighted")),
                                 "cash_flow_backed")),
        "funding": funding,
        "valuation_odds": odds,
    }
    return words, earliest


def reference_valuation_summary(scenarios, monte_carlo, peers, post_money) -> list[dict[str, Any]]:
    values = [s["equity_value"] for s in scenarios.values()]
    implied = [p["implied_value"] for p in peers]
    return [
        {"method": "dcf_scenarios", "low": min(values), "high": max(values)},
        {"method": "monte_carlo", "low": monte_carlo["equity_p5"], "high": monte_carlo["equity_p95"]},
        {"method": "peer_multiples", "low": min(implied) if implied else None,
         "high": max(implied) if implied else None},
        {"method": "latest_round", "low": post_money, "high": post_money},
    ]


def reference_model(spec) -> dict[str, Any]:
    """Every figure MODEL.md v2 defines, in model.json's shape (reverse DCF and sensitivity aside)."""
    scenarios = reference_scenarios(spec)
    metrics = reference_metrics(spec, scenarios["base"])
    peers = reference_peers(spec)
    monte_carlo = reference_monte_carlo(spec)
    judgments, earliest = reference_judgments(metrics, scenarios, monte_carlo["prob_value_ge_price"])
    return {
        "metrics": metrics,
        "peers": peers,
        "scenarios": scenarios,
        "monte_carlo": monte_carlo,
        "valuation_summary": reference_valuation_summary(scenarios, monte_carlo, peers,
                                                         spec.valuation.post_money),
        "judgments": judgments,
        "earliest_squeeze": earliest,
    }


def close(a: float, b: float, rel: float, scale: float = 0.0) -> bool:
    """|a - b| <= rel * max(|a|, |b|, scale)."""
    return abs(a - b) <= rel * max(abs(a), abs(b), scale)


def walk_numbers(value: Any, where: str = "$"):
    """Every number in a JSON-like document (or a tree of the model's dataclasses), with its path."""
    if isinstance(value, bool):
        return
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
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
