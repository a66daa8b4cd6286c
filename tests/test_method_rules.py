"""The rules of the consent method, each as a test that fails when the rule is broken (issue 19).

Mutation testing (`invoke mutation`, bench/README.md) showed which rules the other tests let
go: a later adoption that drops what was adopted before, a boundary of the kaders off by
one, an objection that ends up in the wrong agreement's record, a hand-altered version that
is built upon. Each test here names the rule it guards.
"""

import dataclasses
import datetime
import hashlib
import os
import time
import types
from pathlib import Path

import pytest
import yaml

from participation import consent, issue_file, phases, plan, store
from participation import db as database
from participation.issues import Issue, IssueFileError, read_issue

from .conftest import ROOT, write_issue
from .test_consent import LATER, SLUG, make_issue, members, next_week


def propose(db, settings, issue, what, cost=None, **fields):
    return consent.propose_agreement(db, settings, issue, what=what, cost=cost, **fields)


def adopt_round(db, settings, issue, *numbers, now=LATER, meeting=None):
    """Open a round on these agreements and adopt it once its end date has passed (silence
    is not consent, but it does not block either)."""
    consent.open_round(db, issue, list(numbers), next_week())
    return consent.adopt(db, settings, issue, now=now, meeting=meeting)


def ids(version):
    return [a["id"] for a in version.data["agreements"]]


def on_disk(version):
    """The version as its file says, not as the code that wrote it remembers."""
    return plan.load(version.path.read_bytes())


def version_files(settings):
    return [p.name for p in plan.version_files(plan.plan_folder(settings, SLUG))]


def concept(db):
    return [a["code"] for a in store.agreements(db, SLUG) if a["status"] == "concept"]


# Later adoptions keep what was adopted before ----------------------------------------


def test_every_adoption_keeps_every_agreement_adopted_before(settings, db):
    issue = make_issue(settings, budget="1000")
    members(db, 2)
    first = adopt_round(db, settings, issue, propose(db, settings, issue, "Koffieochtend", 300))
    second = adopt_round(db, settings, issue, propose(db, settings, issue, "Buurtapp", 300))
    third = adopt_round(db, settings, issue, propose(db, settings, issue, "Bankje bij de bakker", 400))
    assert [ids(v) for v in (first, second, third)] == [["A1"], ["A1", "A2"], ["A1", "A2", "A3"]]
    assert [v.number for v in (first, second, third)] == [1, 2, 3]
    # What was adopted earlier is carried as it was adopted, round figures included.
    assert on_disk(third)["agreements"][0] == on_disk(first)["agreements"][0]
    assert on_disk(third)["agreements"][1] == on_disk(second)["agreements"][1]
    assert third.data["budget"] == {"available": 1000, "allocated": 1000}  # exactly the budget: adopted
    assert concept(db) == [] and {a["status"] for a in store.agreements(db, SLUG)} == {"adopted"}
    assert plan.verify(plan.plan_folder(settings, SLUG), SLUG, plan.recorded_heads(db, SLUG)) == [first, second, third]


def test_a_third_adoption_is_refused_when_earlier_and_new_agreements_exceed_the_budget(settings, db):
    issue = make_issue(settings, budget="1000")
    members(db, 2)
    adopt_round(db, settings, issue, propose(db, settings, issue, "Koffieochtend", 400))
    adopt_round(db, settings, issue, propose(db, settings, issue, "Buurtapp", 400))
    a3 = propose(db, settings, issue, "Bankje bij de bakker", 300)  # alone well within the budget
    with pytest.raises(consent.ConsentError) as refused:
        adopt_round(db, settings, issue, a3)
    assert "De afspraken kosten samen € 1.100; het budget is € 1.000." in str(refused.value)
    assert version_files(settings) == ["0001.yaml", "0002.yaml"]
    assert concept(db) == ["A3"] and consent.current_round(db, SLUG)["agreements"] == [3]


def test_max_agreements_counts_the_agreements_adopted_earlier(settings, db):
    issue = make_issue(settings, max_agreements="2")
    members(db, 1)
    adopt_round(db, settings, issue, propose(db, settings, issue, "Koffieochtend"))
    adopt_round(db, settings, issue, propose(db, settings, issue, "Buurtapp"))
    with pytest.raises(consent.ConsentError, match="Het plan heeft 3 afspraken; er mogen er hoogstens 2 in staan."):
        adopt_round(db, settings, issue, propose(db, settings, issue, "Bankje"))
    assert version_files(settings) == ["0001.yaml", "0002.yaml"]


# The kaders at their boundaries --------------------------------------------------------


@pytest.mark.parametrize("kaders,adopted", [
    ({"budget": "1000"}, True),  # 600 + 400: exactly the budget
    ({"budget": "999"}, False),  # one euro over
    ({"max_cost_per_agreement": "600"}, True),  # A1 costs exactly the maximum
    ({"max_cost_per_agreement": "599"}, False),
    ({"max_agreements": "2"}, True),  # exactly the number allowed
    ({"max_agreements": "1"}, False),  # one agreement over
    ({"budget": "1000", "max_cost_per_agreement": "600", "max_agreements": "2"}, True),
])
def test_the_kaders_hold_up_to_and_including_their_limit(settings, db, kaders, adopted):
    issue = make_issue(settings, **kaders)
    members(db, 1)
    numbers = [propose(db, settings, issue, "Koffieochtend", 600), propose(db, settings, issue, "Buurtapp", 400)]
    consent.open_round(db, issue, numbers, next_week())
    if adopted:
        version = consent.adopt(db, settings, issue, now=LATER)
        assert ids(version) == ["A1", "A2"] and version.data["budget"]["allocated"] == 1000
    else:
        with pytest.raises(consent.ConsentError, match="kan nog niet worden aangenomen"):
            consent.adopt(db, settings, issue, now=LATER)
        assert version_files(settings) == []


def test_agreements_without_cost_count_as_nothing_against_the_kaders(settings, db):
    issue = make_issue(settings, budget="0", max_cost_per_agreement="0")
    members(db, 1)
    numbers = [propose(db, settings, issue, "Koffieochtend", 0), propose(db, settings, issue, "Buurtapp", None)]
    version = adopt_round(db, settings, issue, *numbers)
    assert [(a["id"], a["cost"]) for a in on_disk(version)["agreements"]] == [("A1", 0), ("A2", None)]
    assert on_disk(version)["budget"] == {"available": 0, "allocated": 0}


def test_blockers_counts_a_missing_cost_as_zero():
    agreements = [{"id": "A1", "cost": None}, {"id": "A2"}, {"id": "A3", "cost": 0}]
    assert consent.blockers(agreements, [], budget=0, max_cost_per_agreement=0, max_agreements=3) == []
    assert consent.blockers([{"id": "A1"}], [], budget=None, max_cost_per_agreement=None, max_agreements=None) == []


def test_blockers_names_every_broken_kader_once():
    agreements = [{"id": "A1", "cost": 700}, {"id": "A2", "cost": 500}]
    objections = [{"id": "B1", "agreement": "A2", "kind": "objection", "status": "open"},
                  {"id": "B2", "agreement": "A2", "kind": "concern", "status": "open"},
                  {"id": "B3", "agreement": "A1", "kind": "objection", "status": "withdrawn"},
                  {"id": "B4", "agreement": "A9", "kind": "objection", "status": "open"}]
    reasons = consent.blockers(agreements, objections, budget=1000, max_cost_per_agreement=600, max_agreements=1)
    assert reasons == [
        "A2 heeft een open bezwaar (B1). Laat de afspraak weg, of pas haar aan tot het bezwaar is ingetrokken of opgelost.",
        "De afspraken kosten samen € 1.200; het budget is € 1.000.",
        "A1 kost € 700; per afspraak mag het € 600 zijn.",
        "Het plan heeft 2 afspraken; er mogen er hoogstens 1 in staan.",
    ]
    assert consent.blockers([], []) == ["Er staat geen afspraak in deze versie."]


# Leaving out ----------------------------------------------------------------------------


def test_leaving_out_a_middle_agreement_keeps_the_ones_around_it(settings, db):
    issue = make_issue(settings)
    members(db, 2)
    numbers = [propose(db, settings, issue, what) for what in ("Koffieochtend", "Buurtapp", "Bankje")]
    consent.open_round(db, issue, numbers, next_week())
    consent.leave_out(db, issue, 2)
    assert consent.current_round(db, SLUG)["agreements"] == [1, 3]
    with pytest.raises(consent.ConsentError, match="A2 zit niet in de lopende ronde"):
        consent.leave_out(db, issue, 2)
    version = consent.adopt(db, settings, issue, now=LATER)
    assert ids(version) == ["A1", "A3"]
    assert concept(db) == ["A2"]


def test_leaving_out_needs_a_round(settings, db):
    issue = make_issue(settings)
    propose(db, settings, issue, "Koffieochtend")
    with pytest.raises(consent.ConsentError, match="A1 zit niet in de lopende ronde"):
        consent.leave_out(db, issue, 1)


# What an agreement's record in the plan holds ------------------------------------------------


