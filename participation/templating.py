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


class Macros:
    """A theme file's macros as a global (`charts.budget_chart(...)`), its module made once.

    `{% from "_charts.html" import … %}` in a page runs that file again for every page
    rendered (with or without context: Jinja compares the page's globals to decide), which
    cost a rebuild more than the charts themselves. The macros use only the environment's
    globals and filters, so one module serves every page and language."""

    def __init__(self, env, name):
        self.env, self.name, self.module = env, name, None

    def __getattr__(self, macro):
        if self.module is None:
            self.module = self.env.get_template(self.name).module
        return getattr(self.module, macro)


def add_to(env):
    env.filters.update(FILTERS)
    env.globals.update(GLOBALS)
    env.globals["charts"] = Macros(env, "_charts.html")
