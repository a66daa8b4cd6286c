"""What mail a member gets: a mail per event (the default), a weekly digest, or none.
The choice on Mijn deelname, the event mails that go to `every` only, and `samenplan digest`."""

import datetime

import pytest

from participation import audit, cli, consent, digest, store
from participation import db as database
from participation.web import notify

from .conftest import AZC
from .support import ROOT, read_kwestie
from .test_circle import add_professional, join_and_confirm, outbox


def token_of(personal):
    return personal.rsplit("/", 1)[1]


def choose(client, slug, personal, choice):
    return client.post(f"/deelnemen/{slug}/lid/{token_of(personal)}/mail", data={"mail_choice": choice})


def member_id(db, name):
    return db.execute("select id from members where name = ?", [name]).fetchone()[0]


def mails_to(settings, address):
    return [m for m in outbox(settings) if m["To"] == address]


def body(message):
    return message.get_payload(decode=True).decode()


@pytest.fixture
def run_digest(settings, monkeypatch):
    """`samenplan digest` as cron runs it, on the test's content, database and outbox."""
    for key in ("SAMENPLAN_DATABASE", "SAMENPLAN_OUTBOX", "SAMENPLAN_PUBLIC_URL"):
        monkeypatch.setenv(key, settings[key])
    monkeypatch.setenv("SAMENPLAN_CONTENT", settings["PATH"])
    return lambda: cli.main(["--settings", str(ROOT / "pelicanconf.py"), "digest"])


# The choice on Mijn deelname ---------------------------------------------------------


def test_a_member_chooses_weekly_mail_and_sees_the_choice(send, client, settings, db):
    personal = join_and_confirm(send, client, settings, AZC)
    page = client.get(personal).get_data(as_text=True)
    assert "Hoe vaak wil je e-mail van ons?" in page and 'value="every" checked' in page
    response = choose(client, AZC, personal, "weekly")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/lid/{token_of(personal)}#mail")
    assert store.member(db, member_id(db, "Ans"))["mail_choice"] == "weekly"
    page = client.get(personal).get_data(as_text=True)
    assert "Je krijgt nu: één e-mail per week" in page and 'value="weekly" checked' in page
    assert choose(client, AZC, personal, "none").status_code == 303
    assert store.member(db, member_id(db, "Ans"))["mail_choice"] == "none"


