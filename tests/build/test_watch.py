"""``reportgen watch``: the first build, a saved change rebuilt, an invalid save reported while the last
good brief stays, and a clean stop."""

from __future__ import annotations

import re
import signal
from pathlib import Path

from buildkit import (
    Batch,
    background,
    brief_digests,
    brief_problems,
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


def test_watch_rebuilds_a_saved_change_keeps_the_last_good_brief_and_stops_cleanly(batch: Batch,
                                                                                  tmp_path: Path) -> None:
    edited, other = batch.valid[0], batch.valid[1]
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for variant in (edited, other):
        (inputs / variant.path.name).write_bytes(variant.path.read_bytes())
    out = copy_tree(batch.out, tmp_path / "outputs")
    folder = out / edited.stem
    model = folder / "model.json"

    watch = background("watch", "inputs", "--out", "outputs", "--jobs", "1", cwd=tmp_path, logs=tmp_path / "watch")
    try:
        # 1. the first build: both briefs are up to date
        poll(lambda: counts(watch.stderr) or not watch.running(), 120, "the first build's summary",
             describe=lambda: str(watch))
        skip_if_templates_changed(batch.templates, "what the watch rebuilt")
        assert counts(watch.stderr) == (0, 2, 0), str(watch)
        poll(lambda: inotify_watches(watch.pid) > 0 or not watch.running(), 60, "the watcher to watch",
             describe=lambda: str(watch))
        assert watch.running(), str(watch)

        # 2. a saved change rebuilds that brief
        first = sha256(model)
        untouched = brief_digests(out / other.stem)
        _save(inputs / edited.path.name, variant_text(edited.base, edited.name + " Watched", edited.post_money + 5))
        poll(lambda: sha256(model) != first or not watch.running(), 60, "model.json to change",
             describe=lambda: str(watch))
        assert watch.running(), str(watch)
        poll(lambda: len(re.findall(r"^\d+ built, ", watch.stderr, re.MULTILINE)) >= 2, 60,
             "the rebuild's summary", describe=lambda: str(watch))
        skip_if_templates_changed(batch.templates, "what the watch rebuilt")
        assert counts(watch.stderr) == (1, 0, 0), str(watch)
        assert '"name": "' + edited.name + ' Watched"' in model.read_text(encoding="utf-8")
        assert brief_problems(folder) == []
        assert brief_digests(out / other.stem) == untouched, "a change to one input rebuilt another"
        good = brief_digests(folder)

        # 3. an invalid save is reported, and the last good brief stays
        broken = variant_text(edited.base, edited.name + " Broken", edited.post_money + 6).replace(
            "  run_rate:", "  run_rate: lots #", 1)
        line = next(n for n, text in enumerate(broken.splitlines(), 1) if text.startswith("  run_rate: lots"))
        _save(inputs / edited.path.name, broken)
        located = f"inputs/{edited.path.name}:{line}: revenue.run_rate:"
        poll(lambda: located in watch.stderr or not watch.running(), 60, f"the error {located!r} on the output",
             describe=lambda: str(watch))
        assert watch.running(), str(watch)
        poll(lambda: re.search(r"^\d+ built, \d+ up to date, 1 failed", watch.stderr, re.MULTILINE), 30,
             "the failed build's summary", describe=lambda: str(watch))
        skip_if_templates_changed(batch.templates, "what the watch rebuilt")
        assert counts(watch.stderr) == (0, 0, 1), str(watch)
        assert brief_digests(folder) == good, "an invalid save replaced the last good brief"

        # 4. Ctrl-C (the terminal signals the whole foreground group)
        watch.signal_group(signal.SIGINT)
        code = watch.wait(30)
    finally:
        watch.kill()
    assert code == 0, str(watch)
    assert "Traceback" not in watch.stderr, str(watch)
    assert brief_digests(folder) == good
