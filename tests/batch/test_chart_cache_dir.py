"""``chart_cache_dir`` (``REPORTGEN_CHART_CACHE_DIR``): one chart cache for builds into several output folders.
A build into a second folder reads the charts the first drew (the chart engine is never asked), the output
folders hold no cache of their own, and a tampered shared entry is redrawn as an output folder's would be."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from buildkit import EXAMPLES, reportgen

import reportgen as library
from reportgen.batch.options import BuildOptions

INPUT = str(EXAMPLES / "meridian-2026.yaml")


class _NoEngine:
    def vegalite_to_svg(self, *args: object, **kwargs: object) -> str:
        raise AssertionError("the chart engine was asked to draw a chart that is in the shared cache")


def test_a_second_output_folder_reads_the_charts_the_first_drew(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from reportgen.charts import render

    cache = tmp_path / "shared-charts"
    monkeypatch.setattr(render, "_MEMORY_CACHE", {})  # SVGs this process drew for earlier tests would be reused

    def build(out: str) -> None:
        options = BuildOptions(out_dir=str(tmp_path / out), formats=("html", "json"), jobs=1,
                               chart_cache_dir=str(cache))
        report = library.build([INPUT], options)
        assert report.exit_code == 0, [r.errors for r in report.results]

    engine = render.engine
    build("first")
    drawn = sorted(p.name for p in cache.iterdir())
    assert any(name.endswith(".svg") for name in drawn) and any(name.startswith("model-") for name in drawn)
    monkeypatch.setattr(render, "engine", lambda: _NoEngine())
    render._MEMORY_CACHE.clear()  # this process drew them: only the folder may serve them now
    build("second")
    for out in ("first", "second"):
        assert not (tmp_path / out / ".reportgen" / "charts").exists()
    first, second = (tmp_path / out / "meridian-2026" / "brief.html" for out in ("first", "second"))
    assert first.read_bytes() == second.read_bytes()

    # A tampered shared entry is held to the guard like an output folder's: redrawn, never published.
    for path in cache.iterdir():
        path.write_text(path.read_text(encoding="utf-8").replace("<svg", "<svg><script>alert(1)</script"),
                        encoding="utf-8")
    monkeypatch.setattr(render, "engine", engine)  # a redraw is allowed again; the memory cache stays empty
    build("third")
    svgs = sorted((tmp_path / "third" / "meridian-2026" / "charts").glob("*.svg"))
    assert svgs and all("<script" not in svg.read_text(encoding="utf-8") for svg in svgs)


def test_the_variable_reaches_a_command_and_config_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    cache = tmp_path / "ci-charts"
    monkeypatch.setenv("REPORTGEN_CHART_CACHE_DIR", str(cache))
    run = reportgen("config", "--json", cwd=tmp_path)
    setting = run.json()["settings"]["chart_cache_dir"]
    assert setting == {"value": str(cache), "source": "environment REPORTGEN_CHART_CACHE_DIR"}, setting


@pytest.mark.parametrize(("options", "expected"), [
    ({"out_dir": "briefs"}, os.path.join("briefs", ".reportgen", "charts")),
    ({"out_dir": "briefs", "chart_cache_dir": "/var/cache/charts"}, "/var/cache/charts"),
    ({"chart_cache_dir": "/var/cache/charts", "chart_cache": False}, None),
    ({"chart_cache_dir": "/var/cache/charts", "scheduler": "tcp://127.0.0.1:8786"}, None),
])
def test_where_the_charts_are_kept(options: dict[str, object], expected: str | None):
    assert BuildOptions(**options).chart_cache_folder() == expected  # type: ignore[arg-type]
