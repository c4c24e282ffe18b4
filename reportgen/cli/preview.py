"""``reportgen preview``: build, serve the output folder on 127.0.0.1, rebuild on save, reload the page."""

from __future__ import annotations

from collections.abc import Sequence

import click

from reportgen.cli.common import (
    BRIEF_OPTIONS,
    WHAT_IF,
    app,
    err,
    follow,
    inputs_of,
    output_flags,
    settings,
    usage,
    what_if_options,
)


@app.command()
@click.pass_context
@BRIEF_OPTIONS
@click.option("--port", default=8000, help="Port on 127.0.0.1 (0: any free one; 8000, the default, falls back to "
              "a free one when taken).")
@WHAT_IF
def preview(
    ctx: click.Context, paths: Sequence[str], out: str, format: str, strict: bool, templates: str | None,
    pdf_variant: str | None, jobs: int | None, port: int, overrides: tuple[str, ...], overwrite_base: bool,
) -> None:
    """Build, serve OUT on http://127.0.0.1 (this machine only), rebuild what each save affects, and reload
    the open page when a rebuild finishes. The files in OUT are not changed for it. Ctrl-C stops."""
    from reportgen.batch.preview import PreviewServer

    found = settings(ctx, output_flags(paths, out, format, templates, pdf_variant, jobs, strict=("strict", strict)))
    paths = inputs_of(found)
    options = what_if_options(found, overrides, overwrite_base)
    if not 0 <= port <= 65535:
        raise usage(f"--port takes 0 to 65535 (got {port})")
    try:
        server = PreviewServer(options.out_dir, port)
    except OSError as exc:
        raise usage(f"--port {port}: cannot listen on 127.0.0.1 ({exc.strerror or exc})") from None
    with server:
        err(f"serving {server.url} (this machine only); watching {' '.join(paths)} (Ctrl-C to stop)")
        follow(paths, options, after=lambda report: server.reloads.bump() if report.results else None)
