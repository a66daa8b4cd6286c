"""/beheer/<slug>/plan/: the coordinator's side of consent and the plan.

Draft and amend agreements from ideas (linking the professionals' answers
that inform them), open a consent round (the circle is mailed), record answers
given at a meeting, record an objection withdrawn or resolved on the objector's
behalf, leave an agreement out of the version, adopt it, and follow
the adopted plan up (status, the municipality's response).

The rules are consent.py's: when it refuses, the page comes back with 409 and
its Dutch reasons. There is no override. Like beheer.py: coordinators only,
CSRF on every form, each write one transaction with its audit log entry,
then the rebuild worker is woken and the browser goes back with 303.
"""

from textwrap import shorten

from flask import Blueprint, abort, g, make_response, render_template, request

from .. import audit, beheer_forms, consent, i18n, moderation, phases, plan, store
from .. import db as database
from ..formats import datum
from ..settings import public_url
from ..labels import AGREEMENT_STATUSES, DECISIONS, PHASES, RELATIONS
from . import csrf, notify
from .auth import coordinator_required, load_user
from .db import get_db
from .kwestie import done, find_issue, move_phase, phase_refusals, secret, settings

bp = Blueprint("beheer_plan", __name__, url_prefix="/beheer")
bp.before_request(load_user)
bp.before_request(csrf.check)

NO_ROUND = "Er loopt geen ronde. Open eerst een ronde over afspraken uit het concept-plan."
REFUSALS = (consent.ConsentError, plan.PlanError)
ANSWER_NAMES = {"consent": "ik kan ermee leven", "concern": "zorg", "objection": "bezwaar"}


def codes(numbers, letter="A"):
    """[1, 2, 3] -> 'A1, A2 en A3'."""
    names = [f"{letter}{n}" for n in numbers]
    return " en ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


# The page ---------------------------------------------------------------------------


def refusal(message):
    """A ConsentError's text as a lead and its reasons ('\\n- ' separated), for the page."""
    if message is None:
        return None
    lead, *reasons = str(message).split("\n- ")
    return {"message": lead, "reasons": reasons}


def plan_context(issue):
    db = get_db()
    agreements = store.agreements(db, issue.slug)
    objections = moderation.contributions(db, "objections", issue.slug)
    problem = None
    try:
        latest = consent.latest_version(settings(), issue.slug, db)
    except plan.PlanError as error:
        latest, problem = None, str(error)
    round_ = consent.current_round(db, issue.slug)
    figures, blockers, answers = None, None, {}
    if round_:
        figures = consent.round_figures(db, issue.slug, round_)
        answers = consent.round_answers(db, round_)
        if problem is None:
            adopted_at = consent.local_time(database.now())
            blockers = consent.draft_version(db, settings(), issue, round_, adopted_at=adopted_at)[1]
    concept = [a for a in agreements if a["status"] == "concept"]
    members = moderation.members(db, issue.slug)
    return {
        "concept": concept,
        "objections": objections,
        "members": members,
        # Choices for the forms, as (value, label).
        "question_options": [(q["number"], f"{q['code']} {shorten(q['text'], 90, placeholder='…')}")
                             for q in answered_questions(db, issue)],
        "idea_options": [(i["number"], f"{i['code']} {i['title']}" + (" (verborgen)" if i["hidden_at"] else ""))
                         for i in moderation.contributions(db, "ideas", issue.slug)],
        "concept_options": [(a["number"], f"{a['code']}: {a['what']}") for a in concept],
        "member_options": [(m["id"], f"{m['name']} ({RELATIONS.get(m['relation'], m['relation'])})") for m in members],
        "round_options": [(a["number"], f"{a['code']}: {a['what']}") for a in concept
                          if round_ and a["number"] in round_["agreements"]],
        "round_codes": codes(round_["agreements"]) if round_ else "",
        "answer_names": ANSWER_NAMES,
        "latest": latest, "plan_problem": problem,
        "consent_round": round_, "figures": figures, "blockers": blockers, "answers": answers,
        "can_change": issue.phase in consent.PLAN_PHASES,
        "round_answers": beheer_forms.ROUND_ANSWERS, "closings": beheer_forms.CLOSINGS, "statuses": AGREEMENT_STATUSES, "decisions": DECISIONS,
    }


