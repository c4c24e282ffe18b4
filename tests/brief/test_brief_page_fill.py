"""No page but the last is more than 40% empty (issue "Brief v2", layout).

Measured on the printed page, not the HTML: each page is rasterised by poppler (pdftoppm, 30 dpi, grey) and
every pixel row of the page body (inside the @page margins of print.css: 20 mm top, 18 mm bottom) that holds no
ink counts as empty only when it belongs to a blank band taller than 8 mm. Shorter bands are the spacing of
text lines, paragraphs and headings, which is part of a full page.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from briefkit import Brief
from conftest import EXAMPLES

DPI = 30
PAGE_MM = 297.0
BODY_TOP_MM, BODY_BOTTOM_MM = 20.0, 297.0 - 18.0
BAND_MM = 8.0
LIMIT = 0.40


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


def test_the_measure_sees_an_empty_page_and_a_full_one():
    blank = np.full((351, 248), 255, np.uint8)
    assert empty_share(blank) == pytest.approx(1.0)
    lines = blank.copy()
    lines[::6] = 0  # a line of ink every 5 mm: text
    assert empty_share(lines) == 0.0
    half = lines.copy()
    half[175:] = 255
    assert 0.4 < empty_share(half) < 0.6


@pytest.mark.parametrize("stem", EXAMPLES)
def test_no_page_but_the_last_is_more_than_40_percent_empty(briefs: dict[str, Brief], stem, tmp_path):
    pages = rasterised_pages(briefs[stem].pdf_path, tmp_path)
    assert len(pages) >= 6
    shares = [round(empty_share(page), 2) for page in pages]
    too_empty = {number: share for number, share in enumerate(shares[:-1], start=1) if share > LIMIT}
    assert not too_empty, f"pages more than {LIMIT:.0%} empty (page: share): {too_empty}; all: {shares}"
