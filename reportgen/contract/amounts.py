"""Which input fields are amounts of money (in the file's currency and unit) rather than rates, shares,
counts or text: read from the contract's own field types (``fields.Money``), so a new amount field is
known without a list kept by hand."""

from __future__ import annotations

import functools
from typing import Any, get_args, get_origin

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


@functools.lru_cache(maxsize=512)
def is_amount(path: str) -> bool:
    """Whether the input field ``path`` (``compute.providers.0.commitment``) is an amount of money."""
    model: type[BaseModel] | None = InputDocument
    parts = [p for p in path.split(".") if not p.isdigit()]
    for index, part in enumerate(parts):
        if model is None:
            return False
        fields = {info.alias or name: info for name, info in model.model_fields.items()}
        info = fields.get(part)
        if info is None:
            return False
        if index == len(parts) - 1:
            return any(getattr(m, "func", None) is _MONEY_CHECK for m in info.metadata)
        model = _model_of(info.annotation)
    return False
