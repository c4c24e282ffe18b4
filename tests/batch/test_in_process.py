"""Builds in one process, as ``watch`` and a notebook run them: an edited template is read again, and a
failure that the same bytes would repeat is reported again without running the brief."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from buildkit import EXAMPLES, python, reportgen

SCRIPT = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    import reportgen
    inputs, out, templates = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    options = reportgen.BuildOptions(out_dir=out, jobs=1, formats=("html",), templates_dir=str(templates))
    footers = []
    for text in ("first footer", "second footer"):
        (templates / "brief.html.j2").write_text(
            '{% extends "default:brief.html.j2" %}{% block footer %}<footer><p>' + text + '</p></footer>{% endblock %}')
        report = reportgen.build([inputs], options)
        html = (Path(out) / "anthropic-2026" / "brief.html").read_text()
        footers.append([report.exit_code, len(report.built), "first footer" in html, "second footer" in html])
    again = reportgen.build([inputs], options)
    footers.append([again.exit_code, len(again.built), len(again.skipped)])
    print("RESULTS " + json.dumps(footers))
""")


def test_an_edited_template_is_read_again_in_the_same_process(tmp_path: Path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    shutil.copy(EXAMPLES / "anthropic-2026.yaml", inputs)
    templates = tmp_path / "templates"
    templates.mkdir()
    run = python(SCRIPT, str(inputs), str(tmp_path / "out"), str(templates), cwd=tmp_path)
    line = next((ln for ln in run.stdout.splitlines() if ln.startswith("RESULTS ")), None)
    assert line is not None, str(run)
    import json

    first, second, third = json.loads(line[len("RESULTS "):])
    assert first == [0, 1, True, False]
    assert second == [0, 1, False, True], "the second build published the old footer"
    assert third == [0, 0, 1]  # and then it is up to date


INVALID = "costs:\n  inference_share: 45\n"


@pytest.fixture()
def batch_with_an_invalid_input(tmp_path: Path) -> Path:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    shutil.copy(EXAMPLES / "meridian-2026.yaml", inputs)
    text = (EXAMPLES / "anthropic-2026.yaml").read_text(encoding="utf-8")
    (inputs / "broken-2026.yaml").write_text(text.replace("  inference_share: 0.5 ", "  inference_share: 45 "),
                                             encoding="utf-8")
    return inputs


def test_a_failed_input_is_reported_again_without_running_it(batch_with_an_invalid_input: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch):
    import reportgen
    from reportgen.batch import orchestrate

    inputs, out = batch_with_an_invalid_input, tmp_path / "out"
    options = reportgen.BuildOptions(out_dir=str(out), jobs=1, formats=("json",))
    first = reportgen.build([str(inputs)], options)
    assert first.exit_code == 1 and len(first.built) == 1
    [failure] = first.failed
    assert "inference_share" in failure.errors[0] and "broken-2026.yaml:" in failure.errors[0]

    ran: list[int] = []
    real_run = orchestrate._run
    monkeypatch.setattr(orchestrate, "_run", lambda jobs, opts: (ran.append(len(jobs)), real_run(jobs, opts))[1])
    second = reportgen.build([str(inputs)], options)
    assert second.exit_code == 1 and second.built == [] and len(second.skipped) == 1
    assert [r.errors for r in second.failed] == [failure.errors]  # the same located error
    assert sum(ran) == 0, "a worker ran for an input whose failure was already known"

    # The same failure is not cached for ever: fixing the input builds it.
    broken = inputs / "broken-2026.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("inference_share: 45", "inference_share: 0.5"),
                      encoding="utf-8")
    third = reportgen.build([str(inputs)], options)
    assert third.exit_code == 0 and [Path(r.input).name for r in third.built] == ["broken-2026.yaml"]


