"""Jinja filters and globals shared by the Pelican theme and the Flask app.

Both render the same templates from themes/samen/templates, so both get the
same helpers: `add_to(env)` registers them on any Jinja environment.
"""

from .charts import chart_legend, stacked_bar
from .formats import datum, euro, kloktijd, maand, tijdstip
from .i18n import _
from .labels import AGREEMENT_STATUSES, CHANNELS, DECISIONS, OBJECTION_STATUSES, PHASES, RELATIONS


def labels(mapping):
    """A filter that shows the label of a stored key in the page's language, translated when
    the page is rendered (the key itself when unknown)."""
    return lambda key: _(mapping[key]) if key in mapping else key


FILTERS = {
    "datum": datum,
    "euro": euro,
    "tijdstip": tijdstip,
    "kloktijd": kloktijd,
    "maand": maand,
    "relation_label": labels(RELATIONS),
    "phase_label": labels(PHASES),
    "channel_label": labels(CHANNELS),
    "objection_status": labels(OBJECTION_STATUSES),
    "agreement_status": labels(AGREEMENT_STATUSES),
    "decision_label": labels(DECISIONS),
}

GLOBALS = {"RELATIONS": RELATIONS, "stacked_bar": stacked_bar, "chart_legend": chart_legend}


def add_to(env):
    env.filters.update(FILTERS)
    env.globals.update(GLOBALS)
