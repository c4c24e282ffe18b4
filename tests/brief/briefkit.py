"""Helpers of the end-to-end brief tests: running the real CLI, reading what it wrote (PDF text with
pypdf and poppler, HTML structure, external references) and the phrases the templates use.

Nothing here knows the expected answers: those live in the test modules.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import re
import shutil
import subprocess
import urllib.parse
from collections.abc import Callable
from functools import cached_property
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar
from xml.etree import ElementTree

import numpy as np
from clikit import CHART_CACHE_VARIABLE, REPORTGEN, ROOT, Run, reportgen  # noqa: F401  (the kit's API)
from clikit import snapshot as shared_snapshot

from reportgen.render.environment import CONTENT_SECURITY_POLICY  # the one policy a brief may carry

GOLDEN = ROOT / "tests" / "golden"
ARTIFACTS = ROOT / "tests" / "artifacts"
TEMPLATES = ROOT / "templates"

SECTION_TITLES = ("The Capital Intensity Paradox", "Infrastructure Entrenchment", "The Forensic Bear Case",
                  "Market Outlook and Sentiment")
APPENDIX_TITLE = "Appendix: Assumptions, Sources and Formulas"
BRIEF_FILES = ("brief.pdf", "brief.html", "model.json")
EXAMPLES = ("anthropic-2026", "nordlicht-2026", "meridian-2026")  # built once per run (conftest.session_build)


# --- the CLI -----------------------------------------------------------------------------------------

def write_templates(folder: Path, files: dict[str, str | bytes]) -> Path:
    """A --templates folder with the given files (relative path -> content)."""
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def build_here(input_file: str, out: Path, templates: Path, *, strict: bool = False,
               formats: tuple[str, ...] = ("html", "json"), html_charts: str = "static") -> Run:
    """What ``reportgen build INPUT --out OUT --templates TEMPLATES [--strict] --format html,json`` does, done
    by the library in this process (``reportgen.build``), for the tests whose subject is what a template
    override makes of the brief rather than the command line: a command costs an interpreter and the start of
    the template child's forkserver, which preloads WeasyPrint (about 3 CPU-s together); here the forkserver
    starts once per test process. The result reads like a command's: its exit code, and every error and
    warning of the build, one a line, as its output."""
    from reportgen import BuildOptions, build

    options = BuildOptions(out_dir=str(out), formats=formats, strict=strict, templates_dir=str(templates), jobs=1,
                           html_charts=html_charts, chart_cache_dir=os.environ.get(CHART_CACHE_VARIABLE))
    report = build([str(ROOT / input_file)], options)
    lines = [f"error: {error}" for result in report.failed for error in result.errors]
    lines += [f"warning: {warning}" for result in report.built for warning in result.warnings]
    shown = ["build", input_file, "--out", str(out), "--templates", str(templates), *(["--strict"] if strict else []),
             "--format", ",".join(formats), *(["--html-charts", html_charts] if html_charts != "static" else []),
             "(in process)"]
    return Run(shown, report.exit_code, "", "\n".join(lines))


def render_here(input_file: str, **options: Any) -> dict[str, bytes]:
    """The files of one brief (relative path -> bytes) as the library makes them in this process
    (``reportgen.render_brief`` with ``RenderOptions(**options)``), its charts read from the run's chart cache
    (where the session build left them): for the tests of the PDF writer's variants, where a command would cost
    an interpreter and a helper process that imports WeasyPrint. A build writes these same bytes (the PDF/A test
    compares them with a command's)."""
    from reportgen import RenderOptions, render_brief

    return render_brief(ROOT / input_file, RenderOptions(chart_cache_dir=os.environ[CHART_CACHE_VARIABLE],
                                                         **options)).files


def builtin(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under ``folder`` except reportgen's own state (.reportgen/): content digest and mtime."""
    return shared_snapshot(folder, state=False)


def copy_outputs(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, copy_function=shutil.copy2)
    return target


# --- one built brief -----------------------------------------------------------------------------------

class Brief:
    """The files of one built brief, with their texts extracted once."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.stem = folder.name

    @property
    def pdf_path(self) -> Path:
        return self.folder / "brief.pdf"

    @property
    def html_path(self) -> Path:
        return self.folder / "brief.html"

    @cached_property
    def model(self) -> dict[str, Any]:
        return json.loads((self.folder / "model.json").read_text(encoding="utf-8"))

    @property
    def name(self) -> str:
        return self.model["company"]["name"]

    @property
    def as_of_text(self) -> str:
        import datetime as dt

        day = dt.date.fromisoformat(self.model["company"]["as_of"])
        return f"{day.day} {day:%B %Y}"

    @cached_property
    def html(self) -> str:
        return self.html_path.read_text(encoding="utf-8")

    @cached_property
    def doc(self) -> HtmlDocument:
        return HtmlDocument.parse(self.html)

    @cached_property
    def reader(self) -> Any:
        import pypdf

        return pypdf.PdfReader(str(self.pdf_path))

    @cached_property
    def pypdf_pages(self) -> list[str]:
        return pypdf_text(self.pdf_path, "plain", lambda: [page.extract_text() or "" for page in self.reader.pages])

    @cached_property
    def pypdf_layout_pages(self) -> list[str]:
        """pypdf in reading order by position. Its default mode emits the text of the charts (form
        XObjects) after the page's last line, so a paragraph that runs over a page break gets axis
        labels in its middle: prose is read in this mode."""
        return pypdf_text(self.pdf_path, "layout", lambda: [page.extract_text(extraction_mode="layout") or ""
                                                            for page in self.reader.pages])

    @cached_property
    def poppler_pages(self) -> list[str]:
        """``pdftotext -layout``, one string per page (poppler separates pages with a form feed)."""
        done = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(self.pdf_path), "-"],
                              capture_output=True, check=True, timeout=60)
        pages = done.stdout.decode("utf-8").split("\f")
        return pages[: len(self.reader.pages)]

    def pages(self, extractor: str) -> list[str]:
        return self.pypdf_pages if extractor == "pypdf" else self.poppler_pages

    def prose(self, extractor: str) -> str:
        """The PDF's text as one line: running heads and footers dropped, hyphenated line ends joined."""
        pages = self.pypdf_layout_pages if extractor == "pypdf" else self.pages(extractor)
        return pdf_prose(pages, self.name, self.as_of_text)

    @cached_property
    def html_text(self) -> str:
        """The HTML body's visible text as one line (alt texts included)."""
        return " ".join(html_lines(self.html, root="body")).strip()


# --- PDF text -------------------------------------------------------------------------------------------

# Where pypdf's text of a PDF is kept for the whole test run, by the PDF's digest (tests/brief/conftest.py sets
# it): pypdf takes 1.5 to 2 s of CPU a page mode for an 11-page brief, and the xdist workers read the same PDFs.
PDF_TEXT_CACHE: Path | None = None


def pypdf_text(pdf: Path, mode: str, extract: Callable[[], list[str]]) -> list[str]:
    """``extract()``, or what it returned for the same bytes and mode earlier in this run (in any worker)."""
    if PDF_TEXT_CACHE is None:
        return extract()
    from filelock import FileLock

    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
    entry = PDF_TEXT_CACHE / f"{digest}-{mode}.json"
    with FileLock(str(entry) + ".lock"):  # the other worker waits for the text rather than extracting it too
        if entry.is_file():
            pages: list[str] = json.loads(entry.read_text(encoding="utf-8"))
            return pages
        pages = extract()
        entry.write_text(json.dumps(pages), encoding="utf-8")
        return pages


def pdf_prose(pages: list[str], company: str, as_of_text: str) -> str:
    head = rf"{re.escape(company)}\s*{re.escape(as_of_text)}"
    running = re.compile(rf"^\s*(?:Research brief\s+page \d+ of \d+|{head})\s*$")
    lines = [line for page in pages for line in page.splitlines() if not running.match(line)]
    text = "\n".join(lines)
    text = re.sub("[\u2010\u00ad]\\s*\n\\s*", "", text)  # a hyphen WeasyPrint inserted at a line end
    text = re.sub("-\\s*\n\\s*", "-", text)  # a real hyphen at a line end
    return " ".join(text.split())


def contents_entries(page_text: str) -> dict[str, int]:
    """``title -> page`` from the contents of ``pdftotext -layout`` (title, leader, page number)."""
    entries = {}
    for line in page_text.splitlines():
        match = re.match(r"^\s*(\S.*?\S)\s{2,}(\d+)\s*$", line)
        if match:
            entries[match.group(1)] = int(match.group(2))
    return entries


def heading_page(pages: list[str], title: str, first: int = 2) -> int | None:
    """The 1-based page (from ``first``) on which ``title`` stands on a line of its own."""
    for number, text in enumerate(pages, 1):
        lines = [line.strip() for line in text.splitlines()]
        if "Contents" in lines:  # the contents list every title: read the page after its last entry
            entries = [i for i, line in enumerate(lines) if line.startswith(APPENDIX_TITLE)]
            lines = lines[entries[0] + 1:] if entries else lines
        if number >= first and title in lines:
            return number
    return None


def outline_pages(reader: Any) -> dict[str, int]:
    found: dict[str, int] = {}

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.setdefault(item.title, reader.get_destination_page_number(item) + 1)

    walk(reader.outline)
    return found


def pdf_fonts(reader: Any) -> list[dict[str, Any]]:
    """Every font dictionary the pages use, in page resources, form XObjects (the charts), Type 3
    glyph procedures and annotation appearances: ``{name, subtype, files}``."""
    from pypdf.generic import DictionaryObject, IndirectObject

    seen: set[int] = set()
    fonts: list[dict[str, Any]] = []

    def resolve(obj: Any) -> Any:
        return obj.get_object() if isinstance(obj, IndirectObject) else obj

    def font_files(font: Any) -> list[str]:
        descriptors = []
        if font.get("/Subtype") == "/Type0":
            for descendant in resolve(font.get("/DescendantFonts")) or []:
                descriptors.append(resolve(resolve(descendant).get("/FontDescriptor")))
        else:
            descriptors.append(resolve(font.get("/FontDescriptor")))
        files = []
        for descriptor in descriptors:
            if descriptor is not None:
                files += [key for key in ("/FontFile", "/FontFile2", "/FontFile3") if key in descriptor]
        return files

    def visit_resources(resources: Any) -> None:
        resources = resolve(resources)
        if not isinstance(resources, DictionaryObject) or id(resources) in seen:
            return
        seen.add(id(resources))
        for ref in (resolve(resources.get("/Font")) or {}).values():
            font = resolve(ref)
            if id(font) in seen:
                continue
            seen.add(id(font))
            fonts.append({"name": str(font.get("/BaseFont")), "subtype": str(font.get("/Subtype")),
                          "files": font_files(font)})
            if font.get("/Subtype") == "/Type3":
                visit_resources(font.get("/Resources"))
        for ref in (resolve(resources.get("/XObject")) or {}).values():
            xobject = resolve(ref)
            if xobject.get("/Subtype") == "/Form":
                visit_resources(xobject.get("/Resources"))
        for ref in (resolve(resources.get("/Pattern")) or {}).values():
            pattern = resolve(ref)
            if hasattr(pattern, "get"):
                visit_resources(pattern.get("/Resources"))

    for page in reader.pages:
        visit_resources(page.get("/Resources"))
        for annotation in page.get("/Annots") or []:
            appearance = resolve(resolve(annotation).get("/AP")) or {}
            for stream in appearance.values():
                stream = resolve(stream)
                if hasattr(stream, "get"):
                    visit_resources(stream.get("/Resources"))
    return fonts


# --- HTML ------------------------------------------------------------------------------------------------

def _golden_module() -> Any:
    """tests/golden/regenerate_text.py, which owns the one way HTML is read as text (golden files
    and tests alike)."""
    import importlib.util
    import sys

    name = "regenerate_text"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, GOLDEN / "regenerate_text.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def html_lines(html: str, root: str = "main") -> list[str]:
    """Visible text of the ``root`` element, one block (paragraph, heading, list item, table row with
    " | " between cells) per line; endnotes as "[1]", images as "[image: alt]"."""
    return _golden_module().text_lines(html, root)


def brief_text(html: str) -> str:
    return _golden_module().brief_text(html)


@dataclasses.dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    line: int
    text: str = ""


class HtmlDocument(HTMLParser):
    """Every element with its attributes (and the text of headings, links and captions), the bodies of
    <style> elements, and the ids of the document."""

    TEXT_OF: ClassVar[set[str]] = {"h1", "h2", "h3", "h4", "h5", "h6", "a", "caption", "title", "th"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.styles: list[str] = []
        self.comments: list[str] = []
        self.declarations: list[str] = []
        self._open: list[Element] = []
        self._in_style = False

    @classmethod
    def parse(cls, html: str) -> HtmlDocument:
        document = cls()
        document.feed(html)
        document.close()
        return document

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs), self.getpos()[0])
        self.elements.append(element)
        if tag == "style":
            self._in_style = True
            self.styles.append("")
        if tag in self.TEXT_OF:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, dict(attrs), self.getpos()[0]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index]
                break

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles[-1] += data
        for element in self._open:
            element.text += data

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_decl(self, decl: str) -> None:
        self.declarations.append(decl)

    def find(self, tag: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag]

    @property
    def ids(self) -> list[str]:
        return [e.attrs["id"] or "" for e in self.elements if "id" in e.attrs]

    def headings(self) -> list[tuple[int, str]]:
        return [(int(e.tag[1]), " ".join(e.text.split())) for e in self.elements
                if re.fullmatch(r"h[1-6]", e.tag)]


