"""Residents and meetings (web/deelnemen_meetings.py): signing up without an account, with
needs that only the coordinator sees; the confirm link; signing up and choosing dates with
the personal link; the mails about a meeting (web/notify.py)."""

import datetime
import email
import re
from pathlib import Path

import pytest

from participation import meetings, store
from participation.web import notify

from .conftest import write_issue
from .support import as_person, read_kwestie
from .test_my_participation import join_and_confirm

SLUG = "buurthuis"
TOMORROW = meetings.local_now().replace(hour=19, minute=30) + datetime.timedelta(days=1)
LATER = TOMORROW + datetime.timedelta(days=14)
SIGNUP = f"/deelnemen/{SLUG}/bijeenkomst/1"
NEEDS = {"name": "Samira", "email": "samira@example.org", "interpreter": "1", "language": "Somalisch",
         "step_free": "1", "childcare": "1"}


@pytest.fixture
def issue(settings):
    return read_kwestie(settings, SLUG) if write_issue(settings, SLUG) else None


def announce(db, issue, *options, **fields):
    return meetings.announce(db, issue, title="Buurtavond", place="Buurthuis De Boog", options=list(options) or [LATER],
                             accessibility="Ingang zonder drempel aan de zijkant.", **fields)


def outbox(settings):
    folder = Path(settings["SAMENPLAN_OUTBOX"])
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))]


def body(message):
    return message.get_payload(decode=True).decode()


def signup_rows(db):
    return list(db.query("select * from meeting_signups order by id"))


def test_the_form_shows_what_when_and_where(client, db, issue):
    announce(db, issue)
    page = client.get(SIGNUP).get_data(as_text=True)
    assert "Buurtavond" in page and "Buurthuis De Boog" in page and "Ingang zonder drempel" in page
    assert meetings.when(meetings.get(db, SLUG, 1)) in page
    assert 'name="interpreter"' in page and 'name="language"' in page and 'name="childcare"' in page
    assert "Alleen de coördinator ziet dit" in page
    assert f'action="{SIGNUP}"' in page


def test_signing_up_with_needs_stores_them_for_the_coordinator_only(send, client, db, issue, settings):
    announce(db, issue)
    response = send(SIGNUP, data=NEEDS)
    assert response.status_code == 303
    [row] = signup_rows(db)
    assert (row["name"], row["email"], row["interpreter"], row["step_free"], row["hearing_loop"], row["childcare"],
            row["channel"], row["language"], row["email_confirmed_at"]) == (
        "Samira", "samira@example.org", "Somalisch", 1, 0, 1, "web", "nl", None)
    assert meetings.needs(db, SLUG, 1)["interpreter"] == {"Somalisch": 1}
    thanks = client.get(response.headers["Location"])
    page = thanks.get_data(as_text=True)
    assert thanks.status_code == 200 and "Je bent aangemeld" in page
    assert "alleen de coördinator ziet dit" in page.lower() and "We hebben je een e-mail gestuurd" in page
    # The needs and the address are on no page: not the thanks page, the form, nor the personal page.
    for shown in (page, client.get(SIGNUP).get_data(as_text=True)):
        assert "Somalisch" not in shown and "samira@example.org" not in shown


def test_the_same_form_sent_twice_signs_up_once(app, client, db, issue, settings):
    announce(db, issue)
    data = as_person(app.config["SECRET_KEY"], NEEDS)
    first, again = client.post(SIGNUP, data=data), client.post(SIGNUP, data=data)  # the answer got lost
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert len(signup_rows(db)) == 1 and len(outbox(settings)) == 1


def test_the_confirm_link_confirms_the_address_for_the_reminder(send, client, db, issue, settings):
    announce(db, issue, TOMORROW)
    assert send(SIGNUP, data=NEEDS).status_code == 303
    [message] = outbox(settings)
    assert message["To"] == "samira@example.org" and "Buurtavond" not in message["Subject"]
    link = re.search(r"http://localhost(/deelnemen/\S+/aanmelding/bevestigen/\S+)", body(message)).group(1)
    assert meetings.due_reminders(db) == []  # not confirmed: no reminder
    page = client.get(link)
    assert page.status_code == 200 and "Je e-mailadres is bevestigd" in page.get_data(as_text=True)
    assert signup_rows(db)[0]["email_confirmed_at"]
    assert [r["name"] for r in meetings.due_reminders(db)] == ["Samira"]
    assert client.get(link[:-3] + "xyz").status_code == 400  # tampered
    assert client.get(link.replace(SLUG, "azc-cafe-de-zwaan")).status_code == 400  # another kwestie


