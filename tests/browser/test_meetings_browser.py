"""Meetings and the growing circle (issue 17) in the browser: axe-core on every new page, in
Dutch and in Arabic (right to left), and the two journeys a resident makes with the keyboard only.

The data is put in the shared server's database directly, in kwesties of their own, so these
tests change nothing the other browser tests look at.
"""

import datetime
import re

import pytest
import requests

from participation import accounts, keys, meetings, store, tokens
from participation import db as database
from participation.settings import load_settings

from ..support import ROOT, read_kwestie, wait_for, write_issue
from .conftest import newest_mail_link
from .test_accessibility import assert_no_violations
from .test_keyboard import FOCUS_VISIBLE, tab_to

SLUG = "bijeenkomsten-voorbeeld"  # open, with a meeting in every state
REVIEW_SLUG = "evaluatie-voorbeeld"  # adopted, with a review meeting
USERNAME, PASSWORD = "bijeenkomsten", "een-lang-wachtwoord"
LANGUAGES = [("nl", ""), ("ar", "/ar")]

# The meetings of SLUG by number, as the fixture makes them.
CHOOSING, ANNOUNCED, HELD, CANCELLED, STARTED = 1, 2, 3, 4, 5


@pytest.fixture(scope="module")
def meeting_data(site):
    """Two kwesties with meetings in every state, a circle that grew over two months (one member
    invited), and a member with a confirmed address; returns that member's token. Waits until the
    rebuild worker has written their pages."""
    content = site.env["SAMENPLAN_CONTENT"]
    write_issue(content, SLUG, phase="open", title="Voorbeeld met bijeenkomsten", Min_circle="1000",
                constraints="Alles volgens de wet.")
    write_issue(content, REVIEW_SLUG, phase="adopted", title="Voorbeeld met een evaluatie",
                constraints="Alles volgens de wet.", budget="10000")
    settings = load_settings(ROOT / "pelicanconf.py", override={"PATH": content})
    issue, review_issue = read_kwestie(settings, SLUG), read_kwestie(settings, REVIEW_SLUG)
    now = meetings.local_now()
    soon = (now + datetime.timedelta(days=10)).replace(hour=19, minute=30)
    past = (now - datetime.timedelta(days=10)).replace(hour=19, minute=30)
    earlier = now - datetime.timedelta(days=30)
    db = database.connect(site.env["SAMENPLAN_DATABASE"])
    try:
        accounts.create_user(db, USERNAME, PASSWORD, "coordinator", "Bijeenkomsten Getest")
        ans = store.add_member(db, SLUG, name="Ans", relation="resident", email="ans@bijeenkomst.example")
        store.confirm_email(db, ans, "ans@bijeenkomst.example")
        ali = store.add_member(db, SLUG, name="Ali", relation="business", channel="door")
        store.add_member(db, SLUG, name="Noor", relation="newcomer", invited=True)
        with database.write(db):  # Ali joined two months ago: the growth table has more than one month
            db.execute("update members set created_at = ? where id = ?",
                       [(now - datetime.timedelta(days=62)).isoformat(), ali])
        agenda = {"accessibility": "Ingang zonder drempel aan de zijkant.",
                  "information": "De gemeente vertelt wat er kan.", "circle_time": "De kring praat alleen.",
                  "plan_part": "We schrijven de afspraken op."}
        meetings.announce(db, issue, title="Buurtavond", place="Buurthuis De Boog", **agenda,
                          options=[soon, soon + datetime.timedelta(days=1), soon + datetime.timedelta(days=3)])
        meetings.announce(db, issue, title="Tweede buurtavond", place="Buurthuis De Boog", **agenda,
                          options=[soon + datetime.timedelta(days=7)])
        meetings.sign_up(db, SLUG, ANNOUNCED, name="Ans", email="ans@bijeenkomst.example", member_id=ans,
                         needs={"interpreter": "Arabisch"})
        meetings.sign_up(db, SLUG, ANNOUNCED, name="Samira", needs={"childcare": True, "step_free": True})
        # Meetings in the past: announced back then (now=), and recorded after they began.
        meetings.announce(db, issue, title="Eerste avond", place="Café De Zwaan", options=[past], now=earlier,
                          **agenda)
        meetings.record(db, SLUG, HELD, attendance={"resident": 14, "business": 3}, now=past,
                        account="Veel vragen over de veiligheid. Er kwamen drie afspraken uit.")
        meetings.announce(db, issue, title="Gaat niet door", place="Buurthuis De Boog",
                          options=[soon + datetime.timedelta(days=14)])
        meetings.cancel(db, SLUG, CANCELLED)
        started = (now - datetime.timedelta(hours=3)).replace(second=0)
        meetings.announce(db, issue, title="Net begonnen", place="Café De Zwaan", options=[started], now=earlier)
        meetings.announce(db, review_issue, kind="review", title="", place="Buurthuis De Boog",
                          options=[soon + datetime.timedelta(days=30)])
    finally:
        db.close()
    ready = [(f"/kwesties/{SLUG}/", 'class="growth"'), (f"/kwesties/{SLUG}/uitnodiging/", "invitation-card"),
             (f"/kwesties/{REVIEW_SLUG}/bijeenkomsten/1/", 'id="terugkijken"'),
             (f"/kwesties/{SLUG}/verslag/", "Veel vragen over de veiligheid")] + [
        (f"/kwesties/{SLUG}/bijeenkomsten/{n}/", f"meeting meeting-{state}")
        for n, state in ((CHOOSING, "choosing"), (ANNOUNCED, "announced"), (HELD, "held"),
                         (CANCELLED, "cancelled"), (STARTED, "announced"))]
    for prefix in ("", "/ar"):
        for path, text in ready:
            assert wait_for(page_shows(f"{site.url}{prefix}{path}", text), timeout=30), f"{prefix}{path} was not built"
    secret = keys.secret_key({"SAMENPLAN_DATABASE": site.env["SAMENPLAN_DATABASE"]})
    return tokens.member_token(secret, ans, SLUG)


