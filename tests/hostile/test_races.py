"""Family 10: races. A file swapped for a link (or a FIFO) while a build reads it.

The folder checks once resolved a path with realpath and opened it afterwards. Swapping the file for a link
in between (a rename-exchange loop) let an outside file through: a history file's first line was echoed in the
error, every key and value of an outside YAML file was echoed for an input, and a template's secret was
published in brief.html. The same race raised OSError (EINVAL) from realpath, caught nowhere, and 7 of 12
builds of a batch ended in a traceback. A FIFO swapped in for a template hung the build for ever while it held
the lock. Now every name is opened through its folder's descriptor without following links
(reportgen/safe_open.py), and the descriptor that fstat checked is the one read.

Each race runs as a bounded loop: a separate process swaps the two names with renameat2(RENAME_EXCHANGE) for
a fixed time while this one reads in a loop for the same time. Every read must give the folder's own file or
a clean, located error, never a byte of the outside file; and the loop must see both states (the swapper
really ran while it read).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hostilekit import (
    MARKER,
    Case,
    Workspace,
    assert_clean_failure,
    extending,
    params,
    reportgen,
    write_templates,
    yaml_text,
)

F = "races"
SECONDS = 2.0  # of each in-process race loop

CASES = [
    Case(F, "x-race-input-swapped-for-link", "error", "input"),
    Case(F, "x-race-history-swapped-for-link", "error", "history"),
    Case(F, "x-race-template-swapped-for-link", "error", "template"),
    Case(F, "x-race-input-folder-swapped-for-link", "error", "subfolder"),
    Case(F, "x-race-planner-hash", "error", "planner"),
    Case(F, "x-race-batch-goes-on", "error", "batch"),
    Case(F, "x-fifo-template", "error", "fifo"),
    Case(F, "x-guard-link-inside-followed", "inert", "inside"),
]

_SWAPPER = r"""
import ctypes, os, signal, sys, time
a, b, seconds = sys.argv[1].encode(), sys.argv[2].encode(), float(sys.argv[3])
libc = ctypes.CDLL(None, use_errno=True)
stop = []
signal.signal(signal.SIGTERM, lambda *_: stop.append(1))  # the reads it races with are over
print("ready", flush=True)
end = time.monotonic() + seconds
count = 0
while time.monotonic() < end and not stop:
    if libc.renameat2(-100, a, -100, b, 2) != 0:  # AT_FDCWD, RENAME_EXCHANGE
        sys.exit(f"renameat2: {os.strerror(ctypes.get_errno())}")
    count += 1
