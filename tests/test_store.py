"""The store: plain functions over SQLite, safe with several writers at once."""

import threading

from participation import db as database
from participation import store

from .conftest import AZC


def test_database_is_in_wal_mode_with_schema(db):
    assert db.journal_mode == "wal"
    assert {"members", "ideas", "site_changes"} <= set(db.table_names())


def test_concurrent_writers_wait_instead_of_failing(settings):
    """Four connections adding ideas at once: none fails, numbers stay unique."""
    errors = []

    def add_ideas(worker):
        connection = None
        try:
            connection = database.connect(settings["SAMENPLAN_DATABASE"])
            for n in range(25):
                store.add_idea(connection, AZC, title=f"Idee {worker}-{n}")
        except Exception as error:  # collected, so the test can show it
            errors.append(error)
        finally:
            if connection:
                connection.close()

    threads = [threading.Thread(target=add_ideas, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db = database.connect(settings["SAMENPLAN_DATABASE"])
    assert [i["number"] for i in store.ideas(db, AZC)] == list(range(1, 101))


def test_a_failed_write_leaves_nothing_behind(db):
    try:
        with database.write(db):
            db["ideas"].insert({"issue": AZC, "number": 1, "title": "Half", "channel": "web", "created_at": database.now()})
            raise RuntimeError("crash halfway")
    except RuntimeError:
        pass
    assert store.idea_count(db, AZC) == 0


def test_circle_counts_by_relation(db):
    for name, relation in [("A", "resident"), ("B", "resident"), ("C", "newcomer")]:
        store.add_member(db, AZC, name=name, relation=relation)
    assert store.circle(db, AZC) == {"resident": 2, "newcomer": 1}
    assert store.circle_sizes(db, [AZC, "leeg"]) == {AZC: 3, "leeg": 0}


def test_nested_writes_are_one_transaction(db):
    try:
        with database.write(db):
            store.add_idea(db, AZC, title="Eerste")
            store.add_question(db, AZC, text="Tweede")
            raise RuntimeError("the second half fails")
    except RuntimeError:
        pass
    assert store.idea_count(db, AZC) == 0 and store.questions(db, AZC) == []


def test_a_database_from_before_english_keys_is_migrated_once(tmp_path):
    """Channels and relations used to be stored in Dutch; connect() renames them, once."""
    path = tmp_path / "oud.db"
    db = database.connect(path)
    db.execute("PRAGMA user_version = 0")  # as a database made before the migration
    db["members"].insert({"issue": AZC, "name": "Ans", "relation": "buurtbewoner", "channel": "deur",
                          "created_at": database.now()})
    db["members"].insert({"issue": AZC, "name": "Cor", "relation": "anders", "relation_other": "sportclub",
                          "channel": "web", "created_at": database.now()})
    db["ideas"].insert({"issue": AZC, "number": 1, "title": "Bankje", "channel": "papier", "created_at": database.now()})
    db["questions"].insert({"issue": AZC, "number": 1, "text": "Wanneer?", "channel": "bijeenkomst",
                            "created_at": database.now()})
    db.close()

    db = database.connect(path)
    assert [(m["relation"], m["channel"]) for m in db["members"].rows] == [("resident", "door"), ("other", "web")]
    assert store.ideas(db, AZC)[0]["channel"] == "paper"
    assert store.questions(db, AZC)[0]["channel"] == "meeting"
    assert store.circle(db, AZC) == {"other": 1, "resident": 1}
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(database.MIGRATIONS)
    # Once applied it is not run again: a value written now is left alone.
    db.execute("update members set relation = 'buurtbewoner' where name = 'Ans'")
    db.close()
    assert database.connect(path)["members"].get(1)["relation"] == "buurtbewoner"
