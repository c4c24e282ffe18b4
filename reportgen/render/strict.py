"""Checks behind ``--strict``: numbers in the prose that no filter produced, and characters the
brief's fonts cannot draw. Outside --strict they are warnings."""

from __future__ import annotations

import os
import re
from functools import cache
from html.parser import HTMLParser

_DIGITS = re.compile(r"\d[\d,.]*")
_SKIP_ELEMENTS = {"style", "script", "title", "svg", "code"}
_SKIP_CLASSES = {"fig", "note", "verbatim", "figures"}  # "figures": a table of filtered figures
_VOID = {"br", "img", "meta", "link", "hr", "input", "col", "area", "base", "wbr", "source"}


class _ProseText(HTMLParser):
    """Collects the body's text outside figure links, notes and code."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # True where the element (or an ancestor) is skipped
        self.texts: list[str] = []
        self.all_text: list[str] = []
        self.in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.in_body = True
        if tag in _VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        parent = self.stack[-1] if self.stack else False
        self.stack.append(parent or tag in _SKIP_ELEMENTS or bool(classes & _SKIP_CLASSES))

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self.in_body:
            return
        self.all_text.append(data)
        if not (self.stack and self.stack[-1]):
            self.texts.append(data)


def _parse(html: str) -> _ProseText:
    parser = _ProseText()
    parser.feed(html)
    parser.close()
    return parser


def text_problems(html: str, input_texts: list[str], fonts_folder: str) -> list[str]:
    """Both checks on one parse of the document."""
    parsed = _parse(html)
    return _unformatted(parsed, input_texts) + _missing(parsed, fonts_folder)


def _unformatted(parsed: _ProseText, input_texts: list[str]) -> list[str]:
    problems = []
    known = sorted((t for t in input_texts if t and any(c.isdigit() for c in t)), key=len, reverse=True)
    for text in parsed.texts:
        remaining = text
        for item in known:
            remaining = remaining.replace(item, " ")
        for match in _DIGITS.finditer(remaining):
            start = max(0, match.start() - 30)
            context = " ".join(remaining[start:match.end() + 30].split())
            problems.append(f"number {match.group()!r} in the prose did not come from the model: ...{context}...")
    return problems


@cache
def _font_coverage(folder: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    covered: set[int] = set()
    for name in sorted(os.listdir(folder)):
        if name.lower().endswith((".ttf", ".otf")):
            font = TTFont(os.path.join(folder, name), lazy=True)
            covered.update(font.getBestCmap() or {})
            font.close()
    return frozenset(covered)


# Every code point below U+0250 (Latin, Latin-1, Latin Extended A/B) is in the bundled DejaVu fonts:
# text made only of these needs no lookup in the fonts' tables.
_ALWAYS_COVERED = 0x0250
_TYPOGRAPHY = set("\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u2192\u00b7\u2022\u2212")


def _missing(parsed: _ProseText, fonts_folder: str) -> list[str]:
    characters = {ch for ch in "".join(parsed.all_text)
                  if ord(ch) >= _ALWAYS_COVERED and ch not in _TYPOGRAPHY and not ch.isspace()}
    if not characters:
        return []
    covered = _font_coverage(fonts_folder)
    missing = sorted(ch for ch in characters if ord(ch) not in covered)
    return [f"no glyph in the brief's fonts for U+{ord(ch):04X} ({ch!r})" for ch in missing[:20]]
