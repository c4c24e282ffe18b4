"""An interactive HTML brief makes its chart specs once: the same specs are drawn as SVG and sent to the page."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("cached", [False, True])
def test_an_interactive_brief_makes_its_chart_specs_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached):
    import reportgen.charts.specs as specs
    from reportgen import RenderOptions, render_brief

    made: list[int] = []
    original = specs.chart_specs

    def counted(model):
        found = original(model)
        made.append(len(found))
        return found

    cache = tmp_path / "charts"
    options = RenderOptions(formats=("html",), html_charts="interactive", chart_cache_dir=str(cache))
    if cached:  # the SVGs come from the cache; the page still needs the specs, once
        render_brief(ROOT / "inputs" / "meridian-2026.yaml", options)
    monkeypatch.setattr(specs, "chart_specs", counted)
    brief = render_brief(ROOT / "inputs" / "meridian-2026.yaml", options)
    html = brief.files["brief.html"].decode("utf-8")
    assert len(made) == 1, made
    assert html.count('<script type="application/json" data-chart=') == made[0]
