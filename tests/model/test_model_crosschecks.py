"""Independent cross-checks: the model against numpy_financial, against a plain year-by-year loop
written from MODEL.md, the reverse DCF plugged back in, HHI of equal shares, and every judgment band
at its edges."""

from __future__ import annotations

import math

import numpy_financial as npf
import pytest
from modelkit import ALL_INPUTS, SCENARIOS, close, reference_path, scenario_parameters, variant

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
    terminal = fcf[-1] * (1 + gT) / (r - gT)
    enterprise = present + terminal / (1 + r) ** horizon
    equity = enterprise + data.cash_on_hand
    base = model.scenarios["base"]
    assert close(base["equity_value"], equity, REL), (base["equity_value"], equity)
    assert close(base["value_to_price"], equity / data.valuation.post_money, REL)
    if enterprise > 0:
        assert close(base["tv_share"], (terminal / (1 + r) ** horizon) / enterprise, REL)
    else:
        assert base["tv_share"] is None


def test_npv_of_the_example_model_fcf_path(example_model, example_spec):
    # the same identity on the model's own FCF path (equity is a function of its own cash flows)
    data = example_spec.input
    r, gT = data.dcf.discount_rate, data.dcf.terminal_growth
    fcf = example_model.scenarios["base"]["fcf"]
    equity = (npf.npv(r, [0.0, *fcf]) + fcf[-1] * (1 + gT) / (r - gT) / (1 + r) ** len(fcf)
              + data.cash_on_hand)
    assert close(example_model.scenarios["base"]["equity_value"], equity, REL)


# --- every scenario path re-derived by a pure-Python loop --------------------------------------

def _compare_path(model_scenario: dict, reference: dict, cash_on_hand: float, label: str) -> None:
    for key in ("revenue", "compute_cost", "fcf", "cash"):
        got, want = model_scenario[key], reference[key]
        assert len(got) == len(want), f"{label}.{key}: length"
        for t, (a, b) in enumerate(zip(got, want, strict=True), start=1):
            # FCF and cash are differences: judge them against the size of the terms they come from
            scale = (reference["revenue"][t - 1] + reference["compute_cost"][t - 1]
                     + (cash_on_hand + sum(abs(x) for x in reference["fcf"][:t]) if key == "cash" else 0))
            assert close(a, b, REL, scale), f"{label}.{key} year {t}: model {a!r} reference {b!r}"
    for key in ("squeeze_year", "fcf_positive_year"):
        assert model_scenario[key] == reference[key], f"{label}.{key}"
    assert close(model_scenario["equity_value"], reference["equity_value"], REL,
                 abs(reference["enterprise"]) + abs(reference["pv_terminal"]))
    if reference["tv_share"] is None:
        assert model_scenario["tv_share"] is None, f"{label}.tv_share"
    else:
        assert close(model_scenario["tv_share"], reference["tv_share"], 1e-9), f"{label}.tv_share"


@pytest.mark.parametrize("stem", ALL_INPUTS)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario_path_against_pure_python_loop(load_input, stem, scenario):
    spec, model = load_input(stem)
    data = spec.input
    reference = reference_path(data, **scenario_parameters(data)[scenario])
    _compare_path(model.scenarios[scenario], reference, data.cash_on_hand, f"{stem}.{scenario}")
    years = [data.company.as_of.year + t for t in range(1, data.dcf.horizon + 1)]
    assert model.scenarios[scenario]["years"] == years


def test_scenario_parameters_of_the_example(example_model):
    params = {name: s["parameters"] for name, s in example_model.scenarios.items()}
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
    cost = model.scenarios["base"]["compute_cost"]
    assert cost[:3] == [20.0, 20.0, 20.0]
    assert cost[3] < 20.0
    reference = reference_path(data, **scenario_parameters(data)["base"])
    _compare_path(model.scenarios["base"], reference, data.cash_on_hand, "base")


# --- reverse DCF round trip --------------------------------------------------------------------

@pytest.mark.parametrize("stem", ALL_INPUTS)
def test_reverse_dcf_round_trip(load_input, stem):
    spec, model = load_input(stem)
    data = spec.input
    reverse = model.reverse_dcf
    if reverse is None:
        pytest.skip(f"{stem} has no implied growth factor")
    f = reverse["implied_growth_factor"]
    assert 0.0 <= f <= 10.0
    base = resolve_scenarios(data)["base"]
    equity = float(project(Fixed.from_input(data), data.revenue.growth_y1, f, base.fade,
                           base.price_decline, base.training_growth).equity[0])
    post_money = data.valuation.post_money
    assert abs(equity - post_money) <= 1e-6 * post_money, (equity, post_money)
    # and by the independent loop
    ref = reference_path(data, f=f, fade=base.fade, d=base.price_decline, tg=base.training_growth)
    assert abs(ref["equity_value"] - post_money) <= 1e-6 * post_money
    assert reverse["implied_growth_y1"] == pytest.approx(f * data.revenue.growth_y1, rel=1e-12)
    cagr = (ref["revenue_final"] / data.revenue.run_rate) ** (1 / data.dcf.horizon) - 1
    assert reverse["implied_cagr"] == pytest.approx(cagr, rel=1e-9)


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
    assert model.metrics["hhi"] == pytest.approx(1 / n, rel=1e-14)
    assert model.metrics["provider_count"] == n


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
    ("terminal_value", 0.5, "terminal_dominated", "cash_flow_backed"),
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
                     squeeze_years={"base": None, "bull": None}, base_tv_share=0.4,
                     prob_value_ge_price=0.5)
    arguments.update(changes)
    return judgments.judge(**arguments)


@pytest.mark.parametrize(("key", "argument", "threshold", "at", "below"), [
    ("multiple", "multiple", 15.0, "priced_for_perfection", "premium"),
    ("multiple", "multiple", 8.0, "premium", "conventional"),
    ("capital_intensity", "capital_intensity", 1.0, "extreme", "heavy"),
    ("capital_intensity", "capital_intensity", 0.5, "heavy", "moderate"),
    ("circularity", "recycled_share", 0.5, "circular", "partly_circular"),
    ("circularity", "recycled_share", 0.2, "partly_circular", "limited"),
    ("concentration", "hhi", 0.5, "single_provider", "concentrated"),
    ("concentration", "hhi", 0.3, "concentrated", "diversified"),
    ("terminal_value", "base_tv_share", 0.5, "terminal_dominated", "cash_flow_backed"),
    ("valuation_odds", "prob_value_ge_price", 0.25, "plausible", "tail_dependent"),
    ("valuation_odds", "prob_value_ge_price", 0.6, "supported", "plausible"),
])
def test_judge_at_band_edges(key, argument, threshold, at, below):
    assert _judge(**{argument: threshold})[0][key] == at
    assert _judge(**{argument: _below(threshold)})[0][key] == below


def test_judge_null_recycled_share_counts_as_zero():
    assert _judge(recycled_share=None)[0]["circularity"] == "limited"


def test_judge_liquidity_and_earliest_squeeze():
    words, earliest = _judge()
    assert words["liquidity"] == "funded"
    assert earliest is None
    words, earliest = _judge(squeeze_years={"base": None, "compute_stagnation": 2031, "bull": 2029,
                                            "adoption_plateau": None})
    assert words["liquidity"] == "squeeze"
    assert earliest == [2029, "bull"]


def test_judge_gives_seven_words():
    words, _ = _judge()
    assert set(words) == {"multiple", "capital_intensity", "circularity", "concentration", "liquidity",
                          "terminal_value", "valuation_odds"}