print(count, flush=True)
"""


def _exchange_supported(folder: Path) -> bool:
    libc = ctypes.CDLL(None, use_errno=True)
    if not hasattr(libc, "renameat2"):
        return False
    a, b = folder / ".probe-a", folder / ".probe-b"
    a.write_text("a")
    b.write_text("b")
    try:
        return libc.renameat2(-100, bytes(a), -100, bytes(b), 2) == 0
    finally:
        a.unlink()
        b.unlink()


@contextlib.contextmanager
def swapping(a: Path, b: Path, seconds: float, until_done: bool = False) -> Iterator[subprocess.Popen]:
    """Exchange ``a`` and ``b`` in a separate process, as fast as it can, for ``seconds``; with ``until_done``,
    at most ``seconds``: it stops when the block ends (a spinning swapper costs a core for as long as it runs)."""
    if not _exchange_supported(a.parent):
        pytest.skip("renameat2(RENAME_EXCHANGE) is not supported here")
    process = subprocess.Popen([sys.executable, "-c", _SWAPPER, str(a), str(b), str(seconds)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    try:
        yield process
    finally:
        if until_done and process.poll() is None:
            process.terminate()
        try:
            _, err = process.communicate(timeout=seconds + 30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise
        assert process.returncode == 0, err


def race(a: Path, b: Path, read: Callable[[], str]) -> dict[str, int]:
    """``read()`` in a loop while ``a`` and ``b`` are exchanged; how often each outcome came back."""
    outcomes: dict[str, int] = {}
    with swapping(a, b, SECONDS):
        end = time.monotonic() + SECONDS
        while time.monotonic() < end:
            outcome = read()
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def _secret_yaml(folder: Path) -> Path:
    """An outside YAML file whose every key and value must stay unseen."""
    path = folder / "outside.yaml"
    path.write_text(f"schema: reportgen/v1\n{MARKER}: {MARKER}\n", encoding="utf-8")
    return path


# --- inputs, history files, templates, the input's folder --------------------------------------------

@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.data == "input"))
def test_input_swapped_for_a_link_never_reads_the_outside_file(case: Case, tmp_path: Path) -> None:
    from reportgen.contract.load import parse_bundle
    from reportgen.contract.source import read_input
    from reportgen.errors import SpecError

    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "acme.yaml").write_text(yaml_text(), encoding="utf-8")
    os.symlink(_secret_yaml(tmp_path), inputs / "swap.yaml")

    def read() -> str:
        try:
            bundle = read_input(str(inputs / "acme.yaml"))
        except SpecError as exc:  # nothing else may come out: no OSError(EINVAL) from a racing lookup
            assert MARKER not in str(exc)
            return "refused" if "outside its folder" in str(exc) else str(exc)
        assert MARKER.encode() not in bundle.content
        try:
            parse_bundle(bundle)
        except SpecError as exc:
            assert MARKER not in str(exc)
        return "read"

    outcomes = race(inputs / "acme.yaml", inputs / "swap.yaml", read)
    assert set(outcomes) == {"read", "refused"}, outcomes


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.data == "history"))
def test_history_swapped_for_a_link_never_reads_the_outside_file(case: Case, tmp_path: Path) -> None:
    from reportgen.contract.source import read_input

    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "acme.yaml").write_text(yaml_text(**{"revenue.history": "history.csv"}), encoding="utf-8")
    (inputs / "history.csv").write_text("period,revenue\n2024,1\n", encoding="utf-8")
    outside = tmp_path / "outside.csv"
    outside.write_text(f"{MARKER},revenue\n2024,1\n", encoding="utf-8")
    os.symlink(outside, inputs / "swap.csv")

    def read() -> str:
        bundle = read_input(str(inputs / "acme.yaml"))
        assert all(MARKER.encode() not in d.content for d in bundle.data)
        assert all(MARKER not in str(p) for p in bundle.problems)
        return "read" if bundle.data else "refused"

    outcomes = race(inputs / "history.csv", inputs / "swap.csv", read)
    assert set(outcomes) == {"read", "refused"}, outcomes


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.data == "template"))
def test_template_swapped_for_a_link_never_reads_the_outside_file(case: Case, tmp_path: Path) -> None:
    from reportgen.errors import TemplateError
    from reportgen.render.environment import read_template_dir

    templates = write_templates(tmp_path / "templates", {"brief.html.j2": extending(footer="house view")})
    secret = tmp_path / "secret.txt"
    secret.write_text(MARKER, encoding="utf-8")
    os.symlink(secret, templates / "swap.html.j2")

    def read() -> str:
        try:
            found = read_template_dir(str(templates))
        except TemplateError as exc:
            assert MARKER not in str(exc)
            return "refused"
        assert all(MARKER.encode() not in content for content in found.files.values())
        return "read"

    outcomes = race(templates / "brief.html.j2", templates / "swap.html.j2", read)
    # One name is a link out at any moment, so most walks are refused; a walk that opened each name while
    # it was the file reads the file twice. The link's target is never read, under either name.
    assert "refused" in outcomes, outcomes


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.data == "subfolder"))
def test_input_folder_swapped_for_a_link_is_not_entered(case: Case, tmp_path: Path) -> None:
    """``inputs/sub`` swapped for a link to an outside folder holding a file of the same name: the input's
    folder is opened through the folder the operator named, without following links."""
    from reportgen.contract.source import read_input
    from reportgen.errors import SpecError

    inputs = tmp_path / "inputs"
    (inputs / "sub").mkdir(parents=True)
    (inputs / "sub" / "acme.yaml").write_text(yaml_text(), encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "acme.yaml").write_text(f"schema: reportgen/v1\n{MARKER}: {MARKER}\n", encoding="utf-8")
    os.symlink(elsewhere, inputs / "swap")

    def read() -> str:
        try:
            bundle = read_input(str(inputs / "sub" / "acme.yaml"), root=str(inputs))
        except SpecError as exc:
            assert MARKER not in str(exc)
            return "refused"
        assert MARKER.encode() not in bundle.content
        return "read"

    outcomes = race(inputs / "sub", inputs / "swap", read)
    assert set(outcomes) == {"read", "refused"}, outcomes


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.data == "planner"))
def test_planner_hashes_never_see_the_outside_file(case: Case, tmp_path: Path) -> None:
    """The planner's hashes go through the same guard: the hash of the outside file never comes back (it
    would make an outside file's change rebuild a brief), and a racing lookup raises nothing."""
    import hashlib

    from reportgen.batch.plan import folder_digest, input_sha256

    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "acme.yaml").write_text(yaml_text(), encoding="utf-8")
    secret = _secret_yaml(tmp_path)
    os.symlink(secret, inputs / "swap.yaml")
    outside = hashlib.sha256(secret.read_bytes()).hexdigest()

    def read() -> str:
        sha = input_sha256(str(inputs / "acme.yaml"))
        assert sha != outside
        folder_digest(str(inputs))  # must not raise
        return "read" if sha else "refused"

    outcomes = race(inputs / "acme.yaml", inputs / "swap.yaml", read)
    assert set(outcomes) == {"read", "refused"}, outcomes


# --- the whole batch, end to end -------------------------------------------------------------------------

