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

from reportgen.errors import ReportgenError
from reportgen.model.result import Model
from reportgen.paths import builtin_assets

VEGA_LITE_VERSION = "6.4"
_ENGINE_LOCK = threading.Lock()
_ENGINE_READY = False
_MEMORY_CACHE: dict[str, str] = {}
_STATE: dict[str, str] = {}
_MEMORY_CACHE_LIMIT = 512
# Keys that make Vega fetch something. Our specs never carry them; a spec that does is refused.
_FETCHING_KEYS = {"url", "href", "loader", "baseURL"}
# What an SVG may not contain. The SVG is parsed and only its markup is checked: a name like
# 'url(file:///etc/passwd)' or 'x href="..."' is an escaped text node or aria-label, not a reference.
_SVG_FORBIDDEN_ELEMENTS = {"script", "foreignObject", "image", "iframe", "object", "embed", "audio", "video",
                           "feImage", "handler", "listener"}
_SVG_URL_ATTRIBUTES = {"href", "src"}  # xlink:href is "href" in the xlink namespace
_SVG_CSS_FETCH = re.compile(r"@import|url\(\s*['\"]?(?!#)|image-set\(|image\(|\\", re.IGNORECASE)


# The input fields each chart draws, for an error that names them.
CHART_INPUTS = {
    "history": "revenue.history", "revenue_compute": "revenue, costs and scenarios", "cash": "cash_on_hand and the "
    "scenarios", "provider_mix": "compute.providers and peers", "sensitivity": "costs.training_growth and the "
    "base scenario", "monte_carlo": "monte_carlo", "valuation_summary": "peers, monte_carlo and the scenarios",
}


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


def spec_digest(spec: dict[str, Any]) -> str:
    """The cache key of a spec's SVG: the spec, the Vega-Lite version and the versions of vl-convert and
    altair (an upgraded chart engine must not serve SVGs drawn by the old one)."""
    from reportgen.versions import chart_versions

    canonical = json.dumps(spec, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(f"{VEGA_LITE_VERSION}\n{chart_versions()}\n{canonical}".encode()).hexdigest()


CacheEntry = tuple[str, bytes]  # (path, content) of a chart-cache file to write once the brief succeeds


def render_svg(spec: dict[str, Any], cache_dir: str | None = None) -> tuple[str, str]:
    """SVG text of a spec and the spec's digest; from the cache when the same spec was drawn before,
    and a new drawing written to the cache at once (``draw_charts`` defers that to the build)."""
    svg, digest, entry = _draw(spec, cache_dir)
    if entry is not None:
        write_cache([entry])
    return svg, digest


def _draw(spec: dict[str, Any], cache_dir: str | None) -> tuple[str, str, CacheEntry | None]:
    """The SVG, the spec's digest, and the cache entry to write if it was drawn now."""
    _check_spec(spec)
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


MAX_CACHED_BYTES = 16 << 20


def _read_cache(cache_dir: str, name: str) -> bytes | None:
    """A cache entry's bytes, read through the cache folder's descriptor (no link followed, a regular file
    of at most 16 MiB: reportgen.safe_open), or None."""
    from reportgen.safe_open import read_beneath

    try:
        return read_beneath(cache_dir, name, MAX_CACHED_BYTES)
    except OSError:
        return None


def _read_cached_svg(cache_dir: str, name: str) -> str | None:
    """A cached SVG that passes the same guard as a freshly drawn one, or None (then it is drawn again).
    The cache lives in the output folder, which others can write: an entry is checked every time it is
    read, never trusted because reportgen once wrote it."""
    content = _read_cache(cache_dir, name)
    if content is None:
        return None
    try:
        svg = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if svg_problems(svg) else svg


def _code_digest() -> str:
    """Hash of the chart code itself and of the chart packages' versions, so that a changed chart module or
    an upgraded vl-convert or altair never serves a stale cache."""
    from reportgen.versions import chart_versions

    cached = _STATE.get("code")
    if cached is None:
        digest = hashlib.sha256(f"{VEGA_LITE_VERSION}\n{chart_versions()}".encode())
        folder = os.path.dirname(os.path.abspath(__file__))
        for name in sorted(os.listdir(folder)):
            if name.endswith(".py"):
                with open(os.path.join(folder, name), "rb") as handle:
                    digest.update(name.encode() + handle.read())
        cached = _STATE["code"] = digest.hexdigest()
    return cached


def charts_key(model: Model) -> str:
    """The charts depend only on the model's figures and on the chart code: a brief whose figures did
    not change gets its charts from the cache without importing altair or starting the engine."""
    document = model.to_json()
    document.pop("changes", None)
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{_code_digest()}\n{canonical}".encode()).hexdigest()


CACHE_MAX_AGE_DAYS = 30


def prune_cache(cache_dir: str, max_age_days: int = CACHE_MAX_AGE_DAYS) -> int:
    """Delete cached charts unused for ``max_age_days``; returns how many were removed."""
    import time

    cutoff = time.time() - max_age_days * 86400
    removed = 0
    try:
        entries = list(os.scandir(cache_dir))
    except OSError:
        return 0
    for entry in entries:
        try:
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed


def _touch(path: str) -> None:
    """Mark a cache entry as recently used (kept by prune_cache); a read-only cache is still a cache."""
    import contextlib

    with contextlib.suppress(OSError):
        os.utime(path)


def write_cache(entries: list[tuple[str, bytes]]) -> None:
    """Write cache entries. The build calls it only once the brief has succeeded, so that a failed build
    leaves the output folder, its cache included, as it was. The cache only saves time: a full disk or
    a read-only cache must not fail the brief."""
    import contextlib

    from reportgen.atomic import write_atomic

    for path, content in entries:
        with contextlib.suppress(OSError):
            write_atomic(path, content)


def draw_charts(model: Model, cache_dir: str | None = None) -> tuple[list[Chart], list[CacheEntry]]:
    """Every chart of the brief as SVG, in order, and the cache entries to write once the brief has
    succeeded (``write_cache``): a failed brief leaves the cache as it was."""
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
    for item in chart_specs(model):
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


