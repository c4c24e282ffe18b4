"""Headline metrics of the contract (docs/contract-model.md; t = 0 unless said) and the peers' figures."""

from __future__ import annotations

import math

import numpy as np

from reportgen.contract.schema import InputDocument
from reportgen.model.result import Metrics, Peer, ProviderShare, Scenario


def normalised_shares(shares: list[float]) -> np.ndarray:
    """Shares of compute spend scaled to sum 1 (the contract allows any positive weights)."""
    array = np.asarray(shares, dtype=float)
    with np.errstate(over="ignore"):
        total = array.sum()
    if not np.isfinite(total):  # shares near the largest float: scale them down before adding
        array = array / array.max()
        total = array.sum()
    return array / total


def hhi(shares: list[float]) -> float:
    """Herfindahl-Hirschman index of normalised shares: 1/n for n equal providers, 1 for one."""
    normal = normalised_shares(shares)
    return float(np.sum(normal * normal))


OVERFLOW = "undefined: the figure overflows the range of numbers"


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, None when it is undefined or not finite."""
    if numerator is None or denominator is None or denominator <= 0:
        return None
    value = numerator / denominator
    return value if math.isfinite(value) else None


def _signed_ratio(numerator: float, denominator: float | None) -> float | None:
    """Like _ratio, for a numerator that may be negative."""
    if denominator is None or denominator <= 0:
        return None
    value = numerator / denominator
    return value if math.isfinite(value) else None


def headline_metrics(spec: InputDocument, base: Scenario) -> Metrics:
    """The company's headline metrics; year-1 figures come from the base scenario. A figure that is
    undefined is None, with its reason in ``Metrics.reasons``."""
    run_rate = spec.revenue.run_rate
    raise_ = spec.valuation.latest_raise
    providers = spec.compute.providers
    shares = normalised_shares([p.share for p in providers])
    investor_share = float(sum(s for s, p in zip(shares, providers, strict=True) if p.investor))
    commitment_total = float(sum(p.commitment for p in providers))
    investor_commitments = float(sum(p.commitment for p in providers if p.investor))
    compute_spend = spec.costs.inference_share * run_rate + spec.costs.training_spend
    circular_base = raise_ * spec.valuation.raise_from_cloud_investors
    reasons: dict[str, str] = {}

    # Money is fungible: the share of every unit spent in year 1 (the raise included) that reaches
    # the investors' clouds, not a year of compute set against the raise.
    compute_1, opex_1, tax_1 = base.compute_cost[0], base.opex[0], base.tax[0]
    spend_1 = None if None in (compute_1, opex_1, tax_1) else compute_1 + opex_1 + tax_1  # type: ignore[operator]
    if spend_1 is None:
        recycled, reasons["recycled_share"] = None, OVERFLOW
    elif spend_1 <= 0:
        recycled, reasons["recycled_share"] = None, "null: the company spends nothing in year 1"
    else:
        recycled = _ratio(compute_1 * investor_share, spend_1)  # type: ignore[operator]
    enterprise_at_price = spec.valuation.post_money - spec.cash_on_hand
    # Net cash above the price makes this negative: the contract keeps the sign (a net-cash company).
    ev_forward = _signed_ratio(enterprise_at_price, base.revenue[0])
    if ev_forward is None:
        reasons["ev_to_forward_revenue"] = "null: year-1 revenue of the base case is not positive"
    circular = _ratio(investor_commitments, circular_base)
    if circular is None:
        reasons["circular_commitment_ratio"] = (
            "null: no part of the latest raise came from cloud investors "
            "(latest_raise x raise_from_cloud_investors is 0)")
    metrics = Metrics(
        valuation_multiple=_ratio(spec.valuation.post_money, run_rate),
        raise_to_revenue=_ratio(raise_, run_rate),
        compute_spend=compute_spend if math.isfinite(compute_spend) else None,
        capital_intensity=_ratio(compute_spend, run_rate),
        investor_provider_share=investor_share,
        recycled_share=recycled,
        enterprise_value_at_price=enterprise_at_price,
        ev_to_forward_revenue=ev_forward,
        circular_commitment_ratio=circular,
        commitment_total=commitment_total if math.isfinite(commitment_total) else None,
        commitment_to_revenue=_ratio(commitment_total, run_rate),
        lock_in_years=float(max(p.years for p in providers)),
        hhi=hhi([p.share for p in providers]),
        provider_count=float(len(providers)),
        contribution_margin=1.0 - spec.costs.inference_share,
        reasons=reasons,
    )
    for name, value in metrics.items():
        if value is None and name not in reasons:
            reasons[name] = OVERFLOW
    return metrics


def peer_figures(spec: InputDocument) -> list[Peer]:
    run_rate = spec.revenue.run_rate
    peers = []
    for peer in spec.peers:
        shares = normalised_shares([p.share for p in peer.providers])
        multiple = _ratio(peer.post_money, peer.run_rate)
        forward = None
        if peer.growth_y1 is not None:
            forward = _signed_ratio(peer.post_money - peer.cash_on_hand, peer.run_rate * (1.0 + peer.growth_y1))
        implied = None if multiple is None else multiple * run_rate
        peers.append(Peer(
            name=peer.name,
            valuation_multiple=multiple,
            ev_to_forward_revenue=forward,
            hhi=hhi([p.share for p in peer.providers]),
            provider_count=len(peer.providers),
            implied_value=implied if implied is not None and math.isfinite(implied) else None,
            providers=[ProviderShare(p.name, float(s)) for p, s in zip(peer.providers, shares, strict=True)],
        ))
    return peers
