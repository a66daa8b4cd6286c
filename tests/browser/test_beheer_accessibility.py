"""axe-core scan of every /beheer/ page type, logged in through the real login form."""

import pytest

from participation import accounts, store
from participation import db as database

from ..support import write_issue
from .test_accessibility import violations

USERNAME = "toegankelijk"
PASSWORD = "een-lang-wachtwoord"
# A kwestie of its own, so these tests change nothing the other browser tests look at.
# Its circle can never be big enough, so a phase change is always refused.
SLUG = "beheer-voorbeeld"

# Every /beheer/ page type, as (name, template, address). Some are reached by
# an action in the browser first (ACTIONS below).
BEHEER_PAGES = [
    ("login", "beheer/inloggen", "/beheer/inloggen"),
    ("login with errors", "beheer/inloggen", "/beheer/inloggen"),
    ("kwesties", "beheer/index", "/beheer/"),
    ("kwestie", "beheer/kwestie", f"/beheer/{SLUG}/"),
    ("kwestie after a refused phase change", "beheer/kwestie", f"/beheer/{SLUG}/"),
    ("kwestie with errors in a form", "beheer/kwestie", f"/beheer/{SLUG}/"),
    ("answer form", "beheer/vraag", f"/beheer/{SLUG}/vraag/1"),
    ("accounts", "beheer/gebruikers", "/beheer/gebruikers"),
    ("audit log", "beheer/logboek", "/beheer/logboek"),
]


def submit(page, form_selector):
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").click()


def refuse_phase_change(page):
    page.check("#fase-phase")  # the first choice: concept-plan
    submit(page, "form[action$='/fase']")
    assert page.locator("#fase-geweigerd").count() == 1


def send_empty_idea(page):
    submit(page, "form[action$='/namens/idee']")
    assert page.locator(".error-summary").count() == 1


def send_empty_login(page):
    submit(page, "main form")
    assert page.locator(".error-summary").count() == 1


ACTIONS = {
    "login with errors": send_empty_login,
    "kwestie after a refused phase change": refuse_phase_change,
    "kwestie with errors in a form": send_empty_idea,
}


@pytest.fixture(scope="module")
def beheer_data(site):
    """A coordinator account and a kwestie with something in every section, in the server's database."""
    write_issue(site.env["SAMENPLAN_CONTENT"], SLUG, phase="open", title="Voorbeeld voor beheer",
                Min_circle="1000", Ideas_until="2999-12-31", constraints="Alles volgens de wet.")
    db = database.connect(site.env["SAMENPLAN_DATABASE"])
    try:
        accounts.create_user(db, USERNAME, PASSWORD, "coordinator", "Toegankelijk Getest")
        member = store.add_member(db, SLUG, name="Ans", relation="buurtbewoner", email="ans@example.org")
        store.confirm_email(db, member, "ans@example.org")
        store.add_member(db, SLUG, name="Ali", relation="anders", relation_other="sportclub", channel="deur")
        store.add_idea(db, SLUG, title="Koffie op zaterdag", body="In het café.", cost=300, author_name="Ans")
        store.add_idea(db, SLUG, title="Iets met een naam", channel="papier")
        store.set_hidden(db, "ideas", SLUG, 2, reason="Er stond een naam in.")
        store.add_question(db, SLUG, text="Hoeveel mensen komen er?", channel="bijeenkomst")
    finally:
        db.close()


def log_in(page, site):
    page.goto(site.url + "/beheer/inloggen")
    page.fill("#inloggen-username", USERNAME)
    page.fill("#inloggen-password", PASSWORD)
    submit(page, "main form")
    assert page.url == site.url + "/beheer/", "login failed: is the session cookie stored?"


@pytest.mark.parametrize("name,template,url", BEHEER_PAGES, ids=[p[0] for p in BEHEER_PAGES])
def test_no_wcag_violations(page, site, axe_source, beheer_data, name, template, url):
    if template != "beheer/inloggen":
        log_in(page, site)
    response = page.goto(site.url + url)
    assert response.status == 200
    if name in ACTIONS:
        ACTIONS[name](page)
    assert page.locator("h1").count() == 1, "one h1 per page"
    assert page.evaluate("document.documentElement.lang") == "nl"
    found = violations(page, axe_source)
    assert found == [], "\n".join(f"{v['id']} ({v['help']}): {v['nodes']}" for v in found)


def test_logging_out_with_the_keyboard(page, site, beheer_data):
    log_in(page, site)
    page.focus("nav[aria-label=Beheer] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == site.url + "/beheer/inloggen"
    page.goto(site.url + "/beheer/")
    assert page.url.startswith(site.url + "/beheer/inloggen?next=")
