"""The charts' guard: a spec may not make the engine fetch anything, and an SVG, fresh or cached, may
hold no script, foreign content, event handler or reference outside the document."""

from __future__ import annotations

import re
from typing import Any

from reportgen.errors import ReportgenError

VEGA_LITE_VERSION = "6.4"  # the Vega-Lite the specs are written for, pinned in every conversion and cache key

# Keys that make Vega fetch something. Our specs never carry them; a spec that does is refused.
_FETCHING_KEYS = {"url", "href", "loader", "baseURL"}
# What an SVG may not contain. The SVG is parsed and only its markup is checked: a name like
# 'url(file:///etc/passwd)' or 'x href="..."' is an escaped text node or aria-label, not a reference.
_SVG_FORBIDDEN_ELEMENTS = {"script", "foreignObject", "image", "iframe", "object", "embed", "audio", "video",
                           "feImage", "handler", "listener"}
_SVG_URL_ATTRIBUTES = {"href", "src"}  # xlink:href is "href" in the xlink namespace
_SVG_CSS_FETCH = re.compile(r"@import|url\(\s*['\"]?(?!#)|image-set\(|image\(|\\", re.IGNORECASE)


class ChartError(ReportgenError):
    """A chart could not be drawn, or its spec or SVG tried to reach outside."""


def check_spec(node: Any, path: str = "") -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _FETCHING_KEYS:
                raise ChartError(f"chart spec refers to an external resource at {path}.{key}")
            check_spec(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            check_spec(item, f"{path}[{index}]")


def svg_problems(svg: str) -> list[str]:
    """Script, foreign content, event handlers and references outside the document in an SVG's markup.
    Text nodes and aria-* attributes (where vl-convert puts data values, names included) are text."""
    from xml.etree import ElementTree

    try:
        root = ElementTree.fromstring(svg)  # expat: no external entities, no DTD fetching
    except ElementTree.ParseError as exc:
        return [f"not well-formed SVG: {exc}"]
    problems = []
    for element in root.iter():
        tag = str(element.tag).rsplit("}", 1)[-1]
        if tag in _SVG_FORBIDDEN_ELEMENTS:
            problems.append(f"<{tag}> element")
        if tag == "style" and _SVG_CSS_FETCH.search(element.text or ""):
            problems.append("<style> loads something")
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1]
            if local.startswith("aria-"):
                continue
            if local.lower().startswith("on"):
                problems.append(f"event handler {local}")
            elif local in _SVG_URL_ATTRIBUTES and not value.strip().startswith("#"):
                problems.append(f"{local}={value[:80]!r}")
            elif local == "style" and _SVG_CSS_FETCH.search(value):
                problems.append(f"style={value[:80]!r}")
            elif "url(" in value.lower() and _SVG_CSS_FETCH.search(value):  # fill="url(http://...)"
                problems.append(f"{local}={value[:80]!r}")
    return problems
