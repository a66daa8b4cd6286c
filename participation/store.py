"""Contributions: store what residents send, read back what is public.

Plain functions over a sqlite-utils Database (see db.py). Every write is one
short transaction that also queues a rebuild of the kwestie (site_changes).
Public rows carry no personal data beyond the display name a person chose;
a hidden contribution stays in the list, without its text, with the reason.
"""

import datetime
import json

from . import db as database
from . import search
from .formats import datum
from .i18n import _
from .labels import CHANNELS, RELATIONS

# Contribution tables and the letter of their public id (I3, V2, B1).
KINDS = {"ideas": "I", "questions": "V", "objections": "B"}
# What a hidden contribution loses from the public record.
HIDDEN_FIELDS = {"ideas": ("title", "body", "cost", "author_name"), "questions": ("text", "author_name"),
                 "objections": ("reason", "author_name")}


def _mark_changed(db, slug):
    _insert(db, "site_changes", {"issue": slug, "changed_at": database.now()})


def _add_contribution(db, table, slug, row):
    """Insert with the next per-kwestie number; returns that number."""
    with database.write(db):
        number = db.execute(
            f"select coalesce(max(number), 0) + 1 from {table} where issue = ?", [slug]
        ).fetchone()[0]
        _insert(db, table, {"issue": slug, "number": number, "created_at": database.now(), **row})
        _mark_changed(db, slug)
    return number


def _insert(db, table, row):
    """INSERT one row into one of our own tables (the column names are ours, never a user's).
    On the submit path: sqlite-utils' insert first looks the table up, with three queries."""
    db.execute(f"insert into {table} ({', '.join(row)}) values ({', '.join('?' * len(row))})", list(row.values()))


