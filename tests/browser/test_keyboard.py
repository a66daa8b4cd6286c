"""A resident with only a keyboard: Tab, Shift+Tab, Enter and Space."""

import re

import pytest
import requests

from participation import i18n

from ..support import AZC, wait_for
from .conftest import personal_link, screenshot_path

FOCUS_VISIBLE = """() => {
    const el = document.activeElement, style = getComputedStyle(el);
    return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
        || style.boxShadow !== 'none';
}"""


def tab_to(page, selector, limit=80, key="Tab"):
    """Press Tab until the element matching selector has focus; fail after limit presses."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            assert page.evaluate(FOCUS_VISIBLE), f"focus on {selector} is not visible"
            return
    raise AssertionError(f"{selector} not reached with {limit} × {key}")


def test_skip_link_is_first_and_visible(page, site):
    page.goto(site.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Naar de inhoud"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # on screen when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhoud"


# The same journey in Dutch and in Arabic, right to left: (language, its prefix, an idea in it).
JOURNEYS = [("nl", "", "Buurtmaaltijd in de zomer"), ("ar", "/ar", "عشاء للحي في الصيف")]


@pytest.mark.parametrize("lang,prefix,idea", JOURNEYS, ids=[j[0] for j in JOURNEYS])
def test_join_the_circle_and_send_an_idea_with_the_keyboard_only(page, site, lang, prefix, idea):
    page.goto(f"{site.url}{prefix}/")
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [
        lang, "rtl" if lang == "ar" else "ltr"]
    tab_to(page, f"a[href='{prefix}/kwesties/{AZC}/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{prefix}/kwesties/{AZC}/")

    tab_to(page, f"a[href='{prefix}/deelnemen/{AZC}/kring']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{prefix}/deelnemen/{AZC}/kring")
    tab_to(page, "#kring-name")
    page.keyboard.type("Joke")
    page.keyboard.press("Tab")  # into the radio group: the first option
    page.keyboard.press("ArrowDown")  # ondernemer
    page.keyboard.press("Space")
    tab_to(page, "form[action$='/kring'] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"{prefix}/deelnemen/{AZC}/bedankt/L\d+\?t=[^#]+#bedankt-kring$"))
    assert page.locator("#bedankt-kring").is_visible()

    tab_to(page, f"a[href='{prefix}/deelnemen/{AZC}/idee']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{prefix}/deelnemen/{AZC}/idee")
    tab_to(page, "#idee-title")
    page.keyboard.type(idea)
    page.keyboard.press("Tab")
    page.keyboard.type("Iedereen kookt iets uit zijn eigen land.")
    tab_to(page, "form[action$='/idee'] button[type=submit]")
    page.keyboard.press("Shift+Tab")  # back and forth works too
    assert page.evaluate("document.activeElement.id") == "idee-author_name"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"{prefix}/deelnemen/{AZC}/bedankt/I\d+\?t=[^#]+#bedankt-idee$"))
    assert page.locator("#bedankt-idee").is_visible()
    assert idea in page.locator("main").inner_text()  # what was stored, at once

    kwestie = f"{site.url}{prefix}/kwesties/{AZC}/"
    tab_to(page, f"main a[href='{prefix}/kwesties/{AZC}/']")
    assert wait_for(lambda: idea in requests.get(kwestie, timeout=5).text)
    page.keyboard.press("Enter")
    page.wait_for_url(kwestie)
    with i18n.using(lang):
        assert i18n.gettext("ondernemer") in page.locator("section[aria-labelledby=kring]").inner_text()


def test_object_to_an_agreement_with_the_keyboard_only(page, site):
    page.goto(personal_link(site, "kwestie-proposing", "Kees", "kees@example.org"))  # the link from the mail
    tab_to(page, "#bezwaar-agreement")
    page.keyboard.press("ArrowDown")  # A1
    tab_to(page, "#bezwaar-reason")
    page.keyboard.type("Op zaterdag werk ik. Kan het ook op een avond?")
    tab_to(page, "form[action$='/bezwaar'] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/kwesties/kwestie-proposing/#bedankt-bezwaar")
    assert page.locator("#bedankt-bezwaar").is_visible()
    kwestie = f"{site.url}/kwesties/kwestie-proposing/"
    assert wait_for(lambda: "Kan het ook op een avond?" in requests.get(kwestie, timeout=5).text)


def test_send_an_idea_from_mijn_deelname_with_the_keyboard_only(page, site, room_in_the_rate_limit):
    page.goto(personal_link(site, AZC, "Wim", "wim@example.org"))  # the link from the mail
    personal = page.url
    assert page.locator("h1").inner_text() == "Mijn deelname"
    tab_to(page, "#te-doen + ul a[href*='/idee?lid=']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/deelnemen/{AZC}/idee?lid=*")
    tab_to(page, "#idee-title")
    page.keyboard.type("Een moestuin achter het café")
    tab_to(page, "form[action$='/idee'] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/deelnemen/{AZC}/bedankt/I\d+\?t=[^#]+#bedankt-idee$"))
    assert "Wim" in page.locator("main").inner_text()  # the member's name, not typed
    page.goto(personal)
    assert "Een moestuin achter het café" in page.locator("section[aria-labelledby=ideeen]").inner_text()


def test_focus_lands_on_the_error_summary_and_its_links_reach_the_field(page, site):
    page.goto(f"{site.url}/deelnemen/{AZC}/idee")
    tab_to(page, "#idee-title")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submit the empty form
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.evaluate(FOCUS_VISIBLE)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#idee-title"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "idee-title"


def test_pages_reflow_on_a_phone_and_screenshots_are_kept(browser, site):
    for width in (375, 1280):
        context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": 900})
        page = context.new_page()
        for name, url in (("kwestie", f"/kwesties/{AZC}/"), ("idee-formulier-fout", f"/deelnemen/{AZC}/idee")):
            page.goto(site.url + url)
            if name.endswith("fout"):
                with page.expect_navigation():
                    page.locator("main form button[type=submit]").click()
            # WCAG 1.4.10: no horizontal scrolling at phone width.
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name} at {width}px"
            page.screenshot(path=str(screenshot_path(f"{name}-{width}.png")), full_page=True)
            assert screenshot_path(f"{name}-{width}.png").stat().st_size > 10_000
        context.close()


def test_text_can_be_zoomed_to_200_percent(browser, site):
    context = browser.new_context(viewport={"width": 640, "height": 900})
    page = context.new_page()
    page.goto(f"{site.url}/kwesties/{AZC}/")
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert page.evaluate("getComputedStyle(document.body).fontSize") == "36px"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()


def test_a_coordinator_goes_from_task_to_task_with_the_keyboard(page, site):
    """The kwestie's navigation in /beheer/: each link reached with Tab, opened with Enter,
    and the page opened is the one marked as current."""
    from participation import accounts
    from participation import db as database

    db = database.connect(site.env["SAMENPLAN_DATABASE"])
    try:
        if "toetsenbord" not in {u["username"] for u in accounts.list_users(db)}:  # the site is shared
            accounts.create_user(db, "toetsenbord", "een-lang-wachtwoord", "coordinator", "Met het toetsenbord")
    finally:
        db.close()
    page.goto(site.url + "/beheer/inloggen")
    tab_to(page, "#inloggen-username")
    page.keyboard.type("toetsenbord")
    page.keyboard.press("Tab")
    page.keyboard.type("een-lang-wachtwoord")
    page.keyboard.press("Enter")
    page.wait_for_url(site.url + "/beheer/")

    tab_to(page, f"main table a[href='/beheer/{AZC}/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/beheer/{AZC}/")
    for address in ("kring", "bijdragen", "moderatie", "bijeenkomsten", "plan/"):
        tab_to(page, f"nav[aria-label='Deze kwestie'] a[href='/beheer/{AZC}/{address}']")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/beheer/{AZC}/{address}")
        current = page.locator("nav[aria-label='Deze kwestie'] a[aria-current=page]")
        assert current.get_attribute("href") == f"/beheer/{AZC}/{address}"
