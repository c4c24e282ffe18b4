"""Family 7: template traps in a ``--templates`` folder (its contents are untrusted).

The published Jinja2 sandbox escapes are refused; includes can only name files that were read from the
folder; output amplification is capped; a runaway or memory-hungry template fails within its child's limits
(20 s of CPU time, shortened in the tests by REPORTGEN_TEMPLATE_TIME_LIMIT; 1 GiB) and writes nothing. What a
template writes must still respect the HTML brief's boundary (self-contained, no script): the cases marked as
bugs show where it does not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hostilekit import (
    MARKER,
    TEMPLATE_TIME_LIMIT,
    Background,
    BriefFiles,
    Case,
    Run,
    Server,
    Timeout,
    Workspace,
    assert_clean_failure,
    assert_unchanged,
    background_job,
    extending,
    markup_problems,
    params,
    pdf_problems,
    render_with_templates,
    write_templates,
    yaml_text,
)

F = "templates"
SERVER = "{server}"

# (files of the templates folder, words every error line must contain, timeout)
_SANDBOX = "template refused by the sandbox"
CASES = [
    # the published advisories and classic escapes
    Case(F, "t-mro-subclasses", "error",
         ({"brief.html.j2": extending(footer="{{ ''.__class__.__mro__[1].__subclasses__() }}")}, _SANDBOX)),
    Case(F, "t-cycler-globals-popen", "error",
         ({"brief.html.j2": extending(footer="{{ cycler.__init__.__globals__.os.popen('id').read() }}")}, _SANDBOX)),
    Case(F, "t-self-template-reference", "error",
         ({"brief.html.j2": extending(footer="{{ self._TemplateReference__context }}")}, _SANDBOX)),
    Case(F, "t-str-format-attribute", "error",
         ({"brief.html.j2": extending(footer='{{ "{0.__class__}".format(1) }}')}, _SANDBOX)),
    Case(F, "t-str-format-indirect", "error",  # CVE-2024-56326: format reached through a variable
         ({"brief.html.j2": extending(footer='{% set f = "{0.__class__.__mro__}".format %}{{ f(1) }}')}, _SANDBOX)),
    Case(F, "t-attr-filter-dunder", "error",
         ({"brief.html.j2": extending(footer='{{ ""|attr("__class__") }}')}, _SANDBOX)),
    Case(F, "t-attr-filter-format", "error",  # CVE-2025-27516: |attr reaching str.format
         ({"brief.html.j2": extending(footer='{{ "{0.__class__}"|attr("format")(1) }}')}, _SANDBOX)),
    Case(F, "t-lipsum-globals", "error",
         ({"brief.html.j2": extending(footer="{{ lipsum.__globals__['os'].system('touch PWNED') }}")}, _SANDBOX)),
    Case(F, "t-list-mutation", "error",
         ({"brief.html.j2": extending(footer="{% set x = [] %}{{ x.append(1) }}")}, _SANDBOX)),
    # includes of what was not read from the folder
    Case(F, "t-include-dotdot", "error",
         ({"brief.html.j2": extending(footer='{% include "../../etc/passwd" %}')}, "TemplateNotFound")),
    Case(F, "t-include-absolute", "error",
         ({"brief.html.j2": extending(footer='{% include "/etc/passwd" %}')}, "TemplateNotFound")),
    Case(F, "t-import-absolute", "error",
         ({"brief.html.j2": extending(footer='{% import "/etc/passwd" as p %}{{ p }}')}, "TemplateNotFound")),
    Case(F, "t-extends-absolute", "error",
         ({"brief.html.j2": '{% extends "/etc/passwd" %}'}, "TemplateNotFound")),
    # output amplification
    Case(F, "t-string-times-1e9", "error",
         ({"brief.html.j2": extending(footer='{{ "x" * 10**9 }}')}, "template output too large")),
    Case(F, "t-string-times-chained", "error",
         ({"brief.html.j2": extending(footer='{{ "x" * 999999 * 999999 }}')}, "template output too large")),
    Case(F, "t-list-times", "error",
         ({"brief.html.j2": extending(footer="{{ ([1] * 1000) * 10000 }}")}, "template output too large")),
    Case(F, "t-huge-exponent", "error",
         ({"brief.html.j2": extending(footer="{{ 2 ** 100000 }}")}, "exponent too large")),
    Case(F, "t-range-1e9", "error",
         ({"brief.html.j2": extending(footer="{% for i in range(10**9) %}{% endfor %}")}, "OverflowError")),
    Case(F, "t-center-filter-1e9", "error",
         ({"brief.html.j2": extending(footer='{{ "x"|center(10**9) }}')}, "MemoryError")),
    Case(F, "t-nested-range-output", "error",
         ({"brief.html.j2": extending(
             footer="{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}")},
          ("MemoryError", f"exceeded the time limit of {TEMPLATE_TIME_LIMIT:g} s"))),  # whichever limit comes first
    Case(F, "t-macro-recursion", "error",
         ({"brief.html.j2": extending(footer="{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}")}, "RecursionError")),
    Case(F, "t-runaway-no-output", "error",
         ({"brief.html.j2": extending(
             footer="{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")},
          f"exceeded the time limit of {TEMPLATE_TIME_LIMIT:g} s")),
    Case(F, "t-pdf-amplification", "error",
         ({"brief.html.j2": extending(footer="{% for i in range(50000) %}<p>{{ lipsum(1, html=False) }}</p>"
                                             "{% endfor %}")}, "too large")),
    # what a template writes into the HTML brief
    Case(F, "t-html-script", "error",
         ({"brief.html.j2": extending(footer=f'<script>fetch("{SERVER}/s")</script>')}, "script")),
    Case(F, "t-html-remote-img", "error",
         ({"brief.html.j2": extending(footer=f'<img src="{SERVER}/i.png">')}, "external")),
    Case(F, "t-safe-notes-html", "error",
         ({"sections/outlook.html.j2": "<p>{{ notes|safe }}</p>"}, "external")),
    # |safe on input is the template author's decision: the PDF still fetches nothing
    Case(F, "t-safe-notes-pdf", "inert", ({"sections/outlook.html.j2": "<p>{{ notes|safe }}</p>"}, None)),
]
SLOW = {"t-runaway-no-output", "t-nested-range-output", "t-pdf-amplification"}
# Refused by a guard before any limit matters: the sandbox's attribute and call rules, the loader's names, the
# HTML brief's boundary. Each is checked in process (test_template_guard); one case of each guard also runs as
# a full CLI build (test_template_trap), which shows the refusal fails the brief, located, and writes nothing.
# The amplification cases stay end to end: the child's memory and time limits are their subject.
GUARDED = {"t-mro-subclasses", "t-cycler-globals-popen", "t-self-template-reference", "t-str-format-attribute",
           "t-str-format-indirect", "t-attr-filter-dunder", "t-attr-filter-format", "t-lipsum-globals",
           "t-list-mutation", "t-include-dotdot", "t-include-absolute", "t-import-absolute", "t-extends-absolute",
           "t-html-script", "t-html-remote-img", "t-safe-notes-html"}
END_TO_END = {"t-mro-subclasses", "t-include-dotdot", "t-html-script"}
_NOTES = (f'<img src="{SERVER}/notes.png"><link rel="attachment" href="file://{{secret}}">'
          f'<img src="file://{{secret}}"><a rel="attachment" href="../../../../etc/passwd">x</a>')


def _says(case: Case, output: str) -> bool:
    words = case.data[1]
    return any(w in output for w in (words if isinstance(words, tuple) else (words,)))


def _files(case: Case, server: Server) -> dict[str, str]:
    return {name: content.replace(SERVER, server.url) for name, content in case.data[0].items()}


def _input(case: Case, server: Server, secret: Path) -> str:
    notes = _NOTES.replace(SERVER, server.url).replace("{secret}", str(secret))
    return yaml_text(notes=notes) if "safe" in case.id else yaml_text()


def _setup(case: Case, ws: Workspace, server: Server, secret: Path) -> Path:
    folder = write_templates(ws.root / "templates", _files(case, server))
    ws.write(_input(case, server, secret))
    return folder


def _check_error(case: Case, ws: Workspace, server: Server, timeout: float) -> None:
    templates = ws.root / "templates"
    # The HTML brief alone: these templates fail while they render, before any PDF is laid out, so the PDF's
    # helper process (which imports WeasyPrint while the brief is computed) would be started for nothing.
    options = ["--templates", templates, "--format", "html"] + (["--strict"] if "html" in case.id else [])
    run = ws.expect_error(*options, timeout=timeout)
    lines = [line for line in run.output.splitlines() if line.startswith("error: ")]
    assert lines and all(line.startswith("error: inputs/acme.yaml: ") for line in lines), str(run)
    assert _says(case, run.output), str(run)
    assert "root:x:0:0" not in run.output
    assert not any(path.name == "PWNED" for path in ws.root.rglob("*"))
    assert server.requests == []


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.id not in SLOW and c.id in GUARDED))
def test_template_guard(case: Case, tmp_path: Path, server: Server, secret: Path,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The case's folder read, rendered and checked in this process: the guard's refusal, in the words the
    build prints; nothing run (no PWNED file where the template would write it), nothing fetched."""
    from reportgen.errors import TemplateError

    monkeypatch.chdir(tmp_path)
    folder = write_templates(tmp_path / "templates", _files(case, server))
    with pytest.raises(TemplateError) as refused:
        render_with_templates(folder, _input(case, server, secret))
    message = str(refused.value)
    assert _says(case, message), message
    assert "root:x:0:0" not in message
    assert not any(path.name == "PWNED" for path in tmp_path.rglob("*"))
    assert server.requests == []


