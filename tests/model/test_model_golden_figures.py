"""MODEL.md v2 section 5: every golden figure of the worked example, digit for digit as shown.

Each figure is checked twice: in the raw ``Model`` (full precision) and in ``to_json()`` (what
model.json carries, rounded to 12 significant digits). Both must show the contract's digits when
rounded half away from zero to the number of decimals MODEL.md prints.
"""

from __future__ import annotations

import pytest
from modelkit import shown


def _scenario(name, key, index=None):
    def get(doc):
        value = doc["scenarios"][name][key]
        return value if index is None else value[index]
    return get


def _metric(key):
    return lambda doc: doc["metrics"][key]


def _peer(name, key):
    return lambda doc: next(p for p in doc["peers"] if p["name"] == name)[key]


def _mc(key):
    return lambda doc: doc["monte_carlo"][key]


def _sens(row, col):
    return lambda doc: doc["sensitivity"]["value_to_price"][row][col]


def _summary(method, end):
    return lambda doc: next(r for r in doc["valuation_summary"] if r["method"] == method)[end]


# (label, getter, expected as MODEL.md v2 section 5 shows it; the decimals are those of the string)
FIGURES = [
    ("valuation_multiple", _metric("valuation_multiple"), "20.5319"),
    ("raise_to_revenue", _metric("raise_to_revenue"), "1.3830"),
    ("compute_spend", _metric("compute_spend"), "53.5"),
    ("capital_intensity", _metric("capital_intensity"), "1.1383"),
    ("investor_provider_share", _metric("investor_provider_share"), "1.0"),
    ("recycled_share", _metric("recycled_share"), "0.7665"),
    ("enterprise_value_at_price", _metric("enterprise_value_at_price"), "875"),
    ("ev_to_forward_revenue", _metric("ev_to_forward_revenue"), "10.9512"),
    ("circular_commitment_ratio", _metric("circular_commitment_ratio"), "3.0769"),
    ("commitment_to_revenue", _metric("commitment_to_revenue"), "2.1277"),
    ("lock_in_years", _metric("lock_in_years"), "10"),
    ("hhi", _metric("hhi"), "0.68"),
    ("OpenAI hhi", _peer("OpenAI", "hhi"), "0.265"),
    ("OpenAI multiple", _peer("OpenAI", "valuation_multiple"), "25.0"),
    ("OpenAI implied_value", _peer("OpenAI", "implied_value"), "1175.0"),
    ("base revenue year 1", _scenario("base", "revenue", 0), "79.90"),
    ("base revenue year 10", _scenario("base", "revenue", 9), "283.9601"),
    ("base ebit year 1", _scenario("base", "ebit", 0), "-5.635"),
    ("base ebit year 2", _scenario("base", "ebit", 1), "11.8421"),
    ("base tax year 1", _scenario("base", "tax", 0), "0"),
    ("base tax year 2", _scenario("base", "tax", 1), "1.3035"),
    ("base tax year 10", _scenario("base", "tax", 9), "21.9554"),
    ("base FCF year 1", _scenario("base", "fcf", 0), "-5.635"),
    ("base FCF year 10", _scenario("base", "fcf", 9), "82.5942"),
    ("base cash year 10", _scenario("base", "cash", 9), "573.8390"),
    ("base cash_low", _scenario("base", "cash_low"), "84.365"),
    ("base funding_need", _scenario("base", "funding_need"), "0"),
    ("base equity_value", _scenario("base", "equity_value"), "615.1743"),
    ("base tv_share", _scenario("base", "tv_share"), "0.5795"),
    ("base value_to_price", _scenario("base", "value_to_price"), "0.6375"),
    ("adoption_plateau FCF year 10", _scenario("adoption_plateau", "fcf", 9), "-18.6161"),
    ("adoption_plateau dcf_equity", _scenario("adoption_plateau", "dcf_equity"), "62.7350"),
    ("adoption_plateau equity_value", _scenario("adoption_plateau", "equity_value"), "62.7350"),
    ("adoption_plateau cash_low", _scenario("adoption_plateau", "cash_low"), "35.9681"),
    ("compute_stagnation cash_low", _scenario("compute_stagnation", "cash_low"), "-2346.9875"),
    ("compute_stagnation funding_need", _scenario("compute_stagnation", "funding_need"), "2346.9875"),
    ("compute_stagnation dilution", _scenario("compute_stagnation", "dilution"), "0.7086"),
    ("compute_stagnation dcf_equity", _scenario("compute_stagnation", "dcf_equity"), "-906.4051"),
    ("compute_stagnation equity_value", _scenario("compute_stagnation", "equity_value"), "0"),
    ("compute_stagnation value_to_price", _scenario("compute_stagnation", "value_to_price"), "0"),
    ("bull equity_value", _scenario("bull", "equity_value"), "1308.7758"),
    ("implied_growth_factor", lambda d: d["reverse_dcf"]["implied_growth_factor"], "1.2103"),
    ("implied_growth_y1", lambda d: d["reverse_dcf"]["implied_growth_y1"], "0.8472"),
    ("implied_cagr", lambda d: d["reverse_dcf"]["implied_cagr"], "0.2359"),
    ("sensitivity centre", _sens(4, 4), "0.6375"),
    ("sensitivity corner [0][0]", _sens(0, 0), "0.5095"),
    ("sensitivity corner [8][8]", _sens(8, 8), "0.3200"),
    ("equity_p5", _mc("equity_p5"), "0"),
    ("equity_p50", _mc("equity_p50"), "569.2242"),
    ("equity_p95", _mc("equity_p95"), "1440.3347"),
    ("prob_value_ge_price", _mc("prob_value_ge_price"), "0.2178"),
    ("prob_squeeze", _mc("prob_squeeze"), "0.1693"),
    ("prob_zero_value", _mc("prob_zero_value"), "0.1309"),
    ("cash_low_p5", _mc("cash_low_p5"), "-724.0225"),
    ("cash_low_p50", _mc("cash_low_p50"), "84.3432"),
    ("cash_low_p95", _mc("cash_low_p95"), "90"),
    ("funding_need_p50", _mc("funding_need_p50"), "0"),
    ("funding_need_p95", _mc("funding_need_p95"), "724.0225"),
    ("valuation_summary dcf_scenarios low", _summary("dcf_scenarios", "low"), "0"),
    ("valuation_summary dcf_scenarios high", _summary("dcf_scenarios", "high"), "1308.7758"),
    ("valuation_summary monte_carlo low", _summary("monte_carlo", "low"), "0"),
    ("valuation_summary monte_carlo high", _summary("monte_carlo", "high"), "1440.3347"),
    ("valuation_summary peer_multiples low", _summary("peer_multiples", "low"), "1175"),
    ("valuation_summary peer_multiples high", _summary("peer_multiples", "high"), "1175"),
    ("valuation_summary latest_round low", _summary("latest_round", "low"), "965"),
    ("valuation_summary latest_round high", _summary("latest_round", "high"), "965"),
]


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _raw_document(model) -> dict:
    """The Model's figures at full precision, in model.json's shape (before it rounds them)."""
    from dataclasses import asdict

    return {"metrics": dict(model.metrics.items()), "peers": [asdict(p) for p in model.peers],
            "scenarios": {name: asdict(s) for name, s in model.scenarios.items()},
            "reverse_dcf": asdict(model.reverse_dcf), "sensitivity": asdict(model.sensitivity),
            "monte_carlo": asdict(model.monte_carlo),
            "valuation_summary": [asdict(r) for r in model.valuation_summary]}


