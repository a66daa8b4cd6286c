"""The municipality's response with an optional council reference (issue 11): the raadsvoorstel
or motie, the day of the council meeting and the council's decision. Entered in /beheer/,
kept in the plan version file as response.council, and shown wherever the response is."""

import copy
import datetime
import email
import json

import jsonschema
import pytest

from participation import audit, consent, opendata, plan
from participation.build import build
from participation.formats import datum
from participation.issues import read_issue

from .conftest import FUND
from .test_beheer import as_coordinator, coordinator, post  # noqa: F401 (fixtures)
from .test_beheer_plan import PLAN, SLUG, answer, kwestie, open_round, outbox, propose_two  # noqa: F401 (fixture)
from .test_site_build import csv_rows, read, read_csv, text

TODAY = datetime.date.today()
HELD = TODAY - datetime.timedelta(days=30)  # a council meeting that was held
PLANNED = TODAY + datetime.timedelta(days=40)  # one still on the agenda
DECISION = "aangenomen met 21 tegen 8 stemmen"
REASON = "We betalen de koffie in 2027."


def adopt(client, kwestie):
    """A1 adopted as version 1 (everyone in the circle can live with it)."""
    propose_two(client)
    open_round(client, ["1"])
    for member in (kwestie["ans"], kwestie["bram"], kwestie["cor"]):
        assert answer(client, member, "consent").status_code == 303
    assert post(client, f"{PLAN}aannemen", {"meeting": "Buurtavond"}).status_code == 303


def respond(client, **council):
    return post(client, f"{PLAN}reactie/1", {"decision": "fund", "text": REASON, **council})


def versions(settings, db):
    return plan.verify(plan.plan_folder(settings, SLUG), SLUG, plan.recorded_heads(db, SLUG))


# The whole flow ----------------------------------------------------------------------


def test_a_response_with_a_council_reference_is_kept_and_shown_everywhere(as_coordinator, settings, db, kwestie):
    client = as_coordinator
    adopt(client, kwestie)
    # The day typed the Dutch way, as in the other date fields of the form.
    response = respond(client, council_reference="RV 2027-014", council_date=HELD.strftime("%d-%m-%Y"),
                       council_decision=DECISION)
    assert response.status_code == 303 and response.headers["Location"] == f"/beheer/{SLUG}/opvolging#plan-A1"

    # The version file: kind response, the council under the response, only the keys given.
    [first, latest] = versions(settings, db)
    assert latest.data["kind"] == "response"
    [agreement] = latest.data["agreements"]
    assert agreement["response"]["council"] == {"reference": "RV 2027-014", "date": HELD.isoformat(),
                                                "decision": DECISION}
    assert (agreement["response"]["decision"], agreement["response"]["text"]) == ("fund", REASON)
    raw = latest.path.read_text(encoding="utf-8")
    assert "council:" in raw and "reference: RV 2027-014" in raw
    plan.validate(plan.load(latest.path.read_bytes()))  # the schema takes it
    assert actions_of(db)[-1] == "response"

    # What changed, in one sentence: on the plan history, and in the mail to the circle.
    short = f"gemeenteraad: RV 2027-014, {datum(HELD)}: {DECISION}"
    sentence = f"A1: de gemeente reageerde ({short}): {REASON}"
    assert plan.describe(plan.diff(first.data, latest.data), latest.data) == [sentence]
    mail = email.message_from_bytes(outbox(settings)[-1].read_bytes())
    assert sentence in mail.get_payload(decode=True).decode()

    # /beheer/: beside the response, and the form filled in with it for the next change.
    page = client.get(f"/beheer/{SLUG}/opvolging").get_data(as_text=True)
    full = f"Gemeenteraad: RV 2027-014, raadsvergadering van {datum(HELD)}. Besluit van de raad: {DECISION}."
    assert full in text(page)
    assert 'id="reactie-A1-council_reference" name="council_reference" value="RV 2027-014"' in page
    assert f'name="council_date" value="{HELD.isoformat()}"' in page
    assert f">{DECISION}</textarea>" in page

    build(settings)
    kwestie_page = text(read(settings, f"kwesties/{SLUG}/index.html"))
    assert f"de gemeente betaalt het. {REASON} {full}" in kwestie_page  # as on the plan page
    verslag = text(read(settings, f"kwesties/{SLUG}/verslag/index.html"))
    assert f"de gemeente betaalt het. {REASON} {full}" in verslag
    assert f"{datum(HELD)}: Gemeenteraad over A1 (RV 2027-014): {DECISION}." in verslag  # in "Hoe het ging"
    besluiten = text(read(settings, "besluiten/index.html"))
    assert f"A1, Elke zaterdag koffie in het buurthuis: de gemeente betaalt het ({short})" in besluiten
    # The plan history names the agreement by its title too.
    assert sentence.replace("A1:", "A1 (Elke zaterdag koffie in het buurthuis):", 1) in text(
        read(settings, f"kwesties/{SLUG}/plan/index.html"))

    # Open data: the JSON carries the plan file's response, and follows its schema.
    data = json.loads(read(settings, f"kwesties/{SLUG}.json"))
    assert data["plan"][0]["response"]["council"]["reference"] == "RV 2027-014"
    jsonschema.validate(data, json.loads(read(settings, "schemas/kwestie.schema.json")))
    published = json.loads(read(settings, "schemas/plan-version.schema.json"))
    jsonschema.validate(plan.load(latest.path.read_bytes()), published)

    # The CSV: the response and the council, each a row about A1.
    rows = read_csv(settings, f"kwesties/{SLUG}.csv")
    [reply] = [r for r in rows if r["soort"] == "reactie gemeente"]
    assert (reply["id"], reply["over"], reply["tekst"], reply["status"]) == (
        "A1", "A1", REASON, "de gemeente betaalt het")
    [council] = [r for r in rows if r["soort"] == "gemeenteraad"]
    assert (council["over"], council["tekst"], council["toelichting"], council["datum"]) == (
        "A1", "RV 2027-014", DECISION, HELD.isoformat())
    overview = {r["kwestie"]: r for r in read_csv(settings, "besluiten.csv")}
    assert overview[SLUG]["raadsvoorstellen_en_moties"] == f"A1: RV 2027-014, {HELD.isoformat()}, {DECISION}"
    assert overview[FUND]["raadsvoorstellen_en_moties"] == ""  # the demo's responses have none


