"""Family 1: markup, script and template syntax in every text field of an input.

Names, sources and notes are shown as given, escaped: the HTML shows them as text, the PDF prints them, and
no element, attribute, stylesheet or request comes from them. Template syntax prints literally (autoescaped
values are never evaluated again). Source keys must name a field, so markup there is a located error.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import unquote

import pytest
from hostilekit import (
    Batch,
    BriefFiles,
    Case,
    Fill,
    Workspace,
    index_script,
    line_of,
    markup_problems,
    pack_cases,
    params,
    shared_inputs,
    squash,
    text_of,
    yaml_text,
)

F = "markup"
SERVER = "{server}"  # replaced by the shared batch's recording server URL: any request to it is a failure

CASES = [
    # inert: (field path, text); several fields at once where a case says so
    Case(F, "m-name-script", "inert", {"company.name": "<script>alert(1)</script>"}),
    Case(F, "m-name-img-onerror", "inert", {"company.name": "<img src=x onerror=alert(1)>"}),
    Case(F, "m-provider-svg-onload", "inert", {"compute.providers.1.name": '"><svg onload=alert(1)>'}),
    Case(F, "m-peer-style-link", "inert",
         {"peers.0.name": f"</style><link rel=stylesheet href={SERVER}/x.css>"}),
    Case(F, "m-peer-provider-jinja", "inert", {"peers.0.providers.0.name": "A{{ 7*7 }}B"}),
    Case(F, "m-notes-jinja-raw", "inert", {"notes": "R{% raw %}S{{ 7*7 }}T{% endraw %}U {{ 7*7 }}V"}),
    Case(F, "m-source-attachment", "inert",
         {"sources.valuation.post_money": "<a rel=attachment href=file:///etc/passwd>x</a>"}),
    Case(F, "m-notes-style-import", "inert",
         {"notes": f"<style>@import url({SERVER}/n.css);</style><link rel=stylesheet href={SERVER}/n.css>"}),
    Case(F, "m-notes-event-iframe", "inert",
         {"notes": f"<body onload=alert(1)><iframe src={SERVER}/i></iframe><object data={SERVER}/o>"}),
    Case(F, "m-source-template-globals", "inert",
         {"sources.valuation.post_money": "{{ lipsum.__globals__ }}{{ config }}{% include '/etc/passwd' %}"}),
    Case(F, "m-all-fields-script", "inert",
         {"company.name": "<script>n()</script>", "compute.providers.0.name": "<script>p()</script>",
          "peers.0.name": "<script>q()</script>", "peers.0.providers.1.name": "<script>r()</script>",
          "sources.valuation.post_money": "<script>s()</script>", "notes": "<script>t()</script>"}),
    Case(F, "m-name-css-import", "inert", {"company.name": f"@import url({SERVER}/)"}),
    Case(F, "m-provider-quoted-href", "inert", {"compute.providers.2.name": f'x href="{SERVER}/p" y'}),
    # the input's file name is text too: it names the brief's folder, which the intranet index links to
    Case(F, "m-file-name-markup", "inert", {"file": '<img src=x onerror=alert(1)> "q"'}),
    Case(F, "m-file-name-javascript-url", "inert", {"file": "javascript:alert(document.domain)"}),
    # error: source keys must name a field of the input
    Case(F, "m-source-key-script", "error", "<script>alert(1)</script>"),
    Case(F, "m-source-key-jinja", "error", "{{ 7*7 }}"),
    Case(F, "m-source-key-img", "error", "valuation.post_money<img src=x onerror=alert(1)>"),
    Case(F, "m-name-markup-too-long", "error", "<script>" + "x" * 200 + "</script>"),
]


def _texts(case: Case, fill: Fill) -> dict[str, str]:
    return {path: fill(text) for path, text in case.data.items()}


def _input(texts: dict[str, str], fill: Fill) -> str:
    changes = {}
    sources = {"valuation.post_money": "Press reports of the Series C"}
    for path, text in fill(texts).items():
        if path.startswith("sources."):
            sources[path[len("sources."):]] = text
        else:
            changes[path] = text
    return yaml_text(**changes, sources=sources)


FIELD_CASES = [c for c in CASES if c.outcome == "inert" and "file" not in c.data]
NAME_CASES = [c for c in CASES if c.outcome == "inert" and "file" in c.data]
# The field cases share inputs, each case in fields no other case of its input writes (4 briefs, not 13: a
# brief's PDF layout is most of its cost). Sound, because every assertion of a case is about its own text
# (shown as text in the HTML, the PDF and the index; never raw markup; template syntax never evaluated), and
# what holds for the whole brief (no element, handler, stylesheet or request came from it, no PDF action)
# is only stricter with more hostile text on the page. A failing case fails the cases it shares a brief with,
# and its assertion names its text.
_PACKS = pack_cases(F, {case.id: case.data for case in FIELD_CASES})


@shared_inputs()
def _field_inputs(fill: Fill) -> dict[str, str]:
    return {name: _input(texts, fill) for name, texts in _PACKS.items()}


@shared_inputs("html")
def _name_inputs(fill: Fill) -> dict[str, str]:
    """An input file with a hostile name: HTML and JSON are enough (the index links to the HTML)."""
    return {case.data["file"]: yaml_text() for case in NAME_CASES}


@pytest.mark.parametrize("case", params(FIELD_CASES))
def test_inert(case: Case, shared_batch: Batch) -> None:
    brief = shared_batch.brief(case)
    texts = list(_texts(case, shared_batch.fill).values())
    brief.assert_inert(texts, absent=["root:x:0:0"])
    for text in texts:
        if "{{ 7*7 }}" in text:  # template syntax printed, never evaluated
            evaluated = text.replace("{% raw %}", "").replace("{% endraw %}", "").replace("{{ 7*7 }}", "49")
            assert squash(evaluated) not in squash(brief.html_text)
            assert squash(evaluated) not in squash(brief.pdf_text)
    assert shared_batch.requests == []


@pytest.mark.parametrize("case", params(FIELD_CASES))
def test_index_page_shows_names_as_text(case: Case, shared_batch: Batch) -> None:
    """The intranet index lists every brief by company name: escaped there too."""
    shared_batch.brief(case)
    assert markup_problems(shared_batch.index_html, relative_links=True, scripts=(index_script(),)) == []
    name = _texts(case, shared_batch.fill).get("company.name")
    if name is not None:
        if any(c in name for c in "<>&\"'"):  # escaping changes only these: '@import url(...)' reads the same
            assert name not in shared_batch.index_html
        assert squash(name) in squash(text_of(shared_batch.index_html))


@pytest.mark.parametrize("case", params(CASES, outcome="error"))
def test_error(case: Case, ws: Workspace) -> None:
    if case.id == "m-name-markup-too-long":
        text = yaml_text(**{"company.name": case.data})
        ws.write(text)
        ws.expect_error("--format", "json", field="company.name", line=line_of(text, "<script>"),
                        contains="must be 1 to 120 characters long")
        return
    text = yaml_text(sources={"valuation.post_money": "Round announcement", case.data: "Somewhere"})
    ws.write(text)
    run = ws.expect_error("--format", "json", field=f"sources.{case.data}", line=line_of(text, "Somewhere"),
                          contains="names no field of this input")
    assert "49" not in run.output


def test_batch_wrote_nothing_outside_its_briefs(shared_batch: Batch) -> None:
    """The batch folder holds the briefs, the index and reportgen's state, and nothing else."""
    out: Path = shared_batch.root / "out"
    names = {path.name for path in out.iterdir()}
    assert set(_PACKS) <= set(shared_batch.built)
    assert names - set(shared_batch.built) == {"index.html", "feed.xml", ".reportgen"}
    assert not list(out.rglob(".tmp-*"))


@pytest.mark.parametrize("case", params(NAME_CASES))
def test_file_name_is_text(case: Case, shared_html_batch: Batch) -> None:
    """An input file with a hostile name, built with others (each named by its file) in one batch."""
    out = shared_html_batch.root / "out"
    assert case.data["file"] in shared_html_batch.built, str(shared_html_batch.run)
    assert "Traceback" not in shared_html_batch.run.output
    brief = BriefFiles(out / case.data["file"])
    assert markup_problems(brief.html) == []
    assert f"{case.data['file']}.yaml" in brief.html_text  # the footer names the input, as text
    index = shared_html_batch.index_html
    assert markup_problems(index, relative_links=True, scripts=(index_script(),)) == []
    # and the links still reach the briefs: percent-decoded, each names a file of the output folder
    hrefs = re.findall(r'<a href="([^"]*)"', index)
    assert hrefs and all((out / unquote(unescape(h))).is_file() for h in hrefs), hrefs
    assert any(unquote(unescape(h)).startswith(case.data["file"] + "/") for h in hrefs), hrefs
