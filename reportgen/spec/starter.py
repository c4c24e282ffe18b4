"""``reportgen new``: a commented starter input that validates."""

from __future__ import annotations

import datetime as dt
import json
import os

from reportgen.paths import builtin_templates


def starter_yaml(name: str, today: dt.date | None = None) -> str:
    with open(os.path.join(builtin_templates(), "starter.yaml"), encoding="utf-8") as handle:
        text = handle.read()
    # A JSON string is a valid YAML double-quoted scalar: any name is written safely.
    return text.replace("__NAME__", json.dumps(name, ensure_ascii=False)).replace(
        "__DATE__", (today or dt.date.today()).isoformat())


def starter_filename(name: str) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return (slug or "company") + ".yaml"
