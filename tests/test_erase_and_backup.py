"""Erasing a person leaves nothing readable (database file, write-ahead log, site, outbox);
a backup made under write load restores every acknowledged idea, and a damaged one is refused."""

import threading
import time
from pathlib import Path

import pytest

from participation import cli, demo, mail, store
from participation import db as database
from participation.build import build

from .conftest import AZC, FUND
from .support import ROOT
from .test_circle import join_and_confirm, outbox

SETTINGS = str(ROOT / "pelicanconf.py")
NAME = "Ansje Zwartkop"
ADDRESS = "ansje.zwartkop@example.org"


def point_at(monkeypatch, folder):
    """Environment for `samenplan` (cli.main) with its database, content, output and outbox in folder."""
    folder = Path(folder)
    monkeypatch.setenv("SAMENPLAN_DATABASE", str(folder / "samenplan.db"))
    monkeypatch.setenv("SAMENPLAN_CONTENT", str(folder / "content"))
    monkeypatch.setenv("SAMENPLAN_OUTPUT", str(folder / "output"))
    monkeypatch.setenv("SAMENPLAN_OUTBOX", str(folder / "outbox"))


def database_bytes(settings):
    """The database file and its write-ahead log, as bytes on disk, lower case."""
    path = Path(settings["SAMENPLAN_DATABASE"])
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists()).lower()


def secrets_in(data):
    """Which of the name and the address occur in data (bytes, lower case)."""
    return [s for s in (NAME, ADDRESS, NAME.split()[1]) if s.lower().encode() in data]


# Erase --------------------------------------------------------------------------------------


def test_erase_takes_the_name_off_everything_that_is_theirs(db):
    ans = store.add_member(db, AZC, name="Ans", relation="resident", email="ans@example.org")
    bert = store.add_member(db, AZC, name="Ans", relation="resident")  # another Ans, also in the circle
    store.add_idea(db, AZC, title="Als lid", author_name="Ans", member_id=ans)
    store.add_idea(db, AZC, title="Zonder lid", author_name="  aNS ")
    store.add_question(db, AZC, text="Zonder lid?", author_name="Ans")
    store.add_idea(db, AZC, title="De andere Ans", author_name="Ans", member_id=bert)
    store.add_idea(db, AZC, title="Iemand anders", author_name="Anselm")
    store.add_idea(db, FUND, title="Andere kwestie", author_name="Ans")

    erased = store.erase_details(db, ans)

    assert erased["issue"] == AZC and (erased["name"], erased["email"]) == ("Ans", "ans@example.org")
    assert erased["by_member"] == {"ideas": 1, "questions": 0, "objections": 0}
    assert erased["by_name"] == {"ideas": 1, "questions": 1, "objections": 0}
    authors = {i["title"]: i["author_name"] for i in store.ideas(db, AZC) + store.ideas(db, FUND)}
    assert authors == {"Als lid": None, "Zonder lid": None, "De andere Ans": "Ans", "Iemand anders": "Anselm",
                       "Andere kwestie": "Ans"}
    assert [q["author_name"] for q in store.questions(db, AZC)] == [None]
    # Erasing again finds nothing more, and an unknown member is None, as before.
    again = store.erase_details(db, ans)
    assert sum(again["by_member"].values()) + sum(again["by_name"].values()) == 0
    assert store.erase_member(db, 999) is None


