"""/deelnemen/<slug>/…: residents join the circle, send ideas, questions and objections.

GET shows a form; POST checks the rate limit, validates, checks the spam traps,
stores (committed before we answer) and redirects 303 to a confirmation page
that shows what was stored (its address is signed, so only the sender gets it).
Invalid input gets 400 with the form again, the input kept and an error summary.
JSON clients get the same outcomes.

A member's personal link opens "Mijn deelname": what they sent, asked and objected
to in this kwestie, and what they can still do. From there the idea and question
forms carry the link (`lid`), so the contribution is stored as theirs.
"""

import datetime

from flask import (Blueprint, abort, current_app, jsonify, redirect, render_template, request,
                   url_for)

from .. import consent, forms, i18n, mail, store, tokens
from .. import db as database
from ..i18n import N_, _
from ..issues import CONTRIBUTION_PHASES, OBJECTION_PHASES
from . import notify
from .resident_forms import (NOT_A_MEMBER, NOT_YOURS, PERSONAL_PAGE_PHASES, THANKS_DAYS, Form, busy,
                             member_from_token, rate_limited, render_form, reusable_form_token, save_once,
                             spam_check, token_problem)
from .db import get_db, notify_rebuild
from .errors import error_response
from .kwestie import find_issue, secret, settings
from .negotiate import wants_json

bp = Blueprint("deelnemen", __name__, url_prefix="/deelnemen")


FORMS = {
    "kring": Form("deelnemen/kring.html", forms.validate_member,
                  lambda db, slug, v: f"L{store.add_member(db, slug, **v, language=i18n.current())}", "bedankt-kring"),
    "idee": Form("deelnemen/idee.html", forms.validate_idea,
                 lambda db, slug, v: f"I{store.add_idea(db, slug, **v, language=i18n.current())}", "bedankt-idee", True),
    "vraag": Form("deelnemen/vraag.html", forms.validate_question,
                  lambda db, slug, v: f"V{store.add_question(db, slug, **v, language=i18n.current())}", "bedankt-vraag", True),
}


# Confirmations with a page of their own, showing what was stored; the others stay on the kwestie page.
THANKS_PAGES = ("bedankt-kring", "bedankt-kring-zonder-mail", "bedankt-idee", "bedankt-vraag")


def stored(issue, public_id, thanks):
    """The answer after a stored contribution: 303 to its confirmation."""
    notify_rebuild()
    if thanks in THANKS_PAGES:
        location = url_for("deelnemen.thanks_page", slug=issue.slug, public_id=public_id,
                           t=tokens.thanks_token(secret(), issue.slug, public_id, thanks)) + f"#{thanks}"
    else:
        location = f"{settings()['SITEURL']}/kwesties/{issue.slug}/#{thanks}"
    if wants_json():
        response = jsonify(ok=True, id=public_id, location=location)
        response.status_code = 303
        response.headers["Location"] = location
        return response
    return redirect(location, 303)


LINK_GONE = N_("Je persoonlijke link werkt hier niet meer. Er is niets opgeslagen. Vul je naam in als je wilt, "
                "en verstuur het nog een keer. Of open het formulier opnieuw vanaf je persoonlijke pagina.")


