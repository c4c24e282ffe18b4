"""model.json (MODEL.md v2 section 4): the contract's keys exactly, inputs with their basis,
provenance for every figure with the weakest basis of its inputs, sources from the input, no NaN or
Infinity, and byte-identical output from run to run."""

from __future__ import annotations

import json

import pytest
from modelkit import ALL_INPUTS, EXAMPLE, SCENARIOS, all_finite, variant

from reportgen.contract.load import load_spec
from reportgen.model.run import run_model

SCHEMA = "reportgen.model/v2"
# MODEL.md section 4, in its order; reportgen's additions follow them
CONTRACT_KEYS = ["schema", "company", "metrics", "peers", "scenarios", "reverse_dcf", "sensitivity",
                 "monte_carlo", "valuation_summary", "judgments", "earliest_squeeze", "inputs", "provenance"]
ADDITIONS = {"providers", "history", "notes", "commentary", "changes"}
SCENARIO_KEYS = ["years", "revenue", "compute_cost", "opex", "ebit", "tax", "fcf", "cash", "squeeze_year",
                 "fcf_positive_year", "cash_low", "funding_need", "dilution", "dcf_equity", "equity_value",
                 "tv_share", "value_to_price"]
SERIES = ("years", "revenue", "compute_cost", "opex", "ebit", "tax", "fcf", "cash")
SCENARIO_FIGURES = [k for k in SCENARIO_KEYS if k not in SERIES]
PEER_KEYS = ["name", "valuation_multiple", "ev_to_forward_revenue", "hhi", "provider_count", "implied_value"]
# MODEL.md section 2's headline metrics, in its order
METRICS = ["valuation_multiple", "raise_to_revenue", "compute_spend", "capital_intensity",
           "investor_provider_share", "recycled_share", "enterprise_value_at_price", "ev_to_forward_revenue",
           "circular_commitment_ratio", "commitment_total", "commitment_to_revenue", "lock_in_years", "hhi",
           "provider_count", "contribution_margin"]
MONTE_CARLO = {"paths", "seed", "equity_p5", "equity_p50", "equity_p95", "prob_value_ge_price", "prob_squeeze",
               "prob_zero_value", "cash_low_p5", "cash_low_p50", "cash_low_p95", "funding_need_p50",
               "funding_need_p95"}
SUMMARY_METHODS = ["dcf_scenarios", "monte_carlo", "peer_multiples", "latest_round"]
INPUT_KEYS = {"value", "basis", "default", "source", "date", "url"}
PROVENANCE_KEYS = {"formula", "inputs", "basis", "sources"}
BASES = ("assumption", "estimate", "reported")  # weakest first
JUDGMENT_WORDS = {
    "multiple": {"priced_for_perfection", "premium", "conventional"},
    "capital_intensity": {"extreme", "heavy", "moderate"},
    "circularity": {"circular", "partly_circular", "limited"},
    "concentration": {"single_provider", "concentrated", "diversified"},
    "liquidity": {"squeeze", "funded"},
    # no_positive_value: MODEL.md's reading of a null base tv_share
    "terminal_value": {"terminal_dominated", "terminal_weighted", "cash_flow_backed", "no_positive_value"},
    "funding": {"self_funded", "modest_raise", "dilutive"},
    "valuation_odds": {"tail_dependent", "plausible", "supported"},
}


@pytest.fixture(scope="module", params=ALL_INPUTS)
def document(request, load_input):
    spec, model = load_input(request.param)
    return spec, json.loads(model.to_json_bytes())


def test_top_level_keys(document):
    _, doc = document
    assert list(doc)[:len(CONTRACT_KEYS)] == CONTRACT_KEYS
    assert set(doc) - set(CONTRACT_KEYS) <= ADDITIONS
    assert doc["schema"] == SCHEMA


def test_company_identity(document):
    spec, doc = document
    company = spec.input.company
    assert doc["company"]["name"] == company.name
    assert doc["company"]["as_of"] == company.as_of.isoformat()
    assert doc["company"]["currency"] == company.currency
    assert doc["company"]["unit"] == company.unit


