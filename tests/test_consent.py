"""Consent: nothing enters the plan that anyone in the circle objects to."""

import datetime
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from participation import consent, plan, store
from participation import db as database
from participation.issues import read_issue
from participation.settings import load_settings

from .conftest import AZC, ROOT, write_issue

LATER = "2099-01-01T00:00:00+00:00"  # a moment after every round in these tests
SLUG = "kring-besluit"


def make_issue(settings, **metadata):
    path = write_issue(settings, SLUG, phase="proposing", **metadata)
    return read_issue(path, settings)


def members(db, count):
    return [store.add_member(db, SLUG, name=f"Lid {n}", relation="resident") for n in range(count)]


def next_week():
    return consent.end_of_day(datetime.date.today() + datetime.timedelta(days=7))


# The rule as a pure function ---------------------------------------------------------

agreement_ids = st.integers(min_value=1, max_value=5).map(lambda n: f"A{n}")


@given(
    costs=st.dictionaries(agreement_ids, st.integers(min_value=0, max_value=100_000), min_size=0, max_size=5),
    objections=st.lists(st.tuples(agreement_ids, st.sampled_from(["objection", "concern"]),
                                  st.sampled_from(["open", "withdrawn", "resolved"])), max_size=8),
    budget=st.one_of(st.none(), st.integers(min_value=0, max_value=300_000)),
    max_cost=st.one_of(st.none(), st.integers(min_value=0, max_value=100_000)),
    max_agreements=st.one_of(st.none(), st.integers(min_value=0, max_value=5)),
)
def test_blockers_is_exactly_the_consent_rule(costs, objections, budget, max_cost, max_agreements):
    agreements = [{"id": i, "cost": c} for i, c in sorted(costs.items())]
    rows = [{"id": f"B{n}", "agreement": a, "kind": k, "status": s} for n, (a, k, s) in enumerate(objections, 1)]
    reasons = consent.blockers(agreements, rows, budget=budget, max_cost_per_agreement=max_cost,
                               max_agreements=max_agreements)
    open_objection = any(k == "objection" and s == "open" and a in costs for a, k, s in objections)
    kaders_hold = ((budget is None or sum(costs.values()) <= budget)
                   and (max_cost is None or all(c <= max_cost for c in costs.values()))
                   and (max_agreements is None or len(costs) <= max_agreements))
    assert (reasons == []) == (bool(costs) and not open_objection and kaders_hold)
    for n, (a, k, s) in enumerate(objections, 1):  # every blocking objection is named
        if k == "objection" and s == "open" and a in costs:
            assert any(f"(B{n})" in r for r in reasons)


# The rule through the real database and plan files ------------------------------------

steps = st.lists(st.tuples(st.sampled_from(["object", "concern", "withdraw", "amend", "consent"]),
                           st.integers(min_value=0, max_value=2), st.integers(min_value=1, max_value=3)),
                 max_size=10)


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps, costs=st.lists(st.integers(min_value=0, max_value=60_000), min_size=3, max_size=3),
       budget=st.integers(min_value=50_000, max_value=150_000),
       max_cost=st.one_of(st.none(), st.integers(min_value=30_000, max_value=70_000)),
       max_agreements=st.one_of(st.none(), st.integers(min_value=2, max_value=4)))
