"""What the coordinator's plan page needs beyond consent.py and store.py:
who answered what in a round. Names stay in /beheer/, never in the plan file.
"""


def round_answers(db, round_id):
    """{member id: {"answer": consent|concern|objection, "entered_by": user id or None}} in a round."""
    rows = db.execute("select member_id, answer, entered_by from consent_responses where round_id = ?",
                      [round_id]).fetchall()
    return {member: {"answer": answer, "entered_by": entered_by} for member, answer, entered_by in rows}
