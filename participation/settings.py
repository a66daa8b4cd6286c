"""Load Pelican settings plus samenplan's own (SAMENPLAN_*), as one dict.

The same settings drive the Pelican build, the rebuild worker and the Flask
app, so the site and the forms always agree on paths and URLs.
"""

import os
from pathlib import Path

from pelican.settings import read_settings

DEFAULT_SETTINGS_FILE = "pelicanconf.py"


def find_settings_file(path=None):
    """The settings file to use: the one given, $SAMENPLAN_SETTINGS, or ./pelicanconf.py."""
    path = path or os.environ.get("SAMENPLAN_SETTINGS") or DEFAULT_SETTINGS_FILE
    path = Path(path).resolve()
    if not path.is_file():
        raise FileNotFoundError(
            f"Geen instellingen gevonden: {path}. "
            "Start samenplan in de map van het project, of geef --settings."
        )
    return path


def load_settings(path=None, override=None):
    """Read the settings file; relative paths resolve against its folder.

    Environment variables win over the file for the things that differ per
    machine: SAMENPLAN_CONTENT, SAMENPLAN_OUTPUT and SAMENPLAN_DATABASE.
    """
    path = find_settings_file(path)
    override = dict(override or {})
    for setting, variable in (("PATH", "SAMENPLAN_CONTENT"), ("OUTPUT_PATH", "SAMENPLAN_OUTPUT")):
        if setting not in override and os.environ.get(variable):
            override[setting] = os.path.abspath(os.environ[variable])
    settings = read_settings(str(path), override=override)
    database = (
        override.get("SAMENPLAN_DATABASE")
        or os.environ.get("SAMENPLAN_DATABASE")
        or settings.get("SAMENPLAN_DATABASE", "instance/samenplan.db")
    )
    settings["SAMENPLAN_DATABASE"] = str(path.parent / database)  # no-op if absolute
    settings.setdefault("SAMENPLAN_KWESTIE_PATH", "kwesties")
    settings.setdefault("SAMENPLAN_PARTICIPATION_URL", "")
    settings.setdefault("SAMENPLAN_KWESTIES_PER_PAGE", 20)
    settings.setdefault("SAMENPLAN_IDEAS_ON_KWESTIE_PAGE", 10)
    settings.setdefault("SAMENPLAN_IDEAS_PER_PAGE", 25)
    return settings
