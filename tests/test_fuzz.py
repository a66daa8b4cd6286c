"""Whatever anyone sends to any route, the answer is never a 500.

The routes come from the app's url_map, so a new form is covered without
listing it here. Values mix what the forms expect (so a request gets past
validation into the rules) with text hypothesis makes up.
"""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from participation import consent, store, tokens

from .conftest import AZC, FUND, write_issue
from .support import as_person, read_kwestie
from .test_beheer import coordinator, csrf_token, log_in_as  # noqa: F401 (fixture)

SLUG = "fuzzplek"
FIELDS = ["title", "body", "author_name", "cost", "text", "name", "relation", "relation_other", "email",
          "agreement", "reason", "kind", "what", "who", "when", "from_ideas", "information", "agreements",
          "ends", "member", "answer", "how", "note", "meeting", "status", "date", "decision", "review_at",
          "phase", "channel", "table", "number", "username", "password", "password_again", "display_name",
          "organisation", "role", "next", "website"]
LIKELY = ["", "1", "2", "A1", "I1", "V1", "L1", "consent", "objection", "concern", "withdrawn", "resolved",
          "done", "in_progress", "fund", "resident", "other", "web", "paper", "ideas", "questions",
          "objections", "proposing", "adopted", "closed", "coordinator", "2027-01-14", "14-01-2027", "1.200",
          "€ 1200,50", "ans@example.org", "/beheer/", "//evil.example/", "Koffie op zaterdag"]
# A valid value for every field: each form reads only its own, so one baseline gets
# most requests past validation; hypothesis then drops and changes fields.
BASELINE = {"title": "Koffie", "text": "Mag dat?", "name": "Ans", "relation": "resident", "agreement": "1",
            "reason": "Te vroeg", "kind": "objection", "what": "Koffie", "from_ideas": "1", "agreements": "2",
            "ends": "2999-12-31", "member": "1", "answer": "consent", "how": "withdrawn", "note": "Zo is het",
            "status": "done", "decision": "fund", "phase": "closed", "channel": "paper", "table": "ideas",
            "number": "1", "username": "nieuw", "password": "een lang wachtwoord", "password_again":
            "een lang wachtwoord", "display_name": "Nieuw", "role": "professional"}
VALUES = st.one_of(st.sampled_from(LIKELY), st.text(max_size=300),
                   st.text(alphabet=st.characters(categories=["Nd", "No"]), max_size=30))


@pytest.fixture
def world(app, settings, db):
    """A kwestie in every state a route cares about: open (AZC), adopted (FUND), and one in
    concept-plan with a round open, an objection and an answered question."""
    write_issue(settings, SLUG, phase="proposing", Budget="5000")
    issue = read_kwestie(settings, SLUG)
    people = [store.add_member(db, SLUG, name=n, relation="resident") for n in ("Ans", "Bram")]
    store.add_idea(db, SLUG, title="Koffie")
    store.add_question(db, SLUG, text="Mag dat?")
    consent.propose_agreement(db, settings, issue, what="Koffie op zaterdag", cost=100, from_ideas=[1])
    consent.propose_agreement(db, settings, issue, what="Een bankje", cost=200)
    consent.open_round(db, issue, [1, 2], consent.end_of_day(datetime.date.today() + datetime.timedelta(days=7)))
    consent.respond(db, issue, people[1], "objection", reason="Te vroeg", agreement_number=1)
    store.add_member(db, AZC, name="Cor", relation="newcomer")
    secret = app.config["SECRET_KEY"]
    return {"tokens": [tokens.member_token(secret, p, SLUG) for p in people] + ["kapot", ""]}


def urls(app):
    """Every route with a made-up value for each part of its address."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            found.append((method, rule))
    return found


@hypothesis_settings(max_examples=400, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_request_gives_a_500(app, client, coordinator, world, data):
    method, rule = data.draw(st.sampled_from(urls(app)), label="route")
    parts = {name: data.draw(st.sampled_from(
        {"slug": [SLUG, AZC, FUND, "bestaat-niet"], "kind": ["kring", "idee", "vraag", "bezwaar", "x"],
         "number": [1, 2, 3, 99], "page": [1, 2, 999999999], "token": world["tokens"]}.get(name, ["x"])),
        label=name) for name in rule.arguments}
    url = rule.build(parts, append_unknown=False)[1]
    dropped = data.draw(st.sets(st.sampled_from(FIELDS)), label="dropped")
    changed = data.draw(st.dictionaries(st.sampled_from(FIELDS), st.one_of(VALUES, st.lists(VALUES, max_size=3)),
                                        max_size=6), label="changed")
    form = {**{k: v for k, v in BASELINE.items() if k not in dropped}, **changed}
    if data.draw(st.sampled_from([True, True, False]), label="as coordinator"):
        log_in_as(client, coordinator)
    else:
        client.delete_cookie("samenplan_beheer")
    if method == "GET":
        response = client.get(url, query_string={k: v for k, v in form.items() if isinstance(v, str)})
    else:
        form["token"] = data.draw(st.sampled_from(world["tokens"]), label="token")
        if rule.rule.startswith("/beheer/"):
            form["csrf_token"] = csrf_token(client)
        response = client.post(url, data=as_person(app.config["SECRET_KEY"], form))
    assert response.status_code < 500, (method, url, form, response.get_data(as_text=True)[:500])
