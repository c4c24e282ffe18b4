"""The intranet pages in the real headless Chromium: the index sorts, filters and searches with its one
script; an interactive brief (--html-charts interactive) draws every chart with Vega, shows a tooltip on
hover, loads nothing and logs no error; the default brief runs no script at all."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from briefkit import ARTIFACTS, ROOT
from test_brief_chromium import visit

pytestmark = pytest.mark.chromium
DEADLINE_MS = 30_000  # a real condition polled by playwright; a crowded 2-core machine is slow


@pytest.fixture(scope="session")
def interactive(run_once: Callable[..., tuple[Path, Any]]) -> Path:
    """meridian-2026 (the example with the most providers and peers) as an interactive HTML brief."""

    def make(folder: Path) -> dict[str, Any]:
        import reportgen
        from reportgen.batch.options import BuildOptions

        report = reportgen.build([str(ROOT / "inputs" / "meridian-2026.yaml")], BuildOptions(
            out_dir=str(folder / "out"), formats=("html",), html_charts="interactive", jobs=1))
        return {"failed": [r.errors for r in report.failed]}

    folder, result = run_once("interactive", make)
    assert result["failed"] == [], result
    return folder / "out" / "meridian-2026" / "brief.html"


def _rows(page: Any) -> list[dict[str, Any]]:
    return page.evaluate("""() => [...document.querySelectorAll('#briefs tbody tr')].map(r => ({
        name: r.cells[0].getAttribute('data-sort'), hidden: r.hidden,
        equity: parseFloat(r.cells[3].getAttribute('data-sort')),
        judgments: r.getAttribute('data-judgments')}))""")


def test_index_sorts_filters_and_searches(browser, outputs, briefs):
    with visit(browser, outputs / "index.html") as seen:
        page = seen.page
        names = sorted(brief.name for brief in briefs.values())
        assert [r["name"] for r in _rows(page)] == sorted(names, key=str.casefold)  # as written, by name
        sort = page.get_by_role("button", name="Base-case equity")
        sort.click()
        equities = [r["equity"] for r in _rows(page)]
        assert equities == sorted(equities) and len(set(equities)) == 3
        assert page.locator("th[aria-sort=ascending]").inner_text().startswith("Base-case equity")
        sort.click()
        assert [r["equity"] for r in _rows(page)] == sorted(equities, reverse=True)
        page.get_by_role("button", name="Company").click()
        assert [r["name"] for r in _rows(page)] == sorted(names, key=str.casefold)

        page.get_by_label("Search company").fill("nordl")
        shown = [r["name"] for r in _rows(page) if not r["hidden"]]
        assert shown == [briefs["nordlicht-2026"].name]
        assert page.locator("#index-status").inner_text() == "1 of 3 briefs shown"
        page.get_by_label("Search company").fill("")

        judgment = page.get_by_label("Judgment")
        options = judgment.evaluate("s => [...s.options].map(o => o.value).filter(v => v)")
        rows = _rows(page)
        # a judgment some briefs have and others do not: the filter must tell them apart
        splitting = next(o for o in options if 0 < sum(o + " " in r["judgments"] for r in rows) < len(rows))
        judgment.select_option(splitting)
        for row in _rows(page):
            assert row["hidden"] == (splitting + " " not in row["judgments"]), (splitting, row)
        assert any(not r["hidden"] for r in _rows(page))
        errors, foreign = list(seen.errors), seen.foreign_requests()
    assert errors == [] and foreign == []


def test_interactive_brief_shows_a_tooltip_offline(browser, interactive):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    html = interactive.read_text(encoding="utf-8")
    specs = html.count('<script type="application/json" data-chart=')
    assert specs >= 6
    with visit(browser, interactive) as seen:
        page = seen.page
        page.wait_for_function(f"() => document.querySelectorAll('.vega-chart.drawn svg').length === {specs}",
                               timeout=DEADLINE_MS)
        # every static image the charts replace is hidden, every drawn chart shown
        assert page.evaluate("() => [...document.querySelectorAll('figure.chart img')].every(i => i.hidden)")
        chart = page.locator("#vega-provider_mix")
        chart.scroll_into_view_if_needed()
        bar = chart.locator("g.mark-rect path").first
        box = bar.bounding_box()
        assert box and box["width"] > 2, box
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        tooltip = page.locator("#vg-tooltip-element.visible")
        tooltip.wait_for(state="visible", timeout=DEADLINE_MS)
        text = tooltip.inner_text()
        figure = page.locator("#chart-provider_mix")
        figure.screenshot(path=str(ARTIFACTS / "interactive-tooltip.png"))
        errors, foreign = list(seen.errors), seen.foreign_requests()
    assert "provider" in text and "share" in text, text
    assert errors == []
    assert foreign == []


def test_static_brief_runs_no_script(browser, anthropic):
    assert "<script" not in anthropic.html_path.read_text(encoding="utf-8").lower()
    with visit(browser, anthropic.html_path) as seen:
        assert seen.page.evaluate("() => document.scripts.length") == 0
        policy = seen.page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert "script-src 'none'" in policy


def test_interactive_specs_are_the_charts_data(interactive):
    """The data blocks hold the specs as JSON with no "<": the page's charts show the input's names."""
    import re

    html = interactive.read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/json" data-chart="([a-z_]+)">(.*?)</script>', html, re.S)
    assert blocks and all("<" not in text for _, text in blocks)
    specs = {name: json.loads(text) for name, text in blocks}
    assert "Meridian Labs" in json.dumps(specs["provider_mix"])


def test_every_continuous_axis_zooms_and_category_axes_do_not(interactive):
    """Each chart's spec binds an interval selection to the scales of its continuous axes (wheel zoom, drag
    to pan): once per view, on no category axis (the heatmap's grid has none)."""
    import re

    html = interactive.read_text(encoding="utf-8")
    specs = {name: json.loads(text) for name, text in
             re.findall(r'<script type="application/json" data-chart="([a-z_]+)">(.*?)</script>', html, re.S)}

    def zooms(node: Any) -> list[list[str]]:
        if isinstance(node, dict):
            found = [p["select"]["encodings"] for p in node.get("params", []) if p.get("bind") == "scales"]
            return found + [z for key, value in node.items() if key != "data" for z in zooms(value)]
        if isinstance(node, list):
            return [z for item in node for z in zooms(item)]
        return []

    assert zooms(specs["revenue_compute"]) == [["y"], ["y"]]  # two panels, one zoom each
    assert zooms(specs["cash"]) == [["y"]] and zooms(specs["monte_carlo"]) == [["y"]]  # binned x: fixed edges
    assert zooms(specs["valuation_summary"]) == [["x"]] and zooms(specs["provider_mix"]) == [["x"]]
    assert zooms(specs["sensitivity"]) == []


def test_the_wheel_zooms_a_chart_in_chromium(browser, interactive):
    with visit(browser, interactive) as seen:
        page = seen.page
        chart = page.locator("#vega-cash")
        chart.locator("svg").wait_for(timeout=DEADLINE_MS)
        chart.scroll_into_view_if_needed()
        labels = "[...el.querySelectorAll('.role-axis-label text')].map(t => t.textContent).join('|')"
        before = chart.evaluate(f"el => {labels}")
        box = chart.locator("g.mark-line path, g.mark-area path, g.mark-rule line").first.bounding_box()
        assert box, "no mark to zoom over"
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        for _ in range(5):
            page.mouse.wheel(0, -200)
        page.wait_for_function(f"([el, before]) => {labels} !== before", arg=[chart.element_handle(), before],
                               timeout=DEADLINE_MS)  # the axis shows other values: the scale zoomed
        errors = list(seen.errors)
    assert errors == []
