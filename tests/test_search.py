"""Search (issue 18): what the site shows can be found, and nothing else; whatever is typed
gets results or an empty list.

The index lives in the same SQLite file and is kept by triggers, so these tests store through
the same functions the forms use, then search.
"""

import datetime
import re
import sqlite3

import pytest

from participation import meetings, search, store
from participation import db as database
from participation.cli import main
from participation.issues import load_public_issues

from .conftest import AZC, FUND, write_issue


@pytest.fixture
def indexed(settings, db):
    """The demo's kwesties indexed, as the site build does."""
    search.index_issues(db, load_public_issues(settings))
    return db


def found(db, query, **kwargs):
    """(kind, kwestie, number) of every result, best first."""
    return [(r["kind"], r["issue"], r["number"]) for r in search.search(db, query, **kwargs)["results"]]


# What is found ----------------------------------------------------------------------------


def test_an_idea_is_found_by_the_start_of_a_word_without_its_accents(indexed):
    number = store.add_idea(indexed, AZC, title="Een speeltuin naast het café", body="Met schommels en een zandbak")
    assert ("idea", AZC, number) in found(indexed, "speel")
    assert ("idea", AZC, number) in found(indexed, "cafe")
    assert ("idea", AZC, number) in found(indexed, "CAFÉ zandb")


def test_the_match_is_marked_and_the_rest_escaped(indexed):
    store.add_idea(indexed, AZC, title="<b>Speeltuin</b> & meer", body="Een plek om te <i>spelen</i> voor iedereen")
    result = search.search(indexed, "spelen", kwestie=AZC)["results"][0]
    assert str(result["snippet"]) == "Een plek om te &lt;i&gt;<mark>spelen</mark>&lt;/i&gt; voor iedereen"
    assert str(result["title"]) == "&lt;b&gt;Speeltuin&lt;/b&gt; &amp; meer"


def test_the_words_found_are_marked_as_the_index_matched_them():
    assert str(search.highlight("Het Café en de cafetaria", [search.fold("CAFE")])) == \
        "Het <mark>Café</mark> en de <mark>cafetaria</mark>"
    assert str(search.highlight("a b ab", ["a"])) == "<mark>a</mark> b ab"  # one letter: the whole word


def test_a_snippet_is_the_text_around_the_first_match():
    text = " ".join(f"woord{i}" for i in range(100)) + " speeltuin " + " ".join(f"w{i}" for i in range(100))
    snippet = str(search.snippet(text, ["speel"], size=10))
    assert snippet.startswith("…woord98 woord99 <mark>speeltuin</mark> w0") and snippet.endswith("w6…")
    assert str(search.snippet("Kort en goed", ["x"])) == "Kort en goed"  # no match: the start, all of it


def test_a_question_is_found_by_its_answer(indexed):
    number = store.add_question(indexed, AZC, text="Hoeveel mensen komen er wonen?")
    user = indexed["users"].insert({"username": "wijkagent", "display_name": "Wijkagent", "role": "professional",
                                    "password_hash": "x", "created_at": database.now()}).last_pk
    assert ("question", AZC, number) not in found(indexed, "zevenendertig")
    store.add_answer(indexed, AZC, number, user_id=user, text="Het gaat om zevenendertig mensen.")
    assert found(indexed, "zevenendertig") == [("question", AZC, number)]


def test_agreements_meetings_and_the_kwestie_itself_are_found(settings, indexed, proposing):
    search.index_issues(indexed, load_public_issues(settings))
    assert ("agreement", proposing, 1) in found(indexed, "koffieochtend", kwestie=proposing)
    meeting = meetings.record_past(indexed, AZC, held_on=datetime.date(2026, 11, 2), place="Buurthuis",
                                   attendance={"resident": 12}, account="We spraken over de fietsenstalling.")
    assert ("meeting", AZC, meeting) in found(indexed, "fietsenstalling")
    assert ("kwestie", AZC, None) in found(indexed, "zwaan")


def test_a_kwestie_no_longer_public_is_not_searched(settings, indexed):
    store.add_idea(indexed, AZC, title="Taalcafé op woensdag")
    assert found(indexed, "taalcafe")
    write_issue(settings, AZC, phase="draft", title="Concept")
    search.index_issues(indexed, load_public_issues(settings))
    assert AZC not in search.public_issues(indexed)
    assert found(indexed, "taalcafe") == []


