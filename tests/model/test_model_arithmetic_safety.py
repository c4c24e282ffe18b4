"""Inputs that make a figure undefined give null with a reason in provenance, never NaN or inf; and
amounts beyond what the input contract accepts still give finite model.json (the model's own guards)."""

from __future__ import annotations

import json
import math
import warnings

import pytest
from modelkit import MONEY_MAX, MONEY_MIN, all_finite, unchecked, variant

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


def test_no_raise_no_circular_commitment_ratio_but_a_recycled_share():
    _, document = _run(variant({"valuation.latest_raise": 0}))
    # latest_raise x raise_from_cloud_investors is 0
    assert document["metrics"]["circular_commitment_ratio"] is None
    assert "circular_commitment_ratio" in document["metrics"]  # null, not missing
    _reason(document, "circular_commitment_ratio")
    # v2: money is fungible, the recycled share is of what the company spends, raise or no raise
    assert document["metrics"]["recycled_share"] == pytest.approx(0.7664698661366692, rel=1e-11)
    assert document["metrics"]["raise_to_revenue"] == 0


def test_no_cloud_investors_no_circular_commitment_ratio():
    _, document = _run(variant({"valuation.raise_from_cloud_investors": 0}))
    assert document["metrics"]["circular_commitment_ratio"] is None
    _reason(document, "circular_commitment_ratio")
    assert document["metrics"]["recycled_share"] is not None  # still defined


def test_no_spending_in_year_1_no_recycled_share():
    # no compute, no other cost, no tax: the company spends nothing, so no share of it is recycled
    _, document = _run(variant({"costs.inference_share": 0, "costs.training_spend": 0, "costs.opex_share": 0,
                                "costs.tax_rate": 0, "compute.providers": [{"name": "A", "share": 1,
                                                                            "investor": True}]}))
    assert document["metrics"]["recycled_share"] is None
    assert "recycled_share" in document["metrics"]
    _reason(document, "recycled_share")
    assert document["judgments"]["circularity"] == "limited"  # null counts as 0


def test_no_investor_providers_recycle_nothing():
    _, document = _run(variant({"compute.providers": [{"name": "A", "share": 1}]}))
    assert document["metrics"]["investor_provider_share"] == 0
    assert document["metrics"]["recycled_share"] == 0
    assert document["judgments"]["circularity"] == "limited"


def test_peer_without_growth_has_no_forward_multiple_and_cash_lowers_its_ev():
    peers = [{"name": "Plain", "post_money": 100, "run_rate": 10, "providers": [{"name": "A", "share": 1}]},
             {"name": "Forward", "post_money": 100, "run_rate": 10, "growth_y1": 0.25, "cash_on_hand": 20,
              "providers": [{"name": "A", "share": 1}]},
             {"name": "Cash-rich", "post_money": 100, "run_rate": 10, "growth_y1": 0.0, "cash_on_hand": 150,
              "providers": [{"name": "A", "share": 1}]}]
    _, document = _run(variant({"peers": peers}))
    plain, forward, rich = document["peers"]
    assert plain["ev_to_forward_revenue"] is None
    assert forward["ev_to_forward_revenue"] == pytest.approx(80 / 12.5, rel=1e-12)
    assert rich["ev_to_forward_revenue"] == pytest.approx(-5.0, rel=1e-12)  # net cash above the price
    for peer in document["peers"]:
        assert peer["implied_value"] == pytest.approx(10 * 47, rel=1e-12)


def test_net_cash_above_the_price_gives_a_negative_ev_multiple():
    _, document = _run(variant({"cash_on_hand": 1000}))
    assert document["metrics"]["enterprise_value_at_price"] == -35
    assert document["metrics"]["ev_to_forward_revenue"] == pytest.approx(-35 / 79.9, rel=1e-12)


def test_defined_figures_carry_no_reason(example_json):
    for key in ("recycled_share", "circular_commitment_ratio", "scenarios.base.tv_share",
                "reverse_dcf.implied_growth_factor"):
        assert "reason" not in example_json["provenance"][key]


def test_negative_enterprise_value_no_tv_share_and_no_negative_equity():
    _, document = _run(variant({"costs.opex_share": 1.5}))
    base = document["scenarios"]["base"]
    assert base["dcf_equity"] - 90 < 0  # enterprise value = DCF equity - cash on hand is negative
    assert base["dcf_equity"] < 0 and base["equity_value"] == 0  # v2: limited liability
    assert base["value_to_price"] == 0
    assert base["tv_share"] is None
    _reason(document, "scenarios.base.tv_share")
    assert document["judgments"]["terminal_value"] == "no_positive_value"
    assert base["funding_need"] > 0 and 0 < base["dilution"] < 1
    assert document["judgments"]["funding"] == "dilutive"


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
     "monte_carlo.training_sd": 2, "monte_carlo.price_spread": 1, "monte_carlo.rate_spread": 0.5,
     "scenarios": {"bull": {"growth_factor": 10, "price_decline": -0.5}}},
    {**EXTREME, "revenue.run_rate": MONEY_MAX, "valuation.post_money": MONEY_MIN},
    {"revenue.run_rate": MONEY_MIN, "valuation.post_money": MONEY_MAX, "valuation.latest_raise": MONEY_MIN,
     "cash_on_hand": MONEY_MAX},
    {"revenue.run_rate": MONEY_MAX, "costs.training_spend": MONEY_MAX, "valuation.latest_raise": MONEY_MAX,
     "valuation.post_money": MONEY_MIN, "cash_on_hand": MONEY_MAX, "costs.tax_losses": MONEY_MAX},
    {"revenue.growth_y1": -0.8999999, "revenue.growth_long": -0.4999, "revenue.fade": 1,
     "costs.training_growth": -0.8999, "compute.price_decline": 0.9, "dcf.horizon": 30},
], ids=["everything-at-the-top", "huge-revenue-tiny-price", "tiny-revenue-huge-price",
        "largest-amounts", "steepest-decline"])
