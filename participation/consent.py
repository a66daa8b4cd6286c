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
from .dutch import LOCAL_TIME, datum, euro
from .labels import AGREEMENT_STATUSES, DECISIONS

ANSWERS = ("consent", "objection", "concern")


class ConsentError(ValueError):
    """An action the consent rules do not allow; the message says why, in Dutch."""


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


def propose_agreement(db, settings, slug, *, what, who="", when_text="", cost=None, from_ideas=(), information=()):
    """A concept agreement; numbers continue after those in the adopted plan files.

    information: numbers of questions whose professional answers inform it (shown as
    information, never counted as consent or objection)."""
    latest = latest_version(settings, slug, db)
    used = max((int(a["id"][1:]) for a in latest.data["agreements"]), default=0) if latest else 0
    return store.add_agreement(db, slug, what=what, who=who, when_text=when_text, cost=cost,
                               from_ideas=from_ideas, information=information, after=used)


def amend_agreement(db, slug, number, **fields):
    """Change a concept agreement (what, who, when_text, cost, from_ideas, information);
    objectors may then accept it. from_ideas and information are lists of numbers."""
    allowed = {"what", "who", "when_text", "cost", "from_ideas", "information"}
    if set(fields) - allowed:
        raise ConsentError(f"Onbekende velden: {', '.join(sorted(set(fields) - allowed))}")
    for name in {"from_ideas", "information"} & set(fields):
        fields[name] = json.dumps(sorted(set(fields[name])))
    with database.write(db):
        cursor = db.execute(
            f"update agreements set {', '.join(f'{f} = ?' for f in fields)}, updated_at = ? "
            "where issue = ? and number = ? and status = 'concept'",
            [*fields.values(), database.now(), slug, number])
        if not cursor.rowcount:
            raise ConsentError(f"A{number} is geen afspraak in het concept-plan.")
        store.mark_changed(db, slug)


def accept_amendment(db, slug, objection_number, *, member_id=None, entered_by=None, note=""):
    """The objector accepts the amended agreement: the objection is resolved."""
    close_objection(db, slug, objection_number, "resolved", member_id=member_id, entered_by=entered_by, note=note)


def withdraw(db, slug, objection_number, *, member_id=None, entered_by=None, note=""):
    """The objector withdraws the objection."""
    close_objection(db, slug, objection_number, "withdrawn", member_id=member_id, entered_by=entered_by, note=note)


def close_objection(db, slug, objection_number, status, *, member_id=None, entered_by=None, note=""):
    """The only two ways an objection closes (principle 4): withdrawn, or resolved by an amendment.

    By the member's own link (member_id), or by the coordinator on their behalf
    at a meeting (entered_by), which the note and the record then say.
    """
    if status not in ("withdrawn", "resolved"):
        raise ValueError(f"unknown status {status!r}")
    with database.write(db):
        row = db.execute("select member_id, status from objections where issue = ? and number = ?",
                         [slug, objection_number]).fetchone()
        if row is None or row[1] != "open":
            raise ConsentError(f"B{objection_number} is geen open bezwaar. Misschien is het al ingetrokken of opgelost.")
        if member_id is not None and row[0] != member_id:
            raise ConsentError(f"B{objection_number} is niet jouw bezwaar.")
        if member_id is None and entered_by is None:
            raise ConsentError("Alleen de indiener, of de coördinator namens de indiener, kan dit.")
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


def open_round(db, slug, agreement_numbers, ends_at, *, now=None):
    """Open a consent round on these concept agreements until ends_at (a stored UTC
    timestamp, see end_of_day)."""
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


def leave_out(db, slug, number):
    """Leave an agreement out of the version this round will adopt; it stays in the concept plan."""
    with database.write(db):
        round_ = current_round(db, slug)
        if round_ is None or number not in round_["agreements"]:
            raise ConsentError(f"A{number} zit niet in de lopende ronde.")
        remaining = [n for n in round_["agreements"] if n != number]
        db.execute("update consent_rounds set agreements = ? where id = ?", [json.dumps(remaining), round_["id"]])
        store.mark_changed(db, slug)


