"""The audit log: who did what, when, in /beheer/. Append-only.

Triggers in db.py refuse UPDATE and DELETE on audit_log. Call `record` inside
the same `database.write(db)` block as the action itself, so an action is
never stored without its entry, nor an entry without its action.
"""

from . import db as database

# Action code -> Dutch label for the log page.
ACTIONS = {
    "login": "ingelogd",
    "logout": "uitgelogd",
    "hide": "verborgen",
    "unhide": "weer getoond",
    "remove_name": "naam weggehaald (AVG)",
    "phase": "fase veranderd",
    "create_issue": "kwestie gemaakt",
    "edit_issue": "tekst van de kwestie veranderd",
    "ideas_until": "einde van de tijd voor ideeën veranderd",
    "photo": "foto van de kwestie gezet of weggehaald",
    "meeting": "bijeenkomst opgeschreven",
    "meeting_announced": "bijeenkomst aangekondigd",
    "meeting_date_fixed": "datum van een bijeenkomst vastgezet",
    "meeting_dates_entered": "datums ingevuld die iemand passen (namens iemand)",
    "meeting_signup": "aangemeld voor een bijeenkomst (namens iemand)",
    "meeting_changed": "tekst van een bijeenkomst aangepast",
    "meeting_cancelled": "bijeenkomst afgelast",
    "meeting_recorded": "bijeenkomst opgeschreven na afloop",
    "enter_member": "aangemeld voor de kring (namens iemand)",
    "enter_idea": "idee ingevoerd (namens iemand)",
    "enter_question": "vraag ingevoerd (namens iemand)",
    "answer": "vraag beantwoord",
    "create_user": "account gemaakt",
    "disable_user": "account uitgezet",
    "enable_user": "account weer aangezet",
    "set_password": "nieuw wachtwoord gezet",
    "set_role": "rol veranderd",
    "resend_confirmation": "bevestigingsmail opnieuw verstuurd",
    "propose_agreement": "afspraak voorgesteld",
    "amend_agreement": "afspraak aangepast",
    "open_round": "ronde geopend",
    "respond": "antwoord in de ronde ingevoerd (namens iemand)",
    "accept_amendment": "bezwaar opgelost (namens de indiener)",
    "withdraw": "bezwaar ingetrokken (namens de indiener)",
    "leave_out": "afspraak weggelaten uit de ronde",
    "adopt": "plan aangenomen",
    "status_update": "status van een afspraak bijgewerkt",
    "response": "reactie van de gemeente vastgelegd",
}
SYSTEM = "systeem"  # the username for actions from the command line


def record(db, user, action, slug=None, detail=""):
    """Append one entry; user is a users row (or None for the command line)."""
    with database.write(db):
        db["audit_log"].insert({
            "at": database.now(),
            "user_id": user["id"] if user else None,
            "username": user["username"] if user else SYSTEM,
            "action": action,
            "issue": slug,
            "detail": detail,
        })


def entries(db, limit=100, offset=0):
    """Entries, newest first."""
    return list(db.query("select * from audit_log order by id desc limit ? offset ?", [limit, offset]))


def count(db):
    return db.execute("select count(*) from audit_log").fetchone()[0]
