"""Meetings (bijeenkomsten): announced, their date chosen by the circle, signed up for, recorded.

The method makes the plan at a meeting in three parts: information (professionals tell
everyone the same facts), the circle's own time (besloten deel: professionals leave), and
making and agreeing the plan. Its life:

    number = announce(db, issue, title=…, place=…, options=[datetime, …], …)
        one option: the date is fixed (announced); more: the circle chooses (choosing)
    choose(db, slug, number, member_id, option_ids)   a member marks the dates that suit them
    fix_date(db, slug, number, option_id)              the coordinator fixes one (announced)
    sign_up(db, slug, number, name=…, needs=…)         anyone, without an account
    record(db, slug, number, attendance=…, account=…)  afterwards: counts by relation, an account

Times are wall-clock times in Europe/Amsterdam (formats.LOCAL_TIME), stored without an
offset ("2027-01-14T19:30"), as the coordinator typed them: a meeting at half past seven
stays at half past seven across the change to winter time.

Who signed up, their address and their needs are for the coordinator only, and go when
the meeting is recorded: the meeting keeps how many signed up, nothing of who.
Every rule of the method is checked here, so /beheer/, the resident forms and the
command line all obey it; a refusal is store.NotAllowed with the reason in words.
"""

import datetime
import json

from . import db as database
from .formats import LOCAL_TIME, datum, kloktijd
from .i18n import N_, _
from .labels import RELATIONS
from .store import NotAllowed, _insert, _mark_changed

KINDS = {"meeting": N_("Bijeenkomst"), "review": N_("Evaluatiebijeenkomst")}
STATES = {
    "choosing": N_("de kring kiest de datum"),
    "announced": N_("aangekondigd"),
    "held": N_("geweest"),
    "cancelled": N_("gaat niet door"),
}
# The three questions of a review meeting (the method's evaluation of an adopted plan).
REVIEW_QUESTIONS = (
    N_("Heeft het plan geholpen?"),
    N_("Hoe kan het beter?"),
    N_("Is er een reden om niet door te gaan?"),
)
# What someone may need to be able to come; counted for the coordinator, never public.
NEEDS = {
    "interpreter": N_("een tolk"),
    "step_free": N_("een ingang zonder drempels of trappen"),
    "hearing_loop": N_("een ringleiding"),
    "childcare": N_("kinderopvang"),
}
MAX_OPTIONS = 5
MEETING_PHASES = ("open", "proposing", "adopted")  # a draft has no circle yet; closed is closed
DEFAULT_MINUTES = 120


def local_now():
    """The wall-clock time in Europe/Amsterdam, without an offset, as starts_at is stored."""
    return datetime.datetime.now(LOCAL_TIME).replace(tzinfo=None, second=0, microsecond=0)


def _stamp(moment):
    return moment.isoformat(timespec="minutes")


def _moment(value):
    return datetime.datetime.fromisoformat(value) if value else None


# Reading ----------------------------------------------------------------------


def _meeting(db, row, counts=True):
    """A meetings row as the pages use it: times as datetimes, its state, options with counts.
    counts=False (the kwestie page, written on every idea): no queries but the options of
    one whose date is still being chosen; no counts of answers and signups."""
    m = dict(row)
    m["starts_at"] = _moment(m["starts_at"])
    m["ends_at"] = m["starts_at"] + datetime.timedelta(minutes=m["minutes"] or DEFAULT_MINUTES) \
        if m["starts_at"] else None
    m["attendance"] = json.loads(m["attendance"]) if m["attendance"] else {}
    m["state"] = state(m)
    if not counts and m["state"] != "choosing":
        m["options"] = []
        return m
    m["options"] = [
        {"id": option_id, "starts_at": _moment(starts_at), "count": count}
        for option_id, starts_at, count in db.execute(
            "select o.id, o.starts_at, count(a.id) from meeting_options o left join meeting_availability a "
            "on a.option_id = o.id where o.meeting_id = ? group by o.id order by o.starts_at, o.id", [m["id"]])
    ]
    m["answered"] = db.execute("select count(distinct member_id) from meeting_availability where meeting_id = ?",
                               [m["id"]]).fetchone()[0]
    if m["state"] != "held":
        m["signed_up"] = db.execute("select count(*) from meeting_signups where meeting_id = ?",
                                    [m["id"]]).fetchone()[0]
    return m


