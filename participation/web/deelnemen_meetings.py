"""/deelnemen/<slug>/…: meetings and invitations, for residents.

- Sign up for a meeting, without an account (bijeenkomst/<n>), or with the personal link
  (lid/<token>/bijeenkomst/<n>: stored as the member's). What someone needs to be able to come
  is for the coordinator only: no page shows it again. An address given gets a mail with a
  confirm link (aanmelding/bevestigen/<token>); only a confirmed address gets the reminder.
- Mark the dates that suit you, while the circle chooses (lid/<token>/bijeenkomst/<n>/datums).
- Invite someone (lid/<token>/uitnodigen): one mail in the member's name; the address is used
  for that mail and kept nowhere (invitations.py).

Every rule is in meetings.py and invitations.py: a refusal there (store.NotAllowed) is 409
with its reason, an unknown meeting 404. The forms use the spam traps and the one-time form
key of the contribution forms (deelnemen.py).
"""

import datetime

from flask import Blueprint, abort, jsonify, make_response, redirect, render_template, request, url_for

from .. import forms, i18n, invitations, meetings, store, tokens
from .. import db as database
from ..i18n import N_, _
from . import notify
from .db import get_db, notify_rebuild
from .resident_forms import (NOT_A_MEMBER, NOT_YOURS, PERSONAL_PAGE_PHASES, THANKS_DAYS, Form, busy, member_from_token,
                        rate_limited, render_form, reusable_form_token, save_once, spam_check, token_problem)
from .errors import error_response
from .kwestie import find_issue, secret, settings
from .negotiate import wants_json

bp = Blueprint("deelnemen_meetings", __name__, url_prefix="/deelnemen")

SIGNED_UP = "aangemeld"  # the thanks states of a signup (its signed thanks token)
SIGNED_UP_NO_MAIL = "aangemeld-zonder-mail"  # stored, but the confirmation mail did not go
INVITED = "uitnodiging"


def meeting_or_404(issue, number):
    try:
        return meetings.get(get_db(), issue.slug, number)
    except LookupError:
        abort(404)


def member_or_403(issue, token):
    member = member_from_token(issue, token)
    if member is None:
        abort(make_response(error_response(403, _(NOT_A_MEMBER))))
    return member


def refused(error):
    return error_response(409, str(error))


def redirect_303(location, **extra):
    """303 to location; JSON clients get it as JSON too, as the contribution forms do."""
    if wants_json():
        response = jsonify(ok=True, location=location, **extra)
        response.status_code = 303
        response.headers["Location"] = location
        return response
    return redirect(location, 303)


def submit(form, issue, values, errors, **extra):
    """A validated POST, stored once: spam traps, the rate limit, and form.save with the one-time
    form key in one transaction. (None, (public id, thanks, new)) when stored; else (the answer,
    None): 400 the form again, 404, 409 the rule's reason, 429, or 503 when the database is busy."""
    problem = None if errors else spam_check(request.form)
    try:
        with database.write(get_db()) as db:  # the rate count, the row and its one-time key commit together
            allowed = not rate_limited()
            saved = save_once(db, form, issue.slug, values) if allowed and not (errors or problem) else None
    except database.Busy:
        return busy(form.template, issue, values, **extra), None
    except store.NotAllowed as error:
        return refused(error), None
    except LookupError:
        abort(404)
    if not allowed:
        return error_response(429), None
    if errors:
        return render_form(form.template, issue, values, errors, 400, form_started=reusable_form_token(request.form),
                           **extra), None
    if problem:
        return render_form(form.template, issue, values, {"_form": problem}, 400, **extra), None
    return None, saved


# Signing up ----------------------------------------------------------------------------


@bp.route("/<slug>/bijeenkomst/<int:number>", methods=["GET", "POST"])
def signup(slug, number):
    issue = find_issue(slug, PERSONAL_PAGE_PHASES)
    return signup_form(issue, meeting_or_404(issue, number))


@bp.route("/<slug>/lid/<token>/bijeenkomst/<int:number>", methods=["GET", "POST"])
def member_signup(slug, token, number):
    """The same form with the personal link: prefilled, and stored as the member's (their own
    confirmed address counts as confirmed at once)."""
    issue = find_issue(slug, PERSONAL_PAGE_PHASES)
    member = member_or_403(issue, token)
    return signup_form(issue, meeting_or_404(issue, number), member, token)


def signup_form(issue, meeting, member=None, token=""):
    template = "deelnemen/bijeenkomst.html"
    extra = {"meeting": meeting, "when": meetings.when(meeting), "member": member, "token": token,
             "state": _(meetings.STATES[meeting["state"]])}
    if request.method == "GET":
        values = {"name": member["name"], "email": member["email"] or ""} if member else {}
        return render_form(template, issue, values, {}, **extra)
    values, errors = forms.validate_signup(request.form)
    form = Form(template, forms.validate_signup, lambda db, slug, v: "S%d" % meetings.sign_up(
        db, slug, meeting["number"], name=v["name"], email=v["email"] or None, member_id=member and member["id"],
        language=i18n.current(), needs=forms.signup_needs(v), channel="web"), SIGNED_UP)
    answer, saved = submit(form, issue, values, errors, **extra)
    if answer:
        return answer
    public_id, thanks, new = saved
    row = meetings.signup(get_db(), int(public_id[1:]))
    if new and row["email"] and not row["email_confirmed_at"] and not notify.signup_confirmation(
            settings(), issue, meeting, row, secret=secret()):
        thanks = SIGNED_UP_NO_MAIL
    location = url_for(".signed_up", slug=issue.slug, number=meeting["number"],
                       t=tokens.thanks_token(secret(), issue.slug, public_id, thanks))
    return redirect_303(location, id=public_id)


