"""The chart cache in the output folder: a model's charts by the key of its figures, single SVGs by
the key of their spec; read through the folder's descriptor and held to the guard on every read, written
only once a brief has succeeded, pruned when unused."""

from __future__ import annotations

import hashlib
import json
import os

from reportgen.charts.guard import VEGA_LITE_VERSION, svg_problems
from reportgen.model.result import Model

CacheEntry = tuple[str, bytes]  # (path, content) of a chart-cache file to write once the brief succeeds
_STATE: dict[str, str] = {}

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