def test_without_an_address_nothing_is_mailed(send, client, db, issue, settings):
    announce(db, issue)
    response = send(SIGNUP, data={"name": "Bram"})
    assert response.status_code == 303 and outbox(settings) == []
    assert "Je gaf geen e-mailadres" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert signup_rows(db)[0]["interpreter"] is None


def test_signing_up_is_refused_while_the_circle_chooses_the_date(send, client, db, issue):
    announce(db, issue, TOMORROW, LATER)
    page = client.get(SIGNUP).get_data(as_text=True)
    assert "De kring kiest eerst de datum" in page and 'name="interpreter"' not in page
    response = send(SIGNUP, data=NEEDS)
    assert response.status_code == 409
    assert "De kring kiest de datum van deze bijeenkomst nog" in response.get_data(as_text=True)
    assert signup_rows(db) == []


def test_a_cancelled_meeting_refuses_and_an_unknown_one_is_404(send, client, db, issue):
    announce(db, issue)
    meetings.cancel(db, SLUG, 1)
    assert send(SIGNUP, data=NEEDS).status_code == 409
    assert client.get(f"/deelnemen/{SLUG}/bijeenkomst/7").status_code == 404
    assert send(f"/deelnemen/{SLUG}/bijeenkomst/7", data=NEEDS).status_code == 404
    assert client.get(f"/deelnemen/{SLUG}/bijeenkomst/99999999999").status_code == 404


