"""Property tests over valid inputs: every field drawn within its contract range (MODEL.md section 1,
v2 fields included), checked against the pure-Python reference and the v2 limits (no negative value,
funding need at least 0, dilution in [0, 1), cash_low at most cash on hand)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from modelkit import MONEY_MAX, MONEY_MIN, all_finite, close, reference_path, scenario_parameters

from reportgen.contract.schema import InputDocument
from reportgen.model.project import Fixed, project
from reportgen.model.run import run_model
from reportgen.model.scenarios import resolve_scenarios

# 100 and 40 examples under HYPOTHESIS_PROFILE=thorough; the loaded profile's max_examples is a ceiling
# (tests/conftest.py: 30 in "ci", the default of make test).
PROPERTY_SETTINGS = settings(max_examples=min(100, settings.default.max_examples), deadline=None, derandomize=True,
                             suppress_health_check=[HealthCheck.too_slow])
LIMIT_SETTINGS = settings(max_examples=min(40, settings.default.max_examples), deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])

# --- strategies ---------------------------------------------------------------------------------


def closed(lo: float, hi: float):
    """A float in [lo, hi], the ends drawn often."""
    return st.one_of(st.sampled_from([lo, hi]), st.floats(lo, hi, allow_nan=False))


def open_below(lo: float, hi: float):
    """A float in (lo, hi]."""
    return st.one_of(st.just(hi), st.floats(lo, hi, exclude_min=True, allow_nan=False))


def open_both(lo: float, hi: float):
    return st.floats(lo, hi, exclude_min=True, exclude_max=True, allow_nan=False)


def amount(positive: bool, extreme: bool):
    """A money amount: realistic magnitudes, or (``extreme``) anything the contract allows."""
    if extreme:
        floats = st.floats(MONEY_MIN, MONEY_MAX, allow_nan=False, allow_infinity=False)
        ends = [MONEY_MIN, MONEY_MAX]
    else:
        floats = st.floats(1e-6, 1e9, allow_nan=False)
        ends = [1e-6, 1.0, 1e9]
    if not positive:
        ends = [0.0, *ends]
    return st.one_of(st.sampled_from(ends), floats)


def share(extreme: bool):
    """A provider's weight: any positive finite number (shares are normalised), or a realistic one."""
    if extreme:
        return st.one_of(st.sampled_from([5e-324, 1e-300, 1e300, 1.7976931348623157e308]),
                         st.floats(0.0, None, exclude_min=True, allow_nan=False, allow_infinity=False))
    return st.floats(1e-6, 1e9, allow_nan=False)


@st.composite
def providers(draw, extreme: bool):
    count = draw(st.integers(1, 6))
    out = []
    for i in range(count):
        item = {"name": f"Provider {i}", "share": draw(share(extreme))}
        if draw(st.booleans()):
            years = draw(st.integers(0, 12))
            item["years"] = years
            item["commitment"] = 0.0 if years == 0 else draw(amount(False, extreme))
        if draw(st.booleans()):
            item["investor"] = draw(st.booleans())
        out.append(item)
    return out


@st.composite
def scenario_override(draw):
    out = {}
    if draw(st.booleans()):
        out["growth_factor"] = draw(closed(0.0, 10.0))
    if draw(st.booleans()):
        out["fade"] = draw(closed(0.0, 1.0))
    if draw(st.booleans()):
        out["price_decline"] = draw(closed(-0.5, 0.9))
    if draw(st.booleans()):
        out["price_decline_delta"] = draw(closed(-1.0, 1.0))
    if draw(st.booleans()):
        out["training_growth"] = draw(open_below(-0.9, 5.0))
    return out


