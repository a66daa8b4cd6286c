"""The SQLite database: one file, WAL mode, schema created on first use.

Every write goes through `write(db)`: BEGIN IMMEDIATE takes the write lock at
the start, so two workers wait for each other (busy timeout) instead of one
failing half-way with SQLITE_BUSY; the block commits before it returns, so a
row is on disk before anyone is told it was stored.
"""

import contextlib
import datetime
import json
import sqlite3
import time
from pathlib import Path

import sqlite_utils

from .labels import RENAMED

BUSY_TIMEOUT_SECONDS = 10

# Columns shared by every kind of contribution a resident can make.
CONTRIBUTION = {
    "issue": str,
    "number": int,  # counts per kwestie and kind: I1, V1, B1 (the public id)
    "member_id": int,  # who, when they were in the circle (nullable)
    "author_name": str,  # the display name shown with it
    "channel": str,  # web, door, paper, meeting (labels.CHANNELS)
    "entered_by": int,  # users.id when the coordinator entered it for someone
    "created_at": str,
    "hidden_at": str,  # moderation: hidden by the coordinator, with a reason
    "hidden_reason": str,
    "hidden_by": int,
}

SCHEMA = {
    # The circle: one row per person who joined a kwestie's kring. The e-mail
    # address is optional, never published, and removed by `samenplan erase`.
    "members": (
        {
            "id": int,
            "issue": str,
            "name": str,
            "relation": str,
            "relation_other": str,
            "email": str,
            "email_confirmed_at": str,
            "channel": str,
            "entered_by": int,
            "created_at": str,
            "invited": int,  # 1: they said someone asked them to join (how the circle grows)
        },
        {"pk": "id", "not_null": {"issue", "name", "relation", "channel", "created_at"}},
    ),
    "ideas": (
        {"id": int, **CONTRIBUTION, "title": str, "body": str, "cost": int},
        {"pk": "id", "not_null": {"issue", "number", "title", "channel", "created_at"}},
    ),
    # Questions to professionals, and their answers (information, never a vote).
    "questions": (
        {"id": int, **CONTRIBUTION, "text": str},
        {"pk": "id", "not_null": {"issue", "number", "text", "channel", "created_at"}},
    ),
    "answers": (
        {"id": int, "question_id": int, "user_id": int, "text": str, "created_at": str},
        {"pk": "id", "not_null": {"question_id", "user_id", "text", "created_at"}},
    ),
    # Agreements (afspraken) proposed for the plan; see plan.py.
    "agreements": (
        {
            "id": int,
            "issue": str,
            "number": int,  # A1, A2, ...
            "what": str,
            "who": str,
            "when_text": str,
            "cost": int,
            "from_ideas": str,  # JSON list of idea numbers
            "information": str,  # JSON list of question numbers whose answers inform it
            "status": str,  # concept, planned, in_progress, done, stopped
            "revision": int,  # 1, 2, …: every change to its text makes a new revision
            "created_at": str,
            "updated_at": str,
        },
        {"pk": "id", "not_null": {"issue", "number", "what", "status", "created_at"}},
    ),
    # Each revision's text, so a member whose answer an amendment voided sees old and new.
    "agreement_revisions": (
        {"id": int, "agreement_id": int, "revision": int, "what": str, "who": str, "when_text": str,
         "cost": int, "created_at": str},
        {"pk": "id", "not_null": {"agreement_id", "revision", "what", "created_at"}},
    ),
    # Objections (bezwaren) block an agreement until withdrawn or resolved.
    "objections": (
        {
            "id": int,
            **CONTRIBUTION,
            "agreement_id": int,
            "reason": str,
            "kind": str,  # objection (blocks) or concern (zorg: recorded, does not block)
            "status": str,  # open, withdrawn, resolved
            "closed_at": str,
            "resolution_note": str,
            "revision": int,  # the agreement's revision it was raised on
        },
        {"pk": "id", "not_null": {"issue", "number", "agreement_id", "reason", "kind", "status", "channel", "created_at"}},
    ),
    # A consent round on a concept version: which agreements, until when.
    "consent_rounds": (
        {
            "id": int,
            "issue": str,
            "agreements": str,  # JSON list of agreement numbers in the proposed version
            "opened_at": str,
            "ends_at": str,
            "closed_at": str,  # set when the version is adopted
            "version": int,  # the plan version it became
        },
        {"pk": "id", "not_null": {"issue", "agreements", "opened_at", "ends_at"}},
    ),
    # Each member's explicit answer in a round, per agreement and given on one revision of
    # its text: an amendment voids answers on earlier revisions. Silence is not consent.
    "round_answers": (
        {"id": int, "round_id": int, "member_id": int, "agreement_number": int, "revision": int,
         "answer": str, "at": str, "entered_by": int},
        {"pk": "id", "not_null": {"round_id", "member_id", "agreement_number", "revision", "answer", "at"}},
    ),
    # The hash of each plan version as it was written: the anchor that shows
    # when even the newest file (which no later file points to) was altered.
    "plan_heads": (
        {"id": int, "issue": str, "version": int, "sha256": str, "recorded_at": str},
        {"pk": "id", "not_null": {"issue", "version", "sha256", "recorded_at"}},
    ),
    # Meetings (bijeenkomsten, meetings.py): announced with their agenda, or recorded afterwards.
    # starts_at is local wall-clock time (Europe/Amsterdam), null while the circle chooses the
    # date; afterwards how many came by relation (attendance, JSON), never who.
    "meetings": (
        {"id": int, "issue": str, "number": int, "kind": str, "title": str, "held_on": str, "starts_at": str,
         "minutes": int, "place": str, "accessibility": str, "information": str, "circle_time": str,
         "plan_part": str, "attendees": int, "attendance": str, "signed_up": int, "account": str, "note": str,
         "announced_at": str, "recorded_at": str, "cancelled_at": str, "updated_at": str, "sequence": int,
         "entered_by": int, "created_at": str},
        {"pk": "id", "not_null": {"issue", "place", "created_at"}},
    ),
    # The dates a meeting may be on, while the circle chooses, and which suit whom (members only).
    "meeting_options": (
        {"id": int, "meeting_id": int, "starts_at": str},
        {"pk": "id", "not_null": {"meeting_id", "starts_at"}},
    ),
    # option_id null: none of the dates suits this member (an answer too, unlike no answer).
    "meeting_availability": (
        {"id": int, "meeting_id": int, "option_id": int, "member_id": int, "at": str, "entered_by": int},
        {"pk": "id", "not_null": {"meeting_id", "member_id", "at"}},
    ),
    # Who comes, without an account, and what they need to be able to: for the coordinator only,
    # deleted when the meeting is recorded (meetings.record keeps the count).
    "meeting_signups": (
        {"id": int, "meeting_id": int, "member_id": int, "name": str, "email": str, "email_confirmed_at": str,
         "language": str, "interpreter": str, "step_free": int, "hearing_loop": int, "childcare": int,
         "channel": str, "entered_by": int, "created_at": str, "reminded_at": str},
        {"pk": "id", "not_null": {"meeting_id", "name", "language", "channel", "created_at"}},
    ),
    # Invitations a member sent (web/deelnemen: "Wie vindt dit ook belangrijk?"): when and by whom,
    # for the limit per day. Never the address it went to.
    "invitations": (
        {"id": int, "issue": str, "member_id": int, "sent_at": str},
        {"pk": "id", "not_null": {"issue", "member_id", "sent_at"}},
    ),
    # Accounts for coordinators and professionals (residents have none).
    "users": (
        {
            "id": int,
            "username": str,
            "display_name": str,
            "organisation": str,
            "role": str,  # coordinator or professional
            "password_hash": str,
            "created_at": str,
            "session_version": int,  # stored in the session at login; +1 ends every session (NULL = 0)
            "disabled_at": str,  # set: no login, no session (samenplan user disable, /beheer/gebruikers)
        },
        {"pk": "id", "not_null": {"username", "role", "password_hash", "created_at"}},
    ),
    # Append-only: triggers below refuse UPDATE and DELETE.
    "audit_log": (
        {"id": int, "at": str, "user_id": int, "username": str, "action": str, "issue": str, "detail": str},
        {"pk": "id", "not_null": {"at", "username", "action"}},
    ),
    # Throttling. `client` is a keyed hash of the IP address, never the address
    # itself, and rows are deleted as soon as their window has passed.
    "login_failures": (
        {"id": int, "username": str, "client": str, "at": float},
        {"pk": "id", "not_null": {"username", "client", "at"}},
    ),
    # Contributions per client since `started`, the first in its window: one row per client,
    # so the check costs the same however busy the site is.
    "rate_counts": (
        {"client": str, "started": float, "count": int},
        {"pk": "client", "not_null": {"started", "count"}},
    ),
    # Form submissions already stored, by their one-time form key (the signed form_started token):
    # the same submission sent again (an answer lost on the way) gets the same 303, nothing new.
    "submissions": (
        {"key": str, "public_id": str, "thanks": str, "created_at": str},
        {"pk": "key", "not_null": {"public_id", "thanks", "created_at"}},
    ),
    # Kwesties whose pages must be rebuilt; written in the same transaction as
    # the contribution, so a crash never leaves a stored idea off the site.
    "site_changes": (
        {"id": int, "issue": str, "changed_at": str},
        {"pk": "id", "not_null": {"issue", "changed_at"}},
    ),
}
INDEXES = [
    ("members", ["issue"], False),
    ("ideas", ["issue", "number"], True),
    ("questions", ["issue", "number"], True),
    ("answers", ["question_id"], False),
    ("agreements", ["issue", "number"], True),
    ("objections", ["issue", "number"], True),
    ("objections", ["agreement_id"], False),
    ("users", ["username"], True),
    ("round_answers", ["round_id", "member_id", "agreement_number"], True),
    ("agreement_revisions", ["agreement_id", "revision"], True),
    ("plan_heads", ["issue", "version"], True),
    ("rate_counts", ["started"], False),
    ("submissions", ["created_at"], False),
    ("login_failures", ["username", "at"], False),
    ("meetings", ["issue", "number"], False),
    ("meeting_options", ["meeting_id"], False),
    ("meeting_availability", ["meeting_id", "member_id"], False),
    ("meeting_availability", ["option_id"], False),
    ("meeting_signups", ["meeting_id"], False),
    ("invitations", ["member_id", "sent_at"], False),
]
TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS audit_log_no_{verb} BEFORE {verb.upper()} ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    for verb in ("update", "delete")
]


