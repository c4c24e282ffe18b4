"""What changed since the previous brief: inputs, headline figures and judgments, compared with the
model.json the last build left next to the brief."""

from __future__ import annotations

from typing import Any

from reportgen.model.document import SCHEMA
from reportgen.model.result import Model

# (key, kind, how to read it from a model.json)
HEADLINE = (
    ("equity_value", "money", lambda m: m["scenarios"]["base"]["equity_value"]),
    ("value_to_price", "multiple", lambda m: m["scenarios"]["base"]["value_to_price"]),
    ("valuation_multiple", "multiple", lambda m: m["metrics"]["valuation_multiple"]),
    ("capital_intensity", "pct", lambda m: m["metrics"]["capital_intensity"]),
    ("recycled_share", "pct", lambda m: m["metrics"]["recycled_share"]),
    ("hhi", "number", lambda m: m["metrics"]["hhi"]),
    ("equity_p50", "money", lambda m: m["monte_carlo"]["equity_p50"]),
    ("prob_value_ge_price", "pct", lambda m: m["monte_carlo"]["prob_value_ge_price"]),
    ("prob_squeeze", "pct", lambda m: m["monte_carlo"]["prob_squeeze"]),
    ("funding_need", "money", lambda m: m["scenarios"]["base"]["funding_need"]),
    ("squeeze_year", "year", lambda m: (m.get("earliest_squeeze") or [None])[0]),
    ("fcf_positive_year", "year", lambda m: m["scenarios"]["base"]["fcf_positive_year"]),
)
RELATIVE_TOLERANCE = 1e-9  # figures that differ only in rounding noise did not change


def _differs(before: Any, after: Any) -> bool:
    if isinstance(before, int | float) and isinstance(after, int | float) and not isinstance(before, bool):
        scale = max(abs(before), abs(after), 1e-12)
        return abs(before - after) / scale > RELATIVE_TOLERANCE
    return before != after


def _values(inputs: dict[str, Any]) -> dict[str, Any]:
    return {path: entry.get("value") for path, entry in inputs.items()}


def compare(previous: dict[str, Any], model: Model) -> dict[str, Any] | None:
    """The changes between a previous model.json and ``model``; None when ``previous`` is not a
    model.json of this contract (then the brief simply has no "what changed" block)."""
    if not isinstance(previous, dict) or previous.get("schema") != SCHEMA:
        return None
    current = model.to_json()
    try:
        before_inputs = _values(previous.get("inputs") or {})
        after_inputs = _values(current["inputs"])
        inputs = [{"path": path, "before": before_inputs.get(path), "after": after_inputs.get(path)}
                  for path in sorted(set(before_inputs) | set(after_inputs))
                  if _differs(before_inputs.get(path), after_inputs.get(path))]
        figures = []
        for key, kind, read in HEADLINE:
            before, after = read(previous), read(current)
            if _differs(before, after):
                figures.append({"key": key, "kind": kind, "before": before, "after": after})
        judgments = [{"kind": kind, "before": previous["judgments"].get(kind), "after": value}
                     for kind, value in current["judgments"].items()
                     if previous["judgments"].get(kind) != value]
        company = previous["company"]
    except (KeyError, TypeError, AttributeError):
        return None
    return {
        "compared_with": {
            "as_of": company.get("as_of"),
            "input_sha256": company.get("input_sha256"),
            "equity_value": previous["scenarios"]["base"].get("equity_value"),
        },
        "previous_as_of": company.get("as_of"),
        "any": bool(inputs or figures or judgments),
        "inputs": inputs,
        "figures": figures,
        "judgments": judgments,
    }
