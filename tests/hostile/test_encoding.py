"""Family 5: encodings and characters.

UTF-8 only: a leading byte-order mark is accepted (Windows editors write one), a mark inside the text, UTF-16,
NUL bytes and invalid UTF-8 are located errors. Any script is text (CJK, Arabic and Hebrew, emoji, combining
marks): the brief builds. Control characters, ANSI escapes and invisible bidirectional controls (Trojan
Source) are refused, and the terminal never receives a raw escape from an input.
"""

from __future__ import annotations

import pytest
from hostilekit import (
    Batch,
    Case,
    Raw,
    Workspace,
    document,
    line_of,
    params,
    reportgen,
    shared_inputs,
    to_yaml,
    yaml_text,
)

F = "encoding"
GOOD = yaml_text()
ESC = "\x1b"

# inert: (input bytes, texts that must show in HTML and PDF, texts that must show in the HTML only)
_CJK = "株式会社テスト研究所"
_RTL = "شركة الاختبار חברת בדיקה"
# Emoji without a zero-width joiner: a joiner is an invisible character, refused in names (it also
# disguises duplicate providers; see tests/contract/test_spec_names.py).
_EMOJI = "Acme 🚀 Labs 💻"
_ZALGO = "Z\u0338\u031ba\u0337l\u0336g\u0335o Labs"


def _named(name: str) -> bytes:
    return yaml_text(**{"company.name": name, "compute.providers.1.name": name + " Cloud"}).encode("utf-8")


CASES = [
    Case(F, "e-bom-leading", "inert", (b"\xef\xbb\xbf" + GOOD.encode(), ["Acme Labs"], [])),
    Case(F, "e-crlf-line-ends", "inert", (GOOD.replace("\n", "\r\n").encode(), ["Acme Labs"], [])),
    Case(F, "e-rtl-name", "inert", (_named(_RTL), [], [_RTL])),  # the PDF may reorder right-to-left runs
    Case(F, "e-combining-marks", "inert", (_named(_ZALGO), [_ZALGO], [])),
    # the bundled fonts have no CJK or emoji glyphs: the PDF draws boxes and the build warns (see below)
    Case(F, "e-cjk-name", "inert", (_named(_CJK), [], [_CJK])),
    Case(F, "e-emoji-name", "inert", (_named(_EMOJI), [], [_EMOJI])),
    # error: (input bytes, field, line, words)
    Case(F, "e-bom-inside", "error", (GOOD.replace('"Acme Labs"', '"Acme \ufeffLabs"').encode(), "(file)",
                                      line_of(GOOD, "Acme Labs"), "byte-order mark")),
    Case(F, "e-utf16-with-bom", "error", (GOOD.encode("utf-16"), "(file)", 1, "UTF-16")),
    Case(F, "e-utf16-without-bom", "error", (GOOD.encode("utf-16-le"), "(file)", 1, "NUL byte")),
    Case(F, "e-nul-byte", "error", (GOOD.replace('"Acme Labs"', '"Acme\x00Labs"').encode(), "(file)",
                                    line_of(GOOD, "Acme Labs"), "NUL byte")),
    Case(F, "e-invalid-utf8", "error", (GOOD.encode().replace(b"Acme Labs", b"Acme \xc3\x28 Labs"), "(file)",
                                        line_of(GOOD, "Acme Labs"), "not valid UTF-8")),
    Case(F, "e-latin1-bytes", "error", (GOOD.replace("Acme Labs", "Acmé Labs").encode("latin-1"), "(file)",
                                        line_of(GOOD, "Acme Labs"), "not valid UTF-8")),
    Case(F, "e-name-10000-chars", "error", (_named("A" * 10_000), "company.name", line_of(GOOD, "Acme Labs"),
                                            "must be 1 to 120 characters long")),
    Case(F, "e-bell-escaped", "error", (_named("Acme\aLabs"), "company.name", line_of(GOOD, "Acme Labs"),
                                        "control character (U+0007)")),
    Case(F, "e-bell-raw", "error", (GOOD.replace("Acme Labs", "Acme\x07Labs").encode(), "(syntax)",
                                    line_of(GOOD, "Acme Labs"), "control characters are not allowed")),
    Case(F, "e-ansi-escaped", "error", (_named(f"{ESC}[31mAcme{ESC}[0m"), "company.name", line_of(GOOD, "Acme Labs"),
                                        "control character (U+001B)")),
    Case(F, "e-ansi-raw", "error", (GOOD.replace("Acme Labs", f"Acme {ESC}[2J{ESC}]0;pwned{ESC}\\ Labs").encode(),
                                    "(syntax)", line_of(GOOD, "Acme Labs"), "control characters are not allowed")),
    Case(F, "e-ansi-in-notes", "error", (yaml_text(notes=f"line one\n{ESC}[1A{ESC}[2Kbuilt ok").encode(), "notes",
                                         line_of(GOOD, "notes:"), "control character (U+001B)")),
    Case(F, "e-bidi-override-name", "error", (_named("Acme \u202eslaB"), "company.name",
                                              line_of(GOOD, "Acme Labs"), "invisible direction control (U+202E)")),
    Case(F, "e-bidi-isolate-notes", "error", (yaml_text(notes="ok \u2066hidden\u2069 text").encode(), "notes",
                                              line_of(GOOD, "notes:"), "invisible direction control (U+2066)")),
    Case(F, "e-bidi-in-source", "error", (yaml_text(sources={"valuation.post_money": "Round \u202e"}).encode(),
                                          "sources.valuation.post_money", line_of(GOOD, "Press reports"),
                                          "invisible direction control (U+202E)")),
    Case(F, "e-c1-control-escaped", "error", (yaml_text(**{"peers.0.name": Raw('"Peer\\u009bX"')}).encode(),
                                              "peers.0.name", line_of(GOOD, '"Anthropic"'),
                                              "control character (U+009B)")),
]


