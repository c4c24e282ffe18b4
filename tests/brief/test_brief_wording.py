"""The prose follows the judgments: the worked example (concentrated, cash-hungry, circular) and
Nordlicht (diversified, funded, conventional) must read differently, in the PDF and in the HTML.

Every phrase below is copied from the templates (templates/sections/*.html.j2 and
templates/partials/words.html.j2), in the branch of the judgment it stands for.
"""

from __future__ import annotations

import re

import pytest
from briefkit import Brief, html_lines, missing, present, unmarked

from reportgen.render.filters import money_text

SOURCES = ("html", "pypdf", "pdftotext")


def _text(brief: Brief, source: str) -> str:
    return brief.html_text if source == "html" else brief.prose(source)


# Branches taken for the worked example: priced_for_perfection, extreme, circular, single_provider,
# squeeze, terminal_weighted, self_funded, tail_dependent.
ANTHROPIC_SAYS = [
    # words.judgment labels (cover, key figures)
    "Priced for perfection", "Extreme capital intensity", "Circular funding", "Single-provider dependency",
    "Liquidity squeeze in a scenario", "Terminal value weighs heavily", "Base case needs no new capital",
    "Price depends on the tail",
    # capital_intensity.html.j2
    "a price that leaves no room for disappointment",
    "Compute is not a cost line here; it is the business model.",
    "Much of what Anthropic spends flows back to its backers.",
    "Money is fungible, so the measure is the share of everything spent in the base case’s first year",
    "In effect much of the round returns to its backers as revenue.",
    # entrenchment.html.j2
    "marks a single-provider dependency",
    "The arrangement is a dual-edged sword",
    "a multi-year dependency that outlasts most product cycles",
    "is the more dependent of the two, and its reliance on Amazon Web Services limits its operational agility",
    "On its own cash flows, the price asks for perfection.",
    # bear_case.html.j2
    "From a risk perspective the figures point to a liquidity squeeze, compounded by concentration risk.",
    "of cash on hand runs out in 2029",
    "equity is worth nothing unless the plan changes, cash runs out in 2029, and staying solvent would take",
    "a conflict of interest that ties the company’s funding to its cost base",
    "more than half of the value rests on the years after the horizon",
    # outlook.html.j2
    "The simulation does not support the price.",
    "The price depends on an outcome in the tail of the distribution.",
    "of paths cash runs out within the horizon",
    "transition toward self-sustaining free cash flow",
]

# Branches taken for Nordlicht: conventional, moderate, limited, diversified, funded, supported.
NORDLICHT_SAYS = [
    "Conventional multiple", "Moderate capital intensity", "Little circular funding", "Diversified compute",
    "Funded in every scenario", "Price supported",
    "a conventional multiple: the price does not depend on heroic assumptions about growth",
    "Compute is a manageable cost",
    "None of Nordlicht Analytics’s compute providers is also an investor, so none of its spending flows back",
    "a diversified base that leaves room to negotiate and to switch",
    "No scenario exhausts the €310 million of cash on hand",
    "so the plan does not depend on another raise",
    "None of the company’s compute suppliers is among its investors",
    "The simulation supports the price",
    "No simulated path runs out of cash.",
    "At a conventional multiple the price can rest on the cash flows rather than on the narrative",
    "cash sufficient in every scenario, the debate is about the size of the upside, not about survival",
]

# What Nordlicht must never be called. Regular expressions, because the peers of Nordlicht ARE
# concentrated ("Datawerk is more concentrated than Nordlicht Analytics") and "Little circular
# funding" is the right label: the patterns name the company's own judgment wording only.
NORDLICHT_NEVER = [
    # concentration: single_provider / concentrated
    r"(?i)single-provider", r"Compute is concentrated", r"(?i)concentrated compute", r"concentration risk",
    r"more dependent of the two", r"limits its operational agility", r"dual-edged sword", r"rigid cost structure",
    # liquidity: squeeze, short of cash
    r"(?i)liquidity squeeze", r"faces a squeeze", r"squeeze in \d{4}", r"squeeze year marked",
    r"cash on hand runs out", r"cash also runs out", r"of paths cash runs out",
    r"transition toward self-sustaining free cash flow",
    # circularity: circular / partly circular
    r"(?<!Little )(?<!little )\b[Cc]ircular funding", r"circular revenue stream", r"conflict of interest",
    r"flows back to its backers(?!\s+as)", r"returns to its backers", r"earns? back as cloud revenue",
    # multiple: priced for perfection / premium
    r"(?i)perfection", r"no room for disappointment", r"(?i)premium multiple",
    # capital intensity and odds
    r"(?i)extreme capital intensity", r"Compute is not a cost line", r"does not support the price",
    r"(?i)depends on the tail",
]

