"""Incremental builds: what a change rebuilds, judged by content hashes, never by mtimes.

These build small sets with ``--jobs 1`` and, where the brief's rendering does not matter,
``--format json`` (the model only), so that each step costs about a second.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from buildkit import (
    HISTORY,
    Variant,
    background,
    brief_digests,
    children,
    make_variants,
    model_name,
    poll,
    reportgen,
    skip_if_templates_changed,
    snapshot,
    summary_names,
    templates_fingerprint,
    variant_text,
)

_TEMPLATES: dict[str, str] = {}  # the built-in templates' fingerprint when the running test started


@pytest.fixture(autouse=True)
def _templates_at_start() -> None:
    _TEMPLATES["start"] = templates_fingerprint()


def _build(root: Path, *options: str) -> dict[str, list[str]]:
    run = reportgen("build", "inputs", "--out", "outputs", "--jobs", "1", "--json", *options, cwd=root)
    skip_if_templates_changed(_TEMPLATES["start"], "what a build rebuilt")
    assert run.code == 0, str(run)
    return summary_names(run.json())


@pytest.fixture
def three(tmp_path: Path) -> tuple[Path, list[Variant]]:
    variants = make_variants(tmp_path / "inputs", 3)
    assert _build(tmp_path, "--format", "json")["built"] == sorted(v.stem for v in variants)
    return tmp_path, variants


def test_content_change_rebuilds_that_brief_only_and_touch_rebuilds_nothing(three: tuple[Path, list[Variant]]) -> None:
    root, variants = three
    out = root / "outputs"
    all_stems = sorted(v.stem for v in variants)
    changed, touched, _ = variants

    before = snapshot(out)
    with changed.path.open("a", encoding="utf-8") as handle:
        handle.write("# reviewed by the desk\n")
    names = _build(root, "--format", "json")
    assert names == {"built": [changed.stem], "skipped": sorted(set(all_stems) - {changed.stem}), "failed": []}
    after = snapshot(out)
    rewritten = {name for name in after if after[name] != before.get(name)}
    assert f"{changed.stem}/model.json" in rewritten
    others = tuple(f"{v.stem}/" for v in variants if v is not changed)
    assert not any(name.startswith(others) for name in rewritten), sorted(rewritten)

    # touch: a newer mtime, the same bytes
    before = snapshot(out)
    future = time.time() + 120
    for variant in variants:
        os.utime(variant.path, (future, future))
    os.utime(variants[2].path.parent / HISTORY, (future, future))
    names = _build(root, "--format", "json")
    assert names == {"built": [], "skipped": all_stems, "failed": []}
    assert snapshot(out) == before
    assert touched.stem in names["skipped"]


def test_data_file_change_rebuilds_the_briefs_that_read_it(three: tuple[Path, list[Variant]]) -> None:
    root, variants = three
    readers = [v.stem for v in variants if v.base.startswith("nordlicht")]
    assert readers, "no variant reads the history CSV"
    csv = root / "inputs" / HISTORY
    csv.write_text(csv.read_text(encoding="utf-8").replace("2026Q3,135.0", "2026Q3,136.5"), encoding="utf-8")
    names = _build(root, "--format", "json")
    assert names["built"] == sorted(readers)
    assert names["skipped"] == sorted(v.stem for v in variants if v.stem not in readers)


def test_option_change_rebuilds(three: tuple[Path, list[Variant]]) -> None:
    root, variants = three
    all_stems = sorted(v.stem for v in variants)
    assert _build(root, "--format", "json")["built"] == []
    assert _build(root, "--format", "json", "--strict")["built"] == all_stems
    assert _build(root, "--format", "json", "--strict")["built"] == []
    assert _build(root, "--format", "json", "--max-age", "3650")["built"] == all_stems


COVER = ('{% extends "default:brief.html.j2" %}\n'
         '{% block cover %}<header class="cover"><h1>{{ company.name }}</h1><p>HOUSE VIEW %s</p></header>'
         '{% endblock %}\n')


def test_template_edit_rebuilds_all_and_format_change_rebuilds(tmp_path: Path) -> None:
    variants = make_variants(tmp_path / "inputs", 2)
    stems = sorted(v.stem for v in variants)
    templates = tmp_path / "house"
    templates.mkdir()
    (templates / "brief.html.j2").write_text(COVER.replace("%s", "ALPHA"), encoding="utf-8")
    out = tmp_path / "outputs"
    options = ("--templates", "house", "--format", "html")

    assert _build(tmp_path, *options)["built"] == stems
    for variant in variants:
        assert "HOUSE VIEW ALPHA" in (out / variant.stem / "brief.html").read_text(encoding="utf-8")
    assert _build(tmp_path, *options)["built"] == []

    (templates / "brief.html.j2").write_text(COVER.replace("%s", "BETA"), encoding="utf-8")
    assert _build(tmp_path, *options) == {"built": stems, "skipped": [], "failed": []}
    for variant in variants:
        html = (out / variant.stem / "brief.html").read_text(encoding="utf-8")
        assert "HOUSE VIEW BETA" in html and "HOUSE VIEW ALPHA" not in html
        assert model_name(out / variant.stem) is None  # html only: no model.json yet

    # a new file in the templates folder (a stylesheet override) is a template change too
    (templates / "assets").mkdir()
    (templates / "assets" / "brief.css").write_text("body { color: #111; }\n", encoding="utf-8")
    assert _build(tmp_path, *options)["built"] == stems

    # an option: another set of formats
    before = {v.stem: brief_digests(out / v.stem) for v in variants}
    names = _build(tmp_path, "--templates", "house", "--format", "html,json")
    assert names["built"] == stems
    for variant in variants:
        assert model_name(out / variant.stem) == variant.name
        assert brief_digests(out / variant.stem)["brief.html"] == before[variant.stem]["brief.html"], \
            "the same templates and input gave another brief.html"
    assert _build(tmp_path, "--templates", "house", "--format", "json,html")["built"] == [], \
        "the order of --format is not an option change"


def test_input_saved_during_its_build_is_rebuilt_next_time(tmp_path: Path) -> None:
    variants = make_variants(tmp_path / "inputs", 2)
    edited = variants[0]
    build = background("build", "inputs", "--out", "outputs", "--jobs", "2", "--format", "json",
                       cwd=tmp_path, logs=tmp_path / "first")
    try:
        # the pool's workers are spawned once every input has been read into its job
        poll(lambda: children(build.pid) or not build.running(), 120, "the build's worker processes",
             describe=lambda: str(build))
        assert build.running(), f"the build ended before the input could be saved:\n{build}"
        edited.path.write_text(variant_text(edited.base, edited.name + " Saved Meanwhile", edited.post_money),
                               encoding="utf-8")
        code = build.wait(300)
    finally:
        build.kill()
    assert code == 0, str(build)
    assert model_name(tmp_path / "outputs" / edited.stem) == edited.name  # built from the bytes it read

    names = _build(tmp_path, "--format", "json")
    assert edited.stem in names["built"], "the brief built from the old input is taken as up to date"
    assert model_name(tmp_path / "outputs" / edited.stem) == edited.name + " Saved Meanwhile"
