"""The kwestie page follows the phase: what comes first, the order of its parts, and
"Waar staan we?" (issue 14). Read from the full build's HTML."""

import dataclasses
import datetime
import re

from participation import consent, store
from participation.build import build
from participation.kwestie_page import phase_steps

from .conftest import AZC, FUND, write_issue
from .support import read_kwestie
from .test_site_build import read, text

PROPOSING = "koffie-in-de-buurt"


def main_of(settings, slug):
    """The page's main content as HTML, from its h1 on."""
    page = read(settings, f"kwesties/{slug}/index.html")
    return page[page.index("<h1"):page.index("</main>")]


def in_order(page, *parts):
    """Every part is on the page, each after the one before it."""
    where = [page.index(part) for part in parts]
    return where == sorted(where)


def current_step(page):
    """The text of the step marked aria-current="step"; there is exactly one."""
    (step,) = re.findall(r'<li class="step[^"]*" aria-current="step">(.*?)</li>', page, re.S)
    return text(step).strip()


def take_part_links(slug):
    return [f'/deelnemen/{slug}/{kind}"' for kind in ("kring", "idee", "vraag")]


def test_open_asks_the_question_and_offers_the_ways_to_take_part_first(settings):
    build(settings)
    page = main_of(settings, AZC)
    question = read_kwestie(settings, AZC).question.replace("'", "&#39;")
    assert in_order(page, question, *take_part_links(AZC), 'id="kaders"', "Wat er speelt", 'id="ideeen"')
    first_links = re.findall(r'<a[^>]*href="[^"]*/deelnemen/[^"]+"[^>]*>([^<]+)</a>', page)[:3]
    assert first_links == ["Doe mee", "Geef een idee", "Stel een vraag"]
    assert current_step(page) == "Ideeën (nu) 2 november 2026 tot en met 31 januari 2027"
    assert page.count("(nu)") == 1


def test_proposing_shows_the_concept_plan_and_the_rounds_last_day_after_the_question(settings, db):
    write_issue(settings, PROPOSING, phase="proposing", Constraints="Alles volgens de wet.")
    store.add_agreement(db, PROPOSING, what="Elke zaterdag koffie in het buurthuis", cost=1200)
    store.add_agreement(db, PROPOSING, what="Een buurtapp voor iedereen")
    consent.open_round(db, read_kwestie(settings, PROPOSING), [1, 2],
                       consent.end_of_day(datetime.date(2999, 12, 31)))
    build(settings)
    page = main_of(settings, PROPOSING)
    top = text(page[:page.index('class="steps"')])
    assert "Er is een concept-plan met 2 afspraken." in top and "tot en met 31 december 2999" in top
    assert in_order(page, "Wat vinden jullie van", 'href="#concept">Bekijk het concept-plan', *take_part_links(PROPOSING),
                    'id="concept"', 'id="kaders"', 'id="ideeen"')
    assert current_step(page) == "Concept-plan (nu) tot en met 31 december 2999"


def test_adopted_shows_the_plan_the_circle_made_before_everything_else(settings):
    build(settings)
    page = main_of(settings, FUND)
    top = text(page[:page.index('class="steps"')])
    # Adopted on the first adoption, not on the newest version (a status update of 15 September).
    assert "De kring maakte samen een plan (20 januari 2026): 4 afspraken over wie wat doet, en wanneer." in top
    assert "De gemeente reageerde op alle 4." in top
    assert "We willen samen een plan maken" not in top and "Denk mee" not in top
    assert in_order(page, "Eemswierum krijgt een dorpsfonds", *take_part_links(FUND), 'id="plan"', "Reactie van",
                    'id="ideeen"', 'id="vragen"', "Wat er speelt", 'id="tijdpad"')
    assert current_step(page) == "Gedragen plan (nu) vanaf 20 januari 2026"


def test_closed_says_so_and_links_to_the_report_instead_of_asking_to_take_part(settings):
    path = settings["PATH"] + f"/kwesties/{FUND}/kwestie.md"
    with open(path, encoding="utf-8") as file:
        source = file.read()
    with open(path, "w", encoding="utf-8") as file:
        file.write(source.replace("Phase: adopted", "Phase: closed"))
    build(settings)
    page = main_of(settings, FUND)
    assert "/deelnemen/" not in page
    assert in_order(page, "Eemswierum krijgt een dorpsfonds", "Deze kwestie is gesloten. Meedoen kan niet meer.",
                    f'href="/kwesties/{FUND}/verslag/"', 'id="plan"', 'id="ideeen"')
    visible = text(page)
    for sentence in ("er kunnen geen ideeën meer bij", "vragen stellen kan niet meer", "meedoen in de kring kan niet meer"):
        assert f"Deze kwestie is gesloten: {sentence}." in visible
    assert current_step(page) == "Gesloten (nu)"


def test_the_confirmations_stay_at_the_top_of_the_content(settings):
    build(settings)
    for slug in (AZC, FUND):
        page = read(settings, f"kwesties/{slug}/index.html")
        ids = ("bedankt-idee", "bedankt-kring", "bedankt-kring-zonder-mail", "bedankt-vraag", "bedankt-bezwaar")
        assert in_order(page, '<main', *(f'id="{i}"' for i in ids), "<h1")


def test_steps_name_every_public_phase_in_order_with_the_dates_known(settings):
    issue = read_kwestie(settings, AZC)
    steps = phase_steps(issue, [], None)
    assert [s["name"] for s in steps] == ["Ideeën", "Concept-plan", "Gedragen plan", "Gesloten"]
    assert [(s["current"], s["past"]) for s in steps] == [(True, False), (False, False), (False, False), (False, False)]
    assert (steps[0]["start"], steps[0]["end"]) == (datetime.date(2026, 11, 2), datetime.date(2027, 1, 31))
    closed = phase_steps(dataclasses.replace(issue, phase="closed"), [], None)
    assert [s["past"] for s in closed] == [True, True, True, False] and closed[3]["current"]
    # A draft (the preview in /beheer/ of a new kwestie) is before every step.
    assert not any(s["current"] or s["past"] for s in phase_steps(dataclasses.replace(issue, phase="draft"), [], None))