def test_the_record_holds_the_agreements_own_visible_objections_and_how_they_closed(settings, db):
    issue = make_issue(settings)
    p0, p1, p2 = members(db, 3)
    a1 = propose(db, settings, issue, "Koffieochtend op zondag")
    a2 = propose(db, settings, issue, "Buurtapp")
    a3 = propose(db, settings, issue, "Bankje")  # not in the round
    consent.open_round(db, issue, [a1, a2], next_week())
    withdrawn = consent.respond(db, issue, p0, "objection", reason="Te vroeg", agreement_number=a1)
    consent.withdraw(db, issue, withdrawn, member_id=p0, note="Na uitleg akkoord")
    resolved = consent.respond(db, issue, p1, "objection", reason="Niet op zondag", agreement_number=a1)
    consent.amend_agreement(db, issue, a1, what="Koffieochtend op zaterdag")
    consent.accept_amendment(db, issue, resolved, member_id=p1)
    hidden = consent.respond(db, issue, p2, "objection", reason="Iets over de buurman", agreement_number=a1)
    consent.withdraw(db, issue, hidden, entered_by=1, note="Op de bijeenkomst")
    assert store.set_hidden(db, "objections", SLUG, hidden, reason="Er stond een naam in.", user_id=1)
    concern = consent.respond(db, issue, p2, "concern", reason="Wie zet de koffie?", agreement_number=a1)
    hidden_concern = consent.respond(db, issue, p0, "concern", reason="Iets over de buurvrouw", agreement_number=a1)
    assert store.set_hidden(db, "objections", SLUG, hidden_concern, reason="Er stond een naam in.", user_id=1)
    elsewhere = consent.respond(db, issue, p1, "objection", reason="Te duur", agreement_number=a2)
    consent.withdraw(db, issue, elsewhere, member_id=p1)
    consent.raise_objection(db, issue, store.member(db, p2), a3, "Te dicht bij de weg")  # open, but not in the round

    version = consent.adopt(db, settings, issue, now=LATER)
    koffie, app = on_disk(version)["agreements"]
    assert koffie["objections"] == [
        {"id": f"B{withdrawn}", "reason": "Te vroeg", "resolution": "withdrawn", "note": "Na uitleg akkoord"},
        {"id": f"B{resolved}", "reason": "Niet op zondag", "resolution": "amended", "note": None},
    ]
    assert koffie["concerns"] == [{"id": f"B{concern}", "reason": "Wie zet de koffie?"}]
    assert app["objections"] == [{"id": f"B{elsewhere}", "reason": "Te duur", "resolution": "withdrawn", "note": None}]
    assert app["concerns"] == []
    assert "Iets over de buur" not in version.path.read_text(encoding="utf-8")


def test_the_round_counts_the_objections_closed_on_its_own_agreements(settings, db):
    issue = make_issue(settings)
    p0, p1 = members(db, 2)
    a1, a2, a3 = (propose(db, settings, issue, what) for what in ("Koffieochtend", "Buurtapp", "Bankje"))
    for number in (a1, a3):  # A3 has a closed objection too, but is not in this round
        objection = consent.raise_objection(db, issue, store.member(db, p0), number, "Zo niet")
        consent.withdraw(db, issue, objection, member_id=p0)
    consent.open_round(db, issue, [a1, a2], next_week())
    amended = consent.respond(db, issue, p1, "objection", reason="Te duur", agreement_number=a2)
    consent.accept_amendment(db, issue, amended, member_id=p1)
    consent.respond(db, issue, p1, "concern", reason="Wie betaalt?", agreement_number=a1)  # a concern closes nothing
    version = consent.adopt(db, settings, issue, now=LATER)
    assert version.data["consent_round"]["objections_resolved"] == 2


def test_the_adoption_records_the_round_the_meeting_and_the_circle(settings, db):
    issue = make_issue(settings)
    people = members(db, 3)
    store.add_member(db, SLUG, name="Ondernemer", relation="business")
    a1 = propose(db, settings, issue, "Koffieochtend")
    opened = "2098-12-01T09:00:00+00:00"
    consent.open_round(db, issue, [a1], consent.end_of_day(datetime.date(2098, 12, 31)), now=opened)
    consent.respond(db, issue, people[0], "consent")
    consent.respond(db, issue, people[1], "concern", reason="Wie zet de koffie?", agreement_number=a1)
    version = consent.adopt(db, settings, issue, now="2099-01-01T12:00:00+00:00", meeting="Buurtavond in De Zwaan")
    data = on_disk(version)
    assert data["kind"] == "adoption" and data["issue"] == SLUG
    assert data["adopted_at"] == "2099-01-01T13:00:00+01:00" and data["adopted_at_meeting"] == "Buurtavond in De Zwaan"
    assert data["consent_round"] == {"opened_at": "2098-12-01T10:00:00+01:00", "closed_at": "2099-01-01T13:00:00+01:00",
                                     "consented": 1, "concerns": 1, "objected": 0, "objections_resolved": 0,
                                     "no_answer": 2}
    assert data["circle"] == {"members": 4, "relations": {"resident": 3, "business": 1}}
    assert data["agreements"][0]["status"] == "planned"
    closed = db.execute("select closed_at, version from consent_rounds").fetchone()
    assert closed == ("2099-01-01T13:00:00+01:00", 1)


def test_an_objection_raised_in_the_round_is_also_the_members_answer(settings, db):
    issue = make_issue(settings)
    p0, p1 = members(db, 2)
    a1 = propose(db, settings, issue, "Koffieochtend")
    a2 = propose(db, settings, issue, "Buurtapp")  # not in the round
    consent.open_round(db, issue, [a1], next_week())
    at_meeting = consent.raise_objection(db, issue, store.member(db, p0), a1, "Te vroeg", entered_by=7)
    concern = consent.raise_objection(db, issue, store.member(db, p1), a1, "Wie betaalt?", kind="concern")
    outside = consent.raise_objection(db, issue, store.member(db, p1), a2, "Te duur", entered_by=7)
    on_web = consent.raise_objection(db, issue, store.member(db, p0), a2, "Te veel schermen")
    worry = consent.raise_objection(db, issue, store.member(db, p1), a2, "Wie beheert het?", kind="concern")
    assert db["objections"].get(worry)["kind"] == "concern"  # outside the round a concern stays a concern
    round_ = consent.current_round(db, SLUG)
    answers = consent.round_answers(db, round_)
    assert {m: {n: (r["answer"], r["entered_by"]) for n, r in mine.items()} for m, mine in answers.items()} == {
        p0: {1: ("objection", 7)}, p1: {1: ("concern", None)}}
    rows = {r["number"]: r for r in db["objections"].rows}
    said = {n: (rows[n]["kind"], rows[n]["reason"], rows[n]["channel"], rows[n]["entered_by"], rows[n]["author_name"],
                rows[n]["member_id"], rows[n]["agreement_id"]) for n in (at_meeting, concern, outside, on_web)}
    assert said == {
        at_meeting: ("objection", "Te vroeg", "meeting", 7, "Lid 0", p0, store.agreement_id(db, SLUG, a1)),
        concern: ("concern", "Wie betaalt?", "web", None, "Lid 1", p1, store.agreement_id(db, SLUG, a1)),
        outside: ("objection", "Te duur", "meeting", 7, "Lid 1", p1, store.agreement_id(db, SLUG, a2)),
        on_web: ("objection", "Te veel schermen", "web", None, "Lid 0", p0, store.agreement_id(db, SLUG, a2)),
    }
    figures = consent.round_figures(db, SLUG, round_)["agreements"][1]
    assert (figures["objected"], figures["concerns"], figures["no_answer"]) == (1, 1, 0)
    with pytest.raises(consent.ConsentError, match=f"A1 heeft een open bezwaar \\(B{at_meeting}\\)"):
        consent.adopt(db, settings, issue, now=LATER)


def test_an_answer_on_an_older_text_no_longer_counts(settings, db):
    issue = make_issue(settings)
    p0, p1 = members(db, 2)
    a1 = propose(db, settings, issue, "Koffieochtend")
    consent.open_round(db, issue, [a1], next_week())
    consent.respond(db, issue, p0, "consent")
    round_ = consent.current_round(db, SLUG)
    assert {n: (r["answer"], r["revision"], r["current"]) for n, r in consent.answer_of(db, round_, p0).items()} == {
        1: ("consent", 1, True)}
    assert consent.answer_of(db, round_, p1) == {}
    assert consent.amend_agreement(db, issue, a1, what="Koffieochtend op zaterdag") == [p0]
    assert consent.answer_of(db, round_, p0)[1]["current"] is False
    assert consent.round_figures(db, SLUG, round_)["consented"] == 0
    assert not consent.round_may_close(db, SLUG, round_)


# Rounds: when they open and close ------------------------------------------------------------


def test_a_round_ends_at_the_end_of_its_last_dutch_day():
    assert consent.end_of_day(datetime.date(2027, 1, 31)) == "2027-01-31T22:59:59+00:00"  # winter time
    assert consent.end_of_day(datetime.date(2027, 7, 1)) == "2027-07-01T21:59:59+00:00"  # summer time
    round_ = {"ends_at": "2027-01-31T22:59:59+00:00"}
    assert not consent.round_over(round_, now="2027-01-31T22:59:58+00:00")
    assert consent.round_over(round_, now="2027-01-31T22:59:59+00:00")  # its last second is past the end
    assert consent.local_time("2027-01-31T22:59:59+00:00") == "2027-01-31T23:59:59+01:00"


def test_a_round_opens_on_concept_agreements_with_an_end_in_the_future(settings, db):
    issue = make_issue(settings)
    members(db, 1)
    adopt_round(db, settings, issue, propose(db, settings, issue, "Koffieochtend"))
    a2, a3 = propose(db, settings, issue, "Buurtapp"), propose(db, settings, issue, "Bankje")
    now = "2098-06-01T10:00:00+00:00"
    for numbers in ([], [1], [a2, 9]):  # none, an adopted one, one that does not exist
        with pytest.raises(consent.ConsentError, match="Kies een of meer afspraken uit het concept-plan."):
            consent.open_round(db, issue, numbers, LATER, now=now)
    with pytest.raises(consent.ConsentError, match="De einddatum moet in de toekomst liggen."):
        consent.open_round(db, issue, [a2], now, now=now)  # ending the moment it opens
    assert consent.current_round(db, SLUG) is None
    round_id = consent.open_round(db, issue, [a3, a2, a3], LATER, now=now)
    round_ = consent.current_round(db, SLUG)
    assert (round_["id"], round_["agreements"], round_["opened_at"], round_["ends_at"]) == (round_id, [a2, a3], now, LATER)


def test_a_round_closes_early_only_when_everyone_answered_everything(settings, db):
    issue = make_issue(settings)
    a1, a2 = propose(db, settings, issue, "Koffieochtend"), propose(db, settings, issue, "Buurtapp")
    consent.open_round(db, issue, [a1, a2], next_week())
    round_ = consent.current_round(db, SLUG)
    assert not consent.round_may_close(db, SLUG, round_)  # nobody in the circle: nobody answered
    assert consent.round_may_close(db, SLUG, round_, now=LATER)
    p0, p1 = members(db, 2)
    consent.respond(db, issue, p0, "consent")
    consent.respond(db, issue, p1, "consent", agreement_number=a1)
    assert not consent.round_may_close(db, SLUG, round_)  # p1 left A2 unanswered
    figures = consent.round_figures(db, SLUG, round_)
    assert (figures["members"], figures["consented"], figures["no_answer"]) == (2, 1, 1)
    assert figures["agreements"][a2] == {"revision": 1, "consented": 1, "concerns": 0, "objected": 0, "no_answer": 1}
    consent.respond(db, issue, p1, "concern", reason="Wie beheert het?", agreement_number=a2)
    assert consent.round_may_close(db, SLUG, round_)
    figures = consent.round_figures(db, SLUG, round_)
    assert (figures["consented"], figures["concerns"], figures["objected"], figures["no_answer"]) == (1, 1, 0, 0)


