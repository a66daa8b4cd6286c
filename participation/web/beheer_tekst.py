"""/beheer/nieuw and /beheer/<slug>/tekst: the municipality writes its kwestie in the browser.

The form writes content/kwesties/<slug>/kwestie.md through issue_file.py, in
the format people write by hand; the file stays the source of truth. One form,
three buttons: "Bekijk het voorbeeld" shows the kwestie page as the site will
show it (the same template, the same context), "Verder schrijven" goes back to
the form, "Opslaan" writes. The rules of the phases are issue_file.save_issue's;
this module only tells the members when it recorded a change for them.
"""

from flask import Blueprint, g, render_template, request, url_for

from .. import audit, beheer_forms, i18n, issue_file, kwestie_page, phases, photo, store
from .. import db as database
from ..formats import datum
from ..issues import ISSUE_FILE, issues_folder, language_name
from ..settings import public_url
from . import csrf, notify
from .auth import coordinator_required, load_user
from .db import get_db
from .kwestie import done, find_issue, settings

bp = Blueprint("beheer_tekst", __name__, url_prefix="/beheer")

ACTIONS = ("preview", "save", "edit")
FORM = "kwestie"


@bp.before_request
def allow_a_photo():
    """A photo is bigger than any text form: this one route may receive up to photo.MAX_UPLOAD.
    Set before csrf.check reads the form."""
    if request.endpoint == "beheer_tekst.upload_photo":
        request.max_content_length = photo.MAX_UPLOAD + 64 * 1024


bp.before_request(load_user)
bp.before_request(csrf.check)


def languages():
    """(code, Dutch name) for the language choice, by name."""
    return sorted(((code, language_name(code, "nl")) for code in beheer_forms.QUESTION_LANGUAGES),
                  key=lambda pair: pair[1])


def render_form(issue, fields, errors=None, status=200, *, ideas_form=None, ideas_errors=None, photo_form=None,
                photo_errors=None):
    rows = max(fields.get("translation_count", 0) + 1, 2)
    return render_template("beheer/tekst.html", issue=issue, values=fields, errors=errors or {}, form=FORM,
                           rows=rows, languages=languages(), ideas_values=ideas_form or {},
                           ideas_errors=ideas_errors or {}, photo_values=photo_form or {},
                           photo_errors=photo_errors or {}, today=phases.today()), status


def render_preview(issue, values, fields):
    """The site's kwestie page for these values, with a bar above it to go back or save."""
    slug = fields["slug"]
    shown = issue_file.preview(settings(), values, slug, phase=issue.phase if issue and issue.is_public else "open",
                               issue=issue)
    versions, error = kwestie_page.plan_versions(settings(), get_db(), shown)
    context = kwestie_page.page_context(settings(), get_db(), shown, versions, error is not None)
    action = url_for("beheer_tekst.edit", slug=issue.slug) if issue else url_for("beheer_tekst.new")
    hidden = {k: v for k, v in fields.items() if k != "translation_count"}
    return render_template("kwestie.html", **context, preview={"action": action, "fields": hidden,
                                                                "address": f"kwesties/{slug}/"})


def handle(issue):
    """POST of the form, for a new kwestie (issue None) or an existing one."""
    values, errors = beheer_forms.validate_issue(request.form)
    action = request.form.get("action")
    if action not in ACTIONS:
        action = "edit"
    if issue is not None and issue.phase != "draft":
        values["slug"] = issue.slug  # only a draft's address may change
        values["ideas_until"] = issue.ideas_until  # changed with its own, logged, form
    if not values["slug"] and values["title"]:
        values["slug"] = free_slug(values["title"])
    fields = beheer_forms.issue_form_fields(values)
    fields["based_on"] = request.form.get("based_on", "")
    if errors:
        return render_form(issue, fields, errors, 400)
    if action == "edit":
        return render_form(issue, fields)
    if action == "preview":
        return render_preview(issue, values, fields)
    return save(issue, values, fields)


def free_slug(title):
    """The address proposed from the title, numbered when a kwestie has it already."""
    slug, n = issue_file.propose_slug(title), 1
    folder = issues_folder(settings())
    while (folder / (slug if n == 1 else f"{slug}-{n}")).exists():
        n += 1
    return slug if n == 1 else f"{slug}-{n}"


def save(issue, values, fields):
    db = get_db()
    slug = values["slug"]
    try:
        # The log entry and the rebuild request commit only if the file was written.
        with database.write(db):
            changes = issue_file.save_issue(settings(), values, slug=slug, issue=issue, today=phases.today(),
                                            based_on=request.form.get("based_on") or None)
            what = "create_issue" if issue is None else "edit_issue"
            audit.record(db, g.user, what, slug, changed_fields(changes) if issue else values["title"])
            store.mark_changed(db, slug)
    except issue_file.IssueTextError as error:
        if isinstance(error, issue_file.StaleText):
            fields["based_on"] = error.current  # saving again is now a choice made knowingly
        return render_form(issue, fields, {"_form": str(error)}, 409)
    if issue is None:
        return done(f"De kwestie ‘{values['title']}’ is opgeslagen. Ze staat nog niet op de site: "
                    "dat gebeurt als je de fase verandert in ‘open’.", "beheer.kwestie", slug=slug)
    message = "De tekst van de kwestie is opgeslagen."
    if changes:
        sent = notify.issue_changed(db, settings(), issue, changes,
                                    kwestie_url=lambda lang: f"{public_url(settings())}{i18n.prefix(lang)}/kwesties/{slug}/#veranderd")
        message += (f" Op de site staat wat er veranderde en wanneer. {sent} "
                    f"{'lid kreeg' if sent == 1 else 'leden kregen'} daarover een mail.")
    return done(message, "beheer_tekst.edit", slug=slug)