def test_metrics_are_the_contracts_exactly(document):
    _, doc = document
    assert list(doc["metrics"]) == METRICS
    for value in doc["metrics"].values():
        assert value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def test_peers(document):
    spec, doc = document
    assert [p["name"] for p in doc["peers"]] == [p.name for p in spec.input.peers]
    for peer, given in zip(doc["peers"], spec.input.peers, strict=True):
        assert list(peer)[:len(PEER_KEYS)] == PEER_KEYS
        assert set(peer) - set(PEER_KEYS) <= {"providers"}
        assert peer["provider_count"] == len(given.providers)
        assert peer["valuation_multiple"] == pytest.approx(given.post_money / given.run_rate, rel=1e-11)
        assert peer["implied_value"] == pytest.approx(
            given.post_money / given.run_rate * spec.input.revenue.run_rate, rel=1e-11)
        if given.growth_y1 is None:
            assert peer["ev_to_forward_revenue"] is None
        else:
            assert peer["ev_to_forward_revenue"] == pytest.approx(
                (given.post_money - given.cash_on_hand) / (given.run_rate * (1 + given.growth_y1)), rel=1e-11)


def test_scenarios(document):
    spec, doc = document
    horizon = spec.input.dcf.horizon
    assert list(doc["scenarios"]) == list(SCENARIOS)
    for name, scenario in doc["scenarios"].items():
        assert list(scenario)[:len(SCENARIO_KEYS)] == SCENARIO_KEYS, name
        assert set(scenario) - set(SCENARIO_KEYS) <= {"parameters"}, name
        for series in SERIES:
            assert len(scenario[series]) == horizon, (name, series)
        for key in ("squeeze_year", "fcf_positive_year"):
            assert scenario[key] is None or scenario[key] in scenario["years"]
        assert scenario["equity_value"] == max(0.0, scenario["dcf_equity"])
        assert scenario["funding_need"] >= 0 and 0 <= scenario["dilution"] < 1
        assert scenario["cash_low"] <= spec.input.cash_on_hand


def test_reverse_dcf_sensitivity_monte_carlo_shapes(document):
    spec, doc = document
    if doc["reverse_dcf"] is not None:
        assert set(doc["reverse_dcf"]) == {"implied_growth_factor", "implied_growth_y1", "implied_cagr"}
    assert set(doc["sensitivity"]) == {"training_growth", "growth_factor", "value_to_price"}
    mc = doc["monte_carlo"]
    assert set(mc) >= MONTE_CARLO
    assert mc["paths"] == spec.input.monte_carlo.paths
    assert mc["seed"] == spec.input.monte_carlo.seed
    assert 0 <= mc["equity_p5"] <= mc["equity_p50"] <= mc["equity_p95"]
    assert mc["cash_low_p5"] <= mc["cash_low_p50"] <= mc["cash_low_p95"] <= spec.input.cash_on_hand
    assert 0 <= mc["funding_need_p50"] <= mc["funding_need_p95"]
    for key in ("prob_value_ge_price", "prob_squeeze", "prob_zero_value"):
        assert 0 <= mc[key] <= 1, key


def test_valuation_summary(document):
    spec, doc = document
    rows = doc["valuation_summary"]
    assert [r["method"] for r in rows] == SUMMARY_METHODS
    for row in rows:
        assert set(row) == {"method", "low", "high"}
    by = {r["method"]: r for r in rows}
    values = [s["equity_value"] for s in doc["scenarios"].values()]
    assert (by["dcf_scenarios"]["low"], by["dcf_scenarios"]["high"]) == (min(values), max(values))
    mc = doc["monte_carlo"]
    assert (by["monte_carlo"]["low"], by["monte_carlo"]["high"]) == (mc["equity_p5"], mc["equity_p95"])
    implied = [p["implied_value"] for p in doc["peers"]]
    assert (by["peer_multiples"]["low"], by["peer_multiples"]["high"]) == (
        (min(implied), max(implied)) if implied else (None, None))
    post_money = spec.input.valuation.post_money
    assert (by["latest_round"]["low"], by["latest_round"]["high"]) == (post_money, post_money)


