"""Build the site: all of it through Pelican, or load the generator for rebuilds."""

from pelican import Pelican

from . import db as database
from . import store
from .site import KwestieGenerator


def build(settings):
    """A full Pelican build into OUTPUT_PATH: the reference for every page.

    Changes recorded before the build are included in it, so they are cleared.
    """
    db = database.connect(settings["SAMENPLAN_DATABASE"])
    try:
        last, _ = store.pending_changes(db)
        Pelican(settings).run()
        if last is not None:
            store.clear_changes(db, last)
    finally:
        db.close()


def load_generator(settings):
    """A KwestieGenerator with settings, theme and kwestie index loaded, as in a build."""
    Pelican(settings)  # initialises the plugins, which connect the theme's filters
    context = settings.copy()
    context.update(generated_content={}, static_links=set(), static_content={})
    context["localsiteurl"] = settings["SITEURL"]
    generator = KwestieGenerator(
        context=context,
        settings=settings,
        path=settings["PATH"],
        theme=settings["THEME"],
        output_path=settings["OUTPUT_PATH"],
    )
    generator.generate_context()
    return generator
