"""Family 8: faults while building: a full disk, a read-only output folder, a worker killed mid-brief, a
second build while one runs, and what a killed build left behind.

A brief that cannot be written in full replaces nothing (its files are staged, fsynced, then renamed), and
the build says so with exit code 1 and no traceback. A killed worker costs at most its own brief. The
output folder's lock makes a second build stop at once, having written nothing, with exit code 75
(EX_TEMPFAIL: try again later).
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hostilekit import (
    INPUT,
    REPORTGEN,
    Background,
    Case,
    Run,
    Workspace,
    assert_clean_failure,
    assert_unchanged,
    background_job,
    extending,
    params,
    snapshot,
    write_templates,
    yaml_text,
)

from reportgen.errors import EX_TEMPFAIL

F = "faults"
CHANGED = yaml_text(**{"valuation.post_money": 13000})  # same brief name, other figures: every file differs

CASES = [
    Case(F, "f-disk-full-pdf", "error", "-brief.pdf"),
    Case(F, "f-disk-full-model-json", "error", "-model.json"),
    Case(F, "f-disk-full-chart-svg", "error", "/acme/charts/"),
    Case(F, "f-disk-full-manifest", "error", "-manifest.json"),
    # The chart cache only saves time: a full disk there must not fail the brief, which builds (inert).
    Case(F, "f-disk-full-chart-cache", "inert", "/.reportgen/charts/"),
    Case(F, "f-readonly-brief-folder", "error", "acme"),
    Case(F, "f-readonly-output-folder", "error", "."),
    Case(F, "f-out-is-a-file", "error", None),
    Case(F, "f-lock-held", "error", 0),
    Case(F, "f-lock-held-with-wait", "error", 1),
    Case(F, "f-second-build-while-one-runs", "error", None),
    Case(F, "f-worker-killed", "inert", None),
    Case(F, "f-leftover-temp-files", "inert", None),
    # One generation: a brief's files are all new or all old, whatever stands in the way of one of them.
    Case(F, "f-folder-on-brief-pdf", "error", "brief.pdf"),
    Case(F, "f-folder-on-chart", "error", "charts"),
    Case(F, "f-rename-fails-midway", "error", 2),
    Case(F, "f-put-back-fails", "error", None),
]


# --- a full disk ---------------------------------------------------------------------------------------

class _FullDisk:
    """A file object whose writes fail as on a full disk."""

    def __init__(self, handle: Any):
        self.handle = handle

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.handle, name)


def full_disk_os(needle: str) -> types.ModuleType:
    """``os`` for reportgen.atomic, in which writing a file whose path contains ``needle`` fails."""

    class DiskFullOs(types.ModuleType):
        def __getattr__(self, name: str) -> Any:
            return getattr(os, name)

        def fdopen(self, fd: int, *args: Any, **kwargs: Any) -> Any:
            handle = os.fdopen(fd, *args, **kwargs)
            return _FullDisk(handle) if needle in os.readlink(f"/proc/self/fd/{fd}") else handle

    return DiskFullOs("os")


# The same, around the real CLI: a subprocess that patches reportgen.atomic, then runs reportgen's main.
_HARNESS = f"""
import sys
if __name__ == "__main__":
    sys.path[:0] = [{str(Path(__file__).parent)!r}, {str(Path(__file__).parents[1])!r}]  # the kits
    import reportgen.atomic as atomic
    from test_faults import full_disk_os
    atomic.os = full_disk_os(sys.argv[1])
    sys.argv = ["reportgen", *sys.argv[2:]]
    from reportgen.cli import main
    main()
