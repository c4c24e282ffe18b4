"""The template context: what the brief's templates can use, built from a Model and its charts.

Every number is a ``Fig`` that knows its provenance key; every text from the input is a plain str
(autoescaped). Templates decide the words; this module only computes and names.

The names, their types and what each holds are documented on ``BriefContext``.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from reportgen import __version__
from reportgen.charts.theme import SCENARIO_LABELS
from reportgen.contract.commentary import COMMENTARY_SECTIONS
from reportgen.model.result import Model, Scenario
from reportgen.render.appendix import provenance_rows
from reportgen.render.figures import Fig
from reportgen.render.labels import CHANGE_LABELS
from reportgen.render.template_context import BriefContext

INPUT_FIGURES = {
    "post_money": "valuation.post_money",
    "latest_raise": "valuation.latest_raise",
    "raise_from_cloud_investors": "valuation.raise_from_cloud_investors",
    "cash_on_hand": "cash_on_hand",
    "run_rate": "revenue.run_rate",
    "growth_y1": "revenue.growth_y1",
    "growth_long": "revenue.growth_long",
    "fade": "revenue.fade",
    "inference_share": "costs.inference_share",
    "training_spend": "costs.training_spend",
    "training_growth": "costs.training_growth",
    "opex_share": "costs.opex_share",
    "tax_rate": "costs.tax_rate",
    "price_decline": "compute.price_decline",
    "discount_rate": "dcf.discount_rate",
    "terminal_growth": "dcf.terminal_growth",
    "horizon": "dcf.horizon",
    "paths": "monte_carlo.paths",
    "seed": "monte_carlo.seed",
    "growth_sd": "monte_carlo.growth_sd",
    "price_spread": "monte_carlo.price_spread",
    "training_sd": "monte_carlo.training_sd",
    "rate_spread": "monte_carlo.rate_spread",
    "tax_losses": "costs.tax_losses",
}


@dataclass(frozen=True)
class ChartImage:
    name: str
    svg: str
    facts: dict[str, Any]

    @property
    def uri(self) -> str:
        # An <img> data URI: self-contained HTML, and cheaper for WeasyPrint to lay out than inline SVG.
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode("utf-8")).decode("ascii")


class _Figures:
    """Builds Figs with their provenance keys and source endnotes (one note per distinct source)."""

    def __init__(self, model: Model):
        self.model = model
        self.notes: dict[str, int] = {}
        self.source_numbers: dict[tuple[str, str | None, str | None], int] = {}
        self.source_fields: dict[int, list[str]] = {}
        for path, entry in model.inputs.items():
            if entry.source is None:
                continue
            number = self.source_numbers.setdefault((entry.source, entry.date, entry.url),
                                                    len(self.source_numbers) + 1)
            self.notes[path] = number
            self.source_fields.setdefault(number, []).append(path)

    def note_for(self, ref: str) -> int | None:
        """The endnote of an input figure's source. Derived figures carry no note: they combine many
        inputs, and their provenance entry (the link) lists every source they rest on."""
        if not ref.startswith("inputs."):
            return None
        return self.notes.get(ref[len("inputs."):])

    def basis_for(self, ref: str) -> str | None:
        if ref.startswith("inputs."):
            entry = self.model.inputs.get(ref[len("inputs."):])
            return None if entry is None else entry.basis
        provenance = self.model.provenance.get(ref)
        return None if provenance is None else provenance.basis

    def __call__(self, value: Any, ref: str) -> Fig:
        return Fig(value, ref, self.note_for(ref), self.basis_for(ref))


def _scenario_view(model: Model, scenario: Scenario, f: _Figures) -> dict[str, Any]:
    key = f"scenarios.{scenario.name}"
    return {
        "name": scenario.name,
        "label": SCENARIO_LABELS[scenario.name],
        "years": scenario.years,
        "growth_factor": Fig(scenario.growth_factor, key + ".revenue"),
        "price_decline": Fig(scenario.price_decline, key + ".compute_cost"),
        "training_growth": Fig(scenario.training_growth, key + ".compute_cost"),
        "fade": Fig(scenario.fade, key + ".revenue"),
        "revenue_first": f(scenario.revenue[0], key + ".revenue"),
        "revenue_final": f(scenario.revenue[-1], key + ".revenue"),
        "compute_first": f(scenario.compute_cost[0], key + ".compute_cost"),
        "compute_final": f(scenario.compute_cost[-1], key + ".compute_cost"),
        "fcf_first": f(scenario.fcf[0], key + ".fcf"),
        "fcf_final": f(scenario.fcf[-1], key + ".fcf"),
        "cash_final": f(scenario.cash[-1], key + ".cash"),
        "first_year": Fig(scenario.years[0], key + ".revenue"),
        "final_year": Fig(scenario.years[-1], key + ".revenue"),
        "basis": model.provenance[f"{key}.equity_value"].basis,
        **{k: f(getattr(scenario, k), f"{key}.{k}")
           for k in ("squeeze_year", "fcf_positive_year", "cash_low", "funding_need", "dilution", "dcf_equity",
                     "equity_value", "tv_share", "value_to_price")},
    }


def build_context(model: Model, charts: list[Any], target: str) -> BriefContext:
    f = _Figures(model)
    metrics = {name: f(value, name) for name, value in model.metrics.items()}
    inputs = {short: f(model.input_value(path), f"inputs.{path}") for short, path in INPUT_FIGURES.items()}

    scenarios = [_scenario_view(model, s, f) for s in model.scenarios.values()]
    by_name = {s["name"]: s for s in scenarios}

    squeeze = None
    if model.earliest_squeeze is not None:
        year, name = model.earliest_squeeze
        squeeze = {"year": f(year, f"scenarios.{name}.squeeze_year"), "name": name,
                   "label": SCENARIO_LABELS[name]}

    reverse = None
    if model.reverse_dcf is not None:
        reverse = {k: f(getattr(model.reverse_dcf, k), f"reverse_dcf.{k}")
                   for k in ("implied_growth_factor", "implied_growth_y1", "implied_cagr")}
    mc = {k: f(v, f"monte_carlo.{k}") for k, v in model.monte_carlo.figures()}
    mc["paths"] = f(model.monte_carlo.paths, "inputs.monte_carlo.paths")

    grid = model.sensitivity
    sens_ref = "sensitivity.value_to_price"
    grid_view = {
        "growth_factors": [Fig(v, sens_ref) for v in grid.growth_factor],
        "rows": [{"training_growth": Fig(tg, sens_ref),
                  "cells": [Fig(v, sens_ref) for v in grid.value_to_price[i]]}
                 for i, tg in enumerate(grid.training_growth)],
        **_grid_summary(model),
    }

    providers = [{
        "name": p.name,
        "share": f(p.share, "hhi"),
        "commitment": f(p.commitment, f"inputs.compute.providers.{i}.commitment"),
        "years": f(p.years, f"inputs.compute.providers.{i}.years"),
        "investor": p.investor,
    } for i, p in enumerate(model.providers)]
    top = providers[max(range(len(providers)), key=lambda n: model.providers[n].share)]
    investors = [p for p in providers if p["investor"]]

    post_money = model.input_value("valuation.post_money")
    peers = [{
        "name": peer.name,
        "post_money": f(model.input_value(f"peers.{n}.post_money"), f"inputs.peers.{n}.post_money"),
        "run_rate": f(model.input_value(f"peers.{n}.run_rate"), f"inputs.peers.{n}.run_rate"),
        "valuation_multiple": f(peer.valuation_multiple, "peers"),
        "ev_to_forward_revenue": f(peer.ev_to_forward_revenue, "peers"),
        "implied_value": f(peer.implied_value, "peers"),
        "implied_to_price": f(None if peer.implied_value is None else peer.implied_value / post_money, "peers"),
        "hhi": f(peer.hhi, "peers"),
        "provider_count": f(peer.provider_count, "peers"),
        "top_provider": max(peer.providers, key=lambda p: p.share).name,
        "top_share": Fig(max(p.share for p in peer.providers), "peers"),
    } for n, peer in enumerate(model.peers)]

    base = model.base
    series = ("revenue", "compute_cost", "opex", "ebit", "tax", "fcf", "cash")
    projection = [{"year": Fig(year, "scenarios.base.revenue"),
                   **{key: f(getattr(base, key)[t], f"scenarios.base.{key}") for key in series}}
                  for t, year in enumerate(base.years)]
    largest = max((abs(v) for key in series for v in getattr(base, key) if v is not None), default=0.0)

    images = [ChartImage(c.name, c.svg, c.facts) for c in charts]
    return BriefContext(
        target=target,
        version=__version__,
        company=model.company,
        what_if=[{"field": a.field, "value": a.value, "input": a.input} for a in model.company.what_if or ()],
        metrics=metrics,
        inputs=inputs,
        defaults={short: model.inputs[path].default for short, path in INPUT_FIGURES.items()
                     if path in model.inputs},
        judgments=model.judgments,
        cases=by_name,
        scenarios=scenarios,
        squeeze=squeeze,
        weakest=min(scenarios, key=lambda s: s["cash_low"].value if s["cash_low"].value is not None
                       else float("inf")),
        reverse=reverse,
        reverse_reason=model.reverse_dcf_reason,
        mc=mc,
        grid=grid_view,
        peers=peers,
        providers=providers,
        top_provider=top,
        investors=investors,
        investor_share=f(model.metrics.investor_provider_share, "investor_provider_share"),
        base_years=projection,
        # one precision down the whole table: whole units once amounts reach hundreds
        projection_decimals=0 if largest >= 100 else (1 if largest >= 10 else 2),
        valuation_summary=[{"method": row.method, "low": f(row.low, f"valuation_summary.{row.method}"),
                            "high": f(row.high, f"valuation_summary.{row.method}")}
                              for row in model.valuation_summary],
        basis={key: entry.basis for key, entry in model.provenance.items()},
        charts={image.name: image for image in images},
        chart_order=[image.name for image in images],
        sources=[{"number": number, "text": text, "date": date, "url": url,
                  "fields": _grouped(f.source_fields[number])}
                 for (text, date, url), number in f.source_numbers.items()],
        provenance=provenance_rows(model),
        assumptions=[{"path": path, "value": entry.value, "basis": entry.basis, "default": entry.default,
                      "anchor": f"prov-inputs.{path}", "note": f.note_for(f"inputs.{path}")}
                     for path, entry in model.inputs.items()],
        history=model.history,
        changes=model.changes,
        change_labels=CHANGE_LABELS,
        notes=model.notes,
        # every section named, so a template asks "{% if commentary.outlook %}" under StrictUndefined
        commentary={name: model.commentary.get(name) for name in COMMENTARY_SECTIONS},
    )


def _grouped(paths: list[str]) -> list[str]:
    """Field paths with a list item's fields named once: every field of one provider is that provider."""
    out: list[str] = []
    for path in paths:
        parts = path.split(".")
        item = (".".join(parts[:3]) if parts[:2] == ["compute", "providers"] and len(parts) > 3
                else ".".join(parts[:2]) if parts[0] == "peers" and len(parts) > 2 else None)
        siblings = [p for p in paths if item and p.startswith(item + ".")]
        key = item if item and len(siblings) > 1 else path
        if key not in out:
            out.append(key)
    return out


# Value to price moving by at least this much across the training-growth rows of the base-case
# column is what the brief calls "sensitive to training costs".
SENSITIVE_SPREAD = 0.25


def _grid_summary(model: Model) -> dict[str, Any]:
    grid = model.sensitivity.value_to_price
    values = [v for row in grid for v in row if v is not None]
    ref = "sensitivity.value_to_price"
    centre = len(model.sensitivity.growth_factor) // 2
    column = [v for v in (row[centre] for row in grid) if v is not None]
    spread = max(column) - min(column) if column else None
    return {"min": Fig(min(values) if values else None, ref), "max": Fig(max(values) if values else None, ref),
            "at_or_above": Fig(sum(1 for v in values if v >= 1.0), ref), "cells": Fig(len(values), ref),
            "training_low": Fig(min(column) if column else None, ref),
            "training_high": Fig(max(column) if column else None, ref),
            "training_sensitive": spread is not None and spread >= SENSITIVE_SPREAD,
            "sensitive_spread": Fig(SENSITIVE_SPREAD, ref)}
