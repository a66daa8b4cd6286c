"""Dates, times and amounts the way Dutch readers expect them: 2 november 2026, 14:05, € 250.000."""

import datetime
from zoneinfo import ZoneInfo

MONTHS = (
    "januari februari maart april mei juni juli augustus september oktober november december"
).split()
LOCAL_TIME = ZoneInfo("Europe/Amsterdam")


def datum(value):
    """A date, an ISO date string or a stored ISO timestamp, in Dutch: 2 november 2026."""
    if not value:
        return ""
    if isinstance(value, str):
        parse = datetime.date.fromisoformat if len(value) == 10 else datetime.datetime.fromisoformat
        value = parse(value)
    if isinstance(value, datetime.datetime):
        value = value.astimezone(LOCAL_TIME).date()
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def tijdstip(value):
    """A stored UTC timestamp as local date and time: 2 november 2026, 14:05."""
    moment = datetime.datetime.fromisoformat(value).astimezone(LOCAL_TIME)
    return f"{datum(moment)}, {moment:%H:%M}"


def euro(amount):
    """250000 -> € 250.000 (Dutch thousands separator)."""
    return "€ " + f"{int(amount):,}".replace(",", ".")
