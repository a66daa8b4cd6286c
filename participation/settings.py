"""Load Pelican settings plus samenplan's own (SAMENPLAN_*), as one dict.

The same settings drive the Pelican build, the rebuild worker and the Flask
app, so the site and the forms always agree on paths and URLs.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

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


DEMO_URL = "http://127.0.0.1:8000"  # `samenplan serve` replaces it with the address it really runs on


def public_url(settings):
    """The site's absolute address, for every link that leaves the page: mail, feeds, posters,
    QR codes. From settings only, never from a request's Host header (anyone can send one):
    SAMENPLAN_PUBLIC_URL, else SITEURL, else the demo's address."""
    return (settings.get("SAMENPLAN_PUBLIC_URL") or settings.get("SITEURL") or DEMO_URL).rstrip("/")


def participation_url(settings):
    """Where /deelnemen/ lives, absolute, for the links in mail: SAMENPLAN_PARTICIPATION_URL when
    it is an address of its own, else on the public address."""
    own = (settings.get("SAMENPLAN_PARTICIPATION_URL") or "").rstrip("/")
    return own if urlsplit(own).netloc else public_url(settings) + own


def trusted_hosts(settings):
    """The host names the app answers to (Flask's TRUSTED_HOSTS); any other Host header gets 400.
    SAMENPLAN_TRUSTED_HOSTS (comma-separated) when set, else the hosts of the configured addresses,
    plus this machine's own names, so the demo and the tests on localhost work."""
    if settings.get("SAMENPLAN_TRUSTED_HOSTS"):
        return [h.strip() for h in settings["SAMENPLAN_TRUSTED_HOSTS"].split(",") if h.strip()]
    hosts = {urlsplit(url).hostname for url in (public_url(settings), participation_url(settings))}
    return sorted(h for h in hosts | {"localhost", "127.0.0.1", "::1"} if h)


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
    "SAMENPLAN_LANGUAGES": "nl,en,ar,uk,tr",  # the resident side's languages; each needs a catalog (i18n.py)
    "SAMENPLAN_PARTICIPATION_URL": "",
    "SAMENPLAN_PUBLIC_URL": "",  # links in mail, feeds, posters, QR codes; "" = SITEURL, else the demo address
    "SAMENPLAN_TRUSTED_HOSTS": "",  # host names to answer to, comma-separated; "" = those of the addresses above
    "SAMENPLAN_KWESTIES_PER_PAGE": 20,
    "SAMENPLAN_IDEAS_ON_KWESTIE_PAGE": 10,
    "SAMENPLAN_IDEAS_PER_PAGE": 25,
    "SAMENPLAN_RATE_LIMIT": 20,  # contributions per client per window
    "SAMENPLAN_RATE_WINDOW": 600,  # seconds
    "SAMENPLAN_MIN_FILL_SECONDS": 3,  # faster than this is a robot
    "SAMENPLAN_SECURE_COOKIES": 1,  # 0 only for plain-http test set-ups
    "SAMENPLAN_TRUSTED_PROXIES": 0,  # reverse proxies in front of the app whose X-Forwarded-For/-Proto count; 0 = none
    # A map image on a kwestie page with Coordinates: a URL with {lat} and {lon} (and {width}, {height})
    # of a static map service of your own; "" = no image, only links (nothing loaded from elsewhere).
    "SAMENPLAN_STATIC_MAP_URL": "",
}
