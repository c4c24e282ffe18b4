"""``reportgen watch``: the first build, a saved change rebuilt, an invalid save reported while the last
good brief stays, and Ctrl-C.

One watch session goes through the steps, polling each with a deadline, and records what it saw
(once per test run, shared by the xdist workers like the batch); the tests judge the records.
"""

from __future__ import annotations

import dataclasses
import re
import signal
from pathlib import Path
from typing import Any

import pytest
from buildkit import (
    Batch,
    background,
    brief_digests,
    brief_problems,
    children,
    cmdline,
    copy_tree,
    counts,
    inotify_watches,
    poll,
    sha256,
    skip_if_templates_changed,
    variant_text,
)


def _save(path: Path, text: str) -> None:
    """As an editor saves: a new file renamed over the old one."""
    temporary = path.with_name(f".{path.name}.swp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


@dataclasses.dataclass
class Session:
    stderr: str
    edited_name: str
    first_counts: tuple[int, int, int] | None = None
    change_counts: tuple[int, int, int] | None = None
    invalid_counts: tuple[int, int, int] | None = None
    model_after_change: str = ""
    problems_after_change: list[str] = dataclasses.field(default_factory=list)
    other_untouched: bool = False
    located: str = ""
    kept_after_invalid: bool = False
    helpers_at_ctrl_c: list[int] = dataclasses.field(default_factory=list)
    code: int | None = None
    kept_after_stop: bool = False


@pytest.fixture(scope="session")
def session(batch: Batch, run_once: Any) -> Session:
    _, data = run_once("watch", lambda root: dataclasses.asdict(_watch_session(batch, root)))
    for name in ("first_counts", "change_counts", "invalid_counts"):
        data[name] = tuple(data[name]) if data[name] is not None else None
    seen = Session(**data)
    skip_if_templates_changed(batch.templates, "what the watch rebuilt")
    return seen


def _watch_session(batch: Batch, root: Path) -> Session:
    edited, other = batch.valid[0], batch.valid[1]
    inputs = root / "inputs"
    inputs.mkdir()
    for variant in (edited, other):
        (inputs / variant.path.name).write_bytes(variant.path.read_bytes())
    out = copy_tree(batch.out, root / "outputs")
    folder, model = out / edited.stem, out / edited.stem / "model.json"

    watch = background("watch", "inputs", "--out", "outputs", "--jobs", "1", cwd=root, logs=root / "watch")
    seen = Session("", edited.name + " Watched")
    describe = lambda: str(watch)  # noqa: E731
    try:
        # 1. the first build; then wait until the watcher really watches (a save before that is lost)
        poll(lambda: counts(watch.stderr) or not watch.running(), 120, "the first build's summary", describe=describe)
        seen.first_counts = counts(watch.stderr)
        poll(lambda: inotify_watches(watch.pid) > 0 or not watch.running(), 60, "the watcher to watch",
             describe=describe)

        # 2. a saved change
        first = sha256(model)
        untouched = brief_digests(out / other.stem)
        _save(inputs / edited.path.name, variant_text(edited.base, seen.edited_name, edited.post_money + 5))
        poll(lambda: sha256(model) != first or not watch.running(), 60, "model.json to change", describe=describe)
        poll(lambda: len(re.findall(r"^\d+ built, ", watch.stderr, re.MULTILINE)) >= 2 or not watch.running(), 60,
             "the rebuild's summary", describe=describe)
        seen.change_counts = counts(watch.stderr)
        seen.model_after_change = model.read_text(encoding="utf-8")
        seen.problems_after_change = brief_problems(folder)
        seen.other_untouched = brief_digests(out / other.stem) == untouched
        good = brief_digests(folder)

        # 3. an invalid save
        broken = variant_text(edited.base, edited.name + " Broken", edited.post_money + 6).replace(
            "  run_rate:", "  run_rate: lots #", 1)
        line = next(n for n, text in enumerate(broken.splitlines(), 1) if text.startswith("  run_rate: lots"))
        seen.located = f"inputs/{edited.path.name}:{line}: revenue.run_rate:"
        _save(inputs / edited.path.name, broken)
        poll(lambda: re.search(r"^\d+ built, \d+ up to date, [1-9]\d* failed", watch.stderr, re.MULTILINE)
             or not watch.running(), 60, "the failed build's summary", describe=describe)
        seen.invalid_counts = counts(watch.stderr)
        seen.kept_after_invalid = brief_digests(folder) == good

        # 4. Ctrl-C: a terminal signals the whole foreground process group
        seen.helpers_at_ctrl_c = [pid for pid in children(watch.pid)
                                  if "spawn_main" in cmdline(pid) and "resource_tracker" not in cmdline(pid)]
        watch.signal_group(signal.SIGINT)
        seen.code = watch.wait(60)
        seen.kept_after_stop = brief_digests(folder) == good
    finally:
        watch.kill()
        seen.stderr = watch.stderr
    return seen


def test_watch_first_build_finds_the_briefs_up_to_date(session: Session) -> None:
    assert session.first_counts == (0, 2, 0), session.stderr


def test_watch_rebuilds_exactly_the_saved_input(session: Session) -> None:
    assert session.change_counts == (1, 0, 0), session.stderr
    assert f'"name": "{session.edited_name}"' in session.model_after_change
    assert session.problems_after_change == []
    assert session.other_untouched, "a change to one input rebuilt another"


def test_watch_reports_an_invalid_save_and_keeps_the_last_good_brief(session: Session) -> None:
    assert session.invalid_counts == (0, 0, 1), session.stderr
    assert re.search(rf"^error: {re.escape(session.located)} must be a number", session.stderr,
                     re.MULTILINE), session.stderr
    assert session.kept_after_invalid, "an invalid save replaced the last good brief"


def test_watch_exits_zero_on_ctrl_c_and_keeps_the_brief(session: Session) -> None:
    assert session.code == 0, session.stderr
    assert session.kept_after_stop
    assert "reportgen/cli/" not in session.stderr, session.stderr


def test_watch_ctrl_c_right_after_a_rebuild_prints_no_python_error(session: Session) -> None:
    if not session.helpers_at_ctrl_c:
        pytest.skip("no helper process was alive at Ctrl-C (a one-CPU machine does not spawn it)")
    assert "Traceback" not in session.stderr and "Fatal Python error" not in session.stderr, \
        session.stderr
