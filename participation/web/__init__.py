"""The Flask app: the participation endpoint, and in the demo the built site too.

    app = create_app()                      # /deelnemen/ and /beheer/ (gunicorn)
    app = create_app(serve_site=True)       # also output/ (samenplan serve)

Templates come from the Pelican theme (themes/samen/templates), so a form
re-rendered with errors looks like the static page it came from.
"""

from pathlib import Path

from flask import Flask
from jinja2 import FileSystemLoader
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from ..db import BUSY_TIMEOUT_SECONDS
from ..issues import IssueLookup
from ..keys import secret_key
from ..settings import load_settings, trusted_hosts
from .. import i18n, templating
from . import (auth, beheer, beheer_meetings, beheer_plan, beheer_tekst, csrf, db, deelnemen,
               deelnemen_meetings, errors, headers, languages, static_site, zoeken)

MAX_REQUEST_BYTES = 64 * 1024


class SmallNumber(IntegerConverter):
    regex = r"[0-9]{1,9}"


def create_app(test_config=None, *, settings=None, serve_site=False, rebuilder=None):
    settings = settings or load_settings((test_config or {}).get("SAMENPLAN_SETTINGS"))
    app = Flask(__name__, static_folder=None)
    app.session_interface = auth.CookieSessions()
    # Same Jinja options as the Pelican build (autoescape, whitespace control).
    app.jinja_options = {**app.jinja_options, **settings["JINJA_ENVIRONMENT"]}
    app.config.from_mapping(
        DATABASE=settings["SAMENPLAN_DATABASE"],
        BUSY_TIMEOUT=BUSY_TIMEOUT_SECONDS,  # then 503, the form kept (web/errors.py)
        SECRET_KEY=secret_key(settings),
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        MAX_FORM_MEMORY_SIZE=MAX_REQUEST_BYTES,
        # Only /beheer/ uses the session cookie; residents get no cookie at all.
        SESSION_COOKIE_NAME="samenplan_beheer",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(settings["SAMENPLAN_SECURE_COOKIES"]),
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        RATE_LIMIT=settings["SAMENPLAN_RATE_LIMIT"],
        RATE_WINDOW=settings["SAMENPLAN_RATE_WINDOW"],
        MIN_FILL_SECONDS=settings["SAMENPLAN_MIN_FILL_SECONDS"],
        # A request for another host is refused with 400: links never come from the Host header
        # (settings.public_url), and this keeps a forged one from reaching anything else.
        TRUSTED_HOSTS=trusted_hosts(settings),
        TRUSTED_PROXIES=int(settings["SAMENPLAN_TRUSTED_PROXIES"]),
    )
    if test_config:
        app.config.update(test_config)
    # Behind n reverse proxies the client's address comes from X-Forwarded-For as those
    # proxies set it; with none (0) the header is ignored, since anyone can send it.
    languages.init_app(app, settings)  # /en/deelnemen/…: the language is in the address
    if app.config["TRUSTED_PROXIES"] > 0:
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    app.jinja_loader = FileSystemLoader(str(Path(settings["THEME"]) / "templates"))
    templating.add_to(app.jinja_env)
    i18n.install(app.jinja_env)
    # The theme's templates read Pelican's settings (SITEURL, SITENAME, ...).
    theme_context = {k: v for k, v in settings.items() if k.isupper()}
    app.context_processor(lambda: theme_context)

    app.extensions["samenplan.settings"] = settings
    app.extensions["samenplan.issues"] = IssueLookup(settings)
    app.extensions["samenplan.rebuilder"] = rebuilder

    # <int:number> in a URL: ASCII digits, at most nine, so a longer number is a 404
    # rather than an integer SQLite cannot store.
    app.url_map.converters["int"] = SmallNumber
    db.init_app(app)
    errors.init_app(app)
    csrf.init_app(app)
    headers.init_app(app)
    app.register_blueprint(deelnemen.bp)
    app.register_blueprint(deelnemen_meetings.bp)
    app.register_blueprint(beheer.bp)
    app.register_blueprint(beheer_meetings.bp)
    app.register_blueprint(beheer_plan.bp)
    app.register_blueprint(beheer_tekst.bp)
    app.register_blueprint(zoeken.bp)
    if serve_site:
        app.register_blueprint(static_site.make_blueprint(settings["OUTPUT_PATH"]))
    return app