def actions_of(db):
    return [e["action"] for e in reversed(audit.entries(db))]


def test_a_meeting_still_on_the_agenda_has_no_decision_yet(as_coordinator, settings, db, kwestie):
    adopt(as_coordinator, kwestie)
    assert respond(as_coordinator, council_reference="motie M12", council_date=PLANNED.isoformat()).status_code == 303
    assert versions(settings, db)[-1].data["agreements"][0]["response"]["council"] == {
        "reference": "motie M12", "date": PLANNED.isoformat()}
    page = text(as_coordinator.get(PLAN).get_data(as_text=True))
    assert (f"Gemeenteraad: motie M12, raadsvergadering van {datum(PLANNED)}. "
            "Het besluit van de raad is nog niet bekend.") in page
    # After the meeting the coordinator adds the decision: a new version, the same number.
    answer_later = {"council_reference": "motie M12", "council_date": PLANNED.isoformat(), "council_decision": "verworpen"}
    response = respond(as_coordinator, **answer_later)
    assert response.status_code == 400  # the meeting has not been yet: the council cannot have decided
    assert 'href="#reactie-A1-council_date"' in response.get_data(as_text=True)
    assert len(versions(settings, db)) == 2
    build(settings)
    verslag = text(read(settings, f"kwesties/{SLUG}/verslag/index.html"))
    assert f"{datum(PLANNED)}: Gemeenteraad over A1 (motie M12): besluit nog niet bekend." in verslag
    assert "(gemeenteraad: motie M12, " + datum(PLANNED) + ": besluit nog niet bekend)" in text(
        read(settings, "besluiten/index.html"))


def test_only_a_reference_is_enough(as_coordinator, settings, db, kwestie):
    adopt(as_coordinator, kwestie)
    assert respond(as_coordinator, council_reference="RV 2027-014", council_date="", council_decision="").status_code == 303
    assert versions(settings, db)[-1].data["agreements"][0]["response"]["council"] == {"reference": "RV 2027-014"}
    assert "Gemeenteraad: RV 2027-014." in text(as_coordinator.get(PLAN).get_data(as_text=True))


def test_without_a_council_reference_the_response_is_as_before(as_coordinator, settings, db, kwestie):
    adopt(as_coordinator, kwestie)
    assert respond(as_coordinator, council_reference=" ", council_date="", council_decision="").status_code == 303
    [first, latest] = versions(settings, db)
    assert "council" not in latest.data["agreements"][0]["response"]
    assert plan.describe(plan.diff(first.data, latest.data), latest.data) == [f"A1: de gemeente reageerde: {REASON}"]
    assert 'class="council-reference"' not in as_coordinator.get(PLAN).get_data(as_text=True)


# Refused input ------------------------------------------------------------------------