@st.composite
def spec_inputs(draw, extreme: bool = False, mc_paths=(100, 500)) -> InputDocument:
    discount = draw(open_both(0.0, 1.0))
    terminal = draw(open_both(-0.5, min(0.2, discount)))
    assume(discount > terminal)
    data = {
        "schema": "reportgen/v1",
        "company": {"name": "Company " + draw(st.text(st.characters(categories=["L"]), max_size=20)),
                    "as_of": draw(st.dates(dt.date(1900, 1, 1), dt.date(2170, 12, 31))),
                    "currency": draw(st.sampled_from(["USD", "EUR", "GBP", "JPY"])),
                    "unit": draw(st.sampled_from(["thousand", "million", "billion"]))},
        "valuation": {"post_money": draw(amount(True, extreme)),
                      "latest_raise": draw(amount(False, extreme)),
                      "raise_from_cloud_investors": draw(closed(0.0, 1.0))},
        "cash_on_hand": draw(amount(False, extreme)),
        "revenue": {"run_rate": draw(amount(True, extreme)),
                    "growth_y1": draw(open_below(-0.9, 10.0)),
                    "growth_long": draw(open_below(-0.5, 1.0)),
                    "fade": draw(closed(0.0, 1.0))},
        "costs": {"inference_share": draw(closed(0.0, 2.0)),
                  "training_spend": draw(amount(False, extreme)),
                  "training_growth": draw(open_below(-0.9, 5.0)),
                  "opex_share": draw(closed(0.0, 2.0)),
                  "tax_rate": draw(closed(0.0, 0.6)),
                  "tax_losses": draw(amount(False, extreme))},
        "compute": {"price_decline": draw(closed(-0.5, 0.9)),
                    "providers": draw(providers(extreme))},
        "peers": [{"name": f"Peer {i}", "post_money": draw(amount(True, extreme)),
                   "run_rate": draw(amount(True, extreme)),
                   "providers": [{"name": f"P{j}", "share": draw(share(extreme))}
                                 for j in range(draw(st.integers(1, 4)))],
                   **({"growth_y1": draw(open_below(-0.9, 10.0))} if draw(st.booleans()) else {}),
                   **({"cash_on_hand": draw(amount(False, extreme))} if draw(st.booleans()) else {})}
                  for i in range(draw(st.integers(0, 2)))],
        "dcf": {"discount_rate": discount, "terminal_growth": terminal,
                "horizon": draw(st.integers(3, 30))},
        "monte_carlo": {"paths": draw(st.integers(*mc_paths)), "seed": draw(st.integers(0, 2**63 - 1)),
                        "growth_sd": draw(closed(0.0, 2.0)), "price_spread": draw(closed(0.0, 1.0)),
                        "training_sd": draw(closed(0.0, 2.0)), "rate_spread": draw(closed(0.0, 0.5))},
        "sources": {"valuation.post_money": "Round announcement"},
    }
    if draw(st.booleans()):
        data["scenarios"] = {name: draw(scenario_override())
                             for name in draw(st.sets(st.sampled_from(
                                 ["base", "adoption_plateau", "compute_stagnation", "bull"])))}
    from pydantic import ValidationError
    try:
        return InputDocument.model_validate(data)
    except ValidationError as exc:
        # the only rule a draw may break: overrides pushing a scenario's price decline out of range
        assert all(e["loc"] == () and "price decline" in e["msg"] for e in exc.errors()), exc
        assume(False)
        raise


# --- properties ---------------------------------------------------------------------------------


def _check_finite_document(model):
    document = model.to_json()
    json.dumps(document, allow_nan=False)  # raises on NaN / Infinity
    assert all_finite(document) == []
    raw = model.to_json_bytes()
    assert all_finite(json.loads(raw)) == []
    # the model's own fields, before rounding
    raw_fields = {"metrics": model.metrics, "peers": model.peers, "scenarios": model.scenarios,
                  "reverse_dcf": model.reverse_dcf, "sensitivity": model.sensitivity,
                  "monte_carlo": model.monte_carlo, "valuation_summary": model.valuation_summary}
    assert all_finite(raw_fields) == []
    return document


@PROPERTY_SETTINGS
@given(spec_inputs())
def test_model_json_is_finite(data):
    _check_finite_document(run_model(data))


@PROPERTY_SETTINGS
@given(spec_inputs(extreme=True))
def test_model_json_is_finite_for_any_magnitude(data):
    """Amounts anywhere in (0, max float]: a figure that overflows is null, never inf."""
    _check_finite_document(run_model(data))


