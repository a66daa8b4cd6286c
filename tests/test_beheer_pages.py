"""/beheer/ by task (issue 13): a kwestie's pages with one navigation, "Wat nu?" per
kwestie, roles changed in the browser, and every POST under /beheer/ answering 303
to a page of its task (or 400/409), with a reload that repeats nothing."""

import datetime
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from flask import url_for

from participation import accounts, audit, consent, phases, store
from participation.formats import datum
from participation.next_steps import next_steps

from . import test_beheer
from .conftest import AZC, FUND, write_issue
from .support import read_kwestie
from .test_beheer import PASSWORD, log_in_as, post

# test_beheer's fixtures, used here under the same names.
coordinator, professional = test_beheer.coordinator, test_beheer.professional
as_coordinator, as_professional = test_beheer.as_coordinator, test_beheer.as_professional

TODAY = phases.today()
PLAN_SLUG = "speelplek"
NAV = re.compile(r'<nav class="kwestie-nav" aria-label="Deze kwestie">(.*?)</nav>', re.DOTALL)

# Every task page of a kwestie: (key in the navigation, address below /beheer/<slug>/).
TASK_PAGES = [
    ("overzicht", ""),
    ("kring", "kring"),
    ("bijdragen", "bijdragen"),
    ("moderatie", "moderatie"),
    ("bijeenkomsten", "bijeenkomsten"),
    ("plan", "plan/"),
    ("opvolging", "opvolging"),
]
FOR_PROFESSIONALS = {"overzicht", "kring", "bijdragen"}


def nav_links(page):
    """[(href, current)] of the kwestie's navigation; the page has exactly one."""
    [nav] = NAV.findall(page)
    return [(href, bool(current)) for href, current in re.findall(r'<a href="([^"]+)"( aria-current="page")?>', nav)]


# The pages and their navigation ---------------------------------------------------------


@pytest.mark.parametrize("key,address", TASK_PAGES)
def test_every_task_page_has_the_navigation_with_itself_marked(as_coordinator, settings, key, address):
    write_issue(settings, PLAN_SLUG, phase="proposing")
    for slug in (AZC, PLAN_SLUG):
        url = f"/beheer/{slug}/{address}"
        response = as_coordinator.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert page.count("<h1") == 1
        links = nav_links(page)
        assert [href for href, current in links if current] == [url]
        hrefs = [href for href, _ in links]
        assert hrefs == [f"/beheer/{slug}/", f"/beheer/{slug}/tekst", f"/beheer/{slug}/kring",
                         f"/beheer/{slug}/bijdragen", f"/beheer/{slug}/moderatie", f"/beheer/{slug}/bijeenkomsten",
                         f"/beheer/{slug}/plan/", f"/beheer/{slug}/opvolging"]


def test_the_text_page_the_navigation_links_to_exists(as_coordinator):
    assert as_coordinator.get(f"/beheer/{AZC}/tekst").status_code == 200


@pytest.mark.parametrize("key,address", TASK_PAGES)
def test_a_professional_sees_what_they_saw_before(as_professional, key, address):
    response = as_professional.get(f"/beheer/{AZC}/{address}")
    if key not in FOR_PROFESSIONALS:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert [href for href, _ in nav_links(page)] == [f"/beheer/{AZC}/", f"/beheer/{AZC}/kring",
                                                     f"/beheer/{AZC}/bijdragen"]
    assert "<form" not in page.split('aria-label="Deze kwestie"', 1)[1]  # nothing to change here
    assert "Wat nu?" not in page


def test_a_professional_still_sees_circle_counts_questions_and_objections(as_professional, settings, db):
    write_issue(settings, PLAN_SLUG, phase="proposing")
    store.add_member(db, PLAN_SLUG, name="Ans", relation="resident")
    store.add_agreement(db, PLAN_SLUG, what="Koffie")
    store.add_objection(db, PLAN_SLUG, agreement_number=1, reason="Te vroeg op de dag", member_id=1)
    store.add_question(db, PLAN_SLUG, text="Mag dat?")
    circle = as_professional.get(f"/beheer/{PLAN_SLUG}/kring").get_data(as_text=True)
    assert "<td>1</td>" in circle and "Ans" not in circle
    page = as_professional.get(f"/beheer/{PLAN_SLUG}/bijdragen").get_data(as_text=True)
    assert "Te vroeg op de dag" in page and "Beantwoord V1" in page and "Ans" not in page


