"""The public state of a kwestie as open data (/kwesties/<slug>.json).

Only what the kwestie page shows: display names, never e-mail addresses or
member ids. Output is deterministic (sorted keys, fixed order), so an
incremental rebuild writes the same bytes as a full build.
"""

import json

from . import store


def _hidden(row):
    return {"at": row["hidden_at"], "reason": row["hidden_reason"]} if row.get("hidden_at") else None


def public_state(db, issue):
    circle = store.circle(db, issue.slug)
    return {
        "kwestie": {
            "slug": issue.slug,
            "title": issue.title,
            "question": issue.question,
            "phase": issue.phase,
            "phase_label": issue.phase_label,
            "constraints": list(issue.constraints),
            "budget": issue.budget,
            "min_circle": issue.min_circle,
            "place": issue.place,
            "municipality": issue.municipality,
            "coordinator": issue.coordinator,
            "opened": issue.opened.isoformat() if issue.opened else None,
            "ideas_until": issue.ideas_until.isoformat() if issue.ideas_until else None,
        },
        "circle": {"size": sum(circle.values()), "by_relation": circle},
        "ideas": [
            {"id": i["id"], "title": i["title"], "body": i["body"], "cost": i["cost"],
             "author_name": i["author_name"], "channel": i["channel"], "created_at": i["created_at"],
             "hidden": _hidden(i)}
            for i in store.ideas(db, issue.slug)
        ],
        "questions": [
            {"id": q["id"], "text": q["text"], "author_name": q["author_name"], "channel": q["channel"],
             "created_at": q["created_at"], "hidden": _hidden(q),
             "answers": [{"by": a["display_name"], "organisation": a["organisation"], "text": a["text"],
                          "created_at": a["created_at"]} for a in q["answers"]]}
            for q in store.questions(db, issue.slug)
        ],
        "agreements": [
            {"id": a["code"], "what": a["what"], "who": a["who"], "when": a["when_text"], "cost": a["cost"],
             "from_ideas": [f"I{n}" for n in a["from_ideas"]], "status": a["status"]}
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