def render_plan(issue, status=200, *, form=None, values=None, errors=None, refused=None, follow_up=False):
    """The plan page, or with follow_up the Opvolging page (the adopted plan's status and the
    municipality's response); `form` names the one form to show again with values and errors."""
    return render_template(
        "beheer/opvolging.html" if follow_up else "beheer/plan.html", issue=issue, **plan_context(issue),
        form=form, values={form: values or {}}, errors={form: errors or {}}, refused=refusal(refused),
        follow_up=follow_up,
    ), status


def refuse(issue, error, form=None, values=None, follow_up=False):
    """The rules say no: 409, the page with the reasons, and the form as it was sent."""
    return render_plan(issue, 409, form=form, values=values, refused=error, follow_up=follow_up)


def plan_issue(slug):
    """The kwestie, or 404; 409 unless it is in a phase with a (concept) plan."""
    issue = find_issue(slug)
    try:
        consent.require_plan_phase(issue)
    except consent.ConsentError as error:
        abort(make_response(refuse(issue, error)))
    return issue


def back(message, issue, anchor, endpoint="beheer_plan.plan_page"):
    return done(message, endpoint, anchor=anchor, slug=issue.slug)


@bp.get("/<slug>/plan/")
@coordinator_required
def plan_page(slug):
    return render_plan(find_issue(slug))


@bp.get("/<slug>/opvolging")
@coordinator_required
def follow_up_page(slug):
    return render_plan(find_issue(slug), follow_up=True)


# Agreements ---------------------------------------------------------------------------


def validate_agreement(issue):
    db = get_db()
    return beheer_forms.validate_agreement(
        request.form, {i["number"] for i in moderation.contributions(db, "ideas", issue.slug)},
        {q["number"] for q in answered_questions(db, issue)})


def answered_questions(db, issue):
    """Questions a professional answered: what an agreement can link as information."""
    return [q for q in moderation.contributions(db, "questions", issue.slug) if q["answers"]]


@bp.post("/<slug>/plan/afspraak")
@coordinator_required
def propose(slug):
    issue = plan_issue(slug)
    values, errors = validate_agreement(issue)
    if errors:
        return render_plan(issue, 400, form="afspraak", values=values, errors=errors)
    db = get_db()
    try:
        with database.write(db):
            number = consent.propose_agreement(
                db, settings(), issue, what=values["what"], who=values["who"], when_text=values["when"],
                cost=values["cost"], from_ideas=values["from_ideas"], information=values["information"])
            audit.record(db, g.user, "propose_agreement", issue.slug,
                         f"A{number}" + (f" uit {codes(values['from_ideas'], 'I')}" if values["from_ideas"] else ""))
    except REFUSALS as error:
        return refuse(issue, error, "afspraak", values)
    return back(f"A{number} staat in het concept-plan.", issue, f"A{number}")


@bp.post("/<slug>/plan/afspraak/<int:number>")
@coordinator_required
def amend(slug, number):
    issue = plan_issue(slug)
    form = f"afspraak-A{number}"
    values, errors = validate_agreement(issue)
    if errors:
        return render_plan(issue, 400, form=form, values=values, errors=errors)
    db = get_db()
    try:
        with database.write(db):
            voided = consent.amend_agreement(db, issue, number, what=values["what"], who=values["who"],
                                             when_text=values["when"], cost=values["cost"],
                                             from_ideas=values["from_ideas"], information=values["information"])
            audit.record(db, g.user, "amend_agreement", issue.slug,
                         f"A{number}" + (f", {len(voided)} antwoord(en) vervallen" if voided else ""))
    except REFUSALS as error:
        return refuse(issue, error, form, values)
    message = f"A{number} is aangepast. Had iemand bezwaar? Vraag of die persoon nu akkoord gaat."
    if voided:
        # After the commit: a slow mail server must not hold the database's write lock.
        mailed = notify.answers_voided(db, settings(), issue, number, voided, secret=secret())
        message += (f" {len(voided)} {'antwoord telt' if len(voided) == 1 else 'antwoorden tellen'} niet meer, "
                    f"want {'dat ging' if len(voided) == 1 else 'die gingen'} over de oude tekst. "
                    f"{mailed} {'persoon kreeg' if mailed == 1 else 'mensen kregen'} een e-mail om opnieuw te antwoorden.")
    return back(message, issue, f"A{number}")


