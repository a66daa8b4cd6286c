"""Who is logged in to /beheer/, and what their role lets them do.

The session holds only the user id, the account's session version at login
(logout, a new password or disabling the account raise it, which ends every
session made before) and the CSRF token. Professionals may
see kwesties and answer questions; everything else is for coordinators.
"""

import functools
from urllib.parse import urlsplit

from flask import g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface

from .. import accounts
from .db import get_db
from .errors import error_response

class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, left unopened for a request without the cookie: residents
    never have one, and opening one builds a signing serializer, a tenth of a submission's time."""

    def open_session(self, app, request):
        if self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)


COORDINATORS_ONLY = "Dit kan alleen een coördinator. Als professional kun je vragen beantwoorden."


def load_user():
    """The session's account, if the session still counts: not after a logout, a new
    password or disabling the account (accounts.session_valid); then it is forgotten."""
    user_id = session.get("user_id")
    user = accounts.get_user(get_db(), user_id) if user_id else None
    if user_id and not accounts.session_valid(user, session.get("session_version", 0)):
        session.pop("user_id", None)  # the CSRF token stays, so the login form still works
        session.pop("session_version", None)
        user = None
    g.user = user


def safe_next(target):
    """Where to go after logging in: a page of /beheer/ on this site, never elsewhere."""
    home = url_for("beheer.index")
    if not target or "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith(home):
        return home
    return target


def to_login():
    here = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("beheer.login", next=here), 303)


def login_required(view):
    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.user is None:
            return to_login()
        return view(**kwargs)
    return wrapped


def coordinator_required(view):
    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.user is None:
            return to_login()
        if g.user["role"] != "coordinator":
            return error_response(403, COORDINATORS_ONLY)
        return view(**kwargs)
    return wrapped


def current_user():
    """The logged-in account; None for residents (only /beheer/ loads a user)."""
    return g.get("user")


def is_coordinator():
    user = current_user()
    return user is not None and user["role"] == "coordinator"
