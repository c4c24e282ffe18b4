"""No page but the last is more than 40% empty (issue "Brief v2", layout).

Measured on the printed page, not the HTML: each page is rasterised by poppler (pdftoppm, 30 dpi, grey) and
every pixel row of the page body (inside the @page margins of print.css: 20 mm top, 18 mm bottom) that holds no
ink counts as empty only when it belongs to a blank band taller than 8 mm. Shorter bands are the spacing of
text lines, paragraphs and headings, which is part of a full page.
"""

from __future__ import annotations

import numpy as np
import pytest
from briefkit import EXAMPLES, PAGE_FILL_LIMIT, Brief, empty_share, rasterised_pages


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
    too_empty = {number: share for number, share in enumerate(shares[:-1], start=1) if share > PAGE_FILL_LIMIT}
    assert not too_empty, f"pages more than {PAGE_FILL_LIMIT:.0%} empty (page: share): {too_empty}; all: {shares}"


PAGE_WIDTH_MM, SIDE_MARGIN_MM = 210.0, 18.0  # print.css: @page margin 18 mm left and right


def ink_in_side_margins(page: np.ndarray) -> bool:
    width = page.shape[1]
    inside = round(width * (SIDE_MARGIN_MM - 1.5) / PAGE_WIDTH_MM)  # 1.5 mm of tolerance for anti-aliasing
    return bool((page[:, :inside] < 200).any() or (page[:, width - inside:] < 200).any())


def test_the_margin_check_sees_a_table_past_the_margin():
    page = np.full((351, 248), 255, np.uint8)
    page[100:110, 21:227] = 0  # a rule from margin to margin
    assert not ink_in_side_margins(page)
    page[120:125, 21:240] = 0  # a row that runs past the right margin
    assert ink_in_side_margins(page)


@pytest.mark.parametrize("stem", EXAMPLES)
def test_nothing_is_printed_in_the_side_margins(briefs: dict[str, Brief], stem, tmp_path):
    """Wide tables (the inputs appendix, the annual projection, the comparables) fit the page: no ink in the
    left or right margin on any page."""
    for number, page in enumerate(rasterised_pages(briefs[stem].pdf_path, tmp_path), start=1):
        assert not ink_in_side_margins(page), f"page {number} prints into a side margin"
