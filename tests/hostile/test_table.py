"""The hostile-input suite's table in SECURITY.md, computed from the suite itself.

Every module of the suite lists its cases in ``CASES`` (family, id, expected outcome, and the bug it documents,
if any); the parametrized tests take their cases from there. This module counts them per family, asserts that
every family is present with at least five cases, and keeps SECURITY.md's table (between
``<!-- hostile-table -->`` and ``<!-- /hostile-table -->``) in step: ``UPDATE_SECURITY_TABLE=1`` rewrites it,
otherwise the test fails when it is out of date.
"""

from __future__ import annotations

import importlib
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from hostilekit import FAMILIES, OUTCOMES, SECURITY_MD, Case

HERE = Path(__file__).parent
MODULES = sorted(path.stem for path in HERE.glob("test_*.py") if path.stem != "test_table")
START, END = "<!-- hostile-table -->", "<!-- /hostile-table -->"
MIN_CASES = 5


def registry() -> dict[str, list[Case]]:
    """Cases by module."""
    return {name: list(importlib.import_module(name).CASES) for name in MODULES}


def all_cases() -> list[Case]:
    return [case for cases in registry().values() for case in cases]


def table(cases: list[Case]) -> str:
    lines = [
        "Generated from the `CASES` of each module in `tests/hostile/` by "
        "`UPDATE_SECURITY_TABLE=1 pytest tests/hostile/test_table.py`; the suite fails when this table is out "
        "of date.",
        "",
        "| family | cases | outcome |",
        "|---|---:|---|",
    ]
    for family, title in FAMILIES.items():
        own = [c for c in cases if c.family == family]
        count = Counter(c.outcome for c in own)
        lines.append(f"| {title} | {len(own)} | {count['error']} error / {count['inert']} inert |")
    total = Counter(c.outcome for c in cases)
    lines.append(f"| **all** | **{len(cases)}** | **{total['error']} error / {total['inert']} inert** |")
    bugs = [c for c in cases if c.bug]
    if bugs:
        by_family = Counter(c.family for c in bugs)
        where = ", ".join(f"{FAMILIES[f].split('. ', 1)[0]}: {n}" for f, n in sorted(
            by_family.items(), key=lambda item: list(FAMILIES).index(item[0])))
        lines += [
            "",
            f"{len(bugs)} of these cases expose open bugs (by family {where}). Their tests assert the outcome "
            "above and are marked `xfail(strict=True)` with the bug's description, so they start failing, as a "
            "reminder to drop the mark, once the bug is fixed.",
        ]
    return "\n".join(lines)


def test_every_family_is_present_with_enough_cases() -> None:
    cases = all_cases()
    counts = Counter(c.family for c in cases)
    assert set(counts) == set(FAMILIES), f"families without cases: {set(FAMILIES) - set(counts)}"
    thin = {family: n for family, n in counts.items() if n < MIN_CASES}
    assert thin == {}, f"families with fewer than {MIN_CASES} cases: {thin}"
    assert all(c.outcome in OUTCOMES for c in cases)


def test_case_ids_are_unique() -> None:
    ids = Counter(c.id for c in all_cases())
    assert [i for i, n in ids.items() if n > 1] == []


def test_bug_cases_describe_the_bug() -> None:
    for case in all_cases():
        if case.bug:
            assert case.bug.startswith("BUG"), case.id
            assert len(case.bug) > 60, f"{case.id}: describe the bug precisely"


def test_every_case_is_exercised_by_a_test(request: pytest.FixtureRequest) -> None:
    """Each case of a module that this session collected is the parameter of at least one test, so the table
    counts nothing that is not tested."""
    collected: dict[str, set[str]] = {}
    for item in request.session.items:
        module = getattr(item, "module", None)
        case = getattr(getattr(item, "callspec", None), "params", {}).get("case")
        if module is not None:
            collected.setdefault(module.__name__, set())
            if isinstance(case, Case):
                collected[module.__name__].add(case.id)
    checked = 0
    for name, cases in registry().items():
        if name not in collected:
            continue  # that module is not part of this session (e.g. -k or a single file)
        missing = [c.id for c in cases if c.id not in collected[name]]
        assert missing == [], f"{name}: cases no test takes: {missing}"
        checked += 1
    if checked == 0 and len(collected) > 1:
        pytest.fail("no module of the suite was collected")


def _section(text: str) -> tuple[int, int]:
    start = text.index(START) + len(START)
    return start, text.index(END, start)


def test_security_md_table_is_up_to_date() -> None:
    text = SECURITY_MD.read_text(encoding="utf-8")
    assert text.count(START) == 1 and text.count(END) == 1, "SECURITY.md must hold the table's two markers once"
    start, end = _section(text)
    expected = "\n" + table(all_cases()) + "\n"
    if os.environ.get("UPDATE_SECURITY_TABLE") == "1":
        if text[start:end] != expected:
            SECURITY_MD.write_text(text[:start] + expected + text[end:], encoding="utf-8")
        return
    assert text[start:end] == expected, ("SECURITY.md's hostile-input table is out of date: run "
                                         "UPDATE_SECURITY_TABLE=1 pytest tests/hostile/test_table.py")


def test_table_rows_are_well_formed() -> None:
    rows = [line for line in table(all_cases()).splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 1 + len(FAMILIES) + 1
    for row in rows[1:]:
        assert re.fullmatch(r"\| .+ \| \**\d+\** \| \**\d+ error / \d+ inert\** \|", row), row