def _english_keys(db):
    """Channels and relations were stored in Dutch until November 2026 (labels.RENAMED)."""
    cases = " ".join("when ? then ?" for _ in RENAMED)
    pairs = [word for pair in RENAMED.items() for word in pair]
    marks = ",".join("?" * len(RENAMED))
    for table, column in (("members", "relation"), ("members", "channel"), ("ideas", "channel"),
                          ("questions", "channel"), ("objections", "channel")):
        db.execute(f"update {table} set {column} = case {column} {cases} end where {column} in ({marks})",
                   [*pairs, *RENAMED])


def _answers_per_agreement(db):
    """Until then an agreement had no revisions and an answer covered the whole round.

    Every agreement gets revision 1 with its text as it is now; a round's consent becomes
    consent on each of its agreements, an objection or concern an answer on the agreement
    it was about. Answers that named no agreement otherwise stay no answer.
    """
    db.execute("update agreements set revision = 1 where revision is null")
    db.execute("update objections set revision = 1 where revision is null")
    db.execute("insert or ignore into agreement_revisions (agreement_id, revision, what, who, when_text, cost, "
               "created_at) select id, 1, what, who, when_text, cost, coalesce(updated_at, created_at) from agreements")
    if not db["consent_responses"].exists():
        return
    rounds = {r[0]: (r[1], json.loads(r[2])) for r in db.execute("select id, issue, agreements from consent_rounds")}
    for round_id, member_id, answer, at, entered_by in db.execute(
            "select round_id, member_id, answer, at, entered_by from consent_responses").fetchall():
        slug, numbers = rounds.get(round_id, (None, []))
        if answer != "consent":
            numbers = [n for (n,) in db.execute(
                "select a.number from objections o join agreements a on a.id = o.agreement_id "
                "where o.issue = ? and o.member_id = ? and o.kind = ?", [slug, member_id, answer])
                if n in numbers]
        for number in numbers:
            db.execute("insert or ignore into round_answers (round_id, member_id, agreement_number, revision, answer, "
                       "at, entered_by) values (?, ?, ?, 1, ?, ?, ?)", [round_id, member_id, number, answer, at, entered_by])
    db["consent_responses"].drop()