def test_an_answer_is_given_by_a_member_on_an_agreement_of_the_round(settings, db):
    issue = make_issue(settings)
    p0, p1 = members(db, 2)
    a1, a2 = propose(db, settings, issue, "Koffieochtend"), propose(db, settings, issue, "Buurtapp")
    with pytest.raises(consent.ConsentError, match="Er loopt geen ronde."):
        consent.respond(db, issue, p0, "consent")
    consent.open_round(db, issue, [a1], next_week())
    refused = [
        ({"answer": "ja"}, "Onbekend antwoord 'ja'"),
        ({"answer": "objection", "agreement_number": a1}, "schrijf bij een bezwaar of zorg de reden op"),
        ({"answer": "concern", "reason": "Zo niet"}, "Kies een afspraak uit de ronde"),
        ({"answer": "consent", "agreement_number": a2}, "Kies een afspraak uit de ronde"),
        ({"answer": "objection", "reason": "Zo niet", "agreement_number": a2}, "Kies een afspraak uit de ronde"),
    ]
    for kwargs, said in refused:
        with pytest.raises(consent.ConsentError, match=said):
            consent.respond(db, issue, p0, **kwargs)
    with pytest.raises(consent.ConsentError, match="Alleen mensen uit de kring kunnen antwoorden."):
        consent.respond(db, issue, 999, "consent")
    assert db["round_answers"].count == 0 and db["objections"].count == 0
    assert consent.respond(db, issue, p1, "consent", agreement_number=a1, entered_by=7) is None
    [row] = db["round_answers"].rows
    assert (row["member_id"], row["agreement_number"], row["answer"], row["revision"], row["entered_by"]) == (
        p1, a1, "consent", 1, 7)


def test_consent_to_everything_skips_what_the_member_still_objects_to(settings, db):
    issue = make_issue(settings)
    p0, _ = members(db, 2)
    a1, a2 = propose(db, settings, issue, "Koffieochtend"), propose(db, settings, issue, "Buurtapp")
    consent.open_round(db, issue, [a1, a2], next_week())
    objection = consent.respond(db, issue, p0, "objection", reason="Te vroeg", agreement_number=a1)
    with pytest.raises(consent.ConsentError, match=f"Je hebt nog een open bezwaar \\(B{objection}\\) tegen A1."):
        consent.respond(db, issue, p0, "consent", agreement_number=a1)
    consent.respond(db, issue, p0, "consent")
    mine = consent.answer_of(db, consent.current_round(db, SLUG), p0)
    assert {n: r["answer"] for n, r in mine.items()} == {a1: "objection", a2: "consent"}
    consent.withdraw(db, issue, objection, member_id=p0)
    consent.respond(db, issue, p0, "consent", agreement_number=a1)  # withdrawn: now it may
    mine = consent.answer_of(db, consent.current_round(db, SLUG), p0)
    assert mine[a1]["answer"] == "objection"  # on the same text the objection outweighs the later consent


# Amending, and closing an objection ----------------------------------------------------------


def test_only_a_change_of_the_text_makes_a_new_revision(settings, db):
    issue = make_issue(settings)
    p0, p1 = members(db, 2)
    a1 = propose(db, settings, issue, "Koffieochtend", 100, who="Ans", when_text="zaterdag")
    a2 = propose(db, settings, issue, "Buurtapp")
    consent.open_round(db, issue, [a1], next_week())
    consent.respond(db, issue, p0, "consent")
    consent.respond(db, issue, p1, "concern", reason="Wie betaalt?", agreement_number=a1)
    assert consent.amend_agreement(db, issue, a1, from_ideas=[2, 1, 2], information=[3]) == []  # links: no new text
    assert consent.amend_agreement(db, issue, a1, what="Koffieochtend", cost=100) == []  # the same text
    agreement = store.agreements(db, SLUG)[0]
    assert (agreement["revision"], agreement["from_ideas"], agreement["information"]) == (1, [1, 2], [3])
    assert consent.amend_agreement(db, issue, a1, cost=120) == [p0, p1]  # both answers were on revision 1
    assert consent.amend_agreement(db, issue, a1, who="Ans, Bert") == [p0, p1]  # their answers still count for nothing
    consent.respond(db, issue, p0, "consent", agreement_number=a1)  # on revision 3
    assert consent.amend_agreement(db, issue, a1, when_text="zondag") == [p0, p1]
    assert store.revision(db, SLUG, a1, 1) == {"what": "Koffieochtend", "who": "Ans", "when_text": "zaterdag", "cost": 100}
    assert store.revision(db, SLUG, a1, 2) == {"what": "Koffieochtend", "who": "Ans", "when_text": "zaterdag", "cost": 120}
    assert store.revision(db, SLUG, a1, 3) == {"what": "Koffieochtend", "who": "Ans, Bert", "when_text": "zaterdag",
                                               "cost": 120}
    assert store.agreements(db, SLUG)[0]["revision"] == 4
    assert consent.amend_agreement(db, issue, a2, what="Buurtapp met papieren versie") == []  # not in the round
    with pytest.raises(consent.ConsentError, match="Onbekende velden: status"):
        consent.amend_agreement(db, issue, a1, status="adopted")
    with pytest.raises(consent.ConsentError, match="A9 is geen afspraak in het concept-plan."):
        consent.amend_agreement(db, issue, 9, what="Bestaat niet")


def test_amending_an_agreement_outside_the_round_voids_nobodys_answer(settings, db):
    issue = make_issue(settings)
    p0, _ = members(db, 2)
    a1, a2 = propose(db, settings, issue, "Koffieochtend"), propose(db, settings, issue, "Buurtapp")
    assert consent.amend_agreement(db, issue, a1, what="Koffieochtend om tien uur") == []  # no round at all
    consent.open_round(db, issue, [a1, a2], next_week())
    consent.respond(db, issue, p0, "consent")
    consent.leave_out(db, issue, a2)
    assert consent.amend_agreement(db, issue, a2, what="Buurtapp met papieren versie") == []  # left out: not asked
    assert consent.amend_agreement(db, issue, a1, what="Koffieochtend om elf uur") == [p0]


def test_the_same_answer_again_keeps_the_first(settings, db):
    issue = make_issue(settings)
    p0, _ = members(db, 2)
    a1 = propose(db, settings, issue, "Koffieochtend")
    consent.open_round(db, issue, [a1], next_week())
    consent.respond(db, issue, p0, "consent")
    [first] = db["round_answers"].rows
    consent.respond(db, issue, p0, "consent", entered_by=7)  # said again at a meeting
    assert list(db["round_answers"].rows) == [first]  # who entered it and when: the first answer's


def test_an_adopted_agreement_is_not_amended(settings, db):
    issue = make_issue(settings)
    members(db, 1)
    adopt_round(db, settings, issue, propose(db, settings, issue, "Koffieochtend"))
    with pytest.raises(consent.ConsentError, match="A1 is geen afspraak in het concept-plan."):
        consent.amend_agreement(db, issue, 1, what="Iets anders")
    assert store.agreements(db, SLUG)[0]["what"] == "Koffieochtend"


def test_only_the_objector_or_the_coordinator_on_their_behalf_closes_an_objection(settings, db):
    issue = make_issue(settings)
    p0, p1 = members(db, 2)
    a1 = propose(db, settings, issue, "Koffieochtend")
    objection = consent.raise_objection(db, issue, store.member(db, p0), a1, "Te vroeg")
    with pytest.raises(ValueError, match="unknown status 'open'"):
        consent.close_objection(db, issue, objection, "open", member_id=p0)
    with pytest.raises(consent.ConsentError, match=f"B{objection} is niet jouw bezwaar."):
        consent.withdraw(db, issue, objection, member_id=p1)
    with pytest.raises(consent.ConsentError, match="Alleen de indiener, of de coördinator namens de indiener"):
        consent.withdraw(db, issue, objection)
    assert store.objections(db, SLUG)[0]["status"] == "open"
    consent.withdraw(db, issue, objection, entered_by=7)
    row = db["objections"].get(1)
    assert (row["status"], row["resolution_note"]) == ("withdrawn", "(vastgelegd door de coördinator namens de indiener)")
    assert row["closed_at"]
    with pytest.raises(consent.ConsentError, match=f"B{objection} is geen open bezwaar."):
        consent.withdraw(db, issue, objection, member_id=p0)
    with pytest.raises(consent.ConsentError, match="B9 is geen open bezwaar."):
        consent.withdraw(db, issue, 9, member_id=p0)
    second = consent.raise_objection(db, issue, store.member(db, p1), a1, "Te duur")
    consent.accept_amendment(db, issue, second, member_id=p1)
    row = db["objections"].get(2)
    assert (row["status"], row["resolution_note"]) == ("resolved", None)  # outside a round: no answer recorded
    assert db["round_answers"].count == 0
    third = consent.raise_objection(db, issue, store.member(db, p1), a1, "Te laat")
    consent.close_objection(db, issue, third, "withdrawn", member_id=p1)
    assert db["objections"].get(3)["resolution_note"] is None
    fourth = consent.raise_objection(db, issue, store.member(db, p0), a1, "Te koud")
    consent.accept_amendment(db, issue, fourth, entered_by=7, note="Akkoord op de avond")
    assert db["objections"].get(4)["resolution_note"] == (
        "Akkoord op de avond (vastgelegd door de coördinator namens de indiener)")


