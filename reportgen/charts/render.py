"""Rendering chart specs to SVG with vl-convert, in-process, with no network and no file access.

vl-convert runs a JavaScript engine that starts once per process (about 0.4 s) and serialises calls;
it deadlocks in a forked child once the parent has used it, so workers are spawned, never forked.
Rendered SVGs are cached by the hash of their spec: an unchanged chart is not drawn twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from dataclasses import dataclass
from typing import Any

from reportgen.charts.specs import ChartSpec, chart_specs
from reportgen.errors import ReportgenError
from reportgen.model.result import Model
from reportgen.paths import builtin_assets

VEGA_LITE_VERSION = "6.4"
_ENGINE_LOCK = threading.Lock()
_ENGINE_READY = False
_MEMORY_CACHE: dict[str, str] = {}
_MEMORY_CACHE_LIMIT = 512
# Keys that make Vega fetch something. Our specs never carry them; a spec that does is refused.
_FETCHING_KEYS = {"url", "href", "loader", "baseURL"}
_SVG_EXTERNAL = re.compile(r"""(?:href|src)\s*=\s*["'](?!#)|<image\b|<foreignObject\b|@import|url\(\s*['"]?(?!#)""",
                           re.IGNORECASE)


class ChartError(ReportgenError):
    """A chart could not be drawn, or its spec or SVG tried to reach outside."""


@dataclass(frozen=True)
class Chart:
    name: str
    svg: str
    facts: dict[str, Any]
    digest: str


def engine() -> Any:
    """vl-convert with the bundled fonts registered (once per process)."""
    global _ENGINE_READY
    import vl_convert

    with _ENGINE_LOCK:
        if not _ENGINE_READY:
            vl_convert.register_font_directory(os.path.join(builtin_assets(), "fonts"))
            _ENGINE_READY = True
    return vl_convert


def warm_up() -> None:
    """Start the JavaScript engine now (e.g. in a thread while WeasyPrint imports)."""
    engine().vegalite_to_svg({"mark": "point", "data": {"values": [{}]}}, vl_version=VEGA_LITE_VERSION,
                             allowed_base_urls=[])


def _check_spec(node: Any, path: str = "") -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _FETCHING_KEYS:
                raise ChartError(f"chart spec refers to an external resource at {path}.{key}")
            _check_spec(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            _check_spec(item, f"{path}[{index}]")


def spec_digest(spec: dict[str, Any]) -> str:
    canonical = json.dumps(spec, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(f"{VEGA_LITE_VERSION}\n{canonical}".encode()).hexdigest()


def render_svg(spec: dict[str, Any], cache_dir: str | None = None) -> tuple[str, str]:
    """SVG text of a spec and the spec's digest; from the cache when the same spec was drawn before."""
    _check_spec(spec)
    digest = spec_digest(spec)
    svg = _MEMORY_CACHE.get(digest)
    cached_file = os.path.join(cache_dir, digest + ".svg") if cache_dir else None
    if svg is None and cached_file and os.path.isfile(cached_file):
        with open(cached_file, encoding="utf-8") as handle:
            svg = handle.read()
    if svg is None:
        try:
            svg = engine().vegalite_to_svg(spec, vl_version=VEGA_LITE_VERSION, allowed_base_urls=[])
        except Exception as exc:  # vl-convert raises ValueError with the JavaScript error text
            raise ChartError(f"chart could not be drawn: {str(exc).splitlines()[0]}") from None
        if _SVG_EXTERNAL.search(svg):
            raise ChartError("chart SVG refers to an external resource")
        if cached_file:
            from reportgen.build.atomic import write_atomic

            write_atomic(cached_file, svg.encode("utf-8"))
    if len(_MEMORY_CACHE) >= _MEMORY_CACHE_LIMIT:
        _MEMORY_CACHE.clear()
    _MEMORY_CACHE[digest] = svg
    return svg, digest


def draw_charts(model: Model, cache_dir: str | None = None) -> list[Chart]:
    """Every chart of the brief as SVG, in order."""
    charts = []
    for item in chart_specs(model):
        svg, digest = render_svg(item.spec, cache_dir)
        charts.append(Chart(item.name, svg, item.facts, digest))
    return charts


def draw_one(item: ChartSpec) -> Chart:
    svg, digest = render_svg(item.spec)
    return Chart(item.name, svg, item.facts, digest)
