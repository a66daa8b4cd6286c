"""Meetings end to end (issue 17): the real `samenplan serve` process, real HTTP, the real
database and outbox, and the real `samenplan remind` command as cron would run it.

One story, in the order it happens: the coordinator announces a meeting with three dates,
the circle chooses through the personal links from the mails, the coordinator fixes the date
with the most votes, people sign up (one without an account, with needs), the reminder goes
once, and afterwards the meeting is recorded and shows in the verslag, without names.
"""

import datetime
import email
import email.policy
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from participation import db as database
from participation.formats import LOCAL_TIME, datum

from .support import AZC, COORDINATOR, ROOT, Server, form_token_from, wait_for, with_coordinator

USERNAME, PASSWORD = COORDINATOR
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LINK = re.compile(r"http://127\.0\.0\.1:\d+(/(?:[a-z]{2}/)?deelnemen/\S+)")


@pytest.fixture
def server(tmp_path):
    server = with_coordinator(Server(tmp_path))
    server.start()
    yield server
    server.stop()


# The outbox ---------------------------------------------------------------------------------


def outbox(server):
    return {p.name: p for p in (Path(server.folder) / "outbox").glob("*.eml")}


def new_mails(server, before):
    """The mails that arrived since `before` (a snapshot from outbox()), oldest first."""
    now = outbox(server)
    return [email.message_from_bytes(now[name].read_bytes(), policy=email.policy.default)
            for name in sorted(set(now) - set(before))]


def link_in(server, message):
    return server.url + LINK.search(message.get_content()).group(1)


# The coordinator, logged in through the real login form ---------------------------------------


class Coordinator:
    def __init__(self, server):
        self.server, self.session = server, requests.Session()
        form = self.session.get(f"{server.url}/beheer/inloggen", timeout=5).text
        response = self.post("/beheer/inloggen", {"username": USERNAME, "password": PASSWORD}, form)
        assert response.status_code == 303 and response.headers["Location"].endswith("/beheer/")

    def get(self, path):
        response = self.session.get(self.server.url + path, timeout=5)
        assert response.status_code == 200, path
        return response.text

    def post(self, path, data, page=None):
        """POST a /beheer/ form with the CSRF token from the page it is on (`page`, or the
        page at `path` without its last part, as the browser would have it open)."""
        page = page if page is not None else self.get(path.rsplit("/", 1)[0])
        token = CSRF.search(page).group(1)
        return self.session.post(self.server.url + path, data={"csrf_token": token, **data},
                                 allow_redirects=False, timeout=10)


def announce(coordinator, days, **fields):
    data = {"kind": "meeting", "title": "Buurtavond over het café", "place": "Buurthuis De Boog, Kerkstraat 1",
            "accessibility": "Ingang zonder drempel aan de zijkant. Er is een ringleiding.",
            "information": "De gemeente en het COA vertellen wat er kan.",
            "circle_time": "De kring praat alleen.", "plan_part": "We schrijven de afspraken op.",
            "starts": "19:30", "ends": "21:30",
            **{f"date_{n}": day.isoformat() for n, day in enumerate(days, 1)}, **fields}
    page = coordinator.get(f"/beheer/{AZC}/bijeenkomsten")
    return coordinator.post(f"/beheer/{AZC}/bijeenkomst/aankondigen", data, page)


# Residents -------------------------------------------------------------------------------------


def join(server, name, address):
    """Join the circle with an address and confirm it through the mail; returns the personal link
    from the second mail."""
    before = outbox(server)
    url = f"{server.url}/deelnemen/{AZC}/kring"
    form = requests.get(url, timeout=5).text
    response = requests.post(url, data={"name": name, "relation": "resident", "email": address,
                                        "form_started": form_token_from(form)}, allow_redirects=False, timeout=5)
    assert response.status_code == 303
    [confirm] = new_mails(server, before)
    before = outbox(server)
    assert requests.get(link_in(server, confirm), timeout=5).status_code == 200
    [personal] = new_mails(server, before)
    return link_in(server, personal)


def sign_up(server, url, **data):
    """Send the signup form at url (the public one or the personal one); returns the 303."""
    form = requests.get(url, timeout=5)
    assert form.status_code == 200
    response = requests.post(url, data={**data, "form_started": form_token_from(form.text)},
                             allow_redirects=False, timeout=5)
    assert response.status_code == 303, response.text
    return response


