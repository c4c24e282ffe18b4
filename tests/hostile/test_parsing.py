"""Family 9: the HTML brief as a browser parses it.

The boundary of the HTML brief (reportgen/render/boundary.py) once checked the page with Python's html.parser,
which does not follow HTML5's comment rules: for a browser ``<!-->``, ``<!--->`` and ``--!>`` end a comment, so
an ``<img onerror>`` that html.parser took for comment text built with exit 0 and ran in Chromium. The page is
now checked as an HTML5 parser builds it, and every page (brief and index) must carry reportgen's
Content-Security-Policy at the start of its head, which stops script even if a check were ever missed.

Each payload is first shown to be real: in headless Chromium, without the policy, its handler runs. Then the
boundary refuses it, and with the policy Chromium runs nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hostilekit import (
    Case,
    Workspace,
    extending,
    index_script,
    params,
    write_templates,
    yaml_text,
)

F = "parsing"
HANDLER = "document.title='PWNED'"
IMG = f'<img src="data:image/png;base64,AA" onerror="{HANDLER}">'

COMMENT_CASES = [
    Case(F, "p-comment-abrupt", "error", f"<!-->{IMG}-->"),
    Case(F, "p-comment-dash", "error", f"<!--->{IMG}-->"),
    Case(F, "p-comment-bang-end", "error", f"<!-- a --!>{IMG}-->"),
    Case(F, "p-textarea-rcdata-hides-a-comment", "error", f"<textarea><!--</textarea>{IMG}-->"),
    Case(F, "p-svg-style-breakout", "error", f"<svg><style>{IMG}</style></svg>"),
]
POLICY_CASES = [
    Case(F, "p-policy-missing", "error", "missing"),
    Case(F, "p-policy-weakened", "error", "weakened"),
    Case(F, "p-policy-after-style", "error", "late"),
    Case(F, "p-policy-in-brief-and-index", "inert", "present"),
    Case(F, "p-policy-stops-a-missed-handler", "inert", "second-wall"),
]
CASES = COMMENT_CASES + POLICY_CASES


def _policy() -> str:
    from reportgen.render.environment import CONTENT_SECURITY_POLICY

    return CONTENT_SECURITY_POLICY


def _page(body: str, policy: bool = True, before_policy: str = "") -> str:
    meta = f'<meta http-equiv="Content-Security-Policy" content="{_policy()}">' if policy else ""
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n{before_policy}{meta}\n'
            f"<title>brief</title>\n</head>\n<body>\n<p>text</p>\n{body}\n</body>\n</html>\n")


def _title_in_chromium(browser: Any, path: Path) -> tuple[str, list[str]]:
    """The page's title once loaded (a handler that ran set it to PWNED) and the console's messages."""
    context = browser.new_context(java_script_enabled=True, service_workers="block")
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    try:
        page.goto(path.resolve().as_uri(), wait_until="load")
        page.wait_for_timeout(200)  # an onerror of a broken image fires after load at the latest
        return page.title(), messages
    finally:
        context.close()


@pytest.mark.chromium
@pytest.mark.parametrize("case", params(COMMENT_CASES))
def test_comment_trick_is_refused_as_a_browser_parses_it(case: Case, browser: Any, tmp_path: Path) -> None:
    from reportgen.errors import TemplateError
    from reportgen.render.boundary import seal_html

    # The payload is real: without the policy, Chromium runs its handler.
    raw = tmp_path / "raw.html"
    raw.write_text(_page(case.data, policy=False), encoding="utf-8")
    title, _ = _title_in_chromium(browser, raw)
    assert title == "PWNED", f"{case.id}: the payload did not run in Chromium; it proves nothing"
    # The boundary refuses it on a page that is otherwise fine.
    with pytest.raises(TemplateError, match="is not allowed") as refused:
        seal_html(_page(case.data), None)
    if case.id.startswith("p-comment-"):  # the handler is all there is to refuse, and only a browser's parse sees it
        assert "event handler is not allowed (script), in the HTML brief as a browser parses it" in str(refused.value)
    # And were it ever published, the policy stops it.
    sealed = tmp_path / "sealed.html"
    sealed.write_text(_page(case.data), encoding="utf-8")
    title, messages = _title_in_chromium(browser, sealed)
    assert title == "brief", f"{case.id}: the handler ran despite the Content-Security-Policy"
    assert any("Content Security Policy" in m for m in messages), messages


def test_comment_trick_in_a_user_template_fails_the_build(ws: Workspace) -> None:
    """End to end, once: the first case's markup in a --templates block is a located error, nothing written."""
    templates = write_templates(ws.root / "templates", {"brief.html.j2": extending(footer=COMMENT_CASES[0].data)})
    ws.write(yaml_text())
    run = ws.expect_error("--templates", templates, "--format", "html",
                          contains="event handler is not allowed (script)")
    assert "brief.html.j2:" in run.output, "the error names the template that wrote the handler"
    assert "as a browser parses it" in run.output