@bp.route("/<slug>/<kind>", methods=["GET", "POST"])
def contribute(slug, kind):
    form = FORMS.get(kind) or abort(404)
    issue = find_issue(slug, CONTRIBUTION_PHASES)
    lid = request.values.get("lid", "") if form.for_members else ""
    member = member_from_token(issue, lid) if lid else None
    extra = {"member": member, "lid": lid if member else ""}
    if request.method == "GET":  # a link that does not work: the form as anyone gets it
        # ?uitnodiging=1: the link in an invitation ticks "Iemand heeft me gevraagd om mee te doen"
        invited = kind == "kring" and bool(request.args.get("uitnodiging"))
        return render_form(form.template, issue, {"invited": True} if invited else {}, {}, **extra)
    values, errors = form.validate(request.form)
    if lid and member is None:  # never store as someone else, nor silently without the name they expect
        errors = {"_form": _(LINK_GONE), **errors}
    if member:  # the name they joined with; erase_member finds it by member_id
        values = {**values, "author_name": member["name"], "member_id": member["id"]}
    problem = None if errors else spam_check(request.form)
    try:
        with database.write(get_db()) as db:  # the rate count, the contribution and its one-time key commit together
            allowed = not rate_limited()
            saved = save_once(db, form, issue.slug, values) if allowed and not (errors or problem) else None
    except database.Busy:
        return busy(form.template, issue, values, **extra)
    if not allowed:
        return error_response(429)
    if errors:  # a forgotten field is a field error, never "too fast"
        return render_form(form.template, issue, values, errors, 400,
                           form_started=reusable_form_token(request.form), **extra)
    if problem:
        return render_form(form.template, issue, values, {"_form": problem}, 400, **extra)
    public_id, thanks, new = saved
    if not new:  # sent again after a lost answer: the same 303, nothing new
        return stored(issue, public_id, thanks)
    if kind == "kring" and values["email"] and not notify.confirmation(
            settings(), issue, store.member(get_db(), int(public_id[1:])), secret=secret()):
        thanks = "bedankt-kring-zonder-mail"  # stored all the same; say the mail did not go
    return stored(issue, public_id, thanks)


@bp.get("/<slug>/bedankt/<public_id>")
def thanks_page(slug, public_id):
    """What was just stored, from the database, for its sender only (the signed `t`)."""
    issue = find_issue(slug, PERSONAL_PAGE_PHASES)
    try:
        signed_slug, signed_id, thanks = tokens.read_thanks_token(secret(), request.args.get("t"))
    except tokens.TokenError:
        return error_response(400, _(NOT_YOURS))
    if (signed_slug, signed_id) != (issue.slug, public_id) or thanks not in THANKS_PAGES:
        return error_response(400, _(NOT_YOURS))
    item = stored_item(get_db(), issue, public_id)
    cutoff = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=THANKS_DAYS)
    if item is None or datetime.datetime.fromisoformat(item["created_at"]) < cutoff:
        return error_response(400, _(NOT_YOURS))
    if wants_json():
        return jsonify(ok=True, **item)
    return render_template("deelnemen/bedankt.html", issue=issue, item=item, thanks=thanks,
                           mail_sent=thanks != "bedankt-kring-zonder-mail")


def stored_item(db, issue, public_id):
    """An idea, a question or a membership as its confirmation shows it; never an e-mail address."""
    if not public_id.startswith("L"):
        return store.contribution(db, issue.slug, public_id)
    number = forms.parse_number(public_id, "L")
    member = store.member(db, number) if number else None
    if member is None or member["issue"] != issue.slug:
        return None
    return {"id": public_id, "name": member["name"], "relation": member["relation"],
            "relation_other": member["relation_other"], "created_at": member["created_at"],
            "email_given": bool(member["email"]), "email_confirmed": bool(member["email_confirmed_at"])}


@bp.get("/<slug>/bevestigen/<token>")
def confirm(slug, token):
    issue = find_issue(slug, CONTRIBUTION_PHASES)
    try:
        member_id, key = tokens.read_confirm_token(secret(), token)
    except tokens.TokenError as error:
        return error_response(400, token_problem(error))
    db = get_db()
    member = store.member(db, member_id)
    email = member and member["email"]
    if (member is None or member["issue"] != issue.slug or not tokens.confirms(secret(), key, email)
            or not store.confirm_email(db, member_id, email)):
        return error_response(400, token_problem(tokens.TokenError(expired=False)))
    link = notify.personal_link(settings(), issue, member_id, secret())
    if member["email_confirmed_at"] is None:  # the first visit only: a link opened again sends no more mail
        body = render_template("mail/persoonlijke-link.txt", issue=issue, name=member["name"], link=link)
        try:
            mail.send(settings(), email, _("Je persoonlijke link voor ‘%(title)s’") % {"title": issue.title}, body)
        except OSError:
            current_app.logger.exception("Mail met persoonlijke link niet verstuurd (lid %s)", member_id)
    return render_template("deelnemen/bevestigd.html", issue=issue, member=member, link=link)


