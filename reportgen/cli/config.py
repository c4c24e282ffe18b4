"""``reportgen config``: the effective build settings and where each came from."""

from __future__ import annotations

import json

import click

from reportgen.cli.common import app, err, settings
from reportgen.report import shown


@app.command()
@click.pass_context
@click.option("--json", "json_output", is_flag=True, help="Print the settings as JSON on stdout.")
def config(ctx: click.Context, json_output: bool) -> None:
    """Print the effective build settings and where each came from: command line > REPORTGEN_* environment
    variables > the project file (reportgen.toml, or the tool.reportgen table of pyproject.toml) in the current
    folder > defaults."""
    found = settings(ctx, {})
    for note in found.notes:
        err(f"note: {note}")
    if json_output:
        click.echo(json.dumps(found.to_json(), indent=2))
        return
    where = found.project_file or "none (reportgen.toml, or pyproject.toml with [tool.reportgen], in this folder)"
    click.echo(f"# project file: {shown(where)}")
    width = max(len(name) for name in found.values)
    for name, setting in found.values.items():
        value = list(setting.value) if isinstance(setting.value, tuple) else setting.value
        click.echo(f"{name:<{width}} = {shown(json.dumps(value, ensure_ascii=False))}  # {shown(setting.source)}")