def test_accepting_an_amendment_in_the_round_is_consent_to_the_new_text(settings, db):
    issue = make_issue(settings)
    p0, p1 = members(db, 2)
    a1, a2 = propose(db, settings, issue, "Koffieochtend"), propose(db, settings, issue, "Buurtapp")
    consent.open_round(db, issue, [a1], next_week())
    objection = consent.respond(db, issue, p0, "objection", reason="Te vroeg", agreement_number=a1)
    consent.amend_agreement(db, issue, a1, what="Koffieochtend om tien uur")
    outside = consent.raise_objection(db, issue, store.member(db, p1), a2, "Te duur")
    consent.accept_amendment(db, issue, objection, entered_by=7)
    consent.accept_amendment(db, issue, outside, member_id=p1)
    answers = consent.round_answers(db, consent.current_round(db, SLUG))
    assert {m: {n: (r["answer"], r["revision"], r["entered_by"]) for n, r in mine.items()} for m, mine in answers.items()} == {
        p0: {a1: ("consent", 2, 7)}}  # A2 is not in the round: p1's acceptance is no answer in it


# The plan files, read back ---------------------------------------------------------------------


def test_older_words_in_a_version_are_read_in_todays_keys(tmp_path):
    data = minimal(circle={"members": 4, "relations": {"buurtbewoner": 2, "resident": 1, "ondernemer": 1}},
                   agreements=[{"id": "A1", "what": "Koffie", "status": "planned",
                                "response": {"by": "gemeente", "decision": "financieren", "text": "Ja", "date": "2026-01-02"}},
                               {"id": "A2", "what": "App", "status": "planned", "response": None},
                               {"id": "A3", "what": "Bank", "status": "planned"}])
    written = plan.write_version(tmp_path, data)
    [read] = plan.load_versions(tmp_path)
    assert read.data["circle"] == {"members": 4, "relations": {"resident": 3, "business": 1}}
    assert [a.get("response") for a in read.data["agreements"]] == [
        {"by": "gemeente", "decision": "fund", "text": "Ja", "date": "2026-01-02"}, None, None]
    assert (read.number, read.sha256, read.path) == (1, written.sha256, written.path)
    assert b"financieren" in written.path.read_bytes()  # the file keeps its words
    assert plan.in_current_keys({"circle": {"members": 0, "relations": {}}, "agreements": []}) == {
        "circle": {"members": 0, "relations": {}}, "agreements": []}


def test_only_numbered_yaml_files_are_versions(tmp_path):
    assert plan.version_files(tmp_path / "bestaat-niet") == []
    for name in ("0002.yaml", "0001.yaml", "1.yaml", "0003.yml", ".0004.tmp", "00005.yaml", "notes.txt", "0010.yaml"):
        (tmp_path / name).write_text("")
    assert [p.name for p in plan.version_files(tmp_path)] == ["0001.yaml", "0002.yaml", "0010.yaml"]


def test_a_version_that_is_no_yaml_or_breaks_the_schema_is_named(tmp_path):
    plan.write_version(tmp_path, minimal())
    (tmp_path / "0002.yaml").write_text("issue: [x\n")
    with pytest.raises(plan.PlanError, match="0002.yaml: geen geldige YAML"):
        plan.load_versions(tmp_path)
    (tmp_path / "0002.yaml").write_text("issue: x\n")
    with pytest.raises(plan.PlanError, match=r"^0002.yaml: \(top\): 'version' is a required property$"):
        plan.load_versions(tmp_path)
    with pytest.raises(plan.PlanError, match=r"^nieuwe versie: agreements/0/what: '' "):
        plan.write_version(tmp_path / "elders", minimal(agreements=[{"id": "A1", "what": "", "status": "planned"}]))


def test_verify_names_a_version_that_says_another_number(tmp_path):
    first = plan.write_version(tmp_path, minimal())
    path = tmp_path / "0002.yaml"
    path.write_bytes(plan.dump(dict(first.data, version=3, previous=first.sha256)))
    with pytest.raises(plan.PlanError, match="0002.yaml: zegt versie 3, verwacht 2"):
        plan.verify(tmp_path, "x")
    path.write_bytes(plan.dump(dict(first.data, version=2, previous=None)))
    with pytest.raises(plan.PlanError, match=r"0002.yaml: de hash van 0001.yaml klopt niet"):
        plan.verify(tmp_path, "x")
    path.unlink()
    (tmp_path / "0001.yaml").write_bytes(plan.dump(dict(first.data, previous=first.sha256)))
    with pytest.raises(plan.PlanError, match=r"0001.yaml: de hash van \(geen\) klopt niet"):
        plan.verify(tmp_path, "x")


def test_verify_against_heads_names_every_version_without_one(tmp_path):
    versions = [plan.write_version(tmp_path, minimal()) for _ in range(3)]
    with pytest.raises(plan.PlanError, match=r"^0002.yaml, 0003.yaml zijn niet aangenomen"):
        plan.verify(tmp_path, "x", {1: versions[0].sha256})
    with pytest.raises(plan.PlanError, match=r"^0004.yaml ontbreekt \(het is wel aangenomen\)"):
        plan.verify(tmp_path, "x", {**{v.number: v.sha256 for v in versions}, 4: versions[0].sha256})
    assert plan.verify(tmp_path, "x", {v.number: v.sha256 for v in versions}) == versions


def test_a_new_version_gets_the_next_number_and_the_hash_of_the_last(settings, db):
    issue = make_issue(settings)
    changes_before = db["site_changes"].count
    version = consent.write_version(db, settings, SLUG, minimal(SLUG))
    assert (version.number, version.data["previous"]) == (1, None)
    assert plan.recorded_heads(db, SLUG) == {1: version.sha256} and db["site_changes"].count > changes_before
    assert consent.latest_version(settings, SLUG, db) == version
    assert consent.latest_version(settings, "leeg", db) is None
    assert consent.plan_versions(settings, SLUG) == [version]  # without db: the chain only
    assert issue.slug == SLUG


def test_the_draft_lists_only_closed_objections_and_says_first_that_the_round_still_runs(settings, db):
    issue = make_issue(settings)
    p0, p1, _ = members(db, 3)  # the third has not answered yet
    a1 = propose(db, settings, issue, "Koffieochtend")
    ends = consent.end_of_day(datetime.date(2098, 1, 8))
    consent.open_round(db, issue, [a1], ends, now="2098-01-01T10:00:00+00:00")
    withdrawn = consent.respond(db, issue, p0, "objection", reason="Te vroeg", agreement_number=a1)
    consent.withdraw(db, issue, withdrawn, member_id=p0)
    still_open = consent.respond(db, issue, p1, "objection", reason="Te laat", agreement_number=a1)
    round_ = consent.current_round(db, SLUG)
    data, reasons = consent.draft_version(db, settings, issue, round_, adopted_at="2098-01-02T12:00:00+01:00",
                                          now="2098-01-02T11:00:00+00:00")
    assert [o["id"] for o in data["agreements"][0]["objections"]] == [f"B{withdrawn}"]
    assert data["consent_round"]["objections_resolved"] == 1
    assert reasons == [
        "De ronde loopt nog tot 8 januari 2098, en nog niet iedereen heeft geantwoord.",
        (f"A1 heeft een open bezwaar (B{still_open}). Laat de afspraak weg, of pas haar aan tot het bezwaar is "
         "ingetrokken of opgelost.")]


def test_another_members_objection_does_not_stop_my_consent(settings, db):
    issue = make_issue(settings)
    p0, p1 = members(db, 2)
    a1 = propose(db, settings, issue, "Koffieochtend")
    consent.open_round(db, issue, [a1], next_week())
    consent.respond(db, issue, p1, "objection", reason="Te vroeg", agreement_number=a1)
    consent.respond(db, issue, p0, "consent", agreement_number=a1)
    consent.respond(db, issue, p0, "consent")
    assert consent.answer_of(db, consent.current_round(db, SLUG), p0)[a1]["answer"] == "consent"


def test_an_agreement_adopted_again_keeps_its_response_review_date_and_notes(settings, db):
    """No path re-adopts an agreement yet (only concept agreements enter a round, and new numbers
    continue after the plan), so the state is made by hand: the day one can, what the municipality
    said and what happened since must not be lost."""
    issue = make_issue(settings)
    members(db, 1)
    adopt_round(db, settings, issue, propose(db, settings, issue, "Koffieochtend"))
    consent.record_responses(db, settings, issue, {"A1": {"decision": "fund", "text": "Ja", "review_at": "2099-06-01"}})
    consent.status_update(db, settings, issue, "A1", "in_progress", "Gestart", date="2099-02-01")
    with database.write(db):
        db.execute("update agreements set status = 'concept', what = 'Koffieochtend, ook op zondag' where number = 1")
    version = adopt_round(db, settings, issue, 1)
    [again] = on_disk(version)["agreements"]
    assert again["what"] == "Koffieochtend, ook op zondag"
    assert again["review_at"] == "2099-06-01" and again["response"]["text"] == "Ja"
    assert again["status_notes"] == [{"date": "2099-02-01", "status": "in_progress", "note": "Gestart"}]


def test_adopting_needs_a_round_and_the_plan_phase(settings, db):
    issue = make_issue(settings)
    with pytest.raises(consent.ConsentError, match="^Er loopt geen ronde om over te besluiten.$"):
        consent.adopt(db, settings, issue, now=LATER)
    closed = dataclasses.replace(issue, phase="open")
    with pytest.raises(consent.ConsentError) as refused:
        consent.require_plan_phase(closed)
    assert str(refused.value) == ("Afspraken en het plan kunnen alleen in de fase ‘concept-plan’ of ‘gedragen plan’. "
                                  "Deze kwestie is in de fase ‘We willen samen een plan maken’.")
    consent.require_plan_phase(dataclasses.replace(issue, phase="adopted"))  # no error


