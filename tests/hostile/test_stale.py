"""Family 11: stale and tampered state.

The rebuild key once covered only reportgen's own version: upgrading WeasyPrint or vl-convert left every brief
"up to date", and the chart cache served SVGs drawn by the old engine. Both keys now carry the versions of the
packages that shape the output (read from the installed distributions' metadata, without importing them, so a
no-op build stays fast). And a cached chart SVG is held to the same guard as a freshly drawn one each time it is
read: a tampered cache entry once published a <script>.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hostilekit import (
    MARKER,
    REPORTGEN,
    BriefFiles,
    Case,
    Workspace,
    params,
    yaml_text,
)

F = "stale"
SCRIPT = "<script>document.title='PWNED'</script>"

CASES = [
    Case(F, "s-upgraded-weasyprint-rebuilds", "inert", "weasyprint"),
    Case(F, "s-upgraded-package-changes-keys", "inert", "keys"),
    Case(F, "s-upgraded-chart-engine-misses-cache", "inert", "charts"),
    Case(F, "s-tampered-svg-cache-entry", "inert", "svg"),
    Case(F, "s-tampered-chart-cache-end-to-end", "inert", "e2e"),
    Case(F, "s-cache-entry-links-out", "inert", "link"),
    Case(F, "s-versions-import-nothing", "inert", "imports"),
]


def _fake_distribution(folder: Path, name: str, version: str) -> Path:
    """A ``NAME-VERSION.dist-info`` folder, as pip leaves after an upgrade."""
    info = folder / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8")
    return folder


@pytest.fixture
def upgraded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``upgraded(name)``: the process now sees ``name`` at version 999 (first on sys.path)."""
    import reportgen.versions as versions

    def clear() -> None:
        for function in (versions._installed, versions.version_of, versions.output_versions,
                         versions.chart_versions):
            function.cache_clear()

    def upgrade(name: str) -> None:
        folder = _fake_distribution(tmp_path / f"site-{name}", name, "999")
        monkeypatch.syspath_prepend(str(folder))
        clear()

    clear()
    yield upgrade
    clear()


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.data == "keys"))
@pytest.mark.parametrize("package", ["weasyprint", "vl-convert-python", "altair", "jinja2", "numpy", "pydantic"])
def test_an_upgrade_changes_the_rebuild_key(case: Case, package: str, upgraded: Any) -> None:
    from reportgen.batch.options import BuildOptions
    from reportgen.batch.plan import key_of

    options = BuildOptions()
    before = key_of("input", [], "templates", options)
    assert key_of("input", [], "templates", options) == before  # stable
    upgraded(package)
    assert key_of("input", [], "templates", options) != before, f"upgrading {package} left briefs up to date"


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.data == "charts"))
@pytest.mark.parametrize("package", ["vl-convert-python", "altair"])
def test_an_upgraded_chart_engine_misses_the_chart_cache(case: Case, package: str, upgraded: Any) -> None:
    import reportgen.charts.cache as cache
    import reportgen.charts.render as render

    spec = {"mark": "point", "data": {"values": [{"a": 1}]}}
    before = render.spec_digest(spec)
    code_before = cache._code_digest()
    upgraded(package)
    cache._STATE.pop("code", None)
    try:
        assert render.spec_digest(spec) != before
        assert cache._code_digest() != code_before  # part of charts_key, the key of a model's charts
    finally:
        cache._STATE.pop("code", None)


_SPEC = {"mark": "point", "data": {"values": [{"a": 1, "b": 2}]},
         "encoding": {"x": {"field": "a", "type": "quantitative"}, "y": {"field": "b", "type": "quantitative"}}}


