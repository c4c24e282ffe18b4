"""Fixtures of the build tests.

The expensive builds are made ONCE per test run, not once per xdist worker (``run_once`` in
tests/conftest.py): the first worker that needs one builds it under a file lock in the run's shared
temporary folder, and every other worker reads the result. Tests never write into these shared folders: a
test that rebuilds copies first.

- ``batch``: 6 distinct inputs (2 invalid) built in one ``reportgen build inputs/ --json``.
- ``trio``: 2 of those inputs built again, alone, into a fresh folder, one after the other in the build's own
  process (``--jobs 1``: no worker pool to start), compared with the batch (a pool of 2 workers) and with Dask.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from buildkit import REPORTGEN, Batch, Run, Trio, Variant, make_variants, reportgen, templates_fingerprint

# 4 valid briefs (each example at least once: anthropic, meridian, nordlicht twice) and the 2 kinds of planted
# error: two workers each build two briefs, so they interleave, and the index lists several. Each brief costs
# 2-3 CPU-s; more of them prove nothing more.
BATCH_SIZE = 6
INVALID = {3: "range", 4: "unknown"}
TRIO = (0, 2)  # anthropic, and nordlicht, which reads the history CSV (meridian adds no other path)


def _variant(data: dict[str, Any]) -> Variant:
    data = dict(data, path=Path(data["path"]))
    if data["invalid"] is not None:
        data["invalid"] = tuple(data["invalid"])
    return Variant(**data)


def _asdict(variant: Variant) -> dict[str, Any]:
    return dict(dataclasses.asdict(variant), path=str(variant.path))


@pytest.fixture(scope="session")
def batch(run_once: Any) -> Batch:
    assert REPORTGEN.is_file(), f"{REPORTGEN} is missing: install the package into .venv (make test)"

    def make(folder: Path) -> dict[str, Any]:
        variants = make_variants(folder / "inputs", BATCH_SIZE, invalid=INVALID)
        templates = templates_fingerprint()
        run = reportgen("build", "inputs", "--out", "outputs", "--json", "--jobs", "2", cwd=folder, timeout=900)
        if templates_fingerprint() != templates:
            templates = "changed during the build"
        return {"run": dataclasses.asdict(run), "variants": [_asdict(v) for v in variants], "templates": templates}

    folder, data = run_once("batch", make)
    return Batch(folder, folder / "inputs", folder / "outputs", Run(**data["run"]),
                 [_variant(v) for v in data["variants"]], data["templates"])


@pytest.fixture(scope="session")
def trio(run_once: Any, batch: Batch) -> Trio:
    variants = [batch.variants[i] for i in TRIO]

    def make(folder: Path) -> dict[str, Any]:
        templates = templates_fingerprint()
        run = reportgen("build", *(v.relative for v in variants), "--out", folder / "outputs", "--json",
                        "--jobs", "1", cwd=batch.root)
        if templates_fingerprint() != templates:
            templates = "changed during the build"
        return {"run": dataclasses.asdict(run), "templates": templates}

    folder, data = run_once("trio", make)
    return Trio(folder / "outputs", Run(**data["run"]), variants, data["templates"])