"""


def _cli_on_full_disk(ws: Workspace, needle: str) -> Run:
    argv = ["build", INPUT, "--out", "out"]
    env = dict(os.environ, NO_COLOR="1", COLUMNS="200", TERM="dumb")
    done = subprocess.run([sys.executable, "-c", _HARNESS, needle, *argv], cwd=ws.root, capture_output=True,
                          timeout=120, env=env, check=False)
    return Run(argv, done.returncode, done.stdout.decode(), done.stderr.decode())


@pytest.fixture(scope="session")
def changed_charts(run_once: Any) -> Path:
    """The chart cache of the CHANGED input, built once per run: copied into a workspace, it makes the rebuild
    write nothing to the cache, so that the whole output folder, cache included, must stay byte-identical."""
    from hostilekit import build_once

    return build_once(run_once, "hostile-changed", CHANGED) / ".reportgen" / "charts"


def warm(ws: Workspace, charts: Path) -> None:
    for path in charts.iterdir():
        target = ws.out / ".reportgen" / "charts" / path.name
        if not target.exists():
            target.write_bytes(path.read_bytes())


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.id == "f-disk-full-pdf"))
def test_disk_full_while_writing_the_pdf(case: Case, ws: Workspace, changed_charts: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process: the write of brief.pdf fails with ENOSPC; the previous brief stays byte-identical."""
    import reportgen.atomic as atomic
    from reportgen.batch.options import BuildOptions
    from reportgen.batch.orchestrate import build

    ws.write(CHANGED)
    warm(ws, changed_charts)
    before = ws.snapshot()
    monkeypatch.chdir(ws.root)
    monkeypatch.setattr(atomic, "os", full_disk_os(case.data))
    events: list[tuple[str, Any]] = []
    report = build([INPUT], BuildOptions(out_dir="out"), on_event=lambda kind, payload: events.append((kind, payload)))
    monkeypatch.undo()
    assert report.exit_code == 1
    assert [r.status for r in report.results] == ["failed"]
    (error,) = report.failed[0].errors
    assert error.startswith(f"{INPUT}: could not write out/acme: No space left on device")
    assert "the previous brief is unchanged" in error
    assert [kind for kind, _ in events] == ["plan", "done"]
    assert_unchanged(before, ws.snapshot())


@pytest.mark.parametrize("case", params(CASES, outcome="error", where=lambda c: c.id.startswith("f-disk-full-")
                                        and c.id != "f-disk-full-pdf"))
def test_disk_full_through_the_cli(case: Case, ws: Workspace, changed_charts: Path) -> None:
    ws.write(CHANGED)
    warm(ws, changed_charts)
    before = ws.snapshot()
    run = _cli_on_full_disk(ws, case.data)
    assert_clean_failure(run)
    assert "No space left on device" in run.output, str(run)
    if "the previous brief is unchanged" in run.output or case.id != "f-disk-full-manifest":
        assert_unchanged(before, ws.snapshot())
    assert not list(ws.out.rglob(".tmp-*"))


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.id == "f-disk-full-chart-cache"))
def test_disk_full_in_the_chart_cache_still_builds_the_brief(case: Case, ws: Workspace) -> None:
    """The cache is not warmed, so every chart is drawn and its cache write fails with ENOSPC: the brief is
    built all the same, with its charts, and the cache is left as it was, without temporary files."""
    ws.write(CHANGED)
    cache = ws.out / ".reportgen" / "charts"
    cached = snapshot(cache)
    previous = (ws.out / "acme" / "model.json").read_bytes()
    run = _cli_on_full_disk(ws, case.data)
    assert run.code == 0, str(run)
    assert "Traceback" not in run.output and "internal error" not in run.output, str(run)
    assert f"built {INPUT}" in run.output, str(run)
    assert (ws.out / "acme" / "model.json").read_bytes() != previous  # the CHANGED brief replaced the old one
    assert json.loads((ws.out / "acme" / "model.json").read_text())
    assert sorted(p.name for p in (ws.out / "acme" / "charts").glob("*.svg"))
    assert snapshot(cache) == cached
    assert not list(ws.out.rglob(".tmp-*"))


# --- read-only output ------------------------------------------------------------------------------------

@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """``folder``'s current contents on a tmpfs mounted read-only over it (chmod does not stop root)."""
    saved = folder.parent / (folder.name + ".saved")
    os.rename(folder, saved)
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder)], capture_output=True,
                             check=False)
    if mounted.returncode != 0:
        folder.rmdir()
        os.rename(saved, folder)
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.decode().strip()}); needs root and CAP_SYS_ADMIN")
    try:
        subprocess.run(["cp", "-a", f"{saved}/.", str(folder)], check=True)
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield
    finally:
        if subprocess.run(["umount", str(folder)], capture_output=True, check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.id.startswith("f-readonly-")))
