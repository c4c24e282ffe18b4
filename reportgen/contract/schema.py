"""The input contract of MODEL.md section 1 (``schema: reportgen/v1``) as pydantic models.

Models are frozen and forbid unknown keys (typos are errors). Cross-field rules raise errors carrying
the offending field in ``ctx["field"]`` so the loader can point at its line.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from reportgen.contract.annotations import SOURCE_KINDS, Commentary, Source, SourceEntry
from reportgen.contract.base import ContractModel
from reportgen.contract.base import located as _located
from reportgen.contract.fields import Currency, Flag, IsoDate, Money, Name, Number, Text, Whole
from reportgen.contract.names import first_same, fold_key, same_name
from reportgen.contract.scenarios import SCENARIO_ORDER, resolve_scenarios

SCENARIO_NAMES = SCENARIO_ORDER
RATE_SPREAD_DEFAULT = 0.02
UNIT_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
__all__ = ["SOURCE_KINDS", "Commentary", "ContractModel", "InputDocument", "Source", "SourceEntry"]  # and the sections


class Company(ContractModel):
    name: Name(120) = Field(description="Company name, shown as given (escaped); visible text, not a figure.")
    as_of: IsoDate = Field(description="Date of the figures; year t of the model is as_of.year + t.")
    currency: Currency = Field(description="ISO 4217 code of every amount in the file.")
    unit: Literal["thousand", "million", "billion"] = Field(description="Scale of every amount.")


class Valuation(ContractModel):
    post_money: Money(positive=True) = Field(description="Latest post-money valuation (the price).")
    latest_raise: Money() = Field(description="The latest inflow of capital.")
    raise_from_cloud_investors: Number(0, 1, fraction="shares") = Field(
        0.0, description="Share of the raise from investors that also sell the company compute.")


class Revenue(ContractModel):
    run_rate: Money(positive=True) = Field(description="Annualised revenue today, R0.")
    growth_y1: Number(-0.9, 10, lo_open=True, fraction="rates") = Field(
        description="Revenue growth in year 1, g1.")
    growth_long: Number(-0.5, 1, lo_open=True, fraction="rates") = Field(
        0.04, description="Long-run growth the path fades to, gL.")
    fade: Number(0, 1, fraction="rates") = Field(0.7, description="How fast g1 fades to gL.")
    history: Text(1, 500) | None = Field(
        None, description="Path (relative to this file) to a CSV/XLSX/Parquet file with columns "
                          "period,revenue: past revenue, drawn in a chart.")


class Costs(ContractModel):
    inference_share: Number(0, 2, fraction="shares") = Field(
        description="Serving compute as a share of revenue today.")
    training_spend: Money() = Field(description="Annual training compute spend today, T0.")
    training_growth: Number(-0.9, 5, lo_open=True, fraction="rates") = Field(
        0.3, description="Yearly growth of training compute demanded.")
    opex_share: Number(0, 2, fraction="shares") = Field(
        description="Other operating cost as a share of revenue.")
    tax_rate: Number(0, 0.6, fraction="rates") = Field(
        0.21, description="Tax rate on positive operating profit only, after losses carried forward.")
    tax_losses: Money() = Field(
        0.0, description="Tax losses carried forward today, L0: offset against later operating profit.")


class Provider(ContractModel):
    name: Name(120) = Field(description="Compute provider name.")
    share: Number(0, lo_open=True) = Field(
        description="Share of compute spend (normalised with the other providers to sum 1).")
    commitment: Money() = Field(0.0, description="Committed spend over the contract (with years).")
    years: Whole(0, 100) = Field(0, description="Contract term in years (with commitment).")
    investor: Flag = Field(False, description="Whether the provider also invested in the company.")

    @model_validator(mode="after")
    def _both_or_neither(self) -> Provider:
        given = self.model_fields_set
        if ("commitment" in given) != ("years" in given):
            missing = "years" if "commitment" in given else "commitment"
            raise _located("both_or_neither", "commitment and years go together; give both or neither",
                           missing)
        if self.commitment > 0 and self.years == 0:
            raise _located("range", "must be at least 1 when a commitment is given", "years")
        return self


class PeerProvider(ContractModel):
    name: Name(120) = Field(description="Compute provider name.")
    share: Number(0, lo_open=True) = Field(description="Share of the peer's compute spend.")


def _unique_names(items: tuple, what: str = "provider") -> tuple:
    """Refuse an item listed twice (a provider's shares would silently add up), however its name is
    disguised: case, width, composed or decomposed accents, look-alike letters (``spec.names``)."""
    names: list[str] = []
    for index, item in enumerate(items):
        first = first_same(item.name, names)
        if first is not None:
            message = f"{what} {item.name!r} is listed twice"
            if fold_key(item.name) != fold_key(names[first]):
                message += f": it reads as {names[first]!r} (item {first})"
            raise _located("duplicate", message, f"{index}.name")
        names.append(item.name)
    return items


class Peer(ContractModel):
    name: Name(120) = Field(description="Peer company name.")
    post_money: Money(positive=True) = Field(description="Peer post-money valuation.")
    run_rate: Money(positive=True) = Field(description="Peer annualised revenue.")
    providers: tuple[PeerProvider, ...] = Field(min_length=1, max_length=50,
                                                description="Peer compute providers and shares.")
    growth_y1: Number(-0.9, 10, lo_open=True, fraction="rates") | None = Field(
        None, description="Peer revenue growth in year 1 (for EV / forward revenue).")
    cash_on_hand: Money() = Field(0.0, description="Peer cash today (for its enterprise value).")

    @field_validator("providers")
    @classmethod
    def _unique(cls, providers: tuple) -> tuple:
        return _unique_names(providers)


class Compute(ContractModel):
    price_decline: Number(-0.5, 0.9, fraction="rates") = Field(
        0.15, description="Yearly fall in the price of a unit of compute, d.")
    providers: tuple[Provider, ...] = Field(min_length=1, max_length=50,
                                            description="Compute providers, at least one.")

    @field_validator("providers")
    @classmethod
    def _unique(cls, providers: tuple) -> tuple:
        return _unique_names(providers)


class Dcf(ContractModel):
    discount_rate: Number(0, 1, lo_open=True, hi_open=True, fraction="rates") = Field(
        0.12, description="Discount rate r; must exceed terminal_growth.")
    terminal_growth: Number(-0.5, 0.2, lo_open=True, hi_open=True, fraction="rates") = Field(
        0.03, description="Terminal growth gT.")
    horizon: Whole(3, 30) = Field(10, description="Years projected, H.")

    @model_validator(mode="after")
    def _rate_above_growth(self) -> Dcf:
        if self.discount_rate <= self.terminal_growth:
            raise _located("range", f"must exceed dcf.terminal_growth ({self.terminal_growth:g}); "
                                    "otherwise the terminal value is infinite", "discount_rate")
        return self


class ScenarioOverride(ContractModel):
    growth_factor: Number(0, 10) | None = Field(None, description="Multiplier f on the growth path.")
    fade: Number(0, 1, fraction="rates") | None = Field(None, description="Replaces revenue.fade.")
    price_decline: Number(-0.5, 0.9, fraction="rates") | None = Field(
        None, description="Replaces compute.price_decline.")
    price_decline_delta: Number(-1, 1, fraction="rates") | None = Field(
        None, description="Added to the price decline.")
    training_growth: Number(-0.9, 5, lo_open=True, fraction="rates") | None = Field(
        None, description="Replaces costs.training_growth.")


class Scenarios(ContractModel):
    base: ScenarioOverride | None = Field(None, description="Overrides of the base scenario.")
    adoption_plateau: ScenarioOverride | None = Field(None, description="Overrides of adoption_plateau.")
    compute_stagnation: ScenarioOverride | None = Field(None, description="Overrides of compute_stagnation.")
    bull: ScenarioOverride | None = Field(None, description="Overrides of bull.")


class MonteCarlo(ContractModel):
    paths: Whole(100, 2_000_000) = Field(10_000, description="Number of simulated paths.")
    seed: Whole(0, 2**63 - 1) = Field(7, description="Seed of numpy.random.default_rng.")
    growth_sd: Number(0, 2) = Field(0.25, description="Relative standard deviation of g1.")
    price_spread: Number(0, 1) = Field(0.10, description="Half-width of the uniform spread of d.")
    training_sd: Number(0, 2) = Field(0.10, description="Standard deviation of training growth.")
    rate_spread: Number(0, 0.5, fraction="rates") = Field(
        RATE_SPREAD_DEFAULT, description="Half-width of the uniform spread of the discount rate.")


class InputDocument(ContractModel):
    """One company's input document, as written in its YAML file (``Spec.input``; ``Spec`` adds its history
    table and where it came from)."""

    schema_: Literal["reportgen/v1"] = Field(alias="schema", description="Contract version.")
    company: Company = Field(description="Identity of the company.")
    valuation: Valuation = Field(description="The price: latest round.")
    cash_on_hand: Money() = Field(description="Cash today, after the raise.")
    revenue: Revenue = Field(description="Revenue today and its growth path.")
    costs: Costs = Field(description="Cost structure.")
    compute: Compute = Field(description="Compute prices and providers.")
    peers: tuple[Peer, ...] = Field((), max_length=20, description="Peers to compare against.")
    dcf: Dcf = Field(default_factory=Dcf, description="Discounted cash flow settings.")
    scenarios: Scenarios = Field(default_factory=Scenarios, description="Scenario overrides.")
    monte_carlo: MonteCarlo = Field(default_factory=MonteCarlo, description="Monte Carlo settings.")
    sources: dict[Text(1, 200), SourceEntry] = Field(
        default_factory=dict, max_length=500,
        description="Map of field path (a field such as valuation.post_money, a list item such as "
                    "compute.providers.0, or a section such as costs, covering every field under it) to where "
                    "the figure came from: text, or {text, kind: reported|estimate, date, url}.")
    notes: Text(1, 20_000, multiline=True) | None = Field(None, description="Analyst notes, plain text.")
    commentary: Commentary | None = Field(
        None, description="The analyst's own view per section (summary, capital_intensity, entrenchment, "
                          "bear_case, outlook): Markdown without raw HTML.")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)

    @field_validator("peers")
    @classmethod
    def _unique_peers(cls, peers: tuple) -> tuple:
        return _unique_names(peers, "peer")

    @model_validator(mode="after")
    def _peers_are_not_the_company(self) -> InputDocument:
        for index, peer in enumerate(self.peers):
            if same_name(peer.name, self.company.name):
                raise _located("duplicate", f"peer {peer.name!r} is the company itself "
                                            f"({self.company.name!r}); a company is not its own peer",
                               f"peers.{index}.name")
        return self

    @model_validator(mode="after")
    def _scenarios_stay_in_range(self) -> InputDocument:
        for name, params in resolve_scenarios(self).items():
            if not -0.5 <= params.price_decline < 1:
                raise _located("range", "the resulting compute price decline must be at least -0.5 "
                                        f"and below 1 (got {params.price_decline:g})",
                               f"scenarios.{name}.price_decline_delta")
        return self

    @property
    def as_of(self) -> dt.date:
        return self.company.as_of
