"""Validate what residents send. Plain functions: form data in, (values, errors) out.

`errors` maps a field name to a Dutch message that names the field, in the
order the fields appear on the form, so the error summary can list them.
"""

import re
import unicodedata

from .i18n import _
from .labels import RELATIONS, current

# Control characters other than tab and newline never belong in a contribution.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

TITLE_MAX = 120
TEXT_MAX = 4000
NAME_MAX = 60
EMAIL_MAX = 254
COST_MAX = 100_000_000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# ASCII digits only ("\d" also takes "١" and "²", which int() reads or refuses),
# and few of them: int() refuses more than 4,300 digits, SQLite more than 19.
EUROS = re.compile(r"^(?:€\s*)?([0-9]{1,3}(?:\.[0-9]{3}){1,4}|[0-9]{1,15})(?:,([0-9]{1,2}))?$")
NUMBER = re.compile(r"^[0-9]{1,9}$")


def clean(value, *, multiline=False):
    """Normalise one submitted text: NFC, no control characters, trimmed."""
    value = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        value = value.replace("\n", " ").replace("\t", " ")
    return CONTROL.sub("", value).strip()


def _check_length(errors, field, label, value, maximum):
    if len(value) > maximum:
        errors[field] = _("%(label)s is te lang: maximaal %(maximum)d tekens (nu %(length)d)") % {
            "label": label, "maximum": maximum, "length": len(value)}


def parse_number(text, prefix=""):
    """'12' or, with prefix 'A', 'A12' -> 12: a number a form refers to (L12, A3, ...); None if not one."""
    text = clean(text).upper()
    for letter in prefix:
        text = text.removeprefix(letter)
    return int(text) if NUMBER.match(text) else None


def parse_euros(text):
    """'1.200', '€ 1200' or '1200,50' -> 1200 or 1201 (whole euros); None if not an amount."""
    match = EUROS.match(text.replace(" ", "") if text.startswith("€") else text)
    if not match:
        return None
    cents = int((match.group(2) or "0").ljust(2, "0"))
    return int(match.group(1).replace(".", "")) + (1 if cents >= 50 else 0)


def validate_member(form):
    values = {
        "name": clean(form.get("name")),
        "relation": current(clean(form.get("relation"))),  # a page from before the keys were English
        "relation_other": clean(form.get("relation_other")),
        "email": clean(form.get("email")).lower(),
    }
    errors = {}
    if not values["name"]:
        errors["name"] = _("Naam: vul een naam in. Een voornaam of een bijnaam is genoeg")
    else:
        _check_length(errors, "name", _("Naam"), values["name"], NAME_MAX)
    if values["relation"] not in RELATIONS:
        errors["relation"] = _("Betrokkenheid: kies hoe je bij deze kwestie betrokken bent")
    elif values["relation"] == "other" and not values["relation_other"]:
        errors["relation_other"] = _("Anders, namelijk: vul in hoe je betrokken bent")
    if values["relation"] != "other":
        values["relation_other"] = ""
    _check_length(errors, "relation_other", _("Anders, namelijk"), values["relation_other"], NAME_MAX)
    _check_email(errors, "email", values["email"])
    values["invited"] = bool(form.get("invited"))  # "Iemand heeft me gevraagd om mee te doen"
    return values, errors


def _check_email(errors, field, address):
    if address and (len(address) > EMAIL_MAX or not EMAIL.match(address)):
        errors[field] = _("E-mailadres: dit lijkt geen e-mailadres. Het ziet eruit als naam@voorbeeld.nl")


INTERPRETER_MAX = 60
NEED_BOXES = ("step_free", "hearing_loop", "childcare")  # meetings.NEEDS without the interpreter's language


def validate_signup(form):
    """Signing up for a meeting: a name, an address if they want a reminder, and what they need
    to be able to come (meetings.NEEDS): an interpreter in a language they name, or a box ticked."""
    values = {"name": clean(form.get("name")), "email": clean(form.get("email")).lower(),
              "interpreter": bool(form.get("interpreter")), "language": clean(form.get("language")),
              **{need: bool(form.get(need)) for need in NEED_BOXES}}
    errors = {}
    if not values["name"]:
        errors["name"] = _("Naam: vul een naam in. Een voornaam is genoeg")
    else:
        _check_length(errors, "name", _("Naam"), values["name"], NAME_MAX)
    _check_email(errors, "email", values["email"])
    if values["interpreter"] and not values["language"]:
        errors["language"] = _("Taal: schrijf op in welke taal je een tolk nodig hebt")
    _check_length(errors, "language", _("Taal"), values["language"], INTERPRETER_MAX)
    return values, errors


def signup_needs(values):
    """The needs of a valid signup form as meetings.sign_up takes them."""
    return {"interpreter": values["language"] if values["interpreter"] else "",
            **{need: values[need] for need in NEED_BOXES}}