@pytest.mark.parametrize("council,field,message", [
    ({"council_date": HELD.isoformat()}, "council_reference",
     "Nummer van het raadsvoorstel of de motie: vul het nummer in, bijvoorbeeld RV 2027-014."),
    ({"council_decision": DECISION}, "council_reference", "Nummer van het raadsvoorstel of de motie: vul het nummer in"),
    ({"council_reference": "R" * 81}, "council_reference", "Nummer van het raadsvoorstel of de motie: maximaal 80 tekens (nu 81)"),
    ({"council_reference": "RV 1", "council_date": "31-02-2027"}, "council_date",
     "Datum van de raadsvergadering: dit is geen datum. Schrijf het zo: 03-03-2027"),
    ({"council_reference": "RV 1", "council_date": PLANNED.isoformat(), "council_decision": DECISION}, "council_date",
     "Datum van de raadsvergadering: die dag moet nog komen, dus de raad heeft nog niet besloten."),
    ({"council_reference": "RV 1", "council_decision": "x" * 501}, "council_decision",
     "Besluit van de raad: maximaal 500 tekens (nu 501)"),
])
def test_invalid_council_input_is_400_naming_the_field(as_coordinator, settings, db, kwestie, council, field, message):
    adopt(as_coordinator, kwestie)
    response = respond(as_coordinator, **council)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'href="#reactie-A1-{field}"' in page and message in text(page)
    assert f'id="reactie-A1-{field}-fout"' in page and "<details class=\"moderate\" open>" in page
    assert len(versions(settings, db)) == 1 and actions_of(db)[-1] == "phase"


def test_the_domain_refuses_a_council_without_a_reference(as_coordinator, settings, db, kwestie):
    """The same rule for any path to record_responses, not only the form."""
    adopt(as_coordinator, kwestie)
    issue = read_issue(kwestie["path"], settings)
    for council, said in (({"date": "2027-03-03"}, "A1: noem het nummer van het raadsvoorstel of de motie."),
                          ({"decision": DECISION}, "A1: noem het nummer van het raadsvoorstel of de motie."),
                          ({"reference": "RV 1", "date": "3-3-2027"}, "A1: de datum van de raadsvergadering is geen datum")):
        with pytest.raises(consent.ConsentError, match=said):
            consent.record_responses(db, settings, issue, {"A1": {"decision": "fund", "text": "Ja", "council": council}})
    assert len(versions(settings, db)) == 1
    version = consent.record_responses(db, settings, issue, {"A1": {"decision": "fund", "text": "Ja", "council": {
        "reference": " RV 1 ", "date": datetime.date(2026, 10, 1), "decision": ""}}})
    assert version.data["agreements"][0]["response"]["council"] == {"reference": "RV 1", "date": "2026-10-01"}


# The schema ------------------------------------------------------------------------------


def test_old_versions_without_a_council_stay_valid(settings):
    versions_ = plan.verify(plan.plan_folder(settings, FUND), FUND)
    responses = [a["response"] for v in versions_ for a in v.data["agreements"] if a.get("response")]
    assert responses and not any("council" in r for r in responses)
    for path in sorted(plan.plan_folder(settings, FUND).glob("*.yaml")):
        plan.validate(plan.load(path.read_bytes()))  # the files as they are, Dutch words and all


@pytest.mark.parametrize("council,valid", [
    ({"reference": "RV 2027-014"}, True),
    ({"reference": "RV 2027-014", "date": "2027-03-03", "decision": DECISION}, True),
    ({"date": "2027-03-03"}, False),  # the reference is needed
    ({"reference": ""}, False),
    ({"reference": "RV 1", "date": "3 maart 2027"}, False),
    ({"reference": "RV 1", "vote": "21-8"}, False),  # no other keys
])
def test_the_schema_takes_a_council_reference_and_nothing_else(settings, council, valid):
    data = copy.deepcopy(plan.load(sorted(plan.plan_folder(settings, FUND).glob("*.yaml"))[-1].read_bytes()))
    agreement = next(a for a in data["agreements"] if a.get("response"))
    agreement["response"]["council"] = council
    if valid:
        plan.validate(data)
    else:
        with pytest.raises(plan.PlanError, match="council"):
            plan.validate(data)


# The CSV keeps a spreadsheet from running what was typed -----------------------------------


def test_council_cells_are_neutralised_in_the_csv():
    state = {"ideas": [], "questions": [], "objections": [], "agreements": [], "plan": [{
        "id": "A1", "what": "Koffie", "status": "planned", "from_ideas": [], "who": [], "cost": None,
        "response": {"by": "Gemeente", "decision": "fund", "text": "=1+1", "date": "2026-11-01",
                     "council": {"reference": "=HYPERLINK(\"http://evil\")", "date": "2026-10-01", "decision": "+21 -8"}}}]}
    rows = csv_rows(opendata.to_csv(state).encode("utf-8"))
    [reply] = [r for r in rows if r["soort"] == "reactie gemeente"]
    [council] = [r for r in rows if r["soort"] == "gemeenteraad"]
    assert reply["tekst"] == "'=1+1"
    assert (council["tekst"], council["toelichting"]) == ("'=HYPERLINK(\"http://evil\")", "'+21 -8")
