"""Accessibility and standards, checked by real validators on every built example (issue 13,
docs/accessibility.md):

- axe-core in the headless Chromium, at 1280 px and 375 px: zero violations, briefs and index;
- the W3C Nu HTML checker (vnu.jar on Debian's Java), SVG and CSS checking on: zero errors, zero warnings;
- ``qpdf --check`` clean;
- the PDF is tagged: a structure tree with H1/H2, tables whose data cells name their header cells, a
  Figure with /Alt for every chart, /Lang; ``--pdf-variant none`` is the one untagged file;
- the PDF's text copies as it reads: no word hyphenated at a line end, no letter-spaced words, a space
  between a figure and its note number or basis mark, field paths whole;
- every chart SVG has a root <title> and <desc>, and passes the charts' SVG guard.

The validators are installed by ``make test`` (Debian's qpdf and Java, axe-core and vnu-jar from npm into
.venv/node). A missing one fails the test rather than skipping it: the checks are the point.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from briefkit import ROOT, Brief, html_lines, render_here

EXAMPLES = ("anthropic-2026", "nordlicht-2026", "meridian-2026")  # conftest.py builds these once per session

NODE_MODULES = ROOT / ".venv" / "node" / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
# The stylesheets a browser reads (inlined into the pages; checked as files too). print.css is WeasyPrint's
# paged media (string-set, string(), leader(), target-counter()), which the Nu CSS checker does not know.
SCREEN_CSS = ("brief.css", "screen.css", "index.css")
# vnu 26's Content-Security-Policy check (CspEnforcementChecker) hands Salvation's URI parser a data: URL,
# which it does not parse, and so reports every data: image as blocked, even under "img-src data:" (a policy
# Chromium applies and loads them under: test_brief_chromium checks every chart decodes). Only this message,
# for data: images, is set aside.
VNU_FALSE_POSITIVE = re.compile(r"^Resource violates Content Security Policy \(meta tag\): image “data:image/")
UNIT_WORDS = ("thousand", "million", "billion", "trillion")


def tool(path: Path | str, what: str) -> str:
    found = str(path) if Path(path).is_file() else shutil.which(str(path))
    if not found:
        pytest.fail(f"{what} is not installed ({path}): `make test` installs it")
    return found


# --- W3C Nu HTML checker ------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def vnu(outputs: Path) -> dict[str, list[dict[str, Any]]]:
    """One run of the checker over every page, chart SVG and screen stylesheet: messages by file name."""
    java = tool("java", "Java (Debian's default-jre-headless)")
    jar = tool(VNU, "the Nu HTML checker (npm vnu-jar)")
    files = [outputs / "index.html", *(outputs / stem / "brief.html" for stem in EXAMPLES),
             *sorted(outputs.glob("*/charts/*.svg")), *(ROOT / "templates" / "assets" / name for name in SCREEN_CSS)]
    done = subprocess.run([java, "-jar", jar, "--format", "json", "--also-check-css", "--also-check-svg",
                           "--exit-zero-always", *map(str, files)], capture_output=True, text=True, timeout=300,
                          check=False)
    report = json.loads(done.stderr or done.stdout)
    found: dict[str, list[dict[str, Any]]] = {str(path): [] for path in files}
    for message in report["messages"]:
        path = message.get("url", "").removeprefix("file:")
        if message.get("type") == "info" and message.get("subType") != "warning":
            continue
        if VNU_FALSE_POSITIVE.match(message.get("message", "")):
            continue
        found.setdefault(path, []).append(message)
    return found


def _readable(messages: list[dict[str, Any]]) -> list[str]:
    return [f"{m.get('type')}{'/' + m['subType'] if m.get('subType') else ''} line {m.get('lastLine')}: "
            f"{m.get('message')} [{(m.get('extract') or '')[:80]!r}]" for m in messages]


def test_nu_checker_saw_every_file(vnu):
    assert len(vnu) >= 1 + len(EXAMPLES) + len(SCREEN_CSS)
    assert all(Path(path).is_file() for path in vnu), [p for p in vnu if not Path(p).is_file()]


@pytest.mark.parametrize("page", [*EXAMPLES, "index"])
def test_nu_checker_passes_the_page(vnu, outputs, page):
    path = outputs / ("index.html" if page == "index" else f"{page}/brief.html")
    messages = vnu[str(path)]
    if page == "index":
        # The Nu checker does not hash inline scripts, so it reports the index's one script, which its policy
        # allows by hash (test_brief_html checks that hash; Chromium runs it: test_intranet_chromium).
        messages = [m for m in messages if not str(m.get("message", "")).startswith(
            "Inline script violates Content Security Policy")]
    assert _readable(messages) == []


def test_nu_checker_passes_the_chart_svgs_and_stylesheets(vnu, outputs):
    others = {path: _readable(messages) for path, messages in vnu.items() if not path.endswith(".html")}
    assert any(path.endswith(".svg") for path in others) and any(path.endswith(".css") for path in others)
    assert {path: found for path, found in others.items() if found} == {}


# --- axe-core in Chromium -------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def axe_source() -> str:
    return Path(tool(AXE, "axe-core (npm axe-core)")).read_text(encoding="utf-8")


def axe_run(browser: Any, axe_source: str, path: Path, width: int) -> tuple[list[dict[str, Any]], int]:
    """axe's violations on the page at ``width`` px, and how far the page is wider than the screen. axe is
    added as an init script (the page's CSP allows no script of its own; the browser's injection is not
    subject to it), and runs every rule axe enables by default (WCAG 2.x A and AA, best practices)."""
    context = browser.new_context(viewport={"width": width, "height": 900}, service_workers="block")
    try:
        context.add_init_script(script=axe_source)
        page = context.new_page()
        page.goto(path.resolve().as_uri(), wait_until="load")
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        overflow = page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")
    finally:
        context.close()
    violations = [{"id": v["id"], "impact": v["impact"],
                   "nodes": [(n["target"], n["failureSummary"][:300]) for n in v["nodes"][:5]]}
                  for v in result["violations"]]
    return violations, overflow


@pytest.mark.chromium
@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("page", [*EXAMPLES, "index"])
def test_axe_finds_no_violation(browser, axe_source, outputs, page, width):
    path = outputs / ("index.html" if page == "index" else f"{page}/brief.html")
    violations, _ = axe_run(browser, axe_source, path, width)
    assert violations == []


@pytest.mark.chromium
@pytest.mark.parametrize("width", [375, 320])
def test_index_fits_a_phone_screen(browser, axe_source, outputs, width):
    """The index's wide table scrolls in its own box; the page never scrolls sideways."""
    _, overflow = axe_run(browser, axe_source, outputs / "index.html", width)
    assert overflow <= 0, f"at {width} px the index is {overflow} px wider than the screen"


