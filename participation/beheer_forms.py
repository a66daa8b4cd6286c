"""Validate what coordinators and professionals send in /beheer/.

Same shape as forms.py (values, errors), whose resident checks we reuse for
contributions entered on someone's behalf; this adds the channel they came in by.
At the end: the plan's forms (agreements, the consent round, adoption, follow-up).
"""

import datetime
import re

from . import accounts, forms, place as places
from .forms import NAME_MAX, TEXT_MAX, clean, parse_number
from .labels import AGREEMENT_STATUSES, CHANNELS, DECISIONS, PHASES, RELATIONS, current
from .store import KINDS

QUESTION_MAX = 2000
REASON_MAX = 500
ORGANISATION_MAX = 80
PASSWORD_MAX = 200
# Entered on someone's behalf: how it reached the coordinator. Web first is
# odd here, so the usual channels come first.
BEHALF_CHANNELS = {key: CHANNELS[key] for key in ("door", "paper", "meeting", "web")}


def _channel(form, errors):
    channel = current(clean(form.get("channel")))
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
    table, number = clean(form.get("table")), parse_number(form.get("number"))
    if table not in KINDS or number is None:
        return None
    return table, number


def validate_reason(form):
    values = {"reason": clean(form.get("reason"))}
    errors = {}
    if not values["reason"]:
        errors["reason"] = "Reden: schrijf op waarom je dit verbergt. Iedereen ziet die reden"
    elif len(values["reason"]) > REASON_MAX:
        errors["reason"] = f"Reden: maximaal {REASON_MAX} tekens (nu {len(values['reason'])})"
    return values, errors


def validate_meeting(form, today):
    """A meeting that was held: its day (not one still to come), place, how many came (a total,
    or counts per relation), a note."""
    values = {"held_on": clean(form.get("held_on")), "place": clean(form.get("place")),
              "attendees": clean(form.get("attendees")), "note": clean(form.get("note"), multiline=True)}
    errors = {}
    _date(values, errors, "held_on", "Datum", missing="vul in wanneer de bijeenkomst was",
          rule=(lambda day: day > today, "schrijf een bijeenkomst op als die geweest is"))
    _text(values, errors, "place", "Waar", MEETING_MAX, "schrijf op waar de bijeenkomst was")
    values["attendance"] = _attendance(form, values, errors)
    if values["attendees"]:
        count = parse_number(values["attendees"])
        if count is None:
            errors["attendees"] = "Aantal mensen: vul een heel getal in, bijvoorbeeld 35"
        elif values["attendance"] and count != sum(values["attendance"].values()):
            errors["attendees"] = (f"Aantal mensen: dat is niet hetzelfde als de aantallen per soort deelnemer "
                                   f"samen ({sum(values['attendance'].values())}). Laat het leeg, of verbeter het")
        else:
            values["attendees"] = count
    else:
        values["attendees"] = None
    _text(values, errors, "note", "Wat er besproken is", NOTE_MAX)
    return values, errors


# Meetings: announcing one, its date, signing up at the door, recording it --------------

TITLE_MAX = 120
PLACE_MAX = 200
AGENDA_MAX = 2000
INTERPRETER_MAX = 40
DEFAULT_MEETING_TITLE = "Buurtbijeenkomst"
TIME = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")
AGENDA = {"information": "Informatie", "circle_time": "Eigen tijd van de kring", "plan_part": "Het plan maken"}


def attendance_field(relation):
    return f"count_{relation}"


def _attendance(form, values, errors):
    """Optional counts per relation (fields count_<relation>): {relation: n}, only those above 0."""
    counts = {}
    for relation, label in RELATIONS.items():
        name = attendance_field(relation)
        values[name] = clean(form.get(name))
        if not values[name]:
            continue
        count = parse_number(values[name])
        if count is None:
            errors[name] = f"Aantal ‘{label}’: vul een heel getal in, bijvoorbeeld 12"
        elif count:
            counts[relation] = count
    return counts


