"""'Mijn deelname': the member's personal page, and ideas and questions sent from it
under the member's own name (the forms carry the personal link as `lid`)."""

import datetime
import email
import re
from pathlib import Path

import pytest

from participation import consent, store, tokens
from participation import db as database

from .conftest import AZC, FUND, write_issue
from .support import read_kwestie



def outbox(settings):
    folder = Path(settings["SAMENPLAN_OUTBOX"])
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))]


def link_in(message):
    return re.search(r"http://localhost(/deelnemen/\S+)", message.get_payload(decode=True).decode()).group(1)


def join_and_confirm(send, client, settings, slug, name="Ans", address="ans@example.org"):
    """Join with an e-mail address, follow the link in the mail; returns the personal link's token."""
    assert send(f"/deelnemen/{slug}/kring", data={"name": name, "relation": "resident", "email": address}).status_code == 303
    assert client.get(link_in(outbox(settings)[-1])).status_code == 200
    return link_in(outbox(settings)[-1]).rsplit("/", 1)[1]



def page_of(client, slug, token):
    response = client.get(f"/deelnemen/{slug}/lid/{token}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_personal_page_is_mijn_deelname_and_not_empty_while_open(send, client, settings):
    token = join_and_confirm(send, client, settings, AZC)
    page = page_of(client, AZC, token)
    assert "<h1>Mijn deelname</h1>" in page and "<title>Mijn deelname" in page
    assert "Jouw bezwaren" not in page
    assert f'href="/deelnemen/{AZC}/idee?lid={token}"' in page
    assert f'href="/deelnemen/{AZC}/vraag?lid={token}"' in page
    assert "Je hebt nog geen idee gestuurd" in page and "Je hebt nog geen vraag gesteld" in page
    # No concept plan yet: nothing about objections, no objection form.
    assert 'action="/deelnemen/' + AZC + '/bezwaar"' not in page and "kun je geen bezwaar maken" not in page
    assert "Er wacht nu niets op jou" in page


def test_an_idea_from_the_personal_page_is_stored_as_the_members(send, client, settings, db):
    token = join_and_confirm(send, client, settings, AZC)
    form = client.get(f"/deelnemen/{AZC}/idee?lid={token}").get_data(as_text=True)
    assert "Je stuurt dit idee als <strong>Ans</strong>" in form
    assert 'name="author_name"' not in form and f'name="lid" value="{token}"' in form
    assert '<meta name="referrer" content="no-referrer">' in form  # the link stays off other sites
    # Whatever name the request carries, the membership's name is the one stored.
    response = send(f"/deelnemen/{AZC}/idee", data={"title": "Soep op zondag", "body": "Met de buren",
                                                    "author_name": "Iemand anders", "lid": token})
    assert response.status_code == 303
    [idea] = db.query("select title, author_name, member_id from ideas")
    assert idea == {"title": "Soep op zondag", "author_name": "Ans", "member_id": 1}
    confirmation = client.get(response.headers["Location"].split("#")[0]).get_data(as_text=True)
    assert "Soep op zondag" in confirmation and "Ans" in confirmation
    page = page_of(client, AZC, token)
    assert "<span class=\"idea-id\">I1</span> Soep op zondag" in page and "Met de buren" in page
    assert "Je hebt nog geen idee gestuurd" not in page


def test_a_question_from_the_personal_page_shows_with_its_answer(send, client, settings, db):
    token = join_and_confirm(send, client, settings, AZC)
    assert 'Je stelt deze vraag als <strong>Ans</strong>' in client.get(
        f"/deelnemen/{AZC}/vraag?lid={token}").get_data(as_text=True)
    assert send(f"/deelnemen/{AZC}/vraag", data={"text": "Hoeveel mensen komen er?", "lid": token}).status_code == 303
    assert db.execute("select author_name, member_id from questions").fetchone() == ("Ans", 1)
    assert "Nog geen antwoord." in page_of(client, AZC, token)
    with database.write(db):
        user = db["users"].insert({"username": "sanne", "display_name": "Wijkagent Sanne", "organisation": "Politie",
                                   "role": "professional", "password_hash": "x", "created_at": database.now()}).last_pk
    store.add_answer(db, AZC, 1, user_id=user, text="Ongeveer veertig.")
    page = page_of(client, AZC, token)
    assert "Hoeveel mensen komen er?" in page and "Ongeveer veertig." in page and "Wijkagent Sanne, Politie" in page


def test_without_a_valid_link_the_forms_work_as_before(send, client, settings, db, app):
    secret = app.config["SECRET_KEY"]
    unconfirmed = store.add_member(db, AZC, name="Co", relation="resident", email="co@example.org")
    elsewhere = store.add_member(db, FUND, name="Do", relation="resident", email="do@example.org")
    store.confirm_email(db, elsewhere, "do@example.org")
    for lid in ("onzin", tokens.member_token(secret, unconfirmed, AZC), tokens.member_token(secret, elsewhere, FUND),
                tokens.member_token(secret, elsewhere, AZC)):
        form = client.get(f"/deelnemen/{AZC}/idee?lid={lid}").get_data(as_text=True)
        assert 'name="author_name"' in form and 'name="lid"' not in form
        # Sent with a link that does not work: nothing stored, and the person is told why.
        response = send(f"/deelnemen/{AZC}/idee", data={"title": "Soep", "lid": lid})
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "Je persoonlijke link werkt hier niet meer" in page
        assert 'name="author_name"' in page and 'value="Soep"' in page
    assert store.idea_count(db, AZC) == 0
    # And without a link at all, as today.
    assert send(f"/deelnemen/{AZC}/idee", data={"title": "Soep", "author_name": "Eva"}).status_code == 303
    assert db.execute("select author_name, member_id from ideas").fetchone() == ("Eva", None)


def test_erasing_the_member_takes_the_name_off_what_they_sent_from_their_page(send, client, settings, db):
    token = join_and_confirm(send, client, settings, AZC)
    send(f"/deelnemen/{AZC}/idee", data={"title": "Soep", "lid": token})
    send(f"/deelnemen/{AZC}/vraag", data={"text": "Waarom?", "lid": token})
    erased = store.erase_details(db, 1)
    assert erased["by_member"]["ideas"] == erased["by_member"]["questions"] == 1
    assert db.execute("select author_name from ideas").fetchone() == (None,)


def test_in_a_round_the_page_says_what_is_still_to_do(send, client, settings, proposing, db):
    token = join_and_confirm(send, client, settings, proposing)
    ends = datetime.date.today() + datetime.timedelta(days=7)
    consent.open_round(db, read_kwestie(settings, proposing), [1, 2], consent.end_of_day(ends))
    page = page_of(client, proposing, token)
    assert "De ronde loopt tot en met" in page and "geef je antwoord op A1, A2" in page
    assert 'action="/deelnemen/' + proposing + '/instemmen"' in page  # the round form stays
    assert 'action="/deelnemen/' + proposing + '/bezwaar"' in page  # and the objection form
    assert client.post(f"/deelnemen/{proposing}/instemmen",
                       data={"token": token, "answer_1": "consent"}).status_code == 303
    page = page_of(client, proposing, token)
    assert "geef je antwoord op A2" in page and "Je antwoord tot nu toe:</strong> ik kan ermee leven" in page
    response = send(f"/deelnemen/{proposing}/bezwaar",
                    data={"agreement": "2", "reason": "Niet iedereen heeft een telefoon", "token": token})
    assert response.status_code == 303
    page = page_of(client, proposing, token)
    assert "geef je antwoord op" not in page and "Er wacht nu niets op jou" in page
    assert "<h2 id=\"bezwaren\">Mijn bezwaren en zorgen</h2>" in page and "Niet iedereen heeft een telefoon" in page
    assert "Status: open" in page
    # The coordinator amends A2: the objector is asked whether they can live with it now.
    consent.amend_agreement(db, read_kwestie(settings, proposing), 2, what="Buurtapp, en een briefje voor wie geen telefoon heeft")
    page = page_of(client, proposing, token)
    assert "Afspraak A2 is aangepast na je bezwaar B1. Kun je er nu mee leven?" in page


def test_a_closed_kwestie_keeps_the_page_without_forms(send, client, settings, db):
    token = join_and_confirm(send, client, settings, AZC)
    send(f"/deelnemen/{AZC}/idee", data={"title": "Soep", "lid": token})
    write_issue(settings, AZC, phase="closed", title="Misschien een AZC in café De Zwaan")
    page = page_of(client, AZC, token)
    assert "Soep" in page and "?lid=" not in page and "<form" in page  # only the mail form
    assert 'action="/deelnemen/' + AZC + '/bezwaar"' not in page


def test_the_member_forms_also_name_fields_before_speed(client, app, send, settings, db):
    token = join_and_confirm(send, client, settings, AZC)
    fresh = tokens.form_token(app.config["SECRET_KEY"])
    response = client.post(f"/deelnemen/{AZC}/idee", data={"lid": token, "form_started": fresh})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "erg snel" not in page and 'href="#idee-title"' in page
    assert "Je stuurt dit idee als <strong>Ans</strong>" in page  # still as the member
    assert store.idea_count(db, AZC) == 0


# Changing or withdrawing one's own idea or question (issue 14) ---------------------------------


def own(token, kind, number, action=""):
    return f"/deelnemen/{AZC}/lid/{token}/{kind}/{number}{action}"


def test_a_member_changes_their_own_idea_and_question_while_open(send, client, settings, db):
    token = join_and_confirm(send, client, settings, AZC)
    send(f"/deelnemen/{AZC}/idee", data={"title": "Soep", "body": "Op zondag", "cost": "50", "lid": token})
    send(f"/deelnemen/{AZC}/vraag", data={"text": "Waarom?", "lid": token})
    page = page_of(client, AZC, token)
    assert f'href="{own(token, "idee", 1)}"' in page and f'href="{own(token, "vraag", 1)}"' in page
    form = client.get(own(token, "idee", 1))
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert 'value="Soep"' in html and "Op zondag" in html and 'value="50"' in html
    assert 'name="author_name"' not in html and f'action="{own(token, "idee", 1)}/intrekken"' in html
    response = client.post(own(token, "idee", 1), data={"title": "Soep voor iedereen", "body": "Elke zondag",
                                                          "cost": "€ 75"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/deelnemen/{AZC}/lid/{token}#mijn-I1")
    row = db.execute("select title, body, cost, author_name, changed_at, withdrawn_at from ideas").fetchone()
    assert row[:4] == ("Soep voor iedereen", "Elke zondag", 75, "Ans") and row[4] and row[5] is None
    assert client.post(own(token, "vraag", 1), data={"text": "Waarom op zondag?"}).status_code == 303
    assert db.execute("select text from questions").fetchone() == ("Waarom op zondag?",)
    assert db.execute("select count(*) from site_changes").fetchone()[0] > 0
    page = page_of(client, AZC, token)
    assert "Soep voor iedereen" in page and "Aangepast op" in page and "Waarom op zondag?" in page


def test_the_change_form_comes_back_with_an_error_summary(send, client, settings, db):
    token = join_and_confirm(send, client, settings, AZC)
    send(f"/deelnemen/{AZC}/idee", data={"title": "Soep", "lid": token})
    send(f"/deelnemen/{AZC}/vraag", data={"text": "Waarom?", "lid": token})
    response = client.post(own(token, "idee", 1), data={"title": "", "cost": "veel"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "<title>Fout: " in page and 'class="error-summary"' in page
    assert 'href="#aanpassen-idee-title"' in page and 'href="#aanpassen-idee-cost"' in page
    assert 'value="veel"' in page
    response = client.post(own(token, "vraag", 1), data={"text": " "})
    assert response.status_code == 400 and 'href="#aanpassen-vraag-text"' in response.get_data(as_text=True)
    assert db.execute("select title, changed_at from ideas").fetchone() == ("Soep", None)
    assert db.execute("select text, changed_at from questions").fetchone() == ("Waarom?", None)


def test_a_member_withdraws_their_own_idea_and_question(send, client, settings, db):
    token = join_and_confirm(send, client, settings, AZC)
    send(f"/deelnemen/{AZC}/idee", data={"title": "Soep", "lid": token})
    send(f"/deelnemen/{AZC}/vraag", data={"text": "Waarom?", "lid": token})
    for kind, code in (("idee", "I1"), ("vraag", "V1")):
        response = client.post(own(token, kind, 1, "/intrekken"))
        assert response.status_code == 303 and response.headers["Location"].endswith(f"#mijn-{code}")
    # The rows stay, with when; the text leaves what anyone sees.
    assert db.execute("select title, withdrawn_at is not null from ideas").fetchone() == ("Soep", 1)
    assert db.execute("select text, withdrawn_at is not null from questions").fetchone() == ("Waarom?", 1)
    page = page_of(client, AZC, token)
    assert "Ingetrokken idee" in page and "Ingetrokken vraag" in page and "Soep" not in page
    assert own(token, "idee", 1) not in page
    # Withdrawn is final: no change, no second withdrawal.
    for kind in ("idee", "vraag"):
        assert client.get(own(token, kind, 1)).status_code == 409
        assert client.post(own(token, kind, 1), data={"title": "Terug", "text": "Terug"}).status_code == 409
        assert client.post(own(token, kind, 1, "/intrekken")).status_code == 409
    assert store.contribution(db, AZC, "I1")["title"] is None


def test_only_the_member_s_own_with_the_right_link(send, client, settings, db, app):
    token = join_and_confirm(send, client, settings, AZC)
    other = join_and_confirm(send, client, settings, AZC, name="Bo", address="bo@example.org")
    send(f"/deelnemen/{AZC}/idee", data={"title": "Van Bo", "lid": other})
    send(f"/deelnemen/{AZC}/vraag", data={"text": "Van Bo?", "lid": other})
    send(f"/deelnemen/{AZC}/idee", data={"title": "Zonder lid", "author_name": "Ans"})  # I2: same name, no member
    for kind, number in (("idee", 1), ("vraag", 1), ("idee", 2), ("idee", 99)):
        assert client.get(own(token, kind, number)).status_code == 404
        assert client.post(own(token, kind, number), data={"title": "Van mij", "text": "Van mij"}).status_code == 404
        assert client.post(own(token, kind, number, "/intrekken")).status_code == 404
    for wrong in ("onzin", tokens.member_token(app.config["SECRET_KEY"], 2, FUND)):
        assert client.get(own(wrong, "idee", 1)).status_code == 403
        assert client.post(own(wrong, "idee", 1, "/intrekken")).status_code == 403
    assert db.execute("select count(*) from ideas where changed_at is not null or withdrawn_at is not null"
                      ).fetchone() == (0,)
    assert client.get(f"/deelnemen/{AZC}/lid/{token}/bezwaar/1").status_code == 404  # only idee and vraag


def test_after_the_idea_phase_nothing_changes_409(send, client, settings, db):
    token = join_and_confirm(send, client, settings, AZC)
    send(f"/deelnemen/{AZC}/idee", data={"title": "Soep", "lid": token})
    write_issue(settings, AZC, phase="proposing", title="Misschien een AZC in café De Zwaan")
    response = client.post(own(token, "idee", 1, "/intrekken"))
    assert response.status_code == 409 and "zolang er ideeën en vragen worden verzameld" in response.get_data(as_text=True)
    assert client.post(own(token, "idee", 1), data={"title": "Anders"}).status_code == 409
    assert client.get(own(token, "idee", 1)).status_code == 409
    assert own(token, "idee", 1) not in page_of(client, AZC, token)
    # The rule is in the store, so any caller meets it.
    issue = read_kwestie(settings, AZC)
    with pytest.raises(store.NotAllowed):
        store.withdraw_contribution(db, issue, "ideas", 1, 1)
    with pytest.raises(store.NotAllowed):
        store.change_idea(db, issue, 1, 1, title="Anders")
    assert db.execute("select title, changed_at, withdrawn_at from ideas").fetchone() == ("Soep", None, None)


def test_an_answered_question_can_be_withdrawn_but_not_changed(send, client, settings, db):
    token = join_and_confirm(send, client, settings, AZC)
    send(f"/deelnemen/{AZC}/vraag", data={"text": "Hoeveel mensen?", "lid": token})
    with database.write(db):
        user = db["users"].insert({"username": "sanne", "display_name": "Sanne", "organisation": "Politie",
                                   "role": "professional", "password_hash": "x", "created_at": database.now()}).last_pk
    store.add_answer(db, AZC, 1, user_id=user, text="Veertig.")
    assert client.post(own(token, "vraag", 1), data={"text": "Iets anders?"}).status_code == 409
    assert client.post(own(token, "vraag", 1, "/intrekken")).status_code == 303
    [question] = store.questions(db, AZC)
    assert question["text"] is None and question["answers"][0]["text"] == "Veertig."


def test_the_public_pages_and_open_data_show_changed_and_withdrawn(send, client, settings, db):
    import json

    import jsonschema

    from participation.build import build

    token = join_and_confirm(send, client, settings, AZC)
    send(f"/deelnemen/{AZC}/idee", data={"title": "Soep", "lid": token})
    send(f"/deelnemen/{AZC}/idee", data={"title": "Geheim plan", "body": "Niet meer van mij", "lid": token})
    send(f"/deelnemen/{AZC}/vraag", data={"text": "Verdwijnt deze vraag?", "lid": token})
    client.post(own(token, "idee", 1), data={"title": "Soep voor iedereen"})
    client.post(own(token, "idee", 2, "/intrekken"))
    client.post(own(token, "vraag", 1, "/intrekken"))
    build(settings)
    output = Path(settings["OUTPUT_PATH"]) / "kwesties" / AZC
    today = datetime.date.today()
    for page in ("index.html", "ideeen/index.html"):
        html = (output / page).read_text(encoding="utf-8")
        assert "Soep voor iedereen" in html and "Aangepast op" in html
        assert "Ingetrokken door de indiener op" in html
        assert "Geheim plan" not in html and "Niet meer van mij" not in html
    questions = (output / "vragen" / "index.html").read_text(encoding="utf-8")
    assert "Ingetrokken door de indiener op" in questions and "Verdwijnt deze vraag?" not in questions
    raw = (output.parent / f"{AZC}.json").read_text(encoding="utf-8")
    assert "Geheim plan" not in raw and "Verdwijnt deze vraag?" not in raw
    data = json.loads(raw)
    jsonschema.validate(data, json.loads((Path(settings["OUTPUT_PATH"]) / "schemas" / "kwestie.schema.json")
                                         .read_text(encoding="utf-8")))
    i1, i2 = data["ideas"]
    assert i1["changed_at"][:10] == today.isoformat() and i1["withdrawn_at"] is None and i1["title"] == "Soep voor iedereen"
    assert i2["withdrawn_at"][:10] == today.isoformat() and i2["title"] is None and i2["body"] is None
    assert i2["author_name"] == "Ans"
    [v1] = data["questions"]
    assert v1["withdrawn_at"] and v1["text"] is None and v1["changed_at"] is None
    csv_text = (output.parent / f"{AZC}.csv").read_text(encoding="utf-8-sig")
    assert "Geheim plan" not in csv_text and ";ingetrokken;" in csv_text


def test_erase_still_works_after_a_change_and_a_withdrawal(send, client, settings, db):
    token = join_and_confirm(send, client, settings, AZC)
    send(f"/deelnemen/{AZC}/idee", data={"title": "Soep", "lid": token})
    send(f"/deelnemen/{AZC}/vraag", data={"text": "Waarom?", "lid": token})
    client.post(own(token, "idee", 1), data={"title": "Soep voor iedereen"})
    client.post(own(token, "vraag", 1, "/intrekken"))
    assert store.erase_member(db, 1) == AZC
    assert db.execute("select author_name, changed_at is not null from ideas").fetchone() == (None, 1)
    assert db.execute("select author_name, withdrawn_at is not null from questions").fetchone() == (None, 1)
    assert client.get(f"/deelnemen/{AZC}/lid/{token}").status_code == 403  # the address went too


def test_an_incremental_rebuild_after_a_change_and_a_withdrawal_equals_a_full_build(settings, db, tmp_path):
    from participation.build import build
    from participation.rebuild import Rebuilder

    def tree(folder):
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}

    settings.update(SAMENPLAN_IDEAS_PER_PAGE=2, SAMENPLAN_IDEAS_ON_KWESTIE_PAGE=2)
    member = store.add_member(db, AZC, name="Ans", relation="resident")
    for n in range(3):
        store.add_idea(db, AZC, title=f"Idee {n}", member_id=member, author_name="Ans")
    store.add_question(db, AZC, text="Waarom?", member_id=member, author_name="Ans")
    build(settings)
    rebuilder = Rebuilder(settings)
    issue = read_kwestie(settings, AZC)
    store.change_idea(db, issue, 1, member, title="Idee een, anders", cost=10)
    store.withdraw_contribution(db, issue, "ideas", 3, member)
    store.withdraw_contribution(db, issue, "questions", 1, member)
    assert rebuilder.rebuild_pending()
    incremental = tree(settings["OUTPUT_PATH"])
    settings["OUTPUT_PATH"] = str(tmp_path / "full")
    build(settings)
    full = tree(settings["OUTPUT_PATH"])
    assert sorted(incremental) == sorted(full)
    assert [name for name in full if full[name] != incremental[name]] == []
    assert "Ingetrokken door de indiener".encode() in full[f"kwesties/{AZC}/ideeen/2/index.html"]
    assert b"Idee een, anders" in full[f"kwesties/{AZC}/ideeen/index.html"]


def test_a_hidden_idea_can_be_withdrawn_but_not_changed(send, client, settings, db):
    token = join_and_confirm(send, client, settings, AZC)
    send(f"/deelnemen/{AZC}/idee", data={"title": "Soep", "lid": token})
    store.set_hidden(db, "ideas", AZC, 1, reason="Dubbel")
    page = client.get(own(token, "idee", 1)).get_data(as_text=True)
    assert "verborgen, dus aanpassen kan niet, maar intrekken wel" in page and 'name="title"' not in page
    assert client.post(own(token, "idee", 1), data={"title": "Terug"}).status_code == 409
    assert client.post(own(token, "idee", 1, "/intrekken")).status_code == 303
    assert db.execute("select title, withdrawn_at is not null from ideas").fetchone() == ("Soep", 1)