def changed_fields(changes):
    """For the log: which relied-on fields changed (never their text)."""
    if not changes:
        return "tekst"
    return "veranderd voor de kring: " + ", ".join(field for field, _, _ in changes)


@bp.route("/nieuw", methods=["GET", "POST"])
@coordinator_required
def new():
    if request.method == "POST":
        return handle(None)
    return render_form(None, {"opened": phases.today().isoformat(), "translation_count": 0})


@bp.route("/<slug>/tekst", methods=["GET", "POST"])
@coordinator_required
def edit(slug):
    issue = find_issue(slug)
    if request.method == "POST":
        return handle(issue)
    return render_form(issue, current_fields(issue))


def current_fields(issue):
    """The form's fields as the kwestie's file holds them now."""
    text = (issues_folder(settings()) / issue.slug / ISSUE_FILE).read_text(encoding="utf-8")
    fields = beheer_forms.issue_form_fields({**issue_file.text_values(text), "slug": issue.slug})
    fields["based_on"] = issue_file.fingerprint(text)
    return fields


@bp.post("/<slug>/ideeen-tot")
@coordinator_required
def ideas_until(slug):
    """Change the last day for ideas, or close the idea period today."""
    issue = find_issue(slug)
    today = phases.today()
    until, errors = today, {}
    if request.form.get("action") != "today":
        until = beheer_forms.parse_date(request.form.get("ideas_until"))
        if until is None:
            errors["ideas_until"] = "Ideeën tot en met: kies een dag. Schrijf het zo: 31-01-2027"
    fields = current_fields(issue)
    if errors:
        return render_form(issue, fields, status=400, ideas_form=request.form, ideas_errors=errors)
    db = get_db()
    try:
        with database.write(db):
            issue_file.set_ideas_until(settings(), issue, until, today=today)
            audit.record(db, g.user, "ideas_until", issue.slug, until.isoformat())
            store.mark_changed(db, issue.slug)
    except issue_file.IssueTextError as error:
        return render_form(issue, fields, status=409, ideas_form=request.form,
                           ideas_errors={"ideas_until": f"Ideeën tot en met: {error}"})
    if until == today:
        message = ("Vandaag is de laatste dag voor ideeën. Vanaf morgen kan de kwestie naar de fase "
                   "‘concept-plan’.")
    else:
        message = f"Ideeën insturen kan nu tot en met {datum(until)}."
    return done(message, "beheer_tekst.edit", anchor="ideeen-tot", slug=issue.slug)


@bp.post("/<slug>/foto")
@coordinator_required
def upload_photo(slug):
    """One photo of the place, with required alt text; resized and stripped of metadata."""
    issue = find_issue(slug)
    upload = request.files.get("photo")
    alt = beheer_forms.clean(request.form.get("alt"))
    errors = {}
    if upload is None or not upload.filename:
        errors["photo"] = "Foto: kies een foto op je computer of telefoon"
    if not alt:
        errors["alt"] = "Wat staat er op de foto: beschrijf de foto voor wie hem niet kan zien"
    elif len(alt) > photo.ALT_MAX:
        errors["alt"] = f"Wat staat er op de foto: maximaal {photo.ALT_MAX} tekens (nu {len(alt)})"
    data = None
    if not errors:
        try:
            data = photo.prepare(upload.read(photo.MAX_UPLOAD + 1))
        except photo.PhotoError as error:
            errors["photo"] = f"Foto: {error}"
    if errors:
        return render_form(issue, current_fields(issue), status=400, photo_form={"alt": alt}, photo_errors=errors)
    db = get_db()
    try:
        with database.write(db):
            issue_file.set_photo(settings(), issue, data, alt)
            audit.record(db, g.user, "photo", issue.slug, "foto gezet")
            store.mark_changed(db, issue.slug)
    except issue_file.IssueTextError as error:
        return render_form(issue, current_fields(issue), status=409, photo_form={"alt": alt},
                           photo_errors={"photo": f"Foto: {error}"})
    return done("De foto staat bij de kwestie. De plaats en het toestel waarmee hij gemaakt is, zijn eruit "
                "gehaald.", "beheer_tekst.edit", anchor="foto", slug=issue.slug)


@bp.post("/<slug>/foto/weg")
@coordinator_required
def remove_photo(slug):
    issue = find_issue(slug)
    if not issue.image:
        return done("Deze kwestie heeft geen foto.", "beheer_tekst.edit", anchor="foto", slug=issue.slug)
    db = get_db()
    try:
        with database.write(db):
            issue_file.remove_photo(settings(), issue)
            audit.record(db, g.user, "photo", issue.slug, "foto weggehaald")
            store.mark_changed(db, issue.slug)
    except issue_file.IssueTextError as error:
        return render_form(issue, current_fields(issue), status=409, photo_errors={"photo": f"Foto: {error}"})
    return done("De foto is weggehaald, ook van de site.", "beheer_tekst.edit", anchor="foto", slug=issue.slug)
