"""Independent cross-checks: the model against numpy_financial, against a plain year-by-year loop
written from MODEL.md v2, the tax losses carried forward, the reverse DCF plugged back in, HHI of equal
shares, and every judgment band at its edges."""

from __future__ import annotations

import math

import numpy_financial as npf
import pytest
from modelkit import ALL_INPUTS, SCENARIOS, SERIES, close, reference_path, scenario_parameters, variant

from reportgen.model import judgments
from reportgen.model.metrics import hhi
from reportgen.model.project import Fixed, project
from reportgen.model.run import run_model
from reportgen.model.scenarios import resolve_scenarios

REL = 1e-11


# --- DCF against numpy_financial ---------------------------------------------------------------

@pytest.mark.parametrize("stem", ALL_INPUTS)
def test_base_equity_value_against_numpy_financial_npv(load_input, stem):
    spec, model = load_input(stem)
    data = spec.input
    r, gT, horizon = data.dcf.discount_rate, data.dcf.terminal_growth, data.dcf.horizon
    fcf = reference_path(data, **scenario_parameters(data)["base"])["fcf"]
    # npv discounts values[0] at t = 0: put a zero there so FCF_t is discounted t years
    present = npf.npv(r, [0.0, *fcf])
    terminal = max(0.0, fcf[-1] * (1 + gT) / (r - gT))  # v2: a loss beyond the horizon is not valued
    enterprise = present + terminal / (1 + r) ** horizon
    dcf_equity = enterprise + data.cash_on_hand
    base = model.scenarios["base"]
    assert close(base.dcf_equity, dcf_equity, REL), (base.dcf_equity, dcf_equity)
    assert base.equity_value == max(0.0, base.dcf_equity)  # v2: limited liability
    assert close(base.value_to_price, max(0.0, dcf_equity) / data.valuation.post_money, REL)
    if enterprise > 0:
        assert close(base.tv_share, (terminal / (1 + r) ** horizon) / enterprise, REL)
    else:
        assert base.tv_share is None


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_npv_of_the_example_model_fcf_path(example_model, example_spec, scenario):
    # the same identity on the model's own FCF path (equity is a function of its own cash flows)
    data = example_spec.input
    r, gT = data.dcf.discount_rate, data.dcf.terminal_growth
    result = example_model.scenarios[scenario]
    fcf = result.fcf
    dcf_equity = (npf.npv(r, [0.0, *fcf]) + max(0.0, fcf[-1] * (1 + gT) / (r - gT)) / (1 + r) ** len(fcf)
                  + data.cash_on_hand)
    assert close(result.dcf_equity, dcf_equity, REL, 1.0)
    assert result.equity_value == max(0.0, result.dcf_equity)


# --- every scenario path re-derived by a pure-Python loop --------------------------------------

def _compare_path(model_scenario, reference: dict, cash_on_hand: float, label: str) -> None:
    for key in SERIES:
        got, want = getattr(model_scenario, key), reference[key]
        assert len(got) == len(want), f"{label}.{key}: length"
        for t, (a, b) in enumerate(zip(got, want, strict=True), start=1):
            # ebit, tax, FCF and cash are differences: judge them against the size of their terms
            scale = (reference["revenue"][t - 1] + reference["compute_cost"][t - 1]
                     + (cash_on_hand + sum(abs(x) for x in reference["fcf"][:t]) if key == "cash" else 0))
            assert close(a, b, REL, scale), f"{label}.{key} year {t}: model {a!r} reference {b!r}"
    for key in ("squeeze_year", "fcf_positive_year"):
        assert getattr(model_scenario, key) == reference[key], f"{label}.{key}"
    cash_scale = cash_on_hand + sum(abs(x) for x in reference["fcf"]) + sum(reference["revenue"])
    for key in ("cash_low", "funding_need"):
        assert close(getattr(model_scenario, key), reference[key], REL, cash_scale), f"{label}.{key}"
    assert close(model_scenario.dilution, reference["dilution"], 1e-9, 1e-12), f"{label}.dilution"
    value_scale = abs(reference["enterprise"]) + abs(reference["pv_terminal"]) + cash_on_hand
    assert close(model_scenario.dcf_equity, reference["dcf_equity"], REL, value_scale), f"{label}.dcf_equity"
    assert close(model_scenario.equity_value, reference["equity_value"], REL, value_scale), label
    if reference["tv_share"] is None:
        assert model_scenario.tv_share is None, f"{label}.tv_share"
    else:
        assert close(model_scenario.tv_share, reference["tv_share"], 1e-9), f"{label}.tv_share"


