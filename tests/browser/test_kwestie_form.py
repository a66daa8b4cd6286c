"""A municipality writes a kwestie in the browser, from the empty form to the public page,
through the real server (`samenplan serve`) in Chromium; axe scans each page on the way."""

from pathlib import Path

import pytest
import requests

from participation import accounts, phases
from participation import db as database
from participation.issues import read_issue
from participation.settings import load_settings

from ..support import AZC, ROOT, wait_for
from .test_accessibility import violations

USERNAME = "schrijver"
PASSWORD = "een-lang-wachtwoord"
SLUG = "speeltuin-in-de-browser"
QUESTION = "De speeltuin aan de Dijk is oud. We willen samen een plan maken. Wat is er nodig?"


@pytest.fixture(scope="module")
def writer(site):
    db = database.connect(site.env["SAMENPLAN_DATABASE"])
    try:
        accounts.create_user(db, USERNAME, PASSWORD, "coordinator", "Schrijver van kwesties")
    finally:
        db.close()


def log_in(page, site):
    page.goto(site.url + "/beheer/inloggen")
    page.fill("#inloggen-username", USERNAME)
    page.fill("#inloggen-password", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def click(page, selector):
    with page.expect_navigation():
        page.locator(selector).click()


def no_violations(page, axe_source):
    assert page.locator("h1").count() == 1
    assert page.evaluate("document.documentElement.lang") == "nl"
    found = violations(page, axe_source)
    assert found == [], "\n".join(f"{v['id']} ({v['help']}): {v['nodes']}" for v in found)


def test_write_preview_save_and_publish_a_kwestie(page, site, writer, axe_source):
    log_in(page, site)
    page.goto(site.url + "/beheer/nieuw")
    no_violations(page, axe_source)

    # Sent with a mistake: the error summary names it, and nothing typed is lost.
    page.fill("#kwestie-question", QUESTION)
    page.fill("#kwestie-budget", "veel")
    click(page, "button[value=preview]")
    assert page.locator(".error-summary a[href='#kwestie-title']").count() == 1
    assert page.locator(".error-summary a[href='#kwestie-budget']").count() == 1
    assert page.input_value("#kwestie-question") == QUESTION
    no_violations(page, axe_source)
    page.locator(".error-summary a[href='#kwestie-title']").click()
    assert page.evaluate("document.activeElement.id") == "kwestie-title"

    page.fill("#kwestie-title", "Speeltuin in de browser")
    page.fill("#kwestie-budget", "40.000")
    page.fill("#kwestie-max_agreements", "5")
    page.fill("#kwestie-coordinator", "Sam Bakker, buurtwerker")
    page.fill("#kwestie-constraints", "De speeltuin blijft op dezelfde plek.\nAlles volgens de wet.")
    page.select_option("#kwestie-lang_1", "en")
    page.fill("#kwestie-text_1", "The playground is old. What is needed?")
    page.fill("#kwestie-body", "## Wat er speelt\n\nDe schommel is **kapot**.\n\n- zandbak\n- glijbaan")
    click(page, "button[value=preview]")
    # The preview is the site's kwestie page, with a bar to go back or save.
    assert page.locator(".preview-bar").count() == 1
    assert page.locator("p.question").inner_text() == QUESTION
    assert page.locator(".prose h2").inner_text() == "Wat er speelt"
    assert not (Path(site.env["SAMENPLAN_CONTENT"]) / "kwesties" / SLUG).exists()
    no_violations(page, axe_source)

    # Back to the form keeps everything; then save from the form with the keyboard.
    click(page, ".preview-bar button[value=edit]")
    assert page.input_value("#kwestie-text_1") == "The playground is old. What is needed?"
    page.focus("button[value=save]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/beheer/{SLUG}/")

    path = Path(site.env["SAMENPLAN_CONTENT"]) / "kwesties" / SLUG / "kwestie.md"
    settings = load_settings(ROOT / "pelicanconf.py", override={"PATH": site.env["SAMENPLAN_CONTENT"]})
    issue = read_issue(path, settings)
    assert (issue.title, issue.question, issue.phase, issue.budget, issue.max_agreements) == (
        "Speeltuin in de browser", QUESTION, "draft", 40000, 5)
    assert issue.constraints == ("De speeltuin blijft op dezelfde plek.", "Alles volgens de wet.")
    assert [(t.lang, t.text) for t in issue.translations] == [("en", "The playground is old. What is needed?")]
    assert issue.opened == phases.today()  # the form proposes today
    assert requests.get(f"{site.url}/kwesties/{SLUG}/", timeout=5).status_code == 404  # a draft is not public

    # Publish: draft -> open. The public page appears, the question first.
    page.check("#fase-phase")
    click(page, "form[action$='/fase'] button[type=submit]")
    assert wait_for(lambda: requests.get(f"{site.url}/kwesties/{SLUG}/", timeout=5).status_code == 200)
    public = requests.get(f"{site.url}/kwesties/{SLUG}/", timeout=5).text
    main = public[public.index('<main'):]
    assert main.index(QUESTION) < main.index("Wat al vaststaat") < main.index("Wat er speelt")

    # Now open, a new question is a dated change on the public page, with the old text.
    page.goto(f"{site.url}/beheer/{SLUG}/tekst")
    page.fill("#kwestie-question", "Wat is er nodig voor een speeltuin waar alle kinderen kunnen spelen?")
    click(page, "button[value=save]")
    assert page.locator(".notice").inner_text().startswith("De tekst van de kwestie is opgeslagen.")
    assert wait_for(lambda: 'id="veranderd"' in requests.get(f"{site.url}/kwesties/{SLUG}/", timeout=5).text)
    public = requests.get(f"{site.url}/kwesties/{SLUG}/", timeout=5).text
    changes = public[public.index('id="veranderd"'):]
    assert "de open vraag veranderde" in changes and QUESTION in changes


def test_a_hand_written_kwestie_saved_unchanged_in_the_browser_stays_byte_identical(page, site, writer):
    path = Path(site.env["SAMENPLAN_CONTENT"]) / "kwesties" / AZC / "kwestie.md"
    before = path.read_bytes()
    log_in(page, site)
    page.goto(f"{site.url}/beheer/{AZC}/tekst")
    click(page, "button[value=save]")
    assert page.url.endswith(f"/beheer/{AZC}/tekst")
    assert "opgeslagen" in page.locator(".notice").inner_text()
    assert path.read_bytes() == before


def test_the_text_page_of_an_open_kwestie(page, site, writer, axe_source):
    log_in(page, site)
    page.goto(f"{site.url}/beheer/{AZC}/tekst")
    assert page.locator("#ideeen-tot").count() == 1
    assert page.locator("#kwestie-slug").count() == 0  # an open kwestie keeps its address
    no_violations(page, axe_source)
    # The idea period form with a mistake: its own error summary.
    page.fill("#ideeen-ideas_until", "")
    click(page, "form[action$='/ideeen-tot'] button.button:not(.button-secondary)")
    assert page.locator("#ideeen-fouten").count() == 1
    no_violations(page, axe_source)
