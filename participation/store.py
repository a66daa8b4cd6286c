"""Contributions: store what residents send, read back what is public.

Plain functions over a sqlite-utils Database (see db.py). Public rows never
carry personal data beyond the display name a person chose to show.
"""

from . import db as database

# How a contribution reached us -> Dutch label.
CHANNELS = {
    "web": "via de website",
    "deur": "aan de deur",
    "papier": "op papier",
    "bijeenkomst": "op een bijeenkomst",
}
# A member's relation to the situation -> Dutch label.
RELATIONS = {
    "buurtbewoner": "buurtbewoner",
    "ondernemer": "ondernemer",
    "werkt-in-de-buurt": "werkt in de buurt",
    "nieuwkomer": "nieuwkomer",
    "professional": "professional",
    "anders": "anders",
}


def _mark_changed(db, issue):
    db["site_changes"].insert({"issue": issue, "changed_at": database.now()})


def add_member(db, issue, *, name, relation, relation_other="", channel="web"):
    """Add someone to the circle of a kwestie; returns the member id."""
    with database.write(db):
        member_id = (
            db["members"]
            .insert(
                {
                    "issue": issue,
                    "name": name,
                    "relation": relation,
                    "relation_other": relation_other,
                    "channel": channel,
                    "created_at": database.now(),
                }
            )
            .last_pk
        )
        _mark_changed(db, issue)
    return member_id


def add_idea(db, issue, *, title, body="", author_name="", channel="web"):
    """Store an idea; returns its public number (1 for I1)."""
    with database.write(db):
        number = db.execute(
            "select coalesce(max(number), 0) + 1 from ideas where issue = ?", [issue]
        ).fetchone()[0]
        db["ideas"].insert(
            {
                "issue": issue,
                "number": number,
                "title": title,
                "body": body,
                "author_name": author_name,
                "channel": channel,
                "created_at": database.now(),
            }
        )
        _mark_changed(db, issue)
    return number


def circle(db, issue):
    """Circle size by relation: {"buurtbewoner": 4, ...}, largest first."""
    rows = db.execute(
        "select relation, count(*) from members where issue = ? "
        "group by relation order by count(*) desc, relation",
        [issue],
    ).fetchall()
    return dict(rows)


def circle_sizes(db, issues):
    """Circle size for each of the given kwestie slugs (0 when nobody joined)."""
    issues = list(issues)
    sizes = dict.fromkeys(issues, 0)
    if issues:
        marks = ",".join("?" * len(issues))
        sizes.update(
            db.execute(
                f"select issue, count(*) from members where issue in ({marks}) group by issue",
                issues,
            ).fetchall()
        )
    return sizes


def idea_count(db, issue):
    return db.execute("select count(*) from ideas where issue = ?", [issue]).fetchone()[0]


def ideas(db, issue, *, limit=None, offset=0, newest_first=False):
    """Public ideas of a kwestie, oldest first unless newest_first."""
    order = "desc" if newest_first else "asc"
    sql = (
        "select number, title, body, author_name, channel, created_at from ideas "
        f"where issue = ? order by number {order}"
    )
    params = [issue]
    if limit is not None:
        sql += " limit ? offset ?"
        params += [limit, offset]
    return list(db.query(sql, params))


# Rebuild queue: see rebuild.py


def pending_changes(db):
    """(last change id, set of kwestie slugs changed up to it), or (None, set())."""
    last = db.execute("select max(id) from site_changes").fetchone()[0]
    if last is None:
        return None, set()
    slugs = {r[0] for r in db.execute("select distinct issue from site_changes where id <= ?", [last])}
    return last, slugs


def clear_changes(db, up_to):
    with database.write(db):
        db.execute("delete from site_changes where id <= ?", [up_to])
