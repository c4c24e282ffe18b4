"""The HTML brief's boundary: what any template, built-in or ``--templates``, wrote is checked on the
rendered document before it is published.

The brief promises one self-contained page with no script (README, SECURITY.md). The sandbox and
autoescaping keep input text from becoming markup, but a user template writes markup itself, and
``|safe`` turns input into markup. So the rendered HTML is parsed (html.parser, as a browser
tokenizes it, never regexes over the text) and held to a whitelist of elements; event handlers are
refused; URL attributes may hold only ``data:`` URIs (``href`` also an in-page ``#anchor``); CSS in
``<style>`` and ``style=`` is held to the whitelist of ``render/assets.py``.

One thing is repaired rather than refused: an ``<img src="logo.png">`` naming an image that the PDF's
URL fetcher would serve (the ``--templates`` assets folder, read into memory without links out of it,
then the built-in assets, realpath-checked) is inlined as a ``data:`` URI, so the HTML shows what the
PDF shows. Images are capped in size, and an SVG must pass the charts' SVG guard.

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
from reportgen.render.assets import VIRTUAL_ROOT, asset_name, css_problems, data_url, read_asset
from reportgen.render.environment import TemplateSet

MAX_IMAGE_BYTES = 2 << 20  # an inlined image; the whole built-in brief is about 0.2 MB
_IMAGE_MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}

# Elements a brief is made of. Anything else (script, iframe, object, embed, link, base, form, svg,
# math, audio, video, a custom element ...) is refused: a whitelist does not need to know every way
# an element can run or load something.
ALLOWED_ELEMENTS = frozenset({
    "html", "head", "body", "meta", "title", "style",
    "div", "span", "p", "a", "br", "hr", "wbr", "img", "figure", "figcaption",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "main", "nav", "section", "article", "aside",
    "address", "hgroup", "search",
    "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
    "ul", "ol", "li", "dl", "dt", "dd", "menu",
    "strong", "em", "b", "i", "u", "s", "small", "sub", "sup", "code", "pre", "kbd", "samp", "var", "abbr",
    "cite", "q", "blockquote", "mark", "time", "data", "del", "ins", "dfn", "bdi", "bdo", "ruby", "rt", "rp",
    "details", "summary",
})
# Attributes a browser (or a printer) dereferences as a URL.
URL_ATTRIBUTES = frozenset({
    "src", "href", "srcset", "imagesrcset", "action", "formaction", "data", "poster", "background", "cite",
    "longdesc", "usemap", "manifest", "ping", "lowsrc", "dynsrc", "xlink:href", "archive", "codebase",
    "classid", "profile", "icon", "itemtype", "itemid", "content-location", "attributionsrc",
})


class _Check(HTMLParser):
    def __init__(self, templates: TemplateSet | None) -> None:
        super().__init__(convert_charrefs=True)
        self.templates = templates
        self.problems: list[tuple[str, str, int]] = []  # (problem, raw start tag, line of brief.html)
        self.replacements: list[tuple[int, int, str, str]] = []  # (line, column, raw tag, new tag)
        self.style: list[str] | None = None

    def _problem(self, text: str) -> None:
        self.problems.append((text, self.get_starttag_text() or "", self.getpos()[0]))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_ELEMENTS:
            what = "script" if tag == "script" else "an element that runs or loads something, or is not part of a brief"
            self._problem(f"<{tag}> element is not allowed ({what})")
        if tag == "style":
            self.style = []
        if tag == "meta" and any(name == "http-equiv" for name, _ in attrs):
            self._problem("<meta http-equiv> is not allowed")
        inlined = None
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self._problem(f"<{tag} {name}=...> event handler is not allowed (script)")
            elif name == "style":
                found = css_problems(value, declarations=True)
                if found:
                    self._problem(f"<{tag} style=...> loads an external resource or uses CSS outside the "
                                  f"whitelist ({', '.join(found[:3])})")
            elif name in URL_ATTRIBUTES:
                target = value.strip()
                if name == "href" and target.startswith("#") and len(target) > 1:
                    continue
                if name == "src" and tag == "img" and not target.lower().startswith("data:"):
                    inlined = self._inline(target)
                    if inlined is not None:
                        continue
                    self._problem(f"<img src={target[:80]!r}> refers to an external resource (asset refused: "
                                  "only images of the templates' assets folder are inlined)")
                elif not target.lower().startswith("data:") or name != "src":
                    self._problem(f"<{tag} {name}={target[:80]!r}> refers to an external resource")
                elif target.lower().startswith("data:image/svg+xml"):
                    self._check_svg_uri(tag, target)
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
        if mime == "image/svg+xml" and _svg_problems(content):
            return None
        return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"

    def _check_svg_uri(self, tag: str, uri: str) -> None:
        try:
            _, content = data_url(uri)
        except ValueError:
            self._problem(f"<{tag}> has an unreadable SVG data: URI")
            return
        found = _svg_problems(content)
        if found:
            self._problem(f"<{tag}> SVG data: URI refers to an external resource ({found[0]})")


def _svg_problems(content: bytes) -> list[str]:
    from reportgen.charts.render import svg_problems

    try:
        return svg_problems(content.decode("utf-8"))
    except UnicodeDecodeError:
        return ["not UTF-8"]


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def seal_html(html: str, templates: TemplateSet | None) -> str:
    """``html`` with template asset images inlined; TemplateError when it breaks the boundary."""
    check = _Check(templates)
    check.feed(html)
    check.close()
    if check.problems:
        problem, raw, line = check.problems[0]
        more = f" (and {len(check.problems) - 1} more: {'; '.join(p for p, _, _ in check.problems[1:3])})" \
            if len(check.problems) > 1 else ""
        raise TemplateError(f"{_locate(raw, templates)}{problem}, at line {line} of the HTML brief{more}; the "
                            "HTML brief must stay self-contained, with no script")
    if not check.replacements:
        return html
    starts = [0]
    for match in re.finditer("\n", html):
        starts.append(match.end())
    pieces, position = [], 0
    for line, column, raw, new in check.replacements:
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
