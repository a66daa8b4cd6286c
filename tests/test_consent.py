"""Consent: nothing enters the plan that anyone in the circle objects to."""

import dataclasses
import datetime
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings as hypothesis_settings, strategies as st

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
# The kaders at their boundaries: exactly at the limit adopts, one euro or one agreement over does not.
@example(costs={"A1": 600, "A2": 400}, objections=[], budget=1000, max_cost=None, max_agreements=None)
@example(costs={"A1": 600, "A2": 400}, objections=[], budget=999, max_cost=None, max_agreements=None)
@example(costs={"A1": 600, "A2": 400}, objections=[], budget=None, max_cost=600, max_agreements=None)
@example(costs={"A1": 600, "A2": 400}, objections=[], budget=None, max_cost=599, max_agreements=None)
@example(costs={"A1": 600, "A2": 400}, objections=[], budget=None, max_cost=None, max_agreements=2)
@example(costs={"A1": 600, "A2": 400}, objections=[], budget=None, max_cost=None, max_agreements=1)
@example(costs={"A1": 600, "A2": 400}, objections=[], budget=1000, max_cost=600, max_agreements=2)
@example(costs={"A1": 0, "A2": 0}, objections=[], budget=0, max_cost=0, max_agreements=2)  # no cost fits a budget of 0
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

steps = st.lists(st.tuples(st.sampled_from(["object", "concern", "consent", "consent_all", "withdraw", "amend", "accept"]),
                           st.integers(min_value=0, max_value=2), st.integers(min_value=1, max_value=3)),
                 max_size=14)
WEIGHT = {"consent": 0, "concern": 1, "objection": 2}


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps, costs=st.lists(st.integers(min_value=0, max_value=60_000), min_size=3, max_size=3),
       budget=st.integers(min_value=50_000, max_value=150_000),
       max_cost=st.one_of(st.none(), st.integers(min_value=30_000, max_value=70_000)),
       max_agreements=st.one_of(st.none(), st.integers(min_value=2, max_value=4)))
def test_adoption_succeeds_exactly_when_no_open_objection_and_constraints_hold(steps, costs, budget, max_cost,
                                                                               max_agreements):
    """Any sequence of answers, amendments, withdrawals and acceptances: adoption succeeds exactly
    when no included agreement has an open objection and the kaders hold, and every figure in the
    adopted version counts only answers on the text that was adopted. A small model of the rule
    (answers per member and agreement, on a revision) says what to expect."""
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
        numbers = [consent.propose_agreement(db, settings, issue, what=f"Afspraak {n}", cost=c)
                   for n, c in enumerate(costs)]
        consent.open_round(db, issue, numbers, next_week())
        revision = dict.fromkeys(numbers, 1)
        answers = {}  # (member, agreement) -> (answer, revision): the model
        open_objections = {}  # B-number -> (member, agreement, revision raised on)

        def answered(member, number, answer):
            earlier = answers.get((member, number))
            if not (earlier and earlier[1] == revision[number] and WEIGHT[earlier[0]] >= WEIGHT[answer]):
                answers[(member, number)] = (answer, revision[number])

        for step, (action, who, target) in enumerate(steps):
            member = people[who]
            mine = sorted(b for b, (m, _, _) in open_objections.items() if m == member)
            if action in ("object", "concern"):
                kind = "objection" if action == "object" else "concern"
                b = consent.respond(db, issue, member, kind, reason="Zo niet", agreement_number=target)
                if kind == "objection":
                    open_objections[b] = (member, target, revision[target])
                answered(member, target, kind)
            elif action == "consent":
                if any(m == member and n == target for m, n, _ in open_objections.values()):
                    with pytest.raises(consent.ConsentError, match="open bezwaar"):
                        consent.respond(db, issue, member, "consent", agreement_number=target)
                else:
                    consent.respond(db, issue, member, "consent", agreement_number=target)
                    answered(member, target, "consent")
            elif action == "consent_all":
                consent.respond(db, issue, member, "consent")
                blocked = {n for m, n, _ in open_objections.values() if m == member}
                for number in numbers:
                    if number not in blocked:
                        answered(member, number, "consent")
            elif action == "withdraw" and mine:
                consent.withdraw(db, issue, mine[0], member_id=member)
                del open_objections[mine[0]]
            elif action == "amend":
                voided = consent.amend_agreement(db, issue, target, what=f"Aangepast in stap {step}")
                revision[target] += 1
                assert voided == sorted(m for (m, n), (_, r) in answers.items() if n == target and r < revision[target])
            elif action == "accept" and mine:
                consent.accept_amendment(db, issue, mine[0], member_id=member)
                _, number, _ = open_objections.pop(mine[0])
                answered(member, number, "consent")

        def model_counts(number):
            counted = [a for (m, n), (a, r) in answers.items() if n == number and r == revision[number]]
            return {"revision": revision[number], "consented": counted.count("consent"),
                    "concerns": counted.count("concern"), "objected": counted.count("objection"),
                    "no_answer": len(people) - len(counted)}

        figures = consent.round_figures(db, SLUG, consent.current_round(db, SLUG))
        assert figures["agreements"] == {number: model_counts(number) for number in numbers}
        expected = (not open_objections and sum(costs) <= budget
                    and (max_cost is None or max(costs) <= max_cost)
                    and (max_agreements is None or len(costs) <= max_agreements))
        try:
            version = consent.adopt(db, settings, issue, now=LATER)
            adopted = True
        except consent.ConsentError as error:
            adopted = False
            for _, number, _ in open_objections.values():
                assert f"A{number} heeft een open bezwaar" in str(error)
        assert adopted == expected
        if adopted:
            assert [a["id"] for a in version.data["agreements"]] == ["A1", "A2", "A3"]
            for agreement in version.data["agreements"]:
                assert agreement["consent"] == model_counts(int(agreement["id"][1:]))
            assert plan.verify(plan.plan_folder(settings, SLUG), SLUG, plan.recorded_heads(db, SLUG))
        else:
            assert plan.version_files(plan.plan_folder(settings, SLUG)) == []
        db.close()


