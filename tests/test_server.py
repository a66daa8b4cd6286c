"""End to end: the real `samenplan serve` process, real HTTP, the real database."""

import email
import re
import time
from pathlib import Path

import pytest
import requests

from .support import AZC, Server, form_token_from, wait_for


@pytest.fixture
def server(tmp_path):
    server = Server(tmp_path)
    server.env["SAMENPLAN_MIN_FILL_SECONDS"] = "1"
    server.start()
    yield server
    server.stop()


def page_shows(url, text):
    def check():
        response = requests.get(url, timeout=5)
        return response.status_code == 200 and text in response.text
    return check


def test_an_idea_reaches_the_static_page_and_survives_a_restart(server):
    home = requests.get(server.url + "/", timeout=5)
    assert home.status_code == 200 and f'href="/kwesties/{AZC}/"' in home.text
    kwestie_url = f"{server.url}/kwesties/{AZC}/"
    assert requests.get(kwestie_url, timeout=5).status_code == 200

    title = "Samen koken op vrijdag"
    form = requests.get(f"{server.url}/deelnemen/{AZC}/idee", timeout=5)
    assert form.status_code == 200
    time.sleep(1.1)  # a person takes longer than SAMENPLAN_MIN_FILL_SECONDS (1 here) to fill it in
    response = requests.post(
        f"{server.url}/deelnemen/{AZC}/idee",
        data={"title": title, "body": "Iedereen neemt iets mee.", "author_name": "Fatma",
              "form_started": form_token_from(form.text)},
        allow_redirects=False, timeout=5,
    )
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith(f"/deelnemen/{AZC}/bedankt/I1?t=") and location.endswith("#bedankt-idee")
    # The confirmation shows the idea as it was stored, at once, before the page is rebuilt.
    confirmation = requests.get(server.url + location, timeout=5)
    assert confirmation.status_code == 200 and title in confirmation.text and "Fatma" in confirmation.text
    assert wait_for(page_shows(kwestie_url, title), timeout=15), "the idea did not appear within 15 s"

    server.stop()
    server.start()
    assert page_shows(kwestie_url.replace(kwestie_url.split("/kwesties")[0], server.url), title)()


def test_the_server_serves_the_theme_and_answers_404(server):
    assert requests.get(server.url + "/theme/css/samen.css", timeout=5).status_code == 200
    home = requests.get(server.url + "/", timeout=5)
    assert home.headers["X-Frame-Options"] == "DENY" and home.headers["Cache-Control"] != "no-store"
    missing = requests.get(server.url + "/bestaat/niet/", timeout=5)
    assert missing.status_code == 404 and "Pagina niet gevonden" in missing.text
    assert requests.get(server.url + "/../../etc/passwd", timeout=5).status_code == 404
    redirect = requests.get(f"{server.url}/kwesties/{AZC}", allow_redirects=False, timeout=5)
    assert redirect.status_code == 301 and redirect.headers["Location"].endswith(f"/kwesties/{AZC}/")


def test_many_residents_at_once_lose_nothing(server):
    """Concurrent ideas, while the rebuild worker writes too: every 303 is a stored idea,
    none is a 500 (no 'database is locked'), and the page ends up counting them all."""
    from concurrent.futures import ThreadPoolExecutor

    from participation import db as database

    url = f"{server.url}/deelnemen/{AZC}/idee"
    # Each resident has a form of their own: a form token is a one-time key.
    forms = [form_token_from(requests.get(url, timeout=5).text) for _ in range(16)]
    time.sleep(1.1)

    def send(n):
        # One client address here: 16 stays under the rate limit (20 per window).
        return requests.post(url, data={"title": f"Idee {n}", "form_started": forms[n]},
                             allow_redirects=False, timeout=30).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(send, range(16)))
    assert statuses == [303] * 16
    db = database.connect(server.env["SAMENPLAN_DATABASE"])
    try:
        assert sorted(row[0] for row in db.execute("select title from ideas where issue = ?", [AZC])) == sorted(
            f"Idee {n}" for n in range(16))
    finally:
        db.close()
    assert wait_for(page_shows(f"{server.url}/kwesties/{AZC}/", "Ideeën (16)"), timeout=15)