def test_read_only_output(case: Case, ws: Workspace, changed_charts: Path) -> None:
    ws.write(CHANGED)
    warm(ws, changed_charts)
    target = ws.out if case.data == "." else ws.out / case.data
    with read_only(target):
        before = ws.snapshot()
        run = ws.build()
        after = ws.snapshot()
    assert_clean_failure(run)
    assert "Read-only file system" in run.output, str(run)
    if case.data == "acme":
        assert f"{INPUT}: could not write out/acme: Read-only file system; the previous brief is unchanged" \
            in run.output
    assert_unchanged(before, after)


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.id == "f-out-is-a-file"))
def test_out_is_a_file(case: Case, ws: Workspace) -> None:
    ws.write(CHANGED)
    (ws.root / "plain-file").write_text("not a folder\n")
    from hostilekit import reportgen

    run = reportgen("build", INPUT, "--out", "plain-file", cwd=ws.root)
    assert run.code == 2 and "Traceback" not in run.output, str(run)  # the operator's command line: usage
    assert "usage error: --out plain-file: is a file" in run.output, str(run)
    assert (ws.root / "plain-file").read_text() == "not a folder\n"


# --- the lock ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.id.startswith("f-lock-held")))
def test_second_build_while_the_lock_is_held(case: Case, ws: Workspace, changed_charts: Path) -> None:
    from filelock import FileLock

    ws.write(CHANGED)
    warm(ws, changed_charts)
    lock = FileLock(str(ws.out / ".reportgen" / "build.lock"))
    with lock.acquire(timeout=0):
        options = ("--wait", str(case.data)) if case.data else ()
        run = ws.expect_error(*options, code=EX_TEMPFAIL)  # a busy folder, not a failure: cron may retry
    assert "another build is running" in run.output and "nothing was built" in run.output, str(run)


@background_job("f-second-build-while-one-runs")
def _concurrent_builds(ws: Workspace) -> tuple[Workspace, dict[str, str], Run, Run]:
    """Build A holds the lock for TEMPLATE_TIME_LIMIT (a runaway template meets its time limit); build B starts
    once A has printed its plan, which it does while holding the lock."""
    write_templates(ws.root / "templates", {"brief.html.j2": extending(
        footer="{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")})
    ws.write(yaml_text())  # the pre-built brief's input: its charts are cached, A writes nothing before failing
    before = ws.snapshot()
    env = dict(os.environ, NO_COLOR="1", COLUMNS="200", TERM="dumb")
    argv = ["build", INPUT, "--out", "out", "--templates", str(ws.root / "templates")]
    first = subprocess.Popen([str(REPORTGEN), *argv], cwd=ws.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=env, start_new_session=True)
    try:
        assert first.stderr is not None
        reader = io.TextIOWrapper(first.stderr, encoding="utf-8")
        seen = []
        for line in reader:
            seen.append(line)
            if line.startswith("plan:"):
                break
        else:
            raise AssertionError("build A printed no plan: " + "".join(seen))
        second = ws.build()
        rest = reader.read()  # until A ends (its template meets the time limit)
        first.wait(90)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
    return ws, before, second, Run(argv, first.returncode, "", "".join(seen) + rest)


@pytest.mark.slow
@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.id == "f-second-build-while-one-runs"))
def test_second_build_while_one_runs(case: Case, background: Background) -> None:
    ws, before, second, first = background.result(case.id)
    assert_clean_failure(second, EX_TEMPFAIL)
    assert "another build is running" in second.output, str(second)
    assert first.code == 1, str(first)  # the runaway template failed A, writing nothing either
    assert_unchanged(before, ws.snapshot())


