"""What every blueprint needs around a kwestie: its settings, the kwestie a URL
names, and going back after a stored change.

Like flaskr's db.py and auth.py, this is shared by the blueprints so that none
of them imports another.
"""

from flask import abort, current_app, flash, make_response, redirect, url_for

from .. import audit, phases, store
from .. import db as database
from ..i18n import N_, _
from ..issues import ISSUE_FILE, SLUG, IssueFileError, issues_folder, read_issue
from .auth import current_user, is_coordinator
from .db import get_db, notify_rebuild
from .errors import error_response

UNREADABLE = N_("Deze kwestie wordt op dit moment bijgewerkt. Er is niets opgeslagen. "
                 "Probeer het over een paar minuten opnieuw.")


def settings():
    return current_app.extensions["samenplan.settings"]


def secret():
    return current_app.config["SECRET_KEY"]


def find_issue(slug, phases=None, what=None):
    """The kwestie `slug` names, or abort with a page that says why.

    404 when there is none (drafts exist only for coordinators); 409 when
    `phases` is given and the kwestie is in another phase; `what` (translated, "Bezwaar
    maken") names what cannot be done then, "Dat" when not given. A kwestie.md that
    cannot be read (someone is editing it): a resident gets 503 "try again,
    nothing was stored", a coordinator gets 409 naming the mistake.
    """
    coordinator = is_coordinator()
    try:
        issue = current_app.extensions["samenplan.issues"].get(slug)
        if issue is None and coordinator and SLUG.match(slug):
            path = issues_folder(settings()) / slug / ISSUE_FILE
            issue = read_issue(path, settings()) if path.is_file() else None
    except IssueFileError as error:
        if coordinator:
            abort(make_response(error_response(409, f"Dit bestand klopt niet: {error}")))
        current_app.logger.error("Kwestie niet te lezen: %s", error)
        abort(make_response(error_response(503, _(UNREADABLE))))
    if issue is None:
        abort(404)
    if phases is not None and issue.phase not in phases:
        abort(make_response(error_response(
            409, _("Deze kwestie is in de fase ‘%(phase)s’. %(what)s kan nu niet.") % {
                "phase": issue.phase_label, "what": what or _("Dat")})))
    return issue


def done(message, endpoint="beheer.kwestie", anchor="", **values):
    """After a stored change: wake the rebuild worker and go back with 303."""
    notify_rebuild()
    flash(message)
    return redirect(url_for(endpoint, **values) + (f"#{anchor}" if anchor else ""), 303)


def phase_refusals(issue, target):
    """Why the kwestie may not move to `target` now (phases.check_transition); empty when it may."""
    return phases.check_transition(
        issue, target, circle_size=sum(store.circle(get_db(), issue.slug).values()), today=phases.today(),
        has_plan_versions=phases.has_plan_versions(settings(), issue.slug))


def move_phase(issue, target):
    """Rewrite the kwestie's phase, with its log entry. Call phase_refusals first."""
    db = get_db()
    # The entry and the rebuild request commit only if the file was rewritten.
    with database.write(db):
        audit.record(db, current_user(), "phase", issue.slug, f"{issue.phase} → {target}")
        phases.set_phase(settings(), issue, target)
        store.mark_changed(db, issue.slug)
