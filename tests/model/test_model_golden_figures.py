"""MODEL.md section 5: every golden figure of the worked example, digit for digit as shown.

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


# (label, getter, expected as MODEL.md shows it; the decimals are those of the string)
FIGURES = [
    ("valuation_multiple", _metric("valuation_multiple"), "20.5319"),
    ("raise_to_revenue", _metric("raise_to_revenue"), "1.3830"),
    ("compute_spend", _metric("compute_spend"), "53.5"),
    ("capital_intensity", _metric("capital_intensity"), "1.1383"),
    ("recycled_share", _metric("recycled_share"), "1.0"),
    ("circular_commitment_ratio", _metric("circular_commitment_ratio"), "3.0769"),
    ("commitment_to_revenue", _metric("commitment_to_revenue"), "2.1277"),
    ("lock_in_years", _metric("lock_in_years"), "10"),
    ("hhi", _metric("hhi"), "0.68"),
    ("OpenAI hhi", _peer("OpenAI", "hhi"), "0.265"),
    ("OpenAI multiple", _peer("OpenAI", "valuation_multiple"), "25.0"),
    ("base revenue year 1", _scenario("base", "revenue", 0), "79.90"),
    ("base revenue year 10", _scenario("base", "revenue", 9), "283.96"),
    ("base FCF year 1", _scenario("base", "fcf", 0), "-5.64"),
    ("base FCF year 10", _scenario("base", "fcf", 9), "82.59"),
    ("base equity_value", _scenario("base", "equity_value"), "614.23"),
    ("base tv_share", _scenario("base", "tv_share"), "0.5806"),
    ("base value_to_price", _scenario("base", "value_to_price"), "0.6365"),
    ("adoption_plateau equity_value", _scenario("adoption_plateau", "equity_value"), "-6.24"),
    ("compute_stagnation equity_value", _scenario("compute_stagnation", "equity_value"), "-3842.36"),
    ("bull equity_value", _scenario("bull", "equity_value"), "1308.78"),
    ("implied_growth_factor", lambda d: d["reverse_dcf"]["implied_growth_factor"], "1.2106"),
    ("implied_growth_y1", lambda d: d["reverse_dcf"]["implied_growth_y1"], "0.8474"),
    ("implied_cagr", lambda d: d["reverse_dcf"]["implied_cagr"], "0.2360"),
    ("sensitivity centre", _sens(4, 4), "0.6365"),
    ("sensitivity corner [0][0]", _sens(0, 0), "0.5086"),
    ("sensitivity corner [8][8]", _sens(8, 8), "0.3190"),
    ("equity_p5", _mc("equity_p5"), "-1299.17"),
    ("equity_p50", _mc("equity_p50"), "578.96"),
    ("equity_p95", _mc("equity_p95"), "1372.11"),
    ("prob_value_ge_price", _mc("prob_value_ge_price"), "0.2090"),
    ("prob_squeeze", _mc("prob_squeeze"), "0.1700"),
]


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _raw_document(model) -> dict:
    """The Model's fields before to_json() rounds them."""
    return {"metrics": model.metrics, "peers": model.peers, "scenarios": model.scenarios,
            "reverse_dcf": model.reverse_dcf, "sensitivity": model.sensitivity,
            "monte_carlo": model.monte_carlo}


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
    assert example_model.scenarios["base"]["fcf"][0] == pytest.approx(-5.635, abs=1e-12)


def test_years_and_squeezes(example_json):
    scenarios = example_json["scenarios"]
    assert scenarios["base"]["years"] == list(range(2027, 2037))
    assert scenarios["base"]["fcf_positive_year"] == 2028
    assert scenarios["base"]["squeeze_year"] is None  # "no squeeze"
    assert scenarios["adoption_plateau"]["fcf_positive_year"] == 2030
    assert scenarios["adoption_plateau"]["squeeze_year"] is None
    assert scenarios["compute_stagnation"]["squeeze_year"] == 2029
    assert example_json["earliest_squeeze"] == [2029, "compute_stagnation"]


def test_monte_carlo_settings_of_the_golden_run(example_json):
    assert example_json["monte_carlo"]["paths"] == 10000
    assert example_json["monte_carlo"]["seed"] == 7


def test_peer_provider_count(example_json):
    (peer,) = example_json["peers"]
    assert peer["name"] == "OpenAI"
    assert peer["provider_count"] == 5


def test_judgments(example_json):
    assert example_json["judgments"] == {
        "multiple": "priced_for_perfection",
        "capital_intensity": "extreme",
        "circularity": "circular",
        "concentration": "single_provider",
        "liquidity": "squeeze",
        "terminal_value": "terminal_dominated",
        "valuation_odds": "tail_dependent",
    }