# And the worked example is never called diversified, funded or conventional.
ANTHROPIC_NEVER = [
    r"(?i)diversified compute", r"a diversified base", r"(?i)funded in every scenario", r"No scenario exhausts",
    r"(?i)conventional multiple", r"Compute is a manageable cost", r"No simulated path runs out of cash",
    r"is among its investors", r"(?i)little circular funding", r"The simulation supports the price",
]


def test_judgments_as_the_contract_says(anthropic, nordlicht):
    assert anthropic.model["judgments"] == {
        "multiple": "priced_for_perfection", "capital_intensity": "extreme", "circularity": "circular",
        "concentration": "single_provider", "liquidity": "squeeze", "terminal_value": "terminal_weighted",
        "funding": "self_funded", "valuation_odds": "tail_dependent"}
    judged = nordlicht.model["judgments"]
    assert {judged[k] for k in ("multiple", "capital_intensity", "circularity", "concentration", "liquidity")} == {
        "conventional", "moderate", "limited", "diversified", "funded"}


@pytest.mark.parametrize("stem", ["anthropic-2026", "nordlicht-2026"])
def test_cover_lists_the_model_judgments(briefs, stem):
    brief = briefs[stem]
    shown = [c.split("judgment-", 1)[1] for e in brief.doc.find("li")
             for c in (e.attrs.get("class") or "").split() if c.startswith("judgment-")]
    assert shown == list(brief.model["judgments"].values())


@pytest.mark.parametrize("source", SOURCES)
def test_anthropic_reads_concentrated_squeezed_and_circular(anthropic, source):
    text = _text(anthropic, source)
    assert missing(text, ANTHROPIC_SAYS) == []
    assert present(text, ANTHROPIC_NEVER) == []


@pytest.mark.parametrize("source", SOURCES)
def test_nordlicht_reads_diversified_and_funded(nordlicht, source):
    text = _text(nordlicht, source)
    assert missing(text, NORDLICHT_SAYS) == []
    assert present(text, NORDLICHT_NEVER) == []


def test_the_never_lists_can_match(anthropic, nordlicht):
    """The forbidden patterns are live: each list finds plenty in the other company's brief."""
    assert len(present(anthropic.html_text, NORDLICHT_NEVER)) >= 20
    assert len(present(nordlicht.html_text, ANTHROPIC_NEVER)) >= 8


# --- defects in what the reader sees ------------------------------------------------------------------------

@pytest.mark.parametrize("stem", [
    "anthropic-2026",
    "nordlicht-2026",  # monte_carlo.revenue_final_p5 is 999.82 EUR million: "€1 billion"
    "meridian-2026",
])
def test_money_never_shows_a_thousand_of_a_unit(briefs, stem):
    brief = briefs[stem]
    pattern = r"(?:[$€£¥]|[A-Z]{3} )\d{1,3}(?:,\d{3})+(?:\.\d+)? (?:thousand|million|billion)\b"
    assert re.findall(pattern, brief.html_text) == []
    assert re.findall(pattern, brief.prose("pdftotext")) == []


def test_money_chooses_its_unit_after_rounding():
    assert money_text(999.6, "EUR", "million") == "€1 billion"
    assert money_text(-999.82, "EUR", "million") == "-€1 billion"
    assert money_text(0.9996, "USD", "billion") == "$1 billion"
    assert money_text(999.4, "EUR", "million") == "€999 million"
    assert money_text(999.6, "EUR", "million", 2) == "€1 billion"


@pytest.mark.parametrize("stem", ["anthropic-2026", "nordlicht-2026"])
def test_appendix_null_reasons_read_once(briefs, stem):
    brief = briefs[stem]
    assert "is null:" in brief.html_text  # the appendix does explain its null figures
    assert re.findall(r"is null: (?:null|undefined): [^.]*", brief.html_text) == []