def parse_time(text):
    """'19:30' or '19.30' -> a time; None if not a time of day."""
    match = TIME.match(clean(text))
    return datetime.time(int(match.group(1)), int(match.group(2))) if match else None


def date_field(n):
    return f"date_{n}"


def validate_meeting_text(form):
    """What a meeting says: its name, place and the place's accessibility, and the agenda's parts."""
    values = {name: clean(form.get(name)) for name in ("title", "place", "accessibility")}
    values.update({name: clean(form.get(name), multiline=True) for name in AGENDA})
    values["title"] = values["title"] or DEFAULT_MEETING_TITLE
    errors = {}
    _text(values, errors, "title", "Naam van de bijeenkomst", TITLE_MAX)
    _text(values, errors, "place", "Waar", PLACE_MAX, "schrijf op waar de bijeenkomst is")
    _text(values, errors, "accessibility", "Toegankelijkheid", NOTE_MAX)
    for name, label in AGENDA.items():
        _text(values, errors, name, label, AGENDA_MAX)
    return values, errors


def validate_announcement(form, max_options):
    """A meeting to announce: title, place and its accessibility, the agenda's three parts, start and end
    time, and 1 to max_options dates (date_1 …): one is the date; more, the circle chooses.
    values["options"] are the starts (datetimes); whether they are still to come is meetings.announce's rule."""
    values, errors = validate_meeting_text(form)
    values.update({name: clean(form.get(name)) for name in ("kind", "starts", "ends")})
    values["kind"] = values["kind"] or "meeting"
    if values["kind"] not in ("meeting", "review"):
        errors["_kind"] = "Soort bijeenkomst: laad de pagina opnieuw en probeer het nog eens"
    days = []
    for n in range(1, max_options + 1):
        name = date_field(n)
        values[name] = clean(form.get(name))
        _date(values, errors, name, f"Datum {n}")
        if values[name] and name not in errors:
            days.append(values[name])
    if not days and not any(date_field(n) in errors for n in range(1, max_options + 1)):
        errors[date_field(1)] = "Datum 1: vul minstens één datum in"
    times = {}
    for name, label in (("starts", "Begintijd"), ("ends", "Eindtijd")):
        times[name] = parse_time(values[name])
        if not values[name]:
            errors[name] = f"{label}: vul een tijd in, bijvoorbeeld 19:30"
        elif times[name] is None:
            errors[name] = f"{label}: dit is geen tijd. Schrijf het zo: 19:30"
    if times["starts"] and times["ends"] and times["ends"] <= times["starts"]:
        errors["ends"] = "Eindtijd: kies een tijd na de begintijd"
    if not errors:
        values["options"] = [datetime.datetime.combine(day, times["starts"]) for day in days]
        start, end = (datetime.datetime.combine(datetime.date.min, times[n]) for n in ("starts", "ends"))
        values["minutes"] = (end - start).seconds // 60
    return values, errors


def announcement_fields(values):
    """What the announce form's fields hold for these values (dates as the date field writes them)."""
    return {name: value.isoformat() if isinstance(value, datetime.date) else value for name, value in values.items()}


def validate_availability(form, member_ids, option_ids):
    """At the door: which of the dates suit a member of the circle (none ticked: none suits)."""
    values = {"member": clean(form.get("member")), "options": []}
    errors = {}
    member = parse_number(values["member"], "L")
    if member in member_ids:
        values["member"] = member
    else:
        errors["member"] = "Wie: kies iemand uit de kring"
    options = _checked(form, "options")
    if options is None or set(options) - set(option_ids):
        errors["options"] = "Welke datums: kies alleen datums van deze bijeenkomst"
    else:
        values["options"] = options
    return values, errors


def validate_door_signup(form):
    """Someone signs up at the door: a name and what they need to be able to come."""
    values = {"name": clean(form.get("name")), "interpreter": clean(form.get("interpreter")),
              **{need: bool(form.get(need)) for need in ("step_free", "hearing_loop", "childcare")}}
    errors = {}
    _text(values, errors, "name", "Naam", NAME_MAX, "vul de naam in")
    _text(values, errors, "interpreter", "Tolk", INTERPRETER_MAX)
    return values, errors


