"""What the council reads: figures per kwestie (/besluiten/) and the final
report (eindverslag, /kwesties/<slug>/verslag/).

Plain functions over the store and the plan versions; counted from the
source every time, never copied by hand.
"""

import datetime

from . import consent, meetings, opendata, plan, store
from .formats import maand
from .i18n import N_, _, ngettext
from .labels import AGREEMENT_STATUSES, CHANNELS, PHASES

CHANNEL_TABLES = {"members": N_("mensen in de kring"), "ideas": N_("ideeën"), "questions": N_("vragen"),
                  "objections": N_("bezwaren en zorgen")}


def summary(db, issue, versions, today):
    """The figures of one kwestie for the council's overview."""
    latest = versions[-1].data if versions else None
    agreements = latest["agreements"] if latest else []
    objections = [o for o in store.objections(db, issue.slug) if o["kind"] == "objection"]
    adoptions = [v for v in versions if v.data["kind"] == "adoption"]
    circle = store.circle(db, issue.slug)
    by_status = {status: 0 for status in AGREEMENT_STATUSES}
    for a in agreements:
        by_status[a["status"]] += 1
    return {
        "concept": concept_count(db, issue.slug),
        "issue": issue,
        "circle": circle,
        "circle_size": sum(circle.values()),
        "ideas": store.idea_count(db, issue.slug),
        "objections_open": sum(o["status"] == "open" for o in objections),
        "objections_resolved": sum(o["status"] != "open" for o in objections),
        "versions": len(versions),
        "last_adoption": adoptions[-1].data["adopted_at"] if adoptions else None,
        "budget_available": issue.budget,
        "budget_allocated": latest["budget"]["allocated"] if latest else 0,
        "budget": budget_figures(issue.budget, latest["budget"]["allocated"] if latest else 0),
        "agreements_by_status": by_status,
        "without_response": sum(1 for a in agreements if not a.get("response")),
        "responses": responses(agreements),
        "reviews": reviews(agreements, today),
    }


def concept_count(db, slug):
    """How many concept agreements wait for a round (not yet in the plan)."""
    return concept_totals(db, slug)[0]


def concept_totals(db, slug):
    """(how many concept agreements, what they would cost together; no cost counts as nothing).
    One aggregate: /besluiten/ asks it of every kwestie on every rebuild of its page."""
    return tuple(db.execute("select count(*), coalesce(sum(cost), 0) from agreements where issue = ? "
                            "and status = 'concept'", [slug]).fetchone())


def status_counts(agreements, concept=None):
    """{"planned": n, "in_progress": n, "done": n, "stopped": n}: the plan's agreements by follow-up
    status; with `concept` (a count), first the concept agreements not yet adopted."""
    counts = {**({"concept": concept} if concept is not None else {}), **dict.fromkeys(AGREEMENT_STATUSES, 0)}
    for a in agreements:
        counts[a["status"]] += 1
    return counts


def budget_figures(available, allocated, proposed=0):
    """The budget in the parts a chart shows, in euros, or None without a budget: in the plan
    ("allocated"), in the concept plan ("proposed"), beyond the budget ("over") and still free.
    The parts add up to the budget, or to what was spent and proposed when that is more."""
    if available is None:
        return None
    in_plan = min(allocated, available)
    within = min(proposed, available - in_plan)
    return {"available": available, "allocated": in_plan, "proposed": within,
            "over": max(0, allocated + proposed - available), "free": max(0, available - allocated - proposed),
            "spent": allocated}


def concept_cost(db, slug):
    """What the concept agreements would cost together (those without a cost count as nothing)."""
    return concept_totals(db, slug)[1]


def responses(agreements):
    """The municipality's responses, agreement by agreement: the decision, and the council
    reference as in the plan file (`council`, or None) and in words (`council_text`:
    'gemeenteraad: RV 2027-014, 3 maart 2027: aangenomen')."""
    result = []
    for a in agreements:
        if a.get("response"):
            council = a["response"].get("council")
            result.append({"id": a["id"], "what": a["what"], "decision": a["response"]["decision"],
                           "council": council, "council_text": plan.council_text(council) if council else None})
    return result


def council_cell(responses):
    """The council references of one kwestie in one spreadsheet cell:
    'A1: RV 2027-014, 2027-03-03, aangenomen; A3: motie M12'."""
    cells = []
    for r in responses:
        if r["council"]:
            parts = [" ".join(r["council"][key].split()) for key in ("reference", "date", "decision") if r["council"].get(key)]
            cells.append(f"{r['id']}: {', '.join(parts)}")
    return "; ".join(cells)