@pytest.mark.parametrize("stem", ALL_INPUTS)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario_path_against_pure_python_loop(load_input, stem, scenario):
    spec, model = load_input(stem)
    data = spec.input
    reference = reference_path(data, **scenario_parameters(data)[scenario])
    _compare_path(model.scenarios[scenario], reference, data.cash_on_hand, f"{stem}.{scenario}")
    years = [data.company.as_of.year + t for t in range(1, data.dcf.horizon + 1)]
    assert model.scenarios[scenario].years == years


def test_scenario_parameters_of_the_example(example_model):
    params = {name: {"growth_factor": s.growth_factor, "fade": s.fade, "price_decline": s.price_decline,
                     "training_growth": s.training_growth} for name, s in example_model.scenarios.items()}
    assert params["base"] == {"growth_factor": 1.0, "fade": 0.6, "price_decline": 0.2, "training_growth": 0.4}
    assert params["adoption_plateau"] == {"growth_factor": 0.5, "fade": 0.5, "price_decline": 0.2,
                                          "training_growth": 0.4}
    assert params["compute_stagnation"]["price_decline"] == 0.0
    assert params["bull"]["growth_factor"] == 1.25
    assert params["bull"]["price_decline"] == pytest.approx(0.25, abs=1e-15)


@pytest.mark.parametrize(("override", "expected_d"), [
    ({"price_decline_delta": 0.1}, 0.3),    # adds to d (replacing bull's default +0.05)
    ({"price_decline": 0.1}, 0.1),          # replaces d
    ({"growth_factor": 2.0}, 0.25),         # unnamed parameters keep the defaults
])
def test_scenario_overrides(override, expected_d):
    data = variant({"scenarios": {"bull": override}})
    bull = resolve_scenarios(data)["bull"]
    assert bull.price_decline == pytest.approx(expected_d, abs=1e-15)
    model = run_model(data)
    reference = reference_path(data, **scenario_parameters(data)["bull"])
    _compare_path(model.scenarios["bull"], reference, data.cash_on_hand, "bull")


def test_commitments_bind_when_demand_falls():
    # demand far below the committed floor: compute cost is commitment / years while the contract runs
    data = variant({"costs.inference_share": 0.01, "costs.training_spend": 0,
                    "compute.providers": [{"name": "A", "share": 1, "commitment": 60, "years": 3}]})
    model = run_model(data)
    cost = model.scenarios["base"].compute_cost
    assert cost[:3] == [20.0, 20.0, 20.0]
    assert cost[3] < 20.0
    reference = reference_path(data, **scenario_parameters(data)["base"])
    _compare_path(model.scenarios["base"], reference, data.cash_on_hand, "base")


# --- tax losses carried forward (v2) ------------------------------------------------------------

def test_the_examples_year_1_loss_shelters_year_2(example_model):
    base = example_model.scenarios["base"]
    assert base.ebit[0] < 0 and base.tax[0] == 0
    # year 2 is taxed on its profit less the year-1 loss carried forward
    assert base.tax[1] == pytest.approx(0.21 * (base.ebit[1] + base.ebit[0]), rel=1e-12)
    for t in range(2, 10):
        assert base.tax[t] == pytest.approx(0.21 * base.ebit[t], rel=1e-12)


@pytest.mark.parametrize("losses", [0.0, 3.0, 17.5, 40.0, 1e4])
def test_opening_tax_losses_are_used_up_in_order(losses):
    # a profitable company: losses shelter profit until they run out, then the full rate applies
    data = variant({"costs.tax_losses": losses, "costs.training_spend": 0, "costs.inference_share": 0.2,
                    "compute.providers": [{"name": "A", "share": 1}]})
    base = run_model(data).scenarios["base"]
    left = losses
    for t, (ebit, tax) in enumerate(zip(base.ebit, base.tax, strict=True)):
        assert ebit > 0
        used = min(left, ebit)
        left -= used
        assert tax == pytest.approx(data.costs.tax_rate * (ebit - used), rel=1e-12, abs=1e-12), t
    reference = reference_path(data, **scenario_parameters(data)["base"])
    _compare_path(base, reference, data.cash_on_hand, f"losses {losses}")


