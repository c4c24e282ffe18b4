"""Hardening of names and amounts (issue 16, input side): disguised duplicates, invisible and format
characters, line separators, names that read as figures, amounts too small or too large to show, and the
exact bound of the seed. Each problem is a located error."""

from __future__ import annotations

import unicodedata

import pytest
from speckit import BASE, Raw, accepted, changed, problems_of

from reportgen.contract.names import fold_key, looks_like_figure, same_name, skeleton

NAME_FIELDS = ["company.name", "compute.providers.0.name", "peers.0.name", "peers.0.providers.0.name"]
AWS = "Amazon Web Services"

DISGUISES = {
    "case and spaces": "amazon  web services ",
    "fullwidth letters": "Ａｍａｚｏｎ Web Services",
    "Cyrillic a": "\u0410mazon Web Services",
    "Cyrillic o and e": "Amaz\u043en W\u0435b Services",
    "Greek omicron": "Amaz\u03bfn Web Services",
    "Cyrillic capitals": "AMAZ\u041eN WEB SERVICES",
    "NFD accents": unicodedata.normalize("NFD", "Amazón Web Services"),
}


def _providers(*names):
    return [{"name": name, "share": 1.0} for name in names]


@pytest.mark.parametrize("disguise", list(DISGUISES))
def test_a_disguised_duplicate_provider_is_refused(write_spec, disguise):
    first = "Amazón Web Services" if disguise == "NFD accents" else AWS
    path, where = write_spec(changed(compute__providers=_providers(first, "Google Cloud", DISGUISES[disguise])))
    [problem] = problems_of(path)
    assert (problem.line, problem.field) == (where["compute.providers.2.name"], "compute.providers.2.name")
    assert problem.message.startswith(f"provider {DISGUISES[disguise]!r} is listed twice")


def test_a_disguised_duplicate_says_which_name_it_reads_as(write_spec):
    path, _ = write_spec(changed(compute__providers=_providers(AWS, DISGUISES["Cyrillic a"])))
    [problem] = problems_of(path)
    assert problem.message == f"provider {DISGUISES['Cyrillic a']!r} is listed twice: it reads as {AWS!r} (item 0)"


def test_a_disguised_duplicate_peer_provider_is_refused(write_spec):
    data = changed(peers__0__providers=_providers("Gamma", "Ｇａｍｍａ"))
    path, where = write_spec(data)
    [problem] = problems_of(path)
    assert (problem.line, problem.field) == (where["peers.0.providers.1.name"], "peers.0.providers.1.name")


@pytest.mark.parametrize("char", ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufe0f", "\U000e0041",
                                  "\U000e0001", "\u034f", "\u180e", "\u3164"])
@pytest.mark.parametrize("field", NAME_FIELDS)
def test_invisible_characters_in_a_name_are_refused(write_spec, field, char):
    path, where = write_spec(changed(**{field.replace(".", "__"): f"Amazon{char} Web Services"}))
    [problem] = problems_of(path)
    assert (problem.line, problem.field) == (where[field], field)
    assert problem.message.startswith(f"contains an invisible or format character (U+{ord(char):04X}")
    assert problem.hint == "names must be visible text"


@pytest.mark.parametrize("char", ["\u2028", "\u2029"])
@pytest.mark.parametrize("field", [*NAME_FIELDS, "sources.cash_on_hand", "sources.cash_on_hand.text",
                                   "sources.cash_on_hand.url"])
def test_line_and_paragraph_separators_in_single_line_text_are_refused(write_spec, field, char):
    data = changed(**{field.replace(".", "__"): f"Line{char}break"})
    if field == "sources.cash_on_hand.url":
        data["sources"]["cash_on_hand"] = {"text": "Filing", "url": f"https://example.com/{char}"}
    path, where = write_spec(data)
    [problem] = problems_of(path)
    assert (problem.line, problem.field) == (where[field], field)
    assert problem.message == (f"contains a line or paragraph separator (U+{ord(char):04X}); "
                               "this text is a single line")


@pytest.mark.parametrize("char", ["\u0085", "\u000b", "\u000c", "\u001f", "\u007f", "\u0090"])
def test_other_control_characters_in_a_name_are_refused(write_spec, char):
    # written as YAML escapes: raw, YAML itself refuses some of them (and reads U+0085 as a line break)
    path, where = write_spec(changed(compute__providers__1__name=Raw(f'"Beta\\u{ord(char):04x}Cloud"')))
    [problem] = problems_of(path)
    assert (problem.line, problem.field, problem.message) == (
        where["compute.providers.1.name"], "compute.providers.1.name",
        f"contains a control character (U+{ord(char):04X})")


@pytest.mark.parametrize("char", ["\ue000", "\u0600"])  # private use; an Arabic number sign (format)
def test_private_use_and_format_characters_in_a_name_are_refused(write_spec, char):
    path, _ = write_spec(changed(company__name=f"Name {char}"))
    [problem] = problems_of(path)
    assert problem.field == "company.name" and problem.message.startswith("contains an invisible or format")


def test_two_peers_with_one_name_are_refused(write_spec):
    peer = BASE["peers"][0]
    path, where = write_spec(changed(peers=[peer, dict(peer, name="PEER ONE")]))
    [problem] = problems_of(path)
    assert (problem.line, problem.field, problem.message) == (
        where["peers.1.name"], "peers.1.name", "peer 'PEER ONE' is listed twice")


