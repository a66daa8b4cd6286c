"""HTTP tests of /beheer/: login, CSRF, moderation, input on someone's behalf,
phases, answers by professionals, accounts and the audit log."""

import email
import re
import sqlite3
from pathlib import Path

import pytest

from participation import accounts, audit, cli, meetings, store, throttle

from .conftest import AZC, FUND, write_issue

PASSWORD = "een-lang-wachtwoord"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def coordinator(db):
    user_id = accounts.create_user(db, "marieke", PASSWORD, "coordinator", "Marieke Sloot")
    return accounts.get_user(db, user_id)


@pytest.fixture
def professional(db):
    user_id = accounts.create_user(db, "wijkagent", PASSWORD, "professional", "Sanne de Vries", "Politie")
    return accounts.get_user(db, user_id)


def log_in_as(client, user):
    """A logged-in session without the cost of a real login (that has its own tests)."""
    with client.session_transaction() as session:
        session["user_id"] = user["id"]


def csrf_token(client):
    """The token in the forms of the page a browser would see now."""
    page = client.get("/beheer/", follow_redirects=True).get_data(as_text=True)
    return TOKEN.search(page).group(1)


def post(client, url, data=None):
    """POST a /beheer/ form as the browser would: with the session's CSRF token."""
    return client.post(url, data={"csrf_token": csrf_token(client), **(data or {})})


def login(client, username, password, next_url=None):
    url = "/beheer/inloggen" + (f"?next={next_url}" if next_url else "")
    return post(client, url, {"username": username, "password": password})


@pytest.fixture
def as_coordinator(client, coordinator):
    log_in_as(client, coordinator)
    return client


@pytest.fixture
def as_professional(client, professional):
    log_in_as(client, professional)
    return client


def audit_actions(db):
    return [(e["username"], e["action"], e["issue"]) for e in reversed(audit.entries(db))]


# Logging in ---------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/beheer/", f"/beheer/{AZC}/", "/beheer/logboek", "/beheer/gebruikers",
                                 f"/beheer/{AZC}/vraag/1", f"/beheer/{AZC}/kring", f"/beheer/{AZC}/bijdragen",
                                 f"/beheer/{AZC}/moderatie", f"/beheer/{AZC}/bijeenkomsten"])
def test_pages_need_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/beheer/inloggen?next=")
    assert url in response.headers["Location"]


def test_login_page_has_labels_and_a_csrf_field(client):
    page = client.get("/beheer/inloggen").get_data(as_text=True)
    assert '<label for="inloggen-username">' in page and '<label for="inloggen-password">' in page
    assert 'type="password"' in page and 'autocomplete="current-password"' in page
    assert TOKEN.search(page)
    assert page.count("<h1") == 1


def test_login_goes_to_next_and_logout_ends_the_session(client, coordinator, db):
    response = login(client, "Marieke", PASSWORD, next_url="/beheer/logboek")  # names are not case-sensitive
    assert response.status_code == 303
    assert response.headers["Location"] == "/beheer/logboek"
    assert client.get("/beheer/").status_code == 200
    response = post(client, "/beheer/uitloggen")
    assert response.status_code == 303 and response.headers["Location"] == "/beheer/inloggen"
    assert client.get("/beheer/").status_code == 303
    assert audit_actions(db) == [("marieke", "login", None), ("marieke", "logout", None)]


