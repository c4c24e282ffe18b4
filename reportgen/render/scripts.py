"""The only scripts a published page may run, and the Content-Security-Policy that allows them.

The brief has no script by default. Two pages may carry reportgen's own inline scripts, allowed by
their sha256 hash in the page's policy: the index (``assets/index.js``: sorting, filtering, search)
and an HTML brief built with ``--html-charts interactive`` (the Vega, Vega-Lite and vega-embed
runtimes from vl-convert, and ``assets/charts.js``, which draws the chart specs). render/boundary.py
refuses any other script, and a page whose policy does not list exactly the scripts it holds.
"""

from __future__ import annotations

import base64
import hashlib
import os
from functools import cache

from markupsafe import Markup

from reportgen.errors import TemplateError
from reportgen.paths import builtin_assets
from reportgen.render.environment import CONTENT_SECURITY_POLICY

_NONE = "script-src 'none'"


def script_hash(text: str) -> str:
    """The CSP source of an inline script: 'sha256-<base64>' of its text as the browser reads it."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def policy_for(scripts: list[str]) -> str:
    """reportgen's policy, with script-src allowing exactly ``scripts`` (their texts), in that order."""
    if not scripts:
        return CONTENT_SECURITY_POLICY
    hashes = list(dict.fromkeys(script_hash(text) for text in scripts))
    return CONTENT_SECURITY_POLICY.replace(_NONE, "script-src " + " ".join(hashes))


def is_reportgen_policy(content: str) -> bool:
    """reportgen's policy, with script-src 'none' or a list of sha256 hashes (which ones the page may
    list is the boundary's check)."""
    before, _, after = CONTENT_SECURITY_POLICY.partition(_NONE)
    if not (content.startswith(before) and content.endswith(after)):
        return False
    middle = content[len(before):len(content) - len(after)]
    if middle == _NONE:
        return True
    if not middle.startswith("script-src "):
        return False
    sources = middle[len("script-src "):].split(" ")
    return bool(sources) and all(s.startswith("'sha256-") and s.endswith("'") and len(s) == 53 for s in sources)


def _check(text: str, name: str) -> str:
    # An inline script ends at the first "</script"; "<!--" changes how the parser finds that end.
    if "</script" in text.lower() or "<!--" in text:
        raise TemplateError(f"script {name} cannot be inlined (it holds </script or <!--)")
    return text


@cache
def builtin_script(name: str) -> str:
    """One of reportgen's own scripts (assets/NAME.js), never a user template's."""
    with open(os.path.join(builtin_assets(), name), encoding="utf-8") as handle:
        return _check(handle.read(), name)


@cache
def vega_runtime() -> str:
    """The Vega, Vega-Lite and vega-embed runtimes in one script (vl-convert bundles them offline,
    the same versions that draw the static SVG charts), with assets/charts.js, which draws the brief's
    charts with them, in one script."""
    import vl_convert

    return _check(vl_convert.javascript_bundle(builtin_script("charts.js")), "vega runtime")


def inline(text: str) -> Markup:
    return Markup(text)  # our own script, checked by _check: written as it is
