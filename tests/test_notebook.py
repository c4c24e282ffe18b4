"""The library in a notebook: ``Model`` and ``Brief`` show as escaped HTML tables, ``scenarios_frame`` is a
DataFrame of the figures model.json holds, ``brief.write`` writes the files a build writes, ``load_spec``
takes a mapping or a stream, and the API is typed (``py.typed`` ships in the wheel)."""

from __future__ import annotations

import inspect
import io
import math
import tomllib
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

import reportgen

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "anthropic-2026.yaml"
HOSTILE = '<script>alert("x")</script> & Co'


@pytest.fixture(scope="module")
def hostile_model():
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["company"]["name"] = HOSTILE
    return reportgen.run_model(reportgen.load_spec(data))


def _parsed(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(f"<div>{markup}</div>")  # well-formed, or this raises


def test_model_repr_is_an_escaped_table(hostile_model):
    root = _parsed(hostile_model._repr_html_())
    assert root.find(".//script") is None
    captions = [c.text for c in root.iter("caption")]
    assert captions[0] == f"{HOSTILE} (as of 2026-11-23; amounts in USD billion)"
    rows = {tr.find("td").text: [td.text for td in tr.findall("td")] for tr in root.find("table").iter("tr")
            if tr.find("td") is not None}
    assert list(rows) == list(hostile_model.scenarios)
    base = hostile_model.base
    shown = f"{base.equity_value:,.0f}" if base.equity_value >= 1000 else f"{base.equity_value:,.4g}"
    assert rows["base"][1] == shown
    verdicts = {tr[0].text: tr[1].text for tr in root.findall("table")[2].iter("tr") if tr.find("td") is not None}
    assert verdicts == dict(hostile_model.judgments.items())


def test_scenarios_frame_equals_model_json(hostile_model):
    frame = hostile_model.scenarios_frame()
    document = hostile_model.to_json()
    assert list(frame.index.names) == ["scenario", "year"]
    count = 0
    for name, scenario in document["scenarios"].items():
        for index, year in enumerate(scenario["years"]):
            for column in frame.columns:
                expected, got = scenario[column][index], frame.loc[(name, year), column]
                assert (math.isnan(got) if expected is None else got == pytest.approx(expected, rel=1e-11)), (
                    name, year, column)
                count += 1
    assert count == len(frame) * 7 and len(frame) == 4 * len(document["scenarios"]["base"]["years"])


def test_brief_write_equals_the_build(tmp_path):
    formats = ("json", "html")
    report = reportgen.build([str(EXAMPLE)], reportgen.BuildOptions(out_dir=str(tmp_path / "out"), jobs=1,
                                                                      formats=formats))
    assert report.exit_code == 0
    built = tmp_path / "out" / "anthropic-2026"
    brief = reportgen.render_brief(str(EXAMPLE), reportgen.RenderOptions(formats=formats))
    assert brief.name == "anthropic-2026"
    written = brief.write(tmp_path / "notebook")

    def files(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    assert files(tmp_path / "notebook") == files(built)
    assert len(written) == len(brief.files) > 5 and written[-1].endswith("model.json")
    root = _parsed(brief._repr_html_())
    assert [tr.find("td").text for tr in root.iter("tr") if tr.find("td") is not None] == sorted(brief.files)


def test_load_spec_takes_a_mapping_or_a_stream():
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    assert reportgen.load_spec(data).input == reportgen.load_spec(str(EXAMPLE)).input
    data["valuation"]["post_money"] = -1
    with pytest.raises(reportgen.SpecError) as caught:
        reportgen.load_spec(data)
    assert str(caught.value) == "<mapping>: valuation.post_money: must be greater than 0 (got -1)"
    text = EXAMPLE.read_text(encoding="utf-8").replace("post_money: 965", "post_money: -1")
    stream = io.StringIO(text)
    stream.name = "pasted.yaml"
    line = text.splitlines().index(next(ln for ln in text.splitlines() if "post_money: -1" in ln)) + 1
    with pytest.raises(reportgen.SpecError) as caught:
        reportgen.load_spec(stream)
    assert str(caught.value) == f"pasted.yaml:{line}: valuation.post_money: must be greater than 0 (got -1)"


def test_the_public_api_is_typed():
    for function in (reportgen.render_brief, reportgen.load_spec, reportgen.run_model):
        signature = inspect.signature(function)
        annotations = [p.annotation for p in signature.parameters.values()] + [signature.return_annotation]
        assert all(a is not inspect.Parameter.empty and a not in ("Any", "typing.Any") for a in annotations), (
            function, annotations)
    assert "spec: 'Spec" in str(inspect.signature(reportgen.render_brief))
    assert (ROOT / "reportgen" / "py.typed").is_file()
    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]["build"]["targets"]
    assert wheel["wheel"]["packages"] == ["reportgen"] and "exclude" not in wheel["wheel"]  # the whole folder ships
