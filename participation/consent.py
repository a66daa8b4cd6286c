"""Consent: from concept agreements to an adopted plan version.

The rule (docs/design.md, principle 4): nothing enters the plan that anyone in the
circle objects to. `blockers()` is that rule as a pure function; everything
else here records a consent round in SQLite and, on adoption, writes the
next plan version file (plan.py). There is no override: not for anyone.
"""

import datetime
import json

from . import db as database
from . import plan, store
from .formats import LOCAL_TIME, datum, euro
from .issues import OBJECTION_PHASES
from .i18n import _
from .labels import AGREEMENT_STATUSES, DECISIONS, PHASES

ANSWERS = ("consent", "objection", "concern")
PLAN_PHASES = OBJECTION_PHASES  # proposing, adopted: there is a (concept) plan to work on


class ConsentError(ValueError):
    """An action the consent rules do not allow; the message says why (what a resident can meet
    is in the current language, what only the coordinator meets in Dutch)."""


def require_plan_phase(issue):
    """Every change to agreements, rounds, objections and the plan passes here, from any path
    (web, command line): nothing of the plan exists outside the plan phases."""
    if issue.phase not in PLAN_PHASES:
        raise ConsentError(_("Afspraken en het plan kunnen alleen in de fase ‘%(proposing)s’ of ‘%(adopted)s’. "
                             "Deze kwestie is in de fase ‘%(phase)s’.")
                           % {"proposing": _(PHASES["proposing"]), "adopted": _(PHASES["adopted"]),
                              "phase": issue.phase_label})


def blockers(agreements, objections, *, budget=None, max_cost_per_agreement=None, max_agreements=None):
    """Why these agreements may not be adopted together, in Dutch; [] means they may.

    agreements: dicts with "id" and "cost" (the whole new version, carried-over
    agreements included); objections: dicts with "id", "agreement", "kind"
    and "status". Concerns never block; open objections always do. The numeric
    kaders a kwestie declares: budget (the total), max_cost_per_agreement, max_agreements.
    """
    reasons = []
    if not agreements:
        reasons.append("Er staat geen afspraak in deze versie.")
    included = {a["id"] for a in agreements}
    for o in objections:
        if o["kind"] == "objection" and o["status"] == "open" and o["agreement"] in included:
            reasons.append(f"{o['agreement']} heeft een open bezwaar ({o['id']}). Laat de afspraak weg, "
                           "of pas haar aan tot het bezwaar is ingetrokken of opgelost.")
    total = sum(a.get("cost") or 0 for a in agreements)
    if budget is not None and total > budget:
        reasons.append(f"De afspraken kosten samen {euro(total)}; het budget is {euro(budget)}.")
    if max_cost_per_agreement is not None:
        for a in agreements:
            if (a.get("cost") or 0) > max_cost_per_agreement:
                reasons.append(f"{a['id']} kost {euro(a['cost'])}; per afspraak mag het {euro(max_cost_per_agreement)} zijn.")
    if max_agreements is not None and len(agreements) > max_agreements:
        reasons.append(f"Het plan heeft {len(agreements)} afspraken; er mogen er hoogstens {max_agreements} in staan.")
    return reasons


# Agreements ---------------------------------------------------------------------


def plan_versions(settings, slug, db=None):
    """Every adopted version, checked against the chain (and the hashes in SQLite, given db)."""
    heads = plan.recorded_heads(db, slug) if db is not None else None
    return plan.verify(plan.plan_folder(settings, slug), slug, heads)


def latest_version(settings, slug, db=None):
    versions = plan_versions(settings, slug, db)
    return versions[-1] if versions else None


def write_version(db, settings, slug, data):
    """Write the next version file and record its hash in SQLite, as one step."""
    with database.write(db):
        version = plan.write_version(plan.plan_folder(settings, slug), data)
        plan.record_head(db, slug, version)
        store.mark_changed(db, slug)
    return version


def propose_agreement(db, settings, issue, *, what, who="", when_text="", cost=None, from_ideas=(), information=()):
    """A concept agreement; numbers continue after those in the adopted plan files.

    information: numbers of questions whose professional answers inform it (shown as
    information, never counted as consent or objection)."""
    require_plan_phase(issue)
    slug = issue.slug
    latest = latest_version(settings, slug, db)
    used = max((int(a["id"][1:]) for a in latest.data["agreements"]), default=0) if latest else 0
    return store.add_agreement(db, slug, what=what, who=who, when_text=when_text, cost=cost,
                               from_ideas=from_ideas, information=information, after=used)


