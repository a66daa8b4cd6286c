"""Pelican plugin: pages for every kwestie, from content/ plus public SQLite rows.

Registered in pelicanconf.py as PLUGINS = ["participation.site"]. It adds the
KwestieGenerator (home page, /kwesties/<slug>/, its idea pages) and gives every
generator the template filters and globals the theme uses. Every file it writes
is announced with content_written, as Pelican's own pages are (writer.py).
"""

from pelican import signals

from .. import i18n, plan, templating
from .generator import KwestieGenerator


def get_generators(pelican):
    return KwestieGenerator


def add_template_helpers(generator):
    if not generator.env.autoescape:
        # Residents' text is rendered by these templates; never without escaping.
        raise RuntimeError('participation.site needs JINJA_ENVIRONMENT = {"autoescape": True, ...}')
    templating.add_to(generator.env)
    i18n.install(generator.env)
    # /besluiten/: a council reference in words, in the language of the page being rendered.
    generator.env.filters["council_text"] = plan.council_text


def register():
    signals.get_generators.connect(get_generators)
    signals.generator_init.connect(add_template_helpers)