def validate_record(form):
    """After an announced meeting: how many came per relation, and a short public account."""
    values = {"account": clean(form.get("account"), multiline=True)}
    errors = {}
    values["attendance"] = _attendance(form, values, errors)
    _text(values, errors, "account", "Wat er gebeurde", NOTE_MAX)
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


# The plan: agreements, the consent round, adoption and follow-up -------------------

WHAT_MAX = 300
WHO_MAX = 300
WHEN_MAX = 100
MEETING_MAX = 200
NOTE_MAX = 1000
# A member's answer in a consent round, entered by the coordinator at a meeting.
ROUND_ANSWERS = {
    "consent": "Ik kan ermee leven (instemming)",
    "concern": "Zorg: wordt opgeschreven, houdt het plan niet tegen",
    "objection": "Bezwaar: de afspraak kan zo niet in het plan",
}
DATE_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def parse_date(text):
    """'2027-01-14' (a date field) or '14-1-2027' (typed) -> a date; None if not a date."""
    text = clean(text)
    try:
        if DATE_DMY.match(text):
            day, month, year = (int(part) for part in DATE_DMY.match(text).groups())
            return datetime.date(year, month, day)
        if re.match(r"^\d{4}-\d{2}-\d{2}$", text):
            return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    return None


def _checked(form, name):
    """The numbers of the ticked boxes `name`; None when one of them is not a number."""
    numbers = []
    for raw in form.getlist(name):
        number = parse_number(raw, "AIV")
        if number is None:
            return None
        numbers.append(number)
    return sorted(set(numbers))


def _date(values, errors, name, label, *, missing=None, rule=None, example="14-01-2027"):
    """Check one date field already in values and make it a date; empty stays "" unless `missing`
    (the message) makes it required. rule: (is_wrong(day), message), e.g. not in the future."""
    if not values[name]:
        if missing:
            errors[name] = f"{label}: {missing}"
        return
    day = parse_date(values[name])
    if day is None:
        errors[name] = f"{label}: dit is geen datum. Schrijf het zo: {example}"
    elif rule and rule[0](day):
        errors[name] = f"{label}: {rule[1]}"
    else:
        values[name] = day


def _text(values, errors, name, label, maximum, required=None):
    """Check one text field already in values: required (with that message) and not too long."""
    if not values[name]:
        if required:
            errors[name] = f"{label}: {required}"
    elif len(values[name]) > maximum:
        errors[name] = f"{label}: maximaal {maximum} tekens (nu {len(values[name])})"


def validate_agreement(form, idea_numbers, question_numbers=()):
    """A concept agreement: what (required), who (comma-separated), when, cost in euros, the
    ideas it comes from and the answered questions that inform it."""
    values = {
        "what": clean(form.get("what")),
        "who": ", ".join(part.strip() for part in clean(form.get("who")).split(",") if part.strip()),
        "when": clean(form.get("when")),
        "cost": clean(form.get("cost")),
    }
    errors = {}
    _text(values, errors, "what", "Wat", WHAT_MAX, "schrijf op wat er gaat gebeuren")
    _text(values, errors, "who", "Wie", WHO_MAX)
    _text(values, errors, "when", "Wanneer", WHEN_MAX)
    if values["cost"]:
        cost = forms.parse_euros(values["cost"])
        if cost is None or cost > forms.COST_MAX:
            errors["cost"] = "Kosten: vul een bedrag in hele euro’s in, bijvoorbeeld 1200"
        else:
            values["cost"] = cost
    else:
        values["cost"] = None
    for name, allowed, message in (
            ("from_ideas", idea_numbers, "Uit welke ideeën: kies alleen ideeën van deze kwestie"),
            ("information", question_numbers, "Informatie van professionals: kies alleen beantwoorde vragen")):
        numbers = _checked(form, name)
        if numbers is None or set(numbers) - set(allowed):
            errors[name] = message
            numbers = [n for n in (numbers or []) if n in allowed]
        values[name] = numbers
    return values, errors