def test_kill_9_under_load_loses_no_acknowledged_idea(server):
    """The process dies mid-burst (kill -9, no cleanup): every idea answered with 303 was
    committed before the answer, so after a restart each one is stored and shown."""
    import os
    import signal
    import threading

    from participation import db as database

    url = f"{server.url}/deelnemen/{AZC}/idee"
    forms = [form_token_from(requests.get(url, timeout=5).text) for _ in range(18)]
    time.sleep(1.1)
    acknowledged, lock = [], threading.Lock()

    def send(numbers):
        for n in numbers:
            try:
                response = requests.post(url, data={"title": f"Voor de crash {n}", "form_started": forms[n]},
                                         allow_redirects=False, timeout=10)
            except requests.RequestException:
                return  # the server is gone: this one was never acknowledged
            if response.status_code == 303:
                with lock:
                    acknowledged.append(n)

    threads = [threading.Thread(target=send, args=(range(k, 18, 6),)) for k in range(6)]
    for thread in threads:
        thread.start()
    assert wait_for(lambda: len(acknowledged) >= 3, timeout=20)
    os.kill(server.process.pid, signal.SIGKILL)
    for thread in threads:
        thread.join(timeout=30)
    server.process.wait()
    server.stop()

    server.start()
    db = database.connect(server.env["SAMENPLAN_DATABASE"])
    try:
        stored = {row[0] for row in db.execute("select title from ideas where issue = ?", [AZC])}
    finally:
        db.close()
    assert {f"Voor de crash {n}" for n in acknowledged} <= stored
    ideas = f"{server.url}/kwesties/{AZC}/ideeen/"
    for n in acknowledged:
        assert wait_for(page_shows(ideas, f"Voor de crash {n}"), timeout=15), f"idea {n} is not on the page"


def newest_mail_link(server):
    """The /deelnemen/ link in the newest mail of the server's outbox."""
    newest = sorted((Path(server.folder) / "outbox").glob("*.eml"))[-1]
    body = email.message_from_bytes(newest.read_bytes()).get_payload(decode=True).decode()
    return server.url + re.search(r"http://127\.0\.0\.1:\d+(/deelnemen/\S+)", body).group(1)


def test_a_member_sends_an_idea_from_mijn_deelname_without_typing_a_name(server):
    """Join with an address, confirm it through the mail, open the personal link from the second
    mail, and send an idea from there: stored as the member's, shown on Mijn deelname."""
    from participation import db as database

    join = f"{server.url}/deelnemen/{AZC}/kring"
    form = requests.get(join, timeout=5).text
    time.sleep(1.1)
    response = requests.post(join, data={"name": "Noor", "relation": "resident", "email": "noor@example.org",
                                         "form_started": form_token_from(form)}, allow_redirects=False, timeout=5)
    assert response.status_code == 303
    next_steps = requests.get(server.url + response.headers["Location"], timeout=5).text
    assert "Klik op de link in die mail" in next_steps and "noor@example.org" not in next_steps
    assert requests.get(newest_mail_link(server), timeout=5).status_code == 200  # confirmed
    personal = newest_mail_link(server)  # the personal link, from the second mail
    mine = requests.get(personal, timeout=5)
    assert mine.status_code == 200 and "<h1>Mijn deelname</h1>" in mine.text
    idea_form_url = server.url + re.search(r'href="(/deelnemen/[^"]+/idee\?lid=[^"]+)"', mine.text).group(1)
    idea_form = requests.get(idea_form_url, timeout=5).text
    assert 'name="author_name"' not in idea_form and "Je stuurt dit idee als <strong>Noor</strong>" in idea_form
    time.sleep(1.1)
    lid = re.search(r'name="lid" value="([^"]+)"', idea_form).group(1)
    sent = requests.post(f"{server.url}/deelnemen/{AZC}/idee", allow_redirects=False, timeout=5,
                         data={"title": "Samen de tuin doen", "body": "Op woensdagmiddag.", "lid": lid,
                               "form_started": form_token_from(idea_form)})
    assert sent.status_code == 303
    db = database.connect(server.env["SAMENPLAN_DATABASE"])
    try:
        row = db.execute("select i.author_name, i.member_id, m.name from ideas i join members m on m.id = i.member_id "
                         "where i.title = 'Samen de tuin doen'").fetchone()
    finally:
        db.close()
    assert row is not None and row[0] == row[2] == "Noor"
    page = requests.get(personal, timeout=5).text
    assert "Samen de tuin doen" in page and "Op woensdagmiddag." in page
    assert wait_for(page_shows(f"{server.url}/kwesties/{AZC}/", "Samen de tuin doen"), timeout=15)