def respond(db, slug, member_id, answer, *, reason="", agreement_number=None, entered_by=None):
    """A member's answer in the open round: consent, or an objection/concern with a reason.

    Returns the number of the objection or concern it recorded (B<n>), or None for consent.
    """
    if answer not in ANSWERS:
        raise ConsentError(f"Onbekend antwoord {answer!r}")
    round_ = current_round(db, slug)
    if round_ is None:
        raise ConsentError("Er loopt geen ronde.")
    member = store.member(db, member_id)
    if member is None or member["issue"] != slug:
        raise ConsentError("Alleen mensen uit de kring kunnen antwoorden.")
    number = None
    with database.write(db):
        if answer != "consent":
            if agreement_number not in round_["agreements"] or not reason:
                raise ConsentError("Kies een afspraak uit de ronde en schrijf de reden op.")
            number = store.add_objection(db, slug, agreement_number=agreement_number, reason=reason,
                                         member_id=member_id, author_name=member["name"], kind=answer,
                                         entered_by=entered_by, channel="meeting" if entered_by else "web")
        _record_answer(db, round_["id"], member_id, answer, entered_by)
        store.mark_changed(db, slug)
    return number


def answer_of(db, round_, member_id):
    """The member's answer in this round (consent, concern, objection), or None."""
    row = db.execute("select answer from consent_responses where round_id = ? and member_id = ?",
                     [round_["id"], member_id]).fetchone()
    return row[0] if row else None


def _record_answer(db, round_id, member_id, answer, entered_by):
    # An objection or concern outweighs a consent given earlier in the same round.
    weight = {"consent": 0, "concern": 1, "objection": 2}
    existing = db.execute("select answer from consent_responses where round_id = ? and member_id = ?",
                          [round_id, member_id]).fetchone()
    if existing and weight[existing[0]] >= weight[answer]:
        return
    db.execute("delete from consent_responses where round_id = ? and member_id = ?", [round_id, member_id])
    db["consent_responses"].insert({"round_id": round_id, "member_id": member_id, "answer": answer,
                                    "at": database.now(), "entered_by": entered_by})


def round_figures(db, slug, round_):
    members = db.execute("select count(*) from members where issue = ?", [slug]).fetchone()[0]
    answers = dict(db.execute("select answer, count(*) from consent_responses where round_id = ? group by answer",
                              [round_["id"]]).fetchall())
    answered = sum(answers.values())
    return {"members": members, "consented": answers.get("consent", 0), "concerns": answers.get("concern", 0),
            "objected": answers.get("objection", 0), "no_answer": max(0, members - answered)}


def round_over(round_, now=None):
    """Past the round's last day. Answers still count until the plan is adopted."""
    return (now or database.now()) >= round_["ends_at"]


def round_may_close(db, slug, round_, now=None):
    """After the end date, or earlier once every member has answered."""
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
    agreements = sorted([*carried.values(), *new], key=lambda a: int(a["id"][1:]))
    figures = round_figures(db, issue.slug, round_)
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


def status_update(db, settings, issue, agreement_id, status, note, *, date=None, now=None):
    """A follow-up status for an adopted agreement, written as a new version (kind status_update)."""
    if status not in AGREEMENT_STATUSES:
        raise ConsentError(f"Status moet een van {', '.join(AGREEMENT_STATUSES)} zijn.")
    now = local_time(now or database.now())
    latest = latest_version(settings, issue.slug, db)
    if latest is None or agreement_id not in {a["id"] for a in latest.data["agreements"]}:
        raise ConsentError(f"{agreement_id} staat niet in het aangenomen plan.")
    agreements = []
    for a in latest.data["agreements"]:
        if a["id"] == agreement_id:
            a = dict(a, status=status, status_notes=[*a.get("status_notes", []),
                                                     {"date": date or now[:10], "status": status, "note": note}])
        agreements.append(a)
    data = dict(latest.data, adopted_at=now, kind="status_update", adopted_at_meeting=None, consent_round=None,
                agreements=agreements)
    return write_version(db, settings, issue.slug, data)


def record_responses(db, settings, issue, responses, *, now=None):
    """The municipality's reasoned response to adopted agreements, as a new version (kind response).

    responses: {"A1": {"decision": "fund", "text": "…", "review_at": "2027-06-01"}, …}
    The response stays with the agreement in every later version.
    """
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
            a = dict(a, response={"by": issue.municipality or "gemeente", "decision": answer["decision"],
                                  "text": answer["text"], "date": now[:10]})
            if answer.get("review_at"):
                a["review_at"] = str(answer["review_at"])
        agreements.append(a)
    data = dict(latest.data, adopted_at=now, kind="response", adopted_at_meeting=None, consent_round=None,
                agreements=agreements)
    return write_version(db, settings, issue.slug, data)


def local_time(stored):
    """A stored UTC timestamp as Dutch local time with its offset, as plan files show it."""
    return datetime.datetime.fromisoformat(stored).astimezone(LOCAL_TIME).isoformat()
