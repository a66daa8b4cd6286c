"""The language of a request is in its address: /en/deelnemen/… answers in English.

No cookie and no Accept-Language guess: a link, a QR code or a bookmark always opens the
page in the language it was made in. LanguagePrefix takes the prefix off the path before
Flask routes it and adds it to SCRIPT_NAME, as if the app were mounted at /en: the routes
are written once, and every url_for() and redirect of the request stays in its language.
The coordinator's area has no prefix: it is Dutch.
"""

from flask import current_app, g, has_request_context, request

from .. import i18n

ENVIRON_KEY = "samenplan.lang"
PATH_KEY = "samenplan.path"  # the path without its language prefix
PREFIXED = ("deelnemen", "zoeken")  # what lives under /<lang>/ in this app (the site's pages are static files)


class LanguagePrefix:
    """WSGI middleware: /en/deelnemen/x -> SCRIPT_NAME /en, PATH_INFO /deelnemen/x, language en."""

    def __init__(self, app, languages):
        self.app = app
        self.languages = {lang for lang in languages if lang != i18n.SOURCE}

    def __call__(self, environ, start_response):
        head, _, rest = environ.get("PATH_INFO", "").lstrip("/").partition("/")
        if head in self.languages:
            environ[ENVIRON_KEY] = head
            environ[PATH_KEY] = f"/{rest}"
            if rest.split("/", 1)[0] in PREFIXED:
                environ["SCRIPT_NAME"] = f"{environ.get('SCRIPT_NAME', '')}/{head}"
                environ["PATH_INFO"] = f"/{rest}"
        return self.app(environ, start_response)


def set_language():
    """Before each request: the request's language for _(), the formats and the templates."""
    g.language_token = i18n.set_current(request.environ.get(ENVIRON_KEY, i18n.SOURCE))


def reset_language(exception=None):
    """After it: back to what it was, so nothing else in the thread (a test) inherits it."""
    if "language_token" in g:
        i18n.reset(g.pop("language_token"))


def page_values():
    """lang, dir, the link prefix and the page in every language, for base.html."""
    if not has_request_context():  # a mail
        return {"lang": i18n.current(), "lang_prefix": i18n.prefix(i18n.current())}
    settings = current_app.extensions["samenplan.settings"]
    path = request.environ.get(PATH_KEY, request.path).lstrip("/")
    return i18n.page_values(settings, i18n.current(), settings["SAMENPLAN_PARTICIPATION_URL"], path)


def init_app(app, settings):
    app.wsgi_app = LanguagePrefix(app.wsgi_app, i18n.languages(settings))
    app.before_request(set_language)
    app.teardown_request(reset_language)
    app.context_processor(page_values)