def _mail_choice(db):
    """Members choose what mail they get: `every` event (as before), a `weekly` digest, or `none`;
    digest_sent_at is when their last weekly digest went (samenplan digest)."""
    existing = db["members"].columns_dict
    if "mail_choice" not in existing:
        db.execute("alter table members add column mail_choice text not null default 'every'")
    if "digest_sent_at" not in existing:
        db.execute("alter table members add column digest_sent_at text")


def _own_changes(db):
    """A member may change or withdraw their own idea or question while the kwestie is open:
    when they last changed it (changed_at) and when they withdrew it (withdrawn_at)."""
    for table in ("ideas", "questions"):
        for column in ("changed_at", "withdrawn_at"):
            if column not in db[table].columns_dict:
                db[table].add_column(column, str)


def _changes_never_reuse_ids(db):
    """The rebuild worker reads site_changes after the last id it saw; without AUTOINCREMENT
    SQLite hands out an id again once the rows above it are deleted, and a change would be missed."""
    if "AUTOINCREMENT" in db.execute("select sql from sqlite_master where name = 'site_changes'").fetchone()[0].upper():
        return
    db.execute("create table site_changes_new (id integer primary key autoincrement, issue text not null, "
               "changed_at text not null)")
    db.execute("insert into site_changes_new (id, issue, changed_at) select id, issue, changed_at from site_changes")
    db.execute("drop table site_changes")
    db.execute("alter table site_changes_new rename to site_changes")


