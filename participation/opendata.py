"""The public state of a kwestie as open data: /kwesties/<slug>.json and .csv.

Only what the kwestie page shows: display names, never e-mail addresses or
member ids. Output is deterministic (sorted keys, fixed order), so an
incremental rebuild writes the same bytes as a full build. The JSON follows
schemas/kwestie.schema.json, published beside it, and holds the stored codes
(`door`, `planned`), for programs. The CSV is the same state for people with a
spreadsheet: in Dutch words, made to open right in Dutch Excel.
"""

import csv
import datetime
import io
import json

from . import store
from .formats import LOCAL_TIME
from .labels import AGREEMENT_STATUSES, CHANNELS, DECISIONS, OBJECTION_STATUSES


def _hidden(row):
    return {"at": row["hidden_at"], "reason": row["hidden_reason"]} if row.get("hidden_at") else None


def public_state(db, issue, versions=(), siteurl=""):
    circle = store.circle(db, issue.slug)
    plan_url = f"{siteurl}/kwesties/{issue.slug}/plan/"
    return {
        "versions": [{"version": v.number, "kind": v.data["kind"], "adopted_at": v.data["adopted_at"],
                      "sha256": v.sha256, "file": plan_url + v.filename} for v in versions],
        "plan": versions[-1].data["agreements"] if versions else [],
        "kwestie": {
            "slug": issue.slug,
            "title": issue.title,
            "question": issue.question,
            "question_translations": {t.lang: t.text for t in issue.translations},
            "phase": issue.phase,
            "phase_label": issue.phase_label,
            "constraints": list(issue.constraints),
            "budget": issue.budget,
            "max_cost_per_agreement": issue.max_cost_per_agreement,
            "max_agreements": issue.max_agreements,
            "min_circle": issue.min_circle,
            "place": issue.place,
            "coordinates": ({"latitude": float(issue.coordinates.lat), "longitude": float(issue.coordinates.lon)}
                            if issue.coordinates else None),
            "municipality": issue.municipality,
            "coordinator": issue.coordinator,
            "opened": issue.opened.isoformat() if issue.opened else None,
            "ideas_until": issue.ideas_until.isoformat() if issue.ideas_until else None,
        },
        "circle": {"size": sum(circle.values()), "by_relation": circle},
        "ideas": [
            {"id": i["id"], "title": i["title"], "body": i["body"], "cost": i["cost"],
             "author_name": i["author_name"], "channel": i["channel"], "created_at": i["created_at"],
             "changed_at": i.get("changed_at"), "withdrawn_at": i.get("withdrawn_at"), "hidden": _hidden(i)}
            for i in store.ideas(db, issue.slug)
        ],
        "questions": [
            {"id": q["id"], "text": q["text"], "author_name": q["author_name"], "channel": q["channel"],
             "created_at": q["created_at"], "changed_at": q.get("changed_at"),
             "withdrawn_at": q.get("withdrawn_at"), "hidden": _hidden(q),
             "answers": [{"by": a["display_name"], "organisation": a["organisation"], "text": a["text"],
                          "created_at": a["created_at"]} for a in q["answers"]]}
            for q in store.questions(db, issue.slug)
        ],
        "agreements": [
            {"id": a["code"], "what": a["what"], "who": a["who"], "when": a["when_text"], "cost": a["cost"],
             "from_ideas": [f"I{n}" for n in a["from_ideas"]], "information": [f"V{n}" for n in a["information"]],
             "status": a["status"]}
            for a in store.agreements(db, issue.slug)
        ],
        "objections": [
            {"id": o["id"], "agreement": o["agreement"], "kind": o["kind"], "status": o["status"],
             "reason": o["reason"], "author_name": o["author_name"], "channel": o["channel"],
             "created_at": o["created_at"], "closed_at": o["closed_at"], "hidden": _hidden(o)}
            for o in store.objections(db, issue.slug)
        ],
    }


