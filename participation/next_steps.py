"""What the coordinator should do next for a kwestie: short Dutch sentences for /beheer/.

Only reads: the circle and contributions (moderation.overview), the consent round,
the concept plan and the newest plan version. Each step names the task page where
it is done (the keys of the kwestie's navigation), so the page can link to it.
"""

import datetime
from dataclasses import dataclass

from . import consent, council, moderation, plan, store
from .formats import LOCAL_TIME, datum
from .labels import PHASES


@dataclass(frozen=True)
class Step:
    task: str  # overzicht, tekst, kring, bijdragen, plan, opvolging
    text: str


def next_steps(db, settings, issue, today, counts=None):
    """The steps for this kwestie, most pressing first; empty when there is nothing to do.

    counts: the kwestie's row of moderation.overview, when the caller has it already.
    """
    if issue.phase == "draft":
        return [Step("tekst", "Staat nog niet op de site. Maak de tekst af en verander dan de fase.")]
    if issue.phase == "closed":
        return []
    counts = counts or moderation.overview(db, [issue.slug])[issue.slug]
    steps = []
    if issue.phase == "open":
        steps += _open_steps(issue, today, counts)
    if counts["unanswered"]:
        n = counts["unanswered"]
        steps.append(Step("bijdragen", "1 vraag wacht op een antwoord." if n == 1
                          else f"{n} vragen wachten op een antwoord."))
    if issue.phase in consent.PLAN_PHASES:
        steps += _plan_steps(db, settings, issue, today, counts)
    return steps


def _open_steps(issue, today, counts):
    steps = []
    if counts["members"] < issue.min_circle:
        steps.append(Step("kring", f"De kring is te klein: {counts['members']} van de minstens "
                                   f"{issue.min_circle} mensen."))
    if issue.ideas_until is not None and issue.ideas_until < today:
        steps.append(Step("overzicht", f"De tijd voor ideeën is voorbij. Maak een concept-plan: zet de fase op "
                                       f"‘{PHASES['proposing']}’."))
    return steps


def _plan_steps(db, settings, issue, today, counts):
    steps = []
    round_ = consent.current_round(db, issue.slug)
    concept = [a for a in store.agreements(db, issue.slug) if a["status"] == "concept"]
    try:
        latest = consent.latest_version(settings, issue.slug, db)
    except plan.PlanError:
        return [Step("opvolging", "De versies van het plan kloppen niet. Niets kan erbij tot dat is opgelost.")]
    if round_:
        steps.append(_round_step(db, issue, round_, today))
    elif concept:
        n = len(concept)
        steps.append(Step("plan", "1 afspraak in het concept-plan wacht op een ronde." if n == 1
                          else f"{n} afspraken in het concept-plan wachten op een ronde."))
    elif latest is None:
        steps.append(Step("plan", "Schrijf de eerste afspraken voor het concept-plan op."))
    if counts["objections"]:
        n = counts["objections"]
        steps.append(Step("plan", "1 bezwaar is nog niet opgelost." if n == 1
                          else f"{n} bezwaren zijn nog niet opgelost."))
    if latest:
        agreements = latest.data["agreements"]
        missing = [a["id"] for a in agreements if not a.get("response")]
        if missing:
            steps.append(Step("opvolging", f"Reactie gemeente ontbreekt bij {and_list(missing)}."))
        late = [r["id"] for r in council.reviews(agreements, today) if r["state"] == "verlopen"]
        if late:
            steps.append(Step("opvolging", f"Evaluatiemoment voorbij bij {and_list(late)}. Schrijf op hoe het gaat."))
    return steps


def _round_step(db, issue, round_, today):
    last_day = datetime.datetime.fromisoformat(round_["ends_at"]).astimezone(LOCAL_TIME).date()
    days = (last_day - today).days
    figures = consent.round_figures(db, issue.slug, round_)
    if days < 0:
        return Step("plan", "De ronde is voorbij. Neem een besluit over het plan.")
    if figures["members"] and not figures["no_answer"]:
        return Step("plan", "Iedereen in de kring heeft geantwoord. Neem een besluit over het plan.")
    when = {0: "vandaag", 1: "morgen"}.get(days, f"over {days} dagen")
    return Step("plan", f"Ronde eindigt {when} ({datum(last_day)}).")


def and_list(names):
    """['A1', 'A2', 'A3'] -> 'A1, A2 en A3'."""
    names = list(names)
    return " en ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
