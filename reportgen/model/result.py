"""``Model``: everything the model computed for one company, and its model.json form (MODEL.md §4)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from typing import Any

SCHEMA = "reportgen.model/v1"
SIGNIFICANT_DIGITS = 12  # beyond this a float's last bits may differ between CPUs; no reader needs more


@dataclass(frozen=True)
class Model:
    company: dict[str, Any]
    metrics: dict[str, float | None]
    peers: list[dict[str, Any]]
    scenarios: dict[str, dict[str, Any]]
    reverse_dcf: dict[str, Any] | None
    sensitivity: dict[str, Any]
    monte_carlo: dict[str, Any]
    judgments: dict[str, str]
    earliest_squeeze: list | None
    provenance: dict[str, dict[str, Any]]
    inputs: dict[str, Any] = field(default_factory=dict)
    compute_providers: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] | None = None
    sources: dict[str, str] = field(default_factory=dict)
    notes: str | None = None
    changes: dict[str, Any] | None = None

    def with_changes(self, changes: dict[str, Any] | None) -> Model:
        return replace(self, changes=changes)

    def to_json(self) -> dict[str, Any]:
        """The model.json document: the contract's keys first, then reportgen's additions."""
        document = {
            "schema": SCHEMA,
            "company": self.company,
            "metrics": self.metrics,
            "peers": self.peers,
            "scenarios": self.scenarios,
            "reverse_dcf": self.reverse_dcf,
            "sensitivity": self.sensitivity,
            "monte_carlo": self.monte_carlo,
            "judgments": self.judgments,
            "earliest_squeeze": self.earliest_squeeze,
            "provenance": self.provenance,
            "inputs": self.inputs,
            "compute_providers": self.compute_providers,
            "history": self.history,
            "sources": self.sources,
            "notes": self.notes,
            "changes": self.changes,
        }
        return _rounded(document)

    def to_json_bytes(self) -> bytes:
        return dumps(self.to_json())


def lowest(values: list[float | None]) -> float | None:
    """The minimum of a path; None if any year is undefined (a path that overflowed)."""
    known = [v for v in values if v is not None]
    return None if not values or len(known) < len(values) else min(known)


def dumps(document: dict[str, Any]) -> bytes:
    """Canonical bytes: stable key order, no NaN or Infinity (json refuses them), UTF-8."""
    return (json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("non-finite number in model.json")  # the model maps these to null
        rounded = float(f"{value:.{SIGNIFICANT_DIGITS}g}")
        return 0.0 if rounded == 0 else rounded  # no "-0.0"
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value
