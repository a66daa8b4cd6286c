"""axe-core scan of every /beheer/ page type, logged in through the real login form."""

import datetime

import pytest

from participation import accounts, meetings, store
from participation import db as database

from ..support import write_issue
from .test_accessibility import violations

USERNAME = "toegankelijk"
PASSWORD = "een-lang-wachtwoord"
# A kwestie of its own, so these tests change nothing the other browser tests look at.
# Its circle can never be big enough, so a phase change is always refused.
SLUG = "beheer-voorbeeld"
# Two kwesties for the plan pages: one kept in a round with an open objection,
# one taken through to an adopted plan. kwestie-proposing (shared with the other
# browser tests) is only looked at, never changed.
ROUND_SLUG = "beheer-ronde"
ADOPTED_SLUG = "beheer-aangenomen"

# Every /beheer/ page type, as (name, template, address). Some are reached by
# an action in the browser first (ACTIONS below).
BEHEER_PAGES = [
    ("login", "beheer/inloggen", "/beheer/inloggen"),
    ("login with errors", "beheer/inloggen", "/beheer/inloggen"),
    ("kwesties", "beheer/index", "/beheer/"),
    ("kwestie", "beheer/kwestie", f"/beheer/{SLUG}/"),
    ("kwestie after a refused phase change", "beheer/kwestie", f"/beheer/{SLUG}/"),
    ("kwestie with errors in the phase form", "beheer/kwestie", f"/beheer/{SLUG}/"),
    ("circle", "beheer/kring", f"/beheer/{SLUG}/kring"),
    ("circle with errors in a form", "beheer/kring", f"/beheer/{SLUG}/kring"),
    ("ideas and questions", "beheer/bijdragen", f"/beheer/{SLUG}/bijdragen"),
    ("ideas and questions with errors in a form", "beheer/bijdragen", f"/beheer/{SLUG}/bijdragen"),
    ("moderation", "beheer/moderatie", f"/beheer/{SLUG}/moderatie"),
    ("moderation with errors in a form", "beheer/moderatie", f"/beheer/{SLUG}/moderatie"),
    ("meetings", "beheer/bijeenkomsten", f"/beheer/{SLUG}/bijeenkomsten"),
    ("meetings with errors in a form", "beheer/bijeenkomsten", f"/beheer/{SLUG}/bijeenkomsten"),
    ("a meeting held", "beheer/bijeenkomst", f"/beheer/{SLUG}/bijeenkomst/1"),  # more in test_meetings_browser.py
    ("kwestie text", "beheer/tekst", f"/beheer/{SLUG}/tekst"),
    ("new kwestie", "beheer/tekst", "/beheer/nieuw"),
    ("new kwestie with errors in the form", "beheer/tekst", "/beheer/nieuw"),
    ("answer form", "beheer/vraag", f"/beheer/{SLUG}/vraag/1"),
    ("accounts", "beheer/gebruikers", "/beheer/gebruikers"),
    ("audit log", "beheer/logboek", "/beheer/logboek"),
    ("plan with a concept plan", "beheer/plan", f"/beheer/{ROUND_SLUG}/plan/"),
    ("plan with errors in a form", "beheer/plan", f"/beheer/{ROUND_SLUG}/plan/"),
    ("plan during a round", "beheer/plan", f"/beheer/{ROUND_SLUG}/plan/"),
    ("plan after a refused adoption", "beheer/plan", f"/beheer/{ROUND_SLUG}/plan/"),
    ("plan with errors closing an objection", "beheer/plan", f"/beheer/{ROUND_SLUG}/plan/"),
    ("plan with an adopted plan", "beheer/plan", f"/beheer/{ADOPTED_SLUG}/plan/"),
    # After the adoption above: the follow-up forms, and one sent empty.
    ("follow-up of the adopted plan", "beheer/opvolging", f"/beheer/{ADOPTED_SLUG}/opvolging"),
    ("follow-up with errors", "beheer/opvolging", f"/beheer/{ADOPTED_SLUG}/opvolging"),
    ("plan with objections from residents", "beheer/plan", "/beheer/kwestie-proposing/plan/"),
]


def submit(page, form_selector):
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").click()


def refuse_phase_change(page):
    page.check("#fase-phase")  # the first choice: concept-plan
    submit(page, "form[action$='/fase']")
    assert page.locator("#fase-geweigerd").count() == 1


def send_empty_phase(page):
    submit(page, "form[action$='/fase']")
    assert page.locator("#fase-fouten").count() == 1


def send_empty(action):
    """Send the form posting to `action` empty; the same page comes back with its errors."""
    def send(page):
        submit(page, f"form[action$='{action}']")
        assert page.locator(".error-summary").count() == 1
        assert page.locator("nav[aria-label='Deze kwestie'] a[aria-current=page]").count() == 1
    return send


def save_an_empty_kwestie(page):
    with page.expect_navigation():
        page.locator("main form button[value=save]").click()
    assert page.locator(".error-summary").count() == 1


def hide_without_a_reason(page):
    page.locator("details:has(form[action$='/verbergen']) > summary").first.click()
    with page.expect_navigation():
        page.locator("form[action$='/verbergen'] button[type=submit]").first.click()
    assert page.locator("#verberg-I1-fouten").count() == 1


def send_empty_login(page):
    submit(page, "main form")
    assert page.locator(".error-summary").count() == 1


def send_empty_agreement(page):
    submit(page, "form[action$='/plan/afspraak']")
    assert page.locator(".error-summary").count() == 1