def test_judgments_and_earliest_squeeze(document):
    _, doc = document
    assert list(doc["judgments"]) == list(JUDGMENT_WORDS)
    for name, word in doc["judgments"].items():
        assert word in JUDGMENT_WORDS[name], (name, word)
    earliest = doc["earliest_squeeze"]
    squeezes = {n: s["squeeze_year"] for n, s in doc["scenarios"].items() if s["squeeze_year"]}
    if squeezes:
        year, scenario = earliest
        assert year == min(squeezes.values()) and squeezes[scenario] == year
        assert doc["judgments"]["liquidity"] == "squeeze"
    else:
        assert earliest is None
        assert doc["judgments"]["liquidity"] == "funded"


def test_inputs_entries(document):
    spec, doc = document
    inputs = doc["inputs"]
    assert inputs
    for path, entry in inputs.items():
        assert set(entry) == INPUT_KEYS, path
        assert entry["basis"] in BASES, path
        assert isinstance(entry["default"], bool), path
        for key in ("source", "date", "url"):
            assert entry[key] is None or isinstance(entry[key], str), (path, key)
        if entry["source"] is None:
            assert entry["basis"] == "assumption", path  # nothing covers it: an assumption
    # every number the model reads is there, with its value
    data = spec.input
    for path, value in (("valuation.post_money", data.valuation.post_money),
                        ("revenue.run_rate", data.revenue.run_rate), ("cash_on_hand", data.cash_on_hand),
                        ("costs.tax_losses", data.costs.tax_losses), ("dcf.horizon", data.dcf.horizon),
                        ("monte_carlo.rate_spread", data.monte_carlo.rate_spread)):
        assert inputs[path]["value"] == value, path
    for i, provider in enumerate(data.compute.providers):
        assert inputs[f"compute.providers.{i}.share"]["value"] == provider.share


def test_inputs_of_the_example(example_json):
    inputs = example_json["inputs"]
    assert inputs["valuation.post_money"] == {"value": 965.0, "basis": "reported", "default": False,
                                              "source": "Reported valuation of the latest round",
                                              "date": None, "url": None}
    assert inputs["revenue.growth_y1"]["basis"] == "assumption"
    assert inputs["costs.tax_losses"]["value"] == 0 and inputs["costs.tax_losses"]["default"] is True
    assert inputs["compute.providers.0.commitment"]["source"] == "Reported long-term cloud services agreement"


def _resolves(path: str, dump: dict) -> bool:
    node = dump
    for part in path.split("."):
        if isinstance(node, list | tuple):
            if not part.isdigit() or int(part) >= len(node):
                return False
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return False
    return True


def _covered(path: str, inputs: dict) -> list[dict]:
    if path in inputs:
        return [inputs[path]]
    return [entry for key, entry in inputs.items() if key.startswith(path + ".")]


def _check_provenance(key: str, entry: dict, doc: dict, dump: dict, value) -> None:
    assert PROVENANCE_KEYS <= set(entry) <= PROVENANCE_KEYS | {"reason"}, key
    assert isinstance(entry["formula"], str) and entry["formula"], key
    assert isinstance(entry["inputs"], list) and entry["inputs"], key
    assert entry["basis"] in BASES, key
    assert isinstance(entry["sources"], list) and all(isinstance(s, str) for s in entry["sources"]), key
    covered = []
    for path in entry["inputs"]:
        # a scenario's inputs name its override section, which the file may not write
        if not path.startswith("scenarios.") and path != "peers":
            assert _resolves(path, dump), f"{key}: input {path!r} is not a field of the input"
        covered.append(_covered(path, doc["inputs"]))
    # the weakest basis of its inputs; a path nothing was written for rests on an assumption
    bases = [e["basis"] for c in covered for e in c] + ["assumption" for c in covered if not c]
    assert entry["basis"] == min(bases, key=BASES.index), key
    sources = {e["source"] for c in covered for e in c if e["source"] is not None}
    assert set(entry["sources"]) == sources, key
    if value is None:
        assert entry.get("reason"), key


def test_provenance_for_every_metric(document):
    spec, doc = document
    dump = spec.input.model_dump(by_alias=True)
    for key, value in doc["metrics"].items():
        _check_provenance(key, doc["provenance"][key], doc, dump, value)


