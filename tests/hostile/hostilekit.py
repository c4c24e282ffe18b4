"""Fixtures and helpers of the hostile-input suite.

Every case ends in exactly one of two ways, and its test asserts which:

- **error**: a located error (``FILE:LINE: field`` for inputs, the template's name for templates), exit code 1,
  and NOT ONE byte written or changed in the output folder. The folder always holds a good brief of the same
  name, built before (``prebuilt``), so "changed" is meaningful: a build that replaced it would be caught.
- **inert**: the brief builds, and the hostile text is only text: escaped in brief.html (no script, frame,
  object, link, remote image or event handler came from it), literal in the PDF's text, and the PDF carries
  no attachment, embedded file, JavaScript, launch or URI action. The local HTTP server got no request.

Each test module lists its cases in ``CASES`` (family, id, expected outcome); ``test_table.py`` counts them
and keeps the table in SECURITY.md in step. A case whose test exposes a bug of reportgen carries ``bug``:
its test is ``xfail(strict=True)`` with that reason, so the suite stays green until the bug is fixed, and
then insists that the mark is removed.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from functools import cached_property
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from clikit import CHART_CACHE_VARIABLE, LOCK, OWN_CHART_CACHE, REPORTGEN, ROOT, Run, Timeout  # noqa: F401  (the kit's API)
from clikit import reportgen as run_reportgen
from clikit import snapshot as shared_snapshot

SECURITY_MD = ROOT / "SECURITY.md"
MARKER = "SECRET-MARKER-123"  # content of files that must never reach a brief or a log
INPUT = "inputs/acme.yaml"  # every case's input, as the CLI shows it (runs use the workspace as cwd)
# The limited child's time limit for a user template (reportgen/render/isolated.py): tests/conftest.py shortens it.
TEMPLATE_TIME_LIMIT = float(os.environ.get("REPORTGEN_TEMPLATE_TIME_LIMIT") or 20.0)

# The families of the suite, in the order of SECURITY.md's table.
FAMILIES = {
    "markup": "1. Markup and script in text fields",
    "references": "2. URLs and file references in text, templates, CSS and chart specs",
    "yaml": "3. YAML tricks",
    "numbers": "4. Numeric traps",
    "encoding": "5. Encoding",
    "history": "6. Broken history files",
    "templates": "7. Template traps (`--templates`)",
    "faults": "8. Faults: disk full, read-only output, killed worker or parent, concurrent build",
    "parsing": "9. The HTML brief as a browser parses it (HTML5 comments, Content-Security-Policy)",
    "races": "10. Races: files swapped for links or FIFOs while a build reads them",
    "stale": "11. Stale and tampered state: package upgrades, the chart cache",
    "names": "12. File names and the command line: control characters, case-blind clashes, --out, --wait, Ctrl-C",
    "layout": "13. Oversized text on the page: unbroken names and tokens",
}
OUTCOMES = ("error", "inert")


@dataclasses.dataclass(frozen=True)
class Case:
    """One hostile case: its family, id, the outcome the suite asserts, and what the test needs."""

    family: str
    id: str
    outcome: str
    data: Any = None
    bug: str | None = None  # a known bug of reportgen: the test is xfail(strict=True) with this reason

    def __post_init__(self) -> None:
        assert self.family in FAMILIES, self.family
        assert self.outcome in OUTCOMES, self.outcome


def params(cases: list[Case], *, outcome: str | None = None, where: Any = None) -> list[Any]:
    """pytest parameters of ``cases`` (those with ``outcome``, and those ``where(case)`` accepts), each with
    its id, and a strict xfail mark when the case documents a bug."""
    chosen = [c for c in cases if (outcome is None or c.outcome == outcome) and (where is None or where(c))]
    return [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.bug)] if c.bug else [])
            for c in chosen]


# --- inputs -------------------------------------------------------------------------------------------

BASE: dict[str, Any] = {
    "schema": "reportgen/v1",
    "company": {"name": "Acme Labs", "as_of": "2026-06-30", "currency": "GBP", "unit": "million"},
    "valuation": {"post_money": 12500, "latest_raise": 1400, "raise_from_cloud_investors": 0.35},
    "cash_on_hand": 1650,
    "revenue": {"run_rate": 880, "growth_y1": 0.9, "growth_long": 0.05, "fade": 0.65},
    "costs": {"inference_share": 0.38, "training_spend": 520, "training_growth": 0.25, "opex_share": 0.35},
    "compute": {
        "price_decline": 0.18,
        "providers": [
            {"name": "Google Cloud", "share": 0.55, "commitment": 2400, "years": 6, "investor": True},
            {"name": "CoreWeave", "share": 0.3, "commitment": 600, "years": 3},
            {"name": "Lambda", "share": 0.15},
        ],
    },
    "peers": [
        {"name": "Anthropic", "post_money": 965000, "run_rate": 47000,
         "providers": [{"name": "Amazon Web Services", "share": 0.8}, {"name": "Google Cloud", "share": 0.2}]},
    ],
    "monte_carlo": {"paths": 2000, "seed": 3},
    "sources": {"valuation.post_money": "Press reports of the Series C"},
    "notes": "Invented company for the hostile-input suite.",
}


class Raw(str):
    """A scalar written into the YAML exactly as given (``yes``, ``1:30``, ``!!python/...``)."""


_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


def _scalar(value: Any) -> str:
    if isinstance(value, Raw):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        # JSON strings are YAML double-quoted scalars: every character survives, controls as escapes.
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(type(value))


def _key(key: str) -> str:
    return key if isinstance(key, Raw) or _PLAIN_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def to_yaml(value: Any, indent: int = 0) -> str:
    """Block-style YAML of ``value``, one field per line (so a field's line is easy to find)."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}{_key(key)}:")
                lines.append(to_yaml(item, indent + 2))
            else:
                lines.append(f"{pad}{_key(key)}: {_scalar(item) if not isinstance(item, dict | list) else '[]'}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                body = to_yaml(item, indent + 2)
                lines.append(pad + "- " + body[indent + 2:])
            else:
                lines.append(f"{pad}- {_scalar(item)}")
    else:
        lines.append(pad + _scalar(value))
    return "\n".join(lines)


def document(**changes: Any) -> dict[str, Any]:
    """A deep copy of BASE with dotted paths replaced: ``document(**{"company.name": "x"})``; ``DELETE``
    removes a field."""
    doc = json.loads(json.dumps(BASE))
    for path, value in changes.items():
        parts = [int(p) if p.isdigit() else p for p in path.split(".")]
        node = doc
        for part in parts[:-1]:
            node = node[part]
        if value is DELETE:
            del node[parts[-1]]
        else:
            node[parts[-1]] = value
    return doc


DELETE = object()


def yaml_text(**changes: Any) -> str:
    return to_yaml(document(**changes)) + "\n"


def line_of(text: str, needle: str, start: int = 1) -> int:
    """1-based number of the first line at or after ``start`` that contains ``needle``."""
    for number, line in enumerate(text.split("\n"), 1):
        if number >= start and needle in line:
            return number
    raise AssertionError(f"{needle!r} is not in the input")


# --- running the CLI ----------------------------------------------------------------------------------

def reportgen(*args: str | os.PathLike, cwd: str | os.PathLike, timeout: float = 120,
              memory_limit: int | None = None) -> Run:
    """The real command (clikit.reportgen) with the hostile suite's defaults: a workspace as cwd, a shorter
    timeout, and optionally a memory limit."""
    return run_reportgen(*args, cwd=cwd, timeout=timeout, memory_limit=memory_limit)


# --- the output folder: snapshots ---------------------------------------------------------------------

FAILURES = ".reportgen/failures.json"  # the record of known failures (reported again without a worker)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` by relative path: sha256 of the bytes ("dir" for folders)."""
    return shared_snapshot(folder, mtimes=False, folders=True, ignore=(LOCK, FAILURES))


def assert_unchanged(before: dict[str, str], after: dict[str, str]) -> None:
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = sorted(k for k in set(before) & set(after) if before[k] != after[k])
    assert (added, removed, changed) == ([], [], []), "the output folder changed"


_LOCATED = r"^(?:error: )?{file}:(\d+): {field}: (.*)$"


def assert_located(run: Run, *, field: str, line: int | None = None, file: str = INPUT,
                   contains: str | None = None) -> str:
    """``FILE:LINE: field: message`` in the output; returns the message."""
    pattern = re.compile(_LOCATED.format(file=re.escape(file), field=re.escape(field)), re.M)
    matches = pattern.findall(run.output)
    assert matches, f"no located error for {field}:\n{run}"
    if line is not None:
        assert any(int(found) == line for found, _ in matches), f"{field} not located at line {line}:\n{run}"
    if contains is not None:
        assert any(contains in message for _, message in matches), run
    return matches[0][1]


def assert_clean_failure(run: Run, code: int = 1) -> None:
    assert run.code == code, str(run)
    assert "Traceback" not in run.output and "internal error" not in run.output, str(run)


# --- the workspace of one case ------------------------------------------------------------------------

class Workspace:
    """``tmp_path`` with ``inputs/`` and ``out/`` (a copy of the pre-built good brief ``acme``)."""

    def __init__(self, root: Path, prebuilt: Path):
        self.root = root
        self.inputs = root / "inputs"
        self.inputs.mkdir()
        self.out = root / "out"
        shutil.copytree(prebuilt, self.out, symlinks=True)

    def write(self, content: str | bytes | dict[str, Any], name: str = "acme.yaml") -> Path:
        path = self.inputs / name
        if isinstance(content, dict):
            content = to_yaml(content) + "\n"
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
        return path

    def build(self, *options: str | os.PathLike, inputs: tuple[str, ...] = (INPUT,), timeout: float = 120,
              memory_limit: int | None = None) -> Run:
        return reportgen("build", *inputs, "--out", "out", *options, cwd=self.root, timeout=timeout,
                         memory_limit=memory_limit)

    def snapshot(self) -> dict[str, str]:
        return snapshot(self.out)

    def expect_error(self, *options: str | os.PathLike, field: str | None = None, line: int | None = None,
                     contains: str | None = None, file: str = INPUT, inputs: tuple[str, ...] = (INPUT,),
                     timeout: float = 120, memory_limit: int | None = None, code: int = 1) -> Run:
        """Build; assert exit ``code`` (1: a failure), no traceback, the located error, and an untouched output
        folder."""
        before = self.snapshot()
        run = self.build(*options, inputs=inputs, timeout=timeout, memory_limit=memory_limit)
        assert_clean_failure(run, code)
        if field is not None:
            assert_located(run, field=field, line=line, contains=contains, file=file)
        elif contains is not None:
            assert contains in run.output, str(run)
        assert_unchanged(before, self.snapshot())
        return run


def build_once(run_once: Any, name: str, text: str) -> Path:
    """The output folder of ``text`` built as INPUT, once per test run (shared by the xdist workers)."""

    def make(root: Path) -> dict[str, Any]:
        (root / "inputs").mkdir()
        (root / INPUT).write_text(text, encoding="utf-8")
        # In its own output folder's chart cache: workspaces copy it, and the tests of that cache read it.
        return dataclasses.asdict(run_reportgen("build", INPUT, "--out", "out", cwd=root, env=OWN_CHART_CACHE))

    root, result = run_once(name, make)
    run = Run(**result)
    assert run.code == 0, str(run)
    return root / "out"


@pytest.fixture(scope="session")
def prebuilt(run_once: Any) -> Path:
    """A good brief ``acme`` (PDF, HTML, model.json, charts, index, manifest, chart cache), built once per run.
    Workspaces copy it; nothing writes into it."""
    out = build_once(run_once, "hostile-prebuilt", yaml_text())
    for name in ("brief.pdf", "brief.html", "model.json"):
        assert (out / "acme" / name).is_file()
    return out


@pytest.fixture
def ws(tmp_path: Path, prebuilt: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A workspace whose builds keep their charts in its output folder's own cache (a copy of the pre-built
    brief's), as a user's do: the hostile tests tamper with that cache, fill its disk and count on its hits."""
    monkeypatch.delenv(CHART_CACHE_VARIABLE, raising=False)
    return Workspace(tmp_path, prebuilt)


@pytest.fixture(scope="session")
def secret(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file outside every input and templates folder, whose marker must never show up anywhere."""
    path = tmp_path_factory.mktemp("secret") / "secret.txt"
    path.write_text(f"{MARKER}\n", encoding="utf-8")
    return path


# --- a local HTTP server that must get no request ----------------------------------------------------

class Server:
    def __init__(self) -> None:
        requests: list[str] = []
        self.requests = requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def _record(self) -> None:
                requests.append(f"{self.command} {self.path}")
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.end_headers()
                self.wfile.write(b"body{}")

            do_GET = do_POST = do_HEAD = do_PUT = do_OPTIONS = _record

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = Server()
    try:
        yield running
    finally:
        running.close()


# --- reading a brief ---------------------------------------------------------------------------------

class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.texts: list[str] = []
        self.styles: list[str] = []
        self.scripts: list[tuple[list[tuple[str, str | None]], str]] = []  # (attributes, text)
        self._in_style = False
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))
        self._in_style = tag == "style"
        if tag == "script":
            self._script = []
            self.scripts.append((attrs, ""))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False
        if tag == "script" and self._script is not None:
            self.scripts[-1] = (self.scripts[-1][0], "".join(self._script))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)
            return
        (self.styles if self._in_style else self.texts).append(data)


