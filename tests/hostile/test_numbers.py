"""Family 4: numeric traps.

Out-of-range figures, strings and percents where fractions belong, a discount rate at or below terminal
growth, and amounts too large or too small to show (near the float maximum, a unit that scales past it,
denormals) are located errors. Figures that are in range but strain the model (30 years of tenfold growth,
two million paths) build: every non-finite result is a
``null`` with its reason, model.json has no NaN or Infinity, and no "nan"/"inf" reaches the prose.
"""

from __future__ import annotations

import re

import pytest
from hostilekit import Batch, BriefFiles, Case, Workspace, document, line_of, params, shared_inputs, to_yaml

F = "numbers"

_EXTREME = {"dcf": {"horizon": 30}, "revenue.growth_y1": 10, "revenue.growth_long": 1, "revenue.fade": 0,
            "costs.training_growth": 5, "compute.price_decline": -0.5}
_MAX = 1e308

CASES = [
    # error: (changes, field, needle of the line, words of the message)
    Case(F, "n-zero-revenue", "error", ({"revenue.run_rate": 0}, "revenue.run_rate", "run_rate: 0",
                                        "must be greater than 0")),
    Case(F, "n-negative-cash", "error", ({"cash_on_hand": -5}, "cash_on_hand", "cash_on_hand: -5",
                                         "must be at least 0")),
    Case(F, "n-negative-share", "error", ({"compute.providers.0.share": -0.55}, "compute.providers.0.share",
                                          "share: -0.55", "must be greater than 0")),
    Case(F, "n-nan-string", "error", ({"valuation.post_money": "NaN"}, "valuation.post_money", '"NaN"',
                                      "must be a finite number")),
    Case(F, "n-inf-string", "error", ({"costs.training_spend": "Infinity"}, "costs.training_spend", '"Infinity"',
                                      "must be a finite number")),
    Case(F, "n-percent-string", "error", ({"costs.inference_share": "45%"}, "costs.inference_share", '"45%"',
                                          "45% is 0.45")),
    Case(F, "n-percent-as-number", "error", ({"costs.inference_share": 45}, "costs.inference_share",
                                             "inference_share: 45", "must be between 0 and 2 (got 45); shares are "
                                             "fractions")),
    Case(F, "n-quoted-number", "error", ({"valuation.post_money": "12500"}, "valuation.post_money", '"12500"',
                                         "remove the quotes")),
    Case(F, "n-discount-below-growth", "error", ({"dcf": {"discount_rate": 0.03, "terminal_growth": 0.05}},
                                                 "dcf.discount_rate", "discount_rate: 0.03",
                                                 "must exceed dcf.terminal_growth")),
    Case(F, "n-discount-equal-growth", "error", ({"dcf": {"discount_rate": 0.05, "terminal_growth": 0.05}},
                                                 "dcf.discount_rate", "discount_rate: 0.05",
                                                 "must exceed dcf.terminal_growth")),
    Case(F, "n-horizon-31", "error", ({"dcf": {"horizon": 31}}, "dcf.horizon", "horizon: 31", "between 3 and 30")),
    Case(F, "n-horizon-fraction", "error", ({"dcf": {"horizon": 10.5}}, "dcf.horizon", "horizon: 10.5",
                                            "must be a whole number")),
    Case(F, "n-growth-over-range", "error", ({"revenue.growth_y1": 10.5}, "revenue.growth_y1", "growth_y1: 10.5",
                                             "must be greater than -0.9 and at most 10")),
    Case(F, "n-paths-over-range", "error", ({"monte_carlo": {"paths": 2_000_001}}, "monte_carlo.paths",
                                            "paths: 2000001", "must be between 100 and 2,000,000")),
    # inert: builds, with nulls where the model overflows
    Case(F, "n-extreme-growth", "inert", _EXTREME),
    # Amounts no brief can show faithfully (near the float maximum, a unit that scales past it,
    # denormals) are refused where they are written: at most 10^15 and, other than 0, at least 10^-6 of
    # the unit (the contract's docs). Earlier they built, with nulls where the model overflowed.
    Case(F, "n-near-max-amounts", "error", ({
        **_EXTREME, "valuation.post_money": _MAX, "valuation.latest_raise": _MAX, "cash_on_hand": _MAX,
        "revenue.run_rate": _MAX, "costs.training_spend": _MAX, "compute.providers.0.commitment": _MAX,
        "peers.0.post_money": _MAX, "peers.0.run_rate": _MAX}, "valuation.post_money", "post_money: 1e+308",
        "is too large to show")),
    Case(F, "n-unit-scales-past-max", "error", ({
        "company.unit": "billion", "valuation.post_money": 1e300, "revenue.run_rate": 1e300,
        "costs.training_spend": 1e300, "cash_on_hand": 1e300}, "valuation.post_money", "post_money: 1e+300",
        "is too large to show")),
    Case(F, "n-denormal-amounts", "error", ({"revenue.run_rate": 5e-324, "valuation.post_money": 5e-324,
                                             "peers.0.run_rate": 5e-324}, "valuation.post_money",
                                            "post_money: 5e-324", "is too small to show")),
    Case(F, "n-tiny-discount-rate", "inert", {
        "dcf": {"discount_rate": 1e-9, "terminal_growth": -0.49, "horizon": 30}}),
    Case(F, "n-zero-costs-and-cash", "inert", {
        "costs.training_spend": 0, "costs.inference_share": 0, "costs.opex_share": 0, "cash_on_hand": 0,
        "valuation.latest_raise": 0, "compute.providers.0.commitment": 0, "compute.providers.0.years": 0}),
    Case(F, "n-max-paths-long-horizon", "inert", {**_EXTREME, "monte_carlo": {"paths": 2_000_000, "seed": 1}}),
]
_NON_FINITE = re.compile(r"\b(?:nan|NaN|NAN|inf|Inf|INF|Infinity|None)\b")


