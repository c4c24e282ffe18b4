"""The HTML brief as a file on a share: self-contained (no reference of any kind outside the page, no
script), accessible (alt text written from the data, table headers with scope, headings in order) and
internally consistent (every figure links to an element of the page)."""

from __future__ import annotations

import base64
import hashlib
import itertools
import re
from pathlib import Path

import pytest
from briefkit import (
    APPENDIX_TITLE,
    SECTION_TITLES,
    TEMPLATES,
    Brief,
    HtmlDocument,
    css_references,
    data_uri_payload,
    external_references,
    svg_references,
)

from reportgen.render.environment import CONTENT_SECURITY_POLICY
from reportgen.render.filters import money_text

EXAMPLES = ("anthropic-2026", "nordlicht-2026", "meridian-2026")
FORMATTED_NUMBER = re.compile(
    r"(?:[-\u2212]?[$€£¥]|\b[A-Z]{3} )-?\d[\d,]*(?:\.\d+)?(?: (?:thousand|million|billion|trillion))?"  # money
    r"|-?\d[\d,]*(?:\.\d+)?%"  # percentage
    r"|-?\d+\.\d+x"  # multiple
    r"|\b\d{1,3}(?:,\d{3})+\b"  # a count with separators
    r"|\b(?:19|20)\d\d\b")  # a year


@pytest.mark.parametrize("stem", EXAMPLES)
def test_no_external_reference_of_any_kind(briefs, stem):
    brief = briefs[stem]
    assert external_references(brief.html) == []
    document = brief.doc
    assert document.find("script") == [] and "<script" not in brief.html.lower()
    assert document.find("img"), "charts are expected as <img> data URIs"
    assert document.styles and all(css.strip() for css in document.styles), "the CSS is inlined"


def test_the_reference_scanner_finds_what_it_must():
    """The scanner the test above relies on is not vacuous."""
    page = """<!DOCTYPE html><html><head><link rel="stylesheet" href="x.css">
    <meta http-equiv="refresh" content="0; url=http://example.invalid/">
    <style>@import "a.css"; body { background: url(b.png) } p { background-image: image-set("c.png" 1x) }</style>
    </head><body><img src="d.png" alt="x"><img srcset="data:image/png;base64,AA 1x, e.png 2x" alt="x">
    <a href="https://example.invalid/">f</a><a href="g.html#h">g</a><p style="background:url('i.png')">i</p>
    <iframe src="data:text/html,x"></iframe><object data="j.svg"></object><script>1</script>
    <img src="data:image/svg+xml;base64,{svg}" alt="k">
    <div onclick="l()">l</div><a href="javascript:m()">m</a><form action="n"></form></body></html>"""
    svg = base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg"><image href="k.png"/></svg>').decode()
    found = "\n".join(external_references(page.replace("{svg}", svg)))
    for needle in ("<link>", "http-equiv=refresh", "@import", "url(b.png)", "image-set(c.png)", "'d.png'",
                   "e.png", "https://example.invalid/", "g.html#h", "url(i.png)", "<iframe>", "<object>",
                   "<script>", "k.png", "onclick", "javascript:", "<form>"):
        assert needle in found, f"{needle} not reported:\n{found}"
    assert css_references("a { background: url('data:image/png;base64,AA') }") == []


@pytest.mark.parametrize("stem", EXAMPLES)
def test_chart_files_are_self_contained_svg(briefs, stem):
    folder = briefs[stem].folder / "charts"
    for path in sorted(folder.glob("*.svg")):
        assert svg_references(path.read_text(encoding="utf-8")) == [], path.name


_SVG_TEXT = re.compile(r'<text([^>]*)>([^<]*)</text>')
_BAR = re.compile(r'aria-roledescription="bar" d="M([\d.]+),([\d.]+)h([\d.]+)')


def _text_extent(attributes: str, text: str, size: float) -> tuple[float, float, float]:
    """Left, right and baseline of an SVG text mark, its width estimated from DejaVu Sans' advances."""
    x, y = (float(v) for v in re.search(r"translate\(([-\d.]+),([-\d.]+)\)", attributes).groups())
    width = size * sum(0.318 if c in ",. " else 0.636 if c.isdigit() else 0.6 for c in text)
    anchor = re.search(r'text-anchor="(\w+)"', attributes).group(1)
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return left, left + width, y