OVERVIEW_COLUMNS = ["kwestie", "titel", "fase", "kring", "ideeen", "bezwaren_open", "bezwaren_opgelost",
                    "versies", "laatst_aangenomen", "budget_beschikbaar", "budget_toegekend",
                    "afspraken_zonder_reactie_gemeente", "evaluaties_verlopen", "raadsvoorstellen_en_moties"]


def overview_csv(summaries):
    """/besluiten.csv: the council's overview, one row per kwestie, for a spreadsheet (Dutch Excel).
    The phase in words, as on the Dutch /besluiten/ (open data stays Dutch in every language); the slug
    stays, as the kwestie's name in addresses."""
    return opendata.csv_text(OVERVIEW_COLUMNS, [[
        s["issue"].slug, s["issue"].title, PHASES[s["issue"].phase], s["circle_size"], s["ideas"], s["objections_open"],
        s["objections_resolved"], s["versions"], opendata.spreadsheet_time(s["last_adoption"]), s["budget_available"],
        s["budget_allocated"] if s["versions"] else None, s["without_response"],
        sum(r["state"] == "verlopen" for r in s["reviews"]),
        council_cell(s["responses"]),
    ] for s in summaries])


def reviews(agreements, today):
    """Agreements with a review date, soonest first, each marked overdue or due (within 60 days)."""
    result = []
    for a in agreements:
        if a.get("review_at"):
            date = datetime.date.fromisoformat(a["review_at"])
            state = "verlopen" if date < today else "binnenkort" if date <= today + datetime.timedelta(days=60) else "gepland"
            result.append({"id": a["id"], "what": a["what"], "date": date, "state": state})
    return sorted(result, key=lambda r: r["date"])


def contributions_by_channel(db, slug):
    """{"ideeën": {"web": 12, "paper": 3}, …}: what came in, and how; the kinds in the current language."""
    result = {}
    for table, label in CHANNEL_TABLES.items():
        rows = db.execute(f"select channel, count(*) from {table} where issue = ? group by channel order by channel",
                          [slug]).fetchall()
        result[_(label)] = dict(rows)
    return result


def channel_totals(channels):
    """{"web": n, …}: contributions_by_channel summed over the kinds, every channel (0 included)."""
    return {channel: sum(counts.get(channel, 0) for counts in channels.values()) for channel in CHANNELS}


def report(db, issue, versions, phase_changes):
    """Everything the eindverslag needs: process, contributions, decisions, responses.
    Its sentences are in the current language: call it once per language."""
    latest = versions[-1].data if versions else None
    adopted = latest["agreements"] if latest else []
    adopted_ids = {a["id"] for a in adopted}
    objections = store.objections(db, issue.slug)
    not_adopted = []
    for a in store.agreements(db, issue.slug):
        if a["code"] in adopted_ids:
            continue
        blocking = [o for o in objections if o["agreement"] == a["code"] and o["kind"] == "objection"
                    and o["status"] == "open"]
        if blocking:
            reasons = "; ".join(_("%(id)s: %(reason)s") % {"id": o["id"], "reason": o["reason"] or _("verborgen")}
                                for o in blocking)
            reason = _("Er is nog een open bezwaar: %(objections)s") % {"objections": reasons}
        else:
            reason = _("Nog niet in een ronde aangenomen.")
        not_adopted.append({"agreement": a, "reason": reason})
    round_ = consent.current_round(db, issue.slug)
    held_and_coming = meetings.for_issue(db, issue.slug)
    channels = contributions_by_channel(db, issue.slug)
    return {
        "by_status": status_counts(adopted, concept_count(db, issue.slug)),
        "budget": budget_figures(issue.budget, latest["budget"]["allocated"] if latest else 0),
        "rounds": [v for v in versions if v.data["kind"] == "adoption" and v.data.get("consent_round")],
        "round_figures": consent.round_figures(db, issue.slug, round_) if round_ else None,
        "ideas_left": ideas_left(db, issue.slug, adopted),
        "process": process(issue, versions, phase_changes, held_and_coming),
        "meetings": [{**public_meeting(m), "when": meetings.when(m)} for m in held_and_coming
                     if m["state"] in ("announced", "held")],
        "growth": growth(db, issue.slug),
        "channels": channels,
        "channel_totals": channel_totals(channels),
        "circle": store.circle(db, issue.slug),
        "adopted": adopted,
        "not_adopted": not_adopted,
        "versions": versions,
        "round_open": round_ is not None,
    }


