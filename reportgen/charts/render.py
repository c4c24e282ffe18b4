"""Rendering chart specs to SVG with vl-convert, in-process, with no network and no file access.

vl-convert runs a JavaScript engine that starts once per process (about 0.4 s) and serialises calls;
it deadlocks in a forked child once the parent has used it, so workers are spawned, never forked.
Rendered SVGs are cached by the hash of their spec: an unchanged chart is not drawn twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from typing import Any

from reportgen.charts.cache import (
    CacheEntry,
    _read_cache,
    _read_cached_svg,
    _touch,
    charts_key,
    write_cache,
)
from reportgen.charts.guard import VEGA_LITE_VERSION, ChartError, check_spec, svg_problems
from reportgen.model.result import Model
from reportgen.paths import builtin_assets

_ENGINE_LOCK = threading.Lock()
_ENGINE_READY = False
_MEMORY_CACHE: dict[str, str] = {}
_MEMORY_CACHE_LIMIT = 512
# The input fields each chart draws, for an error that names them.
CHART_INPUTS = {
    "history": "revenue.history", "revenue_compute": "revenue, costs and scenarios", "cash": "cash_on_hand and the "
    "scenarios", "provider_mix": "compute.providers and peers", "sensitivity": "costs.training_growth and the "
    "base scenario", "monte_carlo": "monte_carlo", "valuation_summary": "peers, monte_carlo and the scenarios",
}


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


def spec_digest(spec: dict[str, Any]) -> str:
    """The cache key of a spec's SVG: the spec, the Vega-Lite version and the versions of vl-convert and
    altair (an upgraded chart engine must not serve SVGs drawn by the old one)."""
    from reportgen.versions import chart_versions

    canonical = json.dumps(spec, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(f"{VEGA_LITE_VERSION}\n{chart_versions()}\n{canonical}".encode()).hexdigest()



def render_svg(spec: dict[str, Any], cache_dir: str | None = None) -> tuple[str, str]:
    """SVG text of a spec and the spec's digest; from the cache when the same spec was drawn before,
    and a new drawing written to the cache at once (``draw_charts`` defers that to the build)."""
    svg, digest, entry = _draw(spec, cache_dir)
    if entry is not None:
        write_cache([entry])
    return svg, digest


def _draw(spec: dict[str, Any], cache_dir: str | None) -> tuple[str, str, CacheEntry | None]:
    """The SVG, the spec's digest, and the cache entry to write if it was drawn now."""
    check_spec(spec)
    digest = spec_digest(spec)
    svg = _MEMORY_CACHE.get(digest)
    cached_file = os.path.join(cache_dir, digest + ".svg") if cache_dir else None
    entry = None
    if svg is None and cache_dir and cached_file:
        svg = _read_cached_svg(cache_dir, digest + ".svg")
        if svg is not None:
            _touch(cached_file)
    if svg is None:
        try:
            svg = engine().vegalite_to_svg(spec, vl_version=VEGA_LITE_VERSION, allowed_base_urls=[])
        except Exception as exc:  # vl-convert raises ValueError with the JavaScript error text
            # vl-convert's first line is a generic "conversion failed:"; the JavaScript error follows it
            lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
            reason = next((line for line in lines[1:] if not line.startswith("at ")), lines[0] if lines else "")
            raise ChartError(f"chart could not be drawn: {reason}") from None
        problems = svg_problems(svg)
        if problems:
            raise ChartError(f"chart SVG refers to an external resource ({problems[0]})")
        if cached_file:
            entry = (cached_file, svg.encode("utf-8"))
    if len(_MEMORY_CACHE) >= _MEMORY_CACHE_LIMIT:
        _MEMORY_CACHE.clear()
    _MEMORY_CACHE[digest] = svg
    return svg, digest, entry


def draw_charts(model: Model, cache_dir: str | None = None,
                specs: list[Any] | None = None) -> tuple[list[Chart], list[CacheEntry]]:
    """Every chart of the brief as SVG, in order, and the cache entries to write once the brief has
    succeeded (``write_cache``): a failed brief leaves the cache as it was. ``specs``: the model's
    ``chart_specs``, when the caller made them already (an interactive brief needs them too)."""
    bundle_name = f"model-{charts_key(model)}.json"
    bundle_path = os.path.join(cache_dir, bundle_name) if cache_dir else None
    content = _read_cache(cache_dir, bundle_name) if cache_dir and bundle_path else None
    if content is not None and bundle_path:
        try:
            charts = [Chart(**item) for item in json.loads(content)]
            # Each SVG is held to the guard of a fresh one: a tampered entry is redrawn, never published.
            if all(isinstance(c.svg, str) and not svg_problems(c.svg) for c in charts):
                _touch(bundle_path)
                return charts, []
        except (ValueError, TypeError):
            pass  # a damaged cache entry is redrawn
    from reportgen.charts.specs import chart_specs
    from reportgen.charts.titles import titled_svg

    charts, entries = [], []
    for item in specs if specs is not None else chart_specs(model):
        try:
            svg, digest, entry = _draw(item.spec, cache_dir)
        except ChartError as exc:  # say which chart, and the input behind it
            raise ChartError(f"the {item.name} chart ({CHART_INPUTS.get(item.name, 'the model')}): {exc}") from None
        charts.append(Chart(item.name, titled_svg(svg, item.name, item.facts), item.facts, digest))
        if entry is not None:
            entries.append(entry)
    if bundle_path:
        payload = [{"name": c.name, "svg": c.svg, "facts": c.facts, "digest": c.digest} for c in charts]
        entries.append((bundle_path, json.dumps(payload, allow_nan=False).encode("utf-8")))
    return charts, entries


