"""The template context: what the brief's templates can use, built from a Model and its charts.

Every number is a ``Fig`` that knows its provenance key; every text from the input is a plain str
(autoescaped). Templates decide the words; this module only computes and names.

Top-level names (documented for template authors in README "Templates"):
  target        "pdf" or "html"
  company       name, as_of (ISO), currency, unit, input (file name)
  m             headline metrics (valuation_multiple, hhi, ...) as Figs
  i             input figures by short name (post_money, run_rate, horizon, ...) as Figs
  j             judgments: multiple, capital_intensity, circularity, concentration, liquidity,
                terminal_value, valuation_odds (strings of MODEL.md section 3)
  sc            scenarios by name; scenarios: the same, in order (name, label, figures, series);
                cash_min is the lowest cash of years 1..H, cash_min_from_today includes cash on hand
                today, as the Monte Carlo's min_cash does
  squeeze       earliest squeeze {year, name, label} or None
  reverse       reverse DCF figures or None; reverse_reason: why it is None
  mc            Monte Carlo figures (equity_p5 ... prob_squeeze)
  grid          sensitivity grid: rows [{training_growth, cells: [Fig]}], growth_factors [Fig]
  peers         [{name, valuation_multiple, hhi, provider_count, providers}]
  providers     the company's providers [{name, share, commitment, years, investor}]
  top_provider  the largest provider {name, share}; investors: providers that also invested
  charts        by name: {uri, facts}; chart_order: names in order
  sources       [{number, text, fields}] (endnotes); provenance: appendix rows {name, formula, inputs,
                source, anchor, reasons: [(key, kind, why)]}, kind "null" or "undefined"
  assumptions   [{path, value, anchor, note}]; history: [{period, revenue}] or None
  changes       what changed since the previous brief, or None
  notes         analyst notes or None; version: reportgen's version
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from reportgen import __version__
from reportgen.charts.theme import SCENARIO_LABELS
from reportgen.model.result import Model, lowest
from reportgen.render.figures import Fig, anchor

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
    """Builds Figs with their provenance keys and source endnotes."""

    def __init__(self, model: Model):
        self.model = model
        self.notes: dict[str, int] = {}
        self.source_numbers: dict[str, int] = {}
        for path, text in model.sources.items():
            number = self.source_numbers.setdefault(text, len(self.source_numbers) + 1)
            self.notes[path] = number

    def note_for(self, ref: str) -> int | None:
        """The endnote of an input figure's source. Derived figures carry no note: they combine many
        inputs, and their provenance entry (the link) lists every source they rest on."""
        if not ref.startswith("inputs."):
            return None
        path = ref[len("inputs."):]
        if path in self.notes:
            return self.notes[path]
        parents = [p for p in self.notes if path.startswith(p + ".")]
        return self.notes[parents[0]] if parents else None

    def __call__(self, value: Any, ref: str) -> Fig:
        return Fig(value, ref, self.note_for(ref))


def build_context(model: Model, charts: list[Any], target: str) -> dict[str, Any]:
    f = _Figures(model)
    metrics = {name: f(value, name) for name, value in model.metrics.items()}
    inputs = {short: f(model.inputs.get(path), f"inputs.{path}") for short, path in INPUT_FIGURES.items()}

    scenarios = []
    for name, data in model.scenarios.items():
        key = f"scenarios.{name}"
        scenarios.append({
            "name": name,
            "label": SCENARIO_LABELS[name],
            "years": data["years"],
            "growth_factor": Fig(data["parameters"]["growth_factor"], key + ".revenue"),
            "price_decline": Fig(data["parameters"]["price_decline"], key + ".compute_cost"),
            "training_growth": Fig(data["parameters"]["training_growth"], key + ".compute_cost"),
            "fade": Fig(data["parameters"]["fade"], key + ".revenue"),
            "revenue_first": f(data["revenue"][0], key + ".revenue"),
            "revenue_final": f(data["revenue"][-1], key + ".revenue"),
            "compute_first": f(data["compute_cost"][0], key + ".compute_cost"),
            "compute_final": f(data["compute_cost"][-1], key + ".compute_cost"),
            "fcf_first": f(data["fcf"][0], key + ".fcf"),
            "fcf_final": f(data["fcf"][-1], key + ".fcf"),
            "cash_min": f(lowest(data["cash"]), key + ".cash"),
            # The Monte Carlo's min_cash counts today's cash on hand (year 0) as a point of every path;
            # the cover compares the base case with that range, so it measures the base case the same way.
            "cash_min_from_today": f(lowest([model.inputs.get("cash_on_hand"), *data["cash"]]), key + ".cash"),
            "cash_final": f(data["cash"][-1], key + ".cash"),
            "first_year": Fig(data["years"][0], key + ".revenue"),
            "final_year": Fig(data["years"][-1], key + ".revenue"),
            **{k: f(data[k], f"{key}.{k}") for k in ("squeeze_year", "fcf_positive_year", "equity_value",
                                                      "tv_share", "value_to_price")},
        })
    by_name = {s["name"]: s for s in scenarios}

    squeeze = None
    if model.earliest_squeeze is not None:
        year, name = model.earliest_squeeze
        squeeze = {"year": f(year, f"scenarios.{name}.squeeze_year"), "name": name,
                   "label": SCENARIO_LABELS[name]}

    reverse = None
    if model.reverse_dcf is not None:
        reverse = {k: f(v, f"reverse_dcf.{k}") for k, v in model.reverse_dcf.items()}
    mc = {k: f(v, f"monte_carlo.{k}") for k, v in model.monte_carlo.items() if k != "histogram"}
    mc["paths"] = f(model.monte_carlo["paths"], "inputs.monte_carlo.paths")

    grid = model.sensitivity
    sens_ref = "sensitivity.value_to_price"
    grid_view = {
        "growth_factors": [Fig(v, sens_ref) for v in grid["growth_factor"]],
        "rows": [{"training_growth": Fig(tg, sens_ref),
                  "cells": [Fig(v, sens_ref) for v in grid["value_to_price"][i]]}
                 for i, tg in enumerate(grid["training_growth"])],
        **_grid_summary(model),
    }

    providers = [{
        "name": p["name"],
        "share": f(p["share"], "hhi"),
        "commitment": f(p["commitment"], f"inputs.compute.providers.{i}.commitment"),
        "years": f(p["years"], f"inputs.compute.providers.{i}.years"),
        "investor": p["investor"],
    } for i, p in enumerate(model.compute_providers)]
    top = max(providers, key=lambda p: p["share"].value)
    investors = [p for p in providers if p["investor"]]

    peers = [{
        "name": peer["name"],
        "valuation_multiple": Fig(peer["valuation_multiple"], "peers"),
        "hhi": Fig(peer["hhi"], "peers"),
        "provider_count": Fig(peer["provider_count"], "peers"),
        "top_provider": max(peer["providers"], key=lambda p: p["share"])["name"],
        "top_share": Fig(max(p["share"] for p in peer["providers"]), "peers"),
    } for peer in model.peers]

    images = [ChartImage(c.name, c.svg, c.facts) for c in charts]
    return {
        "target": target,
        "version": __version__,
        "company": model.company,
        "m": metrics,
        "i": inputs,
        "j": model.judgments,
        "sc": by_name,
        "scenarios": scenarios,
        "squeeze": squeeze,
        "weakest": min(scenarios, key=lambda s: s["cash_min"].value if s["cash_min"].value is not None
                       else float("inf")),
        "reverse": reverse,
        "reverse_reason": (model.provenance.get("reverse_dcf.implied_growth_factor") or {}).get("reason"),
        "mc": mc,
        "grid": grid_view,
        "peers": peers,
        "providers": providers,
        "top_provider": top,
        "investors": investors,
        "investor_share": Fig(sum(p["share"].value for p in investors), "recycled_share"),
        "charts": {image.name: image for image in images},
        "chart_order": [image.name for image in images],
        "sources": [{"number": number, "text": text,
                     "fields": [p for p, t in model.sources.items() if t == text]}
                    for text, number in f.source_numbers.items()],
        "provenance": _provenance_rows(model),
        "assumptions": [{"path": path, "value": value, "anchor": f"prov-inputs.{path}",
                         "note": f.note_for(f"inputs.{path}")}
                        for path, value in model.inputs.items() if path != "schema"],
        "history": model.history,
        "changes": model.changes,
        "notes": model.notes,
    }


def _compact(paths: list[str]) -> list[str]:
    """Input paths for the appendix, shortened: provider fields become ``compute.providers`` and a
    section with three or more fields listed becomes ``section.*`` (model.json keeps them all)."""
    collapsed: list[str] = []
    for path in paths:
        parts = path.split(".")
        short = "compute.providers" if parts[:2] == ["compute", "providers"] else path
        if short not in collapsed:
            collapsed.append(short)
    counts: dict[str, int] = {}
    for path in collapsed:
        if "." in path and path != "compute.providers":
            counts[path.split(".")[0]] = counts.get(path.split(".")[0], 0) + 1
    out: list[str] = []
    for path in collapsed:
        head = path.split(".")[0]
        item = f"{head}.*" if "." in path and path != "compute.providers" and counts.get(head, 0) >= 3 else path
        if item not in out:
            out.append(item)
    return out


def _provenance_rows(model: Model) -> list[dict[str, Any]]:
    """One appendix row per formula; its id is the anchor every figure of the group links to, so a
    link from the prose lands on the formula (scenario variants share their base row)."""
    rows: dict[str, dict[str, Any]] = {}
    for key, entry in model.provenance.items():
        parts = key.split(".")
        group = parts[-1] if parts[0] == "scenarios" else ("monte_carlo" if parts[0] == "monte_carlo" else key)
        row = rows.get(group)
        if row is None:  # the row's id is the anchor every figure of the group links to
            formula = entry["formula"].split("; ")[0] if parts[0] == "scenarios" else entry["formula"]
            row = rows[group] = {"name": group, "formula": formula, "inputs": _compact(entry["inputs"]),
                                 "source": entry.get("source"), "anchor": anchor(key), "reasons": []}
        if entry.get("reason"):
            row["reasons"].append((key, *_reason_parts(entry["reason"])))
    rows.setdefault("peers", {"name": "peers", "formula": "peer post-money / peer run-rate revenue; "
                              "HHI and count of the peer's providers", "inputs": ["peers"], "source": None,
                              "anchor": "prov-peers", "reasons": []})
    return list(rows.values())


def _reason_parts(reason: str) -> tuple[str, str]:
    """A provenance reason as (kind, why): model.json writes "null: cash never falls below zero" or
    "undefined: enterprise value is not positive", and the appendix says "<key> is <kind>: <why>", so
    the kind must not be repeated by the template."""
    kind, sep, why = reason.partition(": ")
    return (kind, why) if sep and kind in ("null", "undefined") else ("null", reason)


def _grid_summary(model: Model) -> dict[str, Any]:
    values = [v for row in model.sensitivity["value_to_price"] for v in row if v is not None]
    ref = "sensitivity.value_to_price"
    return {"min": Fig(min(values) if values else None, ref), "max": Fig(max(values) if values else None, ref),
            "at_or_above": Fig(sum(1 for v in values if v >= 1.0), ref), "cells": Fig(len(values), ref)}