def test_session_cookie_is_secure_httponly_and_samesite_lax(client, coordinator):
    response = login(client, "marieke", PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("samenplan_beheer=")
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "; SameSite=Lax" in cookie


def test_login_starts_a_new_session(client, coordinator):
    before = csrf_token(client)
    login(client, "marieke", PASSWORD)
    assert csrf_token(client) != before  # nothing planted before login survives it


@pytest.mark.parametrize("username,password", [("marieke", "verkeerd-wachtwoord"), ("niemand", PASSWORD)])
def test_wrong_login_gives_400_with_an_error_summary(client, coordinator, username, password):
    response = login(client, username, password)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page
    assert "Gebruikersnaam of wachtwoord klopt niet" in page
    assert password not in page
    assert client.get("/beheer/").status_code == 303


def test_empty_login_names_each_field(client):
    response = login(client, "", "")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#inloggen-username"' in page and 'href="#inloggen-password"' in page


def test_five_failures_block_the_next_login_with_429(client, coordinator, db):
    for _ in range(throttle.LOGIN_ATTEMPTS):
        assert login(client, "marieke", "verkeerd-wachtwoord").status_code == 400
    response = login(client, "marieke", PASSWORD)  # even the right password, for now
    assert response.status_code == 429
    assert "Wacht een kwartier" in response.get_data(as_text=True)
    assert client.get("/beheer/").status_code == 303
    # The client is a keyed hash, never the IP address itself.
    assert all("127.0.0.1" not in row["client"] for row in db["login_failures"].rows)


def test_a_good_login_clears_earlier_failures(client, coordinator, db):
    for _ in range(throttle.LOGIN_ATTEMPTS - 1):
        login(client, "marieke", "verkeerd-wachtwoord")
    assert login(client, "marieke", PASSWORD).status_code == 303
    assert db["login_failures"].count == 0


@pytest.mark.parametrize("target", [
    "https://elders.example/beheer/", "//elders.example/beheer/", "/\\elders.example/beheer/",
    "javascript:alert(1)", "/deelnemen/x", "beheer/", "/beheer/%0d%0aSet-Cookie:x",
])
def test_next_never_leads_off_beheer(client, coordinator, target):
    response = post(client, "/beheer/inloggen", {"username": "marieke", "password": PASSWORD, "next": target})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location == "/beheer/" or (location == target and target.startswith("/beheer/"))
    assert "elders" not in location and "\n" not in location


# CSRF -----------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "verkeerd", "é"])
def test_post_without_the_right_csrf_token_is_refused(as_coordinator, db, token):
    store.add_idea(db, AZC, title="Koffie")
    csrf_token(as_coordinator)  # the session has a token; the form below does not send it
    data = {"table": "ideas", "number": "1", "reason": "Scheldwoord"}
    if token is not None:
        data["csrf_token"] = token
    response = as_coordinator.post(f"/beheer/{AZC}/verbergen", data=data)
    assert response.status_code == 400
    assert "Het formulier is verlopen. Laad de pagina opnieuw." in response.get_data(as_text=True)
    assert store.ideas(db, AZC)[0]["hidden_at"] is None
    assert audit.entries(db) == []


def test_login_without_csrf_token_is_refused(client, coordinator):
    response = client.post("/beheer/inloggen", data={"username": "marieke", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/beheer/").status_code == 303


# Moderation ----------------------------------------------------------------------


def test_hide_and_unhide_an_idea(as_coordinator, coordinator, db):
    store.add_idea(db, AZC, title="Weg met iedereen", body="Lelijke tekst", author_name="X")
    store.clear_changes(db, store.pending_changes(db)[0])
    response = post(as_coordinator, f"/beheer/{AZC}/verbergen",
                    {"table": "ideas", "number": "1", "reason": "Dit idee scheldt mensen uit."})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/beheer/{AZC}/moderatie#I1"
    [public] = store.ideas(db, AZC)
    assert public["hidden_reason"] == "Dit idee scheldt mensen uit."
    assert public["title"] is None and public["body"] is None and public["author_name"] is None
    assert db["ideas"].get(1)["hidden_by"] == coordinator["id"]
    assert store.pending_changes(db)[1] == {AZC}

    # The coordinator still sees the text, marked as hidden, and can show it again.
    page = as_coordinator.get(f"/beheer/{AZC}/moderatie").get_data(as_text=True)
    assert "Weg met iedereen" in page and "Verborgen" in page and "Toon I1 weer op de site" in page

    response = post(as_coordinator, f"/beheer/{AZC}/tonen", {"table": "ideas", "number": "1"})
    assert response.status_code == 303
    [public] = store.ideas(db, AZC)
    assert public["title"] == "Weg met iedereen" and public["hidden_reason"] is None
    assert [a[1] for a in audit_actions(db)] == ["hide", "unhide"]
    assert audit.entries(db)[1]["detail"] == "I1: Dit idee scheldt mensen uit."


def test_hiding_needs_a_reason(as_coordinator, db):
    store.add_question(db, AZC, text="Waarom?")
    response = post(as_coordinator, f"/beheer/{AZC}/verbergen", {"table": "questions", "number": "1", "reason": " "})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'href="#verberg-V1-reason"' in page
    assert '<details class="moderate" open>' in page
    assert store.questions(db, AZC)[0]["hidden_at"] is None


@pytest.mark.parametrize("data,status", [
    ({"table": "users", "number": "1", "reason": "x"}, 400),
    ({"table": "ideas", "number": "abc", "reason": "x"}, 400),
    ({"table": "ideas", "number": "99", "reason": "x"}, 404),
])
def test_hiding_something_that_does_not_exist(as_coordinator, db, data, status):
    store.add_idea(db, AZC, title="Koffie")
    assert post(as_coordinator, f"/beheer/{AZC}/verbergen", data).status_code == status
    assert audit.entries(db) == []


def test_a_name_is_taken_off_a_contribution_on_request(as_coordinator, db):
    """AVG: someone who gave a name with an idea, but never joined, asks for it to go."""
    store.add_idea(db, AZC, title="Een moestuin", author_name="Jan de Vries")
    page = as_coordinator.get(f"/beheer/{AZC}/moderatie").get_data(as_text=True)
    assert "Haal de naam bij I1 weg" in page
    response = post(as_coordinator, f"/beheer/{AZC}/naam-weghalen", {"table": "ideas", "number": "1"})
    assert response.status_code == 303 and response.headers["Location"] == f"/beheer/{AZC}/moderatie#I1"
    [idea] = store.ideas(db, AZC)
    assert (idea["title"], idea["author_name"]) == ("Een moestuin", None)
    assert audit_actions(db) == [("marieke", "remove_name", AZC)]
    assert "Jan de Vries" not in " ".join(e["detail"] for e in audit.entries(db))
    assert "Haal de naam bij I1 weg" not in as_coordinator.get(f"/beheer/{AZC}/moderatie").get_data(as_text=True)
    assert post(as_coordinator, f"/beheer/{AZC}/naam-weghalen", {"table": "ideas", "number": "9"}).status_code == 404


def test_the_confirmation_mail_is_sent_again(as_coordinator, settings, db):
    """The link expired or the mail got lost: the coordinator sends it again, without seeing the address."""
    ans = store.add_member(db, AZC, name="Ans", relation="resident", email="ans@example.org")
    bo = store.add_member(db, AZC, name="Bo", relation="newcomer")
    page = as_coordinator.get(f"/beheer/{AZC}/kring").get_data(as_text=True)
    assert "Stuur Ans de bevestigingsmail opnieuw" in page and "ans@example.org" not in page
    response = post(as_coordinator, f"/beheer/{AZC}/lid/{ans}/bevestigingsmail")
    assert response.status_code == 303 and response.headers["Location"] == f"/beheer/{AZC}/kring#lid-{ans}"
    assert f'<tr id="lid-{ans}">' in page
    [message] = [email.message_from_bytes(p.read_bytes()) for p in Path(settings["SAMENPLAN_OUTBOX"]).glob("*.eml")]
    assert message["To"] == "ans@example.org"
    link = re.search(r"http://localhost(/deelnemen/\S+)", message.get_payload(decode=True).decode()).group(1)
    assert as_coordinator.get(link).status_code == 200
    assert store.member(db, ans)["email_confirmed_at"] is not None
    assert audit_actions(db) == [("marieke", "resend_confirmation", AZC)]
    assert "ans@example.org" not in audit.entries(db)[0]["detail"]
    # Confirmed now, or no address at all: nothing to send.
    assert post(as_coordinator, f"/beheer/{AZC}/lid/{ans}/bevestigingsmail").status_code == 409
    assert post(as_coordinator, f"/beheer/{AZC}/lid/{bo}/bevestigingsmail").status_code == 409
    assert post(as_coordinator, f"/beheer/{FUND}/lid/{ans}/bevestigingsmail").status_code == 404


def test_a_meeting_is_recorded_for_the_verslag(as_coordinator, settings, db):
    from participation.build import build

    from .test_site_build import read, text

    response = post(as_coordinator, f"/beheer/{AZC}/bijeenkomst",
                    {"held_on": "12-11-2026", "place": "Buurtavond in het buurthuis", "attendees": "35",
                     "note": "Veel vragen over de veiligheid."})
    assert response.status_code == 303 and response.headers["Location"] == f"/beheer/{AZC}/bijeenkomsten"
    [held] = meetings.for_issue(db, AZC)
    assert (held["state"], held["held_on"], held["place"], held["attendees"], held["account"]) == (
        "held", "2026-11-12", "Buurtavond in het buurthuis", 35, "Veel vragen over de veiligheid.")
    assert audit_actions(db) == [("marieke", "meeting", AZC)]
    assert AZC in store.pending_changes(db)[1]
    build(settings)
    verslag = text(read(settings, f"kwesties/{AZC}/verslag/index.html"))
    assert "12 november 2026: Bijeenkomst: Buurtavond in het buurthuis, 35 mensen. Veel vragen over de veiligheid." in verslag


def test_a_meeting_needs_a_past_day_and_a_place(as_coordinator, db):
    import datetime

    # Tomorrow where the meetings are: between 23:00 and 24:00 UTC the machine's date is
    # already today in Amsterdam (this failed in CI at 23:20 UTC).
    tomorrow = (meetings.local_now().date() + datetime.timedelta(days=1)).isoformat()
    response = post(as_coordinator, f"/beheer/{AZC}/bijeenkomst", {"held_on": tomorrow, "place": "", "attendees": "veel"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for field in ("held_on", "place", "attendees"):
        assert f'href="#bijeenkomst-{field}"' in page
    assert "<h1>Bijeenkomsten: " in page and "<title>Fout: " in page  # the page of the task, again
    assert meetings.for_issue(db, AZC) == [] and audit.entries(db) == []


def test_hidden_objection_keeps_its_place(as_coordinator, db):
    store.add_agreement(db, AZC, what="Koffie op zaterdag")
    member = store.add_member(db, AZC, name="Ans", relation="resident")
    store.add_objection(db, AZC, agreement_number=1, reason="Met een naam erin", member_id=member)
    assert post(as_coordinator, f"/beheer/{AZC}/verbergen",
                {"table": "objections", "number": "1", "reason": "Er stond een naam in."}).status_code == 303
    [objection] = store.objections(db, AZC)
    assert objection["reason"] is None and objection["hidden_reason"] == "Er stond een naam in."
    assert objection["status"] == "open"  # hiding is not resolving


# On someone's behalf ------------------------------------------------------------


def test_enter_an_idea_from_paper(as_coordinator, coordinator, db):
    response = post(as_coordinator, f"/beheer/{AZC}/namens/idee",
                    {"channel": "paper", "title": "Bankje bij de vijver", "body": "Van een briefje", "cost": "450"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/beheer/{AZC}/bijdragen#I1"
    row = db["ideas"].get(1)
    assert (row["title"], row["channel"], row["entered_by"], row["cost"]) == (
        "Bankje bij de vijver", "paper", coordinator["id"], 450)
    assert store.ideas(db, AZC)[0]["channel"] == "paper"
    [entry] = audit.entries(db)
    assert (entry["action"], entry["issue"], entry["detail"]) == ("enter_idea", AZC, "I1, op papier")


def test_enter_a_member_at_the_door_without_email(as_coordinator, coordinator, db):
    response = post(as_coordinator, f"/beheer/{AZC}/namens/kring",
                    {"channel": "door", "name": "Henk", "relation": "resident", "email": "henk@example.org"})
    assert response.status_code == 303 and response.headers["Location"] == f"/beheer/{AZC}/kring#lid-1"
    row = db.execute("select name, channel, entered_by, email from members").fetchone()
    assert row == ("Henk", "door", coordinator["id"], None)
    # Names stay out of the append-only log, so erasing a person stays possible.
    assert "Henk" not in audit.entries(db)[0]["detail"]


def test_enter_a_question_from_a_meeting(as_coordinator, db):
    response = post(as_coordinator, f"/beheer/{AZC}/namens/vraag",
                    {"channel": "meeting", "text": "Komen er kinderen?", "author_name": "Mo"})
    assert response.status_code == 303 and response.headers["Location"] == f"/beheer/{AZC}/bijdragen#V1"
    [question] = store.questions(db, AZC)
    assert (question["text"], question["channel"], question["author_name"]) == ("Komen er kinderen?", "meeting", "Mo")


@pytest.mark.parametrize("kind,data,fields", [
    ("idee", {"title": "Zonder kanaal"}, ["channel"]),
    ("idee", {"channel": "fax", "title": ""}, ["channel", "title"]),
    ("vraag", {"channel": "paper", "text": "x" * 2001}, ["text"]),
    ("kring", {"channel": "door", "name": "", "relation": "koning"}, ["name", "relation"]),
])
def test_invalid_input_on_behalf_gives_400_naming_each_field(as_coordinator, db, kind, data, fields):
    response = post(as_coordinator, f"/beheer/{AZC}/namens/{kind}", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for field in fields:
        assert f'href="#namens-{kind}-{field}"' in page
    # Shown again on the page that holds the form.
    assert ("<h1>Kring: " if kind == "kring" else "<h1>Ideeën en vragen: ") in page
    assert audit.entries(db) == [] and store.idea_count(db, AZC) == 0


def test_no_input_on_behalf_for_a_closed_kwestie(as_coordinator, settings, db):
    write_issue(settings, "afgerond", phase="closed")
    response = post(as_coordinator, "/beheer/afgerond/namens/idee", {"channel": "paper", "title": "Te laat"})
    assert response.status_code == 409
    assert store.idea_count(db, "afgerond") == 0


# Phases --------------------------------------------------------------------------


def add_members(db, slug, count):
    for n in range(count):
        store.add_member(db, slug, name=f"Lid {n}", relation="resident")


def test_open_to_proposing_is_refused_with_a_small_circle(as_coordinator, settings, db):
    path = write_issue(settings, "speeltuin", phase="open", Ideas_until="2026-01-01", Min_circle="3")
    add_members(db, "speeltuin", 2)
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    response = post(as_coordinator, "/beheer/speeltuin/fase", {"phase": "proposing"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "De fase is niet veranderd" in page
    assert "De kring is nog te klein: 2 van de minstens 3 mensen." in page
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime
    assert audit.entries(db) == []


def test_open_to_proposing_is_refused_before_the_end_of_the_idea_period(as_coordinator, settings, db):
    path = write_issue(settings, "speeltuin", phase="open", Ideas_until="2999-12-31")
    add_members(db, "speeltuin", 5)
    before = path.read_bytes()
    response = post(as_coordinator, "/beheer/speeltuin/fase", {"phase": "proposing"})
    assert response.status_code == 409
    assert "Ideeën insturen kan nog tot en met 31 december 2999" in response.get_data(as_text=True)
    assert path.read_bytes() == before


def test_open_to_proposing_after_the_idea_period_with_a_circle(as_coordinator, settings, db):
    path = write_issue(settings, "speeltuin", phase="open", Ideas_until="2026-01-01", Min_circle="3")
    add_members(db, "speeltuin", 3)
    store.clear_changes(db, store.pending_changes(db)[0])
    before = path.read_text(encoding="utf-8")
    response = post(as_coordinator, "/beheer/speeltuin/fase", {"phase": "proposing"})
    assert response.status_code == 303
    after = path.read_text(encoding="utf-8")
    assert after == before.replace("Phase: open", "Phase: proposing")
    assert store.pending_changes(db)[1] == {"speeltuin"}
    assert audit_actions(db) == [("marieke", "phase", "speeltuin")]
    assert audit.entries(db)[0]["detail"] == "open → proposing"
    # The app reads the new phase at once: the kwestie now takes objections.
    assert "De fase is nu ‘concept-plan’" in as_coordinator.get("/beheer/speeltuin/").get_data(as_text=True)


def test_phase_not_offered_is_400(as_coordinator, settings):
    path = write_issue(settings, "speeltuin", phase="open")
    before = path.read_bytes()
    for target in ("adopted", "draft", "open", "koning", ""):
        assert post(as_coordinator, "/beheer/speeltuin/fase", {"phase": target}).status_code == 400
    assert path.read_bytes() == before


def test_adopted_needs_a_plan_version(as_coordinator, settings):
    path = write_issue(settings, "speeltuin", phase="proposing")
    assert post(as_coordinator, "/beheer/speeltuin/fase", {"phase": "adopted"}).status_code == 409
    (path.parent / "plan").mkdir()
    (path.parent / "plan" / "0001.yaml").write_text("issue: speeltuin\nversion: 1\n")
    assert post(as_coordinator, "/beheer/speeltuin/fase", {"phase": "adopted"}).status_code == 303
    assert "Phase: adopted" in path.read_text()


def test_closed_is_final(as_coordinator, settings):
    path = write_issue(settings, "speeltuin", phase="adopted")
    assert post(as_coordinator, "/beheer/speeltuin/fase", {"phase": "closed"}).status_code == 303
    assert "Phase: closed" in path.read_text()
    page = as_coordinator.get("/beheer/speeltuin/").get_data(as_text=True)
    assert "Dit is de laatste fase" in page and 'name="phase"' not in page
    assert post(as_coordinator, "/beheer/speeltuin/fase", {"phase": "open"}).status_code == 400


def test_a_draft_opens_only_with_constraints_and_a_coordinator(as_coordinator, settings):
    path = write_issue(settings, "concept", phase="draft")
    assert "concept" in as_coordinator.get("/beheer/").get_data(as_text=True)  # drafts are listed
    response = post(as_coordinator, "/beheer/concept/fase", {"phase": "open"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "De kaders ontbreken" in page and "Er is nog geen coördinator" in page
    write_issue(settings, "concept", phase="draft", Constraints="Volgens de wet.", Coordinator="Marieke")
    assert post(as_coordinator, "/beheer/concept/fase", {"phase": "open"}).status_code == 303
    assert "Phase: open" in path.read_text()


# Professionals ------------------------------------------------------------------


def test_professional_answers_a_question(as_professional, professional, db):
    store.add_question(db, AZC, text="Hoeveel mensen komen er?")
    page = as_professional.get(f"/beheer/{AZC}/vraag/1").get_data(as_text=True)
    assert "Hoeveel mensen komen er?" in page and '<label for="antwoord-text">' in page
    response = post(as_professional, f"/beheer/{AZC}/vraag/1", {"text": "Ongeveer veertig."})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/beheer/{AZC}/bijdragen#V1"
    [question] = store.questions(db, AZC)
    [answer] = question["answers"]
    assert (answer["text"], answer["display_name"], answer["organisation"]) == (
        "Ongeveer veertig.", "Sanne de Vries", "Politie")
    assert audit_actions(db) == [("wijkagent", "answer", AZC)]


def test_empty_answer_is_400(as_professional, db):
    store.add_question(db, AZC, text="Wanneer?")
    response = post(as_professional, f"/beheer/{AZC}/vraag/1", {"text": ""})
    assert response.status_code == 400
    assert 'href="#antwoord-text"' in response.get_data(as_text=True)
    assert store.questions(db, AZC)[0]["answers"] == []


def test_a_hidden_question_cannot_be_answered(as_professional, db):
    store.add_question(db, AZC, text="Iets met een naam")
    store.set_hidden(db, "questions", AZC, 1, reason="Naam genoemd")
    page = as_professional.get(f"/beheer/{AZC}/vraag/1").get_data(as_text=True)
    assert "Iets met een naam" not in page and "Naam genoemd" in page
    assert post(as_professional, f"/beheer/{AZC}/vraag/1", {"text": "Antwoord"}).status_code == 409


@pytest.mark.parametrize("url,data", [
    (f"/beheer/{AZC}/verbergen", {"table": "ideas", "number": "1", "reason": "Weg"}),
    (f"/beheer/{AZC}/tonen", {"table": "ideas", "number": "1"}),
    (f"/beheer/{AZC}/fase", {"phase": "closed"}),
    (f"/beheer/{AZC}/namens/idee", {"channel": "paper", "title": "Iets"}),
    ("/beheer/gebruikers", {"username": "nieuw", "display_name": "Nieuw", "role": "coordinator",
                            "password": PASSWORD, "password_again": PASSWORD}),
])
def test_professional_gets_403_for_everything_else(as_professional, settings, db, url, data):
    store.add_idea(db, AZC, title="Koffie")
    before = (settings["PATH"] + f"/kwesties/{AZC}/kwestie.md")
    text = open(before, encoding="utf-8").read()
    response = post(as_professional, url, data)
    assert response.status_code == 403
    assert "Dit kan alleen een coördinator" in response.get_data(as_text=True)
    assert store.ideas(db, AZC)[0]["hidden_at"] is None and store.idea_count(db, AZC) == 1
    assert open(before, encoding="utf-8").read() == text
    assert db["users"].count == 1 and audit.entries(db) == []


def test_every_coordinator_form_refuses_a_professional(app, as_professional, db):
    """Found from the app itself, so a new form cannot forget the check."""
    open_to_professionals = {"beheer.login", "beheer.logout", "beheer.answer"}
    rules = [r for r in app.url_map.iter_rules() if "POST" in r.methods
             and r.endpoint.split(".")[0] in ("beheer", "beheer_plan") and r.endpoint not in open_to_professionals]
    assert len(rules) >= 15
    for rule in rules:
        url = rule.build({"slug": AZC, "number": 1, "kind": "idee"}, append_unknown=False)[1]
        assert post(as_professional, url).status_code == 403, url
    assert audit.entries(db) == []


@pytest.mark.parametrize("url", ["/beheer/gebruikers", "/beheer/logboek"])
def test_professional_gets_403_on_coordinator_pages(as_professional, url):
    assert as_professional.get(url).status_code == 403


def test_professional_sees_the_kwestie_without_moderation_or_personal_data(as_professional, db):
    store.add_member(db, AZC, name="Ans", relation="resident", email="ans@example.org")
    store.add_idea(db, AZC, title="Zichtbaar idee")
    store.add_idea(db, AZC, title="Verborgen tekst")
    store.set_hidden(db, "ideas", AZC, 2, reason="Ging over een persoon")
    page = as_professional.get(f"/beheer/{AZC}/bijdragen").get_data(as_text=True)
    assert "Zichtbaar idee" in page and "Ging over een persoon" in page
    assert "Verborgen tekst" not in page and "verbergen" not in page and "<form" not in page.split("</nav>", 2)[-1]
    for url in (f"/beheer/{AZC}/", f"/beheer/{AZC}/kring"):
        page = as_professional.get(url).get_data(as_text=True)
        assert 'name="phase"' not in page and "Wat nu?" not in page
        assert "Ans" not in page and "ans@example.org" not in page


def test_professional_does_not_see_drafts(as_professional, settings):
    write_issue(settings, "nog-geheim", phase="draft")
    assert "nog-geheim" not in as_professional.get("/beheer/").get_data(as_text=True)
    assert as_professional.get("/beheer/nog-geheim/").status_code == 404


# The kwestie page ----------------------------------------------------------------


def test_kwestie_page_shows_contributions_and_never_an_email_address(as_coordinator, db):
    confirmed = store.add_member(db, AZC, name="Ans", relation="resident", email="ans@example.org")
    store.confirm_email(db, confirmed, "ans@example.org")
    store.add_member(db, AZC, name="Bram", relation="business", email="bram@example.org")
    store.add_member(db, AZC, name="Cor", relation="newcomer", channel="door")
    store.add_idea(db, AZC, title="Koffie op zaterdag", channel="paper")
    store.add_question(db, AZC, text="Hoe lang blijven ze?")
    response = as_coordinator.get(f"/beheer/{AZC}/kring")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "@example.org" not in page
    assert re.search(r"<th scope=\"row\">Ans</th>.*?<td>ja</td>", page, re.S)
    assert re.search(r"<th scope=\"row\">Bram</th>.*?<td>nee\s*<form", page, re.S)
    assert re.search(r"<th scope=\"row\">Cor</th>.*?aan de deur.*?<td>geen e-mailadres</td>", page, re.S)
    assert page.count("<h1") == 1
    page = as_coordinator.get(f"/beheer/{AZC}/bijdragen").get_data(as_text=True)
    assert "Koffie op zaterdag" in page and "op papier" in page and "Beantwoord V1" in page
    assert "@example.org" not in page and page.count("<h1") == 1


@pytest.mark.parametrize("url", ["/beheer/bestaat-niet/", "/beheer/bestaat-niet/vraag/1", f"/beheer/{AZC}/vraag/9",
                                 "/beheer/..%2Fetc/", "/beheer/logboek/5/", "/beheer/bestaat-niet/kring",
                                 "/beheer/bestaat-niet/bijdragen", "/beheer/bestaat-niet/moderatie",
                                 "/beheer/bestaat-niet/bijeenkomsten"])
def test_unknown_things_are_404(as_coordinator, url):
    assert as_coordinator.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/beheer/bestaat-niet/verbergen", "/beheer/bestaat-niet/fase",
                                 "/beheer/bestaat-niet/namens/idee", f"/beheer/{AZC}/namens/brief"])
def test_posts_to_unknown_things_are_404(as_coordinator, url):
    assert post(as_coordinator, url, {"table": "ideas", "number": "1", "reason": "x"}).status_code == 404


def test_overview_counts(as_coordinator, db):
    add_members(db, AZC, 2)
    store.add_idea(db, AZC, title="Een")
    store.add_question(db, AZC, text="Vraag een")
    store.add_question(db, AZC, text="Vraag twee")
    page = as_coordinator.get("/beheer/").get_data(as_text=True)
    row = re.search(rf'<a href="/beheer/{AZC}/">.*?</tr>', page, re.S).group(0)
    assert "<td>2 van minstens 3</td>" in row and "<td>1</td>" in row and "<td>2 van 2</td>" in row


# Accounts ------------------------------------------------------------------------


def test_coordinator_makes_an_account_for_a_professional(as_coordinator, client, db):
    response = post(as_coordinator, "/beheer/gebruikers", {
        "username": "GGD.Noord", "display_name": "Jan Bakker", "organisation": "GGD", "role": "professional",
        "password": "nog-een-lang-wachtwoord", "password_again": "nog-een-lang-wachtwoord"})
    assert response.status_code == 303
    user = db.execute("select username, role, password_hash from users where username = 'ggd.noord'").fetchone()
    assert user[:2] == ("ggd.noord", "professional")
    assert user[2].startswith("scrypt:") and "nog-een-lang-wachtwoord" not in user[2]
    assert audit.entries(db)[0]["detail"] == "ggd.noord (professional)"
    assert "Jan Bakker" in as_coordinator.get("/beheer/gebruikers").get_data(as_text=True)
    post(client, "/beheer/uitloggen")
    assert login(client, "ggd.noord", "nog-een-lang-wachtwoord").status_code == 303


@pytest.mark.parametrize("data,field", [
    ({"username": "marieke"}, "username"),  # exists already
    ({"username": "Met spatie"}, "username"),
    ({"password": "kort", "password_again": "kort"}, "password"),
    ({"password_again": "iets-anders-dan-dat"}, "password_again"),
    ({"role": "baas"}, "role"),
    ({"display_name": ""}, "display_name"),
])
def test_invalid_account_is_400(as_coordinator, db, data, field):
    form = {"username": "nieuw", "display_name": "Nieuw", "role": "professional",
            "password": PASSWORD, "password_again": PASSWORD, **data}
    response = post(as_coordinator, "/beheer/gebruikers", form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'href="#account-{field}"' in page
    assert PASSWORD not in page
    assert db["users"].count == 1


def test_authenticate(db):
    accounts.create_user(db, "anna", PASSWORD, "professional")
    assert accounts.authenticate(db, "anna", PASSWORD)["username"] == "anna"
    assert accounts.authenticate(db, "ANNA ", PASSWORD)["username"] == "anna"
    assert accounts.authenticate(db, "anna", PASSWORD.upper()) is None
    assert accounts.authenticate(db, "bert", PASSWORD) is None
    assert "password_hash" not in accounts.list_users(db)[0]
    with pytest.raises(ValueError):
        accounts.create_user(db, "anna", PASSWORD, "professional")
    with pytest.raises(ValueError):
        accounts.create_user(db, "baas", PASSWORD, "admin")


# The audit log --------------------------------------------------------------------


def test_audit_log_cannot_be_changed_or_emptied(coordinator, db):
    audit.record(db, coordinator, "login")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("update audit_log set username = 'iemand'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("delete from audit_log")
    assert audit.entries(db)[0]["username"] == "marieke"


def test_every_action_is_in_the_log(client, coordinator, professional, settings, db):
    write_issue(settings, "speeltuin", phase="open", Min_circle="1")
    store.add_idea(db, AZC, title="Koffie")
    store.add_question(db, AZC, text="Wanneer?")
    login(client, "marieke", PASSWORD)
    post(client, f"/beheer/{AZC}/verbergen", {"table": "ideas", "number": "1", "reason": "Dubbel"})
    post(client, f"/beheer/{AZC}/tonen", {"table": "ideas", "number": "1"})
    post(client, f"/beheer/{AZC}/namens/kring", {"channel": "door", "name": "Ali", "relation": "newcomer"})
    post(client, f"/beheer/{AZC}/namens/idee", {"channel": "paper", "title": "Bankje"})
    post(client, f"/beheer/{AZC}/namens/vraag", {"channel": "meeting", "text": "Hoe?"})
    post(client, f"/beheer/{AZC}/vraag/1", {"text": "In maart."})
    store.add_member(db, "speeltuin", name="Lid", relation="resident")
    post(client, "/beheer/speeltuin/fase", {"phase": "proposing"})
    post(client, "/beheer/gebruikers", {"username": "nieuw", "display_name": "Nieuw", "role": "professional",
                                        "password": PASSWORD, "password_again": PASSWORD})
    post(client, "/beheer/uitloggen")
    assert [a[1] for a in audit_actions(db)] == [
        "login", "hide", "unhide", "enter_member", "enter_idea", "enter_question", "answer", "phase",
        "create_user", "logout"]
    assert {a[0] for a in audit_actions(db)} == {"marieke"}

    login(client, "marieke", PASSWORD)
    page = client.get("/beheer/logboek").get_data(as_text=True)
    for action in {a[1] for a in audit_actions(db)}:  # the plan's actions: tests/test_beheer_plan.py
        assert audit.ACTIONS[action] in page
    assert page.index("ingelogd") < page.index("uitgelogd") < page.index("account gemaakt")  # newest first


def test_audit_log_pages_of_100(as_coordinator, coordinator, db):
    for n in range(150):
        audit.record(db, coordinator, "hide", AZC, f"I{n}")
    first = as_coordinator.get("/beheer/logboek").get_data(as_text=True)
    second = as_coordinator.get("/beheer/logboek/2/").get_data(as_text=True)
    assert first.count("<tr>") == 101 and "I149" in first and "<td>I49</td>" not in first
    assert second.count("<tr>") == 51 and "<td>I0</td>" in second
    assert 'href="/beheer/logboek/2/"' in first
    assert as_coordinator.get("/beheer/logboek/3/").status_code == 404


# The command line ---------------------------------------------------------------


def test_cli_user_add(settings, db, monkeypatch, capsys):
    monkeypatch.setenv("SAMENPLAN_DATABASE", settings["SAMENPLAN_DATABASE"])
    monkeypatch.setenv("SAMENPLAN_PASSWORD", PASSWORD)
    assert cli.main(["user", "add", "Wijkagent", "--role", "professional", "--name", "Sanne",
                     "--organisation", "Politie"]) == 0
    assert "wijkagent (professional) is gemaakt" in capsys.readouterr().out
    user = accounts.authenticate(db, "wijkagent", PASSWORD)
    assert (user["role"], user["display_name"], user["organisation"]) == ("professional", "Sanne", "Politie")
    assert audit_actions(db) == [("systeem", "create_user", None)]
    assert cli.main(["user", "add", "wijkagent"]) == 1  # exists already


def test_demo_makes_one_coordinator_once(settings, db):
    password = cli._demo_account(settings)
    assert len(password) >= accounts.PASSWORD_MIN
    assert accounts.authenticate(db, "coordinator", password)["role"] == "coordinator"
    assert cli._demo_account(settings) is None
