"""Dates, times and amounts as readers of the current language expect them (Babel, CLDR):
2 november 2026, 14:05, € 250.000 in Dutch; November 2, 2026, 2:05 PM, €250,000 in English.

The names are the template filters' (datum, tijdstip, euro). Digits stay Western Arabic
(0-9) in every language, as Babel's default numbering system: amounts and codes read the
same on the paper form and on the page.
"""

import datetime
import functools
from zoneinfo import ZoneInfo

from babel import dates, numbers

from . import i18n

LOCAL_TIME = ZoneInfo("Europe/Amsterdam")
# English on a Dutch site reads best the British way: 2 November 2026, 14:05.
REGION = {"en": "en_GB"}


def _locale():
    return REGION.get(i18n.current(), i18n.current())


def datum(value):
    """A date, an ISO date string or a stored ISO timestamp: 2 november 2026."""
    if not value:
        return ""
    if isinstance(value, str):
        parse = datetime.date.fromisoformat if len(value) == 10 else datetime.datetime.fromisoformat
        value = parse(value)
    if isinstance(value, datetime.datetime):
        value = value.astimezone(LOCAL_TIME).date()
    return dates.format_date(value, "long", locale=_locale())


def tijdstip(value):
    """A stored UTC timestamp as local date and time: 2 november 2026, 14:05."""
    moment = datetime.datetime.fromisoformat(value).astimezone(LOCAL_TIME)
    return f"{datum(moment)}, {dates.format_time(moment, 'short', locale=_locale())}"


def maand(value):
    """'2026-11' -> november 2026 (the month a count is for)."""
    year, month = map(int, value.split("-"))
    return dates.format_date(datetime.date(year, month, 1), "LLLL y", locale=_locale())


def kloktijd(value):
    """19:30: the time of a local wall-clock datetime (a meeting's start; tijdstip is for stored UTC)."""
    return dates.format_time(value, "short", locale=_locale())


def euro(amount):
    """250000 -> € 250.000: whole euros, the locale's own pattern and separators."""
    return _euro(int(amount), _locale())


def number(value):
    """1234 -> 1.234 (Dutch), 1,234 (English)."""
    return _number(value, _locale())


# Babel takes some 50 µs a figure, and /besluiten/ and the charts show thousands of them,
# mostly the same small counts: remembered per locale.
@functools.lru_cache(maxsize=4096)
def _euro(amount, locale):
    return numbers.format_currency(amount, "EUR", format=_whole_euros(locale), locale=locale,
                                   currency_digits=False).replace("\xa0", " ")


@functools.lru_cache(maxsize=4096)
def _number(value, locale):
    return numbers.format_decimal(value, locale=locale)


@functools.cache
def _whole_euros(lang):
    return i18n.locale(lang).currency_formats["standard"].pattern.replace(".00", "")  # lang: a locale name
