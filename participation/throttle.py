"""Rate limits for contributions and logins, kept in SQLite.

A client is identified by a keyed hash of its IP address (`client_id`), so
the address itself is never stored; a client's row is deleted once its window
has passed, so even the hash is kept no longer than the limit needs.
"""

import hashlib
import hmac
import time

from . import db as database

LOGIN_ATTEMPTS = 5  # failures per username (and per client) ...
LOGIN_WINDOW = 15 * 60  # ... within this many seconds, then wait


def client_id(secret, address):
    return hmac.new(secret.encode(), (address or "").encode(), hashlib.sha256).hexdigest()[:32]


def allow(db, client, *, limit, window, now=None):
    """Count one event for client; False when it had `limit` already in the `window` seconds
    that began with its first counted event (then nothing is counted).

    One row per client, so the cost does not grow with the traffic. Called inside the write
    that stores the contribution, it commits with it (database.write joins).
    """
    now = time.time() if now is None else now
    with database.write(db):
        db.execute("delete from rate_counts where started < ?", [now - window])
        row = db.execute("select count from rate_counts where client = ?", [client]).fetchone()
        if row and row[0] >= limit:
            return False
        db.execute("insert into rate_counts (client, started, count) values (?, ?, 1) "
                   "on conflict (client) do update set count = count + 1", [client, now])
    return True


def login_attempt(db, username, client, now=None):
    """Count one login attempt as a failure before its password is checked; False when this
    username or client failed too often recently (then nothing is counted or checked).

    Check and count are one write transaction, so parallel attempts queue for the write lock
    and at most LOGIN_ATTEMPTS passwords are ever checked per window; a good password then
    takes its attempt back with `clear_login_failures`.
    """
    now = time.time() if now is None else now
    with database.write(db):
        if _blocked(db, username, client, now):
            return False
        db["login_failures"].insert({"username": username, "client": client, "at": now})
    return True


def _blocked(db, username, client, now):
    db.execute("delete from login_failures where at < ?", [now - LOGIN_WINDOW])
    by_user, by_client = db.execute(
        "select sum(username = ?), sum(client = ?) from login_failures", [username, client]
    ).fetchone()
    return (by_user or 0) >= LOGIN_ATTEMPTS or (by_client or 0) >= LOGIN_ATTEMPTS


def login_blocked(db, username, client, now=None):
    """True when this username or client failed too often recently (counts nothing)."""
    with database.write(db):
        return _blocked(db, username, client, time.time() if now is None else now)


def record_login_failure(db, username, client, now=None):
    with database.write(db):
        db["login_failures"].insert({"username": username, "client": client, "at": time.time() if now is None else now})


def clear_login_failures(db, username):
    with database.write(db):
        db.execute("delete from login_failures where username = ?", [username])