def test_erase_leaves_the_name_and_address_nowhere(send, client, settings, db, monkeypatch, capsys):
    point_at(monkeypatch, Path(settings["SAMENPLAN_DATABASE"]).parent)
    join_and_confirm(send, client, settings, AZC, NAME, ADDRESS)
    assert send(f"/deelnemen/{AZC}/idee", data={"title": "Bankje bij de vijver", "author_name": NAME}).status_code == 303
    assert send(f"/deelnemen/{AZC}/vraag", data={"text": "Wie maait het gras bij de vijver?",
                                                 "author_name": NAME.lower()}).status_code == 303
    assert send(f"/deelnemen/{AZC}/idee", data={"title": "Koffie op zaterdag", "author_name": "Bert"}).status_code == 303
    mail.send(settings, "bert@example.org", "Iets anders", "Hallo Bert")
    [member_id] = [r[0] for r in db.execute("select id from members where name = ?", [NAME])]
    assert db.execute("select count(*) from ideas where member_id is null and author_name = ?", [NAME]).fetchone() == (1,)
    assert len([m for m in outbox(settings) if m["To"] == ADDRESS]) == 2
    assert secrets_in(database_bytes(settings))  # the test can see them before the erase

    assert cli.main(["--settings", SETTINGS, "erase", f"L{member_id}"]) == 0
    said = capsys.readouterr()
    assert f"Lid {member_id}: naam en e-mailadres weg" in said.out
    assert "als lid geen bijdragen" in said.out
    assert f"met de naam ‘{NAME}’ ondertekend zonder lid te zijn (zelfde kwestie): 1 idee en 1 vraag" in said.out
    assert "2 mails uit de outbox verwijderd" in said.out and not said.err

    # Nothing readable left in the file or the write-ahead log, while another connection is open...
    assert secrets_in(database_bytes(settings)) == []
    audit = db.execute("select username, action, detail from audit_log").fetchall()
    assert audit[-1][1:] == ("erase", f"lid {member_id}")
    assert [row for row in audit if secrets_in(" ".join(map(str, row)).lower().encode())] == []
    assert store.pending_changes(db)[1] == {AZC}  # the kwestie's pages are rebuilt
    # ...nor on the site, nor in the outbox (the other mail stays).
    build(settings)
    output = Path(settings["OUTPUT_PATH"])
    assert "Bankje bij de vijver" in (output / "kwesties" / AZC / "index.html").read_text(encoding="utf-8")
    assert [p for p in output.rglob("*") if p.is_file() and secrets_in(p.read_bytes().lower())] == []
    folder = Path(settings["SAMENPLAN_OUTBOX"])
    assert [p.name for p in folder.glob("*.eml") if secrets_in(p.read_bytes().lower())] == []
    assert [m["To"] for m in outbox(settings)] == ["bert@example.org"]
    # ...nor after every connection is closed.
    db.close()
    assert secrets_in(database_bytes(settings)) == []


def test_erase_of_an_unknown_member_exits_1(settings, monkeypatch, capsys):
    point_at(monkeypatch, Path(settings["SAMENPLAN_DATABASE"]).parent)
    assert cli.main(["--settings", SETTINGS, "erase", "L999"]) == 1
    assert "Lid 999 bestaat niet" in capsys.readouterr().err


# Backup and restore -------------------------------------------------------------------------


@pytest.fixture
def demo_db(settings, db):
    """The demo's circles, and the hashes of the demo's plan files recorded."""
    assert demo.seed(db, settings)
    return db


def make_backup(monkeypatch, settings, dest):
    point_at(monkeypatch, Path(settings["SAMENPLAN_DATABASE"]).parent)
    return cli.main(["--settings", SETTINGS, "backup", str(dest)])


