"""Stylesheets and other assets: from ``--templates DIR/assets`` first, else the built-in ones.

CSS that reaches the self-contained HTML may not load anything. It is parsed (tinycss2, the tokenizer
WeasyPrint uses) and held to a whitelist: at-rules and functions that are known to load nothing, and
``url()`` only with a ``data:`` URL. Anything else (``@import``, ``image-set("x.png")``, ``src()``,
``cross-fade()``, a construct that some browser adds next year) is refused: a blacklist would have to
know every way to fetch. Escapes and ``</`` are refused outright, as they hide names and close the
``<style>`` element. (The PDF's own print.css may name the bundled fonts, which the PDF's URL fetcher
serves.)
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

from reportgen.errors import TemplateError
from reportgen.paths import builtin_assets
from reportgen.render.environment import TemplateSet
from reportgen.safe_open import read_beneath

# The base URL of every relative URL in the brief. The PDF's URL fetcher (render/pdf.py) serves the
# assets under it, and the HTML boundary (render/boundary.py) inlines the same ones: one rule for both.
VIRTUAL_ROOT = "file:///reportgen-assets/"
_CSS_ESCAPE = re.compile(r"\\[0-9a-fA-F]|</", re.IGNORECASE)  # CSS escapes hide "url(" and "</style"
_BUILTIN_CACHE: dict[str, bytes] = {}
MAX_ASSET_BYTES = 16 << 20  # a bundled font is under 1 MB
_CSS_CHECKED: dict[str, list[str]] = {}
# At-rules and functions that load nothing. "url" is handled apart (data: only).
_CSS_AT_RULES = {"media", "supports", "page", "font-face", "keyframes", "layer", "container", "charset",
                 "top-left-corner", "top-left", "top-center", "top-right", "top-right-corner", "bottom-left-corner",
                 "bottom-left", "bottom-center", "bottom-right", "bottom-right-corner", "left-top", "left-middle",
                 "left-bottom", "right-top", "right-middle", "right-bottom"}
_CSS_FUNCTIONS = {
    "var", "calc", "min", "max", "clamp", "env", "attr", "counter", "counters", "format",
    "rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch", "color", "color-mix",
    "linear-gradient", "repeating-linear-gradient", "radial-gradient", "repeating-radial-gradient",
    "conic-gradient", "repeating-conic-gradient",
    "translate", "translatex", "translatey", "translatez", "translate3d", "scale", "scalex", "scaley", "scale3d",
    "rotate", "rotatex", "rotatey", "rotatez", "rotate3d", "skew", "skewx", "skewy", "matrix", "matrix3d",
    "perspective", "cubic-bezier", "steps", "minmax", "repeat", "fit-content", "blur", "brightness",
    "contrast", "drop-shadow", "grayscale", "hue-rotate", "invert", "opacity", "saturate", "sepia",
    # paged media (brief.css also styles the PDF)
    "string", "content", "leader", "target-counter", "target-counters", "target-text", "element", "running",
    # selectors
    "not", "is", "where", "has", "nth-child", "nth-last-child", "nth-of-type", "nth-last-of-type", "lang", "dir",
}
_CSS_TOKENS = {"whitespace", "literal", "ident", "dimension", "number", "percentage", "hash", "comment", "string",
               "unicode-range"}


def css_problems(text: str, *, declarations: bool = False) -> list[str]:
    """What in CSS text (a stylesheet, or with ``declarations`` a style attribute) could load something or
    is outside the whitelist; [] when it is safe for the self-contained HTML."""
    key = f"{declarations}:{text}"
    cached = _CSS_CHECKED.get(key)
    if cached is not None:
        return cached
    import tinycss2

    problems: list[str] = []
    if _CSS_ESCAPE.search(text):
        problems.append("an escape or '</'")

    def walk(nodes: Any) -> None:
        for node in nodes or []:
            kind = node.type
            if kind in _CSS_TOKENS:
                continue
            if kind == "url":
                if not node.value.strip().lower().startswith("data:"):
                    problems.append(f"url({node.value[:80]})")
            elif kind == "function":
                name = re.sub(r"^-[a-z]+-", "", node.lower_name)  # -webkit-image-set is image-set
                if name == "url":
                    values = [a for a in node.arguments if a.type not in ("whitespace", "comment")]
                    if not (len(values) == 1 and values[0].type == "string"
                            and values[0].value.strip().lower().startswith("data:")):
                        problems.append(f"url({tinycss2.serialize(node.arguments)[:80]})")
                elif name not in _CSS_FUNCTIONS:
                    problems.append(f"{node.lower_name}()")
                else:
                    walk(node.arguments)
            elif kind == "at-keyword":  # an at-rule nested in a block's raw content (@page { @top-left {} })
                if re.sub(r"^-[a-z]+-", "", node.lower_value) not in _CSS_AT_RULES:
                    problems.append(f"@{node.lower_value}")
            elif kind in ("() block", "[] block", "{} block"):
                walk(node.content)
            elif kind == "at-rule":
                if re.sub(r"^-[a-z]+-", "", node.lower_at_keyword) not in _CSS_AT_RULES:
                    problems.append(f"@{node.lower_at_keyword}")
                else:
                    walk(node.prelude)
                    walk(node.content)
            elif kind == "qualified-rule":
                walk(node.prelude)
                walk(node.content)
            else:  # bad-url, bad-string, parse errors
                problems.append(f"unreadable CSS ({kind})")

    if declarations:
        walk(tinycss2.parse_component_value_list(text))
    else:
        walk(tinycss2.parse_stylesheet(text))
    if len(_CSS_CHECKED) > 64:
        _CSS_CHECKED.clear()
    _CSS_CHECKED[key] = problems
    return problems


def asset_name(url: str) -> str | None:
    """The asset name under VIRTUAL_ROOT that ``url`` names, or None (``..``, NUL, anywhere else)."""
    import urllib.parse

    if not url.startswith(VIRTUAL_ROOT):
        return None
    relative = urllib.parse.unquote(url[len(VIRTUAL_ROOT):].split("?")[0].split("#")[0])
    parts = [p for p in relative.split("/") if p not in ("", ".")]
    if not parts or ".." in parts or "\x00" in relative:
        return None
    return "/".join(parts)


def data_url(url: str) -> tuple[str, bytes]:
    """The MIME type and bytes of a ``data:`` URL; ValueError when its payload cannot be decoded."""
    import base64
    import urllib.parse

    header, _, payload = url.partition(",")
    mime = header[5:].split(";")[0] or "text/plain"
    content = base64.b64decode(payload) if header.endswith(";base64") else urllib.parse.unquote_to_bytes(payload)
    return mime, content


def read_asset(name: str, user: TemplateSet | None) -> bytes:
    if user is not None and f"assets/{name}" in user.files:
        return user.files[f"assets/{name}"]
    cached = _BUILTIN_CACHE.get(name)
    if cached is None:
        # Through the assets folder's descriptor, no link out of it, a regular file (reportgen.safe_open).
        try:
            cached = read_beneath(builtin_assets(), name, MAX_ASSET_BYTES)
        except OSError:
            raise TemplateError(f"asset not found: {name}") from None
        _BUILTIN_CACHE[name] = cached
    return cached


def inline_css(name: str, user: TemplateSet | None) -> Markup:
    """A stylesheet's text for a <style> element of the self-contained HTML."""
    try:
        text = read_asset(name, user).decode("utf-8")
    except UnicodeDecodeError:
        raise TemplateError(f"stylesheet {name} is not UTF-8") from None
    problems = css_problems(text)
    if problems:
        raise TemplateError(f"stylesheet {name} loads an external resource or uses CSS outside the whitelist "
                            f"({', '.join(dict.fromkeys(problems[:3]))}); the HTML brief must stay self-contained")
    return Markup(text)
