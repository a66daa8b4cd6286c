"""What the coordinator's plan page needs beyond consent.py and store.py.

Two small pieces, kept apart so consent.py and store.py stay as they are:
who answered what in a round (names stay in /beheer/, never in the plan
file), and changing the ideas a concept agreement was drawn from, which
consent.amend_agreement does not (yet) take.
"""

import json

from . import db as database
from . import store
from .consent import ConsentError


def round_answers(db, round_id):
    """{member id: {"answer": consent|concern|objection, "entered_by": user id or None}} in a round."""
    rows = db.execute("select member_id, answer, entered_by from consent_responses where round_id = ?",
                      [round_id]).fetchall()
    return {member: {"answer": answer, "entered_by": entered_by} for member, answer, entered_by in rows}


def set_from_ideas(db, slug, number, idea_numbers):
    """Replace the ideas a concept agreement comes from; ConsentError when it is not in the concept plan."""
    with database.write(db):
        cursor = db.execute("update agreements set from_ideas = ? where issue = ? and number = ? "
                            "and status = 'concept'", [json.dumps(sorted(set(idea_numbers))), slug, number])
        if not cursor.rowcount:
            raise ConsentError(f"A{number} is geen afspraak in het concept-plan.")
        store.mark_changed(db, slug)
