"""What kind of value an input field takes, read from the contract's own field types so that a new field
is known without a list kept by hand: whether it is an amount of money (in the file's currency and unit:
``fields.Money``) rather than a rate, share, count or text, and whether it is a number, a yes/no or text
(a sheet's cells are typed by it)."""

from __future__ import annotations

import functools
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from reportgen.contract import fields as _fields
from reportgen.contract.schema import InputDocument

# The validator only Money fields carry (each call of Money() makes a new Annotated type; this function is shared).
_MONEY_CHECK = _fields._money_check


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside ``annotation`` (``X``, ``X | None``, ``tuple[X, ...]``), if any."""
    while get_origin(annotation) is not None:
        args = [a for a in get_args(annotation) if a is not type(None) and a is not Ellipsis]
        if not args:
            return None
        annotation = args[0]
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _field(path: str) -> Any:
    """The pydantic FieldInfo of the input field ``path`` (list indices skipped), or None."""
    model: type[BaseModel] | None = InputDocument
    parts = [p for p in path.split(".") if not p.isdigit()]
    for index, part in enumerate(parts):
        if model is None:
            return None
        fields = {info.alias or name: info for name, info in model.model_fields.items()}
        info = fields.get(part)
        if info is None or index == len(parts) - 1:
            return info
        model = _model_of(info.annotation)
    return None


@functools.lru_cache(maxsize=512)
def is_amount(path: str) -> bool:
    """Whether the input field ``path`` (``compute.providers.0.commitment``) is an amount of money."""
    info = _field(path)
    if info is None:
        return False
    metadata = list(info.metadata)
    for arg in get_args(info.annotation):  # Money() | None: the validators sit inside the Annotated
        if get_origin(arg) is Annotated:
            metadata += list(arg.__metadata__)
    return any(getattr(m, "func", None) is _MONEY_CHECK for m in metadata)


@functools.lru_cache(maxsize=512)
def value_kind(path: str) -> str:
    """"number", "flag" or "text" (also for a path that is no field: the contract then reports it)."""
    info = _field(path)
    annotation = info.annotation if info is not None else None
    options = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else (annotation,)
    kinds = {get_args(a)[0] if get_origin(a) is Annotated else a for a in options if a is not type(None)}
    if kinds and kinds <= {int, float}:
        return "number"
    return "flag" if kinds == {bool} else "text"
