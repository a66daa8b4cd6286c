"""Mail to members: the link that confirms an address (always), news of a consent round and of
an adopted plan (only to members who confirmed their address and chose a mail per event), and the
weekly digest (those who chose `weekly`). A failing mail server is logged and reported back, never
raised: what the member sent is stored already.

Each mail is in the language the member joined in (members.language): its text, the kwestie's
title, and the links, which open the pages in that language."""

import logging

from flask import render_template

from .. import digest, i18n, mail, meetings, plan, store, tokens
from .. import db as database
from ..i18n import N_, _
from ..issues import Change
from ..issues import load_public_issues
from ..settings import participation_url, public_url

log = logging.getLogger(__name__)


def confirmed_members(db, slug):
    """The members who get a mail per event: a confirmed address, and the choice `every`
    (the default). Those who chose `weekly` hear it in their digest; `none`, not at all."""
    return list(db.query("select id, name, email, language from members where issue = ? and email is not null "
                         "and email_confirmed_at is not null and mail_choice = 'every' order by id", [slug]))


def participation_link(settings, path):
    """An address of /deelnemen/ in the current language, on the configured address (never the
    request's Host): participation_link(settings, "azc/lid/…")."""
    return f"{participation_url(settings)}{i18n.prefix(i18n.current())}/deelnemen/{path}"


def personal_link(settings, issue, member_id, secret):
    """A member's personal link, in the current language."""
    return participation_link(settings, f"{issue.slug}/lid/{tokens.member_token(secret, member_id, issue.slug)}")


def confirmation(settings, issue, member, *, secret):
    """Mail the link that confirms this member's address, in their language; False when it could
    not be sent. member: a row with id, name, email and language.

    Must run inside a Flask app context (the mail text is a theme template)."""
    token = tokens.confirm_token(secret, member["id"], member["email"])
    return bool(mail_each(settings, issue, [member],
                          lambda issue: _("Bevestig je e-mailadres voor ‘%(title)s’") % {"title": issue.title},
                          lambda member, issue: render_template(
                              "mail/bevestigen.txt", issue=issue, name=member["name"],
                              link=participation_link(settings, f"{issue.slug}/bevestigen/{token}")),
                          "ter bevestiging"))


def mail_each(settings, issue, members, subject, body_of, what):
    """Mail each member, in their language, the subject subject(issue) and the body
    body_of(member, issue) make, with the kwestie in that language; returns the number sent.
    A failing mail server is logged (`what` says which mail), never raised: what was stored
    stays stored."""
    sent = 0
    for member in members:
        lang = member["language"] or i18n.SOURCE
        with i18n.using(lang):
            local = issue.in_language(lang)
            try:
                mail.send(settings, member["email"], subject(local), body_of(member, local))
                sent += 1
            except OSError:
                log.exception("Mail %s niet verstuurd (lid %s)", what, member["id"])
    return sent


def round_opened(db, settings, issue, round_, *, secret):
    """Mail every confirmed member that a consent round is open, with their personal link.

    Must run inside a Flask app context (the mail text is a theme template).
    Returns the number of messages sent; a failing mail server is logged, not raised.
    """
    return mail_each(settings, issue, confirmed_members(db, issue.slug),
                     lambda issue: _("Kun je leven met het concept-plan voor ‘%(title)s’?") % {"title": issue.title},
                     lambda member, issue: render_template(
                         "mail/ronde.txt", issue=issue, name=member["name"], round=round_,
                         link=personal_link(settings, issue, member["id"], secret)),
                     "over de ronde")


def answers_voided(db, settings, issue, number, member_ids, *, secret):
    """Mail the confirmed members whose answer on A<number> an amendment voided: old text and
    new side by side, and their personal link to answer again. Returns the number sent."""
    agreement = next(a for a in store.agreements(db, issue.slug) if a["number"] == number)
    new = store.revision(db, issue.slug, number, agreement["revision"])
    answered = {row["member_id"]: row["revision"] for row in db.query(
        "select member_id, revision from round_answers where round_id = (select max(id) from consent_rounds "
        "where issue = ?) and agreement_number = ?", [issue.slug, number])}

    def body_of(member, issue):
        old = store.revision(db, issue.slug, number, answered.get(member["id"], agreement["revision"] - 1))
        objection = next((o["id"] for o in store.objections(db, issue.slug, member_id=member["id"])
                          if o["agreement"] == agreement["code"] and o["status"] == "open"
                          and o["kind"] == "objection"), None)
        return render_template("mail/afspraak-aangepast.txt", issue=issue, name=member["name"],
                               link=personal_link(settings, issue, member["id"], secret),
                               code=agreement["code"], old=old, new=new, objection=objection)

    return mail_each(settings, issue, [m for m in confirmed_members(db, issue.slug) if m["id"] in member_ids],
                     lambda issue: _("Afspraak %(code)s is aangepast: kun je ermee leven?") % {"code": agreement["code"]},
                     body_of, "over een aangepaste afspraak")


