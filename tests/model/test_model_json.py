"""model.json (MODEL.md section 4): the contract's keys, provenance for every metric, sources from
the input, and byte-identical output from run to run."""

from __future__ import annotations

import json

import pytest
from modelkit import ALL_INPUTS, EXAMPLE, SCENARIOS

from reportgen.model.run import run_model
from reportgen.spec.load import load_spec

TOP_LEVEL = {"schema", "company", "metrics", "peers", "scenarios", "reverse_dcf", "sensitivity",
             "monte_carlo", "judgments", "earliest_squeeze", "provenance"}
SCENARIO_KEYS = {"years", "revenue", "compute_cost", "fcf", "cash", "squeeze_year", "fcf_positive_year",
                 "equity_value", "tv_share", "value_to_price"}
METRICS = {"valuation_multiple", "raise_to_revenue", "compute_spend", "capital_intensity", "recycled_share",
           "circular_commitment_ratio", "commitment_total", "commitment_to_revenue", "lock_in_years", "hhi",
           "provider_count", "contribution_margin"}
JUDGMENT_WORDS = {
    "multiple": {"priced_for_perfection", "premium", "conventional"},
    "capital_intensity": {"extreme", "heavy", "moderate"},
    "circularity": {"circular", "partly_circular", "limited"},
    "concentration": {"single_provider", "concentrated", "diversified"},
    "liquidity": {"squeeze", "funded"},
    # no_positive_value: reportgen's word when base tv_share is null (MODEL.md has no band for it)
    "terminal_value": {"terminal_dominated", "cash_flow_backed", "no_positive_value"},
    "valuation_odds": {"tail_dependent", "plausible", "supported"},
}


@pytest.fixture(scope="module", params=ALL_INPUTS)
def document(request, load_input):
    spec, model = load_input(request.param)
    return spec, json.loads(model.to_json_bytes())


def test_top_level_keys(document):
    _, doc = document
    assert set(doc) >= TOP_LEVEL
    assert doc["schema"] == "reportgen.model/v1"


def test_company_identity(document):
    spec, doc = document
    company = spec.input.company
    assert doc["company"]["name"] == company.name
    assert doc["company"]["as_of"] == company.as_of.isoformat()
    assert doc["company"]["currency"] == company.currency
    assert doc["company"]["unit"] == company.unit


def test_metrics(document):
    _, doc = document
    assert set(doc["metrics"]) == METRICS
    for value in doc["metrics"].values():
        assert value is None or isinstance(value, int | float)


def test_peers(document):
    spec, doc = document
    assert [p["name"] for p in doc["peers"]] == [p.name for p in spec.input.peers]
    for peer, given in zip(doc["peers"], spec.input.peers, strict=True):
        assert {"name", "valuation_multiple", "hhi", "provider_count"} <= set(peer)
        assert peer["provider_count"] == len(given.providers)
        assert peer["valuation_multiple"] == pytest.approx(given.post_money / given.run_rate, rel=1e-11)


def test_scenarios(document):
    spec, doc = document
    horizon = spec.input.dcf.horizon
    assert list(doc["scenarios"]) == list(SCENARIOS)
    for name, scenario in doc["scenarios"].items():
        assert set(scenario) >= SCENARIO_KEYS, name
        for series in ("years", "revenue", "compute_cost", "fcf", "cash"):
            assert len(scenario[series]) == horizon, (name, series)
        for key in ("squeeze_year", "fcf_positive_year"):
            assert scenario[key] is None or scenario[key] in scenario["years"]


def test_reverse_dcf_sensitivity_monte_carlo_shapes(document):
    spec, doc = document
    if doc["reverse_dcf"] is not None:
        assert {"implied_growth_factor", "implied_growth_y1", "implied_cagr"} <= set(doc["reverse_dcf"])
    assert set(doc["sensitivity"]) >= {"training_growth", "growth_factor", "value_to_price"}
    mc = doc["monte_carlo"]
    assert {"equity_p5", "equity_p50", "equity_p95", "prob_value_ge_price", "prob_squeeze"} <= set(mc)
    assert mc["paths"] == spec.input.monte_carlo.paths
    assert mc["seed"] == spec.input.monte_carlo.seed
    assert mc["equity_p5"] <= mc["equity_p50"] <= mc["equity_p95"]
    assert 0 <= mc["prob_value_ge_price"] <= 1 and 0 <= mc["prob_squeeze"] <= 1


def test_judgments_and_earliest_squeeze(document):
    _, doc = document
    assert set(doc["judgments"]) == set(JUDGMENT_WORDS)
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


def test_provenance_for_every_metric(document):
    spec, doc = document
    dump = spec.input.model_dump(by_alias=True)
    for key in doc["metrics"]:
        entry = doc["provenance"][key]
        assert {"formula", "inputs", "source"} <= set(entry), key
        assert isinstance(entry["formula"], str) and entry["formula"], key
        assert isinstance(entry["inputs"], list) and entry["inputs"], key
        for path in entry["inputs"]:
            assert _resolves(path, dump), f"{key}: input {path!r} is not a field of the input"
        assert entry["source"] is None or isinstance(entry["source"], str)
        if doc["metrics"][key] is None:
            assert entry.get("reason"), key


def test_provenance_for_scenario_figures(document):
    _, doc = document
    for name in SCENARIOS:
        for key in SCENARIO_KEYS - {"years"}:
            entry = doc["provenance"][f"scenarios.{name}.{key}"]
            assert entry["formula"] and entry["inputs"]
            if doc["scenarios"][name][key] is None:
                assert entry.get("reason"), (name, key)


def test_sources_from_the_input_appear(example_json):
    provenance = example_json["provenance"]
    assert "Reported valuation of the latest round" in provenance["valuation_multiple"]["source"]
    assert "Company-reported annualised revenue" in provenance["valuation_multiple"]["source"]
    assert "Reported size of the latest round" in provenance["raise_to_revenue"]["source"]
    assert "Reported long-term cloud services agreement" in provenance["commitment_total"]["source"]
    assert "Reported valuation of the latest round" in provenance["scenarios.base.value_to_price"]["source"]
    # no source given for any of its inputs
    assert provenance["contribution_margin"]["source"] is None


def test_a_source_for_a_whole_section_covers_its_fields(load_input):
    _, model = load_input("meridian-2026")
    # meridian gives its source for "compute.providers.0" as a whole
    assert "Company statement on the Google Cloud partnership" in model.provenance["hhi"]["source"]


def test_two_runs_are_byte_identical():
    first = run_model(load_spec(str(EXAMPLE))).to_json_bytes()
    second = run_model(load_spec(str(EXAMPLE))).to_json_bytes()
    assert first == second


def test_bytes_are_canonical_json(example_model):
    raw = example_model.to_json_bytes()
    assert raw.endswith(b"\n")
    text = raw.decode("utf-8")
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text) == example_model.to_json()