def _rate_counts(db):
    """Rate limits were a row per contribution (rate_events); now a count per client (rate_counts)."""
    db.execute("drop table if exists rate_events")


def _languages(db):
    """The language a member joined in and an idea or question was sent in (the address of the
    form: /en/deelnemen/…): a member's mail and personal page use it, the coordinator sees it.
    What was stored before came through the Dutch forms."""
    for table in ("members", "ideas", "questions"):
        if "language" not in db[table].columns_dict:
            db.execute(f"alter table {table} add column language text not null default 'nl'")


def _announced_meetings(db):
    """Meetings were only recorded afterwards (held_on, place, attendees, note). Now they are
    announced first, and numbered per kwestie: held_on may be empty while the circle chooses the
    date; the old ones are held meetings, their note the public account."""
    if db.execute("select \"notnull\" from pragma_table_info('meetings') where name = 'held_on'").fetchone()[0]:
        # SQLite cannot drop a NOT NULL: a new table, as the schema makes it now, and the rows copied.
        columns = ", ".join(db["meetings"].columns_dict)
        db.execute("alter table meetings rename to meetings_old")
        db["meetings"].create(SCHEMA["meetings"][0], **SCHEMA["meetings"][1])
        db.execute(f"insert into meetings ({columns}) select {columns} from meetings_old")
        db.execute("drop table meetings_old")
    for slug, in db.execute("select distinct issue from meetings where number is null").fetchall():
        ids = [i for (i,) in db.execute("select id from meetings where issue = ? order by held_on, id", [slug])]
        for number, id_ in enumerate(ids, 1):
            db.execute("update meetings set number = ? where id = ?", [number, id_])
    db.execute("update meetings set kind = coalesce(kind, 'meeting'), sequence = coalesce(sequence, 0), "
               "account = coalesce(account, note), recorded_at = coalesce(recorded_at, created_at), "
               "updated_at = coalesce(updated_at, created_at) where recorded_at is null and starts_at is null "
               "and announced_at is null")


# The search index (search.py searches it): an FTS5 table with a row per kwestie, idea,
# question (with its answers), agreement and meeting as the public sees it. Triggers keep it
# current in the same transaction as the change. A row's rowid is its kind's code times 2**40
# plus its id: a trigger finds it without a scan, a kind is a rowid range (no column read),
# and the highest rowids are the few kwesties, agreements and meetings, then the newest
# questions and ideas (see search.RANK_WINDOW). `kwestie` holds 'k' || hex(slug), one token,
# so "only this kwestie" is part of the MATCH instead of a read of every row found.
SEARCH_CODES = {"idea": 1, "question": 2, "meeting": 3, "agreement": 4, "kwestie": 5}
SEARCH_STEP = 2 ** 40
SEARCH_TABLES = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(title, body, author, kwestie, kind UNINDEXED, "
    "issue UNINDEXED, number UNINDEXED, created_at UNINDEXED, tokenize = 'unicode61 remove_diacritics 2', "
    "prefix = '2 3')",
    # Every kwestie the builds saw, whether it is public, and its text's digest (search.index_issues).
    "CREATE TABLE IF NOT EXISTS search_kwesties (id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, "
    "digest TEXT NOT NULL, public INTEGER NOT NULL DEFAULT 1)",
    # Up to which id the ideas and questions are in the index: see _search_triggers.
    "CREATE TABLE IF NOT EXISTS search_progress (kind TEXT PRIMARY KEY, up_to INTEGER NOT NULL)",
]
BATCHED = ("idea", "question")  # what residents send, many a second: indexed in batches


