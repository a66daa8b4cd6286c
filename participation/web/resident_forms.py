"""What the resident forms share (deelnemen.py, deelnemen_meetings.py): rendering a form with its
spam-trap token, the rate limit and the spam check, storing a form once by its one-time key, the
503 when busy, and the member a personal link belongs to. Not a blueprint: blueprints share code
through modules like this one (tests/test_layers.py)."""

from dataclasses import dataclass
from typing import Callable

from flask import current_app, jsonify, make_response, render_template, request

from .. import store, throttle, tokens
from ..i18n import N_, _
from ..issues import CONTRIBUTION_PHASES
from .db import get_db
from .kwestie import secret
from .negotiate import wants_json


@dataclass(frozen=True)
class Form:
    template: str
    validate: Callable
    save: Callable  # (db, slug, values) -> public id
    thanks: str  # fragment id of the confirmation (on its own page; the kwestie page has one too)
    for_members: bool = False  # may carry a member's personal link (lid), to be stored as theirs


PERSONAL_PAGE_PHASES = CONTRIBUTION_PHASES + ("closed",)


def render_form(template, issue, values, errors, status=200, form_started=None, **extra):
    if errors and wants_json():
        return jsonify(error=_("Niet alles is goed ingevuld"), fields=errors, status=400), 400
    html = render_template(template, issue=issue, values=values, errors=errors,
                           form_started=form_started or tokens.form_token(secret()), **extra)
    return html, status


def reusable_form_token(data):
    """The form's own token, when a person sent it and only forgot a field: the fill time keeps
    counting from when the form was first shown, so fixing one field quickly is not "too fast".
    None (a fresh token) when the token is forged or expired, or the honeypot was filled."""
    token = data.get("form_started")
    if data.get("website") or not tokens.form_key(secret(), token):
        return None
    try:
        tokens.form_age(secret(), token)
    except tokens.TokenError:
        return None
    return token


def spam_check(data):
    """A Dutch message when the submission looks automated (honeypot, too fast), else None.

    Only asked once every field is right: a person who forgot a field hears about that field,
    not that they were "too fast". A robot gains nothing: its valid submission still meets
    this check, and an invalid one is never stored."""
    if data.get("website"):
        return _("We konden je bericht niet verwerken. Laat het veld ‘Laat dit veld leeg’ leeg.")
    try:
        age = tokens.form_age(secret(), data.get("form_started"))
    except tokens.TokenError:
        return _("Het formulier is verlopen of niet compleet. Verstuur het nog een keer.")
    if age < current_app.config["MIN_FILL_SECONDS"]:
        return _("Je verstuurde het formulier erg snel. Wacht een paar seconden en verstuur het nog een keer.")
    return None


def rate_limited():
    client = throttle.client_id(secret(), request.remote_addr)
    config = current_app.config
    return not throttle.allow(get_db(), client, limit=config["RATE_LIMIT"], window=config["RATE_WINDOW"])


THANKS_DAYS = 7  # after that the confirmation page is gone; the contribution is on the kwestie page


BUSY = N_("Het is nu erg druk. Er is niets opgeslagen. Probeer het over een minuut nog een keer: "
          "wat je schreef, staat er nog.")


def busy(template, issue, values, **extra):
    """503 when the database stayed locked: nothing stored, the form back with the input and the
    same form token, so sending it again is the same submission (stored once)."""
    if wants_json():
        response = jsonify(error=_("Even niet beschikbaar"), explanation=_(BUSY), status=503)
        response.status_code = 503
    else:
        response = make_response(render_template(
            template, issue=issue, values=values, errors={"_form": _(BUSY)},
            form_started=request.form.get("form_started") or tokens.form_token(secret()), **extra), 503)
    response.headers["Retry-After"] = "60"
    return response


def save_once(db, form, slug, values):
    """Store a valid form inside the caller's write: (public id, thanks, True); or, when this
    form (its one-time key) was stored already, what it got then: (public id, thanks, False)."""
    key = tokens.form_key(secret(), request.form.get("form_started"))
    earlier = store.earlier_submission(db, key) if key else None
    if earlier:
        return (*earlier, False)
    public_id = form.save(db, slug, values)
    if key:
        store.remember_submission(db, key, public_id, form.thanks)
    return public_id, form.thanks, True


NOT_YOURS = N_("Deze bevestiging kunnen we niet laten zien. De link klopt niet, of is ouder dan een week. "
                "Wat je stuurde, staat op de pagina van de kwestie.")


def token_problem(error):
    if error.expired:
        return _("Deze link is verlopen. Vraag de coördinator om een nieuwe, of meld je opnieuw aan.")
    return _("Deze link klopt niet. Kopieer de hele link uit je e-mail, of vraag de coördinator om hulp.")


def member_from_token(issue, token):
    """The confirmed member a personal-link token belongs to, or None."""
    try:
        member_id, slug = tokens.read_member_token(secret(), token or "")
    except tokens.TokenError:
        return None
    member = store.member(get_db(), member_id)
    if member is None or slug != issue.slug or member["issue"] != issue.slug or not member["email_confirmed_at"]:
        return None
    return member


NOT_A_MEMBER = N_("Bezwaar maken kan alleen als je in de kring zit en je e-mailadres hebt bevestigd. "
                   "Gebruik de persoonlijke link uit je e-mail. Heb je die niet? Doe dan mee in de kring, "
                   "of vraag de coördinator om je bezwaar op te schrijven.")
