"""Settings of the whole suite, loaded before any test module is imported.

- Hypothesis profiles: "ci" (the default: 30 examples a test, no deadline) keeps ``make test`` short;
  ``HYPOTHESIS_PROFILE=thorough`` runs every property test with the example counts its module states
  (the profile's ``max_examples`` is a ceiling the modules read through ``settings.default``).
- ``run_once``: the expensive builds that many tests read (the three examples, the hostile suite's good brief,
  the batch suite's) are made once per test run and shared by the xdist workers.
- ``REPORTGEN_CHART_CACHE_DIR``: one chart cache for every build of the test run (the builds of the same
  figures in many output folders draw their charts once; entries are held to the guard on every read, as in
  an output folder's own cache). The hostile suite's workspaces keep their own (tests/hostile/hostilekit.py ws).
- ``SOURCE_DATE_EPOCH``: the build time on the index, feed and archive, fixed for byte-identical pages.
- ``REPORTGEN_TEMPLATE_TIME_LIMIT``: the seconds of CPU time the limited child that renders user templates
  may spend (reportgen/render/isolated.py; 20 s outside the tests). A runaway template meets it in every run of
  the hostile suite, so the tests shorten it to 8 s; a real brief renders in 0.1 s and lays out in 1 to 3.5 s of
  CPU time, the most on a crowded 2-core machine (CPU time, unlike wall time, hardly grows with the load).

Test modules never import this file (``import conftest`` would give whichever conftest pytest loaded last).
"""

from __future__ import annotations

import ast
import functools
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from clikit import CHART_CACHE_VARIABLE, run_folder
from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

os.environ.setdefault("REPORTGEN_TEMPLATE_TIME_LIMIT", "8")
# The reportgen processes the tests start cache their bytecode, whatever the environment says (the Makefile
# unsets it for pytest itself): compiling the package again in each of them cost 0.5 s of CPU a process.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
# The build time the index, feed and archive show (reportgen/batch/archive.py build_time): fixed, so two builds
# of the same inputs give the same index bytes (tests/batch/test_reproducible.py) whenever they run.
os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z


# --- builds made once per test run --------------------------------------------------------------------------

@pytest.fixture(scope="session")
def run_once(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, Callable[[Path], Any]], tuple[Path, Any]]:
    """``run_once(name, make) -> (folder, result)``: ``make(folder)`` runs once per test run, not once per xdist
    worker. The first worker that asks makes it under a file lock in the run's temporary folder (the parent of
    each worker's basetemp), its JSON-able result kept in folder/done.json; every later caller reads that.
    Tests never write into such a folder: a test that rebuilds copies it first. A ``make`` that raised leaves
    no done.json, so the next caller starts again in an emptied folder (and fails the same way)."""
    from filelock import FileLock

    base = run_folder(tmp_path_factory)

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


@pytest.fixture(scope="session", autouse=True)
def shared_chart_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The run's chart cache (``REPORTGEN_CHART_CACHE_DIR``), shared by the xdist workers and every build they
    start; a command given ``env=clikit.OWN_CHART_CACHE`` keeps its charts in its output folder."""
    folder = run_folder(tmp_path_factory) / "chart-cache"
    folder.mkdir(exist_ok=True)
    previous = os.environ.get(CHART_CACHE_VARIABLE)
    os.environ[CHART_CACHE_VARIABLE] = str(folder)
    try:
        yield folder
    finally:
        if previous is None:
            os.environ.pop(CHART_CACHE_VARIABLE, None)
        else:
            os.environ[CHART_CACHE_VARIABLE] = previous


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

def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """xdist's loadgroup scheduling with the groups of ``worker_group``. (xdist 3.8 would read ``xdist_group``
    marks into each test's id, which pytest 9 no longer lets a plugin change: the scheduler asks instead.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    root = config.rootpath

    class Grouped(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return worker_group(root, nodeid) or super()._split_scope(nodeid)

    return Grouped(config, log)


def worker_group(root: Path, nodeid: str) -> str | None:
    """The tests that use a module- or session-scoped fixture of their own module (a batch of hostile inputs,
    a template override, a --strict build, the Nu checker's run), directly or through another fixture of the
    module, run on one xdist worker, so that the fixture is made once rather than once per worker; so do the
    tests that drive the session's Chromium (``browser``). A fixture made through ``run_once`` is shared by
    the workers already, but a worker that asks for it while the other makes it waits idle: the tests of each
    of the biggest shared builds (``SHARED_GROUPS``) run on one worker, which makes it while the other worker
    runs other tests. Every other test goes wherever a worker is free."""
    path, _, rest = nodeid.partition("::")
    if not path.endswith(".py") or not rest:
        return None
    group = _module_groups(str(root / path)).get(rest.split("::")[-1].split("[")[0])
    return path if group == "<module>" else group


# Session builds made through run_once that take 20-40 s (fixture name -> group): the hostile suite's two
# batches (tests/hostile/hostilekit.py) and the batch suite's (tests/batch/conftest.py).
SHARED_GROUPS = {"shared_batch": "hostile-shared", "shared_html_batch": "hostile-shared-html", "batch": "batch-session"}


@functools.cache
def _module_groups(filename: str) -> dict[str, str]:
    """{test function name: group} of one test module, read from its source."""
    try:
        tree = ast.parse(Path(filename).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return {}
    functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
    arguments = {f.name: {a.arg for a in f.args.args} for f in functions}
    fixtures: dict[str, str] = {}  # name -> scope
    for function in functions:
        for decorator in function.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            target = call.func if call else decorator
            if isinstance(target, ast.Attribute) and target.attr == "fixture":
                scope = next((k.value.value for k in (call.keywords if call else [])
                              if k.arg == "scope" and isinstance(k.value, ast.Constant)), "function")
                fixtures[function.name] = scope
    wide = {name for name, scope in fixtures.items()
            if scope in ("module", "session") and "run_once" not in arguments[name]}
    changed = True
    while changed:  # a fixture of the module that uses one of them
        grown = wide | {name for name in fixtures if arguments[name] & wide}
        changed, wide = grown != wide, grown
    groups = {}
    for function in functions:
        if not function.name.startswith("test") or function.name in fixtures:
            continue
        shared = sorted(arguments[function.name] & SHARED_GROUPS.keys())
        if "browser" in arguments[function.name]:
            groups[function.name] = "chromium"
        elif shared:
            groups[function.name] = SHARED_GROUPS[shared[0]]
        elif arguments[function.name] & wide:
            groups[function.name] = "<module>"
    return groups


if os.environ.get("REPORTGEN_TEST_CPU_LOG"):  # where the suite's CPU goes: one line per test (JSON: test, wall, cpu)
    import resource
    import time

    def _cpu(who: int) -> float:
        usage = resource.getrusage(who)
        return usage.ru_utime + usage.ru_stime

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(item: pytest.Item, nextitem: Any) -> Iterator[None]:
        wall, own, children = time.monotonic(), _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
        yield
        own, children = _cpu(resource.RUSAGE_SELF) - own, _cpu(resource.RUSAGE_CHILDREN) - children
        # own: this worker process; children: the processes it waited for meanwhile (not their orphans)
        line = json.dumps({"test": item.nodeid, "wall": time.monotonic() - wall, "cpu": own + children, "own": own})
        with open(os.environ["REPORTGEN_TEST_CPU_LOG"], "a", encoding="utf-8") as log:
            log.write(line + "\n")