# --- the Content-Security-Policy ---------------------------------------------------------------------

@pytest.mark.parametrize("case", params(POLICY_CASES, outcome="error"))
def test_a_page_without_the_policy_at_its_start_is_refused(case: Case) -> None:
    from reportgen.errors import TemplateError
    from reportgen.render.boundary import seal_html

    page = {
        "missing": _page("", policy=False),
        "weakened": _page("").replace("default-src 'none'", "default-src *"),
        "late": _page("", before_policy="<style>p { color: red }</style>"),
    }[case.data]
    with pytest.raises(TemplateError, match="Content-Security-Policy"):
        seal_html(page, None)
    seal_html(_page(""), None)  # the same page with the policy in place passes


def test_policy_missing_from_a_whole_layout_override_fails_the_build(ws: Workspace) -> None:
    """A --templates brief.html.j2 that replaces the layout and leaves the policy out: a located error."""
    from reportgen.paths import builtin_templates

    layout = (Path(builtin_templates()) / "brief.html.j2").read_text(encoding="utf-8")
    line = '<meta http-equiv="Content-Security-Policy" content="{{ content_security_policy }}">\n'
    assert line in layout
    templates = write_templates(ws.root / "templates", {"brief.html.j2": layout.replace(line, "")})
    ws.write(yaml_text())
    run = ws.expect_error("--templates", templates, "--format", "html", contains="Content-Security-Policy")
    assert "brief.html.j2:" in run.output


@pytest.mark.parametrize("case", params(POLICY_CASES, where=lambda c: c.data == "present"))
def test_brief_and_index_carry_the_policy(case: Case, prebuilt: Path) -> None:
    import base64
    import hashlib

    import tinyhtml5

    # the index runs one script of ours: its policy lists that script's hash instead of script-src 'none'
    digest = base64.b64encode(hashlib.sha256(index_script().encode("utf-8")).digest()).decode("ascii")
    index_policy = _policy().replace("script-src 'none'", f"script-src 'sha256-{digest}'")
    for page, policy in ((prebuilt / "acme" / "brief.html", _policy()), (prebuilt / "index.html", index_policy)):
        root = tinyhtml5.parse(page.read_text(encoding="utf-8"), namespace_html_elements=False)
        head = root.find("head")
        assert head is not None
        metas = [e for e in head if e.tag == "meta" and "http-equiv" in e.attrib]
        assert [(m.get("http-equiv"), m.get("content")) for m in metas] == [("Content-Security-Policy", policy)]
        first = [e.tag for e in head][:3]
        assert first[-1] == "meta" and "style" not in first, f"{page.name}: the policy is not at the start: {first}"


@pytest.mark.chromium
@pytest.mark.parametrize("case", params(POLICY_CASES, where=lambda c: c.data == "second-wall"))
def test_policy_of_the_real_brief_stops_a_handler(case: Case, browser: Any, prebuilt: Path, tmp_path: Path) -> None:
    """The built brief with a handler slipped in after the fact (as if a check had missed it): Chromium runs
    nothing, reports the policy violation, and loads nothing but the page."""
    html = (prebuilt / "acme" / "brief.html").read_text(encoding="utf-8")
    page = tmp_path / "brief.html"
    page.write_text(html.replace("</body>", f"{IMG}</body>"), encoding="utf-8")
    title, messages = _title_in_chromium(browser, page)
    assert title != "PWNED"
    assert any("Content Security Policy" in m for m in messages), messages