# --- the PDF: qpdf, tags ----------------------------------------------------------------------------------

@pytest.mark.parametrize("stem", EXAMPLES)
def test_qpdf_check_is_clean(briefs, stem):
    qpdf = tool("qpdf", "qpdf (Debian's qpdf)")
    done = subprocess.run([qpdf, "--check", str(briefs[stem].pdf_path)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No syntax or stream encoding errors found" in done.stdout
    assert "WARNING" not in (done.stdout + done.stderr).upper()


def pdfinfo(path: Path) -> dict[str, str]:
    done = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, timeout=60, check=True)
    return {key.strip(): value.strip() for key, _, value in
            (line.partition(":") for line in done.stdout.splitlines())}


def structure(reader: Any) -> list[Any]:
    """Every structure element of the PDF's structure tree, depth first."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    found: list[Any] = []
    seen: set[tuple[int, int]] = set()

    def walk(node: Any) -> None:
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                return
            seen.add((node.idnum, node.generation))
            node = node.get_object()
        if isinstance(node, ArrayObject):
            for kid in node:
                walk(kid)
        elif isinstance(node, DictionaryObject):
            if "/S" in node:
                found.append(node)
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


@pytest.mark.parametrize("stem", EXAMPLES)
def test_pdf_is_tagged_by_default(briefs, stem):
    brief: Brief = briefs[stem]
    info = pdfinfo(brief.pdf_path)
    assert info["Tagged"] == "yes"
    catalog = brief.reader.trailer["/Root"]
    assert catalog["/Lang"] == "en"
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    xmp = catalog["/Metadata"].get_object().get_data()
    assert re.search(rb"pdfuaid:part\W+1\b", xmp), xmp[:600]  # the PDF/UA-1 identifier

    elements = structure(brief.reader)
    kinds = [str(e["/S"]) for e in elements]
    assert kinds.count("/H1") == 1
    h2 = [e for e in elements if e["/S"] == "/H2"]
    assert len(h2) >= 6  # contents, four sections, appendix (and key points)
    assert kinds.count("/Table") >= 5
    # every chart is a Figure with the alt text of the HTML page's <img>
    alts = [e.attrs.get("alt") for e in brief.doc.find("img")]
    figures = [e for e in elements if e["/S"] == "/Figure"]
    assert len(figures) == len(alts) >= 5
    assert sorted(str(f["/Alt"]) for f in figures) == sorted(alts)
    # Header cells: WeasyPrint gives each TH an /ID and each TD the /Headers it falls under (scope="row"
    # headers and column headers); it writes no /Scope (docs/accessibility.md).
    cells = [e for e in elements if e["/S"] == "/TD"]
    headers = [e for e in elements if e["/S"] == "/TH"]
    assert cells and headers
    assert all("/ID" in th for th in headers)
    assert [c for c in cells if not (c.get("/A") or {}).get("/Headers")] == []


def test_pdf_variant_none_is_untagged(tmp_path, outputs):
    # made by the library in this process, its charts from the session's cache: the variant is the PDF writer's
    files = render_here("inputs/nordlicht-2026.yaml", formats=("pdf",), pdf_variant="none")
    path = tmp_path / "brief.pdf"
    path.write_bytes(files["brief.pdf"])
    assert pdfinfo(path)["Tagged"] == "no"
    import pypdf

    assert "/StructTreeRoot" not in pypdf.PdfReader(str(path)).trailer["/Root"]


# --- the PDF's text layer: what a reader copies -------------------------------------------------------------

def poppler_text(brief: Brief) -> str:
    """``pdftotext`` in reading order (not -layout): the text a reader's copy gives."""
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(brief.pdf_path), "-"], capture_output=True,
                          check=True, timeout=60)
    return done.stdout.decode("utf-8")


