"""The appendix's formula rows: one per formula, with its inputs in short, its basis, its sources and
why any of its figures is null."""

from __future__ import annotations

from typing import Any

from reportgen.model.result import Model
from reportgen.render.figures import anchor
from reportgen.render.labels import FORMULA_LABELS


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


def provenance_rows(model: Model) -> list[dict[str, Any]]:
    """One appendix row per formula; its id is the anchor every figure of the group links to, so a
    link from the prose lands on the formula (scenario variants share their base row)."""
    rows: dict[str, dict[str, Any]] = {}
    for key, entry in model.provenance.items():
        parts = key.split(".")
        group = parts[-1] if parts[0] == "scenarios" else ("monte_carlo" if parts[0] == "monte_carlo" else key)
        row = rows.get(group)
        if row is None:  # the row's id is the anchor every figure of the group links to
            formula = entry.formula.split("; ")[0] if parts[0] == "scenarios" else entry.formula
            row = rows[group] = {"name": group, "label": FORMULA_LABELS.get(group, group), "formula": formula,
                                 "inputs": _compact(entry.inputs),
                                 "basis": entry.basis, "source": "; ".join(entry.sources) or None,
                                 "anchor": anchor(key), "reasons": []}
        if entry.reason:
            row["reasons"].append((key, *_reason_parts(entry.reason)))
    return list(rows.values())


def _reason_parts(reason: str) -> tuple[str, str]:
    """A provenance reason as (kind, why): model.json writes "null: cash never falls below zero" or
    "undefined: enterprise value is not positive", and the appendix says "<key> is <kind>: <why>", so
    the kind must not be repeated by the template."""
    kind, sep, why = reason.partition(": ")
    return (kind, why) if sep and kind in ("null", "undefined") else ("null", reason)
