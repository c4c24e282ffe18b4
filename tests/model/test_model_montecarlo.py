"""Monte Carlo: chunking never changes a figure; the draws follow the contract's order; large runs
do not hold N x H arrays."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from modelkit import reference_path, variant

from reportgen.model.montecarlo import CHUNK, simulate
from reportgen.model.project import Fixed
from reportgen.model.scenarios import resolve_scenarios


def _simulate(data, chunk):
    return simulate(data, Fixed.from_input(data), resolve_scenarios(data)["base"], chunk=chunk)


@pytest.fixture(scope="module")
def example_input(example_spec):
    return example_spec.input


@pytest.fixture(scope="module")
def one_pass(example_input):
    return _simulate(example_input, chunk=example_input.monte_carlo.paths)


@pytest.mark.parametrize("chunk", [1_000, 7_777, 10_000, 10_001, 1_000_000])
def test_chunked_equals_one_pass(example_input, one_pass, chunk):
    assert example_input.monte_carlo.paths == 10_000
    assert _simulate(example_input, chunk=chunk) == one_pass


def test_default_chunk_equals_one_pass_on_a_run_larger_than_a_chunk():
    data = variant({"monte_carlo.paths": 3 * CHUNK + 5, "monte_carlo.seed": 123})
    assert simulate(data, Fixed.from_input(data), resolve_scenarios(data)["base"]) == _simulate(
        data, chunk=10**7)


def test_chunked_equals_one_pass_with_floors_binding():
    # wide spreads: growth floored at -0.5, prices clipped at both ends, training growth below -100 %
    data = variant({"monte_carlo.paths": 2_000, "monte_carlo.growth_sd": 2.0,
                    "monte_carlo.price_spread": 1.0, "monte_carlo.training_sd": 2.0,
                    "dcf.horizon": 30})
    one = _simulate(data, chunk=2_000)
    for chunk in (1_000, 777, 1):
        assert _simulate(data, chunk=chunk) == one


def test_draws_follow_the_contract_order(example_input):
    """Re-draw as MODEL.md says, evaluate each path with the pure-Python loop, compare the summary."""
    data = example_input
    mc = data.monte_carlo
    rng = np.random.default_rng(mc.seed)
    zg = rng.standard_normal(mc.paths)
    ud = rng.uniform(-1, 1, mc.paths)
    zt = rng.standard_normal(mc.paths)
    base = {"f": 1.0, "fade": data.revenue.fade}
    equity, squeezed = [], []
    for i in range(mc.paths):
        g1 = max(-0.5, data.revenue.growth_y1 * (1 + mc.growth_sd * zg[i]))
        d = min(max(data.compute.price_decline + mc.price_spread * ud[i], -0.5), 0.9)
        tg = data.costs.training_growth + mc.training_sd * zt[i]
        path = reference_path(data.model_copy(update={"revenue": data.revenue.model_copy(
            update={"growth_y1": g1})}), d=d, tg=tg, **base)
        equity.append(path["equity_value"])
        squeezed.append(path["squeeze_year"] is not None)
    equity = np.array(equity)
    got = _simulate(data, chunk=CHUNK)
    p5, p50, p95 = np.percentile(equity, [5, 50, 95])
    assert got["equity_p5"] == pytest.approx(p5, rel=1e-9)
    assert got["equity_p50"] == pytest.approx(p50, rel=1e-9)
    assert got["equity_p95"] == pytest.approx(p95, rel=1e-9)
    assert got["prob_value_ge_price"] == np.mean(equity >= data.valuation.post_money)
    assert got["prob_squeeze"] == np.mean(squeezed)


def test_seed_changes_the_draws():
    a = _simulate(variant({"monte_carlo.seed": 7}), CHUNK)
    b = _simulate(variant({"monte_carlo.seed": 8}), CHUNK)
    assert a["equity_p50"] != b["equity_p50"]


def test_histogram_counts_every_path(one_pass):
    histogram = one_pass["histogram"]
    assert len(histogram["edges"]) == 41
    assert len(histogram["counts"]) == 40
    assert sum(histogram["counts"]) == one_pass["paths"]


def test_large_runs_do_not_hold_paths_by_years():
    # 400k paths x 30 years: one N x H float array alone is 96 MB; the chunked run needs the three
    # draws and four per-path results (~22 MB) plus a chunk's working set.
    paths, horizon = 400_000, 30
    data = variant({"monte_carlo.paths": paths, "dcf.horizon": horizon})
    fixed, base = Fixed.from_input(data), resolve_scenarios(data)["base"]
    tracemalloc.start()
    try:
        simulate(data, fixed, base)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < paths * horizon * 8 / 2, f"peak {peak / 2**20:.1f} MiB"