def validate_dates(form, option_ids):
    """The dates that suit a member (option ids of the meeting); none ticked is an answer too,
    as is the button "Geen van deze datums past me" (geen), whatever was ticked."""
    chosen = [] if form.get("geen") else [parse_number(value) for value in form.getlist("options")]
    values = {"options": {number for number in chosen if number in option_ids}}
    errors = {}
    if len(values["options"]) != len(chosen):
        errors["options"] = _("Datums: kies alleen uit de datums hieronder")
    return values, errors


def validate_invitation(form, note_max):
    """An invitation: the address it goes to (used for this one mail) and a short note."""
    values = {"email": clean(form.get("email")), "note": clean(form.get("note"), multiline=True)}
    errors = {}
    if not values["email"]:
        errors["email"] = _("E-mailadres: vul het e-mailadres in van wie je wilt uitnodigen")
    _check_email(errors, "email", values["email"])
    _check_length(errors, "note", _("Je bericht"), values["note"], note_max)
    return values, errors


def validate_idea(form):
    values = {
        "title": clean(form.get("title")),
        "body": clean(form.get("body"), multiline=True),
        "author_name": clean(form.get("author_name")),
        "cost": clean(form.get("cost")),
    }
    errors = {}
    if not values["title"]:
        errors["title"] = _("Titel: geef je idee een korte titel")
    else:
        _check_length(errors, "title", _("Titel"), values["title"], TITLE_MAX)
    _check_length(errors, "body", _("Uitleg"), values["body"], TEXT_MAX)
    if values["cost"]:
        cost = parse_euros(values["cost"])
        if cost is None or cost > COST_MAX:
            errors["cost"] = _("Geschatte kosten: vul een bedrag in hele euro’s in, bijvoorbeeld 1200")
        else:
            values["cost"] = cost
    values["cost"] = values["cost"] if isinstance(values["cost"], int) else (values["cost"] or None)
    _check_length(errors, "author_name", _("Naam"), values["author_name"], NAME_MAX)
    return values, errors


def validate_question(form):
    values = {"text": clean(form.get("text"), multiline=True), "author_name": clean(form.get("author_name"))}
    errors = {}
    if not values["text"]:
        errors["text"] = _("Vraag: schrijf je vraag op")
    else:
        _check_length(errors, "text", _("Vraag"), values["text"], TEXT_MAX)
    _check_length(errors, "author_name", _("Naam"), values["author_name"], NAME_MAX)
    return values, errors


def validate_objection(form, agreement_numbers):
    """An objection (or a concern) needs an agreement of the concept plan and a reason."""
    values = {"agreement": clean(form.get("agreement")),
              "reason": clean(form.get("reason"), multiline=True),
              "kind": clean(form.get("kind")) or "objection"}
    errors = {}
    if values["kind"] not in ("objection", "concern"):
        errors["kind"] = _("Soort: kies bezwaar of zorg")
    number = parse_number(values["agreement"], "A")
    if number not in agreement_numbers:
        errors["agreement"] = _("Afspraak: kies de afspraak waar je bezwaar tegen hebt")
    else:
        values["agreement"] = number
    if not values["reason"]:
        errors["reason"] = _("Reden: schrijf op waarom je bezwaar hebt. Dan kan de kring zoeken naar een oplossing")
    else:
        _check_length(errors, "reason", _("Reden"), values["reason"], TEXT_MAX)
    return values, errors


ROUND_ANSWERS = ("consent", "concern", "objection")


def validate_round_answers(form, agreement_numbers):
    """A member's answers in a round, one per agreement: answer_<n> (consent, concern,
    objection) and reason_<n>, needed with a concern or an objection. Agreements left
    unanswered stay "no answer"; at least one answer is needed."""
    values, errors = {}, {}
    for number in agreement_numbers:
        answer = clean(form.get(f"answer_{number}"))
        reason = clean(form.get(f"reason_{number}"), multiline=True)
        values[f"answer_{number}"], values[f"reason_{number}"] = answer, reason
        if not answer:
            continue
        if answer not in ROUND_ANSWERS:
            errors[f"answer_{number}"] = _("A%(number)d: kies ik kan ermee leven, zorg of bezwaar") % {"number": number}
        elif answer != "consent" and not reason:
            errors[f"reason_{number}"] = (
                _("A%(number)d: schrijf op waarom je een zorg hebt. Dan kan de kring zoeken naar een oplossing")
                if answer == "concern" else
                _("A%(number)d: schrijf op waarom je een bezwaar hebt. Dan kan de kring zoeken naar een oplossing")
            ) % {"number": number}
        else:
            _check_length(errors, f"reason_{number}", _("A%(number)d, reden") % {"number": number}, reason, TEXT_MAX)
    if not any(values[f"answer_{n}"] for n in agreement_numbers) and not errors:
        errors["_form"] = _("Kies bij minstens één afspraak je antwoord")
    return values, errors
