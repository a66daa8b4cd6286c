"""CSRF tokens for the /beheer/ forms: one random token per session.

Every form includes it as a hidden field named csrf_token (the Jinja global
`csrf_token()`); every POST in the beheer blueprint must send it back. A
site elsewhere cannot read the token, so it cannot make a valid form.
"""

import hmac
import secrets

from flask import request, session

from .errors import error_response

FIELD = "csrf_token"
EXPIRED = "Het formulier is verlopen. Laad de pagina opnieuw."


def token():
    if FIELD not in session:
        session[FIELD] = secrets.token_urlsafe(32)
    return session[FIELD]


def check():
    """A 400 response when a POST lacks the session's token; None when it is fine."""
    if request.method != "POST":
        return None
    expected = session.get(FIELD, "")
    sent = request.form.get(FIELD, "")
    if not expected or not hmac.compare_digest(expected.encode(), sent.encode()):
        return error_response(400, EXPIRED)
    return None


def init_app(app):
    app.jinja_env.globals["csrf_token"] = token