def test_a_stored_time_is_utc_whatever_the_servers_time_zone(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Amsterdam")
    time.tzset()
    try:
        assert consent.end_of_day(datetime.date(2027, 1, 31)) == "2027-01-31T22:59:59+00:00"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_new_numbers_continue_after_the_plan_files_not_only_the_database(settings, db):
    """The demo's plan files come from git, with a database that never saw their agreements."""
    issue = make_issue(settings)
    folder = plan.plan_folder(settings, SLUG)
    empty = plan.write_version(folder, minimal(SLUG, agreements=[]))
    with database.write(db):
        plan.record_head(db, SLUG, empty)
    assert propose(db, settings, issue, "Eerste") == 1  # a version without agreements: start at 1
    found = plan.write_version(folder, minimal(SLUG, agreements=[{"id": "A5", "what": "Uit git", "status": "planned"}]))
    with database.write(db):
        plan.record_head(db, SLUG, found)
    assert propose(db, settings, issue, "Nieuw") == 6


def test_the_plan_versions_of_a_kwestie_are_its_own(settings, db):
    make_issue(settings)
    plan.write_version(plan.plan_folder(settings, SLUG), minimal("een-andere-kwestie"))  # copied into the wrong folder
    with pytest.raises(plan.PlanError, match="hoort bij 'een-andere-kwestie', niet bij 'kring-besluit'"):
        consent.plan_versions(settings, SLUG)


# A hand-altered version is not built upon ---------------------------------------------------


@pytest.fixture
def adopted(settings, db):
    """A kwestie with version 1 adopted (A1, A2) and a round open on A3."""
    issue = make_issue(settings, municipality="Gemeente Eemswierum")
    members(db, 2)
    adopt_round(db, settings, issue, propose(db, settings, issue, "Koffieochtend", 100),
                propose(db, settings, issue, "Buurtapp", 200), meeting="Buurtavond in De Zwaan")
    consent.open_round(db, issue, [propose(db, settings, issue, "Bankje", 300)], next_week())
    return issue


def alter_by_hand(settings, number=1):
    path = plan.plan_folder(settings, SLUG) / f"{number:04d}.yaml"
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b"what: Koffieochtend", b"what: Koffieavond"))
    assert path.read_bytes() != raw
    return path


def nothing_written(db, settings, heads):
    assert version_files(settings) == [f"{n:04d}.yaml" for n in sorted(heads)]
    assert plan.recorded_heads(db, SLUG) == heads


def test_a_hand_altered_newest_version_is_not_built_upon(settings, db, adopted):
    heads = plan.recorded_heads(db, SLUG)
    alter_by_hand(settings)
    plan.verify(plan.plan_folder(settings, SLUG), SLUG)  # the chain alone cannot see it: the newest file
    attempts = {
        "status": lambda: consent.status_update(db, settings, adopted, "A1", "in_progress", "Gestart"),
        "response": lambda: consent.record_responses(db, settings, adopted,
                                                     {"A1": {"decision": "fund", "text": "Past in de begroting"}}),
        "adoption": lambda: consent.adopt(db, settings, adopted, now=LATER),
        "proposal": lambda: propose(db, settings, adopted, "Nog een"),
    }
    for attempt in attempts.values():
        with pytest.raises(plan.PlanError, match="0001.yaml: is veranderd nadat het is vastgelegd"):
            attempt()
    nothing_written(db, settings, heads)
    assert consent.current_round(db, SLUG) is not None and concept(db) == ["A3"]


def test_a_version_appended_by_hand_is_not_built_upon(settings, db, adopted):
    heads = plan.recorded_heads(db, SLUG)
    folder = plan.plan_folder(settings, SLUG)
    newest = plan.verify(folder, SLUG)[-1]
    plan.write_version(folder, dict(newest.data, kind="status_update", consent_round=None))  # chain-valid
    with pytest.raises(plan.PlanError, match="0002.yaml is niet aangenomen"):
        consent.status_update(db, settings, adopted, "A1", "done", "Klaar")
    with pytest.raises(plan.PlanError, match="0002.yaml is niet aangenomen"):
        consent.record_responses(db, settings, adopted, {"A1": {"decision": "fund", "text": "Ja"}})
    assert plan.recorded_heads(db, SLUG) == heads and version_files(settings) == ["0001.yaml", "0002.yaml"]


# The municipality's response ---------------------------------------------------------------


@pytest.mark.parametrize("answer", [
    {"decision": "fund", "text": ""},  # no reason
    {"decision": "fund"},
    {"decision": "maybe", "text": "We kijken er nog naar"},  # not a decision
    {"decision": "", "text": "We kijken er nog naar"},
])
def test_a_response_needs_a_decision_from_the_list_and_a_reason(settings, db, adopted, answer):
    heads = plan.recorded_heads(db, SLUG)
    with pytest.raises(consent.ConsentError, match="A1: kies een besluit en schrijf de reden op."):
        consent.record_responses(db, settings, adopted, {"A1": answer})
    nothing_written(db, settings, heads)


@pytest.mark.parametrize("responses", [{}, {"A3": {"decision": "fund", "text": "Ja"}},
                                       {"A1": {"decision": "fund", "text": "Ja"}, "A9": {"decision": "fund", "text": "Ja"}}])
def test_a_response_is_only_for_adopted_agreements(settings, db, adopted, responses):
    heads = plan.recorded_heads(db, SLUG)
    with pytest.raises(consent.ConsentError, match="Niet in het aangenomen plan"):
        consent.record_responses(db, settings, adopted, responses)
    nothing_written(db, settings, heads)


def test_a_response_before_any_adoption_is_refused(settings, db):
    issue = make_issue(settings)
    with pytest.raises(consent.ConsentError, match=r"Niet in het aangenomen plan: A1\."):
        consent.record_responses(db, settings, issue, {"A1": {"decision": "fund", "text": "Ja"}})
    with pytest.raises(consent.ConsentError, match=r"\(geen afspraak gekozen\)"):
        consent.record_responses(db, settings, issue, {})


def test_the_response_stays_with_its_agreement(settings, db, adopted):
    response = consent.record_responses(db, settings, adopted, {
        "A2": {"decision": "decline", "text": "Geen geld dit jaar", "review_at": datetime.date(2099, 6, 1)}},
        now="2099-02-01T23:30:00+00:00")
    koffie, app = on_disk(response)["agreements"]
    assert app["response"] == {"by": "Gemeente Eemswierum", "decision": "decline", "text": "Geen geld dit jaar",
                               "date": "2099-02-02"}  # the Dutch date: 00:30 on 2 February
    assert app["review_at"] == "2099-06-01"
    assert "response" not in koffie or koffie["response"] is None
    assert on_disk(response)["adopted_at_meeting"] is None and on_disk(response)["consent_round"] is None
    later = consent.status_update(db, settings, adopted, "A2", "stopped", "Niet doorgegaan")
    assert on_disk(later)["agreements"][1]["response"] == app["response"]
    assert on_disk(later)["agreements"][1]["review_at"] == "2099-06-01"


def test_without_a_municipality_the_response_is_by_the_gemeente(settings, db):
    issue = make_issue(settings)
    members(db, 1)
    adopt_round(db, settings, issue, propose(db, settings, issue, "Koffieochtend"))
    version = consent.record_responses(db, settings, issue, {"A1": {"decision": "carry_out", "text": "Doen we"}})
    assert on_disk(version)["agreements"][0]["response"]["by"] == "gemeente"
    assert "review_at" not in on_disk(version)["agreements"][0] or on_disk(version)["agreements"][0]["review_at"] is None


# A status or response version does not claim the adoption -----------------------------------


def test_status_and_response_versions_carry_their_own_time_and_no_round(settings, db, adopted):
    status = consent.status_update(db, settings, adopted, "A1", "in_progress", "De eerste ochtend was vol",
                                   now="2099-03-01T09:30:00+00:00")
    response = consent.record_responses(db, settings, adopted, {"A1": {"decision": "fund", "text": "Betalen we"}},
                                        now="2099-04-01T09:30:00+00:00")
    for version, kind, at in ((status, "status_update", "2099-03-01T10:30:00+01:00"),
                              (response, "response", "2099-04-01T11:30:00+02:00")):
        data = on_disk(version)
        assert data["kind"] == kind and data["adopted_at"] == at
        assert data["adopted_at_meeting"] is None and data["consent_round"] is None
        assert data["circle"] == on_disk(plan.verify(plan.plan_folder(settings, SLUG))[0])["circle"]
    assert plan.recorded_heads(db, SLUG) == {1: plan.verify(plan.plan_folder(settings, SLUG))[0].sha256,
                                            2: status.sha256, 3: response.sha256}


def test_an_agreement_from_an_older_file_without_status_notes_gets_its_first_note(settings, db):
    issue = make_issue(settings)
    folder = plan.plan_folder(settings, SLUG)
    older = plan.write_version(folder, minimal(SLUG))  # its agreement has no status_notes at all
    with database.write(db):
        plan.record_head(db, SLUG, older)
    version = consent.status_update(db, settings, issue, "A1", "done", "Klaar", date="2099-03-05")
    assert on_disk(version)["agreements"][0]["status_notes"] == [{"date": "2099-03-05", "status": "done", "note": "Klaar"}]
    assert plan.diff(older.data, version.data) == [("changed", "A1", [("status", "planned", "done"),
                                                                      ("status_note", None, "Klaar")])]


def test_a_status_note_is_dated_by_the_dutch_day_unless_a_date_is_given(settings, db, adopted):
    late = consent.status_update(db, settings, adopted, "A1", "in_progress", "Gestart", now="2099-03-01T23:30:00+00:00")
    assert on_disk(late)["agreements"][0]["status_notes"] == [
        {"date": "2099-03-02", "status": "in_progress", "note": "Gestart"}]
    dated = consent.status_update(db, settings, adopted, "A1", "done", "Klaar", date="2099-03-05")
    koffie, app = on_disk(dated)["agreements"]
    assert koffie["status"] == "done" and [n["date"] for n in koffie["status_notes"]] == ["2099-03-02", "2099-03-05"]
    assert app["status"] == "planned" and app["status_notes"] == []  # the other agreement is untouched


def test_a_status_update_is_checked_before_anything_is_written(settings, db, adopted):
    heads = plan.recorded_heads(db, SLUG)
    with pytest.raises(consent.ConsentError, match="Status moet een van planned, in_progress, done, stopped zijn."):
        consent.status_update(db, settings, adopted, "A1", "misschien", "?")
    with pytest.raises(consent.ConsentError, match="A3 staat niet in het aangenomen plan."):
        consent.status_update(db, settings, adopted, "A3", "done", "Nog niet aangenomen")
    consent.status_update(db, settings, adopted, "A1", "done", "Klaar", based_on=1, date="2099-03-05")
    with pytest.raises(consent.ConsentError, match="er is nu versie 2"):
        consent.status_update(db, settings, adopted, "A2", "done", "Ook klaar", based_on=1)
    with pytest.raises(consent.ConsentError, match="Deze status van A1 staat al in versie 2"):
        consent.status_update(db, settings, adopted, "A1", "done", "Klaar", date="2099-03-05")
    assert len(plan.recorded_heads(db, SLUG)) == len(heads) + 1


