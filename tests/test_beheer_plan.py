"""HTTP tests of /beheer/<slug>/plan/: the coordinator runs a consent round and
follows up the adopted plan, all in the browser's forms (no JavaScript)."""

import datetime
import email
import re
from pathlib import Path

import pytest

from participation import audit, consent, phases, plan, store
from participation.issues import read_issue

from .conftest import write_issue
from .test_beheer import (as_coordinator, as_professional, coordinator, csrf_token, log_in_as,  # noqa: F401
                          post, professional)

SLUG = "speelplek"
PLAN = f"/beheer/{SLUG}/plan/"


def in_a_week():
    return (datetime.date.today() + datetime.timedelta(days=7)).isoformat()


@pytest.fixture
def kwestie(settings, db):
    """A kwestie with a concept-plan phase, a budget, two ideas and a circle of three:
    Ans confirmed her e-mail address, Bram gave one but did not confirm it, Cor gave none."""
    path = write_issue(settings, SLUG, phase="proposing", Budget="10000")
    ans = store.add_member(db, SLUG, name="Ans", relation="resident", email="ans@example.org")
    store.confirm_email(db, ans, "ans@example.org")
    bram = store.add_member(db, SLUG, name="Bram", relation="business", email="bram@example.org")
    cor = store.add_member(db, SLUG, name="Cor", relation="newcomer", channel="door")
    store.add_idea(db, SLUG, title="Koffie in het buurthuis", cost=1000)
    store.add_idea(db, SLUG, title="Een buurtapp")
    return {"path": path, "ans": ans, "bram": bram, "cor": cor}


def actions(db):
    return [e["action"] for e in reversed(audit.entries(db))]


def outbox(settings):
    folder = Path(settings["SAMENPLAN_OUTBOX"])
    return sorted(folder.glob("*.eml")) if folder.is_dir() else []


def propose_two(client):
    first = post(client, f"{PLAN}afspraak", {"what": "Elke zaterdag koffie in het buurthuis", "who": "Ans ,Café",
                                             "when": "vanaf maart", "cost": "1.200", "from_ideas": ["1"]})
    second = post(client, f"{PLAN}afspraak", {"what": "Een buurtapp voor iedereen", "from_ideas": ["2"]})
    return first, second


def open_round(client, numbers=("1", "2")):
    return post(client, f"{PLAN}ronde", {"agreements": list(numbers), "ends": in_a_week()})


def answer(client, member, said, agreement="", reason=""):
    return post(client, f"{PLAN}antwoord", {"member": str(member), "answer": said, "agreement": agreement,
                                            "reason": reason})


# The whole flow ---------------------------------------------------------------------


