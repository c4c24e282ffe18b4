"""The chart specs of an interactive HTML brief (``--html-charts interactive``): the same Vega-Lite
specs as the static SVGs, with a tooltip on every mark, as JSON text that can sit in a
``<script type="application/json">`` data block. Names from inputs are in the data: every "<", ">"
and "&" is written as a JSON escape, so the text can never end the element or start a comment."""

from __future__ import annotations

import copy
import json
from typing import Any

from reportgen.charts.guard import check_spec
from reportgen.model.result import Model


def with_tooltips(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``spec`` whose every mark shows its encoded fields in a tooltip."""
    result = copy.deepcopy(spec)

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            mark = node.get("mark")
            if isinstance(mark, str):
                node["mark"] = {"type": mark, "tooltip": True}
            elif isinstance(mark, dict) and "tooltip" not in mark:
                mark["tooltip"] = True
            for key, value in node.items():
                if key not in ("data", "datasets", "config"):
                    visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    visit(result)
    return result


def spec_json(spec: dict[str, Any]) -> str:
    """``spec`` as JSON safe inside an HTML script data block (ASCII, no "<", ">" or "&")."""
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def interactive_specs(model: Model) -> dict[str, str]:
    """chart name -> the JSON text of its interactive spec, for every chart of the brief."""
    from reportgen.charts.specs import chart_specs

    found = {}
    for item in chart_specs(model):
        spec = with_tooltips(item.spec)
        check_spec(spec)  # loads nothing, like the static chart
        found[item.name] = spec_json(spec)
    return found