@pytest.mark.parametrize("stem", EXAMPLES)
def test_histogram_labels_stay_clear_of_each_other_and_of_the_bars(briefs, stem):
    """The simulation histogram's axis labels do not run into each other (the flush end labels did:
    "1,5002,000"), and each tail's label sits above every bar it spans (it crossed the taller bars beside
    the tail)."""
    svg = (briefs[stem].folder / "charts" / "monte_carlo.svg").read_text(encoding="utf-8")
    texts = [(a, t) for a, t in _SVG_TEXT.findall(svg) if 'opacity="0"' not in a]  # Vega hides crowded labels
    axis = sorted(_text_extent(a, t, 10) for a, t in texts if re.fullmatch(r"[\d,]+", t) and "translate(" in a
                  and a.split("translate(")[1].split(")")[0].endswith(",15"))
    assert len(axis) >= 4
    for (_, right, _), (left, _, _) in itertools.pairwise(axis):
        assert left - right >= 3, f"x-axis labels {axis} touch"
    bars = [(float(x), float(x) + float(w), float(top)) for x, top, w in _BAR.findall(svg)]
    tails = [(a, t) for a, t in texts if t.startswith(("below ", "above "))]
    assert len(tails) == 2 and bars
    for attributes, text in tails:
        left, right, baseline = _text_extent(attributes, text, 9)
        under = [top for start, end, top in bars if start < right and end > left]
        assert under and baseline + 1 <= min(under), f"{text!r} runs across a bar"


@pytest.mark.parametrize("stem", EXAMPLES)
def test_each_formula_is_named_in_words_over_its_key(briefs, stem):
    """The appendix names each formula in words, then its model.json key: "Compute spend compute_spend"."""
    heads = re.findall(r'<dt id="prov-[^"]*">([^<]*)<code class="field-path">([^<]*)</code></dt>', briefs[stem].html)
    assert len(heads) >= 30
    for words, key in heads:
        assert words.strip() and "_" not in words and words.strip() != key, (words, key)


@pytest.mark.parametrize("stem", EXAMPLES)
def test_images_have_alt_text_written_from_the_data(briefs, stem):
    brief = briefs[stem]
    images = brief.doc.find("img")
    assert len(images) == len(list((brief.folder / "charts").glob("*.svg")))
    for image in images:
        alt = (image.attrs.get("alt") or "").strip()
        assert len(alt) > 40, f"line {image.line}: alt text {alt!r}"
        assert FORMATTED_NUMBER.search(alt), f"line {image.line}: no formatted number in {alt!r}"
        mime, content = data_uri_payload(image.attrs.get("src") or "")
        assert mime == "image/svg+xml" and content.lstrip().startswith(b"<svg"), f"line {image.line}"


@pytest.mark.parametrize("stem", EXAMPLES)
def test_alt_text_carries_the_model_figures(briefs, stem):
    """Cross-check: the alt texts say what model.json says, formatted as the prose formats it."""
    brief = briefs[stem]
    model = brief.model
    currency, unit = model["company"]["currency"], model["company"]["unit"]
    text = "\n".join(e.attrs.get("alt") or "" for e in brief.doc.find("img"))
    base = model["scenarios"]["base"]
    mc = model["monte_carlo"]
    expected = [
        f"revenue {money_text(base['revenue'][-1], currency, unit)}",
        f"from {base['years'][0]} to {base['years'][-1]}",
        f"Base: lowest {money_text(base['cash_low'], currency, unit)}",
        f"over {mc['paths']:,} paths",
        f"{mc['prob_value_ge_price'] * 100:.1f}% of paths at or above the price",
        f"median {money_text(mc['equity_p50'], currency, unit)}",
        f"{model['company']['name']}: {int(model['metrics']['provider_count'])} provider",
        " of 81 cells at or above the price",
    ]
    assert [e for e in expected if e not in text] == [], text


