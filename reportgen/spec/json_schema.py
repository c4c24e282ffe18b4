"""The JSON Schema of the input contract, for editors (yaml-language-server) and other tools."""

from __future__ import annotations

from typing import Any


def contract_schema() -> dict[str, Any]:
    from reportgen.spec.schema import SpecInput

    schema = SpecInput.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://reportgen.invalid/schema/reportgen-v1.json"
    schema["title"] = "reportgen/v1 company input"
    return schema
