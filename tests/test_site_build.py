"""The full build (Pelican with the participation.site plugin) into a temporary folder."""

import codecs
import csv
import datetime
import html
import io
import itertools
import json
import re
from pathlib import Path

import pytest
from markupsafe import escape

from participation import store
from participation.build import build
from participation.issues import load_public_issues
from participation.labels import PHASE_STEPS

from .conftest import AZC, FUND, write_issue


def read(settings, path):
    return (Path(settings["OUTPUT_PATH"]) / path).read_text(encoding="utf-8")


def read_csv(settings, path):
    """A CSV in output/ as Dutch Excel reads it: UTF-8 after a byte order mark, semicolons. Rows as dicts."""
    return csv_rows((Path(settings["OUTPUT_PATH"]) / path).read_bytes())


def csv_rows(raw):
    assert raw.startswith(codecs.BOM_UTF8)
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))


def text(page):
    """The visible text of a page, roughly: tags removed, entities decoded."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_kwestie_pages_show_question_constraints_and_phase(settings):
    build(settings)
    for issue in load_public_issues(settings):
        page = read(settings, f"kwesties/{issue.slug}/index.html")
        visible = text(page)
        assert issue.question in visible
        for constraint in issue.constraints:
            assert constraint in visible
        # The phase is a step of "Waar staan we?", marked for screen readers and in words.
        current = re.findall(r'<li class="step[^"]*" aria-current="step">(.*?)</li>', page, re.S)
        assert len(current) == 1 and text(current[0]).strip().startswith(f"{PHASE_STEPS[issue.phase]} (nu)")
        assert '<html lang="nl" dir="ltr">' in page
    assert "€ 250.000" in text(read(settings, f"kwesties/{FUND}/index.html"))


def test_open_question_comes_before_everything_else(settings):
    build(settings)
    page = text(read(settings, f"kwesties/{AZC}/index.html"))
    assert page.index("We willen samen een plan maken") < page.index("Wat al vaststaat")
    assert page.index("We willen samen een plan maken") < page.index("Ideeën (")


def test_home_lists_kwesties_with_phase_and_circle_size(settings, db):
    store.add_member(db, AZC, name="Anna", relation="resident")
    store.add_member(db, AZC, name="Bram", relation="business")
    build(settings)
    home = text(read(settings, "index.html"))
    for issue in load_public_issues(settings):
        assert issue.title in home
    azc = next(i for i in load_public_issues(settings) if i.slug == AZC)
    card = home[home.index(azc.title):]
    assert card.index("Mensen in de kring 2") < card.index("Ideeën 0")
    assert "Fase: We willen samen een plan maken" in card
    assert "</p>" not in home  # the summary is HTML, not escaped HTML


def test_ideas_are_escaped_and_paginated(settings, db):
    settings["SAMENPLAN_IDEAS_PER_PAGE"] = 3
    settings["SAMENPLAN_IDEAS_ON_KWESTIE_PAGE"] = 2
    for n in range(7):
        store.add_idea(db, AZC, title=f"Idee nummer {n} <script>alert(1)</script>")
    build(settings)
    kwestie = read(settings, f"kwesties/{AZC}/index.html")
    assert "<script>alert(1)</script>" not in kwestie
    assert "Idee nummer 6 &lt;script&gt;" in kwestie
    assert "Idee nummer 0" not in kwestie  # only the newest two on the kwestie page
    assert "Bekijk alle 7 ideeën" in text(kwestie)
    pages = sorted(p.relative_to(settings["OUTPUT_PATH"]).as_posix()
                   for p in Path(settings["OUTPUT_PATH"], "kwesties", AZC, "ideeen").rglob("index.html"))
    assert pages == [f"kwesties/{AZC}/ideeen/{p}" for p in ("2/index.html", "3/index.html", "index.html")]
    assert "Idee nummer 6" in read(settings, f"kwesties/{AZC}/ideeen/3/index.html")


def test_home_is_paginated(settings):
    settings["SAMENPLAN_KWESTIES_PER_PAGE"] = 2
    for n in range(3):
        write_issue(settings, f"extra-{n}")
    build(settings)
    assert (Path(settings["OUTPUT_PATH"]) / "pagina" / "3" / "index.html").is_file()
    assert not (Path(settings["OUTPUT_PATH"]) / "pagina" / "4").exists()


def test_draft_kwestie_is_not_built(settings):
    write_issue(settings, "nog-geheim", phase="draft")
    build(settings)
    assert not (Path(settings["OUTPUT_PATH"]) / "kwesties" / "nog-geheim").exists()
    assert "nog-geheim" not in read(settings, "index.html")


def test_content_pages_are_built(settings):
    build(settings)
    for slug in ("privacy", "toegankelijkheid", "over"):
        assert "<h1>" in read(settings, f"{slug}/index.html")


def test_a_paper_form_for_those_who_would_rather_write(settings):
    from participation.labels import RELATIONS

    build(settings)
    [azc] = [i for i in load_public_issues(settings) if i.slug == AZC]
    page = text(read(settings, f"kwesties/{AZC}/papier/index.html"))
    assert azc.question in page and azc.coordinator in page
    for label in RELATIONS.values():
        assert f"☐ {label}" in page
    assert "e-mail" in page and "<input" not in read(settings, f"kwesties/{AZC}/papier/index.html")
    assert f'href="/kwesties/{AZC}/papier/"' in read(settings, f"kwesties/{AZC}/index.html")


def test_numeric_kaders_are_published_with_the_kwestie(settings):
    write_issue(settings, "met-kaders", Budget="20000", Max_cost_per_agreement="5000", Max_agreements="3")
    build(settings)
    page = text(read(settings, "kwesties/met-kaders/index.html"))
    assert "Er is maximaal € 20.000 te besteden." in page
    assert "Eén afspraak mag hoogstens € 5.000 kosten." in page
    assert "Er komen hoogstens 3 afspraken in het plan." in page
    data = json.loads(read(settings, "kwesties/met-kaders.json"))["kwestie"]
    assert (data["budget"], data["max_cost_per_agreement"], data["max_agreements"]) == (20000, 5000, 3)


def test_the_question_in_other_languages_carries_lang_and_dir(settings):
    build(settings)
    [azc] = [i for i in load_public_issues(settings) if i.slug == AZC]
    assert {t.lang for t in azc.translations} >= {"en", "ar"}
    for page in (f"kwesties/{AZC}/index.html", f"kwesties/{AZC}/poster/index.html", f"kwesties/{AZC}/papier/index.html"):
        html_text = read(settings, page)
        for t in azc.translations:
            assert f'lang="{t.lang}" dir="{t.dir}">{escape(t.text)}<' in html_text
            assert f'lang="{t.lang}" dir="{t.dir}">{t.own_name}<' in html_text
    assert 'lang="ar" dir="rtl"' in read(settings, f"kwesties/{AZC}/index.html")


def test_plan_history_page_shows_every_version_newest_first(settings):
    from participation import plan
    from participation.site.pages import agreement_titles

    build(settings)
    versions = plan.verify(plan.plan_folder(settings, FUND), FUND)
    assert len(versions) >= 3
    page = read(settings, f"kwesties/{FUND}/plan/index.html")
    positions = [page.index(f'id="versie-{v.number}"') for v in versions]
    assert positions == sorted(positions, reverse=True)  # newest first
    for i, version in enumerate(versions):
        assert version.sha256 in page
        assert f'href="/kwesties/{FUND}/plan/{version.filename}"' in page
        copied = Path(settings["OUTPUT_PATH"]) / "kwesties" / FUND / "plan" / version.filename
        assert copied.read_bytes() == version.path.read_bytes()
        previous = versions[i - 1].data if i else None
        changes = plan.describe(plan.diff(previous, version.data), version.data,
                                titles=agreement_titles(previous, version.data))
        for line in changes:
            assert html.escape(line, quote=False) in page or line in text(page)
    assert "A4 (Speeltuin achter OBS De Terp, niet aan de Hoofdweg) is toegevoegd." in text(page)
    for version in versions:  # the round's figures, read from each file
        round_ = version.data["consent_round"]
        if round_:
            assert (f"Zo antwoordde de kring ({version.data['circle']['members']} mensen) in de ronde: "
                    f"{round_['consented']} ingestemd, {round_['concerns']} met een zorg, {round_['objected']} met "
                    f"bezwaar, {round_['no_answer']} niet gereageerd.") in text(page)
    assert "A2 (Jeu-de-boulesbaan en drie bankjes bij de kerk): status van ‘gepland’ naar ‘klaar’." in text(page)
    kwestie = text(read(settings, f"kwesties/{FUND}/index.html"))
    assert f"Het plan (versie {versions[-1].number})" in kwestie
    assert "Status klaar" in kwestie  # A2 is done
    assert (Path(settings["OUTPUT_PATH"]) / "schemas" / "plan-version.schema.json").is_file()


def plan_page_parts(settings):
    """The plan page in its three parts: the plan now, the versions, the check numbers."""
    page = read(settings, f"kwesties/{FUND}/plan/index.html")
    now, rest = page.split('id="plan-nu"', 1)[1].split('id="versies"', 1)
    versions, check = rest.split('id="controle"', 1)
    return page, now, versions, check


def test_the_plan_history_names_each_changed_agreement_by_its_title(settings):
    from participation import plan

    build(settings)
    _, _, history, _ = plan_page_parts(settings)
    history = text(history)
    versions = plan.verify(plan.plan_folder(settings, FUND), FUND)
    for i, version in enumerate(versions):
        titles = {a["id"]: a["what"] for a in version.data["agreements"]}
        for kind, code, _ in plan.diff(versions[i - 1].data if i else None, version.data):
            assert f"{code} ({titles[code]})" in history, (version.number, code)
    assert "A1 (Nieuw dak voor dorpshuis De Wierde): status van ‘gepland’ naar ‘bezig’." in history
    # Dated versions, in words; no hash among them.
    assert "15 september 2026: voortgang bijgewerkt (versie 6)" in history
    assert "3 februari 2026: reactie van de gemeente (versie 2)" in history
    assert "20 januari 2026: aangenomen door de kring (versie 1)" in history
    assert "sha256:" not in history


def test_the_plan_page_shows_the_current_plan_in_full(settings):
    from participation import plan
    from participation.formats import datum, euro
    from participation.labels import AGREEMENT_STATUSES, DECISIONS

    build(settings)
    _, now, _, _ = plan_page_parts(settings)
    latest = plan.verify(plan.plan_folder(settings, FUND), FUND)[-1]
    assert f"Het plan nu (versie {latest.number}, {datum(latest.data['adopted_at'])})" in text(now)
    agreements = now.split('<li class="agreement"')[1:]
    assert len(agreements) == len(latest.data["agreements"])
    for a, section in zip(latest.data["agreements"], agreements):
        shown = text(section)
        assert f"{a['id']}: {a['what']}" in shown
        assert f"Status {AGREEMENT_STATUSES[a['status']]}" in shown
        assert f"Wie {', '.join(a['who'])}" in shown and f"Wanneer {a['when']}" in shown
        assert f"Kosten {euro(a['cost'])}" in shown
        assert f"{DECISIONS[a['response']['decision']]}. {a['response']['text']}" in shown
        for note in a["status_notes"]:
            assert f"{datum(note['date'])}: {note['note']}" in shown
        for concern in a["concerns"]:
            assert concern["reason"] in shown
    assert "sha256:" not in now


def test_the_plan_page_keeps_every_hash_in_a_check_table_at_the_end(settings):
    from participation import plan

    build(settings)
    page, _, _, check = plan_page_parts(settings)
    versions = plan.verify(plan.plan_folder(settings, FUND), FUND)
    assert "<caption>Controlegetal van elke versie</caption>" in check
    assert check.count('<th scope="col">') == 3 and check.count('<th scope="row">') == len(versions)
    for version in versions:
        assert f'<code class="hash">{version.sha256}</code>' in check
        assert page.count(version.sha256) == 1
    assert "vingerafdruk" in text(check)  # what the number is for, in words
    # Headings go down one level at a time: h1, then h2 sections with h3 inside.
    levels = [int(n) for n in re.findall(r"<h([1-6])", page.split('id="inhoud"', 1)[1])]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in itertools.pairwise(levels))


def test_a_kwestie_without_a_plan_says_so(settings):
    build(settings)
    assert "Er is nog geen plan aangenomen" in read(settings, f"kwesties/{AZC}/plan/index.html")
    assert "Het plan (versie" not in read(settings, f"kwesties/{AZC}/index.html")


def test_an_altered_plan_is_shown_as_failed_on_the_site(settings):
    path = Path(settings["PATH"]) / "kwesties" / FUND / "plan" / "0001.yaml"
    path.write_bytes(path.read_bytes().replace(b"Nieuw dak", b"Oud dak"))
    build(settings)
    assert "De controle van het plan is mislukt" in read(settings, f"kwesties/{FUND}/plan/index.html")


def test_poster_has_the_question_and_a_qr_code_to_the_kwestie(settings):
    import urllib.parse

    settings["SAMENPLAN_PUBLIC_URL"] = "https://samen.example.nl"
    build(settings)
    page = read(settings, f"kwesties/{AZC}/poster/index.html")
    issue = next(i for i in load_public_issues(settings) if i.slug == AZC)
    assert issue.question in text(page)
    assert f"https://samen.example.nl/kwesties/{AZC}/" in page
    uri = re.search(r'<img src="(data:image/svg\+xml[^"]+)" alt="QR-code naar ([^"]+)"', page)
    assert uri and uri.group(2) == f"https://samen.example.nl/kwesties/{AZC}/"
    svg = urllib.parse.unquote(html.unescape(uri.group(1)).split(",", 1)[1])
    assert svg.startswith("<svg") and "path" in svg
    assert (Path(settings["OUTPUT_PATH"]) / "theme" / "css" / "samen.css").read_text().count("@page { size: A4") == 1


def test_questions_are_paginated_too(settings, db):
    settings["SAMENPLAN_IDEAS_PER_PAGE"] = 2
    settings["SAMENPLAN_IDEAS_ON_KWESTIE_PAGE"] = 2
    for n in range(5):
        store.add_question(db, AZC, text=f"Vraag nummer {n}")
    build(settings)
    kwestie = text(read(settings, f"kwesties/{AZC}/index.html"))
    assert "Vraag nummer 4" in kwestie and "Vraag nummer 0" not in kwestie
    assert "Bekijk alle 5 vragen" in kwestie
    assert "Vraag nummer 0" in read(settings, f"kwesties/{AZC}/vragen/index.html")
    assert "Vraag nummer 4" in read(settings, f"kwesties/{AZC}/vragen/3/index.html")
    assert not (Path(settings["OUTPUT_PATH"]) / "kwesties" / AZC / "vragen" / "4").exists()


def test_demo_circle_fits_the_demo_plan(settings, db):
    from participation import demo, plan

    assert demo.seed(db, settings) is True
    assert demo.seed(db, settings) is False  # only into an empty database
    build(settings)
    first = plan.verify(plan.plan_folder(settings, FUND))[0].data
    assert sum(store.circle(db, FUND).values()) == first["circle"]["members"]
    assert store.circle(db, FUND) == first["circle"]["relations"]
    overview = text(read(settings, "besluiten/index.html"))
    assert "Bezwaren opgelost of ingetrokken 1" in overview
    assert "Informatie van een professional: Wijkagent Sanne de Boer" in text(read(settings, f"kwesties/{AZC}/index.html"))
    # The story's dates hold: the fund's ideas came before its first plan, the AZC's
    # after its question opened, each answer after its question.
    adopted = datetime.datetime.fromisoformat(first["adopted_at"])
    assert all(datetime.datetime.fromisoformat(i["created_at"]) < adopted for i in store.ideas(db, FUND))
    assert all(i["created_at"][:10] >= "2026-11-02" for i in store.ideas(db, AZC))
    for q in store.questions(db, AZC):
        assert all(a["created_at"] > q["created_at"] for a in q["answers"])
    # The demo's plan files are recorded as found, so changing the newest one is caught.
    folder = plan.plan_folder(settings, FUND)
    heads = plan.recorded_heads(db, FUND)
    assert heads == {v.number: v.sha256 for v in plan.verify(folder, FUND)} and len(heads) >= 3
    newest = plan.version_files(folder)[-1]
    newest.write_bytes(newest.read_bytes().replace(b"Eemswierum", b"Eemswirum", 1))
    with pytest.raises(plan.PlanError, match=newest.name):
        plan.verify(folder, FUND, heads)