FORBIDDEN_ELEMENTS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "link", "base", "form",
                      "input", "button", "portal", "svg", "math", "audio", "video", "source", "track"}
URL_ATTRIBUTES = {"src", "href", "srcset", "poster", "data", "action", "formaction", "background", "xlink:href",
                  "manifest", "codebase", "cite", "longdesc", "ping"}
_CSS_FETCH = re.compile(r"@import|url\(\s*['\"]?(?!data:|#)", re.I)


def squash(text: str) -> str:
    """Text without whitespace: line breaks and wrapping differ between HTML, PDF and extractors."""
    return "".join(text.split())


def text_of(html: str) -> str:
    """The text of an HTML document, entities decoded (what a reader sees)."""
    parsed = _Markup()
    parsed.feed(html)
    parsed.close()
    return " ".join(parsed.texts)


def _relative(target: str) -> bool:
    """A link to a file next to the page (the index links to each brief's folder)."""
    return not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:|^[/\\]", target) and ".." not in target.split("/")


def _is_policy(attrs: dict[str, str | None], scripts: list[str]) -> bool:
    """reportgen's own Content-Security-Policy <meta>, which every page carries (and nothing else); with
    script-src listing the sha256 of exactly the ``scripts`` the page runs, when it runs any."""
    import base64
    import hashlib

    from reportgen.render.environment import CONTENT_SECURITY_POLICY

    expected = CONTENT_SECURITY_POLICY
    if scripts:
        hashes = dict.fromkeys("'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
                               for s in scripts)
        expected = expected.replace("script-src 'none'", "script-src " + " ".join(hashes))
    return (attrs.get("http-equiv") or "").lower() == "content-security-policy" and attrs.get("content") == expected