def remind(server):
    """`samenplan remind`, the real command, with the server's settings (database, outbox)."""
    result = subprocess.run([sys.executable, "-m", "participation.cli", "--settings", str(ROOT / "pelicanconf.py"),
                             "remind"], check=False, cwd=server.folder, env=server.env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def the_database(server):
    return database.connect(server.env["SAMENPLAN_DATABASE"])


def page_shows(url, *texts):
    def check():
        response = requests.get(url, timeout=5)
        return response.status_code == 200 and all(text in response.text for text in texts)
    return check


def test_a_meeting_from_announcing_to_the_verslag(server):
    coordinator = Coordinator(server)
    join(server, "Ans", "ans@example.org")
    join(server, "Bram", "bram@example.org")

    # Three dates at 19:30, the first tomorrow (local time), so tomorrow's reminder is due today.
    tomorrow = datetime.datetime.now(LOCAL_TIME).date() + datetime.timedelta(days=1)
    days = [tomorrow, tomorrow + datetime.timedelta(days=2), tomorrow + datetime.timedelta(days=4)]
    before = outbox(server)
    response = announce(coordinator, days)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/beheer/{AZC}/bijeenkomst/1")
    polls = {m["To"]: m for m in new_mails(server, before)}
    assert set(polls) == {"ans@example.org", "bram@example.org"}
    assert polls["ans@example.org"]["Subject"].startswith("Welke datum past jou?")

    # Each marks the dates that suit them, through the personal link in the poll mail.
    def choose(message, picked):
        url = link_in(server, message)
        assert re.fullmatch(rf"{server.url}/deelnemen/{AZC}/lid/[^/]+/bijeenkomst/1/datums", url)
        form = requests.get(url, timeout=5).text
        ids = re.findall(r'name="options" value="(\d+)"', form)
        assert len(ids) == 3
        response = requests.post(url, data={"options": [ids[n] for n in picked]}, allow_redirects=False, timeout=5)
        assert response.status_code == 303 and response.headers["Location"].endswith("bewaard=1#bewaard")
        assert "Je keuze is bewaard" in requests.get(server.url + response.headers["Location"], timeout=5).text

    choose(polls["ans@example.org"], [0, 1])
    choose(polls["bram@example.org"], [0])

    # The coordinator sees the counts, in the order of the dates, and fixes the one most can come to.
    page = coordinator.get(f"/beheer/{AZC}/bijeenkomst/1")
    rows = re.findall(r'<td>(\d+) van de (\d+)</td>\s*<td>\s*<form[^>]*>\s*<input[^>]*csrf_token[^>]*>\s*'
                      r'<input type="hidden" name="option" value="(\d+)">', page)
    assert [(count, of) for count, of, _ in rows] == [("2", "2"), ("1", "2"), ("0", "2")]
    best = rows[0][2]
    before = outbox(server)
    response = coordinator.post(f"/beheer/{AZC}/bijeenkomst/1/datum", {"option": best}, page)
    assert response.status_code == 303
    dated = {m["To"]: m for m in new_mails(server, before)}
    assert set(dated) == {"ans@example.org", "bram@example.org"}
    when = f"{datum(tomorrow)}, 19:30–21:30"
    assert dated["bram@example.org"]["Subject"].endswith(f"op {when}")
    assert when in dated["bram@example.org"].get_content()

    # Ans signs up with her personal link (from the date mail): her confirmed address counts at once.
    ans_signup = link_in(server, dated["ans@example.org"])
    assert re.fullmatch(rf"{server.url}/deelnemen/{AZC}/lid/[^/]+/bijeenkomst/1", ans_signup)
    before = outbox(server)
    sign_up(server, ans_signup, name="Ans", email="ans@example.org")
    assert new_mails(server, before) == []  # nothing to confirm
    # Samira, without an account, needs an interpreter and childcare; she confirms her address.
    public_form = f"{server.url}/deelnemen/{AZC}/bijeenkomst/1"
    before = outbox(server)
    response = sign_up(server, public_form, name="Samira", email="samira@example.org", interpreter="1",
                       language="Arabisch", childcare="1")
    thanks = requests.get(server.url + response.headers["Location"], timeout=5)
    assert thanks.status_code == 200 and "Samira" in thanks.text and "samira@example.org" not in thanks.text
    [confirm] = new_mails(server, before)
    assert confirm["To"] == "samira@example.org"
    confirmed = requests.get(link_in(server, confirm), timeout=5)
    assert confirmed.status_code == 200 and "Arabisch" not in confirmed.text
    # Two more: one never confirms the address, one gives none. Neither gets a reminder.
    sign_up(server, public_form, name="Kees", email="kees@example.org", step_free="1")
    sign_up(server, public_form, name="Cor")

    page = coordinator.get(f"/beheer/{AZC}/bijeenkomst/1")
    counted = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", page))
    assert counted["Aangemeld"] == "4" and counted["Met een bevestigd e-mailadres"] == "2"
    assert counted["Tolk Arabisch"] == "1" and counted["Kinderopvang"] == "1"
    assert counted["Ingang zonder drempels of trappen"] == "1" and counted["Ringleiding"] == "0"

    # Recording it before it has begun is refused.
    assert coordinator.post(f"/beheer/{AZC}/bijeenkomst/1/opschrijven", {"count_resident": "3"},
                            page).status_code == 409

    # The reminder, as cron runs it: once to Ans and Samira, and a second run sends none.
    before = outbox(server)
    assert remind(server) == "Herinneringen: 2 verstuurd."
    reminded = new_mails(server, before)
    assert sorted(m["To"] for m in reminded) == ["ans@example.org", "samira@example.org"]
    assert all(m["Subject"].startswith("Morgen: bijeenkomst over") for m in reminded)
    assert all(when in m.get_content() and "Buurthuis De Boog" in m.get_content() for m in reminded)
    before = outbox(server)
    assert remind(server) == "Herinneringen: 0 verstuurd."
    assert new_mails(server, before) == []

    # A second meeting, signed up for, then held and recorded.
    response = announce(coordinator, [tomorrow + datetime.timedelta(days=6)], title="Tweede buurtavond")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/beheer/{AZC}/bijeenkomst/2")
    sign_up(server, f"{server.url}/deelnemen/{AZC}/bijeenkomst/2", name="Fatma", email="fatma@example.org",
            hearing_loop="1")
    # Time cannot pass in a test: the meeting is moved to yesterday evening directly in the
    # database, as if it had been held; the server reads its start time from there.
    yesterday = datetime.datetime.now(LOCAL_TIME).date() - datetime.timedelta(days=1)
    direct = sqlite3.connect(server.env["SAMENPLAN_DATABASE"], timeout=10)
    with direct:
        direct.execute("update meetings set starts_at = ?, held_on = ? where issue = ? and number = 2",
                       [f"{yesterday.isoformat()}T19:30", yesterday.isoformat(), AZC])
    direct.close()
    page = coordinator.get(f"/beheer/{AZC}/bijeenkomst/2")
    account = "Achttien mensen praatten over het café. De kring schreef drie afspraken op."
    response = coordinator.post(f"/beheer/{AZC}/bijeenkomst/2/opschrijven",
                                {"count_resident": "12", "count_business": "4", "count_newcomer": "2",
                                 "account": account}, page)
    assert response.status_code == 303

    db = the_database(server)
    try:
        left = [row[0] for row in db.execute(
            "select s.name from meeting_signups s join meetings m on m.id = s.meeting_id "
            "where m.issue = ? and m.number = 2", [AZC])]
        held = db.execute("select signed_up, attendees from meetings where issue = ? and number = 2", [AZC]).fetchone()
        anywhere = db.execute("select count(*) from meeting_signups where name = 'Fatma'").fetchone()[0]
    finally:
        db.close()
    assert left == [] and anywhere == 0  # the names went when it was recorded
    assert tuple(held) == (1, 18)  # it keeps how many signed up, and how many came

    verslag = f"{server.url}/kwesties/{AZC}/verslag/"
    assert wait_for(page_shows(verslag, account), timeout=20), "the account did not reach the verslag"
    text = requests.get(verslag, timeout=5).text
    assert "Er kwamen 18 mensen:" in text and "buurtbewoner 12" in text and "ondernemer 4" in text
    assert "nieuwkomer 2" in text and "Fatma" not in text
    held_page = requests.get(f"{server.url}/kwesties/{AZC}/bijeenkomsten/2/", timeout=5).text
    assert account in held_page and "Deze bijeenkomst is geweest." in held_page

    # The static pages were built after every signup above: none of them shows who or what they need.
    meeting_page = f"{server.url}/kwesties/{AZC}/bijeenkomsten/1/"
    assert wait_for(page_shows(meeting_page, when), timeout=20)
    shown = requests.get(meeting_page, timeout=5).text
    for secret in ("Samira", "samira@example.org", "Arabisch", "Kees", "kees@example.org"):
        assert secret not in shown, f"{secret} on the meeting page"
    # Nor any other file of the site (the kwestie page names Arabisch as one of its languages).
    for path in Path(server.env["SAMENPLAN_OUTPUT"]).rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in (b"Samira", b"samira@example.org", b"kees@example.org", b"Fatma", b"fatma@example.org"):
                assert secret not in data, f"{secret.decode()} in {path}"
