"""Search (issue 18) with the keyboard only: from the box in the header of a static page to a
result, and from the ideas page's own form to its ideas newest first. No JavaScript is needed:
both are plain GET forms (axe scans the results page in test_accessibility.PAGES)."""

import re

import requests

from participation import db as database
from participation import store

from ..support import AZC, FUND, wait_for
from .test_keyboard import tab_to


def test_from_the_header_box_to_a_result_with_the_keyboard(page, site):
    page.goto(f"{site.url}/kwesties/{FUND}/")
    tab_to(page, "#site-zoeken")
    page.keyboard.type("speeltuin")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/zoeken/\?q=speeltuin$", page.url)
    assert page.locator("main h2#resultaten").inner_text().endswith(("resultaat", "resultaten"))
    assert page.locator("main mark").first.inner_text().lower().startswith("speeltuin")
    tab_to(page, "main ol.results a")
    target = page.evaluate("document.activeElement.getAttribute('href')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(target) and "/kwesties/" in page.url


def test_the_ideas_page_sorts_its_ideas_newest_first_without_javascript(page, site):
    db = database.connect(site.env["SAMENPLAN_DATABASE"])
    try:
        for title in ("Een bankje bij de vijver", "Een fietsenrek bij het café"):
            store.add_idea(db, AZC, title=title)
    finally:
        db.close()
    ideas_page = f"{site.url}/ar/kwesties/{AZC}/ideeen/"
    assert wait_for(lambda: "search-in" in requests.get(ideas_page, timeout=5).text, timeout=30)
    page.goto(ideas_page)
    tab_to(page, "#zoek-idee-volgorde")
    page.keyboard.press("ArrowDown")  # Best passend → Nieuwste eerst
    tab_to(page, "form.search-in button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/ar/zoeken/?" in page.url and "volgorde=nieuw" in page.url and f"kwestie={AZC}" in page.url
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    numbers = [int(n) for n in re.findall(r"#I(\d+)", " ".join(
        page.locator("main ol.results a").evaluate_all("(links) => links.map(a => a.getAttribute('href'))")))]
    assert len(numbers) >= 2 and numbers == sorted(numbers, reverse=True)
