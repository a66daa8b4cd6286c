"""Incremental rebuilds: same bytes as a full build, only the changed kwestie, its own page first."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from participation import db as database
from participation import store
from participation.build import build
from participation.rebuild import Rebuilder
from participation.site import generator as generator_module
from participation.web import create_app

from .conftest import AZC, FUND, write_issue
from .support import as_person, wait_for

LANGUAGES = ("nl", "en", "ar", "uk", "tr")  # SAMENPLAN_LANGUAGES of pelicanconf.py
LANGUAGE_FOLDERS = ("", "en/", "ar/", "uk/", "tr/")


def units(kind, key):
    """The worker's follow-up units of a kwestie's pages or a list page: one per language."""
    return [(kind, key, lang) for lang in LANGUAGES]


def in_every_language(*pages):
    """An HTML page's paths in every language: Dutch at the root, the others under /<lang>/."""
    return [folder + page for page in pages for folder in LANGUAGE_FOLDERS]


def tree(folder):
    """{relative path: bytes} of every file below folder."""
    folder = Path(folder)
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def small_pages(settings):
    # Small pages so a few contributions cross page boundaries.
    settings.update(SAMENPLAN_IDEAS_PER_PAGE=2, SAMENPLAN_IDEAS_ON_KWESTIE_PAGE=2, SAMENPLAN_KWESTIES_PER_PAGE=1)
    return settings


def test_incremental_rebuilds_equal_a_full_build(small_pages, db, tmp_path):
    settings = small_pages
    write_issue(settings, "extra-kwestie")
    build(settings)
    rebuilder = Rebuilder(settings)

    store.add_member(db, AZC, name="Anna", relation="resident")
    store.add_idea(db, AZC, title="Koffie", author_name="Anna")
    rebuilder.rebuild_pending()
    for n in range(4):
        store.add_idea(db, FUND, title=f"Dorpshuis {n}", body="Met <b>tekst</b>\nen regels")
    store.add_member(db, FUND, name="Bram", relation="other", relation_other="Ik kom hier vaak")
    rebuilder.rebuild_pending()
    # The municipality edits a kwestie while the worker runs: picked up too.
    path = Path(settings["PATH"]) / "kwesties" / AZC / "kwestie.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Title: ", "Title: Nieuw: ", 1), encoding="utf-8")
    os.utime(path, ns=(1, 10**18))
    store.add_idea(db, AZC, title="Na de wijziging")
    rebuilder.rebuild_pending()
    # Then its text in English (kwestie.en.md, as Pelican's translations): the English pages follow.
    (path.parent / "kwestie.en.md").write_text("Title: New: maybe an AZC\nSummary: In English.\n\nThe body.\n",
                                               encoding="utf-8")
    store.add_idea(db, AZC, title="In het Engels")
    rebuilder.rebuild_pending()

    incremental = tree(settings["OUTPUT_PATH"])
    settings["OUTPUT_PATH"] = str(tmp_path / "full")
    build(settings)
    full = tree(settings["OUTPUT_PATH"])
    assert sorted(incremental) == sorted(full)
    different = [name for name in full if full[name] != incremental[name]]
    assert different == [], different
    assert b"Nieuw: " in full[f"kwesties/{AZC}/index.html"]
    assert b"New: maybe an AZC" in full[f"en/kwesties/{AZC}/index.html"]
    for page in in_every_language(f"kwesties/{AZC}/index.html", f"kwesties/{FUND}/plan/index.html", "index.html"):
        assert page in full  # every language was compared


def test_a_rebuild_renders_only_the_changed_kwestie_and_its_home_page(small_pages, db):
    settings = small_pages
    build(settings)
    rebuilder = Rebuilder(settings)
    store.add_idea(db, FUND, title="Speeltuin")
    rendered = rebuilder.rebuild_pending()
    home_page = rebuilder.generator.home_page_of(FUND)
    expected_home = "index.html" if home_page == 1 else f"pagina/{home_page}/index.html"
    assert {f"kwesties/{FUND}/index.html", f"kwesties/{FUND}/ideeen/index.html", f"kwesties/{FUND}/plan/index.html",
            f"kwesties/{FUND}.json", expected_home} <= set(rendered)
    expected_overview = "besluiten/index.html" if home_page == 1 else f"besluiten/{home_page}/index.html"
    assert sorted(p for p in rendered if f"kwesties/{FUND}" not in p) == sorted(
        [*in_every_language(expected_home, expected_overview), f"feeds/{FUND}.atom.xml", "feeds/all.atom.xml",
         "besluiten.csv"])
    assert rebuilder.rebuild_pending() == []  # nothing left to do


