"""``reportgen preview``: build, serve the output folder on 127.0.0.1, rebuild on save, reload the page."""

from __future__ import annotations

from typing import Annotated

import typer

from reportgen.cli.common import (
    Format,
    OutDir,
    Overrides,
    OverwriteBase,
    PdfVariant,
    SomePaths,
    StrictFlag,
    Templates,
    app,
    choice_value,
    err,
    inputs_of,
    parse_formats,
    settings,
    usage,
    what_if_options,
)
from reportgen.errors import UsageError


@app.command()
def preview(
    ctx: typer.Context,
    paths: SomePaths = None,
    out: OutDir = "outputs",
    format: Format = "pdf,html,json",
    strict: StrictFlag = False,
    templates: Templates = None,
    pdf_variant: PdfVariant = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Parallel workers (default: CPUs).")] = None,
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1 (0: any free one; 8000, the default, "
                                      "falls back to a free one when taken).")] = 8000,
    overrides: Overrides = None,
    overwrite_base: OverwriteBase = False,
) -> None:
    """Build, serve OUT on http://127.0.0.1 (this machine only), rebuild what each save affects, and reload
    the open page when a rebuild finishes. The files in OUT are not changed for it. Ctrl-C stops."""
    from reportgen.batch.preview import PreviewServer
    from reportgen.batch.watch import watch as run_watch
    from reportgen.report import Reporter, print_summary

    found = settings(ctx, {
        "inputs": ("paths", tuple(paths or ())), "out_dir": ("out", out), "formats": ("format", parse_formats(format)),
        "strict": ("strict", strict), "templates_dir": ("templates", templates),
        "pdf_variant": ("pdf_variant", choice_value(pdf_variant)), "jobs": ("jobs", jobs)})
    paths = inputs_of(found)
    options = what_if_options(found, overrides, overwrite_base)
    if not 0 <= port <= 65535:
        raise usage(f"--port takes 0 to 65535 (got {port})")
    try:
        server = PreviewServer(options.out_dir, port)
    except OSError as exc:
        raise usage(f"--port {port}: cannot listen on 127.0.0.1 ({exc.strerror or exc})") from None
    reporter = Reporter()
    with server:
        err(f"serving {server.url} (this machine only); watching {' '.join(paths)} (Ctrl-C to stop)")
        try:
            for report in run_watch(paths, options, on_event=reporter):
                reporter.close()
                print_summary(report)
                if report.results:
                    server.reloads.bump()
        except KeyboardInterrupt:
            pass
        except UsageError as exc:
            raise usage(str(exc)) from None
        finally:
            reporter.close()