# What the site may show of a meeting: never who signed up, their needs, nor how many marked a date.
PUBLIC_MEETING = ("number", "kind", "title", "state", "starts_at", "ends_at", "held_on", "place", "accessibility",
                  "information", "circle_time", "plan_part", "minutes", "attendance", "attendees", "account")


def public_meeting(m):
    """A meeting as the public pages show it (PUBLIC_MEETING), its offered dates without counts."""
    return {**{key: m[key] for key in PUBLIC_MEETING}, "options": [o["starts_at"] for o in m["options"]]}


def growth(db, slug):
    """store.circle_growth with each month named in the current language: {"months": [("november 2026",
    {relation: n})], "relations": every relation that occurs, in order, "invited": n}."""
    grown = store.circle_growth(db, slug)
    months = [(maand(month), counts) for month, counts in grown["months"]]
    return {"months": months, "relations": list(months[-1][1]) if months else [], "invited": grown["invited"]}




def ideas_left(db, slug, adopted):
    """Shown ideas that no adopted agreement comes from, each with the concept agreements
    that take it up (if any): what the circle brought in but did not (yet) decide on."""
    used = {idea for a in adopted for idea in a.get("from_ideas", [])}
    concept = [a for a in store.agreements(db, slug) if a["status"] == "concept"]
    return [{"idea": idea, "in_concept": [a["code"] for a in concept if idea["number"] in a["from_ideas"]]}
            for idea in store.ideas(db, slug) if not idea["hidden_at"] and f"I{idea['number']}" not in used]


def process(issue, versions, phase_changes, meetings=()):
    """The steps of the process with their dates, oldest first, in the current language."""
    steps = []
    for m in meetings:
        if m["state"] != "held":
            continue
        if m["attendees"] is not None:
            held = ngettext("Bijeenkomst: %(place)s, %(num)d persoon.", "Bijeenkomst: %(place)s, %(num)d mensen.",
                            m["attendees"]) % {"place": m["place"], "num": m["attendees"]}
        else:
            held = _("Bijeenkomst: %(place)s.") % {"place": m["place"]}
        steps.append((m["held_on"], held + (f" {m['account']}" if m["account"] else "")))
    if issue.opened:
        steps.append((issue.opened.isoformat(), _("De open vraag is gesteld; iedereen kon meedoen.")))
    if issue.ideas_until:
        steps.append((issue.ideas_until.isoformat(), _("Einde van de periode voor ideeën.")))
    for at, label in phase_changes:
        steps.append((at[:10], _("Nieuwe fase: %(phase)s.") % {"phase": _(label) if label else label}))
    for a in versions[-1].data["agreements"] if versions else ():
        council = (a.get("response") or {}).get("council") or {}
        if council.get("date"):  # the council's meeting on the municipality's response, held or planned
            values = {"agreement": a["id"], "reference": council["reference"]}
            if council.get("decision"):
                values["decision"] = " ".join(council["decision"].split()).rstrip(".")
                steps.append((council["date"], _("Gemeenteraad over %(agreement)s (%(reference)s): %(decision)s.") % values))
            else:
                steps.append((council["date"], _("Gemeenteraad over %(agreement)s (%(reference)s): besluit nog niet bekend.")
                              % values))
    for v in versions:
        values = {"number": v.number, "meeting": v.data.get("adopted_at_meeting")}
        kind = v.data["kind"]
        if values["meeting"]:
            what = {"adoption": _("Versie %(number)s van het plan aangenomen (%(meeting)s)."),
                    "response": _("Versie %(number)s: de gemeente reageerde (%(meeting)s)."),
                    "status_update": _("Versie %(number)s: voortgang bijgewerkt (%(meeting)s).")}[kind]
        else:
            what = {"adoption": _("Versie %(number)s van het plan aangenomen."),
                    "response": _("Versie %(number)s: de gemeente reageerde."),
                    "status_update": _("Versie %(number)s: voortgang bijgewerkt.")}[kind]
        steps.append((v.data["adopted_at"][:10], what % values))
    return sorted(steps, key=lambda s: s[0])


def phase_changes(db, slug):
    """[(when, new phase label)] from the audit log of /beheer/ ("phase" entries: "open → proposing").
    The labels are the Dutch messages of labels.PHASES; process() translates them."""
    rows = db.execute("select at, detail from audit_log where issue = ? and action = 'phase' order by id", [slug])
    return [(at, PHASES.get(detail.split("→")[-1].strip(), detail)) for at, detail in rows]
