"""What the coordinator sees in /beheer/: contributions including hidden ones.

The public reads live in store.py and leave out a hidden contribution's text;
the coordinator needs that text to decide whether to show it again. Nothing
here returns an e-mail address: only whether a member gave one and confirmed it.
"""

from .store import KINDS


def contributions(db, table, slug):
    """All ideas, questions or objections of a kwestie, hidden ones with their text, oldest first."""
    if table not in KINDS:
        raise ValueError(f"unknown contribution table {table!r}")
    if table == "objections":
        sql = ("select o.*, 'A' || a.number as agreement from objections o "
               "left join agreements a on a.id = o.agreement_id where o.issue = ? order by o.number")
    else:
        sql = f"select * from {table} where issue = ? order by number"
    rows = list(db.query(sql, [slug]))
    for row in rows:
        row["code"] = f"{KINDS[table]}{row['number']}"
    if table == "questions":
        _add_answers(db, slug, rows)
    return rows


def _add_answers(db, slug, questions):
    by_id = {q["id"]: q for q in questions}
    for q in questions:
        q["answers"] = []
    for answer in db.query(
        "select a.question_id, a.text, a.created_at, u.display_name, u.organisation from answers a "
        "join questions q on q.id = a.question_id join users u on u.id = a.user_id "
        "where q.issue = ? order by a.id", [slug]
    ):
        by_id[answer.pop("question_id")]["answers"].append(answer)


def question(db, slug, number):
    """One question (with its answers), or None."""
    return next((q for q in contributions(db, "questions", slug) if q["number"] == number), None)


def members(db, slug):
    """The circle, oldest first: name, relation, channel and e-mail status, never the address."""
    return list(db.query(
        "select id, name, relation, relation_other, channel, entered_by, created_at, language, "
        "email is not null and email != '' as has_email, "
        "email_confirmed_at is not null as email_confirmed "
        "from members where issue = ? order by id", [slug]))


def overview(db, slugs):
    """Per kwestie slug: members, ideas, questions, unanswered questions, open objections."""
    slugs = list(slugs)
    counts = {slug: dict.fromkeys(("members", "ideas", "questions", "unanswered", "objections"), 0)
              for slug in slugs}
    if not slugs:
        return counts
    marks = ",".join("?" * len(slugs))
    queries = {
        "members": "select issue, count(*) from members where issue in ({}) group by issue",
        "ideas": "select issue, count(*) from ideas where issue in ({}) group by issue",
        "questions": "select issue, count(*) from questions where issue in ({}) group by issue",
        "unanswered": "select issue, count(*) from questions q where issue in ({}) and hidden_at is null "
                      "and not exists (select 1 from answers a where a.question_id = q.id) group by issue",
        "objections": "select issue, count(*) from objections where issue in ({}) and status = 'open' "
                      "and kind = 'objection' group by issue",
    }
    for key, sql in queries.items():
        for slug, n in db.execute(sql.format(marks), slugs).fetchall():
            counts[slug][key] = n
    return counts