# The consent round ------------------------------------------------------------------


@bp.post("/<slug>/plan/ronde")
@coordinator_required
def open_round(slug):
    issue = plan_issue(slug)
    db = get_db()
    concept = {a["number"] for a in store.agreements(db, issue.slug) if a["status"] == "concept"}
    values, errors = beheer_forms.validate_round(request.form, concept, phases.today())
    if errors:
        return render_plan(issue, 400, form="ronde", values=values, errors=errors)
    numbers, last_day = values["agreements"], values["ends"]
    try:
        with database.write(db):
            consent.open_round(db, issue, numbers, consent.end_of_day(last_day))
            audit.record(db, g.user, "open_round", issue.slug, f"{codes(numbers)} tot en met {last_day.isoformat()}")
    except REFUSALS as error:
        return refuse(issue, error, "ronde", values)
    # After the commit: a slow mail server must not hold the database's write lock.
    mailed = notify.round_opened(db, settings(), issue, consent.current_round(db, issue.slug),
                                 secret=secret())
    if mailed:
        told = f"{mailed} {'persoon kreeg' if mailed == 1 else 'mensen kregen'} een e-mail met een persoonlijke link."
    else:
        told = "Niemand in de kring heeft een bevestigd e-mailadres. Vertel het op een bijeenkomst of aan de deur."
    return back(f"De ronde over {codes(numbers)} loopt tot en met {datum(last_day)}. {told}", issue, "ronde")


@bp.post("/<slug>/plan/antwoord")
@coordinator_required
def respond(slug):
    issue = plan_issue(slug)
    db = get_db()
    round_ = consent.current_round(db, issue.slug)
    if round_ is None:
        return refuse(issue, NO_ROUND)
    member_ids = {m["id"] for m in moderation.members(db, issue.slug)}
    values, errors = beheer_forms.validate_round_answer(request.form, member_ids, round_["agreements"])
    if errors:
        return render_plan(issue, 400, form="antwoord", values=values, errors=errors)
    try:
        with database.write(db):
            number = consent.respond(db, issue, values["member"], values["answer"], reason=values["reason"],
                                     agreement_number=values["agreement"], entered_by=g.user["id"])
            # The member's number only: the log is append-only, so it must not hold names (AVG).
            what = "instemming" if number is None else \
                f"{'bezwaar' if values['answer'] == 'objection' else 'zorg'} B{number} over A{values['agreement']}"
            audit.record(db, g.user, "respond", issue.slug, f"lid {values['member']}: {what}")
    except REFUSALS as error:
        return refuse(issue, error, "antwoord", values)
    said = "Instemming" if number is None else f"B{number}"
    return back(f"Opgeslagen: {said}, op een bijeenkomst.", issue, "ronde")


@bp.post("/<slug>/plan/bezwaar/<int:number>/sluiten")
@coordinator_required
def close_objection(slug, number):
    """The objector said at a meeting: withdrawn, or resolved by the amended agreement."""
    issue = plan_issue(slug)
    form = f"sluiten-B{number}"
    values, errors = beheer_forms.validate_closing(request.form)
    if errors:
        return render_plan(issue, 400, form=form, values=values, errors=errors)
    db = get_db()
    action = {"resolved": "accept_amendment", "withdrawn": "withdraw"}[values["how"]]
    try:
        with database.write(db):
            consent.close_objection(db, issue, number, values["how"], entered_by=g.user["id"],
                                    note=values["note"])
            audit.record(db, g.user, action, issue.slug, f"B{number}")
    except REFUSALS as error:
        return refuse(issue, error, form, values)
    said = "is ingetrokken" if values["how"] == "withdrawn" else \
        "is opgelost. De indiener gaat akkoord met de aangepaste afspraak"
    return back(f"B{number} {said}.", issue, f"B{number}")


@bp.post("/<slug>/plan/afspraak/<int:number>/weglaten")
@coordinator_required
def leave_out(slug, number):
    issue = plan_issue(slug)
    db = get_db()
    try:
        with database.write(db):
            consent.leave_out(db, issue, number)
            audit.record(db, g.user, "leave_out", issue.slug, f"A{number}")
    except REFUSALS as error:
        return refuse(issue, error)
    return back(f"A{number} is weggelaten uit deze versie. De afspraak blijft in het concept-plan.", issue, "ronde")


