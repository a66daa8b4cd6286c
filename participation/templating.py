"""Jinja filters and globals shared by the Pelican theme and the Flask app.

Both render the same templates from themes/samen/templates, so both get the
same helpers: `add_to(env)` registers them on any Jinja environment.
"""

import datetime
from zoneinfo import ZoneInfo

from .issues import PHASES
from .plan import STATUSES as AGREEMENT_STATUSES
from .store import CHANNELS, RELATIONS

MONTHS = (
    "januari februari maart april mei juni juli augustus september oktober november december"
).split()
LOCAL_TIME = ZoneInfo("Europe/Amsterdam")


def datum(value):
    """A date (or stored ISO timestamp) in Dutch: 2 november 2026."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if isinstance(value, datetime.datetime):
        value = value.astimezone(LOCAL_TIME).date()
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def euro(amount):
    """250000 -> € 250.000 (Dutch thousands separator)."""
    return "€ " + f"{int(amount):,}".replace(",", ".")


OBJECTION_STATUS = {
    "open": "open, de afspraak kan zo niet in het plan",
    "withdrawn": "ingetrokken",
    "resolved": "opgelost",
}
DECISIONS = {
    "uitvoeren": "de gemeente voert het uit",
    "financieren": "de gemeente betaalt het",
    "deels": "de gemeente doet het deels",
    "niet": "de gemeente kan het niet doen",
}


def labels(mapping):
    """A filter that shows the Dutch label of a stored key (the key itself when unknown)."""
    return lambda key: mapping.get(key, key)


FILTERS = {
    "datum": datum,
    "euro": euro,
    "relation_label": labels(RELATIONS),
    "phase_label": labels(PHASES),
    "channel_label": labels(CHANNELS),
    "objection_status": labels(OBJECTION_STATUS),
    "agreement_status": labels(AGREEMENT_STATUSES),
    "decision_label": labels(DECISIONS),
}

GLOBALS = {"RELATIONS": RELATIONS}


def add_to(env):
    env.filters.update(FILTERS)
    env.globals.update(GLOBALS)