# --- a worker killed mid-brief -------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.id == "f-worker-killed"))
def test_worker_killed_mid_brief(case: Case, ws: Workspace) -> None:
    """Three briefs on two workers (so one waits in the queue); at the first finished brief, one worker is
    killed (SIGKILL). The briefs it had not finished are retried or fail with a clear message; every other brief
    is built, whole. The inputs differ from the pre-built brief's only in the company's name: their charts
    but one (which shows the name) come from the workspace's chart cache, so the CPU goes to the workers'
    start-ups and the layouts, which the kill is about, not to drawing charts."""
    from reportgen.batch.options import BuildOptions
    from reportgen.batch.orchestrate import build

    names = [f"co{i}" for i in range(3)]
    for i, name in enumerate(names):
        ws.write(yaml_text(**{"company.name": f"Company {i}"}), f"{name}.yaml")
    existing = {p.pid for p in multiprocessing.active_children()}
    killed: list[int] = []

    def on_event(kind: str, payload: Any) -> None:
        if kind == "done" and not killed:
            workers = [p for p in multiprocessing.active_children() if p.pid not in existing and p.is_alive()]
            assert workers, "no pool worker to kill"
            os.kill(workers[0].pid, signal.SIGKILL)
            killed.append(workers[0].pid)

    report = build([str(ws.inputs)], BuildOptions(out_dir=str(ws.out), jobs=2), on_event=on_event)
    assert killed
    by_name = {Path(r.input).stem: r for r in report.results}
    assert sorted(by_name) == names
    for result in report.failed:
        assert any("worker process died" in e for e in result.errors), result.errors
    assert len(report.built) >= len(names) - 1
    assert report.exit_code == (1 if report.failed else 0)
    manifest = json.loads((ws.out / ".reportgen" / "manifest.json").read_text())
    for result in report.built:
        folder = ws.out / result.name
        json.loads((folder / "model.json").read_text(), parse_constant=lambda c: pytest.fail(c))
        import pypdf

        assert len(pypdf.PdfReader(str(folder / "brief.pdf")).pages) > 1
        assert (folder / "brief.html").read_text().rstrip().endswith("</html>")
        assert result.name in manifest["entries"]
    for result in report.failed:
        assert result.name not in manifest["entries"]
    assert not list(ws.out.rglob(".tmp-*"))


# --- what a killed build left behind ----------------------------------------------------------------------

@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.id == "f-leftover-temp-files"))
def test_leftover_temp_files_are_removed(case: Case, ws: Workspace, changed_charts: Path) -> None:
    leftovers = [ws.out / "acme" / ".tmp-k1ll3d-brief.pdf", ws.out / "acme" / "charts" / ".tmp-x-cash.svg",
                 ws.out / ".tmp-y-index.html", ws.out / ".reportgen" / ".tmp-z-manifest.json"]
    for path in leftovers:
        path.write_bytes(b"%PDF-1.7 half a file")
    ws.write(CHANGED)
    warm(ws, changed_charts)  # the charts are not this case's subject: read from the cache, not drawn
    run = ws.build()
    assert run.code == 0, str(run)
    assert [p for p in leftovers if p.exists()] == []
    assert not list(ws.out.rglob(".tmp-*"))
    files = snapshot(ws.out)
    assert {"acme/brief.pdf", "acme/brief.html", "acme/model.json", "index.html"} <= set(files)


# --- one generation: all new or all old ------------------------------------------------------------------

