"""Parse YAML or JSON text into plain Python values plus a map of where each value was written.

PyYAML's own loaders are not used: they construct YAML 1.1 types (``NO`` -> False, ``1:30`` -> 90,
``2026-11-23`` -> date), follow aliases (billion-laughs), honour ``!!python`` tags, and keep the last
of two duplicate keys. Instead we walk libyaml's event stream (JSON is parsed by the same path: it is
YAML flow syntax), refuse anchors, aliases, explicit tags and duplicate keys, and resolve plain
scalars with the YAML 1.2 core schema, which has no yes/no booleans and no sexagesimals.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from reportgen.errors import Problem, SpecError

MAX_DEPTH = 32
Path = tuple[str | int, ...]

# YAML 1.2 core schema, https://yaml.org/spec/1.2.2/#1032-tag-resolution
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^[-+]?[0-9]+$")
_INT_OCT = re.compile(r"^0o[0-7]+$")
_INT_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")


@dataclass(frozen=True, slots=True)
class NonFinite:
    """A number that parsed but is not finite (``.nan``, ``.inf``, ``1e400``); the schema rejects it
    with the text as written instead of a silent ``inf``."""

    text: str


@dataclass
class Locations:
    """Where each value of a document was written: path -> (line, text as written)."""

    file: str
    lines: dict[Path, int] = field(default_factory=dict)
    texts: dict[Path, str] = field(default_factory=dict)

    def line_of(self, path: Path) -> int:
        """The line of ``path`` or of its nearest written ancestor (a missing field points at its
        parent mapping)."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def text_of(self, path: Path) -> str | None:
        return self.texts.get(path)


def resolve_plain(text: str) -> Any:
    """Resolve an unquoted scalar by the YAML 1.2 core schema."""
    if _NULL.match(text):
        return None
    if _BOOL.match(text):
        return text.lower() == "true"
    if _INT.match(text) or _INT_OCT.match(text) or _INT_HEX.match(text):
        value = int(text) if _INT.match(text) else int(text[2:], 8 if text[1] == "o" else 16)
        # Python ints are unbounded; a float field would overflow on them later.
        return value if abs(value) < 2**63 else NonFinite(text) if abs(value) > 1e308 else float(value)
    if _FLOAT.match(text):
        number = float(text)
        return number if math.isfinite(number) else NonFinite(text)
    if _INF.match(text) or _NAN.match(text):
        return NonFinite(text)
    return text


def parse_document(text: str, file: str) -> tuple[Any, Locations]:
    """Parse ``text`` (YAML or JSON) into values and their locations; raise SpecError if the text is
    not a single, plain data document."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        try:
            where = Locations(file)
            return _build(yaml.parse(text, Loader=loader), where), where
        except yaml.MarkedYAMLError as exc:
            # libyaml 0.2.6 and later stop at 1,000 levels while their scanner looks ahead for a simple key
            # ('[[[[...'), before our own 32-level check sees the events; the pure-Python parser does not
            # look that far ahead, so it reaches our check and the message names the field.
            if loader is yaml.SafeLoader or "nesting depth" not in str(exc.problem):
                raise
            where = Locations(file)
            return _build(yaml.parse(text, Loader=yaml.SafeLoader), where), where
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        message = exc.problem or exc.context or "not valid YAML"
        raise SpecError([Problem(file, line, "(syntax)", f"not valid YAML: {message}")]) from None
    except yaml.YAMLError as exc:  # reader errors (control characters) carry a position too
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if isinstance(position, int) else 1
        # str(exc) goes on with '\n  in "<unicode string>", position N': one line per problem
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SpecError([Problem(file, line, "(syntax)", f"not valid YAML: {message}")]) from None


def _refuse(where: Locations, event: Any, field_path: Path, message: str) -> SpecError:
    return SpecError([Problem(where.file, event.start_mark.line + 1, dotted(field_path) or "(document)",
                              message)])


def _build(events: Any, where: Locations) -> Any:
    import yaml

    # Each frame: [container, path, pending key (mappings) or None, line of that key]
    stack: list[list[Any]] = []
    documents = 0
    result: Any = None
    for event in events:
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _refuse(where, event, (), "more than one YAML document; one company per file")
            continue
        if isinstance(event, yaml.StreamStartEvent | yaml.StreamEndEvent | yaml.DocumentEndEvent):
            continue
        if isinstance(event, yaml.AliasEvent):
            raise _refuse(where, event, _current_path(stack), "YAML aliases (*name) are not allowed")
        if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            value = stack.pop()[0]
            if not stack:
                result = value
            continue
        if getattr(event, "anchor", None):
            raise _refuse(where, event, _current_path(stack), "YAML anchors (&name) are not allowed")
        tag = getattr(event, "tag", None)
        explicit_tag = tag not in (None, "!") and not _implicit(event)
        if explicit_tag:
            raise _refuse(where, event, _current_path(stack), f"YAML tags are not allowed (got {tag})")

        # A scalar in key position names the next field.
        if stack and isinstance(stack[-1][0], dict) and stack[-1][2] is None:
            if not isinstance(event, yaml.ScalarEvent):
                raise _refuse(where, event, stack[-1][1], "mapping keys must be plain text")
            key = event.value
            if key in stack[-1][0]:
                raise _refuse(where, event, (*stack[-1][1], key), "duplicate key")
            stack[-1][2] = key
            stack[-1][3] = event.start_mark.line + 1
            continue

        path = _current_path(stack)
        if len(path) > MAX_DEPTH:
            raise _refuse(where, event, path, f"nested deeper than {MAX_DEPTH} levels")
        # A value is where its key is written: a block mapping or list starts on the next line.
        keyed = bool(stack) and isinstance(stack[-1][0], dict)
        where.lines[path] = stack[-1][3] if keyed else event.start_mark.line + 1
        if isinstance(event, yaml.ScalarEvent):
            plain = event.style in (None, "") and tag is None
            value = resolve_plain(event.value) if plain else event.value
            where.texts[path] = event.value if plain else repr(event.value)
            if not stack:
                result = value
            else:
                _attach(stack, value)
            continue
        container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
        if stack:
            _attach(stack, container)
        stack.append([container, path, None, 0])
    return result


def _implicit(event: Any) -> bool:
    implicit = getattr(event, "implicit", True)
    return bool(implicit[0] or implicit[1]) if isinstance(implicit, tuple) else bool(implicit)


def _current_path(stack: list[list[Any]]) -> Path:
    if not stack:
        return ()
    container, path, key = stack[-1][:3]
    if isinstance(container, dict):
        return (*path, key) if key is not None else path
    return (*path, len(container))


def _attach(stack: list[list[Any]], value: Any) -> None:
    frame = stack[-1]
    if isinstance(frame[0], dict):
        frame[0][frame[2]] = value
        frame[2] = None
    else:
        frame[0].append(value)


def dotted(path: Path) -> str:
    """``("compute", "providers", 0, "share")`` -> ``compute.providers.0.share`` (the form used by
    ``sources`` keys and in every error message)."""
    return ".".join(str(part) for part in path)