@pytest.mark.parametrize("name", ["Test Co", "test co", "Ｔｅｓｔ Ｃｏ", "T\u0435st Co"])
def test_a_peer_named_like_the_company_is_refused(write_spec, name):
    path, where = write_spec(changed(peers__0__name=name))
    [problem] = problems_of(path)
    assert (problem.line, problem.field) == (where["peers.0.name"], "peers.0.name")
    assert problem.message == f"peer {name!r} is the company itself ('Test Co'); a company is not its own peer"


def test_a_provider_may_share_a_name_with_a_peers_provider(write_spec):
    assert accepted(write_spec(changed())[0])  # BASE: Alpha Cloud in both lists


@pytest.mark.parametrize("name", ["12.5%", "$965 billion", "1,200", "965", "2026", "USD 1.2bn", "€ 12.5m",
                                  "965 USD", "40 bps", "-5", "1 200", "０.５"])
@pytest.mark.parametrize("field", NAME_FIELDS)
def test_a_name_that_reads_as_a_figure_is_refused(write_spec, field, name):
    path, where = write_spec(changed(**{field.replace(".", "__"): name}))
    [problem] = problems_of(path)
    assert (problem.line, problem.field, problem.message, problem.hint) == (
        where[field], field, "looks like a figure, not a name", "write the name; figures belong in their fields")


@pytest.mark.parametrize("name", ["3M", "7-Eleven", "Area 51", "ABC 7", "Web3", "Route 66 Cloud", "1:30",
                                  "2026-01-01", "1_000", "Studio 54"])
def test_names_with_digits_are_still_names(write_spec, name):
    assert accepted(write_spec(changed(company__name=name))[0]).input.company.name == name


def test_a_120_character_unbroken_name_is_allowed():
    assert not looks_like_figure("N" * 120)  # rendering wraps it; the contract allows it


def test_name_keys():
    assert fold_key("  Amazon\tWeb  Services ") == "amazon web services"
    assert skeleton("\u0410WS") == skeleton("AWS") == "aws"
    assert skeleton("Mode\u0433n") == skeleton("Modern") == "modem"  # r n reads as m (TR39)
    assert same_name("Ｇｏｏｇｌｅ", "google") and same_name("AI Labs", "ai labs") and same_name("AI Labs", "Al Labs")
    assert not same_name("Google Cloud", "Microsoft Azure") and not same_name("Cloud 1", "Cloud 2")


# --- amounts that cannot be shown ---------------------------------------------------------------------------

MONEY = ["valuation.post_money", "valuation.latest_raise", "cash_on_hand", "revenue.run_rate",
         "costs.training_spend", "costs.tax_losses", "compute.providers.0.commitment", "peers.0.post_money",
         "peers.0.run_rate", "peers.0.cash_on_hand"]


@pytest.mark.parametrize("value", [1e-300, 5e-324, 9.99e-7])
@pytest.mark.parametrize("field", MONEY)
def test_an_amount_too_small_to_show_is_refused(write_spec, field, value):
    path, where = write_spec(changed(**{field.replace(".", "__"): value}))
    [problem] = problems_of(path)
    assert (problem.line, problem.field, problem.got) == (where[field], field, repr(value))
    assert problem.message == "is too small to show: an amount other than 0 must be at least 0.000001 of the unit"
    assert problem.hint == "write 0, or use a smaller unit"


@pytest.mark.parametrize("value", [1e300, 1.0000000000000002e15, 1e16])
@pytest.mark.parametrize("field", MONEY)
def test_an_amount_too_large_to_show_is_refused(write_spec, field, value):
    path, where = write_spec(changed(**{field.replace(".", "__"): value}))
    [problem] = problems_of(path)
    assert (problem.line, problem.field) == (where[field], field)
    assert problem.message == ("is too large to show: an amount must be at most 10^15 (1,000,000,000,000,000) "
                               "of the unit")
    assert problem.hint == "use a larger unit"


@pytest.mark.parametrize("value", [1e-6, 1e15, 0.5, 123456789.0])
@pytest.mark.parametrize("field", MONEY)
def test_amounts_at_the_edges_are_accepted(write_spec, field, value):
    data = changed(**{field.replace(".", "__"): value})
    if field == "valuation.post_money":
        data["valuation"]["latest_raise"] = min(value, 100.0)
    assert accepted(write_spec(data)[0])


def test_zero_is_an_amount_where_the_contract_allows_it(write_spec):
    spec = accepted(write_spec(changed(cash_on_hand=0.0, costs__tax_losses=0, peers__0__cash_on_hand=0.0))[0])
    assert spec.input.cash_on_hand == 0.0


def test_a_negative_tiny_amount_is_out_of_range_not_too_small(write_spec):
    path, _ = write_spec(changed(cash_on_hand=-1e-300))
    [problem] = problems_of(path)
    assert problem.message == "must be at least 0"


# --- the seed's bound -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("written", [2**63, 2**63 + 1, 10**19])
def test_a_seed_past_its_bound_states_the_real_bound(write_spec, written):
    path, where = write_spec(changed(monte_carlo__seed=written))
    [problem] = problems_of(path)
    assert (problem.line, problem.field, problem.got) == (where["monte_carlo.seed"], "monte_carlo.seed", str(written))
    assert problem.message == "must be between 0 and 9,223,372,036,854,775,807"


def test_the_largest_seed_is_accepted(write_spec):
    assert accepted(write_spec(changed(monte_carlo__seed=2**63 - 1))[0]).input.monte_carlo.seed == 2**63 - 1
