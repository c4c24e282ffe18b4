"""A Typst document of the same content as a brief.html (headings, paragraphs, list items, tables, the chart
SVGs, a contents page with page numbers), the floor for the PDF render: bench/compare_bench.py times Typst on it.

    .venv/bin/python bench/typst_brief.py BRIEF.html FOLDER   # writes FOLDER/brief.typ and FOLDER/chart-N.svg
"""

from __future__ import annotations

import base64
import os
import sys
from html.parser import HTMLParser

_BLOCKS = {"p": "para", "li": "item", "h1": "=", "h2": "==", "h3": "===", "figcaption": "para", "dt": "para",
           "dd": "para", "caption": "para"}


def escape(text: str) -> str:
    text = " ".join(text.split())
    for char in "\\#$*_`<>@[]=-+/~\"'":
        text = text.replace(char, "\\" + char)
    return text


class ToTypst(HTMLParser):
    def __init__(self, folder: str) -> None:
        super().__init__(convert_charrefs=True)
        self.folder, self.out, self.text, self.skip = folder, [], [], 0
        self.block: str | None = None
        self.table: list[list[str]] | None = None
        self.cell: list[str] | None = None
        self.charts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "head", "nav"):
            self.skip += 1
        elif tag == "table":
            self.table = []
        elif tag == "tr" and self.table is not None:
            self.table.append([])
        elif tag in ("td", "th") and self.table is not None:
            self.cell = []
        elif tag == "img":
            src = dict(attrs).get("src") or ""
            if src.startswith("data:image/svg+xml;base64,"):
                self.charts += 1
                name = f"chart-{self.charts}.svg"
                with open(os.path.join(self.folder, name), "wb") as handle:
                    handle.write(base64.b64decode(src.split(",", 1)[1]))
                self.out.append(f'#figure(image("{name}", width: 100%))')
        elif tag in _BLOCKS and self.table is None:
            self.block, self.text = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head", "nav"):
            self.skip -= 1
        elif tag in ("td", "th") and self.table is not None and self.cell is not None:
            self.table[-1].append(escape("".join(self.cell)))
            self.cell = None
        elif tag == "table" and self.table:
            columns = max(len(r) for r in self.table)
            cells = ", ".join(f"[{c}]" for r in self.table for c in r + [""] * (columns - len(r)))
            self.out.append(f"#table(columns: {columns}, {cells})")
            self.table = None
        elif tag == self.block:
            text = escape("".join(self.text))
            if text:
                kind = _BLOCKS[tag]
                self.out.append(text if kind == "para" else ("- " + text if kind == "item" else f"{kind} {text}"))
            self.block = None

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        elif self.block is not None:
            self.text.append(data)


def convert(html_path: str, folder: str) -> str:
    parser = ToTypst(folder)
    with open(html_path, encoding="utf-8") as handle:
        parser.feed(handle.read())
    body = "\n\n".join(parser.out)
    document = ('#set page(paper: "a4", margin: 2cm, numbering: "1")\n#set text(size: 9.5pt)\n'
                "#outline()\n#pagebreak()\n\n" + body + "\n")
    path = os.path.join(folder, "brief.typ")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(document)
    return path


if __name__ == "__main__":
    print(convert(sys.argv[1], sys.argv[2]))
