"""The phase guard and rewriting a kwestie's Phase line, without the web app."""

import datetime

import pytest

from participation.issues import Issue, read_issue
from participation.phases import check_transition, has_plan_versions, set_phase

from .conftest import write_issue

TODAY = datetime.date(2027, 2, 1)


def issue(phase, **fields):
    defaults = {"slug": "k", "title": "K", "question": "Wat nu?", "phase": phase,
                "constraints": ("Volgens de wet.",), "coordinator": "Marieke"}
    return Issue(**{**defaults, **fields})


def check(issue, target, circle_size=5, today=TODAY, has_plan_versions=False):
    return check_transition(issue, target, circle_size=circle_size, today=today, has_plan_versions=has_plan_versions)


def test_draft_to_open_needs_question_constraints_and_coordinator():
    assert check(issue("draft"), "open") == []
    reasons = check(issue("draft", question="", constraints=(), coordinator=""), "open")
    assert len(reasons) == 3


@pytest.mark.parametrize("size,until,allowed", [
    (3, None, True),
    (2, None, False),
    (3, datetime.date(2027, 1, 31), True),   # the period ended yesterday
    (3, datetime.date(2027, 2, 1), False),   # today is still in the period
    (2, datetime.date(2027, 3, 1), False),
])
def test_open_to_proposing(size, until, allowed):
    reasons = check(issue("open", min_circle=3, ideas_until=until), "proposing", circle_size=size)
    assert (reasons == []) is allowed


def test_both_reasons_are_given():
    reasons = check(issue("open", min_circle=3, ideas_until=datetime.date(2027, 3, 1)), "proposing", circle_size=1)
    assert reasons == ["De kring is nog te klein: 1 van de minstens 3 mensen.",
                       "Ideeën insturen kan nog tot en met 1 maart 2027. Wacht tot die dag voorbij is."]


@pytest.mark.parametrize("phase,target,plan,allowed", [
    ("proposing", "open", False, True),
    ("proposing", "adopted", False, False),
    ("proposing", "adopted", True, True),
    ("open", "adopted", True, False),
    ("open", "closed", False, True),
    ("proposing", "closed", False, True),
    ("adopted", "closed", False, True),
    ("draft", "closed", False, False),
    ("closed", "open", False, False),
    ("closed", "closed", False, False),
    ("open", "open", False, False),
    ("adopted", "proposing", True, False),
    ("open", "draft", False, False),
    ("open", "onbekend", False, False),
])
def test_transitions(phase, target, plan, allowed):
    assert (check(issue(phase), target, has_plan_versions=plan) == []) is allowed


def test_set_phase_changes_only_the_phase_line(settings):
    path = write_issue(settings, "k", phase="open", Constraints="Phase: dit is geen fase")
    text = path.read_text(encoding="utf-8").replace("\n", "\r\n") + "Phase: ook in de tekst niet\r\n"
    path.write_bytes(text.encode("utf-8"))
    path.chmod(0o644)
    set_phase(settings, read_issue(path, settings), "proposing")
    assert path.read_bytes() == text.replace("Phase: open", "Phase: proposing", 1).encode("utf-8")
    assert read_issue(path, settings).phase == "proposing"
    assert path.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in path.parent.iterdir()] == ["kwestie.md"]  # no temporary file left


def test_has_plan_versions(settings):
    path = write_issue(settings, "k")
    assert not has_plan_versions(settings, "k")
    (path.parent / "plan").mkdir()
    (path.parent / "plan" / "0001.yaml").write_text("version: 1\n")
    assert has_plan_versions(settings, "k")