def validate_round(form, concept_numbers, today):
    """Which concept agreements go into the round, and its last day (after today)."""
    numbers = _checked(form, "agreements")
    raw = clean(form.get("ends"))
    values = {"agreements": [n for n in numbers or [] if n in concept_numbers], "ends": raw}
    errors = {}
    if not numbers or set(numbers) - set(concept_numbers):
        errors["agreements"] = "Afspraken: kies een of meer afspraken uit het concept-plan"
    _date(values, errors, "ends", "Laatste dag", missing="kies tot wanneer mensen kunnen antwoorden",
          rule=(lambda day: day <= today, "kies een dag na vandaag"))
    return values, errors


def validate_round_answer(form, member_ids, round_numbers):
    """A member's answer given at a meeting: consent, or a concern or objection with agreement and reason."""
    values = {
        "member": clean(form.get("member")),
        "answer": clean(form.get("answer")),
        "agreement": clean(form.get("agreement")),
        "reason": clean(form.get("reason"), multiline=True),
    }
    errors = {}
    if parse_number(values["member"], "L") in member_ids:
        values["member"] = parse_number(values["member"], "L")
    else:
        errors["member"] = "Wie: kies iemand uit de kring"
    if values["answer"] not in ROUND_ANSWERS:
        errors["answer"] = "Antwoord: kies instemming, zorg of bezwaar"
    elif values["answer"] == "consent":
        # Consent is per agreement too; without one it is consent to every agreement of the round.
        values["agreement"] = parse_number(values["agreement"], "A") if values["agreement"] else None
        if values["agreement"] is not None and values["agreement"] not in round_numbers:
            errors["agreement"] = "Over welke afspraak: kies een afspraak uit de ronde, of laat het leeg"
        values["reason"] = ""
    else:
        if parse_number(values["agreement"], "A") in round_numbers:
            values["agreement"] = parse_number(values["agreement"], "A")
        else:
            errors["agreement"] = "Over welke afspraak: kies de afspraak waar de zorg of het bezwaar over gaat"
        _text(values, errors, "reason", "Reden", TEXT_MAX, "schrijf de reden op zoals de persoon die gaf")
    return values, errors


CLOSINGS = {"resolved": "opgelost: de indiener gaat akkoord met de aangepaste afspraak",
            "withdrawn": "ingetrokken: de indiener heeft geen bezwaar meer"}


def validate_closing(form):
    """An objector's word at a meeting: the objection withdrawn, or resolved by an amendment, with a note."""
    values = {"how": clean(form.get("how")), "note": clean(form.get("note"), multiline=True)}
    errors = {}
    if values["how"] not in CLOSINGS:
        errors["how"] = "Wat zei de indiener: kies opgelost of ingetrokken"
    _text(values, errors, "note", "Wat is er afgesproken", NOTE_MAX, "schrijf op wat de indiener zei")
    return values, errors


def validate_adoption(form):
    values = {"meeting": clean(form.get("meeting"))}
    errors = {}
    _text(values, errors, "meeting", "Waar is het besloten", MEETING_MAX)
    return values, errors


def validate_status(form, today):
    """A follow-up status of an adopted agreement, with a note for the council and residents,
    and the day it happened (today when empty; never a day still to come)."""
    values = {"status": clean(form.get("status")), "note": clean(form.get("note"), multiline=True),
              "date": clean(form.get("date")), "based_on": parse_number(clean(form.get("based_on")))}
    errors = {}
    if values["status"] not in AGREEMENT_STATUSES:
        errors["status"] = "Status: kies gepland, bezig, klaar of gestopt"
    _text(values, errors, "note", "Toelichting", NOTE_MAX, "schrijf op wat er is gebeurd")
    _date(values, errors, "date", "Datum", rule=(lambda day: day > today, "kies vandaag of een dag die al geweest is"))
    return values, errors


COUNCIL_REFERENCE_MAX = 80
COUNCIL_DECISION_MAX = 500


