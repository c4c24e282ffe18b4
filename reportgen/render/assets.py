"""Stylesheets and other assets: from ``--templates DIR/assets`` first, else the built-in ones.

CSS that reaches the self-contained HTML may not load anything: ``@import`` and ``url()`` other than
``data:`` are refused there (the PDF's own print.css may name the bundled fonts, which the PDF's URL
fetcher serves).
"""

from __future__ import annotations

import os
import re

from markupsafe import Markup

from reportgen.errors import TemplateError
from reportgen.paths import builtin_assets
from reportgen.render.environment import TemplateSet

_CSS_IMPORT = re.compile(r"@import", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(?!data:)([^)'\"]*)\1\s*\)", re.IGNORECASE)
_CSS_ESCAPE = re.compile(r"\\[0-9a-fA-F]|</", re.IGNORECASE)  # CSS escapes hide "url(" and "</style"
_BUILTIN_CACHE: dict[str, bytes] = {}


def read_asset(name: str, user: TemplateSet | None) -> bytes:
    if user is not None and f"assets/{name}" in user.files:
        return user.files[f"assets/{name}"]
    cached = _BUILTIN_CACHE.get(name)
    if cached is None:
        root = builtin_assets()
        path = os.path.realpath(os.path.join(root, name))
        if os.path.commonpath([root, path]) != root or not os.path.isfile(path):
            raise TemplateError(f"asset not found: {name}")
        with open(path, "rb") as handle:
            cached = _BUILTIN_CACHE[name] = handle.read()
    return cached


def inline_css(name: str, user: TemplateSet | None) -> Markup:
    """A stylesheet's text for a <style> element of the self-contained HTML."""
    try:
        text = read_asset(name, user).decode("utf-8")
    except UnicodeDecodeError:
        raise TemplateError(f"stylesheet {name} is not UTF-8") from None
    if _CSS_IMPORT.search(text) or _CSS_URL.search(text) or _CSS_ESCAPE.search(text):
        raise TemplateError(f"stylesheet {name} loads an external resource (@import, url() or an escape); "
                            "the HTML brief must stay self-contained")
    return Markup(text)
