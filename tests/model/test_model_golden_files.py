"""The model.json (reportgen.model/v2) of each example input, byte for byte against
tests/golden/<name>.model.json."""

from __future__ import annotations

import difflib
import json

import pytest
from modelkit import ALL_INPUTS, ROOT

GOLDEN = ROOT / "tests" / "golden"
HOW_TO = ("If the change is intended, regenerate on purpose with\n"
          "    .venv/bin/python tests/golden/regenerate.py\n"
          "(it writes nothing while tests/model/test_model_golden_figures.py fails), "
          "review `git diff tests/golden`, and commit the new golden files with the change that explains "
          "them. Never regenerate to silence a figure of MODEL.md section 5.")


@pytest.mark.parametrize("stem", ALL_INPUTS)
def test_model_json_matches_golden_file(load_input, stem):
    golden = GOLDEN / f"{stem}.model.json"
    assert golden.exists(), f"{golden} is missing.\n{HOW_TO}"
    _, model = load_input(stem)
    current = model.to_json_bytes()
    expected = golden.read_bytes()
    if current != expected:
        diff = "".join(list(difflib.unified_diff(
            expected.decode("utf-8").splitlines(keepends=True),
            current.decode("utf-8").splitlines(keepends=True),
            fromfile=f"tests/golden/{stem}.model.json", tofile="current", n=1))[:60])
        pytest.fail(f"model.json of inputs/{stem}.yaml differs from {golden.name}:\n{diff}\n{HOW_TO}",
                    pytrace=False)


@pytest.mark.parametrize("stem", ALL_INPUTS)
def test_golden_file_is_model_json_v2(stem):
    document = json.loads((GOLDEN / f"{stem}.model.json").read_text(encoding="utf-8"))
    assert document["schema"] == "reportgen.model/v2"
