"""Invitations: "Wie vindt dit ook belangrijk?" A member asks someone else to join the circle.

The mail goes once, in the member's name, with their own note (web/deelnemen.invite). The
address it goes to is used for that mail and never stored: the invitations table holds only
who invited and when, for the limit below. Whether someone joined through an invitation is
what they say on the join form (members.invited), never a link between two people.
"""

import datetime

from . import db as database
from .i18n import ngettext, _
from .store import NotAllowed

PER_DAY = 10  # a member's invitations in 24 hours: enough for a street, too few for spam
NOTE_MAX = 500


def sent_today(db, member_id, now=None):
    now = now or datetime.datetime.now(datetime.timezone.utc)
    since = (now - datetime.timedelta(days=1)).replace(microsecond=0).isoformat()
    return db.execute("select count(*) from invitations where member_id = ? and sent_at > ?",
                      [member_id, since]).fetchone()[0]


def record(db, slug, member_id, now=None):
    """Count an invitation about to be sent by member_id; NotAllowed when they may not invite:
    no confirmed address of their own (so the site cannot be used anonymously to mail people;
    an address deleted after confirming counts as none),
    or PER_DAY invitations in the last 24 hours."""
    with database.write(db):
        member = db.execute("select email_confirmed_at, email from members where id = ? and issue = ?",
                            [member_id, slug]).fetchone()
        if member is None:
            raise LookupError(f"lid {member_id} hoort niet bij {slug}")
        if not member[0] or not member[1]:  # never confirmed, or deleted since (geen-mail)
            raise NotAllowed(_("Iemand uitnodigen kan als je je eigen e-mailadres hebt bevestigd."))
        if sent_today(db, member_id, now) >= PER_DAY:
            raise NotAllowed(ngettext("Je hebt vandaag al %(num)d uitnodiging verstuurd. Morgen kan het weer.",
                                      "Je hebt vandaag al %(num)d uitnodigingen verstuurd. Morgen kan het weer.",
                                      PER_DAY) % {"num": PER_DAY})
        db["invitations"].insert({"issue": slug, "member_id": member_id, "sent_at": database.now()})


def count(db, slug):
    """How many invitations members of this kwestie sent."""
    return db.execute("select count(*) from invitations where issue = ?", [slug]).fetchone()[0]
