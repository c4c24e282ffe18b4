"""The model against modelkit's reference, written from MODEL.md v2 alone: every metric, every peer
figure, every scenario series and figure, the Monte Carlo figures, the judgments and the valuation
summary of model.json, for the example inputs and for two companies built here that are unlike them.

Figures agree to 1e-9 relative. A figure that is a difference of larger terms (ebit, tax, FCF, cash,
cash_low, funding_need, DCF equity) is judged relative to the size of those terms: two correct
computations in a different order may differ there by rounding of the terms, not of the difference.
"""

from __future__ import annotations

import datetime as dt

import pytest
from modelkit import ALL_INPUTS, SCENARIO_FIGURES, SCENARIOS, close, reference_model

from reportgen.contract.schema import InputDocument
from reportgen.model.run import run_model

REL = 1e-9
PEER_KEYS = ("name", "valuation_multiple", "ev_to_forward_revenue", "hhi", "provider_count", "implied_value")
MC_KEYS = ("paths", "seed", "equity_p5", "equity_p50", "equity_p95", "prob_value_ge_price", "prob_squeeze",
           "prob_zero_value", "cash_low_p5", "cash_low_p50", "cash_low_p95", "funding_need_p50",
           "funding_need_p95", "value_to_price_p5", "value_to_price_p50", "value_to_price_p95",
           "revenue_final_p5", "revenue_final_p50", "revenue_final_p95")

# A diversified, profitable company: five providers none of which invested, free cash flow positive from
# year 1, tax losses that shelter year 1 wholly and year 2 in part, peers with year-1 growth and cash, a
# longer horizon and a scenario override.
DIVERSIFIED = {
    "schema": "reportgen/v1",
    "company": {"name": "Halden Systems", "as_of": dt.date(2026, 3, 31), "currency": "CHF", "unit": "million"},
    "valuation": {"post_money": 900, "latest_raise": 40, "raise_from_cloud_investors": 0.25},
    "cash_on_hand": 150,
    "revenue": {"run_rate": 300, "growth_y1": 0.15, "growth_long": 0.03, "fade": 0.8},
    "costs": {"inference_share": 0.10, "training_spend": 12, "training_growth": 0.05, "opex_share": 0.55,
              "tax_rate": 0.19, "tax_losses": 150},
    "compute": {"price_decline": 0.08, "providers": [
        {"name": "Exoscale", "share": 0.35, "commitment": 30, "years": 3},
        {"name": "Infomaniak", "share": 0.25},
        {"name": "Microsoft Azure", "share": 0.2, "commitment": 16, "years": 2},
        {"name": "Own racks", "share": 0.15},
        {"name": "Scaleway", "share": 0.05}]},
    "peers": [
        {"name": "Aargau Data", "post_money": 1200, "run_rate": 260, "growth_y1": 0.2, "cash_on_hand": 80,
         "providers": [{"name": "Exoscale", "share": 0.5}, {"name": "Google Cloud", "share": 0.5}]},
        {"name": "Lemanic Labs", "post_money": 450, "run_rate": 150, "growth_y1": -0.05, "cash_on_hand": 500,
         "providers": [{"name": "Infomaniak", "share": 1}]},
        {"name": "Rhine Metrics", "post_money": 2000, "run_rate": 310,
         "providers": [{"name": "A", "share": 3}, {"name": "B", "share": 1}, {"name": "C", "share": 1}]}],
    "dcf": {"discount_rate": 0.09, "terminal_growth": 0.02, "horizon": 12},
    "scenarios": {"compute_stagnation": {"training_growth": 0.15}},
    "monte_carlo": {"paths": 2000, "seed": 2024, "growth_sd": 0.2, "price_spread": 0.05, "training_sd": 0.05,
                    "rate_spread": 0.01},
}

# A cash-hungry company that raised nothing: one provider, which also invested, with a committed floor;
# costs far above revenue, so the base case runs out of cash in year 1 and needs new money.
CASH_HUNGRY = {
    "schema": "reportgen/v1",
    "company": {"name": "Kestrel Robotics", "as_of": dt.date(2025, 12, 31), "currency": "USD", "unit": "million"},
    "valuation": {"post_money": 400, "latest_raise": 0},
    "cash_on_hand": 25,
    "revenue": {"run_rate": 20, "growth_y1": 1.5, "growth_long": 0.1, "fade": 0.7},
    "costs": {"inference_share": 0.9, "training_spend": 40, "training_growth": 0.6, "opex_share": 0.8,
              "tax_rate": 0.25},
    "compute": {"price_decline": 0.25, "providers": [
        {"name": "Nimbus Cloud", "share": 1, "commitment": 120, "years": 4, "investor": True}]},
    "dcf": {"discount_rate": 0.15, "terminal_growth": 0.03, "horizon": 7},
    "monte_carlo": {"paths": 1500, "seed": 5},
}

BUILT = {"diversified": DIVERSIFIED, "cash_hungry": CASH_HUNGRY}


@pytest.fixture(scope="module")
def built():
    cache = {}

    def get(name):
        if name not in cache:
            data = InputDocument.model_validate(BUILT[name])
            cache[name] = (data, run_model(data).to_json())
        return cache[name]

    return get