def test_backup_under_write_load_restores_every_acknowledged_idea(settings, demo_db, tmp_path, monkeypatch,
                                                                   capsys):
    acknowledged, errors, stop = [], [], threading.Event()

    def add_ideas():
        writer = database.connect(settings["SAMENPLAN_DATABASE"])
        try:
            n = 0
            while not stop.is_set():
                n += 1
                store.add_idea(writer, AZC, title=f"Belasting {n}")
                acknowledged.append(f"Belasting {n}")  # add_idea returned: committed
                # A pause between writes, as between requests: a loop that takes the write lock again
                # the instant it lets go starves the backup's BEGIN IMMEDIATE on a loaded machine,
                # and the backup then gives up after the busy timeout (exit 1, nothing lost).
                time.sleep(0.002)
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            writer.close()

    thread = threading.Thread(target=add_ideas)
    thread.start()
    try:
        while len(acknowledged) < 30 and thread.is_alive():
            time.sleep(0.01)
        before = list(acknowledged)
        assert make_backup(monkeypatch, settings, tmp_path / "backup") == 0
        after = len(acknowledged)
        while len(acknowledged) < after + 10 and thread.is_alive():  # writers go on after the backup
            time.sleep(0.01)
    finally:
        stop.set()
        thread.join()
    assert not errors and len(before) >= 30
    assert "Backup gemaakt in" in capsys.readouterr().out
    assert {"samenplan.db", "manifest.json", "content"} <= {p.name for p in (tmp_path / "backup").iterdir()}

    fresh = tmp_path / "elders"
    point_at(monkeypatch, fresh)
    assert cli.main(["--settings", SETTINGS, "restore", str(tmp_path / "backup")]) == 0
    assert "Hersteld uit" in capsys.readouterr().out
    assert cli.main(["--settings", SETTINGS, "plan", "verify"]) == 0
    restored = database.connect(fresh / "samenplan.db")
    try:
        titles = {r[0] for r in restored.execute("select title from ideas where title like 'Belasting %'")}
    finally:
        restored.close()
    assert set(before) <= titles
    assert titles <= set(acknowledged)
    assert (fresh / "content" / "kwesties" / FUND / "plan" / "0006.yaml").read_bytes() == (
        Path(settings["PATH"]) / "kwesties" / FUND / "plan" / "0006.yaml").read_bytes()

    # Over an existing database only with --force; the content that was there is kept aside.
    assert cli.main(["--settings", SETTINGS, "restore", str(tmp_path / "backup")]) == 1
    assert "bestaat al" in capsys.readouterr().err
    assert cli.main(["--settings", SETTINGS, "restore", "--force", str(tmp_path / "backup")]) == 0
    assert "bewaard in" in capsys.readouterr().out
    assert cli.main(["--settings", SETTINGS, "plan", "verify"]) == 0


def damage_db(backup):
    path = backup / "samenplan.db"
    data = bytearray(path.read_bytes())
    data[0:16] = b"X" * 16  # the header: no longer an SQLite file
    path.write_bytes(bytes(data))


def damage_plan(backup):
    path = backup / "content" / "kwesties" / FUND / "plan" / "0006.yaml"
    path.write_bytes(path.read_bytes().replace(b"issue:", b"issue:  ", 1))


def rehash(backup, name):
    """Make the manifest agree with the damage, so the next check has to find it."""
    import json

    from participation.backup import sha256

    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["files"][name] = sha256(backup / name)
    (backup / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize("damage, name, reason", [
    (damage_db, None, "samenplan.db is veranderd na de backup"),
    (damage_plan, None, "0006.yaml is veranderd na de backup"),
    (damage_db, "samenplan.db", "samenplan.db is beschadigd"),
    (damage_plan, f"content/kwesties/{FUND}/plan/0006.yaml", f"Plan van {FUND} klopt niet"),
], ids=["db-bytes", "plan-file", "db-integrity", "plan-chain"])
def test_a_damaged_backup_is_refused(settings, demo_db, tmp_path, monkeypatch, capsys, damage, name, reason):
    backup = tmp_path / "backup"
    assert make_backup(monkeypatch, settings, backup) == 0
    damage(backup)
    if name:
        rehash(backup, name)
    fresh = tmp_path / "elders"
    point_at(monkeypatch, fresh)
    capsys.readouterr()
    assert cli.main(["--settings", SETTINGS, "restore", str(backup)]) == 1
    err = capsys.readouterr().err
    assert "niet hersteld" in err and reason in err, err
    assert not fresh.exists()  # nothing was put in place


def test_restore_refuses_what_is_not_a_backup(settings, tmp_path, monkeypatch, capsys):
    point_at(monkeypatch, tmp_path / "elders")
    (tmp_path / "leeg").mkdir()
    assert cli.main(["--settings", SETTINGS, "restore", str(tmp_path / "leeg")]) == 1
    assert "manifest.json ontbreekt" in capsys.readouterr().err


def test_backup_refuses_a_folder_that_holds_a_backup(settings, demo_db, tmp_path, monkeypatch, capsys):
    assert make_backup(monkeypatch, settings, tmp_path / "backup") == 0
    assert make_backup(monkeypatch, settings, tmp_path / "backup") == 1
    assert "staat al een backup" in capsys.readouterr().err