def markup_problems(html: str, *, relative_links: bool = False, scripts: tuple[str, ...] = ()) -> list[str]:
    """Everything in ``html`` that runs script or loads something from outside the page (with
    ``relative_links``, ``<a href>`` to files next to the page is allowed). ``scripts``: the texts of the
    inline scripts the page may run (reportgen's own), each listed by its hash in the page's policy, which
    must list exactly those; a JSON data block is allowed beside them when it holds no "<"."""
    parsed = _Markup()
    parsed.feed(html)
    parsed.close()
    problems = []
    ran = []
    for attrs, text in parsed.scripts:
        if scripts and attrs[:1] == [("type", "application/json")] and "<" not in text:
            continue  # a data block: never run, and it cannot end early
        if attrs or text not in scripts:
            problems.append("<script> element")
        else:
            ran.append(text)
    for tag, attrs in parsed.elements:
        if tag in FORBIDDEN_ELEMENTS and tag != "script":
            problems.append(f"<{tag}> element")
        if tag == "meta" and any(n == "http-equiv" for n, _ in attrs) and not _is_policy(dict(attrs), ran):
            problems.append("<meta http-equiv>")
        for name, value in attrs:
            if name.startswith("on"):
                problems.append(f"<{tag} {name}=...> event handler")
            if name in URL_ATTRIBUTES and value is not None:
                target = value.strip()
                if relative_links and tag == "a" and name == "href" and _relative(target):
                    continue
                if not (target.startswith("#") or target.startswith("data:") or target == ""):
                    problems.append(f"<{tag} {name}={target[:80]!r}> refers outside the page")
            if name == "style" and value and _CSS_FETCH.search(value):
                problems.append(f"<{tag} style=...> loads something")
    for css in parsed.styles:
        if _CSS_FETCH.search(css) or "</" in css:
            problems.append("<style> loads something")
    return problems


