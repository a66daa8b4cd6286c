"""/beheer/<slug>/bijeenkomst…: the coordinator's side of meetings (issue 17).

Announce a meeting with its agenda (one date, or a few the circle chooses from), see
which dates suit how many members and fix one, enter at the door which dates suit a
member, see the signups counted by need and the names for the door, sign someone up
at the door, cancel, and record it afterwards. After adoption: a review meeting.

The rules are meetings.py's: a refusal (store.NotAllowed) comes back as 409 with its
reason on the page. Like beheer.py: coordinators only, CSRF on every form, each write
one transaction with its audit entry (numbers only, no names), mail after storing,
then the rebuild worker is woken and the browser goes back with 303.
"""

from flask import Blueprint, abort, g, make_response, render_template, request

from .. import audit, beheer_forms, meetings, moderation, phases
from .. import db as database
from ..formats import datum, kloktijd
from ..kwestie_page import plan_versions
from ..labels import RELATIONS
from ..store import NotAllowed
from . import csrf, notify
from .auth import coordinator_required, is_coordinator, load_user
from .db import get_db
from .kwestie import done, find_issue, secret, settings

bp = Blueprint("beheer_meetings", __name__, url_prefix="/beheer")
bp.before_request(load_user)
bp.before_request(csrf.check)

# The announce form on the meetings page, by kind of meeting.
ANNOUNCE_FORMS = {"meeting": "aankondigen", "review": "evaluatie"}


# The meetings page -------------------------------------------------------------------------


def earliest_review(issue):
    """The first review date of the adopted plan's agreements still to come (ISO), or '':
    a date already past would only be refused."""
    versions, _error = plan_versions(settings(), get_db(), issue)
    if not versions:
        return ""
    today = phases.today().isoformat()
    dates = [str(a["review_at"])[:10] for a in versions[-1].data.get("agreements", []) if a.get("review_at")]
    return min((day for day in dates if day >= today), default="")


def announce_defaults(issue):
    """What the announce forms hold before anything is typed."""
    defaults = {"aankondigen": {"kind": "meeting", "title": beheer_forms.DEFAULT_MEETING_TITLE}}
    if issue.phase == "adopted":
        defaults["evaluatie"] = {
            "kind": "review", "title": str(meetings.KINDS["review"]),
            beheer_forms.date_field(1): earliest_review(issue),
            # The review questions are on the meeting's page already (meetings.REVIEW_QUESTIONS).
            "information": "Wat is er van het plan gedaan? De uitvoerders vertellen het.",
        }
    return defaults


def meetings_context(db, issue):
    """What the meetings page shows."""
    return {"meetings": meetings.for_issue(db, issue.slug), "kinds": meetings.KINDS, "states": meetings.STATES,
            "can_announce": issue.phase in meetings.MEETING_PHASES, "defaults": announce_defaults(issue),
            "max_options": meetings.MAX_OPTIONS, "relations": RELATIONS, "agenda": beheer_forms.AGENDA,
            "review_questions": meetings.REVIEW_QUESTIONS}


def render_meetings(issue, status, *, form, values=None, errors=None, refused=None):
    return render_template("beheer/bijeenkomsten.html", issue=issue, **meetings_context(get_db(), issue),
                           coordinator=is_coordinator(), form=form, values={form: values or {}},
                           errors={form: errors or {}}, refused=refused), status


@bp.get("/<slug>/bijeenkomsten")
@coordinator_required
def meetings_page(slug):
    return render_meetings(find_issue(slug), 200, form=None)


@bp.post("/<slug>/bijeenkomst")
@coordinator_required
def add_meeting(slug):
    """A meeting held that was not announced here (a day up to today), for the verslag."""
    issue = find_issue(slug)
    values, errors = beheer_forms.validate_meeting(request.form, phases.today())
    if errors:
        return render_meetings(issue, 400, form="bijeenkomst", values=values, errors=errors)
    db = get_db()
    with database.write(db):
        meetings.record_past(db, issue.slug, held_on=values["held_on"], place=values["place"],
                             attendance=values["attendance"], attendees=values["attendees"], account=values["note"],
                             entered_by=g.user["id"], today=phases.today())
        audit.record(db, g.user, "meeting", issue.slug, f"{values['held_on'].isoformat()}, {values['place']}")
    return done(f"De bijeenkomst van {datum(values['held_on'])} staat in het verslag.",
                "beheer_meetings.meetings_page", slug=issue.slug)