def state(m):
    """choosing, announced, held or cancelled (STATES)."""
    if m["cancelled_at"]:
        return "cancelled"
    if m["recorded_at"]:
        return "held"
    return "announced" if m["starts_at"] else "choosing"


def for_issue(db, slug, counts=True):
    """The kwestie's meetings in order of their day (one still choosing by its first option).
    counts=False: lighter, see _meeting."""
    rows = [_meeting(db, row, counts) for row in db.query("select * from meetings where issue = ? order by id", [slug])]
    return sorted(rows, key=lambda m: (day(m) or datetime.date.max, m["number"]))


def get(db, slug, number):
    """Meeting <number> of the kwestie; LookupError when there is none."""
    rows = list(db.query("select * from meetings where issue = ? and number = ?", [slug, number]))
    if not rows:
        raise LookupError(f"bijeenkomst {number} bestaat niet")
    return _meeting(db, rows[0])


def day(m):
    """The day it is (or was) held; for one still choosing, its first option's."""
    if m["starts_at"]:
        return m["starts_at"].date()
    if m["held_on"]:
        return datetime.date.fromisoformat(m["held_on"])
    return m["options"][0]["starts_at"].date() if m["options"] else None


def next_meeting(meetings, now=None):
    """The first meeting still to come (announced or choosing), or None."""
    now = now or local_now()
    coming = [m for m in meetings if (m["state"] == "choosing" and any(o["starts_at"] > now for o in m["options"]))
              or (m["state"] == "announced" and m["ends_at"] > now)]
    return coming[0] if coming else None


def when(m):
    """'14 januari 2027, 19:30–21:30' in the current language; '' while the circle chooses."""
    if not m["starts_at"]:
        return datum(m["held_on"]) if m["held_on"] else ""
    return _("%(date)s, %(start)s–%(end)s") % {"date": datum(m["starts_at"].date()),
                                               "start": kloktijd(m["starts_at"]), "end": kloktijd(m["ends_at"])}


# Announcing and choosing the date --------------------------------------------------


def _require_phase(issue, kind):
    if kind not in KINDS:
        raise ValueError(f"unknown meeting kind {kind!r}")
    if kind == "review" and issue.phase != "adopted":
        raise NotAllowed(_("Een evaluatiebijeenkomst kan pas als er een gedragen plan is."))
    if issue.phase not in MEETING_PHASES:
        raise NotAllowed(_("Een bijeenkomst aankondigen kan niet in de fase ‘%(phase)s’.")
                         % {"phase": issue.phase_label})


def announce(db, issue, *, title, place, options, accessibility="", information="", circle_time="",
             plan_part="", minutes=DEFAULT_MINUTES, kind="meeting", entered_by=None, now=None):
    """Announce a meeting; returns its number. options: the possible starts (local datetimes,
    1 to MAX_OPTIONS, all still to come). One option fixes the date at once; with more, the
    circle marks which suit them and the coordinator fixes one (fix_date)."""
    _require_phase(issue, kind)
    now = now or local_now()
    options = sorted(set(options))
    if not 1 <= len(options) <= MAX_OPTIONS:
        raise NotAllowed(_("Geef één datum, of twee tot %(max)s datums waaruit de kring kiest.") % {"max": MAX_OPTIONS})
    if any(option <= now for option in options):
        raise NotAllowed(_("Een bijeenkomst aankondigen kan alleen voor een moment dat nog moet komen."))
    if not place.strip():
        raise NotAllowed(_("Schrijf op waar de bijeenkomst is."))
    with database.write(db):
        number = db.execute("select coalesce(max(number), 0) + 1 from meetings where issue = ?",
                            [issue.slug]).fetchone()[0]
        fixed = options[0] if len(options) == 1 else None
        stored = database.now()
        meeting_id = db["meetings"].insert({
            "issue": issue.slug, "number": number, "kind": kind, "title": title, "place": place,
            "accessibility": accessibility or None, "information": information or None,
            "circle_time": circle_time or None, "plan_part": plan_part or None, "minutes": minutes,
            "starts_at": _stamp(fixed) if fixed else None, "held_on": fixed.date().isoformat() if fixed else None,
            "announced_at": stored, "updated_at": stored, "sequence": 0,
            "entered_by": entered_by, "created_at": stored,
        }).last_pk
        if not fixed:
            for option in options:
                _insert(db, "meeting_options", {"meeting_id": meeting_id, "starts_at": _stamp(option)})
        _mark_changed(db, issue.slug)
    return number


