"""What a kwestie's page shows, computed once for the site and for the preview in /beheer/.

    versions, error = plan_versions(settings, db, issue)
    context = page_context(settings, db, issue, versions, unconfirmed)

The site's plugin renders kwestie.html with this context (site/pages.py); the
coordinator's preview renders the same template with the same context
(web/beheer_tekst.py), so a preview cannot differ from the published page.
"""

import datetime
import logging

from . import consent, council, meetings, plan, store
from .labels import PHASE_STEPS

log = logging.getLogger(__name__)

# The meetings' messages, translated as a page is rendered (| translated).
MEETING_LABELS = {"meeting_kinds": meetings.KINDS, "meeting_states": meetings.STATES,
                  "review_questions": meetings.REVIEW_QUESTIONS}


def plan_versions(settings, db, issue):
    """The verified plan versions, and the PlanError when they do not check out (else None).

    A version file without a recorded head, or one that was altered, publishes
    no version at all. Version files with no record of adoption in this database
    (plan.UnrecordedPlan) are shown with their chain checked, with a notice
    that their adoption could not be confirmed.
    """
    try:
        return consent.plan_versions(settings, issue.slug, db), None
    except plan.UnrecordedPlan as error:
        log.warning("Plan van %s niet bevestigd: %s", issue.slug, error)
        return error.versions, error
    except plan.PlanError as error:
        log.error("Plan van %s klopt niet: %s", issue.slug, error)
        return [], error


def page_context(settings, db, issue, versions, plan_unconfirmed=False, today=None):
    """The variables of kwestie.html: the circle, the newest ideas and questions, the concept
    plan and its round, the current plan version, objections, the phases as steps, the
    meetings (the next one counted from `today`: the build's day; the preview's, when None)
    and how the circle grew."""
    on_page = settings["SAMENPLAN_IDEAS_ON_KWESTIE_PAGE"]
    today = today or datetime.date.today()
    # Without their counts: this page is written again on every idea.
    every = meetings.for_issue(db, issue.slug, counts=False)
    coming = meetings.next_meeting(every, now=datetime.datetime.combine(today, datetime.time.min))
    all_meetings = [council.public_meeting(m) for m in every]
    next_meeting = all_meetings[every.index(coming)] if coming else None
    circle = store.circle(db, issue.slug)
    round_ = consent.current_round(db, issue.slug)
    return dict(
        issue=issue,
        circle=circle,
        circle_size=sum(circle.values()),
        idea_count=store.idea_count(db, issue.slug),
        ideas=store.ideas(db, issue.slug, limit=on_page, newest_first=True),
        question_count=store.question_count(db, issue.slug),
        questions=store.questions(db, issue.slug, limit=on_page, newest_first=True),
        agreements=[a for a in store.agreements(db, issue.slug) if a["status"] == "concept"],
        current_plan=versions[-1] if versions else None,
        plan_unconfirmed=plan_unconfirmed,
        consent_round=round_,
        round_figures=consent.round_figures(db, issue.slug, round_) if round_ else None,
        round_over=bool(round_) and consent.round_over(round_),
        objections=store.objections(db, issue.slug),
        accepting=issue.accepts_contributions,
        steps=phase_steps(issue, versions, round_),
        plan_adopted_on=first_adoption(versions),
        next_meeting=next_meeting,
        other_meetings=[m for m in all_meetings if m is not next_meeting],
        meeting_when=meetings.when,  # called as the page is rendered, in its language
        growth=store.circle_growth(db, issue.slug),
        budget=council.budget_figures(issue.budget, versions[-1].data["budget"]["allocated"] if versions else 0,
                                      council.concept_cost(db, issue.slug)),
        **MEETING_LABELS,
    )


def first_adoption(versions):
    """When the circle first adopted a plan (a stored timestamp), or None.

    Not the newest version's date: a response or a status update is a new
    version too, but the plan was adopted on the first one."""
    return next((v.data["adopted_at"] for v in versions if v.data["kind"] == "adoption"), None)


def phase_steps(issue, versions, round_):
    """The public phases in order, for "Waar staan we?": each with its short name (a message:
    the template translates it), whether it is now or already past, and the dates we know
    (start, end: a date, a timestamp or None)."""
    order = list(PHASE_STEPS)
    now = order.index(issue.phase) if issue.phase in order else -1  # a draft is before them all
    dates = {
        "open": (issue.opened, issue.ideas_until),
        # Only a round of this phase: a later round in an adopted plan is not this step's end.
        "proposing": (None, round_["ends_at"] if round_ and issue.phase == "proposing" else None),
        "adopted": (first_adoption(versions), None),
        "closed": (None, None),
    }
    return [dict(phase=phase, name=PHASE_STEPS[phase], current=n == now, past=n < now,
                 start=dates[phase][0], end=dates[phase][1])
            for n, phase in enumerate(order)]
