"""Commands that build briefs: build, watch, verify."""

from __future__ import annotations

import os
from collections.abc import Sequence

import click

from reportgen.batch.options import HTML_CHARTS
from reportgen.cli.common import (
    BRIEF_OPTIONS,
    FORMAT,
    JOBS,
    MAX_AGE,
    OUT_DIR,
    OVERRIDES,
    PDF_VARIANT,
    SOME_PATHS,
    STRICT,
    TEMPLATES,
    WHAT_IF,
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
KEEP = click.option("--keep", default=10, help="Earlier versions of each brief kept in OUT/<company>/archive/.")
SITE_URL = click.option("--site-url", help="http(s) address OUT is served at: absolute links in feed.xml (relative "
                        "without it).")
HTML_CHARTS_OPTION = click.option("--html-charts", type=click.Choice(HTML_CHARTS), default="static",
                                  help="static (SVG images, no script) or interactive (Vega inline: tooltips).")


@app.command()
@click.pass_context
@SOME_PATHS
@OUT_DIR
@FORMAT
@click.option("--force", is_flag=True, help="Rebuild even what is up to date.")
@JOBS
@STRICT
@TEMPLATES
@PDF_VARIANT
@MAX_AGE
@click.option("--scheduler", help="Run on a dask.distributed scheduler (tcp://HOST:PORT).")
@click.option("--dask", is_flag=True, help="Run on a local Dask cluster (spawned workers).")
@click.option("--wait", type=float, default=0.0, help="Seconds to wait for another build's lock.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--json", "json_summary", is_flag=True, help="Print a machine-readable summary on stdout.")
@KEEP
@SITE_URL
@HTML_CHARTS_OPTION
@WHAT_IF
def build(
    ctx: click.Context, paths: Sequence[str], out: str, format: str, force: bool, jobs: int | None,
    strict: bool, templates: str | None, pdf_variant: str | None, max_age: int | None, scheduler: str | None,
    dask: bool, wait: float, quiet: bool, json_summary: bool, keep: int, site_url: str | None,
    html_charts: str, overrides: tuple[str, ...], overwrite_base: bool,
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

        click.echo(json.dumps(report.to_json(), indent=2))
    elif not quiet or report.failed:
        print_summary(report)
    ctx.exit(report.exit_code)


@app.command()
@click.pass_context
@BRIEF_OPTIONS
@KEEP
@SITE_URL
@HTML_CHARTS_OPTION
@WHAT_IF
def watch(
    ctx: click.Context, paths: Sequence[str], out: str, format: str, strict: bool, templates: str | None,
    pdf_variant: str | None, jobs: int | None, keep: int, site_url: str | None, html_charts: str,
    overrides: tuple[str, ...], overwrite_base: bool,
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
@click.pass_context
@SOME_PATHS
@OUT_DIR
@FORMAT
@TEMPLATES
@PDF_VARIANT
@JOBS
@HTML_CHARTS_OPTION
@OVERRIDES
def verify(
    ctx: click.Context, paths: Sequence[str], out: str, format: str, templates: str | None,
    pdf_variant: str | None, jobs: int | None, html_charts: str, overrides: tuple[str, ...],
) -> None:
    """Rebuild into a temporary folder and report every file that differs from OUT (give the options
    the briefs were built with, a what-if's -P flags included). Exit 0 when all are byte-identical, 1 otherwise."""
    from reportgen.batch.verify import verify as run_verify

    found = settings(ctx, output_flags(paths, out, format, templates, pdf_variant, jobs,
                                       html_charts=("html_charts", html_charts)))
    paths = inputs_of(found)
    try:
        # A what-if's -P flags as the build took them; the rebuild goes to a scratch folder, so the guard
        # that keeps a what-if out of the base briefs' folder has nothing to guard here.
        options = found.options(chart_cache=False, overrides=overrides)
        report = run_verify(paths, options)
    except UsageError as exc:
        raise usage(str(exc)) from None
    except KeyboardInterrupt:
        raise interrupted() from None
    for result in report.build.failed:
        for error in result.errors:
            err(f"error: {error}")
    for name in report.different:
        click.echo(f"differs: {shown(os.path.join(options.out_dir, name))}")
    for name in report.missing:
        click.echo(f"missing: {shown(os.path.join(options.out_dir, name))}")
    click.echo(f"{len(report.identical)} identical, {len(report.different)} different, "
               f"{len(report.missing)} missing, {len(report.build.failed)} failed")
    ctx.exit(report.exit_code)