def _agree(got, want, label: str, scale: float = 0.0) -> None:
    if want is None or isinstance(want, str | bool):
        assert got == want, f"{label}: model {got!r}, reference {want!r}"
        return
    assert got is not None, f"{label}: model null, reference {want!r}"
    assert close(got, want, REL, scale), f"{label}: model {got!r}, reference {want!r}"


def _compare(data, document: dict) -> None:
    reference = reference_model(data)
    assert list(document["metrics"]) == list(reference["metrics"])
    for key, want in reference["metrics"].items():
        _agree(document["metrics"][key], want, f"metrics.{key}")

    assert len(document["peers"]) == len(reference["peers"])
    for got, want in zip(document["peers"], reference["peers"], strict=True):
        for key in PEER_KEYS:
            _agree(got[key], want[key], f"peers.{want['name']}.{key}")

    assert list(document["scenarios"]) == list(SCENARIOS)
    for name, want in reference["scenarios"].items():
        got = document["scenarios"][name]
        assert got["years"] == want["years"], name
        flows = data.cash_on_hand
        for t in range(data.dcf.horizon):
            terms = want["revenue"][t] + want["compute_cost"][t] + want["opex"][t]
            flows += terms
            for key in ("revenue", "compute_cost", "opex"):
                _agree(got[key][t], want[key][t], f"{name}.{key}[{t}]")
            for key in ("ebit", "tax", "fcf"):
                _agree(got[key][t], want[key][t], f"{name}.{key}[{t}]", terms)
            _agree(got["cash"][t], want["cash"][t], f"{name}.cash[{t}]", flows)
        value_terms = abs(want["enterprise"]) + abs(want["pv_terminal"]) + data.cash_on_hand
        for key in SCENARIO_FIGURES:
            scale = {"cash_low": flows, "funding_need": flows, "dcf_equity": value_terms,
                     "equity_value": value_terms}.get(key, 0.0)
            _agree(got[key], want[key], f"{name}.{key}", scale)

    mc_scale = data.cash_on_hand + sum(abs(x) for s in reference["scenarios"].values() for x in s["fcf"])
    for key in MC_KEYS:
        scale = mc_scale if key.startswith(("cash_low", "funding_need", "equity")) else 0.0
        _agree(document["monte_carlo"][key], reference["monte_carlo"][key], f"monte_carlo.{key}", scale)

    assert [r["method"] for r in document["valuation_summary"]] == [
        r["method"] for r in reference["valuation_summary"]]
    for got, want in zip(document["valuation_summary"], reference["valuation_summary"], strict=True):
        for end in ("low", "high"):
            _agree(got[end], want[end], f"valuation_summary.{want['method']}.{end}", mc_scale)

    assert document["judgments"] == reference["judgments"]
    assert document["earliest_squeeze"] == reference["earliest_squeeze"]


@pytest.mark.parametrize("stem", ALL_INPUTS)
def test_the_examples_agree_with_the_reference(load_input, stem):
    spec, model = load_input(stem)
    _compare(spec.input, model.to_json())


@pytest.mark.parametrize("name", list(BUILT))
def test_built_companies_agree_with_the_reference(built, name):
    data, document = built(name)
    _compare(data, document)


def test_the_diversified_company_is_what_it_should_test(built):
    _, document = built("diversified")
    metrics, base = document["metrics"], document["scenarios"]["base"]
    assert metrics["provider_count"] == 5 and metrics["investor_provider_share"] == 0
    assert metrics["recycled_share"] == 0 and metrics["circular_commitment_ratio"] == 0
    assert all(x > 0 for x in base["fcf"])  # positive from year 1
    # the tax losses shelter year 1 wholly and year 2 in part, then the full rate applies
    assert base["tax"][0] == 0 < base["ebit"][0] < 150
    assert 0 < base["tax"][1] < 0.19 * base["ebit"][1]
    assert base["tax"][2] == pytest.approx(0.19 * base["ebit"][2], rel=1e-11)
    assert base["funding_need"] == 0 and base["dilution"] == 0 and base["cash_low"] == 150
    assert all(p["ev_to_forward_revenue"] is not None for p in document["peers"][:2])
    assert document["peers"][1]["ev_to_forward_revenue"] < 0  # its cash exceeds its price
    assert document["peers"][2]["ev_to_forward_revenue"] is None
    assert document["judgments"]["concentration"] == "diversified"
    assert document["judgments"]["funding"] == "self_funded"


def test_the_cash_hungry_company_is_what_it_should_test(built):
    _, document = built("cash_hungry")
    metrics, base = document["metrics"], document["scenarios"]["base"]
    assert metrics["raise_to_revenue"] == 0 and metrics["circular_commitment_ratio"] is None
    assert metrics["investor_provider_share"] == 1 and metrics["hhi"] == 1
    assert metrics["recycled_share"] > 0.5
    assert base["squeeze_year"] == 2026
    assert base["funding_need"] > 0 and base["cash_low"] == -base["funding_need"]
    assert 0 < base["dilution"] < 1
    assert base["dilution"] == pytest.approx(base["funding_need"] / (400 + base["funding_need"]), rel=1e-11)
    assert document["peers"] == []
    assert document["valuation_summary"][2] == {"method": "peer_multiples", "low": None, "high": None}
    assert document["judgments"]["funding"] in {"modest_raise", "dilutive"}
    assert document["judgments"]["liquidity"] == "squeeze"
