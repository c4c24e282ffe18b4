"""Fixtures of the build tests.

The expensive builds are made ONCE per test run, not once per xdist worker (``run_once`` in
tests/conftest.py): the first worker that needs one builds it under a file lock in the run's shared
temporary folder, and every other worker reads the result. Tests never write into these shared folders: a
test that rebuilds copies first.

- ``batch``: 10 distinct inputs (2 invalid) built in one ``reportgen build inputs/ --json``.
- ``trio``: 3 of those inputs built again, alone, into a fresh folder (the local path compared with
  the batch and with Dask).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from buildkit import REPORTGEN, Batch, Run, Trio, Variant, make_variants, reportgen, templates_fingerprint

BATCH_SIZE = 10  # enough for two workers to interleave and for the index over many; each brief costs 2-3 CPU-s
INVALID = {3: "range", 7: "unknown"}
TRIO = (0, 1, 2)  # one variant of each example (the third reads the history CSV)


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
                        "--jobs", "2", cwd=batch.root)
        if templates_fingerprint() != templates:
            templates = "changed during the build"
        return {"run": dataclasses.asdict(run), "templates": templates}

    folder, data = run_once("trio", make)
    return Trio(folder / "outputs", Run(**data["run"]), variants, data["templates"])
