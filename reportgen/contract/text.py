"""Turning an input's bytes into text: UTF-8 only, one leading byte-order mark tolerated."""

from __future__ import annotations

from reportgen.errors import Problem, SpecError

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def decode_input(content: bytes, display: str) -> str:
    """Decode ``content`` as UTF-8. A leading UTF-8 BOM (as Windows editors and Excel write) is
    dropped, as the YAML spec allows; UTF-16, invalid bytes and NUL bytes are located errors."""
    if content.startswith(_UTF8_BOM):
        content = content[len(_UTF8_BOM):]
    elif content.startswith(_UTF16_BOMS):
        raise SpecError([Problem(display, 1, "(file)", "is UTF-16 text; save it as UTF-8")])
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        raise SpecError([Problem(display, line, "(file)", "is not valid UTF-8 text",
                                 got=repr(content[exc.start:exc.start + 4]))]) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise SpecError([Problem(display, line, "(file)", "contains a NUL byte; not a text file")])
    if "\ufeff" in text:
        line = text.count("\n", 0, text.index("\ufeff")) + 1
        raise SpecError([Problem(display, line, "(file)",
                                 "contains a byte-order mark (U+FEFF) inside the text")])
    if not text.strip():
        raise SpecError([Problem(display, 1, "(document)", "file is empty; expected a company "
                                 "starting with 'schema: reportgen/v1'")])
    return text
