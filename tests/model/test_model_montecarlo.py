"""Monte Carlo (MODEL.md v2): the four draws follow the contract's order, every figure matches a
pure-Python re-run of the paths, chunking never changes a figure, and large runs do not hold N x H
arrays."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from modelkit import percentile, reference_monte_carlo, variant

from reportgen.model.montecarlo import CHUNK, draw, simulate
from reportgen.model.project import Fixed, project
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


def test_draw_makes_four_arrays_in_the_contract_order(example_input):
    data = example_input
    mc = data.monte_carlo
    base = resolve_scenarios(data)["base"]
    rng = np.random.default_rng(mc.seed)
    zg = rng.standard_normal(mc.paths)
    ud = rng.uniform(-1, 1, mc.paths)
    zt = rng.standard_normal(mc.paths)
    ur = rng.uniform(-1, 1, mc.paths)
    g1, d, tg, r = draw(data, base)
    assert np.array_equal(g1, np.maximum(-0.5, data.revenue.growth_y1 * (1 + mc.growth_sd * zg)))
    assert np.array_equal(d, np.clip(base.price_decline + mc.price_spread * ud, -0.5, 0.9))
    assert np.array_equal(tg, base.training_growth + mc.training_sd * zt)
    assert np.array_equal(r, np.maximum(data.dcf.terminal_growth + 0.01,
                                        data.dcf.discount_rate + mc.rate_spread * ur))
    assert r.min() < data.dcf.discount_rate < r.max()  # the fourth driver moves the rate


def test_the_rate_floor_binds_at_terminal_growth_plus_one_point():
    data = variant({"monte_carlo.rate_spread": 0.5, "dcf.discount_rate": 0.05, "dcf.terminal_growth": 0.03,
                    "monte_carlo.paths": 1000})
    *_, r = draw(data, resolve_scenarios(data)["base"])
    assert r.min() == pytest.approx(0.04, abs=1e-15)
    assert (r == r.min()).sum() > 100


MC_FIGURES = ("equity_p5", "equity_p50", "equity_p95", "prob_value_ge_price", "prob_squeeze",
              "prob_zero_value", "cash_low_p5", "cash_low_p50", "cash_low_p95", "funding_need_p50",
              "funding_need_p95", "value_to_price_p5", "value_to_price_p50", "value_to_price_p95",
              "revenue_final_p5", "revenue_final_p50", "revenue_final_p95")


def _against_reference(data, got) -> None:
    want = reference_monte_carlo(data)
    scale = data.cash_on_hand + data.valuation.post_money
    for key in MC_FIGURES:
        assert getattr(got, key) == pytest.approx(want[key], rel=1e-9, abs=1e-12 * scale), key
    assert (got.paths, got.seed) == (want["paths"], want["seed"])


def test_every_figure_against_a_pure_python_run_of_the_paths(example_input):
    """Re-draw as MODEL.md says, evaluate each path with the pure-Python loop, compare every figure."""
    _against_reference(example_input, _simulate(example_input, chunk=CHUNK))


def test_every_figure_against_the_reference_when_many_paths_need_money():
    # a squeeze on most paths: the cash_low and funding_need quantiles all move away from their floors
    data = variant({"cash_on_hand": 5, "costs.opex_share": 0.6, "monte_carlo.paths": 3000,
                    "monte_carlo.seed": 99, "monte_carlo.rate_spread": 0.05})
    got = _simulate(data, chunk=1000)
    assert got.prob_squeeze > 0.5 and got.funding_need_p50 > 0
    _against_reference(data, got)


def test_quantiles_of_cash_low_and_funding_need(example_input, one_pass):
    """funding_need per path is max(0, -cash_low); cash_low never exceeds cash on hand."""
    g1, d, tg, r = draw(example_input, resolve_scenarios(example_input)["base"])
    cash_low = []
    for chunk in range(0, len(g1), 2500):
        part = slice(chunk, chunk + 2500)
        paths = project(Fixed.from_input(example_input), g1[part], 1.0, example_input.revenue.fade, d[part],
                        tg[part], r[part])
        cash_low += paths.cash_low.tolist()
    need = [max(0.0, -c) for c in cash_low]
    assert max(cash_low) <= example_input.cash_on_hand
    assert one_pass.cash_low_p95 <= example_input.cash_on_hand
    for q in (5, 50, 95):
        assert getattr(one_pass, f"cash_low_p{q}") == pytest.approx(percentile(cash_low, q), rel=1e-12)
    for q in (50, 95):
        assert getattr(one_pass, f"funding_need_p{q}") == pytest.approx(percentile(need, q), rel=1e-12, abs=1e-12)
    # the example's tail: the paths that need money are the squeezed ones
    assert one_pass.funding_need_p95 == pytest.approx(-one_pass.cash_low_p5, rel=1e-12)
    assert np.mean(np.array(need) > 0) == one_pass.prob_squeeze


def test_prob_zero_value_counts_dcf_equity_at_or_below_zero(example_input, one_pass):
    # equity is floored at zero, so p5 = 0 exactly when at least 5 % of paths have no value
    assert one_pass.prob_zero_value == pytest.approx(0.1309, abs=1e-12)
    assert one_pass.equity_p5 == 0.0
    assert one_pass.prob_zero_value <= 1 - one_pass.prob_value_ge_price
    rich = _simulate(variant({"costs.opex_share": 0.05, "costs.training_spend": 0, "monte_carlo.paths": 500,
                              "compute.providers": [{"name": "A", "share": 1}]}), CHUNK)
    assert rich.prob_zero_value == 0.0 and rich.equity_p5 > 0


def test_seed_changes_the_draws():
    a = _simulate(variant({"monte_carlo.seed": 7}), CHUNK)
    b = _simulate(variant({"monte_carlo.seed": 8}), CHUNK)
    assert a.equity_p50 != b.equity_p50


def test_histogram_counts_every_path(one_pass):
    histogram = one_pass.histogram
    assert len(histogram.edges) == 41
    assert len(histogram.counts) == 40
    assert sum(histogram.counts) == one_pass.paths


def test_large_runs_do_not_hold_paths_by_years():
    # 400k paths x 30 years: one N x H float array alone is 96 MB; the chunked run needs the four
    # draws and five per-path results (~30 MB) plus a chunk's working set.
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
