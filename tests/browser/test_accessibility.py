"""axe-core scan of every page type: zero WCAG 2.1 A/AA violations."""


import pytest
import requests

from ..support import AZC, FUND, ROOT, form_token_from, wait_for
from .conftest import join_with_email, newest_mail_link

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Every page type, as (name, template, address, submit). Forms with errors are
# reached by submitting them empty in the browser, as a resident would.
PAGES = [
    ("home", "index", "/", False),
    ("kwestie open", "kwestie", f"/kwesties/{AZC}/", False),
    ("kwestie with an adopted plan", "kwestie", f"/kwesties/{FUND}/", False),
    ("kwestie proposing", "kwestie", "/kwesties/kwestie-proposing/", False),
    ("kwestie adopted", "kwestie", "/kwesties/kwestie-adopted/", False),
    ("kwestie closed", "kwestie", "/kwesties/kwestie-closed/", False),
    ("kwestie after an idea", "kwestie", f"/kwesties/{AZC}/#bedankt-idee", False),
    ("all ideas", "ideeen", f"/kwesties/{AZC}/ideeen/", False),
    ("all questions", "vragen", f"/kwesties/{AZC}/vragen/", False),
    ("plan history", "plan", f"/kwesties/{FUND}/plan/", False),
    ("plan history, no plan yet", "plan", f"/kwesties/{AZC}/plan/", False),
    ("council overview", "besluiten", "/besluiten/", False),
    ("poster", "poster", f"/kwesties/{AZC}/poster/", False),
    ("paper form", "papier", f"/kwesties/{AZC}/papier/", False),
    ("invitation card", "uitnodiging", f"/kwesties/{AZC}/uitnodiging/", False),
    ("final report with a plan", "verslag", f"/kwesties/{FUND}/verslag/", False),
    ("final report without a plan", "verslag", f"/kwesties/{AZC}/verslag/", False),
    ("privacy statement", "page", "/privacy/", False),
    ("accessibility statement", "page", "/toegankelijkheid/", False),
    ("about", "page", "/over/", False),
    ("kwestie with a concept plan", "kwestie", "/kwesties/kwestie-proposing/", False),
    ("join form", "deelnemen/kring", f"/deelnemen/{AZC}/kring", False),
    ("question form", "deelnemen/vraag", f"/deelnemen/{AZC}/vraag", False),
    ("question form with errors", "deelnemen/vraag", f"/deelnemen/{AZC}/vraag", True),
    ("idea form", "deelnemen/idee", f"/deelnemen/{AZC}/idee", False),
    ("join form with errors", "deelnemen/kring", f"/deelnemen/{AZC}/kring", True),
    ("idea form with errors", "deelnemen/idee", f"/deelnemen/{AZC}/idee", True),
    ("search with results", "zoeken", "/zoeken/?q=zwaan+cafe", False),
    ("search with results on pages", "zoeken", f"/zoeken/?kwestie={FUND}&volgorde=nieuw", False),
    ("search, nothing found", "zoeken", "/zoeken/?q=xyzzy", False),
    ("not found", "error", "/bestaat-niet/", False),
    ("wrong phase", "error", "/deelnemen/kwestie-closed/idee", False),
]
TEMPLATES = ROOT / "themes" / "samen" / "templates"