def test_the_cli_prints_a_known_failure_again_and_exits_1(batch_with_an_invalid_input: Path, tmp_path: Path):
    out = tmp_path / "out"
    first = reportgen("build", batch_with_an_invalid_input, "--out", out, "--format", "json")
    second = reportgen("build", batch_with_an_invalid_input, "--out", out, "--format", "json")
    assert first.code == second.code == 1, str(second)
    error = next(line for line in first.output.splitlines() if "inference_share" in line)
    assert error in second.output, str(second)
    assert "--force" not in second.output or "1 up to date" in second.output


def test_project_templates_sit_between_the_option_and_the_builtins(tmp_path: Path):
    """A project's own templates/ (in the folder the build runs from) overrides the built-ins; a
    --templates folder overrides both, file by file."""
    project = tmp_path / "project"
    (project / "inputs").mkdir(parents=True)
    shutil.copy(EXAMPLES / "anthropic-2026.yaml", project / "inputs")
    (project / "templates" / "partials").mkdir(parents=True)
    (project / "templates" / "brief.html.j2").write_text(
        '{% extends "default:brief.html.j2" %}{% block footer %}<footer><p>project footer</p></footer>{% endblock %}')
    (project / "templates" / "partials" / "titles.html.j2").write_text(
        (EXAMPLES.parent / "templates" / "partials" / "titles.html.j2").read_text(encoding="utf-8")
        .replace("The Forensic Bear Case", "The Project Bear Case"))
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "brief.html.j2").write_text(
        '{% extends "default:brief.html.j2" %}{% block footer %}<footer><p>option footer</p></footer>{% endblock %}')

    first = reportgen("build", "inputs", "--out", "out", "--format", "html", cwd=project)
    assert first.code == 0, str(first)
    html = (project / "out" / "anthropic-2026" / "brief.html").read_text(encoding="utf-8")
    assert "project footer" in html and "The Project Bear Case" in html

    # into the same folder: the templates changed, so the brief is built again, its charts read from the cache
    # the first build left there (drawing them again would prove nothing about templates)
    second = reportgen("build", "inputs", "--out", "out", "--format", "html", "--templates", mine, cwd=project)
    assert second.code == 0, str(second)
    html = (project / "out" / "anthropic-2026" / "brief.html").read_text(encoding="utf-8")
    assert "option footer" in html and "project footer" not in html
    assert "The Project Bear Case" in html  # the project's file the option does not replace still counts


def test_the_pdf_helper_starts_only_once_the_input_is_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A single brief lays out its PDF in a helper process that imports WeasyPrint meanwhile (executors.PdfHelper).
    An input that fails validation never starts it; a valid one starts it before its model is computed. The
    helper here is a stand-in that records its start and refuses the layout (the layout is not the subject)."""
    from concurrent.futures import Future

    import reportgen
    from reportgen.batch import executors
    from reportgen.render.pdf import PdfError

    events: list[str] = []

    class Refusing:
        def submit(self, fn: object, *args: object, **kwargs: object) -> Future[object]:
            events.append("layout")
            future: Future[object] = Future()
            future.set_exception(PdfError("stand-in helper"))
            return future

    def start() -> Refusing:
        events.append("helper started")
        return Refusing()

    monkeypatch.setattr(executors, "_start_helper", start)
    monkeypatch.setattr(executors, "_stop_helper", lambda executor: events.append("helper stopped"))
    monkeypatch.setattr(executors, "default_jobs", lambda: 2)  # the helper is for machines with a second core
    text = (EXAMPLES / "anthropic-2026.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("  inference_share: 0.5 ", "  inference_share: 45 "), encoding="utf-8")
    good = tmp_path / "good.yaml"
    good.write_text(text, encoding="utf-8")

    failed = reportgen.build([str(bad)], reportgen.BuildOptions(out_dir=str(tmp_path / "out-bad")))
    assert failed.exit_code == 1 and "inference_share" in failed.failed[0].errors[0]
    assert events == [], "an invalid input started the PDF helper"

    laid_out = reportgen.build([str(good)], reportgen.BuildOptions(out_dir=str(tmp_path / "out-good")))
    assert "stand-in helper" in laid_out.failed[0].errors[0], laid_out.failed[0].errors
    assert events == ["helper started", "layout", "helper stopped"]