def test_a_contribution_from_another_process_reaches_the_site_and_every_page_equals_a_full_build(
        small_pages, tmp_path):
    settings = small_pages
    build(settings)
    # No notify(): the app has no rebuilder, as under gunicorn; the worker sees the commits
    # through PRAGMA data_version on its own connection.
    rebuilder = Rebuilder(settings).start()
    try:
        app = create_app({"TESTING": True}, settings=settings)
        client = app.test_client()
        for n in range(12):
            data = as_person(app.config["SECRET_KEY"], {"title": f"Idee {n}"})
            assert client.post(f"/deelnemen/{(AZC, FUND)[n % 2]}/idee", data=data).status_code == 303
        page = Path(settings["OUTPUT_PATH"]) / "kwesties" / FUND / "index.html"
        assert wait_for(lambda: "Idee 11" in page.read_text(encoding="utf-8"))
        db = database.connect(settings["SAMENPLAN_DATABASE"])
        assert wait_for(lambda: not rebuilder.generator.follow_up and store.pending_changes(db) == (None, set()))
        # Fewer rounds than ideas would show coalescing, but the test client can be slower than
        # a round; what must hold is that every idea arrived and nothing was rendered twice over.
        assert 1 <= rebuilder.rebuilds <= 12
    finally:
        rebuilder.stop()
    incremental = tree(settings["OUTPUT_PATH"])
    settings["OUTPUT_PATH"] = str(tmp_path / "full")
    build(settings)
    assert incremental == tree(settings["OUTPUT_PATH"])


def test_the_kwestie_page_comes_first_and_the_rest_follows(small_pages, db, tmp_path):
    settings = small_pages
    build(settings)
    rebuilder = Rebuilder(settings)
    store.add_idea(db, FUND, title="Een bankje bij de brug")
    assert rebuilder.rebuild_first() == in_every_language(f"kwesties/{FUND}/index.html")
    output = Path(settings["OUTPUT_PATH"])
    assert "Een bankje bij de brug" in (output / "kwesties" / FUND / "index.html").read_text(encoding="utf-8")
    assert "Een bankje bij de brug" not in (output / f"kwesties/{FUND}.csv").read_text(encoding="utf-8-sig")
    generator = rebuilder.generator
    home_page = generator.home_page_of(FUND)
    assert list(generator.follow_up) == [*units("kwestie", FUND), *units("lists", home_page), ("site",)]
    # The site-wide files wait while other work is queued.
    store.add_idea(db, AZC, title="Koffie")
    rebuilder.rebuild_first()
    order = []
    while generator.follow_up:
        unit = next(u for u in generator.follow_up if u != ("site",)) if len(generator.follow_up) > 1 else ("site",)
        generator.write_next(rebuilder.db)
        order.append(unit)
    assert order[-1] == ("site",) and order.count(("site",)) == 1
    assert "Een bankje bij de brug" in (output / f"kwesties/{FUND}.csv").read_text(encoding="utf-8-sig")


def test_a_worker_stopped_half_way_leaves_the_changes_for_the_next_one(small_pages, db, tmp_path):
    settings = small_pages
    build(settings)
    store.add_idea(db, FUND, title="Een bankje bij de brug")
    first = Rebuilder(settings)
    first.rebuild_first()
    first.step()  # one follow-up unit, then it stops (a crash, a deploy)
    assert first.generator.follow_up
    assert store.pending_changes(db)[1] == {FUND}
    second = Rebuilder(settings)
    second.rebuild_pending()
    assert store.pending_changes(db) == (None, set())
    incremental = tree(settings["OUTPUT_PATH"])
    settings["OUTPUT_PATH"] = str(tmp_path / "full")
    build(settings)
    assert incremental == tree(settings["OUTPUT_PATH"])


def test_change_ids_are_never_handed_out_twice(db):
    store.mark_changed(db, AZC)
    last, _ = store.pending_changes(db)
    store.clear_changes(db, last)
    store.mark_changed(db, FUND)  # without AUTOINCREMENT this would get `last` again
    assert store.pending_changes(db, after=last) == (last + 1, {FUND})


def test_a_failed_rebuild_is_retried_and_loses_nothing(settings, db):
    build(settings)
    folder = Path(settings["OUTPUT_PATH"]) / "kwesties" / AZC
    shutil.rmtree(folder)
    folder.write_text("not a folder")  # a real error: the page cannot be written
    rebuilder = Rebuilder(settings, max_backoff=0.2).start()
    try:
        app = create_app({"TESTING": True}, settings=settings, rebuilder=rebuilder)
        data = as_person(app.config["SECRET_KEY"], {"title": "Blijft bewaard"})
        response = app.test_client().post(f"/deelnemen/{AZC}/idee", data=data)
        assert response.status_code == 303  # the resident never sees the failure
        assert wait_for(lambda: rebuilder.failures >= 1)
        assert store.ideas(db, AZC)[0]["title"] == "Blijft bewaard"
        assert store.pending_changes(db)[1] == {AZC}
        folder.unlink()  # the problem is fixed; the next retry succeeds
        assert wait_for(lambda: (folder / "index.html").is_file()
                        and "Blijft bewaard" in (folder / "index.html").read_text(encoding="utf-8"))
        assert wait_for(lambda: store.pending_changes(db) == (None, set()))
    finally:
        rebuilder.stop()