def test_provenance_for_scenario_figures(document):
    spec, doc = document
    dump = spec.input.model_dump(by_alias=True)
    for name in SCENARIOS:
        for key in SCENARIO_KEYS[1:]:
            value = doc["scenarios"][name][key]
            if isinstance(value, list):
                value = None if None in value else value
            _check_provenance(f"scenarios.{name}.{key}", doc["provenance"][f"scenarios.{name}.{key}"], doc,
                              dump, value)


def test_provenance_for_monte_carlo_summary_and_reverse_dcf(document):
    spec, doc = document
    dump = spec.input.model_dump(by_alias=True)
    for key in MONTE_CARLO - {"paths", "seed"}:
        _check_provenance(f"monte_carlo.{key}", doc["provenance"][f"monte_carlo.{key}"], doc, dump,
                          doc["monte_carlo"][key])
    for row in doc["valuation_summary"]:
        key = f"valuation_summary.{row['method']}"
        _check_provenance(key, doc["provenance"][key], doc, dump, row["low"])
    for key in ("implied_growth_factor", "implied_growth_y1", "implied_cagr"):
        value = None if doc["reverse_dcf"] is None else doc["reverse_dcf"][key]
        _check_provenance(f"reverse_dcf.{key}", doc["provenance"][f"reverse_dcf.{key}"], doc, dump, value)


def test_sources_from_the_input_appear(example_json):
    provenance = example_json["provenance"]
    assert provenance["valuation_multiple"]["sources"] == ["Reported valuation of the latest round",
                                                           "Company-reported annualised revenue"]
    assert provenance["valuation_multiple"]["basis"] == "reported"
    assert "Reported size of the latest round" in provenance["raise_to_revenue"]["sources"]
    assert "Reported long-term cloud services agreement" in provenance["commitment_total"]["sources"]
    assert "Reported valuation of the latest round" in provenance["scenarios.base.value_to_price"]["sources"]
    # no source given for any of its inputs: an assumption
    assert provenance["contribution_margin"]["sources"] == []
    assert provenance["contribution_margin"]["basis"] == "assumption"
    assert provenance["scenarios.base.equity_value"]["basis"] == "assumption"


def test_a_source_for_a_whole_section_covers_its_fields(load_input):
    _, model = load_input("meridian-2026")
    # meridian gives its source for "compute.providers.0" as a whole
    assert "Company statement on the Google Cloud partnership" in model.provenance["hhi"].sources
    assert model.inputs["compute.providers.0.share"].source == "Company statement on the Google Cloud partnership"


def test_a_metric_of_estimates_is_an_estimate_and_one_of_reports_is_reported():
    data = variant({"sources": {
        "valuation.post_money": {"text": "Press estimate", "kind": "estimate", "date": "2026-11-01",
                                 "url": "https://example.com/round"},
        "revenue.run_rate": "Company-reported annualised revenue",
        "valuation.latest_raise": "Reported size of the latest round"}})
    model = run_model(data)
    entry = model.inputs["valuation.post_money"]
    assert (entry.basis, entry.source, entry.date, entry.url) == (
        "estimate", "Press estimate", "2026-11-01", "https://example.com/round")
    assert model.provenance["valuation_multiple"].basis == "estimate"  # reported x estimate
    assert model.provenance["raise_to_revenue"].basis == "reported"  # reported x reported
    assert model.provenance["hhi"].basis == "assumption"


def test_two_runs_are_byte_identical():
    first = run_model(load_spec(str(EXAMPLE))).to_json_bytes()
    second = run_model(load_spec(str(EXAMPLE))).to_json_bytes()
    assert first == second


def test_every_number_is_finite(document):
    _, doc = document
    assert all_finite(doc) == []


def test_bytes_have_no_nan_or_infinity(example_model):
    raw = example_model.to_json_bytes()
    assert raw.endswith(b"\n")
    text = raw.decode("utf-8")
    assert "NaN" not in text and "Infinity" not in text
    document = json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in model.json"))
    assert document == example_model.to_json()
    assert all_finite(document) == []
