"""Docs cannot drift: every contract field is described in the schema and named in MODEL.md's table,
and the README names every command of the CLI."""

from __future__ import annotations

import os
import re
import typing

import pytest
from pydantic import BaseModel

from reportgen.cli import app
from reportgen.spec.schema import SpecInput

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL_MD = os.path.join(os.path.dirname(ROOT), "shared", "MODEL.md")


def _fields(model: type[BaseModel], prefix: str = "") -> list[tuple[str, str | None]]:
    found = []
    for name, info in model.model_fields.items():
        key = prefix + (info.alias or name)
        found.append((key, info.description))
        annotation = info.annotation
        while typing.get_origin(annotation) is not None:
            args = [a for a in typing.get_args(annotation) if a is not type(None) and a is not Ellipsis]
            annotation = args[0] if args else None
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found += _fields(annotation, key + ".")
    return found


def test_every_contract_field_has_a_description():
    missing = [key for key, description in _fields(SpecInput) if not description]
    assert missing == []


@pytest.mark.skipif(not os.path.isfile(MODEL_MD), reason="shared/MODEL.md is not next to this checkout")
def test_every_contract_field_is_in_model_md():
    with open(MODEL_MD, encoding="utf-8") as handle:
        text = handle.read()
    section = text.split("## 2.")[0]
    undocumented = []
    for key, _ in _fields(SpecInput):
        top = key.split(".")
        # nested list items (providers, peers) and scenario/monte_carlo sub-keys are documented on their
        # parent's row
        candidates = {key, ".".join(top[:2]), top[0], top[-1]}
        if not any(f"`{c}" in section or f"{c}`" in section for c in candidates):
            undocumented.append(key)
    assert undocumented == []


def test_readme_starts_with_the_two_commands_and_names_every_command():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    first_block = re.search(r"```\n(.*?)```", readme, re.S)
    assert first_block is not None and readme.index("```") < readme.index("##")
    assert first_block.group(1).split("\n")[:2] == ["make brief", "make test"]
    commands = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert sorted(commands) == ["build", "new", "schema", "validate", "verify", "watch"]
    for command in commands:
        assert f"reportgen {command}" in readme, command


def test_ci_runs_the_readme_test_command():
    with open(os.path.join(ROOT, ".ci", "run"), encoding="utf-8") as handle:
        assert "make test" in handle.read()