def test_a_kwestie_saved_with_a_mistake_does_not_hold_up_the_others(settings, db):
    build(settings)
    rebuilder = Rebuilder(settings)
    azc_file = Path(settings["PATH"]) / "kwesties" / AZC / "kwestie.md"
    good = azc_file.read_text(encoding="utf-8")
    azc_file.write_text(good.replace("Phase: open", "Phase: misschien"), encoding="utf-8")
    store.add_idea(db, AZC, title="Stond er al voor de fout")  # stored before the file broke
    store.add_idea(db, FUND, title="Een nieuw bankje")
    rebuilder.rebuild_pending()  # does not raise: AZC keeps its pages, FUND goes on
    output = Path(settings["OUTPUT_PATH"]) / "kwesties"
    assert "Een nieuw bankje" in (output / FUND / "index.html").read_text(encoding="utf-8")
    azc_page = (output / AZC / "index.html").read_text(encoding="utf-8")
    assert "Stond er al voor de fout" in azc_page and "We willen samen een plan maken" in azc_page
    assert store.pending_changes(db) == (None, set())
    # Fixed: the next change reads the file again.
    azc_file.write_text(good.replace("Summary: ", "Summary: Nieuw. "), encoding="utf-8")
    store.add_idea(db, AZC, title="Na de reparatie")
    rebuilder.rebuild_pending()
    assert "Nieuw." in (Path(settings["OUTPUT_PATH"]) / "index.html").read_text(encoding="utf-8")


def test_a_new_idea_renders_the_first_and_last_idea_pages_and_a_hidden_one_its_own(small_pages, db, tmp_path):
    settings = small_pages  # two ideas a page
    build(settings)
    rebuilder = Rebuilder(settings)
    for n in range(5):
        store.add_idea(db, FUND, title=f"Idee {n}")
    rebuilder.rebuild_pending()  # the worker has rendered every page once
    writer = rebuilder.generator.site_writer
    written = []
    original = writer._write
    writer._write = lambda name, data, context: written.append(name) or original(name, data, context)
    ideas = f"kwesties/{FUND}/ideeen"

    store.add_idea(db, FUND, title="Idee 5")  # lands on page 3, and page 1 gives the total
    rebuilder.rebuild_pending()
    assert sorted(n for n in written if n.startswith(ideas)) == [f"{ideas}/3/index.html", f"{ideas}/index.html"]

    written.clear()
    store.set_hidden(db, "ideas", FUND, 3, reason="Persoonlijke gegevens")  # on page 2
    rebuilder.rebuild_pending()
    assert sorted(n for n in written if n.startswith(ideas)) == [f"{ideas}/2/index.html"]

    incremental = tree(settings["OUTPUT_PATH"])
    settings["OUTPUT_PATH"] = str(tmp_path / "full")
    build(settings)
    assert incremental == tree(settings["OUTPUT_PATH"])
    assert "6 ideeën, het oudste eerst." in incremental[f"{ideas}/index.html"].decode("utf-8")
    assert "Het oudste eerst. Pagina 2 van 3." in incremental[f"{ideas}/2/index.html"].decode("utf-8")