SUBJECTS = {"adoption": N_("Het plan voor ‘%(title)s’ is aangenomen"),
            "response": N_("De gemeente reageert op het plan voor ‘%(title)s’")}


def new_version(db, settings, issue, version, previous, *, plan_url):
    """Mail every confirmed member about an adopted version or the municipality's response,
    with what changed (plan.describe(), in their language) and plan_url(lang), the plan page in
    their language. Follow-up statuses are not mailed: they would come too often. Returns the
    number sent; failures are logged."""
    kind = version.data["kind"]
    if kind not in SUBJECTS:
        return 0
    return mail_each(settings, issue, confirmed_members(db, issue.slug),
                     lambda issue: _(SUBJECTS[kind]) % {"title": issue.title},
                     lambda member, issue: render_template(
                         "mail/nieuwe-versie.txt", issue=issue, name=member["name"], version=version,
                         changes=plan.describe(plan.diff(previous, version.data), version.data),
                         link=plan_url(i18n.current())),
                     f"over versie {version.number}")


def issue_changed(db, settings, issue, changes, *, kwestie_url):
    """Mail every confirmed member that the question or a kader changed: what it said before and
    what it says now ([(field, old, new)] from issue_file.save_issue), with kwestie_url(lang).
    Returns the number sent."""
    shown = [Change(None, field, old, new) for field, old, new in changes]
    return mail_each(settings, issue, confirmed_members(db, issue.slug),
                     lambda issue: _("De vraag of de kaders van ‘%(title)s’ zijn veranderd") % {"title": issue.title},
                     lambda member, issue: render_template(
                         "mail/kwestie-veranderd.txt", issue=issue, name=member["name"], changes=shown,
                         link=kwestie_url(i18n.current())),
                     "over een veranderde kwestie")


def weekly_digest(db, settings, issue, *, secret, now=None):
    """Mail each member of the kwestie who chose `weekly` what happened since their last digest
    (digest.news), with their personal link; nothing when nothing happened. A member is marked
    as sent only when their mail went, so a failed one is tried again next time. Returns the
    number sent. Must run inside a Flask app context (the mail text is a theme template)."""
    until = now or database.now()
    sent = 0
    for member in digest.weekly_members(db, issue.slug):
        with i18n.using(member["language"] or i18n.SOURCE):
            found = digest.news(db, settings, issue, digest.since(member, until), until)
        if digest.is_empty(found):
            continue
        if mail_each(settings, issue, [member],
                     lambda issue: _("Wat er deze week gebeurde in ‘%(title)s’") % {"title": issue.title},
                     lambda member, issue: render_template(
                         "mail/overzicht.txt", issue=issue, name=member["name"], news=found,
                         link=personal_link(settings, issue, member["id"], secret)),
                     "met het weekoverzicht"):
            store.digest_sent(db, member["id"], until)
            sent += 1
    return sent


# Meetings (meetings.py) and invitations ------------------------------------------------


def meeting_link(settings, issue, meeting):
    """The meeting's page on the site, in the current language."""
    return (f"{public_url(settings)}{i18n.prefix(i18n.current())}/kwesties/{issue.slug}"
            f"/bijeenkomsten/{meeting['number']}/")


def meeting_poll(db, settings, issue, meeting, *, secret):
    """Mail every confirmed member: which of the meeting's dates suit you? With their personal
    link to the date form. Returns the number sent."""
    return mail_each(settings, issue, confirmed_members(db, issue.slug),
                     lambda issue: _("Welke datum past jou? Bijeenkomst over ‘%(title)s’") % {"title": issue.title},
                     lambda member, issue: render_template(
                         "mail/bijeenkomst-datums.txt", issue=issue, name=member["name"], meeting=meeting,
                         link=personal_link(settings, issue, member["id"], secret)
                         + f"/bijeenkomst/{meeting['number']}/datums"),
                     "over de datums van een bijeenkomst")