TEXT_FIELDS = ("what", "who", "when_text", "cost")  # what a member consents to


def amend_agreement(db, issue, number, **fields):
    """Change a concept agreement (what, who, when_text, cost, from_ideas, information);
    objectors may then accept it. from_ideas and information are lists of numbers.

    A change to its text (what, who, when, cost) makes a new revision: answers given in
    the open round on an earlier revision no longer count. Returns the ids of the members
    whose answer that voided, to be told; [] when the text did not change.
    """
    require_plan_phase(issue)
    slug = issue.slug
    allowed = {"what", "who", "when_text", "cost", "from_ideas", "information"}
    if set(fields) - allowed:
        raise ConsentError(f"Onbekende velden: {', '.join(sorted(set(fields) - allowed))}")
    for name in {"from_ideas", "information"} & set(fields):
        fields[name] = json.dumps(sorted(set(fields[name])))
    with database.write(db):
        rows = list(db.query("select * from agreements where issue = ? and number = ? and status = 'concept'",
                             [slug, number]))
        if not rows:
            raise ConsentError(f"A{number} is geen afspraak in het concept-plan.")
        current = rows[0]
        revision = current["revision"]
        if any(name in fields and fields[name] != current[name] for name in TEXT_FIELDS):
            revision += 1
            text = {name: fields.get(name, current[name]) for name in TEXT_FIELDS}
            store.add_revision(db, current["id"], revision, **text)
        db.execute(f"update agreements set {', '.join(f'{f} = ?' for f in fields)}, revision = ?, updated_at = ? "
                   "where id = ?", [*fields.values(), revision, database.now(), current["id"]])
        store.mark_changed(db, slug)
        round_ = current_round(db, slug)
        if revision == current["revision"] or round_ is None or number not in round_["agreements"]:
            return []
        return [member for (member,) in db.execute(
            "select member_id from round_answers where round_id = ? and agreement_number = ? and revision < ? "
            "order by member_id", [round_["id"], number, revision])]


def accept_amendment(db, issue, objection_number, *, member_id=None, entered_by=None, note=""):
    """The objector accepts the amended agreement: the objection is resolved, and in an open
    round that is their consent to the agreement's text as it is now."""
    with database.write(db):
        close_objection(db, issue, objection_number, "resolved", member_id=member_id, entered_by=entered_by,
                        note=note)
        objector, number = db.execute(
            "select o.member_id, a.number from objections o join agreements a on a.id = o.agreement_id "
            "where o.issue = ? and o.number = ?", [issue.slug, objection_number]).fetchone()
        round_ = current_round(db, issue.slug)
        if objector is not None and round_ and number in round_["agreements"]:
            _record_answer(db, issue.slug, round_["id"], objector, number, "consent", entered_by)


def withdraw(db, issue, objection_number, *, member_id=None, entered_by=None, note=""):
    """The objector withdraws the objection."""
    close_objection(db, issue, objection_number, "withdrawn", member_id=member_id, entered_by=entered_by, note=note)


def close_objection(db, issue, objection_number, status, *, member_id=None, entered_by=None, note=""):
    """The only two ways an objection closes (principle 4): withdrawn, or resolved by an amendment.

    By the member's own link (member_id), or by the coordinator on their behalf
    at a meeting (entered_by), which the note and the record then say.
    """
    if status not in ("withdrawn", "resolved"):
        raise ValueError(f"unknown status {status!r}")
    require_plan_phase(issue)
    slug = issue.slug
    with database.write(db):
        row = db.execute("select member_id, status from objections where issue = ? and number = ?",
                         [slug, objection_number]).fetchone()
        if row is None or row[1] != "open":
            raise ConsentError(_("%(code)s is geen open bezwaar. Misschien is het al ingetrokken of opgelost.")
                               % {"code": f"B{objection_number}"})
        if member_id is not None and row[0] != member_id:
            raise ConsentError(_("%(code)s is niet jouw bezwaar.") % {"code": f"B{objection_number}"})
        if member_id is None and entered_by is None:
            raise ConsentError(_("Alleen de indiener, of de coördinator namens de indiener, kan dit."))
        if entered_by is not None:
            note = f"{note} (vastgelegd door de coördinator namens de indiener)".strip()
        db.execute("update objections set status = ?, closed_at = ?, resolution_note = ? "
                   "where issue = ? and number = ?", [status, database.now(), note or None, slug, objection_number])
        store.mark_changed(db, slug)