def test_adoption_succeeds_exactly_when_no_open_objection_and_constraints_hold(steps, costs, budget, max_cost,
                                                                               max_agreements):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        shutil.copytree(ROOT / "content" / "pages", tmp / "content" / "pages")
        settings = load_settings(ROOT / "pelicanconf.py", override={
            "PATH": str(tmp / "content"), "OUTPUT_PATH": str(tmp / "out"),
            "SAMENPLAN_DATABASE": str(tmp / "db.sqlite")})
        db = database.connect(settings["SAMENPLAN_DATABASE"])
        kaders = {"max_cost_per_agreement": max_cost, "max_agreements": max_agreements}
        issue = make_issue(settings, budget=str(budget), **{k: str(v) for k, v in kaders.items() if v is not None})
        people = members(db, 3)
        numbers = [consent.propose_agreement(db, settings, SLUG, what=f"Afspraak {n}", cost=c)
                   for n, c in enumerate(costs)]
        consent.open_round(db, SLUG, numbers, next_week())
        for action, who, target in steps:
            member = people[who]
            mine = [o for o in store.objections(db, SLUG) if o["status"] == "open"
                    and db.execute("select member_id from objections where issue=? and number=?",
                                   [SLUG, int(o["id"][1:])]).fetchone()[0] == member]
            if action in ("object", "concern"):
                consent.respond(db, SLUG, member, "objection" if action == "object" else "concern",
                                reason="Zo niet", agreement_number=target)
            elif action == "consent":
                consent.respond(db, SLUG, member, "consent")
            elif action == "withdraw" and mine:
                consent.withdraw(db, SLUG, int(mine[0]["id"][1:]), member_id=member)
            elif action == "amend" and mine:
                consent.amend_agreement(db, SLUG, int(mine[0]["agreement"][1:]), what="Aangepast")
                consent.accept_amendment(db, SLUG, int(mine[0]["id"][1:]), member_id=member)
        open_blocking = {o["agreement"] for o in store.objections(db, SLUG)
                         if o["kind"] == "objection" and o["status"] == "open"}
        expected = (not open_blocking and sum(costs) <= budget
                    and (max_cost is None or max(costs) <= max_cost)
                    and (max_agreements is None or len(costs) <= max_agreements))
        try:
            version = consent.adopt(db, settings, issue, now=LATER)
            adopted = True
        except consent.ConsentError as error:
            adopted = False
            for agreement in open_blocking:
                assert agreement in str(error)
        assert adopted == expected
        if adopted:
            assert [a["id"] for a in version.data["agreements"]] == ["A1", "A2", "A3"]
            assert plan.verify(plan.plan_folder(settings, SLUG), SLUG, plan.recorded_heads(db, SLUG))
        else:
            assert plan.version_files(plan.plan_folder(settings, SLUG)) == []
        db.close()


# Rounds, figures, leaving out, status updates ------------------------------------------


@pytest.fixture
def round_setup(settings, db):
    issue = make_issue(settings, budget="100000")
    people = members(db, 4)
    a1 = consent.propose_agreement(db, settings, SLUG, what="Koffieochtend", cost=1200, from_ideas=[1])
    a2 = consent.propose_agreement(db, settings, SLUG, what="Buurtapp", cost=500)
    consent.open_round(db, SLUG, [a1, a2], next_week())
    return issue, people


def test_adoption_waits_for_the_end_date_unless_everyone_answered(settings, db, round_setup):
    issue, people = round_setup
    consent.respond(db, SLUG, people[0], "consent")
    with pytest.raises(consent.ConsentError, match="De ronde loopt nog"):
        consent.adopt(db, settings, issue)
    for person in people[1:]:
        consent.respond(db, SLUG, person, "consent")
    version = consent.adopt(db, settings, issue, meeting="Buurtavond")
    assert version.data["consent_round"]["consented"] == 4 and version.data["consent_round"]["no_answer"] == 0


def test_silence_is_not_consent_and_concerns_do_not_block(settings, db, round_setup):
    issue, people = round_setup
    consent.respond(db, SLUG, people[0], "consent")
    consent.respond(db, SLUG, people[1], "concern", reason="Wie zet de koffie?", agreement_number=1)
    version = consent.adopt(db, settings, issue, now=LATER)
    figures = version.data["consent_round"]
    assert (figures["consented"], figures["concerns"], figures["no_answer"]) == (1, 1, 2)
    koffie = version.data["agreements"][0]
    assert koffie["concerns"] == [{"id": "B1", "reason": "Wie zet de koffie?"}]
    assert version.data["budget"] == {"available": 100000, "allocated": 1700}