def _tamper(svg: str) -> str:
    return re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + SCRIPT, svg, count=1)


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.data == "svg"))
def test_tampered_svg_cache_entry_is_redrawn(case: Case, tmp_path: Path) -> None:
    import reportgen.charts.render as render

    cache = tmp_path / "charts"
    cache.mkdir()
    fresh, digest = render.render_svg(_SPEC)
    render._MEMORY_CACHE.clear()
    (cache / f"{digest}.svg").write_text(_tamper(fresh), encoding="utf-8")
    assert render.svg_problems(_tamper(fresh)), "the tampered entry would be refused if freshly drawn"
    svg, _ = render.render_svg(_SPEC, str(cache))
    assert "<script" not in svg and render.svg_problems(svg) == []
    render._MEMORY_CACHE.clear()


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.data == "link"))
def test_cache_entry_linking_out_is_not_read(case: Case, tmp_path: Path) -> None:
    import reportgen.charts.render as render

    cache = tmp_path / "charts"
    cache.mkdir()
    secret = tmp_path / "secret.svg"
    secret.write_text(f'<svg xmlns="http://www.w3.org/2000/svg"><text>{MARKER}</text></svg>', encoding="utf-8")
    digest = render.spec_digest(_SPEC)
    os.symlink(secret, cache / f"{digest}.svg")
    render._MEMORY_CACHE.clear()
    svg, _ = render.render_svg(_SPEC, str(cache))
    assert MARKER not in svg
    render._MEMORY_CACHE.clear()


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.data == "e2e"))
def test_tampered_chart_cache_never_reaches_the_brief(case: Case, ws: Workspace) -> None:
    """Every entry of the output folder's chart cache (the SVGs and each model's bundle of SVGs) gets a
    <script>; a forced rebuild of the same input, which hits every entry, publishes none of it."""
    cache = ws.out / ".reportgen" / "charts"
    entries = sorted(cache.iterdir())
    assert any(p.suffix == ".svg" for p in entries) and any(p.name.startswith("model-") for p in entries)
    for path in entries:
        if path.suffix == ".svg":
            path.write_text(_tamper(path.read_text(encoding="utf-8")), encoding="utf-8")
        elif path.suffix == ".json":
            bundle = json.loads(path.read_text(encoding="utf-8"))
            for chart in bundle:
                chart["svg"] = _tamper(chart["svg"])
            path.write_text(json.dumps(bundle), encoding="utf-8")
    ws.write(yaml_text())
    run = ws.build("--force")
    assert run.code == 0, str(run)
    brief = BriefFiles(ws.out / "acme")
    assert "<script" not in brief.html and "PWNED" not in brief.html
    assert all("<script" not in svg for svg in brief.chart_svgs())
    brief.assert_inert()


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.data == "weasyprint"))
def test_upgraded_weasyprint_rebuilds_the_brief(case: Case, ws: Workspace, tmp_path: Path) -> None:
    """End to end: the pre-built brief is up to date; with WeasyPrint seen at a new version, it is rebuilt."""
    ws.write(yaml_text())

    def build(*extra_path: str) -> dict[str, Any]:
        env = dict(os.environ, NO_COLOR="1", TERM="dumb", PYTHONPATH=os.pathsep.join(extra_path))
        done = subprocess.run([str(REPORTGEN), "build", "inputs/acme.yaml", "--out", "out", "--json",
                               "--format", "json"], cwd=ws.root, env=env, capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr.decode()
        return json.loads(done.stdout)

    build()  # --format json: a key of its own; now up to date
    assert [s["reason"] for s in build()["skipped"]] == ["up to date"]
    upgraded = _fake_distribution(tmp_path / "site", "weasyprint", "999")
    summary = build(str(upgraded))
    assert [b["input"] for b in summary["built"]] == ["inputs/acme.yaml"], summary


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.data == "imports"))
def test_reading_versions_imports_no_package(case: Case) -> None:
    code = ("import sys, reportgen.versions as v, reportgen.batch.plan\n"
            "v.output_versions(); v.chart_versions()\n"
            "heavy = ['weasyprint', 'vl_convert', 'altair', 'numpy', 'pandas', 'pydantic', 'jinja2',"
            " 'importlib.metadata']\n"
            "print([m for m in heavy if m in sys.modules])\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", done.stdout
