"""Inputs that make a figure undefined give null with a reason in provenance, never NaN or inf."""

from __future__ import annotations

import json
import math
import warnings

import pytest
from modelkit import all_finite, variant

from reportgen.model.run import run_model


def _run(data):
    """run_model and model.json with every RuntimeWarning an error (whatever pytest's config says)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        model = run_model(data)
        raw = model.to_json_bytes()
    document = json.loads(raw, parse_constant=lambda name: pytest.fail(f"{name} in model.json"))
    assert all_finite(document) == []
    json.dumps(model.to_json(), allow_nan=False)
    return model, document


def _reason(document, key):
    entry = document["provenance"][key]
    assert isinstance(entry.get("reason"), str) and entry["reason"], f"no reason for {key}: {entry}"
    return entry["reason"]


def test_no_raise_no_recycled_share():
    _, document = _run(variant({"valuation.latest_raise": 0}))
    assert document["metrics"]["recycled_share"] is None
    assert "recycled_share" in document["metrics"]  # null, not missing
    assert "latest_raise" in _reason(document, "recycled_share")
    # nothing from cloud investors either: latest_raise x raise_from_cloud_investors is 0
    assert document["metrics"]["circular_commitment_ratio"] is None
    _reason(document, "circular_commitment_ratio")
    assert document["judgments"]["circularity"] == "limited"  # null counts as 0


def test_no_cloud_investors_no_circular_commitment_ratio():
    _, document = _run(variant({"valuation.raise_from_cloud_investors": 0}))
    assert document["metrics"]["circular_commitment_ratio"] is None
    _reason(document, "circular_commitment_ratio")
    assert document["metrics"]["recycled_share"] is not None  # still defined


def test_defined_figures_carry_no_reason(example_json):
    for key in ("recycled_share", "circular_commitment_ratio", "scenarios.base.tv_share",
                "reverse_dcf.implied_growth_factor"):
        assert "reason" not in example_json["provenance"][key]


def test_negative_enterprise_value_no_tv_share():
    _, document = _run(variant({"costs.opex_share": 1.5}))
    base = document["scenarios"]["base"]
    assert base["equity_value"] - 90 < 0  # enterprise value = equity - cash on hand is negative
    assert base["tv_share"] is None
    _reason(document, "scenarios.base.tv_share")
    assert base["value_to_price"] is not None


def test_the_example_plateau_has_no_tv_share(example_json):
    assert example_json["scenarios"]["adoption_plateau"]["tv_share"] is None
    _reason(example_json, "scenarios.adoption_plateau.tv_share")


@pytest.mark.parametrize(("changes", "side"), [
    # equity is cash plus a positive value for every f: it never falls to a post-money of 1
    ({"valuation.post_money": 1, "costs.inference_share": 0, "costs.training_spend": 0,
      "costs.opex_share": 0.1, "compute.providers": [{"name": "A", "share": 1}]}, "above"),
    # costs above revenue for every f: equity never rises to the post-money
    ({"costs.opex_share": 1.5}, "below"),
])
def test_no_sign_change_no_reverse_dcf(changes, side):
    _, document = _run(variant(changes))
    assert document["reverse_dcf"] is None
    for key in ("implied_growth_factor", "implied_growth_y1", "implied_cagr"):
        reason = _reason(document, f"reverse_dcf.{key}")
        assert side in reason


EXTREME = {"revenue.growth_y1": 10, "dcf.horizon": 30, "costs.training_growth": 5,
           "compute.price_decline": -0.5}


def test_extreme_growth_gives_finite_json():
    model, document = _run(variant(EXTREME))
    assert len(document["scenarios"]["base"]["fcf"]) == 30
    assert model.to_json_bytes().endswith(b"\n")


@pytest.mark.parametrize("changes", [
    {**EXTREME, "revenue.fade": 1, "revenue.growth_long": 1, "monte_carlo.growth_sd": 2,
     "monte_carlo.training_sd": 2, "monte_carlo.price_spread": 1,
     "scenarios": {"bull": {"growth_factor": 10, "price_decline": -0.5}}},
    {**EXTREME, "revenue.run_rate": 1e300, "valuation.post_money": 1e-300},
    {"revenue.run_rate": 1e-300, "valuation.post_money": 1e300, "valuation.latest_raise": 1e-300,
     "cash_on_hand": 1e300},
    {"revenue.run_rate": 1e308, "costs.training_spend": 1e308, "valuation.latest_raise": 1e308,
     "valuation.post_money": 5e-324, "cash_on_hand": 1e308},
    {"revenue.growth_y1": -0.8999999, "revenue.growth_long": -0.4999, "revenue.fade": 1,
     "costs.training_growth": -0.8999, "compute.price_decline": 0.9, "dcf.horizon": 30},
], ids=["everything-at-the-top", "huge-revenue-tiny-price", "tiny-revenue-huge-price",
        "float-max", "steepest-decline"])
def test_extremes_of_the_contract_give_finite_json(changes):
    _run(variant({"monte_carlo.paths": 2000, **changes}))


def test_null_figures_are_explained_everywhere():
    # every null in metrics, scenarios, reverse DCF and Monte Carlo has a provenance reason
    _, document = _run(variant({**EXTREME, "valuation.latest_raise": 0, "costs.opex_share": 1.5}))
    nulls = [k for k, v in document["metrics"].items() if v is None]
    for name, scenario in document["scenarios"].items():
        nulls += [f"scenarios.{name}.{k}" for k in ("equity_value", "tv_share", "value_to_price",
                                                     "squeeze_year", "fcf_positive_year")
                  if scenario[k] is None]
    assert nulls
    for key in nulls:
        _reason(document, key)


def test_metrics_are_numbers_or_null(example_json):
    for key, value in example_json["metrics"].items():
        assert value is None or (isinstance(value, float | int) and math.isfinite(value)), key


def test_a_path_that_overflows_is_null_in_those_years_with_a_reason():
    # revenue near the largest float: year 2 onwards overflows
    _, document = _run(variant({"revenue.run_rate": 1e308, "monte_carlo.paths": 500}))
    revenue = document["scenarios"]["base"]["revenue"]
    assert revenue[0] is not None and None in revenue
    assert "overflow" in _reason(document, "scenarios.base.revenue")
    assert document["metrics"]["valuation_multiple"] is not None


def test_a_ratio_that_overflows_is_null_with_a_reason():
    _, document = _run(variant({"revenue.run_rate": 1e-300, "valuation.post_money": 1e300,
                                "peers": [{"name": "Huge", "post_money": 1e300, "run_rate": 1e-300,
                                           "providers": [{"name": "A", "share": 1}]}]}))
    assert document["metrics"]["valuation_multiple"] is None
    assert "overflow" in _reason(document, "valuation_multiple")
    assert document["peers"][0]["valuation_multiple"] is None


def test_shares_near_the_largest_float_normalise():
    from reportgen.model.metrics import hhi, normalised_shares

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        assert hhi([1.7e308, 1.7e308]) == 0.5
        assert normalised_shares([1.7e308, 1.7e308 / 3]).tolist() == pytest.approx([0.75, 0.25])
        assert hhi([5e-324]) == 1.0