def _search_row(kind, key, title, body, author, table):
    return (f"SELECT {key} + {SEARCH_CODES[kind] * SEARCH_STEP}, {title}, {body}, {author}, "
            f"'k' || hex({table}.issue), '{kind}', {table}.issue, {table}.number, {table}.created_at FROM ")


# What the public sees of each kind, as SELECTs into the index; `{where}` picks the rows.
SEARCH_ROWS = {
    "idea": _search_row("idea", "id", "title", "coalesce(body, '')", "coalesce(author_name, '')", "ideas")
    + "ideas WHERE hidden_at IS NULL AND withdrawn_at IS NULL AND {where}",
    "question": _search_row("question", "q.id", "q.text", "coalesce((SELECT group_concat(a.text, ' ') FROM answers a "
                            "WHERE a.question_id = q.id), '')", "coalesce(q.author_name, '')", "q")
    + "questions q WHERE q.hidden_at IS NULL AND q.withdrawn_at IS NULL AND {where}",
    "agreement": _search_row("agreement", "id", "what", "trim(coalesce(who, '') || ' ' || coalesce(when_text, ''))",
                             "''", "agreements") + "agreements WHERE {where}",
    "meeting": _search_row("meeting", "id", "coalesce(title, '')", "trim(coalesce(account, '') || ' ' || "
                           "coalesce(information, '') || ' ' || coalesce(plan_part, ''))", "''", "meetings")
    + "meetings WHERE cancelled_at IS NULL AND number IS NOT NULL AND {where}",
}
SEARCH_INSERT = "INSERT INTO search (rowid, title, body, author, kwestie, kind, issue, number, created_at) "
SEARCH_SOURCES = {"idea": ("ideas", "id"), "question": ("questions", "q.id"), "agreement": ("agreements", "id"),
                  "meeting": ("meetings", "id")}


def _search_triggers():
    """Triggers that put a row into the index again whenever its source changes."""
    statements = []
    for kind, (table, key) in SEARCH_SOURCES.items():
        rowid = f"{{row}}.id + {SEARCH_CODES[kind] * SEARCH_STEP}"
        again = (f"DELETE FROM search WHERE rowid = {rowid}; " + SEARCH_INSERT
                 + SEARCH_ROWS[kind].format(where=f"{key} = {{row}}.id") + ";")
        # No trigger on a new idea or question: FTS5 writes a segment per transaction, which made
        # storing one take 0.34 ms instead of 0.13. search.catch_up indexes those with an id above
        # search_progress in one transaction, before every search and in every rebuild.
        if kind not in BATCHED:
            statements.append(f"CREATE TRIGGER IF NOT EXISTS search_{table}_insert AFTER INSERT ON {table} BEGIN "
                              f"{again.format(row='new')} END")
        statements += [
            f"CREATE TRIGGER IF NOT EXISTS search_{table}_update AFTER UPDATE ON {table} BEGIN "
            f"DELETE FROM search WHERE rowid = {rowid.format(row='old')}; {again.format(row='new')} END",
            f"CREATE TRIGGER IF NOT EXISTS search_{table}_delete AFTER DELETE ON {table} BEGIN "
            f"DELETE FROM search WHERE rowid = {rowid.format(row='old')}; END",
        ]
    # An answer is part of its question's row.
    question = (f"DELETE FROM search WHERE rowid = {{row}}.question_id + {SEARCH_CODES['question'] * SEARCH_STEP}; "
                + SEARCH_INSERT + SEARCH_ROWS["question"].format(where="q.id = {row}.question_id") + ";")
    for event, row in (("INSERT", "new"), ("UPDATE", "new"), ("DELETE", "old")):
        statements.append(f"CREATE TRIGGER IF NOT EXISTS search_answers_{event.lower()} AFTER {event} ON answers "
                          f"BEGIN {question.format(row=row)} END")
    return statements


def fill_search(db):
    """Index every idea, question, agreement and meeting as it is now (the kwesties: index_issues)."""
    db.execute("DELETE FROM search WHERE kind != 'kwestie'")
    for kind in SEARCH_SOURCES:
        db.execute(SEARCH_INSERT + SEARCH_ROWS[kind].format(where="1"))
    for kind in BATCHED:
        table = SEARCH_SOURCES[kind][0]
        db.execute("INSERT OR REPLACE INTO search_progress (kind, up_to) "
                   f"SELECT ?, coalesce(max(id), 0) FROM {table}", [kind])


