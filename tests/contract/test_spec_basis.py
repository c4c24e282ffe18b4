"""The basis of every input (reportgen.contract.basis): reported, estimate or assumption, with the default flag
and the covering source, as model.json's ``inputs`` shows them."""

from __future__ import annotations

import dataclasses

import pytest
from speckit import BASE, EXAMPLE, MINIMAL, accepted, changed

from reportgen.contract.basis import WEAKEST, InputEntry, input_entries, source_for, weakest
from reportgen.contract.schema import Source

EXAMPLE_SOURCED = {
    "valuation.post_money": "Reported valuation of the latest round",
    "valuation.latest_raise": "Reported size of the latest round",
    "revenue.run_rate": "Company-reported annualised revenue",
    "compute.providers.0.commitment": "Reported long-term cloud services agreement",
}


@pytest.fixture(scope="module")
def example():
    return accepted(EXAMPLE).input


def test_the_worked_example_four_sourced_fields_are_reported_and_the_rest_assumptions(example):
    entries = input_entries(example)
    reported = {path: entry.source for path, entry in entries.items() if entry.basis == "reported"}
    assert reported == EXAMPLE_SOURCED
    assert {entry.basis for path, entry in entries.items() if path not in EXAMPLE_SOURCED} == {"assumption"}
    assert all(entry.source is None and entry.date is None and entry.url is None
               for path, entry in entries.items() if path not in EXAMPLE_SOURCED)


def test_the_worked_example_defaults_are_flagged(example):
    entries = input_entries(example)
    defaults = {path for path, entry in entries.items() if entry.default}
    assert defaults == {
        "costs.tax_losses", "compute.providers.1.commitment", "compute.providers.1.years",
        "peers.0.cash_on_hand", "monte_carlo.growth_sd", "monte_carlo.price_spread", "monte_carlo.training_sd",
        "monte_carlo.rate_spread",
    }
    assert entries["monte_carlo.growth_sd"] == InputEntry(0.25, "assumption", True, None, None, None)
    assert entries["costs.tax_rate"] == InputEntry(0.21, "assumption", False, None, None, None)  # written
    assert entries["valuation.post_money"] == InputEntry(
        965.0, "reported", False, "Reported valuation of the latest round", None, None)


def test_the_worked_example_every_leaf_by_path(example):
    entries = input_entries(example)
    assert list(entries)[:8] == [
        "company.name", "company.as_of", "company.currency", "company.unit", "valuation.post_money",
        "valuation.latest_raise", "valuation.raise_from_cloud_investors", "cash_on_hand"]
    assert entries["company.as_of"].value == "2026-11-23"  # an ISO date string
    assert entries["compute.providers.0.share"].value == 0.8
    assert entries["compute.providers.0.investor"].value is True
    assert entries["peers.0.providers.1.name"].value == "Oracle Cloud"
    assert entries["dcf.horizon"] == InputEntry(10, "assumption", False, None, None, None)
    # no history, no peer growth, no scenario overrides; never the schema, sources, notes or commentary
    assert not {"revenue.history", "peers.0.growth_y1", "schema", "notes", "commentary"} & set(entries)
    assert not [path for path in entries if path.startswith(("scenarios", "sources", "commentary"))]
    assert len(entries) == 52


def test_a_file_that_leaves_sections_out_gets_them_as_defaults(write_spec):
    spec = accepted(write_spec(MINIMAL)[0]).input
    entries = input_entries(spec)
    assert entries["dcf.horizon"].default and entries["dcf.horizon"].value == 10
    assert entries["monte_carlo.seed"] == InputEntry(7, "assumption", True, None, None, None)
    assert not entries["revenue.run_rate"].default
    assert not [path for path in entries if path.startswith(("peers", "scenarios"))]


def test_scenario_overrides_appear_only_when_given(write_spec):
    entries = input_entries(accepted(write_spec(BASE)[0]).input)
    assert {path for path in entries if path.startswith("scenarios.")} == {
        "scenarios.bull.growth_factor", "scenarios.bull.price_decline_delta", "scenarios.adoption_plateau.fade"}
    assert entries["scenarios.bull.growth_factor"] == InputEntry(1.5, "assumption", False, None, None, None)
    assert entries["peers.0.growth_y1"].value == 0.8 and not entries["peers.0.growth_y1"].default


def test_a_source_of_the_mapping_form_gives_its_kind_date_and_url(write_spec):
    data = changed(sources={"cash_on_hand": {"text": "Analyst estimate", "kind": "estimate", "date": "2026-05-01",
                                             "url": "https://example.com/note"}})
    entry = input_entries(accepted(write_spec(data)[0]).input)["cash_on_hand"]
    assert entry == InputEntry(150.0, "estimate", False, "Analyst estimate", "2026-05-01",
                               "https://example.com/note")


def test_a_list_item_or_section_source_covers_every_field_under_it(write_spec):
    data = changed(sources={
        "compute.providers.0": {"text": "Contract", "kind": "reported"},
        "costs": {"text": "Our model", "kind": "estimate"},
        "costs.opex_share": "Filing",  # the exact key wins over its section
        "dcf": "House view",  # covers the defaults under it too
        "peers.0.providers": {"text": "Press", "kind": "estimate"},
    })
    del data["dcf"]
    spec = accepted(write_spec(data)[0]).input
    entries = input_entries(spec)
    assert {p: e.source for p, e in entries.items() if p.startswith("compute.providers.0.")} == dict.fromkeys(
        ["compute.providers.0.name", "compute.providers.0.share", "compute.providers.0.commitment",
         "compute.providers.0.years", "compute.providers.0.investor"], "Contract")
    assert entries["compute.providers.1.share"].basis == "assumption"
    assert entries["costs.training_spend"].basis == "estimate" and entries["costs.tax_rate"].source == "Our model"
    assert (entries["costs.opex_share"].basis, entries["costs.opex_share"].source) == ("reported", "Filing")
    assert (entries["dcf.horizon"].basis, entries["dcf.horizon"].default) == ("reported", True)
    assert entries["peers.0.providers.1.share"].basis == "estimate"
    assert entries["peers.0.name"].basis == "assumption"


def test_source_for_takes_the_exact_key_first_then_the_nearest_enclosing_path(write_spec):
    data = changed(sources={"compute": "A", "compute.providers": "B", "compute.providers.0": "C",
                            "compute.providers.0.share": "D"})
    spec = accepted(write_spec(data)[0]).input
    assert source_for(spec, "compute.providers.0.share") == Source(text="D")
    assert source_for(spec, "compute.providers.0.years") == Source(text="C")
    assert source_for(spec, "compute.providers.1.share") == Source(text="B")
    assert source_for(spec, "compute.price_decline") == Source(text="A")
    assert source_for(spec, "costs.tax_rate") is None
    # a prefix of a name is not an enclosing path
    spec = accepted(write_spec(changed(sources={"cash_on_hand": "X"}))[0]).input
    assert source_for(spec, "cash_on_hand_extra") is None


def test_weakest():
    assert WEAKEST == ("assumption", "estimate", "reported")
    assert weakest(["reported", "estimate", "reported"]) == "estimate"
    assert weakest(["reported"]) == "reported"
    assert weakest(iter(["reported", "assumption", "estimate"])) == "assumption"
    assert weakest([]) == "assumption"
    with pytest.raises(ValueError):
        weakest(["rumour"])


def test_entries_are_frozen(example):
    entry = input_entries(example)["cash_on_hand"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.basis = "reported"  # type: ignore[misc]
