"""The what-changed box links to the company's history page only when earlier versions are kept: with
``--keep 0`` there is no history page, so no link to one (a link that leads nowhere is a broken brief)."""

from __future__ import annotations

import json

from buildkit import EXAMPLES

from reportgen.batch.options import BuildOptions
from reportgen.contract.load import load_spec
from reportgen.pipeline import RenderOptions, render_brief

LINK = '<a href="history.html">'


def test_the_history_link_follows_whether_versions_are_kept() -> None:
    earlier = render_brief(load_spec(str(EXAMPLES / "meridian-2026.yaml"),
                                     overrides={"valuation.post_money": 11000}), RenderOptions(formats=("json",)))
    previous = json.loads(earlier.files["model.json"])
    spec = load_spec(str(EXAMPLES / "meridian-2026.yaml"))
    kept = render_brief(spec, RenderOptions(formats=("html",)), previous=previous).files["brief.html"].decode()
    none = render_brief(spec, RenderOptions(formats=("html",), history_link=False),
                        previous=previous).files["brief.html"].decode()
    assert LINK in kept and LINK not in none


def test_keeping_no_versions_is_another_output_and_other_keeps_are_not() -> None:
    base = BuildOptions().output_digest()
    assert BuildOptions(keep_versions=3).output_digest() == base
    assert BuildOptions(keep_versions=0).output_digest() != base
