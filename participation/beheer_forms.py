"""Validate what coordinators and professionals send in /beheer/.

Same shape as forms.py (values, errors), whose resident checks we reuse for
contributions entered on someone's behalf; this adds the channel they came in by.
"""

from . import accounts, forms
from .forms import NAME_MAX, TEXT_MAX, clean
from .issues import PHASES
from .store import CHANNELS, KINDS

QUESTION_MAX = 2000
REASON_MAX = 500
ORGANISATION_MAX = 80
PASSWORD_MAX = 200
# Entered on someone's behalf: how it reached the coordinator. Web first is
# odd here, so the usual channels come first.
BEHALF_CHANNELS = {key: CHANNELS[key] for key in ("deur", "papier", "bijeenkomst", "web")}


def _channel(form, errors):
    channel = clean(form.get("channel"))
    if channel not in CHANNELS:
        errors["channel"] = "Hoe kwam dit binnen: kies aan de deur, op papier, op een bijeenkomst of via de website"
    return channel


def _with_channel(validate):
    def validate_on_behalf(form):
        errors = {}
        channel = _channel(form, errors)
        values, field_errors = validate(form)
        values["channel"] = channel
        return values, {**errors, **field_errors}
    return validate_on_behalf


def _member(form):
    values, errors = forms.validate_member(form)
    # No e-mail on someone's behalf: a person confirms their own address on the website.
    values["email"] = ""
    errors.pop("email", None)
    return values, errors


def _question(form):
    values = {"text": clean(form.get("text"), multiline=True), "author_name": clean(form.get("author_name"))}
    errors = {}
    if not values["text"]:
        errors["text"] = "Vraag: schrijf de vraag op"
    elif len(values["text"]) > QUESTION_MAX:
        errors["text"] = f"Vraag: maximaal {QUESTION_MAX} tekens (nu {len(values['text'])})"
    if len(values["author_name"]) > NAME_MAX:
        errors["author_name"] = f"Naam: maximaal {NAME_MAX} tekens (nu {len(values['author_name'])})"
    return values, errors


validate_member = _with_channel(_member)
validate_idea = _with_channel(forms.validate_idea)
validate_question = _with_channel(_question)


def validate_login(form):
    values = {"username": accounts.normalise_username(clean(form.get("username"))),
              "password": form.get("password") or ""}
    errors = {}
    if not values["username"]:
        errors["username"] = "Gebruikersnaam: vul je gebruikersnaam in"
    if not values["password"]:
        errors["password"] = "Wachtwoord: vul je wachtwoord in"
    return values, errors


def contribution(form):
    """(table, number) of the contribution a moderation form is about, or None."""
    table, number = clean(form.get("table")), clean(form.get("number"))
    if table not in KINDS or not number.isdigit() or len(number) > 9:
        return None
    return table, int(number)


def validate_reason(form):
    values = {"reason": clean(form.get("reason"))}
    errors = {}
    if not values["reason"]:
        errors["reason"] = "Reden: schrijf op waarom je dit verbergt. Iedereen ziet die reden"
    elif len(values["reason"]) > REASON_MAX:
        errors["reason"] = f"Reden: maximaal {REASON_MAX} tekens (nu {len(values['reason'])})"
    return values, errors


def validate_phase(form, choices):
    values = {"phase": clean(form.get("phase"))}
    errors = {}
    if values["phase"] not in PHASES or values["phase"] not in choices:
        errors["phase"] = "Nieuwe fase: kies een fase"
    return values, errors


def validate_answer(form):
    values = {"text": clean(form.get("text"), multiline=True)}
    errors = {}
    if not values["text"]:
        errors["text"] = "Antwoord: schrijf je antwoord op"
    elif len(values["text"]) > TEXT_MAX:
        errors["text"] = f"Antwoord: maximaal {TEXT_MAX} tekens (nu {len(values['text'])})"
    return values, errors


def validate_user(form):
    """A new account; the password is checked but never returned in the values."""
    values = {
        "username": accounts.normalise_username(clean(form.get("username"))),
        "display_name": clean(form.get("display_name")),
        "organisation": clean(form.get("organisation")),
        "role": clean(form.get("role")),
    }
    password, again = form.get("password") or "", form.get("password_again") or ""
    errors = {}
    if not accounts.USERNAME.match(values["username"]):
        errors["username"] = ("Gebruikersnaam: 2 tot 40 tekens; alleen kleine letters, cijfers, "
                              "punt, streepje of liggend streepje")
    if not values["display_name"]:
        errors["display_name"] = "Naam: vul de naam in die bij antwoorden op de site staat"
    elif len(values["display_name"]) > NAME_MAX:
        errors["display_name"] = f"Naam: maximaal {NAME_MAX} tekens"
    if len(values["organisation"]) > ORGANISATION_MAX:
        errors["organisation"] = f"Organisatie: maximaal {ORGANISATION_MAX} tekens"
    if values["role"] not in accounts.ROLES:
        errors["role"] = "Rol: kies professional of coördinator"
    if len(password) < accounts.PASSWORD_MIN:
        errors["password"] = f"Wachtwoord: kies een wachtwoord van minstens {accounts.PASSWORD_MIN} tekens"
    elif len(password) > PASSWORD_MAX:
        errors["password"] = f"Wachtwoord: maximaal {PASSWORD_MAX} tekens"
    elif password != again:
        errors["password_again"] = "Wachtwoord nog een keer: dit is niet hetzelfde wachtwoord"
    return values, password, errors
