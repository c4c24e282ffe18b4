"""Which dotted paths name a field of the input contract (``compute.providers.0.share``): for ``sources``
keys, what-if flags, sheet columns, and the suggestions of a misspelt field."""

from __future__ import annotations

import difflib
import re
from typing import Any, get_args, get_origin

from reportgen.contract.document import Path
from reportgen.contract.schema import InputDocument


def model_at(loc: Path) -> type | None:
    """The pydantic model that holds the last element of ``loc`` (to suggest field names)."""
    from pydantic import BaseModel

    model: Any = InputDocument
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        fields = {info.alias or name: info for name, info in model.model_fields.items()}
        info = fields.get(part)
        if info is None:
            return None
        annotation = info.annotation
        while get_origin(annotation) is not None:
            args = [a for a in get_args(annotation) if a is not type(None) and a is not Ellipsis]
            annotation = args[0] if args else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return model


def field_names(model: Any) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def suggest(loc: Path) -> str | None:
    model = model_at(loc)
    if model is None or not loc:
        return None
    names = field_names(model)
    close = difflib.get_close_matches(str(loc[-1]), names, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]}?"
    return "expected one of " + ", ".join(names)


_INDEX = re.compile(r"0|[1-9][0-9]*")
UNSOURCED = ("sources", "notes", "schema", "commentary")  # sections no source key may name


def source_key_parts(key: str) -> list[str | int] | None:
    """``compute.providers.0.share`` -> ``["compute", "providers", 0, "share"]``; None for a key that is not
    a path (an empty part, a list index written ``00`` or in other digits than 0-9)."""
    parts: list[str | int] = []
    for part in key.split("."):
        if not part:
            return None
        if _INDEX.fullmatch(part):
            parts.append(int(part))
        elif part[0].isdigit() or not part.isidentifier() or not part.isascii():
            return None
        else:
            parts.append(part)
    return parts


def names_field(data: dict[str, Any], key: str) -> bool:
    parts = source_key_parts(key)
    if not parts or parts[0] in UNSOURCED:
        return False
    node: Any = data
    written = 0  # how many parts lead to a value written in the file
    for part in parts:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            break
        written += 1
    else:
        # Written in the file; it must also be a field of the contract (an unknown key is reported on its
        # own, and a source on it would be dropped).
        return is_contract_path(parts)
    # Not written in the file: accept fields and sections of the contract left to their defaults (but not
    # a list item that does not exist: compute.providers.5.share with two providers).
    if any(isinstance(part, int) for part in parts[written:]):
        return False
    return is_contract_path(parts)


def is_contract_path(parts: list[str | int]) -> bool:
    """Whether ``parts`` walks the contract's models: fields by name, list items by index."""
    if isinstance(parts[-1], int):
        return model_at((*parts, "x")) is not None and _is_list_field(parts[:-1])
    model = model_at(tuple(parts))
    return model is not None and parts[-1] in field_names(model)


def _is_list_field(parts: list[str | int]) -> bool:
    if not parts or isinstance(parts[-1], int):
        return False
    model: Any = model_at(tuple(parts))
    if model is None:
        return False
    info = {i.alias or n: i for n, i in model.model_fields.items()}.get(str(parts[-1]))
    return info is not None and get_origin(info.annotation) is tuple
