"""/beheer/: the coordinator's area. Login, moderation, input on someone's
behalf, phase changes, answers by professionals, accounts and the audit log.

A kwestie has a page per task (TASKS: overzicht, kring, bijdragen, moderatie;
the plan's pages are beheer_plan.py's, the meetings' beheer_meetings.py's), each with the same
navigation. A POST goes back to the page of its task; a form with errors is
shown again on that page.

Every write is one transaction together with its audit log entry, then the
rebuild worker is woken and the browser is sent back with 303. Every POST
carries the session's CSRF token (csrf.py).
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import (Blueprint, abort, current_app, flash, g, make_response, redirect, render_template, request,
                   session, url_for)

from .. import accounts, audit, beheer_forms, moderation, next_steps, phases, store, throttle
from .. import db as database
from ..issues import CONTRIBUTION_PHASES, IssueFileError, issue_files, read_issue, sort_key
from ..labels import CHANNELS, PHASES
from ..store import KINDS
from . import csrf, notify
from .auth import coordinator_required, is_coordinator, load_user, login_required, safe_next
from .db import get_db
from .errors import error_response
from .kwestie import done, find_issue, move_phase, phase_refusals, secret, settings

bp = Blueprint("beheer", __name__, url_prefix="/beheer")
bp.before_request(load_user)
bp.before_request(csrf.check)

LOG_PAGE_SIZE = 100
WRONG_LOGIN = "Gebruikersnaam of wachtwoord klopt niet. Let op hoofdletters in het wachtwoord."
TOO_MANY_LOGINS = ("Er is te vaak een verkeerd wachtwoord gebruikt. Wacht een kwartier en probeer het dan "
                   "opnieuw. Weet je je wachtwoord niet meer? Vraag de coördinator om een nieuw wachtwoord.")
ACCOUNT_DISABLED = "Dit account is uitgezet. Vraag de coördinator om het weer aan te zetten."
CLOSED = "Deze kwestie is in de fase ‘{}’. Er kan nu niets meer bij."


# Logging in and out ----------------------------------------------------------


def render_login(values, errors, next_url, status=200):
    return render_template("beheer/inloggen.html", values=values, errors=errors, next_url=next_url), status


@bp.route("/inloggen", methods=["GET", "POST"])
def login():
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        if g.user is not None:
            return redirect(next_url, 303)
        return render_login({}, {}, next_url)
    values, errors = beheer_forms.validate_login(request.form)
    shown = {"username": values["username"]}  # never send a password back
    if errors:
        return render_login(shown, errors, next_url, 400)
    db = get_db()
    client = throttle.client_id(secret(), request.remote_addr)
    # Counted as a failure before the password is checked, in one transaction with the
    # check of the limit: parallel attempts cannot get more passwords checked.
    if not throttle.login_attempt(db, values["username"], client):
        return error_response(429, TOO_MANY_LOGINS)
    user = accounts.authenticate(db, values["username"], values["password"], disabled_too=True)
    if user is None:
        return render_login(shown, {"_form": WRONG_LOGIN}, next_url, 400)
    if user["disabled_at"]:  # only said to someone who knows the password
        return render_login(shown, {"_form": ACCOUNT_DISABLED}, next_url, 403)
    with database.write(db):
        throttle.clear_login_failures(db, values["username"])
        audit.record(db, user, "login")
    # A fresh session, so an id planted before login (session fixation) is worthless.
    session.clear()
    session.permanent = True
    session["user_id"] = user["id"]
    session["session_version"] = accounts.session_version(user)
    return redirect(next_url, 303)


@bp.post("/uitloggen")
def logout():
    if g.user is not None:
        db = get_db()
        with database.write(db):
            accounts.end_sessions(db, g.user["id"])  # a copy of the cookie is worthless too
            audit.record(db, g.user, "logout")
    session.clear()
    flash("Je bent uitgelogd.")
    return redirect(url_for("beheer.login"), 303)


# Kwesties ---------------------------------------------------------------------


def all_issues():
    """Every kwestie, drafts too, in home page order; plus files that cannot be read."""
    lookup = current_app.extensions["samenplan.issues"]
    issues, problems = [], []
    for path in issue_files(settings()):
        try:
            issues.append(lookup.get(path.parent.name) or read_issue(path, settings()))
        except IssueFileError as error:
            problems.append(str(error))
    return sorted(issues, key=sort_key), problems


def open_for_contributions(issue):
    if issue.phase not in CONTRIBUTION_PHASES:
        abort(make_response(error_response(409, CLOSED.format(issue.phase_label))))


@bp.get("/")
@login_required
def index():
    issues, problems = all_issues()
    if not is_coordinator():
        issues, problems = [i for i in issues if i.is_public], []
    db = get_db()
    counts = moderation.overview(db, [i.slug for i in issues])
    steps = {}
    if is_coordinator():  # what to do next is the coordinator's work
        steps = {i.slug: next_steps.next_steps(db, settings(), i, phases.today(), counts[i.slug]) for i in issues}
    return render_template("beheer/index.html", issues=issues, counts=counts, problems=problems, steps=steps,
                           can_create="beheer_tekst.new" in current_app.view_functions)


# A kwestie's pages, one per task. Each names what it shows; `form` is the one form
# shown again with values and errors, on the page that holds it.


def _overview(db, issue):
    return {"circle_size": sum(store.circle(db, issue.slug).values()),
            "targets": {t: PHASES[t] for t in phases.TRANSITIONS[issue.phase]},
            "steps": next_steps.next_steps(db, settings(), issue, phases.today()) if is_coordinator() else []}


def _circle(db, issue):
    circle = store.circle(db, issue.slug)
    return {"circle": circle, "circle_size": sum(circle.values()),
            "members": moderation.members(db, issue.slug) if is_coordinator() else []}


def _contributions(db, issue):
    return {name: moderation.contributions(db, name, issue.slug) for name in ("ideas", "questions", "objections")}


@dataclass(frozen=True)
class Task:
    template: str
    context: Callable  # (db, issue) -> what the page shows
    endpoint: str


TASKS = {
    "overzicht": Task("beheer/kwestie.html", _overview, "beheer.kwestie"),
    "kring": Task("beheer/kring.html", _circle, "beheer.circle_page"),
    "bijdragen": Task("beheer/bijdragen.html", _contributions, "beheer.contributions_page"),
    "moderatie": Task("beheer/moderatie.html", _contributions, "beheer.moderation_page"),
}


def render_task(issue, task, status=200, *, form=None, values=None, errors=None, refused=()):
    """One task page of the kwestie (TASKS); `form` names the form to show again."""
    page = TASKS[task]
    return render_template(
        page.template, issue=issue, **page.context(get_db(), issue), channels=beheer_forms.BEHALF_CHANNELS,
        open_for_contributions=issue.phase in CONTRIBUTION_PHASES, coordinator=is_coordinator(),
        form=form, values={form: values or {}}, errors={form: errors or {}}, refused=refused,
    ), status


@bp.get("/<slug>/")
@login_required
def kwestie(slug):
    return render_task(find_issue(slug), "overzicht")


@bp.get("/<slug>/kring")
@login_required
def circle_page(slug):
    return render_task(find_issue(slug), "kring")


@bp.get("/<slug>/bijdragen")
@login_required
def contributions_page(slug):
    return render_task(find_issue(slug), "bijdragen")


@bp.get("/<slug>/moderatie")
@coordinator_required
def moderation_page(slug):
    return render_task(find_issue(slug), "moderatie")


# Moderation -------------------------------------------------------------------


def moderated(issue):
    """(table, number) from the form, or abort with 400."""
    target = beheer_forms.contribution(request.form)
    if target is None:
        abort(make_response(error_response(400, "We weten niet welke bijdrage je bedoelt. Laad de pagina opnieuw.")))
    return target


@bp.post("/<slug>/verbergen")
@coordinator_required
def hide(slug):
    issue = find_issue(slug)
    table, number = moderated(issue)
    code = f"{KINDS[table]}{number}"
    values, errors = beheer_forms.validate_reason(request.form)
    if errors:
        return render_task(issue, "moderatie", 400, form=f"verberg-{code}", values=values, errors=errors)
    db = get_db()
    with database.write(db):
        if not store.set_hidden(db, table, issue.slug, number, reason=values["reason"], user_id=g.user["id"]):
            abort(404)
        audit.record(db, g.user, "hide", issue.slug, f"{code}: {values['reason']}")
    return done(f"{code} is verborgen. Op de site staat nu de reden.", "beheer.moderation_page", code,
                slug=issue.slug)


def change_contribution(slug, action, change, message):
    """A moderation action without a form of its own: change(db, table, slug, number) is False
    when the contribution does not exist (404); logged with its code, never its text."""
    issue = find_issue(slug)
    table, number = moderated(issue)
    code = f"{KINDS[table]}{number}"
    db = get_db()
    with database.write(db):
        if not change(db, table, issue.slug, number):
            abort(404)
        audit.record(db, g.user, action, issue.slug, code)
    return done(message.format(code=code), "beheer.moderation_page", code, slug=issue.slug)


@bp.post("/<slug>/tonen")
@coordinator_required
def unhide(slug):
    return change_contribution(slug, "unhide", lambda db, table, issue, number: store.set_hidden(
        db, table, issue, number, reason=None), "{code} staat weer op de site.")


@bp.post("/<slug>/naam-weghalen")
@coordinator_required
def remove_name(slug):
    """AVG: someone asks for their name to go; the contribution itself stays."""
    return change_contribution(slug, "remove_name", store.remove_name,
                               "De naam bij {code} is weggehaald. De bijdrage blijft staan.")


# Phase --------------------------------------------------------------------------


@bp.post("/<slug>/fase")
@coordinator_required
def change_phase(slug):
    issue = find_issue(slug)
    values, errors = beheer_forms.validate_phase(request.form, phases.TRANSITIONS[issue.phase])
    if errors:
        return render_task(issue, "overzicht", 400, form="fase", values=values, errors=errors)
    target = values["phase"]
    refused = phase_refusals(issue, target)
    if refused:
        return render_task(issue, "overzicht", 409, form="fase", values=values, refused=refused)
    move_phase(issue, target)
    return done(f"De fase is nu ‘{PHASES[target]}’.", slug=issue.slug)


@bp.post("/<slug>/lid/<int:number>/bevestigingsmail")
@coordinator_required
def resend_confirmation(slug, number):
    """The link expired or the mail got lost: send the confirmation again, to the address the
    member gave (which the coordinator never sees)."""
    issue = find_issue(slug)
    db = get_db()
    member = store.member(db, number)
    if member is None or member["issue"] != issue.slug:
        abort(404)
    if not member["email"] or member["email_confirmed_at"]:
        return error_response(409, f"{member['name']} heeft geen e-mailadres dat nog bevestigd moet worden.")
    if not notify.confirmation(settings(), issue, member, secret=secret()):
        return error_response(503, "De mail kon nu niet worden verstuurd. Probeer het later nog eens.")
    audit.record(db, g.user, "resend_confirmation", issue.slug, f"lid {member['id']}")
    return done(f"{member['name']} krijgt de bevestigingsmail opnieuw.", "beheer.circle_page",
                f"lid-{member['id']}", slug=issue.slug)


# On someone's behalf ----------------------------------------------------------


@dataclass(frozen=True)
class OnBehalf:
    validate: Callable
    save: Callable  # (db, slug, values, user_id) -> code
    action: str
    task: str  # the page that holds the form (TASKS)


def _save_member(db, slug, values, user_id):
    return f"lid {store.add_member(db, slug, **values, entered_by=user_id)}"


def _save_idea(db, slug, values, user_id):
    return f"I{store.add_idea(db, slug, **values, entered_by=user_id)}"


def _save_question(db, slug, values, user_id):
    return f"V{store.add_question(db, slug, **values, entered_by=user_id)}"


ON_BEHALF = {
    "kring": OnBehalf(beheer_forms.validate_member, _save_member, "enter_member", "kring"),
    "idee": OnBehalf(beheer_forms.validate_idea, _save_idea, "enter_idea", "bijdragen"),
    "vraag": OnBehalf(beheer_forms.validate_question, _save_question, "enter_question", "bijdragen"),
}


@bp.post("/<slug>/namens/<kind>")
@coordinator_required
def on_behalf(slug, kind):
    entry = ON_BEHALF.get(kind) or abort(404)
    issue = find_issue(slug)
    open_for_contributions(issue)
    values, errors = entry.validate(request.form)
    if errors:
        return render_task(issue, entry.task, 400, form=f"namens-{kind}", values=values, errors=errors)
    db = get_db()
    with database.write(db):
        code = entry.save(db, issue.slug, values, g.user["id"])
        # Codes only: the log is append-only, so it must not hold names (AVG).
        audit.record(db, g.user, entry.action, issue.slug, f"{code}, {CHANNELS[values['channel']]}")
    # Back to the new row: I4, V2, or the member's row (lid-12) in the circle's table.
    return done(f"Opgeslagen: {code}, {CHANNELS[values['channel']]}.", TASKS[entry.task].endpoint,
                code.replace(" ", "-"), slug=issue.slug)


# Answers by professionals --------------------------------------------------------


def render_answer(issue, question, values, errors, status=200):
    return render_template("beheer/vraag.html", issue=issue, question=question, values=values, errors=errors,
                           coordinator=is_coordinator()), status


@bp.route("/<slug>/vraag/<int:number>", methods=["GET", "POST"])
@login_required
def answer(slug, number):
    issue = find_issue(slug)
    db = get_db()
    question = moderation.question(db, issue.slug, number) or abort(404)
    if request.method == "GET":
        return render_answer(issue, question, {}, {})
    open_for_contributions(issue)
    if question["hidden_at"]:
        return error_response(409, f"V{number} is verborgen door de coördinator. Die vraag kun je niet beantwoorden.")
    values, errors = beheer_forms.validate_answer(request.form)
    if errors:
        return render_answer(issue, question, values, errors, 400)
    with database.write(db):
        store.add_answer(db, issue.slug, number, user_id=g.user["id"], text=values["text"])
        audit.record(db, g.user, "answer", issue.slug, f"V{number}")
    return done(f"Je antwoord op V{number} staat op de site.", "beheer.contributions_page", f"V{number}",
                slug=issue.slug)


# Accounts and the audit log -----------------------------------------------------


OWN_ACCOUNT = "Je kunt je eigen account niet uitzetten. Vraag een andere coördinator om dat te doen."


def render_users(values, errors, status=200, *, password_for=None, password_errors=None):
    """The accounts page; `password_for` names the account whose new-password form has errors."""
    return render_template("beheer/gebruikers.html", users=accounts.list_users(get_db()), roles=accounts.ROLES,
                           values=values, errors=errors, password_for=password_for,
                           password_errors=password_errors or {}), status


def account_numbered(number):
    """The account in the URL (its id, as /lid/<n> has the member's), or 404."""
    return accounts.get_user(get_db(), number) or abort(404)


@bp.route("/gebruikers", methods=["GET", "POST"])
@coordinator_required
def users():
    if request.method == "GET":
        return render_users({}, {})
    values, password, errors = beheer_forms.validate_user(request.form)
    if errors:
        return render_users(values, errors, 400)
    db = get_db()
    try:
        with database.write(db):
            accounts.create_user(db, password=password, **values)
            audit.record(db, g.user, "create_user", None, f"{values['username']} ({accounts.ROLES[values['role']]})")
    except ValueError:
        return render_users(values, {"username": "Gebruikersnaam: deze naam bestaat al. Kies een andere"}, 400)
    return done(f"Account ‘{values['username']}’ is gemaakt. Geef het wachtwoord persoonlijk door.",
                "beheer.users")


@bp.post("/gebruikers/<int:number>/uitzetten")
@coordinator_required
def disable_user(number):
    """No login any more, and every open session of the account ends."""
    user = account_numbered(number)
    if user["id"] == g.user["id"]:
        return error_response(409, OWN_ACCOUNT)
    if user["disabled_at"]:  # sent twice: nothing to do, and nothing to log
        return error_response(409, f"Account ‘{user['username']}’ staat al uit.")
    db = get_db()
    with database.write(db):
        accounts.set_disabled(db, user["username"], True)
        audit.record(db, g.user, "disable_user", None, user["username"])
    return done(f"Account ‘{user['username']}’ is uitgezet. Wie ermee was ingelogd, is uitgelogd.", "beheer.users",
                anchor=f"account-{user['id']}")


@bp.post("/gebruikers/<int:number>/aanzetten")
@coordinator_required
def enable_user(number):
    user = account_numbered(number)
    if not user["disabled_at"]:
        return error_response(409, f"Account ‘{user['username']}’ staat al aan.")
    db = get_db()
    with database.write(db):
        accounts.set_disabled(db, user["username"], False)
        audit.record(db, g.user, "enable_user", None, user["username"])
    return done(f"Account ‘{user['username']}’ staat weer aan en kan inloggen.", "beheer.users",
                anchor=f"account-{user['id']}")


@bp.post("/gebruikers/<int:number>/wachtwoord")
@coordinator_required
def set_password(number):
    """A new password; every session of the account ends (but this one, when it is your own)."""
    user = account_numbered(number)
    password, again = request.form.get("password") or "", request.form.get("password_again") or ""
    errors = {}
    if len(password) < accounts.PASSWORD_MIN:
        errors["password"] = f"Nieuw wachtwoord: kies een wachtwoord van minstens {accounts.PASSWORD_MIN} tekens"
    elif len(password) > beheer_forms.PASSWORD_MAX:
        errors["password"] = f"Nieuw wachtwoord: maximaal {beheer_forms.PASSWORD_MAX} tekens"
    elif password != again:
        errors["password_again"] = "Nieuw wachtwoord nog een keer: dit is niet hetzelfde wachtwoord"
    if errors:
        return render_users({}, {}, 400, password_for=user["username"], password_errors=errors)
    db = get_db()
    with database.write(db):
        changed = accounts.set_password(db, user["username"], password)
        audit.record(db, g.user, "set_password", None, user["username"])  # never the password itself
    if user["id"] == g.user["id"]:
        session["session_version"] = accounts.session_version(changed)
    return done(f"Account ‘{user['username']}’ heeft een nieuw wachtwoord. Geef het persoonlijk door. "
                "Wie ermee was ingelogd, is uitgelogd.", "beheer.users", anchor=f"account-{user['id']}")


@bp.post("/gebruikers/<int:number>/rol")
@coordinator_required
def set_role(number):
    """Coordinator or professional. The rules (not one's own, never no coordinator left) are
    accounts.set_role's, so the command line obeys them too."""
    user = account_numbered(number)
    role = request.form.get("role") or ""
    if role not in accounts.ROLES:
        return error_response(400, "Kies de rol professional of coördinator.")
    db = get_db()
    try:
        with database.write(db):
            accounts.set_role(db, user["username"], role, by=g.user["id"])
            audit.record(db, g.user, "set_role", None,
                         f"{user['username']}: {accounts.ROLES[user['role']]} → {accounts.ROLES[role]}")
    except ValueError as error:
        return error_response(409, str(error))
    return done(f"Account ‘{user['username']}’ is nu {accounts.ROLES[role]}.", "beheer.users",
                anchor=f"account-{user['id']}")


@bp.get("/logboek", defaults={"page": 1})
@bp.get("/logboek/<int:page>/")
@coordinator_required
def log(page):
    db = get_db()
    page_count = max(1, -(-audit.count(db) // LOG_PAGE_SIZE))
    if not 1 <= page <= page_count:
        abort(404)
    entries = audit.entries(db, limit=LOG_PAGE_SIZE, offset=(page - 1) * LOG_PAGE_SIZE)
    return render_template("beheer/logboek.html", entries=entries, actions=audit.ACTIONS, page=page,
                           page_count=page_count)