def test_a_status_update_before_any_adoption_is_refused(settings, db):
    issue = make_issue(settings)
    with pytest.raises(consent.ConsentError, match="A1 staat niet in het aangenomen plan."):
        consent.status_update(db, settings, issue, "A1", "done", "Klaar")


def test_the_council_reference_keeps_only_what_was_given(settings, db, adopted):
    heads = plan.recorded_heads(db, SLUG)
    refused = [({"date": "2099-03-03"}, "A1: noem het nummer van het raadsvoorstel of de motie."),
               ({"reference": " ", "decision": "aangenomen"}, "A1: noem het nummer van het raadsvoorstel of de motie."),
               ({"reference": "RV 1", "date": "3-3-2099"}, "A1: de datum van de raadsvergadering is geen datum"),
               ({"reference": "RV 1", "date": "2099-02-30"}, "A1: de datum van de raadsvergadering is geen datum")]
    for council, said in refused:
        with pytest.raises(consent.ConsentError, match=said):
            consent.record_responses(db, settings, adopted,
                                     {"A1": {"decision": "fund", "text": "Ja", "council": council}})
    nothing_written(db, settings, heads)
    version = consent.record_responses(db, settings, adopted, {
        "A1": {"decision": "fund", "text": "Ja", "council": {"reference": " RV 2099-014 ", "date": datetime.date(2099, 3, 3),
                                                               "decision": " aangenomen "}},
        "A2": {"decision": "fund", "text": "Ja", "council": {"reference": "motie M12", "decision": ""}}})
    koffie, app = on_disk(version)["agreements"]
    assert koffie["response"]["council"] == {"reference": "RV 2099-014", "date": "2099-03-03", "decision": "aangenomen"}
    assert app["response"]["council"] == {"reference": "motie M12"}
    without = consent.record_responses(db, settings, adopted, {
        "A1": {"decision": "fund", "text": "Toch zonder", "council": {"reference": " ", "date": "", "decision": None}}})
    assert "council" not in on_disk(without)["agreements"][0]["response"]
    assert on_disk(without)["agreements"][1]["response"]["council"] == {"reference": "motie M12"}  # stays


def test_the_council_reference_in_words():
    assert plan.council_text({"reference": "RV 2027-014", "date": "2027-03-03", "decision": "aangenomen"}) == (
        "gemeenteraad: RV 2027-014, 3 maart 2027: aangenomen")
    assert plan.council_text({"reference": "motie M12", "date": "2027-03-03"}) == (
        "gemeenteraad: motie M12, 3 maart 2027: besluit nog niet bekend")
    assert plan.council_text({"reference": "motie M12"}) == "gemeenteraad: motie M12"
    assert plan.council_text({"reference": "RV 1", "decision": "  aangenomen \n met 21 stemmen.X."}) == (
        "gemeenteraad: RV 1: aangenomen met 21 stemmen.X")


# Links and when survive into every version -------------------------------------------------


def test_ideas_information_and_when_survive_into_the_file_and_later_versions(settings, db):
    issue = make_issue(settings)
    members(db, 1)
    store.add_idea(db, SLUG, title="Koffie")
    store.add_idea(db, SLUG, title="Ochtend")
    store.add_question(db, SLUG, text="Mag het in het buurthuis?")
    a1 = propose(db, settings, issue, "Koffieochtend", 50, who="Ans, Bert ,", when_text="Elke zaterdag",
                 from_ideas=[1, 2], information=[1])
    first = adopt_round(db, settings, issue, a1)
    expected = {"id": "A1", "what": "Koffieochtend", "who": ["Ans", "Bert"], "when": "Elke zaterdag", "cost": 50,
                "from_ideas": ["I1", "I2"], "information": ["V1"]}
    status = consent.status_update(db, settings, issue, "A1", "in_progress", "Gestart")
    response = consent.record_responses(db, settings, issue, {"A1": {"decision": "fund", "text": "Ja"}})
    later = adopt_round(db, settings, issue, propose(db, settings, issue, "Buurtapp"))
    for version in (first, status, response, later):
        agreement = on_disk(version)["agreements"][0]
        assert {key: agreement[key] for key in expected} == expected, version.filename


def test_an_agreement_without_when_or_links_says_so(settings, db):
    issue = make_issue(settings)
    members(db, 1)
    version = adopt_round(db, settings, issue, propose(db, settings, issue, "Koffieochtend"))
    agreement = on_disk(version)["agreements"][0]
    assert (agreement["who"], agreement["when"], agreement["from_ideas"], agreement["information"]) == ([], None, [], [])


# The plan files ---------------------------------------------------------------------------------


def minimal(issue="x", **fields):
    return {"issue": issue, "adopted_at": "2026-01-01T20:00:00+01:00", "kind": "adoption",
            "circle": {"members": 3, "relations": {"resident": 3}}, "consent_round": None,
            "agreements": [{"id": "A1", "what": "Koffie", "status": "planned"}],
            "budget": {"available": None, "allocated": 0}, **fields}


def test_write_version_refuses_to_chain_onto_another_kwesties_versions(tmp_path):
    plan.write_version(tmp_path, minimal("x"))
    with pytest.raises(plan.PlanError, match="0001.yaml: hoort bij 'x', niet bij 'y'"):
        plan.write_version(tmp_path, minimal("y"))
    assert [p.name for p in plan.version_files(tmp_path)] == ["0001.yaml"]


def test_write_version_writes_in_the_target_folder_and_links_into_place(tmp_path, monkeypatch):
    """A hard link cannot cross file systems, and a rename is only atomic within one: the
    temporary file must be made beside the version it becomes."""
    linked = []
    real_link = os.link

    def link(source, target):
        linked.append((os.path.dirname(source), os.path.dirname(target), os.path.exists(source)))
        return real_link(source, target)

    monkeypatch.setattr(plan.os, "link", link)
    folder = tmp_path / "kwesties" / "x" / "plan"  # made as needed
    version = plan.write_version(folder, minimal())
    assert linked == [(str(folder), str(folder), True)]
    assert version.path == folder / "0001.yaml" and [p.name for p in folder.iterdir()] == ["0001.yaml"]


def test_a_version_file_is_readable_by_everyone_and_by_people(tmp_path):
    version = plan.write_version(tmp_path, minimal(agreements=[{"id": "A1", "what": "Eén bankje voor café", "status": "planned"}]))
    assert version.path.stat().st_mode & 0o777 == 0o644  # the web server publishes it
    raw = version.path.read_bytes()
    assert "Eén bankje voor café".encode() in raw  # UTF-8, not escapes
    assert raw.startswith(b"issue: x\nversion: 1\nprevious: null\n")  # in the order of the schema
    assert version.sha256 == plan.file_hash(raw) == "sha256:" + hashlib.sha256(raw).hexdigest()


def test_the_bytes_of_a_version_follow_from_its_data(tmp_path):
    """The hash vouches for the bytes, so the same data must always give the same bytes: every
    version in git reads back and writes out to exactly its file, and long texts fold at 100
    characters as they do there."""
    for path in sorted((ROOT / "content" / "kwesties").glob("*/plan/*.yaml")):
        raw = path.read_bytes()
        assert plan.dump(plan.load(raw)) == raw, path.name
    meeting = "xxx " + " ".join(["woord"] * 40)
    raw = plan.write_version(tmp_path, minimal(adopted_at_meeting=meeting)).path.read_bytes()
    assert b"\nadopted_at_meeting: xxx" + b" woord" * 13 + b"\n  woord woord" in raw


def test_a_version_file_holds_plain_yaml_only():
    """Anyone must be able to read a plan file with a safe YAML loader, in any language: what is not
    plain data is refused, never written as a Python-specific tag."""
    with pytest.raises(yaml.representer.RepresenterError):
        plan.dump({"what": object()})
    assert plan.load(plan.dump({"who": ["Ans"], "cost": None, "ok": True})) == {"who": ["Ans"], "cost": None, "ok": True}


def test_the_plan_of_a_kwestie_is_in_its_own_folder(settings, db):
    assert plan.plan_folder(settings, "speeltuin") == Path(settings["PATH"]) / "kwesties" / "speeltuin" / "plan"
    issue = make_issue(settings)
    members(db, 1)
    assert not phases.has_plan_versions(settings, SLUG)
    adopt_round(db, settings, issue, propose(db, settings, issue, "Koffieochtend"))
    assert phases.has_plan_versions(settings, SLUG)  # the phase guard finds what adoption wrote


def test_a_failed_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    plan.write_version(tmp_path, minimal())

    def link(source, target):
        raise FileExistsError(target)  # as when another writer got there first

    monkeypatch.setattr(plan.os, "link", link)
    with pytest.raises(FileExistsError):
        plan.write_version(tmp_path, minimal())
    assert [p.name for p in tmp_path.iterdir()] == ["0001.yaml"]


def test_recorded_heads_round_trip(settings, db):
    folder = plan.plan_folder(settings, SLUG)
    first = plan.write_version(folder, minimal(SLUG))
    second = plan.write_version(folder, minimal(SLUG, adopted_at="2026-02-01T20:00:00+01:00"))
    with database.write(db):
        plan.record_head(db, SLUG, first)
        plan.record_head(db, SLUG, second)
    assert plan.recorded_heads(db, SLUG) == {1: first.sha256, 2: second.sha256}
    assert plan.recorded_heads(db, "andere-kwestie") == {}
    assert db.execute("select recorded_at from plan_heads order by version").fetchall() == [
        ("2026-01-01T20:00:00+01:00",), ("2026-02-01T20:00:00+01:00",)]
    assert consent.plan_versions(settings, SLUG, db) == [first, second]


