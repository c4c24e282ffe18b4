"""What markup a published page may hold: a whitelist of elements, no event handlers, URL attributes
that load nothing (``data:`` images, in-page anchors, and on the index page links to files next to it),
CSS held to render/assets.py's whitelist, SVG images held to the charts' SVG guard, and reportgen's own
Content-Security-Policy as the only ``http-equiv``. render/boundary.py applies these rules to a page."""

from __future__ import annotations

import re
import urllib.parse

from reportgen.render.assets import css_problems, data_url

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
HISTORY_PAGE = "history.html"
# Attributes a browser (or a printer) dereferences as a URL.
URL_ATTRIBUTES = frozenset({
    "src", "href", "srcset", "imagesrcset", "action", "formaction", "data", "poster", "background", "cite",
    "longdesc", "usemap", "manifest", "ping", "lowsrc", "dynsrc", "xlink:href", "archive", "codebase",
    "classid", "profile", "icon", "itemtype", "itemid", "content-location", "attributionsrc",
})


def attribute_problems(tag: str, name: str, value: str, relative_links: bool) -> list[str]:
    """What is wrong with one attribute of an element (an <img src> to inline is handled by the caller)."""
    if name.startswith("on"):
        return [f"<{tag} {name}=...> event handler is not allowed (script)"]
    if name == "style":
        found = css_problems(value, declarations=True)
        return [f"<{tag} style=...> loads an external resource or uses CSS outside the whitelist "
                f"({', '.join(found[:3])})"] if found else []
    if name in URL_ATTRIBUTES:
        target = value.strip()
        if name == "href" and target.startswith("#") and len(target) > 1:
            return []
        if tag == "a" and name == "href" and target == HISTORY_PAGE:  # a brief's own archive, beside it
            return []
        if relative_links and tag == "a" and name == "href" and relative_link(target):
            return []
        if not target.lower().startswith("data:") or name != "src":
            return [f"<{tag} {name}={target[:80]!r}> refers to an external resource"]
        if target.lower().startswith("data:image/svg+xml"):
            return svg_uri_problems(tag, target)
    return []


def element_problems(tag: str, attrs: dict[str, str]) -> list[str]:
    problems = []
    if tag not in ALLOWED_ELEMENTS:
        what = "script" if tag == "script" else "an element that runs or loads something, or is not part of a brief"
        problems.append(f"<{tag}> element is not allowed ({what})")
    if tag == "meta" and "http-equiv" in attrs and not is_policy(attrs):
        problems.append("<meta http-equiv> is not allowed (except reportgen's own Content-Security-Policy)")
    return problems


def is_policy(attrs: dict[str, str]) -> bool:
    """reportgen's Content-Security-Policy <meta>, exactly (any other policy or http-equiv is refused)."""
    from reportgen.render.scripts import is_reportgen_policy

    return ((attrs.get("http-equiv") or "").strip().lower() == "content-security-policy"
            and is_reportgen_policy((attrs.get("content") or "").strip()))


_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))


def relative_link(target: str) -> bool:
    """A link to a file next to the page, as a browser's URL parser reads it (it drops tabs and newlines
    and decodes %2e as a dot): no scheme, no host, no backslash, no ``..``."""
    cleaned = re.sub(r"[\t\n\r]", "", target).strip(_C0_AND_SPACE)
    if not cleaned or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", cleaned) or cleaned.startswith("/") or "\\" in cleaned:
        return False
    path = urllib.parse.unquote(cleaned.split("?")[0].split("#")[0])
    return ".." not in path.split("/") and ":" not in cleaned.split("/")[0]


def svg_uri_problems(tag: str, uri: str) -> list[str]:
    try:
        _, content = data_url(uri)
    except ValueError:
        return [f"<{tag}> has an unreadable SVG data: URI"]
    found = svg_content_problems(content)
    return [f"<{tag}> SVG data: URI refers to an external resource ({found[0]})"] if found else []


def svg_content_problems(content: bytes) -> list[str]:
    from reportgen.charts.guard import svg_problems

    try:
        return svg_problems(content.decode("utf-8"))
    except UnicodeDecodeError:
        return ["not UTF-8"]
