"""Family 8 (faults), continued: the parent killed with SIGKILL.

After ``kill -9`` of the build alone, its two spawned workers (about 180 MB each) and multiprocessing's resource
tracker stayed for over a minute. Each worker, and the one-brief PDF helper, now ends when its parent dies
(reportgen.batch.lifeline.end_with_parent: PR_SET_PDEATHSIG on Linux, and a thread that polls getppid()),
and the resource tracker ends once no process holds its pipe any more. Pool workers are forked from the
build's forkserver (reportgen/processes.py), which ends when the build's end closes its pipe: the workers'
parent is the forkserver, so they end with it.

The tests start a real build in a subprocess, kill -9 the parent once its workers exist, and poll (for at most
10 s) until every process it had started is gone.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostilekit import REPORTGEN, Case, params, yaml_text

F = "faults"
GONE_WITHIN = 10.0

CASES = [
    Case(F, "f-parent-killed-pool-workers-end", "error", "pool"),
    Case(F, "f-parent-killed-pdf-helper-ends", "error", "helper"),
    Case(F, "f-worker-watchdog-polls-its-parent", "error", "poll"),
    Case(F, "f-worker-death-signal", "error", "signal"),
]


def _children(pid: int) -> dict[int, str]:
    """Live (not zombie) processes whose parent is ``pid``, with their command lines."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                command = handle.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found[int(entry)] = command
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait_for(condition, timeout: float, interval: float = 0.1) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def _kill_parent_and_watch(parent: subprocess.Popen, children: dict[int, str]) -> list[str]:
    """kill -9 the parent alone; the command lines of its children still alive after GONE_WITHIN seconds."""
    try:
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=30)
        _wait_for(lambda: not any(_alive(pid) for pid in children), GONE_WITHIN)
        return [command for pid, command in children.items() if _alive(pid)]
    finally:
        for pid in children:  # processes this test started: never leave them behind
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _start_build(root: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, NO_COLOR="1", TERM="dumb")
    return subprocess.Popen([str(REPORTGEN), "build", *args, "--out", "out", "--force"], cwd=root, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _spawned(pid: int) -> dict[int, str]:
    return {p: c for p, c in _children(pid).items() if "spawn_main" in c or "resource_tracker" in c}


def _pool_workers(pid: int) -> dict[int, str]:
    """The workers forked from the forkservers that ``pid`` started."""
    return {worker: command for server, line in _children(pid).items() if "forkserver" in line
            for worker, command in _children(server).items()}


def _started(pid: int) -> dict[int, str]:
    """Every process ``pid`` started, directly or through its forkserver."""
    found = _children(pid)
    for server, line in list(found.items()):
        if "forkserver" in line:
            found.update(_children(server))
    return found


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.data == "pool"))
def test_pool_workers_end_with_their_parent(case: Case, tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for i in range(4):
        (inputs / f"company-{i}.yaml").write_text(yaml_text(), encoding="utf-8")
    parent = _start_build(tmp_path, "inputs", "--jobs", "2")
    try:
        assert _wait_for(lambda: len(_pool_workers(parent.pid)) >= 2, 60), "the build did not start its two workers"
        time.sleep(0.5)  # the workers are past their start-up checks, in their warm-up
        children = _started(parent.pid)
    except BaseException:
        parent.kill()
        parent.wait()
        raise
    assert len(_pool_workers(parent.pid)) >= 2 and any("forkserver" in c for c in children.values())
    left = _kill_parent_and_watch(parent, children)
    assert left == [], f"still running {GONE_WITHIN:g} s after the parent was killed: {left}"


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.data == "helper"))
def test_pdf_helper_ends_with_its_parent(case: Case, tmp_path: Path) -> None:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    if cores < 2:
        pytest.skip("the one-brief PDF helper starts only with a second core")
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "acme.yaml").write_text(yaml_text(), encoding="utf-8")
    parent = _start_build(tmp_path, "inputs/acme.yaml")
    try:
        assert _wait_for(lambda: any("spawn_main" in c for c in _children(parent.pid).values()), 60), \
            "the build did not start its PDF helper"
        children = _spawned(parent.pid)
    except BaseException:
        parent.kill()
        parent.wait()
        raise
    left = _kill_parent_and_watch(parent, children)
    assert left == [], f"still running {GONE_WITHIN:g} s after the parent was killed: {left}"


_PARENT = r"""
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", sys.argv[1]])
print(child.pid, flush=True)
time.sleep(120)
"""
_WORKER = r"""
import time
import reportgen.batch.lifeline as lifeline
if {no_signal}:
    lifeline._death_signal = lambda: None  # the poll alone
lifeline.end_with_parent(interval={interval})
time.sleep(120)
"""


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.data in ("poll", "signal")))
def test_end_with_parent(case: Case) -> None:
    """Each of the two mechanisms alone ends a process whose parent is killed: the getppid() poll (the death
    signal disabled), and the kernel's death signal (the poll too slow to matter)."""
    if case.data == "signal" and not sys.platform.startswith("linux"):
        pytest.skip("PR_SET_PDEATHSIG is Linux's")
    worker = _WORKER.format(no_signal=case.data == "poll", interval=0.1 if case.data == "poll" else 3600)
    parent = subprocess.Popen([sys.executable, "-c", _PARENT, worker], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    try:
        assert _wait_for(lambda: _alive(child) and "reportgen-parent-watchdog" in _threads(child), 30), \
            "the worker did not arm its watchdog"
    except BaseException:
        parent.kill()
        parent.wait()
        os.kill(child, signal.SIGKILL)
        raise
    left = _kill_parent_and_watch(parent, {child: "worker"})
    assert left == []


def _threads(pid: int) -> str:
    """"reportgen-parent-watchdog" once the worker runs a second thread (its watchdog; Linux names Python's
    threads for the kernel only from Python 3.14, so the task count stands in for the name), else ""."""
    try:
        return "reportgen-parent-watchdog" if len(os.listdir(f"/proc/{pid}/task")) >= 2 else ""
    except OSError:
        return ""