def page_shows(url, text):
    return lambda: text in requests.get(url, timeout=5).text


def check_language(page, lang):
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [
        lang, "rtl" if lang == "ar" else "ltr"]


def submit(page, form_selector="main form"):
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").first.click()


# The static pages ------------------------------------------------------------------------------

STATIC_PAGES = [
    ("meeting, date being chosen", f"/kwesties/{SLUG}/bijeenkomsten/{CHOOSING}/",
     "article.meeting-choosing ul.offered li"),
    ("meeting, announced", f"/kwesties/{SLUG}/bijeenkomsten/{ANNOUNCED}/", "article.meeting-announced ul.actions"),
    ("meeting, held", f"/kwesties/{SLUG}/bijeenkomsten/{HELD}/", "article.meeting-held #verslag"),
    ("meeting, cancelled", f"/kwesties/{SLUG}/bijeenkomsten/{CANCELLED}/", "article.meeting-cancelled .cancelled"),
    ("meeting, over but not recorded", f"/kwesties/{SLUG}/bijeenkomsten/{STARTED}/", "article.meeting-announced"),
    ("review meeting", f"/kwesties/{REVIEW_SLUG}/bijeenkomsten/1/", "#terugkijken + ol li"),
    ("invitation card", f"/kwesties/{SLUG}/uitnodiging/", "article.invitation-card img[alt]"),
    ("kwestie with meetings and circle growth", f"/kwesties/{SLUG}/", "section.meetings"),
    ("verslag with meetings", f"/kwesties/{SLUG}/verslag/", "ol.meetings li.meeting"),
]


@pytest.mark.parametrize("lang,prefix", LANGUAGES, ids=[lang for lang, _ in LANGUAGES])
@pytest.mark.parametrize("name,url,shows", STATIC_PAGES, ids=[p[0] for p in STATIC_PAGES])
def test_static_pages_have_no_violations(page, site, axe_source, meeting_data, name, url, shows, lang, prefix):
    assert page.goto(site.url + prefix + url).status == 200
    check_language(page, lang)
    assert page.locator(shows).count() >= 1, f"{name}: {shows} not on the page"
    if url == f"/kwesties/{SLUG}/":
        growth = page.locator("table.growth")
        assert growth.locator("tbody tr").count() >= 2  # two months
        assert growth.locator("caption").count() == 1
    assert_no_violations(page, axe_source)


