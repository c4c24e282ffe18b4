"""Fixtures of the end-to-end brief tests.

The three example inputs are built ONCE per test run by the real CLI (shared by the xdist workers), in one
multi-brief build (so the same build also gives the intranet index over several briefs). Every test reads
those files; tests that need another build (template overrides, --strict, a second build for
reproducibility, PDF/A) make their own, each once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from briefkit import EXAMPLES, REPORTGEN, Brief, Run, reportgen, write_templates


@pytest.fixture(scope="session", autouse=True)
def shared_pdf_text(tmp_path_factory: pytest.TempPathFactory) -> None:
    """pypdf's text of each PDF extracted once per test run, not once per xdist worker (briefkit.pypdf_text)."""
    import briefkit
    from clikit import run_folder

    briefkit.PDF_TEXT_CACHE = run_folder(tmp_path_factory) / "pdf-text"
    briefkit.PDF_TEXT_CACHE.mkdir(exist_ok=True)


@pytest.fixture(scope="session")
def session_build(run_once: Callable[..., tuple[Path, Any]]) -> tuple[Run, Path]:
    """The three examples in one build, once per test run (the xdist workers share it: tests/conftest.py)."""
    assert REPORTGEN.is_file(), f"{REPORTGEN} is missing: install the package into .venv (make test)"

    def make(folder: Path) -> dict[str, Any]:
        run = reportgen("build", *(f"inputs/{stem}.yaml" for stem in EXAMPLES), "--out", folder / "outputs")
        return dataclasses.asdict(run)

    folder, result = run_once("briefs", make)
    run = Run(**result)
    assert run.code == 0, str(run)
    return run, folder / "outputs"


@pytest.fixture(scope="session")
def outputs(session_build: tuple[Run, Path]) -> Path:
    return session_build[1]


@pytest.fixture(scope="session")
def briefs(outputs: Path) -> dict[str, Brief]:
    return {stem: Brief(outputs / stem) for stem in EXAMPLES}


@pytest.fixture(scope="session")
def anthropic(briefs: dict[str, Brief]) -> Brief:
    return briefs["anthropic-2026"]


@pytest.fixture(scope="session")
def nordlicht(briefs: dict[str, Brief]) -> Brief:
    return briefs["nordlicht-2026"]


@pytest.fixture
def build_with(tmp_path: Path) -> Callable[..., tuple[Run, Path]]:
    """``build_with({relative path: content}, *options)``: a --templates folder with those files, and
    a build of the worked example into a fresh folder with it. Returns the run and the output folder."""
    counter = iter(range(1000))

    def build(files: dict[str, str | bytes], *options: str, inputs: tuple[str, ...] = ("inputs/anthropic-2026.yaml",),
              out: Path | None = None) -> tuple[Run, Path]:
        number = next(counter)
        templates = write_templates(tmp_path / f"templates-{number}", files)
        target = out or tmp_path / f"out-{number}"
        return reportgen("build", *inputs, "--out", target, "--templates", templates, *options), target

    return build
