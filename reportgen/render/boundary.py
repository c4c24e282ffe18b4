"""The HTML brief's boundary: what any template, built-in or ``--templates``, wrote is checked on the
rendered document before it is published.

The brief promises one self-contained page with no script (README, SECURITY.md). The sandbox and
autoescaping keep input text from becoming markup, but a user template writes markup itself, and
``|safe`` turns input into markup. So the rendered HTML is checked as a browser parses it: with an HTML5
parser (tinyhtml5, the WHATWG parsing algorithm that WeasyPrint uses too), never regexes over the text.
Python's html.parser does not follow HTML5's rules (``<!-->``, ``<!--->`` and ``--!>`` end a comment
for a browser, not for it), so a page that passed it could still run a handler in Chromium: its pass
remains only to find the ``<img>`` tags to inline and to locate problems by line, and the HTML5 pass
over the final page decides. Both hold the page to a whitelist of elements; event handlers are refused;
URL attributes may hold only ``data:`` URIs (``href`` also an in-page ``#anchor``, and on the index page
a link to a file next to it); CSS in ``<style>`` and ``style=`` is held to the whitelist of
``render/assets.py``.

Every page must carry reportgen's Content-Security-Policy (``CONTENT_SECURITY_POLICY``: nothing loads,
no script runs) in a ``<meta http-equiv>`` at the start of its ``<head>``, before anything it would
govern; a page without it, or with any other ``http-equiv``, is refused. The policy is the second wall:
should the checks here ever miss a parsing quirk, the browser still runs nothing and loads nothing.

One thing is repaired rather than refused: an ``<img src="logo.png">`` naming an image that the PDF's
URL fetcher would serve (the ``--templates`` assets folder, read into memory without links out of it,
then the built-in assets) is inlined as a ``data:`` URI, so the HTML shows what the PDF shows. Images
are capped in size, and an SVG must pass the charts' SVG guard.

A violation is a ``TemplateError`` naming the template that wrote it, whatever ``--strict`` says:
nothing of the brief is written.
"""

from __future__ import annotations

import base64
import os
import re
import urllib.parse
from html.parser import HTMLParser

from reportgen.errors import ReportgenError, TemplateError
from reportgen.render.assets import VIRTUAL_ROOT, asset_name, css_problems, read_asset
from reportgen.render.environment import TemplateSet
from reportgen.render.markup_rules import (
    attribute_problems,
    element_problems,
    is_policy,
    svg_content_problems,
)
from reportgen.render.scripts import policy_for, script_hash

MAX_IMAGE_BYTES = 2 << 20  # an inlined image; the whole built-in brief is about 0.2 MB
_IMAGE_MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}

