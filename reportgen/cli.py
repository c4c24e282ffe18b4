"""The ``reportgen`` command: options in, library calls, printing out. No logic lives here.

Exit codes (cron-friendly): 0 everything succeeded, 1 an input or a brief failed, 2 usage error.
"""

from __future__ import annotations

import os
import signal
import sys


def _interrupted_early(signum: int, frame: object) -> None:  # Ctrl-C while the modules load: no traceback
    os.write(2, b"reportgen: interrupted; nothing was built\n")
    os._exit(130)


# Only in the command's own process (the console script, python -m reportgen), not in a program importing this
# module. A build's spawned worker imports it again as its parent's main module: it ignores Ctrl-C (the
# terminal signals the whole group, and the parent ends its workers).
_COMMAND = os.path.basename(sys.argv[0]) == "reportgen" or sys.argv[0].endswith(f"reportgen{os.sep}__main__.py")
if _COMMAND and "multiprocessing" in sys.modules:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
elif _COMMAND and signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # unless the caller ignores it
    signal.signal(signal.SIGINT, _interrupted_early)  # until main() runs (see there)

from typing import Annotated  # noqa: E402

import typer  # noqa: E402

from reportgen import __version__  # noqa: E402
from reportgen.errors import ReportgenError, SpecError, UsageError  # noqa: E402
from reportgen.report import shown  # noqa: E402

INTERRUPTED = "reportgen: interrupted; the briefs written so far are whole, and the next build finishes the rest"

app = typer.Typer(
    name="reportgen",
    help="Compile company YAML into research briefs: brief.pdf, brief.html and model.json.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"reportgen {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """reportgen: research briefs from structured company data."""


def _err(message: str) -> None:
    """A message on stderr, each of its lines escaped (reportgen.report.shown): paths come from users."""
    typer.echo("\n".join(shown(line) for line in str(message).split("\n")), err=True)


def _interrupted() -> typer.Exit:  # typer would exit 130 without a word
    _err(INTERRUPTED)
    return typer.Exit(130)


def _usage(message: str) -> typer.Exit:
    _err(f"usage error: {message}")
    return typer.Exit(2)


@app.command()
def validate(
    paths: Annotated[list[str], typer.Argument(help="Input files or folders (searched recursively).")],
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")] = False,
) -> None:
    """Check inputs against the contract; one line per problem, FILE:LINE: field: message."""
    from reportgen.contract.discover import discover_inputs
    from reportgen.contract.load import load_spec

    try:
        files = discover_inputs(paths)
    except UsageError as exc:
        raise _usage(str(exc)) from None
    if not files:
        raise _usage("no input files (.yaml, .yml, .json) found in " + " ".join(paths))
    failed = 0
    for path in files:
        try:
            load_spec(path)
        except SpecError as exc:
            failed += 1
            for problem in exc.problems:
                _err(str(problem))
        else:
            if not quiet:
                typer.echo(f"{shown(path)}: ok")
    if not quiet:
        typer.echo(f"{len(files) - failed} valid, {failed} invalid", err=bool(failed))
    raise typer.Exit(1 if failed else 0)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the input contract (for editors and other tools)."""
    import json

    from reportgen.contract.json_schema import contract_schema

    typer.echo(json.dumps(contract_schema(), indent=2))


@app.command()
def new(
    name: Annotated[str, typer.Argument(help="Company name.")],
    out: Annotated[str | None, typer.Option("--out", "-o",
                                            help="File to write ('-' for standard output); default "
                                                 "inputs/<name>.yaml, or ./<name>.yaml without inputs/.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter input for NAME that validates."""
    from reportgen.atomic import write_atomic
    from reportgen.contract.starter import StarterError, describe, starter_filename, starter_yaml

    try:
        text = starter_yaml(name)
    except StarterError as exc:  # a name the contract refuses: write nothing rather than an invalid file
        for problem in exc.problems:
            _err(f"new: {describe(problem)}")
        raise typer.Exit(2) from None
    if out == "-":
        typer.echo(text, nl=False)
        return
    target = out or os.path.join("inputs" if os.path.isdir("inputs") else ".", starter_filename(name))
    if os.path.exists(target) and not force:
        _err(f"{target}: already exists; use --force to overwrite")
        raise typer.Exit(1)
    write_atomic(target, text.encode("utf-8"))
    typer.echo(shown(target))


def _formats(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))


Paths = Annotated[list[str], typer.Argument(help="Input files or folders (searched recursively).")]
OutDir = Annotated[str, typer.Option("--out", "-o", help="Output folder: one sub-folder per company.")]
Format = Annotated[str, typer.Option("--format", "-f", help="Any of pdf,html,json.")]
StrictFlag = Annotated[bool, typer.Option("--strict", help="Warnings become errors: unformatted numbers in the "
                                      "prose, missing glyphs or assets, undefined variables, stale data.")]
Templates = Annotated[str | None, typer.Option("--templates", "-t", help="Folder of templates that override the "
                                                "built-in ones, block by block (see README).")]
PdfVariant = Annotated[str | None, typer.Option("--pdf-variant", help="e.g. pdf/a-3b or pdf/ua-1.")]
MaxAge = Annotated[int | None, typer.Option("--max-age", help="Warn (fail under --strict) when as_of is older "
                                            "than this many days.")]


@app.command()
def build(
    paths: Paths,
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
) -> None:
    """Build briefs: OUT/<input name>/brief.pdf, brief.html, model.json, charts/, and OUT/index.html.

    Incremental: only briefs whose input, data files, templates or options changed are rebuilt.
    Exit 0 when every brief is built or up to date, 1 when any failed, 2 on usage errors."""
    from reportgen.batch.options import BuildOptions
    from reportgen.batch.orchestrate import build as run_build
    from reportgen.report import Reporter, print_summary

    if scheduler and dask:
        raise _usage("--scheduler and --dask are alternatives")
    try:
        options = BuildOptions(out_dir=out, formats=_formats(format), force=force, jobs=jobs, strict=strict,
                               templates_dir=templates, pdf_variant=pdf_variant, max_age_days=max_age,
                               scheduler=scheduler or ("local" if dask else None), wait_for_lock=wait)
    except UsageError as exc:
        raise _usage(str(exc)) from None
    reporter = Reporter(quiet=quiet or json_summary)
    try:
        report = run_build(paths, options, on_event=reporter)
    except UsageError as exc:
        raise _usage(str(exc)) from None
    except KeyboardInterrupt:
        reporter.close()
        raise _interrupted() from None
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
    paths: Paths,
    out: OutDir = "outputs",
    format: Format = "pdf,html,json",
    strict: StrictFlag = False,
    templates: Templates = None,
    pdf_variant: PdfVariant = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Parallel workers (default: CPUs).")] = None,
) -> None:
    """Build, then rebuild what each saved change affects (an input: its company; a data file: the
    companies that read it; a template: all). Ctrl-C stops."""
    from reportgen.batch.options import BuildOptions
    from reportgen.batch.watch import watch as run_watch
    from reportgen.report import Reporter, print_summary

    try:
        options = BuildOptions(out_dir=out, formats=_formats(format), strict=strict, templates_dir=templates,
                               pdf_variant=pdf_variant, jobs=jobs)
    except UsageError as exc:
        raise _usage(str(exc)) from None
    reporter = Reporter()
    _err(f"watching {' '.join(paths)} (Ctrl-C to stop)")
    try:
        for report in run_watch(paths, options, on_event=reporter):
            reporter.close()
            print_summary(report)
    except KeyboardInterrupt:
        pass
    except UsageError as exc:
        raise _usage(str(exc)) from None
    finally:
        reporter.close()