# Rounds, figures, leaving out, status updates ------------------------------------------


@pytest.fixture
def round_setup(settings, db):
    issue = make_issue(settings, budget="100000")
    people = members(db, 4)
    a1 = consent.propose_agreement(db, settings, issue, what="Koffieochtend", cost=1200, from_ideas=[1])
    a2 = consent.propose_agreement(db, settings, issue, what="Buurtapp", cost=500)
    consent.open_round(db, issue, [a1, a2], next_week())
    return issue, people


def test_adoption_waits_for_the_end_date_unless_everyone_answered(settings, db, round_setup):
    issue, people = round_setup
    consent.respond(db, issue, people[0], "consent")
    with pytest.raises(consent.ConsentError, match="De ronde loopt nog"):
        consent.adopt(db, settings, issue)
    for person in people[1:]:
        consent.respond(db, issue, person, "consent")
    version = consent.adopt(db, settings, issue, meeting="Buurtavond")
    assert version.data["consent_round"]["consented"] == 4 and version.data["consent_round"]["no_answer"] == 0


def test_silence_is_not_consent_and_concerns_do_not_block(settings, db, round_setup):
    issue, people = round_setup
    consent.respond(db, issue, people[0], "consent")
    consent.respond(db, issue, people[1], "concern", reason="Wie zet de koffie?", agreement_number=1)
    consent.respond(db, issue, people[1], "consent", agreement_number=2)
    consent.respond(db, issue, people[2], "consent", agreement_number=2)  # A1 unanswered: no answer
    version = consent.adopt(db, settings, issue, now=LATER)
    figures = version.data["consent_round"]
    assert (figures["consented"], figures["concerns"], figures["no_answer"]) == (1, 1, 2)
    koffie, app = version.data["agreements"]
    assert koffie["consent"] == {"revision": 1, "consented": 1, "concerns": 1, "objected": 0, "no_answer": 2}
    assert app["consent"] == {"revision": 1, "consented": 3, "concerns": 0, "objected": 0, "no_answer": 1}
    koffie = version.data["agreements"][0]
    assert koffie["concerns"] == [{"id": "B1", "reason": "Wie zet de koffie?"}]
    assert version.data["budget"] == {"available": 100000, "allocated": 1700}


def test_an_objected_agreement_can_be_left_out_and_stays_in_the_concept(settings, db, round_setup):
    issue, people = round_setup
    consent.respond(db, issue, people[0], "objection", reason="Niet iedereen heeft een telefoon", agreement_number=2)
    with pytest.raises(consent.ConsentError, match=r"A2 heeft een open bezwaar \(B1\)"):
        consent.adopt(db, settings, issue, now=LATER)
    consent.leave_out(db, issue, 2)
    version = consent.adopt(db, settings, issue, now=LATER)
    assert [a["id"] for a in version.data["agreements"]] == ["A1"]
    assert [a["code"] for a in store.agreements(db, SLUG) if a["status"] == "concept"] == ["A2"]


