"""The same input gives byte-identical files: a second build of each example, alone into its own
folder (a single-brief build renders its PDF in the pre-warmed process), against the session's
multi-brief build (spawned worker pool)."""

from __future__ import annotations

import pytest
from briefkit import BRIEF_FILES, Brief, reportgen


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    cache: dict[str, Brief] = {}

    def get(stem: str) -> Brief:
        if stem not in cache:
            out = tmp_path_factory.mktemp("again") / "elsewhere"
            run = reportgen("build", f"inputs/{stem}.yaml", "--out", out)
            assert run.code == 0 and "1 built" in run.output, str(run)
            cache[stem] = Brief(out / stem)
        return cache[stem]

    return get


@pytest.mark.parametrize("stem", ["anthropic-2026", "nordlicht-2026"])
def test_two_builds_are_byte_identical(briefs, rebuilt, stem):
    first, second = briefs[stem], rebuilt(stem)
    names = list(BRIEF_FILES) + sorted(f"charts/{p.name}" for p in (first.folder / "charts").glob("*.svg"))
    assert sorted(p.relative_to(second.folder).as_posix() for p in second.folder.rglob("*") if p.is_file()) == \
        sorted(names)
    different = [name for name in names if (first.folder / name).read_bytes() != (second.folder / name).read_bytes()]
    assert different == []