@pytest.mark.parametrize("stem", EXAMPLES)
def test_every_figure_link_points_at_an_element_of_the_page(briefs, stem):
    document = briefs[stem].doc
    ids = document.ids
    assert len(ids) == len(set(ids)), f"duplicate ids: {sorted({i for i in ids if ids.count(i) > 1})}"
    figures = [a for a in document.find("a") if "fig" in (a.attrs.get("class") or "").split()]
    assert len(figures) > 100
    bad = [(a.line, a.attrs.get("href")) for a in figures
           if not re.fullmatch(r"#prov-\S+", a.attrs.get("href") or "") or (a.attrs["href"] or "")[1:] not in ids]
    assert bad == []
    fragments = [a for a in document.find("a") if (a.attrs.get("href") or "").startswith("#")]
    assert [(a.line, a.attrs["href"]) for a in fragments if (a.attrs["href"] or "")[1:] not in ids] == []
    formula_rows = {e.attrs["id"] for e in document.find("dt") if e.attrs.get("id")}
    assumption_rows = {e.attrs["id"] for e in document.find("th") if e.attrs.get("id")}
    targets = {(a.attrs["href"] or "")[1:] for a in figures}
    assert targets <= formula_rows | assumption_rows, "a figure links to something that is not a formula or input"


@pytest.mark.parametrize("stem", EXAMPLES)
def test_tables_have_header_scope_and_captions(briefs, stem):
    document = briefs[stem].doc
    headers = document.find("th")
    assert headers
    assert [(th.line, th.text.strip()[:30]) for th in headers
            if th.attrs.get("scope") not in ("row", "col", "rowgroup", "colgroup")] == []
    tables, captions = document.find("table"), document.find("caption")
    assert len(tables) >= 5 and len(captions) == len(tables)
    assert all(c.text.strip() for c in captions)


@pytest.mark.parametrize("stem", EXAMPLES)
def test_headings_in_order(briefs, stem):
    brief = briefs[stem]
    headings = brief.doc.headings()
    assert headings[0] == (1, brief.name), "the page opens with one h1: the company"
    assert [level for level, _ in headings].count(1) == 1
    for (before, _), (after, text) in itertools.pairwise(headings):
        assert after <= before + 1, f"heading level skipped before {text!r}"
    level_two = [text for level, text in headings if level == 2]
    view = ["Analyst’s view"] if (brief.model.get("commentary") or {}).get("summary") else []
    assert level_two == ["Key points", *view, "Contents", *SECTION_TITLES, APPENDIX_TITLE]
    document = brief.doc
    assert document.find("title")[0].text == f"{brief.name}: research brief"
    assert (document.find("html")[0].attrs.get("lang") or "").startswith("en")


@pytest.mark.parametrize("stem", EXAMPLES)
def test_contents_links_to_the_sections(briefs, stem):
    document = briefs[stem].doc
    nav = [a for a in document.find("a") if (a.attrs.get("href") or "") in
           ("#capital-intensity", "#entrenchment", "#bear-case", "#outlook", "#appendix")]
    assert [" ".join(a.text.split()) for a in nav] == [*SECTION_TITLES, APPENDIX_TITLE]
    sections = [e.attrs.get("id") for e in document.find("section")]
    assert sections == ["capital-intensity", "entrenchment", "bear-case", "outlook", "appendix"]