@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.id not in SLOW
                                        and (c.id not in GUARDED or c.id in END_TO_END)))
def test_template_trap(case: Case, ws: Workspace, server: Server, secret: Path) -> None:
    _setup(case, ws, server, secret)
    if case.outcome == "error":
        _check_error(case, ws, server, timeout=60)
        return
    # The PDF's fetcher is this case's subject: the HTML brief refuses the same markup (t-safe-notes-html).
    run = ws.build("--templates", ws.root / "templates", "--format", "pdf")
    assert run.code == 0, str(run)
    brief = BriefFiles(ws.out / "acme")
    assert MARKER.encode() not in brief.pdf_bytes and MARKER not in brief.pdf_text
    assert b"root:x:0:0" not in brief.pdf_bytes
    assert pdf_problems(brief.reader) == []
    assert "asset refused" in run.output
    assert server.requests == []


def _runaway_job(case: Case) -> Any:
    def job(ws: Workspace) -> tuple[Workspace, dict[str, str], Run | Timeout]:
        write_templates(ws.root / "templates", case.data[0])
        ws.write(yaml_text())
        before = ws.snapshot()
        try:
            return ws, before, ws.build("--templates", ws.root / "templates", timeout=60)
        except Timeout as exc:
            return ws, before, exc

    return job


