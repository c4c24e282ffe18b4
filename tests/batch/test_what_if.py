"""What-ifs (``-P FIELD=VALUE``): each override is checked against the contract with the flag named, the brief
says on its cover what was changed, model.json records it, and the base brief is never replaced unless asked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from buildkit import EXAMPLES, reportgen, snapshot

import reportgen as library
from reportgen.batch.options import BuildOptions
from reportgen.errors import SpecError, UsageError

EXAMPLE = EXAMPLES / "anthropic-2026.yaml"


def test_overrides_set_fields_and_record_what_the_input_had():
    spec = library.load_spec(str(EXAMPLE), ["revenue.growth_y1=0.5", "compute.providers.1.share=0.3"])
    assert spec.input.revenue.growth_y1 == 0.5
    assert spec.input.compute.providers[1].share == 0.3
    what_if = library.run_model(spec).to_json()["company"]["what_if"]
    assert [(w["field"], w["value"]) for w in what_if] == [("revenue.growth_y1", 0.5),
                                                           ("compute.providers.1.share", 0.3)]
    assert what_if[0]["input"] == library.load_spec(str(EXAMPLE)).input.revenue.growth_y1
    assert "what_if" not in library.run_model(library.load_spec(str(EXAMPLE))).to_json()["company"]


@pytest.mark.parametrize(("override", "message"), [
    ("revenue.growth_y1=abc", "-P revenue.growth_y1=abc: revenue.growth_y1: must be a number (got 'abc')"),
    ("revenue.growth_y1=-5", "-P revenue.growth_y1=-5: revenue.growth_y1: must be greater than -0.9"),
    ("revenue.growth_y1=.nan", "-P revenue.growth_y1=.nan: revenue.growth_y1: must be a finite number"),
    ("compute.providers.7.share=0.1", "-P compute.providers.7.share=0.1: compute.providers.7.share: the input "
                                      "has 2 item(s) in compute.providers; a what-if changes an item"),
])
def test_a_bad_value_names_the_flag(override: str, message: str):
    with pytest.raises(SpecError) as caught:
        library.load_spec(str(EXAMPLE), [override])
    assert [str(p) for p in caught.value.problems if str(p).startswith(message)], caught.value


@pytest.mark.parametrize(("override", "message"), [
    ("revenue.grwth_y1=0.5", "revenue.grwth_y1 is not a field of the contract; did you mean growth_y1?"),
    ("growth=0.5", "growth is not a field of the contract"),
    ("revenue.growth_y1", "write -P FIELD=VALUE"),
])
def test_a_bad_path_is_a_usage_error(override: str, message: str):
    with pytest.raises(UsageError, match=message.replace("?", r"\?")):
        BuildOptions(overrides=(override,))


def test_overrides_change_the_rebuild_key():
    assert BuildOptions().output_digest() != BuildOptions(overrides={"revenue.growth_y1": 0.5}).output_digest()
    assert (BuildOptions(overrides=("revenue.growth_y1=0.5",)).output_digest()
            == BuildOptions(overrides={"revenue.growth_y1": 0.5}).output_digest())


def test_a_what_if_leaves_the_base_brief_untouched(tmp_path: Path):
    """End to end: the base brief in outputs/; a what-if without --out is refused (exit 2) and one into
    another folder builds a brief whose cover lists the overrides; outputs/ is the same file for file."""
    (tmp_path / "inputs").mkdir()
    shutil.copy(EXAMPLE, tmp_path / "inputs")
    base = reportgen("build", "inputs", "--format", "json", cwd=tmp_path)
    assert base.code == 0, str(base)
    before = snapshot(tmp_path / "outputs")

    refused = reportgen("build", "inputs", "-P", "revenue.growth_y1=0.5", "--format", "json", cwd=tmp_path)
    assert refused.code == 2 and "--overwrite-base" in refused.stderr, str(refused)
    bad = reportgen("build", "inputs", "-P", "revenue.growth_y1=abc", "--out", "whatif", cwd=tmp_path)
    assert bad.code == 1 and "-P revenue.growth_y1=abc: revenue.growth_y1: must be a number" in bad.stderr, str(bad)

    run = reportgen("build", "inputs", "-P", "revenue.growth_y1=0.5", "-P", "dcf.discount_rate=0.14",
                    "--out", "whatif", "--format", "html,json", cwd=tmp_path)
    assert run.code == 0, str(run)
    assert snapshot(tmp_path / "outputs") == before
    model = json.loads((tmp_path / "whatif/anthropic-2026/model.json").read_text(encoding="utf-8"))
    assert model["company"]["what_if"] == [{"field": "revenue.growth_y1", "value": 0.5, "input": 0.7},
                                           {"field": "dcf.discount_rate", "value": 0.14, "input": 0.12}]
    base_model = json.loads((tmp_path / "outputs/anthropic-2026/model.json").read_text(encoding="utf-8"))
    assert model["scenarios"]["base"]["revenue"][0] < base_model["scenarios"]["base"]["revenue"][0]
    html = (tmp_path / "whatif/anthropic-2026/brief.html").read_text(encoding="utf-8")
    cover = html[html.index('class="what-if"'):html.index('class="headline"')]
    assert "This brief is a what-if" in cover
    assert "revenue growth in year 1 (<code>revenue.growth_y1</code>) set to" in cover  # in words, then the flag's path
    assert "discount rate (<code>dcf.discount_rate</code>) set to" in cover
    # the what-if folder's index says which brief is a what-if, and of what; the base folder's says nothing
    index = (tmp_path / "whatif/index.html").read_text(encoding="utf-8")
    assert ('what-if: <code>revenue.growth_y1=0.5</code>; <code>dcf.discount_rate=0.14</code>' in index), index
    assert "what-if-mark\">" not in (tmp_path / "outputs/index.html").read_text(encoding="utf-8")
    # verify takes the what-if's flags as build did: the same files; without them, the base brief differs
    flags = ("-P", "revenue.growth_y1=0.5", "-P", "dcf.discount_rate=0.14")
    same = reportgen("verify", "inputs", *flags, "--out", "whatif", "--format", "html,json", cwd=tmp_path)
    assert same.code == 0 and " 0 different, 0 missing, 0 failed" in same.stdout, str(same)
    unlike = reportgen("verify", "inputs", "--out", "whatif", "--format", "html,json", cwd=tmp_path)
    assert unlike.code == 1 and "differs: whatif/anthropic-2026/model.json" in unlike.stdout, str(unlike)

    # asked for: the what-if replaces the base brief, and the next plain build puts the base one back
    over = reportgen("build", "inputs", "-P", "revenue.growth_y1=0.5", "--format", "json", "--overwrite-base",
                     cwd=tmp_path)
    assert over.code == 0, str(over)
    assert "what_if" in (tmp_path / "outputs/anthropic-2026/model.json").read_text(encoding="utf-8")
    again = reportgen("build", "inputs", "--format", "json", cwd=tmp_path)
    assert again.code == 0, str(again)
    assert "what_if" not in (tmp_path / "outputs/anthropic-2026/model.json").read_text(encoding="utf-8")


def test_an_overridden_field_is_an_assumption_without_the_inputs_source():
    base = library.run_model(library.load_spec(str(EXAMPLE))).inputs["valuation.post_money"]
    what_if = library.run_model(library.load_spec(str(EXAMPLE), {"valuation.post_money": 500})).inputs
    assert base.basis == "reported" and base.source
    assert (what_if["valuation.post_money"].basis, what_if["valuation.post_money"].source) == ("assumption", None)
    assert what_if["valuation.latest_raise"] == library.run_model(library.load_spec(str(EXAMPLE))).inputs[
        "valuation.latest_raise"]


@pytest.mark.parametrize("command", ["watch", "preview"])
def test_watch_and_preview_take_what_ifs_under_the_same_rules(command: str, tmp_path: Path):
    (tmp_path / "inputs").mkdir()
    shutil.copy(EXAMPLE, tmp_path / "inputs")
    over_base = reportgen(command, "inputs", "-P", "revenue.growth_y1=0.5", cwd=tmp_path)
    assert over_base.code == 2 and "--overwrite-base" in over_base.stderr, str(over_base)
    unknown = reportgen(command, "inputs", "-P", "revenue.grwth_y1=0.5", "--out", "whatif", cwd=tmp_path)
    assert unknown.code == 2 and "did you mean growth_y1?" in unknown.stderr, str(unknown)
    assert not (tmp_path / "outputs").exists() and not (tmp_path / "whatif").exists()
