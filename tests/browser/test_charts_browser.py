"""The charts (issue 18) in the browser: axe-core on every page type that has one (kwestie,
verslag, plan, /besluiten/), in Dutch and in Arabic (right to left, the bar mirrored).

The data goes into the shared server's database directly, in a kwestie of its own, so these
tests change nothing the other browser tests look at.
"""

import datetime

import pytest
import requests

from participation import consent, store
from participation import db as database
from participation.settings import load_settings

from ..support import FUND, ROOT, read_kwestie, wait_for, write_issue
from .test_accessibility import assert_no_violations

SLUG = "grafieken-voorbeeld"  # proposing, with a budget, a concept plan over it and a round
LANGUAGES = [("nl", ""), ("ar", "/ar")]


@pytest.fixture(scope="module")
def chart_data(site):
    content = site.env["SAMENPLAN_CONTENT"]
    write_issue(content, SLUG, phase="proposing", title="Voorbeeld met grafieken", constraints="Alles volgens de wet.",
                budget="5000")
    issue = read_kwestie(load_settings(ROOT / "pelicanconf.py", override={"PATH": content}), SLUG)
    db = database.connect(site.env["SAMENPLAN_DATABASE"])
    try:
        members = [store.add_member(db, SLUG, name=name, relation=relation, channel=channel)
                   for name, relation, channel in (("Ans", "resident", "web"), ("Bo", "business", "door"),
                                                   ("Cor", "newcomer", "paper"), ("Dirk", "resident", "meeting"))]
        store.add_idea(db, SLUG, title="Een bankje", channel="door")
        store.add_agreement(db, SLUG, what="Bankjes op het plein", cost=4000)
        store.add_agreement(db, SLUG, what="Een boom erbij", cost=2500)  # together over the budget
        consent.open_round(db, issue, [1, 2], consent.end_of_day(datetime.date(2999, 12, 31)))
        consent.respond(db, issue, members[0], "consent")
        consent.respond(db, issue, members[1], "concern", reason="Te duur?", agreement_number=1)
        consent.respond(db, issue, members[2], "objection", reason="Niet hier.", agreement_number=2)
    finally:
        db.close()
    for prefix in ("", "/ar"):
        for path, shows in ((f"/kwesties/{SLUG}/", 'id="grafiek-ronde-A2"'),
                            (f"/kwesties/{SLUG}/verslag/", 'id="grafiek-ronde-nu"'),
                            ("/besluiten/", f'data-issue="{SLUG}"')):
            url = f"{site.url}{prefix}{path}"
            assert wait_for(lambda: shows in requests.get(url, timeout=5).text, timeout=30), f"{url} was not built"


PAGES = [
    ("kwestie: budget over, round per agreement, circle", f"/kwesties/{SLUG}/",
     ["grafiek-budget", "grafiek-kring", "grafiek-ronde-A1", "grafiek-ronde-A2"]),
    ("verslag: channels, circle, status, budget, round", f"/kwesties/{SLUG}/verslag/",
     ["grafiek-kanalen", "grafiek-kring", "grafiek-status", "grafiek-budget", "grafiek-ronde-nu"]),
    ("verslag with plan versions", f"/kwesties/{FUND}/verslag/",
     ["grafiek-status", "grafiek-budget", "grafiek-ronde-versie-1", "grafiek-ronde-versie-3"]),
    ("plan", f"/kwesties/{FUND}/plan/", ["grafiek-budget", "grafiek-status"]),
    ("besluiten", "/besluiten/", ["grafiek-budget-kwesties", "grafiek-status-samen"]),
]


@pytest.mark.parametrize("lang,prefix", LANGUAGES, ids=[lang for lang, _ in LANGUAGES])
@pytest.mark.parametrize("name,url,charts", PAGES, ids=[p[0] for p in PAGES])
def test_pages_with_charts_have_no_violations(page, site, axe_source, chart_data, name, url, charts, lang, prefix):
    assert page.goto(site.url + prefix + url).status == 200
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [
        lang, "rtl" if lang == "ar" else "ltr"]
    for chart in charts:
        figure = page.locator(f"figure#{chart}")
        assert figure.count() == 1, f"{name}: no {chart}"
        svg = figure.locator("svg.chart-bar[role=img]").first
        assert svg.is_visible() and svg.bounding_box()["width"] > 200
        assert figure.locator("figcaption").inner_text().strip()
        assert figure.locator(".chart-legend li").count() >= 2
    if url == f"/kwesties/{SLUG}/":  # the concept plan goes over the budget: said in words
        assert page.locator("figure#grafiek-budget li[data-part=over]").get_attribute("data-count") == "1500"
    assert_no_violations(page, axe_source)


def test_a_chart_prints_with_its_patterns(page, site, chart_data):
    page.goto(f"{site.url}/kwesties/{SLUG}/verslag/")
    page.emulate_media(media="print")
    svg = page.locator("figure#grafiek-ronde-nu svg.chart-bar")
    assert svg.is_visible()
    assert svg.evaluate("e => getComputedStyle(e).printColorAdjust") == "exact"
    assert page.pdf(format="A4")[:4] == b"%PDF"
