"""The circle and what it contributes: e-mail confirmation, personal links,
questions and answers, objections, spam traps, rate limits, privacy."""

import email
import json
import re
import time
from pathlib import Path

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from participation import db as database
from participation import store, throttle, tokens
from participation.build import build
from participation.web import create_app

from .conftest import AZC
from .support import ROOT, as_person, read_kwestie

ROOT_SETTINGS = ROOT / "pelicanconf.py"



def outbox(settings):
    folder = Path(settings["SAMENPLAN_OUTBOX"])
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))] if folder.is_dir() else []


def link_in(message):
    return re.search(r"http://localhost(/deelnemen/\S+)", message.get_payload(decode=True).decode()).group(1)


def add_professional(db, name="Wijkagent Sanne", organisation="Politie"):
    with database.write(db):
        return db["users"].insert({"username": name.lower().replace(" ", ""), "display_name": name,
                                   "organisation": organisation, "role": "professional",
                                   "password_hash": "x", "created_at": database.now()}).last_pk



def join_and_confirm(send, client, settings, slug, name="Ans", address="ans@example.org"):
    """Join with an e-mail address, follow the link in the mail; returns the personal link."""
    assert send(f"/deelnemen/{slug}/kring", data={"name": name, "relation": "resident", "email": address}).status_code == 303
    confirmation = client.get(link_in(outbox(settings)[-1]))
    assert confirmation.status_code == 200
    return link_in(outbox(settings)[-1])


# E-mail and personal links ---------------------------------------------------


def test_joining_with_email_sends_a_confirmation_link_that_works(send, client, settings, db):
    response = send(f"/deelnemen/{AZC}/kring", data={"name": "Ans", "relation": "newcomer", "email": "Ans@Example.org"})
    assert response.status_code == 303
    [message] = outbox(settings)
    assert message["To"] == "ans@example.org"
    member = db.execute("select email, email_confirmed_at from members").fetchone()
    assert member == ("ans@example.org", None)

    page = client.get(link_in(message))
    assert page.status_code == 200 and "Je e-mailadres is bevestigd" in page.get_data(as_text=True)
    assert db.execute("select email_confirmed_at from members").fetchone()[0] is not None
    personal = outbox(settings)[-1]
    assert "persoonlijke link" in personal["Subject"]
    assert client.get(link_in(personal)).status_code == 200
    # Opening the confirmation link again shows the page, but mails nobody a second time.
    again = client.get(link_in(message))
    assert again.status_code == 200 and "Je e-mailadres is bevestigd" in again.get_data(as_text=True)
    assert len(outbox(settings)) == 2


def test_invalid_email_is_named_in_the_error_summary(send):
    response = send(f"/deelnemen/{AZC}/kring", data={"name": "Ans", "relation": "newcomer", "email": "ans@"})
    assert response.status_code == 400
    assert 'href="#kring-email"' in response.get_data(as_text=True)


def test_expired_confirmation_token_is_refused(app, client, db):
    member_id = store.add_member(db, AZC, name="Bo", relation="business", email="bo@example.org")
    token = tokens.confirm_token(app.config["SECRET_KEY"], member_id, "bo@example.org")
    with pytest.raises(tokens.TokenError) as error:
        tokens.read_confirm_token(app.config["SECRET_KEY"], token, max_age=-1)
    assert error.value.expired
    # Signed 4 days ago: past the 3-day limit.
    class FourDaysAgo(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - 4 * 24 * 3600

    old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="confirm-email", signer=FourDaysAgo).dumps(
        [member_id, "bo@example.org"])
    response = client.get(f"/deelnemen/{AZC}/bevestigen/{old}")
    assert response.status_code == 400 and "verlopen" in response.get_data(as_text=True)
    assert db.execute("select email_confirmed_at from members").fetchone()[0] is None
    assert client.get(f"/deelnemen/{AZC}/bevestigen/{token}").status_code == 200


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature changed
    lambda t: "x" + t,  # payload changed
    lambda t: "niet-eens-een-token",
])
def test_tampered_confirmation_token_is_refused(app, client, db, tamper):
    member_id = store.add_member(db, AZC, name="Bo", relation="business", email="bo@example.org")
    token = tokens.confirm_token(app.config["SECRET_KEY"], member_id, "bo@example.org")
    response = client.get(f"/deelnemen/{AZC}/bevestigen/{tamper(token)}")
    assert response.status_code == 400 and "klopt niet" in response.get_data(as_text=True)
    assert db.execute("select email_confirmed_at from members").fetchone()[0] is None


