"""The SQLite database: one file, WAL mode, schema created on first use.

Every write goes through `write(db)`: BEGIN IMMEDIATE takes the write lock at
the start, so two workers wait for each other (busy timeout) instead of one
failing half-way with SQLITE_BUSY; the block commits before it returns, so a
row is on disk before anyone is told it was stored.
"""

import contextlib
import datetime
import sqlite3
from pathlib import Path

import sqlite_utils

BUSY_TIMEOUT_SECONDS = 10

SCHEMA = {
    # The circle: one row per person who joined a kwestie's kring.
    "members": (
        {
            "id": int,
            "issue": str,
            "name": str,
            "relation": str,
            "relation_other": str,
            "channel": str,
            "created_at": str,
        },
        {"pk": "id", "not_null": {"issue", "name", "relation", "channel", "created_at"}},
    ),
    # Ideas: `number` counts per kwestie (I1, I2, ...), the public id.
    "ideas": (
        {
            "id": int,
            "issue": str,
            "number": int,
            "title": str,
            "body": str,
            "author_name": str,
            "channel": str,
            "created_at": str,
        },
        {"pk": "id", "not_null": {"issue", "number", "title", "channel", "created_at"}},
    ),
    # Kwesties whose pages must be rebuilt; written in the same transaction as
    # the contribution, so a crash never leaves a stored idea off the site.
    "site_changes": (
        {"id": int, "issue": str, "changed_at": str},
        {"pk": "id", "not_null": {"issue", "changed_at"}},
    ),
}
INDEXES = [
    ("members", ["issue"]),
    ("ideas", ["issue", "number"]),
]


def connect(path):
    """Open (and if needed create) the database at path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        str(path),
        timeout=BUSY_TIMEOUT_SECONDS,
        isolation_level=None,  # we say BEGIN ourselves
        check_same_thread=False,
    )
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
    if db.journal_mode != "wal":
        db.enable_wal()
    ensure_schema(db)
    return db


def ensure_schema(db):
    """Create missing tables and indexes, in one transaction (workers may race here)."""
    if all(db[name].exists() for name in SCHEMA):
        return
    with write(db):
        for name, (columns, options) in SCHEMA.items():
            if not db[name].exists():
                db[name].create(columns, **options)
        for table, columns in INDEXES:
            db[table].create_index(columns, if_not_exists=True, unique=table == "ideas")


@contextlib.contextmanager
def write(db):
    """A short write transaction that holds the write lock from the start."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    db.execute("COMMIT")


def now():
    """The current time as stored: UTC, ISO 8601, to the second."""
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