def _unknown_key_with_escape() -> bytes:
    doc = document()
    doc[f"{ESC}[31mevil{ESC}[0m"] = 1
    return (to_yaml(doc) + "\n").encode()


CASES.append(Case(F, "e-ansi-in-key", "error", (_unknown_key_with_escape(), None, None, "unknown field")))


@pytest.mark.parametrize("case", params(CASES, outcome="error"))
def test_bad_encoding_is_a_located_error(case: Case, ws: Workspace) -> None:
    content, field, line, words = case.data
    ws.write(content)
    run = ws.expect_error("--format", "json", field=field, line=line, contains=words)
    assert ESC not in run.output, "a raw escape from the input reached the terminal"


@pytest.mark.parametrize("case", params(CASES, outcome="error", where=lambda c: "ansi" in c.id or "bell" in c.id))
def test_validate_never_prints_a_raw_escape(case: Case, ws: Workspace) -> None:
    ws.write(case.data[0])
    run = reportgen("validate", "inputs/acme.yaml", cwd=ws.root)
    assert run.code == 1 and "Traceback" not in run.output, str(run)
    assert ESC not in run.output and "\x07" not in run.output and "\x9b" not in run.output
    assert "inputs/acme.yaml:" in run.output


# The byte-order mark and CRLF cases are about reading the input: what it decodes to shows in model.json and
# the HTML (the PDF is the same text, laid out), so they are built without a PDF. The other scripts are built
# whole: the PDF's fonts and layout are their subject (missing glyphs, right-to-left runs).
_READING = {"e-bom-leading", "e-crlf-line-ends"}


@shared_inputs()
def _inputs(fill: object) -> dict[str, bytes]:
    return {case.id: case.data[0] for case in CASES if case.outcome == "inert" and case.id not in _READING}


@shared_inputs("html")
def _reading_inputs(fill: object) -> dict[str, bytes]:
    return {case.id: case.data[0] for case in CASES if case.id in _READING}


@pytest.mark.parametrize("case", params(CASES, outcome="inert"))
def test_any_script_is_text(case: Case, shared_batch: Batch, shared_html_batch: Batch) -> None:
    _, everywhere, html_only = case.data
    pdf = case.id not in _READING
    brief = (shared_batch if pdf else shared_html_batch).brief(case)
    brief.assert_inert(everywhere, pdf=pdf)
    brief.assert_inert(html_only, in_pdf=False, pdf=pdf)
    assert brief.model_json["company"]["name"] in (everywhere + html_only)


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.id in ("e-cjk-name", "e-emoji-name")))
def test_characters_the_fonts_lack_are_reported(case: Case, shared_batch: Batch) -> None:
    """The bundled fonts (DejaVu) have no CJK or emoji glyphs: the build says so (an error under --strict)."""
    warnings = shared_batch.built[case.id]["warnings"]
    assert any("glyph" in warning for warning in warnings), warnings
