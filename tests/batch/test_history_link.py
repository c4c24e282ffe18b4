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


def test_the_box_and_the_feed_name_each_changed_figure_in_the_same_words() -> None:
    """Both read reportgen/render/labels.py: a figure the box calls "Base-case value to price" is not called
    ``value_to_price`` in the feed, nor anything else."""
    import html
    import re

    from reportgen.render.feed import change_summary
    from reportgen.render.labels import CHANGE_LABELS

    earlier = render_brief(load_spec(str(EXAMPLES / "meridian-2026.yaml"),
                                     overrides={"valuation.post_money": 11000}), RenderOptions(formats=("json",)))
    now = render_brief(load_spec(str(EXAMPLES / "meridian-2026.yaml")), RenderOptions(formats=("html", "json")),
                       previous=json.loads(earlier.files["model.json"]))
    model = json.loads(now.files["model.json"])
    keys = [figure["key"] for figure in model["changes"]["figures"]]
    assert keys and all(key in CHANGE_LABELS for key in keys), keys
    page = html.unescape(re.sub(r"<[^>]+>", "", now.files["brief.html"].decode()))
    _, lines = change_summary(model)
    for key in keys:
        assert f"{CHANGE_LABELS[key]}:" in page, key
        assert any(line.startswith(f"{CHANGE_LABELS[key]}:") for line in lines), (key, lines)