@bp.get("/<slug>/lid/<token>")
def personal(slug, token):
    issue = find_issue(slug, PERSONAL_PAGE_PHASES)
    member = member_from_token(issue, token)
    if member is None:
        return error_response(403, _(NOT_A_MEMBER))
    return render_objection_page(issue, member, token, {}, {})


def render_objection_page(issue, member, token, values, errors, status=200, form="bezwaar", form_started=None,
                          mail_errors=None):
    """The personal page, "Mijn deelname"; `form` is the one its values and errors belong to
    (bezwaar or ronde); mail_errors those of the mail choice."""
    db = get_db()
    round_ = consent.current_round(db, issue.slug)
    mine = consent.answer_of(db, round_, member["id"]) if round_ else {}
    agreements = [a for a in store.agreements(db, issue.slug) if a["status"] == "concept"]
    revisions = {a["code"]: a["revision"] for a in agreements}
    own = store.objections(db, issue.slug, member_id=member["id"])
    for o in own:  # its text changed after the objection: the objector may accept it now
        o["amended"] = (o["status"] == "open" and o["kind"] == "objection"
                        and revisions.get(o["agreement"], 0) > (o["revision"] or 1))
    round_agreements = [a for a in agreements if round_ and a["number"] in round_["agreements"]]
    # An answer on an earlier text no longer counts: show what changed, old and new side by side.
    changed = {a["number"]: store.revision(db, issue.slug, a["number"], mine[a["number"]]["revision"])
               for a in round_agreements if a["number"] in mine and not mine[a["number"]]["current"]}
    round_values = {f"answer_{n}": row["answer"] for n, row in mine.items() if row["current"]}
    forms_state = {"bezwaar": ({}, {}), "ronde": (round_values, {})}
    forms_state[form] = ({**forms_state[form][0], **values}, errors)
    can_object = issue.phase in OBJECTION_PHASES
    return render_form(
        "deelnemen/deelname.html", issue, forms_state["bezwaar"][0], forms_state["bezwaar"][1], status,
        form_started=form_started,
        member=member, token=token, agreements=agreements, own_objections=own,
        can_object=can_object,
        consent_round=round_, round_over=bool(round_) and consent.round_over(round_),
        round_agreements=round_agreements, my_answers=mine, changed=changed,
        round_values=forms_state["ronde"][0], round_errors=forms_state["ronde"][1],
        mail_errors=mail_errors or {}, mail_choices={key: _(label) for key, label in MAIL_CHOICE_LABELS.items()},
        can_change_own=issue.phase in store.OWN_CHANGE_PHASES,
        my_ideas=store.ideas(db, issue.slug, member_id=member["id"]),
        my_questions=store.questions(db, issue.slug, member_id=member["id"]),
        # What still waits for them: agreements of the round without an answer on their current text,
        # and objections whose agreement was amended since.
        unanswered=[a["code"] for a in round_agreements
                    if not (a["number"] in mine and mine[a["number"]]["current"])],
        to_reconsider=[o for o in own if o["amended"] and can_object],
    )


@bp.route("/<slug>/bezwaar", methods=["GET", "POST"])
def objection(slug):
    issue = find_issue(slug, OBJECTION_PHASES, _("Bezwaar maken"))
    token = request.values.get("token")
    member = member_from_token(issue, token)
    if member is None:
        return error_response(403, _(NOT_A_MEMBER))
    if request.method == "GET":
        return render_objection_page(issue, member, token, {}, {})
    if rate_limited():
        return error_response(429)
    db = get_db()
    numbers = {a["number"] for a in store.agreements(db, issue.slug) if a["status"] == "concept"}
    values, errors = forms.validate_objection(request.form, numbers)
    problem = None if errors else spam_check(request.form)  # field errors first, as in contribute
    if problem:
        errors = {"_form": problem}
    if errors:
        return render_objection_page(issue, member, token, values, errors, 400,
                                     form_started=None if problem else reusable_form_token(request.form))
    try:
        number = consent.raise_objection(db, issue, member, values["agreement"], values["reason"], values["kind"])
    except consent.ConsentError as error:
        return error_response(409, str(error))
    return stored(issue, f"B{number}", "bedankt-bezwaar")