@bp.get("/<slug>/bijeenkomst/<int:number>/aangemeld")
def signed_up(slug, number):
    """The signup just stored, for its sender only (the signed `t`): never their needs or address."""
    issue = find_issue(slug, PERSONAL_PAGE_PHASES)
    meeting = meeting_or_404(issue, number)
    try:
        signed_slug, public_id, thanks = tokens.read_thanks_token(secret(), request.args.get("t"))
    except tokens.TokenError:
        return error_response(400, _(NOT_YOURS))
    signup_id = forms.parse_number(public_id, "S") if public_id.startswith("S") else None
    row = meetings.signup(get_db(), signup_id) if signup_id and thanks in (SIGNED_UP, SIGNED_UP_NO_MAIL) else None
    cutoff = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=THANKS_DAYS)
    if (row is None or signed_slug != issue.slug or (row["issue"], row["number"]) != (issue.slug, number)
            or datetime.datetime.fromisoformat(row["created_at"]) < cutoff):
        return error_response(400, _(NOT_YOURS))
    return render_template("deelnemen/aangemeld.html", issue=issue, meeting=meeting, when=meetings.when(meeting),
                           name=row["name"], email_given=bool(row["email"]),
                           email_confirmed=bool(row["email_confirmed_at"]), mail_sent=thanks == SIGNED_UP)


@bp.get("/<slug>/aanmelding/bevestigen/<token>")
def confirm_signup(slug, token):
    """The link in the signup mail: the address is confirmed, so the reminder goes to it."""
    issue = find_issue(slug, PERSONAL_PAGE_PHASES)
    try:
        signup_id, key = tokens.read_signup_token(secret(), token)
    except tokens.TokenError as error:
        return error_response(400, token_problem(error))
    db = get_db()
    row = meetings.signup(db, signup_id)
    if (row is None or row["issue"] != issue.slug or not tokens.confirms(secret(), key, row["email"])
            or not meetings.confirm_signup(db, signup_id, row["email"])):
        return error_response(400, token_problem(tokens.TokenError(expired=False)))
    meeting = meetings.get(db, issue.slug, row["number"])
    return render_template("deelnemen/aanmelding-bevestigd.html", issue=issue, meeting=meeting,
                           when=meetings.when(meeting), name=row["name"])


# Choosing the date -------------------------------------------------------------------------


@bp.route("/<slug>/lid/<token>/bijeenkomst/<int:number>/datums", methods=["GET", "POST"])
def choose_dates(slug, token, number):
    """The member ticks the dates that suit them (none ticked: none suits); 303 back here,
    saying it was saved. 409 once the date is fixed."""
    issue = find_issue(slug, PERSONAL_PAGE_PHASES)
    member = member_or_403(issue, token)
    meeting = meeting_or_404(issue, number)
    extra = {"meeting": meeting, "member": member, "token": token, "when": meetings.when(meeting),
             "state": _(meetings.STATES[meeting["state"]]), "saved": request.args.get("bewaard") == "1"}
    if request.method == "GET":
        chosen = meetings.chosen_by(get_db(), issue.slug, number, member["id"])
        return render_form("deelnemen/datums.html", issue, {"options": chosen}, {}, **extra)
    if rate_limited():
        return error_response(429)
    values, errors = forms.validate_dates(request.form, {o["id"] for o in meeting["options"]})
    if errors:
        return render_form("deelnemen/datums.html", issue, values, errors, 400, **extra)
    try:
        meetings.choose(get_db(), issue.slug, number, member["id"], values["options"])
    except store.NotAllowed as error:
        return refused(error)
    except LookupError:
        abort(404)
    notify_rebuild()  # the counts per date are on the kwestie page
    return redirect_303(url_for(".choose_dates", slug=issue.slug, token=token, number=number, bewaard=1)
                        + "#bewaard")


# Inviting ----------------------------------------------------------------------------------


INVITE_NOT_SENT = N_("Je uitnodiging kon nu niet verstuurd worden. Probeer het later nog een keer.")


@bp.route("/<slug>/lid/<token>/uitnodigen", methods=["GET", "POST"])
def invite(slug, token):
    """Wie vindt dit ook belangrijk? One mail, in the member's name, with their note. The
    address goes to the mail and nowhere else; the answer does not repeat it."""
    issue = find_issue(slug, PERSONAL_PAGE_PHASES)
    member = member_or_403(issue, token)
    template = "deelnemen/uitnodigen.html"
    extra = {"member": member, "token": token, "note_max": invitations.NOTE_MAX,
             "sent": request.args.get("verstuurd")}
    if request.method == "GET":
        return render_form(template, issue, {}, {}, **extra)
    values, errors = forms.validate_invitation(request.form, invitations.NOTE_MAX)
    form = Form(template, None, lambda db, slug, v: invitations.record(db, slug, member["id"]) or "U", INVITED)
    answer, saved = submit(form, issue, values, errors, **extra)
    if answer:
        return answer
    sent = not saved[2] or notify.invitation(settings(), issue, member, values["note"], values["email"])
    return redirect_303(url_for(".invite", slug=issue.slug, token=token, verstuurd=int(sent)) + "#verstuurd")


# On the personal page --------------------------------------------------------------------


@bp.app_template_global()
def next_meeting_for(issue, member):
    """For 'Mijn deelname': the next meeting of the kwestie, and whether the member marked its
    dates or signed up. None when none is coming."""
    db = get_db()
    meeting = meetings.next_meeting(meetings.for_issue(db, issue.slug))
    if meeting is None:
        return None
    number = meeting["number"]
    return {"meeting": meeting, "when": meetings.when(meeting),
            "signed_up": meetings.signed_up(db, issue.slug, number, member["id"]),
            "chose": meetings.answered_by(db, issue.slug, number, member["id"])}
