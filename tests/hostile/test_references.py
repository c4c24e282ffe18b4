"""Family 2: URLs and file references smuggled into text, data-file paths, templates, CSS and chart specs.

A secret file outside every folder reportgen reads holds MARKER: it must never show up in a brief, a PDF's
bytes or the build's output. A local HTTP server must get no request. Text that looks like a URL stays text;
a data-file path that leaves the input's folder is a located error; a user template's references are refused
by the PDF's URL fetcher (a warning, an error under --strict); CSS for the HTML may not load anything; a
templates folder may not link outside itself; a chart spec that could fetch is refused before rendering.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostilekit import (
    MARKER,
    Batch,
    BriefFiles,
    Case,
    Fill,
    Server,
    Workspace,
    assert_located,
    extending,
    line_of,
    pack_cases,
    params,
    reportgen,
    shared_inputs,
    write_templates,
    yaml_text,
)

F = "references"
SERVER, SECRET = "{server}", "{secret}"  # replaced by the server's URL and the secret file's path

TEXT_CASES = [
    Case(F, "r-name-file-url", "inert", {"company.name": "file:///etc/passwd"}),
    Case(F, "r-notes-paths", "inert",
         {"notes": f"see {SERVER}/x and ../../etc/passwd and /dev/zero and file://{SECRET} and {SECRET}"}),
    Case(F, "r-source-link-attachment", "inert",
         {"sources.valuation.post_money": f'<link rel=attachment href="file://{SECRET}">'}),
    Case(F, "r-notes-font-face", "inert",
         {"notes": f"@font-face {{ src: url(file://{SECRET}) }} @import url({SERVER}/i.css);"}),
    Case(F, "r-provider-dev-zero", "inert", {"compute.providers.0.name": "file:///dev/zero"}),
    Case(F, "r-peer-css-url", "inert", {"peers.0.name": "url(file:///etc/passwd)"}),
]
PATH_CASES = [  # revenue.history and the input file itself
    Case(F, "r-history-absolute", "error", "absolute"),
    Case(F, "r-history-dotdot", "error", "dotdot"),
    Case(F, "r-history-http-url", "error", "url"),
    Case(F, "r-history-file-url", "error", "file-url"),
    Case(F, "r-history-symlink-out", "error", "symlink"),
    Case(F, "r-input-symlink-out", "error", "input-symlink"),
    Case(F, "r-input-named-index-html", "error", "index-name"),
]
_HEAD = 'reportgen">{links}<meta name="x'  # closes the author <meta> of the built-in layout: links in <head>
TEMPLATE_CASES = [
    # inert without --strict (the fetcher refuses; warnings), error with --strict
    Case(F, "r-tpl-img-file", "inert", {"brief.html.j2": extending(footer=f'<img src="file://{SECRET}">')}),
    Case(F, "r-tpl-img-file-strict", "error", {"brief.html.j2": extending(footer=f'<img src="file://{SECRET}">')}),
    Case(F, "r-tpl-img-http", "inert", {"brief.html.j2": extending(footer=f'<img src="{SERVER}/x.png">')}),
    Case(F, "r-tpl-img-http-strict", "error", {"brief.html.j2": extending(footer=f'<img src="{SERVER}/x.png">')}),
    Case(F, "r-tpl-attachment", "inert", {"brief.html.j2": extending(
        author=_HEAD.format(links='<link rel="attachment" href="../../../etc/passwd">'
                                  f'<link rel="attachment" href="file://{SECRET}">'
                                  f'<link rel="attachment" href="{"../" * 12}{SECRET}">'
                                  f'<link rel="attachment" href="{SERVER}/a.bin">'),
        footer=f'<a rel="attachment" href="file://{SECRET}">a</a><img src="/dev/zero">')}),
    Case(F, "r-tpl-attachment-strict", "error", {"brief.html.j2": extending(
        author=_HEAD.format(links=f'<link rel="attachment" href="file://{SECRET}">'))}),
    Case(F, "r-tpl-print-css-font-face", "inert", {"assets/print.css": (
        f"@import url({SERVER}/i.css);\n@font-face {{ font-family: Leak; src: url(file://{SECRET}); }}\n"
        f"@font-face {{ font-family: Leak2; src: url({SERVER}/f.ttf); }}\n"
        f"body {{ font-family: Leak, Leak2; background: url({SERVER}/bg.png); }}\n")}),
    Case(F, "r-tpl-print-css-dotdot", "inert", {"assets/print.css": (
        f'body {{ background: url("../../{"../" * 12}{SECRET}"); }}\n'
        'h1 { background: url("fonts/../../../../etc/passwd"); }\n')}),
    # error: the HTML's CSS may not load anything; the folder may not link out; includes only name what was read
    Case(F, "r-tpl-screen-css-import", "error", {"assets/screen.css": f"@import url({SERVER}/s.css);\n"}),
    Case(F, "r-tpl-brief-css-url", "error", {"assets/brief.css": f"body {{ background: url({SERVER}/b.png) }}\n"}),
    Case(F, "r-tpl-css-escape", "error", {"assets/screen.css": f"body {{ background: \\75 rl({SERVER}/e.png) }}\n"}),
    Case(F, "r-tpl-css-style-close", "error", {"assets/screen.css": "</style><script>alert(1)</script>\n"}),
    Case(F, "r-tpl-symlink-css", "error", {"assets/print.css": ("link", SECRET)}),
    Case(F, "r-tpl-symlink-partial", "error", {"partials/cover.html.j2": ("link", SECRET)}),
    Case(F, "r-tpl-symlink-dir", "error", {"sub": ("link", "{secret_dir}"),
                                           "brief.html.j2": extending(footer='{% include "sub/leak.html.j2" %}')}),
    Case(F, "r-tpl-include-absolute", "error", {"brief.html.j2": extending(footer=f'{{% include "{SECRET}" %}}')}),
    Case(F, "r-tpl-include-dotdot", "error",
         {"brief.html.j2": extending(footer='{% include "../secret.txt" %}')}),
    Case(F, "r-tpl-include-default-dotdot", "error",
         {"brief.html.j2": extending(footer='{% include "default:../../../../../../etc/passwd" %}')}),
]
CHART_CASES = [
    Case(F, "r-chart-data-file-url", "error", {"data": {"url": f"file://{SECRET}"}, "mark": "point"}),
    Case(F, "r-chart-data-http-url", "error", {"data": {"url": f"{SERVER}/d.json"}, "mark": "point"}),
    Case(F, "r-chart-lookup-url", "error", {
        "data": {"values": [{"a": 1}]}, "mark": "point",
        "transform": [{"lookup": "a", "from": {"data": {"url": "file:///etc/passwd"}, "key": "a", "fields": ["b"]}}]}),
    Case(F, "r-chart-image-url", "error", {
        "data": {"values": [{"a": 1}]}, "mark": "image", "encoding": {"url": {"value": f"file://{SECRET}"}}}),
    Case(F, "r-chart-href-channel", "error", {
        "data": {"values": [{"a": 1}]}, "mark": "point", "encoding": {"href": {"value": f"{SERVER}/h"}}}),
    Case(F, "r-chart-loader", "error", {
        "data": {"values": [{"a": 1}]}, "mark": "point", "usermeta": {"loader": {"baseURL": f"{SERVER}/"}}}),
    Case(F, "r-chart-svg-background-url", "error", {
        "data": {"values": [{"a": 1}]}, "mark": "point", "config": {"background": f"url({SERVER}/bg.png)"}}),
    # markup in a data value is drawn as escaped text: inert (the SVG guard parses markup, it does not grep text)
    Case(F, "r-chart-text-with-image-markup", "inert", {
        "data": {"values": [{"t": f"<image href='{SERVER}/x.png'/>"}]}, "mark": "text",
        "encoding": {"text": {"field": "t"}}}),
]
CASES = TEXT_CASES + PATH_CASES + TEMPLATE_CASES + CHART_CASES
# Refused by a guard of the templates folder before any PDF is laid out: the CSS whitelist (render/assets.py),
# the folder reader (links out), the loader (includes). Each is checked in process (test_template_guard); one
# case of each guard also runs as a full CLI build (test_template_reference).
GUARDED = {"r-tpl-screen-css-import", "r-tpl-brief-css-url", "r-tpl-css-escape", "r-tpl-css-style-close",
           "r-tpl-symlink-css", "r-tpl-symlink-partial", "r-tpl-symlink-dir", "r-tpl-include-absolute",
           "r-tpl-include-dotdot", "r-tpl-include-default-dotdot"}
END_TO_END = {"r-tpl-screen-css-import", "r-tpl-symlink-css", "r-tpl-include-dotdot"}


def _fill(value: object, server: Server, secret: Path) -> object:
    if isinstance(value, str):
        return value.replace(SERVER, server.url).replace(SECRET, str(secret))
    if isinstance(value, dict):
        return {k: _fill(v, server, secret) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, server, secret) for v in value]
    return value


# --- text ----------------------------------------------------------------------------------------------

# The text cases share inputs, each case in fields no other case of its input writes (2 briefs, not 6). Sound,
# because each case's assertion is about its own text (shown as text in the HTML and the PDF), and what holds
# for the whole brief (no element, request or PDF action came from it; nothing of the secret file or
# /etc/passwd in it) is only stricter with more of these texts in one brief.
_PACKS = pack_cases(F, {case.id: case.data for case in TEXT_CASES})


@shared_inputs()
def _text_inputs(fill: Fill) -> dict[str, str]:
    inputs = {}
    for name, texts in _PACKS.items():
        changes, sources = {}, {"valuation.post_money": "Press reports of the Series C"}
        for path, text in fill(texts).items():
            if path.startswith("sources."):
                sources[path[len("sources."):]] = text
            else:
                changes[path] = text
        inputs[name] = yaml_text(**changes, sources=sources)
    return inputs


@pytest.mark.parametrize("case", params(TEXT_CASES))
def test_text_stays_text(case: Case, shared_batch: Batch) -> None:
    """The shared batch's server recorded every request while it built; its secret file was outside the inputs."""
    brief = shared_batch.brief(case)
    assert shared_batch.fill is not None
    brief.assert_inert(list(shared_batch.fill(case.data).values()), absent=[MARKER, "root:x:0:0"])
    assert shared_batch.requests == []


