"""Names in an input (company, compute providers, peers, peers' providers): what one may hold and when two
names are one.

A name must be visible text on one line: default-ignorable characters (zero-width spaces and joiners, the
soft hyphen, variation selectors, TAG characters U+E0000-E0FFF, ...), other format characters, private-use
characters and line or paragraph separators are refused, as are names that read as a figure (``12.5%``,
``$965 billion``, ``1,200``), which the brief would show where a name belongs.

Two names are the same name when their keys are equal: NFKC (fullwidth letters, ligatures and composed or
decomposed accents fold together), case folding, runs of white space as one space, and a confusable skeleton
in the spirit of Unicode TR39: Cyrillic and Greek letters that look like Latin ones are read as those Latin
letters. No maintained PyPI package computes TR39 skeletons, so the table below covers the common Latin,
Cyrillic and Greek look-alikes; it is deliberately small and errs towards calling two names one, which
only ever refuses a list that holds both.
"""

from __future__ import annotations

import re
import unicodedata

# Unicode Default_Ignorable_Code_Point (DerivedCoreProperties.txt, Unicode 15.1).
_DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)


def is_default_ignorable(char: str) -> bool:
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in _DEFAULT_IGNORABLE)


def invisible_character(text: str) -> str | None:
    """The first character of ``text`` that a reader cannot see or that splits a line, or None."""
    for char in text:
        category = unicodedata.category(char)
        if is_default_ignorable(char) or category in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp"):
            return char
    return None


def describe(char: str) -> str:
    """``U+200B ZERO WIDTH SPACE``."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


# --- names that read as figures ------------------------------------------------------------------------

_NUMBER = r"[-+\u2212]?(?:\d[\d,.'\u00a0\u202f\u2009 ]*\d|\d)"
_SCALE = r"(?:thousand|million|billion|trillion|bn|mn|tn|mm|mln|bln)"
# 1,200 | 12.5% | 965 billion | 965 billion USD | 965 USD | 3x | 40 bps
_PLAIN_FIGURE = re.compile(
    rf"{_NUMBER}\s*(?:%|‰|percent|per\s*cent|pp|bps|x|×|{_SCALE})?(?:\s*(?P<code>[A-Z]{{3}}))?", re.IGNORECASE)
# $965 billion | USD 1.2bn | € 12.5m | US$ 3 | -$5
_CURRENCY_FIGURE = re.compile(
    rf"[-+\u2212]?(?P<code>US\$|[^\w\s]|[A-Z]{{3}})\s*{_NUMBER}\s*(?:{_SCALE}|[kmb])?", re.IGNORECASE)


def _currency(code: str | None) -> bool:
    from reportgen.contract.fields import ISO_4217

    if code is None:
        return True
    return code.upper() in ISO_4217 or code.upper() == "US$" or (
        len(code) == 1 and unicodedata.category(code) == "Sc")


def looks_like_figure(name: str) -> bool:
    """True for a name that reads as an amount, a share or a count: ``12.5%``, ``$965 billion``, ``1,200``,
    ``965 USD``. ``3M``, ``7-Eleven``, ``Area 51`` and ``ABC 7`` are names."""
    text = unicodedata.normalize("NFKC", name).strip()
    if not any(char.isdigit() for char in text):
        return False
    return any((match := pattern.fullmatch(text)) is not None and _currency(match.group("code"))
               for pattern in (_PLAIN_FIGURE, _CURRENCY_FIGURE))


# --- one name, however written ------------------------------------------------------------------------------

# Letters that pass for Latin ones (TR39 confusables.txt, the common Cyrillic, Greek and Latin cases). The
# skeleton is taken before case folding, as in TR39: Cyrillic "М" passes for "M", but its lower case "м"
# does not pass for "m".
_CONFUSABLE = {
    # Cyrillic
    "А": "A", "В": "B", "Е": "E", "Ѕ": "S", "І": "I", "Ј": "J", "К": "K", "М": "M", "Н": "H", "О": "O",
    "Р": "P", "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ү": "Y", "Ԛ": "Q", "Ԝ": "W", "Ӏ": "l", "Ѵ": "V",
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ј": "j",
    "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ь": "b", "г": "r", "п": "n", "ү": "y", "ѵ": "v",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "l", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "Ϲ": "C", "Ϳ": "J",
    "α": "a", "ο": "o", "ν": "v", "ρ": "p", "ι": "i", "κ": "k", "υ": "u", "χ": "x", "γ": "y", "σ": "o",
    "ς": "c", "ϲ": "c", "ϳ": "j", "η": "n",
    # Latin look-alikes, and digits and signs that pass for letters
    "ı": "i", "ɩ": "i", "ɑ": "a", "ɡ": "g", "ʏ": "y", "ꓲ": "l",
    "I": "l", "1": "l", "|": "l", "ǀ": "l", "0": "O",
}
_SPACE = re.compile(r"\s+")


def _visible(text: str) -> str:
    return _SPACE.sub(" ", "".join(char for char in text if not is_default_ignorable(char))).strip()


def fold_key(name: str) -> str:
    """NFKC (fullwidth letters, ligatures, composed and decomposed accents fold together), case folded,
    white space collapsed."""
    return _visible(unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold()))


def skeleton(name: str) -> str:
    """A confusable skeleton in the spirit of TR39, case folded: look-alike letters read as the Latin
    letters they pass for, ``rn`` as ``m`` and ``vv`` as ``w``."""
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", name))
    text = "".join(_CONFUSABLE.get(char, char) for char in text)
    text = unicodedata.normalize("NFC", text).replace("rn", "m").replace("vv", "w")
    return fold_key(text)


def name_keys(name: str) -> frozenset[str]:
    """The forms under which a name is compared: folded, its skeleton, and the skeleton of the folded name
    (``I`` passes for ``l`` but ``i`` does not: "AI" is "Al" and is "ai", and "AMAZОN" with a Cyrillic О is
    "Amazon")."""
    fold = fold_key(name)
    return frozenset({fold, skeleton(name), skeleton(fold)})


def same_name(first: str, second: str) -> bool:
    """Whether two names are one name to a reader (see the module's docstring)."""
    return bool(name_keys(first) & name_keys(second))


def first_same(name: str, earlier: list[str]) -> int | None:
    """The index of the first of ``earlier`` that is the same name as ``name``, or None."""
    keys = name_keys(name)
    for index, other in enumerate(earlier):
        if keys & name_keys(other):
            return index
    return None


def name_problem(name: str) -> tuple[str, str | None] | None:
    """Why ``name`` cannot be a name (message, hint), or None."""
    char = invisible_character(name)
    if char is not None:
        return f"contains an invisible or format character ({describe(char)})", "names must be visible text"
    if not name.strip():
        return "must not be blank", None
    if looks_like_figure(name):
        return "looks like a figure, not a name", "write the name; figures belong in their fields"
    return None
