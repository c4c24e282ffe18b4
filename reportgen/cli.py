"""The ``reportgen`` command: options in, library calls, printing out. No logic lives here.

Exit codes (cron-friendly): 0 everything succeeded, 1 an input or a brief failed, 2 usage error.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from reportgen import __version__
from reportgen.errors import ReportgenError, SpecError, UsageError

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
    typer.echo(message, err=True)


def _usage(message: str) -> typer.Exit:
    _err(f"usage error: {message}")
    return typer.Exit(2)


@app.command()
def validate(
    paths: Annotated[list[str], typer.Argument(help="Input files or folders (searched recursively).")],
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")] = False,
) -> None:
    """Check inputs against the contract; one line per problem, FILE:LINE: field: message."""
    from reportgen.spec.discover import discover_inputs
    from reportgen.spec.load import load_spec

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
                typer.echo(f"{path}: ok")
    if not quiet:
        typer.echo(f"{len(files) - failed} valid, {failed} invalid", err=bool(failed))
    raise typer.Exit(1 if failed else 0)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the input contract (for editors and other tools)."""
    import json

    from reportgen.spec.json_schema import contract_schema

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
    from reportgen.build.atomic import write_atomic
    from reportgen.spec.starter import starter_filename, starter_yaml

    text = starter_yaml(name)
    if out == "-":
        typer.echo(text, nl=False)
        return
    target = out or os.path.join("inputs" if os.path.isdir("inputs") else ".", starter_filename(name))
    if os.path.exists(target) and not force:
        _err(f"{target}: already exists; use --force to overwrite")
        raise typer.Exit(1)
    write_atomic(target, text.encode("utf-8"))
    typer.echo(target)


def main() -> None:
    """Console entry point: library errors become one clean message and an exit code."""
    try:
        app()
    except UsageError as exc:
        _err(f"usage error: {exc}")
        sys.exit(2)
    except ReportgenError as exc:
        _err(str(exc))
        sys.exit(1)
