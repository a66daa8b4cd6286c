"""Wie vindt dit ook belangrijk? A member invites someone by mail, in their own name with
their own note (web/deelnemen_meetings.invite); the address is used for that one mail and
kept nowhere. The join form's "Iemand heeft me gevraagd om mee te doen" counts how the
circle grows (store.circle_growth)."""

import datetime
import re
from pathlib import Path

import pytest

from participation import build, invitations, meetings, store, tokens

from .conftest import AZC
from .support import read_kwestie
from .test_meeting_signup import body, outbox
from .test_my_participation import join_and_confirm, link_in

INVITEE = "buurvrouw.invitee@example.net"
NOTE = "Hoi Fatima,\njij woont toch ook aan het plein? Denk je mee?"


def invite_url(token):
    return f"/deelnemen/{AZC}/lid/{token}/uitnodigen"


@pytest.fixture
def member_token(send, client, settings):
    return join_and_confirm(send, client, settings, AZC, name="Ans")


def test_the_invitation_mail_is_in_the_members_name_with_the_note_and_the_links(send, client, settings, db,
                                                                                member_token):
    page = client.get(invite_url(member_token)).get_data(as_text=True)
    assert "<h1>Wie vindt dit ook belangrijk?</h1>" in page and 'name="note"' in page
    assert f"/kwesties/{AZC}/uitnodiging/" in page  # the printable card
    mails = len(outbox(settings))
    response = send(invite_url(member_token), data={"email": INVITEE, "note": NOTE})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/uitnodigen?verstuurd=1#verstuurd")
    [message] = outbox(settings)[mails:]
    text = body(message)
    assert message["To"] == INVITEE and message["Subject"].startswith("Ans nodigt je uit")
    assert "Ans denkt mee" in text
    assert "> Hoi Fatima,\n> jij woont toch ook aan het plein? Denk je mee?" in text
    assert read_kwestie(settings, AZC).question in text
    assert f"http://localhost/kwesties/{AZC}/" in text
    assert f"http://localhost/deelnemen/{AZC}/kring?uitnodiging=1" in text
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Je uitnodiging is verstuurd" in after and INVITEE not in after
    assert invitations.count(db, AZC) == 1


def test_the_invitee_address_is_nowhere_afterwards(send, client, settings, db, member_token):
    # A signup with needs too: those never reach the site either.
    issue = read_kwestie(settings, AZC)
    meetings.announce(db, issue, title="Kringavond", place="Café De Zwaan",
                      options=[meetings.local_now().replace(minute=0) + datetime.timedelta(days=3)])
    assert send(f"/deelnemen/{AZC}/bijeenkomst/1", data={"name": "Samira", "interpreter": "1",
                                                          "language": "Somalisch"}).status_code == 303
    assert send(invite_url(member_token), data={"email": INVITEE, "note": NOTE}).status_code == 303
    assert send(invite_url(member_token), data={"email": "kapot@", "note": NOTE}).status_code == 400
    build.build(settings)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(settings["SAMENPLAN_DATABASE"])
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            assert INVITEE.encode() not in file.read_bytes(), file
    output = [p for p in Path(settings["OUTPUT_PATH"]).rglob("*") if p.is_file()]
    assert any(p.name == "index.html" for p in output)
    for file in output:
        data = file.read_bytes()
        assert INVITEE.encode() not in data and b"invitee@" not in data, file
        assert b"Somalisch" not in data, file


def test_an_invalid_address_gives_400_and_sends_nothing(send, settings, db, member_token):
    mails = len(outbox(settings))
    for address in ("", "geen adres", "a@b", "x" * 250 + "@example.org"):
        response = send(invite_url(member_token), data={"email": address, "note": "Hoi"})
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and 'class="error-summary"' in page
        assert 'href="#uitnodigen-email"' in page
    too_long = send(invite_url(member_token), data={"email": INVITEE, "note": "x" * (invitations.NOTE_MAX + 1)})
    assert too_long.status_code == 400 and 'href="#uitnodigen-note"' in too_long.get_data(as_text=True)
    assert len(outbox(settings)) == mails and invitations.count(db, AZC) == 0


def test_only_a_member_with_a_confirmed_address_can_invite(send, client, settings, db):
    # Without a confirmed address there is no personal link to the form (403); the rule itself
    # is the domain's: an unconfirmed member's invitation is refused.
    unconfirmed = store.add_member(db, AZC, name="Bram", relation="resident", email="bram@example.org")
    token = tokens.member_token(client.application.config["SECRET_KEY"], unconfirmed, AZC)
    assert send(invite_url(token), data={"email": INVITEE}).status_code == 403
    with pytest.raises(store.NotAllowed, match="je eigen e-mailadres hebt bevestigd"):
        invitations.record(db, AZC, unconfirmed)
    assert outbox(settings) == [] and invitations.count(db, AZC) == 0


