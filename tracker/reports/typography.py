"""Numbers, percentages and dates as the report's language writes them (Babel's CLDR data):
'62.8%' and 'January 22, 2027' in English, '62,8 %' and '22 janvier 2027' in French, where the
space before % is a non-breaking one so a percentage never wraps apart."""

from __future__ import annotations

from datetime import UTC, date, datetime

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal, format_percent

from tracker.i18n import first_of_month

DASH = "\u2014"


def percent(value: float | None, lang: str, digits: int = 0) -> str:
    """`value` (0-100) as a percentage with up to `digits` decimals; a dash for None."""
    if value is None:
        return DASH
    pattern = Locale.parse(lang).percent_formats[None].pattern
    if digits:
        pattern = pattern.replace("0", "0." + "#" * digits, 1)
    return format_percent(value / 100, pattern, locale=lang)


def number(value: float, lang: str, digits: int = 0) -> str:
    """A number with the language's decimal mark and grouping."""
    return format_decimal(round(value, digits), locale=lang)


def long_date(value: date | None, lang: str) -> str:
    """'January 22, 2027' or '22 janvier 2027' ('1er avril 2018': French writes the first of
    the month as an ordinal, which CLDR's pattern does not); a dash for None."""
    if value is None:
        return DASH
    return first_of_month(format_date(value, "long", locale=lang), value, lang)


def stamp(value: datetime, lang: str) -> str:
    """A UTC time as 'April 15, 2019, 06:00 UTC' or '15 avril 2019, 06:00 UTC'."""
    value = value.astimezone(UTC)
    return f"{long_date(value.date(), lang)}, {format_time(value, 'HH:mm', locale=lang)} UTC"