def test_a_changed_kwestie_text_is_indexed_again_and_an_unchanged_one_is_not(settings, indexed):
    write_issue(settings, "nieuw-plein", title="Een nieuw plein bij de kerk")
    search.index_issues(indexed, load_public_issues(settings))
    assert ("kwestie", "nieuw-plein", None) in found(indexed, "kerk")
    rowid = indexed.execute("select rowid from search where issue = 'nieuw-plein'").fetchone()[0]
    search.index_issues(indexed, load_public_issues(settings))
    assert indexed.execute("select rowid from search where issue = 'nieuw-plein'").fetchone()[0] == rowid
    write_issue(settings, "nieuw-plein", title="Een nieuw plein bij de molen")
    search.index_issues(indexed, load_public_issues(settings))
    assert found(indexed, "kerk") == [] and ("kwestie", "nieuw-plein", None) in found(indexed, "molen")


# What is not found -------------------------------------------------------------------------


def test_a_hidden_idea_is_not_found_by_its_text_and_comes_back_when_shown_again(indexed):
    number = store.add_idea(indexed, AZC, title="Iets met scheldwoorden", body="grofheid")
    store.set_hidden(indexed, "ideas", AZC, number, reason="Kwetsend")
    assert found(indexed, "grofheid") == [] and found(indexed, "scheldwoorden") == []
    store.set_hidden(indexed, "ideas", AZC, number)
    assert found(indexed, "grofheid") == [("idea", AZC, number)]


def test_a_withdrawn_question_is_not_found(settings, indexed):
    azc = next(issue for issue in load_public_issues(settings) if issue.slug == AZC)
    member = store.add_member(indexed, AZC, name="Fleur", relation="resident")
    number = store.add_question(indexed, AZC, text="Komt er een hek om het terrein?", member_id=member)
    store.withdraw_contribution(indexed, azc, "questions", number, member)
    assert found(indexed, "terrein") == []


def test_erasing_a_person_takes_their_name_out_of_the_index_and_its_file(settings, indexed):
    member = store.add_member(indexed, AZC, name="Wubbolt Zuidhoek", relation="resident")
    store.add_idea(indexed, AZC, title="Een moestuin", author_name="Wubbolt Zuidhoek", member_id=member)
    store.add_idea(indexed, AZC, title="Een bankje", author_name="Wubbolt Zuidhoek")  # signed, not as member
    assert len(found(indexed, "wubbolt")) == 2
    store.erase_member(indexed, member)
    assert found(indexed, "wubbolt") == [] and found(indexed, "moestuin")
    # Not only unreachable: gone from the file (a term in the index is stored as the part after
    # the prefix it shares with the term before it, so look for the name's ends).
    indexed.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    stored = open(settings["SAMENPLAN_DATABASE"], "rb").read().lower()
    assert b"bbolt" not in stored and b"uidhoek" not in stored


def test_a_name_taken_off_one_contribution_leaves_the_index_file(settings, indexed):
    number = store.add_idea(indexed, AZC, title="Een pannakoekenfeest", author_name="Hiske Oosterwolde")
    assert found(indexed, "oosterwolde") == [("idea", AZC, number)]
    store.remove_name(indexed, "ideas", AZC, number)
    assert found(indexed, "oosterwolde") == [] and found(indexed, "pannakoekenfeest")
    indexed.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert b"terwolde" not in open(settings["SAMENPLAN_DATABASE"], "rb").read().lower()


def test_another_kwestie_is_left_out_when_one_is_asked_for(indexed):
    store.add_idea(indexed, AZC, title="Fietsenrek")
    store.add_idea(indexed, FUND, title="Fietsenrek bij de school")
    assert {k for _, k, _ in found(indexed, "fietsenrek")} == {AZC, FUND}
    assert {k for _, k, _ in found(indexed, "fietsenrek", kwestie=FUND)} == {FUND}


# Whatever is typed ------------------------------------------------------------------------

ODD = ['"', '""', '"speel', "speel*", "*", "NOT", "speel NOT", "AND OR", "(", "a OR (b", "NEAR(a b)",
       "title:speel", "^speel", "-speel", "speel + tuin", "🙂", "\x00", "\u202e", "e\u0301", "ｓｐｅｅｌ",
       "ﷺ", "𝔰𝔭𝔢𝔢𝔩", "x" * 5000, " ".join(["woord"] * 50), "'; drop table ideas; --", "\\", "%", "_"]