def validate_municipality_response(form, today=None):
    """The municipality's reasoned response to one adopted agreement, with an optional review date
    and an optional council reference: the raadsvoorstel or motie, the day of the council meeting
    and what the council decided. The number is needed as soon as the day or the decision is given.
    A meeting still to come is fine (it is on the agenda), but then there is no decision yet."""
    today = today or datetime.date.today()
    values = {"decision": clean(form.get("decision")), "text": clean(form.get("text"), multiline=True),
              "review_at": clean(form.get("review_at")), "council_reference": clean(form.get("council_reference")),
              "council_date": clean(form.get("council_date")),
              "council_decision": clean(form.get("council_decision"), multiline=True)}
    errors = {}
    if values["decision"] not in DECISIONS:
        errors["decision"] = "Besluit van de gemeente: kies een besluit"
    _text(values, errors, "text", "Reden", TEXT_MAX, "schrijf op waarom de gemeente dit besluit")
    _date(values, errors, "review_at", "Evaluatiemoment", example="01-06-2027")
    reference = "Nummer van het raadsvoorstel of de motie"
    _text(values, errors, "council_reference", reference, COUNCIL_REFERENCE_MAX,
          "vul het nummer in, bijvoorbeeld RV 2027-014. Dat is nodig als je een datum of besluit van de raad invult"
          if values["council_date"] or values["council_decision"] else None)
    _date(values, errors, "council_date", "Datum van de raadsvergadering", example="03-03-2027",
          rule=(lambda day: day > today and values["council_decision"],
                "die dag moet nog komen, dus de raad heeft nog niet besloten. Laat het besluit leeg tot na de "
                "vergadering, of kies de dag waarop de raad vergaderde"))
    _text(values, errors, "council_decision", "Besluit van de raad", COUNCIL_DECISION_MAX)
    return values, errors


# The kwestie's text (/beheer/nieuw, /beheer/<slug>/tekst) ---------------------------

TITLE_MAX = 120
QUESTION_TEXT_MAX = 1000
SUMMARY_MAX = 300
LINE_MAX = 200
CONSTRAINT_MAX = 500
BODY_MAX = 20_000  # the whole request may be 64 KB (web/__init__.py)
SLUG_MAX = 60
# Languages offered for the question, by their code; the form lists them by Dutch name.
QUESTION_LANGUAGES = ("en", "ar", "uk", "tr", "pl", "de", "fr", "es", "pt", "ro", "bg", "ru", "so", "ti",
                      "fa", "ps", "ku", "zh", "fy", "pap")
TRANSLATION_ROWS_MAX = 20
ISSUE_TEXTS = {  # name: (label, maximum, message when empty or None)
    "title": ("Titel", TITLE_MAX, "geef de kwestie een titel"),
    "question": ("Open vraag", QUESTION_TEXT_MAX, "schrijf de open vraag aan de buurt op"),
    "summary": ("Samenvatting", SUMMARY_MAX, None),
    "place": ("Plaats", LINE_MAX, None),
    "municipality": ("Gemeente", LINE_MAX, None),
    "coordinator": ("Coördinator", LINE_MAX, None),
}
ISSUE_NUMBERS = {  # name: (label, parse, example)
    "min_circle": ("Kleinste kring", parse_number, "3"),
    "budget": ("Budget", forms.parse_euros, "250.000"),
    "max_cost_per_agreement": ("Hoogste bedrag per afspraak", forms.parse_euros, "25.000"),
    "max_agreements": ("Hoogste aantal afspraken", parse_number, "10"),
}


