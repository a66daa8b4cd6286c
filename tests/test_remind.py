"""`samenplan remind`: the day before a meeting, one reminder to each who signed up with a
confirmed address, however often cron runs it."""

import datetime

from participation import cli, meetings, store

from .conftest import ROOT, write_issue
from .support import read_kwestie
from .test_meeting_signup import body, outbox

SLUG = "buurthuis"


def run_remind(settings, monkeypatch, capsys):
    for name in ("SAMENPLAN_DATABASE", "SAMENPLAN_OUTBOX", "SAMENPLAN_PUBLIC_URL"):
        monkeypatch.setenv(name, settings[name])
    monkeypatch.setenv("SAMENPLAN_CONTENT", settings["PATH"])
    monkeypatch.setenv("SAMENPLAN_OUTPUT", settings["OUTPUT_PATH"])
    assert cli.main(["--settings", str(ROOT / "pelicanconf.py"), "remind"]) == 0
    return capsys.readouterr().out


def test_the_reminder_goes_once_to_confirmed_addresses(settings, db, monkeypatch, capsys):
    issue = read_kwestie(settings, SLUG) if write_issue(settings, SLUG) else None
    tomorrow = meetings.local_now().replace(hour=19, minute=30) + datetime.timedelta(days=1)
    meetings.announce(db, issue, title="Buurtavond", place="Buurthuis De Boog", options=[tomorrow],
                      accessibility="Ingang zonder drempel aan de zijkant.")
    meetings.announce(db, issue, title="Later", place="Elders", options=[tomorrow + datetime.timedelta(days=7)])
    member = store.add_member(db, SLUG, name="Ans", relation="resident", email="ans@example.org", language="en")
    store.confirm_email(db, member, "ans@example.org")
    meetings.sign_up(db, SLUG, 1, name="Ans", email="ans@example.org", member_id=member, language="en")
    confirmed = meetings.sign_up(db, SLUG, 1, name="Samira", email="samira@example.org", needs={"childcare": True})
    meetings.confirm_signup(db, confirmed, "samira@example.org")
    meetings.sign_up(db, SLUG, 1, name="Bram", email="bram@example.org")  # never confirmed
    meetings.sign_up(db, SLUG, 1, name="Cor")  # no address
    meetings.sign_up(db, SLUG, 2, name="Dirk", email="ans@example.org", member_id=member)  # next week

    assert run_remind(settings, monkeypatch, capsys).strip() == "Herinneringen: 2 verstuurd."
    mails = {m["To"]: m for m in outbox(settings)}
    assert set(mails) == {"ans@example.org", "samira@example.org"}
    dutch = body(mails["samira@example.org"])
    assert mails["samira@example.org"]["Subject"].startswith("Morgen: bijeenkomst over")
    assert "Hallo Samira" in dutch and "Buurthuis De Boog" in dutch and "Ingang zonder drempel" in dutch
    assert meetings.when(meetings.get(db, SLUG, 1)) in dutch
    assert f"http://localhost/kwesties/{SLUG}/bijeenkomsten/1/" in dutch
    assert "kinderopvang" not in dutch.lower()
    # Ans signed up in English: her reminder links to the English page.
    assert f"http://localhost/en/kwesties/{SLUG}/bijeenkomsten/1/" in body(mails["ans@example.org"])

    assert run_remind(settings, monkeypatch, capsys).strip() == "Herinneringen: 0 verstuurd."
    assert len(outbox(settings)) == 2