def member_action(slug, what, fragment, action, phases=OBJECTION_PHASES):
    """A POST from a member's personal page: check the link, do `action`, back to the page.

    action(db, issue, member) raises ConsentError (shown as 409) when the rules say no.
    """
    issue = find_issue(slug, phases, what)
    token = request.form.get("token")
    member = member_from_token(issue, token)
    if member is None:
        return error_response(403, _(NOT_A_MEMBER))
    try:
        action(get_db(), issue, member)
    except consent.ConsentError as error:
        return error_response(409, str(error))
    notify_rebuild()
    return redirect(url_for("deelnemen.personal", slug=slug, token=token) + fragment, 303)


@bp.post("/<slug>/instemmen")
def answer_round(slug):
    """The member's answers in the open round, one per agreement, on its text as it is now.

    All are stored together or none: a refusal (an open objection of theirs on an agreement
    they now consent to) comes back as 409 with the page, nothing stored."""
    issue = find_issue(slug, OBJECTION_PHASES, _("Antwoorden in een ronde"))
    token = request.form.get("token")
    member = member_from_token(issue, token)
    if member is None:
        return error_response(403, _(NOT_A_MEMBER))
    db = get_db()
    round_ = consent.current_round(db, issue.slug)
    if round_ is None:
        return error_response(409, _("Er loopt geen ronde. Er valt nu niets te beantwoorden."))
    values, errors = forms.validate_round_answers(request.form, round_["agreements"])
    if errors:
        return render_objection_page(issue, member, token, values, errors, 400, form="ronde")
    given = consent.answer_of(db, round_, member["id"])
    try:
        with database.write(db):
            for number in round_["agreements"]:
                answer, earlier = values[f"answer_{number}"], given.get(number)
                if not answer or (earlier and earlier["current"] and earlier["answer"] == answer):
                    continue  # unanswered, or said before on this text (no second objection)
                consent.respond(db, issue, member["id"], answer, reason=values[f"reason_{number}"],
                                agreement_number=number)
    except consent.ConsentError as error:
        return render_objection_page(issue, member, token, values, {"_form": str(error)}, 409, form="ronde")
    notify_rebuild()
    return redirect(url_for("deelnemen.personal", slug=slug, token=token) + "#ronde", 303)


@bp.post("/<slug>/bezwaar/<int:number>/akkoord")
def accept_amendment(slug, number):
    """The objector accepts the amended agreement with their own link: the objection is resolved."""
    return member_action(slug, _("Een aanpassing accepteren"), "#bezwaren", lambda db, issue, member: (
        consent.accept_amendment(db, issue, number, member_id=member["id"],
                                 note="De indiener gaat akkoord met de aangepaste afspraak.")))


@bp.post("/<slug>/geen-mail")
def stop_mail(slug):
    """AVG: the member wants no more mail. The address goes; the personal link keeps working."""
    return member_action(slug, _("Geen e-mail meer"), "#mail",
                         lambda db, issue, member: store.forget_email(db, member["id"]),
                         phases=PERSONAL_PAGE_PHASES)


MAIL_CHOICE_LABELS = {"every": N_("Een e-mail bij elk nieuws"), "weekly": N_("Eén e-mail per week met wat er gebeurde"),
                      "none": N_("Geen e-mail")}
NO_MAIL_CHOICE = N_("Kies hoe vaak je e-mail wilt krijgen.")


@bp.post("/<slug>/lid/<token>/mail")
def mail_choice(slug, token):
    """What mail the member wants (store.MAIL_CHOICES): 303 back to Mijn deelname, where the
    choice shows; 400 with the page and its error for no or an unknown choice."""
    issue = find_issue(slug, PERSONAL_PAGE_PHASES)
    member = member_from_token(issue, token)
    if member is None:
        return error_response(403, _(NOT_A_MEMBER))
    if not member["email"]:
        return error_response(409, _("We hebben geen e-mailadres meer van je. Er valt niets te kiezen."))
    choice = request.form.get("mail_choice", "")
    if choice not in store.MAIL_CHOICES:
        return render_objection_page(issue, member, token, {}, {}, 400, mail_errors={"mail_choice": _(NO_MAIL_CHOICE)})
    store.set_mail_choice(get_db(), member["id"], choice)
    return redirect(url_for("deelnemen.personal", slug=slug, token=token) + "#mail", 303)