# --- data-file paths and the input file itself -----------------------------------------------------------

@pytest.mark.parametrize("case", params(PATH_CASES))
def test_path_leaving_the_folder_is_refused(case: Case, ws: Workspace, server: Server, secret: Path) -> None:
    outside = ws.root / "secret.csv"
    outside.write_text(f"period,revenue\n2024,1\n{MARKER},2\n", encoding="utf-8")
    if case.data == "index-name":  # a new output folder: nothing of the index exists yet
        ws.write(yaml_text())
        ws.write(yaml_text(), "index.html.yaml")
        run = reportgen("build", "inputs", "--out", "fresh", "--format", "json", cwd=ws.root)
        assert run.code == 1 and "Traceback" not in run.output, str(run)
        assert_located(run, file="inputs/index.html.yaml", field="(file)", line=1, contains="reserved")
        assert "fresh/index.html: could not write" not in run.output
        assert (ws.root / "fresh" / "index.html").is_file(), "the index page is gone"
        return
    if case.data == "input-symlink":
        leaked = ws.root / "elsewhere.yaml"
        leaked.write_text(f"schema: reportgen/v1\n{MARKER}: 1\n", encoding="utf-8")
        os.symlink(leaked, ws.inputs / "acme.yaml")
        run = ws.expect_error("--format", "json", field="(file)", line=1, contains="links to a file outside its folder")
        assert MARKER not in run.output, "the linked file's content is in the build's output"
        return
    history = {
        "absolute": str(outside),
        "dotdot": "../secret.csv",
        "url": f"{server.url}/h.csv",
        "file-url": f"file://{outside}",
        "symlink": "history.csv",
    }[case.data]
    if case.data == "symlink":
        os.symlink(outside, ws.inputs / "history.csv")
    text = yaml_text(**{"revenue.history": history})
    ws.write(text)
    run = ws.expect_error("--format", "json", field="revenue.history", line=line_of(text, "history:"))
    assert MARKER not in run.output
    assert server.requests == []