def test_a_member_token_is_no_confirmation_token(app, client, db):
    member_id = store.add_member(db, AZC, name="Bo", relation="business", email="bo@example.org")
    wrong_kind = tokens.member_token(app.config["SECRET_KEY"], member_id, AZC)
    assert client.get(f"/deelnemen/{AZC}/bevestigen/{wrong_kind}").status_code == 400


def test_confirmation_for_a_changed_address_is_refused(app, client, db):
    member_id = store.add_member(db, AZC, name="Bo", relation="business", email="nieuw@example.org")
    token = tokens.confirm_token(app.config["SECRET_KEY"], member_id, "oud@example.org")
    assert client.get(f"/deelnemen/{AZC}/bevestigen/{token}").status_code == 400


def test_the_confirmation_link_does_not_carry_the_address(app, client, db):
    """A signed token is readable base64; links end up in logs and browser histories."""
    import base64

    member_id = store.add_member(db, AZC, name="Bo", relation="business", email="bo@example.org")
    token = tokens.confirm_token(app.config["SECRET_KEY"], member_id, "bo@example.org")
    payload = token.split(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert decoded.startswith(b"[") and b"bo@example.org" not in decoded and b"example" not in decoded
    assert client.get(f"/deelnemen/{AZC}/bevestigen/{token}").status_code == 200


# Questions and answers -----------------------------------------------------------


def test_question_is_stored_and_answer_is_published_as_information(send, settings, db):
    assert send(f"/deelnemen/{AZC}/vraag", data={"text": "Hoeveel mensen komen er wonen?"}).status_code == 303
    store.add_answer(db, AZC, 1, user_id=add_professional(db), text="Ongeveer veertig mensen.")
    build(settings)
    page = (Path(settings["OUTPUT_PATH"]) / "kwesties" / AZC / "index.html").read_text()
    assert "Hoeveel mensen komen er wonen?" in page
    assert "Informatie van een professional: Wijkagent Sanne, Politie" in page
    data = json.loads((Path(settings["OUTPUT_PATH"]) / "kwesties" / f"{AZC}.json").read_text())
    assert data["questions"][0]["answers"][0]["text"] == "Ongeveer veertig mensen."


def test_empty_question_gives_400(send):
    response = send(f"/deelnemen/{AZC}/vraag", data={"text": " "})
    assert response.status_code == 400 and 'href="#vraag-text"' in response.get_data(as_text=True)


def test_idea_with_cost(send, db):
    assert send(f"/deelnemen/{AZC}/idee", data={"title": "Bankjes", "cost": "€ 2.500"}).status_code == 303
    assert store.ideas(db, AZC)[0]["cost"] == 2500
    response = send(f"/deelnemen/{AZC}/idee", data={"title": "Bankjes", "cost": "veel"})
    assert response.status_code == 400 and 'href="#idee-cost"' in response.get_data(as_text=True)


# Objections ------------------------------------------------------------------------


def test_objection_while_open_is_409(send):
    response = send(f"/deelnemen/{AZC}/bezwaar", data={"agreement": "1", "reason": "Nee"})
    assert response.status_code == 409
    assert "Bezwaar maken kan nu niet" in response.get_data(as_text=True)


def test_objection_needs_a_confirmed_member(send, proposing, app, db):
    response = send(f"/deelnemen/{proposing}/bezwaar", data={"agreement": "1", "reason": "Nee"})
    assert response.status_code == 403
    unconfirmed = store.add_member(db, proposing, name="Co", relation="resident", email="co@example.org")
    token = tokens.member_token(app.config["SECRET_KEY"], unconfirmed, proposing)
    response = send(f"/deelnemen/{proposing}/bezwaar", data={"agreement": "1", "reason": "Nee", "token": token})
    assert response.status_code == 403
    assert store.objections(db, proposing) == []


def test_objecting_and_withdrawing_with_the_personal_link(send, client, settings, proposing, db):
    personal = join_and_confirm(send, client, settings, proposing)
    token = personal.rsplit("/", 1)[1]
    page = client.get(personal).get_data(as_text=True)
    assert "A1: Koffieochtend op zaterdag" in page

    response = send(f"/deelnemen/{proposing}/bezwaar",
                    data={"agreement": "1", "reason": "Op zaterdag is het café dicht", "token": token})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("#bedankt-bezwaar")
    [objection] = store.objections(db, proposing)
    assert (objection["agreement"], objection["status"], objection["author_name"]) == ("A1", "open", "Ans")

    response = client.post(f"/deelnemen/{proposing}/bezwaar/1/intrekken", data={"token": token})
    assert response.status_code == 303
    assert store.objections(db, proposing)[0]["status"] == "withdrawn"
    again = client.post(f"/deelnemen/{proposing}/bezwaar/1/intrekken", data={"token": token})
    assert again.status_code == 409


def test_nobody_withdraws_someone_elses_objection(send, client, settings, proposing, db):
    first = join_and_confirm(send, client, settings, proposing, "Ans", "ans@example.org").rsplit("/", 1)[1]
    second = join_and_confirm(send, client, settings, proposing, "Bo", "bo@example.org").rsplit("/", 1)[1]
    send(f"/deelnemen/{proposing}/bezwaar", data={"agreement": "2", "reason": "Niet iedereen heeft een telefoon", "token": first})
    assert client.post(f"/deelnemen/{proposing}/bezwaar/1/intrekken", data={"token": second}).status_code == 409
    assert store.objections(db, proposing)[0]["status"] == "open"


def test_objection_needs_a_reason_and_an_existing_agreement(send, client, settings, proposing):
    token = join_and_confirm(send, client, settings, proposing).rsplit("/", 1)[1]
    response = send(f"/deelnemen/{proposing}/bezwaar", data={"agreement": "9", "reason": "", "token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#bezwaar-agreement"' in page and 'href="#bezwaar-reason"' in page


# Spam traps and rate limits ----------------------------------------------------------


def test_honeypot_filled_is_400_and_nothing_is_stored(send, db):
    response = send(f"/deelnemen/{AZC}/idee", data={"title": "Goedkope horloges", "website": "http://spam"})
    assert response.status_code == 400 and "Laat dit veld leeg" in response.get_data(as_text=True)
    assert store.idea_count(db, AZC) == 0


def test_too_fast_or_without_form_token_is_400(client, app, db):
    fresh = tokens.form_token(app.config["SECRET_KEY"])
    too_fast = client.post(f"/deelnemen/{AZC}/idee", data={"title": "Snel", "form_started": fresh})
    assert too_fast.status_code == 400 and "erg snel" in too_fast.get_data(as_text=True)
    missing = client.post(f"/deelnemen/{AZC}/idee", data={"title": "Zonder"})
    assert missing.status_code == 400
    forged = client.post(f"/deelnemen/{AZC}/idee", data={"title": "Vals", "form_started": "MTIz.abc"})
    assert forged.status_code == 400
    assert store.idea_count(db, AZC) == 0
    # The re-rendered form carries a new token, so a person can simply send again.
    assert 'name="form_started" value="' in too_fast.get_data(as_text=True)


def test_rate_limit_is_429_per_client(settings, db):
    app = create_app({"TESTING": True, "RATE_LIMIT": 3, "RATE_WINDOW": 60}, settings=settings)
    client = app.test_client()
    statuses = [client.post(f"/deelnemen/{AZC}/idee", data=as_person(app.config["SECRET_KEY"], {"title": f"Idee {n}"}),
                            environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code for n in range(5)]
    assert statuses == [303, 303, 303, 429, 429]
    other = client.post(f"/deelnemen/{AZC}/idee", data=as_person(app.config["SECRET_KEY"], {"title": "Ander"}),
                        environ_base={"REMOTE_ADDR": "203.0.113.8"})
    assert other.status_code == 303
    stored = [row[0] for row in db.execute("select client from rate_counts")]
    assert stored and not any("203.0.113" in client for client in stored)


def test_rate_counts_are_forgotten_after_their_window(db):
    client = throttle.client_id("geheim", "198.51.100.1")
    other = throttle.client_id("geheim", "198.51.100.2")
    assert throttle.allow(db, client, limit=2, window=60, now=1000)
    assert throttle.allow(db, other, limit=2, window=60, now=1010)
    assert throttle.allow(db, client, limit=2, window=60, now=1020)
    assert not throttle.allow(db, client, limit=2, window=60, now=1030)  # a refusal is not counted
    assert db.execute("select client, count from rate_counts order by started").fetchall() == [(client, 2), (other, 1)]
    assert throttle.allow(db, client, limit=2, window=60, now=1065)  # its window is over: a new one
    assert not throttle.allow(db, other, limit=1, window=60, now=1069)  # other's window still runs
    assert db.execute("select client, started, count from rate_counts order by started").fetchall() == [
        (other, 1010, 1), (client, 1065, 1)]  # one row per client
    assert throttle.allow(db, client, limit=2, window=60, now=1075)
    assert db.execute("select client, count from rate_counts").fetchall() == [(client, 2)]  # other forgotten (1010 + 60)


# Privacy and escaping ------------------------------------------------------------------


def test_no_email_address_reaches_output(send, client, settings, proposing, db):
    join_and_confirm(send, client, settings, AZC, "Ans", "ans.de.vries@example.org")
    store.add_member(db, AZC, name="Piet", relation="business", email="piet@bakkerij.example")
    send(f"/deelnemen/{AZC}/idee", data={"title": "Markt", "author_name": "Piet"})
    build(settings)
    files = [p for p in Path(settings["OUTPUT_PATH"]).rglob("*") if p.is_file()]
    assert any(p.suffix == ".json" for p in files)
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert "example.org" not in text and "bakkerij.example" not in text, path
        assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text), path


SCRIPT = "<script>alert('x')</script>"


def test_html_in_every_field_is_escaped_in_html_and_json(send, client, settings, proposing, db):
    token = join_and_confirm(send, client, settings, proposing, SCRIPT, "x@example.org").rsplit("/", 1)[1]
    send(f"/deelnemen/{proposing}/kring", data={"name": SCRIPT, "relation": "other", "relation_other": SCRIPT})
    send(f"/deelnemen/{proposing}/idee", data={"title": SCRIPT, "body": SCRIPT, "author_name": SCRIPT})
    send(f"/deelnemen/{proposing}/vraag", data={"text": SCRIPT, "author_name": SCRIPT})
    send(f"/deelnemen/{proposing}/bezwaar", data={"agreement": "1", "reason": SCRIPT, "token": token})
    store.add_answer(db, proposing, 1, user_id=add_professional(db, SCRIPT, SCRIPT), text=SCRIPT)
    build(settings)
    out = Path(settings["OUTPUT_PATH"])
    page = (out / "kwesties" / proposing / "index.html").read_text()
    assert SCRIPT not in page
    assert page.count("&lt;script&gt;") >= 7
    data = json.loads((out / "kwesties" / f"{proposing}.json").read_text())
    assert data["ideas"][0]["title"] == SCRIPT  # JSON keeps the text; a JSON parser does not run it
    assert "<script>" not in (out / "index.html").read_text()


def test_hidden_contribution_stays_in_the_record_without_its_text(settings, db):
    store.add_idea(db, AZC, title="Iets kwetsends", author_name="Trol")
    store.set_hidden(db, "ideas", AZC, 1, reason="Kwetsend voor nieuwe bewoners")
    build(settings)
    page = (Path(settings["OUTPUT_PATH"]) / "kwesties" / AZC / "index.html").read_text()
    assert "Iets kwetsends" not in page and "Trol" not in page
    assert "Reden: Kwetsend voor nieuwe bewoners" in page
    data = json.loads((Path(settings["OUTPUT_PATH"]) / "kwesties" / f"{AZC}.json").read_text())
    assert data["ideas"][0]["title"] is None and data["ideas"][0]["hidden"]["reason"] == "Kwetsend voor nieuwe bewoners"


# Answers in a consent round, through the personal link -----------------------------------


def open_round_on(db, settings, slug, numbers):
    import datetime

    from participation import consent

    return consent.open_round(db, read_kwestie(settings, slug), numbers,
                              consent.end_of_day(datetime.date.today() + datetime.timedelta(days=7)))


def test_consent_concern_and_objection_in_a_round(send, client, settings, proposing, db):
    from participation import consent

    ans = join_and_confirm(send, client, settings, proposing, "Ans", "ans@example.org")
    bo = join_and_confirm(send, client, settings, proposing, "Bo", "bo@example.org")
    open_round_on(db, settings, proposing, [1, 2])
    page = client.get(ans).get_data(as_text=True)
    assert "Kun je leven met het concept-plan?" in page
    assert "<h3>A1: Koffieochtend op zaterdag</h3>" in page  # with what it costs, to decide on
    assert "<dt>Kosten</dt><dd>€ 1.200</dd>" in page
    assert client.post(f"/deelnemen/{proposing}/instemmen", data={"token": ans.rsplit("/", 1)[1], "answer_1": "consent",
                                                                  "answer_2": "consent"}).status_code == 303
    response = send(f"/deelnemen/{proposing}/bezwaar", data={"agreement": "1", "kind": "concern",
                                                            "reason": "Wie zet de koffie?", "token": bo.rsplit("/", 1)[1]})
    assert response.status_code == 303
    round_ = consent.current_round(db, proposing)
    figures = consent.round_figures(db, proposing, round_)
    assert (figures["consented"], figures["concerns"], figures["no_answer"]) == (1, 0, 1)  # Bo left A2 open
    assert client.post(f"/deelnemen/{proposing}/instemmen", data={"token": bo.rsplit("/", 1)[1],
                                                                  "answer_2": "consent"}).status_code == 303
    figures = consent.round_figures(db, proposing, round_)
    assert (figures["consented"], figures["concerns"], figures["no_answer"]) == (1, 1, 0)
    assert figures["agreements"][1] == {"revision": 1, "consented": 1, "concerns": 1, "objected": 0, "no_answer": 0}
    [concern] = store.objections(db, proposing)
    assert concern["kind"] == "concern" and concern["status"] == "open"
    assert "Ik kan ermee leven" in client.get(ans).get_data(as_text=True)


def test_consent_without_a_round_is_409(send, client, settings, proposing):
    token = join_and_confirm(send, client, settings, proposing).rsplit("/", 1)[1]
    assert client.post(f"/deelnemen/{proposing}/instemmen", data={"token": token}).status_code == 409
    assert client.post(f"/deelnemen/{proposing}/instemmen", data={"token": "vals"}).status_code == 403


def test_the_objector_accepts_an_amendment_with_their_own_link(send, client, settings, proposing, db):
    from participation import consent

    link = join_and_confirm(send, client, settings, proposing)
    token = link.rsplit("/", 1)[1]
    send(f"/deelnemen/{proposing}/bezwaar", data={"agreement": "1", "reason": "Niet op zondag", "token": token})
    assert "met de aanpassing is mijn bezwaar" not in client.get(link).get_data(as_text=True)
    # Saving the same text is no amendment; a new text is.
    consent.amend_agreement(db, read_kwestie(settings, proposing), 1, what="Koffieochtend op zaterdag")
    assert "met de aanpassing is mijn bezwaar" not in client.get(link).get_data(as_text=True)
    consent.amend_agreement(db, read_kwestie(settings, proposing), 1, what="Koffieochtend op zaterdag, na tienen")
    assert "met de aanpassing is mijn bezwaar B1 opgelost" in client.get(link).get_data(as_text=True)
    other = join_and_confirm(send, client, settings, proposing, "Bo", "bo@example.org").rsplit("/", 1)[1]
    assert client.post(f"/deelnemen/{proposing}/bezwaar/1/akkoord", data={"token": other}).status_code == 409
    assert client.post(f"/deelnemen/{proposing}/bezwaar/1/akkoord", data={"token": token}).status_code == 303
    [objection] = store.objections(db, proposing)
    assert objection["status"] == "resolved"


def test_erase_removes_personal_data_and_keeps_contributions(settings, db):
    import subprocess
    import sys

    from .conftest import ROOT

    member = store.add_member(db, AZC, name="Anneke", relation="resident", email="anneke@example.org")
    store.add_idea(db, AZC, title="Bloembakken", author_name="Anneke", member_id=member)
    env = {"SAMENPLAN_CONTENT": settings["PATH"], "SAMENPLAN_DATABASE": settings["SAMENPLAN_DATABASE"],
           "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "participation.cli", "--settings", str(ROOT / "pelicanconf.py"),
                             "erase", f"L{member}"], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    row = db.execute("select name, email, relation from members where id = ?", [member]).fetchone()
    assert row == ("(verwijderd)", None, "resident")
    [idea] = store.ideas(db, AZC)
    assert idea["title"] == "Bloembakken" and idea["author_name"] is None
    assert db.execute("select action, detail from audit_log").fetchall() == [("erase", f"lid {member}")]
    missing = subprocess.run([sys.executable, "-m", "participation.cli", "--settings", str(ROOT / "pelicanconf.py"),
                              "erase", "999"], capture_output=True, text=True, env=env)
    assert missing.returncode == 1 and "bestaat niet" in missing.stderr


def test_export_writes_json_csv_and_schemas(settings, db, tmp_path, monkeypatch):
    from participation import cli

    store.add_member(db, AZC, name="Anneke", relation="resident", email="anneke@example.org")
    monkeypatch.setenv("SAMENPLAN_CONTENT", settings["PATH"])
    monkeypatch.setenv("SAMENPLAN_DATABASE", settings["SAMENPLAN_DATABASE"])
    written = cli.export(tmp_path / "export", str(ROOT_SETTINGS))
    names = {p.name for p in written}
    assert {f"{AZC}.json", f"{AZC}.csv", "kwestie.schema.json", "plan-version.schema.json"} <= names
    assert json.loads((tmp_path / "export" / f"{AZC}.json").read_text())["circle"]["size"] == 1
    assert all("anneke@example.org" not in p.read_text() for p in written)


def test_a_member_can_ask_for_no_more_mail_and_keep_the_personal_link(send, client, settings, proposing, app, db):
    from participation import consent
    from participation.web import notify

    personal = join_and_confirm(send, client, settings, proposing, "Ans", "ans@example.org")
    assert "Stuur me geen e-mail meer" in client.get(personal).get_data(as_text=True)
    response = client.post(f"/deelnemen/{proposing}/geen-mail", data={"token": personal.rsplit("/", 1)[1]})
    assert response.status_code == 303 and response.headers["Location"].endswith("#mail")
    assert db.execute("select email from members where name = 'Ans'").fetchone()[0] is None
    page = client.get(personal)
    assert page.status_code == 200 and "Je krijgt geen e-mail meer van ons" in page.get_data(as_text=True)
    # A round opens: nobody is mailed, and Ans can still answer with her link.
    open_round_on(db, settings, proposing, [1])
    issue = app.extensions["samenplan.issues"].get(proposing)
    with app.test_request_context():
        assert notify.round_opened(db, settings, issue, consent.current_round(db, proposing),
                                   secret=app.config["SECRET_KEY"]) == 0
    assert client.post(f"/deelnemen/{proposing}/instemmen",
                       data={"token": personal.rsplit("/", 1)[1], "answer_1": "consent"}).status_code == 303
    assert client.post(f"/deelnemen/{proposing}/geen-mail", data={"token": "kapot"}).status_code == 403


def test_after_the_last_day_the_pages_say_the_round_has_ended(send, client, settings, proposing, db):
    from participation.build import build

    from .test_site_build import read, text

    personal = join_and_confirm(send, client, settings, proposing, "Ans", "ans@example.org")
    open_round_on(db, settings, proposing, [1, 2])
    build(settings)
    assert "Er loopt een ronde tot en met" in text(read(settings, f"kwesties/{proposing}/index.html"))
    assert "Dat kan tot en met" in client.get(personal).get_data(as_text=True)
    with database.write(db):
        db.execute("update consent_rounds set ends_at = '2000-01-03T22:59:59+00:00'")
    build(settings)
    page = text(read(settings, f"kwesties/{proposing}/index.html"))
    assert "De ronde liep tot en met 3 januari 2000." in page and "Er loopt een ronde" not in page
    assert "Je kunt nog reageren tot de coördinator het plan aanneemt" in client.get(personal).get_data(as_text=True)
    # Answers after the last day still count, until the plan is adopted.
    token = personal.rsplit("/", 1)[1]
    assert client.post(f"/deelnemen/{proposing}/instemmen", data={"token": token, "answer_2": "consent"}).status_code == 303


def test_an_amendment_voids_consent_given_on_the_old_text(send, client, settings, proposing, db):
    """Four members consented to 'zaterdag'; the text became 'zondag'. Their consent was for a
    text they never saw: it no longer counts, the page asks again and shows what changed."""
    from participation import consent

    ans = join_and_confirm(send, client, settings, proposing, "Ans", "ans@example.org")
    token = ans.rsplit("/", 1)[1]
    open_round_on(db, settings, proposing, [1, 2])
    assert client.post(f"/deelnemen/{proposing}/instemmen", data={"token": token, "answer_1": "consent",
                                                                  "answer_2": "consent"}).status_code == 303
    round_ = consent.current_round(db, proposing)
    assert consent.round_figures(db, proposing, round_)["agreements"][1]["consented"] == 1
    assert consent.round_may_close(db, proposing, round_)  # everyone (Ans) answered everything

    voided = consent.amend_agreement(db, read_kwestie(settings, proposing), 1, what="Koffieochtend op zondag")
    assert voided == [db.execute("select id from members where name = 'Ans'").fetchone()[0]]
    figures = consent.round_figures(db, proposing, round_)
    assert figures["agreements"][1] == {"revision": 2, "consented": 0, "concerns": 0, "objected": 0, "no_answer": 1}
    assert figures["agreements"][2]["consented"] == 1  # A2 did not change
    assert not consent.round_may_close(db, proposing, round_)  # the voided answer cannot close it early

    page = client.get(ans).get_data(as_text=True)
    assert "A1 is veranderd nadat je antwoordde" in page
    assert "<td>Koffieochtend op zaterdag</td><td>Koffieochtend op zondag</td>" in page
    assert 'name="answer_1" value="consent" checked' not in page  # asked again
    assert 'name="answer_2" value="consent" checked' in page
    assert client.post(f"/deelnemen/{proposing}/instemmen", data={"token": token,
                                                                  "answer_1": "consent"}).status_code == 303
    assert consent.round_figures(db, proposing, round_)["agreements"][1]["consented"] == 1
    assert "A1 is veranderd nadat je antwoordde" not in client.get(ans).get_data(as_text=True)


def test_an_objection_and_a_consent_on_two_agreements_in_one_form(send, client, settings, proposing, db):
    from participation import consent

    ans = join_and_confirm(send, client, settings, proposing, "Ans", "ans@example.org")
    token = ans.rsplit("/", 1)[1]
    open_round_on(db, settings, proposing, [1, 2])
    missing = client.post(f"/deelnemen/{proposing}/instemmen", data={"token": token, "answer_1": "objection",
                                                                     "answer_2": "consent"})
    assert missing.status_code == 400  # an objection needs its reason; nothing is stored
    page = missing.get_data(as_text=True)
    assert 'href="#ronde-reason_1"' in page and 'name="answer_2" value="consent" checked' in page
    assert consent.answer_of(db, consent.current_round(db, proposing), store.member(db, 1)["id"]) == {}

    response = client.post(f"/deelnemen/{proposing}/instemmen", data={
        "token": token, "answer_1": "objection", "reason_1": "Op zondag is het café dicht", "answer_2": "consent"})
    assert response.status_code == 303
    [objection] = store.objections(db, proposing)
    assert (objection["agreement"], objection["kind"], objection["reason"]) == ("A1", "objection",
                                                                                "Op zondag is het café dicht")
    figures = consent.round_figures(db, proposing, consent.current_round(db, proposing))
    assert figures["agreements"][1]["objected"] == 1 and figures["agreements"][2]["consented"] == 1
    assert figures["objected"] == 1 and figures["no_answer"] == 0
    # Sending the same form again makes no second objection; consent on A1 needs the objection closed first.
    client.post(f"/deelnemen/{proposing}/instemmen", data={"token": token, "answer_1": "objection",
                                                           "reason_1": "Op zondag is het café dicht"})
    assert len(store.objections(db, proposing)) == 1
    refused = client.post(f"/deelnemen/{proposing}/instemmen", data={"token": token, "answer_1": "consent"})
    assert refused.status_code == 409 and "open bezwaar (B1) tegen A1" in refused.get_data(as_text=True)