def test_diff_reports_only_what_changed():
    old = {"agreements": [
        {"id": "A1", "what": "Koffie", "who": ["Ans"], "cost": 10, "status": "planned", "status_notes": []},
        {"id": "A2", "what": "App", "status": "planned"},
        {"id": "A10", "what": "Bank", "status": "planned"}]}
    new = {"agreements": [
        {"id": "A1", "what": "Koffie", "who": ["Ans"], "cost": 10, "status": "done",
         "status_notes": [{"date": "2027-01-01", "status": "done", "note": "Klaar"}]},
        {"id": "A3", "what": "Bankje", "status": "planned"},
        {"id": "A10", "what": "Bank", "status": "planned"}]}
    assert plan.diff(old, new) == [
        ("changed", "A1", [("status", "planned", "done"), ("status_note", None, "Klaar")]),
        ("removed", "A2", None),
        ("added", "A3", None),
    ]
    assert plan.diff(new, new) == []
    assert plan.diff(None, old) == [("added", "A1", None), ("added", "A2", None), ("added", "A10", None)]
    assert plan.diff({}, {"agreements": []}) == []
    assert plan.diff(old, {}) == [("removed", "A1", None), ("removed", "A2", None), ("removed", "A10", None)]


def test_describe_says_each_change_in_plain_dutch():
    consent_figures = {"revision": 2, "consented": 3, "concerns": 1, "objected": 0, "no_answer": 2}
    changes = [
        ("added", "A3", None),
        ("added", "A4", None),
        ("removed", "A2", None),
        ("changed", "A1", [("what", "Koffie", "Thee"), ("who", ["Ans", "Bert"], []), ("when", None, "zaterdag"),
                           ("cost", 10, None), ("from_ideas", [], ["I1"]), ("information", ["V1"], ["V1", "V2"]),
                           ("status", "planned", "done"), ("status_note", None, "De eerste ochtend was vol"),
                           ("review_at", None, "2027-06-01"), ("review_at", "2027-06-01", None),
                           ("response", None, {"by": "gemeente", "decision": "fund", "text": "Betalen we"}),
                           ("response", None, {"text": "Doen we", "council": {"reference": "RV 1"}}),
                           ("response", None, {"decision": "fund"}),
                           ("consent", None, consent_figures)]),
    ]
    data = {"agreements": [{"id": "A3", "consent": consent_figures}, {"id": "A4"}]}
    assert plan.describe(changes, data) == [
        "A3 is toegevoegd, aangenomen met 3 ik kan ermee leven, 1 zorg, 0 bezwaar en 2 geen antwoord.",
        "A4 is toegevoegd.",
        "A2 is uit het plan gehaald.",
        "A1: wat is veranderd van ‘Koffie’ in ‘Thee’.",
        "A1: wie is veranderd van ‘Ans, Bert’ in ‘niets’.",
        "A1: wanneer is veranderd van ‘niets’ in ‘zaterdag’.",
        "A1: kosten is veranderd van ‘10’ in ‘niets’.",
        "A1: uit ideeën is veranderd van ‘niets’ in ‘I1’.",
        "A1: informatie is veranderd van ‘V1’ in ‘V1, V2’.",
        "A1: status van ‘gepland’ naar ‘klaar’.",
        "A1: De eerste ochtend was vol",
        "A1: evaluatie op 1 juni 2027.",
        "A1: evaluatie op geen datum.",
        "A1: de gemeente reageerde: Betalen we",
        "A1: de gemeente reageerde (gemeenteraad: RV 1): Doen we",
        "A1: de gemeente reageerde: ",
        "A1: aangenomen met 3 ik kan ermee leven, 1 zorg, 0 bezwaar en 2 geen antwoord.",
    ]
    assert plan.describe([("added", "A3", None)]) == ["A3 is toegevoegd."]
    # A status or field this code has no word for is shown as it is, not as nothing.
    assert plan.describe([("changed", "A1", [("status", "misschien", "ooit"), ("note", "a", "b")])]) == [
        "A1: status van ‘misschien’ naar ‘ooit’.", "A1: note is veranderd van ‘a’ in ‘b’."]
    assert plan.describe([("changed", "A1", [("what", "", "Koffie")])]) == ["A1: wat is veranderd van ‘niets’ in ‘Koffie’."]


def test_an_unrecorded_plan_says_how_many_versions_it_could_not_confirm(tmp_path):
    plan.write_version(tmp_path, minimal())
    with pytest.raises(plan.UnrecordedPlan) as one:
        plan.verify(tmp_path, "x", {})
    assert str(one.value).startswith("Versie 1: de keten en het schema kloppen. Maar deze installatie heeft niet "
                                     "vastgelegd dat deze versie hier is aangenomen")
    assert "dat dit de aangenomen versie is." in str(one.value)
    plan.write_version(tmp_path, minimal())
    with pytest.raises(plan.UnrecordedPlan) as two:
        plan.verify(tmp_path, "x", {})
    assert str(two.value).startswith("Versie 1 tot en met 2: de keten en het schema kloppen. Maar deze installatie "
                                     "heeft niet vastgelegd dat deze versies hier zijn aangenomen")
    assert "dat dit de aangenomen versies zijn." in str(two.value)
    assert [v.number for v in two.value.versions] == [1, 2]


# Phases: the boundaries of the guard --------------------------------------------------------


def kwestie(phase, **fields):
    defaults = {"slug": "k", "title": "K", "question": "Wat nu?", "phase": phase,
                "constraints": ("Volgens de wet.",), "coordinator": "Marieke"}
    return Issue(**{**defaults, **fields})


@pytest.mark.parametrize("size,allowed", [(4, False), (5, True), (6, True)])
def test_the_circle_may_propose_at_exactly_min_circle(size, allowed):
    reasons = phases.check_transition(kwestie("open", min_circle=5), "proposing", circle_size=size,
                                      today=datetime.date(2027, 2, 1), has_plan_versions=False)
    assert reasons == ([] if allowed else [f"De kring is nog te klein: {size} van de minstens 5 mensen."])


@pytest.mark.parametrize("today,allowed", [
    (datetime.date(2027, 1, 31), False),
    (datetime.date(2027, 2, 1), False),  # the last day of Ideas_until itself still belongs to the ideas
    (datetime.date(2027, 2, 2), True),
])
def test_the_last_day_of_the_idea_period_still_belongs_to_it(today, allowed):
    reasons = phases.check_transition(kwestie("open", ideas_until=datetime.date(2027, 2, 1)), "proposing",
                                      circle_size=3, today=today, has_plan_versions=False)
    assert reasons == ([] if allowed else [("Ideeën insturen kan nog tot en met 1 februari 2027. "
                                            "Wacht tot die dag voorbij is.")])


def test_each_missing_field_of_a_draft_is_named():
    def check(issue):
        return phases.check_transition(issue, "open", circle_size=0, today=datetime.date(2027, 2, 1),
                                       has_plan_versions=False)

    assert check(kwestie("draft", question="")) == ["De open vraag ontbreekt (Question in kwestie.md)."]
    assert check(kwestie("draft", constraints=())) == [
        "De kaders ontbreken: schrijf op wat vastligt (Constraints in kwestie.md)."]
    assert check(kwestie("draft", coordinator="")) == ["Er is nog geen coördinator (Coordinator in kwestie.md)."]
    # Going back from proposing to open needs none of that, and neither the circle nor the date.
    assert phases.check_transition(kwestie("proposing", question="", constraints=(), coordinator=""), "open",
                                   circle_size=0, today=datetime.date(2027, 2, 1), has_plan_versions=False) == []


def test_a_closed_kwestie_stays_closed_and_adopted_needs_a_version():
    args = {"circle_size": 9, "today": datetime.date(2027, 2, 1)}
    assert phases.check_transition(kwestie("closed"), "open", has_plan_versions=True, **args) == [
        "De kwestie is gesloten. Dat is de laatste fase: er kan niets meer veranderen."]
    assert phases.check_transition(kwestie("proposing"), "adopted", has_plan_versions=False, **args) == [
        "Er is nog geen vastgestelde versie van het plan."]
    assert phases.check_transition(kwestie("proposing"), "adopted", has_plan_versions=True, **args) == []
    assert phases.check_transition(kwestie("draft"), "closed", has_plan_versions=True, **args) == [
        "Van ‘voorbereiding’ naar ‘gesloten’ kan niet."]
    assert phases.check_transition(kwestie("open"), "open", has_plan_versions=True, **args) == [
        "De kwestie is al in de fase ‘We willen samen een plan maken’."]
    assert phases.check_transition(kwestie("open"), "gesloten", has_plan_versions=True, **args) == [
        "De fase ‘gesloten’ bestaat niet."]


