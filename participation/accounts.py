"""Accounts for coordinators and professionals (residents have none).

Passwords are stored only as werkzeug hashes (scrypt); a username is
lower-case so "Marieke" and "marieke" are one account.
"""

import re

from werkzeug.security import check_password_hash, generate_password_hash

from . import db as database

ROLES = {
    "coordinator": "coördinator",
    "professional": "professional",
}
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
PASSWORD_MIN = 12

# Checked against when the username is unknown, so a wrong name takes as long
# as a wrong password and the timing does not tell which names exist.
_dummy_hash = None


def normalise_username(username):
    return (username or "").strip().lower()


def create_user(db, username, password, role, display_name="", organisation=""):
    """Add an account; returns its id. ValueError for a bad role, name or password."""
    username = normalise_username(username)
    if role not in ROLES:
        raise ValueError(f"Onbekende rol {role!r}: kies {' of '.join(ROLES)}")
    if not USERNAME.match(username):
        raise ValueError("Gebruikersnaam: 2 tot 40 tekens, alleen kleine letters, cijfers, punt, streepje")
    if len(password or "") < PASSWORD_MIN:
        raise ValueError(f"Wachtwoord: minstens {PASSWORD_MIN} tekens")
    with database.write(db):
        if db.execute("select 1 from users where username = ?", [username]).fetchone():
            raise ValueError(f"Gebruikersnaam {username!r} bestaat al")
        return db["users"].insert({
            "username": username,
            "display_name": display_name or username,
            "organisation": organisation,
            "role": role,
            "password_hash": generate_password_hash(password),
            "created_at": database.now(),
        }).last_pk


def authenticate(db, username, password):
    """The user row when username and password match, else None."""
    global _dummy_hash
    rows = list(db.query("select * from users where username = ?", [normalise_username(username)]))
    if not rows:
        if _dummy_hash is None:
            _dummy_hash = generate_password_hash("geen-account")
        check_password_hash(_dummy_hash, password or "")
        return None
    user = rows[0]
    return user if check_password_hash(user["password_hash"], password or "") else None


def get_user(db, user_id):
    rows = list(db.query("select * from users where id = ?", [user_id]))
    return rows[0] if rows else None


def list_users(db):
    """All accounts, without their password hashes."""
    return list(db.query(
        "select id, username, display_name, organisation, role, created_at from users order by username"))


def has_users(db, role=None):
    if role is None:
        return db.execute("select 1 from users limit 1").fetchone() is not None
    return db.execute("select 1 from users where role = ? limit 1", [role]).fetchone() is not None