def pypdf_text(brief: Brief) -> str:
    return "\n".join(brief.pypdf_pages)


@pytest.mark.parametrize("extractor", ["poppler", "pypdf"])
@pytest.mark.parametrize("stem", EXAMPLES)
def test_no_word_is_hyphenated_at_a_line_end(briefs, stem, extractor):
    brief = briefs[stem]
    text = poppler_text(brief) if extractor == "poppler" else pypdf_text(brief)
    inserted = re.findall(r"\w+[\u2010\u00ad]\s*\n\s*\w+", text)  # a hyphen the layout inserted
    assert inserted == []
    # a line that ends in "-" breaks a word that has its own hyphen ("run-rate"), never splits one
    html_words = set(re.findall(r"\w+-\w+", brief.html_text))
    split = [m for m in re.findall(r"(\w+)-\s*\n\s*(\w+)", text) if f"{m[0]}-{m[1]}" not in html_words]
    assert split == []


@pytest.mark.parametrize("extractor", ["poppler", "pypdf"])
@pytest.mark.parametrize("stem", EXAMPLES)
def test_text_copies_without_spaced_letters_or_glued_marks(briefs, stem, extractor):
    brief = briefs[stem]
    text = poppler_text(brief) if extractor == "poppler" else pypdf_text(brief)
    first_page = text.split("\f")[0] if extractor == "poppler" else brief.pypdf_pages[0]
    assert "RESEARCH BRIEF" in first_page
    assert not re.search(r"\b(?:[A-Z] ){3,}", text), "letter-spaced capitals"
    # a note number or basis mark is set off from its figure: "$965 billion 1", never "$965 billion1"
    glued = re.findall(rf"\b(?:{'|'.join(UNIT_WORDS)})(?:\d+|[AE])\b", text)
    assert glued == []
    marks = [m for m in brief.doc.find("sup") if (m.attrs.get("class") or "") in ("note", "basis")]
    if marks:
        assert re.search(rf"\b(?:{'|'.join(UNIT_WORDS)})\s(?:\d+|[AE])\b", text)


@pytest.mark.parametrize("stem", EXAMPLES)
def test_field_paths_copy_whole(briefs, stem):
    """The appendix's field paths wrap at their dots on a narrow screen (<wbr>), and are never broken inside
    a name; in the PDF each stands whole on its line."""
    brief = briefs[stem]
    lines = html_lines(brief.html, root="body")
    start = next(i for i, line in enumerate(lines) if line.startswith("Input (field) | Value"))
    # a row head is the input in words, then its field path
    heads = [line.split(" | ")[0].split() for line in lines[start + 1:] if " | " in line]
    paths = [words[-1] for words in heads if words and re.fullmatch(r"[a-z_][\w.]*", words[-1])]
    assert len(paths) > 10
    text = poppler_text(brief)
    assert [p for p in paths if p not in text] == []
    assert "\u200b" not in text and "\u200b" not in pypdf_text(brief)
    # No rule breaks a field path inside a name: `overflow-wrap: anywhere` is kept off the appendix's table
    # of inputs (tests/hostile/test_layout.py checks the stylesheets' selectors; other table cells may break
    # an unbroken 120-character name anywhere, so it cannot push the page wider).


# --- chart SVGs -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("stem", EXAMPLES)
def test_chart_svgs_have_a_title_and_description(briefs, stem):
    from xml.etree import ElementTree

    from reportgen.charts.render import svg_problems

    svgs = sorted((briefs[stem].folder / "charts").glob("*.svg"))
    assert len(svgs) >= 5
    ns = "{http://www.w3.org/2000/svg}"
    for path in svgs:
        text = path.read_text(encoding="utf-8")
        root = ElementTree.fromstring(text)
        first, second = list(root)[:2]
        assert (first.tag, second.tag) == (f"{ns}title", f"{ns}desc"), path.name
        assert (first.text or "").strip() and len((second.text or "").strip()) > 20, path.name
        assert "{" not in (second.text or ""), path.name
        assert svg_problems(text) == [], path.name
