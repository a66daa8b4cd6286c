"""Security headers on every answer of the Flask app.

The pages have no scripts and no inline styles, so the Content-Security-Policy
can be strict: a page can load only its own stylesheet and images (the
poster's QR code is a data: URI), post forms only to this host, and be
framed by nobody (clickjacking on /beheer/). Pages rendered here hold form
tokens, personal links or coordinator data, so they are never cached; the
built site (served here only in the demo) keeps its own caching. A static map service of the
operator's own (SAMENPLAN_STATIC_MAP_URL) is the one other host images may come from.
"""

from flask import current_app, request

from ..place import map_origin

CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


# Over HTTPS (production: SAMENPLAN_SECURE_COOKIES), browsers must never fall back to plain http.
HSTS = "max-age=31536000; includeSubDomains"


def csp(settings):
    """The policy, with the static map's host (if any) allowed as a source of images."""
    origin = map_origin(settings.get("SAMENPLAN_STATIC_MAP_URL"))
    return CSP.replace("img-src 'self' data:", f"img-src 'self' data: {origin}") if origin else CSP


def add_security_headers(response):
    policy = current_app.config.get("CONTENT_SECURITY_POLICY", CSP)
    for name, value in {**HEADERS, "Content-Security-Policy": policy}.items():
        response.headers.setdefault(name, value)
    if current_app.config["SESSION_COOKIE_SECURE"]:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if request.blueprint != "site":
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app):
    app.config["CONTENT_SECURITY_POLICY"] = csp(app.extensions.get("samenplan.settings", {}))
    app.after_request(add_security_headers)