def test_extremes_of_the_contract_give_finite_json(changes):
    _run(variant({"monte_carlo.paths": 2000, **changes}))


# Beyond the contract: amounts the spec refuses, built without validation, to test that the model's
# guards (an overflowing figure is null with a reason) hold on their own.
@pytest.mark.parametrize("changes", [
    {**EXTREME, "revenue.run_rate": 1e300, "valuation.post_money": 1e-300},
    {"revenue.run_rate": 1e-300, "valuation.post_money": 1e300, "valuation.latest_raise": 1e-300,
     "cash_on_hand": 1e300},
    {"revenue.run_rate": 1e308, "costs.training_spend": 1e308, "valuation.latest_raise": 1e308,
     "valuation.post_money": 5e-324, "cash_on_hand": 1e308, "costs.tax_losses": 1e308},
    {"dcf.discount_rate": 5e-324, "dcf.terminal_growth": -1e-300},
], ids=["huge-revenue-tiny-price", "tiny-revenue-huge-price", "float-max", "rate-near-zero"])
def test_beyond_the_contract_the_model_still_gives_finite_json(changes):
    _run(unchecked({"monte_carlo.paths": 2000, **changes}))


def test_null_figures_are_explained_everywhere():
    # every null in metrics, scenarios, reverse DCF and Monte Carlo has a provenance reason
    _, document = _run(variant({**EXTREME, "valuation.latest_raise": 0, "costs.opex_share": 1.5}))
    nulls = [k for k, v in document["metrics"].items() if v is None]
    for name, scenario in document["scenarios"].items():
        nulls += [f"scenarios.{name}.{k}" for k in ("squeeze_year", "fcf_positive_year", "cash_low",
                                                     "funding_need", "dilution", "dcf_equity", "equity_value",
                                                     "tv_share", "value_to_price")
                  if scenario[k] is None]
    nulls += [f"monte_carlo.{k}" for k, v in document["monte_carlo"].items() if v is None]
    nulls += [f"valuation_summary.{r['method']}" for r in document["valuation_summary"] if r["low"] is None]
    assert nulls
    for key in nulls:
        _reason(document, key)


def test_metrics_are_numbers_or_null(example_json):
    for key, value in example_json["metrics"].items():
        assert value is None or (isinstance(value, float | int) and math.isfinite(value)), key


def test_a_path_that_overflows_is_null_in_those_years_with_a_reason():
    # revenue near the largest float (beyond the contract): year 2 onwards overflows
    _, document = _run(unchecked({"revenue.run_rate": 1e308, "monte_carlo.paths": 500}))
    revenue = document["scenarios"]["base"]["revenue"]
    assert revenue[0] is not None and None in revenue
    assert "overflow" in _reason(document, "scenarios.base.revenue")
    assert document["metrics"]["valuation_multiple"] is not None
    base = document["scenarios"]["base"]
    for key in ("dcf_equity", "equity_value", "value_to_price", "cash_low", "funding_need", "dilution"):
        if base[key] is None:
            assert "overflow" in _reason(document, f"scenarios.base.{key}")


def test_a_ratio_that_overflows_is_null_with_a_reason():
    from reportgen.contract.schema import Peer, PeerProvider

    peer = Peer.model_construct(name="Huge", post_money=1e300, run_rate=1e-300, providers=(
        PeerProvider(name="A", share=1),), growth_y1=None, cash_on_hand=0.0)
    _, document = _run(unchecked({"revenue.run_rate": 1e-300, "valuation.post_money": 1e300,
                                  "peers": (peer,)}))
    assert document["metrics"]["valuation_multiple"] is None
    assert "overflow" in _reason(document, "valuation_multiple")
    assert document["peers"][0]["valuation_multiple"] is None
    assert document["peers"][0]["implied_value"] is None


def test_shares_near_the_largest_float_normalise():
    from reportgen.model.metrics import hhi, normalised_shares

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        assert hhi([1.7e308, 1.7e308]) == 0.5
        assert normalised_shares([1.7e308, 1.7e308 / 3]).tolist() == pytest.approx([0.75, 0.25])
        assert hhi([5e-324]) == 1.0
