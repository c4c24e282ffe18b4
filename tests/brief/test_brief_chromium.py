"""The HTML brief and the index page in a real headless Chromium (Debian's /usr/bin/chromium driven
by playwright): no console error, no request besides the page itself and data: URLs, the section
titles visible, every chart decoded, and a full-page screenshot kept in tests/artifacts/."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from briefkit import APPENDIX_TITLE, ARTIFACTS, SECTION_TITLES

pytestmark = pytest.mark.chromium


@dataclass
class Visit:
    page: Any
    url: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def foreign_requests(self, *allowed: str) -> list[str]:
        return [r for r in self.requests if r not in (self.url, *allowed) and not r.startswith("data:")]


@contextmanager
def visit(browser: Any, path: Path, width: int = 1280) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=True,
                                  service_workers="block")
    page = context.new_page()
    seen = Visit(page, path.resolve().as_uri())
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and seen.errors.append(message.text))
    page.on("pageerror", lambda error: seen.errors.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: seen.errors.append(f"request failed: {request.url}"))
    try:
        page.goto(seen.url, wait_until="load")
        yield seen
    finally:
        context.close()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def assert_nontrivial_screenshot(path: Path, min_height: int) -> None:
    from PIL import Image

    data = path.read_bytes()
    width, height = png_size(data)
    assert width >= 1000 and height >= min_height, (width, height)
    assert len(data) > 50_000, f"{path} is only {len(data)} bytes"
    with Image.open(path) as image:
        small = image.convert("RGB").resize((width // 4, height // 4))
        colours = small.getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 64, "the screenshot is nearly blank"


@pytest.mark.parametrize("stem", ["anthropic-2026", "nordlicht-2026"])
def test_brief_in_chromium(browser, briefs, stem):
    brief = briefs[stem]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"brief-{stem}.png"
    with visit(browser, brief.html_path) as seen:
        page = seen.page
        for title in (*SECTION_TITLES, APPENDIX_TITLE):
            heading = page.get_by_role("heading", level=2, name=title, exact=True)
            assert heading.count() == 1 and heading.is_visible(), title
        assert page.get_by_role("heading", level=1, name=brief.name, exact=True).is_visible()
        assert not page.locator(".running-head").is_visible()
        images = page.evaluate("""() => [...document.images].map(i => ({
            alt: i.alt, ok: i.complete && i.naturalWidth > 0, width: i.getBoundingClientRect().width}))""")
        assert images and all(i["ok"] and i["width"] > 200 and i["alt"] for i in images), images
        # the page does not scroll sideways on a laptop
        assert page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=str(shot), full_page=True)
        errors, foreign = list(seen.errors), seen.foreign_requests()
    assert errors == []
    assert foreign == []
    assert_nontrivial_screenshot(shot, min_height=4000)


@pytest.mark.parametrize("stem", ["anthropic-2026", "nordlicht-2026"])
def test_brief_fits_a_phone_screen(browser, briefs, stem):
    """375 px (and 320 px, the narrowest phones): the page never scrolls sideways; wide tables scroll in
    their own box and the cover's headline table wraps its cells."""
    with visit(browser, briefs[stem].html_path, width=375) as seen:
        for width in (375, 320):  # the page is laid out again at each width (one load, not one per width)
            seen.page.set_viewport_size({"width": width, "height": 900})
            assert seen.page.evaluate("() => window.innerWidth") == width
            overflow = seen.page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"at {width} px the page is {overflow} px wider than the screen"


def test_index_in_chromium(browser, outputs, briefs):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "index.png"
    index = outputs / "index.html"
    with visit(browser, index) as seen:
        page = seen.page
        assert page.get_by_role("heading", level=1).is_visible()
        for stem, brief in briefs.items():
            link = page.get_by_role("link", name=brief.name, exact=True)
            assert link.count() == 1 and link.is_visible(), brief.name
            assert link.get_attribute("href") == f"{stem}/brief.html"
            for name in ("HTML", "PDF", "JSON"):
                assert page.locator(f'a[href^="{stem}/"]', has_text=name).count() == 1, (stem, name)
        page.screenshot(path=str(shot), full_page=True)
        errors, foreign = list(seen.errors), seen.foreign_requests()
        # follow a link as a reader would: the brief opens, and loads nothing else either
        page.get_by_role("link", name=briefs["anthropic-2026"].name, exact=True).click()
        page.wait_for_load_state("load")
        target = (outputs / "anthropic-2026" / "brief.html").resolve().as_uri()
        assert page.url == target
        assert page.get_by_role("heading", level=2, name=SECTION_TITLES[0], exact=True).is_visible()
        after = seen.foreign_requests(target)
    assert errors == [] and seen.errors == []
    assert foreign == [] and after == []
    png_size(shot.read_bytes())
    assert shot.stat().st_size > 10_000
