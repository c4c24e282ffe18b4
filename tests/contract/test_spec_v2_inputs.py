"""The numeric inputs model v2 adds (costs.tax_losses, monte_carlo.rate_spread, a peer's growth_y1 and
cash_on_hand): located errors beyond the range edges of test_spec_fields, and v1 files staying valid."""

from __future__ import annotations

import subprocess
import sys

import pytest
from speckit import EXAMPLE, INPUTS, Raw, accepted, changed, problems_of

import reportgen.contract.scenarios as spec_scenarios
import reportgen.model.scenarios as model_scenarios


@pytest.mark.parametrize(("field", "value", "message"), [
    ("costs.tax_losses", -1.0, "must be at least 0"),
    ("costs.tax_losses", Raw("'12'"), "must be a number, not text"),
    ("costs.tax_losses", Raw(".nan"), "must be a finite number"),
    ("monte_carlo.rate_spread", -0.01, "must be between 0 and 0.5"),
    ("monte_carlo.rate_spread", 0.75, "must be between 0 and 0.5"),
    ("monte_carlo.rate_spread", Raw("'2%'"), "must be a number, not a percentage"),
    ("peers.0.growth_y1", -0.9, "must be greater than -0.9 and at most 10"),
    ("peers.0.growth_y1", Raw("true"), "must be a number, not true/false"),
    ("peers.0.cash_on_hand", -5.0, "must be at least 0"),
])
def test_v2_fields_refused_with_their_line(write_spec, field, value, message):
    path, where = write_spec(changed(**{field.replace(".", "__"): value}))
    [problem] = problems_of(path)
    assert (problem.file, problem.line, problem.field) == (str(path), where[field], field)
    assert problem.message == message, problem


def test_a_peer_growth_of_null_is_no_growth_given(write_spec):
    spec = accepted(write_spec(changed(peers__0__growth_y1=None))[0])
    assert spec.input.peers[0].growth_y1 is None


def test_unknown_v2_like_keys_get_a_did_you_mean(write_spec):
    path, _ = write_spec(changed(costs__tax_loss=3.0, monte_carlo__rate_sprd=0.1))
    assert sorted((p.field, p.hint) for p in problems_of(path)) == [
        ("costs.tax_loss", "did you mean tax_losses?"), ("monte_carlo.rate_sprd", "did you mean rate_spread?")]


@pytest.mark.parametrize("path", sorted(INPUTS.glob("*.yaml")), ids=lambda p: p.name)
def test_v1_inputs_stay_valid_unchanged(path):
    spec = accepted(path)
    assert spec.input.costs.tax_losses == 0.0 or "tax_losses" in path.read_text()
    assert spec.input.monte_carlo.rate_spread == 0.02 or "rate_spread" in path.read_text()


def test_the_example_has_the_v2_defaults():
    spec = accepted(EXAMPLE).input
    assert (spec.costs.tax_losses, spec.monte_carlo.rate_spread) == (0.0, 0.02)
    assert (spec.peers[0].growth_y1, spec.peers[0].cash_on_hand) == (None, 0.0)


# --- the spec does not import the model ----------------------------------------------------------------

def test_the_spec_package_imports_no_model_module():
    code = ("import sys, reportgen.contract.load, reportgen.contract.json_schema\n"
            "print(sorted(m for m in sys.modules if m.startswith('reportgen.model')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_model_reexports_the_scenarios_of_the_contract():
    assert model_scenarios.resolve_scenarios is spec_scenarios.resolve_scenarios
    assert model_scenarios.ScenarioParams is spec_scenarios.ScenarioParams
    assert model_scenarios.SCENARIO_ORDER == ("base", "adoption_plateau", "compute_stagnation", "bull")


def test_scenario_defaults_resolve_as_the_contract_says():
    params = spec_scenarios.resolve_scenarios(accepted(EXAMPLE).input)
    assert list(params) == list(spec_scenarios.SCENARIO_ORDER)
    d = 0.2
    assert params["base"] == spec_scenarios.ScenarioParams(1.0, 0.6, d, 0.4)
    assert params["adoption_plateau"] == spec_scenarios.ScenarioParams(0.5, 0.5, d, 0.4)
    assert params["compute_stagnation"] == spec_scenarios.ScenarioParams(1.0, 0.6, 0.0, 0.4)
    assert params["bull"].growth_factor == 1.25 and params["bull"].price_decline == pytest.approx(d + 0.05)