def _search_index(db):
    """The full-text index of what the site shows, and what is stored already."""
    for statement in SEARCH_TABLES + _search_triggers():
        db.execute(statement)
    fill_search(db)


# Changes to stored data, oldest first; PRAGMA user_version counts those applied.
MIGRATIONS = [_english_keys, _answers_per_agreement, _mail_choice, _own_changes, _changes_never_reuse_ids,
              _rate_counts, _languages, _announced_meetings, _search_index]


class Busy(Exception):
    """Another process held the write lock for longer than the busy timeout; nothing was written."""


def connect(path, busy_timeout=BUSY_TIMEOUT_SECONDS):
    """Open (and if needed create) the database at path; wait up to busy_timeout seconds for a lock.

    synchronous=NORMAL, the setting SQLite recommends with WAL: a commit is on disk for every
    other process at once and survives a crash of this one, without waiting for an fsync (a
    millisecond or more per commit). The trade: a power cut or an operating-system crash may
    lose the last commits before the next checkpoint; the database itself stays consistent.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        str(path),
        timeout=busy_timeout,
        isolation_level=None,  # we say BEGIN ourselves
        check_same_thread=False,
    )
    db = sqlite_utils.Database(conn)
    db.busy_timeout = busy_timeout  # seconds; write() waits for the write lock this long
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA secure_delete = ON")  # what is erased or deleted is overwritten with zeros, not left behind
    db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
    db.execute("PRAGMA synchronous = NORMAL")
    if db.journal_mode != "wal":
        db.enable_wal()
    # Checking the schema costs dozens of queries: once per file and version per process
    # (schema_version changes with every change to the schema, and a new file starts at 0).
    if _versions(db, path) not in _SCHEMA_CHECKED:
        ensure_schema(db)
        _SCHEMA_CHECKED.add(_versions(db, path))
    return db


_SCHEMA_CHECKED = set()  # _versions() of the databases found complete


def _versions(db, path):
    return (str(path.resolve()), *db.execute(
        "select * from pragma_schema_version(), pragma_user_version()").fetchone())


def ensure_schema(db):
    """Create missing tables, columns and indexes, in one transaction (workers may race here)."""
    if _schema_complete(db):
        return
    with write(db):
        for name, (columns, options) in SCHEMA.items():
            table = db[name]
            if not table.exists():
                table.create(columns, **options)
                continue
            existing = table.columns_dict
            for column, kind in columns.items():
                if column not in existing:
                    table.add_column(column, kind)
        for table, columns, unique in INDEXES:
            db[table].create_index(columns, if_not_exists=True, unique=unique)
        for statement in TRIGGERS:
            db.execute(statement)
        applied = db.execute("PRAGMA user_version").fetchone()[0]
        for migrate in MIGRATIONS[applied:]:
            migrate(db)
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")


def _schema_complete(db):
    for name, (columns, _) in SCHEMA.items():
        table = db[name]
        if not table.exists() or set(columns) - set(table.columns_dict):
            return False
    if db.execute("PRAGMA user_version").fetchone()[0] != len(MIGRATIONS):
        return False
    return bool(db.execute("select 1 from sqlite_master where name = 'audit_log_no_delete'").fetchone())


@contextlib.contextmanager
def write(db):
    """A short write transaction that holds the write lock from the start.

    Nested use joins the outer transaction, so a caller can make several
    store functions (and their audit log entry) one atomic change.
    """
    if db.conn.in_transaction:
        yield db
        return
    _begin_immediate(db)
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    db.execute("COMMIT")


def _begin_immediate(db):
    """BEGIN IMMEDIATE, tried again after a tenth of a millisecond, then ever longer, up to the
    busy timeout; then Busy.

    SQLite's own busy handler sleeps 1, 2, 5, 10 ms between tries, while a contribution holds
    the write lock for a third of a millisecond: two gunicorn workers would mostly wait for
    nothing (13 % fewer ideas a second under wrk)."""
    timeout = db.busy_timeout
    deadline = time.monotonic() + timeout
    pause = 0.0001
    db.execute("PRAGMA busy_timeout = 0")  # this statement only: reads keep SQLite's handler
    try:
        while True:
            try:
                db.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
                if time.monotonic() >= deadline:
                    raise Busy(str(error)) from error
            time.sleep(pause)
            pause = min(pause * 2, 0.01)
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")


def now():
    """The current time as stored: UTC, ISO 8601, to the second."""
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