@bp.post("/<slug>/bijeenkomst/aankondigen")
@coordinator_required
def announce(slug):
    issue = find_issue(slug)
    values, errors = beheer_forms.validate_announcement(request.form, meetings.MAX_OPTIONS)
    form = ANNOUNCE_FORMS.get(values["kind"], "aankondigen")
    shown = beheer_forms.announcement_fields({k: v for k, v in values.items() if k not in ("options", "minutes")})
    if errors:
        return render_meetings(issue, 400, form=form, values=shown, errors=errors)
    db = get_db()
    try:
        with database.write(db):
            number = meetings.announce(
                db, issue, title=values["title"], place=values["place"], options=values["options"],
                accessibility=values["accessibility"], information=values["information"],
                circle_time=values["circle_time"], plan_part=values["plan_part"], minutes=values["minutes"],
                kind=values["kind"], entered_by=g.user["id"])
            audit.record(db, g.user, "meeting_announced", issue.slug,
                         f"bijeenkomst {number} ({meetings.KINDS[values['kind']].lower()}), "
                         f"{len(values['options'])} {'datum' if len(values['options']) == 1 else 'datums'}")
    except NotAllowed as refusal:
        return render_meetings(issue, 409, form=form, values=shown, refused=str(refusal))
    meeting = meetings.get(db, issue.slug, number)
    if meeting["state"] == "choosing":
        sent = notify.meeting_poll(db, settings(), issue, meeting, secret=secret())
        message = f"Bijeenkomst {number} is aangekondigd. De kring kiest de datum"
    else:
        sent = notify.meeting_date(db, settings(), issue, meeting, secret=secret())
        message = f"Bijeenkomst {number} is aangekondigd"
    return done(f"{message}; {mails(sent)} verstuurd.", "beheer_meetings.meeting_page", slug=issue.slug,
                number=number)


def mails(sent):
    return f"{sent} {'mail' if sent == 1 else 'mails'}"


# One meeting ----------------------------------------------------------------------------


def meeting_of(slug, number):
    """The kwestie and its meeting <number>, or 404."""
    issue = find_issue(slug)
    try:
        return issue, meetings.get(get_db(), issue.slug, number)
    except LookupError:
        abort(404)


def render_meeting(issue, meeting, status=200, *, form=None, values=None, errors=None, refused=None):
    db = get_db()
    now = meetings.local_now()
    members = moderation.members(db, issue.slug) if meeting["state"] == "choosing" else []
    announced = meeting["state"] == "announced"
    return render_template(
        "beheer/bijeenkomst.html", issue=issue, meeting=meeting, when=meetings.when(meeting),
        kinds=meetings.KINDS, states=meetings.STATES, relations=RELATIONS, agenda=beheer_forms.AGENDA,
        started=bool(meeting["starts_at"] and meeting["starts_at"] <= now),
        member_options=[(m["id"], f"{m['name']} ({RELATIONS.get(m['relation'], m['relation'])})") for m in members],
        needs=meetings.needs(db, issue.slug, meeting["number"]) if announced else None,
        names=meetings.signup_names(db, issue.slug, meeting["number"]) if announced else [],
        option_choices=[(o["id"], f"{datum(o['starts_at'].date())}, {kloktijd(o['starts_at'])}")
                        for o in meeting["options"]],
        recorded={**{beheer_forms.attendance_field(r): n for r, n in meeting["attendance"].items()},
                  "account": meeting["account"] or ""},
        form=form, values={form: values or {}}, errors={form: errors or {}}, refused=refused,
    ), status


@bp.get("/<slug>/bijeenkomst/<int:number>")
@coordinator_required
def meeting_page(slug, number):
    return render_meeting(*meeting_of(slug, number))


def store_change(issue, meeting, form, values, errors, act, action, detail):
    """A form about one meeting, validated into values and errors: with errors the page again
    (400); else act(db) in one transaction with its audit entry (detail: numbers, no names);
    a refusal is the page with its reason (409). Returns what act returned."""
    if errors:
        abort(make_response(render_meeting(issue, meeting, 400, form=form, values=values, errors=errors)))
    db = get_db()
    try:
        with database.write(db):
            result = act(db)
            audit.record(db, g.user, action, issue.slug, f"bijeenkomst {meeting['number']}: {detail}")
    except NotAllowed as refusal:
        abort(make_response(render_meeting(issue, meetings.get(db, issue.slug, meeting["number"]), 409,
                                           form=form, values=values, refused=str(refusal))))
    except LookupError:
        abort(404)
    return result


def back(issue, meeting, message, anchor=""):
    return done(message, "beheer_meetings.meeting_page", anchor, slug=issue.slug, number=meeting["number"])