def test_a_member_changes_and_withdraws_their_idea_and_the_site_keeps_the_history(server):
    """From Mijn deelname: send an idea, change it, withdraw it. The kwestie page and the JSON
    follow each step (after the rebuild worker); the name is never typed."""
    join = f"{server.url}/deelnemen/{AZC}/kring"
    form = requests.get(join, timeout=5).text
    time.sleep(1.1)
    assert requests.post(join, data={"name": "Jet", "relation": "resident", "email": "jet@example.org",
                                     "form_started": form_token_from(form)},
                         allow_redirects=False, timeout=5).status_code == 303
    assert requests.get(newest_mail_link(server), timeout=5).status_code == 200
    personal = newest_mail_link(server)
    mine = requests.get(personal, timeout=5).text
    idea_form = requests.get(server.url + re.search(r'href="(/deelnemen/[^"]+/idee\?lid=[^"]+)"', mine).group(1),
                             timeout=5).text
    assert 'name="author_name"' not in idea_form
    time.sleep(1.1)
    sent = requests.post(f"{server.url}/deelnemen/{AZC}/idee", allow_redirects=False, timeout=5,
                         data={"title": "Bankjes bij de vijver", "lid": re.search(r'name="lid" value="([^"]+)"',
                                                                                   idea_form).group(1),
                               "form_started": form_token_from(idea_form)})
    assert sent.status_code == 303
    kwestie_url = f"{server.url}/kwesties/{AZC}/"
    assert wait_for(page_shows(kwestie_url, "Bankjes bij de vijver"), timeout=15)

    mine = requests.get(personal, timeout=5).text
    change_url = server.url + re.search(r'href="(/deelnemen/[^"]+/lid/[^"]+/idee/\d+)"', mine).group(1)
    change_form = requests.get(change_url, timeout=5)
    assert change_form.status_code == 200 and 'value="Bankjes bij de vijver"' in change_form.text
    changed = requests.post(change_url, data={"title": "Drie bankjes bij de vijver", "body": "Met een prullenbak."},
                            allow_redirects=False, timeout=5)
    assert changed.status_code == 303 and changed.headers["Location"].startswith(personal.removeprefix(server.url))
    assert wait_for(page_shows(kwestie_url, "Drie bankjes bij de vijver"), timeout=15)
    page = requests.get(kwestie_url, timeout=5).text
    assert "Aangepast op" in page and "Jet" in page

    withdrawn = requests.post(change_url + "/intrekken", allow_redirects=False, timeout=5)
    assert withdrawn.status_code == 303
    assert wait_for(page_shows(kwestie_url, "Ingetrokken door de indiener op"), timeout=15)
    page = requests.get(kwestie_url, timeout=5).text
    assert "Drie bankjes bij de vijver" not in page and "Met een prullenbak." not in page
    # The open data follows the kwestie's own page (rebuild.py): within two seconds.
    def jets_idea():
        data = requests.get(f"{server.url}/kwesties/{AZC}.json", timeout=5).json()
        return [i for i in data["ideas"] if i["author_name"] == "Jet" and i["withdrawn_at"]]
    assert wait_for(jets_idea, timeout=15)
    [idea] = jets_idea()
    assert idea["changed_at"] and idea["withdrawn_at"] and idea["title"] is None and idea["body"] is None
    assert requests.post(change_url, data={"title": "Toch weer"}, allow_redirects=False, timeout=5).status_code == 409