def meeting_date(db, settings, issue, meeting, *, secret):
    """Mail every confirmed member when and where the meeting is (its date fixed), with its page
    and their personal link to sign up. Returns the number sent."""
    return mail_each(settings, issue, confirmed_members(db, issue.slug),
                     lambda issue: _("Bijeenkomst over ‘%(title)s’ op %(date)s") % {
                         "title": issue.title, "date": meetings.when(meeting)},
                     lambda member, issue: render_template(
                         "mail/bijeenkomst-datum.txt", issue=issue, name=member["name"], meeting=meeting,
                         when=meetings.when(meeting), page=meeting_link(settings, issue, meeting),
                         link=personal_link(settings, issue, member["id"], secret)
                         + f"/bijeenkomst/{meeting['number']}"),
                     "over de datum van een bijeenkomst")


def meeting_cancelled(db, settings, issue, meeting):
    """Mail the confirmed members, and those who signed up with a confirmed address, that the
    meeting does not take place. Returns the number sent."""
    people = confirmed_members(db, issue.slug) + meetings.confirmed_signups(db, issue.slug, meeting["number"])
    return mail_each(settings, issue, people,
                     lambda issue: _("Gaat niet door: bijeenkomst over ‘%(title)s’") % {"title": issue.title},
                     lambda person, issue: render_template(
                         "mail/bijeenkomst-afgelast.txt", issue=issue, name=person["name"], meeting=meeting,
                         when=meetings.when(meeting), page=meeting_link(settings, issue, meeting)),
                     "over een bijeenkomst die niet doorgaat")


def signup_confirmation(settings, issue, meeting, signup, *, secret):
    """Mail the link that confirms the address given when signing up (only a confirmed address
    gets the reminder); False when it could not be sent. signup: a row with id, name, email, language."""
    token = tokens.signup_token(secret, signup["id"], signup["email"])
    return bool(mail_each(settings, issue, [signup],
                          lambda issue: _("Bevestig je aanmelding voor de bijeenkomst over ‘%(title)s’") % {
                              "title": issue.title},
                          lambda signup, issue: render_template(
                              "mail/bijeenkomst-aanmelding.txt", issue=issue, name=signup["name"], meeting=meeting,
                              when=meetings.when(meeting),
                              link=participation_link(settings, f"{issue.slug}/aanmelding/bevestigen/{token}")),
                          "ter bevestiging van een aanmelding"))


def reminders(db, settings, *, secret, now=None):
    """The day before a meeting, remind those who signed up with a confirmed address, each once
    (meetings.claim_reminder takes it first, so two runs never both send it; a failing mail
    server is logged, and that reminder is not tried again). Returns the number sent."""
    due = meetings.due_reminders(db, now)
    issues = {issue.slug: issue for issue in load_public_issues(settings)} if due else {}
    sent = 0
    for signup in due:
        issue = issues.get(signup["issue"])
        if issue is None or not meetings.claim_reminder(db, signup["id"]):
            continue
        meeting = meetings.get(db, issue.slug, signup["number"])
        sent += mail_each(settings, issue, [signup],
                          lambda issue: _("Morgen: bijeenkomst over ‘%(title)s’") % {"title": issue.title},
                          lambda signup, issue: render_template(
                              "mail/bijeenkomst-herinnering.txt", issue=issue, name=signup["name"], meeting=meeting,
                              when=meetings.when(meeting), page=meeting_link(settings, issue, meeting)),
                          "met de herinnering aan een bijeenkomst")
    return sent


def invitation(settings, issue, member, note, address):
    """One mail to `address`, in the current language, in the member's name with their note:
    the kwestie's question, its page and the join form. The address is used for this mail only:
    not stored, and not logged (a failure names the member, never the address). True when sent."""
    lang = i18n.current()
    local = issue.in_language(lang)
    body = render_template("mail/uitnodiging.txt", issue=local, name=member["name"],
                           note_lines=note.splitlines() if note else [],
                           page=f"{public_url(settings)}{i18n.prefix(lang)}/kwesties/{issue.slug}/",
                           join=participation_link(settings, f"{issue.slug}/kring?uitnodiging=1"))
    try:
        mail.send(settings, address, _("%(name)s nodigt je uit: %(title)s") % {"name": member["name"],
                                                                             "title": local.title}, body)
    except OSError as error:  # its message can hold the address (SMTPRecipientsRefused): only its kind
        log.error("Uitnodiging niet verstuurd (van lid %s): %s", member["id"], type(error).__name__)
        return False
    return True