def _require_state(m, *states):
    if m["state"] not in states:
        raise NotAllowed({
            "choosing": _("De kring kiest de datum van deze bijeenkomst nog."),
            "announced": _("De datum van deze bijeenkomst staat al vast."),
            "held": _("Deze bijeenkomst is al geweest."),
            "cancelled": _("Deze bijeenkomst gaat niet door."),
        }[m["state"]])


def choose(db, slug, number, member_id, option_ids, entered_by=None):
    """Member member_id marks the dates that suit them (option ids; none = none suits);
    their earlier marks are replaced. Only a member of this kwestie's circle, while the circle chooses."""
    with database.write(db):
        m = get(db, slug, number)
        _require_state(m, "choosing")
        if not db.execute("select 1 from members where id = ? and issue = ?", [member_id, slug]).fetchone():
            raise LookupError(f"lid {member_id} hoort niet bij {slug}")
        valid = {o["id"] for o in m["options"]}
        chosen = set(option_ids)
        if chosen - valid:
            raise LookupError("die datum hoort niet bij deze bijeenkomst")
        db.execute("delete from meeting_availability where meeting_id = ? and member_id = ?", [m["id"], member_id])
        at = database.now()
        for option_id in sorted(chosen) or [None]:  # none suits: still an answer
            _insert(db, "meeting_availability", {"meeting_id": m["id"], "option_id": option_id, "member_id": member_id,
                                                 "at": at, "entered_by": entered_by})
        _mark_changed(db, slug)


def chosen_by(db, slug, number, member_id):
    """The option ids member_id marked as suiting them."""
    return {option_id for (option_id,) in db.execute(
        "select a.option_id from meeting_availability a join meetings m on m.id = a.meeting_id "
        "where m.issue = ? and m.number = ? and a.member_id = ? and a.option_id is not null",
        [slug, number, member_id])}


def answered_by(db, slug, number, member_id):
    """True when member_id marked dates for this meeting (also when none suits them)."""
    return bool(db.execute("select 1 from meeting_availability a join meetings m on m.id = a.meeting_id "
                           "where m.issue = ? and m.number = ? and a.member_id = ?", [slug, number, member_id]).fetchone())


def fix_date(db, slug, number, option_id, *, now=None):
    """The coordinator fixes the date the circle chose; returns the meeting as it is now."""
    now = now or local_now()
    with database.write(db):
        m = get(db, slug, number)
        _require_state(m, "choosing")
        option = next((o for o in m["options"] if o["id"] == option_id), None)
        if option is None:
            raise LookupError("die datum hoort niet bij deze bijeenkomst")
        if option["starts_at"] <= now:
            raise NotAllowed(_("Die datum is al voorbij. Kies een andere, of kondig de bijeenkomst opnieuw aan."))
        db.execute("update meetings set starts_at = ?, held_on = ?, updated_at = ?, sequence = sequence + 1 "
                   "where id = ?", [_stamp(option["starts_at"]), option["starts_at"].date().isoformat(),
                                    database.now(), m["id"]])
        _mark_changed(db, slug)
        return get(db, slug, number)


def change_text(db, slug, number, *, title, place, accessibility="", information="", circle_time="",
                plan_part=""):
    """The coordinator corrects what a meeting says (its name, place, accessibility, agenda) before
    it is held; its date stays (cancel and announce again for another). Calendars hear of it."""
    if not place.strip():
        raise NotAllowed(_("Schrijf op waar de bijeenkomst is."))
    with database.write(db):
        m = get(db, slug, number)
        _require_state(m, "choosing", "announced")
        db.execute("update meetings set title = ?, place = ?, accessibility = ?, information = ?, circle_time = ?, "
                   "plan_part = ?, updated_at = ?, sequence = sequence + 1 where id = ?",
                   [title, place, accessibility or None, information or None, circle_time or None, plan_part or None,
                    database.now(), m["id"]])
        _mark_changed(db, slug)


