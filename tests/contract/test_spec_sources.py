"""``sources`` (v2): text, or a mapping {text, kind, date, url}; keys name a field, a list item or a section.
Every problem is located at the line the test's own writer put it on."""

from __future__ import annotations

import datetime as dt

import pytest
from speckit import Raw, accepted, changed, problems_of

from reportgen.contract.schema import Source


def _sources(write_spec, sources):
    return write_spec(changed(sources=sources))


def test_text_is_a_reported_source(write_spec):
    spec = accepted(_sources(write_spec, {"cash_on_hand": "Balance sheet"})[0]).input
    assert spec.sources == {"cash_on_hand": Source(text="Balance sheet", kind="reported", date=None, url=None)}


def test_the_mapping_form_is_normalised_into_a_source(write_spec):
    spec = accepted(_sources(write_spec, {
        "cash_on_hand": {"text": "Analyst estimate", "kind": "estimate", "date": dt.date(2026, 5, 1),
                         "url": "https://example.com/a?b=c#d"},
        "valuation": {"text": "Round announcement"},  # kind defaults to reported
    })[0]).input
    assert spec.sources["cash_on_hand"] == Source(text="Analyst estimate", kind="estimate",
                                                  date=dt.date(2026, 5, 1), url="https://example.com/a?b=c#d")
    assert spec.sources["valuation"] == Source(text="Round announcement", kind="reported")
    with pytest.raises(Exception):  # noqa: B017  (frozen)
        spec.sources["valuation"].kind = "estimate"  # type: ignore[misc]


@pytest.mark.parametrize(("value", "field", "message"), [
    ({"kind": "estimate"}, "text", "is required"),
    ({"text": ""}, "text", "must be 1 to 1,000 characters long"),
    ({"text": "s" * 1001}, "text", "must be 1 to 1,000 characters long"),
    ({"text": "x", "kind": "rumour"}, "kind", "must be one of reported or estimate"),
    ({"text": "x", "kind": "Reported"}, "kind", "must be one of reported or estimate"),
    ({"text": "x", "date": "2026-02-30"}, "date", "is not a real calendar date"),
    ({"text": "x", "date": "May 2026"}, "date", "must be a date written YYYY-MM-DD"),
    ({"text": "x", "url": "ftp://example.com/a"}, "url", "must be an http or https URL"),
    ({"text": "x", "url": "javascript:alert(1)"}, "url", "must be an http or https URL"),
    ({"text": "x", "url": "example.com/a"}, "url", "must be an http or https URL"),
    ({"text": "x", "url": "https://user:secret@example.com/"}, "url", "must not carry a user name or password"),
    ({"text": "x", "url": "https://user@example.com/"}, "url", "must not carry a user name or password"),
    ({"text": "x", "url": "https://example.com/a b"}, "url",
     "must be a URL without spaces or invisible characters"),
    ({"text": "x", "url": "https:///nohost"}, "url", "must name a host, e.g. https://example.com/report.pdf"),
    ({"text": "x", "url": "https://example.com:99999/"}, "url", "is not a valid URL"),
    ({"text": "x", "url": "https://example.com/" + "a" * 1981}, "url", "must be 1 to 2,000 characters long"),
    ({"text": "x", "link": "https://example.com"}, "link", "unknown field"),
    ({"text": "x\u2028y"}, "text", "contains a line or paragraph separator (U+2028); this text is a single line"),
])
def test_a_bad_source_mapping_is_located_at_its_field(write_spec, value, field, message):
    path, where = _sources(write_spec, {"cash_on_hand": value})
    [problem] = problems_of(path)
    expected = f"sources.cash_on_hand.{field}"
    line = where.get(expected, where["sources.cash_on_hand"])
    assert (problem.line, problem.field, problem.message) == (line, expected, message)


def test_a_url_of_2000_characters_is_accepted(write_spec):
    url = "https://example.com/" + "a" * 1980
    assert len(url) == 2000
    spec = accepted(_sources(write_spec, {"cash_on_hand": {"text": "x", "url": url}})[0]).input
    assert spec.sources["cash_on_hand"].url == url


@pytest.mark.parametrize(("written", "message"), [
    ("12", "must be text"),
    ("true", "must be text"),
    ("null", "must be text"),
    ("[a, b]", "must be text or a mapping {text, kind, date, url}"),
])
def test_a_source_that_is_neither_text_nor_a_mapping_is_refused(write_spec, written, message):
    path, where = _sources(write_spec, {"cash_on_hand": Raw(written)})
    [problem] = problems_of(path)
    assert (problem.line, problem.field, problem.message) == (
        where["sources.cash_on_hand"], "sources.cash_on_hand", message)


@pytest.mark.parametrize("key", [
    "costs", "compute", "compute.providers", "compute.providers.1", "peers", "peers.0", "peers.0.providers",
    "peers.0.providers.1", "dcf", "monte_carlo", "scenarios", "scenarios.bull", "company", "valuation",
])
def test_a_key_may_name_a_section_or_a_list_item(write_spec, key):
    spec = accepted(_sources(write_spec, {key: {"text": "Covers it all", "kind": "estimate"}})[0]).input
    assert spec.sources[key].kind == "estimate"


@pytest.mark.parametrize("key", ["dcf", "monte_carlo", "scenarios.base", "peers"])
def test_a_key_may_name_a_section_left_to_its_defaults(write_spec, key):
    data = changed(sources={key: "House view"})
    del data[key.split(".")[0]]
    assert accepted(write_spec(data)[0]).input.sources[key].text == "House view"


@pytest.mark.parametrize("key", [
    "compute.providers.2",  # no third provider
    "peers.1",  # no second peer
    "peers.0.providers.2",
    "compute.providers.00",  # not how an index is written
    "compute.providers.01.share",
    "compute.providers.\u0660",  # an Arabic-Indic zero is not an index
    "costs.0",  # not a list
    "compute.0",
    "commentary",  # prose, not an input
    "commentary.summary",
    "notes",
    "compute..providers",
    ".costs",
    "costs.",
    "revenue.grwth",  # a key the contract does not know, written or not
])
def test_a_key_naming_no_field_list_item_or_section_is_refused(write_spec, key):
    path, where = _sources(write_spec, {"cash_on_hand": "Balance sheet", key: "A note"})
    assert [str(p) for p in problems_of(path)] == [
        f"{path}:{where['sources.' + key]}: sources.{key}: names no field of this input; "
        "keys are field paths such as valuation.post_money, compute.providers.0 or costs"]


def test_a_source_on_an_unknown_written_key_is_refused_with_it(write_spec):
    path, where = write_spec(changed(revenue__grwth=0.1, sources={"revenue.grwth": "Typo"}))
    assert sorted((p.line, p.field, p.message) for p in problems_of(path)) == sorted([
        (where["revenue.grwth"], "revenue.grwth", "unknown field"),
        (where["sources.revenue.grwth"], "sources.revenue.grwth", "names no field of this input"),
    ])


def test_every_source_problem_is_reported_at_once(write_spec):
    path, where = _sources(write_spec, {
        "cash_on_hand": {"text": "x", "kind": "rumour"},
        "valuation.post_money": {"text": "y", "url": "ftp://a/b"},
        "nowhere": "z",
    })
    assert sorted((p.line, p.field) for p in problems_of(path)) == sorted([
        (where["sources.cash_on_hand.kind"], "sources.cash_on_hand.kind"),
        (where["sources.valuation.post_money.url"], "sources.valuation.post_money.url"),
        (where["sources.nowhere"], "sources.nowhere"),
    ])