def validate_issue(form, *, languages=QUESTION_LANGUAGES):
    """The kwestie's text as issue_file.py writes it; (values, errors).

    values holds what issue_file.render needs (dates as dates, numbers as ints,
    constraints as a tuple, translations as {lang: text}), plus `slug` ("" when
    the form left it empty: the caller proposes one from the title) and
    `translation_rows` [(lang, text)] to show the form again as it was typed.
    """
    values, errors = {}, {}
    for name, (label, maximum, missing) in ISSUE_TEXTS.items():
        values[name] = clean(form.get(name))
        _text(values, errors, name, label, maximum, missing)
    values["slug"] = clean(form.get("slug")).lower()
    if values["slug"] and (len(values["slug"]) > SLUG_MAX or not re.match(r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                                                                           values["slug"])):
        errors["slug"] = (f"Naam in het adres: alleen kleine letters, cijfers en streepjes, zoals "
                          f"cafe-de-zwaan (hoogstens {SLUG_MAX} tekens)")
    for name, label in (("opened", "Open sinds"), ("ideas_until", "Ideeën tot en met")):
        values[name] = clean(form.get(name))
        _date(values, errors, name, label)
        values[name] = values[name] or None
    if values["opened"] and values["ideas_until"] and not errors.keys() & {"opened", "ideas_until"} \
            and values["ideas_until"] < values["opened"]:
        errors["ideas_until"] = "Ideeën tot en met: deze dag ligt voor de dag dat de kwestie opent"
    values["coordinates"] = clean(form.get("coordinates"))  # kept as typed: a file saved unchanged stays the same
    try:
        places.parse(values["coordinates"])
    except ValueError as error:
        errors["coordinates"] = f"Coördinaten: {error}"
    for name, (label, parse, example) in ISSUE_NUMBERS.items():
        values[name] = clean(form.get(name))
        if values[name]:
            number = parse(values[name])
            if number is None or number > forms.COST_MAX or (name in ("min_circle", "max_agreements")
                                                             and number < 1):
                errors[name] = f"{label}: vul een heel getal in, bijvoorbeeld {example}"
            else:
                values[name] = number
        values[name] = values[name] or (3 if name == "min_circle" else None)
    constraints = tuple(line.strip() for line in clean(form.get("constraints"), multiline=True).split("\n")
                        if line.strip())
    values["constraints"] = constraints
    if any(len(line) > CONSTRAINT_MAX for line in constraints):
        errors["constraints"] = f"Kaders: maximaal {CONSTRAINT_MAX} tekens per kader"
    values["body"] = clean(form.get("body"), multiline=True)
    if len(values["body"]) > BODY_MAX:
        errors["body"] = f"Tekst: maximaal {BODY_MAX} tekens (nu {len(values['body'])})"
    values["translations"], values["translation_rows"] = {}, []
    for i in range(1, TRANSLATION_ROWS_MAX + 1):
        lang, text = clean(form.get(f"lang_{i}")), clean(form.get(f"text_{i}"))
        values["translation_rows"].append((lang, text))
        if not lang and not text:
            continue
        if lang not in languages:
            errors[f"lang_{i}"] = "Vraag in een andere taal: kies de taal van deze vertaling"
        elif lang in values["translations"]:
            errors[f"lang_{i}"] = "Vraag in een andere taal: deze taal staat er al. Kies een andere taal"
        elif not text:
            errors[f"text_{i}"] = "Vraag in een andere taal: schrijf de vraag in deze taal, of kies geen taal"
        elif len(text) > QUESTION_TEXT_MAX:
            errors[f"text_{i}"] = f"Vraag in een andere taal: maximaal {QUESTION_TEXT_MAX} tekens (nu {len(text)})"
        else:
            values["translations"][lang] = text
    while values["translation_rows"] and values["translation_rows"][-1] == ("", ""):
        values["translation_rows"].pop()
    return values, errors


def issue_form_fields(values):
    """What the form's fields hold for these values (the opposite of validate_issue)."""
    shown = {name: "" if values.get(name) is None else str(values[name])
             for name in [*ISSUE_TEXTS, *ISSUE_NUMBERS, "coordinates", "slug"]}
    for name in ("opened", "ideas_until"):
        day = values.get(name)
        shown[name] = day.isoformat() if isinstance(day, datetime.date) else (day or "")
    shown["constraints"] = "\n".join(values.get("constraints") or ())
    shown["body"] = values.get("body") or ""
    rows = values.get("translation_rows")
    if rows is None:
        rows = list(values.get("translations", {}).items())
    for i, (lang, text) in enumerate(rows, start=1):
        shown[f"lang_{i}"], shown[f"text_{i}"] = lang, text
    shown["translation_count"] = len(rows)
    return shown
