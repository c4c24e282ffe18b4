"""Scenario paths with their DCF, the reverse DCF and the sensitivity grid."""

from __future__ import annotations

import math

import numpy as np

from reportgen.contract.schema import InputDocument
from reportgen.model.project import Fixed, project
from reportgen.model.result import ReverseDcf, Scenario, Sensitivity
from reportgen.model.scenarios import ScenarioParams

SENSITIVITY_TRAINING_STEPS = tuple(round(-0.20 + 0.05 * i, 2) for i in range(9))
SENSITIVITY_GROWTH_FACTORS = tuple(round(0.6 + 0.1 * i, 1) for i in range(9))
BISECTION_BRACKET = (0.0, 10.0)


OVERFLOW = "undefined: the projection overflows the range of numbers"


def finite(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def series(values: np.ndarray) -> list[float | None]:
    """A path as a list; a year that overflows the range of numbers is None."""
    return [v if math.isfinite(v) else None for v in values.tolist()]


def run_scenarios(spec: InputDocument, fixed: Fixed, scenarios: dict[str, ScenarioParams]) -> dict[str, Scenario]:
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
    assert paths.series is not None
    post_money = spec.valuation.post_money
    first_year = spec.company.as_of.year
    years = [first_year + t for t in range(1, fixed.horizon + 1)]
    funding_need = paths.funding_need
    results = {}
    for i, name in enumerate(names):
        reasons: dict[str, str] = {}
        dcf_equity = finite(paths.dcf_equity[i])
        equity = None if dcf_equity is None else max(0.0, dcf_equity)
        enterprise = float(paths.enterprise[i])
        tv_share = None
        if equity is None:
            reasons.update(dcf_equity=OVERFLOW, equity_value=OVERFLOW, value_to_price=OVERFLOW,
                           tv_share=OVERFLOW)
        elif enterprise <= 0:
            reasons["tv_share"] = ("null: enterprise value is not positive, so the terminal value has no "
                                   "share of it")
        else:
            tv_share = finite(float(paths.pv_terminal[i]) / enterprise)
            if tv_share is None:
                reasons["tv_share"] = OVERFLOW
        value_to_price = None if equity is None else finite(equity / post_money)
        if equity is not None and value_to_price is None:
            reasons["value_to_price"] = OVERFLOW
        cash_low = finite(paths.cash_low[i])
        need = finite(funding_need[i])
        dilution = None if need is None else finite(need / (post_money + need))
        for key, value in (("cash_low", cash_low), ("funding_need", need), ("dilution", dilution)):
            if value is None:
                reasons[key] = OVERFLOW
        squeeze_t, positive_t = int(paths.squeeze_t[i]), int(paths.fcf_positive_t[i])
        if not squeeze_t:
            reasons["squeeze_year"] = "null: cash never falls below zero"
        if not positive_t:
            reasons["fcf_positive_year"] = "null: free cash flow is never positive within the horizon"
        param = params[i]
        results[name] = Scenario(
            name=name,
            growth_factor=param.growth_factor,
            fade=param.fade,
            price_decline=param.price_decline,
            training_growth=param.training_growth,
            years=years,
            revenue=series(paths.series["revenue"][i]),
            compute_cost=series(paths.series["compute"][i]),
            opex=series(paths.series["opex"][i]),
            ebit=series(paths.series["ebit"][i]),
            tax=series(paths.series["tax"][i]),
            fcf=series(paths.series["fcf"][i]),
            cash=series(paths.series["cash"][i]),
            squeeze_year=first_year + squeeze_t if squeeze_t else None,
            fcf_positive_year=first_year + positive_t if positive_t else None,
            cash_low=cash_low,
            funding_need=need,
            dilution=dilution,
            dcf_equity=dcf_equity,
            equity_value=equity,
            tv_share=tv_share,
            value_to_price=value_to_price,
            reasons=reasons,
        )
    return results


def reverse_dcf(spec: InputDocument, fixed: Fixed, base: ScenarioParams) -> tuple[ReverseDcf | None, str | None]:
    """The growth factor f on the base scenario at which equity value equals the post-money
    valuation, by bisection on [0, 10]; None (with the reason) when the bracket has no sign change.
    The reason returned beside a result is why its implied_cagr is null, if it is."""
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
        cagr = finite((final / fixed.run_rate) ** (1.0 / fixed.horizon) - 1.0)
        cagr_reason = None if cagr is not None else OVERFLOW
    else:
        cagr, cagr_reason = None, "undefined: revenue reaches zero on the implied path"
    return ReverseDcf(implied, implied * spec.revenue.growth_y1, cagr), cagr_reason


def sensitivity(spec: InputDocument, fixed: Fixed, base: ScenarioParams) -> Sensitivity:
    """value_to_price on a 9 x 9 grid: rows training growth + (-0.20 .. +0.20), columns f 0.6 .. 1.4."""
    training = np.array([base.training_growth + step for step in SENSITIVITY_TRAINING_STEPS])
    factors = np.array(SENSITIVITY_GROWTH_FACTORS)
    tg_grid, f_grid = np.meshgrid(training, factors, indexing="ij")
    paths = project(fixed, spec.revenue.growth_y1, f_grid.ravel(), base.fade, base.price_decline,
                    tg_grid.ravel())
    with np.errstate(over="ignore", invalid="ignore"):
        ratio = (paths.equity / spec.valuation.post_money).reshape(9, 9)
    grid = [[float(v) if np.isfinite(v) else None for v in row] for row in ratio]
    return Sensitivity(training_growth=training.tolist(), growth_factor=factors.tolist(), value_to_price=grid)