def test_the_whole_flow_from_ideas_to_a_followed_up_plan(as_coordinator, coordinator, settings, db, kwestie):
    client = as_coordinator
    first, second = propose_two(client)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == f"{PLAN}#A1" and second.headers["Location"] == f"{PLAN}#A2"
    a1, a2 = store.agreements(db, SLUG)
    assert (a1["what"], a1["who"], a1["when_text"], a1["cost"], a1["from_ideas"], a1["status"]) == (
        "Elke zaterdag koffie in het buurthuis", "Ans, Café", "vanaf maart", 1200, [1], "concept")
    assert (a2["cost"], a2["from_ideas"]) == (None, [2])
    page = client.get(PLAN).get_data(as_text=True)
    assert "A1: Elke zaterdag koffie in het buurthuis" in page and "Open de ronde" in page

    # The round: only Ans confirmed her address, so only she is mailed.
    response = open_round(client)
    assert response.status_code == 303 and response.headers["Location"] == f"{PLAN}#ronde"
    round_ = consent.current_round(db, SLUG)
    assert round_["agreements"] == [1, 2]
    [mail] = outbox(settings)
    message = email.message_from_bytes(mail.read_bytes())
    assert message["To"] == "ans@example.org"
    assert f"/deelnemen/{SLUG}/lid/" in message.get_payload(decode=True).decode()
    page = client.get(PLAN).get_data(as_text=True)
    assert "1 persoon kreeg een e-mail" in page
    for code in ("A1", "A2"):  # per agreement: consented, concern, objection, no answer yet
        assert f'<th scope="row">{code}</th><td>0</td><td>0</td><td>0</td><td>3</td>' in page

    # Answers given at a meeting: Bram objects to A2; Ans and Cor can live with it.
    response = answer(client, kwestie["bram"], "objection", "2", "Niet iedereen heeft een telefoon")
    assert response.status_code == 303
    assert answer(client, kwestie["ans"], "consent").status_code == 303
    assert answer(client, kwestie["cor"], "consent").status_code == 303
    [objection] = store.objections(db, SLUG)
    assert (objection["id"], objection["agreement"], objection["status"], objection["channel"]) == (
        "B1", "A2", "open", "meeting")
    assert db["objections"].get(1)["entered_by"] == coordinator["id"]
    page = client.get(PLAN).get_data(as_text=True)
    assert "A2 heeft een open bezwaar (B1)" in page  # the blockers, before anyone tries
    assert re.search(r"<th scope=\"row\">Bram</th>\s*<td>nog niet</td>\s*<td>bezwaar \(ingevoerd door de coördinator\)</td>",
                     page)
    assert '<th scope="row">A2</th><td>2</td><td>0</td><td>1</td><td>0</td>' in page

    # Adoption is refused while A2 has an open objection: 409, naming it; no file, no override.
    response = post(client, f"{PLAN}aannemen", {"meeting": "Buurtavond"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Dit plan kan nog niet worden aangenomen:" in page
    assert "<li>A2 heeft een open bezwaar (B1)." in page
    assert "Niemand kan dit omzeilen" in page
    folder = plan.plan_folder(settings, SLUG)
    assert plan.version_files(folder) == []

    # Leave A2 out: it stays in the concept plan; then the plan is adopted.
    response = post(client, f"{PLAN}afspraak/2/weglaten")
    assert response.status_code == 303
    assert consent.current_round(db, SLUG)["agreements"] == [1]
    # Answers are per agreement: Bram has not said yet whether he can live with A1.
    response = post(client, f"{PLAN}aannemen", {"meeting": "Buurtavond 14 januari"})
    assert response.status_code == 409 and "nog niet iedereen heeft geantwoord" in response.get_data(as_text=True)
    assert answer(client, kwestie["bram"], "consent", "1").status_code == 303
    response = post(client, f"{PLAN}aannemen", {"meeting": "Buurtavond 14 januari"})
    assert response.status_code == 303 and response.headers["Location"] == f"{PLAN}#plan"
    assert (folder / "0001.yaml").is_file()
    [version] = plan.verify(folder, SLUG, plan.recorded_heads(db, SLUG))
    assert version.data["kind"] == "adoption" and version.data["adopted_at_meeting"] == "Buurtavond 14 januari"
    assert [a["id"] for a in version.data["agreements"]] == ["A1"]
    # Only answers on what was adopted count: Bram's objection was to A2, which was left out.
    assert version.data["consent_round"]["consented"] == 3 and version.data["consent_round"]["objected"] == 0
    assert version.data["consent_round"]["no_answer"] == 0
    assert version.data["agreements"][0]["consent"] == {"revision": 1, "consented": 3, "concerns": 0, "objected": 0,
                                                        "no_answer": 0}
    assert read_issue(kwestie["path"], settings).phase == "adopted"
    assert [a["status"] for a in store.agreements(db, SLUG)] == ["adopted", "concept"]
    page = client.get(PLAN).get_data(as_text=True)
    assert "Versie 1 van het plan is aangenomen. De fase is nu ‘gedragen plan’. 1 persoon kreeg er een e-mail over." in page
    # Ans (the only confirmed address) hears what the circle decided, with a link to the plan.
    adopted_mail = email.message_from_bytes(outbox(settings)[-1].read_bytes())
    body = adopted_mail.get_payload(decode=True).decode()
    assert adopted_mail["To"] == "ans@example.org" and "is aangenomen" in adopted_mail["Subject"]
    assert "versie 1" in body and f"/kwesties/{SLUG}/plan/" in body
    assert "- A1 is toegevoegd, aangenomen met 3 ik kan ermee leven, 0 zorg, 0 bezwaar en 0 geen antwoord." in body
    assert len(outbox(settings)) == 2  # the round, and the adoption

    # Follow-up: a status (version 2) and the municipality's response (version 3).
    response = post(client, f"{PLAN}uitvoering/1", {"status": "in_progress", "note": "De eerste ochtend was vol."})
    assert response.status_code == 303 and response.headers["Location"] == f"/beheer/{SLUG}/opvolging#plan-A1"
    response = post(client, f"{PLAN}reactie/1", {"decision": "fund", "text": "We betalen de koffie in 2027.",
                                                 "review_at": "2027-06-01"})
    assert response.status_code == 303
    versions = plan.verify(folder, SLUG, plan.recorded_heads(db, SLUG))
    assert [(v.number, v.data["kind"]) for v in versions] == [(1, "adoption"), (2, "status_update"), (3, "response")]
    # The response is mailed to the circle; the status update is not (it would come too often).
    assert len(outbox(settings)) == 3
    response_mail = email.message_from_bytes(outbox(settings)[-1].read_bytes())
    assert "De gemeente reageert" in response_mail["Subject"]
    assert "We betalen de koffie in 2027." in response_mail.get_payload(decode=True).decode()
    [agreement] = versions[-1].data["agreements"]
    assert agreement["status"] == "in_progress"
    assert agreement["status_notes"][0]["note"] == "De eerste ochtend was vol."
    assert (agreement["response"]["decision"], agreement["response"]["text"]) == (
        "fund", "We betalen de koffie in 2027.")
    assert agreement["review_at"] == "2027-06-01"
    page = client.get(PLAN).get_data(as_text=True)
    assert "Versie 3, van" in page and "We betalen de koffie in 2027." in page

    # Every action is in the log, in order, by the coordinator, without names.
    assert actions(db) == ["propose_agreement", "propose_agreement", "open_round", "respond", "respond", "respond",
                           "leave_out", "respond", "adopt", "phase", "status_update", "response"]
    entries = audit.entries(db)
    assert {e["username"] for e in entries} == {"marieke"} and {e["issue"] for e in entries} == {SLUG}
    details = " ".join(e["detail"] for e in entries)
    assert "Bram" not in details and "Ans" not in details
    assert f"lid {kwestie['bram']}: bezwaar B1 over A2" in details
    assert store.pending_changes(db)[1] == {SLUG}
    log = client.get("/beheer/logboek").get_data(as_text=True)
    for action in set(actions(db)):
        assert audit.ACTIONS[action] in log


def test_an_amended_agreement_resolves_the_objection_on_the_objectors_behalf(as_coordinator, settings, db, kwestie):
    propose_two(as_coordinator)
    open_round(as_coordinator)
    answer(as_coordinator, kwestie["bram"], "objection", "1", "Niet op zondag, dan is het café dicht")
    response = post(as_coordinator, f"{PLAN}afspraak/1", {"what": "Elke zaterdag koffie in het café", "who": "Ans",
                                                          "cost": "1200", "from_ideas": ["1", "2"]})
    assert response.status_code == 303
    a1 = store.agreements(db, SLUG)[0]
    assert (a1["what"], a1["who"], a1["when_text"], a1["from_ideas"]) == (
        "Elke zaterdag koffie in het café", "Ans", "", [1, 2])
    page = as_coordinator.get(PLAN).get_data(as_text=True)
    assert "De indiener van B1 trekt het in of gaat akkoord" in page

    assert post(as_coordinator, f"{PLAN}bezwaar/1/sluiten", {"how": "resolved", "note": ""}).status_code == 400
    response = post(as_coordinator, f"{PLAN}bezwaar/1/sluiten", {"how": "resolved", "note": "Akkoord met zaterdag."})
    assert response.status_code == 303 and response.headers["Location"] == f"{PLAN}#B1"
    [objection] = store.objections(db, SLUG)
    assert objection["status"] == "resolved"
    assert objection["resolution_note"] == "Akkoord met zaterdag. (vastgelegd door de coördinator namens de indiener)"
    # Twice is refused: it is no longer open.
    response = post(as_coordinator, f"{PLAN}bezwaar/1/sluiten", {"how": "withdrawn", "note": "Nog eens."})
    assert response.status_code == 409 and "B1 is geen open bezwaar." in response.get_data(as_text=True)

    for member in (kwestie["ans"], kwestie["bram"], kwestie["cor"]):
        answer(as_coordinator, member, "consent")
    assert post(as_coordinator, f"{PLAN}aannemen", {"meeting": ""}).status_code == 303
    [version] = plan.verify(plan.plan_folder(settings, SLUG), SLUG, plan.recorded_heads(db, SLUG))
    assert version.data["adopted_at_meeting"] is None
    assert [a["id"] for a in version.data["agreements"]] == ["A1", "A2"]
    assert version.data["agreements"][0]["objections"][0]["resolution"] == "amended"
    assert actions(db)[-5:] == ["respond", "respond", "respond", "adopt", "phase"]
    assert "amend_agreement" in actions(db) and "accept_amendment" in actions(db)


def test_an_objection_withdrawn_at_a_meeting(as_coordinator, coordinator, settings, db, kwestie):
    propose_two(as_coordinator)
    open_round(as_coordinator, ["1"])
    answer(as_coordinator, kwestie["cor"], "objection", "1", "Ik wil eerst weten wie opruimt")
    response = post(as_coordinator, f"{PLAN}bezwaar/1/sluiten", {"how": "ja", "note": "Opgelost"})
    assert response.status_code == 400 and 'href="#sluiten-B1-how"' in response.get_data(as_text=True)
    response = post(as_coordinator, f"{PLAN}bezwaar/1/sluiten", {"how": "withdrawn", "note": "Het café ruimt op."})
    assert response.status_code == 303
    [objection] = store.objections(db, SLUG)
    assert objection["status"] == "withdrawn"
    assert objection["resolution_note"] == "Het café ruimt op. (vastgelegd door de coördinator namens de indiener)"
    assert actions(db)[-1] == "withdraw"
    for member in (kwestie["ans"], kwestie["bram"]):
        answer(as_coordinator, member, "consent")
    assert post(as_coordinator, f"{PLAN}aannemen", {}).status_code == 303
    [version] = plan.verify(plan.plan_folder(settings, SLUG), SLUG)
    [withdrawn] = version.data["agreements"][0]["objections"]
    assert (withdrawn["id"], withdrawn["resolution"]) == ("B1", "withdrawn")
    assert "vastgelegd door de coördinator" in withdrawn["note"]


def test_agreements_link_answered_questions_as_information(as_coordinator, professional, settings, db, kwestie):
    store.add_question(db, SLUG, text="Mag er koffie in het buurthuis?")
    store.add_answer(db, SLUG, 1, user_id=professional["id"], text="Ja, tot 22.00 uur.")
    store.add_question(db, SLUG, text="Wie betaalt de app?")  # not answered: nothing to link
    page = as_coordinator.get(PLAN).get_data(as_text=True)
    assert "V1 Mag er koffie in het buurthuis?" in page and "Wie betaalt de app?" not in page
    response = post(as_coordinator, f"{PLAN}afspraak", {"what": "Koffie", "information": ["2"]})
    assert response.status_code == 400 and 'href="#afspraak-information"' in response.get_data(as_text=True)
    assert post(as_coordinator, f"{PLAN}afspraak", {"what": "Koffie", "information": ["V1"]}).status_code == 303
    assert store.agreements(db, SLUG)[0]["information"] == [1]
    assert post(as_coordinator, f"{PLAN}afspraak/1", {"what": "Koffie op zaterdag"}).status_code == 303
    assert store.agreements(db, SLUG)[0]["information"] == []  # amending replaces the links
    post(as_coordinator, f"{PLAN}afspraak/1", {"what": "Koffie op zaterdag", "information": ["1"]})
    open_round(as_coordinator, ["1"])
    for member in (kwestie["ans"], kwestie["bram"], kwestie["cor"]):
        answer(as_coordinator, member, "consent")
    post(as_coordinator, f"{PLAN}aannemen", {})
    [version] = plan.verify(plan.plan_folder(settings, SLUG), SLUG)
    assert version.data["agreements"][0]["information"] == ["V1"]
    # Information is never counted as an answer in the round.
    assert version.data["consent_round"]["consented"] == 3 and version.data["circle"]["members"] == 3


def test_a_status_can_be_dated_but_not_in_the_future(as_coordinator, settings, db, kwestie):
    propose_two(as_coordinator)
    open_round(as_coordinator, ["1"])
    for member in (kwestie["ans"], kwestie["bram"], kwestie["cor"]):
        answer(as_coordinator, member, "consent")
    post(as_coordinator, f"{PLAN}aannemen", {})
    # Days where the kwestie is (phases.today): between 23:00 and 24:00 UTC the machine's date
    # is a day behind Amsterdam's (this failed in CI at 23:20 UTC).
    tomorrow = (phases.today() + datetime.timedelta(days=1)).isoformat()
    response = post(as_coordinator, f"{PLAN}uitvoering/1", {"status": "done", "note": "Klaar", "date": tomorrow})
    assert response.status_code == 400 and 'href="#status-A1-date"' in response.get_data(as_text=True)
    yesterday = phases.today() - datetime.timedelta(days=1)
    response = post(as_coordinator, f"{PLAN}uitvoering/1",
                    {"status": "done", "note": "Klaar", "date": yesterday.strftime("%d-%m-%Y")})
    assert response.status_code == 303
    versions = plan.verify(plan.plan_folder(settings, SLUG), SLUG)
    assert versions[-1].data["agreements"][0]["status_notes"] == [
        {"date": yesterday.isoformat(), "status": "done", "note": "Klaar"}]


def test_adoption_waits_for_the_end_date_unless_everyone_answered(as_coordinator, settings, db, kwestie):
    propose_two(as_coordinator)
    open_round(as_coordinator)
    answer(as_coordinator, kwestie["ans"], "consent")
    response = post(as_coordinator, f"{PLAN}aannemen", {})
    assert response.status_code == 409
    assert "De ronde loopt nog tot" in response.get_data(as_text=True)
    assert plan.version_files(plan.plan_folder(settings, SLUG)) == []
    assert "adopt" not in actions(db)


def test_a_concern_does_not_block(as_coordinator, settings, db, kwestie):
    propose_two(as_coordinator)
    open_round(as_coordinator)
    assert answer(as_coordinator, kwestie["ans"], "concern", "1", "Wie zet de koffie?").status_code == 303
    assert answer(as_coordinator, kwestie["ans"], "consent", "2").status_code == 303  # answers are per agreement
    answer(as_coordinator, kwestie["bram"], "consent")
    answer(as_coordinator, kwestie["cor"], "consent")
    assert post(as_coordinator, f"{PLAN}aannemen", {}).status_code == 303
    [version] = plan.verify(plan.plan_folder(settings, SLUG), SLUG)
    assert version.data["agreements"][0]["concerns"] == [{"id": "B1", "reason": "Wie zet de koffie?"}]


def test_over_budget_is_refused_with_the_reason(as_coordinator, settings, db, kwestie):
    post(as_coordinator, f"{PLAN}afspraak", {"what": "Een nieuw speeltoestel", "cost": "12000"})
    open_round(as_coordinator, ["1"])
    for member in (kwestie["ans"], kwestie["bram"], kwestie["cor"]):
        answer(as_coordinator, member, "consent")
    response = post(as_coordinator, f"{PLAN}aannemen", {})
    assert response.status_code == 409
    assert "De afspraken kosten samen € 12.000; het budget is € 10.000." in response.get_data(as_text=True)


# Rules and phases ------------------------------------------------------------------


@pytest.mark.parametrize("phase", ["open", "closed"])
def test_no_agreements_outside_the_plan_phases(as_coordinator, settings, db, phase):
    write_issue(settings, "elders", phase=phase)
    response = post(as_coordinator, "/beheer/elders/plan/afspraak", {"what": "Koffie"})
    assert response.status_code == 409
    assert "Afspraken en het plan kunnen alleen in de fase" in response.get_data(as_text=True)
    assert store.agreements(db, "elders") == [] and audit.entries(db) == []
    page = as_coordinator.get("/beheer/elders/plan/").get_data(as_text=True)
    assert 'action="/beheer/elders/plan/afspraak"' not in page


def test_one_round_at_a_time_and_no_answers_without_a_round(as_coordinator, db, kwestie):
    propose_two(as_coordinator)
    response = answer(as_coordinator, kwestie["ans"], "consent")
    assert response.status_code == 409 and "Er loopt geen ronde" in response.get_data(as_text=True)
    assert post(as_coordinator, f"{PLAN}afspraak/1/weglaten").status_code == 409
    assert post(as_coordinator, f"{PLAN}aannemen", {}).status_code == 409
    open_round(as_coordinator, ["1"])
    response = open_round(as_coordinator, ["2"])
    assert response.status_code == 409 and "Er loopt al een ronde" in response.get_data(as_text=True)
    assert actions(db) == ["propose_agreement", "propose_agreement", "open_round"]


def test_no_status_or_response_before_a_plan_is_adopted(as_coordinator, db, kwestie):
    response = post(as_coordinator, f"{PLAN}uitvoering/1", {"status": "done", "note": "Klaar"})
    assert response.status_code == 409 and "A1 staat niet in het aangenomen plan" in response.get_data(as_text=True)
    response = post(as_coordinator, f"{PLAN}reactie/1", {"decision": "decline", "text": "Kan niet"})
    assert response.status_code == 409
    assert audit.entries(db) == []


# Validation ---------------------------------------------------------------------------


@pytest.mark.parametrize("url,data,fields", [
    ("afspraak", {"what": ""}, ["what"]),
    ("afspraak", {"what": "x" * 301, "who": "y" * 301, "when": "z" * 101, "cost": "veel"},
     ["what", "who", "when", "cost"]),
    ("afspraak", {"what": "Koffie", "from_ideas": ["9"]}, ["from_ideas"]),
    ("ronde", {"agreements": ["7"], "ends": "gisteren"}, ["agreements", "ends"]),
    ("ronde", {"agreements": ["1"], "ends": datetime.date.today().isoformat()}, ["ends"]),
    ("ronde", {"ends": ""}, ["agreements", "ends"]),
])
def test_invalid_input_is_400_naming_each_field(as_coordinator, db, kwestie, url, data, fields):
    store.add_agreement(db, SLUG, what="Bestaand")
    response = post(as_coordinator, f"{PLAN}{url}", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page
    for field in fields:
        assert f'href="#{url}-{field}"' in page
    assert len(store.agreements(db, SLUG)) == 1 and consent.current_round(db, SLUG) is None
    assert audit.entries(db) == []


# Digits \d accepts but int() refuses ("²"), reads as another number ("١"), or
# makes an integer SQLite cannot store.
ODD_NUMBERS = ["²", "١", "9" * 5000, "9" * 20, "-1", "1e3"]


@pytest.mark.parametrize("odd", ODD_NUMBERS)
def test_odd_numbers_in_forms_are_400_never_500(as_coordinator, db, kwestie, odd):
    propose_two(as_coordinator)
    open_round(as_coordinator, ["1"])
    cases = [
        ("afspraak", {"what": "Koffie", "from_ideas": [odd], "information": [odd], "cost": odd},
         ("from_ideas", "information", "cost")),
        ("antwoord", {"member": odd, "answer": "objection", "agreement": odd, "reason": "Zo niet"},
         ("member", "agreement")),
    ]
    for form, data, fields in cases:
        response = post(as_coordinator, f"{PLAN}{form}", data)
        assert response.status_code == 400, (form, data)
        for field in fields:
            assert f'href="#{form}-{field}"' in response.get_data(as_text=True)
    assert len(store.agreements(db, SLUG)) == 2 and store.objections(db, SLUG) == []


@pytest.mark.parametrize("odd", ["²", "١", "9" * 20, "-1"])
def test_odd_numbers_in_addresses_are_404(as_coordinator, db, kwestie, odd):
    for url in (f"{PLAN}afspraak/{odd}", f"{PLAN}bezwaar/{odd}/sluiten", f"{PLAN}uitvoering/{odd}",
                f"/beheer/{SLUG}/vraag/{odd}"):
        assert post(as_coordinator, url, {"what": "x", "how": "withdrawn", "note": "x"}).status_code == 404, url
    for data in ({"table": "ideas", "number": odd, "reason": "x"}, {"table": "ideas", "number": odd}):
        for action in ("verbergen", "naam-weghalen"):
            assert post(as_coordinator, f"/beheer/{SLUG}/{action}", data).status_code == 400
    assert audit.entries(db) == []


def test_invalid_answers_are_400(as_coordinator, db, kwestie):
    propose_two(as_coordinator)
    open_round(as_coordinator, ["1"])
    response = answer(as_coordinator, 999, "ja")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'href="#antwoord-member"' in page and 'href="#antwoord-answer"' in page
    # An objection needs an agreement in the round (A2 is not) and a reason.
    response = answer(as_coordinator, kwestie["ans"], "objection", "2", "")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#antwoord-agreement"' in page and 'href="#antwoord-reason"' in page
    assert store.objections(db, SLUG) == []


def test_invalid_follow_up_is_400(as_coordinator, settings, db, kwestie):
    propose_two(as_coordinator)
    open_round(as_coordinator, ["1"])
    for member in (kwestie["ans"], kwestie["bram"], kwestie["cor"]):
        answer(as_coordinator, member, "consent")
    post(as_coordinator, f"{PLAN}aannemen", {})
    response = post(as_coordinator, f"{PLAN}uitvoering/1", {"status": "misschien", "note": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#status-A1-status"' in page and 'href="#status-A1-note"' in page
    assert "<details class=\"moderate\" open>" in page
    response = post(as_coordinator, f"{PLAN}reactie/1", {"decision": "", "text": "", "review_at": "31-02-2027"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for field in ("decision", "text", "review_at"):
        assert f'href="#reactie-A1-{field}"' in page
    assert len(plan.version_files(plan.plan_folder(settings, SLUG))) == 1


# Access -----------------------------------------------------------------------------------


def test_a_form_without_the_csrf_token_is_refused(as_coordinator, db, kwestie):
    csrf_token(as_coordinator)
    response = as_coordinator.post(f"{PLAN}afspraak", data={"what": "Koffie", "csrf_token": "verkeerd"})
    assert response.status_code == 400
    assert "Het formulier is verlopen" in response.get_data(as_text=True)
    assert store.agreements(db, SLUG) == [] and audit.entries(db) == []


@pytest.mark.parametrize("method,url", [
    ("get", PLAN), ("post", f"{PLAN}afspraak"), ("post", f"{PLAN}ronde"), ("post", f"{PLAN}aannemen"),
    ("post", f"{PLAN}uitvoering/1"),
])
def test_professional_gets_403(as_professional, db, kwestie, method, url):
    if method == "get":
        response = as_professional.get(url)
    else:
        response = post(as_professional, url, {"what": "Koffie", "agreements": ["1"], "ends": in_a_week()})
    assert response.status_code == 403
    assert store.agreements(db, SLUG) == [] and audit.entries(db) == []


def test_the_plan_page_needs_a_login(client, kwestie):
    response = client.get(PLAN)
    assert response.status_code == 303 and response.headers["Location"].startswith("/beheer/inloggen?next=")


def test_unknown_kwestie_is_404(as_coordinator):
    assert as_coordinator.get("/beheer/bestaat-niet/plan/").status_code == 404
    assert post(as_coordinator, "/beheer/bestaat-niet/plan/afspraak", {"what": "x"}).status_code == 404


def test_kwestie_page_links_to_the_plan(as_coordinator, kwestie):
    page = as_coordinator.get(f"/beheer/{SLUG}/").get_data(as_text=True)
    assert f'href="{PLAN}"' in page


def test_the_plan_page_has_the_kwestie_navigation_and_links_to_the_ideas(as_coordinator, kwestie):
    propose_two(as_coordinator)
    page = as_coordinator.get(PLAN).get_data(as_text=True)
    assert f'<a href="{PLAN}" aria-current="page">Plan en rondes</a>' in page
    assert f'<a href="/beheer/{SLUG}/opvolging">Opvolging</a>' in page
    assert f'href="/beheer/{SLUG}/bijdragen#I1">I1</a>' in page


def test_a_broken_chain_is_shown_not_a_500(as_coordinator, settings, db, kwestie):
    folder = plan.plan_folder(settings, SLUG)
    folder.mkdir(parents=True)
    (folder / "0002.yaml").write_text("niet: goed\n")
    response = as_coordinator.get(PLAN)
    assert response.status_code == 200
    assert "De versies van het plan kloppen niet" in response.get_data(as_text=True)
    response = post(as_coordinator, f"{PLAN}afspraak", {"what": "Koffie"})
    assert response.status_code == 409


def test_amending_during_a_round_tells_who_must_answer_again(as_coordinator, settings, db, kwestie):
    """The coordinator changes 'zaterdag' into 'zondag' after Ans and Bram consented: their
    consent no longer counts, Ans (confirmed address) gets the old and new text by mail."""
    propose_two(as_coordinator)
    open_round(as_coordinator)
    for member in (kwestie["ans"], kwestie["bram"]):
        assert answer(as_coordinator, member, "consent").status_code == 303
    mails_before = len(outbox(settings))
    response = post(as_coordinator, f"{PLAN}afspraak/1", {"what": "Elke zondag koffie in het buurthuis", "who": "Ans, Café",
                                                          "when": "vanaf maart", "cost": "1200", "from_ideas": ["1"]})
    assert response.status_code == 303
    page = as_coordinator.get(PLAN).get_data(as_text=True)
    assert "2 antwoorden tellen niet meer" in page and "1 persoon kreeg een e-mail" in page
    assert '<th scope="row">A1 (tekst 2)</th><td>0</td><td>0</td><td>0</td><td>3</td>' in page
    assert "telt niet meer: ging over de oude tekst" in page
    [mail] = outbox(settings)[mails_before:]
    message = email.message_from_bytes(mail.read_bytes())
    body = message.get_payload(decode=True).decode()
    assert message["To"] == "ans@example.org" and "A1 is aangepast" in message["Subject"]
    assert "Eerst stond er:\nElke zaterdag koffie in het buurthuis" in body
    assert "Nu staat er:\nElke zondag koffie in het buurthuis" in body
    assert f"/deelnemen/{SLUG}/lid/" in body
    # Saving the same text again is no new revision and voids nothing.
    answer(as_coordinator, kwestie["ans"], "consent", "1")
    post(as_coordinator, f"{PLAN}afspraak/1", {"what": "Elke zondag koffie in het buurthuis", "who": "Ans, Café",
                                               "when": "vanaf maart", "cost": "1200", "from_ideas": ["1"]})
    assert store.agreements(db, SLUG)[0]["revision"] == 2
    figures = consent.round_figures(db, SLUG, consent.current_round(db, SLUG))
    assert figures["agreements"][1]["consented"] == 1


def test_two_coordinators_sending_the_same_status_update_at_once_write_one_version(
        app, as_coordinator, coordinator, settings, db, kwestie):
    """Both saw version 1 and press 'save' at the same moment, each in their own browser and
    thread: the first writes version 2; the second gets 409 and nothing is written."""
    import threading

    post(as_coordinator, f"{PLAN}afspraak", {"what": "Koffie", "cost": "100"})
    open_round(as_coordinator, ["1"])
    answer(as_coordinator, kwestie["ans"], "consent")
    answer(as_coordinator, kwestie["bram"], "consent")
    answer(as_coordinator, kwestie["cor"], "consent")
    assert post(as_coordinator, f"{PLAN}aannemen", {}).status_code == 303
    browsers = []
    for _ in range(2):
        browser = app.test_client()
        log_in_as(browser, coordinator)
        browsers.append((browser, csrf_token(browser)))
    start, results = threading.Barrier(2), []

    def save(browser, token):
        start.wait()
        results.append(browser.post(f"{PLAN}uitvoering/1", data={
            "csrf_token": token, "status": "done", "note": "De koffie staat klaar.", "based_on": "1"}).status_code)

    threads = [threading.Thread(target=save, args=pair) for pair in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [303, 409]
    versions = plan.verify(plan.plan_folder(settings, SLUG), SLUG, plan.recorded_heads(db, SLUG))
    assert [v.data["kind"] for v in versions] == ["adoption", "status_update"]
    # Without the version it saw (the command line, an API), the same update twice is refused too.
    issue = read_issue(kwestie["path"], settings)
    with pytest.raises(consent.ConsentError, match="staat al in versie 2"):
        consent.status_update(db, settings, issue, "A1", "done", "De koffie staat klaar.",
                              date=versions[-1].data["agreements"][0]["status_notes"][-1]["date"])
    assert len(plan.version_files(plan.plan_folder(settings, SLUG))) == 2