# Consent rounds ----------------------------------------------------------------------


def current_round(db, slug):
    rows = list(db.query("select * from consent_rounds where issue = ? and closed_at is null "
                         "order by id desc limit 1", [slug]))
    if not rows:
        return None
    row = rows[0]
    row["agreements"] = json.loads(row["agreements"])
    return row


def end_of_day(date):
    """The last second of a local (Dutch) date, as a stored UTC timestamp."""
    local = datetime.datetime.combine(date, datetime.time(23, 59, 59), tzinfo=LOCAL_TIME)
    return local.astimezone(datetime.timezone.utc).isoformat()


def open_round(db, issue, agreement_numbers, ends_at, *, now=None):
    """Open a consent round on these concept agreements until ends_at (a stored UTC
    timestamp, see end_of_day)."""
    require_plan_phase(issue)
    slug = issue.slug
    now = now or database.now()
    concept = {a["number"] for a in store.agreements(db, slug) if a["status"] == "concept"}
    numbers = sorted(set(agreement_numbers))
    if not numbers or set(numbers) - concept:
        raise ConsentError("Kies een of meer afspraken uit het concept-plan.")
    if ends_at <= now:
        raise ConsentError("De einddatum moet in de toekomst liggen.")
    with database.write(db):
        if current_round(db, slug):
            raise ConsentError("Er loopt al een ronde. Neem eerst een besluit over die ronde.")
        round_id = db["consent_rounds"].insert({
            "issue": slug, "agreements": json.dumps(numbers), "opened_at": now, "ends_at": ends_at,
        }).last_pk
        store.mark_changed(db, slug)
    return round_id


def leave_out(db, issue, number):
    """Leave an agreement out of the version this round will adopt; it stays in the concept plan."""
    require_plan_phase(issue)
    slug = issue.slug
    with database.write(db):
        round_ = current_round(db, slug)
        if round_ is None or number not in round_["agreements"]:
            raise ConsentError(f"A{number} zit niet in de lopende ronde.")
        remaining = [n for n in round_["agreements"] if n != number]
        db.execute("update consent_rounds set agreements = ? where id = ?", [json.dumps(remaining), round_["id"]])
        store.mark_changed(db, slug)


def respond(db, issue, member_id, answer, *, reason="", agreement_number=None, entered_by=None):
    """A member's answer in the open round, on one agreement's text as it is now: consent, or an
    objection or concern with a reason. Consent without an agreement is consent to each agreement
    of the round ("ik kan met alles leven").

    Returns the number of the objection or concern it recorded (B<n>), or None for consent.
    """
    if answer not in ANSWERS:
        raise ConsentError(f"Onbekend antwoord {answer!r}")
    require_plan_phase(issue)
    slug = issue.slug
    round_ = current_round(db, slug)
    if round_ is None:
        raise ConsentError(_("Er loopt geen ronde."))
    member = store.member(db, member_id)
    if member is None or member["issue"] != slug:
        raise ConsentError(_("Alleen mensen uit de kring kunnen antwoorden."))
    if agreement_number is None and answer == "consent":
        numbers = round_["agreements"]
    elif agreement_number in round_["agreements"] and (answer == "consent" or reason):
        numbers = [agreement_number]
    else:
        raise ConsentError(_("Kies een afspraak uit de ronde en schrijf bij een bezwaar of zorg de reden op."))
    if answer == "consent":
        # Consent and an open objection of the same member on one agreement cannot both stand:
        # the objection closes only by withdrawing it or accepting the amended text.
        blocking = {int(o["agreement"][1:]): o["id"] for o in store.objections(db, slug, member_id=member_id)
                    if o["kind"] == "objection" and o["status"] == "open"}
        if agreement_number is not None and agreement_number in blocking:
            raise ConsentError(_("Je hebt nog een open bezwaar (%(objection)s) tegen %(agreement)s. Kun je nu met de "
                                 "afspraak leven? Ga dan akkoord met de aanpassing, of trek je bezwaar in.")
                               % {"objection": blocking[agreement_number], "agreement": f"A{agreement_number}"})
        numbers = [n for n in numbers if n not in blocking]
    number = None
    with database.write(db):
        if answer != "consent":
            number = store.add_objection(db, slug, agreement_number=agreement_number, reason=reason,
                                         member_id=member_id, author_name=member["name"], kind=answer,
                                         entered_by=entered_by, channel="meeting" if entered_by else "web")
        for agreement in numbers:
            _record_answer(db, slug, round_["id"], member_id, agreement, answer, entered_by)
        store.mark_changed(db, slug)
    return number