# Adoption -------------------------------------------------------------------------------


@bp.post("/<slug>/plan/aannemen")
@coordinator_required
def adopt(slug):
    issue = plan_issue(slug)
    values, errors = beheer_forms.validate_adoption(request.form)
    if errors:
        return render_plan(issue, 400, form="aannemen", values=values, errors=errors)
    db = get_db()
    try:
        with database.write(db):
            version = consent.adopt(db, settings(), issue, meeting=values["meeting"] or None)
            audit.record(db, g.user, "adopt", issue.slug, f"versie {version.number}, {version.sha256}")
    except REFUSALS as error:
        return refuse(issue, error, "aannemen", values)
    message = f"Versie {version.number} van het plan is aangenomen."
    # A second step, as with the phase form: the version stands even if the phase cannot change.
    if issue.phase == "proposing" and not phase_refusals(issue, "adopted"):
        move_phase(issue, "adopted")
        message += f" De fase is nu ‘{PHASES['adopted']}’."
    return back(message + tell_circle(issue, version), issue, "plan")


def tell_circle(issue, version):
    """After the commit, as for a round: mail the circle what changed; the sentence that says so."""
    db = get_db()
    versions = consent.plan_versions(settings(), issue.slug, db)
    mailed = notify.new_version(db, settings(), issue, version, versions[-2].data if len(versions) > 1 else None,
                                plan_url=lambda lang: f"{public_url(settings())}{i18n.prefix(lang)}/kwesties/{issue.slug}/plan/")
    return f" {mailed} {'persoon kreeg' if mailed == 1 else 'mensen kregen'} er een e-mail over." if mailed else ""


# Follow-up of the adopted plan ------------------------------------------------------


@bp.post("/<slug>/plan/uitvoering/<int:number>")
@coordinator_required
def status_update(slug, number):
    issue = plan_issue(slug)
    form = f"status-A{number}"
    values, errors = beheer_forms.validate_status(request.form, phases.today())
    if errors:
        return render_plan(issue, 400, form=form, values=values, errors=errors, follow_up=True)
    db = get_db()
    try:
        with database.write(db):
            version = consent.status_update(db, settings(), issue, f"A{number}", values["status"], values["note"],
                                            date=values["date"].isoformat() if values["date"] else None,
                                            based_on=values["based_on"])
            audit.record(db, g.user, "status_update", issue.slug,
                         f"A{number}: {values['status']}, versie {version.number}, {version.sha256}")
    except REFUSALS as error:
        return refuse(issue, error, form, values, follow_up=True)
    return back(f"De status van A{number} is nu ‘{AGREEMENT_STATUSES[values['status']]}’ (versie {version.number}).",
                issue, f"plan-A{number}", "beheer_plan.follow_up_page")


@bp.post("/<slug>/plan/reactie/<int:number>")
@coordinator_required
def municipality_response(slug, number):
    issue = plan_issue(slug)
    form = f"reactie-A{number}"
    values, errors = beheer_forms.validate_municipality_response(request.form, phases.today())
    if errors:
        return render_plan(issue, 400, form=form, values=values, errors=errors, follow_up=True)
    answer = {"decision": values["decision"], "text": values["text"]}
    if values["review_at"]:
        answer["review_at"] = values["review_at"].isoformat()
    # The council's part, only what was filled in (the reference is there when anything is).
    council = {"reference": values["council_reference"], "decision": values["council_decision"],
               "date": values["council_date"].isoformat() if values["council_date"] else ""}
    if values["council_reference"]:
        answer["council"] = {key: value for key, value in council.items() if value}
    db = get_db()
    try:
        with database.write(db):
            version = consent.record_responses(db, settings(), issue, {f"A{number}": answer})
            audit.record(db, g.user, "response", issue.slug,
                         f"A{number}: {values['decision']}, versie {version.number}, {version.sha256}")
    except REFUSALS as error:
        return refuse(issue, error, form, values, follow_up=True)
    return back(f"De reactie van de gemeente op A{number} staat in versie {version.number}." + tell_circle(issue, version),
                issue, f"plan-A{number}", "beheer_plan.follow_up_page")
