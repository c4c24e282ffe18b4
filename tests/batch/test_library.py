"""``reportgen.build(...)``, the library call of README's Library section, in a fresh interpreter: a
plain function, the same after the batch modules are imported."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from buildkit import make_variants, model_name, python

SCRIPT = textwrap.dedent("""
    import json, sys, types
    import reportgen
    import reportgen.batch.plan  # importing the batch modules must not change what reportgen.build is
    assert isinstance(reportgen.build, types.FunctionType), type(reportgen.build)
    out, source = sys.argv[1], sys.argv[2]
    results = {}
    try:
        report = reportgen.build([source], reportgen.BuildOptions(out_dir=out, jobs=1, formats=("json",)))
        results["first"] = report.to_json()
    except Exception as exc:
        results["first"] = f"{type(exc).__name__}: {exc}"
    try:
        report = reportgen.build([source], reportgen.BuildOptions(out_dir=out, jobs=1, formats=("json",)))
        results["second"] = report.to_json()
    except Exception as exc:
        results["second"] = f"{type(exc).__name__}: {exc}"
    print("RESULTS " + json.dumps(results))
""")


@pytest.fixture(scope="module")
def library_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path, str]:
    root = tmp_path_factory.mktemp("library")
    [variant] = make_variants(root / "inputs", 1)
    out = root / "outputs"
    run = python(SCRIPT, str(out), str(variant.path), cwd=root)
    line = next((ln for ln in run.stdout.splitlines() if ln.startswith("RESULTS ")), None)
    assert line is not None, str(run)
    return json.loads(line[len("RESULTS "):]), out / variant.stem, variant.name


def test_library_build_as_the_readme_writes_it(library_runs: tuple[dict, Path, str]) -> None:
    results, folder, name = library_runs
    first = results["first"]
    assert isinstance(first, dict), first
    assert first["exit_code"] == 0 and [Path(b["input"]).stem for b in first["built"]] == [folder.name]
    assert model_name(folder) == name
    assert not (folder / "brief.pdf").exists(), "formats=('json',) rendered a PDF"


def test_library_build_called_a_second_time(library_runs: tuple[dict, Path, str]) -> None:
    results, folder, _ = library_runs
    second = results["second"]
    assert isinstance(second, dict), second
    assert second["exit_code"] == 0 and second["built"] == []
    assert [Path(s["input"]).stem for s in second["skipped"]] == [folder.name]
