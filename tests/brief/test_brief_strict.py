"""``--strict`` with ``--templates`` overrides: an unformatted number, an undefined variable, CSS that
loads something and an asset the PDF cannot load each fail the build with a message that names the
problem, and a failed build writes nothing. Without --strict the unformatted number is a warning.

The failures the templates' HTML shows (numbers, undefined variables, stylesheets) are built as
``--format html,json``: they fail before any PDF would be laid out (a strict failure otherwise waits for the
layout), so the PDF adds nothing to them. The lenient build and the missing asset (the PDF's own check) are
built in every format. The builds of the example into a fresh folder read its charts from the run's chart cache
(tests/conftest.py shared_chart_cache): the charts are not what these tests are about. The command line is run
end to end by the unformatted-number builds and the missing asset; the undefined-variable and stylesheet cases call the
library in the test's process (briefkit.build_here), the same build without a command's start-up.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from briefkit import (
    BRIEF_FILES,
    build_here,
    builtin,
    copy_outputs,
    reportgen,
    snapshot,
    write_templates,
)

STEM = "anthropic-2026"
INPUT = f"inputs/{STEM}.yaml"
HTML_ONLY = ("--format", "html,json")  # where the failure is in the HTML: no PDF to lay out

# The outlook section with four numbers that no filter formatted: a Fig printed raw, a literal in the
# template's text, a printf-formatted value and arithmetic on a value.
UNFORMATTED = builtin("sections/outlook.html.j2") + (
    "<p>The HHI is {{ metrics.hhi }}, and the round was oversubscribed in 42 cases.</p>\n"
    '<p>Intensity {{ "%.3f"|format(metrics.capital_intensity.value) }}, '
    'lock-in {{ metrics.lock_in_years.value * 7 }}.</p>\n'
)
# As the messages quote them: the text check's quote may carry the sentence's comma or full stop.
NAMED_NUMBERS = [r"'0\.68\d*[,.]?'", r"'42'", r"'1\.138[,.]?'", r"'70(?:\.0)?[,.]?'"]


def _templates(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    return write_templates(tmp_path / "templates", files)


def _assert_names(output: str, patterns: list[str]) -> None:
    assert [p for p in patterns if not re.search(p, output)] == [], output


@pytest.fixture(scope="module")
def strict_unformatted(tmp_path_factory, outputs):
    """One --strict build with the unformatted numbers, into a copy of the session's outputs."""
    base = tmp_path_factory.mktemp("strict")
    templates = write_templates(base / "templates", {"sections/outlook.html.j2": UNFORMATTED})
    out = copy_outputs(outputs, base / "outputs")
    before = snapshot(out)
    run = reportgen("build", INPUT, "--out", out, "--strict", "--templates", templates, *HTML_ONLY)
    return run, before, snapshot(out), templates


def test_strict_fails_on_unformatted_numbers_and_names_them(strict_unformatted):
    run, *_ = strict_unformatted
    assert run.code == 1, str(run)
    assert "strict" in run.output and "FAILED" in run.output
    _assert_names(run.output, [rf"number {p}" for p in NAMED_NUMBERS])
    assert "figure hhi printed without a formatting filter" in run.output


def test_strict_failure_leaves_the_previous_brief_untouched(strict_unformatted):
    _, before, after, _ = strict_unformatted
    assert before and after == before  # same files, same bytes, same modification times


@pytest.fixture(scope="module")
def fresh_failure(strict_unformatted, tmp_path_factory):
    *_, templates = strict_unformatted
    out = tmp_path_factory.mktemp("fresh") / "outputs"
    return reportgen("build", INPUT, "--out", out, "--strict", "--templates", templates, *HTML_ONLY), out


def test_strict_failure_into_a_fresh_folder_writes_no_brief(fresh_failure):
    run, out = fresh_failure
    assert run.code == 1, str(run)
    assert not (out / STEM).exists()


def test_strict_failure_into_a_fresh_folder_writes_no_file(fresh_failure):
    run, out = fresh_failure
    assert run.code == 1
    assert not out.exists() or snapshot(out) == {}  # reportgen's own .reportgen/ (lock, cache) aside


def test_without_strict_the_unformatted_number_is_a_printed_warning(strict_unformatted, outputs, tmp_path):
    *_, templates = strict_unformatted
    out = tmp_path / "lenient"
    run = reportgen("build", INPUT, "--out", out, "--templates", templates)
    assert run.code == 0, str(run)
    assert "warning" in run.output
    _assert_names(run.output, [rf"number {p}" for p in NAMED_NUMBERS])
    assert all((out / STEM / name).is_file() for name in BRIEF_FILES)
    assert "in 42 cases" in (out / STEM / "brief.html").read_text(encoding="utf-8")


UNDEFINED = {
    "section": ("sections/outlook.html.j2", 4, "<p>{{ no_such_thing.value }}</p>", "no_such_thing"),
    "partial": ("partials/cover.html.j2", 5, "{% if metrics.no_such_metric > 1 %}<p>big</p>{% endif %}",
                "no_such_metric"),
    "block": ("brief.html.j2", 4, None, "nickname"),
}


@pytest.mark.parametrize(("case", "strict"), [("section", False), ("section", True), ("partial", True),
                                              ("block", False)])
def test_undefined_variable_fails_naming_template_and_line(tmp_path, outputs, case, strict):
    name, line, statement, variable = UNDEFINED[case]
    if statement is None:
        source = ('{% extends "default:brief.html.j2" %}\n{% block cover %}\n<header class="cover">\n'
                  "<h1>{{ company.nickname }}</h1>\n</header>\n{% endblock %}\n")
    else:
        lines = builtin(name).splitlines(keepends=True)
        source = "".join([*lines[: line - 1], statement + "\n", *lines[line - 1:]])
    templates = _templates(tmp_path, {name: source})
    out = tmp_path / "out"
    run = build_here(INPUT, out, templates, strict=strict)
    assert run.code == 1, str(run)
    assert f"{name}:{line}:" in run.output and variable in run.output and "Undefined" in run.output, str(run)
    assert not (out / STEM).exists()


CSS_LOADS = {
    "url": ("assets/brief.css", builtin("assets/brief.css") + "\nbody { background: url(missing.png); }\n"),
    "import": ("assets/brief.css", '@import "other.css";\n' + builtin("assets/brief.css")),
    "screen-url": ("assets/screen.css", builtin("assets/screen.css")
                   + '\nh1 { background: url("https://example.invalid/x.png"); }\n'),
}


@pytest.mark.parametrize("case", CSS_LOADS)
def test_css_override_that_loads_something_fails(tmp_path, outputs, case):
    name, css = CSS_LOADS[case]
    out = tmp_path / "out"
    run = build_here(INPUT, out, _templates(tmp_path, {name: css}))
    assert run.code == 1, str(run)
    assert f"stylesheet {name.split('/')[-1]}" in run.output and "external resource" in run.output, str(run)
    assert not (out / STEM).exists()


MISSING_ASSET = ('{% extends "default:brief.html.j2" %}{% block footer %}'
                 '<footer class="colophon"><img src="assets/nope.png" alt="Logo"></footer>{% endblock %}\n')


def test_missing_asset_fails_under_strict(tmp_path, outputs):
    out = tmp_path / "out"
    run = reportgen("build", INPUT, "--out", out, "--strict",
                    "--templates", _templates(tmp_path, {"brief.html.j2": MISSING_ASSET}))
    assert run.code == 1, str(run)
    assert "asset refused" in run.output and "nope.png" in run.output, str(run)
    assert not (out / STEM).exists()