def test_an_objected_agreement_can_be_left_out_and_stays_in_the_concept(settings, db, round_setup):
    issue, people = round_setup
    consent.respond(db, SLUG, people[0], "objection", reason="Niet iedereen heeft een telefoon", agreement_number=2)
    with pytest.raises(consent.ConsentError, match=r"A2 heeft een open bezwaar \(B1\)"):
        consent.adopt(db, settings, issue, now=LATER)
    consent.leave_out(db, SLUG, 2)
    version = consent.adopt(db, settings, issue, now=LATER)
    assert [a["id"] for a in version.data["agreements"]] == ["A1"]
    assert [a["code"] for a in store.agreements(db, SLUG) if a["status"] == "concept"] == ["A2"]


def test_amendment_accepted_by_the_coordinator_on_behalf_is_recorded(settings, db, round_setup):
    issue, people = round_setup
    consent.respond(db, SLUG, people[0], "objection", reason="Niet op zondag", agreement_number=1)
    consent.amend_agreement(db, SLUG, 1, what="Koffieochtend op zaterdag")
    with pytest.raises(consent.ConsentError):
        consent.accept_amendment(db, SLUG, 1, member_id=people[1])  # not theirs
    consent.accept_amendment(db, SLUG, 1, entered_by=7, note="Akkoord gegeven op de bijeenkomst")
    version = consent.adopt(db, settings, issue, now=LATER)
    [objection] = version.data["agreements"][0]["objections"]
    assert objection["resolution"] == "amended"
    assert "namens de indiener" in objection["note"]
    assert version.data["agreements"][0]["what"] == "Koffieochtend op zaterdag"


def test_budget_and_numeric_constraints_block(settings, db):
    issue = make_issue(settings, budget="1000", max_cost_per_agreement="800")
    members(db, 1)
    a1 = consent.propose_agreement(db, settings, SLUG, what="Groot feest", cost=900)
    consent.open_round(db, SLUG, [a1], next_week())
    with pytest.raises(consent.ConsentError) as error:
        consent.adopt(db, settings, issue, now=LATER)
    assert "per afspraak mag het € 800 zijn" in str(error.value)


def test_status_update_is_a_new_version(settings, db, round_setup):
    issue, people = round_setup
    consent.adopt(db, settings, issue, now=LATER)
    version = consent.status_update(db, settings, issue, "A1", "in_progress", "De eerste ochtend was vol")
    assert version.number == 2 and version.data["kind"] == "status_update"
    assert version.data["agreements"][0]["status_notes"][0]["note"] == "De eerste ochtend was vol"
    with pytest.raises(consent.ConsentError):
        consent.status_update(db, settings, issue, "A9", "done", "Bestaat niet")
    # New proposals continue the numbering of the adopted plan.
    assert consent.propose_agreement(db, settings, SLUG, what="Nieuw") == 3


def test_only_members_answer_and_one_round_at_a_time(settings, db, round_setup):
    issue, people = round_setup
    outsider = store.add_member(db, AZC, name="Elders", relation="resident")
    with pytest.raises(consent.ConsentError, match="kring"):
        consent.respond(db, SLUG, outsider, "consent")
    with pytest.raises(consent.ConsentError, match="al een ronde"):
        consent.open_round(db, SLUG, [1], next_week())


def test_professional_information_is_linked_not_counted(settings, db):
    from participation.build import build

    issue = make_issue(settings)
    people = members(db, 2)
    store.add_question(db, SLUG, text="Mag er een bankje op de stoep?")
    a1 = consent.propose_agreement(db, settings, SLUG, what="Bankje voor de bakker", information=[1])
    consent.open_round(db, SLUG, [a1], next_week())
    for person in people:
        consent.respond(db, SLUG, person, "consent")
    version = consent.adopt(db, settings, issue)
    assert version.data["agreements"][0]["information"] == ["V1"]
    assert version.data["consent_round"]["consented"] == 2  # members only; answers are not votes
    build(settings)
    page = (Path(settings["OUTPUT_PATH"]) / "kwesties" / SLUG / "index.html").read_text()
    assert f'href="/kwesties/{SLUG}/vragen/#V1">V1</a>' in page
