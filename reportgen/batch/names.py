"""The folder of each brief, OUT/<input name>: names that may not be used, and when two names are one.

An input's file name becomes a folder on disk, a path in model.json and the manifest, and text on the
terminal. A name that is reserved, or that holds a character a reader cannot see or that reorders what
follows, is refused at planning with a located error, before its file is read.
"""

from __future__ import annotations

import os
import unicodedata

# Unicode categories refused in an input's path: controls (C0, C1: ESC, CR, the newline, ...), format
# characters (the bidirectional controls such as RLO U+202E, zero-width characters, TAG characters),
# line and paragraph separators, surrogates (undecodable bytes) and private-use characters.
REFUSED_CATEGORIES = {"Cc": "a control character", "Cf": "an invisible format or bidirectional control character",
                      "Zl": "a line separator", "Zp": "a paragraph separator", "Cs": "an undecodable byte",
                      "Co": "a private-use character"}


def output_name(input_path: str) -> str:
    return os.path.splitext(os.path.basename(input_path))[0]


def clash_key(name: str) -> str:
    """Two brief folders that one file system (or the share that serves it) may take for one: the same
    after NFC normalisation (macOS stores names decomposed) and case-folding (Windows and macOS shares are
    case-blind). Acme.yaml and acme.yaml, or 'Café' written precomposed and decomposed, clash."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def reserved_name(name: str) -> str | None:
    """Why a brief may not have the folder OUT/``name``, or None. The index page and reportgen's own
    state live beside the briefs' folders: an input named index.html.yaml would otherwise take the
    index's place for good, and one named .reportgen.yaml would write into the manifest's folder."""
    if clash_key(name) == "index.html":  # case-blind: the folder may be served from a case-blind share
        return "the index page of the output folder"
    if not name or name.startswith("."):
        return "hidden files and reportgen's own state (.reportgen)"
    return None


def unshowable(path: str) -> str | None:
    """What in ``path`` cannot be shown faithfully, as 'U+202E (an invisible ... character)', or None. An RLO
    in a file name reversed the PDF's footer and reached model.json and the output folder's name; an ESC,
    CR or newline rewrote the terminal's lines."""
    for char in path:
        category = unicodedata.category(char)
        if category in REFUSED_CATEGORIES:
            return f"U+{ord(char):04X} ({REFUSED_CATEGORIES[category]})"
    return None


def name_problem(input_path: str, name: str) -> str | None:
    """The located error for an input whose path holds a character that cannot be shown faithfully, or
    whose brief folder name is reserved."""
    from reportgen.errors import Problem

    display = os.path.normpath(input_path) if not os.path.isabs(input_path) else input_path
    bad = unshowable(input_path)
    if bad is not None:
        return str(Problem(display, 1, "(file)", f"its path holds {bad}, which the brief's folder, its "
                           "footer and the build's report cannot show faithfully", hint="rename the file"))
    why = reserved_name(name)
    if why is None:
        return None
    return str(Problem(display, 1, "(file)", f"its name would make the brief's folder {name!r}, which is reserved "
                       f"for {why}", hint="rename the file"))
