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
    for name, relation in [("A", "buurtbewoner"), ("B", "buurtbewoner"), ("C", "nieuwkomer")]:
        store.add_member(db, AZC, name=name, relation=relation)
    assert store.circle(db, AZC) == {"buurtbewoner": 2, "nieuwkomer": 1}
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