@bp.post("/<slug>/bijeenkomst/<int:number>/datums")
@coordinator_required
def enter_dates(slug, number):
    """At the door: the dates that suit a member of the circle (none ticked: none suits)."""
    issue, meeting = meeting_of(slug, number)
    members = {m["id"] for m in moderation.members(get_db(), issue.slug)}
    values, errors = beheer_forms.validate_availability(request.form, members, {o["id"] for o in meeting["options"]})
    store_change(issue, meeting, "datums", values, errors,
                 lambda db: meetings.choose(db, issue.slug, number, values["member"], values["options"],
                                            entered_by=g.user["id"]),
                 "meeting_dates_entered", f"lid {values['member']}, {len(values['options'])} datums")
    return back(issue, meeting, "Opgeslagen welke datums passen.", "datums")


@bp.post("/<slug>/bijeenkomst/<int:number>/datum")
@coordinator_required
def fix_date(slug, number):
    """The coordinator fixes the date the circle chose; the circle hears it."""
    issue, meeting = meeting_of(slug, number)
    values = {"option": beheer_forms.parse_number(request.form.get("option"))}
    errors = {} if values["option"] is not None else {"_option": "Datum: kies een van de datums hieronder"}
    fixed = store_change(issue, meeting, "datum", values, errors,
                         lambda db: meetings.fix_date(db, issue.slug, number, values["option"]),
                         "meeting_date_fixed", f"datum {values['option']}")
    sent = notify.meeting_date(get_db(), settings(), issue, fixed, secret=secret())
    return back(issue, meeting, f"De datum staat vast: {meetings.when(fixed)}. {mails(sent)} verstuurd.")


@bp.post("/<slug>/bijeenkomst/<int:number>/aanmelden")
@coordinator_required
def sign_up(slug, number):
    """Someone signs up at the door (or on the phone): a name and their needs; no address."""
    issue, meeting = meeting_of(slug, number)
    values, errors = beheer_forms.validate_door_signup(request.form)
    needs = {need: values[need] for need in meetings.NEEDS}
    store_change(issue, meeting, "aanmelden", values, errors,
                 lambda db: meetings.sign_up(db, issue.slug, number, name=values["name"], language="nl",
                                             needs=needs, channel="door", entered_by=g.user["id"]),
                 "meeting_signup", "aanmelding aan de deur")
    return back(issue, meeting, f"{values['name']} is aangemeld.", "aanmelden")


@bp.post("/<slug>/bijeenkomst/<int:number>/tekst")
@coordinator_required
def change_text(slug, number):
    """Correct the name, place, accessibility or agenda before the meeting; the date stays."""
    issue, meeting = meeting_of(slug, number)
    values, errors = beheer_forms.validate_meeting_text(request.form)
    store_change(issue, meeting, "tekst", values, errors,
                 lambda db: meetings.change_text(db, issue.slug, number, **{
                     name: values[name] for name in ("title", "place", "accessibility", *beheer_forms.AGENDA)}),
                 "meeting_changed", "tekst aangepast")
    return back(issue, meeting, f"De tekst van bijeenkomst {number} is aangepast. De site en de agenda's veranderen mee.",
                "tekst")


@bp.post("/<slug>/bijeenkomst/<int:number>/afgelast")
@coordinator_required
def cancel(slug, number):
    """The meeting does not take place: it stays listed, marked, and calendars hear it."""
    issue, meeting = meeting_of(slug, number)
    values = {"confirm": bool(request.form.get("confirm"))}
    errors = {} if values["confirm"] else {
        "confirm": "Zeker weten: zet een vinkje als de bijeenkomst echt niet doorgaat"}
    store_change(issue, meeting, "afgelast", values, errors, lambda db: meetings.cancel(db, issue.slug, number),
                 "meeting_cancelled", "gaat niet door")
    sent = notify.meeting_cancelled(get_db(), settings(), issue, meetings.get(get_db(), issue.slug, number))
    return back(issue, meeting, f"Bijeenkomst {number} gaat niet door. Dat staat nu op de site; {mails(sent)} verstuurd.")


@bp.post("/<slug>/bijeenkomst/<int:number>/opschrijven")
@coordinator_required
def record(slug, number):
    """Afterwards: how many came per relation and a short public account; the signups go."""
    issue, meeting = meeting_of(slug, number)
    values, errors = beheer_forms.validate_record(request.form)
    total = sum(values["attendance"].values())
    store_change(issue, meeting, "opschrijven", values, errors,
                 lambda db: meetings.record(db, issue.slug, number, attendance=values["attendance"],
                                            account=values["account"], entered_by=g.user["id"]),
                 "meeting_recorded", f"{total} {'persoon' if total == 1 else 'mensen'}")
    return back(issue, meeting, f"Bijeenkomst {number} is opgeschreven. De namen van wie zich aanmeldde "
                                "zijn gewist.")
