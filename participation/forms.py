"""Validate what residents send. Plain functions: form data in, (values, errors) out.

`errors` maps a field name to a Dutch message that names the field, in the
order the fields appear on the form, so the error summary can list them.
"""

import re
import unicodedata

from .store import RELATIONS

# Control characters other than tab and newline never belong in a contribution.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

TITLE_MAX = 120
TEXT_MAX = 4000
NAME_MAX = 60


def clean(value, *, multiline=False):
    """Normalise one submitted text: NFC, no control characters, trimmed."""
    value = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        value = value.replace("\n", " ").replace("\t", " ")
    return CONTROL.sub("", value).strip()


def _check_length(errors, field, label, value, maximum):
    if len(value) > maximum:
        errors[field] = f"{label} is te lang: maximaal {maximum} tekens (nu {len(value)})"


def validate_member(form):
    values = {
        "name": clean(form.get("name")),
        "relation": clean(form.get("relation")),
        "relation_other": clean(form.get("relation_other")),
    }
    errors = {}
    if not values["name"]:
        errors["name"] = "Naam: vul een naam in. Een voornaam of een bijnaam is genoeg"
    else:
        _check_length(errors, "name", "Naam", values["name"], NAME_MAX)
    if values["relation"] not in RELATIONS:
        errors["relation"] = "Betrokkenheid: kies hoe je bij deze kwestie betrokken bent"
    elif values["relation"] == "anders" and not values["relation_other"]:
        errors["relation_other"] = "Anders, namelijk: vul in hoe je betrokken bent"
    if values["relation"] != "anders":
        values["relation_other"] = ""
    _check_length(errors, "relation_other", "Anders, namelijk", values["relation_other"], NAME_MAX)
    return values, errors


def validate_idea(form):
    values = {
        "title": clean(form.get("title")),
        "body": clean(form.get("body"), multiline=True),
        "author_name": clean(form.get("author_name")),
    }
    errors = {}
    if not values["title"]:
        errors["title"] = "Titel: geef je idee een korte titel"
    else:
        _check_length(errors, "title", "Titel", values["title"], TITLE_MAX)
    _check_length(errors, "body", "Uitleg", values["body"], TEXT_MAX)
    _check_length(errors, "author_name", "Naam", values["author_name"], NAME_MAX)
    return values, errors