def violations(page, axe_source):
    page.add_script_tag(content=axe_source)
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({id: v.id, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ' ' + n.html.slice(0, 120))}));
        }""",
        TAGS,
    )


@pytest.fixture(scope="module", autouse=True)
def some_ideas(site):
    for n in range(3):
        form = requests.get(f"{site.url}/deelnemen/{AZC}/idee", timeout=5).text
        requests.post(f"{site.url}/deelnemen/{AZC}/idee", timeout=5,
                      data={"title": f"Idee {n}", "body": "Uitleg", "form_started": form_token_from(form)})
    assert wait_for(lambda: "Idee 2" in requests.get(f"{site.url}/kwesties/{AZC}/", timeout=5).text)


# Every page type in Dutch, in English, and in Arabic (right to left).
LANGUAGES = [("nl", ""), ("en", "/en"), ("ar", "/ar")]


@pytest.mark.parametrize("lang,prefix", LANGUAGES, ids=[lang for lang, _ in LANGUAGES])
@pytest.mark.parametrize("name,template,url,submit", PAGES, ids=[p[0] for p in PAGES])
def test_no_wcag_violations(page, site, axe_source, name, template, url, submit, lang, prefix):
    response = page.goto(site.url + prefix + url)
    if submit:
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
        assert page.locator(".error-summary").count() == 1
    else:
        assert response.status in (200, 404, 409)
    assert page.locator("h1").count() == 1, "one h1 per page"
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [
        lang, "rtl" if lang == "ar" else "ltr"]
    found = violations(page, axe_source)
    assert found == [], "\n".join(f"{v['id']} ({v['help']}): {v['nodes']}" for v in found)


def assert_no_violations(page, axe_source):
    assert page.locator("h1").count() == 1, "one h1 per page"
    found = violations(page, axe_source)
    assert found == [], "\n".join(f"{v['id']} ({v['help']}): {v['nodes']}" for v in found)


def test_personal_pages_have_no_violations(page, site, axe_source):
    """E-mail confirmed, Mijn deelname in a round, and an objection with errors."""
    page.goto(join_with_email(site, "kwestie-proposing", "Mila", "mila@example.org"))
    assert page.locator("h1").inner_text() == "Je e-mailadres is bevestigd"
    assert_no_violations(page, axe_source)
    page.goto(newest_mail_link(site))
    assert page.locator("h1").inner_text() == "Mijn deelname"
    assert page.locator("#ronde").count() == 1  # a round is open: the agreements with their facts
    assert page.locator("#te-doen + ul a[href='#ronde']").count() == 1  # and it says so first
    assert_no_violations(page, axe_source)
    with page.expect_navigation():
        page.locator("form[action$='/bezwaar'] button[type=submit]").click()
    assert page.locator(".error-summary").count() == 1
    assert_no_violations(page, axe_source)
    with page.expect_navigation():  # the round form sent without an answer
        page.locator("form[action$='/instemmen'] button[type=submit]").click()
    assert page.locator(".error-summary").count() == 1
    assert_no_violations(page, axe_source)
    page.check("#mail-mail_choice-weekly")  # the mail choice: a digest once a week
    with page.expect_navigation():
        page.locator("form[action$='/mail'] button[type=submit]").click()
    assert page.url.endswith("#mail") and page.locator("#mail-mail_choice-weekly").is_checked()
    assert_no_violations(page, axe_source)


def test_mijn_deelname_while_open_and_its_forms_have_no_violations(page, site, axe_source, room_in_the_rate_limit):
    """Mijn deelname with nothing yet; the idea and question forms as the member (also with
    errors); the confirmations; and the page again with the idea and the question on it."""
    page.goto(join_with_email(site, AZC, "Sem", "sem@example.org"))
    page.goto(newest_mail_link(site))
    personal = page.url
    assert page.locator("h1").inner_text() == "Mijn deelname"
    assert_no_violations(page, axe_source)
    for kind, field, text in (("idee", "#idee-title", "Een bankje bij de bushalte"),
                              ("vraag", "#vraag-text", "Wie maakt het bankje schoon?")):
        with page.expect_navigation():
            page.locator(f"#te-doen + ul a[href*='/{kind}?lid=']").click()
        assert page.locator("input[name=author_name]").count() == 0  # no name to type
        assert_no_violations(page, axe_source)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        assert page.locator(".error-summary").count() == 1
        assert_no_violations(page, axe_source)
        page.fill(field, text)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        assert "/bedankt/" in page.url and text in page.locator("main").inner_text()
        assert_no_violations(page, axe_source)
        page.goto(personal)
    assert "Een bankje bij de bushalte" in page.locator("section[aria-labelledby=ideeen]").inner_text()
    assert "Nog geen antwoord." in page.locator("section[aria-labelledby=vragen]").inner_text()
    assert_no_violations(page, axe_source)
    # Changing one's own idea while open: the form, and the form with errors.
    with page.expect_navigation():
        page.locator("section[aria-labelledby=ideeen] a[href*='/idee/']").click()
    assert page.locator("h1").inner_text().startswith("Pas je idee")
    assert_no_violations(page, axe_source)
    page.fill("#aanpassen-idee-title", "")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert page.locator(".error-summary").count() == 1
    assert_no_violations(page, axe_source)


def test_the_circle_confirmations_have_no_violations(page, site, axe_source, room_in_the_rate_limit):
    """Joining without and with an address: what happens next, on a page of its own."""
    for data in ({"name": "Lot", "relation": "resident"}, {"name": "Mo", "relation": "resident", "email": "mo@example.org"}):
        page.goto(f"{site.url}/deelnemen/{AZC}/kring")
        page.fill("#kring-name", data["name"])
        page.check("#kring-relation")
        if "email" in data:
            page.fill("#kring-email", data["email"])
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        assert "/bedankt/L" in page.url and page.locator("h1#bedankt-kring").count() == 1
        assert "@" not in page.locator("main").inner_text()
        assert_no_violations(page, axe_source)


@pytest.mark.parametrize("prefix", ["/en", "/ar"])
def test_the_personal_pages_in_english_and_arabic_have_no_violations(page, site, axe_source, prefix,
                                                                       room_in_the_rate_limit):
    """The pages behind a personal link, in another language: the confirmation of the address,
    Mijn deelname, an idea sent from it (with errors first), its thanks page, and changing it."""
    page.goto(join_with_email(site, AZC, "Nour", f"nour{prefix[1:]}@example.org", prefix))
    assert page.url.startswith(f"{site.url}{prefix}/deelnemen/")  # the mail links into the language
    assert_no_violations(page, axe_source)
    page.goto(newest_mail_link(site))
    assert page.evaluate("document.documentElement.lang") == prefix[1:]
    assert_no_violations(page, axe_source)
    with page.expect_navigation():
        page.locator("#te-doen + ul a[href*='/idee?lid=']").click()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".error-summary").count() == 1
    assert_no_violations(page, axe_source)
    page.fill("#idee-title", "Een bankje")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert f"{prefix}/deelnemen/{AZC}/bedankt/" in page.url
    assert_no_violations(page, axe_source)
    page.goto(newest_mail_link(site))
    with page.expect_navigation():
        page.locator("section[aria-labelledby=ideeen] a[href*='/idee/']").click()
    assert page.evaluate("document.documentElement.dir") == ("rtl" if prefix == "/ar" else "ltr")
    assert_no_violations(page, axe_source)


# Scanned by the tests above: they need a personal link or a signed confirmation address.
PERSONAL_TEMPLATES = {"deelnemen/deelname", "deelnemen/bevestigd", "deelnemen/bedankt", "deelnemen/aanpassen"}
# Scanned by test_meetings_browser.py: they need meetings in the database (and some a personal link).
MEETING_TEMPLATES = {"bijeenkomst", "deelnemen/bijeenkomst", "deelnemen/aangemeld", "deelnemen/aanmelding-bevestigd",
                     "deelnemen/datums", "deelnemen/uitnodigen"}


def test_every_page_template_is_scanned():
    """A new page template must be added to PAGES above (or BEHEER_PAGES for /beheer/)."""
    from .test_beheer_accessibility import BEHEER_PAGES

    templates = {
        p.relative_to(TEMPLATES).with_suffix("").as_posix()
        for p in TEMPLATES.rglob("*.html")
        if not p.name.startswith("_") and p.name != "base.html"
    }
    assert templates - {p[1] for p in PAGES} - PERSONAL_TEMPLATES - MEETING_TEMPLATES - {
        p[1] for p in BEHEER_PAGES} == set()


def test_the_scan_finds_a_known_violation(page, axe_source):
    """Guards the guard: a page with an unlabelled input and no lang must fail."""
    page.set_content("<html><body><main><input type='text'></main></body></html>")
    assert {"label", "html-has-lang"} <= {v["id"] for v in violations(page, axe_source)}


@pytest.mark.parametrize("slug", ["kwestie-adopted", "kwestie-closed"])
def test_mijn_deelname_after_adoption_and_when_closed(page, site, axe_source, slug):
    """The phases the other tests do not reach: axe, and the mail choice with the keyboard only.
    A closed kwestie takes no new members, so this one is put in the circle directly."""
    from participation import db as database
    from participation import keys, store, tokens

    db = database.connect(site.env["SAMENPLAN_DATABASE"])
    try:
        member = store.add_member(db, slug, name="Noor", relation="resident", email=f"noor@{slug}.example")
        store.confirm_email(db, member, f"noor@{slug}.example")
    finally:
        db.close()
    secret = keys.secret_key({"SAMENPLAN_DATABASE": site.env["SAMENPLAN_DATABASE"]})
    page.goto(f"{site.url}/deelnemen/{slug}/lid/{tokens.member_token(secret, member, slug)}")
    assert page.locator("h1").inner_text() == "Mijn deelname"
    assert_no_violations(page, axe_source)
    page.focus("#mail-mail_choice-weekly")
    page.keyboard.press("Space")
    assert page.locator("#mail-mail_choice-weekly").is_checked()
    page.focus("form[action$='/mail'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("#mail") and page.locator("#mail-mail_choice-weekly").is_checked()
    assert_no_violations(page, axe_source)