def open_a_round(page):
    """Open a round on A1 and A2 through the form, unless one is open already."""
    if page.locator("form[action$='/plan/ronde']").count():
        page.check("#ronde-agreements")
        page.check("#ronde-agreements-2")
        page.fill("#ronde-ends", "2999-12-31")
        submit(page, "form[action$='/plan/ronde']")
    assert page.locator("form[action$='/plan/aannemen']").count() == 1


def answer_on_behalf(page, answer, reason=""):
    page.select_option("#antwoord-member", index=1)
    page.check(f"#antwoord-answer-{answer}" if answer != "consent" else "#antwoord-answer")
    if reason:
        page.select_option("#antwoord-agreement", index=2)
        page.fill("#antwoord-reason", reason)
    submit(page, "form[action$='/plan/antwoord']")


def object_during_a_round(page):
    open_a_round(page)
    answer_on_behalf(page, "objection", "Niet iedereen heeft een telefoon.")
    assert page.locator(".notice").count() == 1 and page.locator("#blokkades").count() == 1


def close_objection_without_choosing(page):
    open_a_round(page)
    if not page.locator("form[action*='/sluiten']").count():
        answer_on_behalf(page, "objection", "Niet iedereen heeft een telefoon.")
    page.locator("details:has(form[action*='/sluiten']) > summary").first.click()
    submit(page, "form[action*='/sluiten']")
    assert page.locator("#sluiten-B1-how-fout").count() == 1


def refuse_adoption(page):
    open_a_round(page)
    submit(page, "form[action$='/plan/aannemen']")
    assert page.locator("#geweigerd").count() == 1


def adopt_a_plan(page):
    """Round, everyone consents (one member), adopt: the page then shows the adopted plan."""
    if page.locator("form[action$='/plan/ronde']").count():
        page.check("#ronde-agreements")
        page.fill("#ronde-ends", "2999-12-31")
        submit(page, "form[action$='/plan/ronde']")
    if page.locator("form[action$='/plan/aannemen']").count():
        answer_on_behalf(page, "consent")
        page.fill("#aannemen-meeting", "Buurtavond")
        submit(page, "form[action$='/plan/aannemen']")
    assert page.locator("#plan-A1").count() == 1


def send_empty_status(page):
    page.locator("details:has(form[action*='/plan/uitvoering/']) > summary").first.click()
    page.fill("form[action*='/plan/uitvoering/'] textarea", "")
    submit(page, "form[action*='/plan/uitvoering/']")
    assert page.locator(".error-summary").count() == 1


ACTIONS = {
    "follow-up with errors": send_empty_status,
    "login with errors": send_empty_login,
    "kwestie after a refused phase change": refuse_phase_change,
    "kwestie with errors in the phase form": send_empty_phase,
    "circle with errors in a form": send_empty("/namens/kring"),
    "ideas and questions with errors in a form": send_empty("/namens/idee"),
    "moderation with errors in a form": hide_without_a_reason,
    "meetings with errors in a form": send_empty("/bijeenkomst"),
    "new kwestie with errors in the form": save_an_empty_kwestie,
    "plan with errors in a form": send_empty_agreement,
    "plan during a round": object_during_a_round,
    "plan after a refused adoption": refuse_adoption,
    "plan with errors closing an objection": close_objection_without_choosing,
    "plan with an adopted plan": adopt_a_plan,
}


@pytest.fixture(scope="module")
def beheer_data(site):
    """A coordinator account and a kwestie with something in every section, in the server's database."""
    write_issue(site.env["SAMENPLAN_CONTENT"], SLUG, phase="open", title="Voorbeeld voor beheer",
                Min_circle="1000", Ideas_until="2999-12-31", constraints="Alles volgens de wet.")
    db = database.connect(site.env["SAMENPLAN_DATABASE"])
    try:
        accounts.create_user(db, USERNAME, PASSWORD, "coordinator", "Toegankelijk Getest")
        expert = accounts.create_user(db, "expert", PASSWORD, "professional", "Sanne de Vries", "GGD")
        member = store.add_member(db, SLUG, name="Ans", relation="resident", email="ans@example.org")
        store.confirm_email(db, member, "ans@example.org")
        store.add_member(db, SLUG, name="Ali", relation="other", relation_other="sportclub", channel="door")
        store.add_member(db, SLUG, name="Bea", relation="business", email="bea@example.org")  # not confirmed
        store.add_idea(db, SLUG, title="Koffie op zaterdag", body="In het café.", cost=300, author_name="Ans")
        store.add_idea(db, SLUG, title="Iets met een naam", channel="paper")
        store.set_hidden(db, "ideas", SLUG, 2, reason="Er stond een naam in.")
        store.add_question(db, SLUG, text="Hoeveel mensen komen er?", channel="meeting")
        meetings.record_past(db, SLUG, held_on=datetime.date(2026, 11, 12), place="Buurtavond in het buurthuis",
                             attendees=35, account="Veel vragen over de veiligheid.")
        for slug, people in ((ROUND_SLUG, ("Ans", "Bram")), (ADOPTED_SLUG, ("Cor",))):
            write_issue(site.env["SAMENPLAN_CONTENT"], slug, phase="proposing", title=f"Plan voor {slug}",
                        constraints="Alles volgens de wet.", budget="10000")
            for name in people:
                store.add_member(db, slug, name=name, relation="resident")
            store.add_idea(db, slug, title="Koffie op zaterdag", cost=300)
            store.add_idea(db, slug, title="Een buurtapp")
            store.add_agreement(db, slug, what="Elke zaterdag koffie in het buurthuis", cost=1200, from_ideas=[1])
            store.add_agreement(db, slug, what="Een buurtapp voor iedereen", from_ideas=[2])
            store.add_question(db, slug, text="Mag er koffie in het buurthuis?")
            store.add_answer(db, slug, 1, user_id=expert, text="Ja, tot 22.00 uur.")
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