def test_a_loss_adds_to_the_losses_carried_forward():
    # losses 10; year 1 loses money (a large committed floor), later years profit
    data = variant({"costs.tax_losses": 10.0, "costs.training_spend": 0, "costs.inference_share": 0.1,
                    "compute.providers": [{"name": "A", "share": 1, "commitment": 150, "years": 1}]})
    base = run_model(data).scenarios["base"]
    assert base.ebit[0] < 0 and base.tax[0] == 0
    pool = 10.0 - base.ebit[0]
    for ebit, tax in zip(base.ebit[1:], base.tax[1:], strict=True):
        used = min(pool, max(ebit, 0.0))
        pool = pool - used + max(-ebit, 0.0)
        assert tax == pytest.approx(data.costs.tax_rate * (max(ebit, 0.0) - used), rel=1e-12, abs=1e-12)
    reference = reference_path(data, **scenario_parameters(data)["base"])
    _compare_path(base, reference, data.cash_on_hand, "losses")


# --- reverse DCF round trip --------------------------------------------------------------------

@pytest.mark.parametrize("stem", ALL_INPUTS)
def test_reverse_dcf_round_trip(load_input, stem):
    spec, model = load_input(stem)
    data = spec.input
    reverse = model.reverse_dcf
    if reverse is None:
        pytest.skip(f"{stem} has no implied growth factor")
    f = reverse.implied_growth_factor
    assert 0.0 <= f <= 10.0
    base = resolve_scenarios(data)["base"]
    equity = float(project(Fixed.from_input(data), data.revenue.growth_y1, f, base.fade,
                           base.price_decline, base.training_growth).equity[0])
    post_money = data.valuation.post_money
    assert abs(equity - post_money) <= 1e-6 * post_money, (equity, post_money)
    # and by the independent loop
    ref = reference_path(data, f=f, fade=base.fade, d=base.price_decline, tg=base.training_growth)
    assert abs(ref["equity_value"] - post_money) <= 1e-6 * post_money
    assert reverse.implied_growth_y1 == pytest.approx(f * data.revenue.growth_y1, rel=1e-12)
    cagr = (ref["revenue_final"] / data.revenue.run_rate) ** (1 / data.dcf.horizon) - 1
    assert reverse.implied_cagr == pytest.approx(cagr, rel=1e-9)


def test_the_example_has_a_reverse_dcf(example_model):
    assert example_model.reverse_dcf is not None


# --- HHI ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7, 10, 13, 50])
@pytest.mark.parametrize("share", [1.0, 0.3, 17.0])
def test_hhi_of_n_equal_shares(n, share):
    assert hhi([share] * n) == pytest.approx(1 / n, rel=1e-14)


@pytest.mark.parametrize("n", [1, 3, 6])
def test_hhi_of_n_equal_providers_in_the_model(n):
    providers = [{"name": f"P{i}", "share": 0.7} for i in range(n)]
    model = run_model(variant({"compute.providers": providers}))
    assert model.metrics.hhi == pytest.approx(1 / n, rel=1e-14)
    assert model.metrics.provider_count == n


def test_hhi_normalises_shares():
    # 3:1 weights are 0.75 / 0.25 whatever their scale
    assert hhi([3.0, 1.0]) == pytest.approx(0.75**2 + 0.25**2, rel=1e-14)
    assert hhi([300.0, 100.0]) == pytest.approx(0.625, rel=1e-14)


# --- judgments at their band edges ------------------------------------------------------------
# bands from MODEL.md section 3, written out here rather than read from the implementation

BAND_EDGES = [
    # (judgment, threshold, word at the threshold, word just below)
    ("multiple", 15.0, "priced_for_perfection", "premium"),
    ("multiple", 8.0, "premium", "conventional"),
    ("capital_intensity", 1.0, "extreme", "heavy"),
    ("capital_intensity", 0.5, "heavy", "moderate"),
    ("circularity", 0.5, "circular", "partly_circular"),
    ("circularity", 0.2, "partly_circular", "limited"),
    ("concentration", 0.5, "single_provider", "concentrated"),
    ("concentration", 0.3, "concentrated", "diversified"),
    ("terminal_value", 0.75, "terminal_dominated", "terminal_weighted"),
    ("terminal_value", 0.5, "terminal_weighted", "cash_flow_backed"),
]


def _below(x: float) -> float:
    return math.nextafter(x, -math.inf)


