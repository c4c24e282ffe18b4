"""Helpers of the input-contract tests: a valid company as data, a YAML writer that knows on which line it
wrote each field (so that expected line numbers never come from the code under test), and shortcuts that
load a file and return its problems.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from reportgen.contract.load import Spec, load_spec
from reportgen.errors import Problem, SpecError

ROOT = Path(__file__).resolve().parents[2]
INPUTS = ROOT / "inputs"
EXAMPLE = INPUTS / "anthropic-2026.yaml"
REPORTGEN = ROOT / ".venv" / "bin" / "reportgen"

DELETE = object()  # a value for ``changed``: remove the key


class Raw(str):
    """A scalar written verbatim (unquoted) by ``render``: ``Raw("1:30")``, ``Raw(".nan")``, ``Raw("{a: 1}")``."""


# Every field written, none at its default, so that leaving one out shows the default being applied.
BASE: dict[str, Any] = {
    "schema": "reportgen/v1",
    "company": {"name": "Test Co", "as_of": dt.date(2026, 6, 30), "currency": "USD", "unit": "million"},
    "valuation": {"post_money": 1000.0, "latest_raise": 100.0, "raise_from_cloud_investors": 0.25},
    "cash_on_hand": 150.0,
    "revenue": {"run_rate": 80.0, "growth_y1": 0.5, "growth_long": 0.05, "fade": 0.6},
    "costs": {"inference_share": 0.4, "training_spend": 30.0, "training_growth": 0.2, "opex_share": 0.3,
              "tax_rate": 0.25, "tax_losses": 12.0},
    "compute": {
        "price_decline": 0.1,
        "providers": [
            {"name": "Alpha Cloud", "share": 0.6, "commitment": 120.0, "years": 4, "investor": True},
            {"name": "Beta Cloud", "share": 0.4},
        ],
    },
    "peers": [
        {"name": "Peer One", "post_money": 500.0, "run_rate": 40.0,
         "providers": [{"name": "Alpha Cloud", "share": 0.7}, {"name": "Gamma", "share": 0.3}],
         "growth_y1": 0.8, "cash_on_hand": 25.0},
    ],
    "dcf": {"discount_rate": 0.11, "terminal_growth": 0.02, "horizon": 8},
    "scenarios": {"bull": {"growth_factor": 1.5, "price_decline_delta": 0.05},
                  "adoption_plateau": {"fade": 0.4}},
    "monte_carlo": {"paths": 500, "seed": 11, "growth_sd": 0.2, "price_spread": 0.05, "training_sd": 0.15,
                    "rate_spread": 0.03},
    "sources": {"valuation.post_money": "Round announcement"},
    "notes": "Plain notes.",
}

# Only what the contract requires.
MINIMAL: dict[str, Any] = {
    "schema": "reportgen/v1",
    "company": {"name": "Min Co", "as_of": dt.date(2026, 1, 31), "currency": "EUR", "unit": "thousand"},
    "valuation": {"post_money": 10.0, "latest_raise": 0.0},
    "cash_on_hand": 0.0,
    "revenue": {"run_rate": 1.0, "growth_y1": 0.1},
    "costs": {"inference_share": 0.2, "training_spend": 0.0, "opex_share": 0.5},
    "compute": {"providers": [{"name": "Only Cloud", "share": 1.0}]},
}

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
_PLAIN_TEXT = re.compile(r"^[A-Za-z][A-Za-z0-9/_.-]*(?: [A-Za-z0-9/_.-]+)*$")
_KEYWORDS = {"null", "true", "false", "yes", "no", "on", "off", "y", "n"}


def _split(dotted: str) -> list[str | int]:
    return [int(part) if part.isdigit() else part for part in dotted.split(".")]


def changed(data: dict[str, Any] | None = None, /, **edits: Any) -> dict[str, Any]:
    """A deep copy of ``data`` (BASE by default) with ``edits`` applied; keys are dotted paths with ``__``
    for dots (``costs__inference_share=45``) and ``DELETE`` removes a key."""
    result = copy.deepcopy(BASE if data is None else data)
    for key, value in edits.items():
        parts = _split(key.replace("__", "."))
        node: Any = result
        for part in parts[:-1]:
            if isinstance(node, dict) and part not in node:
                node[part] = {}
            node = node[part]
        if value is DELETE:
            del node[parts[-1]]
        else:
            node[parts[-1]] = value
    return result


def scalar(value: Any) -> str:
    if isinstance(value, Raw):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)  # round-trips exactly: the edge cases test the exact float
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        if _PLAIN_TEXT.match(value) and value.lower() not in _KEYWORDS:
            return value  # as an analyst writes it
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
    raise TypeError(type(value))


def render(data: dict[str, Any], header: str = "# a company written by the tests") -> tuple[str, dict[str, int]]:
    """YAML text of ``data`` in block style, and the line on which each dotted path is written (the line of
    its key; for a list item, the line of its ``-``)."""
    lines: list[str] = [header] if header else []
    where: dict[str, int] = {}

    def key_text(key: Any) -> str:
        return key if isinstance(key, str) and _PLAIN_KEY.match(key) else json.dumps(str(key))

    def mapping(value: dict[str, Any], path: str, indent: int, first_prefix: str | None = None) -> None:
        for position, (key, item) in enumerate(value.items()):
            pad = first_prefix if (position == 0 and first_prefix is not None) else " " * indent
            dotted = f"{path}.{key}" if path else str(key)
            where[dotted] = len(lines) + 1
            if isinstance(item, dict) and item:
                lines.append(f"{pad}{key_text(key)}:")
                mapping(item, dotted, indent + 2)
            elif isinstance(item, list) and item:
                lines.append(f"{pad}{key_text(key)}:")
                sequence(item, dotted, indent + 2)
            else:
                lines.append(f"{pad}{key_text(key)}: {_inline(item)}")

    def sequence(items: list[Any], path: str, indent: int) -> None:
        for index, item in enumerate(items):
            dotted = f"{path}.{index}"
            where[dotted] = len(lines) + 1
            if isinstance(item, dict) and item:
                mapping(item, dotted, indent + 2, first_prefix=" " * indent + "- ")
            else:
                lines.append(" " * indent + "- " + _inline(item))

    mapping(data, "", 0)
    return "\n".join(lines) + "\n", where


def _inline(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {_inline(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    return scalar(value)


def to_json_compatible(value: Any) -> Any:
    """``data`` with dates as ISO strings (what JSON and JSON Schema can hold)."""
    if isinstance(value, dict):
        return {str(k): to_json_compatible(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_compatible(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def problems_of(path: str | Path) -> list[Problem]:
    """The problems ``load_spec`` reports for ``path``; fails the test if the file is accepted or anything
    but a SpecError escapes."""
    try:
        spec = load_spec(str(path))
    except SpecError as exc:
        assert exc.problems, "a SpecError without problems"
        return list(exc.problems)
    raise AssertionError(f"{path} was accepted: {spec.input!r}")


def lines_of(path: str | Path) -> list[str]:
    return [str(problem) for problem in problems_of(path)]


def accepted(path: str | Path) -> Spec:
    try:
        return load_spec(str(path))
    except SpecError as exc:
        raise AssertionError(f"{path} was refused:\n{exc}") from None