def svg_problems(svg: str) -> list[str]:
    """Script, foreign content, event handlers or outside references in a chart's SVG."""
    problems = []
    root = ElementTree.fromstring(svg)
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("script", "foreignObject", "iframe", "image", "a"):
            problems.append(f"<{tag}> in SVG")
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1]
            if local.startswith("on"):
                problems.append(f"SVG event handler {local}")
            if local in ("href", "src") and not value.startswith("#"):
                problems.append(f"SVG {local}={value[:80]!r}")
    return problems


_PDF_BAD_KEYS = {"/JS", "/JavaScript", "/EmbeddedFile", "/EmbeddedFiles", "/Launch", "/URI", "/AA", "/OpenAction",
                 "/RichMedia", "/XFA", "/AcroForm"}
_PDF_BAD_ACTIONS = {"/JavaScript", "/Launch", "/URI", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE", "/Rendition",
                    "/RichMediaExecute", "/Sound", "/Movie"}


def pdf_problems(reader: Any) -> list[str]:
    """Attachments, embedded files, scripts and actions that leave the document, anywhere in the PDF."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    problems = []
    if reader.attachments:
        problems.append(f"attachments: {sorted(reader.attachments)}")
    root = reader.trailer["/Root"]
    names = root.get("/Names")
    if names is not None:
        names = names.get_object()
        for key in ("/EmbeddedFiles", "/JavaScript"):
            if key in names:
                problems.append(f"catalog /Names has {key}")
    seen: set[int] = set()
    stack: list[Any] = [reader.trailer]
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                continue
            seen.add(node.idnum)
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            for key, value in node.items():
                if key in _PDF_BAD_KEYS:
                    problems.append(f"PDF object has {key}")
                if key == "/S" and value in _PDF_BAD_ACTIONS:
                    problems.append(f"PDF action {value}")
                if key == "/Subtype" and value in ("/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia"):
                    problems.append(f"PDF annotation {value}")
                if key != "/Parent":
                    stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return sorted(set(problems))


class BriefFiles:
    """The files of one built brief."""

    def __init__(self, folder: Path):
        self.folder = folder

    @cached_property
    def html(self) -> str:
        return (self.folder / "brief.html").read_text(encoding="utf-8")

    @cached_property
    def html_text(self) -> str:
        return text_of(self.html)

    @cached_property
    def html_attribute_values(self) -> list[str]:
        parsed = _Markup()
        parsed.feed(self.html)
        parsed.close()
        return [value for _, attrs in parsed.elements for _, value in attrs if value]

    @cached_property
    def pdf_bytes(self) -> bytes:
        return (self.folder / "brief.pdf").read_bytes()

    @cached_property
    def reader(self) -> Any:
        import io

        import pypdf

        return pypdf.PdfReader(io.BytesIO(self.pdf_bytes))

    @cached_property
    def pdf_text(self) -> str:
        """The PDF's text as poppler's pdftotext reads it (a C reader: pypdf's extraction cost 2 s of CPU a brief,
        most of the hostile suite's time; the brief tests compare both extractors on the examples)."""
        done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(self.folder / "brief.pdf"), "-"],
                              capture_output=True, check=True, timeout=120)
        return done.stdout.decode("utf-8")

    @cached_property
    def model_json(self) -> dict[str, Any]:
        def refuse(constant: str) -> Any:
            raise AssertionError(f"model.json contains {constant}")

        return json.loads((self.folder / "model.json").read_text(encoding="utf-8"), parse_constant=refuse)

    def chart_svgs(self) -> list[str]:
        svgs = [path.read_text(encoding="utf-8") for path in sorted((self.folder / "charts").glob("*.svg"))]
        for uri in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", self.html):
            svgs.append(base64.b64decode(uri).decode("utf-8"))
        return svgs

    def assert_inert(self, texts: list[str] = (), *, in_pdf: bool = True, absent: list[str] = (),
                     pdf: bool = True) -> None:
        """The brief is whole and clean, and each of ``texts`` shows as literal text. ``pdf``: the brief has a
        PDF (False for a brief built with ``--format html,json``, which has none)."""
        assert self.model_json  # parses, with no NaN or Infinity
        assert markup_problems(self.html) == []
        for svg in self.chart_svgs():
            assert svg_problems(svg) == []
        assert (self.folder / "brief.pdf").is_file() == pdf
        in_pdf = in_pdf and pdf
        if pdf:
            assert pdf_problems(self.reader) == []
        for text in texts:
            assert squash(text) in squash(self.html_text), f"{text!r} is not text of brief.html"
            if "<" in text or ">" in text:
                # The raw markup never appears in the source: only as escaped text.
                assert text not in self.html, f"{text!r} appears unescaped in brief.html"
            if in_pdf:
                assert squash(text) in squash(self.pdf_text), f"{text!r} is not text of brief.pdf"
        for text in absent:
            assert text not in self.html and text not in self.html_text, f"{text!r} in brief.html"
            if pdf:
                assert text not in self.pdf_text and text.encode() not in self.pdf_bytes, f"{text!r} in brief.pdf"


