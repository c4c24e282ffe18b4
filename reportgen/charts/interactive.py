"""The chart specs of an interactive HTML brief (``--html-charts interactive``): the same Vega-Lite
specs as the static SVGs, with a tooltip on every mark and wheel zoom on every continuous axis, as JSON text
that can sit in a ``<script type="application/json">`` data block. Names from inputs are in the data: every "<", ">"
and "&" is written as a JSON escape, so the text can never end the element or start a comment."""

from __future__ import annotations

import copy
import json
from typing import Any

from reportgen.charts.frame import ChartSpec
from reportgen.charts.guard import check_spec

# The channels a reader reads a mark by (order, detail and the like only arrange marks: not shown).
TOOLTIP_CHANNELS = ("x", "x2", "y", "y2", "color", "shape", "strokeDash", "text", "size", "theta")
DEFAULT_FORMAT = ",.4~r"  # four significant digits, thousands separated, no SI suffix (house style)


def _tooltip(encoding: dict[str, Any]) -> list[dict[str, Any]]:
    """The tooltip channel of a mark: each field it encodes once, titled and formatted as its axis."""
    items: list[dict[str, Any]] = []
    for channel in TOOLTIP_CHANNELS:
        definition = encoding.get(channel)
        if not isinstance(definition, dict) or not isinstance(definition.get("field"), str):
            continue
        if any(item["field"] == definition["field"] for item in items):
            continue
        item = {key: definition[key] for key in ("field", "type", "aggregate", "bin", "timeUnit")
                if key in definition}
        if isinstance(definition.get("title"), str):
            item["title"] = definition["title"]
        if definition.get("type") == "quantitative":
            axis = definition.get("axis")
            given = definition.get("format") or (axis.get("format") if isinstance(axis, dict) else None)
            item["format"] = given if isinstance(given, str) and given not in (",~f", "~f") else DEFAULT_FORMAT
        items.append(item)
    return items


def with_tooltips(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``spec`` whose every mark shows the fields it encodes in a tooltip."""
    result = copy.deepcopy(spec)

    def visit(node: Any, inherited: dict[str, Any]) -> None:
        if isinstance(node, dict):
            encoding = {**inherited, **(node.get("encoding") or {})}
            mark = node.get("mark")
            if mark is not None:
                if isinstance(mark, str):
                    node["mark"] = mark = {"type": mark}
                fields = _tooltip(encoding)
                if fields and "tooltip" not in encoding:
                    node.setdefault("encoding", {})["tooltip"] = fields
                elif isinstance(mark, dict):
                    mark.setdefault("tooltip", True)
            for key, value in node.items():
                if key not in ("data", "datasets", "config", "encoding"):
                    visit(value, encoding)
        elif isinstance(node, list):
            for item in node:
                visit(item, inherited)

    visit(result, {})
    return result


CONTINUOUS = ("quantitative", "temporal")


def _zoomable(encoding: dict[str, Any]) -> list[str]:
    """The position channels of a mark that can zoom: continuous, not binned (a bin's edges are fixed)."""
    return [channel for channel in ("x", "y") if isinstance(encoding.get(channel), dict)
            and encoding[channel].get("type") in CONTINUOUS and not encoding[channel].get("bin")]


def with_zoom(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``spec`` in which every view with a continuous axis zooms with the wheel and pans by dragging
    (an interval selection bound to its scales). A layered view takes it once, on its first layer that can
    zoom; views on category axes (bars by provider, the heatmap's grid) have nothing to zoom."""
    result = copy.deepcopy(spec)
    count = 0

    def bind(node: dict[str, Any], encoding: dict[str, Any]) -> bool:
        nonlocal count
        channels = _zoomable(encoding)
        if not channels or node.get("params"):
            return False
        count += 1
        node["params"] = [{"name": f"zoom_{count}", "select": {"type": "interval", "encodings": channels},
                           "bind": "scales"}]
        return True

    def visit(node: Any, inherited: dict[str, Any]) -> None:
        if not isinstance(node, dict):
            return
        encoding = {**inherited, **(node.get("encoding") or {})}
        if isinstance(node.get("layer"), list):
            for layer in node["layer"]:
                own = layer.get("encoding") or {} if isinstance(layer, dict) else {}
                if isinstance(layer, dict) and "mark" in layer and bind(layer, {**encoding, **own}):
                    break
            return
        if "mark" in node:
            bind(node, encoding)
            return
        for key in ("vconcat", "hconcat", "concat"):
            for child in node.get(key) or []:
                visit(child, {})
        if isinstance(node.get("spec"), dict):  # a facet's inner view
            visit(node["spec"], {})

    visit(result, {})
    return result


def spec_json(spec: dict[str, Any]) -> str:
    """``spec`` as JSON safe inside an HTML script data block (ASCII, no "<", ">" or "&")."""
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def interactive_specs(specs: list[ChartSpec]) -> dict[str, str]:
    """chart name -> the JSON text of its interactive spec, for every chart of the brief (``specs``: the
    model's ``chart_specs``, the same the static charts are drawn from)."""
    found = {}
    for item in specs:
        spec = with_zoom(with_tooltips(item.spec))
        check_spec(spec)  # loads nothing, like the static chart
        found[item.name] = spec_json(spec)
    return found