@app.command()
def verify(
    paths: Paths,
    out: OutDir = "outputs",
    format: Format = "pdf,html,json",
    templates: Templates = None,
    pdf_variant: PdfVariant = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Parallel workers (default: CPUs).")] = None,
) -> None:
    """Rebuild into a temporary folder and report every file that differs from OUT (give the options
    the briefs were built with). Exit 0 when all are byte-identical, 1 otherwise."""
    from reportgen.batch.options import BuildOptions
    from reportgen.batch.verify import verify as run_verify

    try:
        options = BuildOptions(out_dir=out, formats=_formats(format), templates_dir=templates,
                               pdf_variant=pdf_variant, jobs=jobs, chart_cache=False)
        report = run_verify(paths, options)
    except UsageError as exc:
        raise _usage(str(exc)) from None
    except KeyboardInterrupt:
        raise _interrupted() from None
    for result in report.build.failed:
        for error in result.errors:
            _err(f"error: {error}")
    for name in report.different:
        typer.echo(f"differs: {shown(os.path.join(out, name))}")
    for name in report.missing:
        typer.echo(f"missing: {shown(os.path.join(out, name))}")
    typer.echo(f"{len(report.identical)} identical, {len(report.different)} different, "
               f"{len(report.missing)} missing, {len(report.build.failed)} failed")
    raise typer.Exit(report.exit_code)


def main() -> None:
    """Console entry point: library errors become one clean message and an exit code, and a Ctrl-C one
    line and exit 130. Until here a Ctrl-C ends the process at once (_interrupted_early); from here it is a
    KeyboardInterrupt, so that a build in progress ends its workers and records what it wrote."""
    if signal.getsignal(signal.SIGINT) is _interrupted_early:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        app()
    except KeyboardInterrupt:
        _err(INTERRUPTED)
        sys.exit(130)
    except UsageError as exc:
        _err(f"usage error: {exc}")
        sys.exit(2)
    except ReportgenError as exc:
        _err(str(exc))
        sys.exit(1)