def cancel(db, slug, number):
    """The meeting will not take place (it stays on the page, marked; calendars hear it too)."""
    with database.write(db):
        m = get(db, slug, number)
        _require_state(m, "choosing", "announced")
        db.execute("update meetings set cancelled_at = ?, updated_at = ?, sequence = sequence + 1 where id = ?",
                   [database.now(), database.now(), m["id"]])
        _mark_changed(db, slug)


# Signing up ----------------------------------------------------------------------


def sign_up(db, slug, number, *, name, email=None, member_id=None, language="nl", needs=None, channel="web",
            entered_by=None, now=None):
    """Someone says they come; returns the signup id. needs: {"interpreter": "Arabisch",
    "step_free": True, …} (NEEDS). A member who signs up again changes their signup.
    The address counts as confirmed when it is the member's own confirmed address;
    otherwise confirm_signup() confirms it (the link in a mail)."""
    now = now or local_now()
    needs = needs or {}
    if set(needs) - set(NEEDS):
        raise ValueError(f"unknown needs {sorted(set(needs) - set(NEEDS))}")
    with database.write(db):
        m = get(db, slug, number)
        _require_state(m, "announced")
        if m["starts_at"] <= now:
            raise NotAllowed(_("Aanmelden kan niet meer: de bijeenkomst is al begonnen."))
        confirmed = None
        if member_id is not None:
            member = db.execute("select email, email_confirmed_at from members where id = ? and issue = ?",
                                [member_id, slug]).fetchone()
            if member is None:
                raise LookupError(f"lid {member_id} hoort niet bij {slug}")
            if email and member[1] and email.casefold() == (member[0] or "").casefold():
                confirmed = member[1]
        row = {"meeting_id": m["id"], "member_id": member_id, "name": name, "email": email or None,
               "email_confirmed_at": confirmed, "language": language,
               "interpreter": (needs.get("interpreter") or "").strip() or None,
               "step_free": int(bool(needs.get("step_free"))), "hearing_loop": int(bool(needs.get("hearing_loop"))),
               "childcare": int(bool(needs.get("childcare"))), "channel": channel, "entered_by": entered_by,
               "created_at": database.now()}
        earlier = db.execute("select id from meeting_signups where meeting_id = ? and member_id = ?",
                             [m["id"], member_id]).fetchone() if member_id is not None else None
        if earlier:
            db["meeting_signups"].update(earlier[0], row)
            return earlier[0]
        _insert(db, "meeting_signups", row)
        return db.execute("select last_insert_rowid()").fetchone()[0]


def confirm_signup(db, signup_id, email):
    """The link in the signup mail was opened: the address is confirmed (if it is still this
    signup's). Returns True when it matched."""
    with database.write(db):
        changed = db.execute("update meeting_signups set email_confirmed_at = coalesce(email_confirmed_at, ?) "
                             "where id = ? and email = ?", [database.now(), signup_id, email]).rowcount
    return bool(changed)


def signed_up(db, slug, number, member_id):
    """True when member_id signed up for this meeting."""
    return bool(db.execute("select 1 from meeting_signups s join meetings m on m.id = s.meeting_id "
                           "where m.issue = ? and m.number = ? and s.member_id = ?", [slug, number, member_id]).fetchone())


def signup(db, signup_id):
    """One signup with its meeting's slug and number, or None (recorded meetings have none left)."""
    rows = list(db.query("select s.*, m.issue, m.number from meeting_signups s join meetings m "
                         "on m.id = s.meeting_id where s.id = ?", [signup_id]))
    return rows[0] if rows else None


def needs(db, slug, number):
    """For the coordinator: how many signed up and what they need, counted (never public).
    {"signed_up": 12, "with_email": 8, "interpreter": {"Arabisch": 2}, "step_free": 1, …}"""
    m = get(db, slug, number)
    rows = list(db.query("select * from meeting_signups where meeting_id = ?", [m["id"]]))
    interpreters = {}
    for row in rows:
        if row["interpreter"]:
            interpreters[row["interpreter"]] = interpreters.get(row["interpreter"], 0) + 1
    return {"signed_up": len(rows), "with_email": sum(bool(r["email_confirmed_at"]) for r in rows),
            "interpreter": dict(sorted(interpreters.items())),
            **{need: sum(r[need] for r in rows) for need in ("step_free", "hearing_loop", "childcare")}}