@pytest.mark.parametrize("data", [{"mail_choice": "daily"}, {}])
def test_an_unknown_or_missing_choice_is_400_with_the_error_summary(send, client, settings, db, data):
    personal = join_and_confirm(send, client, settings, AZC)
    response = client.post(f"/deelnemen/{AZC}/lid/{token_of(personal)}/mail", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Fout: Mijn deelname" in page and 'id="mail-fouten"' in page
    assert 'href="#mail-mail_choice">Kies hoe vaak je e-mail wilt krijgen.' in page
    assert store.member(db, member_id(db, "Ans"))["mail_choice"] == "every"


def test_a_wrong_link_is_403_and_without_an_address_there_is_nothing_to_choose(send, client, settings, db):
    personal = join_and_confirm(send, client, settings, AZC)
    assert client.post(f"/deelnemen/{AZC}/lid/kapot/mail", data={"mail_choice": "none"}).status_code == 403
    assert client.post(f"/deelnemen/{AZC}/geen-mail", data={"token": token_of(personal)}).status_code == 303
    assert choose(client, AZC, personal, "weekly").status_code == 409
    assert "Hoe vaak wil je e-mail" not in client.get(personal).get_data(as_text=True)


def test_new_members_and_existing_ones_get_every_mail(db, tmp_path):
    member = store.add_member(db, AZC, name="Bo", relation="resident", email="bo@example.org")
    assert store.member(db, member)["mail_choice"] == "every"
    with pytest.raises(ValueError):
        store.set_mail_choice(db, member, "daily")


# Event mails go to `every` only ----------------------------------------------------------


def three_members(send, client, settings, slug):
    """Eva (every), Wim (weekly) and Nel (none), each with a confirmed address."""
    links = {}
    for name, choice in (("Eva", "every"), ("Wim", "weekly"), ("Nel", "none")):
        links[name] = join_and_confirm(send, client, settings, slug, name, f"{name.lower()}@example.org")
        assert choose(client, slug, links[name], choice).status_code == 303
    return links


def test_a_round_that_opens_is_mailed_to_every_members_only(send, client, settings, proposing, app, db):
    three_members(send, client, settings, proposing)
    before = len(outbox(settings))
    consent.open_round(db, read_kwestie(settings, proposing), [1],
                       consent.end_of_day(datetime.date.today() + datetime.timedelta(days=14)))
    issue = app.extensions["samenplan.issues"].get(proposing)
    with app.test_request_context():
        assert notify.round_opened(db, settings, issue, consent.current_round(db, proposing),
                                   secret=app.config["SECRET_KEY"]) == 1
    assert [m["To"] for m in outbox(settings)[before:]] == ["eva@example.org"]


def test_the_confirmation_mail_is_sent_whatever_the_choice(settings, app, db):
    member = store.add_member(db, AZC, name="Wim", relation="resident", email="wim@example.org")
    store.set_mail_choice(db, member, "none")
    issue = app.extensions["samenplan.issues"].get(AZC)
    with app.test_request_context():
        assert notify.confirmation(settings, issue, store.member(db, member), secret=app.config["SECRET_KEY"])
    [mail] = mails_to(settings, "wim@example.org")
    assert mail["Subject"].startswith("Bevestig je e-mailadres")


# The weekly digest ---------------------------------------------------------------------


def test_three_events_in_a_week_make_one_digest_for_weekly_members_only(send, client, settings, db, run_digest):
    links = three_members(send, client, settings, AZC)
    store.add_idea(db, AZC, title="Een bankje bij de bushalte", author_name="Eva")
    store.add_question(db, AZC, text="Wie maakt het bankje schoon?")
    store.add_answer(db, AZC, 1, user_id=add_professional(db), text="De gemeente, elke week.")
    before = {name: len(mails_to(settings, f"{name.lower()}@example.org")) for name in links}
    assert run_digest() == 0
    assert len(mails_to(settings, "eva@example.org")) == before["Eva"]  # she had the event mails
    assert len(mails_to(settings, "nel@example.org")) == before["Nel"]  # she wants none
    [*_, mail] = mails_to(settings, "wim@example.org")
    assert len(mails_to(settings, "wim@example.org")) == before["Wim"] + 1
    text = body(mail)
    assert mail["Subject"].startswith("Wat er deze week gebeurde in")
    assert "1 nieuw idee:\n- I1: Een bankje bij de bushalte" in text
    assert "1 nieuwe vraag aan de professionals:\n- V1: Wie maakt het bankje schoon?" in text
    assert "Een professional gaf antwoord op:\n- V1: Wie maakt het bankje schoon?" in text
    link = text.split("http://localhost", 1)[1].split()[0]  # the personal link (signed anew, with a time)
    assert link.startswith(f"/deelnemen/{AZC}/lid/") and "Wim" in client.get(link).get_data(as_text=True)
    assert store.member(db, member_id(db, "Wim"))["digest_sent_at"] is not None
    # Cron runs it again the same week: nothing new, no mail.
    assert run_digest() == 0
    assert len(mails_to(settings, "wim@example.org")) == before["Wim"] + 1
    # Something new after that: the next digest has only that. (Times are stored to the second:
    # move the first digest and what it told a minute back, as if the week went by.)
    earlier = lambda minutes: (datetime.datetime.now(datetime.timezone.utc)  # noqa: E731
                               - datetime.timedelta(minutes=minutes)).replace(microsecond=0).isoformat()
    with database.write(db):
        db.execute("update members set digest_sent_at = ? where digest_sent_at is not null", [earlier(1)])
        for table in ("ideas", "questions", "answers"):
            db.execute(f"update {table} set created_at = ?", [earlier(2)])
    store.add_idea(db, AZC, title="Een prullenbak")
    assert run_digest() == 0
    text = body(mails_to(settings, "wim@example.org")[-1])
    assert "I2: Een prullenbak" in text and "bankje" not in text


def test_with_nothing_new_there_is_no_digest(send, client, settings, db, run_digest):
    three_members(send, client, settings, AZC)
    before = len(outbox(settings))
    assert run_digest() == 0
    assert len(outbox(settings)) == before


def test_the_digest_names_a_round_a_phase_change_and_hides_hidden_ideas(send, client, settings, proposing, app, db):
    three_members(send, client, settings, proposing)
    ends = datetime.date.today() + datetime.timedelta(days=3)
    consent.open_round(db, read_kwestie(settings, proposing), [1, 2], consent.end_of_day(ends))
    audit.record(db, None, "phase", proposing, "open → proposing")
    store.add_idea(db, proposing, title="Iets onaardigs")
    store.set_hidden(db, "ideas", proposing, 1, reason="Niet aardig")
    issue = app.extensions["samenplan.issues"].get(proposing)
    now = database.now()
    found = digest.news(db, settings, issue, digest.since({"digest_sent_at": None}, now), now)
    assert found["rounds_opened"] == [consent.end_of_day(ends)] and found["rounds_ending"] == found["rounds_opened"]
    assert found["phases"] == ["van ‘We willen samen een plan maken’ naar ‘concept-plan’"]
    assert found["ideas"] == []
    with app.test_request_context():
        assert notify.weekly_digest(db, settings, issue, secret=app.config["SECRET_KEY"], now=now) == 1
    text = body(mails_to(settings, "wim@example.org")[-1])
    assert "De kwestie is in een nieuwe fase:" in text and "Je kunt antwoorden tot en met" in text
    assert "De ronde over het concept-plan is bijna voorbij" in text and "onaardig" not in text
    # A week later the round's end was told already: nothing new.
    later = (datetime.datetime.fromisoformat(now) + datetime.timedelta(minutes=1)).isoformat()
    assert digest.is_empty(digest.news(db, settings, issue, now, later))


def test_a_failing_mail_server_is_logged_and_the_member_is_not_marked(send, client, settings, app, db, caplog):
    three_members(send, client, settings, AZC)
    store.add_idea(db, AZC, title="Een bankje")
    settings.update(SAMENPLAN_SMTP_HOST="127.0.0.1", SAMENPLAN_SMTP_PORT=1, SAMENPLAN_SMTP_SECURITY="none")
    issue = app.extensions["samenplan.issues"].get(AZC)
    with app.test_request_context():
        assert notify.weekly_digest(db, settings, issue, secret=app.config["SECRET_KEY"]) == 0
    assert "weekoverzicht niet verstuurd" in caplog.text.lower()
    assert store.member(db, member_id(db, "Wim"))["digest_sent_at"] is None


def test_the_digest_tells_of_meetings_announced_fixed_and_cancelled(send, client, settings, app, db):
    from participation import meetings

    three_members(send, client, settings, AZC)
    issue = app.extensions["samenplan.issues"].get(AZC)
    evening = datetime.datetime.combine(datetime.date.today() + datetime.timedelta(days=9), datetime.time(19, 30))
    since = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)).replace(
        microsecond=0).isoformat()  # stored to the second: the window starts before this one
    meetings.announce(db, issue, title="Buurtavond", place="Buurthuis", options=[evening])
    meetings.announce(db, issue, title="Kringavond", place="Café", options=[evening, evening + datetime.timedelta(days=1)])
    meetings.announce(db, issue, title="Oude avond", place="Kerk", options=[evening + datetime.timedelta(days=2)])
    meetings.cancel(db, AZC, 3)
    later = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=1)).replace(microsecond=0)
    with app.test_request_context():
        found = digest.news(db, settings, issue, since, later.isoformat())
    assert found["meetings"] == [
        f"Buurtavond: {meetings.when(meetings.get(db, AZC, 1))}, Buurthuis.",
        "Kringavond: de kring kiest de datum. Zeg op je persoonlijke pagina welke datums jou passen.",
        "Oude avond gaat niet door."]
    with app.test_request_context():
        assert notify.weekly_digest(db, settings, issue, secret=app.config["SECRET_KEY"], now=later.isoformat()) == 1
    assert "Bijeenkomsten:\n- Buurtavond: " in body(mails_to(settings, "wim@example.org")[-1])
