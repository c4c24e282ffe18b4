"""Seeded Monte Carlo over g1, d, training growth and the discount rate (docs/contract-model.md).

The four draws are made whole and in the contract's order (so the figures are the contract's), then
paths are evaluated in chunks: memory stays flat (a few MB a chunk plus 8 bytes a path per kept
result) and, the projection being elementwise, the figures equal those of a single pass.
"""

from __future__ import annotations

import numpy as np

from reportgen.contract.schema import InputDocument
from reportgen.model.project import Fixed, project
from reportgen.model.result import Histogram, MonteCarlo
from reportgen.model.scenarios import ScenarioParams

CHUNK = 32_768
HISTOGRAM_BINS = 40


def draw(spec: InputDocument, base: ScenarioParams) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per-path g1, d, training growth and discount rate, drawn in the contract's order."""
    mc = spec.monte_carlo
    rng = np.random.default_rng(mc.seed)
    zg = rng.standard_normal(mc.paths)
    ud = rng.uniform(-1.0, 1.0, mc.paths)
    zt = rng.standard_normal(mc.paths)
    ur = rng.uniform(-1.0, 1.0, mc.paths)
    g1 = np.maximum(-0.5, spec.revenue.growth_y1 * (1.0 + mc.growth_sd * zg))
    d = np.clip(base.price_decline + mc.price_spread * ud, -0.5, 0.9)
    tg = base.training_growth + mc.training_sd * zt
    # the floor keeps every path's rate above terminal growth, so its terminal value stays finite
    r = np.maximum(spec.dcf.terminal_growth + 0.01, spec.dcf.discount_rate + mc.rate_spread * ur)
    return g1, d, tg, r


def simulate(spec: InputDocument, fixed: Fixed, base: ScenarioParams, chunk: int = CHUNK) -> MonteCarlo:
    g1, d, tg, r = draw(spec, base)
    n = g1.shape[0]
    equity = np.empty(n)
    dcf_equity = np.empty(n)
    revenue_final = np.empty(n)
    cash_low = np.empty(n)
    squeezed = np.empty(n, dtype=bool)
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        part = slice(start, stop)
        paths = project(fixed, g1[part], base.growth_factor, base.fade, d[part], tg[part], r[part])
        equity[part] = paths.equity
        dcf_equity[part] = paths.dcf_equity
        revenue_final[part] = paths.revenue_final
        cash_low[part] = paths.cash_low
        squeezed[part] = paths.squeeze_t > 0
    return summarise_paths(spec, equity, dcf_equity, revenue_final, cash_low, squeezed)


def _quantiles(values: np.ndarray, levels: tuple[float, ...] = (5, 50, 95)) -> list[float | None]:
    if not np.all(np.isfinite(values)):
        return [None] * len(levels)
    with np.errstate(over="ignore", invalid="ignore"):  # interpolating near the largest float
        quantiles = np.percentile(values, levels)
    if not np.all(np.isfinite(quantiles)):
        return [None] * len(levels)
    return [float(q) for q in quantiles]


def _ratio(value: float | None, price: float) -> float | None:
    if value is None:
        return None
    ratio = value / price
    return ratio if np.isfinite(ratio) else None


def summarise_paths(spec: InputDocument, equity, dcf_equity, revenue_final, cash_low, squeezed) -> MonteCarlo:
    """The Monte Carlo figures of the contract (and the histogram) from per-path results."""
    post_money = spec.valuation.post_money
    e5, e50, e95 = _quantiles(equity)
    r5, r50, r95 = _quantiles(revenue_final)
    c5, c50, c95 = _quantiles(cash_low)
    with np.errstate(over="ignore", invalid="ignore"):
        need50, need95 = _quantiles(np.maximum(0.0, -cash_low), (50, 95))
    return MonteCarlo(
        paths=int(equity.shape[0]),
        seed=spec.monte_carlo.seed,
        equity_p5=e5,
        equity_p50=e50,
        equity_p95=e95,
        prob_value_ge_price=float(np.mean(equity >= post_money)),
        prob_squeeze=float(np.mean(squeezed)),
        prob_zero_value=float(np.mean(dcf_equity <= 0)),
        cash_low_p5=c5,
        cash_low_p50=c50,
        cash_low_p95=c95,
        funding_need_p50=need50,
        funding_need_p95=need95,
        value_to_price_p5=_ratio(e5, post_money),
        value_to_price_p50=_ratio(e50, post_money),
        value_to_price_p95=_ratio(e95, post_money),
        revenue_final_p5=r5,
        revenue_final_p50=r50,
        revenue_final_p95=r95,
        histogram=histogram(equity),
    )


def histogram(equity: np.ndarray) -> Histogram:
    """Equity values pre-binned for the chart: 40 bins between the 0.5th and 99.5th percentiles,
    with the tails counted in the end bins (charts never see raw paths)."""
    finite = equity[np.isfinite(equity)]
    if finite.size == 0:
        return Histogram([], [])
    with np.errstate(over="ignore", invalid="ignore"):
        lo, hi = np.percentile(finite, [0.5, 99.5])
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return Histogram([], [])
    if not hi > lo:
        lo, hi = lo - 1.0, hi + 1.0
    if np.isfinite(float(hi) - float(lo)):
        edges = np.linspace(lo, hi, HISTOGRAM_BINS + 1)
    else:  # the span itself overflows: space the halves
        edges = np.linspace(lo / 2, hi / 2, HISTOGRAM_BINS + 1) * 2
    counts, _ = np.histogram(np.clip(finite, lo, hi), bins=edges)
    return Histogram(edges.tolist(), counts.astype(int).tolist())
