"""Prose rules over contrasting companies, not only the worked example.

Three inputs written here, unlike the examples: a cash-hungry single-provider lab that needs new
capital in its base case, a diversified profitable company with no investor among its providers, and
a company that raised nothing and buys all its compute from its own investor. Each brief must say
what its numbers support and nothing its input cannot support.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from briefkit import html_lines, reportgen, unmarked

HEADER = """schema: reportgen/v1
company: {{name: {name}, as_of: 2026-06-30, currency: USD, unit: million}}
"""

INPUTS = {
    # Spends far more than it earns, one provider, a raise from that provider: runs out of cash in the base case.
    "hungry-2026": HEADER.format(name="Hungry Labs") + """
valuation: {post_money: 4000, latest_raise: 300, raise_from_cloud_investors: 0.6}
cash_on_hand: 250
revenue: {run_rate: 120, growth_y1: 0.8, growth_long: 0.04, fade: 0.6}
costs: {inference_share: 0.9, training_spend: 260, training_growth: 0.35, opex_share: 0.45}
compute:
  price_decline: 0.1
  providers:
    - {name: Northwind Cloud, share: 1, commitment: 900, years: 5, investor: true}
peers:
  - {name: Thrifty Labs, post_money: 500, run_rate: 100, providers: [{name: Northwind Cloud, share: 1}]}
""",
    # Profitable from year 1, four providers, none of them an investor, tax losses to use up.
    "steady-2026": HEADER.format(name="Steady Systems") + """
valuation: {post_money: 900, latest_raise: 50}
cash_on_hand: 220
revenue: {run_rate: 300, growth_y1: 0.15, growth_long: 0.04, fade: 0.7}
costs: {inference_share: 0.12, training_spend: 10, training_growth: 0.1, opex_share: 0.5, tax_losses: 40}
compute:
  providers:
    - {name: Alpha Cloud, share: 0.3}
    - {name: Beta Compute, share: 0.25}
    - {name: Gamma Hosting, share: 0.25}
    - {name: Delta Metal, share: 0.2}
peers:
  - {name: Rival Corp, post_money: 2400, run_rate: 400, growth_y1: 0.2, cash_on_hand: 100,
     providers: [{name: Alpha Cloud, share: 1}]}
""",
    # Raised nothing; its only provider is also its investor.
    "bootstrap-2026": HEADER.format(name="Bootstrap AI") + """
valuation: {post_money: 600, latest_raise: 0}
cash_on_hand: 80
revenue: {run_rate: 60, growth_y1: 0.5, growth_long: 0.05, fade: 0.7}
costs: {inference_share: 0.45, training_spend: 20, training_growth: 0.2, opex_share: 0.3}
compute:
  providers:
    - {name: Patron Cloud, share: 1, investor: true}
""",
}

# Claims about markets, sentiment or regulation may come only from the analyst's commentary.
UNSUPPORTED = [r"(?i)sentiment", r"(?i)bullish", r"(?i)regulat", r"(?i)institutional", r"(?i)the market watches",
               r"(?i)legal hurdles", r"(?i)antitrust"]


@pytest.fixture(scope="module")
def contrasts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, dict]]:
    folder = tmp_path_factory.mktemp("contrasts")
    (folder / "inputs").mkdir()
    for stem, text in INPUTS.items():
        (folder / "inputs" / f"{stem}.yaml").write_text(text, encoding="utf-8")
    # --jobs 1: the three briefs one after the other in the command's process; a pool's two workers would each
    # start the chart engine and WeasyPrint first (about 3 CPU-s each) for briefs whose words are the subject
    run = reportgen("build", folder / "inputs", "--out", folder / "out", "--format", "html,json", "--jobs", "1")
    assert run.code == 0, str(run)
    out: dict[str, tuple[str, dict]] = {}
    for stem in INPUTS:
        html = (folder / "out" / stem / "brief.html").read_text(encoding="utf-8")
        model = json.loads((folder / "out" / stem / "model.json").read_text(encoding="utf-8"))
        out[stem] = (unmarked(" ".join(html_lines(html, root="body"))), model)  # words, without basis marks
    return out


def test_the_three_companies_are_what_they_claim_to_be(contrasts):
    hungry, steady, bootstrap = (contrasts[s][1] for s in INPUTS)
    assert hungry["judgments"]["funding"] in ("modest_raise", "dilutive")
    assert hungry["scenarios"]["base"]["funding_need"] > 0
    assert hungry["judgments"]["concentration"] == "single_provider"
    assert steady["judgments"]["concentration"] == "diversified"
    assert steady["judgments"]["liquidity"] == "funded"
    assert steady["scenarios"]["base"]["fcf_positive_year"] == 2027
    assert bootstrap["inputs"]["valuation.latest_raise"]["value"] == 0
    assert bootstrap["metrics"]["investor_provider_share"] == 1.0


@pytest.mark.parametrize("stem", list(INPUTS))
def test_no_sentence_the_input_cannot_support(contrasts, stem):
    text, _ = contrasts[stem]
    text = text.replace("Market Outlook and Sentiment", "")  # the section's title, as the reference brief names it
    assert [p for p in UNSUPPORTED if re.search(p, text)] == []


@pytest.mark.parametrize("stem", list(INPUTS))
def test_no_negative_equity_or_multiple_anywhere(contrasts, stem):
    text, model = contrasts[stem]
    for name, scenario in model["scenarios"].items():
        assert scenario["equity_value"] >= 0 and scenario["value_to_price"] >= 0, name
    assert all(v >= 0 for row in model["sensitivity"]["value_to_price"] for v in row)
    assert model["monte_carlo"]["equity_p5"] >= 0
    assert "turns negative" not in text
    assert re.findall(r"equity value (?:is|falls to|reaches) [-−]", text) == []


def test_no_new_money_when_nothing_was_raised(contrasts):
    text, _ = contrasts["bootstrap-2026"]
    for phrase in ("new money", "the round", "latest round brought in", "from the raise"):
        assert phrase not in text, phrase


def test_investor_dependency_is_described_whatever_the_raise(contrasts):
    """Bootstrap AI raised nothing, but its only provider is its investor: the brief says so, and
    never that its suppliers are not among its investors."""
    text, model = contrasts["bootstrap-2026"]
    assert "Patron Cloud invested" in text
    assert "None of Bootstrap AI’s compute providers is also an investor" not in text  # no denial of the overlap
    assert "compute suppliers is among its investors" not in text
    assert model["judgments"]["circularity"] in ("circular", "partly_circular")
    assert "No new capital was raised" in text or model["judgments"]["circularity"] != "circular"


def test_a_company_with_no_investor_provider_says_so(contrasts):
    text, model = contrasts["steady-2026"]
    assert model["metrics"]["investor_provider_share"] == 0
    assert "None of Steady Systems’s compute providers is also an investor" in text
    assert "conflict of interest" not in text


def test_an_unfunded_plan_states_its_funding_need_and_dilution(contrasts):
    text, model = contrasts["hungry-2026"]
    base = model["scenarios"]["base"]
    assert base["squeeze_year"] is not None
    assert "of new capital" in text
    assert f"{base['dilution'] * 100:.0f}% of the company if raised at today’s price" in text


def test_tax_losses_defer_tax(contrasts):
    """Steady Systems carries 40 million of losses: its first year's tax is reduced by them."""
    _, model = contrasts["steady-2026"]
    base = model["scenarios"]["base"]
    ebit, tax = base["ebit"][0], base["tax"][0]
    assert ebit > 0
    assert tax == pytest.approx(0.21 * max(0.0, ebit - 40), rel=1e-9)