def _squat(path: Path) -> None:
    """A folder (not empty, so that no rename can replace it) where a file of the brief must go."""
    path.unlink()
    path.mkdir()
    (path / "squatter.txt").write_text("in the way\n")


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.id == "f-folder-on-brief-pdf"))
def test_folder_on_a_target_replaces_nothing(case: Case, ws: Workspace, changed_charts: Path) -> None:
    """Issue 16: with a folder on out/acme/brief.pdf and the input changed, brief.html was replaced, model.json
    and the charts stayed old, .tmp-* files stayed behind, and the build said the brief was unchanged."""
    ws.write(CHANGED)
    warm(ws, changed_charts)
    _squat(ws.out / "acme" / case.data)
    before = ws.snapshot()
    run = ws.build()
    assert_clean_failure(run)
    assert (f"{INPUT}: could not write out/acme: {case.data}: is a folder, not a file; the previous brief is "
            "unchanged") in run.output, str(run)
    assert_unchanged(before, ws.snapshot())
    assert not list(ws.out.rglob(".tmp-*"))


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.id == "f-folder-on-chart"))
def test_folder_on_a_chart_replaces_nothing(case: Case, ws: Workspace, changed_charts: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process, a folder on the last chart (renamed after brief.html and brief.pdf): nothing is replaced."""
    from reportgen.batch.options import BuildOptions
    from reportgen.batch.orchestrate import build

    ws.write(CHANGED)
    warm(ws, changed_charts)
    chart = sorted((ws.out / "acme" / case.data).glob("*.svg"))[-1]
    _squat(chart)
    before = ws.snapshot()
    monkeypatch.chdir(ws.root)
    report = build([INPUT], BuildOptions(out_dir="out"))
    assert report.exit_code == 1
    (error,) = report.failed[0].errors
    assert f"charts/{chart.name}: is a folder, not a file; the previous brief is unchanged" in error
    assert_unchanged(before, ws.snapshot())
    assert not list(ws.out.rglob(".tmp-*"))


def _generation(folder: Path) -> list[tuple[str, bytes]]:
    (folder / "sub").mkdir(parents=True, exist_ok=True)
    for name in ("a.txt", "sub/b.txt", "c.txt"):
        (folder / name).write_bytes(b"old " + name.encode())
    return [(str(folder / name), b"new " + name.encode()) for name in ("a.txt", "sub/b.txt", "c.txt", "d.txt")]


def _failing_replace(monkeypatch: pytest.MonkeyPatch, atomic: Any, fail_at: int, put_back_fails: bool) -> None:
    """os.replace in reportgen.atomic fails at its ``fail_at``-th call (1-based) and, with ``put_back_fails``,
    at every call after it (the put-back)."""
    calls = {"n": 0}

    class Os(types.ModuleType):
        def __getattr__(self, name: str) -> Any:
            return getattr(os, name)

        def replace(self, source: str, target: str) -> None:
            calls["n"] += 1
            if calls["n"] == fail_at or (put_back_fails and calls["n"] > fail_at):
                raise OSError(errno.EIO, os.strerror(errno.EIO), target)
            os.replace(source, target)

    monkeypatch.setattr(atomic, "os", Os("os"))


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.id == "f-rename-fails-midway"))
def test_a_failed_rename_puts_the_earlier_files_back(case: Case, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The rename of the third file fails after two were replaced: they are put back, the fourth (new) file
    never appears, and no temporary file or backup link remains."""
    import reportgen.atomic as atomic

    files = _generation(tmp_path)
    before = snapshot(tmp_path)
    _failing_replace(monkeypatch, atomic, case.data + 1, put_back_fails=False)
    with pytest.raises(OSError) as raised:
        atomic.write_all_atomic(files)
    monkeypatch.undo()
    assert not isinstance(raised.value, atomic.PartialWriteError)
    assert snapshot(tmp_path) == before
    atomic.write_all_atomic(files)  # and then it works, all new
    assert {p: Path(p).read_bytes() for p, _ in files} == dict(files)
    assert not list(tmp_path.rglob(".tmp-*"))


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.id == "f-put-back-fails"))
def test_a_failed_put_back_is_reported_as_partial(case: Case, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """When even the put-back fails, the error says the set is mixed, and the build's message says the brief
    is partly new and will be rebuilt, never that it is unchanged; its manifest entry is dropped."""
    import reportgen.atomic as atomic
    from reportgen.batch.job import Result
    from reportgen.batch.options import BuildOptions
    from reportgen.batch.plan import Manifest
    from reportgen.batch.publish import write_brief, write_failure

    folder = tmp_path / "out" / "acme"
    files = _generation(folder)
    _failing_replace(monkeypatch, atomic, 3, put_back_fails=True)
    result = Result(INPUT, "acme", "k", "built", files={Path(p).relative_to(folder).as_posix(): c for p, c in files})
    manifest = Manifest(str(tmp_path / "out" / ".reportgen" / "manifest.json"), entries={"acme": {"key": "old"}})
    options = BuildOptions(out_dir=str(tmp_path / "out"))
    with pytest.raises(atomic.PartialWriteError) as raised:
        write_brief(result, options, manifest, "")
    monkeypatch.undo()
    message = write_failure(result, options, raised.value)
    assert "partly new and partly old" in message and "the next build rebuilds it" in message, message
    assert "unchanged" not in message
    assert "acme" not in manifest.entries
    assert not list(tmp_path.rglob(".tmp-*"))
