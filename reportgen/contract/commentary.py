"""The analyst's own view per section (``commentary``): Markdown, checked when the input is validated and
rendered to HTML for the templates by ``render_commentary``.

Commentary is CommonMark without raw HTML: a file with an HTML tag or comment in it is refused (a located
error), and the renderer escapes any that reaches it. Links go to http, https and mailto addresses only, and
images are refused (a brief does not fetch what an input names).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

COMMENTARY_SECTIONS = ("summary", "capital_intensity", "entrenchment", "bear_case", "outlook")
MAX_SECTION = 4000
MAX_TOTAL = 12_000
_LINK = re.compile(r"^(?:https?://|mailto:)", re.IGNORECASE)


def link_allowed(url: str) -> bool:
    """http, https and mailto links only (no javascript:, data:, file: or relative links)."""
    return bool(_LINK.match(url.strip()))


@cache
def _checker() -> Any:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")  # HTML on: to find it and say where it is
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # every link reaches the check below
    return md


@cache
def _renderer() -> Any:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False})
    md.validateLink = link_allowed  # type: ignore[method-assign]
    md.disable("image")

    def link_open(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        tokens[idx].attrSet("rel", "noopener noreferrer nofollow")
        return self.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    return md


def commentary_problem(text: str) -> tuple[str, str | None] | None:
    """Why ``text`` cannot be commentary (message, hint), or None: raw HTML, an image, a link to anything
    but http, https or mailto."""
    for token in _checker().parse(text):
        for item in [token, *(token.children or [])]:
            line = f" (line {token.map[0] + 1} of the text)" if token.map else ""
            if item.type in ("html_block", "html_inline"):
                shown = item.content.strip().splitlines()[0][:40] if item.content.strip() else "HTML"
                return (f"contains raw HTML{line}: {shown!r}",
                        "write Markdown; HTML is not allowed in commentary")
            if item.type == "image":
                return (f"contains an image{line}", "commentary is text; images are not allowed")
            if item.type == "link_open":
                href = str(item.attrGet("href") or "")
                if not link_allowed(href):
                    return (f"contains a link to {href[:60]!r}{line}",
                            "links must be http, https or mailto addresses")
    return None


def render_commentary(text: str) -> str:
    """Markdown -> HTML: CommonMark with raw HTML escaped, links to http, https and mailto only (others are
    left as text), no images. Pure: the same text gives the same HTML."""
    return _renderer().render(text)
