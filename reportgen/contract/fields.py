"""Field types of the input contract with the messages analysts see.

Every numeric field is a finite float (or a whole number) within a stated range; the range shows up
both in the error message and in the JSON Schema published by ``reportgen schema``. Strings never
stand in for numbers: ``"45%"``, ``"0.45"``, ``yes`` and ``NaN`` are refused with a hint instead of
being coerced.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from reportgen.contract.document import NonFinite

_YES_NO = {"yes", "no", "y", "n", "on", "off", "true", "false"}
_PERCENT = re.compile(r"^\s*[-+]?[0-9.]+\s*%\s*$")
_NUMERIC_TEXT = re.compile(r"^\s*[-+]?(?:[0-9][0-9_,]*(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\s*$")
# Invisible characters that reorder or hide text (Trojan Source, CVE-2021-42574) and C0/C1 controls.
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def _fail(kind: str, message: str, hint: str | None = None) -> PydanticCustomError:
    return PydanticCustomError(kind, message, {"hint": hint} if hint else None)


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise _fail("number_type", "must be a number, not true/false")
    if isinstance(value, NonFinite):
        raise _fail("finite_number", "must be a finite number")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise _fail("finite_number", "must be a finite number")
        return float(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if _PERCENT.match(value):
            raise _fail("number_type", "must be a number, not a percentage",
                        "write percentages as fractions (45% is 0.45)")
        if text in _YES_NO:
            raise _fail("number_type", "must be a number, not a yes/no word")
        if text.lstrip("+-.") in {"nan", "inf", "infinity"}:
            raise _fail("finite_number", "must be a finite number")
        if _NUMERIC_TEXT.match(value):
            raise _fail("number_type", "must be a number, not text", "remove the quotes")
    if value is None:
        raise _fail("number_type", "must be a number, not empty")
    raise _fail("number_type", "must be a number")


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            return int(value)
        if isinstance(value, float | NonFinite):
            raise _fail("int_type", "must be a whole number")
        _number(value)  # raises the most helpful message for text
        raise _fail("int_type", "must be a whole number")
    return value


def _show(bound: float) -> str:
    if isinstance(bound, int):  # exact: 2**63 - 1 is 9,223,372,036,854,775,807, not the float's ...808
        return f"{bound:,}" if abs(bound) >= 1_000_000 else str(bound)
    return f"{bound:g}" if abs(bound) < 1e6 else f"{bound:,.0f}"


def _range_message(lo: float | None, hi: float | None, lo_open: bool, hi_open: bool) -> str:
    if lo is not None and hi is not None:
        if not lo_open and not hi_open:
            return f"must be between {_show(lo)} and {_show(hi)}"
        low = f"greater than {_show(lo)}" if lo_open else f"at least {_show(lo)}"
        high = f"less than {_show(hi)}" if hi_open else f"at most {_show(hi)}"
        return f"must be {low} and {high}"
    if lo is not None:
        return f"must be greater than {_show(lo)}" if lo_open else f"must be at least {_show(lo)}"
    assert hi is not None
    return f"must be less than {_show(hi)}" if hi_open else f"must be at most {_show(hi)}"


def _bounds_check(lo: float | None, hi: float | None, lo_open: bool, hi_open: bool, hint: str | None):
    message = _range_message(lo, hi, lo_open, hi_open)

    def check(value: float) -> float:
        below = lo is not None and (value <= lo if lo_open else value < lo)
        above = hi is not None and (value >= hi if hi_open else value > hi)
        if below or above:
            # 45 where 0.45 belongs is the commonest slip; say so when the number fits that story.
            looks_like_percent = hint is not None and above and 1 < value <= 100
            raise _fail("range", message, hint if looks_like_percent else None)
        return value

    return check


def _schema_bounds(lo, hi, lo_open, hi_open) -> dict[str, Any]:
    bounds: dict[str, Any] = {}
    if lo is not None:
        bounds["exclusiveMinimum" if lo_open else "minimum"] = lo
    if hi is not None:
        bounds["exclusiveMaximum" if hi_open else "maximum"] = hi
    return bounds


def Number(lo: float | None = None, hi: float | None = None, *, lo_open: bool = False,
           hi_open: bool = False, fraction: str | None = None) -> Any:
    """A finite float in a range; ``fraction`` names the hint shown when a percent is given."""
    hint = f"{fraction} are fractions" if fraction else None
    return Annotated[
        float,
        BeforeValidator(_number),
        AfterValidator(_bounds_check(lo, hi, lo_open, hi_open, hint)),
        Field(json_schema_extra=_schema_bounds(lo, hi, lo_open, hi_open)),
    ]


def Whole(lo: int | None = None, hi: int | None = None) -> Any:
    return Annotated[
        int,
        BeforeValidator(_whole),
        AfterValidator(_bounds_check(lo, hi, False, False, None)),
        Field(json_schema_extra=_schema_bounds(lo, hi, False, False)),
    ]


def _text_checker(min_len: int, max_len: int, multiline: bool):
    def check(value: Any) -> str:
        if not isinstance(value, str):
            if isinstance(value, bool | int | float | NonFinite) or value is None:
                raise _fail("string_type", "must be text", "put it in quotes")
            raise _fail("string_type", "must be text")
        if not min_len <= len(value) <= max_len:
            raise _fail("string_length", f"must be {min_len} to {max_len:,} characters long")
        for char in value:
            if char in _BIDI:
                raise _fail("control_character",
                            f"contains an invisible direction control (U+{ord(char):04X})")
            if multiline and char in "\n\t":
                continue
            category = unicodedata.category(char)
            if category == "Cc":
                raise _fail("control_character", f"contains a control character (U+{ord(char):04X})")
            if category in ("Zl", "Zp") and not multiline:
                raise _fail("control_character",
                            f"contains a line or paragraph separator (U+{ord(char):04X}); "
                            "this text is a single line")
        return value

    return check


def Text(min_len: int = 1, max_len: int = 120, *, multiline: bool = False) -> Any:
    return Annotated[
        str,
        BeforeValidator(_text_checker(min_len, max_len, multiline)),
        Field(json_schema_extra={"minLength": min_len, "maxLength": max_len}),
    ]


def _strict_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise _fail("bool_type", "must be true or false")


Flag = Annotated[bool, BeforeValidator(_strict_bool)]


def _iso_date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            parsed = dt.date.fromisoformat(value)
        except ValueError:
            raise _fail("date", "is not a real calendar date") from None
        if not 1900 <= parsed.year <= 2200:
            raise _fail("date", "must be a year between 1900 and 2200")
        return parsed
    raise _fail("date", "must be a date written YYYY-MM-DD")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]

# ISO 4217 active codes (2024), so that a typo such as "USS" is caught at the edge.
ISO_4217 = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD
GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT
LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR
NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP
STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF
XPF YER ZAR ZMW ZWG
""".split())