def raise_objection(db, issue, member, agreement_number, reason, kind="objection", *, entered_by=None):
    """An objection or concern against a concept agreement, in a round or outside one;
    in a round it is also the member's answer on that agreement. Returns its number (B<n>)."""
    round_ = current_round(db, issue.slug)
    if round_ and agreement_number in round_["agreements"]:
        return respond(db, issue, member["id"], kind, reason=reason, agreement_number=agreement_number,
                       entered_by=entered_by)
    require_plan_phase(issue)
    return store.add_objection(db, issue.slug, agreement_number=agreement_number, reason=reason,
                               member_id=member["id"], author_name=member["name"], kind=kind,
                               entered_by=entered_by, channel="meeting" if entered_by else "web")


WEIGHT = {"consent": 0, "concern": 1, "objection": 2}


def _record_answer(db, slug, round_id, member_id, number, answer, entered_by):
    """The member's answer on A<number>'s current revision. On the same text an objection or
    concern outweighs a consent given earlier; an answer on an older text is replaced."""
    revision = db.execute("select revision from agreements where issue = ? and number = ?",
                          [slug, number]).fetchone()[0]
    existing = db.execute("select answer, revision from round_answers where round_id = ? and member_id = ? "
                          "and agreement_number = ?", [round_id, member_id, number]).fetchone()
    if existing and existing[1] == revision and WEIGHT[existing[0]] >= WEIGHT[answer]:
        return
    db.execute("delete from round_answers where round_id = ? and member_id = ? and agreement_number = ?",
               [round_id, member_id, number])
    db["round_answers"].insert({"round_id": round_id, "member_id": member_id, "agreement_number": number,
                                "revision": revision, "answer": answer, "at": database.now(),
                                "entered_by": entered_by})


def round_answers(db, round_):
    """{member id: {agreement number: answer row}} in this round, each row with "current":
    False when the agreement changed after the answer (it no longer counts)."""
    revisions = dict(db.execute("select number, revision from agreements where issue = ?", [round_["issue"]]))
    answers = {}
    for row in db.query("select member_id, agreement_number, revision, answer, entered_by from round_answers "
                        "where round_id = ?", [round_["id"]]):
        if row["agreement_number"] in round_["agreements"]:
            row["current"] = row["revision"] == revisions.get(row["agreement_number"])
            answers.setdefault(row["member_id"], {})[row["agreement_number"]] = row
    return answers


def answer_of(db, round_, member_id):
    """{agreement number: answer row} of one member in this round (see round_answers)."""
    return round_answers(db, round_).get(member_id, {})


def round_figures(db, slug, round_):
    """How the circle answered, counting only answers on each agreement's current text.

    Per agreement ("agreements", by number): consented, concerns, objected, no_answer and the
    revision counted. For the round: a member who answered every agreement counts once, by their
    weightiest answer; anyone who left an agreement unanswered counts as no answer.
    """
    members = db.execute("select count(*) from members where issue = ?", [slug]).fetchone()[0]
    answers = round_answers(db, round_)
    revisions = dict(db.execute("select number, revision from agreements where issue = ?", [slug]))
    per_agreement = {}
    for number in round_["agreements"]:
        given = [a[number]["answer"] for a in answers.values() if number in a and a[number]["current"]]
        per_agreement[number] = {
            "revision": revisions.get(number), "consented": given.count("consent"),
            "concerns": given.count("concern"), "objected": given.count("objection"),
            "no_answer": max(0, members - len(given))}
    overall = {"consent": 0, "concern": 0, "objection": 0}
    for mine in answers.values():
        current = [mine[n]["answer"] for n in round_["agreements"] if n in mine and mine[n]["current"]]
        if round_["agreements"] and len(current) == len(round_["agreements"]):
            overall[max(current, key=WEIGHT.get)] += 1
    answered = sum(overall.values())
    return {"members": members, "consented": overall["consent"], "concerns": overall["concern"],
            "objected": overall["objection"], "no_answer": max(0, members - answered), "agreements": per_agreement}


def round_over(round_, now=None):
    """Past the round's last day. Answers still count until the plan is adopted."""
    return (now or database.now()) >= round_["ends_at"]


def round_may_close(db, slug, round_, now=None):
    """After the end date, or earlier once every member has answered every agreement's current text."""
    now = now or database.now()
    figures = round_figures(db, slug, round_)
    return round_over(round_, now) or bool(figures["members"] and not figures["no_answer"])