@pytest.mark.parametrize("query", ODD)
def test_any_query_gives_results_or_an_empty_list(indexed, query):
    store.add_idea(indexed, AZC, title="Speeltuin", body="Een tuin om te spelen, woord")
    result = search.search(indexed, query)
    assert isinstance(result["results"], list) and result["total"] == len(result["results"])


def test_words_are_quoted_so_operators_are_words(indexed):
    number = store.add_idea(indexed, AZC, title="Nota: niet zonder overleg")
    assert search.match_expression(search.words('speel" OR (tuin')) == '{title body author} : ("speel"* "OR"* "tuin"*)'
    # As an operator NOT would leave this idea out (it has "niet"); as a word it finds "Nota".
    assert found(indexed, "overleg NOT niet") == [("idea", AZC, number)]


def test_when_no_row_has_every_word_rows_with_any_are_shown_and_said(indexed):
    a = store.add_idea(indexed, AZC, title="Een speeltuin")
    b = store.add_idea(indexed, AZC, title="Een moestuin")
    result = search.search(indexed, "speeltuin moestuin", kwestie=AZC)
    assert result["any_word"] and {r["number"] for r in result["results"]} == {a, b}


# Order and pages --------------------------------------------------------------------------


def test_the_ideas_of_one_kwestie_newest_first_without_words(indexed):
    numbers = [store.add_idea(indexed, AZC, title=f"Idee {i}") for i in range(3)]
    result = search.search(indexed, "", kwestie=AZC, kind="idea", order="nieuw")
    existing = [r["number"] for r in result["results"]]
    assert existing[:3] == numbers[::-1]


def test_most_discussed_puts_the_idea_the_plan_took_up_first(settings, indexed, proposing):
    search.index_issues(indexed, load_public_issues(settings))
    plain = store.add_idea(indexed, proposing, title="Een bankje bij de bushalte")
    taken = store.add_idea(indexed, proposing, title="Een bankje bij de kerk")
    store.add_agreement(indexed, proposing, what="Twee bankjes", from_ideas=[taken])
    result = search.search(indexed, "bankje", kwestie=proposing, kind="idea", order="besproken")
    assert [r["number"] for r in result["results"]] == [taken, plain]
    assert result["results"][0]["discussed"] == 1


def test_results_come_a_page_at_a_time(indexed):
    for i in range(25):
        store.add_idea(indexed, AZC, title=f"Bloembak {i}")
    first = search.search(indexed, "bloembak", kwestie=AZC, per_page=10)
    last = search.search(indexed, "bloembak", kwestie=AZC, per_page=10, page=99)
    assert (first["total"], first["pages"], len(first["results"])) == (25, 3, 10)
    assert (last["page"], len(last["results"])) == (3, 5)
    seen = {r["number"] for p in (1, 2, 3) for r in search.search(indexed, "bloembak", kwestie=AZC, per_page=10,
                                                                     page=p)["results"]}
    assert len(seen) == 25


def test_the_page_of_an_idea_on_the_ideas_pages():
    assert [search.page_of(n, 50) for n in (1, 50, 51, 100, 101)] == [1, 1, 2, 2, 3]


# The index is kept, and can be made again ---------------------------------------------------


def test_the_command_fills_an_emptied_index_again(settings, indexed, monkeypatch, capsys):
    store.add_idea(indexed, AZC, title="Jeu de boules baan")
    assert search.catch_up(indexed) == 1  # what a search or a rebuild does first
    before = indexed.execute("select count(*) from search").fetchone()[0]
    indexed.execute("delete from search")
    indexed.execute("delete from search_kwesties")
    assert found(indexed, "boules") == []
    monkeypatch.setenv("SAMENPLAN_CONTENT", settings["PATH"])
    monkeypatch.setenv("SAMENPLAN_DATABASE", settings["SAMENPLAN_DATABASE"])
    main(["search-index"])
    assert f"{before} items" in capsys.readouterr().out
    assert found(indexed, "boules") == [("idea", AZC, store.idea_count(indexed, AZC))]