def test_an_invitation_refused_by_the_rules_is_409(send, client, settings, db, member_token, monkeypatch):
    # forget_email keeps the proof of confirmation; the refusal comes from invitations.record.
    monkeypatch.setattr(invitations, "record", lambda *a, **k: (_ for _ in ()).throw(
        store.NotAllowed("Iemand uitnodigen kan als je je eigen e-mailadres hebt bevestigd.")))
    refused = send(invite_url(member_token), data={"email": INVITEE})
    assert refused.status_code == 409 and "je eigen e-mailadres hebt bevestigd" in refused.get_data(as_text=True)


def test_the_limit_per_day(send, settings, db, member_token):
    for _ in range(invitations.PER_DAY):
        invitations.record(db, AZC, 1)
    mails = len(outbox(settings))
    response = send(invite_url(member_token), data={"email": INVITEE, "note": "Hoi"})
    assert response.status_code == 409
    assert "Morgen kan het weer" in response.get_data(as_text=True)
    assert len(outbox(settings)) == mails and invitations.count(db, AZC) == invitations.PER_DAY


def test_the_personal_and_confirmation_pages_ask_who_else_finds_this_important(send, client, settings,
                                                                                member_token):
    personal = client.get(f"/deelnemen/{AZC}/lid/{member_token}").get_data(as_text=True)
    assert "Wie vindt dit ook belangrijk?" in personal
    assert f'href="/deelnemen/{AZC}/lid/{member_token}/uitnodigen"' in personal
    assert f'href="/kwesties/{AZC}/uitnodiging/"' in personal
    # The page after confirming an address (its link opened again shows it again).
    confirm = next(link_in(m) for m in outbox(settings) if "/bevestigen/" in body(m))
    confirmed = client.get(confirm).get_data(as_text=True)
    assert "Je e-mailadres is bevestigd" in confirmed and "Wie vindt dit ook belangrijk?" in confirmed
    assert re.search(rf'href="http://localhost/deelnemen/{AZC}/lid/[\w.-]+/uitnodigen"', confirmed)
    assert f'href="/kwesties/{AZC}/uitnodiging/"' in confirmed


def test_the_join_forms_invited_box_counts_in_the_circles_growth(send, client, db):
    plain = client.get(f"/deelnemen/{AZC}/kring").get_data(as_text=True)
    assert 'name="invited"' in plain and 'name="invited" value="1" checked' not in plain
    asked = client.get(f"/deelnemen/{AZC}/kring?uitnodiging=1").get_data(as_text=True)
    assert 'name="invited" value="1" checked' in asked
    assert send(f"/deelnemen/{AZC}/kring", data={"name": "Fatima", "relation": "resident",
                                                 "invited": "1"}).status_code == 303
    assert send(f"/deelnemen/{AZC}/kring", data={"name": "Kees", "relation": "business"}).status_code == 303
    assert db.execute("select name, invited from members order by id").fetchall() == [("Fatima", 1), ("Kees", 0)]
    assert store.circle_growth(db, AZC)["invited"] == 1
    # Left with an error: the box stays as it was.
    again = send(f"/deelnemen/{AZC}/kring", data={"name": "", "relation": "resident", "invited": "1"})
    assert again.status_code == 400 and 'name="invited" value="1" checked' in again.get_data(as_text=True)


def test_erasing_a_member_takes_their_signups_and_invitations(send, client, settings, db, member_token):
    issue = read_kwestie(settings, AZC)
    meetings.announce(db, issue, title="Kringavond", place="Café De Zwaan",
                      options=[meetings.local_now().replace(minute=0) + datetime.timedelta(days=3)])
    meetings.sign_up(db, AZC, 1, name="Ans", email="ans@example.org", member_id=1, needs={"childcare": True})
    meetings.sign_up(db, AZC, 1, name="Iemand anders")
    assert send(invite_url(member_token), data={"email": INVITEE}).status_code == 303
    store.erase_details(db, 1)
    assert db.execute("select name from meeting_signups").fetchall() == [("Iemand anders",)]
    assert db.execute("select count(*) from invitations").fetchone()[0] == 0


ODD = ["", "\x00", "é" * 5000, "<b>x</b>@example.org", "a@b.c\r\nBcc: x@example.org", "١@٢.٣"]


@pytest.mark.parametrize("value", ODD)
def test_odd_input_never_gives_a_500(send, client, member_token, value):
    for data in ({"email": value}, {"email": INVITEE, "note": value}, {"email": value, "website": value},
                 {"email": INVITEE, "form_started": value}):
        assert send(invite_url(member_token), data=data).status_code in (303, 400)
    assert client.get(invite_url(member_token), query_string={"verstuurd": value}).status_code == 200
    assert send(f"/deelnemen/{AZC}/kring", data={"name": "X", "relation": "resident", "invited": value}).status_code \
        in (303, 400)
