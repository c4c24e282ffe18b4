"""What every model of the contract shares: frozen, unknown keys refused, and cross-field errors that
carry the field they are about (so the loader can point at its line)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticCustomError


class ContractModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


def located(kind: str, message: str, field: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message, {"field": field})
