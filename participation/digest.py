"""The weekly digest: what happened in a kwestie between two moments.

Members who chose `weekly` (store.MAIL_CHOICES) get no mail per event; once a week
`samenplan digest` mails them this instead, and only when something happened.
Everything is read from the database's timestamps (stored UTC, to the second),
the plan versions and changes.yaml; a moment belongs to the window when
since < moment <= until, so two windows that follow each other never share one.
"""

import datetime

from . import consent, meetings, plan
from .formats import LOCAL_TIME
from .i18n import N_, _
from .labels import PHASES

WEEK = datetime.timedelta(days=7)
VERSION_KINDS = {"adoption": N_("het plan is aangenomen"), "response": N_("de gemeente reageert op het plan"),
                 "status_update": N_("de stand van zaken is bijgewerkt")}


def weekly_members(db, slug):
    """Members of the kwestie who chose the weekly digest and have a confirmed address."""
    return list(db.query("select id, name, email, language, digest_sent_at from members where issue = ? "
                         "and mail_choice = 'weekly' and email is not null and email_confirmed_at is not null "
                         "order by id", [slug]))


def since(member, until):
    """Where the member's next digest starts: their last digest, else a week before `until`."""
    return member["digest_sent_at"] or _stored(_moment(until) - WEEK)


def news(db, settings, issue, since, until):
    """What happened in the kwestie after `since` up to `until` (stored UTC timestamps):

    ideas and questions (their titles; hidden ones left out), professionals' answers (to which
    question), rounds that opened, and a running round that ends in the week after `until`
    (said once: the previous digest's week is left out), plan versions (adoption, the
    municipality's response, follow-up) with what changed, phase changes, and changes of the
    question or the kaders, and meetings announced, their date fixed, or cancelled. Empty lists
    when nothing happened (see is_empty)."""
    slug, window = issue.slug, [issue.slug, since, until]
    return {
        "ideas": [f"I{n}: {title}" for n, title in db.execute(
            "select number, title from ideas where issue = ? and created_at > ? and created_at <= ? "
            "and hidden_at is null and withdrawn_at is null order by number", window)],
        "questions": [f"V{n}: {text}" for n, text in db.execute(
            "select number, text from questions where issue = ? and created_at > ? and created_at <= ? "
            "and hidden_at is null and withdrawn_at is null order by number", window)],
        "answers": [f"V{n}: {text}" for n, text in db.execute(
            "select distinct q.number, q.text from answers a join questions q on q.id = a.question_id "
            "where q.issue = ? and a.created_at > ? and a.created_at <= ? and q.hidden_at is null "
            "order by q.number", window)],
        "rounds_opened": [ends_at for (ends_at,) in db.execute(
            "select ends_at from consent_rounds where issue = ? and opened_at > ? and opened_at <= ? "
            "order by id", window)],
        "rounds_ending": [ends_at for (ends_at,) in db.execute(
            "select ends_at from consent_rounds where issue = ? and closed_at is null and ends_at > ? "
            "and ends_at <= ? order by id", [slug, _stored(_moment(since) + WEEK), _stored(_moment(until) + WEEK)])],
        "versions": _versions(db, settings, slug, since, until),
        "phases": [_phase_change(detail) for (detail,) in db.execute(
            "select detail from audit_log where issue = ? and action = 'phase' and at > ? and at <= ? "
            "order by id", window)],
        "changes": _changes(db, issue, since, until),
        "meetings": [_meeting(m) for m in meetings.for_issue(db, slug, counts=False)
                     if m["state"] != "held" and since < m["updated_at"] <= until],
    }


def is_empty(found):
    return not any(found.values())


def _versions(db, settings, slug, since, until):
    """The plan versions written in the window: number, kind in words, and what changed."""
    try:
        versions = consent.plan_versions(settings, slug, db)
    except plan.UnrecordedPlan as error:  # as the site does: shown, with the chain checked
        versions = error.versions
    except plan.PlanError:  # a broken chain is for `samenplan plan verify`, not for residents' mail
        return []
    found, previous = [], None
    for version in versions:
        adopted_at = datetime.datetime.fromisoformat(version.data["adopted_at"])
        if _moment(since) < adopted_at <= _moment(until):
            changes = plan.describe(plan.diff(previous and previous.data, version.data), version.data)
            found.append({"number": version.number, "kind": _(VERSION_KINDS[version.data["kind"]]),
                          "changes": changes})
        previous = version
    return found


def _meeting(m):
    """A meeting announced, its date fixed or cancelled, in a line of the current language."""
    title = m["title"] or _(meetings.KINDS[m["kind"]])
    if m["state"] == "choosing":
        return _("%(title)s: de kring kiest de datum. Zeg op je persoonlijke pagina welke datums jou passen.") % {
            "title": title}
    if m["state"] == "cancelled":
        return _("%(title)s gaat niet door.") % {"title": title}
    return _("%(title)s: %(when)s, %(place)s.") % {"title": title, "when": meetings.when(m), "place": m["place"]}


def _phase_change(detail):
    """'open → proposing' (the audit log's detail) in the phases' labels, in the current language."""
    old, _arrow, new = detail.partition(" → ")
    return _("van ‘%(old)s’ naar ‘%(new)s’") % {"old": _(PHASES[old]) if old in PHASES else old,
                                               "new": _(PHASES[new]) if new in PHASES else new}


def _changes(db, issue, since, until):
    """Changes of the question or kaders (changes.yaml, dated by day) in the window. A change
    dated on the day of `since` counts only when the kwestie's text was edited after `since`."""
    first, last = _moment(since).astimezone(LOCAL_TIME).date(), _moment(until).astimezone(LOCAL_TIME).date()
    edited_after = db.execute("select 1 from audit_log where issue = ? and action = 'edit_issue' and at > ? "
                              "and at <= ? limit 1", [issue.slug, since, until]).fetchone()
    return [c for c in issue.changes if first < c.date <= last or (c.date == first and edited_after)]


def _moment(stored):
    return datetime.datetime.fromisoformat(stored)


def _stored(moment):
    return moment.astimezone(datetime.timezone.utc).replace(microsecond=0).isoformat()
