"""Family 13: oversized text on the page.

Long unbroken names and tokens must show whole and stay on the page: a 120-character company name ran off
the cover, and a 20,000-character token in the notes showed only 92 characters in the PDF. The stylesheet
breaks a word that is wider than its line (templates/assets/brief.css, the block at its end). Each case is
one input of the suite's shared batch (hostilekit); the PDF's words are read with ``pdftotext -bbox`` (the
whole token is there, and no word ends beyond the page's right edge), the HTML's text with the suite's parser.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hostilekit import Batch, Case, pack_cases, params, shared_inputs, squash, yaml_text

F = "layout"


def _token(length: int, seed: str = "Qxbrtzv") -> str:
    """An unbroken token of ``length`` letters and digits whose every part is distinct (a cut shows)."""
    out, n = [], 0
    while sum(map(len, out)) < length:
        out.append(f"{seed}{n:05d}")
        n += 1
    return "".join(out)[:length]


def _provider_token() -> str:
    return "Prov" + _token(116, "Kp")


CASES = [
    Case(F, "l-cover-name-120", "inert", ({"company.name": "Acme" + _token(116)}, "Acme" + _token(116))),
    Case(F, "l-notes-token-20000", "inert", ({"notes": _token(20_000, "Nt")}, _token(20_000, "Nt"))),
    Case(F, "l-notes-token-after-words", "inert", ({"notes": "See " + _token(5_000, "Wd") + " then more words."},
                                                   _token(5_000, "Wd"))),
    Case(F, "l-peer-name-120", "inert", ({"peers.0.name": "Peer" + _token(116, "Pr")}, "Peer" + _token(116, "Pr"))),
    Case(F, "l-provider-name-120", "inert", ({"compute.providers.0.name": _provider_token()}, _provider_token())),
]


# The cases share inputs, each token in a field no other case of its input writes (2 briefs, not 5). Sound,
# because each case asserts its own token whole in the HTML and in the PDF's body, and the page-edge check
# covers the whole PDF, which then holds more long tokens at once.
_PACKS = pack_cases(F, {case.id: case.data[0] for case in CASES})


@shared_inputs()
def _inputs(fill: object) -> dict[str, str]:
    return {name: yaml_text(**changes) for name, changes in _PACKS.items()}


def _words(pdf: Path) -> tuple[list[tuple[float, str]], float]:
    """Every word of the PDF with its right edge (xMax), and the narrowest page width."""
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed"
    xhtml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    widths = [float(w) for w in re.findall(r'<page width="([\d.]+)"', xhtml)]
    words = [(float(x), word) for x, word in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" '
                                                        r'yMax="[\d.]+">([^<]*)</word>', xhtml)]
    return words, min(widths)


def _chart_words(brief: object) -> set[str]:
    """The words of the charts' SVG text. A chart draws its labels itself (vl-convert shortens or places them,
    an SVG text never wraps): the page-edge check is for the text the stylesheet lays out."""
    from xml.etree import ElementTree

    words: set[str] = set()
    for svg in brief.chart_svgs():  # type: ignore[attr-defined]
        for element in ElementTree.fromstring(svg).iter():
            if element.tag.rsplit("}", 1)[-1] == "text":
                words.update("".join(element.itertext()).split())
    return words


@pytest.mark.parametrize("case", params(CASES))
def test_long_token_is_whole_and_on_the_page(case: Case, shared_batch: Batch) -> None:
    brief = shared_batch.brief(case)
    token = case.data[1]
    brief.assert_inert([])
    assert squash(token) in squash(brief.html_text), "the token is not whole in brief.html"
    pdf = brief.folder / "brief.pdf"
    # the page's body only (A4, 20 mm and 18 mm margins): the running head and footer would cut a token that
    # runs over a page break
    body = subprocess.run(["pdftotext", "-x", "0", "-y", "50", "-W", "595", "-H", "740", str(pdf), "-"],
                          capture_output=True, check=True, text=True).stdout
    assert token in squash(body), f"the token is not whole in brief.pdf ({squash(body).count(token[:30])} starts)"
    words, width = _words(pdf)
    drawn = _chart_words(brief)
    beyond = [(round(x, 1), word[:40]) for x, word in words if x > width - 9 and word not in drawn]  # margins: 51 pt
    assert beyond == [], f"text beyond the page's right edge (page {width:.0f} pt wide): {beyond[:5]}"


def test_the_rules_spare_field_paths() -> None:
    """Field paths wrap at their dots: the block of this family never names them with overflow-wrap: anywhere."""
    css = (Path(__file__).resolve().parents[2] / "templates" / "assets" / "brief.css").read_text(encoding="utf-8")
    block = css[css.index("Long unbroken text"):]
    anywhere = [rule for rule in re.findall(r"([^{}]+)\{[^}]*overflow-wrap:\s*anywhere", block)]
    assert anywhere and all("assumptions" in rule and "code" not in rule and ".fields" not in rule
                            for rule in anywhere), anywhere