# --- many inert cases in one build -------------------------------------------------------------------

class Batch:
    """Several inputs built by one ``reportgen build DIR --json`` (one input per case, named by its id)."""

    def __init__(self, root: Path, run: Run, fill: Fill | None = None, requests: list[str] | None = None):
        self.root = root
        self.run = run
        self.fill = fill  # the URL and secret path the inputs named (the shared batches)
        self.requests = requests  # what the recording server got while the batch was built (the shared batches)
        summary = json.loads(run.stdout)
        self.built = {Path(item["input"]).stem: item for item in summary["built"]}
        self.failed = {Path(item["input"]).stem: item for item in summary["failed"]}

    def brief(self, case: Case) -> BriefFiles:
        name = PACKED.get(case.id, case.id)
        assert name not in self.failed, f"{case.id} ({name}) failed: {self.failed[name]['errors']}"
        assert name in self.built, f"{case.id} ({name}) was not built:\n{self.run}"
        assert "Traceback" not in self.run.output
        return BriefFiles(self.root / "out" / name)

    @cached_property
    def index_html(self) -> str:
        return (self.root / "out" / "index.html").read_text(encoding="utf-8")


def build_batch(root: Path, inputs: dict[str, str | bytes], *options: str, jobs: int = 2,
                timeout: float = 300, env: dict[str, str | None] | None = None) -> Batch:
    folder = root / "inputs"
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in inputs.items():
        (folder / f"{name}.yaml").write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    run = run_reportgen("build", "inputs", "--out", "out", "--json", "--jobs", str(jobs), *options, cwd=root,
                        timeout=timeout, env=env)
    assert run.code in (0, 1), str(run)
    return Batch(root, run)