# --- external references ------------------------------------------------------------------------------

_URL_ATTRIBUTES = {"src", "href", "srcset", "action", "formaction", "data", "poster", "background", "cite",
                   "longdesc", "usemap", "manifest", "ping", "lowsrc", "dynsrc", "xlink:href", "imagesrcset",
                   "archive", "codebase", "classid", "profile", "icon", "itemtype", "content-location"}
_FORBIDDEN_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "link", "base", "portal",
                   "noscript", "audio", "video", "source", "track", "form", "fencedframe"}


def css_references(css: str) -> list[str]:
    """Everything in a stylesheet that could load a resource: url() (quoted or not), image-set() and
    image() strings, src() and @import. ``data:`` URLs are not references."""
    import tinycss2

    found: list[str] = []

    def check(url: str, what: str) -> None:
        if not url.strip().lower().startswith("data:"):
            found.append(f"{what}({url[:80]})")

    def walk(tokens: Any) -> None:
        for token in tokens or []:
            kind = getattr(token, "type", None)
            if kind == "url":
                check(token.value, "url")
            elif kind == "at-keyword" and token.lower_value == "import":
                found.append("@import")
            elif kind == "at-rule":
                if token.lower_at_keyword == "import":
                    found.append("@import")
                walk(token.prelude)
                walk(token.content)
            elif kind == "qualified-rule":
                walk(token.prelude)
                walk(token.content)
            elif kind == "function":
                name = token.lower_name
                if name in ("url", "src") or name.endswith("image-set") or name in ("image", "cross-fade"):
                    for argument in token.arguments:
                        if getattr(argument, "type", None) == "string":
                            check(argument.value, name)
                walk(token.arguments)
            elif hasattr(token, "content") and isinstance(token.content, list):
                walk(token.content)

    walk(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
    # A declaration list (a style attribute) parses as one qualified rule without a block: check tokens too.
    walk(tinycss2.parse_component_value_list(css, skip_comments=True))
    return sorted(set(found))


def svg_references(svg: str) -> list[str]:
    """External references inside an SVG document (href, xlink:href, CSS, script, foreignObject)."""
    found = []
    root = ElementTree.fromstring(svg)
    for element in root.iter():
        tag = element.tag.split("}")[-1]
        if tag in ("script", "foreignObject"):
            found.append(f"<{tag}>")
        if tag == "style":
            found += css_references(element.text or "")
        for key, value in element.attrib.items():
            local = key.split("}")[-1]
            if local == "href" and not (value.startswith("#") or value.startswith("data:")):
                found.append(f"{tag} href={value[:80]}")
            elif local == "style":
                found += css_references(value)
            elif local.startswith("on"):
                found.append(f"{tag} {local}=")
            elif "url(" in value and local not in ("d",):
                inner = re.findall(r"url\(\s*['\"]?([^'\")]*)", value)
                found += [f"{tag} {local}=url({u})" for u in inner if not u.startswith(("#", "data:"))]
    return found


def data_uri_payload(uri: str) -> tuple[str, bytes]:
    header, _, payload = uri.partition(",")
    mime = header[5:].split(";")[0]
    content = base64.b64decode(payload) if header.endswith(";base64") else urllib.parse.unquote_to_bytes(payload)
    return mime, content


def external_references(html: str) -> list[str]:
    """Every way the page could load something or run something, as readable problems. Allowed: data:
    URIs (their SVG content is checked too) and #fragment links."""
    document = HtmlDocument.parse(html)
    problems: list[str] = []
    for element in document.elements:
        where = f"line {element.line} <{element.tag}>"
        if element.tag in _FORBIDDEN_TAGS:
            problems.append(f"{where}: element <{element.tag}> is not allowed")
        equiv = (element.attrs.get("http-equiv") or "").lower()
        own_policy = equiv == "content-security-policy" and element.attrs.get("content") == CONTENT_SECURITY_POLICY
        if element.tag == "meta" and equiv in ("refresh", "link", "content-security-policy") and not own_policy:
            problems.append(f"{where}: meta http-equiv={element.attrs.get('http-equiv')}")
        for key, value in element.attrs.items():
            value = value or ""
            lowered = key.lower()
            if lowered.startswith("on"):
                problems.append(f"{where}: event handler {key}")
            if "javascript:" in value.lower().replace(" ", ""):
                problems.append(f"{where}: javascript: URL in {key}")
            if lowered == "style":
                problems += [f"{where}: style attribute {ref}" for ref in css_references(value)]
            if lowered not in _URL_ATTRIBUTES:
                continue
            if lowered == "href":
                if not (value.startswith("#") and len(value) > 1):
                    problems.append(f"{where}: href={value[:80]!r}")
            elif lowered in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    if url and not url.startswith("data:"):
                        problems.append(f"{where}: {key} candidate {url[:80]!r}")
            elif lowered == "src" and value.startswith("data:"):
                mime, content = data_uri_payload(value)
                if mime == "image/svg+xml":
                    problems += [f"{where}: inside its SVG: {ref}" for ref in svg_references(content.decode("utf-8"))]
            else:
                problems.append(f"{where}: {key}={value[:80]!r}")
    for css in document.styles:
        problems += [f"<style>: {ref}" for ref in css_references(css)]
    return problems


# --- phrases ------------------------------------------------------------------------------------------------

# A figure's basis mark ("A" for an assumption, "E" for an estimate) as the HTML text shows it ("[A]")
# and as PDF extractors do (" A" or "A" right after the figure).
_BASIS_MARK = re.compile(r"\[[AE]\]|(?:(?<=[0-9%x])|(?<=illion))\s?[AE](?=[\s.,;:)\]]|$)")


def unmarked(text: str) -> str:
    """``text`` without the basis marks of its figures: phrases are checked as words, the marks by
    tests of their own."""
    return _BASIS_MARK.sub("", text)


def missing(text: str, phrases: list[str]) -> list[str]:
    text = unmarked(text)
    return [p for p in phrases if p not in text]


def present(text: str, patterns: list[str]) -> list[str]:
    """Which regular expressions (case-sensitive unless they say (?i)) match ``text``, with the match."""
    found = []
    for pattern in patterns:
        match = re.search(pattern, text)
        if match:
            start = max(0, match.start() - 60)
            found.append(f"{pattern!r} matched: ...{text[start:match.end() + 60]}...")
    return found


# --- how full the printed pages are ---------------------------------------------------------------------

DPI = 30
PAGE_MM = 297.0
BODY_TOP_MM, BODY_BOTTOM_MM = 20.0, 297.0 - 18.0
BAND_MM = 8.0
PAGE_FILL_LIMIT = 0.40  # no page but the last may be more empty than this (tests/brief/test_brief_page_fill.py)


def rasterised_pages(pdf: Path, folder: Path) -> list[np.ndarray]:
    subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", str(pdf), str(folder / "page")], check=True)
    pages = []
    for path in sorted(folder.glob("page-*.pgm")):
        data = path.read_bytes()
        header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
        assert header, path
        width, height = int(header[1]), int(header[2])
        pages.append(np.frombuffer(data[header.end():], np.uint8).reshape(height, width))
    return pages


def empty_share(page: np.ndarray) -> float:
    """The share of the page body's height in blank bands taller than BAND_MM."""
    height = page.shape[0]
    top, bottom = (round(height * mm / PAGE_MM) for mm in (BODY_TOP_MM, BODY_BOTTOM_MM))
    inked = (page[top:bottom] < 200).any(axis=1)
    band_rows = BAND_MM / PAGE_MM * height
    empty, run = 0, 0
    for row_has_ink in [*inked, True]:  # the sentinel closes a band at the bottom margin
        if row_has_ink:
            empty += run if run > band_rows else 0
            run = 0
        else:
            run += 1
    return empty / (bottom - top)
