"""Scenario paths with their DCF, the reverse DCF and the sensitivity grid."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from reportgen.model.metrics import Figure
from reportgen.model.project import Fixed, project
from reportgen.model.scenarios import ScenarioParams
from reportgen.spec.schema import SpecInput

SENSITIVITY_TRAINING_STEPS = tuple(round(-0.20 + 0.05 * i, 2) for i in range(9))
SENSITIVITY_GROWTH_FACTORS = tuple(round(0.6 + 0.1 * i, 1) for i in range(9))
BISECTION_BRACKET = (0.0, 10.0)


def finite(value: float, reason: str) -> Figure:
    value = float(value)
    return Figure(value) if np.isfinite(value) else Figure(None, reason)


def series(values: np.ndarray) -> list[float | None]:
    """A path as a list; a year that overflows the range of numbers is None."""
    return [v if math.isfinite(v) else None for v in values.tolist()]


@dataclass(frozen=True)
class ScenarioResult:
    params: ScenarioParams
    years: list[int]
    revenue: list[float | None]
    compute_cost: list[float | None]
    fcf: list[float | None]
    cash: list[float | None]
    squeeze_year: int | None
    fcf_positive_year: int | None
    equity_value: Figure
    tv_share: Figure
    value_to_price: Figure


def run_scenarios(spec: SpecInput, fixed: Fixed, scenarios: dict[str, ScenarioParams]) -> dict[str,
                                                                                              ScenarioResult]:
    names = list(scenarios)
    params = [scenarios[n] for n in names]
    paths = project(
        fixed,
        spec.revenue.growth_y1,
        [p.growth_factor for p in params],
        [p.fade for p in params],
        [p.price_decline for p in params],
        [p.training_growth for p in params],
        keep_paths=True,
    )
    first_year = spec.company.as_of.year
    years = [first_year + t for t in range(1, fixed.horizon + 1)]
    overflow = "undefined: the projection overflows the range of numbers"
    results = {}
    for i, name in enumerate(names):
        assert paths.revenue_path is not None and paths.compute_path is not None
        assert paths.fcf_path is not None and paths.cash_path is not None
        equity = finite(paths.equity[i], overflow)
        enterprise = float(paths.enterprise[i])
        if equity.value is None:
            tv_share = Figure(None, overflow)
        elif enterprise <= 0:
            tv_share = Figure(None, "undefined: enterprise value is not positive")
        else:
            tv_share = finite(float(paths.pv_terminal[i]) / enterprise, overflow)
        value_to_price = (finite(equity.value / spec.valuation.post_money, overflow)
                          if equity.value is not None else Figure(None, overflow))
        squeeze_t, positive_t = int(paths.squeeze_t[i]), int(paths.fcf_positive_t[i])
        results[name] = ScenarioResult(
            params=params[i],
            years=years,
            revenue=series(paths.revenue_path[i]),
            compute_cost=series(paths.compute_path[i]),
            fcf=series(paths.fcf_path[i]),
            cash=series(paths.cash_path[i]),
            squeeze_year=first_year + squeeze_t if squeeze_t else None,
            fcf_positive_year=first_year + positive_t if positive_t else None,
            equity_value=equity,
            tv_share=tv_share,
            value_to_price=value_to_price,
        )
    return results


@dataclass(frozen=True)
class ReverseDcf:
    implied_growth_factor: float
    implied_growth_y1: float
    implied_cagr: Figure


def reverse_dcf(spec: SpecInput, fixed: Fixed, base: ScenarioParams) -> tuple[ReverseDcf | None, str | None]:
    """The growth factor f on the base scenario at which equity value equals the post-money
    valuation, by bisection on [0, 10]; None (with the reason) when the bracket has no sign change."""
    target = spec.valuation.post_money

    def gap(f: float) -> float:
        paths = project(fixed, spec.revenue.growth_y1, f, base.fade, base.price_decline, base.training_growth)
        return float(paths.equity[0]) - target

    lo, hi = BISECTION_BRACKET
    gap_lo, gap_hi = gap(lo), gap(hi)
    if not (np.isfinite(gap_lo) and np.isfinite(gap_hi)):
        return None, "undefined: the projection overflows at the ends of the bracket [0, 10]"
    if gap_lo == 0:
        hi = lo
    elif gap_hi == 0:
        lo = hi
    elif (gap_lo > 0) == (gap_hi > 0):
        side = "above" if gap_lo > 0 else "below"
        return None, (f"undefined: equity value stays {side} the post-money valuation for every growth "
                      "factor in [0, 10] (no sign change)")
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):  # interval is one ulp wide
            break
        gap_mid = gap(mid)
        if gap_mid == 0:
            lo = hi = mid
            break
        if (gap_mid > 0) == (gap_lo > 0):
            lo, gap_lo = mid, gap_mid
        else:
            hi = mid
    implied = 0.5 * (lo + hi)
    paths = project(fixed, spec.revenue.growth_y1, implied, base.fade, base.price_decline,
                    base.training_growth)
    final = float(paths.revenue_final[0])
    if final > 0:
        cagr = finite((final / fixed.run_rate) ** (1.0 / fixed.horizon) - 1.0, "undefined: overflow")
    else:
        cagr = Figure(None, "undefined: revenue reaches zero on the implied path")
    return ReverseDcf(implied, implied * spec.revenue.growth_y1, cagr), None


def sensitivity(spec: SpecInput, fixed: Fixed, base: ScenarioParams) -> dict:
    """value_to_price on a 9 x 9 grid: rows training growth + (-0.20 .. +0.20), columns f 0.6 .. 1.4."""
    training = np.array([base.training_growth + step for step in SENSITIVITY_TRAINING_STEPS])
    factors = np.array(SENSITIVITY_GROWTH_FACTORS)
    tg_grid, f_grid = np.meshgrid(training, factors, indexing="ij")
    paths = project(fixed, spec.revenue.growth_y1, f_grid.ravel(), base.fade, base.price_decline,
                    tg_grid.ravel())
    with np.errstate(over="ignore", invalid="ignore"):
        ratio = (paths.equity / spec.valuation.post_money).reshape(9, 9)
    grid = [[float(v) if np.isfinite(v) else None for v in row] for row in ratio]
    return {
        "training_growth": training.tolist(),
        "growth_factor": factors.tolist(),
        "value_to_price": grid,
    }
