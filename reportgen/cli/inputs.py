"""Commands over inputs: validate, schema, new."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

import click

from reportgen.cli.common import HelpArgument, app, err, usage
from reportgen.errors import SpecError, UsageError
from reportgen.report import shown


@app.command()
@click.argument("paths", nargs=-1, required=True, cls=HelpArgument, help="Input files or folders (searched "
                "recursively); - reads one input from standard input (its errors name <stdin>).")
@click.option("--quiet", "-q", is_flag=True, help="Print errors only.")
@click.option("--json", "json_output", is_flag=True, help="Print every file's problems as JSON on stdout (file, "
              "line, field, message, got, hint).")
def validate(paths: tuple[str, ...], quiet: bool, json_output: bool) -> None:
    """Check inputs against the contract; one line per problem, FILE:LINE: field: message."""
    from dataclasses import asdict

    from reportgen.contract.discover import discover_inputs
    from reportgen.contract.source import STDIN

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
        for name, check in _checks(path):
            problems = []
            try:
                check()
            except SpecError as exc:
                failed += 1
                problems = exc.problems
                if not json_output:
                    for problem in problems:
                        err(str(problem))
            else:
                if not quiet and not json_output:
                    click.echo(f"{shown(name)}: ok")
            checked.append({"file": name, "valid": not problems, "problems": [asdict(p) for p in problems]})
    if json_output:
        import json

        click.echo(json.dumps({"files": checked, "valid": len(checked) - failed, "invalid": failed}, indent=2))
    elif not quiet:
        click.echo(f"{len(checked) - failed} valid, {failed} invalid", err=bool(failed))
    raise click.exceptions.Exit(1 if failed else 0)


def _checks(path: str) -> list[tuple[str, Callable[[], object]]]:
    """What to check for one input: the file, or each row of a sheet of companies (a sheet that cannot be
    read at all is one failed check)."""
    from functools import partial

    from reportgen.contract.load import load_spec, parse_bundle
    from reportgen.contract.sheet_read import is_sheet
    from reportgen.contract.source import MAX_INPUT_BYTES, STDIN, read_input_bytes

    if path == STDIN:
        return [(path, lambda: parse_bundle(read_input_bytes(sys.stdin.buffer.read(MAX_INPUT_BYTES + 1))))]
    if not is_sheet(path):
        return [(path, partial(load_spec, path))]
    from reportgen.contract.sheet_source import read_sheet

    try:
        bundles = read_sheet(path)
    except SpecError as exc:
        return [(path, partial(_raise, exc))]
    return [(bundle.display, partial(parse_bundle, bundle)) for bundle in bundles]


def _raise(error: Exception) -> None:
    raise error


@app.command()
def schema() -> None:
    """Print the JSON Schema of the input contract (for editors and other tools)."""
    import json

    from reportgen.contract.json_schema import contract_schema

    click.echo(json.dumps(contract_schema(), indent=2))


@app.command()
@click.argument("name", required=False, cls=HelpArgument, help="Company name (with --sheet: of the example row).")
@click.option("--out", "-o", help="File to write ('-' for standard output); default inputs/<name>.yaml, or "
              "./<name>.yaml without inputs/.")
@click.option("--sheet", help="Write a sheet of companies instead (.xlsx or .csv): the fields as headers, one "
              "example row.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def new(name: str | None, out: str | None, sheet: str | None, force: bool) -> None:
    """Write a commented starter input for NAME that validates (or, with --sheet, a sheet of companies)."""
    from reportgen.atomic import write_atomic
    from reportgen.contract.starter import StarterError, describe, starter_filename, starter_yaml

    if sheet is not None:
        _new_sheet(sheet, name or "Example Co", force)
        return
    if name is None:
        raise usage("give the company's NAME (or --sheet FILE for a sheet of companies)")
    try:
        text = starter_yaml(name)
    except StarterError as exc:  # a name the contract refuses: write nothing rather than an invalid file
        for problem in exc.problems:
            err(f"new: {describe(problem)}")
        raise click.exceptions.Exit(2) from None
    if out == "-":
        click.echo(text, nl=False)
        return
    target = out or os.path.join("inputs" if os.path.isdir("inputs") else ".", starter_filename(name))
    if os.path.exists(target) and not force:
        err(f"{target}: already exists; use --force to overwrite")
        raise click.exceptions.Exit(1)
    write_atomic(target, text.encode("utf-8"))
    click.echo(shown(target))




def _new_sheet(target: str, name: str, force: bool) -> None:
    from reportgen.atomic import write_atomic
    from reportgen.contract.sheet_read import is_sheet
    from reportgen.contract.sheet_template import template_sheet
    from reportgen.contract.starter import StarterError, describe

    if not is_sheet(target):
        raise usage(f"--sheet writes a .xlsx or .csv file (got {target})")
    try:
        content = template_sheet(name, csv_file=target.lower().endswith(".csv"))
    except StarterError as exc:
        for problem in exc.problems:
            err(f"new: {describe(problem)}")
        raise click.exceptions.Exit(2) from None
    if os.path.exists(target) and not force:
        err(f"{target}: already exists; use --force to overwrite")
        raise click.exceptions.Exit(1)
    write_atomic(target, content)
    click.echo(shown(target))
