"""Jinja filters and globals shared by the Pelican theme and the Flask app.

Both render the same templates from themes/samen/templates, so both get the
same helpers: `add_to(env)` registers them on any Jinja environment.
"""

from .dutch import LOCAL_TIME, datum, euro  # noqa: F401 (LOCAL_TIME is used by importers)
from .issues import PHASES
from .plan import STATUSES as AGREEMENT_STATUSES
from .store import CHANNELS, RELATIONS

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
