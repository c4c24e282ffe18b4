"""Settings of the whole suite, loaded before any test module is imported.

- Hypothesis profiles: "ci" (the default: 30 examples a test, no deadline) keeps ``make test`` short;
  ``HYPOTHESIS_PROFILE=thorough`` runs every property test with the example counts its module states
  (the profile's ``max_examples`` is a ceiling the modules read through ``settings.default``).
- ``run_once``: the expensive builds that many tests read (the three examples, the hostile suite's good brief,
  the batch of 20) are made once per test run and shared by the xdist workers.
- ``REPORTGEN_TEMPLATE_TIME_LIMIT``: the limited child that renders user templates waits this many seconds
  (reportgen/render/isolated.py; 20 s outside the tests). A runaway template meets it in every run of the
  hostile suite, so the tests shorten it to 10 s; a real brief renders in 0.1 s and lays out in about 3 s
  (several times that on a crowded 2-core machine).

Test modules never import this file (``import conftest`` would give whichever conftest pytest loaded last).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

os.environ.setdefault("REPORTGEN_TEMPLATE_TIME_LIMIT", "10")


# --- builds made once per test run --------------------------------------------------------------------------

@pytest.fixture(scope="session")
def run_once(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, Callable[[Path], Any]], tuple[Path, Any]]:
    """``run_once(name, make) -> (folder, result)``: ``make(folder)`` runs once per test run, not once per xdist
    worker. The first worker that asks makes it under a file lock in the run's temporary folder (the parent of
    each worker's basetemp), its JSON-able result kept in folder/done.json; every later caller reads that.
    Tests never write into such a folder: a test that rebuilds copies it first. A ``make`` that raised leaves
    no done.json, so the next caller starts again in an emptied folder (and fails the same way)."""
    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent

    def once(name: str, make: Callable[[Path], Any]) -> tuple[Path, Any]:
        folder = base / f"shared-{name}"
        done = folder / "done.json"
        with FileLock(str(base / f"shared-{name}.lock")):
            if not done.is_file():
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir()
                result = make(folder)
                done.write_text(json.dumps(result), encoding="utf-8")
        return folder, json.loads(done.read_text(encoding="utf-8"))

    return once


# --- the headless browser -------------------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, driven by playwright (never a downloaded browser): one per worker, for tests/brief and
    tests/hostile alike (playwright's sync API runs one instance per thread; a second would fail to start)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (the Makefile's test target installs it with apt)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


# --- which tests share a worker (pytest -n 2 --dist loadgroup, set in pyproject.toml) -----------------------

def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The tests that use a module- or session-scoped fixture of their own module (a batch of hostile inputs, a
    template override, a --strict build, the Nu checker's run) run on one xdist worker, so that the fixture is
    made once rather than once per worker;
    the tests that drive the shared headless Chromium (a session fixture) run on one worker too. Every other
    test goes wherever a worker is free."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        module = item.nodeid.split("::")[0]
        group = None
        for name in info.names_closure:
            definitions = info.name2fixturedefs.get(name) or ()
            if not definitions:
                continue
            definition = definitions[-1]
            if name == "browser" and definition.scope == "session":
                group = "chromium"
                break
            if definition.scope in ("module", "session") and definition.baseid == module \
                    and "run_once" not in definition.argnames:  # made through run_once: shared already
                group = module
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