def test_the_rounding_helper_rounds_half_away_from_zero():
    assert shown(-5.635000000000009, 2) == "-5.64"
    assert shown(-5.635, 2) == "-5.64"  # round() would give -5.63 here (binary -5.63499...)
    assert shown(2.5, 0) == "3"
    assert shown(-2.5, 0) == "-3"
    assert shown(0.209, 4) == "0.2090"
    assert shown(10.0, 0) == "10"


@pytest.mark.parametrize(("label", "get", "expected"), FIGURES, ids=[f[0] for f in FIGURES])
def test_golden_figure_in_model(example_model, label, get, expected):
    value = get(_raw_document(example_model))
    assert value is not None, f"{label} is null"
    assert shown(value, _decimals(expected)) == expected, f"{label}: got {value!r}"


@pytest.mark.parametrize(("label", "get", "expected"), FIGURES, ids=[f[0] for f in FIGURES])
def test_golden_figure_in_model_json(example_json, label, get, expected):
    value = get(example_json)
    assert value is not None, f"{label} is null"
    assert shown(value, _decimals(expected)) == expected, f"{label}: got {value!r}"


def test_base_fcf_year_1_full_precision(example_model):
    # MODEL.md's own example of the rounding rule: -5.635000000000009 shows as -5.64.
    assert example_model.scenarios["base"].fcf[0] == pytest.approx(-5.635, abs=1e-12)


def test_years_and_squeezes(example_json):
    scenarios = example_json["scenarios"]
    assert scenarios["base"]["years"] == list(range(2027, 2037))
    assert scenarios["base"]["fcf_positive_year"] == 2028
    assert scenarios["base"]["squeeze_year"] is None  # "no squeeze"
    assert scenarios["adoption_plateau"]["fcf_positive_year"] == 2030
    assert scenarios["adoption_plateau"]["squeeze_year"] is None
    assert scenarios["adoption_plateau"]["tv_share"] is None  # a negative enterprise value has no TV share
    assert scenarios["bull"]["fcf_positive_year"] == 2027
    assert scenarios["compute_stagnation"]["squeeze_year"] == 2029
    assert example_json["earliest_squeeze"] == [2029, "compute_stagnation"]


def test_monte_carlo_settings_of_the_golden_run(example_json):
    assert example_json["monte_carlo"]["paths"] == 10000
    assert example_json["monte_carlo"]["seed"] == 7


def test_peer_provider_count(example_json):
    (peer,) = example_json["peers"]
    assert peer["name"] == "OpenAI"
    assert peer["provider_count"] == 5
    assert peer["ev_to_forward_revenue"] is None  # the peer gives no growth_y1


def test_schema_and_order_of_the_valuation_summary(example_json):
    assert example_json["schema"] == "reportgen.model/v2"
    assert [r["method"] for r in example_json["valuation_summary"]] == [
        "dcf_scenarios", "monte_carlo", "peer_multiples", "latest_round"]


def test_judgments(example_json):
    assert example_json["judgments"] == {
        "multiple": "priced_for_perfection",
        "capital_intensity": "extreme",
        "circularity": "circular",
        "concentration": "single_provider",
        "liquidity": "squeeze",
        "terminal_value": "terminal_weighted",
        "funding": "self_funded",
        "valuation_odds": "tail_dependent",
    }
