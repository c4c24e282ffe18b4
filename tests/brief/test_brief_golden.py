"""Golden text (Pelican-style): the text a reader reads in each example brief's <main> is committed
as tests/golden/<stem>.brief.txt, so every change of the prose shows up in review."""

from __future__ import annotations

import difflib

import pytest
from briefkit import GOLDEN, ROOT, SECTION_TITLES, brief_text

REGENERATE = ".venv/bin/python tests/golden/regenerate_text.py"


@pytest.mark.parametrize("stem", ["anthropic-2026", "nordlicht-2026", "meridian-2026"])
def test_brief_text_matches_golden(briefs, stem):
    golden = GOLDEN / f"{stem}.brief.txt"
    assert golden.is_file(), f"{golden.relative_to(ROOT)} is missing; create it with: {REGENERATE}"
    expected = golden.read_text(encoding="utf-8")
    actual = brief_text(briefs[stem].html)
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                            fromfile=f"{golden.relative_to(ROOT)} (committed)",
                                            tofile=f"{stem}/brief.html <main> (built now)", n=1))
        pytest.fail(f"the text of the {stem} brief changed:\n{diff}\n"
                    f"If the change is intended, regenerate the golden text with\n    {REGENERATE}\n"
                    "and review and commit the diff of tests/golden/*.brief.txt.", pytrace=False)


@pytest.mark.parametrize("stem", ["anthropic-2026", "nordlicht-2026", "meridian-2026"])
def test_golden_text_is_one_block_per_line(stem):
    lines = (GOLDEN / f"{stem}.brief.txt").read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if line in SECTION_TITLES] == list(SECTION_TITLES)
    assert all(line == " ".join(line.split()) and line for line in lines)
    assert "<" not in "".join(lines) and "&rsquo;" not in "".join(lines)
    paragraphs = [line for line in lines if line.endswith(".") and len(line) > 200]
    assert len(paragraphs) >= 8