def signup_names(db, slug, number):
    """For the coordinator's list at the door: the names, in the order they signed up."""
    m = get(db, slug, number)
    return [name for (name,) in db.execute("select name from meeting_signups where meeting_id = ? order by id",
                                          [m["id"]])]


def confirmed_signups(db, slug, number):
    """Those who signed up without being a member, with a confirmed address (id, name, email,
    language): to tell them when the meeting does not go on. Members hear it as members."""
    m = get(db, slug, number)
    return list(db.query("select id, name, email, language from meeting_signups where meeting_id = ? "
                         "and member_id is null and email is not null and email_confirmed_at is not null "
                         "order by id", [m["id"]]))


def due_reminders(db, now=None):
    """Signups to remind now: their meeting starts tomorrow (local date), it is still announced,
    the address is confirmed and no reminder went yet."""
    now = now or local_now()
    tomorrow = (now.date() + datetime.timedelta(days=1)).isoformat()
    return list(db.query(
        "select s.id, s.name, s.email, s.language, s.member_id, m.issue, m.number from meeting_signups s "
        "join meetings m on m.id = s.meeting_id where substr(m.starts_at, 1, 10) = ? and m.cancelled_at is null "
        "and m.recorded_at is null and s.email is not null and s.email_confirmed_at is not null "
        "and s.reminded_at is null order by s.id", [tomorrow]))


def claim_reminder(db, signup_id):
    """Mark the reminder of this signup as sent; False when it already was (another run took it),
    so a reminder goes once however often the command runs."""
    with database.write(db):
        return db.execute("update meeting_signups set reminded_at = ? where id = ? and reminded_at is null",
                          [database.now(), signup_id]).rowcount == 1


# Afterwards ----------------------------------------------------------------------


def _attendance(attendance):
    counts = {relation: int(n) for relation, n in (attendance or {}).items() if n}
    if set(counts) - set(RELATIONS):
        raise ValueError(f"unknown relations {sorted(set(counts) - set(RELATIONS))}")
    if any(n < 0 for n in counts.values()):
        raise ValueError("a count cannot be negative")
    return {relation: counts[relation] for relation in RELATIONS if relation in counts}


def record(db, slug, number, *, attendance=None, account="", entered_by=None, now=None):
    """After the meeting: how many came by relation (no names) and a short public account.
    Only once it has begun. The signups (names, addresses, needs) go: the meeting keeps their number.
    Recording again corrects the figures and the account."""
    now = now or local_now()
    counts = _attendance(attendance)
    with database.write(db):
        m = get(db, slug, number)
        _require_state(m, "announced", "held")
        if m["starts_at"] > now:
            raise NotAllowed(_("Een bijeenkomst opschrijven kan pas als die begonnen is."))
        signed_up = m.get("signed_up")
        db.execute("update meetings set attendance = ?, attendees = ?, account = ?, recorded_at = ?, updated_at = ?, "
                   "signed_up = coalesce(?, signed_up) where id = ?",
                   [json.dumps(counts) if counts else None, sum(counts.values()) if counts else m["attendees"],
                    account or None, database.now(), database.now(), signed_up, m["id"]])
        db.execute("delete from meeting_signups where meeting_id = ?", [m["id"]])
        db.execute("delete from meeting_availability where meeting_id = ?", [m["id"]])
        _mark_changed(db, slug)


def record_past(db, slug, *, held_on, place, attendance=None, attendees=None, account="", title="",
                entered_by=None, today=None):
    """A meeting that was held without being announced here (a day in the past or today);
    returns its number. attendees: a total, when the count by relation is not known."""
    today = today or local_now().date()
    if held_on > today:
        raise NotAllowed(_("Schrijf een bijeenkomst op als die geweest is."))
    counts = _attendance(attendance)
    with database.write(db):
        number = db.execute("select coalesce(max(number), 0) + 1 from meetings where issue = ?", [slug]).fetchone()[0]
        stored = database.now()
        db["meetings"].insert({
            "issue": slug, "number": number, "kind": "meeting", "title": title or None, "place": place,
            "held_on": held_on.isoformat(), "attendance": json.dumps(counts) if counts else None,
            "attendees": sum(counts.values()) if counts else attendees, "account": account or None,
            "recorded_at": stored, "updated_at": stored, "sequence": 0, "entered_by": entered_by,
            "created_at": stored,
        })
        _mark_changed(db, slug)
    return number
