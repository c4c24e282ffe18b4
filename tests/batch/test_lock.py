"""The output folder's lock: a second build while one runs is refused with a clear message, and
``--wait SECONDS`` queues it instead."""

from __future__ import annotations

import re
import time
from pathlib import Path

from buildkit import background, counts, make_variants, model_name, poll, reportgen, snapshot


def test_second_build_is_refused_while_the_first_holds_the_lock_and_wait_queues_it(tmp_path: Path) -> None:
    variants = make_variants(tmp_path / "inputs", 2)
    out = tmp_path / "outputs"
    first = background("build", "inputs", "--out", "outputs", "--jobs", "1", "--format", "pdf,json",
                       cwd=tmp_path, logs=tmp_path / "first")
    try:
        # "plan:" is printed once the lock is held
        poll(lambda: re.search(r"^plan: 2 to build", first.stderr, re.MULTILINE) or not first.running(), 120,
             "the first build to take the lock", describe=lambda: str(first))
        assert first.running(), str(first)

        refused = reportgen("build", variants[0].path, "--out", "outputs", "--format", "json", cwd=tmp_path)
        assert first.running(), "the first build ended before the second was refused: nothing was tested"
        assert refused.code == 75, str(refused)  # EX_TEMPFAIL: cron may retry
        assert "another build is running" in refused.stderr and "nothing was built" in refused.stderr, str(refused)
        assert "Traceback" not in refused.stderr, str(refused)
        assert "plan:" not in refused.stderr, "the refused build planned anyway"

        # queued: it starts once the first is done, and finds everything up to date
        assert first.running()
        queued = reportgen("build", "inputs", "--out", "outputs", "--jobs", "1", "--format", "pdf,json",
                           "--wait", "300", cwd=tmp_path, timeout=400)
        first_code = first.wait(30)
    finally:
        first.kill()
    assert first_code == 0, str(first)
    assert queued.code == 0, str(queued)
    # it planned only after the first build had written both briefs: it waited for the lock
    assert counts(queued.stderr) == (0, 2, 0), str(queued)
    assert counts(first.stderr) == (2, 0, 0), str(first)
    assert all(model_name(out / v.stem) == v.name for v in variants)


def test_wait_gives_up_after_its_seconds(tmp_path: Path) -> None:
    """The lock held (as a running build holds it), ``--wait 2`` waits about 2 s, then refuses."""
    from filelock import FileLock

    [variant] = make_variants(tmp_path / "inputs", 1)
    out = tmp_path / "outputs"
    (out / ".reportgen").mkdir(parents=True)
    before = snapshot(out)
    with FileLock(str(out / ".reportgen" / "build.lock")):
        started = time.monotonic()
        run = reportgen("build", variant.path, "--out", out, "--format", "json", "--wait", "2", cwd=tmp_path)
        waited = time.monotonic() - started
    assert run.code == 75, str(run)  # EX_TEMPFAIL, not 1: nothing failed, the folder was busy
    assert "another build is running" in run.stderr, str(run)
    assert waited >= 2, f"returned after {waited:.1f} s: --wait 2 did not wait"
    assert snapshot(out) == before
    assert not (out / variant.stem).exists()