def _contribution(author_name, member_id, channel, entered_by, language=None):
    """The columns every contribution has; language only for ideas and questions (the form's)."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    return {"author_name": author_name, "member_id": member_id, "channel": channel, "entered_by": entered_by,
            **({"language": language} if language else {})}


# The circle -----------------------------------------------------------------


def add_member(db, slug, *, name, relation, relation_other="", email="", channel="web", entered_by=None,
               language="nl", invited=False):
    """Add someone to the circle of a kwestie; returns the member id. language: the one they
    joined in (the form's address), for their mail and personal page; invited: they say someone
    asked them to join (counted in circle_growth, never who)."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    with database.write(db):
        member_id = db["members"].insert({
            "issue": slug, "name": name, "relation": relation, "relation_other": relation_other,
            "email": email or None, "channel": channel, "entered_by": entered_by,
            "created_at": database.now(), "language": language, "invited": int(bool(invited)),
        }).last_pk
        _mark_changed(db, slug)
    return member_id


def member(db, member_id):
    """The member row, or None."""
    rows = list(db.query("select * from members where id = ?", [member_id]))
    return rows[0] if rows else None


def confirm_email(db, member_id, email):
    """Mark the address confirmed, if it is still the member's address; True on success."""
    with database.write(db):
        cursor = db.execute(
            "update members set email_confirmed_at = coalesce(email_confirmed_at, ?) "
            "where id = ? and email = ?",
            [database.now(), member_id, email],
        )
    return cursor.rowcount == 1


def circle(db, slug):
    """Circle size by relation: {"resident": 4, ...}, largest first."""
    rows = db.execute(
        "select relation, count(*) from members where issue = ? "
        "group by relation order by count(*) desc, relation",
        [slug],
    ).fetchall()
    return dict(rows)


def circle_growth(db, slug):
    """How the circle grew, month by month: {"months": [("2026-11", {"resident": 4, …}), …],
    "invited": n}; each month's counts are the circle at its end (cumulative), by relation in
    labels.RELATIONS order; invited: how many said someone asked them to join. Counts, no names."""
    rows = db.execute("select substr(created_at, 1, 7), relation, count(*), sum(coalesce(invited, 0)) "
                      "from members where issue = ? group by 1, 2 order by 1", [slug]).fetchall()
    months, totals, invited = [], {}, 0
    for month, relation, count, asked in rows:
        if not months or months[-1][0] != month:
            months.append((month, None))
        totals[relation] = totals.get(relation, 0) + count
        invited += asked
        months[-1] = (month, {r: totals[r] for r in sorted(totals, key=_relation_order)})
    return {"months": months, "invited": invited}


def _relation_order(relation):
    order = list(RELATIONS)
    return (order.index(relation) if relation in order else len(order), relation)


def circle_sizes(db, slugs):
    """Circle size for each of the given kwestie slugs (0 when nobody joined)."""
    slugs = list(slugs)
    sizes = dict.fromkeys(slugs, 0)
    if slugs:
        marks = ",".join("?" * len(slugs))
        sizes.update(db.execute(
            f"select issue, count(*) from members where issue in ({marks}) group by issue", slugs
        ).fetchall())
    return sizes


# Ideas, questions, answers --------------------------------------------------


def add_idea(db, slug, *, title, body="", cost=None, author_name="", member_id=None, channel="web",
             entered_by=None, language="nl"):
    """Store an idea; returns its public number (1 for I1). language: the form's."""
    return _add_contribution(db, "ideas", slug, {
        "title": title, "body": body, "cost": cost,
        **_contribution(author_name, member_id, channel, entered_by, language),
    })


def add_question(db, slug, *, text, author_name="", member_id=None, channel="web", entered_by=None,
                 language="nl"):
    """Store a question to professionals; returns its public number (1 for V1). language: the form's."""
    return _add_contribution(db, "questions", slug, {
        "text": text, **_contribution(author_name, member_id, channel, entered_by, language),
    })


def add_answer(db, slug, question_number, *, user_id, text):
    """A professional's answer to question V<number>; returns the answer id."""
    with database.write(db):
        question = db.execute(
            "select id from questions where issue = ? and number = ?", [slug, question_number]
        ).fetchone()
        if question is None:
            raise LookupError(f"V{question_number} bestaat niet")
        answer_id = db["answers"].insert({
            "question_id": question[0], "user_id": user_id, "text": text, "created_at": database.now(),
        }).last_pk
        _mark_changed(db, slug)
    return answer_id


def _public(table, row):
    """A row as the public may see it: hidden ones without their text and name, withdrawn
    ones without their text."""
    row = dict(row)
    row.pop("hidden_by", None)
    row.pop("entered_by", None)
    row.pop("member_id", None)
    if row.get("hidden_at"):
        for field in HIDDEN_FIELDS[table]:
            row[field] = None
    if row.get("withdrawn_at"):
        for field in WITHDRAWN_FIELDS.get(table, ()):
            row[field] = None
    row["id"] = f"{KINDS[table]}{row['number']}"
    return row


def idea_count(db, slug):
    return db.execute("select count(*) from ideas where issue = ?", [slug]).fetchone()[0]


def _select(table, slug, member_id, newest_first):
    """The SQL and parameters for a kwestie's rows, or only those of one member."""
    sql, params = f"select * from {table} where issue = ?", [slug]
    if member_id is not None:
        sql += " and member_id = ?"
        params.append(member_id)
    return sql + f" order by number {'desc' if newest_first else 'asc'}", params


def ideas(db, slug, *, limit=None, offset=0, newest_first=False, member_id=None):
    """Public ideas of a kwestie (or of one member), oldest first unless newest_first."""
    sql, params = _select("ideas", slug, member_id, newest_first)
    if limit is not None:
        sql += " limit ? offset ?"
        params += [limit, offset]
    return [_public("ideas", row) for row in db.query(sql, params)]


def question_count(db, slug):
    return db.execute("select count(*) from questions where issue = ?", [slug]).fetchone()[0]


def questions(db, slug, *, limit=None, offset=0, newest_first=False, member_id=None):
    """Public questions (or one member's), oldest first unless newest_first, each with its
    answers and who gave them."""
    sql, params = _select("questions", slug, member_id, newest_first)
    if limit is not None:
        sql += " limit ? offset ?"
        params += [limit, offset]
    return _with_answers(db, slug, [_public("questions", row) for row in db.query(sql, params)])


def contribution(db, slug, public_id):
    """The public row of one idea or question (I3, V2; a question with its answers), or None."""
    table = {"I": "ideas", "V": "questions"}.get(public_id[:1])
    number = public_id[1:]
    if table is None or not (number.isascii() and number.isdigit() and len(number) <= 9):
        return None
    rows = [_public(table, row) for row in db.query(
        f"select * from {table} where issue = ? and number = ?", [slug, int(number)])]
    if rows and table == "questions":
        _with_answers(db, slug, rows)
    return rows[0] if rows else None


def _with_answers(db, slug, result):
    """Give each public question its answers; returns the list."""
    answers = db.query(
        "select q.number, a.text, a.created_at, u.display_name, u.organisation from answers a "
        "join questions q on q.id = a.question_id join users u on u.id = a.user_id "
        "where q.issue = ? order by a.id", [slug])
    by_number = {q["number"]: q for q in result}
    for q in result:
        q["answers"] = []
    for a in answers:
        question = by_number.get(a.pop("number"))
        if question is not None:  # not on this page
            question["answers"].append(a)
    return result


# A member changes or withdraws their own idea or question ---------------------

# What a withdrawn contribution loses from the public record (the row, its number and dates stay).
WITHDRAWN_FIELDS = {"ideas": ("title", "body", "cost"), "questions": ("text",)}
OWN_CHANGE_PHASES = ("open",)  # while ideas are gathered; after that the circle works with them


class NotAllowed(ValueError):
    """The rules do not allow this change now; the message says why, in the current language (409)."""


def own_contribution(db, issue, table, number, member_id):
    """The member's own idea or question I/V<number>, as the public sees it, if they may still
    change it. LookupError when it is not theirs (or does not exist: never say which);
    NotAllowed when the phase is not open, or it was withdrawn or hidden."""
    if table not in WITHDRAWN_FIELDS:
        raise ValueError(f"cannot change {table!r}")
    rows = list(db.query(f"select * from {table} where issue = ? and number = ?", [issue.slug, number]))
    if not rows or member_id is None or rows[0]["member_id"] != member_id:
        raise LookupError(f"{KINDS[table]}{number} is niet van jou")
    row = rows[0]
    code = f"{KINDS[table]}{number}"
    if issue.phase not in OWN_CHANGE_PHASES:
        raise NotAllowed(_("Aanpassen of intrekken kan alleen zolang er ideeën en vragen worden verzameld, "
                           "en de kwestie is nu in de fase ‘%(phase)s’.") % {"phase": issue.phase_label})
    if row["withdrawn_at"]:
        raise NotAllowed(_("Je hebt %(code)s al ingetrokken op %(date)s, en dat kan niet meer terug.")
                         % {"code": code, "date": datum(row["withdrawn_at"])})
    public = _public(table, row)
    return _with_answers(db, issue.slug, [public])[0] if table == "questions" else public


def change_refused(row):
    """Why the text of this own contribution (from own_contribution) may not change, in the current
    language; None if it may."""
    if row.get("hidden_at"):
        return _("De coördinator heeft %(code)s verborgen, dus aanpassen kan niet, maar intrekken wel.") % {"code": row["id"]}
    if row.get("answers"):
        return (_("Een professional heeft %(code)s al beantwoord, dus aanpassen kan niet meer "
                  "(het antwoord hoort bij je vraag zoals die was), maar intrekken wel.") % {"code": row["id"]})
    return None


def _require_changeable_text(row):
    refused = change_refused(row)
    if refused:
        raise NotAllowed(refused)


def change_idea(db, issue, number, member_id, *, title, body="", cost=None):
    """The member changes the text of their own idea I<number>, only while the kwestie is open."""
    with database.write(db):
        _require_changeable_text(own_contribution(db, issue, "ideas", number, member_id))
        db.execute("update ideas set title = ?, body = ?, cost = ?, changed_at = ? where issue = ? and number = ?",
                   [title, body, cost, database.now(), issue.slug, number])
        _mark_changed(db, issue.slug)


def change_question(db, issue, number, member_id, *, text):
    """The member changes the text of their own question V<number>: only while open and not yet answered."""
    with database.write(db):
        _require_changeable_text(own_contribution(db, issue, "questions", number, member_id))
        db.execute("update questions set text = ?, changed_at = ? where issue = ? and number = ?",
                   [text, database.now(), issue.slug, number])
        _mark_changed(db, issue.slug)


def withdraw_contribution(db, issue, table, number, member_id):
    """The member withdraws their own idea or question, only while open. The row stays (its
    number, name and dates: the record stays honest); its text leaves the public record."""
    with database.write(db):
        own_contribution(db, issue, table, number, member_id)
        db.execute(f"update {table} set withdrawn_at = ? where issue = ? and number = ?",
                   [database.now(), issue.slug, number])
        _mark_changed(db, issue.slug)


# Agreements and objections --------------------------------------------------


def agreements(db, slug):
    """Agreements of a kwestie, in order, with `from_ideas` and `information` as lists of numbers."""
    rows = list(db.query("select * from agreements where issue = ? order by number", [slug]))
    for row in rows:
        row["from_ideas"] = json.loads(row["from_ideas"] or "[]")
        row["information"] = json.loads(row["information"] or "[]")
        row["code"] = f"A{row['number']}"
    return rows


def add_agreement(db, slug, *, what, who="", when_text="", cost=None, from_ideas=(), information=(), after=0):
    """Propose an agreement for the concept plan; returns its number (1 for A1).

    `after`: the highest number already used elsewhere (in adopted plan files).
    """
    with database.write(db):
        number = max(after, db.execute(
            "select coalesce(max(number), 0) from agreements where issue = ?", [slug]
        ).fetchone()[0]) + 1
        now = database.now()
        agreement_id = db["agreements"].insert({
            "issue": slug, "number": number, "what": what, "who": who, "when_text": when_text,
            "cost": cost, "from_ideas": json.dumps(list(from_ideas)), "information": json.dumps(list(information)),
            "status": "concept", "revision": 1,
            "created_at": now, "updated_at": now,
        }).last_pk
        add_revision(db, agreement_id, 1, what=what, who=who, when_text=when_text, cost=cost)
        _mark_changed(db, slug)
    return number


def add_revision(db, agreement_id, revision, *, what, who, when_text, cost):
    """Keep the text of one revision of an agreement (see consent.amend_agreement)."""
    db["agreement_revisions"].insert({"agreement_id": agreement_id, "revision": revision, "what": what, "who": who,
                                      "when_text": when_text, "cost": cost, "created_at": database.now()})


def revision(db, slug, number, revision):
    """The text of revision `revision` of A<number>: what, who, when_text, cost; or None."""
    rows = list(db.query("select r.what, r.who, r.when_text, r.cost from agreement_revisions r "
                         "join agreements a on a.id = r.agreement_id "
                         "where a.issue = ? and a.number = ? and r.revision = ?", [slug, number, revision]))
    return rows[0] if rows else None


def agreement_id(db, slug, number):
    row = db.execute("select id from agreements where issue = ? and number = ?", [slug, number]).fetchone()
    return row[0] if row else None


def add_objection(db, slug, *, agreement_number, reason, member_id, author_name="", kind="objection",
                  channel="web", entered_by=None):
    """An objection (blocks) or concern (does not block) against A<n>; returns B<number>."""
    if kind not in ("objection", "concern"):
        raise ValueError(f"unknown kind {kind!r}")
    row = db.execute("select id, revision from agreements where issue = ? and number = ?",
                     [slug, agreement_number]).fetchone()
    if row is None:
        raise LookupError(f"A{agreement_number} bestaat niet")
    return _add_contribution(db, "objections", slug, {
        "agreement_id": row[0], "revision": row[1], "reason": reason, "kind": kind, "status": "open",
        **_contribution(author_name, member_id, channel, entered_by),
    })


def objections(db, slug, *, member_id=None):
    """Public objections and concerns, with the code of the agreement they are about."""
    sql = ("select o.*, 'A' || a.number as agreement from objections o "
           "join agreements a on a.id = o.agreement_id where o.issue = ?")
    params = [slug]
    if member_id is not None:
        sql += " and o.member_id = ?"
        params.append(member_id)
    return [_public("objections", row) for row in db.query(sql + " order by o.number", params)]


# Submissions sent twice ----------------------------------------------------

SUBMISSION_DAYS = 2  # a form token is good for one day; its key is kept a day longer


def earlier_submission(db, key):
    """(public id, thanks) when a form with this one-time key was stored already, else None."""
    row = db.execute("select public_id, thanks from submissions where key = ?", [key]).fetchone()
    return tuple(row) if row else None


def remember_submission(db, key, public_id, thanks):
    """Call inside the write that stored it: the key and the contribution commit together."""
    now = database.now()
    cutoff = (datetime.datetime.fromisoformat(now) - datetime.timedelta(days=SUBMISSION_DAYS)).isoformat()
    db.execute("delete from submissions where created_at < ?", [cutoff])
    _insert(db, "submissions", {"key": key, "public_id": public_id, "thanks": thanks, "created_at": now})


# AVG ------------------------------------------------------------------------


ERASED_NAME = "(verwijderd)"


def forget_email(db, member_id):
    """The member wants no more mail: the address goes. email_confirmed_at stays, so the
    personal link (proof they once confirmed) keeps working."""
    with database.write(db):
        db.execute("update members set email = null where id = ?", [member_id])


def erase_member(db, member_id):
    """Remove a person's data: name, e-mail, free-text relation; their contributions
    stay, anonymised, so the record of what the circle said and decided holds.
    Returns the kwestie slug, or None when there is no such member (erase_details
    says what was changed)."""
    erased = erase_details(db, member_id)
    return erased["issue"] if erased else None


def _same_name(a, b):
    return (a or "").strip().casefold() == (b or "").strip().casefold()


def erase_details(db, member_id):
    """erase_member, and what it did: {"issue", "name", "email" (as they were),
    "by_member": {table: n}, "by_name": {table: n}}, or None for an unknown member.

    The name goes from every contribution that is the person's: those made as this
    member (member_id), and those in the same kwestie without a member that were
    signed with the same name (case and spaces at either end ignored), as residents
    who post through the forms without joining do."""
    with database.write(db):
        row = db.execute("select issue, name, email from members where id = ?", [member_id]).fetchone()
        if row is None:
            return None
        slug, name, email = row
        erased = {"issue": slug, "name": name, "email": email, "by_member": {}, "by_name": {}}
        db.execute("update members set name = ?, email = null, email_confirmed_at = null, relation_other = null "
                   "where id = ?", [ERASED_NAME, member_id])
        for table in KINDS:
            erased["by_member"][table] = db.execute(
                f"update {table} set author_name = null where member_id = ? and coalesce(author_name, '') != ''",
                [member_id]).rowcount
            signed = [id_ for id_, author in db.execute(
                f"select id, author_name from {table} where issue = ? and member_id is null "
                "and author_name is not null", [slug]).fetchall() if name != ERASED_NAME and _same_name(author, name)]
            for id_ in signed:
                db.execute(f"update {table} set author_name = null where id = ?", [id_])
            erased["by_name"][table] = len(signed)
        # Their signups for meetings (name, address, needs) and the invitations they sent go too.
        for table in ("meeting_signups", "invitations"):
            db.execute(f"delete from {table} where member_id = ?", [member_id])
        search.optimize(db)  # the triggers took the name out of the index; this out of its file
        _mark_changed(db, slug)
    return erased


# Moderation -----------------------------------------------------------------


def set_hidden(db, table, slug, number, *, reason=None, user_id=None):
    """Hide (with a reason) or, with reason=None, unhide a contribution; True if it exists."""
    if table not in KINDS:
        raise ValueError(f"cannot moderate {table!r}")
    with database.write(db):
        if reason:
            cursor = db.execute(
                f"update {table} set hidden_at = ?, hidden_reason = ?, hidden_by = ? where issue = ? and number = ?",
                [database.now(), reason, user_id, slug, number])
        else:
            cursor = db.execute(
                f"update {table} set hidden_at = null, hidden_reason = null, hidden_by = null "
                "where issue = ? and number = ?", [slug, number])
        if cursor.rowcount:
            _mark_changed(db, slug)
    return cursor.rowcount == 1


def remove_name(db, table, slug, number):
    """AVG: take the name off one contribution (someone who never joined the circle asks
    for it, so erase_member cannot find it); the text stays. True if it exists."""
    if table not in KINDS:
        raise ValueError(f"unknown contribution table {table!r}")
    with database.write(db):
        cursor = db.execute(f"update {table} set author_name = null where issue = ? and number = ?",
                            [slug, number])
        if cursor.rowcount:
            search.optimize(db)  # out of the search index's file too, as erase_details does
            _mark_changed(db, slug)
    return cursor.rowcount == 1


# Rebuild queue: see rebuild.py ----------------------------------------------


def mark_changed(db, slug):
    """Queue a rebuild of a kwestie whose file changed (e.g. a new phase)."""
    with database.write(db):
        _mark_changed(db, slug)


def pending_changes(db, after=0):
    """(last change id, set of kwestie slugs changed after `after` up to it), or (None, set()).

    The rebuild worker passes the last id it has seen, so it reads only what is new while
    the rows it has not finished yet stay for a worker that starts again after a crash.
    """
    last = db.execute("select max(id) from site_changes").fetchone()[0]
    if last is None or last <= after:
        return None, set()
    slugs = {r[0] for r in db.execute("select distinct issue from site_changes where id > ? and id <= ?",
                                      [after, last])}
    return last, slugs


def clear_changes(db, up_to):
    with database.write(db):
        db.execute("delete from site_changes where id <= ?", [up_to])


# What mail a member gets ----------------------------------------------------

MAIL_CHOICES = ("every", "weekly", "none")  # every event (the default), a weekly digest, nothing


def set_mail_choice(db, member_id, choice):
    """What mail the member wants: every event, a weekly digest, or none (MAIL_CHOICES)."""
    if choice not in MAIL_CHOICES:
        raise ValueError(f"unknown mail choice {choice!r}")
    with database.write(db):
        db.execute("update members set mail_choice = ? where id = ?", [choice, member_id])


def digest_sent(db, member_id, at):
    """Remember when the member's weekly digest went, so the next one starts from there."""
    with database.write(db):
        db.execute("update members set digest_sent_at = ? where id = ?", [at, member_id])