# --- user templates ------------------------------------------------------------------------------------

def _templates(case: Case, folder: Path, server: Server, secret: Path) -> Path:
    secret_dir = folder.parent / "outside-dir"
    secret_dir.mkdir(exist_ok=True)
    (secret_dir / "leak.html.j2").write_text(MARKER, encoding="utf-8")
    files: dict[str, str | bytes] = {}
    for name, content in case.data.items():
        if isinstance(content, tuple):  # ("link", target): a symlink in the templates folder
            target = content[1].replace(SECRET, str(secret)).replace("{secret_dir}", str(secret_dir))
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(target, folder / name)
        else:
            files[name] = _fill(content, server, secret)
    write_templates(folder, files)
    folder.mkdir(exist_ok=True)
    return folder


def _assert_nothing_leaked(brief: BriefFiles, run_output: str) -> None:
    assert brief.pdf_text and MARKER not in brief.pdf_text
    assert MARKER.encode() not in brief.pdf_bytes
    assert b"root:x:0:0" not in brief.pdf_bytes
    assert MARKER not in brief.html and MARKER not in run_output
    from hostilekit import pdf_problems

    assert pdf_problems(brief.reader) == []


@pytest.mark.parametrize("case", params(TEMPLATE_CASES, where=lambda c: c.id in GUARDED))
def test_template_guard(case: Case, tmp_path: Path, server: Server, secret: Path) -> None:
    """The case's folder read, rendered and checked in this process: refused, naming what it refused, and
    nothing of the secret file in the message, nothing fetched."""
    from hostilekit import render_with_templates

    from reportgen.errors import TemplateError

    (tmp_path / "secret.txt").write_text(MARKER, encoding="utf-8")  # what "../secret.txt" would name
    templates = _templates(case, tmp_path / "templates", server, secret)
    with pytest.raises(TemplateError) as refused:
        render_with_templates(templates)
    message = str(refused.value)
    assert MARKER not in message
    _assert_template_error_located(case, message)
    assert server.requests == []


