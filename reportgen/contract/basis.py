"""The basis of every input: reported, an estimate, or an assumption (MODEL.md section 4, ``inputs``).

A field's basis is the kind of the source that covers it: a source keyed by the field itself, else by the
nearest enclosing list item or section (``compute.providers.0`` covers ``compute.providers.0.share``,
``costs`` covers every cost). A field that no source covers is an ``assumption``. A source written as text
alone counts as ``reported`` (see ``schema.Source``). A source covers a field left to its default as well
(``dcf`` covers ``dcf.horizon``); ``default`` says the file did not give the value.

A metric's basis is the weakest basis of its inputs: assumption < estimate < reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from reportgen.contract.schema import InputDocument, Source

Basis = Literal["reported", "estimate", "assumption"]
WEAKEST: tuple[Basis, ...] = ("assumption", "estimate", "reported")  # weakest first

# Not inputs of the model: the contract version, the sources themselves, and the analyst's prose.
_NOT_INPUTS = frozenset({"schema_", "sources", "notes", "commentary"})


@dataclass(frozen=True)
class InputEntry:
    """One input leaf as model.json's ``inputs`` shows it."""

    value: Any  # the field's value (numbers, text, bool, ISO date string)
    basis: Basis  # the source's kind, or "assumption" when no source covers the field
    default: bool  # True when the file did not give the field (the contract's default was used)
    source: str | None  # the covering source's text
    date: str | None  # ISO date of the source, if given
    url: str | None


def source_for(spec: InputDocument, path: str) -> Source | None:
    """The source covering ``path``: the exact key first, else the nearest enclosing list item or section
    (``compute.providers.0.share`` -> ``compute.providers.0`` -> ``compute.providers`` -> ``compute``)."""
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        source = spec.sources.get(".".join(parts[:end]))
        if source is not None:
            return source
    return None


def weakest(bases: Iterable[str]) -> Basis:
    """The weakest of ``bases`` (assumption < estimate < reported). Nothing to go on is an assumption."""
    ranks = [WEAKEST.index(basis) for basis in bases]  # ValueError on a word that is no basis
    return WEAKEST[min(ranks)] if ranks else "assumption"


def input_entries(spec: InputDocument) -> dict[str, InputEntry]:
    """Every input leaf by field path, in the contract's order: given fields and defaults (flagged
    ``default=True``) alike. Scenario overrides appear only when given, and optional fields left empty
    (``revenue.history``, a peer's ``growth_y1``) not at all. Excludes schema, sources, notes, commentary."""
    leaves: list[tuple[str, Any, bool]] = []
    _walk(spec, "", True, leaves)
    entries = {}
    for path, value, given in leaves:
        source = source_for(spec, path)
        entries[path] = InputEntry(
            value=value.isoformat() if isinstance(value, dt.date) else value,
            basis=source.kind if source is not None else "assumption",
            default=not given,
            source=source.text if source is not None else None,
            date=source.date.isoformat() if source is not None and source.date is not None else None,
            url=source.url if source is not None else None,
        )
    return entries


def _walk(node: BaseModel, prefix: str, given: bool, leaves: list[tuple[str, Any, bool]]) -> None:
    written = node.model_fields_set
    for name, info in type(node).model_fields.items():
        if not prefix and name in _NOT_INPUTS:
            continue
        value = getattr(node, name)
        if value is None:
            continue
        path = f"{prefix}{info.alias or name}"
        field_given = given and name in written
        if isinstance(value, BaseModel):
            _walk(value, path + ".", field_given, leaves)
        elif isinstance(value, tuple):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    _walk(item, f"{path}.{index}.", field_given, leaves)
                else:
                    leaves.append((f"{path}.{index}", item, field_given))
        else:
            leaves.append((path, value, field_given))