for _case in CASES:
    if _case.id in SLOW:
        background_job(_case.id)(_runaway_job(_case))


@pytest.mark.slow
@pytest.mark.parametrize("case", params(CASES, where=lambda c: c.id in SLOW))
def test_runaway_template_fails_within_its_limits(case: Case, background: Background) -> None:
    """The child's limits are TEMPLATE_TIME_LIMIT and 1 GiB; 60 s is generous for failing and cleaning up."""
    ws, before, run = background.result(case.id)
    if isinstance(run, Timeout):
        raise AssertionError(f"{case.id}: {run}")
    assert_clean_failure(run)
    lines = [line for line in run.output.splitlines() if line.startswith("error: ")]
    assert lines and all(line.startswith("error: inputs/acme.yaml: ") for line in lines), str(run)
    assert _says(case, run.output), str(run)
    assert_unchanged(before, ws.snapshot())
    assert not list(ws.out.rglob(".tmp-*"))


def test_sandbox_refusal_names_the_template(ws: Workspace, server: Server, secret: Path) -> None:
    case = CASES[0]
    _setup(case, ws, server, secret)
    run = ws.expect_error("--templates", ws.root / "templates", "--format", "html")
    assert "brief.html.j2:" in run.output, str(run)


def test_html_brief_from_a_plain_override_is_clean(ws: Workspace, server: Server, secret: Path) -> None:
    """Control for the bug cases above: an override that writes only text gives a clean HTML brief."""
    write_templates(ws.root / "templates", {"brief.html.j2": extending(footer="<p>Plain footer</p>")})
    ws.write(yaml_text())
    run = ws.build("--templates", ws.root / "templates", "--format", "html")
    assert run.code == 0, str(run)
    brief = BriefFiles(ws.out / "acme")
    assert markup_problems(brief.html) == []
    assert "Plain footer" in brief.html_text
