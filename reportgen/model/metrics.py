"""Headline metrics of MODEL.md section 2 (t = 0 unless said) and the peers' figures."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from reportgen.spec.schema import SpecInput


@dataclass(frozen=True)
class Figure:
    """A metric's value, or None with the reason it is undefined."""

    value: float | None
    reason: str | None = None


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


def _finite(figure: Figure) -> Figure:
    if figure.value is not None and not math.isfinite(figure.value):
        return Figure(None, OVERFLOW)
    return figure


def _ratio(numerator: float, denominator: float, reason: str) -> Figure:
    if denominator <= 0:
        return Figure(None, reason)
    return Figure(numerator / denominator)


def headline_metrics(spec: SpecInput, compute_year1_base: float | None) -> dict[str, Figure]:
    """The company's headline metrics; ``compute_year1_base`` is C_1 of the base scenario (None if
    it overflows). A figure that overflows the range of numbers is None with the reason."""
    run_rate = spec.revenue.run_rate
    raise_ = spec.valuation.latest_raise
    providers = spec.compute.providers
    shares = normalised_shares([p.share for p in providers])
    investor_share = float(sum(s for s, p in zip(shares, providers, strict=True) if p.investor))
    commitment_total = float(sum(p.commitment for p in providers))
    investor_commitments = float(sum(p.commitment for p in providers if p.investor))
    compute_spend = spec.costs.inference_share * run_rate + spec.costs.training_spend
    circular_base = raise_ * spec.valuation.raise_from_cloud_investors

    if raise_ > 0:
        recycled_ratio = (math.nan if compute_year1_base is None
                          else compute_year1_base * investor_share / raise_)
        recycled = Figure(None, OVERFLOW) if math.isnan(recycled_ratio) else Figure(min(1.0, recycled_ratio))
    else:
        recycled = Figure(None, "undefined: valuation.latest_raise is 0, so nothing was raised to recycle")
    figures = {
        "valuation_multiple": Figure(spec.valuation.post_money / run_rate),
        "raise_to_revenue": Figure(raise_ / run_rate),
        "compute_spend": Figure(compute_spend),
        "capital_intensity": Figure(compute_spend / run_rate),
        "recycled_share": recycled,
        "circular_commitment_ratio": _ratio(
            investor_commitments, circular_base,
            "undefined: no part of the latest raise came from cloud investors "
            "(latest_raise x raise_from_cloud_investors is 0)"),
        "commitment_total": Figure(commitment_total),
        "commitment_to_revenue": Figure(commitment_total / run_rate),
        "lock_in_years": Figure(float(max(p.years for p in providers))),
        "hhi": Figure(hhi([p.share for p in providers])),
        "provider_count": Figure(float(len(providers))),
        "contribution_margin": Figure(1.0 - spec.costs.inference_share),
    }
    return {name: _finite(figure) for name, figure in figures.items()}


def peer_figures(spec: SpecInput) -> list[dict]:
    peers = []
    for peer in spec.peers:
        shares = normalised_shares([p.share for p in peer.providers])
        multiple = peer.post_money / peer.run_rate
        peers.append({
            "name": peer.name,
            "valuation_multiple": multiple if math.isfinite(multiple) else None,
            "hhi": hhi([p.share for p in peer.providers]),
            "provider_count": len(peer.providers),
            "providers": [{"name": p.name, "share": float(s)}
                          for p, s in zip(peer.providers, shares, strict=True)],
        })
    return peers