@pytest.mark.parametrize(("name", "threshold", "at", "below"), BAND_EDGES,
                         ids=[f"{e[0]}-{e[1]}" for e in BAND_EDGES])
def test_band_edges(name, threshold, at, below):
    assert judgments.band(name, threshold) == at
    assert judgments.band(name, _below(threshold)) == below
    assert judgments.band(name, threshold - 1e-9) == below


@pytest.mark.parametrize(("threshold", "at", "below"), [
    (0.25, "plausible", "tail_dependent"),   # "< 0.25 tail_dependent"
    (0.6, "supported", "plausible"),         # "< 0.6 plausible; else supported"
])
def test_valuation_odds_edges(threshold, at, below):
    assert judgments.valuation_odds(threshold) == at
    assert judgments.valuation_odds(_below(threshold)) == below


def test_band_extremes():
    assert judgments.band("multiple", 0.0) == "conventional"
    assert judgments.valuation_odds(0.0) == "tail_dependent"
    assert judgments.valuation_odds(1.0) == "supported"


def _judge(**changes):
    arguments = dict(multiple=10.0, capital_intensity=0.6, recycled_share=0.3, hhi=0.4,
                     squeeze_years={"base": None, "bull": None}, base_tv_share=0.4, base_funding_need=0.0,
                     base_dilution=0.0, prob_value_ge_price=0.5)
    arguments.update(changes)
    words, earliest = judgments.judge(**arguments)
    return dict(words.items()), earliest


@pytest.mark.parametrize(("key", "argument", "threshold", "at", "below"), [
    ("multiple", "multiple", 15.0, "priced_for_perfection", "premium"),
    ("multiple", "multiple", 8.0, "premium", "conventional"),
    ("capital_intensity", "capital_intensity", 1.0, "extreme", "heavy"),
    ("capital_intensity", "capital_intensity", 0.5, "heavy", "moderate"),
    ("circularity", "recycled_share", 0.5, "circular", "partly_circular"),
    ("circularity", "recycled_share", 0.2, "partly_circular", "limited"),
    ("concentration", "hhi", 0.5, "single_provider", "concentrated"),
    ("concentration", "hhi", 0.3, "concentrated", "diversified"),
    ("terminal_value", "base_tv_share", 0.75, "terminal_dominated", "terminal_weighted"),
    ("terminal_value", "base_tv_share", 0.5, "terminal_weighted", "cash_flow_backed"),
    ("valuation_odds", "prob_value_ge_price", 0.25, "plausible", "tail_dependent"),
    ("valuation_odds", "prob_value_ge_price", 0.6, "supported", "plausible"),
])
def test_judge_at_band_edges(key, argument, threshold, at, below):
    assert _judge(**{argument: threshold})[0][key] == at
    assert _judge(**{argument: _below(threshold)})[0][key] == below


def test_judge_null_recycled_share_counts_as_zero():
    assert _judge(recycled_share=None)[0]["circularity"] == "limited"


def test_judge_null_tv_share_is_no_positive_value():
    assert _judge(base_tv_share=None)[0]["terminal_value"] == "no_positive_value"


@pytest.mark.parametrize(("need", "dilution", "word"), [
    (0.0, 0.0, "self_funded"),                      # funding_need = 0
    (1e-9, 1e-12, "modest_raise"),                  # any need at all is a raise
    (5.0, _below(0.10), "modest_raise"),            # dilution < 0.10
    (5.0, 0.10, "dilutive"),                        # else dilutive
    (5.0, 0.7, "dilutive"),
])
def test_judge_funding_bands(need, dilution, word):
    assert _judge(base_funding_need=need, base_dilution=dilution)[0]["funding"] == word


def test_judge_liquidity_and_earliest_squeeze():
    words, earliest = _judge()
    assert words["liquidity"] == "funded"
    assert earliest is None
    words, earliest = _judge(squeeze_years={"base": None, "compute_stagnation": 2031, "bull": 2029,
                                            "adoption_plateau": None})
    assert words["liquidity"] == "squeeze"
    assert list(earliest) == [2029, "bull"]
    # a tie goes to the first scenario in the contract's order
    _, earliest = _judge(squeeze_years={"base": 2030, "adoption_plateau": 2030})
    assert list(earliest) == [2030, "base"]


def test_judge_gives_eight_words():
    words, _ = _judge()
    assert list(words) == ["multiple", "capital_intensity", "circularity", "concentration", "liquidity",
                           "terminal_value", "funding", "valuation_odds"]
