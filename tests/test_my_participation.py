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

PROPOSING = "concept-fase"


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


@pytest.fixture
def proposing(settings, db):
    write_issue(settings, PROPOSING, phase="proposing")
    store.add_agreement(db, PROPOSING, what="Koffieochtend op zaterdag", cost=1200)
    store.add_agreement(db, PROPOSING, what="Buurtapp voor iedereen")
    return PROPOSING


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