@bp.post("/<slug>/bezwaar/<int:number>/intrekken")
def withdraw(slug, number):
    return member_action(slug, _("Een bezwaar intrekken"), "#bezwaren", lambda db, issue, member: (
        consent.withdraw(db, issue, number, member_id=member["id"])))


# The member changes or withdraws their own idea or question (store.own_contribution holds the rules).

OWN_KINDS = {"idee": ("ideas", forms.validate_idea), "vraag": ("questions", forms.validate_question)}
NOT_YOURS_TO_CHANGE = N_("Dit idee of deze vraag kunnen we niet vinden bij jouw deelname.")


def own_contribution_or_error(slug, token, kind, number):
    """(issue, member, table, row) for the member's own idea or question, or an error response
    (403 wrong link, 404 not theirs or another kind, 409 the rules say no) as the second item of a 2-tuple."""
    if kind not in OWN_KINDS:
        abort(404)
    table = OWN_KINDS[kind][0]
    issue = find_issue(slug, PERSONAL_PAGE_PHASES)
    member = member_from_token(issue, token)
    if member is None:
        return None, error_response(403, _(NOT_A_MEMBER))
    try:
        row = store.own_contribution(get_db(), issue, table, number, member["id"])
    except LookupError:
        return None, error_response(404, _(NOT_YOURS_TO_CHANGE))
    except store.NotAllowed as error:
        return None, error_response(409, str(error))
    return (issue, member, table, row), None


def render_change_form(issue, token, kind, item, values, errors, status=200):
    return render_form("deelnemen/aanpassen.html", issue, values, errors, status,
                       kind=kind, item=item, token=token, form_id=f"aanpassen-{kind}",
                       refused=store.change_refused(item))


@bp.route("/<slug>/lid/<token>/<kind>/<int:number>", methods=["GET", "POST"])
def change_own(slug, token, kind, number):
    """GET the form with the text as it is; POST the new text: 303 back to Mijn deelname."""
    found, problem = own_contribution_or_error(slug, token, kind, number)
    if problem:
        return problem
    issue, member, table, item = found
    if request.method == "GET":
        fields = ("title", "body", "cost") if table == "ideas" else ("text",)
        values = {f: item[f] for f in fields}
        if values.get("cost") is not None:
            values["cost"] = str(values["cost"])
        return render_change_form(issue, token, kind, item, values, {})
    if rate_limited():
        return error_response(429)
    values, errors = OWN_KINDS[kind][1](request.form)
    values.pop("author_name", None)  # the name stays the one they joined with
    errors.pop("author_name", None)
    if errors:
        return render_change_form(issue, token, kind, item, values, errors, 400)
    change = store.change_idea if table == "ideas" else store.change_question
    return by_member(lambda: change(get_db(), issue, number, member["id"], **values), slug, token, item)


@bp.post("/<slug>/lid/<token>/<kind>/<int:number>/intrekken")
def withdraw_own(slug, token, kind, number):
    """The member withdraws their own idea or question: 303 back to Mijn deelname."""
    found, problem = own_contribution_or_error(slug, token, kind, number)
    if problem:
        return problem
    issue, member, table, item = found
    return by_member(lambda: store.withdraw_contribution(get_db(), issue, table, number, member["id"]),
                     slug, token, item)


def by_member(action, slug, token, item):
    """Run a member's change of their own contribution: 303 back to it on Mijn deelname; 404 when it
    is not theirs, 409 when the rules refuse (store.NotAllowed says why)."""
    try:
        action()
    except LookupError:
        return error_response(404, _(NOT_YOURS_TO_CHANGE))
    except store.NotAllowed as error:
        return error_response(409, str(error))
    notify_rebuild()
    return redirect(url_for("deelnemen.personal", slug=slug, token=token) + f"#mijn-{item['id']}", 303)