# Adoption -----------------------------------------------------------------------------


def _objections_for(objections, agreement_id, kind):
    return [o for o in objections if o["agreement"] == agreement_id and o["kind"] == kind and not o.get("hidden_at")]


def draft_version(db, settings, issue, round_, *, adopted_at, meeting=None, now=None):
    """The data of the version this round would adopt, and the reasons it may not (yet)."""
    latest = latest_version(settings, issue.slug, db)
    carried = {a["id"]: a for a in (latest.data["agreements"] if latest else [])}
    objections = store.objections(db, issue.slug)
    new = []
    for a in store.agreements(db, issue.slug):
        if a["number"] not in round_["agreements"]:
            continue
        resolved = [o for o in _objections_for(objections, a["code"], "objection") if o["status"] != "open"]
        previous = carried.pop(a["code"], {})
        new.append({
            "id": a["code"], "what": a["what"],
            "who": [w.strip() for w in (a["who"] or "").split(",") if w.strip()],
            "when": a["when_text"] or None, "cost": a["cost"],
            "from_ideas": [f"I{n}" for n in a["from_ideas"]],
            "information": [f"V{n}" for n in a["information"]],
            "objections": [{"id": o["id"], "reason": o["reason"],
                            "resolution": "withdrawn" if o["status"] == "withdrawn" else "amended",
                            "note": o["resolution_note"]} for o in resolved],
            "concerns": [{"id": o["id"], "reason": o["reason"]}
                         for o in _objections_for(objections, a["code"], "concern")],
            "review_at": previous.get("review_at"), "response": previous.get("response"),
            "status": "planned", "status_notes": previous.get("status_notes", []),
        })
    figures = round_figures(db, issue.slug, round_)
    for agreement in new:
        counted = figures["agreements"][int(agreement["id"][1:])]
        agreement["consent"] = {key: counted[key] for key in ("revision", "consented", "concerns", "objected",
                                                               "no_answer")}
    agreements = sorted([*carried.values(), *new], key=lambda a: int(a["id"][1:]))
    included = {a["id"] for a in new}
    data = {
        "issue": issue.slug,
        "adopted_at": adopted_at,
        "kind": "adoption",
        "adopted_at_meeting": meeting,
        "circle": {"members": figures["members"], "relations": store.circle(db, issue.slug)},
        "consent_round": {
            "opened_at": local_time(round_["opened_at"]), "closed_at": adopted_at,
            "consented": figures["consented"], "concerns": figures["concerns"], "objected": figures["objected"],
            "objections_resolved": sum(1 for o in objections if o["agreement"] in included
                                       and o["kind"] == "objection" and o["status"] != "open"),
            "no_answer": figures["no_answer"],
        },
        "agreements": agreements,
        "budget": {"available": issue.budget, "allocated": sum(a.get("cost") or 0 for a in agreements)},
    }
    reasons = blockers(agreements, [o for o in objections if o["agreement"] in included],
                       budget=issue.budget, max_cost_per_agreement=issue.max_cost_per_agreement,
                       max_agreements=issue.max_agreements)
    if not round_may_close(db, issue.slug, round_, now):
        reasons.insert(0, f"De ronde loopt nog tot {datum(round_['ends_at'])}, en nog niet iedereen heeft geantwoord.")
    return data, reasons


def adopt(db, settings, issue, *, meeting=None, now=None):
    """Adopt the open round's agreements as the next plan version; raises ConsentError with every blocker.

    now: a stored UTC timestamp (tests pass one to be past the round's end).
    """
    require_plan_phase(issue)
    round_ = current_round(db, issue.slug)
    if round_ is None:
        raise ConsentError("Er loopt geen ronde om over te besluiten.")
    now = now or database.now()
    adopted_at = local_time(now)
    data, reasons = draft_version(db, settings, issue, round_, adopted_at=adopted_at, meeting=meeting, now=now)
    if reasons:
        raise ConsentError("Dit plan kan nog niet worden aangenomen:\n- " + "\n- ".join(reasons))
    with database.write(db):
        version = write_version(db, settings, issue.slug, data)
        db.execute("update consent_rounds set closed_at = ?, version = ? where id = ?",
                   [adopted_at, version.number, round_["id"]])
        marks = ",".join("?" * len(round_["agreements"]))
        db.execute(f"update agreements set status = 'adopted', updated_at = ? where issue = ? and number in ({marks})",
                   [adopted_at, issue.slug, *round_["agreements"]])
        store.mark_changed(db, issue.slug)
    return version


