"""Whatever the bytes, the loader answers with a Spec or a SpecError whose every problem is located (a line
>= 1, a field, one line of text). Random text, random YAML structures, and mutations of the worked example
(and of the Nordlicht example with its history CSV)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from speckit import EXAMPLE, INPUTS

from reportgen.contract.load import Spec, load_spec, parse_bundle
from reportgen.contract.source import InputBundle
from reportgen.errors import SpecError

# 300 examples a test under HYPOTHESIS_PROFILE=thorough, the profile's ceiling otherwise (tests/conftest.py: 30
# in "ci"); SPEC_FUZZ_EXAMPLES=5000 for a longer hunt. database=None: no example database written into the repo
# (a failure prints its falsifying example).
FUZZ = settings(max_examples=int(os.environ.get("SPEC_FUZZ_EXAMPLES", min(300, settings.default.max_examples))),
                deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")
EXAMPLE_LINES = EXAMPLE_TEXT.splitlines()
NORDLICHT = INPUTS / "nordlicht-2026.yaml"
NORDLICHT_CSV = INPUTS / "nordlicht-history.csv"


def check(path: Path) -> Spec | None:
    """Load ``path`` both ways; only SpecError may escape, and every problem must be located."""
    results = []
    for load in (lambda: load_spec(str(path)), lambda: parse_bundle(_read(path))):
        try:
            results.append(load())
        except SpecError as exc:
            assert exc.problems
            for problem in exc.problems:
                assert isinstance(problem.line, int) and problem.line >= 1, problem
                assert problem.field, problem
                assert problem.message, problem
                assert "\n" not in str(problem) and "\r" not in str(problem), repr(str(problem))
            results.append([str(p) for p in exc.problems])
    if isinstance(results[0], Spec):
        assert isinstance(results[1], Spec) and results[0].input == results[1].input
        return results[0]
    assert results[0] == results[1]
    return None


def _read(path: Path) -> InputBundle:
    from reportgen.contract.source import read_input

    return read_input(str(path))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz")
    shutil.copy(NORDLICHT_CSV, path / NORDLICHT_CSV.name)
    return path


# --- strategies ---------------------------------------------------------------------------------------

finite_or_not = st.floats(allow_nan=True, allow_infinity=True)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10**400), max_value=10**400), finite_or_not,
    st.text(max_size=30), st.dates().map(str),
    st.sampled_from(["NaN", ".nan", ".inf", "-.inf", "1e400", "45%", "NO", "yes", "1:30", "0x" + "F" * 300,
                     "~", "", "null", "2026-02-30", "reportgen/v1", "&a", "*a", "!!python/object:os.system",
                     "[", "{", "'", '"', "- ", ": ", "#", "|", ">", "%", "@", "`", "\t", "\ufeff", "\x00"]),
)
structures = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12) | st.sampled_from(
        ["schema", "company", "revenue", "costs", "compute", "providers", "share", "sources", "name"]),
        children, max_size=4),
    max_leaves=20,
)


def _dump(value: object) -> str:
    try:
        return yaml.safe_dump(value, allow_unicode=True, default_flow_style=None, sort_keys=False)
    except (yaml.YAMLError, ValueError, OverflowError):
        return repr(value)


def _inline(value: object) -> str:
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**9)
    return text.removesuffix("\n").removesuffix("\n...").removesuffix("...").strip()


@st.composite
def mutated_example(draw: st.DrawFn, lines: list[str] | None = None) -> str:
    lines = list(lines or EXAMPLE_LINES)
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1)) if lines else 0
        operation = draw(st.sampled_from(["delete", "replace", "raw", "duplicate", "insert", "indent", "swap"]))
        if not lines:
            lines.append(draw(st.text(max_size=20)))
            continue
        line = lines[index]
        if operation == "delete":
            del lines[index]
        elif operation in ("replace", "raw") and ":" in line:
            key = line[: line.index(":") + 1]
            value = draw(structures) if operation == "replace" else draw(st.text(max_size=20))
            lines[index] = f"{key} {_inline(value) if operation == 'replace' else value}"
        elif operation == "duplicate":
            lines.insert(index, line)
        elif operation == "insert":
            at = draw(st.integers(0, len(line)))
            lines[index] = line[:at] + draw(st.text(min_size=1, max_size=3)) + line[at:]
        elif operation == "indent":
            lines[index] = " " * draw(st.integers(0, 6)) + line.lstrip()
        elif operation == "swap" and len(lines) > 1:
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], line
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n"]))


@st.composite
def example_with_a_structure(draw: st.DrawFn) -> str:
    """The example as data, with one field (at any depth) replaced by a random structure."""
    data = yaml.safe_load(EXAMPLE_TEXT)
    node = data
    path = []
    while isinstance(node, dict | list) and node and draw(st.booleans()):
        key = draw(st.sampled_from(list(node)) if isinstance(node, dict) else st.integers(0, len(node) - 1))
        path.append(key)
        if not isinstance(node[key], dict | list):
            break
        node = node[key]
    if path:
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = draw(structures)
    else:
        data[draw(st.text(max_size=12))] = draw(structures)
    return _dump(data)


# --- the properties -----------------------------------------------------------------------------------

@FUZZ
@given(text=st.text(max_size=300))
def test_random_text(folder, text):
    path = folder / "text.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    check(path)


@FUZZ
@given(content=st.binary(max_size=200))
def test_random_bytes(folder, content):
    path = folder / "bytes.yaml"
    path.write_bytes(content)
    check(path)


@FUZZ
@given(value=structures)
def test_random_structures_dumped_to_yaml(folder, value):
    path = folder / "structure.yaml"
    path.write_text(_dump(value), encoding="utf-8")
    check(path)


@FUZZ
@given(text=example_with_a_structure())
def test_the_example_with_a_random_structure_somewhere(folder, text):
    path = folder / "structured.yaml"
    path.write_text(text, encoding="utf-8")
    check(path)


@FUZZ
@given(text=mutated_example())
def test_mutations_of_the_worked_example(folder, text):
    path = folder / "mutated.yaml"
    path.write_text(text, encoding="utf-8", newline="")
    check(path)


@FUZZ
@given(text=mutated_example(NORDLICHT.read_text(encoding="utf-8").splitlines()),
       csv=mutated_example(NORDLICHT_CSV.read_text(encoding="utf-8").splitlines()))
def test_mutations_of_an_example_with_history(folder, text, csv):
    (folder / "nordlicht-history.csv").write_text(csv, encoding="utf-8", newline="")
    path = folder / "nordlicht.yaml"
    path.write_text(text, encoding="utf-8", newline="")
    check(path)


def test_the_unmutated_examples_pass_the_same_check(folder):
    """The property holds for the valid inputs too (so ``check`` can tell accepted from refused)."""
    assert check(EXAMPLE) is not None
    shutil.copy(NORDLICHT, folder / "nordlicht.yaml")
    shutil.copy(NORDLICHT_CSV, folder / NORDLICHT_CSV.name)
    assert check(folder / "nordlicht.yaml").history is not None
    broken = folder / "broken.yaml"
    broken.write_text(EXAMPLE_TEXT.replace("inference_share: 0.5", "inference_share: 45"))
    assert check(broken) is None