def _doc(changes: dict) -> dict:
    return document(**changes)


@pytest.mark.parametrize("case", params(CASES, outcome="error"))
def test_out_of_range_is_a_located_error(case: Case, ws: Workspace) -> None:
    changes, field, needle, words = case.data
    text = to_yaml(_doc(changes)) + "\n"
    ws.write(text)
    ws.expect_error("--format", "json", field=field, line=line_of(text, needle), contains=words)


# n-extreme-growth, the case that overflows most, is built whole: its PDF shows the same prose as its HTML
# (one template for both), laid out. The other inert cases are about the model's figures and the prose they
# give: model.json and the HTML brief (``--format html,json``).
_WHOLE = {"n-extreme-growth"}


@shared_inputs()
def _inputs(fill: object) -> dict[str, str]:
    return {case.id: to_yaml(_doc(case.data)) + "\n" for case in CASES if case.id in _WHOLE}


@shared_inputs("html")
def _html_inputs(fill: object) -> dict[str, str]:
    return {case.id: to_yaml(_doc(case.data)) + "\n" for case in CASES
            if case.outcome == "inert" and case.id not in _WHOLE}


def _brief(case: Case, whole: Batch, html: Batch) -> BriefFiles:
    return (whole if case.id in _WHOLE else html).brief(case)


@pytest.mark.parametrize("case", params(CASES, outcome="inert"))
def test_overflow_builds_with_nulls(case: Case, shared_batch: Batch, shared_html_batch: Batch) -> None:
    brief = _brief(case, shared_batch, shared_html_batch)
    pdf = case.id in _WHOLE
    brief.assert_inert(["Acme Labs"], pdf=pdf)
    for name, text in (("brief.html", brief.html_text), ("brief.pdf", brief.pdf_text if pdf else "")):
        found = _NON_FINITE.findall(text)
        assert found == [], f"{name} shows non-finite figures: {found[:5]}"
    raw = (brief.folder / "model.json").read_text(encoding="utf-8")
    assert "NaN" not in raw and "Infinity" not in raw
    assert brief.model_json["company"]["name"] == "Acme Labs"


def test_null_figures_carry_their_reason(shared_batch: Batch) -> None:
    """Where the model overflowed, the appendix says why a figure is null (not a bare blank)."""
    brief = shared_batch.brief(next(c for c in CASES if c.id == "n-extreme-growth"))
    raw = (brief.folder / "model.json").read_text(encoding="utf-8")
    assert "null" in raw
    assert "is null:" in " ".join(brief.html_text.split())
