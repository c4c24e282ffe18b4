"""The project file (reportgen.toml, or [tool.reportgen] in pyproject.toml), REPORTGEN_* variables and flags:
which wins, what is refused and where, and a build that takes its inputs and folder from the file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Literal  # for the annotations of a dataclass below, which get_type_hints resolves here

import pytest
from buildkit import EXAMPLES, REPORTGEN, env

from reportgen.batch.options import BuildOptions
from reportgen.batch.settings import resolve, setting_types
from reportgen.errors import SpecError


def test_every_build_option_is_a_setting():
    assert set(setting_types()) >= {"out_dir", "formats", "jobs", "strict", "templates_dir", "pdf_variant",
                                     "max_age_days", "wait_for_lock", "inputs"}


def test_flags_beat_environment_beat_file_beat_defaults(tmp_path: Path):
    (tmp_path / "reportgen.toml").write_text('# briefs\nout_dir = "briefs"\njobs = 3\nformats = ["pdf"]\n'
                                            'inputs = ["companies"]\n')
    found = resolve({"formats": ("json",)}, {"REPORTGEN_JOBS": "2", "REPORTGEN_OTHER": "x"}, folder=str(tmp_path))
    assert found.options() == BuildOptions(out_dir="briefs", jobs=2, formats=("json",))
    assert found.inputs == ["companies"]
    sources = {name: setting.source for name, setting in found.values.items()}
    assert sources["out_dir"].endswith("reportgen.toml:2")
    assert sources["jobs"] == "environment REPORTGEN_JOBS"
    assert sources["formats"] == "command line"
    assert sources["strict"] == "default"
    assert found.notes == ("REPORTGEN_OTHER: not a setting (ignored)",)


def test_pyproject_table_is_read_and_reportgen_toml_wins(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.reportgen]\nstrict = true\n')
    found = resolve({}, {}, folder=str(tmp_path))
    assert found.options().strict and found.values["strict"].source.endswith("pyproject.toml:5")
    (tmp_path / "reportgen.toml").write_text("jobs = 1\n")
    assert not resolve({}, {}, folder=str(tmp_path)).options().strict


def test_bad_settings_are_located_each_with_its_message(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.reportgen]\nout_dir = "o"\njbos = 2\nformats = ["pdf", "doc"]\n'
                                            "strict = 1\n")
    with pytest.raises(SpecError) as caught:
        resolve({}, {"REPORTGEN_JOBS": "many"}, folder=str(tmp_path))
    lines = [str(p) for p in caught.value.problems]
    assert any(line.endswith("pyproject.toml:3: jbos: unknown setting; did you mean jobs?") for line in lines), lines
    assert any(line.endswith("pyproject.toml:4: formats: takes any of pdf, html, json, xlsx (got pdf,doc)")
               for line in lines), lines
    assert any(line.endswith("pyproject.toml:5: strict: must be true or false (got 1)") for line in lines), lines
    assert "REPORTGEN_JOBS=many: jobs: must be a whole number" in lines


def test_toml_syntax_error_names_its_line(tmp_path: Path):
    (tmp_path / "reportgen.toml").write_text('out_dir = "o"\njobs = \n')
    with pytest.raises(SpecError) as caught:
        resolve({}, {}, folder=str(tmp_path))
    assert str(caught.value.problems[0]).startswith(f"{tmp_path}/reportgen.toml:2: (toml): ")


def test_build_takes_inputs_and_folder_from_the_project_file_and_flags_win(tmp_path: Path):
    """End to end: ``reportgen build`` with no argument builds the file's inputs into its out_dir, with
    --format from the command line over the file's formats; ``reportgen config --json`` says why."""
    (tmp_path / "companies").mkdir()
    shutil.copy(EXAMPLES / "anthropic-2026.yaml", tmp_path / "companies")
    (tmp_path / "reportgen.toml").write_text('inputs = ["companies"]\nout_dir = "briefs"\nformats = ["html"]\n')
    variables = dict(env(), REPORTGEN_JOBS="1")
    done = subprocess.run([str(REPORTGEN), "build", "--format", "json"], cwd=tmp_path, capture_output=True,
                          text=True, env=variables, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert sorted(os.listdir(tmp_path / "briefs" / "anthropic-2026")) == ["model.json"]
    shown = subprocess.run([str(REPORTGEN), "config", "--json"], cwd=tmp_path, capture_output=True, text=True,
                           env=variables, timeout=60, check=True)
    settings = json.loads(shown.stdout)["settings"]
    assert settings["out_dir"] == {"value": "briefs", "source": "reportgen.toml:2"}
    assert settings["jobs"] == {"value": 1, "source": "environment REPORTGEN_JOBS"}
    assert settings["inputs"]["value"] == ["companies"]


def test_a_field_added_to_build_options_is_a_setting_without_an_edit(tmp_path: Path, monkeypatch):
    """Settings are read from the dataclass: fields that other features add (a title, a number of days, a
    closed choice) are accepted from the file and the environment, typed and checked. The intranet's own
    options (added after the settings were written) are settings already."""
    import dataclasses

    import reportgen.batch.settings as settings

    assert {"site_url", "keep_versions", "html_charts"} <= set(settings.setting_types())

    @dataclasses.dataclass(frozen=True)
    class Wider(BuildOptions):
        feed_title: str | None = None
        keep_days: int = 3
        chart_style: Literal["svg", "png"] = "svg"
        secret: bool = dataclasses.field(default=False, metadata={"setting": False})

    monkeypatch.setattr(settings, "BuildOptions", Wider)
    assert {"feed_title", "keep_days", "chart_style"} <= set(settings.setting_types()) and "secret" not in (
        settings.setting_types())
    (tmp_path / "reportgen.toml").write_text('feed-title = "Research briefs"\nchart_style = "png"\n')
    found = settings.resolve({}, {"REPORTGEN_KEEP_DAYS": "5"}, folder=str(tmp_path))
    assert found.options() == Wider(feed_title="Research briefs", keep_days=5, chart_style="png")
    (tmp_path / "reportgen.toml").write_text('chart_style = "gif"\nsecret = true\n')
    with pytest.raises(SpecError) as caught:
        settings.resolve({}, {}, folder=str(tmp_path))
    lines = [str(p) for p in caught.value.problems]
    assert any(line.endswith(":1: chart_style: must be one of svg, png (got 'gif')") for line in lines), lines
    assert any(":2: secret: unknown setting" in line for line in lines), lines
