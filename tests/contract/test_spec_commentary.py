"""``commentary`` (v2): the analyst's own view per section, Markdown without raw HTML, and
``render_commentary`` for the templates."""

from __future__ import annotations

import pytest
from speckit import Raw, accepted, changed, problems_of

from reportgen.contract.commentary import COMMENTARY_SECTIONS, link_allowed, render_commentary

SECTIONS = ("summary", "capital_intensity", "entrenchment", "bear_case", "outlook")


def test_every_section_is_accepted_and_kept_as_written(write_spec):
    texts = {name: f"**{name}**: the view, with a [link](https://example.com/{name}).\n\n- one\n- two\n"
             for name in SECTIONS}
    spec = accepted(write_spec(changed(commentary=texts))[0]).input
    assert COMMENTARY_SECTIONS == SECTIONS
    assert spec.commentary is not None and spec.commentary.model_dump() == texts


def test_commentary_is_optional_and_so_is_each_section(write_spec):
    assert accepted(write_spec(changed())[0]).input.commentary is None
    spec = accepted(write_spec(changed(commentary={"outlook": "Fine."}))[0]).input
    assert spec.commentary.model_dump() == {"summary": None, "capital_intensity": None, "entrenchment": None,
                                            "bear_case": None, "outlook": "Fine."}


def test_an_unknown_section_gets_a_did_you_mean(write_spec):
    path, where = write_spec(changed(commentary={"sumary": "x", "bear": "y", "other": "z"}))
    assert sorted((p.line, p.field, p.message, p.hint) for p in problems_of(path)) == sorted([
        (where["commentary.sumary"], "commentary.sumary", "unknown field", "did you mean summary?"),
        (where["commentary.bear"], "commentary.bear", "unknown field", "did you mean bear_case?"),
        (where["commentary.other"], "commentary.other", "unknown field",
         "expected one of summary, capital_intensity, entrenchment, bear_case, outlook"),
    ])


@pytest.mark.parametrize(("text", "message"), [
    ("Hi <b>bold</b>", "contains raw HTML (line 1 of the text): '<b>'"),
    ("One\n\n<div>\nblock\n</div>\n", "contains raw HTML (line 3 of the text): '<div>'"),
    ("<script>alert(1)</script>", "contains raw HTML (line 1 of the text): '<script>alert(1)</script>'"),
    ("A comment <!-- hidden --> here", "contains raw HTML (line 1 of the text): '<!-- hidden -->'"),
    ("![chart](https://example.com/x.png)", "contains an image (line 1 of the text)"),
    ("[click](javascript:alert(1))", "contains a link to 'javascript:alert(1)' (line 1 of the text)"),
    ("[file](file:///etc/passwd)", "contains a link to 'file:///etc/passwd' (line 1 of the text)"),
    ("[rel](other.html)", "contains a link to 'other.html' (line 1 of the text)"),
    ("bell \u0007", "contains a control character (U+0007)"),
    ("flip \u202e", "contains an invisible direction control (U+202E)"),
    ("", "must be 1 to 4,000 characters long"),
    ("x" * 4001, "must be 1 to 4,000 characters long"),
])
def test_bad_commentary_is_located_at_its_section(write_spec, text, message):
    path, where = write_spec(changed(commentary={"summary": "Fine.", "bear_case": text}))
    [problem] = problems_of(path)
    assert (problem.line, problem.field) == (where["commentary.bear_case"], "commentary.bear_case")
    assert problem.message == message


def test_html_in_code_is_text_not_html(write_spec):
    text = "Use `<b>` for bold, or:\n\n    <div>indented code</div>\n"
    assert accepted(write_spec(changed(commentary={"summary": text}))[0]).input.commentary.summary == text


def test_at_most_12000_characters_in_all(write_spec):
    full = {name: "x" * 4000 for name in SECTIONS[:3]}
    assert accepted(write_spec(changed(commentary=full))[0])
    path, where = write_spec(changed(commentary={**full, "outlook": "y"}))
    [problem] = problems_of(path)
    assert (problem.line, problem.field, problem.message) == (
        where["commentary.outlook"], "commentary.outlook",
        "commentary is 12,001 characters in all; at most 12,000 are allowed")


@pytest.mark.parametrize(("written", "message"), [
    ("[a, b]", "must be a mapping of fields"), ("Just text", "must be a mapping of fields")])
def test_commentary_must_be_a_mapping(write_spec, written, message):
    path, where = write_spec(changed(commentary=Raw(written)))
    [problem] = problems_of(path)
    assert (problem.line, problem.field, problem.message) == (where["commentary"], "commentary", message)


# --- render_commentary ------------------------------------------------------------------------------------

def test_render_commentary_renders_markdown():
    html = render_commentary("**Dear** but *growing*.\n\n- one\n- two\n")
    assert html == "<p><strong>Dear</strong> but <em>growing</em>.</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"


def test_render_commentary_escapes_raw_html():
    html = render_commentary('<script>alert(1)</script>\n\nHi <img src=x onerror="a()">')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img" in html


@pytest.mark.parametrize("url", ["https://example.com/a", "http://example.com", "mailto:analyst@example.com"])
def test_render_commentary_keeps_http_https_and_mailto_links(url):
    html = render_commentary(f"[source]({url})")
    assert f'href="{url}"' in html and 'rel="noopener noreferrer nofollow"' in html


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "other.html",
                                 "//example.com/x", "vbscript:x", "JAVASCRIPT:alert(1)"])
def test_render_commentary_leaves_other_links_as_text(url):
    html = render_commentary(f"[source]({url})")
    assert "href" not in html and "<a" not in html
    assert not link_allowed(url)


def test_render_commentary_shows_no_images():
    html = render_commentary("![chart](https://example.com/x.png)")
    assert "<img" not in html


def test_render_commentary_is_pure():
    text = "# Title\n\nSome *text* & more <b>."
    assert render_commentary(text) == render_commentary(text)
    assert "&amp;" in render_commentary(text) and "&lt;b&gt;" in render_commentary(text)