@pytest.mark.parametrize("action,data,page_of_task", [
    ("fase", {"phase": ""}, ""),
    ("verbergen", {"table": "ideas", "number": "1"}, "moderatie"),
    ("bijeenkomst", {}, "bijeenkomsten"),
    ("namens/kring", {}, "kring"),
    ("namens/idee", {}, "bijdragen"),
    ("namens/vraag", {}, "bijdragen"),
])
def test_forms_with_errors_come_back_on_the_page_of_their_task(as_coordinator, db, action, data, page_of_task):
    store.add_idea(db, AZC, title="Koffie")
    response = post(as_coordinator, f"/beheer/{AZC}/{action}", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'class="error-summary"' in page and "<title>Fout: " in page
    assert [href for href, current in nav_links(page) if current] == [f"/beheer/{AZC}/{page_of_task}"]


def test_the_moderation_page_lists_hidden_contributions_with_their_text(as_coordinator, db):
    store.add_idea(db, AZC, title="Iets met een naam", author_name="Jan")
    store.set_hidden(db, "ideas", AZC, 1, reason="Er stond een naam in.")
    page = as_coordinator.get(f"/beheer/{AZC}/moderatie").get_data(as_text=True)
    assert "Iets met een naam" in page and "Er stond een naam in." in page
    assert "Toon I1 weer op de site" in page and "Haal de naam bij I1 weg" in page
    contributions = as_coordinator.get(f"/beheer/{AZC}/bijdragen").get_data(as_text=True)
    assert f'href="/beheer/{AZC}/moderatie#I1">I1 weer tonen' in contributions


# What to do next ------------------------------------------------------------------------


def steps_of(db, settings, slug, today=TODAY):
    return [(s.task, s.text) for s in next_steps(db, settings, read_kwestie(settings, slug), today)]


def texts(db, settings, slug, today=TODAY):
    return [text for _, text in steps_of(db, settings, slug, today)]


def test_questions_waiting_for_an_answer(db, settings, professional):
    write_issue(settings, "plein", Min_circle="1")
    store.add_member(db, "plein", name="Ans", relation="resident")
    assert texts(db, settings, "plein") == []
    store.add_question(db, "plein", text="Een?")
    assert steps_of(db, settings, "plein") == [("bijdragen", "1 vraag wacht op een antwoord.")]
    store.add_question(db, "plein", text="Twee?")
    store.add_question(db, "plein", text="Drie?")
    store.add_question(db, "plein", text="Verborgen?")
    store.set_hidden(db, "questions", "plein", 4, reason="Naam")  # a hidden question waits for nobody
    assert texts(db, settings, "plein") == ["3 vragen wachten op een antwoord."]
    store.add_answer(db, "plein", 1, user_id=professional["id"], text="Ja.")
    assert texts(db, settings, "plein") == ["2 vragen wachten op een antwoord."]


def test_a_circle_too_small_and_the_end_of_the_idea_period(db, settings):
    write_issue(settings, "plein", Min_circle="3", Ideas_until=(TODAY + datetime.timedelta(days=3)).isoformat())
    store.add_member(db, "plein", name="Ans", relation="resident")
    assert steps_of(db, settings, "plein") == [("kring", "De kring is te klein: 1 van de minstens 3 mensen.")]
    later = TODAY + datetime.timedelta(days=4)
    assert steps_of(db, settings, "plein", later)[1] == (
        "overzicht", "De tijd voor ideeën is voorbij. Maak een concept-plan: zet de fase op ‘concept-plan’.")
    for name in ("Bram", "Cor"):
        store.add_member(db, "plein", name=name, relation="resident")
    assert [task for task, _ in steps_of(db, settings, "plein", later)] == ["overzicht"]


def test_a_draft_is_not_on_the_site_yet_and_a_closed_kwestie_needs_nothing(db, settings):
    write_issue(settings, "concept", phase="draft")
    assert steps_of(db, settings, "concept") == [
        ("tekst", "Staat nog niet op de site. Maak de tekst af en verander dan de fase.")]
    write_issue(settings, "klaar", phase="closed")
    store.add_question(db, "klaar", text="Te laat?")
    assert steps_of(db, settings, "klaar") == []


@pytest.fixture
def plan_kwestie(settings, db):
    """A kwestie in phase concept-plan with two members and two concept agreements."""
    write_issue(settings, PLAN_SLUG, phase="proposing", Budget="10000")
    ans = store.add_member(db, PLAN_SLUG, name="Ans", relation="resident", email="ans@example.org")
    store.confirm_email(db, ans, "ans@example.org")
    bram = store.add_member(db, PLAN_SLUG, name="Bram", relation="business")
    store.add_idea(db, PLAN_SLUG, title="Koffie", author_name="Ans")
    store.add_agreement(db, PLAN_SLUG, what="Elke zaterdag koffie", cost=1200, from_ideas=[1])
    store.add_agreement(db, PLAN_SLUG, what="Een buurtapp")
    return SimpleNamespace(issue=read_kwestie(settings, PLAN_SLUG), ans=ans, bram=bram)


def open_round(db, kwestie, numbers=(1, 2), days=7):
    consent.open_round(db, kwestie.issue, list(numbers), consent.end_of_day(TODAY + datetime.timedelta(days=days)))


def adopt(db, settings, kwestie):
    """A1 adopted as version 1: both members can live with it."""
    open_round(db, kwestie, [1])
    for member in (kwestie.ans, kwestie.bram):
        consent.respond(db, kwestie.issue, member, "consent")
    return consent.adopt(db, settings, kwestie.issue, meeting="Buurtavond")


def test_concept_agreements_wait_for_a_round(db, settings, plan_kwestie):
    assert steps_of(db, settings, PLAN_SLUG) == [("plan", "2 afspraken in het concept-plan wachten op een ronde.")]
    store.add_agreement(db, PLAN_SLUG, what="Nog een")
    assert texts(db, settings, PLAN_SLUG) == ["3 afspraken in het concept-plan wachten op een ronde."]


def test_one_concept_agreement_and_an_empty_concept_plan(db, settings):
    write_issue(settings, "plein", phase="proposing")
    assert steps_of(db, settings, "plein") == [("plan", "Schrijf de eerste afspraken voor het concept-plan op.")]
    store.add_agreement(db, "plein", what="Koffie")
    assert texts(db, settings, "plein") == ["1 afspraak in het concept-plan wacht op een ronde."]


@pytest.mark.parametrize("days,text", [
    (2, "Ronde eindigt over 2 dagen"), (1, "Ronde eindigt morgen"), (0, "Ronde eindigt vandaag"),
    (10, "Ronde eindigt over 10 dagen"),
])
def test_a_round_ends_in_so_many_days(db, settings, plan_kwestie, days, text):
    open_round(db, plan_kwestie, days=10)
    last_day = TODAY + datetime.timedelta(days=10)
    today = last_day - datetime.timedelta(days=days)
    [(task, said)] = steps_of(db, settings, PLAN_SLUG, today)
    assert (task, said) == ("plan", f"{text} ({datum(last_day)}).")


def test_a_round_that_is_over_or_that_everyone_answered(db, settings, plan_kwestie):
    open_round(db, plan_kwestie, days=2)
    assert texts(db, settings, PLAN_SLUG, TODAY + datetime.timedelta(days=3)) == [
        "De ronde is voorbij. Neem een besluit over het plan."]
    for member in (plan_kwestie.ans, plan_kwestie.bram):
        consent.respond(db, plan_kwestie.issue, member, "consent")
    assert texts(db, settings, PLAN_SLUG) == ["Iedereen in de kring heeft geantwoord. Neem een besluit over het plan."]


def test_open_objections(db, settings, plan_kwestie):
    open_round(db, plan_kwestie)
    consent.respond(db, plan_kwestie.issue, plan_kwestie.ans, "objection", reason="Te duur", agreement_number=1)
    assert texts(db, settings, PLAN_SLUG)[1:] == ["1 bezwaar is nog niet opgelost."]
    consent.respond(db, plan_kwestie.issue, plan_kwestie.bram, "objection", reason="Te vroeg", agreement_number=2)
    assert texts(db, settings, PLAN_SLUG)[1:] == ["2 bezwaren zijn nog niet opgelost."]
    consent.respond(db, plan_kwestie.issue, plan_kwestie.bram, "concern", reason="Hm", agreement_number=1)
    assert texts(db, settings, PLAN_SLUG)[1:] == ["2 bezwaren zijn nog niet opgelost."]  # a concern blocks nothing


def test_a_missing_response_of_the_municipality(db, settings, plan_kwestie):
    open_round(db, plan_kwestie, [1, 2])
    for member in (plan_kwestie.ans, plan_kwestie.bram):
        consent.respond(db, plan_kwestie.issue, member, "consent")
    consent.adopt(db, settings, plan_kwestie.issue)
    assert ("opvolging", "Reactie gemeente ontbreekt bij A1 en A2.") in steps_of(db, settings, PLAN_SLUG)
    consent.record_responses(db, settings, plan_kwestie.issue, {"A1": {"decision": "fund", "text": "Ja."}})
    assert "Reactie gemeente ontbreekt bij A2." in texts(db, settings, PLAN_SLUG)
    consent.record_responses(db, settings, plan_kwestie.issue, {
        "A2": {"decision": "decline", "text": "Nee.", "review_at": (TODAY + datetime.timedelta(days=30)).isoformat()}})
    assert not [t for t in texts(db, settings, PLAN_SLUG) if "gemeente" in t or "Evaluatie" in t]
    assert texts(db, settings, PLAN_SLUG, TODAY + datetime.timedelta(days=31)) == [
        "Evaluatiemoment voorbij bij A2. Schrijf op hoe het gaat."]


def test_next_steps_are_on_the_overview_and_on_the_kwestie_page(as_coordinator, db, settings, plan_kwestie):
    store.add_question(db, PLAN_SLUG, text="Mag dat?")
    index = as_coordinator.get("/beheer/").get_data(as_text=True)
    assert ">Wat nu?</th>" in index
    row = re.search(rf'<a href="/beheer/{PLAN_SLUG}/">.*?</tr>', index, re.DOTALL).group(0)
    assert f'<a href="/beheer/{PLAN_SLUG}/bijdragen#vragen">1 vraag wacht op een antwoord.</a>' in row
    assert f'<a href="/beheer/{PLAN_SLUG}/plan/">2 afspraken in het concept-plan wachten op een ronde.</a>' in row
    page = as_coordinator.get(f"/beheer/{PLAN_SLUG}/").get_data(as_text=True)
    assert "1 vraag wacht op een antwoord." in page and "2 afspraken in het concept-plan" in page
    # The demo's adopted plan has no recorded hashes in this fresh database: that comes first.
    fund = re.search(rf'<a href="/beheer/{FUND}/">.*?</tr>', index, re.DOTALL).group(0)
    assert "De versies van het plan kloppen niet." in fund


def test_the_new_kwestie_link_is_for_coordinators(client, coordinator, professional):
    log_in_as(client, coordinator)
    page = client.get("/beheer/").get_data(as_text=True)
    assert '<a class="button" href="/beheer/nieuw">Nieuwe kwestie</a>' in page
    assert "samenplan new" not in page
    log_in_as(client, professional)
    page = client.get("/beheer/").get_data(as_text=True)
    assert "Nieuwe kwestie" not in page and "Wat nu?" not in page


# Roles -------------------------------------------------------------------------------------


def test_a_coordinator_changes_a_role(as_coordinator, coordinator, professional, db, client):
    page = as_coordinator.get("/beheer/gebruikers").get_data(as_text=True)
    assert f'action="/beheer/gebruikers/{professional["id"]}/rol"' in page
    assert f'action="/beheer/gebruikers/{coordinator["id"]}/rol"' not in page  # not one's own
    assert "Maak wijkagent coördinator" in page
    response = post(as_coordinator, f"/beheer/gebruikers/{professional['id']}/rol", {"role": "coordinator"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/beheer/gebruikers#account-{professional['id']}"
    assert accounts.get_user(db, professional["id"])["role"] == "coordinator"
    [entry] = audit.entries(db)
    assert (entry["action"], entry["detail"]) == ("set_role", "wijkagent: professional → coördinator")
    assert audit.ACTIONS["set_role"] == "rol veranderd"
    # Back again: the account can no longer reach what only a coordinator may, at once.
    assert post(as_coordinator, f"/beheer/gebruikers/{professional['id']}/rol",
                {"role": "professional"}).status_code == 303
    log_in_as(client, accounts.get_user(db, professional["id"]))
    assert client.get("/beheer/gebruikers").status_code == 403


def test_no_one_changes_their_own_role(as_coordinator, coordinator, professional, db):
    accounts.set_role(db, "wijkagent", "coordinator")  # so it is not about being the last one
    response = post(as_coordinator, f"/beheer/gebruikers/{coordinator['id']}/rol", {"role": "professional"})
    assert response.status_code == 409
    assert "Je kunt je eigen rol niet veranderen" in response.get_data(as_text=True)
    assert accounts.get_user(db, coordinator["id"])["role"] == "coordinator" and audit.entries(db) == []


@pytest.mark.parametrize("role,status", [("baas", 400), ("", 400), ("professional", 409)])
def test_a_role_that_is_not_one_or_not_new(as_coordinator, professional, db, role, status):
    response = post(as_coordinator, f"/beheer/gebruikers/{professional['id']}/rol", {"role": role})
    assert response.status_code == status
    assert accounts.get_user(db, professional["id"])["role"] == "professional" and audit.entries(db) == []


def test_the_last_enabled_coordinator_stays_one(db, coordinator, professional):
    """The rule is accounts.py's, so the command line (by=None) obeys it too."""
    with pytest.raises(ValueError, match="altijd een coördinator"):
        accounts.set_role(db, "marieke", "professional")
    with pytest.raises(ValueError, match="eigen rol"):
        accounts.set_role(db, "marieke", "professional", by=coordinator["id"])
    with pytest.raises(ValueError, match="Onbekende rol"):
        accounts.set_role(db, "wijkagent", "baas")
    accounts.set_role(db, "wijkagent", "coordinator")
    accounts.set_disabled(db, "wijkagent", True)  # a coordinator who cannot log in does not count
    with pytest.raises(ValueError, match="altijd een coördinator"):
        accounts.set_role(db, "marieke", "professional")
    accounts.set_role(db, "wijkagent", "professional")  # a disabled one may go: marieke stays
    accounts.set_disabled(db, "wijkagent", False)
    accounts.set_role(db, "wijkagent", "coordinator")
    assert accounts.set_role(db, "marieke", "professional")["role"] == "professional"


# Every POST under /beheer/ ------------------------------------------------------------------


@dataclass
class Submission:
    """One example of a form sent to an endpoint: the URL's values, data that is stored
    (303), and data that is refused (400 or 409). invalid None: there is nothing to get
    wrong but the CSRF token. invalid_values: other URL values for the refused one."""
    values: dict
    valid: dict
    invalid: dict | None
    invalid_values: dict = field(default_factory=dict)


def in_a_week():
    return (TODAY + datetime.timedelta(days=7)).isoformat()


def yesterday():
    return (TODAY - datetime.timedelta(days=1)).isoformat()


def plan_state(t, stage):
    """The plan kwestie up to `stage`: concept, round, objection, adoptable, adopted."""
    write_issue(t.settings, PLAN_SLUG, phase="proposing", Budget="10000")
    ans = store.add_member(t.db, PLAN_SLUG, name="Ans", relation="resident")
    store.add_idea(t.db, PLAN_SLUG, title="Koffie")
    store.add_agreement(t.db, PLAN_SLUG, what="Elke zaterdag koffie", from_ideas=[1])
    store.add_agreement(t.db, PLAN_SLUG, what="Een buurtapp")
    issue = read_kwestie(t.settings, PLAN_SLUG)
    end = consent.end_of_day(TODAY + datetime.timedelta(days=7))
    if stage in ("round", "objection"):
        consent.open_round(t.db, issue, [1, 2], end)
    if stage == "objection":
        consent.respond(t.db, issue, ans, "objection", reason="Te duur", agreement_number=1)
    if stage in ("adoptable", "adopted"):
        consent.open_round(t.db, issue, [1], end)
        consent.respond(t.db, issue, ans, "consent")
    if stage == "adopted":
        consent.adopt(t.db, t.settings, issue)
    return {"slug": PLAN_SLUG, "number": 1, "member": ans}


def an_idea(t, hidden=False):
    store.add_idea(t.db, AZC, title="Koffie", author_name="Jan")
    if hidden:
        store.set_hidden(t.db, "ideas", AZC, 1, reason="Naam")
    return {"slug": AZC}


def a_member(t, email=None):
    return store.add_member(t.db, AZC, name="Ans", relation="resident", email=email)


def a_photo(width=40, height=30):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(out, "JPEG")
    return out.getvalue()


def with_a_photo(t):
    from participation import issue_file, photo

    issue_file.set_photo(t.settings, read_kwestie(t.settings, AZC), photo.prepare(a_photo()), "Het café")
    return {"slug": AZC}


def a_draft(t):
    write_issue(t.settings, "plein", phase="draft")
    return {"slug": "plein"}


def a_meeting(t, dates=1, started=False):
    """Meeting 1 of the café kwestie: a week from now (dates > 1: the circle chooses), or
    with started, announced a week ago for yesterday evening."""
    from participation import meetings

    first = datetime.datetime.combine(TODAY + datetime.timedelta(days=-1 if started else 7), datetime.time(19, 30))
    number = meetings.announce(t.db, read_kwestie(t.settings, AZC), title="Buurtavond", place="Buurthuis",
                               options=[first + datetime.timedelta(days=n) for n in range(dates)],
                               now=first - datetime.timedelta(days=7))
    return {"slug": AZC, "number": number}


def a_choice(t, with_member=False):
    """A meeting whose date the circle chooses, its first option's id and (with_member) a member's id."""
    from participation import meetings

    values = a_meeting(t, dates=2)
    option = str(meetings.get(t.db, AZC, values["number"])["options"][0]["id"])
    return values, option, str(a_member(t)) if with_member else None


def plan_case(stage, valid, invalid, number=None, invalid_number=None):
    """A submission to a plan endpoint; "<member>" in the data stands for the member's id."""
    def make(t):
        member = str(plan_state(t, stage)["member"])
        values = {"slug": PLAN_SLUG} if number is None else {"slug": PLAN_SLUG, "number": number}
        other = {"slug": PLAN_SLUG, "number": invalid_number} if invalid_number else {}
        return Submission(values, {k: member if v == "<member>" else v for k, v in valid.items()},
                          {k: member if v == "<member>" else v for k, v in invalid.items()}, other)
    return make


# Endpoint -> ways to make an example submission. A POST route without an entry fails
# test_every_post_under_beheer_has_an_example.
COVERAGE = {
    "beheer.login": [lambda t: Submission({}, {"username": "marieke", "password": PASSWORD}, {})],
    "beheer.logout": [lambda t: Submission({}, {}, None)],
    "beheer.hide": [lambda t: Submission(an_idea(t), {"table": "ideas", "number": "1", "reason": "Scheldwoord"},
                                         {"table": "ideas", "number": "1", "reason": ""})],
    "beheer.unhide": [lambda t: Submission(an_idea(t, hidden=True), {"table": "ideas", "number": "1"},
                                           {"table": "users", "number": "1"})],
    "beheer.remove_name": [lambda t: Submission(an_idea(t), {"table": "ideas", "number": "1"},
                                                {"table": "ideas", "number": "x"})],
    "beheer_meetings.add_meeting": [lambda t: Submission({"slug": AZC}, {"held_on": yesterday(), "place": "Buurthuis"},
                                                {"held_on": "", "place": ""})],
    "beheer_meetings.announce": [
        lambda t: Submission({"slug": AZC}, {"place": "Buurthuis", "date_1": in_a_week(), "starts": "19:30",
                                             "ends": "21.30"}, {"place": "", "starts": "laat"}),
        lambda t: Submission({"slug": AZC}, {"place": "Buurthuis", "date_1": in_a_week(), "date_2": "14-1-2999",
                                             "starts": "19:30", "ends": "21:30"},
                             {"place": "Buurthuis", "date_1": yesterday(), "starts": "19:30", "ends": "21:30"}),  # 409
    ],
    "beheer_meetings.fix_date": [lambda t: (lambda values, option, _: Submission(
        values, {"option": option}, {"option": "de eerste"}))(*a_choice(t))],
    "beheer_meetings.enter_dates": [lambda t: (lambda values, option, member: Submission(
        values, {"member": member, "options": [option]}, {"member": member, "options": ["x"]}))(*a_choice(t, True))],
    "beheer_meetings.sign_up": [lambda t: Submission(a_meeting(t), {"name": "Henk", "interpreter": "Arabisch",
                                                                    "step_free": "1"}, {"name": ""})],
    "beheer_meetings.cancel": [lambda t: Submission(a_meeting(t), {"confirm": "1"}, {})],
    "beheer_meetings.change_text": [lambda t: Submission(a_meeting(t), {"title": "Buurtavond", "place": "Café"},
                                                         {"place": ""})],
    "beheer_meetings.record": [lambda t: Submission(a_meeting(t, started=True), {"count_resident": "12", "account": "Goed."},
                                                    {"count_resident": "veel"})],
    "beheer.change_phase": [lambda t: Submission({"slug": AZC}, {"phase": "closed"}, {"phase": "adopted"})],
    "beheer.resend_confirmation": [lambda t: Submission(
        {"slug": AZC, "number": a_member(t, "ans@example.org")}, {}, {},
        invalid_values={"slug": AZC, "number": a_member(t)})],  # no address: 409
    "beheer.on_behalf": [
        lambda t: Submission({"slug": AZC, "kind": "kring"}, {"channel": "door", "name": "Henk", "relation": "resident"},
                             {"channel": "door", "name": ""}),
        lambda t: Submission({"slug": AZC, "kind": "idee"}, {"channel": "paper", "title": "Bankje"}, {"channel": "fax"}),
        lambda t: Submission({"slug": AZC, "kind": "vraag"}, {"channel": "meeting", "text": "Hoe?"}, {"text": "Hoe?"}),
    ],
    "beheer.answer": [lambda t: Submission(
        {"slug": AZC, "number": store.add_question(t.db, AZC, text="Hoe lang?")}, {"text": "Een jaar."}, {"text": ""})],
    "beheer.users": [lambda t: Submission({}, {"username": "nieuw", "display_name": "Nieuw", "role": "professional",
                                               "password": PASSWORD, "password_again": PASSWORD},
                                          {"username": "nieuw", "display_name": "Nieuw", "role": "baas"})],
    "beheer.disable_user": [lambda t: Submission({"number": t.professional["id"]}, {}, {},
                                                 invalid_values={"number": t.coordinator["id"]})],  # own: 409
    "beheer.enable_user": [lambda t: Submission(
        {"number": accounts.set_disabled(t.db, "wijkagent", True)["id"]}, {}, {},
        invalid_values={"number": t.coordinator["id"]})],  # on already: 409
    "beheer.set_password": [lambda t: Submission({"number": t.professional["id"]},
                                                 {"password": "nog-een-wachtwoord", "password_again": "nog-een-wachtwoord"},
                                                 {"password": "kort", "password_again": "kort"})],
    "beheer.set_role": [lambda t: Submission({"number": t.professional["id"]}, {"role": "coordinator"},
                                             {"role": "coordinator"}, invalid_values={"number": t.coordinator["id"]})],
    "beheer_plan.propose": [plan_case("concept", {"what": "Een bankje"}, {"what": ""})],
    "beheer_plan.amend": [plan_case("concept", {"what": "Elke zondag koffie"}, {"what": "", "cost": "veel"}, 1)],
    "beheer_plan.open_round": [plan_case("concept", {"agreements": ["1"], "ends": in_a_week()},
                                         {"agreements": [], "ends": ""})],
    "beheer_plan.respond": [plan_case("round", {"member": "<member>", "answer": "consent"},
                                      {"member": "<member>", "answer": "misschien"})],
    "beheer_plan.close_objection": [plan_case("objection", {"how": "withdrawn", "note": "Het is nu zaterdag."},
                                              {"how": "", "note": ""}, 1)],
    "beheer_plan.leave_out": [plan_case("round", {}, {}, 2, invalid_number=9)],  # A9 is not in the round: 409
    "beheer_plan.adopt": [plan_case("adoptable", {"meeting": "Buurtavond"}, {"meeting": "x" * 201})],
    "beheer_plan.status_update": [plan_case("adopted", {"status": "in_progress", "note": "Begonnen", "based_on": "1"},
                                            {"status": "klaar", "note": ""}, 1)],
    "beheer_plan.municipality_response": [plan_case("adopted", {"decision": "fund", "text": "Wij betalen het."},
                                                    {"decision": "", "text": ""}, 1)],
    "beheer_tekst.new": [lambda t: Submission({}, {"title": "Een speeltuin", "question": "Wat wil je?", "action": "save"},
                                              {"title": "", "action": "save"})],
    "beheer_tekst.edit": [lambda t: Submission(
        a_draft(t), {"slug": "plein", "title": "Het plein", "question": "Wat wil je op het plein?", "action": "save"},
        {"slug": "plein", "title": "", "action": "save"})],
    "beheer_tekst.ideas_until": [lambda t: Submission({"slug": AZC}, {"ideas_until": "31-12-2999"},
                                                      {"ideas_until": "morgen"})],
    "beheer_tekst.upload_photo": [lambda t: Submission(
        {"slug": AZC}, {"photo": (io.BytesIO(a_photo()), "plein.jpg"), "alt": "Het plein"}, {"alt": ""})],
    "beheer_tekst.remove_photo": [lambda t: Submission(with_a_photo(t), {}, None)],
}
CASES = [pytest.param(endpoint, make, id=f"{endpoint}-{n}")
         for endpoint, makes in COVERAGE.items() for n, make in enumerate(makes)]


@pytest.fixture
def world(as_coordinator, coordinator, professional, settings, db):
    return SimpleNamespace(client=as_coordinator, coordinator=coordinator, professional=professional,
                           settings=settings, db=db)


def post_rules(app):
    return [r for r in app.url_map.iter_rules() if "POST" in r.methods and r.rule.startswith("/beheer/")]


def test_every_post_under_beheer_has_an_example(app):
    endpoints = {rule.endpoint for rule in post_rules(app)}
    assert endpoints - COVERAGE.keys() == set(), "add an example submission to COVERAGE"
    assert COVERAGE.keys() - endpoints == set(), "COVERAGE names an endpoint that is gone"


def address(app, endpoint, values):
    with app.test_request_context():
        return url_for(endpoint, **values)


def snapshot(world):
    """The whole database (the audit log included) and every file of the content folder."""
    files = {p: p.read_bytes() for p in Path(world.settings["PATH"]).rglob("*") if p.is_file()}
    return list(world.db.conn.iterdump()), files


def page_of(location):
    """The path (and query) of a Location header, without the part after #."""
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.mark.parametrize("endpoint,make", CASES)
def test_a_valid_post_answers_303_to_its_page_and_a_reload_repeats_nothing(app, world, endpoint, make):
    submission = make(world)
    response = post(world.client, address(app, endpoint, submission.values), submission.valid)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    location = page_of(response.headers["Location"])
    assert location.startswith("/beheer/")
    assert world.client.get(location).status_code == 200  # the page of the task, with the message
    before = snapshot(world)
    assert world.client.get(location).status_code == 200  # a reload
    assert snapshot(world) == before


@pytest.mark.parametrize("endpoint,make", CASES)
def test_an_invalid_post_answers_400_or_409_and_stores_nothing(app, world, endpoint, make):
    submission = make(world)
    url = address(app, endpoint, submission.invalid_values or submission.values)
    entries, files = audit.count(world.db), snapshot(world)[1]
    if submission.invalid is None:
        response = world.client.post(url)  # without the CSRF token
    else:
        response = post(world.client, url, submission.invalid)
    assert response.status_code in (400, 409), (url, response.status_code)
    assert audit.count(world.db) == entries and snapshot(world)[1] == files