def to_json(state):
    return json.dumps(state, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


CSV_COLUMNS = ["soort", "id", "over", "tekst", "toelichting", "kosten_euro", "naam", "kanaal", "datum", "status",
               "verborgen_reden"]


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell as a formula


def to_csv(state):
    """One row per contribution and agreement, for a spreadsheet: stored codes in Dutch words."""
    rows = []
    hidden = lambda item: (item.get("hidden") or {}).get("reason")  # noqa: E731
    for i in state["ideas"]:
        rows.append(["idee", i["id"], "", i["title"], i["body"], i["cost"], i["author_name"], channel(i["channel"]),
                     spreadsheet_time(i["created_at"]), "ingetrokken" if i.get("withdrawn_at") else "", hidden(i)])
    for q in state["questions"]:
        status = "ingetrokken" if q.get("withdrawn_at") else "beantwoord" if q["answers"] else "open"
        rows.append(["vraag", q["id"], "", q["text"], "", None, q["author_name"], channel(q["channel"]),
                     spreadsheet_time(q["created_at"]), status, hidden(q)])
        for a in q["answers"]:
            rows.append(["informatie", q["id"], q["id"], a["text"], a["organisation"], None, a["by"], "",
                         spreadsheet_time(a["created_at"]), "", None])
    for o in state["objections"]:
        rows.append(["bezwaar" if o["kind"] == "objection" else "zorg", o["id"], o["agreement"], o["reason"], "", None,
                     o["author_name"], channel(o["channel"]), spreadsheet_time(o["created_at"]), objection_status(o),
                     hidden(o)])
    for a in state["plan"]:
        rows.append(["afspraak (aangenomen)", a["id"], ", ".join(a.get("from_ideas", [])), a["what"],
                     ", ".join(a.get("who", [])), a.get("cost"), "", "", "",
                     AGREEMENT_STATUSES.get(a["status"], a["status"]), None])
    # The municipality's response to each adopted agreement (status: its decision), and where the
    # council dealt with it (tekst: the raadsvoorstel or motie; toelichting: what the council decided).
    for a in state["plan"]:
        response = a.get("response")
        if response:
            rows.append(["reactie gemeente", a["id"], a["id"], response["text"], "", None, response["by"], "",
                         response.get("date", ""), DECISIONS.get(response["decision"], response["decision"]), None])
            council = response.get("council")
            if council:
                rows.append(["gemeenteraad", a["id"], a["id"], council["reference"], council.get("decision", ""), None,
                             "", "", council.get("date", ""), "", None])
    for a in state["agreements"]:
        if a["status"] == "concept":
            rows.append(["afspraak (concept)", a["id"], ", ".join(a["from_ideas"]), a["what"], a["who"], a["cost"],
                         "", "", "", "concept", None])
    return csv_text(CSV_COLUMNS, rows)


def channel(key):
    """'door' -> 'aan de deur'."""
    return CHANNELS.get(key, key)


def objection_status(objection):
    """In words. A concern never blocks, so its open status is plain 'open'."""
    if objection["kind"] == "concern" and objection["status"] == "open":
        return "open"
    return OBJECTION_STATUSES.get(objection["status"], objection["status"])


def spreadsheet_time(value):
    """A stored timestamp as Dutch local time in a form Excel takes as a date: '2026-11-27 14:05'.
    A date alone ('2026-11-27') stays as it is; Excel reads ISO dates in every language."""
    if not value or len(value) == 10:
        return value
    return f"{datetime.datetime.fromisoformat(value).astimezone(LOCAL_TIME):%Y-%m-%d %H:%M}"


BOM = "\ufeff"


def csv_text(columns, rows):
    """CSV that Dutch Excel opens right on a double-click, as text to write as UTF-8.

    It starts with a byte order mark (without it Excel reads the file as Windows-1252)
    and uses semicolons (Excel's separator where the decimal sign is a comma). A header
    row; None as empty; formula-like cells neutralised.
    """
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()


def cell(value):
    """One CSV cell: None as empty, a formula-like text neutralised, a fraction with a decimal comma.
    Texts first: most cells are, and /besluiten.csv is rewritten on every rebuild."""
    if isinstance(value, str):
        return "'" + value if value[:1] in FORMULA_START else value
    if value is None:
        return ""
    if isinstance(value, float):  # no column holds one today; Dutch Excel wants 2,5
        return str(value).replace(".", ",")
    return value
