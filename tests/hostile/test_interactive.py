"""--html-charts interactive with hostile names: the chart specs sit in <script type="application/json">
data blocks, and company, provider and peer names (markup, quotes, </script>, <!--) are in their data,
shown by Vega as axis labels, legends and tooltips. The specs must not end their element or start a
comment, the page must run only reportgen's Vega runtime, and in Chromium no dialog opens, nothing loads
and every name is drawn as text."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hostilekit import INPUT, Case, markup_problems, params, text_of, yaml_text

F = "markup"
# inert: (field path, name): every place a chart shows text (axis labels, legends, tooltips)
CASES = [
    Case(F, "m-interactive-company-ends-script", "inert",
         {"company.name": '</script><script>alert(1)</script> "Co" <b>&amp;'}),
    Case(F, "m-interactive-provider-svg-onload", "inert",
         {"compute.providers.0.name": '"><svg onload=alert(2)> \'p\''}),
    Case(F, "m-interactive-provider-comment-open", "inert", {"compute.providers.1.name": "<!--<script>alert(3)//"}),
    Case(F, "m-interactive-peer-img-onerror", "inert", {"peers.0.name": "</SCRIPT ><img src=x onerror=alert(4)>"}),
    Case(F, "m-interactive-peer-provider-entities", "inert",
         {"peers.0.providers.0.name": "{{7*7}}</script >&lt;x&gt;"}),
    Case(F, "m-interactive-in-chromium", "inert", "all names at once, in the real browser"),
]
NAMES = {path: name for case in CASES if isinstance(case.data, dict) for path, name in case.data.items()}


@pytest.fixture(scope="module")
def hostile_interactive(run_once: Any) -> Path:
    def make(root: Path) -> dict[str, Any]:
        import reportgen
        from reportgen.batch.options import BuildOptions

        (root / "inputs").mkdir()
        (root / INPUT).write_text(yaml_text(**NAMES), encoding="utf-8")
        report = reportgen.build([str(root / INPUT)], BuildOptions(
            out_dir=str(root / "out"), formats=("html",), html_charts="interactive", jobs=1))
        return {"failed": [r.errors for r in report.failed]}

    root, result = run_once("hostile-interactive", make)
    assert result["failed"] == [], result
    return root / "out" / "acme" / "brief.html"


@pytest.mark.parametrize("case", params(CASES, where=lambda c: isinstance(c.data, dict)))
def test_specs_cannot_break_out_and_only_our_runtime_runs(case: Case, hostile_interactive: Path):
    from reportgen.render.scripts import vega_runtime

    html = hostile_interactive.read_text(encoding="utf-8")
    assert markup_problems(html, scripts=(vega_runtime(),)) == []
    blocks = re.findall(r'<script type="application/json" data-chart="([a-z_]+)">(.*?)</script>', html, re.S)
    assert len(blocks) >= 6
    assert html.count("<script") == len(blocks) + 1  # the data blocks and the runtime, nothing else
    specs = {}
    for name, text in blocks:
        assert "<" not in text and ">" not in text and "&" not in text, name
        specs[name] = json.loads(text)
    # the name reaches the charts exactly, as data, and the page as text
    drawn = json.dumps(specs["provider_mix"], ensure_ascii=False)
    [name] = case.data.values()
    assert json.dumps(name, ensure_ascii=False)[1:-1] in drawn, name
    assert "".join(name.split()) in "".join(text_of(html).split())


@pytest.mark.chromium
@pytest.mark.parametrize("case", params(CASES, where=lambda c: not isinstance(c.data, dict)))
def test_hostile_names_are_drawn_as_text(case: Case, browser: Any, hostile_interactive: Path):
    context = browser.new_context(java_script_enabled=True, service_workers="block")
    page = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    requests: list[str] = []
    url = hostile_interactive.resolve().as_uri()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(url, wait_until="load")
        count = page.evaluate("() => document.querySelectorAll('script[data-chart]').length")
        page.wait_for_function(f"() => document.querySelectorAll('.vega-chart.drawn svg').length === {count}",
                               timeout=30_000)
        labels = page.evaluate("() => document.querySelector('#vega-provider_mix svg').textContent")
        injected = page.evaluate("() => document.querySelectorAll('b, svg[onload], img[onerror]').length")
    finally:
        context.close()
    assert dialogs == [] and errors == []
    assert [r for r in requests if r != url and not r.startswith("data:")] == []
    assert injected == 0
    squashed = "".join(labels.split())
    # Vega shortens long labels with an ellipsis: the start of each name is drawn, as text
    for key in ("company.name", "compute.providers.0.name", "peers.0.name"):
        start = "".join(NAMES[key].split())[:8]
        assert start in squashed, (key, labels)