@pytest.mark.parametrize("case", params(TEMPLATE_CASES, where=lambda c: c.id not in GUARDED or c.id in END_TO_END))
def test_template_reference(case: Case, ws: Workspace, server: Server, secret: Path) -> None:
    (ws.root / "secret.txt").write_text(MARKER, encoding="utf-8")  # what "../secret.txt" would name
    templates = _templates(case, ws.root / "templates", server, secret)
    ws.write(yaml_text())  # the pre-built brief's own input: only the templates differ
    # Markup that names files and URLs: its subject is the PDF's URL fetcher, so the PDF alone is built (the
    # HTML brief's check refuses such markup before the PDF is laid out; see the end of this test).
    pdf_only = ("--format", "pdf") if case.id.startswith(("r-tpl-img-", "r-tpl-attachment")) else ()
    if case.outcome == "error":
        # The guards' refusals come while the folder is read and the HTML renders: the HTML brief alone shows them
        # (with --format pdf, the strict cases' subject is the PDF's fetcher).
        options = ["--templates", templates, *(pdf_only or ("--format", "html"))] + (
            ["--strict"] if case.id.endswith("-strict") else [])
        run = ws.expect_error(*options)
        assert MARKER not in run.output
        _assert_template_error_located(case, run.output)
    else:
        run = ws.build("--templates", templates, *pdf_only)
        assert run.code == 0, str(run)
        assert "asset refused" in run.output, "the refused reference should be reported as a warning"
        _assert_nothing_leaked(BriefFiles(ws.out / "acme"), run.output)
        if pdf_only:  # the HTML brief refuses the same markup outright, strict or not
            run = ws.expect_error("--templates", templates, "--format", "html")
            assert "external resource" in run.output and MARKER not in run.output, str(run)
    assert server.requests == []


def _assert_template_error_located(case: Case, output: str) -> None:
    """The error names what was refused: the asset's URL, the stylesheet, the linked file or the include."""
    if case.id.endswith("-strict"):
        assert "strict: inputs/acme.yaml: asset refused: " in output
    elif "css" in case.id and "symlink" not in case.id:
        name = next(iter(case.data)).split("/")[-1]
        assert f"stylesheet {name} loads an external resource" in output
    elif "symlink" in case.id and "dir" not in case.id:
        name = next(iter(case.data))
        assert f"templates/{name}: links outside the templates folder" in output
    else:
        assert "brief.html.j2:" in output and "TemplateNotFound" in output


# --- chart specs ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", params(CHART_CASES))
def test_chart_spec_that_could_fetch_is_refused(case: Case, server: Server, secret: Path) -> None:
    from reportgen.charts.render import ChartError, render_svg

    spec = _fill(case.data, server, secret)
    if case.outcome == "inert":
        from xml.etree import ElementTree

        from hostilekit import svg_problems

        svg, _ = render_svg(spec)
        assert svg_problems(svg) == []
        text = spec["data"]["values"][0]["t"]
        assert text in "".join(ElementTree.fromstring(svg).itertext()), "the markup should be drawn as text"
    else:
        with pytest.raises(ChartError, match="external resource"):
            render_svg(spec)
    assert server.requests == []
