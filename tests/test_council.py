"""What the council reads: /besluiten/, the verslag, open data exports and feeds."""

import datetime
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from participation import opendata, plan, store
from participation.build import build
from participation.issues import load_public_issues

from .conftest import AZC, FUND
from .test_site_build import read, read_csv, text

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def built(settings, db):
    """The demo, with a few contributions, built."""
    store.add_member(db, AZC, name="Ans", relation="resident", email="ans@example.org")
    store.add_member(db, AZC, name="Bo", relation="newcomer")
    store.add_member(db, FUND, name="Cor", relation="business", email="cor@example.org", channel="paper")
    store.add_idea(db, AZC, title="=HYPERLINK(\"http://evil\")", author_name="@trol")
    store.add_idea(db, AZC, title="Koffie", channel="door")
    store.add_question(db, AZC, text="+31 is het netnummer?")
    build(settings)
    return settings


def test_besluiten_lists_every_kwestie_with_figures_from_the_source(built, db):
    page = read(built, "besluiten/index.html")
    for issue in load_public_issues(built):
        versions = plan.verify(plan.plan_folder(built, issue.slug), issue.slug)
        section = page[page.index(f'id="besluit-{issue.slug}"'):]
        section = text(section[: section.index("</section>")])
        assert f"Mensen in de kring {sum(store.circle(db, issue.slug).values())}" in section
        assert f"Ideeën {store.idea_count(db, issue.slug)}" in section
        assert f"Versies van het plan {len(versions)}" in section
        assert f"Fase {issue.phase_label}" in section
        if versions:
            latest = versions[-1].data
            allocated = f"{latest['budget']['allocated']:,}".replace(",", ".")
            assert f"€ {allocated} toegekend" in section
            done = sum(a["status"] == "done" for a in latest["agreements"])
            assert re.search(rf"gepland bezig klaar gestopt \d+ \d+ {done} \d+", section)


def test_besluiten_compares_the_kwesties_in_one_table(built, db):
    page = read(built, "besluiten/index.html")
    table = page[page.index('<table class="overview">'):page.index("</table>")]
    for issue in load_public_issues(built):
        row = text(table[table.index(f'href="#besluit-{issue.slug}"'):].split("</tr>")[0])
        versions = plan.verify(plan.plan_folder(built, issue.slug), issue.slug)
        agreements = versions[-1].data["agreements"] if versions else []
        circle, ideas = sum(store.circle(db, issue.slug).values()), store.idea_count(db, issue.slug)
        open_objections = sum(o["kind"] == "objection" and o["status"] == "open" for o in store.objections(db, issue.slug))
        plan_cell = f"versie {len(versions)}, aangenomen" if versions else "nog geen"
        assert f"{issue.phase_label} {circle} {ideas} {open_objections} {plan_cell}" in row
        assert row.rstrip().endswith(f" {sum(not a.get('response') for a in agreements)} " + str(
            sum(1 for a in agreements if a.get("review_at") and a["review_at"] < datetime.date.today().isoformat())))


def test_the_council_overview_as_csv_matches_the_source(built, db):
    rows = read_csv(built, "besluiten.csv")
    issues = load_public_issues(built)
    assert [r["kwestie"] for r in rows] == [i.slug for i in issues]
    for row, issue in zip(rows, issues):
        versions = plan.verify(plan.plan_folder(built, issue.slug), issue.slug)
        assert (row["titel"], row["fase"]) == (issue.title, issue.phase_label)
        assert int(row["kring"]) == sum(store.circle(db, issue.slug).values())
        assert int(row["ideeen"]) == store.idea_count(db, issue.slug)
        assert int(row["versies"]) == len(versions)
        if versions:
            assert int(row["budget_toegekend"]) == versions[-1].data["budget"]["allocated"]
    assert 'href="/besluiten.csv"' in read(built, "besluiten/index.html")


def test_besluiten_shows_overdue_reviews(built):
    from participation.council import reviews

    latest = plan.verify(plan.plan_folder(built, FUND))[-1].data
    overdue = [r for r in reviews(latest["agreements"], datetime.date.today()) if r["state"] == "verlopen"]
    page = text(read(built, "besluiten/index.html"))
    for review in overdue:
        assert f"{review['id']}, {review['what']} — verlopen" in page