def test_the_worker_command_sees_other_processes_commits_and_stops_on_sigterm(settings, db):
    """`samenplan worker` as in production: a separate process, at a lower priority than the
    web workers, learning of commits from this process; SIGTERM stops it between files."""
    build(settings)
    env = dict(os.environ, SAMENPLAN_DATABASE=settings["SAMENPLAN_DATABASE"],
               SAMENPLAN_OUTPUT=settings["OUTPUT_PATH"], SAMENPLAN_CONTENT=settings["PATH"])
    worker = subprocess.Popen([str(Path(sys.executable).parent / "samenplan"), "worker"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert worker.stdout.readline().startswith("samenplan: rebuild worker draait")
        assert os.getpriority(os.PRIO_PROCESS, worker.pid) == os.getpriority(os.PRIO_PROCESS, 0) + 10
        store.add_idea(db, AZC, title="Uit een ander proces")
        page = Path(settings["OUTPUT_PATH"]) / "kwesties" / AZC / "index.html"
        assert wait_for(lambda: "Uit een ander proces" in page.read_text(encoding="utf-8"))
        assert wait_for(lambda: store.pending_changes(db) == (None, set()))  # the follow-up is done too
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=10) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.stdout.close()


def test_a_kwestie_flooded_with_ideas_gets_its_long_pages_every_two_seconds(settings, db):
    build(settings)
    rebuilder = Rebuilder(settings)
    generator = rebuilder.generator
    store.add_idea(db, AZC, title="Eerste")
    rebuilder.rebuild_first()
    while generator.follow_up:  # nothing written before: every unit is due at once
        assert generator.write_next(rebuilder.db) is not None
    store.add_idea(db, AZC, title="Tweede, meteen erna")
    assert rebuilder.rebuild_first() == in_every_language(f"kwesties/{AZC}/index.html")  # never held back
    assert generator.write_next(rebuilder.db) is None  # the rest was written a moment ago: it waits
    assert rebuilder.step() is False
    unit = ("kwestie", AZC, "nl")
    generator._took[unit] = 1.0  # a kwestie whose pages take a second to write ...
    generator._written_at[unit] -= generator_module.FOLLOW_UP_EVERY
    assert not generator._due(unit, time.monotonic())  # ... waits ten seconds, not two
    for unit in generator._written_at:  # a minute later
        generator._written_at[unit] -= 60
    assert f"kwesties/{AZC}/ideeen/index.html" in generator.write_next(rebuilder.db)
    assert list(generator.follow_up) != [("site",)]  # the list page first; the site-wide files last
    while generator.follow_up:
        generator.write_next(rebuilder.db)
    assert "Tweede, meteen erna" in (Path(settings["OUTPUT_PATH"]) / f"kwesties/{AZC}.csv").read_text(encoding="utf-8-sig")


def test_a_kwestie_whose_pages_cannot_be_written_holds_up_no_other(settings, db):
    build(settings)
    rebuilder = Rebuilder(settings)
    report = Path(settings["OUTPUT_PATH"]) / "kwesties" / AZC / "verslag"
    shutil.rmtree(report)
    report.write_text("not a folder")  # AZC's follow-up fails on its report page
    store.add_idea(db, AZC, title="Koffie")
    store.add_idea(db, FUND, title="Een bankje")
    rebuilder.rebuild_first()
    generator = rebuilder.generator
    failing = ("kwestie", AZC, "nl")  # its Dutch pages (and its open data, which go with them)
    assert next(iter(generator.follow_up)) == failing
    assert rebuilder.step()  # AZC's unit fails (logged), goes to the back and waits a while ...
    assert failing in generator.follow_up and next(iter(generator.follow_up)) != failing
    while rebuilder.step():  # ... while FUND's pages and the list pages go on
        pass
    assert "Een bankje" in (Path(settings["OUTPUT_PATH"]) / f"kwesties/{FUND}.csv").read_text(encoding="utf-8-sig")
    assert failing in generator.follow_up and ("kwestie", AZC, "en") not in generator.follow_up  # the others went on
    assert store.pending_changes(db)[1] == {AZC, FUND}  # nothing cleared while AZC waits
    report.unlink()
    assert "Koffie" not in (Path(settings["OUTPUT_PATH"]) / f"kwesties/{AZC}.csv").read_text(encoding="utf-8-sig")
    rebuilder.rebuild_pending()  # the worker tries again
    assert not generator.follow_up and store.pending_changes(db) == (None, set())
    assert "Koffie" in (Path(settings["OUTPUT_PATH"]) / f"kwesties/{AZC}.csv").read_text(encoding="utf-8-sig")


def test_a_worker_just_started_counts_every_kwestie_for_the_site_wide_files_in_steps(
        settings, db, tmp_path, monkeypatch):
    write_issue(settings, "extra-kwestie")
    build(settings)
    monkeypatch.setattr(generator_module, "COUNTING_STEP", 0)  # one kwestie a step
    rebuilder = Rebuilder(settings)
    store.add_idea(db, FUND, title="Een bankje")
    rebuilder.rebuild_first()
    generator = rebuilder.generator
    steps = 0
    while generator.follow_up:
        generator.write_next(rebuilder.db, patient=False)
        steps += 1
    # FUND's units and its list page's (a language each), then the site-wide files: the feeds of the two
    # kwesties this worker has not rendered are read a step each (the list pages counted all three for
    # /besluiten.csv).
    assert steps == len(LANGUAGES) + len(LANGUAGES) + 2
    incremental = tree(settings["OUTPUT_PATH"])
    settings["OUTPUT_PATH"] = str(tmp_path / "full")
    build(settings)
    assert incremental == tree(settings["OUTPUT_PATH"])