def test_peer_with_growth_has_a_forward_multiple(contrasts):
    _, model = contrasts["steady-2026"]
    (peer,) = model["peers"]
    assert peer["ev_to_forward_revenue"] == pytest.approx((2400 - 100) / (400 * 1.2), rel=1e-12)
    assert peer["implied_value"] == pytest.approx(2400 / 400 * 300, rel=1e-12)


def test_inputs_folder_is_not_the_examples():
    assert not set(INPUTS) & {p.stem for p in (Path(__file__).resolve().parents[2] / "inputs").glob("*.yaml")}


# --- the prose rules of the brief, over the three companies and the examples ------------------------------

def test_a_peer_comparison_says_which_is_dearer_and_what_follows(contrasts):
    steady, _ = contrasts["steady-2026"]
    hungry, _ = contrasts["hungry-2026"]
    assert "Rival Corp is the dearer of the two" in steady
    assert "The comparison supports the price only as far as Rival Corp’s own valuation is justified" in steady
    assert "Thrifty Labs is the cheaper of the two" in hungry
    assert "so the comparison does not support a premium over Thrifty Labs" in hungry
    assert "dearer" not in hungry and "cheaper" not in steady


@pytest.mark.parametrize("stem", list(INPUTS))
def test_sensitive_only_past_the_stated_threshold(contrasts, stem):
    """'sensitive to training costs' only when value to price moves by 0.25x or more down the base-case
    column of the grid (render/context.py SENSITIVE_SPREAD); otherwise the brief says it moves little."""
    text, model = contrasts[stem]
    grid = model["sensitivity"]["value_to_price"]
    column = [row[len(row) // 2] for row in grid]
    sensitive = max(column) - min(column) >= 0.25
    assert ("The value is sensitive to training costs" in text) == sensitive
    assert ("Training costs move the value little" in text) == (not sensitive)
    assert "highly sensitive" not in text


@pytest.mark.parametrize("stem", list(INPUTS))
def test_one_definition_of_lowest_cash(contrasts, stem):
    """The cover, the scenario table and the bear case measure lowest cash the same way (cash_low: today
    included), so the base case's lowest cash never lies above today's cash."""
    _, model = contrasts[stem]
    base = model["scenarios"]["base"]
    assert base["cash_low"] == min(model["inputs"]["cash_on_hand"]["value"], *base["cash"])
    assert base["cash_low"] <= model["inputs"]["cash_on_hand"]["value"]


@pytest.mark.parametrize("stem", list(INPUTS))
def test_ranges_read_once_when_their_ends_agree_and_in_one_precision(contrasts, stem):
    text, _ = contrasts[stem]
    repeated = re.findall(r"((?:[−-]|\()?[$€£][\d.,]+(?: [a-z]+)?\)?) to \1(?![\d.,])", text)
    assert repeated == []
    for low, high in re.findall(r"\(?[−-]?\$([\d.,]+)\)? to \(?[−-]?\$([\d.,]+) (?:thousand|million|billion)", text):
        decimals = [len(part.split(".")[1]) if "." in part else 0 for part in (low, high)]
        assert low == "0" or decimals[0] == decimals[1], (low, high)


@pytest.mark.parametrize("stem", list(INPUTS))
def test_negatives_read_with_a_minus_in_prose_and_parentheses_in_tables(contrasts, stem):
    text, model = contrasts[stem]
    prose = text.split("Appendix: Assumptions")[0]  # the appendix quotes formulas as model.json writes them
    assert re.findall(r"(?<![\w.])-[$€£]?\d", prose) == [], "a hyphen-minus stands for a minus"
    if model["scenarios"]["base"]["cash_low"] < 0:
        assert "−$" in text  # prose: a true minus sign
        assert re.search(r"\(\$[\d.,]+ (?:thousand|million|billion)\)", text)  # tables: parentheses
