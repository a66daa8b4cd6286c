"""Lose nothing, store nothing twice: a locked database answers 503 with the form kept, and a
form sent again (an answer lost on the way, a second click) is stored once."""

import subprocess
import sys

from participation import store
from participation.web import create_app

from .conftest import AZC
from .support import as_person

IDEA = f"/deelnemen/{AZC}/idee"
HOLD_THE_LOCK = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
connection.rollback()
"""


def test_a_form_sent_again_is_stored_once(client, app, db):
    data = as_person(app.config["SECRET_KEY"], {"title": "Bankje bij de vijver"})
    first, again = client.post(IDEA, data=data), client.post(IDEA, data=data)
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    # Both lead to the same confirmation, showing the one idea that was stored.
    assert "Bankje bij de vijver" in client.get(again.headers["Location"].split("#")[0]).get_data(as_text=True)
    assert [i["title"] for i in store.ideas(db, AZC)] == ["Bankje bij de vijver"]
    # One form, one idea: the same token with another text adds nothing either.
    assert client.post(IDEA, data={**data, "title": "Nog een idee"}).status_code == 303
    assert store.idea_count(db, AZC) == 1
    # A new form is a new submission.
    assert client.post(IDEA, data=as_person(app.config["SECRET_KEY"], {"title": "Nog een idee"})).status_code == 303
    assert store.idea_count(db, AZC) == 2


def test_a_database_locked_by_another_process_gives_503_with_the_form_kept(settings, db):
    app = create_app({"TESTING": True, "RATE_LIMIT": 10_000, "BUSY_TIMEOUT": 0.2}, settings=settings)
    client = app.test_client()
    data = as_person(app.config["SECRET_KEY"], {"title": "Koffie op zaterdag", "body": "Met de buren"})
    holder = subprocess.Popen([sys.executable, "-c", HOLD_THE_LOCK, settings["SAMENPLAN_DATABASE"]],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        response = client.post(IDEA, data=data)
        assert response.status_code == 503 and response.headers["Retry-After"] == "60"
        page = response.get_data(as_text=True)
        assert "Er is niets opgeslagen" in page and "Koffie op zaterdag" in page and "Met de buren" in page
        assert f'name="form_started" value="{data["form_started"]}"' in page  # the same submission
        as_json = client.post(IDEA, data=data, headers={"Accept": "application/json"})
        assert as_json.status_code == 503 and as_json.headers["Retry-After"] == "60"
        assert as_json.get_json()["status"] == 503
    finally:
        holder.communicate("\n", timeout=10)
    assert store.idea_count(db, AZC) == 0
    assert client.post(IDEA, data=data).status_code == 303
    assert client.post(IDEA, data=data).status_code == 303
    assert [i["title"] for i in store.ideas(db, AZC)] == ["Koffie op zaterdag"]
