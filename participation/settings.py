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

    Environment variables win over the file for what differs per machine:
    SAMENPLAN_CONTENT (PATH), SAMENPLAN_OUTPUT (OUTPUT_PATH), and any
    SAMENPLAN_* setting by its own name (SAMENPLAN_DATABASE, ...).
    """
    path = find_settings_file(path)
    override = dict(override or {})
    for setting, variable in (("PATH", "SAMENPLAN_CONTENT"), ("OUTPUT_PATH", "SAMENPLAN_OUTPUT")):
        if setting not in override and os.environ.get(variable):
            override[setting] = os.path.abspath(os.environ[variable])
    settings = read_settings(str(path), override=override)
    for key, default in DEFAULTS.items():
        settings.setdefault(key, default)
    for key, value in os.environ.items():
        if key in DEFAULTS and key not in override:
            settings[key] = type(DEFAULTS[key])(value)
    settings["SAMENPLAN_DATABASE"] = str(path.parent / settings["SAMENPLAN_DATABASE"])  # no-op if absolute
    outbox = settings["SAMENPLAN_OUTBOX"] or Path(settings["SAMENPLAN_DATABASE"]).with_name("outbox")
    settings["SAMENPLAN_OUTBOX"] = str(path.parent / outbox)
    return settings


DEFAULTS = {
    "SAMENPLAN_DATABASE": "instance/samenplan.db",
    "SAMENPLAN_OUTBOX": "",  # mail as files when no SMTP host is set; "" = outbox/ beside the database
    "SAMENPLAN_SMTP_HOST": "",
    "SAMENPLAN_SMTP_PORT": 587,
    "SAMENPLAN_SMTP_SECURITY": "starttls",  # starttls, ssl (port 465) or none (a relay on localhost)
    "SAMENPLAN_SMTP_USER": "",
    "SAMENPLAN_SMTP_PASSWORD": "",
    "SAMENPLAN_MAIL_FROM": "samenplan <noreply@samenplan.invalid>",
    "SAMENPLAN_SECRET_KEY": "",  # empty: generated once, kept beside the database
    "SAMENPLAN_KWESTIE_PATH": "kwesties",
    "SAMENPLAN_PARTICIPATION_URL": "",
    "SAMENPLAN_PUBLIC_URL": "",  # printed on posters and in QR codes; "" = SITEURL, else the demo address
    "SAMENPLAN_KWESTIES_PER_PAGE": 20,
    "SAMENPLAN_IDEAS_ON_KWESTIE_PAGE": 10,
    "SAMENPLAN_IDEAS_PER_PAGE": 25,
    "SAMENPLAN_RATE_LIMIT": 20,  # contributions per client per window
    "SAMENPLAN_RATE_WINDOW": 600,  # seconds
    "SAMENPLAN_MIN_FILL_SECONDS": 3,  # faster than this is a robot
    "SAMENPLAN_SECURE_COOKIES": 1,  # 0 only for plain-http test set-ups
}
