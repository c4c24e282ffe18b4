"""``reportgen new``: a commented starter input that validates."""

from __future__ import annotations

import datetime as dt
import json
import os

from reportgen.errors import Problem
from reportgen.paths import builtin_templates


class StarterError(ValueError):
    """The starter for this name would not validate (a control character, a name that reads as a figure):
    nothing is written. Carries the problems."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(describe(p) for p in problems))


def describe(problem: Problem) -> str:
    """``company.name: contains a control character (U+0007)``, on one line whatever the name holds."""
    text = f"{problem.field}: {problem.message}"
    if problem.hint:
        text += f"; {problem.hint}"
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


def starter_yaml(name: str, today: dt.date | None = None) -> str:
    """The starter for ``name``, checked against the contract; raises StarterError if it does not
    validate."""
    with open(os.path.join(builtin_templates(), "starter.yaml"), encoding="utf-8") as handle:
        text = handle.read()
    # A JSON string is a valid YAML double-quoted scalar: any name is written safely.
    text = text.replace("__NAME__", json.dumps(name, ensure_ascii=False)).replace(
        "__DATE__", (today or dt.date.today()).isoformat())
    problems = starter_problems(text)
    if problems:
        raise StarterError(problems)
    return text


def starter_problems(text: str) -> list[Problem]:
    """Every problem of a starter's text (none for a good name)."""
    from reportgen.contract.load import parse_bundle
    from reportgen.contract.source import InputBundle
    from reportgen.errors import SpecError

    try:
        parse_bundle(InputBundle(display="(starter)", name="starter", content=text.encode("utf-8")))
    except SpecError as exc:
        return list(exc.problems)
    return []


def starter_filename(name: str) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return (slug or "company") + ".yaml"
