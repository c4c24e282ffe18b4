"""The projection of the contract (docs/contract-model.md), vectorised over paths.

Every parameter that varies between paths (g1, f, fade, d, tg) is an array of N values; the loop
runs over the H years (at most 30), never over paths, and each year is a handful of array operations.
Each path's arithmetic is elementwise, so a path gives the same bits whether it is evaluated alone,
in a chunk or in one pass of millions: that is what lets the Monte Carlo chunk freely.

The loss carry-forward (v2) is the only state carried between years besides revenue and cash; it
runs year by year like everything else, vectorised over paths.

Two guards the formulas leave implicit: revenue growth and training growth are floored at -100 %
(a growth factor applied to a steep decline, or a wide training spread, would otherwise drive
revenue or spend below zero and flip signs year by year).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reportgen.contract.schema import InputDocument


@dataclass(frozen=True)
class Fixed:
    """What all paths of one company share."""

    run_rate: float
    growth_long: float
    inference_share: float
    training_spend: float
    opex_share: float
    tax_rate: float
    tax_losses: float
    cash: float
    discount_rate: float
    terminal_growth: float
    horizon: int
    committed: np.ndarray  # K_t for t = 1..H

    @classmethod
    def from_input(cls, spec: InputDocument) -> Fixed:
        horizon = spec.dcf.horizon
        years = np.arange(1, horizon + 1)
        committed = np.zeros(horizon)
        for provider in spec.compute.providers:
            if provider.years > 0:
                committed += np.where(years <= provider.years, provider.commitment / provider.years, 0.0)
        return cls(
            run_rate=spec.revenue.run_rate,
            growth_long=spec.revenue.growth_long,
            inference_share=spec.costs.inference_share,
            training_spend=spec.costs.training_spend,
            opex_share=spec.costs.opex_share,
            tax_rate=spec.costs.tax_rate,
            tax_losses=spec.costs.tax_losses,
            cash=spec.cash_on_hand,
            discount_rate=spec.dcf.discount_rate,
            terminal_growth=spec.dcf.terminal_growth,
            horizon=horizon,
            committed=committed,
        )


SERIES = ("revenue", "compute", "opex", "ebit", "tax", "fcf", "cash")


@dataclass(frozen=True)
class Paths:
    """Results per path; ``series`` (name -> N x H array, names in SERIES) only when asked for."""

    dcf_equity: np.ndarray  # enterprise value + cash on hand: may be negative
    equity: np.ndarray  # max(0, dcf_equity): limited liability
    enterprise: np.ndarray
    pv_terminal: np.ndarray
    squeeze_t: np.ndarray  # first t with cash < 0, 0 if none
    fcf_positive_t: np.ndarray  # first t with FCF > 0, 0 if none
    revenue_final: np.ndarray
    cash_low: np.ndarray  # min(cash on hand, min_t Cash_t)
    series: dict[str, np.ndarray] | None = None

    @property
    def funding_need(self) -> np.ndarray:
        """New capital that keeps cash >= 0: max(0, -min_t Cash_t); cash on hand is never negative,
        so the minimum from today gives the same figure."""
        return np.maximum(0.0, -self.cash_low)


def project(fixed: Fixed, g1, f, fade, d, tg, r=None, *, keep_paths: bool = False) -> Paths:
    """Project N paths at once; each parameter is a scalar or an array of N values. ``r`` is the
    discount rate per path (the input's when None)."""
    r = fixed.discount_rate if r is None else r
    g1, f, fade, d, tg, r = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (g1, f, fade, d, tg, r)))
    n = g1.shape[0] if g1.ndim else 1
    g1, f, fade, d, tg, r = (np.reshape(x, n) for x in (g1, f, fade, d, tg, r))
    horizon = fixed.horizon
    store = {k: np.empty((n, horizon)) for k in SERIES} if keep_paths else {}

    revenue = np.full(n, fixed.run_rate)
    cash = np.full(n, fixed.cash)
    cash_low = np.full(n, fixed.cash)
    losses = np.full(n, fixed.tax_losses)
    present = np.zeros(n)
    squeeze_t = np.zeros(n, dtype=np.int64)
    positive_t = np.zeros(n, dtype=np.int64)
    price_base = 1.0 - d
    training_base = np.maximum(1.0 + tg, 0.0)
    growth_gap = g1 - fixed.growth_long
    # Powers are built by repeated multiplication: correctly rounded elementwise, so a path's bits do
    # not depend on where it sits in a SIMD lane (vectorised pow may differ in the last ulp).
    fade_power = np.ones(n)
    price = np.ones(n)
    training_power = np.ones(n)
    discount = np.ones(n)
    fcf = np.zeros(n)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for t in range(1, horizon + 1):
            growth = np.maximum(f * (fixed.growth_long + growth_gap * fade_power), -1.0)
            fade_power = fade_power * fade
            revenue = revenue * (1.0 + growth)
            price = price * price_base
            training_power = training_power * training_base
            discount = discount * (1.0 + r)
            serving = revenue * fixed.inference_share * price
            training = fixed.training_spend * training_power * price
            compute = np.maximum(serving + training, fixed.committed[t - 1])
            opex = revenue * fixed.opex_share
            operating = revenue - compute - opex
            profit = np.maximum(operating, 0.0)
            used = np.minimum(losses, profit)
            losses = losses - used + np.maximum(-operating, 0.0)
            tax = fixed.tax_rate * (profit - used)
            fcf = operating - tax
            cash = cash + fcf
            present = present + fcf / discount
            np.minimum(cash_low, cash, out=cash_low)
            squeeze_t = np.where((squeeze_t == 0) & (cash < 0), t, squeeze_t)
            positive_t = np.where((positive_t == 0) & (fcf > 0), t, positive_t)
            if keep_paths:
                for name, value in zip(SERIES, (revenue, compute, opex, operating, tax, fcf, cash), strict=True):
                    store[name][:, t - 1] = value
        gt = fixed.terminal_growth
        # v2: a loss beyond the horizon is not carried into a perpetuity (the plan would change first)
        pv_terminal = np.maximum(0.0, fcf * (1.0 + gt) / (r - gt)) / discount
        enterprise = present + pv_terminal
        dcf_equity = enterprise + fixed.cash
        equity = np.maximum(0.0, dcf_equity)
    return Paths(
        dcf_equity=dcf_equity,
        equity=equity,
        enterprise=enterprise,
        pv_terminal=pv_terminal,
        squeeze_t=squeeze_t,
        fcf_positive_t=positive_t,
        revenue_final=revenue,
        cash_low=cash_low,
        series=store or None,
    )
