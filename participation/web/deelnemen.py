"""/deelnemen/<slug>/<form>: residents join the circle and send ideas.

GET shows the form; POST validates, stores (committed before we answer) and
redirects 303 to the kwestie page, where a confirmation is shown. Invalid
input gets 400 with the form again, the input kept and an error summary.
"""

from dataclasses import dataclass
from typing import Callable

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request

from .. import forms, store
from .db import get_db, notify_rebuild
from .errors import error_response
from .negotiate import wants_json

bp = Blueprint("deelnemen", __name__, url_prefix="/deelnemen")

OPEN_FOR_CONTRIBUTIONS = ("open", "proposing", "adopted")


@dataclass(frozen=True)
class Form:
    template: str
    validate: Callable
    save: Callable  # (db, slug, values) -> public id
    phases: tuple
    thanks: str  # fragment id of the confirmation on the kwestie page


FORMS = {
    "kring": Form(
        template="deelnemen/kring.html",
        validate=forms.validate_member,
        save=lambda db, slug, v: f"L{store.add_member(db, slug, **v)}",
        phases=OPEN_FOR_CONTRIBUTIONS,
        thanks="bedankt-kring",
    ),
    "idee": Form(
        template="deelnemen/idee.html",
        validate=forms.validate_idea,
        save=lambda db, slug, v: f"I{store.add_idea(db, slug, **v)}",
        phases=OPEN_FOR_CONTRIBUTIONS,
        thanks="bedankt-idee",
    ),
}


@bp.route("/<slug>/<kind>", methods=["GET", "POST"])
def contribute(slug, kind):
    form = FORMS.get(kind)
    issue = current_app.extensions["samenplan.issues"].get(slug)
    if form is None or issue is None:
        abort(404)
    if issue.phase not in form.phases:
        return error_response(
            409, f"Deze kwestie is in de fase ‘{issue.phase_label}’. Daarin kan dit niet meer."
        )
    if request.method == "GET":
        return render_template(form.template, issue=issue, values={}, errors={})

    values, errors = form.validate(request.form)
    if errors:
        if wants_json():
            return jsonify(error="Niet alles is goed ingevuld", fields=errors, status=400), 400
        html = render_template(form.template, issue=issue, values=values, errors=errors)
        return html, 400

    public_id = form.save(get_db(), issue.slug, values)
    notify_rebuild()

    settings = current_app.extensions["samenplan.settings"]
    location = f"{settings['SITEURL']}/kwesties/{issue.slug}/#{form.thanks}"
    if wants_json():
        response = jsonify(ok=True, id=public_id, location=location)
        response.status_code = 303
        response.headers["Location"] = location
        return response
    return redirect(location, 303)