# --- the inert inputs of every family, in two builds per test run -----------------------------------------

# A brief's PDF layout costs 3 to 4 s of CPU, most of a brief's cost, and every build pays its start-up (its process
# and each pool worker import everything and warm the chart engine and WeasyPrint: about 2 s each). So the inert cases
# of all families are built together, in as few briefs as their subjects allow (pack_cases): one build of the cases
# whose PDF is part of their subject, one ``--format html,json`` build of those whose subject is the input's reading,
# the model or the HTML. Each is made once per test run through ``run_once`` (shared by the xdist workers). The inputs
# may name a local HTTP server, which records every request while the build runs, and a secret file outside the inputs
# folder: both exist only at run time, so a family registers a function of a ``Fill`` that gives its inputs, and each
# test reads the values back from ``Batch.fill``.
# The output folder starts with the chart cache of the pre-built brief (the same figures as BASE): a chart whose spec
# is BASE's is read from the cache, held to the same guard as a fresh one; a chart that shows a case's text has a spec
# of its own, and is drawn.
SHARED_FORMATS = {"all": (), "html": ("--format", "html,json")}
# Two workers for the PDFs (the other xdist worker may be waiting for this batch); the HTML briefs in process,
# where no worker imports WeasyPrint for nothing.
SHARED_JOBS = {"all": 2, "html": 1}
_SHARED_INPUTS: dict[str, list[Any]] = {kind: [] for kind in SHARED_FORMATS}


