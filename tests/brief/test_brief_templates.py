"""``--templates`` overrides block by block and file by file, and the promise that survives any
override: a build that succeeds writes an HTML brief with no external reference and no script.

The overrides read in the PDF are built in every format, by the command; the promise about the HTML brief is
checked on html and json builds (their subject is the HTML), made by the library in the test's process
(briefkit.build_here: the same build without a command's start-up). Every build reads the example's charts from
the run's chart cache (tests/conftest.py shared_chart_cache): the charts are not what these tests are about.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from briefkit import (
    APPENDIX_TITLE,
    SECTION_TITLES,
    Brief,
    build_here,
    builtin,
    contents_entries,
    external_references,
    heading_page,
    html_lines,
    missing,
    outline_pages,
    reportgen,
    write_templates,
)

STEM = "anthropic-2026"
INPUT = f"inputs/{STEM}.yaml"
CUSTOM_COVER = ('{% extends "default:brief.html.j2" %}{% block cover %}<header class="cover"><h1>Custom cover '
                "{{ company.name }}</h1></header>{% endblock %}\n")
RENAMED = "Lock-in and Dependency"


def _build(tmp_path_factory, outputs: Path, files: dict[str, str | bytes], *options: str) -> Brief:
    base = tmp_path_factory.mktemp("override")
    templates = write_templates(base / "templates", files)
    out = base / "out"
    run = reportgen("build", INPUT, "--out", out, "--strict", "--templates", templates, *options)
    assert run.code == 0, str(run)
    assert "warning" not in run.output.lower(), str(run)
    return Brief(base / "out" / STEM)


@pytest.fixture(scope="module")
def custom_cover(tmp_path_factory, outputs) -> Brief:
    return _build(tmp_path_factory, outputs, {"brief.html.j2": CUSTOM_COVER})


@pytest.fixture(scope="module")
def renamed(tmp_path_factory, outputs) -> Brief:
    titles = builtin("partials/titles.html.j2")
    assert titles.count("Infrastructure Entrenchment") == 1
    return _build(tmp_path_factory, outputs,
                  {"partials/titles.html.j2": titles.replace("Infrastructure Entrenchment", RENAMED)})


def test_block_override_replaces_the_cover_in_the_pdf(custom_cover):
    first = custom_cover.poppler_pages[0]
    assert "Custom cover Anthropic" in first
    assert "Headline figures" not in first and "Figures as of" not in first  # the built-in cover is gone
    contents = custom_cover.poppler_pages[1]  # the contents always open a page of their own
    assert "Contents" in contents
    listed = contents_entries(contents)
    assert {t: listed.get(t) for t in SECTION_TITLES} == {t: heading_page(custom_cover.poppler_pages, t)
                                                          for t in SECTION_TITLES}
    for extractor in ("pypdf", "pdftotext"):
        body = "\n".join(custom_cover.pages(extractor)[1:])
        positions = [body.find(t) for t in SECTION_TITLES]
        assert -1 not in positions and positions == sorted(positions), (extractor, positions)


def test_block_override_keeps_the_four_original_sections(custom_cover, anthropic):
    document = custom_cover.doc
    assert document.headings()[0] == (1, "Custom cover Anthropic")
    assert [t for level, t in document.headings() if level == 2] == ["Contents", *SECTION_TITLES, APPENDIX_TITLE]
    assert not [e for e in document.find("table") if "headline" in (e.attrs.get("class") or "")]
    # everything but the cover is the built-in brief, word for word
    assert html_lines(custom_cover.html) == html_lines(anthropic.html)
    assert external_references(custom_cover.html) == []


def test_titles_override_renames_a_section(renamed):
    document = renamed.doc
    assert [t for level, t in document.headings() if level == 2] == [
        "Key points", "Contents", SECTION_TITLES[0], RENAMED, *SECTION_TITLES[2:], APPENDIX_TITLE]
    nav = [" ".join(a.text.split()) for a in document.find("a") if a.attrs.get("href") == "#entrenchment"]
    assert nav == [RENAMED]
    listed = contents_entries(renamed.poppler_pages[1])
    assert listed.get(RENAMED) == heading_page(renamed.poppler_pages, RENAMED) == outline_pages(renamed.reader)[RENAMED]
    for extractor in ("pypdf", "pdftotext"):
        text = renamed.prose(extractor)
        assert "Infrastructure Entrenchment" not in text and RENAMED in text
        assert missing(text, [SECTION_TITLES[0], *SECTION_TITLES[2:]]) == []


# --- whatever the override, a successful build's HTML is self-contained ------------------------------------

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00"
       b"\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")


def _footer(markup: str) -> str:
    return '{% extends "default:brief.html.j2" %}{% block footer %}<footer class="colophon">' + markup + \
        "</footer>{% endblock %}\n"


HOLES = {  # the files of the override, and whether the build is --strict
    "css-image-set": pytest.param(
        {"assets/brief.css": builtin("assets/brief.css") + 'body { background-image: image-set("missing.png" 1x); }'},
        False),
    "img-html-only-strict": pytest.param(
        {"brief.html.j2": _footer('<img src="assets/nope.png" alt="Logo">')}, True),
    "img-template-asset-strict": pytest.param(
        {"brief.html.j2": _footer('<img src="logo.png" alt="Logo">'), "assets/logo.png": PNG}, True),
    "script-strict": pytest.param(
        {"brief.html.j2": _footer('<script>console.log("hi")</script>')}, True),
    "link-stylesheet-strict": pytest.param(
        {"brief.html.j2": _footer('<link rel="stylesheet" href="extra.css">')}, True),
}


@pytest.mark.parametrize(("files", "strict"), list(HOLES.values()), ids=list(HOLES))
def test_override_either_fails_or_keeps_the_html_self_contained(tmp_path: Path, outputs, files, strict):
    templates = write_templates(tmp_path / "templates", files)
    out = tmp_path / "out"
    run = build_here(INPUT, out, templates, strict=strict)
    html = out / STEM / "brief.html"
    if run.code == 0:
        assert external_references(html.read_text(encoding="utf-8")) == [], str(run)
    else:
        assert run.code == 1 and not html.exists(), str(run)


def test_template_asset_image_is_inlined_in_the_html(tmp_path: Path, outputs):
    """The image the PDF embeds from the --templates assets folder is in the HTML too, as a data: URI."""
    import base64

    files = {"brief.html.j2": _footer('<img src="logo.png" alt="Logo">'), "assets/logo.png": PNG}
    templates = write_templates(tmp_path / "templates", files)
    out = tmp_path / "out"
    run = build_here(INPUT, out, templates, strict=True)
    assert run.code == 0, str(run)
    html = (out / STEM / "brief.html").read_text(encoding="utf-8")
    assert f'<img src="data:image/png;base64,{base64.b64encode(PNG).decode()}" alt="Logo">' in html
    assert external_references(html) == []


def test_an_override_keeps_the_interactive_charts(tmp_path):
    """--html-charts interactive with --templates: the override's page still draws its charts with Vega (the
    specs' data blocks and reportgen's runtime, allowed by its hash), as with the built-in templates (the
    limited child that renders an override once drew static charts only, whatever the option said)."""
    import re

    from reportgen.render.scripts import vega_runtime

    templates = write_templates(tmp_path / "templates", {"brief.html.j2": (
        '{% extends "default:brief.html.j2" %}{% block footer %}<footer><p>House footer</p></footer>{% endblock %}')})
    out = tmp_path / "out"
    run = build_here(INPUT, out, templates, formats=("html",), html_charts="interactive")
    assert run.code == 0, str(run)
    html = (out / STEM / "brief.html").read_text(encoding="utf-8")
    assert "House footer" in html
    blocks = re.findall(r'<script type="application/json" data-chart="([a-z_]+)">', html)
    assert len(blocks) >= 6
    assert html.count("<script") == len(blocks) + 1 and vega_runtime() in html
