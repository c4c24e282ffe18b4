"""Regenerate the golden text of the example briefs: tests/golden/<stem>.brief.txt.

The golden text is what a reader reads in brief.html's <main> (the four sections): tags stripped,
whitespace collapsed, one block per line (paragraph, heading, list item, table row with its cells
separated by " | ", figure caption), endnote numbers as "[1]" and each chart as "[image: alt text]".
Committed, it makes every change of the prose visible in review (Pelican's functional tests).

    .venv/bin/python tests/golden/regenerate_text.py            # build the examples, write the files
    .venv/bin/python tests/golden/regenerate_text.py --from outputs   # use briefs built already

Run it only when a change of the brief's text is intended, and review the diff.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
EXAMPLES = ("anthropic-2026", "nordlicht-2026", "meridian-2026")

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_BLOCK = {"address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt", "figcaption",
          "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
          "pre", "section", "table", "tbody", "tfoot", "thead", "tr", "ul"}
_BREAK = "\x00"  # between blocks; the text's own newlines are spaces
_HIDDEN = {"head", "noscript", "script", "style", "svg", "template", "title"}


class _Text(HTMLParser):
    """Visible text inside the first ``root`` element; hidden content (style, script, svg, title,
    aria-hidden) left out."""

    def __init__(self, root: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = root
        self.stack: list[tuple[str, bool]] = []  # open elements inside the root: (tag, hidden)
        self.done = False
        self.parts: list[str] = []

    def _hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if not self.stack:
            if tag == self.root and not self.done:
                self.stack.append((tag, False))
            return
        hidden = self._hidden() or tag in _HIDDEN or attributes.get("aria-hidden") == "true"
        if tag not in _VOID:
            self.stack.append((tag, hidden))
        if hidden:
            return
        if tag in _BLOCK:
            self.parts.append(_BREAK)
        elif tag in ("td", "th"):
            self.parts.append("\t")
        elif tag == "sup":
            self.parts.append("[")
        elif tag == "img":
            self.parts.append(f"{_BREAK}[image: {attributes.get('alt') or ''}]{_BREAK}")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or tag in _VOID or all(t != tag for t, _ in self.stack):
            return
        hidden = False
        while self.stack:
            open_tag, hidden = self.stack.pop()
            if open_tag == tag:
                break
        if not self.stack:
            self.done = True
        if hidden:
            return
        if tag in _BLOCK:
            self.parts.append(_BREAK)
        elif tag == "sup":
            self.parts.append("]")

    def handle_data(self, data: str) -> None:
        if self.stack and not self._hidden():
            self.parts.append(" ".join(data.split("\n")))  # a newline in the source is a space


def text_lines(html: str, root: str = "main") -> list[str]:
    """The blocks of text inside the ``root`` element of an HTML page, one per line."""
    parser = _Text(root)
    parser.feed(html)
    parser.close()
    lines = []
    for raw in "".join(parser.parts).split(_BREAK):
        if "\t" in raw:
            head, *cells = raw.split("\t")
            words = ([" ".join(head.split())] if head.strip() else []) + [" ".join(c.split()) for c in cells]
            line = " | ".join(words).strip()
        else:
            line = " ".join(raw.split())
        if line:
            lines.append(line)
    return lines


def brief_text(html: str) -> str:
    """The golden text of a brief.html: its <main>, one block per line, ending in a newline."""
    lines = text_lines(html, "main")
    if not lines:
        raise ValueError("no <main> text found: is this a brief.html?")
    return "\n".join(lines) + "\n"


def golden_path(stem: str) -> Path:
    return GOLDEN / f"{stem}.brief.txt"


def build(out: Path) -> None:
    command = [sys.executable, "-m", "reportgen", "build", *(f"inputs/{stem}.yaml" for stem in EXAMPLES),
               "--out", str(out), "--force"]
    subprocess.run(command, cwd=ROOT, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="source", help="an output folder with the examples built already")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="reportgen-golden-") as scratch:
        source = Path(args.source) if args.source else Path(scratch) / "outputs"
        if not args.source:
            build(source)
        for stem in EXAMPLES:
            html = (source / stem / "brief.html").read_text(encoding="utf-8")
            target = golden_path(stem)
            text = brief_text(html)
            changed = not target.exists() or target.read_text(encoding="utf-8") != text
            target.write_text(text, encoding="utf-8")
            print(f"{target.relative_to(ROOT)}: {'updated' if changed else 'unchanged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