# The resident pages ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang,prefix", LANGUAGES, ids=[lang for lang, _ in LANGUAGES])
def test_signing_up_has_no_violations(page, site, axe_source, meeting_data, room_in_the_rate_limit, lang, prefix):
    """The signup form, empty and with errors; the thanks page; the page the mail's link opens."""
    page.goto(f"{site.url}{prefix}/deelnemen/{SLUG}/bijeenkomst/{ANNOUNCED}")
    check_language(page, lang)
    assert_no_violations(page, axe_source)
    page.check("#bijeenkomst-interpreter")  # a tolk, but no language: an error too
    submit(page)
    assert page.locator(".error-summary").count() == 1
    assert page.locator(".error-summary a").count() == 2  # the name and the language
    check_language(page, lang)
    assert_no_violations(page, axe_source)
    page.fill("#bijeenkomst-name", "Lina")
    page.fill("#bijeenkomst-email", f"lina-{lang}@bijeenkomst.example")
    page.fill("#bijeenkomst-language", "Tigrinya")
    page.check("#bijeenkomst-hearing_loop")
    submit(page)
    assert re.search(rf"{prefix}/deelnemen/{SLUG}/bijeenkomst/{ANNOUNCED}/aangemeld\?t=", page.url)
    assert "Lina" in page.locator("main").inner_text()
    assert "Tigrinya" not in page.content() and f"lina-{lang}@" not in page.content()
    check_language(page, lang)
    assert_no_violations(page, axe_source)
    page.goto(newest_mail_link(site))  # the confirmation link from the mail
    assert "/aanmelding/bevestigen/" in page.url
    check_language(page, lang)
    assert_no_violations(page, axe_source)


@pytest.mark.parametrize("lang,prefix", LANGUAGES, ids=[lang for lang, _ in LANGUAGES])
def test_personal_page_date_poll_and_invitation_have_no_violations(page, site, axe_source, meeting_data,
                                                                    room_in_the_rate_limit, lang, prefix):
    personal = f"{site.url}{prefix}/deelnemen/{SLUG}/lid/{meeting_data}"
    page.goto(personal)
    check_language(page, lang)
    assert page.locator("section[aria-labelledby=bijeenkomst]").count() == 1
    assert page.locator("section[aria-labelledby=uitnodigen]").count() == 1
    assert_no_violations(page, axe_source)

    with page.expect_navigation():  # the date poll, from the personal page
        page.locator(f"section[aria-labelledby=bijeenkomst] a[href$='/bijeenkomst/{CHOOSING}/datums']").click()
    check_language(page, lang)
    assert page.locator("#bewaard").count() == 0
    assert_no_violations(page, axe_source)
    page.check("#datums-options")
    submit(page)
    assert page.url.endswith("bewaard=1#bewaard") and page.locator("#bewaard").is_visible()
    assert page.locator("#datums-options").is_checked()
    assert_no_violations(page, axe_source)

    page.goto(personal + "/uitnodigen")
    check_language(page, lang)
    assert_no_violations(page, axe_source)
    submit(page)
    assert page.locator(".error-summary").count() == 1
    assert_no_violations(page, axe_source)
    page.fill("#uitnodigen-email", f"buurvrouw-{lang}@bijeenkomst.example")
    page.fill("#uitnodigen-note", "Jij woont ook in de straat. Denk je mee?")
    submit(page)
    assert page.url.endswith("verstuurd=1#verstuurd") and page.locator("#verstuurd").is_visible()
    assert f"buurvrouw-{lang}@" not in page.content()
    assert_no_violations(page, axe_source)


# The coordinator's pages -------------------------------------------------------------------------


def log_in(page, site):
    page.goto(site.url + "/beheer/inloggen")
    page.fill("#inloggen-username", USERNAME)
    page.fill("#inloggen-password", PASSWORD)
    submit(page)
    assert page.url == site.url + "/beheer/"


def announce_without_a_date(page):
    submit(page, "form[action$='/bijeenkomst/aankondigen']")
    assert page.locator(".error-summary").count() == 1


def record_with_a_wrong_count(page):
    page.fill("#opschrijven-count_resident", "veel")
    submit(page, "form[action$='/opschrijven']")
    assert page.locator(".error-summary").count() == 1


