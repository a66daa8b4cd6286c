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


def test_round_answers_from_before_answers_per_agreement_are_migrated(tmp_path):
    """A round's consent used to cover the whole round, an objection named its agreement:
    they become answers per agreement on revision 1; nothing is guessed beyond that."""
    path = tmp_path / "oud.db"
    db = database.connect(path)
    for number in (1, 2):
        store.add_agreement(db, AZC, what=f"Afspraak {number}")
    ans = store.add_member(db, AZC, name="Ans", relation="resident")
    bo = store.add_member(db, AZC, name="Bo", relation="resident")
    store.add_objection(db, AZC, agreement_number=2, reason="Te duur", member_id=bo)
    with database.write(db):
        db.execute("update agreements set revision = null")  # as written before revisions existed
        db.execute("delete from agreement_revisions")
        round_id = db["consent_rounds"].insert({"issue": AZC, "agreements": "[1, 2]", "opened_at": database.now(),
                                                "ends_at": "2999-01-01T00:00:00+00:00"}).last_pk
        db["consent_responses"].create({"id": int, "round_id": int, "member_id": int, "answer": str, "at": str,
                                        "entered_by": int}, pk="id")  # the table as it was
        db["consent_responses"].insert_all([
            {"round_id": round_id, "member_id": ans, "answer": "consent", "at": database.now()},
            {"round_id": round_id, "member_id": bo, "answer": "objection", "at": database.now()}])
    db.execute("PRAGMA user_version = 1")
    db.close()

    db = database.connect(path)
    rows = {(r["member_id"], r["agreement_number"]): (r["answer"], r["revision"]) for r in db["round_answers"].rows}
    assert rows == {(ans, 1): ("consent", 1), (ans, 2): ("consent", 1), (bo, 2): ("objection", 1)}
    assert not db["consent_responses"].exists()
    assert [a["revision"] for a in store.agreements(db, AZC)] == [1, 1]
    assert store.revision(db, AZC, 2, 1)["what"] == "Afspraak 2"