def test_missing_name_and_language_give_400_with_the_summary(send, db, issue):
    announce(db, issue)
    response = send(SIGNUP, data={"interpreter": "1", "email": "geen adres"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'class="error-summary"' in page
    assert 'href="#bijeenkomst-name"' in page and 'href="#bijeenkomst-email"' in page
    assert 'href="#bijeenkomst-language"' in page
    assert signup_rows(db) == []


def test_with_the_personal_link_the_signup_is_the_members_and_confirmed_at_once(send, client, db, issue, settings):
    announce(db, issue)
    token = join_and_confirm(send, client, settings, SLUG)
    url = f"/deelnemen/{SLUG}/lid/{token}/bijeenkomst/1"
    form = client.get(url).get_data(as_text=True)
    assert 'value="Ans"' in form and 'value="ans@example.org"' in form and f'action="{url}"' in form
    mails = len(outbox(settings))
    response = send(url, data={"name": "Ans", "email": "ans@example.org", "hearing_loop": "1"})
    assert response.status_code == 303
    [row] = signup_rows(db)
    assert row["member_id"] == 1 and row["email_confirmed_at"] and row["hearing_loop"] == 1
    assert len(outbox(settings)) == mails  # nothing to confirm
    assert "De dag van tevoren sturen we je een herinnering" in client.get(response.headers["Location"]).get_data(
        as_text=True)
    personal = client.get(f"/deelnemen/{SLUG}/lid/{token}").get_data(as_text=True)
    assert "De volgende bijeenkomst" in personal and "Je bent aangemeld." in personal
    assert "ringleiding" not in personal
    # Signing up again changes the signup, it does not add one.
    assert send(url, data={"name": "Ans", "email": "ans@example.org"}).status_code == 303
    assert [r["hearing_loop"] for r in signup_rows(db)] == [0]
    assert client.get(f"/deelnemen/{SLUG}/lid/nep/bijeenkomst/1").status_code == 403


def test_choosing_dates_stores_and_replaces_the_members_choice(send, client, db, issue, settings):
    announce(db, issue, TOMORROW, LATER)
    token = join_and_confirm(send, client, settings, SLUG)
    url = f"/deelnemen/{SLUG}/lid/{token}/bijeenkomst/1/datums"
    first, second = (o["id"] for o in meetings.get(db, SLUG, 1)["options"])
    personal = client.get(f"/deelnemen/{SLUG}/lid/{token}").get_data(as_text=True)
    assert f'href="{url}"' in personal and "Zeg welke datums jou passen" in personal
    page = client.get(url).get_data(as_text=True)
    assert f'value="{first}"' in page and "Geen van deze datums past me" in page
    assert "19:30" in page and TOMORROW.strftime("%Y") in page
    response = client.post(url, data={"options": [str(first), str(second)]})
    assert response.status_code == 303 and response.headers["Location"].endswith("?bewaard=1#bewaard")
    assert meetings.chosen_by(db, SLUG, 1, 1) == {first, second}
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Je keuze is bewaard" in shown and shown.count(" checked") == 2
    assert client.post(url, data={"options": [str(second)]}).status_code == 303
    assert meetings.chosen_by(db, SLUG, 1, 1) == {second}
    assert client.post(url, data={"options": [str(first)], "geen": "1"}).status_code == 303
    assert meetings.chosen_by(db, SLUG, 1, 1) == set()
    # None suits: that is an answer too, not the same as never answering.
    assert meetings.answered_by(db, SLUG, 1, 1)
    assert "Je hebt al gezegd" in client.get(f"/deelnemen/{SLUG}/lid/{token}").get_data(as_text=True)
    assert client.post(url, data={"options": ["12345"]}).status_code == 400  # not one of its dates
    meetings.fix_date(db, SLUG, 1, second)
    refused = client.post(url, data={"options": [str(second)]})
    assert refused.status_code == 409
    assert "De datum van deze bijeenkomst staat al vast" in refused.get_data(as_text=True)
    assert "De datum staat vast" in client.get(url).get_data(as_text=True)
    assert client.get(f"/deelnemen/{SLUG}/lid/nep/bijeenkomst/1/datums").status_code == 403


def test_the_language_prefix_keeps_the_form_in_its_language(client, db, issue):
    announce(db, issue)
    page = client.get(f"/en{SIGNUP}")
    assert page.status_code == 200
    assert f'action="/en{SIGNUP}"' in page.get_data(as_text=True)


ODD = ["", " ", "\x00", "é" * 5000, "<script>x</script>", "0", "-1", "99999999999999999999", "١", "𝟘"]


@pytest.mark.parametrize("value", ODD)
def test_odd_input_never_gives_a_500(send, client, db, issue, settings, value):
    announce(db, issue, TOMORROW, LATER)
    token = join_and_confirm(send, client, settings, SLUG)
    for field in ("name", "email", "interpreter", "language", "step_free", "form_started", "website"):
        assert send(SIGNUP, data={**NEEDS, field: value}).status_code in (303, 400, 409)
        assert send(f"/deelnemen/{SLUG}/lid/{token}/bijeenkomst/1", data={field: value}).status_code in (400, 409)
    url = f"/deelnemen/{SLUG}/lid/{token}/bijeenkomst/1/datums"
    for data in ({"options": value}, {"options": [value, value]}, {"geen": value}):
        assert client.post(url, data=data).status_code in (303, 400)
    assert client.get(f"/deelnemen/{SLUG}/aanmelding/bevestigen/{value or 'x'}").status_code in (400, 404)
    assert client.get(f"/deelnemen/{SLUG}/bijeenkomst/1/aangemeld", query_string={"t": value}).status_code == 400


def test_the_members_hear_of_the_dates_and_of_the_date_fixed(app, send, client, db, issue, settings):
    token = join_and_confirm(send, client, settings, SLUG)
    store.add_member(db, SLUG, name="Zonder mail", relation="resident")
    announce(db, issue, TOMORROW, LATER)
    before = len(outbox(settings))
    with app.app_context():
        assert notify.meeting_poll(db, settings, issue, meetings.get(db, SLUG, 1), secret=app.config["SECRET_KEY"]) == 1
    poll = outbox(settings)[before]
    assert poll["To"] == "ans@example.org" and "Welke datum past jou?" in poll["Subject"]
    assert f"http://localhost/deelnemen/{SLUG}/lid/{token}/bijeenkomst/1/datums" in body(poll)
    meeting = meetings.fix_date(db, SLUG, 1, meetings.get(db, SLUG, 1)["options"][0]["id"])
    with app.app_context():
        assert notify.meeting_date(db, settings, issue, meeting, secret=app.config["SECRET_KEY"]) == 1
    fixed = body(outbox(settings)[-1])
    assert meetings.when(meeting) in fixed and "Buurthuis De Boog" in fixed and "Ingang zonder drempel" in fixed
    assert f"http://localhost/kwesties/{SLUG}/bijeenkomsten/1/" in fixed
    assert f"http://localhost/deelnemen/{SLUG}/lid/{token}/bijeenkomst/1\n" in fixed