def test_a_database_from_before_search_gets_its_rows_indexed(tmp_path):
    path = tmp_path / "oud.db"
    old = sqlite3.connect(path)
    old.execute("create table ideas (id integer primary key, issue text not null, number integer not null, "
                "title text not null, body text, channel text not null, created_at text not null)")
    old.execute("insert into ideas (issue, number, title, channel, created_at) "
                "values ('azc', 1, 'Een speelveldje', 'web', '2026-01-01T10:00:00+00:00')")
    old.commit()
    old.close()
    db = database.connect(path)
    db.execute("insert into search_kwesties (slug, digest) values ('azc', 'x')")
    assert found(db, "speelveld") == [("idea", "azc", 1)]


def test_new_ideas_and_questions_are_indexed_in_one_batch_and_a_changed_one_once(indexed):
    """No trigger on a new idea (FTS5 would write a segment for each); the next search, or the
    next rebuild, indexes all that came in since, hidden ones left out."""
    first = store.add_idea(indexed, AZC, title="Wadlopen met de kring")
    hidden = store.add_idea(indexed, AZC, title="Wadlopen en schelden")
    store.set_hidden(indexed, "ideas", AZC, hidden, reason="Kwetsend")
    changed = store.add_question(indexed, AZC, text="Mag de hond mee met wadlopen?")
    indexed.execute("update questions set text = 'Mag de hond mee wadlopen?' where number = ?", [changed])
    assert indexed.execute("select count(*) from search where search match 'wadlopen'").fetchone() == (1,)
    assert search.catch_up(indexed) == 2 and search.catch_up(indexed) == 0
    assert sorted(found(indexed, "wadlopen")) == [("idea", AZC, first), ("question", AZC, changed)]


def test_a_failed_store_leaves_the_index_as_it_was(indexed):
    with pytest.raises(RuntimeError):
        with database.write(indexed):
            store.add_idea(indexed, AZC, title="Halverwege afgebroken")
            raise RuntimeError
    assert found(indexed, "halverwege") == []


# /zoeken/ ----------------------------------------------------------------------------------


def test_the_search_page_groups_results_by_kwestie_and_links_to_the_static_pages(settings, indexed, client):
    idea = store.add_idea(indexed, AZC, title="Een speeltuin voor iedereen")
    store.add_idea(indexed, FUND, title="Speeltuin bij de school")
    page = client.get("/zoeken/?q=speeltuin")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    headings = re.findall(r'<h3><a href="/kwesties/([^/]+)/"', html)
    assert set(headings) == {AZC, FUND} and len(headings) == 2
    assert f'href="/kwesties/{AZC}/ideeen/#I{idea}"' in html
    assert "<mark>speeltuin</mark>" in html


def test_the_search_page_in_english_links_to_english_pages(indexed, client):
    idea = store.add_idea(indexed, AZC, title="Speeltuin")
    html = client.get("/en/zoeken/?q=speeltuin").get_data(as_text=True)
    assert '<html lang="en"' in html and f'href="/en/kwesties/{AZC}/ideeen/#I{idea}"' in html


def test_an_idea_on_a_later_page_links_to_that_page(settings, indexed, client):
    per_page = settings["SAMENPLAN_IDEAS_PER_PAGE"]
    for i in range(per_page + 1):
        store.add_idea(indexed, FUND, title=f"Lantaarnpaal {i}")
    last = store.ideas(indexed, FUND)[-1]["number"]
    html = client.get(f"/zoeken/?q=lantaarnpaal&kwestie={FUND}&volgorde=nieuw").get_data(as_text=True)
    assert f'href="/kwesties/{FUND}/ideeen/{search.page_of(last, per_page)}/#I{last}"' in html


@pytest.mark.parametrize("query", ["q=%22", "q=a+OR+(", "q=%00", "pagina=abc&q=speel", "pagina=99999999999&q=x",
                                   "soort=onzin&q=speel", "kwestie=../../etc&q=speel", "volgorde=drop&q=speel",
                                   "q=" + "%F0%9F%99%82" * 300, "q=%ED%A0%80", "kwestie=&soort=idee"])
def test_odd_addresses_get_a_page_never_a_500(indexed, client, query):
    page = client.get(f"/zoeken/?{query}")
    assert page.status_code == 200 and "<h1>Zoeken</h1>" in page.get_data(as_text=True)


