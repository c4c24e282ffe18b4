"""Formatting filters: the only way a number reaches the prose.

Each filter turns a ``Fig`` (or a number derived from figures) into text in the input's currency and
unit ("$965 billion", "EUR 2.4 billion"), a percentage, a multiple or a year, and wraps it in a link
to its provenance entry (``<a class="fig" href="#prov-...">``) with the endnote of its source.
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any

from jinja2 import pass_context
from markupsafe import Markup, escape

from reportgen.render.figures import Fig, anchor

UNITS = ("thousand", "million", "billion", "trillion")
NOT_AVAILABLE = "n/a"


def _value(item: Any) -> float | None:
    value = item.value if isinstance(item, Fig) else item
    if value is None or isinstance(value, bool):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def significant(value: float, digits: int = 3) -> str:
    """At most ``digits`` significant digits, never fewer than the integer part, thousands separated:
    965 -> 965, 614.23 -> 614, 79.9 -> 79.9, 2.4 -> 2.4, 1.30878 -> 1.31, 0.0456 -> 0.0456."""
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(0, digits - 1 - magnitude)
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@functools.cache
def currency_symbol(currency: str) -> str | None:
    """The symbol English text uses for a currency (Babel's CLDR data): "$", "€", "£", "CA$"; None
    where CLDR has only the code (CHF, SEK), which is then printed as "CHF 2.4 billion"."""
    from babel.numbers import get_currency_symbol

    symbol = get_currency_symbol(currency, locale="en")
    return None if symbol == currency else symbol


def money_text(value: float, currency: str, unit: str, digits: int = 3) -> str:
    symbol = currency_symbol(currency)
    if value == 0:  # nothing needs no unit: "$0", not "$0 billion"
        return f"{symbol}0" if symbol else f"{currency} 0"
    index = UNITS.index(unit)
    scaled = value
    while abs(scaled) >= 1000 and index < len(UNITS) - 1:
        scaled /= 1000
        index += 1
    while 0 < abs(scaled) < 1 and index > 0:
        scaled *= 1000
        index -= 1
    text = significant(abs(scaled), digits)
    if float(text.replace(",", "")) >= 1000 and index < len(UNITS) - 1:
        # Rounding can carry into the next unit (999.6 million is "1,000 million" at three digits):
        # the unit follows the rounded amount, so it reads "1 billion".
        scaled /= 1000
        index += 1
        text = significant(abs(scaled), digits)
    amount = f"{symbol}{text}" if symbol else f"{currency} {text}"
    sign = "-" if scaled < 0 and text != "0" else ""
    return f"{sign}{amount} {UNITS[index]}"


# A figure that rests on an estimate or an assumption is marked where it is printed (the cover's
# legend explains the marks); a reported figure carries none.
BASIS_MARKS = {"estimate": "E", "assumption": "A"}
MINUS = "\u2212"  # a true minus sign in prose: a hyphen is too short to read as one


def wrap(text: str, item: Any, marked: bool = True) -> Markup:
    """The formatted text, linked to its provenance and followed by its source's endnote."""
    if text.startswith("-"):
        text = MINUS + text[1:]
    if isinstance(item, Fig) and item.ref:
        html = Markup('<a class="fig" href="#{}">{}</a>').format(anchor(item.ref), text)
        mark = BASIS_MARKS.get(item.basis or "") if marked else None
        if mark:
            html += Markup('<sup class="basis" title="{}">{}</sup>').format(item.basis, mark)
        if item.source_note:
            html += Markup('<sup class="note"><a href="#source-{0}">{0}</a></sup>').format(item.source_note)
        return html
    return Markup('<span class="fig">{}</span>').format(text)


@pass_context
def money(context: Any, item: Any, digits: int = 3, table: bool = False) -> Markup:
    """'$965 billion'; in a table (``table=True``) a negative is put in parentheses, as accounts
    print it: '($2.35 trillion)'."""
    value = _value(item)
    if value is None:
        return wrap(NOT_AVAILABLE, item)
    company = context["company"]
    text = money_text(value, company.currency, company.unit, digits)
    if table and text.startswith("-"):
        text = f"({text[1:]})"
    return wrap(text, item)


@pass_context
def money_range(context: Any, low: Any, high: Any, digits: int = 3, table: bool = False) -> Markup:
    """'$0.00 to $1.44 trillion': both ends in the unit and precision of the larger, the unit said
    once; a range whose ends read the same is printed once."""
    lo, hi = _value(low), _value(high)
    company = context["company"]
    if lo is None or hi is None:
        return money(context, low, digits, table) + Markup(" to ") + money(context, high, digits, table)
    currency, unit = company.currency, company.unit
    if money_text(lo, currency, unit, digits) == money_text(hi, currency, unit, digits):
        return money(context, low, digits, table)
    larger = max(abs(lo), abs(hi))
    shown_unit = money_text(larger, currency, unit, digits).rsplit(" ", 1)[1]
    factor = 1000.0 ** (UNITS.index(shown_unit) - UNITS.index(unit))
    decimals = max(0, digits - 1 - math.floor(math.log10(larger / factor))) if larger > 0 else 0
    symbol = currency_symbol(currency)

    def end(value: float, item: Any, last: bool) -> Markup:
        text = "0" if value == 0 else f"{abs(value) / factor:,.{decimals}f}"
        negative = value < 0 and text.strip("0.,")
        amount = (f"{symbol}{text}" if symbol else f"{currency} {text}") + (f" {shown_unit}" if last else "")
        if negative:  # a true minus in prose; parentheses in a table, as accounts print it
            amount = f"({amount})" if table else f"-{amount}"
        return wrap(amount, item)

    return end(lo, low, False) + Markup(" to ") + end(hi, high, True)


def unsigned_zero(text: str, signed: bool = False) -> str:
    """A tiny negative that rounds to zero ('-0.00x', '-0.0%') reads as the zero it shows: '0.00x', or
    '+0.0%' where a sign is asked for, as an exact zero prints."""
    if not text.startswith("-") or any(c in "123456789" for c in text):
        return text
    return ("+" if signed else "") + text[1:]


def pct(item: Any, digits: int = 0, signed: bool = False) -> Markup:
    value = _value(item)
    if value is None:
        return wrap(NOT_AVAILABLE, item)
    return wrap(unsigned_zero(f"{value * 100:{'+' if signed else ''},.{digits}f}%", signed), item)


def multiple(item: Any, digits: int = 1) -> Markup:
    value = _value(item)
    if value is None:
        return wrap(NOT_AVAILABLE, item)
    return wrap(unsigned_zero(f"{value:,.{digits}f}x"), item)


def number(item: Any, digits: int = 2, bare: bool = False) -> Markup:
    """A plain decimal. ``bare`` leaves out the link: for dense tables (the sensitivity grid) marked
    as a whole with class "figures"."""
    value = _value(item)
    if value is None:
        return Markup(NOT_AVAILABLE) if bare else wrap(NOT_AVAILABLE, item)
    text = f"{value:,.{digits}f}"
    text = "0" if text.strip("-0.,") == "" else text
    return Markup(text) if bare else wrap(text, item)


def amount(item: Any, decimals: int = 1, mark: bool = True) -> Markup:
    """An amount in the brief's unit for a table whose caption names the currency and unit: fixed
    decimals down a column, thousands separated, a negative in parentheses as accounts print it.
    ``mark=False`` leaves the basis mark to the table's caption (a table of one basis)."""
    value = _value(item)
    if value is None:
        return wrap(NOT_AVAILABLE, item)
    text = f"{abs(value):,.{decimals}f}"
    if value < 0 and text.strip("0.,"):
        text = f"({text})"
    return wrap(text, item, marked=mark)


def count(item: Any) -> Markup:
    value = _value(item)
    if value is None:
        return wrap(NOT_AVAILABLE, item)
    return wrap(f"{round(value):,}", item, marked=False)  # counts are settings (paths, years of horizon)


def year(item: Any) -> Markup:
    value = _value(item)
    if value is None:
        return wrap(NOT_AVAILABLE, item)
    return wrap(f"{round(value)}", item)


def date(value: Any) -> Markup:
    """An ISO date as '23 November 2026'."""
    import datetime as dt

    day = dt.date.fromisoformat(str(value)) if not isinstance(value, dt.date) else value
    return Markup('<span class="fig">{}</span>').format(f"{day.day} {day:%B %Y}")


def plain(text: Any) -> str:
    """Markup of a filter without its tags, for attributes such as alt text (escaped again there)."""
    return Markup(str(text)).striptags() if isinstance(text, Markup) else str(escape(text))


FILTERS = {
    "money": money,
    "money_range": money_range,
    "amount": amount,
    "pct": pct,
    "multiple": multiple,
    "number": number,
    "count": count,
    "year": year,
    "date": date,
    "plain": plain,
}


def literal(value: Any, bare: bool = False) -> Markup:
    """An input value as written (the appendix of assumptions): numbers in their shortest form."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = f"{value:,.10g}" if abs(value) >= 1000 else f"{value:.10g}"
    elif isinstance(value, int):
        text = f"{value:,}" if abs(value) >= 10000 else str(value)
    elif value is None:
        text = "none"
    else:
        text = str(value)
    return escape(text) if bare else Markup('<span class="fig">{}</span>').format(text)


FILTERS["literal"] = literal


def money_in(item: Any, currency: str, unit: str, digits: int = 3) -> Markup:
    """``money`` with an explicit currency and unit (the index lists companies of several)."""
    value = _value(item)
    return wrap(NOT_AVAILABLE if value is None else money_text(value, currency, unit, digits), item)


FILTERS["money_in"] = money_in


def markdown(text: str) -> Markup:
    """The analyst's commentary: CommonMark without raw HTML, links to http, https and mailto only."""
    from reportgen.contract.commentary import render_commentary

    # The analyst's headings sit under the brief's own: "# Title" becomes a fourth-level heading.
    html = re.sub(r"<(/?)h([1-6])>", lambda m: f"<{m[1]}h{min(6, int(m[2]) + 3)}>", render_commentary(text))
    # The brief refers to nothing outside itself: a link is printed as its text and address.
    html = re.sub(r'<a href="([^"]*)"[^>]*>(.*?)</a>', lambda m: f"{m[2]} ({m[1]})" if m[2] != m[1] else m[1], html)
    return Markup(html)


FILTERS["markdown"] = markdown
