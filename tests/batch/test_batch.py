"""A batch of 6 inputs, 2 of them invalid: what is built, what is reported, and what a rebuild with
nothing changed does (nothing, without importing the rendering stack)."""

from __future__ import annotations

import re
from pathlib import Path

from buildkit import (
    BRIEF_FILES,
    HEAVY_MODULES,
    Batch,
    brief_problems,
    copy_tree,
    counts,
    modules_after_cli,
    reportgen,
    skip_if_templates_changed,
    snapshot,
    summary_names,
)


def test_batch_builds_every_valid_input_and_fails_the_two_invalid(batch: Batch) -> None:
    run = batch.run
    assert run.code == 1, str(run)
    summary = run.json()
    names = summary_names(summary)
    assert names["built"] == sorted(v.stem for v in batch.valid), str(run)
    assert names["failed"] == sorted(v.stem for v in batch.invalid), str(run)
    assert names["skipped"] == []
    assert summary["exit_code"] == 1
    assert len(batch.valid) == 4

    built = sorted(p.name for p in batch.out.iterdir() if p.is_dir() and not p.name.startswith("."))
    assert built == sorted(v.stem for v in batch.valid), "a folder for a failed input, or one missing"
    for variant in batch.valid:
        folder = batch.out / variant.stem
        assert sorted(p.name for p in folder.iterdir() if p.is_file()) == sorted(BRIEF_FILES)
        assert not brief_problems(folder), brief_problems(folder)
    for variant in batch.invalid:
        assert not (batch.out / variant.stem).exists()


def test_batch_outputs_are_distinct_and_each_is_its_own_input(batch: Batch) -> None:
    """The 4 briefs are 4 different documents: each model.json carries its own input's name and
    price (a batch that wrote one company's figures into another's folder fails here)."""
    import json

    seen_pdfs = set()
    for variant in batch.valid:
        model = json.loads((batch.out / variant.stem / "model.json").read_text(encoding="utf-8"))
        assert model["company"]["name"] == variant.name
        assert variant.name in (batch.out / variant.stem / "brief.html").read_text(encoding="utf-8")
        assert f"{variant.post_money:g}" in json.dumps(model), variant.stem
        seen_pdfs.add((batch.out / variant.stem / "brief.pdf").read_bytes())
    assert len(seen_pdfs) == len(batch.valid)
    index = (batch.out / "index.html").read_text(encoding="utf-8")
    assert all(v.name in index for v in batch.valid)
    assert not any(v.name in index for v in batch.invalid)


def test_json_summary_gives_each_error_located(batch: Batch) -> None:
    failed = {Path(entry["input"]).stem: entry["errors"] for entry in batch.run.json()["failed"]}
    for variant in batch.invalid:
        line, field = variant.invalid  # type: ignore[misc]
        located = f"{variant.relative}:{line}: {field}:"
        assert any(error.startswith(located) for error in failed[variant.stem]), (located, failed[variant.stem])


def test_rebuild_of_the_batch_reports_the_errors_and_touches_nothing(batch: Batch, tmp_path: Path) -> None:
    """All 6 again into a copy: 0 built, 4 up to date, the 2 failures listed again with file:line:
    field in the plain summary, exit 1, and not one file rewritten."""
    copy_tree(batch.inputs, tmp_path / "inputs")
    out = copy_tree(batch.out, tmp_path / "outputs")
    before = snapshot(out)
    run = reportgen("build", "inputs", "--out", "outputs", cwd=tmp_path)
    skip_if_templates_changed(batch.templates, "an up-to-date rebuild")
    assert run.code == 1, str(run)
    assert counts(run.stderr) == (0, 4, 2), str(run)
    assert re.search(r"^plan: 2 to build, 4 up to date$", run.stderr, re.MULTILINE), str(run)
    for variant in batch.invalid:
        line, field = variant.invalid  # type: ignore[misc]
        assert re.search(rf"^error: {re.escape(variant.relative)}:{line}: {re.escape(field)}: ", run.stderr,
                         re.MULTILINE), str(run)
    assert snapshot(out) == before


def test_noop_rebuild_builds_nothing_changes_nothing_imports_nothing_heavy(batch: Batch, tmp_path: Path) -> None:
    copy_tree(batch.inputs, tmp_path / "inputs")
    out = copy_tree(batch.out, tmp_path / "outputs")
    before = snapshot(out)
    valid = [v.relative for v in batch.valid]
    run, modules = modules_after_cli(["build", *valid, "--out", "outputs"], cwd=tmp_path)
    skip_if_templates_changed(batch.templates, "a no-op rebuild")
    assert run.code == 0, str(run)
    assert counts(run.stderr) == (0, 4, 0), str(run)
    assert snapshot(out) == before, "a no-op build rewrote files"
    assert {m for m in HEAVY_MODULES if modules[m]} == set(), modules
    assert not modules["reportgen.render"] and not modules["reportgen.charts"], modules

    # --json says the same
    run = reportgen("build", *valid, "--out", "outputs", "--json", cwd=tmp_path)
    assert run.code == 0, str(run)
    names = summary_names(run.json())
    assert names == {"built": [], "skipped": sorted(v.stem for v in batch.valid), "failed": []}
    assert {entry["reason"] for entry in run.json()["skipped"]} == {"up to date"}
    assert snapshot(out) == before


def test_importtime_of_a_noop_build_lists_no_rendering_module(batch: Batch, tmp_path: Path) -> None:
    """The same promise seen from ``python -X importtime -m reportgen``: every module the process
    imported, including ones a later ``del sys.modules[...]`` would hide."""
    import subprocess

    from buildkit import PYTHON, env

    copy_tree(batch.inputs, tmp_path / "inputs")
    copy_tree(batch.out, tmp_path / "outputs")
    done = subprocess.run([str(PYTHON), "-X", "importtime", "-m", "reportgen", "build",
                           *(v.relative for v in batch.valid[:4]), "--out", "outputs"],
                          cwd=tmp_path, capture_output=True, text=True, env=env(), timeout=300, check=False)
    skip_if_templates_changed(batch.templates, "a no-op rebuild")
    assert done.returncode == 0, done.stderr[-3000:]
    imported = set(re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*([\w.]+)$", done.stderr, re.MULTILINE))
    assert "reportgen.batch.plan" in imported, "importtime output not understood"
    heavy = sorted(m for m in imported if m.split(".")[0] in HEAVY_MODULES)
    assert heavy == []