@pytest.mark.parametrize("stem", ["anthropic-2026", "nordlicht-2026", "meridian-2026"])
def test_cover_lowest_cash_base_case_within_its_simulated_range(briefs, stem):
    """The base path is an ordinary path of the simulation; its lowest cash, measured the same way,
    cannot lie above the 95th percentile when every path starts from the same cash on hand.

    cash_low counts today's cash on hand in the base case and in every simulated path alike (one
    definition). Nordlicht's base case never dips below its 310 million of cash on hand (years 1..H
    alone would give 460 million, above a range of 310 to 310)."""
    brief = briefs[stem]
    row = unmarked(next(line for line in html_lines(brief.html, root="header") if line.startswith("Lowest cash")))
    base = min([brief.model["inputs"]["cash_on_hand"]["value"], *brief.model["scenarios"]["base"]["cash"]])
    assert base == brief.model["scenarios"]["base"]["cash_low"]
    final_year = brief.model["scenarios"]["base"]["years"][-1]
    mc = brief.model["monte_carlo"]
    currency, unit = brief.model["company"]["currency"], brief.model["company"]["unit"]
    label, shown, simulated = row.split(" | ")
    assert (label, shown) == (f"Lowest cash, today to {final_year}", money_text(base, currency, unit)), row
    high = money_text(mc["cash_low_p95"], currency, unit)
    assert simulated == high or simulated.endswith(f" to {high}"), row  # one unit, said once, at the end
    assert mc["cash_low_p5"] <= base <= mc["cash_low_p95"], row


def test_no_negative_zero_in_a_brief(tmp_path):
    """A small adoption-plateau equity value against a much larger price rounds to zero at two
    decimals and must not read as a negative zero; and no equity value is ever printed negative."""
    from briefkit import ROOT, reportgen

    source = (ROOT / "inputs" / "anthropic-2026.yaml").read_text(encoding="utf-8")
    assert source.count("\n  post_money: 965 ") == 1
    path = tmp_path / "pricier-2026.yaml"
    path.write_text(source.replace("\n  post_money: 965 ", "\n  post_money: 20000 "), encoding="utf-8")
    run = reportgen("build", path, "--out", tmp_path / "out", "--format", "html")
    assert run.code == 0, str(run)
    html = (tmp_path / "out" / "pricier-2026" / "brief.html").read_text(encoding="utf-8")
    text = unmarked(" ".join(html_lines(html, root="body")))
    assert "equity value falls to $62.7 billion, 0.00x the price" in text  # the sentence is there
    assert re.findall(r"-0(?:\.0+)?(?:x|%)", text) == []
    assert "equity value turns negative" not in text


def test_filters_print_no_negative_zero():
    from reportgen.render.filters import multiple, pct

    assert str(multiple(-0.0031, 2)) == '<span class="fig">0.00x</span>'
    assert str(multiple(-0.031, 2)) == '<span class="fig">\u22120.03x</span>'  # a true minus sign
    assert str(pct(-0.0004, 1)) == '<span class="fig">0.0%</span>'
    assert str(pct(-0.0004, 1, signed=True)) == str(pct(0.0, 1, signed=True)) == '<span class="fig">+0.0%</span>'
    assert str(pct(-0.006, 1)) == '<span class="fig">\u22120.6%</span>'


@pytest.mark.parametrize("stem", [
    "anthropic-2026",
    "nordlicht-2026",  # the plateau turns free cash flow positive in 2027, as the base case does
])
def test_adoption_plateau_only_says_only_when_later(briefs, stem):
    brief = briefs[stem]
    scenarios = brief.model["scenarios"]
    plateau, base = scenarios["adoption_plateau"]["fcf_positive_year"], scenarios["base"]["fcf_positive_year"]
    text = brief.html_text
    assert "If enterprise adoption plateaus, with growth at" in text
    if plateau is not None and base is not None and plateau <= base:
        assert f"turns positive only in {plateau}" not in text
    else:
        assert f"turns positive only in {plateau}" in text  # later than the base case: "only" is right