@PROPERTY_SETTINGS
@given(spec_inputs())
def test_cash_path_is_cash_plus_cumulative_fcf_and_squeeze_year_follows(data):
    model = run_model(data)
    year0 = data.company.as_of.year
    for name, scenario in model.scenarios.items():
        fcf, cash = scenario.fcf, scenario.cash
        assert len(fcf) == len(cash) == data.dcf.horizon
        cumulative = data.cash_on_hand + np.cumsum(fcf)
        magnitude = data.cash_on_hand + np.cumsum(np.abs(fcf))
        for t in range(data.dcf.horizon):
            assert close(cash[t], float(cumulative[t]), 1e-9, float(magnitude[t])), (name, t)
        first_negative = next((t for t, c in enumerate(cash, start=1) if c < 0), None)
        assert scenario.squeeze_year == (None if first_negative is None else year0 + first_negative)
        first_positive = next((t for t, x in enumerate(fcf, start=1) if x > 0), None)
        assert scenario.fcf_positive_year == (None if first_positive is None else year0 + first_positive)
        assert scenario.years == list(range(year0 + 1, year0 + data.dcf.horizon + 1))
        # v2: the lowest cash, the new money that keeps it at or above zero, and its dilution
        assert scenario.cash_low == min(data.cash_on_hand, *cash)
        assert scenario.funding_need == max(0.0, -min(cash))
        assert (scenario.squeeze_year is None) == (scenario.funding_need == 0)
        # losses carried forward: tax is never negative nor above the rate on the year's profit
        for t, (ebit, tax) in enumerate(zip(scenario.ebit, scenario.tax, strict=True)):
            assert 0 <= tax <= data.costs.tax_rate * max(ebit, 0.0) * (1 + 1e-12), (name, t)
    squeezes = [(s.squeeze_year, n) for n, s in model.scenarios.items() if s.squeeze_year]
    assert model.judgments.liquidity == ("squeeze" if squeezes else "funded")
    if squeezes:
        assert model.earliest_squeeze[0] == min(year for year, _ in squeezes)
        assert model.scenarios[model.earliest_squeeze[1]].squeeze_year == model.earliest_squeeze[0]
    else:
        assert model.earliest_squeeze is None


@PROPERTY_SETTINGS
@given(spec_inputs())
def test_every_scenario_matches_the_pure_python_loop(data):
    """Where the implementation's guards (growth floored at -100 %) do not bind, the model is the
    formulas of MODEL.md v2 to rounding: every series and every figure of every scenario."""
    model = run_model(data)
    for name, params in scenario_parameters(data).items():
        g1, gL = data.revenue.growth_y1, data.revenue.growth_long
        assume(params["f"] * min(g1, gL) > -1)  # the -100 % growth floor does not bind
        reference = reference_path(data, **params)
        scenario = model.scenarios[name]
        flows = 0.0
        for t in range(data.dcf.horizon):
            scale = reference["revenue"][t] * (1 + data.costs.inference_share + data.costs.opex_share) \
                + reference["compute_cost"][t]
            flows += scale
            for key in ("revenue", "compute_cost", "opex"):
                assert close(getattr(scenario, key)[t], reference[key][t], 1e-9), (name, key, t)
            for key in ("ebit", "tax", "fcf"):
                assert close(getattr(scenario, key)[t], reference[key][t], 1e-9, scale), (name, key, t)
            # the carried losses may shelter a year by a difference of two near-equal sums
            assert close(scenario.cash[t], reference["cash"][t], 1e-9, flows + data.cash_on_hand), (name, t)
        assert scenario.squeeze_year == reference["squeeze_year"] or min(abs(c) for c in reference["cash"]) \
            <= 1e-9 * (flows + data.cash_on_hand), name
        for key in ("cash_low", "funding_need"):
            assert close(getattr(scenario, key), reference[key], 1e-9, flows + data.cash_on_hand), (name, key)
        if not math.isfinite(reference["dcf_equity"]):  # the terminal value overflows
            assert scenario.equity_value is None, name
            assert model.provenance[f"scenarios.{name}.equity_value"].reason
            continue
        scale = abs(reference["enterprise"]) + abs(reference["pv_terminal"]) + data.cash_on_hand \
            + sum(abs(x) for x in reference["fcf"])
        assert close(scenario.dcf_equity, reference["dcf_equity"], 1e-9, scale), name
        assert close(scenario.equity_value, reference["equity_value"], 1e-9, scale), name