@dataclasses.dataclass(frozen=True)
class Fill:
    """The run-time values an input names: ``{server}`` (the recording server's URL), ``{secret}`` (the path of
    a file outside the inputs folder that holds MARKER)."""

    url: str
    secret: str

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str):
            return value.replace("{server}", self.url).replace("{secret}", self.secret)
        if isinstance(value, dict):
            return {k: self(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self(v) for v in value]
        return value


def shared_inputs(kind: str = "all") -> Any:
    """Register ``inputs(fill) -> {name: content}`` for the shared build ``kind`` ("all" formats or "html")."""

    def register(inputs: Any) -> Any:
        _SHARED_INPUTS[kind].append(inputs)
        return inputs

    return register


PACKED: dict[str, str] = {}  # case id -> the name of the shared input that holds it (pack_cases)


def pack_cases(family: str, changes: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Cases that each change a few fields of BASE, packed into as few inputs as no two cases of one input
    change the same field (first fit, in the order given): {input name: the changes of its cases}. A packed
    case's brief is the input's (``Batch.brief``). Sound where each case's assertions are about its own text
    and the rest hold for the whole brief: the module says why, where it packs."""
    packs: list[tuple[set[str], dict[str, Any], list[str]]] = []

    def clash(a: str, b: str) -> bool:
        return a == b or a.startswith(b + ".") or b.startswith(a + ".")

    for case_id, own in changes.items():
        for fields, merged, ids in packs:
            if not any(clash(a, b) for a in own for b in fields):
                fields.update(own)
                merged.update(own)
                ids.append(case_id)
                break
        else:
            packs.append((set(own), dict(own), [case_id]))
    named = {}
    for number, (_, merged, ids) in enumerate(packs, 1):
        name = f"{family}-pack-{number}"
        named[name] = merged
        PACKED.update(dict.fromkeys(ids, name))
    return named


def _shared_batch(run_once: Any, prebuilt: Path, kind: str) -> Batch:
    def make(root: Path) -> dict[str, Any]:
        import tempfile

        # A short path without hyphens: the texts that name it are compared with the PDF's text, and pdftotext
        # joins a word broken at a hyphen at the end of a line ("shared-" + "all" gives "sharedall").
        folder = Path(tempfile.mkdtemp(prefix="hostilesecret"))
        secret = folder / "secret.txt"
        secret.write_text(f"{MARKER}\n", encoding="utf-8")
        server = Server()
        try:
            fill = Fill(server.url, str(secret))
            inputs: dict[str, str | bytes] = {}
            for function in _SHARED_INPUTS[kind]:
                own = function(fill)
                assert not set(own) & set(inputs), f"two families name the same input: {set(own) & set(inputs)}"
                inputs.update(own)
            cache = root / "out" / ".reportgen" / "charts"
            shutil.copytree(prebuilt / ".reportgen" / "charts", cache)
            batch = build_batch(root, inputs, *SHARED_FORMATS[kind], jobs=SHARED_JOBS[kind], timeout=900,
                                env={CHART_CACHE_VARIABLE: str(cache)})
        finally:
            server.close()
            shutil.rmtree(folder)  # it is read, if ever, while the batch builds
        return {"run": dataclasses.asdict(batch.run), "url": fill.url, "secret": fill.secret,
                "requests": server.requests}

    root, result = run_once(f"hostile-shared-{kind}", make)
    return Batch(root, Run(**result["run"]), Fill(result["url"], result["secret"]), result["requests"])


@pytest.fixture(scope="session")
def shared_batch(run_once: Any, prebuilt: Path) -> Batch:
    """The inert inputs of every family whose PDF is part of the subject, built once per test run."""
    return _shared_batch(run_once, prebuilt, "all")


@pytest.fixture(scope="session")
def shared_html_batch(run_once: Any, prebuilt: Path) -> Batch:
    """The inert inputs whose subject is the input's reading, the model or the HTML: ``--format html,json``."""
    return _shared_batch(run_once, prebuilt, "html")


def write_templates(folder: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return folder


# --- the guards of a --templates folder, in process ------------------------------------------------------

_MODELS: dict[str, tuple[Any, list[Any]]] = {}


def render_with_templates(folder: Path, text: str | None = None) -> str:
    """What a build does with a ``--templates`` folder up to the PDF layout, in this process: read the folder
    (reportgen/render/environment.py: links out, FIFOs), render the HTML brief of ``text`` (BASE by default)
    in the sandbox with it (inlining its stylesheets through the CSS whitelist, render/assets.py), and check
    the page's boundary (render/boundary.py seal_html), as the limited child does (render/isolated.py).
    Returns the sealed page; raises TemplateError with the message the build prints. Each case's end-to-end
    twin (a CLI build) shows that such an error fails the brief, located, and writes nothing."""

    from reportgen.charts.render import draw_charts
    from reportgen.contract.load import load_spec
    from reportgen.model.run import run_model
    from reportgen.render.boundary import seal_html
    from reportgen.render.environment import read_template_dir
    from reportgen.render.html import render_html

    text = yaml_text() if text is None else text
    if text not in _MODELS:
        source = folder.parent / "acme.yaml"
        source.write_text(text, encoding="utf-8")
        model = run_model(load_spec(str(source)))
        _MODELS[text] = (model, draw_charts(model, None)[0])
    model, charts = _MODELS[text]
    templates = read_template_dir(str(folder))
    digest = hashlib.sha256(repr(sorted(templates.files.items())).encode()).hexdigest()
    html, _ = render_html(model, charts, target="html", templates=templates, templates_digest=digest)
    return seal_html(html, templates)


def extending(**blocks: str) -> str:
    """A brief.html.j2 that extends the built-in layout and replaces the given blocks."""
    body = "".join(f"{{% block {name} %}}{content}{{% endblock %}}\n" for name, content in blocks.items())
    return '{% extends "default:brief.html.j2" %}\n' + body


# --- long waits, side by side ---------------------------------------------------------------------------

# Jobs that mostly wait (a time limit, a hang, a slow refusal) are registered by their case id. When the suite
# runs in one process, every selected job starts as the session starts, in a thread, so that their waits
# overlap instead of adding up; each test then asserts on its job's result. Under xdist they run on demand.
BACKGROUND_JOBS: dict[str, Any] = {}


def background_job(case_id: str) -> Any:
    """Register ``job(workspace) -> result`` for the case ``case_id``."""

    def register(job: Any) -> Any:
        BACKGROUND_JOBS[case_id] = job
        return job

    return register


class Background:
    def __init__(self, factory: pytest.TempPathFactory, prebuilt: Path):
        from concurrent.futures import ThreadPoolExecutor

        self.factory = factory
        self.prebuilt = prebuilt
        self.pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="hostile-bg")
        self.futures: dict[str, Any] = {}
        self.lock = threading.Lock()

    def start(self, case_id: str) -> None:
        with self.lock:
            if case_id not in self.futures:
                root = self.factory.mktemp(case_id)
                workspace = Workspace(root, self.prebuilt)
                self.futures[case_id] = self.pool.submit(BACKGROUND_JOBS[case_id], workspace)

    def result(self, case_id: str) -> Any:
        self.start(case_id)
        return self.futures[case_id].result()


@pytest.fixture(scope="session", autouse=True)
def background(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
               prebuilt: Path) -> Iterator[Background]:
    runner = Background(tmp_path_factory, prebuilt)
    if not hasattr(request.config, "workerinput"):  # one process: start every selected job now
        for item in request.session.items:
            case = getattr(getattr(item, "callspec", None), "params", {}).get("case")
            if isinstance(case, Case) and case.id in BACKGROUND_JOBS:
                runner.start(case.id)
    try:
        yield runner
    finally:
        runner.pool.shutdown(wait=True)


def index_script() -> str:
    """The one script the index page runs (sorting, filtering, search), allowed by its hash."""
    from reportgen.render.scripts import builtin_script

    return builtin_script("index.js")