@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.data == "batch"))
def test_one_racing_input_fails_alone(case: Case, tmp_path: Path) -> None:
    """12 inputs, one of them swapped for a link to an outside file during the whole build: the build ends
    with exit 0 or 1 and no traceback, the 11 others are built, and the racing one is built from its own file
    or fails with its located error. Nothing of the outside file is shown. Two builds: one in a pool of two
    workers (which read the inputs the planner hashed), one in process (where an exception the build does not
    catch would end it with a traceback). The swapper runs while they do, and stops when they end."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    names = [f"company-{i:02d}" for i in range(12)]
    for name in names:
        (inputs / f"{name}.yaml").write_text(yaml_text(**{"company.name": name}), encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    os.symlink(_secret_yaml(tmp_path / "elsewhere"), inputs / ".swap.yaml")
    racer = names[5]
    with swapping(inputs / f"{racer}.yaml", inputs / ".swap.yaml", 120, until_done=True) as swapper:
        runs = [reportgen("build", "inputs", "--out", "out", "--json", "--jobs", jobs, "--format", "json",
                          "--force", cwd=tmp_path, timeout=120) for jobs in ("2", "1")]
        assert swapper.poll() is None, "the swapper stopped before the builds ended"
    for run in runs:
        assert run.code in (0, 1), str(run)
        assert "Traceback" not in run.output and "internal error" not in run.output, str(run)
        assert MARKER not in run.output, str(run)
        summary = json.loads(run.stdout)
        built = {Path(item["input"]).stem for item in summary["built"]}
        failed = {Path(item["input"]).stem: item["errors"] for item in summary["failed"]}
        assert built | set(failed) == set(names), str(run)
        assert set(failed) <= {racer}, str(run)
        for error in failed.get(racer, []):
            assert error.startswith(f"inputs/{racer}.yaml:1: (file): "), error
    model = (tmp_path / "out" / racer / "model.json")
    assert not model.exists() or MARKER not in model.read_text(encoding="utf-8")


# --- a FIFO where a template was ---------------------------------------------------------------------------

@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.data == "fifo"))
def test_fifo_template_fails_promptly(case: Case, ws: Workspace, tmp_path: Path) -> None:
    from reportgen.errors import TemplateError
    from reportgen.render.environment import read_template_dir

    templates = tmp_path / "templates"
    (templates / "partials").mkdir(parents=True)
    os.mkfifo(templates / "brief.html.j2")
    started = time.monotonic()
    with pytest.raises(TemplateError, match=r"brief\.html\.j2: is not a regular file"):
        read_template_dir(str(templates))
    assert time.monotonic() - started < 2
    ws.write(yaml_text())
    started = time.monotonic()
    run = ws.expect_error("--templates", templates, "--format", "html", timeout=60,
                          contains="brief.html.j2: is not a regular file")
    assert_clean_failure(run)
    assert time.monotonic() - started < 30, "the build should refuse the FIFO at once"


# --- the guard itself ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.data == "inside"))
def test_guard_follows_links_inside_and_refuses_the_rest(case: Case, tmp_path: Path) -> None:
    from reportgen.safe_open import Folder, NotRegular, OutsideFolder

    root = tmp_path / "root"
    (root / "data").mkdir(parents=True)
    (root / "data" / "real.csv").write_text("inside", encoding="utf-8")
    (tmp_path / "outside.csv").write_text(MARKER, encoding="utf-8")
    os.symlink(root / "data" / "real.csv", root / "absolute.csv")  # absolute, inside
    os.symlink("data/real.csv", root / "relative.csv")
    os.symlink("data", root / "dir-link")
    os.symlink("../outside.csv", root / "dotdot.csv")
    os.symlink(tmp_path / "outside.csv", root / "out.csv")
    os.symlink("data/../../outside.csv", root / "sneaky.csv")
    os.symlink("loop.csv", root / "loop.csv")
    os.mkfifo(root / "fifo.csv")
    with Folder(str(root)) as folder:
        for name in ("data/real.csv", "absolute.csv", "relative.csv", "dir-link/real.csv", "data/./real.csv"):
            assert folder.read(name, 100) == b"inside", name
        for name in ("dotdot.csv", "out.csv", "sneaky.csv", "../outside.csv", "data/../../outside.csv",
                     str(tmp_path / "outside.csv")):
            with pytest.raises(OutsideFolder):
                folder.read(name, 100)
        with pytest.raises(OSError, match="too many levels"):
            folder.read("loop.csv", 100)
        started = time.monotonic()
        with pytest.raises(NotRegular):
            folder.read("fifo.csv", 100)
        assert time.monotonic() - started < 1
        walked = {name: problem for name, fd, problem in folder.walk() if fd is None or os.close(fd)}
    assert walked["out.csv"] == walked["dotdot.csv"] == walked["sneaky.csv"] == "link out"
    assert walked["fifo.csv"] == "not regular"
    assert "dir-link/real.csv" not in walked  # a link to a folder is not entered