@st.composite
def profitable_inputs(draw):
    """Positive margins every year: inference_share * p_t + opex_share < 1, no training, no
    commitments, non-negative growth, and no opening tax losses (with them, value is not monotone in
    growth: faster growth uses the losses up before year H, and the terminal value capitalises year H's
    tax)."""
    data = draw(spec_inputs())
    d = data.compute.price_decline
    horizon = data.dcf.horizon
    inference = draw(closed(0.0, 1.0))
    peak_price = max(1.0, (1 - d) ** horizon)  # prices rise when d < 0
    opex = draw(st.floats(0.0, 1.0, allow_nan=False))
    assume(inference * peak_price + opex < 1)
    update = data.model_dump(by_alias=True)
    update["costs"].update(inference_share=inference, opex_share=opex, training_spend=0.0, tax_losses=0.0)
    update["revenue"].update(growth_y1=draw(closed(0.0, 10.0)), growth_long=draw(closed(0.0, 1.0)))
    update["compute"]["providers"] = [{"name": "Only", "share": 1.0}]
    update["scenarios"] = {}
    return InputDocument.model_validate(update)


@PROPERTY_SETTINGS
@given(profitable_inputs())
def test_value_to_price_is_monotone_in_the_growth_factor(data):
    fixed = Fixed.from_input(data)
    base = resolve_scenarios(data)["base"]
    factors = np.linspace(0.0, 10.0, 41)
    together = project(fixed, data.revenue.growth_y1, factors, base.fade, base.price_decline,
                       base.training_growth).equity / data.valuation.post_money
    one_by_one = np.array([
        project(fixed, data.revenue.growth_y1, f, base.fade, base.price_decline,
                base.training_growth).equity[0] for f in factors]) / data.valuation.post_money
    for values in (together.tolist(), one_by_one.tolist()):
        # +inf is allowed (a terminal value at r = 5e-324 overflows), NaN is not
        assert not any(math.isnan(v) for v in values), values
        assert _non_decreasing(values), values
    # the sensitivity grid's rows are monotone too (an overflowing cell is null)
    grid = run_model(data).sensitivity.value_to_price
    for row in grid:
        assert _non_decreasing([math.inf if v is None else v for v in row]), row


def _non_decreasing(values: list[float]) -> bool:
    return all(b >= a or close(a, b, 1e-12) for a, b in itertools.pairwise(values))


@PROPERTY_SETTINGS
@given(spec_inputs())
def test_sensitivity_centre_is_base_and_reverse_dcf_round_trips(data):
    model = run_model(data)
    grid = model.sensitivity.value_to_price
    assert len(grid) == 9 and all(len(row) == 9 for row in grid)
    base = model.scenarios["base"]
    if base.growth_factor == 1.0:
        assert grid[4][4] == base.value_to_price
    # (the grid's columns are absolute growth factors 0.6 .. 1.4, so a base scenario whose growth
    # factor is overridden is not at the centre; the rows are relative to its training growth)
    assert model.sensitivity.training_growth[4] == base.training_growth
    reverse = model.reverse_dcf
    if reverse is None:
        assert model.provenance["reverse_dcf.implied_growth_factor"].reason
        return
    f = reverse.implied_growth_factor
    assert 0.0 <= f <= 10.0
    base = resolve_scenarios(data)["base"]
    fixed = Fixed.from_input(data)

    def equity(x):
        return float(project(fixed, data.revenue.growth_y1, x, base.fade, base.price_decline,
                             base.training_growth).equity[0])

    post_money = data.valuation.post_money
    # a root of a continuous function: within one ulp of f on each side, equity straddles the price
    lo, hi = math.nextafter(f, -math.inf), math.nextafter(f, math.inf)
    gaps = [equity(x) - post_money for x in (max(lo, 0.0), f, min(hi, 10.0))]
    assert min(gaps) <= 0 <= max(gaps) or abs(gaps[1]) <= 1e-6 * post_money, gaps