def test_today_is_the_dutch_date(monkeypatch):
    """At 23:30 UTC on 31 January it is already 1 February in the Netherlands."""
    instant = datetime.datetime(2027, 1, 31, 23, 30, tzinfo=datetime.UTC)

    class FixedDatetime(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return instant.astimezone(tz) if tz else instant.replace(tzinfo=None)

    monkeypatch.setattr(phases, "datetime", types.SimpleNamespace(datetime=FixedDatetime))
    assert phases.today() == datetime.date(2027, 2, 1)


def test_has_plan_versions_looks_only_at_the_kwesties_own_plan_folder(settings):
    write_issue(settings, "k")
    write_issue(settings, "ander")
    folder = phases.issues_folder(settings)
    (folder / "ander" / "plan").mkdir()
    (folder / "ander" / "plan" / "0001.yaml").write_text("version: 1\n")
    (folder / "k" / "plan").mkdir()
    (folder / "k" / "plan" / ".0001.tmp").write_text("")  # a version still being written
    assert not phases.has_plan_versions(settings, "k") and phases.has_plan_versions(settings, "ander")


@pytest.mark.parametrize("header", [
    "Phase: open\nTitle: K\nQuestion: Wat nu?\n",  # the first line
    "Title: K\nQuestion: Wat nu?\nPhase: open\n",  # the last line of the metadata
    "Title: K\nPHASE:\topen\nQuestion: Wat nu?\n",  # keys are case-insensitive
])
def test_set_phase_finds_the_phase_line_anywhere_in_the_metadata(settings, header):
    path = write_issue(settings, "k")
    body = "\nPhase: open is hier gewoon tekst.\n"
    path.write_text(header + body, encoding="utf-8")
    phases.set_phase(settings, read_issue(path, settings), "proposing")
    text = path.read_text(encoding="utf-8")
    assert text == header.replace("open", "proposing", 1) + body
    assert read_issue(path, settings).phase == "proposing"


def test_set_phase_never_rewrites_the_body(settings):
    path = write_issue(settings, "k")
    issue = read_issue(path, settings)
    text = "Title: K\nQuestion: Wat nu?\n\nPhase: open\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IssueFileError, match="geen regel ‘Phase:’ gevonden"):
        phases.set_phase(settings, issue, "proposing")
    assert path.read_text(encoding="utf-8") == text
    with pytest.raises(ValueError, match="unknown phase"):
        phases.set_phase(settings, issue, "gesloten")


def test_set_phase_writes_beside_the_file_and_keeps_its_mode(settings, monkeypatch):
    path = write_issue(settings, "k", phase="open")
    path.chmod(0o640)
    replaced = []
    real_replace = os.replace

    def replace(source, target):
        replaced.append((os.path.dirname(source), os.path.dirname(target)))
        return real_replace(source, target)

    monkeypatch.setattr(issue_file.os, "replace", replace)
    phases.set_phase(settings, read_issue(path, settings), "proposing")
    assert replaced == [(str(path.parent), str(path.parent))]
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_failed_phase_change_leaves_the_file_and_no_temporary_file(settings, monkeypatch):
    path = write_issue(settings, "k", phase="open")
    before = path.read_bytes()

    def replace(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(issue_file.os, "replace", replace)
    with pytest.raises(OSError, match="disk full"):
        phases.set_phase(settings, read_issue(path, settings), "proposing")
    assert path.read_bytes() == before and [p.name for p in path.parent.iterdir()] == ["kwestie.md"]


def test_set_phase_works_on_a_file_with_only_metadata(settings):
    path = write_issue(settings, "k")
    path.write_text("Title: K\nQuestion: Wat nu?\nPhase: open\n", encoding="utf-8")  # no empty line, no body
    phases.set_phase(settings, read_issue(path, settings), "proposing")
    assert path.read_text(encoding="utf-8") == "Title: K\nQuestion: Wat nu?\nPhase: proposing\n"


def test_kwestie_md_stays_utf_8_on_a_machine_with_another_locale(settings, monkeypatch):
    """A server whose locale is Latin-1 must not turn ‘Ideeën’ into ‘IdeeÃ«n’: kwestie.md is read
    and written as UTF-8, whatever the locale says. (The locale is simulated: a file opened
    without an encoding gets Latin-1, as it would there.)"""
    import builtins

    def latin1_default(opener):
        def open_(*args, encoding=None, **kwargs):
            if "b" not in (args[1] if len(args) > 1 else kwargs.get("mode", "r")):
                encoding = encoding or "latin-1"
            return opener(*args, encoding=encoding, **kwargs)
        return open_

    path = write_issue(settings, "k", title="Ideeën voor café De Zwaan")
    before = path.read_bytes()
    issue = read_issue(path, settings)
    monkeypatch.setattr(phases, "open", latin1_default(builtins.open), raising=False)
    monkeypatch.setattr(issue_file.os, "fdopen", latin1_default(os.fdopen))
    phases.set_phase(settings, issue, "proposing")
    monkeypatch.undo()
    assert path.read_bytes() == before.replace(b"Phase: open", b"Phase: proposing")


def test_a_failed_phase_change_reports_its_own_error_when_the_temporary_file_is_gone(settings, monkeypatch):
    path = write_issue(settings, "k", phase="open")

    def replace(source, target):
        os.unlink(source)
        raise OSError("disk full")

    monkeypatch.setattr(issue_file.os, "replace", replace)
    with pytest.raises(OSError, match="disk full"):
        phases.set_phase(settings, read_issue(path, settings), "proposing")
    assert "Phase: open" in path.read_text(encoding="utf-8")


# Erasing a person, moderating a contribution -------------------------------------------------


def test_erase_leaves_the_contributions_with_no_name(settings, db):
    issue = make_issue(settings)
    ans, bert = (store.add_member(db, SLUG, name=name, relation="other", relation_other="Sportclub",
                                  email=f"{name.lower()}@example.nl") for name in ("Ans", "Bert"))
    store.confirm_email(db, ans, "ans@example.nl")
    store.add_idea(db, SLUG, title="Koffie", author_name="Ans", member_id=ans)
    store.add_question(db, SLUG, text="Mag dat?", author_name="Ans", member_id=ans)
    store.add_idea(db, SLUG, title="Thee", author_name="Bert", member_id=bert)
    store.add_idea(db, SLUG, title="Zonder lid", author_name=" aNS ")  # signed with her name, without joining
    store.add_idea(db, SLUG, title="Iemand anders", author_name="Anselm")
    store.add_idea(db, "andere-kwestie", title="Elders", author_name="Ans")
    a1 = propose(db, settings, issue, "Koffieochtend")
    consent.raise_objection(db, issue, store.member(db, ans), a1, "Te vroeg")
    before = db["site_changes"].count

    assert store.erase_member(db, ans) == SLUG
    erased = store.member(db, ans)
    assert (erased["name"], erased["email"], erased["email_confirmed_at"], erased["relation_other"]) == (
        "(verwijderd)", None, None, None)
    assert erased["relation"] == "other"  # the circle's figures stay right
    assert [(i["title"], i["author_name"]) for i in store.ideas(db, SLUG)] == [
        ("Koffie", None), ("Thee", "Bert"), ("Zonder lid", None), ("Iemand anders", "Anselm")]
    assert store.ideas(db, "andere-kwestie")[0]["author_name"] == "Ans"
    assert [(q["text"], q["author_name"]) for q in store.questions(db, SLUG)] == [("Mag dat?", None)]
    assert [(o["reason"], o["author_name"]) for o in store.objections(db, SLUG)] == [("Te vroeg", None)]
    assert store.member(db, bert)["name"] == "Bert" and store.member(db, bert)["email"] == "bert@example.nl"
    assert db["site_changes"].count == before + 1  # the pages that showed the name are rebuilt
    assert store.erase_member(db, 999) is None and db["site_changes"].count == before + 1


def test_erase_says_what_it_took_away(db):
    """`samenplan erase` tells the coordinator what went: the name and address as they were,
    and how many contributions lost the name, as the member's and as signed with the name."""
    ans = store.add_member(db, SLUG, name="Ans", relation="resident", email="ans@example.nl")
    store.add_idea(db, SLUG, title="Als lid", author_name="Ans", member_id=ans)
    store.add_idea(db, SLUG, title="Zonder lid", author_name="ans")
    store.add_question(db, SLUG, text="Zonder lid?", author_name="Ans ")
    store.add_question(db, SLUG, text="Ook zonder lid?", author_name="ANS")
    erased = store.erase_details(db, ans)
    assert erased == {"issue": SLUG, "name": "Ans", "email": "ans@example.nl",
                      "by_member": {"ideas": 1, "questions": 0, "objections": 0},
                      "by_name": {"ideas": 1, "questions": 2, "objections": 0}}
    assert store.erase_details(db, 999) is None


def test_forget_email_keeps_the_proof_of_confirmation(db):
    ans = store.add_member(db, SLUG, name="Ans", relation="resident", email="ans@example.nl")
    bert = store.add_member(db, SLUG, name="Bert", relation="resident", email="bert@example.nl")
    store.confirm_email(db, ans, "ans@example.nl")
    store.forget_email(db, ans)
    assert store.member(db, ans)["email"] is None and store.member(db, ans)["email_confirmed_at"] is not None
    assert store.member(db, bert)["email"] == "bert@example.nl"


@pytest.mark.parametrize("table,add,hidden_fields", [
    ("ideas", lambda db: store.add_idea(db, SLUG, title="Weg ermee", body="Lang", cost=5, author_name="Ans"),
     ("title", "body", "cost", "author_name")),
    ("questions", lambda db: store.add_question(db, SLUG, text="Waarom?", author_name="Ans"), ("text", "author_name")),
])
def test_hiding_takes_the_text_and_shows_it_again(db, table, add, hidden_fields):
    add(db)
    add(db)
    read = store.ideas if table == "ideas" else store.questions
    before = db["site_changes"].count
    assert store.set_hidden(db, table, SLUG, 1, reason="Scheldt mensen uit", user_id=7)
    first, second = read(db, SLUG)
    assert all(first[field] is None for field in hidden_fields)
    assert first["hidden_reason"] == "Scheldt mensen uit" and first["hidden_at"]
    assert "hidden_by" not in first and all(second[field] is not None for field in hidden_fields)
    assert db[table].get(1)["hidden_by"] == 7 and db["site_changes"].count == before + 1
    assert store.set_hidden(db, table, SLUG, 1)  # reason None: shown again
    first, _ = read(db, SLUG)
    assert all(first[field] is not None for field in hidden_fields) and first["hidden_at"] is None
    assert db[table].get(1)["hidden_by"] is None and first["hidden_reason"] is None
    assert db["site_changes"].count == before + 2
    assert not store.set_hidden(db, table, SLUG, 9, reason="Bestaat niet") and db["site_changes"].count == before + 2
    assert not store.set_hidden(db, table, "andere-kwestie", 1, reason="Elders")
    with pytest.raises(ValueError, match="cannot moderate"):
        store.set_hidden(db, "members", SLUG, 1, reason="Nee")


def test_remove_name_takes_only_the_name_of_one_contribution(db):
    for title in ("Koffie", "Thee"):
        store.add_idea(db, SLUG, title=title, author_name="Ans")
    store.add_idea(db, "andere-kwestie", title="Elders", author_name="Ans")
    before = db["site_changes"].count
    assert store.remove_name(db, "ideas", SLUG, 1)
    assert [(i["title"], i["author_name"]) for i in store.ideas(db, SLUG)] == [("Koffie", None), ("Thee", "Ans")]
    assert store.ideas(db, "andere-kwestie")[0]["author_name"] == "Ans"
    assert db["site_changes"].count == before + 1
    assert not store.remove_name(db, "ideas", SLUG, 9) and db["site_changes"].count == before + 1
    with pytest.raises(ValueError, match="unknown contribution table"):
        store.remove_name(db, "members", SLUG, 1)