BEHEER_PAGES = [
    ("meetings", f"/beheer/{SLUG}/bijeenkomsten", "form[action$='/bijeenkomst/aankondigen']", None),
    ("meetings, announce form with errors", f"/beheer/{SLUG}/bijeenkomsten", None, announce_without_a_date),
    ("meeting, the circle chooses", f"/beheer/{SLUG}/bijeenkomst/{CHOOSING}", "form[action$='/datum']", None),
    ("meeting, announced with signups", f"/beheer/{SLUG}/bijeenkomst/{ANNOUNCED}", "#aanmeldingen", None),
    ("meeting, started: the record form", f"/beheer/{SLUG}/bijeenkomst/{STARTED}", "form[action$='/opschrijven']",
     None),
    ("meeting, record form with errors", f"/beheer/{SLUG}/bijeenkomst/{STARTED}", None, record_with_a_wrong_count),
    ("meeting, held", f"/beheer/{SLUG}/bijeenkomst/{HELD}", "form[action$='/opschrijven']", None),
    ("meeting, cancelled", f"/beheer/{SLUG}/bijeenkomst/{CANCELLED}", "main h1", None),
    ("review meeting", f"/beheer/{REVIEW_SLUG}/bijeenkomst/1", "main h1", None),
]


@pytest.mark.parametrize("name,url,shows,action", BEHEER_PAGES, ids=[p[0] for p in BEHEER_PAGES])
def test_beheer_pages_have_no_violations(page, site, axe_source, meeting_data, name, url, shows, action):
    log_in(page, site)
    assert page.goto(site.url + url).status == 200
    if action:
        action(page)
    else:
        assert page.locator(shows).count() >= 1, f"{name}: {shows} not on the page"
    if name == "meeting, announced with signups":
        needs = page.locator("#aanmeldingen ~ dl").first.inner_text()
        assert "Tolk Arabisch" in needs and "Kinderopvang" in needs
    assert page.evaluate("document.documentElement.lang") == "nl"
    assert_no_violations(page, axe_source)


# With the keyboard only ----------------------------------------------------------------------------


def test_from_the_kwestie_page_to_a_signup_with_the_keyboard_only(page, site, meeting_data, room_in_the_rate_limit):
    page.goto(f"{site.url}/kwesties/{SLUG}/")
    tab_to(page, f"section.meetings a[href='/kwesties/{SLUG}/bijeenkomsten/{ANNOUNCED}/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/kwesties/{SLUG}/bijeenkomsten/{ANNOUNCED}/")
    tab_to(page, f"a[href='/deelnemen/{SLUG}/bijeenkomst/{ANNOUNCED}']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/deelnemen/{SLUG}/bijeenkomst/{ANNOUNCED}")
    tab_to(page, "#bijeenkomst-name")
    page.keyboard.type("Jamal")
    tab_to(page, "#bijeenkomst-childcare")
    page.keyboard.press("Space")
    assert page.locator("#bijeenkomst-childcare").is_checked()
    tab_to(page, "#bijeenkomst-email", key="Shift+Tab")  # back and forth works too
    tab_to(page, "form[action$='/bijeenkomst/2'] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/deelnemen/{SLUG}/bijeenkomst/{ANNOUNCED}/aangemeld\?t="))
    assert "Jamal" in page.locator("main").inner_text()
    db = database.connect(site.env["SAMENPLAN_DATABASE"])
    try:
        row = db.execute("select childcare, email from meeting_signups where name = 'Jamal'").fetchone()
    finally:
        db.close()
    assert tuple(row) == (1, None)


def test_mark_a_date_with_the_keyboard_only(page, site, meeting_data, room_in_the_rate_limit):
    page.goto(f"{site.url}/deelnemen/{SLUG}/lid/{meeting_data}/bijeenkomst/{CHOOSING}/datums")
    tab_to(page, "#datums-options")
    if page.locator("#datums-options").is_checked():  # ticked by an earlier test: start empty
        page.keyboard.press("Space")
    tab_to(page, "input[name=options]:not(#datums-options)")  # the second date
    page.keyboard.press("Space")
    assert page.locator("input[name=options]:checked").count() == 1
    tab_to(page, "main form button[type=submit]:not([name])")
    assert page.evaluate(FOCUS_VISIBLE)
    page.keyboard.press("Enter")
    page.wait_for_url("**/datums?bewaard=1#bewaard")
    assert page.locator("#bewaard").is_visible()
    checked = page.locator("input[name=options]:checked")
    assert checked.count() == 1 and checked.get_attribute("id") != "datums-options"
