"""The analyst's annotations of an input: where figures came from (``sources``) and their own view
(``commentary``, Markdown without raw HTML)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from reportgen.contract.base import ContractModel, located
from reportgen.contract.commentary import COMMENTARY_SECTIONS, MAX_SECTION, MAX_TOTAL, commentary_problem
from reportgen.contract.fields import IsoDate, Text, Url


def _markdown(value: str) -> str:
    from reportgen.contract.fields import _fail

    problem = commentary_problem(value)
    if problem is not None:
        raise _fail("markdown", *problem)
    return value


MarkdownText = Annotated[Text(1, MAX_SECTION, multiline=True) | None, AfterValidator(
    lambda value: value if value is None else _markdown(value))]


SOURCE_KINDS = ("reported", "estimate")


class Source(ContractModel):
    """Where the figures of a field, list item or section came from (``sources.<path>``).

    A source is written as text (as in v1) or as a mapping ``{text, kind, date, url}``. ``kind`` is
    ``reported`` (the company or a filing said so) or ``estimate`` (someone, say an analyst or the press,
    estimated it); it defaults to ``reported`` in the mapping form too, and text alone counts as ``reported``
    (v1 sources said where a figure came from). Either form is normalised to this model.
    """

    text: Text(1, 1000) = Field(description="Where the figure came from.")
    kind: Literal["reported", "estimate"] = Field(
        "reported", description="reported (the company or a filing) or estimate (someone's estimate).")
    date: IsoDate | None = Field(None, description="Date of the source, YYYY-MM-DD.")
    url: Url | None = Field(None, description="http or https address of the source (no user name or "
                                              "password), at most 2,000 characters.")


def _source_form(value: object) -> object:
    """Text alone is a reported source; a mapping is validated as ``Source``; anything else is refused."""
    from reportgen.contract.fields import _fail, _text_checker

    if isinstance(value, str):
        return Source(text=_text_checker(1, 1000, False)(value))
    if isinstance(value, dict | Source):
        return value
    if isinstance(value, list):
        raise _fail("source_type", "must be text or a mapping {text, kind, date, url}")
    _text_checker(1, 1000, False)(value)  # the helpful message for a number, true/false or null
    raise _fail("source_type", "must be text or a mapping {text, kind, date, url}")


SourceEntry = Annotated[Source, BeforeValidator(
    _source_form, json_schema_input_type=Annotated[str, Field(min_length=1, max_length=1000)] | Source)]


class Commentary(ContractModel):
    """The analyst's own view, per section of the brief: Markdown without raw HTML (``spec.commentary``),
    1 to 4,000 characters each, at most 12,000 in all."""

    summary: MarkdownText = Field(None, description="The analyst's view on the summary.")
    capital_intensity: MarkdownText = Field(None, description="The analyst's view on capital intensity.")
    entrenchment: MarkdownText = Field(None, description="The analyst's view on provider entrenchment.")
    bear_case: MarkdownText = Field(None, description="The analyst's view on the bear case.")
    outlook: MarkdownText = Field(None, description="The analyst's outlook.")

    @model_validator(mode="after")
    def _total(self) -> Commentary:
        given = [(name, getattr(self, name)) for name in COMMENTARY_SECTIONS if getattr(self, name)]
        total = sum(len(text) for _, text in given)
        if total > MAX_TOTAL:
            raise located("string_length", f"commentary is {total:,} characters in all; at most "
                                            f"{MAX_TOTAL:,} are allowed", given[-1][0])
        return self
