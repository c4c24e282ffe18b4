"""Commands that build briefs: build, watch, verify."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from reportgen.cli.common import (
    Format,
    MaxAge,
    OutDir,
    Overrides,
    OverwriteBase,
    PdfVariant,
    SomePaths,
    StrictFlag,
    Templates,
    app,
    err,
    follow,
    inputs_of,
    interrupted,
    output_flags,
    settings,
    usage,
    what_if_options,
)
from reportgen.errors import UsageError
from reportgen.report import shown

# The intranet's options (docs/intranet.md)
Keep = Annotated[int, typer.Option("--keep", help="Earlier versions of each brief kept in OUT/<company>/archive/.")]
SiteUrl = Annotated[str | None, typer.Option("--site-url", help="http(s) address OUT is served at: absolute links "
                                             "in feed.xml (relative without it).")]
HtmlCharts = Annotated[str, typer.Option("--html-charts", help="static (SVG images, no script) or interactive "
                                         "(Vega inline: tooltips).")]


@app.command()
def build(
    ctx: typer.Context,
    paths: SomePaths = None,
    out: OutDir = "outputs",
    format: Format = "pdf,html,json",
    force: Annotated[bool, typer.Option("--force", help="Rebuild even what is up to date.")] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Parallel workers (default: CPUs).")] = None,
    strict: StrictFlag = False,
    templates: Templates = None,
    pdf_variant: PdfVariant = None,
    max_age: MaxAge = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Run on a dask.distributed scheduler "
                                                  "(tcp://HOST:PORT).")] = None,
    dask: Annotated[bool, typer.Option("--dask", help="Run on a local Dask cluster (spawned workers).")] = False,
    wait: Annotated[float, typer.Option("--wait", help="Seconds to wait for another build's lock.")] = 0.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    json_summary: Annotated[bool, typer.Option("--json", help="Print a machine-readable summary on stdout.")] = False,
    keep: Keep = 10,
    site_url: SiteUrl = None,
    html_charts: HtmlCharts = "static",
    overrides: Overrides = None,
    overwrite_base: OverwriteBase = False,
) -> None:
    """Build briefs: OUT/<input name>/brief.pdf, brief.html, model.json, charts/, and OUT/index.html.

    Incremental: only briefs whose input, data files, templates or options changed are rebuilt.
    Exit 0 when every brief is built or up to date, 1 when any failed, 2 on usage errors, 75 when another
    build holds the output folder (try again later)."""
    from reportgen.batch.orchestrate import build as run_build
    from reportgen.report import Reporter, print_summary

    if scheduler and dask:
        raise usage("--scheduler and --dask are alternatives")
    found = settings(ctx, output_flags(
        paths, out, format, templates, pdf_variant, jobs, force=("force", force), strict=("strict", strict),
        max_age_days=("max_age", max_age), wait_for_lock=("wait", wait),
        scheduler=(("scheduler", "dask"), scheduler or ("local" if dask else None)), keep_versions=("keep", keep),
        site_url=("site_url", site_url), html_charts=("html_charts", html_charts)))
    paths = inputs_of(found)
    options = what_if_options(found, overrides, overwrite_base)
    reporter = Reporter(quiet=quiet or json_summary)
    try:
        report = run_build(paths, options, on_event=reporter)
    except UsageError as exc:
        raise usage(str(exc)) from None
    except KeyboardInterrupt:
        reporter.close()
        raise interrupted() from None
    finally:
        reporter.close()
    if json_summary:
        import json

        typer.echo(json.dumps(report.to_json(), indent=2))
    elif not quiet or report.failed:
        print_summary(report)
    raise typer.Exit(report.exit_code)


@app.command()
def watch(
    ctx: typer.Context,
    paths: SomePaths = None,
    out: OutDir = "outputs",
    format: Format = "pdf,html,json",
    strict: StrictFlag = False,
    templates: Templates = None,
    pdf_variant: PdfVariant = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Parallel workers (default: CPUs).")] = None,
    keep: Keep = 10,
    site_url: SiteUrl = None,
    html_charts: HtmlCharts = "static",
    overrides: Overrides = None,
    overwrite_base: OverwriteBase = False,
) -> None:
    """Build, then rebuild what each saved change affects (an input: its company; a data file: the
    companies that read it; a template: all). Ctrl-C stops."""
    found = settings(ctx, output_flags(
        paths, out, format, templates, pdf_variant, jobs, strict=("strict", strict), keep_versions=("keep", keep),
        site_url=("site_url", site_url), html_charts=("html_charts", html_charts)))
    paths = inputs_of(found)
    options = what_if_options(found, overrides, overwrite_base)
    err(f"watching {' '.join(paths)} (Ctrl-C to stop)")
    follow(paths, options)


@app.command()
def verify(
    ctx: typer.Context,
    paths: SomePaths = None,
    out: OutDir = "outputs",
    format: Format = "pdf,html,json",
    templates: Templates = None,
    pdf_variant: PdfVariant = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Parallel workers (default: CPUs).")] = None,
    html_charts: HtmlCharts = "static",
) -> None:
    """Rebuild into a temporary folder and report every file that differs from OUT (give the options
    the briefs were built with). Exit 0 when all are byte-identical, 1 otherwise."""
    from reportgen.batch.verify import verify as run_verify

    found = settings(ctx, output_flags(paths, out, format, templates, pdf_variant, jobs,
                                       html_charts=("html_charts", html_charts)))
    paths = inputs_of(found)
    try:
        options = found.options(chart_cache=False)
        report = run_verify(paths, options)
    except UsageError as exc:
        raise usage(str(exc)) from None
    except KeyboardInterrupt:
        raise interrupted() from None
    for result in report.build.failed:
        for error in result.errors:
            err(f"error: {error}")
    for name in report.different:
        typer.echo(f"differs: {shown(os.path.join(options.out_dir, name))}")
    for name in report.missing:
        typer.echo(f"missing: {shown(os.path.join(options.out_dir, name))}")
    typer.echo(f"{len(report.identical)} identical, {len(report.different)} different, "
               f"{len(report.missing)} missing, {len(report.build.failed)} failed")
    raise typer.Exit(report.exit_code)