def test_every_page_has_a_search_form_and_printed_pages_do_not(settings, db, client):
    from participation.build import build

    store.add_idea(db, AZC, title="Een idee, zodat er een ideeënpagina is")
    html = client.get(f"/deelnemen/{AZC}/idee").get_data(as_text=True)
    assert 'action="/zoeken/"' in html and 'role="search"' in html
    build(settings)
    output = settings["OUTPUT_PATH"]
    for page in ("index.html", f"kwesties/{AZC}/index.html", f"kwesties/{AZC}/ideeen/index.html", "besluiten/index.html",
                 "en/index.html"):
        assert '/zoeken/" role="search"' in open(f"{output}/{page}", encoding="utf-8").read(), page
    for printed in ("poster", "papier", "uitnodiging"):
        assert "zoeken" not in open(f"{output}/kwesties/{AZC}/{printed}/index.html", encoding="utf-8").read()
    ideas_page = open(f"{output}/kwesties/{AZC}/ideeen/index.html", encoding="utf-8").read()
    assert f'name="kwestie" value="{AZC}"' in ideas_page and 'value="besproken"' in ideas_page


# The build and the rebuild worker index the kwesties --------------------------------------


def test_the_build_indexes_the_kwesties_and_the_worker_a_changed_or_withdrawn_one(settings, db):
    from participation.build import build
    from participation.rebuild import Rebuilder

    build(settings)
    assert set(search.public_issues(db)) == {i.slug for i in load_public_issues(settings)}
    rebuilder = Rebuilder(settings)
    azc_file = settings["PATH"] + f"/kwesties/{AZC}/kwestie.md"
    text = open(azc_file, encoding="utf-8").read()
    with open(azc_file, "w", encoding="utf-8") as file:  # the coordinator's text editor does this
        file.write(text.replace("Summary: ", "Summary: Nu ook over de fietsbrug. "))
    store.mark_changed(db, AZC)
    rebuilder.rebuild_pending()
    assert ("kwestie", AZC, None) in found(db, "fietsbrug")
    with open(azc_file, "w", encoding="utf-8") as file:
        file.write(text.replace("Phase: open", "Phase: draft"))
    store.mark_changed(db, AZC)
    rebuilder.rebuild_pending()
    assert AZC not in search.public_issues(db) and found(db, "fietsbrug") == []


def test_with_more_found_than_the_window_the_agreements_and_newest_ideas_are_ranked(indexed, proposing,
                                                                                      settings, monkeypatch):
    search.index_issues(indexed, load_public_issues(settings))
    monkeypatch.setattr(search, "RANK_WINDOW", 5)
    ideas = [store.add_idea(indexed, proposing, title=f"Tegels in straat {i}") for i in range(10)]
    store.add_agreement(indexed, proposing, what="Nieuwe tegels")
    result = search.search(indexed, "tegels", kwestie=proposing, per_page=3)
    assert result["total"] == 11 and result["pages"] == 2  # all counted, five put in order
    ranked = {(r["kind"], r["number"]) for p in (1, 2) for r in search.search(
        indexed, "tegels", kwestie=proposing, per_page=3, page=p)["results"]}
    assert ranked == {("agreement", 3), *(("idea", n) for n in ideas[-4:])}


def test_one_kind_only(indexed, proposing, settings):
    search.index_issues(indexed, load_public_issues(settings))
    store.add_idea(indexed, proposing, title="Koffieochtend elke week")
    assert {kind for kind, _, _ in found(indexed, "koffieochtend", kwestie=proposing)} == {"idea", "agreement"}
    assert found(indexed, "koffieochtend", kind="agreement") == [("agreement", proposing, 1)]


def test_with_many_kwesties_the_form_lists_none_of_them_but_keeps_the_one_asked_for(indexed, client, monkeypatch):
    from participation.web import zoeken

    assert f'<option value="{FUND}"' in client.get("/zoeken/?q=x").get_data(as_text=True)
    monkeypatch.setattr(zoeken, "LISTED_KWESTIES", 1)
    assert 'name="kwestie"' not in client.get("/zoeken/?q=x").get_data(as_text=True)
    html = client.get(f"/zoeken/?q=x&kwestie={FUND}").get_data(as_text=True)
    assert f'<option value="{FUND}" selected>' in html and f'<option value="{AZC}"' not in html