def test_verslag_names_every_adopted_agreement_and_the_response(built):
    page = text(read(built, f"kwesties/{FUND}/verslag/index.html"))
    latest = plan.verify(plan.plan_folder(built, FUND))[-1].data
    for agreement in latest["agreements"]:
        assert f"{agreement['id']}: {agreement['what']}" in page
        assert agreement["response"]["text"] in page
    assert "op papier" in page  # contributions by channel
    assert "Versie 1 van het plan aangenomen (Dorpsavond" in page


def test_verslag_names_the_ideas_the_plan_does_not_take_up(built, db):
    adopted = plan.verify(plan.plan_folder(built, FUND))[-1].data["agreements"]
    used = {code for a in adopted for code in a["from_ideas"]}
    for slug in (FUND, AZC):
        page = text(read(built, f"kwesties/{slug}/verslag/index.html"))
        left = [i for i in store.ideas(db, slug) if not i["hidden_at"] and (slug == AZC or f"I{i['number']}" not in used)]
        if left:
            for idea in left:
                assert f"I{idea['number']} : {idea['title']}" in page  # the code is a link
        else:
            assert "Elk idee staat in een afspraak van het plan" in page


def test_json_export_validates_and_holds_no_email(built):
    schema = json.loads((Path(built["OUTPUT_PATH"]) / "schemas" / "kwestie.schema.json").read_text())
    for issue in load_public_issues(built):
        raw = read(built, f"kwesties/{issue.slug}.json")
        jsonschema.validate(json.loads(raw), schema)
        assert "@example.org" not in raw
    data = json.loads(read(built, f"kwesties/{FUND}.json"))
    assert [v["version"] for v in data["versions"]] == list(range(1, len(data["versions"]) + 1))


def test_csv_export_parses_and_neutralises_formulas(built):
    rows = read_csv(built, f"kwesties/{AZC}.csv")
    titles = {r["id"]: r for r in rows if r["soort"] == "idee"}
    assert titles["I1"]["tekst"] == "'=HYPERLINK(\"http://evil\")"
    assert titles["I1"]["naam"] == "'@trol"
    assert titles["I2"]["kanaal"] == "aan de deur"
    assert next(r for r in rows if r["soort"] == "vraag")["tekst"] == "'+31 is het netnummer?"
    for slug in (AZC, FUND):
        assert "@example.org" not in read(built, f"kwesties/{slug}.csv")
    fund = read_csv(built, f"kwesties/{FUND}.csv")
    assert any(r["soort"] == "afspraak (aangenomen)" and r["id"] == "A1" for r in fund)


@pytest.mark.parametrize("value,expected", [("=1+1", "'=1+1"), ("+31", "'+31"), ("-2", "'-2"), ("@SUM", "'@SUM"),
                                            ("\tx", "'\tx"), ("gewoon", "gewoon"), (12, 12), (None, ""),
                                            (2.5, "2,5"), ("", "")])
def test_a_csv_cell_is_neutralised_and_written_as_dutch_excel_reads_it(value, expected):
    assert opendata.cell(value) == expected


def test_feeds_are_atom_with_an_entry_per_version(built):
    versions = plan.verify(plan.plan_folder(built, FUND))
    feed = ET.fromstring(read(built, f"feeds/{FUND}.atom.xml").encode())
    assert feed.tag == f"{ATOM}feed"
    titles = [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]
    for version in versions:
        assert any(f"plan versie {version.number}," in t for t in titles)
    site = ET.fromstring(read(built, "feeds/all.atom.xml").encode())
    assert len(site.findall(f"{ATOM}entry")) >= len(versions)
    kwestie = read(built, f"kwesties/{FUND}/index.html")
    assert f'<link rel="alternate" type="application/atom+xml" href="/feeds/{FUND}.atom.xml"' in kwestie
    assert 'href="/feeds/all.atom.xml"' in read(built, "index.html")


def test_an_answer_appears_in_the_feed(settings, db):
    with __import__("participation.db", fromlist=["write"]).write(db):
        user = db["users"].insert({"username": "ggd", "display_name": "GGD", "organisation": "GGD", "role": "professional",
                                   "password_hash": "x", "created_at": "2026-11-01T10:00:00+00:00"}).last_pk
    store.add_question(db, AZC, text="Is er een huisarts?")
    store.add_answer(db, AZC, 1, user_id=user, text="Ja, in het gezondheidscentrum.")
    build(settings)
    feed = ET.fromstring(read(settings, f"feeds/{AZC}.atom.xml").encode())
    assert any("informatie bij V1" in e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry"))
