"""What-ifs: ``-P revenue.growth_y1=0.5`` sets one field of an input before it is validated.

An override is a field path of the contract (list items by index: ``compute.providers.0.share``) and a value
written as in the YAML file (YAML 1.2 scalars, so ``0.5``, ``true``, ``"text"``, ``[0.1, 0.2]``). The path is
checked against the contract's models when the flag is read (a usage error, with a suggestion); the value is
checked with the whole input by the contract's pydantic models, and a problem with it names the flag, not the
file: ``-P revenue.growth_y1=abc: revenue.growth_y1: must be a number (got 'abc')``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from reportgen.contract.document import Locations, NonFinite, parse_document
from reportgen.errors import Problem, SpecError, UsageError

FLAG = "-P"


@dataclass(frozen=True)
class Override:
    """One ``-P PATH=VALUE``: the path, its parts and the value as written."""

    path: str
    parts: tuple[str | int, ...]
    text: str

    @property
    def flag(self) -> str:
        return f"{FLAG} {self.path}={self.text}"

    def value(self) -> Any:
        try:
            data, _ = parse_document(self.text, self.flag)
        except SpecError as exc:
            raise SpecError([Problem(self.flag, 0, self.path, p.message) for p in exc.problems]) from None
        return data


@dataclass(frozen=True)
class Applied:
    """An override as it was applied to one input: the value it set and the one the input had (None when
    the input left the field to its default)."""

    field: str
    value: Any
    input: Any


def normalise(overrides: Iterable[str] | Mapping[str, Any] | None) -> tuple[str, ...]:
    """``PATH=VALUE`` texts from flags, or a mapping of paths to Python values (written as JSON, which YAML
    1.2 reads back as the same value). Later overrides of the same path win."""
    if not overrides:
        return ()
    if isinstance(overrides, Mapping):
        items = [f"{path}={json.dumps(value, allow_nan=False)}" for path, value in overrides.items()]
    elif isinstance(overrides, str):
        raise UsageError(f"overrides: a list of PATH=VALUE texts or a mapping, not one text ({overrides!r})")
    else:
        items = list(overrides)
    parsed = {o.path: o for o in (parse(item) for item in items)}
    return tuple(f"{o.path}={o.text}" for o in parsed.values())


def parse(item: str) -> Override:
    """``PATH=VALUE`` -> Override, or a UsageError naming the flag (no '=', not a field of the contract)."""
    from reportgen.contract.field_paths import is_contract_path, source_key_parts, suggest

    path, sep, text = str(item).partition("=")
    path = path.strip()
    if not sep or not path:
        raise UsageError(f"{FLAG} {item}: write {FLAG} FIELD=VALUE, e.g. {FLAG} revenue.growth_y1=0.5")
    parts = source_key_parts(path)
    if not parts or parts[0] in ("schema", "sources") or not is_contract_path(parts):
        hint = suggest(tuple(parts)) if parts else None
        raise UsageError(f"{FLAG} {item}: {path} is not a field of the contract"
                         + (f"; {hint}" if hint else ""))
    return Override(path, tuple(parts), text)


def apply(data: dict[str, Any], where: Locations, overrides: tuple[str, ...]) -> tuple[
        dict[str, Any], list[Applied], list[Problem]]:
    """A copy of ``data`` with the overrides set, what each changed, and the problems of those that cannot be
    set (a list item the input does not have). ``where`` forgets the file's text of each overridden field, so
    that a message about it shows the value of the flag."""
    data = copy.deepcopy(data)
    applied: list[Applied] = []
    problems: list[Problem] = []
    for override in (parse(item) for item in overrides):
        try:
            value = override.value()
        except SpecError as exc:
            problems += exc.problems
            continue
        node: Any = data
        for depth, part in enumerate(override.parts[:-1]):
            following = override.parts[depth + 1]
            if isinstance(part, int):
                if not (isinstance(node, list) and part < len(node)):
                    problems.append(_missing_item(override, depth, node))
                    break
                node = node[part]
            else:
                if not isinstance(node, dict):
                    break  # the input's own problem, reported by validation
                if node.get(part) is None:
                    if isinstance(following, int):
                        problems.append(_missing_item(override, depth + 1, None))
                        break
                    node[part] = {}
                node = node[part]
        else:
            last = override.parts[-1]
            if isinstance(last, int):
                if not (isinstance(node, list) and last < len(node)):
                    problems.append(_missing_item(override, len(override.parts) - 1, node))
                    continue
                before = node[last]
            elif isinstance(node, dict):
                before = node.get(last)
            else:
                continue
            node[last] = value
            applied.append(Applied(override.path, _plain(value), _plain(before)))
            for path in [p for p in (*where.texts, *where.lines) if p[:len(override.parts)] == override.parts]:
                where.texts.pop(path, None)
    return data, applied, problems


def _missing_item(override: Override, depth: int, node: Any) -> Problem:
    count = len(node) if isinstance(node, list) else 0
    listed = ".".join(str(p) for p in override.parts[:depth])
    return Problem(override.flag, 0, override.path,
                   f"the input has {count} item(s) in {listed}; a what-if changes an item, it cannot add one")


def _plain(value: Any) -> Any:
    return value.text if isinstance(value, NonFinite) else value


def relocate(problems: list[Problem], overrides: tuple[str, ...]) -> list[Problem]:
    """Problems of an overridden field (or below it) name the flag instead of the file's line."""
    flags = {o.path: o.flag for o in (parse(item) for item in overrides)}
    out = []
    for problem in problems:
        owner = next((path for path in flags if problem.field == path or problem.field.startswith(path + ".")),
                     None)
        out.append(problem if owner is None else Problem(flags[owner], 0, problem.field, problem.message,
                                                         problem.got, problem.hint))
    return out