class _Check(HTMLParser):
    """html.parser's pass: finds the <img> tags to inline, with their positions, and locates problems by
    line. It is not the authority (see the module's docstring): ``_browser_problems`` is."""

    def __init__(self, templates: TemplateSet | None, relative_links: bool, scripts: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts = scripts  # <script> elements are then judged by the browser pass alone
        self.templates = templates
        self.relative_links = relative_links
        self.problems: list[tuple[str, str, int]] = []  # (problem, raw start tag, line of brief.html)
        self.replacements: list[tuple[int, int, str, str]] = []  # (line, column, raw tag, new tag)
        self.style: list[str] | None = None

    def _problem(self, text: str) -> None:
        self.problems.append((text, self.get_starttag_text() or "", self.getpos()[0]))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and self.scripts:
            return
        for problem in element_problems(tag, {name: value or "" for name, value in attrs}):
            self._problem(problem)
        if tag == "style":
            self.style = []
        inlined = None
        for name, value in attrs:
            value = value or ""
            if name == "src" and tag == "img" and not value.strip().lower().startswith("data:"):
                target = value.strip()
                inlined = self._inline(target)
                if inlined is None:
                    self._problem(f"<img src={target[:80]!r}> refers to an external resource (asset refused: "
                                  "only images of the templates' assets folder are inlined)")
                continue
            for problem in attribute_problems(tag, name, value, self.relative_links):
                self._problem(problem)
        if inlined is not None:
            rebuilt = "".join(f' {n}="{_attr(inlined if n == "src" else v or "")}"' for n, v in attrs)
            line, column = self.getpos()
            self.replacements.append((line, column, self.get_starttag_text() or "", f"<{tag}{rebuilt}>"))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "style" and self.style is not None:
            found = css_problems("".join(self.style))
            if found:
                self._problem(f"<style> loads an external resource or uses CSS outside the whitelist "
                              f"({', '.join(found[:3])})")
            self.style = None

    def handle_data(self, data: str) -> None:
        if self.style is not None:
            self.style.append(data)

    def _inline(self, src: str) -> str | None:
        """A data: URI of the asset that the PDF's URL fetcher would serve for ``src``, or None."""
        name = asset_name(urllib.parse.urljoin(VIRTUAL_ROOT, src))
        mime = _IMAGE_MIME.get(os.path.splitext(name or "")[1].lower())
        if name is None or mime is None:
            return None
        try:
            content = read_asset(name, self.templates)
        except ReportgenError:
            return None
        if len(content) > MAX_IMAGE_BYTES:
            return None
        if mime == "image/svg+xml" and svg_content_problems(content):
            return None
        return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


_HEAD_BEFORE_POLICY = frozenset({"html", "head", "meta"})


def _browser_problems(html: str, relative_links: bool, scripts: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """The page as a browser builds it (HTML5 tree construction: comments, raw text, foster parenting,
    foreign content), held to the same rules; and reportgen's Content-Security-Policy at the start of its
    head. ``(problem, needle)`` pairs; the needle helps to find the template that wrote it."""
    import tinyhtml5

    root = tinyhtml5.parse(html, namespace_html_elements=False)
    problems: list[tuple[str, str]] = []
    policy_seen = False
    policy_first = False
    policy = ""
    allowed = {script_hash(text) for text in scripts}
    present: list[str] = []
    for element in root.iter():
        if not isinstance(element.tag, str):  # a comment
            continue
        tag = element.tag
        if tag.startswith("{"):  # foreign content (svg, math): named with its namespace's prefix
            namespace, local = tag[1:].split("}", 1)
            tag = f"{namespace.rsplit('/', 1)[-1].lower()}:{local}"
        attrs = {name.rsplit("}", 1)[-1].lower(): value or "" for name, value in element.attrib.items()}
        if tag == "script" and scripts:
            problems += [(p, "<script") for p in _script_problems(attrs, element.text or "", allowed, present)]
            continue
        if tag == "meta" and is_policy(attrs):
            if not policy_seen:
                policy_first = True
                policy = attrs.get("content", "").strip()
            policy_seen = True
        elif not policy_seen and (tag not in _HEAD_BEFORE_POLICY or "http-equiv" in attrs):
            policy_seen = True  # something it would govern comes first: the policy is not at the start
        problems += [(p, f"<{tag}") for p in element_problems(tag, attrs)]
        for name, value in attrs.items():
            problems += [(p, f"{name}=") for p in attribute_problems(tag, name, value, relative_links)]
        if tag == "style":
            found = css_problems(element.text or "")
            if found:
                problems.append((f"<style> loads an external resource or uses CSS outside the whitelist "
                                 f"({', '.join(found[:3])})", "<style"))
    if not policy_first:
        problems.append(("the page lacks reportgen's Content-Security-Policy <meta http-equiv> at the start of "
                         "its <head> (<meta http-equiv=\"Content-Security-Policy\" content=\"{{ "
                         "content_security_policy }}\">, before anything but other <meta> elements)", "<head"))
    elif policy != policy_for(present):
        problems.append(("the page's Content-Security-Policy does not allow exactly the scripts it holds", "<meta"))
    return problems


def _script_problems(attrs: dict[str, str], text: str, allowed: set[str], present: list[str]) -> list[str]:
    """A <script> on a page that may run reportgen's own scripts: an inline script with no attribute whose
    hash is one of them, or a JSON data block (never run) that holds no "<", so it cannot end early."""
    if attrs.get("type") == "application/json" and set(attrs) <= {"type", "id", "class", "data-chart"}:
        return [] if "<" not in text else ["<script type=\"application/json\"> holds a \"<\" (a data block must "
                                           "escape it, or it can end the element)"]
    if attrs:
        return [f"<script {' '.join(sorted(attrs))}=...> is not allowed (only reportgen's own inline scripts)"]
    if script_hash(text) not in allowed:
        return ["<script> element is not allowed (script other than reportgen's own)"]
    present.append(text)
    return []


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def seal_html(html: str, templates: TemplateSet | None, *, relative_links: bool = False,
              scripts: tuple[str, ...] = ()) -> str:
    """``html`` with template asset images inlined; TemplateError when it breaks the boundary. With
    ``relative_links`` (the index page), ``<a href>`` may also link to a file next to the page. ``scripts``
    are the texts of reportgen's own scripts the page may run (render/scripts.py): inline, each allowed
    by its hash in the page's policy; any other script is refused."""
    check = _Check(templates, relative_links, bool(scripts))
    check.feed(html)
    check.close()
    sealed = _replace(html, check.replacements)
    problems = [(problem, raw, f"at line {line} of the HTML brief") for problem, raw, line in check.problems]
    known = {problem for problem, _, _ in problems}
    for problem, needle in _browser_problems(sealed, relative_links, scripts):
        if problem not in known:  # seen only as a browser parses the page
            known.add(problem)
            problems.append((problem, needle, "in the HTML brief as a browser parses it"))
    if problems:
        problem, raw, where = problems[0]
        more = f" (and {len(problems) - 1} more: {'; '.join(p for p, _, _ in problems[1:3])})" \
            if len(problems) > 1 else ""
        raise TemplateError(f"{_locate(raw, templates)}{problem}, {where}{more}; the HTML brief must stay "
                            "self-contained, with no script")
    return sealed


def _replace(html: str, replacements: list[tuple[int, int, str, str]]) -> str:
    if not replacements:
        return html
    starts = [0]
    for match in re.finditer("\n", html):
        starts.append(match.end())
    pieces, position = [], 0
    for line, column, raw, new in replacements:
        offset = starts[line - 1] + column
        if html[offset:offset + len(raw)] != raw:  # cannot happen: the parser's own position
            raise TemplateError("internal error locating an <img> to inline")
        pieces += [html[position:offset], new]
        position = offset + len(raw)
    pieces.append(html[position:])
    return "".join(pieces)


def _locate(raw: str, templates: TemplateSet | None) -> str:
    """``DIR/template:LINE: `` of the user template that holds the offending tag (as written, else its
    element name); the templates folder when none does (markup built at run time, or input via |safe)."""
    if templates is None or templates.empty:
        return "built-in templates: "
    root = templates.root or "--templates"
    sources = {}
    for name, content in sorted(templates.files.items()):
        if name.endswith(".j2"):
            sources[name] = content.decode("utf-8", "replace")
    tag = re.match(r"<\s*([A-Za-z][^\s/>]*)", raw)
    needles = [raw] + ([f"<{tag.group(1)}"] if tag else [])
    for needle in needles:
        for name, source in sources.items():
            index = source.lower().find(needle.lower()) if needle else -1
            if index >= 0:
                return f"{root}/{name}:{source.count(chr(10), 0, index) + 1}: "
    return f"{root}: "
