"""The PDF as a reader and a PDF tool see it: text extracted by pypdf and by poppler's pdftotext
-layout (titles in order, contents with the right page numbers, "page x of N", the key figures as the
prose formats them), metadata, embedded fonts, A4 pages, internal links only, and PDF/A-3b."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest
from briefkit import (
    APPENDIX_TITLE,
    SECTION_TITLES,
    Brief,
    contents_entries,
    heading_page,
    missing,
    outline_pages,
    pdf_fonts,
    render_here,
    reportgen,
)

from reportgen.render.filters import money_text

EXTRACTORS = ("pypdf", "pdftotext")
MAIN_EXAMPLES = ("anthropic-2026", "nordlicht-2026")
A4 = (595.276, 841.890)  # points


def _money(brief: Brief, value: float) -> str:
    return money_text(value, brief.model["company"]["currency"], brief.model["company"]["unit"])


def _key_figures(brief: Brief) -> list[tuple[str, str]]:
    """(text the brief must show, the same figure formatted from model.json as the filters do)."""
    m, base, mc = brief.model["metrics"], brief.model["scenarios"]["base"], brief.model["monte_carlo"]
    inputs = {path: entry["value"] for path, entry in brief.model["inputs"].items()}
    if brief.stem == "anthropic-2026":
        return [
            ("$965 billion", _money(brief, inputs["valuation.post_money"])),
            ("20.5x", f"{m['valuation_multiple']:.1f}x"),
            ("$47 billion", _money(brief, inputs["revenue.run_rate"])),
            ("$65 billion", _money(brief, inputs["valuation.latest_raise"])),
            ("$100 billion", _money(brief, m["commitment_total"])),
            ("114%", f"{m['capital_intensity'] * 100:.0f}%"),
            ("2029", str(brief.model["earliest_squeeze"][0])),
            ("0.64x", f"{base['value_to_price']:.2f}x"),
            ("21.8%", f"{mc['prob_value_ge_price'] * 100:.1f}%"),
        ]
    return [
        ("€2.4 billion", _money(brief, inputs["valuation.post_money"])),
        ("4.4x", f"{m['valuation_multiple']:.1f}x"),
        ("€540 million", _money(brief, inputs["revenue.run_rate"])),
        ("€120 million", _money(brief, inputs["valuation.latest_raise"])),
        ("€90 million", _money(brief, m["commitment_total"])),
        ("20%", f"{m['capital_intensity'] * 100:.0f}%"),
        ("1.73x", f"{base['value_to_price']:.2f}x"),
        ("97.9%", f"{mc['prob_value_ge_price'] * 100:.1f}%"),
        ("2027", str(base["fcf_positive_year"])),
    ]


# The same figures in the sentences of the templates that print them.
KEY_SENTENCES = {
    "anthropic-2026": ["valuation of $965 billion", "is 20.5x its run-rate revenue of $47 billion",
                       "The latest round brought in $65 billion", "Long-term contracts commit $100 billion",
                       "114% of revenue", "of cash on hand runs out in 2029", "only 21.8% value the equity",
                       "Value to price 0.64x"],
    "nordlicht-2026": ["At €2.4 billion", "valued at 4.4x its run-rate revenue of €540 million",
                       "The latest round brought in €120 million", "Long-term contracts commit €90 million",
                       "20% of revenue", "97.9% of 20,000 simulated paths",
                       "free cash flow turns positive in 2027", "Value to price 1.73x"],
}


def test_session_build_is_clean(session_build, briefs):
    run, _ = session_build
    assert "3 built" in run.output, str(run)
    assert "warning" not in run.output.lower(), f"the examples build with warnings:\n{run}"
    for stem, brief in briefs.items():
        assert brief.pdf_path.read_bytes()[:5] == b"%PDF-", stem
        assert brief.html.lstrip().startswith("<!DOCTYPE html>"), stem
        assert brief.model["schema"] == "reportgen.model/v2", stem
        charts = sorted(p.name for p in (brief.folder / "charts").glob("*.svg"))
        expected = ["cash.svg", "monte_carlo.svg", "provider_mix.svg", "revenue_compute.svg", "sensitivity.svg",
                    "valuation_summary.svg"]
        if brief.model["inputs"].get("revenue.history"):
            expected.append("history.svg")
        assert charts == sorted(expected), stem


def test_nordlicht_money_is_in_euro():
    """What the money filter makes of the Nordlicht figures (EUR million in the input)."""
    assert money_text(2400, "EUR", "million") == "€2.4 billion"
    assert money_text(540, "EUR", "million") == "€540 million"
    assert money_text(965, "USD", "billion") == "$965 billion"


@pytest.mark.parametrize("stem", MAIN_EXAMPLES)
def test_key_figures_are_what_the_filters_make_of_model_json(briefs, stem):
    brief = briefs[stem]
    assert [shown for shown, _ in _key_figures(brief)] == [formatted for _, formatted in _key_figures(brief)]


@pytest.mark.parametrize("extractor", EXTRACTORS)
@pytest.mark.parametrize("stem", MAIN_EXAMPLES)
def test_key_figures_in_pdf_text(briefs, stem, extractor):
    brief = briefs[stem]
    text = brief.prose(extractor)
    assert missing(text, [shown for shown, _ in _key_figures(brief)]) == []
    assert missing(text, KEY_SENTENCES[stem]) == [], f"{stem} ({extractor}):\n{text[:3000]}"


@pytest.mark.parametrize("extractor", EXTRACTORS)
@pytest.mark.parametrize("stem", MAIN_EXAMPLES)
def test_section_titles_in_order(briefs, stem, extractor):
    brief = briefs[stem]
    pages = brief.pages(extractor)
    body = "\n".join(pages[1:])  # after the cover and contents
    positions = [body.find(title) for title in (*SECTION_TITLES, APPENDIX_TITLE)]
    assert -1 not in positions, f"{stem} ({extractor}): a title is missing: {positions}"
    assert positions == sorted(positions), f"{stem} ({extractor}): titles out of order: {positions}"
    for title in SECTION_TITLES:
        assert heading_page(pages, title) is not None, f"{title!r} is not a heading line of its own ({extractor})"


@pytest.mark.parametrize("stem", MAIN_EXAMPLES)
def test_contents_page_numbers_match_where_sections_start(briefs, stem):
    brief = briefs[stem]
    first = brief.poppler_pages[1]  # the cover fills page 1; the contents open page 2
    assert re.search(r"^\s*Contents\s*$", first, re.M), first
    listed = contents_entries(first)
    titles = (*SECTION_TITLES, APPENDIX_TITLE)
    assert [t for t in titles if t not in listed] == [], f"contents of page 2:\n{first}"
    by_poppler = {t: heading_page(brief.poppler_pages, t) for t in titles}
    by_pypdf = {t: heading_page(brief.pypdf_pages, t) for t in titles}
    by_outline = {t: outline_pages(brief.reader).get(t) for t in titles}
    assert {t: listed[t] for t in titles} == by_poppler == by_pypdf == by_outline
    numbers = [listed[t] for t in titles]
    assert numbers == sorted(numbers) and numbers[0] >= 2


@pytest.mark.parametrize("stem", MAIN_EXAMPLES)
def test_contents_in_pypdf_text(briefs, stem):
    """pypdf reads the contents page too: the titles, and the page numbers as their own lines."""
    brief = briefs[stem]
    page = brief.pypdf_pages[1]  # the contents open page 2; the first section follows them there
    titles = (*SECTION_TITLES, APPENDIX_TITLE)
    assert "Contents" in page and missing(page, list(titles)) == []
    first = page[:page.index(titles[0], page.index(titles[0]) + 1)]  # up to the first section's heading
    numbers = [int(line) for line in first.splitlines() if line.strip().isdigit()]
    assert numbers == [heading_page(brief.pypdf_pages, t) for t in titles], first


@pytest.mark.parametrize("extractor", EXTRACTORS)
@pytest.mark.parametrize("stem", MAIN_EXAMPLES)
def test_every_page_says_page_x_of_n(briefs, stem, extractor):
    brief = briefs[stem]
    pages = brief.pages(extractor)
    total = len(brief.reader.pages)
    assert total >= 5 and len(pages) == total
    assert [n for n, text in enumerate(pages, 1) if f"page {n} of {total}" not in text] == []
    assert "page 1 of" in pages[0]


@pytest.mark.parametrize("stem", MAIN_EXAMPLES)
def test_metadata(briefs, stem):
    brief = briefs[stem]
    meta = brief.reader.metadata
    name = brief.name
    as_of = dt.date.fromisoformat(brief.model["company"]["as_of"])
    assert meta.title == f"{name}: research brief"
    assert meta.author == "reportgen"
    assert meta.subject == f"Capital intensity, infrastructure entrenchment, bear case and outlook for {name}"
    assert name in (meta.get("/Keywords") or "")
    assert meta.creation_date is not None and meta.creation_date.date() == as_of
    assert meta.modification_date is not None and meta.modification_date.date() == as_of
    assert (meta.creator or "").startswith("reportgen ")


@pytest.mark.parametrize("stem", MAIN_EXAMPLES)
def test_fonts_embedded(briefs, stem):
    brief = briefs[stem]
    fonts = pdf_fonts(brief.reader)
    assert fonts, "no font found in the PDF"
    assert [f for f in fonts if not f["files"]] == [], "fonts without a FontFile/FontFile2/FontFile3"
    assert [f["name"] for f in fonts if "DejaVu" not in f["name"]] == [], "a font other than the bundled DejaVu"
    listing = subprocess.run(["pdffonts", str(brief.pdf_path)], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    assert rows and all(re.search(r"\s(yes)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", row) for row in rows), listing


def test_font_walker_sees_a_font_that_is_not_embedded(tmp_path):
    """The walker above is not vacuous: a standard-14 font used from a form XObject has no FontFile."""
    import pypdf
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = pypdf.PdfWriter()
    page = writer.add_blank_page(width=A4[0], height=A4[1])
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    form = DecodedStreamObject()
    form.set_data(b"BT /F1 12 Tf (x) Tj ET")
    form.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                 NameObject("/Resources"): DictionaryObject({NameObject("/Font"): DictionaryObject(
                     {NameObject("/F1"): writer._add_object(font)})})})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject(
        {NameObject("/X1"): writer._add_object(form)})})
    path = tmp_path / "unembedded.pdf"
    writer.write(path)
    assert pdf_fonts(pypdf.PdfReader(path)) == [{"name": "/Helvetica", "subtype": "/Type1", "files": []}]


@pytest.mark.parametrize("stem", MAIN_EXAMPLES)
def test_pages_are_a4_portrait(briefs, stem):
    for number, page in enumerate(briefs[stem].reader.pages, 1):
        box = page.mediabox
        size = (float(box.width), float(box.height))
        assert abs(size[0] - A4[0]) < 0.5 and abs(size[1] - A4[1]) < 0.5, f"page {number} is {size} points"


@pytest.mark.parametrize("stem", MAIN_EXAMPLES)
def test_pdf_links_stay_inside_the_document(briefs, stem):
    """Every figure links to its formula inside the PDF; nothing opens a URL, a file or a script."""
    reader = briefs[stem].reader
    root = reader.trailer["/Root"]
    names = root.get("/Names", {})
    assert "/EmbeddedFiles" not in names and "/JavaScript" not in names and "/OpenAction" not in root
    destinations = reader.named_destinations
    links, broken = 0, []
    for number, page in enumerate(reader.pages, 1):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            if action is not None:
                broken.append((number, f"action {action.get_object().get('/S')}"))
            if annotation.get("/Subtype") == "/Link":
                links += 1
                if annotation.get("/Dest") not in destinations:
                    broken.append((number, annotation.get("/Dest")))
    assert links > 50, "the prose figures should be links to the appendix"
    assert broken == []


@pytest.mark.parametrize("extractor", EXTRACTORS)
def test_no_invisible_running_head_text_on_the_cover(anthropic, extractor):
    glued = f"{anthropic.name}{anthropic.as_of_text}"
    assert glued not in anthropic.pages(extractor)[0]


# --- PDF/A-3b -------------------------------------------------------------------------------------------
# The builds of a PDF variant make the PDF and what its tests read (model.json), and read the example's charts
# from the run's chart cache (tests/conftest.py shared_chart_cache): the variant changes the PDF writer, not the
# charts.
# The command makes the PDF/A brief end to end; the repeat and the other variants are made by the library in
# the test's process (briefkit.render_here), which must give the command's bytes.

PDFA = ("--pdf-variant", "pdf/a-3b", "--format", "pdf,json")


@pytest.fixture(scope="module")
def pdfa(tmp_path_factory, outputs) -> Brief:
    out = tmp_path_factory.mktemp("pdfa") / "out"
    run = reportgen("build", "inputs/nordlicht-2026.yaml", "--out", out, *PDFA)
    assert run.code == 0, str(run)
    assert "warning" not in run.output.lower(), str(run)
    return Brief(Path(out) / "nordlicht-2026")


def test_pdfa_declares_part_3_conformance_b(pdfa):
    reader = pdfa.reader
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    xmp = ElementTree.fromstring(metadata)
    ns = "http://www.aiim.org/pdfa/ns/id/"
    parts = [d.get(f"{{{ns}}}part") for d in xmp.iter() if d.get(f"{{{ns}}}part")]
    parts += [e.text for e in xmp.iter(f"{{{ns}}}part")]
    conformance = [d.get(f"{{{ns}}}conformance") for d in xmp.iter() if d.get(f"{{{ns}}}conformance")]
    conformance += [e.text for e in xmp.iter(f"{{{ns}}}conformance")]
    assert parts == ["3"] and conformance == ["B"], metadata.decode("utf-8", "replace")
    # pypdf reads the same packet
    assert reader.xmp_metadata is not None
    intents = [i.get_object() for i in reader.trailer["/Root"].get("/OutputIntents", [])]
    assert [i.get("/S") for i in intents] == ["/GTS_PDFA1"] and "/DestOutputProfile" in intents[0]


def test_pdfa_is_the_same_brief(pdfa, nordlicht):
    assert pdfa.reader.metadata.title == nordlicht.reader.metadata.title
    assert [f for f in pdf_fonts(pdfa.reader) if not f["files"]] == []
    assert missing(pdfa.prose("pdftotext"), list(SECTION_TITLES) + KEY_SENTENCES["nordlicht-2026"]) == []


def test_pdfa_xmp_agrees_with_the_document_information(pdfa):
    """PDF/A wants the XMP packet and the Info dictionary to say the same: title, author, subject and
    dates (the as_of date, not the build time)."""
    reader = pdfa.reader
    xmp = ElementTree.fromstring(reader.trailer["/Root"]["/Metadata"].get_object().get_data())
    ns = {"dc": "http://purl.org/dc/elements/1.1/", "xmp": "http://ns.adobe.com/xap/1.0/",
          "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}

    def texts(path: str) -> list[str]:
        return [(e.text or "").strip() for e in xmp.iterfind(f".//{path}", ns)]

    meta = reader.metadata
    as_of = pdfa.model["company"]["as_of"]
    assert texts("dc:title/rdf:Alt/rdf:li") == [meta.title]
    assert texts("dc:creator/rdf:Seq/rdf:li") == [meta.author]
    assert texts("dc:description/rdf:Alt/rdf:li") == [meta.subject]
    assert [d[:10] for d in texts("xmp:CreateDate")] == [as_of]
    assert [d[:10] for d in texts("xmp:ModifyDate")] == [as_of]
    assert meta.creation_date.date().isoformat() == as_of


def test_pdfa_build_is_byte_identical_when_repeated(pdfa, outputs, tmp_path):
    """Made again, by the library this time: the same bytes as the command's build."""
    again = render_here("inputs/nordlicht-2026.yaml", formats=("pdf", "json"),
                        pdf_variant="pdf/a-3b")
    assert again["brief.pdf"] == pdfa.pdf_path.read_bytes()


