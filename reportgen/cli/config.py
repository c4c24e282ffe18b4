"""``reportgen config``: the effective build settings and where each came from."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from reportgen.cli.common import app, err, settings
from reportgen.report import shown


@app.command()
def config(
    ctx: typer.Context,
    json_output: Annotated[bool, typer.Option("--json", help="Print the settings as JSON on stdout.")] = False,
) -> None:
    """Print the effective build settings and where each came from: command line > REPORTGEN_* environment
    variables > the project file (reportgen.toml, or the tool.reportgen table of pyproject.toml) in the current
    folder > defaults."""
    found = settings(ctx, {})
    for note in found.notes:
        err(f"note: {note}")
    if json_output:
        typer.echo(json.dumps(found.to_json(), indent=2))
        return
    where = found.project_file or "none (reportgen.toml, or pyproject.toml with [tool.reportgen], in this folder)"
    typer.echo(f"# project file: {shown(where)}")
    width = max(len(name) for name in found.values)
    for name, setting in found.values.items():
        value = list(setting.value) if isinstance(setting.value, tuple) else setting.value
        typer.echo(f"{name:<{width}} = {shown(json.dumps(value, ensure_ascii=False))}  # {shown(setting.source)}")
