"""``load_spec``: an input file in, a validated ``Spec`` out, or a SpecError listing every problem."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import IO, TYPE_CHECKING, Any

from reportgen.contract.document import Locations, NonFinite, Path, dotted, parse_document
from reportgen.contract.field_paths import names_field, suggest
from reportgen.contract.history import RevenueHistory, load_history
from reportgen.contract.schema import InputDocument
from reportgen.contract.source import InputBundle, read_input
from reportgen.contract.text import decode_input
from reportgen.errors import Problem, SpecError

if TYPE_CHECKING:
    from reportgen.contract.overrides import Applied
    from reportgen.contract.sheet import SheetPlace


@dataclass(frozen=True)
class Spec:
    """A validated company: the input as written, its revenue history, and where it came from."""

    input: InputDocument
    history: RevenueHistory | None
    bundle: InputBundle
    what_if: tuple[Applied, ...] = ()  # the overrides applied (reportgen.contract.overrides), if any

    @property
    def name(self) -> str:
        return self.bundle.name

    @property
    def display(self) -> str:
        return self.bundle.display


def load_spec(source: str | os.PathLike[str] | Mapping[str, Any] | IO[Any],
              overrides: Iterable[str] | Mapping[str, Any] | None = None) -> Spec:
    """Read and validate one input (YAML or JSON, same contract): a file's path, a mapping (a dict built
    in Python; problems then name ``<mapping>``) or an open text stream (problems name the stream).
    ``overrides`` make it a what-if: ``["revenue.growth_y1=0.5"]`` or ``{"revenue.growth_y1": 0.5}``
    (reportgen.contract.overrides)."""
    from reportgen.contract.inline import mapping_bundle, stream_bundle

    if isinstance(source, Mapping):
        bundle = mapping_bundle(source)
    elif isinstance(source, str | os.PathLike):
        bundle = read_input(os.fspath(source))
    else:
        bundle = stream_bundle(source)
    if overrides:
        from reportgen.contract.overrides import normalise

        bundle = replace(bundle, overrides=normalise(overrides))
    try:
        return parse_bundle(bundle)
    except SpecError as exc:
        if not isinstance(source, Mapping):
            raise
        # the lines of the JSON made of a mapping mean nothing to its author
        raise SpecError([replace(p, line=0) for p in exc.problems]) from None


def parse_bundle(bundle: InputBundle) -> Spec:
    """Validate an already-read input. Raises SpecError with every problem of the file."""
    from pydantic import ValidationError

    text = decode_input(bundle.content, bundle.display)
    data, where = parse_document(text, bundle.display)
    if not isinstance(data, dict):
        raise SpecError([Problem(bundle.display, where.line_of(()), "(document)",
                                 "must be a mapping of fields starting with 'schema: reportgen/v1'")])

    history_line = where.line_of(("revenue", "history"))
    problems = [
        Problem(p.file, p.line or history_line, p.field, p.message, p.got, p.hint, p.place) for p in bundle.problems
    ]
    applied: list[Applied] = []
    if bundle.overrides:
        from reportgen.contract.overrides import apply

        data, applied, override_problems = apply(data, where, bundle.overrides)
        problems += override_problems
    problems += _check_source_keys(data, where)
    spec_input: InputDocument | None = None
    try:
        spec_input = InputDocument.model_validate(data)
    except ValidationError as exc:
        errors: list[dict[str, Any]] = [dict(e) for e in exc.errors(include_url=False)]
        problems += [_problem(error, where) for error in errors if not _echo(error, errors)]

    history = None
    if bundle.data:  # even when the input has problems: every problem is reported at once
        item = bundle.data[0]
        as_of = spec_input.company.as_of if spec_input is not None else None
        if item.parsed is not None and (spec_input is None or item.parsed[0] == as_of):
            history, history_problems = item.parsed[1], list(item.parsed[2])
        else:
            history, history_problems = load_history(item.content, item.display, as_of)
        problems += history_problems
    if problems and bundle.sheet is not None:
        problems = _in_cells(problems, bundle.sheet, bundle.problems)
    if bundle.overrides:
        from reportgen.contract.overrides import relocate

        problems = relocate(problems, bundle.overrides)
    if problems or spec_input is None:
        raise SpecError(_unique(problems))
    return Spec(spec_input, history, bundle, tuple(applied))


def _in_cells(problems: list[Problem], sheet: SheetPlace, read: tuple[Problem, ...]) -> list[Problem]:
    """A sheet row's problems located by cell; a field whose cell was refused when the sheet was ``read``
    (a formula) is not also reported as missing."""
    refused = {(p.field, p.place) for p in read if p.place is not None}
    located = [sheet.locate(p) for p in problems]
    return [p for p in located if p in read or (p.field, p.place) not in refused]


def _echo(error: dict[str, Any], errors: list[dict[str, Any]]) -> bool:
    """pydantic adds "too short" to a list whose only items failed; the item's error says it all."""
    if error["type"] != "too_short":
        return False
    loc = error["loc"]
    return any(other["loc"][: len(loc)] == loc and len(other["loc"]) > len(loc) for other in errors)


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


# --- pydantic errors -> located problems ------------------------------------------------------

_PLAIN_MESSAGES = {
    "missing": "is required",
    "model_type": "must be a mapping of fields",
    "model_attributes_type": "must be a mapping of fields",
    "dict_type": "must be a mapping",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
}


def _problem(error: dict[str, Any], where: Locations) -> Problem:
    loc: Path = tuple(part for part in error["loc"] if part != "[key]")
    kind = error["type"]
    ctx = error.get("ctx") or {}
    extra_field = ctx.get("field")
    if extra_field:
        loc = (*loc, *(int(p) if p.isdigit() else p for p in str(extra_field).split(".")))
    hint = ctx.get("hint")
    if kind == "extra_forbidden":
        message = "unknown field"
        hint = suggest(loc)
    elif kind == "literal_error":
        message = f"must be one of {ctx.get('expected', '').replace(chr(39), '')}"
    elif kind == "too_short":
        message = f"needs at least {ctx.get('min_length')} item(s)"
    elif kind == "too_long":
        message = f"has more than {ctx.get('max_length')} items"
    else:
        message = _PLAIN_MESSAGES.get(kind, error["msg"])
    if kind == "missing":
        got = None
    elif extra_field:  # a rule across fields: show what the named field says, if it was written
        got = where.text_of(loc)
    else:
        got = _shown(loc, error.get("input"), where)
    if kind in ("model_type", "model_attributes_type", "dict_type", "tuple_type", "list_type") and (
        got is None
    ):
        got = type(error.get("input")).__name__
    return Problem(where.file, where.line_of(loc), dotted(loc) or "(document)", message, got, hint)


def _shown(loc: Path, value: Any, where: Locations) -> str | None:
    text = where.text_of(loc)
    if text is not None:
        return text if len(text) <= 60 else text[:57] + "..."
    if isinstance(value, NonFinite):
        return value.text
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return None if value is None else repr(value)[:60]


def _check_source_keys(data: dict[str, Any], where: Locations) -> list[Problem]:
    """``sources`` keys must name a field, a list item or a section of the contract (a source covers every
    field under the path it names), so that a typo does not silently drop a source from the brief."""
    sources = data.get("sources")
    if not isinstance(sources, dict):
        return []
    problems = []
    for key in sources:
        if not isinstance(key, str) or names_field(data, key):
            continue
        problems.append(Problem(where.file, where.line_of(("sources", key)), f"sources.{key}",
                                "names no field of this input",
                                hint="keys are field paths such as valuation.post_money, "
                                     "compute.providers.0 or costs"))
    return problems
