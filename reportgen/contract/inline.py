"""Inputs that are not files: a mapping built in Python (a notebook's dict) or a text stream (standard
input, an open file). Each becomes an InputBundle, validated as a file's bytes are, its problems naming
``<mapping>`` (without lines: a mapping has none) or the stream's name (with the lines of its text).

Neither has a folder, so neither may name a ``revenue.history`` file: that is refused with a located
problem rather than read from wherever the process happens to run.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import IO, Any

from reportgen.contract.source import MAX_INPUT_BYTES, InputBundle
from reportgen.errors import Problem, SpecError

MAPPING = "<mapping>"
NO_LINE = 0  # Problem shows no line for it


def _name_of(data: Any, fallback: str) -> str:
    company = data.get("company") if isinstance(data, Mapping) else None
    name = company.get("name") if isinstance(company, Mapping) else None
    slug = re.sub(r"[^\w]+|_+", "-", name.strip().lower()).strip("-")[:100] if isinstance(name, str) else ""
    return slug or fallback


def _history_problem(display: str, data: Any) -> tuple[Problem, ...]:
    revenue = data.get("revenue") if isinstance(data, Mapping) else None
    if isinstance(revenue, Mapping) and revenue.get("history"):
        return (Problem(display, NO_LINE, "revenue.history", "a history file can be named only by an input file "
                        "(it is read beside it)", hint="load the input from its file"),)
    return ()


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"a {type(value).__name__} is not a value of the input contract")


def mapping_bundle(data: Mapping[str, Any]) -> InputBundle:
    """A mapping (nested dicts, lists, numbers, text, dates) as an input; values JSON cannot hold are
    refused as a problem of the whole document."""
    try:
        content = json.dumps(dict(data), ensure_ascii=False, allow_nan=True, default=_plain).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise SpecError([Problem(MAPPING, NO_LINE, "(document)", str(exc))]) from None
    return InputBundle(MAPPING, _name_of(data, "company"), content, problems=_history_problem(MAPPING, data))


def stream_bundle(stream: IO[Any]) -> InputBundle:
    """The text (or bytes) of an open stream, at most MAX_INPUT_BYTES, as an input."""
    display = str(getattr(stream, "name", None) or "<stream>")
    if not isinstance(getattr(stream, "name", None), str):
        display = "<stream>"
    content = stream.read(MAX_INPUT_BYTES + 1)
    content = content.encode("utf-8") if isinstance(content, str) else bytes(content)
    if len(content) > MAX_INPUT_BYTES:
        raise SpecError([Problem(display, 1, "(file)", f"is too large; an input may be at most "
                                 f"{MAX_INPUT_BYTES:,} bytes")])
    bundle = InputBundle(display, "company", content)
    try:
        import yaml

        data = yaml.safe_load(content)
    except Exception:  # the full parse reports it with its line
        return bundle
    return InputBundle(display, _name_of(data, "company"), content, problems=_history_problem(display, data))