def test_amendment_accepted_by_the_coordinator_on_behalf_is_recorded(settings, db, round_setup):
    issue, people = round_setup
    consent.respond(db, issue, people[0], "objection", reason="Niet op zondag", agreement_number=1)
    consent.amend_agreement(db, issue, 1, what="Koffieochtend op zaterdag")
    with pytest.raises(consent.ConsentError):
        consent.accept_amendment(db, issue, 1, member_id=people[1])  # not theirs
    consent.accept_amendment(db, issue, 1, entered_by=7, note="Akkoord gegeven op de bijeenkomst")
    version = consent.adopt(db, settings, issue, now=LATER)
    [objection] = version.data["agreements"][0]["objections"]
    assert objection["resolution"] == "amended"
    assert "namens de indiener" in objection["note"]
    assert version.data["agreements"][0]["what"] == "Koffieochtend op zaterdag"


def test_budget_and_numeric_constraints_block(settings, db):
    issue = make_issue(settings, budget="1000", max_cost_per_agreement="800")
    members(db, 1)
    a1 = consent.propose_agreement(db, settings, issue, what="Groot feest", cost=900)
    consent.open_round(db, issue, [a1], next_week())
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
    assert consent.propose_agreement(db, settings, issue, what="Nieuw") == 3


def test_only_members_answer_and_one_round_at_a_time(settings, db, round_setup):
    issue, people = round_setup
    outsider = store.add_member(db, AZC, name="Elders", relation="resident")
    with pytest.raises(consent.ConsentError, match="kring"):
        consent.respond(db, issue, outsider, "consent")
    with pytest.raises(consent.ConsentError, match="al een ronde"):
        consent.open_round(db, issue, [1], next_week())


def test_professional_information_is_linked_not_counted(settings, db):
    from participation.build import build

    issue = make_issue(settings)
    people = members(db, 2)
    store.add_question(db, SLUG, text="Mag er een bankje op de stoep?")
    a1 = consent.propose_agreement(db, settings, issue, what="Bankje voor de bakker", information=[1])
    consent.open_round(db, issue, [a1], next_week())
    for person in people:
        consent.respond(db, issue, person, "consent")
    version = consent.adopt(db, settings, issue)
    assert version.data["agreements"][0]["information"] == ["V1"]
    assert version.data["consent_round"]["consented"] == 2  # members only; answers are not votes
    build(settings)
    page = (Path(settings["OUTPUT_PATH"]) / "kwesties" / SLUG / "index.html").read_text()
    assert f'href="/kwesties/{SLUG}/vragen/#V1">V1</a>' in page


@pytest.mark.parametrize("phase", ["draft", "open", "closed"])
def test_nothing_of_the_plan_changes_outside_the_plan_phases(settings, db, round_setup, phase):
    """The rule is in the functions that change the data, so every path gets the same answer."""
    issue, people = round_setup
    consent.respond(db, issue, people[0], "objection", reason="Niet op zondag", agreement_number=1)
    elsewhere = dataclasses.replace(issue, phase=phase)
    before = {table: db[table].count for table in ("agreements", "objections", "consent_rounds", "round_answers")}
    attempts = [
        lambda: consent.propose_agreement(db, settings, elsewhere, what="Nog een"),
        lambda: consent.amend_agreement(db, elsewhere, 1, what="Op zaterdag"),
        lambda: consent.open_round(db, elsewhere, [1], next_week()),
        lambda: consent.leave_out(db, elsewhere, 2),
        lambda: consent.respond(db, elsewhere, people[1], "consent"),
        lambda: consent.raise_objection(db, elsewhere, store.member(db, people[1]), 2, "Te duur"),
        lambda: consent.withdraw(db, elsewhere, 1, member_id=people[0]),
        lambda: consent.adopt(db, settings, elsewhere, now=LATER),
        lambda: consent.status_update(db, settings, elsewhere, "A1", "done", "Klaar"),
        lambda: consent.record_responses(db, settings, elsewhere, {"A1": {"decision": "fund", "text": "Ja"}}),
    ]
    for attempt in attempts:
        with pytest.raises(consent.ConsentError, match="kunnen alleen in de fase ‘concept-plan’ of ‘gedragen plan’"):
            attempt()
    assert {table: db[table].count for table in before} == before
    assert plan.version_files(plan.plan_folder(settings, SLUG)) == []