# --- v2 limits: limited liability, funding need, dilution, cash low -----------------------------


def _check_limits(data, document: dict) -> None:
    """No negative value anywhere in model.json; funding need >= 0; 0 <= dilution < 1 (<= 1 once the
    need dwarfs the price beyond what 12 significant digits show); cash_low <= cash on hand."""
    cash_on_hand = document["inputs"]["cash_on_hand"]["value"]  # rounded as model.json rounds cash_low
    for name, scenario in document["scenarios"].items():
        for key in ("equity_value", "value_to_price"):
            assert scenario[key] is None or scenario[key] >= 0, (name, key, scenario[key])
        need, dilution, low = scenario["funding_need"], scenario["dilution"], scenario["cash_low"]
        if need is not None:
            assert need >= 0, (name, need)
            assert 0 <= dilution <= 1, (name, dilution)
            if need < 1e11 * data.valuation.post_money:
                assert dilution < 1, (name, need, dilution)
            assert (dilution == 0) == (need == 0), (name, need, dilution)
        if low is not None:
            assert low <= cash_on_hand, (name, low, cash_on_hand)
            assert need is None or need == max(0.0, -low) or close(need, max(0.0, -low), 1e-11), name
        if scenario["equity_value"] is not None and scenario["dcf_equity"] is not None:
            assert scenario["equity_value"] == max(0.0, scenario["dcf_equity"]), name
    for row in document["sensitivity"]["value_to_price"]:
        for cell in row:
            assert cell is None or cell >= 0, cell
    mc = document["monte_carlo"]
    for key in ("equity_p5", "equity_p50", "equity_p95", "value_to_price_p5", "value_to_price_p50",
                "value_to_price_p95", "funding_need_p50", "funding_need_p95"):
        assert mc[key] is None or mc[key] >= 0, (key, mc[key])
    for key in ("cash_low_p5", "cash_low_p50", "cash_low_p95"):
        assert mc[key] is None or mc[key] <= cash_on_hand, (key, mc[key])
    for key in ("prob_value_ge_price", "prob_squeeze", "prob_zero_value"):
        assert 0 <= mc[key] <= 1, key
    for row in document["valuation_summary"]:
        assert row["low"] is None or row["low"] >= 0, row
        assert row["low"] is None or row["high"] is None or row["low"] <= row["high"], row


@LIMIT_SETTINGS
@given(spec_inputs())
def test_no_negative_value_and_funding_within_limits(data):
    _check_limits(data, json.loads(run_model(data).to_json_bytes()))


@LIMIT_SETTINGS
@given(spec_inputs(extreme=True))
def test_no_negative_value_and_funding_within_limits_at_any_magnitude(data):
    _check_limits(data, json.loads(run_model(data).to_json_bytes()))


@st.composite
def losing_inputs(draw):
    """Inputs that lose money: costs above revenue, so DCF equity goes negative in most scenarios and
    the limits are tested where they bind (not only where value is positive anyway)."""
    data = draw(spec_inputs())
    update = data.model_dump(by_alias=True)
    update["costs"].update(opex_share=draw(closed(1.0, 2.0)))
    update["cash_on_hand"] = draw(st.one_of(st.just(0.0), st.floats(1e-6, 10.0)))
    return InputDocument.model_validate(update)


@LIMIT_SETTINGS
@given(losing_inputs())
def test_limits_hold_where_value_is_lost(data):
    model = run_model(data)
    document = json.loads(model.to_json_bytes())
    _check_limits(data, document)
    base = model.scenarios["base"]
    if base.dcf_equity is not None and base.dcf_equity < 0:
        assert base.equity_value == 0 and base.value_to_price == 0
        assert base.tv_share is None or base.tv_share >= 0
    assert document["judgments"]["funding"] in {"self_funded", "modest_raise", "dilutive"}