# --- PDF variants: WeasyPrint's list, no more and no less ---------------------------------------------------

def test_pdf_variants_are_weasyprints():
    from weasyprint.pdf import VARIANTS

    from reportgen.render.pdf import PDF_VARIANTS, UNTAGGED

    assert set(PDF_VARIANTS) - {UNTAGGED} == set(VARIANTS) - {"debug"}
    assert UNTAGGED not in VARIANTS


@pytest.mark.parametrize("variant", ["pdf/a-2u", "pdf/x-4"])
def test_variants_weasyprint_supports_build(tmp_path, outputs, variant):
    files = render_here("inputs/nordlicht-2026.yaml", formats=("pdf",), pdf_variant=variant)
    assert files["brief.pdf"][:5] == b"%PDF-"


def test_a_variant_weasyprint_lacks_is_a_usage_error(tmp_path):
    run = reportgen("build", "inputs/nordlicht-2026.yaml", "--out", tmp_path, "--pdf-variant", "pdf/a-4b")
    assert run.code == 2, str(run)
    # a choice of the command line: the parser refuses it and lists the variants
    assert "Invalid value for '--pdf-variant'" in run.output and "'pdf/ua-1'" in run.output
    assert "Traceback" not in run.output and "KeyError" not in run.output


@pytest.mark.parametrize("stem", ["anthropic-2026", "nordlicht-2026", "meridian-2026"])
def test_no_word_is_broken_inside_a_table(briefs, stem):
    """A narrow column once showed "Comp / any", "Pro / vide / rs", "Squee / ze" and "Meridi / an Labs": every
    word of the PDF (in poppler's reading order) is a word of the HTML brief, not a piece of a longer one."""
    import html as markup

    brief = briefs[stem]
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", brief.html, flags=re.S).replace("<wbr>", "")
    words = set(re.findall(r"[A-Za-z]+", markup.unescape(re.sub(r"<[^>]+>", " ", page))))
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(brief.pdf_path), "-"], capture_output=True, text=True,
                          check=True).stdout
    unknown = {piece for piece in re.findall(r"[A-Za-z]{2,}", text) if piece not in words}
    pieces = sorted(p for p in unknown if any(len(w) > len(p) and (w.startswith(p) or w.endswith(p)) for w in words))
    assert pieces == []


@pytest.mark.parametrize("stem", ["anthropic-2026", "nordlicht-2026", "meridian-2026"])
def test_each_formula_starts_on_the_line_under_its_name(briefs, stem):
    """Under each formula's name the line holds the formula's first two words: a line that ran over the width
    broke at its first space, leaving one word alone ("inference" over "share x run-rate revenue ...")."""
    brief = briefs[stem]
    lines = [line.strip() for page in brief.poppler_pages for line in page.splitlines() if line.strip()]
    checked = 0
    for name, entry in brief.model["provenance"].items():
        words = entry["formula"].split()
        heads = [i for i, line in enumerate(lines) if i > lines.index("Formulas") and line.endswith(f" {name}")
                 and not line.startswith("Inputs:")]  # "Compute spend compute_spend"
        if len(words) < 2 or not heads:
            continue
        following = lines[heads[0] + 1]
        assert following.startswith(" ".join(words[:2])), f"{name}: {following!r}"
        checked += 1
    assert checked >= 10
