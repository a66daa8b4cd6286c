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
    check_password(password)
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


def authenticate(db, username, password, *, disabled_too=False):
    """The user row when username and password match, else None.

    A disabled account gives None too, unless disabled_too (the login says why it
    was refused, to someone who knows the password).
    """
    global _dummy_hash
    rows = list(db.query("select * from users where username = ?", [normalise_username(username)]))
    if not rows:
        if _dummy_hash is None:
            _dummy_hash = generate_password_hash("geen-account")
        check_password_hash(_dummy_hash, password or "")
        return None
    user = rows[0]
    if not check_password_hash(user["password_hash"], password or ""):
        return None
    return user if disabled_too or not user["disabled_at"] else None


# Sessions: the session stores the account's session_version at login; changing it
# (logout, a new password, disabling) ends every session made before.


def session_version(user):
    return user["session_version"] or 0  # NULL in rows from before the column existed


def session_valid(user, version):
    """Whether a session that stored `version` at login still counts for this account."""
    return user is not None and not user["disabled_at"] and version == session_version(user)


def end_sessions(db, user_id):
    """End every session of this account; returns the new session version."""
    with database.write(db):
        db.execute("update users set session_version = coalesce(session_version, 0) + 1 where id = ?", [user_id])
        return db.execute("select session_version from users where id = ?", [user_id]).fetchone()[0]


def find_user(db, username):
    """The user row for username, or ValueError with a Dutch message."""
    username = normalise_username(username)
    rows = list(db.query("select * from users where username = ?", [username]))
    if not rows:
        raise ValueError(f"Account {username!r} bestaat niet")
    return rows[0]


def check_password(password):
    """ValueError with a Dutch message when the password is too short."""
    if len(password or "") < PASSWORD_MIN:
        raise ValueError(f"Wachtwoord: minstens {PASSWORD_MIN} tekens")


def set_password(db, username, password):
    """A new password; every session of the account ends. Returns the user row as it is now."""
    check_password(password)
    with database.write(db):
        user = find_user(db, username)
        db["users"].update(user["id"], {"password_hash": generate_password_hash(password)})
        end_sessions(db, user["id"])
        return get_user(db, user["id"])


def set_disabled(db, username, disabled):
    """Disable (no login, every session ends) or enable an account; returns the user row as it
    is now. Enabling gives back the login only: sessions ended by disabling stay ended."""
    with database.write(db):
        user = find_user(db, username)
        if disabled and not user["disabled_at"]:
            db["users"].update(user["id"], {"disabled_at": database.now()})
            end_sessions(db, user["id"])
        elif not disabled and user["disabled_at"]:
            db["users"].update(user["id"], {"disabled_at": None})
        return get_user(db, user["id"])


OWN_ROLE = "Je kunt je eigen rol niet veranderen. Vraag een andere coördinator om dat te doen."
LAST_COORDINATOR = ("Er moet altijd een coördinator zijn die kan inloggen. Maak eerst iemand anders coördinator, "
                    "of zet een coördinator weer aan.")


def set_role(db, username, role, *, by=None):
    """Give an account another role; returns the user row as it is now. ValueError (Dutch) for
    an unknown role, the same role, one's own role (`by`: the user id who asks; None from the
    command line), or when no enabled coordinator would be left."""
    if role not in ROLES:
        raise ValueError(f"Onbekende rol {role!r}: kies {' of '.join(ROLES)}")
    with database.write(db):
        user = find_user(db, username)
        if user["role"] == role:
            raise ValueError(f"Account {user['username']!r} is al {ROLES[role]}")
        if by is not None and user["id"] == by:
            raise ValueError(OWN_ROLE)
        others = db.execute("select count(*) from users where role = 'coordinator' and disabled_at is null "
                            "and id != ?", [user["id"]]).fetchone()[0]
        if user["role"] == "coordinator" and not user["disabled_at"] and not others:
            raise ValueError(LAST_COORDINATOR)
        db["users"].update(user["id"], {"role": role})
        return get_user(db, user["id"])


def get_user(db, user_id):
    rows = list(db.query("select * from users where id = ?", [user_id]))
    return rows[0] if rows else None


def list_users(db):
    """All accounts, without their password hashes."""
    return list(db.query(
        "select id, username, display_name, organisation, role, created_at, disabled_at from users "
        "order by username"))


def has_users(db, role=None):
    if role is None:
        return db.execute("select 1 from users limit 1").fetchone() is not None
    return db.execute("select 1 from users where role = ? limit 1", [role]).fetchone() is not None
