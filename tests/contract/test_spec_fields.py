"""Every constraint of MODEL.md section 1, field by field: ranges at both edges (at the edge accepted, just
past it refused), defaults, required fields, the rules across fields, unknown keys and sources keys.

Expected line numbers come from the test's own YAML writer (``speckit.render``), never from the loader.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from speckit import BASE, DELETE, MINIMAL, Raw, accepted, changed, problems_of, render

from reportgen.contract.fields import MONEY_FLOOR
from reportgen.contract.schema import Source

INF = math.inf

# field, low, high, low open?, high open?, whole number?, message, edits that keep the other rules satisfied
RANGES: list[tuple[str, float | None, float | None, bool, bool, bool, str, dict[str, Any]]] = [
    ("valuation.post_money", 0, None, True, False, False, "must be greater than 0", {}),
    ("valuation.latest_raise", 0, None, False, False, False, "must be at least 0", {}),
    ("valuation.raise_from_cloud_investors", 0, 1, False, False, False, "must be between 0 and 1", {}),
    ("cash_on_hand", 0, None, False, False, False, "must be at least 0", {}),
    ("revenue.run_rate", 0, None, True, False, False, "must be greater than 0", {}),
    ("revenue.growth_y1", -0.9, 10, True, False, False, "must be greater than -0.9 and at most 10", {}),
    ("revenue.growth_long", -0.5, 1, True, False, False, "must be greater than -0.5 and at most 1", {}),
    ("revenue.fade", 0, 1, False, False, False, "must be between 0 and 1", {}),
    ("costs.inference_share", 0, 2, False, False, False, "must be between 0 and 2", {}),
    ("costs.training_spend", 0, None, False, False, False, "must be at least 0", {}),
    ("costs.training_growth", -0.9, 5, True, False, False, "must be greater than -0.9 and at most 5", {}),
    ("costs.opex_share", 0, 2, False, False, False, "must be between 0 and 2", {}),
    ("costs.tax_rate", 0, 0.6, False, False, False, "must be between 0 and 0.6", {}),
    ("costs.tax_losses", 0, None, False, False, False, "must be at least 0", {}),
    ("compute.price_decline", -0.5, 0.9, False, False, False, "must be between -0.5 and 0.9", {}),
    ("compute.providers.0.share", 0, None, True, False, False, "must be greater than 0", {}),
    ("compute.providers.0.commitment", 0, None, False, False, False, "must be at least 0", {}),
    ("compute.providers.0.years", 0, 100, False, False, True, "must be between 0 and 100",
     {"compute.providers.0.commitment": 0.0}),
    ("peers.0.post_money", 0, None, True, False, False, "must be greater than 0", {}),
    ("peers.0.run_rate", 0, None, True, False, False, "must be greater than 0", {}),
    ("peers.0.providers.1.share", 0, None, True, False, False, "must be greater than 0", {}),
    ("peers.0.growth_y1", -0.9, 10, True, False, False, "must be greater than -0.9 and at most 10", {}),
    ("peers.0.cash_on_hand", 0, None, False, False, False, "must be at least 0", {}),
    ("dcf.discount_rate", 0, 1, True, True, False, "must be greater than 0 and less than 1",
     {"dcf.terminal_growth": -0.1}),
    ("dcf.terminal_growth", -0.5, 0.2, True, True, False, "must be greater than -0.5 and less than 0.2",
     {"dcf.discount_rate": 0.5}),
    ("dcf.horizon", 3, 30, False, False, True, "must be between 3 and 30", {}),
    ("monte_carlo.paths", 100, 2_000_000, False, False, True, "must be between 100 and 2,000,000", {}),
    ("monte_carlo.seed", 0, 2**63 - 1, False, False, True, "must be between 0 and ", {}),
    ("monte_carlo.growth_sd", 0, 2, False, False, False, "must be between 0 and 2", {}),
    ("monte_carlo.price_spread", 0, 1, False, False, False, "must be between 0 and 1", {}),
    ("monte_carlo.training_sd", 0, 2, False, False, False, "must be between 0 and 2", {}),
    ("monte_carlo.rate_spread", 0, 0.5, False, False, False, "must be between 0 and 0.5", {}),
    ("scenarios.bull.growth_factor", 0, 10, False, False, False, "must be between 0 and 10", {}),
    ("scenarios.adoption_plateau.fade", 0, 1, False, False, False, "must be between 0 and 1", {}),
    ("scenarios.compute_stagnation.price_decline", -0.5, 0.9, False, False, False,
     "must be between -0.5 and 0.9", {}),
    ("scenarios.bull.training_growth", -0.9, 5, True, False, False, "must be greater than -0.9 and at most 5",
     {}),
]


# Amounts in the file's unit: other than 0, between a millionth and 10^15 of the unit.
MONEY = {"valuation.post_money", "valuation.latest_raise", "cash_on_hand", "revenue.run_rate",
         "costs.training_spend", "costs.tax_losses", "compute.providers.0.commitment", "peers.0.post_money",
         "peers.0.run_rate", "peers.0.cash_on_hand"}


def _edits(extra: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    return {key.replace(".", "__"): v for key, v in {**extra, field: value}.items()}


def _value_at(spec_input: Any, dotted: str) -> Any:
    node = spec_input
    for part in dotted.split("."):
        node = node[int(part)] if part.isdigit() else getattr(node, part)
    return node


def _edges() -> list[Any]:
    """(field, value that must be accepted, value that must be refused, message, extra edits) per edge."""
    cases = []
    for field, lo, hi, lo_open, hi_open, whole, message, extra in RANGES:
        for side, bound, is_open, outward in (("low", lo, lo_open, -INF), ("high", hi, hi_open, INF)):
            if bound is None:
                continue
            if whole:
                step = -1 if outward < 0 else 1
                inside, outside = bound, bound + step
            elif is_open and field in MONEY and bound == 0:
                # the smallest amount other than 0 that can be shown (test_spec_names covers the floor)
                inside, outside = MONEY_FLOOR, 0.0
            elif is_open:
                inside, outside = math.nextafter(float(bound), -outward), float(bound)
            else:
                inside, outside = float(bound), math.nextafter(float(bound), outward)
            cases.append(pytest.param(field, inside, outside, message, extra, id=f"{field}-{side}"))
    return cases


EDGES = _edges()


def test_every_edge_is_distinct_and_present():
    # 36 fields, 24 of them bounded on both sides: 60 edges
    assert len(RANGES) == 36 and len({r[0] for r in RANGES}) == 36
    assert sum(1 for r in RANGES if r[1] is not None and r[2] is not None) == 24
    assert len(EDGES) == 60


@pytest.mark.parametrize(("field", "inside", "outside", "message", "extra"), EDGES)
def test_value_at_the_edge_is_accepted(write_spec, field, inside, outside, message, extra):
    path, _ = write_spec(changed(**_edits(extra, field, inside)))
    spec = accepted(path)
    assert _value_at(spec.input, field) == inside


@pytest.mark.parametrize(("field", "inside", "outside", "message", "extra"), EDGES)
def test_value_just_past_the_edge_is_refused(write_spec, field, inside, outside, message, extra):
    path, where = write_spec(changed(**_edits(extra, field, outside)))
    [problem] = problems_of(path)
    assert (problem.file, problem.line, problem.field) == (str(path), where[field], field)
    assert problem.message.startswith(message), problem
    assert problem.got == (repr(outside) if isinstance(outside, float) else str(outside))
    assert str(problem).startswith(f"{path}:{where[field]}: {field}: {message}")


# --- the percent slip: 45 where 0.45 belongs ------------------------------------------------------------

@pytest.mark.parametrize(("field", "kind"), [
    ("costs.inference_share", "shares"),
    ("costs.opex_share", "shares"),
    ("valuation.raise_from_cloud_investors", "shares"),
    ("costs.tax_rate", "rates"),
    ("revenue.fade", "rates"),
    ("revenue.growth_long", "rates"),
    ("compute.price_decline", "rates"),
    ("dcf.discount_rate", "rates"),
    ("dcf.terminal_growth", "rates"),
    ("scenarios.adoption_plateau.fade", "rates"),
    ("monte_carlo.rate_spread", "rates"),
    ("peers.0.growth_y1", "rates"),
])
def test_a_percentage_written_as_a_whole_number_is_refused_with_the_fractions_hint(write_spec, field, kind):
    path, where = write_spec(changed(**{field.replace(".", "__"): 45}))
    [problem] = problems_of(path)
    assert problem.line == where[field] and problem.field == field and problem.got == "45"
    assert str(problem).endswith(f"(got 45); {kind} are fractions")


def test_the_model_md_example_message_exactly(tmp_path, monkeypatch):
    """MODEL.md: ``inputs/acme.yaml:14: costs.inference_share: must be between 0 and 2 (got 45); shares are
    fractions`` -- with the path as the user typed it."""
    text = (
        "schema: reportgen/v1\n"
        "company: {name: Acme, as_of: 2026-03-31, currency: USD, unit: million}\n"
        "valuation:\n"
        "  post_money: 500\n"
        "  latest_raise: 50\n"
        "cash_on_hand: 60\n"
        "revenue:\n"
        "  run_rate: 40\n"
        "  growth_y1: 0.5\n"
        "# costs as shares of revenue\n"
        "costs:\n"
        "  training_spend: 10\n"
        "  opex_share: 0.4\n"
        "  inference_share: 45\n"  # line 14
        "compute:\n"
        "  providers:\n"
        "    - {name: Cloud, share: 1}\n"
    )
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "acme.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert [str(p) for p in problems_of("inputs/acme.yaml")] == [
        "inputs/acme.yaml:14: costs.inference_share: must be between 0 and 2 (got 45); shares are fractions"]


@pytest.mark.parametrize(("field", "value"), [
    ("costs.tax_rate", 0.61),  # just past, not a percent
    ("costs.inference_share", 150),  # above 100: not a percent either
    ("costs.inference_share", -45),  # below the range
    ("valuation.post_money", -45),  # no fraction field
    ("dcf.horizon", 45),  # a whole number field
])
def test_no_fractions_hint_where_the_value_is_not_a_percent_slip(write_spec, field, value):
    path, _ = write_spec(changed(**{field.replace(".", "__"): value}))
    [problem] = problems_of(path)
    assert problem.field == field and problem.hint is None, problem


# --- defaults -----------------------------------------------------------------------------------------

DEFAULTS = {
    "valuation.raise_from_cloud_investors": 0.0,
    "revenue.growth_long": 0.04,
    "revenue.fade": 0.7,
    "revenue.history": None,
    "costs.training_growth": 0.3,
    "costs.tax_rate": 0.21,
    "costs.tax_losses": 0.0,
    "compute.price_decline": 0.15,
    "compute.providers.0.investor": False,
    "dcf.discount_rate": 0.12,
    "dcf.terminal_growth": 0.03,
    "dcf.horizon": 10,
    "monte_carlo.paths": 10000,
    "monte_carlo.seed": 7,
    "monte_carlo.growth_sd": 0.25,
    "monte_carlo.price_spread": 0.10,
    "monte_carlo.training_sd": 0.10,
    "monte_carlo.rate_spread": 0.02,
    "notes": None,
}
# Defaults of a peer's fields (MINIMAL has no peer; BASE writes them all).
PEER_DEFAULTS = {"peers.0.growth_y1": None, "peers.0.cash_on_hand": 0.0}


def test_a_minimal_input_gets_every_default(write_spec):
    spec = accepted(write_spec(MINIMAL)[0])
    for field, default in DEFAULTS.items():
        value = _value_at(spec.input, field)
        assert value == default and type(value) is type(default), (field, value)
    provider = spec.input.compute.providers[0]
    assert (provider.commitment, provider.years, provider.investor) == (0.0, 0, False)
    assert spec.input.peers == ()
    assert spec.input.sources == {}
    assert all(getattr(spec.input.scenarios, name) is None
               for name in ("base", "adoption_plateau", "compute_stagnation", "bull"))
    assert spec.history is None


@pytest.mark.parametrize("field", [f for f in {**DEFAULTS, **PEER_DEFAULTS} if f not in ("revenue.history",)])
def test_leaving_out_one_field_applies_its_default(write_spec, field):
    default = {**DEFAULTS, **PEER_DEFAULTS}[field]
    assert _value_at(accepted(write_spec(BASE)[0]).input, field) != default  # BASE writes them all
    spec = accepted(write_spec(changed(**{field.replace(".", "__"): DELETE}))[0])
    value = _value_at(spec.input, field)
    assert value == default and type(value) is type(default)


def test_the_rate_spread_default_is_the_contracts():
    from reportgen.contract.schema import RATE_SPREAD_DEFAULT

    assert RATE_SPREAD_DEFAULT == DEFAULTS["monte_carlo.rate_spread"] == 0.02


@pytest.mark.parametrize("section", ["dcf", "monte_carlo", "scenarios", "peers", "sources", "notes"])
def test_optional_sections_may_be_left_out(write_spec, section):
    data = changed(**{section: DELETE})
    if section == "dcf":
        data["sources"] = {"dcf.horizon": "left to its default, still a field"}
    assert accepted(write_spec(data)[0])


def test_commitment_and_years_default_to_zero_together(write_spec):
    spec = accepted(write_spec(BASE)[0])
    beta = spec.input.compute.providers[1]
    assert (beta.commitment, beta.years, beta.investor) == (0.0, 0, False)


# --- required fields ---------------------------------------------------------------------------------

REQUIRED = [
    "schema", "company", "company.name", "company.as_of", "company.currency", "company.unit",
    "valuation", "valuation.post_money", "valuation.latest_raise", "cash_on_hand",
    "revenue", "revenue.run_rate", "revenue.growth_y1",
    "costs", "costs.inference_share", "costs.training_spend", "costs.opex_share",
    "compute", "compute.providers", "compute.providers.1.name", "compute.providers.1.share",
    "peers.0.name", "peers.0.post_money", "peers.0.run_rate", "peers.0.providers",
    "peers.0.providers.1.name", "peers.0.providers.1.share",
]


@pytest.mark.parametrize("field", REQUIRED)
def test_a_required_field_left_out_is_reported_at_its_parent(write_spec, field):
    data = changed(**{field.replace(".", "__"): DELETE})
    path, where = write_spec(data)
    parent = field.rsplit(".", 1)[0] if "." in field else None
    # A missing field points at the line of the mapping that should hold it: its key (or its "-" in a
    # list); a missing top-level field at the document's first field.
    line = where[parent] if parent else min(where.values())
    assert [str(p) for p in problems_of(path)] == [f"{path}:{line}: {field}: is required"]


def test_every_missing_required_field_is_reported_at_once(write, tmp_path):
    path = write("schema: reportgen/v1\ncompany:\n  name: X\n")
    problems = problems_of(path)
    assert [(p.line, p.field, p.message) for p in problems] == [
        (1, "cash_on_hand", "is required"),
        (1, "compute", "is required"),
        (1, "costs", "is required"),
        (1, "revenue", "is required"),
        (1, "valuation", "is required"),
        (2, "company.as_of", "is required"),
        (2, "company.currency", "is required"),
        (2, "company.unit", "is required"),
    ]


# --- rules across fields --------------------------------------------------------------------------------

def test_commitment_without_years_is_refused_at_the_provider(write_spec):
    path, where = write_spec(changed(compute__providers__0__years=DELETE))
    assert [str(p) for p in problems_of(path)] == [
        f"{path}:{where['compute.providers.0']}: compute.providers.0.years: "
        "commitment and years go together; give both or neither"]


def test_years_without_commitment_is_refused_at_the_provider(write_spec):
    path, where = write_spec(changed(compute__providers__1__years=5))
    assert [str(p) for p in problems_of(path)] == [
        f"{path}:{where['compute.providers.1']}: compute.providers.1.commitment: "
        "commitment and years go together; give both or neither"]


def test_a_commitment_needs_at_least_one_year(write_spec):
    path, where = write_spec(changed(compute__providers__0__years=0))
    assert [str(p) for p in problems_of(path)] == [
        f"{path}:{where['compute.providers.0.years']}: compute.providers.0.years: "
        "must be at least 1 when a commitment is given (got 0)"]


@pytest.mark.parametrize(("commitment", "years"), [(0.0, 0), (0.0, 3), (50.0, 1), (DELETE, DELETE)])
def test_commitment_and_years_both_given_or_both_left_out_are_accepted(write_spec, commitment, years):
    spec = accepted(write_spec(changed(compute__providers__0__commitment=commitment,
                                       compute__providers__0__years=years))[0])
    provider = spec.input.compute.providers[0]
    assert (provider.commitment, provider.years) == (
        0.0 if commitment is DELETE else commitment, 0 if years is DELETE else years)


@pytest.mark.parametrize("rate", [0.02, 0.01, 1e-9])
def test_a_discount_rate_not_above_terminal_growth_is_refused(write_spec, rate):
    path, where = write_spec(changed(dcf__discount_rate=rate))
    assert [str(p) for p in problems_of(path)] == [
        f"{path}:{where['dcf.discount_rate']}: dcf.discount_rate: must exceed dcf.terminal_growth (0.02); "
        f"otherwise the terminal value is infinite (got {rate!r})"]


def test_a_discount_rate_just_above_terminal_growth_is_accepted(write_spec):
    rate = math.nextafter(0.02, 1)
    assert accepted(write_spec(changed(dcf__discount_rate=rate))[0]).input.dcf.discount_rate == rate


def test_terminal_growth_above_the_default_discount_rate_points_at_dcf(write_spec):
    path, where = write_spec(changed(dcf={"terminal_growth": 0.15}))
    assert [str(p) for p in problems_of(path)] == [
        f"{path}:{where['dcf']}: dcf.discount_rate: must exceed dcf.terminal_growth (0.15); "
        "otherwise the terminal value is infinite"]


def test_a_scenario_pushing_the_price_decline_to_1_is_refused(write_spec):
    path, where = write_spec(changed(compute__price_decline=0.9, scenarios__bull__price_decline_delta=0.1))
    [problem] = problems_of(path)
    assert (problem.line, problem.field) == (where["scenarios.bull.price_decline_delta"],
                                             "scenarios.bull.price_decline_delta")
    assert problem.message == "the resulting compute price decline must be at least -0.5 and below 1 (got 1)"


@pytest.mark.parametrize(("decline", "delta"), [(0.5, -1.0), (-0.2, 1.0), (0.3, -0.8)])
def test_price_decline_delta_edges_accepted_when_the_result_stays_in_range(write_spec, decline, delta):
    spec = accepted(write_spec(changed(compute__price_decline=decline,
                                       scenarios__bull__price_decline_delta=delta))[0])
    assert spec.input.scenarios.bull.price_decline_delta == delta


@pytest.mark.parametrize("delta", [math.nextafter(-1.0, -2), math.nextafter(1.0, 2)])
def test_price_decline_delta_past_its_edges_is_refused(write_spec, delta):
    path, where = write_spec(changed(scenarios__bull__price_decline_delta=delta))
    [problem] = problems_of(path)
    assert (problem.line, problem.field, problem.message) == (
        where["scenarios.bull.price_decline_delta"], "scenarios.bull.price_decline_delta",
        "must be between -1 and 1")


def test_provider_shares_are_weights_normalised_to_sum_1(write_spec):
    """Shares need not sum to 1 (any positive weights); the model scales them."""
    from reportgen.model.metrics import hhi, normalised_shares

    spec = accepted(write_spec(changed(compute__providers__0__share=3, compute__providers__1__share=1))[0])
    shares = [p.share for p in spec.input.compute.providers]
    assert shares == [3.0, 1.0]  # kept as written
    assert list(normalised_shares(shares)) == [0.75, 0.25]
    assert hhi(shares) == pytest.approx(0.75**2 + 0.25**2)
    assert hhi([0.75, 0.25]) == pytest.approx(hhi(shares))


@pytest.mark.parametrize("share", [0, -0.5, 0.0])
def test_a_share_that_could_not_be_normalised_is_refused(write_spec, share):
    path, where = write_spec(changed(compute__providers__1__share=share))
    assert [str(p) for p in problems_of(path)] == [
        f"{path}:{where['compute.providers.1.share']}: compute.providers.1.share: must be greater than 0 "
        f"(got {share!r})"]


def test_a_provider_listed_twice_is_refused(write_spec):
    data = changed()
    data["compute"]["providers"][1]["name"] = "alpha cloud "
    path, where = write_spec(data)
    [problem] = problems_of(path)
    assert (problem.line, problem.field) == (where["compute.providers.1.name"], "compute.providers.1.name")
    assert problem.message == "provider 'alpha cloud ' is listed twice"


def test_a_peer_provider_listed_twice_is_refused(write_spec):
    data = changed()
    data["peers"][0]["providers"][1]["name"] = "Alpha Cloud"
    path, where = write_spec(data)
    [problem] = problems_of(path)
    assert (problem.line, problem.field) == (where["peers.0.providers.1.name"], "peers.0.providers.1.name")


# --- lists -------------------------------------------------------------------------------------------

def test_compute_needs_at_least_one_provider(write_spec):
    path, where = write_spec(changed(compute__providers=[]))
    assert [str(p) for p in problems_of(path)] == [
        f"{path}:{where['compute.providers']}: compute.providers: needs at least 1 item(s) (got a list)"]


def test_a_peer_needs_at_least_one_provider(write_spec):
    path, where = write_spec(changed(peers__0__providers=[]))
    [problem] = problems_of(path)
    assert (problem.line, problem.field, problem.message) == (
        where["peers.0.providers"], "peers.0.providers", "needs at least 1 item(s)")


def test_at_most_50_providers(write_spec):
    many = [{"name": f"Cloud {i}", "share": 1.0} for i in range(50)]
    assert len(accepted(write_spec(changed(compute__providers=many))[0]).input.compute.providers) == 50
    path, where = write_spec(changed(compute__providers=[*many, {"name": "One more", "share": 1.0}]))
    [problem] = problems_of(path)
    assert (problem.line, problem.field, problem.message) == (
        where["compute.providers"], "compute.providers", "has more than 50 items")


def test_at_most_20_peers(write_spec):
    peer = BASE["peers"][0]
    peers = [dict(peer, name=f"Peer {i}") for i in range(20)]
    assert len(accepted(write_spec(changed(peers=peers))[0]).input.peers) == 20
    path, where = write_spec(changed(peers=[*peers, dict(peer, name="Peer 21")]))
    [problem] = problems_of(path)
    assert (problem.line, problem.field, problem.message) == (where["peers"], "peers", "has more than 20 items")


def test_no_peers_is_an_empty_list(write_spec):
    assert accepted(write_spec(changed(peers=[]))[0]).input.peers == ()


# --- text, dates, codes, flags ----------------------------------------------------------------------------

@pytest.mark.parametrize("field", ["company.name", "compute.providers.0.name", "peers.0.name",
                                   "peers.0.providers.0.name"])
def test_names_are_1_to_120_characters(write_spec, field):
    key = field.replace(".", "__")
    assert _value_at(accepted(write_spec(changed(**{key: "N" * 120}))[0]).input, field) == "N" * 120
    assert _value_at(accepted(write_spec(changed(**{key: "N"}))[0]).input, field) == "N"
    for bad in ("", "N" * 121):
        path, where = write_spec(changed(**{key: bad}))
        [problem] = problems_of(path)
        assert (problem.line, problem.field, problem.message) == (
            where[field], field, "must be 1 to 120 characters long")


def test_a_name_is_shown_as_given(write_spec):
    name = "  <b>Ünïcødé & Co</b> \"quoted\"  "
    assert accepted(write_spec(changed(company__name=name))[0]).input.company.name == name


@pytest.mark.parametrize("written", ["12", "true", "1.5", "null", "1e400", "0x1F"])
def test_a_number_or_other_scalar_where_text_belongs_is_refused(write_spec, written):
    path, where = write_spec(changed(company__name=Raw(written)))
    assert [str(p) for p in problems_of(path)] == [
        f"{path}:{where['company.name']}: company.name: must be text (got {written}); put it in quotes"]


@pytest.mark.parametrize("written", ["2026-01-01", "1:30", "NO", "yes", "0b101", "1_000"])
def test_yaml_1_1_scalars_are_plain_text_where_text_belongs(write_spec, written):
    """YAML 1.2 core: no timestamps, sexagesimals, yes/no booleans, binary or underscored numbers."""
    assert accepted(write_spec(changed(company__name=Raw(written)))[0]).input.company.name == written


@pytest.mark.parametrize(("char", "message"), [
    ("\\u0007", "contains a control character (U+0007)"),
    ("\\u001b", "contains a control character (U+001B)"),
    ("\\u202e", "contains an invisible direction control (U+202E)"),
    ("\\u2066", "contains an invisible direction control (U+2066)"),
    ("\\n", "contains a control character (U+000A)"),
])
def test_control_characters_in_a_name_are_refused(write_spec, char, message):
    path, where = write_spec(changed(company__name=Raw(f'"Evil{char}Co"')))
    [problem] = problems_of(path)
    assert (problem.line, problem.field, problem.message) == (where["company.name"], "company.name", message)


def test_notes_may_span_lines_up_to_20000_characters(write_spec):
    text = "line one\n\tline two\n" + "x" * (20_000 - 19)
    assert accepted(write_spec(changed(notes=text))[0]).input.notes == text
    path, where = write_spec(changed(notes=text + "x"))
    [problem] = problems_of(path)
    assert (problem.line, problem.field, problem.message) == (
        where["notes"], "notes", "must be 1 to 20,000 characters long")
    path, where = write_spec(changed(notes="bell \u0007"))
    assert [p.message for p in problems_of(path)] == ["contains a control character (U+0007)"]


def test_notes_as_a_block_scalar(write):
    text, _ = render(changed(notes=DELETE))
    path = write(text + "notes: |\n  First line.\n  Second line.\n")
    assert accepted(path).input.notes == "First line.\nSecond line.\n"


@pytest.mark.parametrize(("written", "expected"), [
    ("2026-06-30", dt.date(2026, 6, 30)), ('"2026-06-30"', dt.date(2026, 6, 30)),
    ("1900-01-01", dt.date(1900, 1, 1)), ("2200-12-31", dt.date(2200, 12, 31)),
    ("2024-02-29", dt.date(2024, 2, 29)),
])
def test_as_of_dates_accepted(write_spec, written, expected):
    assert accepted(write_spec(changed(company__as_of=Raw(written)))[0]).input.company.as_of == expected


@pytest.mark.parametrize(("written", "message"), [
    ("2026-02-30", "is not a real calendar date"),
    ("2025-02-29", "is not a real calendar date"),
    ("2026-13-01", "is not a real calendar date"),
    ("1899-12-31", "must be a year between 1900 and 2200"),
    ("2201-01-01", "must be a year between 1900 and 2200"),
    ("30/06/2026", "must be a date written YYYY-MM-DD"),
    ("2026-6-30", "must be a date written YYYY-MM-DD"),
    ("20260630", "must be a date written YYYY-MM-DD"),
    ("2026-06-30T00:00:00", "must be a date written YYYY-MM-DD"),
    ("null", "must be a date written YYYY-MM-DD"),
])
def test_as_of_dates_refused(write_spec, written, message):
    path, where = write_spec(changed(company__as_of=Raw(written)))
    assert [str(p) for p in problems_of(path)] == [
        f"{path}:{where['company.as_of']}: company.as_of: {message} (got {written})"]


@pytest.mark.parametrize("code", ["USD", "EUR", "JPY", "CHF", "GBP"])
def test_iso_4217_currencies_accepted(write_spec, code):
    assert accepted(write_spec(changed(company__currency=code))[0]).input.company.currency == code


@pytest.mark.parametrize(("written", "message"), [
    ("usd", "must be an ISO 4217 code of 3 capital letters, e.g. USD"),
    ("US", "must be an ISO 4217 code of 3 capital letters, e.g. USD"),
    ("USDX", "must be an ISO 4217 code of 3 capital letters, e.g. USD"),
    ("840", "must be an ISO 4217 code of 3 capital letters, e.g. USD"),
    ("USS", "is not an ISO 4217 currency code"),
    ("XYZ", "is not an ISO 4217 currency code"),
])
def test_currencies_refused(write_spec, written, message):
    path, where = write_spec(changed(company__currency=Raw(written)))
    assert [str(p) for p in problems_of(path)] == [
        f"{path}:{where['company.currency']}: company.currency: {message} (got {written})"]


@pytest.mark.parametrize("unit", ["thousand", "million", "billion"])
def test_units_accepted(write_spec, unit):
    assert accepted(write_spec(changed(company__unit=unit))[0]).input.company.unit == unit


@pytest.mark.parametrize("unit", ["Million", "millions", "mn", "1000000", "trillion"])
def test_units_refused(write_spec, unit):
    path, where = write_spec(changed(company__unit=Raw(unit)))
    assert [str(p) for p in problems_of(path)] == [
        f"{path}:{where['company.unit']}: company.unit: must be one of thousand, million or billion (got {unit})"]


@pytest.mark.parametrize("schema", ["reportgen/v2", "reportgen", "v1", "Reportgen/v1"])
def test_the_schema_must_be_reportgen_v1(write_spec, schema):
    path, where = write_spec(changed(schema=Raw(schema)))
    assert [str(p) for p in problems_of(path)] == [
        f"{path}:{where['schema']}: schema: must be one of reportgen/v1 (got {schema})"]


@pytest.mark.parametrize("value", [True, False])
def test_investor_flags_accepted(write_spec, value):
    assert accepted(write_spec(changed(compute__providers__1__investor=value))[0]).input.compute.providers[
        1].investor is value


@pytest.mark.parametrize("written", ["yes", "no", "1", "0", '"true"', "on", "y"])
def test_investor_must_be_true_or_false(write_spec, written):
    path, where = write_spec(changed(compute__providers__1__investor=Raw(written)))
    [problem] = problems_of(path)
    assert (problem.line, problem.field, problem.message) == (
        where["compute.providers.1.investor"], "compute.providers.1.investor", "must be true or false")


# --- whole numbers ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "expected"), [("12", 12), ("12.0", 12), ("1.2e1", 12), ("0o14", 12),
                                                   ("0xC", 12), ("+12", 12)])
def test_whole_numbers_accepted_in_any_exact_form(write_spec, written, expected):
    horizon = accepted(write_spec(changed(dcf__horizon=Raw(written)))[0]).input.dcf.horizon
    assert horizon == expected and type(horizon) is int


@pytest.mark.parametrize(("written", "message"), [
    ("12.5", "must be a whole number"),
    ("1e400", "must be a whole number"),
    (".nan", "must be a whole number"),
    ("true", "must be a number, not true/false"),
    ('"12"', "must be a number, not text"),
    ("twelve", "must be a number"),
])
def test_whole_numbers_refused(write_spec, written, message):
    path, where = write_spec(changed(dcf__horizon=Raw(written)))
    [problem] = problems_of(path)
    assert (problem.line, problem.field, problem.message) == (where["dcf.horizon"], "dcf.horizon", message)


# --- unknown keys ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("correct", "typo"), [
    ("cash_on_hand", "cash_on_hnad"),
    ("company.name", "company.nmae"),
    ("valuation.post_money", "valuation.post_mony"),
    ("revenue.fade", "revenue.fadee"),
    ("costs.tax_rate", "costs.tax_rat"),
    ("compute.price_decline", "compute.price_declin"),
    ("compute.providers.1.share", "compute.providers.1.shares"),
    ("compute.providers.0.investor", "compute.providers.0.investr"),
    ("peers.0.run_rate", "peers.0.runrate"),
    ("peers.0.providers.1.share", "peers.0.providers.1.shar"),
    ("dcf.horizon", "dcf.horizn"),
    ("monte_carlo.paths", "monte_carlo.path"),
    ("scenarios.bull", "scenarios.bul"),
    ("scenarios.bull.growth_factor", "scenarios.bull.growth_facter"),
])
def test_an_unknown_key_is_refused_with_a_did_you_mean_hint(write_spec, correct, typo):
    data = changed()
    parent_path, _, wrong = typo.rpartition(".")
    parent: Any = data
    for part in parent_path.split(".") if parent_path else []:
        parent = parent[int(part)] if part.isdigit() else parent[part]
    right = correct.rpartition(".")[2]
    parent[wrong] = parent.pop(right)
    if correct in ("compute.providers.1.share", "peers.0.providers.1.share", "company.name",
                   "valuation.post_money", "peers.0.run_rate"):
        parent[right] = {"company.name": "Fixed", "valuation.post_money": 1000.0,
                         "peers.0.run_rate": 40.0}.get(correct, 0.4)  # keep the rest valid
    path, where = write_spec(data)
    shown = {
        "scenarios.bul": "a mapping",
    }
    problems = problems_of(path)
    [problem] = [p for p in problems if p.message == "unknown field"]
    assert (problem.line, problem.field, problem.hint) == (where[typo], typo, f"did you mean {right}?")
    assert problem.got == shown.get(typo, problem.got)
    assert str(problem).startswith(f"{path}:{where[typo]}: {typo}: unknown field (got ")
    assert str(problem).endswith(f"; did you mean {right}?")


def test_an_unknown_key_with_no_close_name_lists_the_fields(write_spec):
    path, where = write_spec(changed(dcf__zzz=1))
    assert [str(p) for p in problems_of(path)] == [
        f"{path}:{where['dcf.zzz']}: dcf.zzz: unknown field (got 1); "
        "expected one of discount_rate, terminal_growth, horizon"]


def test_an_unknown_top_level_key(write_spec):
    path, where = write_spec(changed(valuaton={"post_money": 3}))
    problems = problems_of(path)
    assert [str(p) for p in problems] == [
        f"{path}:{where['valuaton']}: valuaton: unknown field (got a mapping); did you mean valuation?"]


def test_an_unknown_scenario_name(write_spec):
    path, where = write_spec(changed(scenarios__bear={"growth_factor": 0.5}))
    [problem] = problems_of(path)
    assert (problem.line, problem.field, problem.message) == (where["scenarios.bear"], "scenarios.bear",
                                                              "unknown field")
    assert problem.hint == "expected one of base, adoption_plateau, compute_stagnation, bull"
    path, where = write_spec(changed(scenarios__compute_stagnaton={"growth_factor": 0.5}))
    [problem] = problems_of(path)
    assert (problem.line, problem.field, problem.hint) == (
        where["scenarios.compute_stagnaton"], "scenarios.compute_stagnaton", "did you mean compute_stagnation?")


def test_a_key_of_the_wrong_case_is_unknown(write_spec):
    data = changed()
    data["Company"] = data.pop("company")
    path, where = write_spec(data)
    assert [(p.line, p.field, p.message, p.hint) for p in problems_of(path)] == [
        (where["company"] if "company" in where else min(where.values()), "company", "is required", None),
        (where["Company"], "Company", "unknown field", "did you mean company?"),
    ]


# --- sources ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", [
    "valuation.post_money", "cash_on_hand", "compute.providers.1.share", "compute.providers.0",
    "peers.0.providers.1.share", "company.name", "monte_carlo.seed",
])
def test_sources_keys_naming_a_written_field_are_accepted(write_spec, key):
    spec = accepted(write_spec(changed(sources={key: "Where it came from"}))[0])
    assert spec.input.sources == {key: Source(text="Where it came from", kind="reported")}


@pytest.mark.parametrize("key", ["revenue.history", "compute.providers.1.commitment", "dcf.horizon"])
def test_sources_keys_naming_a_field_left_to_its_default_are_accepted(write_spec, key):
    data = changed(sources={key: "Default, documented"})
    if key == "dcf.horizon":
        del data["dcf"]
    assert accepted(write_spec(data)[0])


@pytest.mark.parametrize("key", [
    "valuation.post_mony",  # a typo
    "valuation.price",  # no such field
    "compute.providers.2.share",  # no third provider
    "peers.1.name",  # no second peer
    "compute.providers.x.share",
    "company.name.first",
    "sources",
    "schema",
])
def test_sources_keys_must_name_a_field(write_spec, key):
    path, where = write_spec(changed(sources={"cash_on_hand": "Balance sheet", key: "A note"}))
    assert [str(p) for p in problems_of(path)] == [
        f"{path}:{where['sources.' + key]}: sources.{key}: names no field of this input; "
        "keys are field paths such as valuation.post_money, compute.providers.0 or costs"]


def test_sources_values_are_1_to_1000_characters(write_spec):
    assert accepted(write_spec(changed(sources={"cash_on_hand": "s" * 1000}))[0])
    path, where = write_spec(changed(sources={"cash_on_hand": "s" * 1001}))
    [problem] = problems_of(path)
    assert (problem.line, problem.field, problem.message) == (
        where["sources.cash_on_hand"], "sources.cash_on_hand", "must be 1 to 1,000 characters long")


def test_sources_must_be_a_mapping(write_spec):
    path, where = write_spec(changed(sources=["valuation.post_money"]))
    [problem] = problems_of(path)
    assert (problem.line, problem.field, problem.message) == (where["sources"], "sources", "must be a mapping")


# --- wrong shapes ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "written", "message", "got"), [
    ("company", "[1, 2]", "must be a mapping of fields", "a list"),
    ("company", "Acme", "must be a mapping of fields", "Acme"),
    ("revenue", "5", "must be a mapping of fields", "5"),
    ("dcf", "[]", "must be a mapping of fields", "a list"),
    ("compute.providers", "{name: A, share: 1}", "must be a list", "a mapping"),
    ("compute.providers", "AWS", "must be a list", "AWS"),
    ("compute.providers.0", "AWS", "must be a mapping of fields", "AWS"),
    ("peers", "{}", "must be a list", "a mapping"),
    ("cash_on_hand", "{amount: 5}", "must be a number", "a mapping"),
    ("cash_on_hand", "[5]", "must be a number", "a list"),
    ("valuation.post_money", "null", "must be a number, not empty", "null"),
    ("valuation.post_money", "", "must be a number, not empty", ""),
    ("notes", "[a, b]", "must be text", None),
    ("company.name", "{first: A}", "must be text", "a mapping"),
])
def test_a_value_of_the_wrong_shape_is_refused(write_spec, field, written, message, got):
    path, where = write_spec(changed(**{field.replace(".", "__"): Raw(written)}))
    [problem] = problems_of(path)
    assert (problem.line, problem.field, problem.message) == (where[field], field, message)
    if got is not None:
        assert problem.got == got


# --- all problems at once --------------------------------------------------------------------------------

def test_five_errors_give_five_problems_in_line_order(write_spec):
    data = changed(company__currency="usd", revenue__fade=7, costs__tax_rate="21%", dcf__horizon=2,
                   monte_carlo__pathz=5)
    path, where = write_spec(data)
    assert [str(p) for p in problems_of(path)] == [
        f"{path}:{where['company.currency']}: company.currency: must be an ISO 4217 code of 3 capital "
        "letters, e.g. USD (got usd)",
        f"{path}:{where['revenue.fade']}: revenue.fade: must be between 0 and 1 (got 7); rates are fractions",
        f"{path}:{where['costs.tax_rate']}: costs.tax_rate: must be a number, not a percentage (got '21%'); "
        "write percentages as fractions (45% is 0.45)",
        f"{path}:{where['dcf.horizon']}: dcf.horizon: must be between 3 and 30 (got 2)",
        f"{path}:{where['monte_carlo.pathz']}: monte_carlo.pathz: unknown field (got 5); did you mean paths?",
    ]


def test_errors_in_every_section_are_all_reported(write_spec):
    edits = {
        "schema": "v2", "company.name": "", "valuation.post_money": -1, "cash_on_hand": -1,
        "revenue.growth_y1": 11, "costs.opex_share": 3, "compute.price_decline": 1,
        "compute.providers.1.share": 0, "peers.0.run_rate": 0, "dcf.horizon": 31,
        "scenarios.bull.growth_factor": 11, "monte_carlo.paths": 99, "notes": "",
        "sources.nowhere": "x",
    }
    path, where = write_spec(changed(**{k.replace(".", "__"): v for k, v in edits.items()}))
    problems = problems_of(path)
    assert sorted((p.line, p.field) for p in problems) == sorted((where[k], k) for k in edits)
    assert [p.line for p in problems] == sorted(p.line for p in problems)