def _currency(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{3}", value):
        raise _fail("currency", "must be an ISO 4217 code of 3 capital letters, e.g. USD")
    if value not in ISO_4217:
        raise _fail("currency", "is not an ISO 4217 currency code")
    return value


Currency = Annotated[str, BeforeValidator(_currency), Field(json_schema_extra={"pattern": "^[A-Z]{3}$"})]


# --- names ------------------------------------------------------------------------------------------------

def _name_checker(value: str) -> str:
    from reportgen.contract.names import name_problem

    problem = name_problem(value)
    if problem is not None:
        raise _fail("name", *problem)
    return value


def Name(max_len: int = 120) -> Any:
    """A single-line name (company, provider, peer): text of 1 to ``max_len`` characters, visible (no
    invisible or format characters), and not a figure (``12.5%``, ``$965 billion``, ``1,200``). See
    ``reportgen.contract.names``."""
    return Annotated[
        str,
        BeforeValidator(_text_checker(1, max_len, False)),
        AfterValidator(_name_checker),
        Field(json_schema_extra={"minLength": 1, "maxLength": max_len}),
    ]


# --- money ------------------------------------------------------------------------------------------------

# Amounts are in the file's unit (thousand, million, billion). One that is not zero must lie between a
# millionth and 10^15 of the unit: 1e-300 printed as a 300-digit figure and 1e300 as one of 301 digits, and
# neither is a company's amount. A millionth of a thousand is a thousandth of the currency; 10^15 billion
# is far above any economy.
MONEY_FLOOR = 1e-6
MONEY_CEILING = 1e15


def _money_check(value: float) -> float:
    if value != 0 and abs(value) < MONEY_FLOOR:
        raise _fail("money_range", "is too small to show: an amount other than 0 must be at least 0.000001 "
                                   "of the unit", "write 0, or use a smaller unit")
    if abs(value) > MONEY_CEILING:
        raise _fail("money_range", "is too large to show: an amount must be at most 10^15 "
                                   "(1,000,000,000,000,000) of the unit", "use a larger unit")
    return value


def Money(*, positive: bool = False) -> Any:
    """An amount in the file's unit: at least 0 (greater than 0 with ``positive``), and when not 0 between
    ``MONEY_FLOOR`` and ``MONEY_CEILING`` of the unit, so that it can be shown faithfully."""
    bounds = _schema_bounds(0, MONEY_CEILING, positive, False)
    return Annotated[
        float,
        BeforeValidator(_number),
        AfterValidator(_bounds_check(0, None, positive, False, None)),
        AfterValidator(_money_check),
        Field(json_schema_extra=bounds),
    ]


# --- URLs -------------------------------------------------------------------------------------------------

MAX_URL = 2000


def _url(value: Any) -> str:
    from urllib.parse import urlsplit

    value = _text_checker(1, MAX_URL, False)(value)
    if any(char.isspace() for char in value) or not value.isprintable():
        raise _fail("url", "must be a URL without spaces or invisible characters")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises on a port that is not a number in range)
    except ValueError:
        raise _fail("url", "is not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise _fail("url", "must be an http or https URL", "e.g. https://example.com/report.pdf")
    if not parts.hostname:
        raise _fail("url", "must name a host, e.g. https://example.com/report.pdf")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise _fail("url", "must not carry a user name or password")
    return value


Url = Annotated[str, BeforeValidator(_url),
                Field(json_schema_extra={"minLength": 1, "maxLength": MAX_URL, "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"})]
