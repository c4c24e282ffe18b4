"""Commands over inputs: validate, schema, new."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from reportgen.cli.common import app, err, usage
from reportgen.errors import SpecError, UsageError
from reportgen.report import shown


@app.command()
def validate(
    paths: Annotated[list[str], typer.Argument(help="Input files or folders (searched recursively); - reads one "
                                               "input from standard input (its errors name <stdin>).")],
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print every file's problems as JSON on stdout "
                                              "(file, line, field, message, got, hint).")] = False,
) -> None:
    """Check inputs against the contract; one line per problem, FILE:LINE: field: message."""
    import sys
    from dataclasses import asdict

    from reportgen.contract.discover import discover_inputs
    from reportgen.contract.load import load_spec, parse_bundle
    from reportgen.contract.source import MAX_INPUT_BYTES, STDIN, read_input_bytes

    try:
        files = [STDIN if path == "-" else found for path in dict.fromkeys(paths)
                 for found in ([path] if path == "-" else discover_inputs([path]))]
    except UsageError as exc:
        raise usage(str(exc)) from None
    if not files:
        raise usage("no input files (.yaml, .yml, .json) found in " + " ".join(paths))
    failed = 0
    checked = []
    for path in files:
        problems = []
        try:
            if path == STDIN:
                parse_bundle(read_input_bytes(sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)))
            else:
                load_spec(path)
        except SpecError as exc:
            failed += 1
            problems = exc.problems
            if not json_output:
                for problem in problems:
                    err(str(problem))
        else:
            if not quiet and not json_output:
                typer.echo(f"{shown(path)}: ok")
        checked.append({"file": path, "valid": not problems, "problems": [asdict(p) for p in problems]})
    if json_output:
        import json

        typer.echo(json.dumps({"files": checked, "valid": len(files) - failed, "invalid": failed}, indent=2))
    elif not quiet:
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
            err(f"new: {describe(problem)}")
        raise typer.Exit(2) from None
    if out == "-":
        typer.echo(text, nl=False)
        return
    target = out or os.path.join("inputs" if os.path.isdir("inputs") else ".", starter_filename(name))
    if os.path.exists(target) and not force:
        err(f"{target}: already exists; use --force to overwrite")
        raise typer.Exit(1)
    write_atomic(target, text.encode("utf-8"))
    typer.echo(shown(target))