def test_index_page_is_self_contained_and_links_every_brief(outputs: Path, briefs: dict[str, Brief]):
    html = (outputs / "index.html").read_text(encoding="utf-8")
    document = HtmlDocument.parse(html)
    hrefs = [a.attrs.get("href") or "" for a in document.find("a")]
    relative = [h for h in hrefs if not h.startswith("#")]
    for stem in briefs:
        for name in ("brief.html", "brief.pdf", "model.json"):
            assert f"{stem}/{name}" in relative
    assert all((outputs / h).is_file() for h in relative), relative
    assert "feed.xml" in relative
    # one script, ours (sorting, filtering, search), inline, allowed by its hash and nothing else
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert [attrs for attrs, _ in scripts] == [""]
    assert scripts[0][1] == (TEMPLATES / "assets" / "index.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(scripts[0][1].encode("utf-8")).digest()).decode("ascii")
    policy = [m.attrs.get("content") for m in document.find("meta") if m.attrs.get("http-equiv")]
    assert policy == [CONTENT_SECURITY_POLICY.replace("script-src 'none'", f"script-src 'sha256-{digest}'")]
    # apart from the links to the briefs' files, the feed, that policy and that script, nothing is referenced
    others = [p for p in external_references(html) if not re.search(
        r"href='([a-z0-9-]+/(brief\.html|brief\.pdf|model\.json)|feed\.xml)'|http-equiv=Content-Security-Policy|"
        r"element <script>", p)]
    assert others == []


@pytest.mark.parametrize("stem", EXAMPLES)
def test_every_table_has_its_header_cells(briefs, stem):
    """Table by table (not only over the page): every body row opens with a <th scope="row">, and a
    data cell is labelled either by a <th scope="col"> header row or, in a key/value table (the
    appendix's assumptions, three pairs a row), by the <th scope="row"> right before it."""
    html = briefs[stem].html
    tables = re.findall(r"<table\b.*?</table>", html, flags=re.S | re.I)
    assert len(tables) >= 5
    for number, table in enumerate(tables, 1):
        document = HtmlDocument.parse(table)
        caption = " ".join(document.find("caption")[0].text.split()) if document.find("caption") else f"#{number}"
        has_columns = any(th.attrs.get("scope") == "col" for th in document.find("th"))
        for body in re.findall(r"<tbody\b.*?</tbody>", table, flags=re.S | re.I):
            for tr in re.findall(r"<tr\b.*?</tr>", body, flags=re.S | re.I):
                cells = [(tag.lower(), 'scope="row"' in attrs) for tag, attrs in
                         re.findall(r"<(th|td)\b([^>]*)>", tr, flags=re.I)]
                assert cells and cells[0] == ("th", True), f"table {caption!r}: row without a row header: {tr[:120]!r}"
                if not has_columns:
                    unlabelled = [i for i, (tag, _) in enumerate(cells) if tag == "td" and cells[i - 1] != ("th", True)]
                    assert unlabelled == [], f"table {caption!r}: data cells without a header: {tr[:120]!r}"


def test_meridian_money_is_in_pounds(briefs):
    """The third example (GBP million): every amount in GBP, none in dollars or euros."""
    text = briefs["meridian-2026"].html_text
    amounts = re.findall(r"(?:[$€£¥]|\b[A-Z]{3} )-?\d[\d,]*(?:\.\d+)? (?:thousand|million|billion|trillion)", text)
    assert amounts and all(a.startswith("£") for a in amounts), sorted(set(amounts))[:20]
    assert "£12.5 billion" in text and "£880 million" in text  # post-money 12,500 and run rate 880


def test_figures_carry_their_basis_mark(anthropic):
    """A figure resting on an assumption is marked A where it is printed; a figure resting on reported
    inputs only is not; the cover's legend says what the marks mean."""
    html = anthropic.html
    assert re.search(r'>\$965 billion</a><sup class="note">', html)  # post-money: reported, with its note
    assert re.search(r'>20\.5x</a>(?!<sup class="basis")', html)  # post-money / run-rate: both reported
    assert re.search(r'>\$615 billion</a><sup class="basis" title="assumption">A</sup>', html)  # base equity
    text = anthropic.html_text
    assert "Marks:" in text and "an unmarked figure rests on reported figures only" in text
    model = anthropic.model
    assert model["provenance"]["valuation_multiple"]["basis"] == "reported"
    assert model["provenance"]["scenarios.base.equity_value"]["basis"] == "assumption"


@pytest.mark.parametrize("stem", EXAMPLES)
def test_provenance_text_is_in_words(briefs, stem):
    """The appendix's formulas and sources name their inputs in words ("post-money valuation",
    "Amazon Web Services: share of compute"), never as field paths; the table of inputs keeps the
    paths, the names model.json uses."""
    html = briefs[stem].html
    texts = re.findall(r'class="(?:inputs|fields)">(.*?)</span>', html, re.S)
    assert len(texts) > 10
    paths = [t for t in texts if re.search(r"\b[a-z_]+\.(?:[a-z_]+|\d+|\*)", re.sub(r"<[^>]+>", "", t))]
    assert paths == []