def status_update(db, settings, issue, agreement_id, status, note, *, date=None, now=None, based_on=None):
    """A follow-up status for an adopted agreement, written as a new version (kind status_update).

    based_on: the version number the coordinator saw. Two coordinators who send the same update
    at once both saw version N; the second finds N+1 and is refused, so nothing is written twice.
    """
    if status not in AGREEMENT_STATUSES:
        raise ConsentError(f"Status moet een van {', '.join(AGREEMENT_STATUSES)} zijn.")
    require_plan_phase(issue)
    now = local_time(now or database.now())
    note_row = {"date": date or now[:10], "status": status, "note": note}
    with database.write(db):  # read the newest version and write the next under one lock
        latest = latest_version(settings, issue.slug, db)
        if latest is None or agreement_id not in {a["id"] for a in latest.data["agreements"]}:
            raise ConsentError(f"{agreement_id} staat niet in het aangenomen plan.")
        if based_on is not None and based_on != latest.number:
            raise ConsentError(f"Het plan is intussen veranderd: er is nu versie {latest.number}. Er is niets "
                               "opgeslagen. Kijk wat er veranderd is en sla je wijziging dan opnieuw op.")
        agreements = []
        for a in latest.data["agreements"]:
            if a["id"] == agreement_id:
                if a.get("status_notes") and a["status_notes"][-1] == note_row:
                    raise ConsentError(f"Deze status van {agreement_id} staat al in versie {latest.number}. "
                                       "Er is niets opgeslagen.")
                a = dict(a, status=status, status_notes=[*a.get("status_notes", []), note_row])
            agreements.append(a)
        data = dict(latest.data, adopted_at=now, kind="status_update", adopted_at_meeting=None, consent_round=None,
                    agreements=agreements)
        return write_version(db, settings, issue.slug, data)


def record_responses(db, settings, issue, responses, *, now=None):
    """The municipality's reasoned response to adopted agreements, as a new version (kind response).

    responses: {"A1": {"decision": "fund", "text": "…", "review_at": "2027-06-01",
                       "council": {"reference": "RV 2027-014", "date": "2027-03-03", "decision": "aangenomen"}}, …}
    council is optional, and so are its date and decision; the reference is needed when it is there.
    The response stays with the agreement in every later version.
    """
    require_plan_phase(issue)
    latest = latest_version(settings, issue.slug, db)
    adopted = {a["id"] for a in latest.data["agreements"]} if latest else set()
    unknown = set(responses) - adopted
    if unknown or not responses:
        raise ConsentError(f"Niet in het aangenomen plan: {', '.join(sorted(unknown)) or '(geen afspraak gekozen)'}.")
    now = local_time(now or database.now())
    agreements = []
    for a in latest.data["agreements"]:
        answer = responses.get(a["id"])
        if answer:
            if answer["decision"] not in DECISIONS or not answer.get("text"):
                raise ConsentError(f"{a['id']}: kies een besluit en schrijf de reden op.")
            response = {"by": issue.municipality or "gemeente", "decision": answer["decision"],
                        "text": answer["text"], "date": now[:10]}
            # The council's part (optional): only the keys given, the reference needed with any of them.
            council = {key: str(answer["council"][key]).strip() for key in ("reference", "date", "decision")
                       if str((answer.get("council") or {}).get(key) or "").strip()}
            if council and not council.get("reference"):
                raise ConsentError(f"{a['id']}: noem het nummer van het raadsvoorstel of de motie.")
            if council.get("date"):
                try:
                    day = datetime.date.fromisoformat(council["date"]).isoformat()
                except ValueError:
                    day = None
                if day != council["date"]:  # only YYYY-MM-DD, as the plan file keeps dates
                    raise ConsentError(f"{a['id']}: de datum van de raadsvergadering is geen datum (zo: 2027-03-03).")
            if council:
                response["council"] = council
            a = dict(a, response=response)
            if answer.get("review_at"):
                a["review_at"] = str(answer["review_at"])
        agreements.append(a)
    data = dict(latest.data, adopted_at=now, kind="response", adopted_at_meeting=None, consent_round=None,
                agreements=agreements)
    return write_version(db, settings, issue.slug, data)


def local_time(stored):
    """A stored UTC timestamp as Dutch local time with its offset, as plan files show it."""
    return datetime.datetime.fromisoformat(stored).astimezone(LOCAL_TIME).isoformat()
