"""The JSON Schema of the input contract, for editors (yaml-language-server) and other tools."""

from __future__ import annotations

from typing import Any

AMOUNT_NOTE = ("An amount in company.currency, scaled by company.unit; one other than 0 lies between 0.000001 "
               "and 10^15 (1,000,000,000,000,000) of the unit, so that it can be shown faithfully.")


def contract_schema() -> dict[str, Any]:
    from reportgen.contract.fields import MONEY_CEILING
    from reportgen.contract.schema import InputDocument

    schema = InputDocument.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://reportgen.invalid/schema/reportgen-v1.json"
    schema["title"] = "reportgen/v1 company input (model v2)"
    for model in [schema, *schema.get("$defs", {}).values()]:
        for prop in model.get("properties", {}).values():
            if prop.get("maximum") == MONEY_CEILING:  # the amounts (fields.Money): say what their range means
                prop["description"] = f"{prop.get('description', '').strip()} {AMOUNT_NOTE}".strip()
    return schema
