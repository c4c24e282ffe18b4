"""The same inputs give byte-identical files: in two folders, alone or in a batch of 6, locally or on
Dask; and ``reportgen verify`` tells an intact folder from a tampered one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from buildkit import (
    Batch,
    Trio,
    brief_digests,
    copy_tree,
    reportgen,
    skip_if_templates_changed,
    snapshot,
    summary_names,
)


def _differences(a: Path, b: Path) -> list[str]:
    left, right = brief_digests(a), brief_digests(b)
    return sorted(name for name in set(left) | set(right) if left.get(name) != right.get(name))


def test_two_builds_in_two_folders_are_byte_identical(batch: Batch, trio: Trio) -> None:
    assert trio.run.code == 0, str(trio.run)
    if trio.templates != batch.templates:
        skip_if_templates_changed("", "two builds made at different times")
    for variant in trio.variants:
        alone, in_batch = trio.out / variant.stem, batch.out / variant.stem
        files = brief_digests(alone)
        assert {"brief.pdf", "brief.html", "model.json"} <= set(files)
        assert any(name.startswith("charts/") and name.endswith(".svg") for name in files)
        assert _differences(alone, in_batch) == [], variant.stem


def test_verify_passes_an_intact_folder_and_fails_a_tampered_one(batch: Batch, trio: Trio, tmp_path: Path) -> None:
    out = copy_tree(trio.out, tmp_path / "outputs")
    variant = trio.variants[0]
    before = snapshot(out)
    run = reportgen("verify", variant.relative, "--out", out, cwd=batch.root)
    skip_if_templates_changed(trio.templates, "a rebuild compared with an earlier build")
    assert run.code == 0, str(run)
    assert "0 different, 0 missing, 0 failed" in run.stdout, str(run)
    assert snapshot(out) == before, "verify changed the folder it checks"

    model = out / variant.stem / "model.json"
    model.write_bytes(model.read_bytes().replace(b'"name"', b'"nane"', 1))
    chart = sorted((out / variant.stem / "charts").glob("*.svg"))[0]
    chart.write_bytes(chart.read_bytes() + b"\n")
    # The files tampered with are model.json and a chart: verify rebuilds and compares those formats only (the
    # brief.html of an html,json build is the same file); the intact PDF was verified above.
    run = reportgen("verify", variant.relative, "--out", out, "--format", "html,json", cwd=batch.root)
    assert run.code != 0, str(run)
    differs = {line.split(": ", 1)[1] for line in run.stdout.splitlines() if line.startswith("differs: ")}
    assert differs == {str(model), str(chart)}, str(run)


def _comparable(summary: dict[str, Any]) -> dict[str, Any]:
    """A --json summary without what legitimately differs between two runs (times, the folder)."""
    return {
        "names": summary_names(summary),
        "warnings": sorted((e["input"], tuple(e["warnings"])) for e in summary["built"]),
        "errors": sorted((e["input"], tuple(e["errors"])) for e in summary["failed"]),
        "index": summary["index"] is not None,
        "exit_code": summary["exit_code"],
    }


def test_dask_path_gives_the_same_files_and_summary_as_the_local_path(batch: Batch, trio: Trio,
                                                                      tmp_path: Path) -> None:
    out = tmp_path / "outputs"
    # One Dask worker: the path (scheduler, serialised jobs, results sent back) is the subject, not how many
    # workers share it; a second one cost its own imports and chart-engine start (about 2.6 s of CPU).
    run = reportgen("build", *(v.relative for v in trio.variants), "--out", out, "--json", "--dask", "--jobs", "1",
                    cwd=batch.root, timeout=400)
    skip_if_templates_changed(trio.templates, "a build compared with an earlier build")
    assert run.code == 0, str(run)
    assert _comparable(run.json()) == _comparable(trio.run.json())
    assert summary_names(run.json())["built"] == sorted(v.stem for v in trio.variants)
    for variant in trio.variants:
        assert _differences(out / variant.stem, trio.out / variant.stem) == [], variant.stem
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in trio.out.iterdir())
    assert (out / "index.html").read_bytes() == (trio.out / "index.html").read_bytes()
