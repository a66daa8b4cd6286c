"""The demo's circle: people, ideas, questions and answers that fit the demo content.

Run once by `./dev demo` (samenplan serve with demo=True) when the database has
nobody in any circle yet, so the village fund's adopted plan has the circle,
ideas and objection its plan files speak of, and its versions' hashes are
recorded. All names are made up.
"""

import datetime
import secrets

from . import accounts, consent, meetings, plan, store
from . import db as database
from .issues import ISSUE_FILE, issues_folder, read_issue

FUND = "dorpsfonds-eemswierum"
AZC = "azc-cafe-de-zwaan"

FUND_CIRCLE = [("Jan", "resident"), ("Hennie", "resident"), ("Wiebe", "business"), ("Truus", "resident"),
               ("Alida", "resident"), ("Kor", "business"), ("Sietske", "works_nearby"),
               ("Bert", "resident"), ("Aaltje", "resident"), ("Roelf", "resident"),
               ("Mehmet", "newcomer"), ("Ineke", "works_nearby"), ("Gerrit", "resident"), ("Dina", "other")]
FUND_IDEAS = [("Het dak van dorpshuis De Wierde lekt", "Jan", "web"),
              ("Een jeu-de-boulesbaan bij de kerk", "Truus", "paper"),
              ("Een dorpsbusje voor ouderen", "Aaltje", "meeting"),
              ("Een speeltuin voor de kinderen", "Sietske", "web"),
              ("Bankjes langs het Wierpad", "Gerrit", "door")]
AZC_CIRCLE = [("Marloes", "resident"), ("Henk", "business"), ("Samira", "resident"),
              ("Yonas", "newcomer"), ("Peter", "works_nearby")]
AZC_IDEAS = [("Elke zaterdag koffie in het café, samen met nieuwe bewoners", "Henk"),
             ("Taalmaatjes: buren die een uur per week Nederlands oefenen", "Samira"),
             ("Een buurtapp waarin iedereen kan zeggen wat er speelt", "")]


def seed(db, settings):
    """Fill an empty database with the demo's circles; returns False when there was data already."""
    if db.execute("select count(*) from members").fetchone()[0]:
        return False
    professional = accounts.create_user(db, "wijkagent-demo", secrets.token_urlsafe(12), "professional",
                                        "Wijkagent Sanne de Boer", "Politie Aalvliet")
    fund = [store.add_member(db, FUND, name=n, relation=r) for n, r in FUND_CIRCLE]
    for title, name, channel in FUND_IDEAS:
        store.add_idea(db, FUND, title=title, author_name=name, channel=channel)
    for n, (what, cost) in enumerate([("Nieuw dak voor dorpshuis De Wierde", 95000),
                                      ("Jeu-de-boulesbaan en drie bankjes bij de kerk", 18500),
                                      ("Dorpsbusje voor ouderen, drie jaar lang", 60000),
                                      ("Speeltuin achter OBS De Terp, niet aan de Hoofdweg", 65000)], 1):
        store.add_agreement(db, FUND, what=what, cost=cost, from_ideas=[n])
    store.add_objection(db, FUND, agreement_number=4, member_id=fund[9], author_name="Roelf",
                        reason="Niet aan de Hoofdweg: daar rijden de vrachtwagens van de suikerfabriek.")
    fund_issue = read_issue(issues_folder(settings) / FUND / ISSUE_FILE, settings)
    consent.accept_amendment(db, fund_issue, 1, member_id=fund[9], note="Verplaatst naar het veld achter de school.")
    store.add_objection(db, FUND, agreement_number=3, member_id=fund[10], author_name="Mehmet", kind="concern",
                        reason="Wie rijdt er als de vrijwilligers stoppen?")
    with database.write(db):
        db.execute("update agreements set status = 'adopted' where issue = ?", [FUND])
        # The plan files came with the demo (from git), written with a database we do not
        # have: record their hashes as found, so `samenplan plan verify` can also tell
        # when the newest one is changed from now on.
        for version in plan.verify(plan.plan_folder(settings, FUND), FUND):
            plan.record_head(db, FUND, version)
    for name, relation in AZC_CIRCLE:
        store.add_member(db, AZC, name=name, relation=relation)
    for title, name in AZC_IDEAS:
        store.add_idea(db, AZC, title=title, author_name=name)
    store.add_question(db, AZC, text="Komen er gezinnen met kinderen of vooral alleenstaanden?", author_name="Marloes")
    store.add_question(db, AZC, text="Wie kan ik bellen als er 's nachts iets is?", author_name="Henk", channel="door")
    store.add_answer(db, AZC, 2, user_id=professional,
                     text="Bel bij spoed 112. Voor andere zaken kun je de wijkagent bellen via het algemene nummer van de politie, of mij "
                          "aanspreken op het spreekuur in het buurthuis op dinsdag.")
    for slug, held_on, place, attendees, note in DEMO_MEETINGS:
        meetings.record_past(db, slug, held_on=datetime.date.fromisoformat(held_on), place=place,
                             attendees=attendees, account=note)
    with database.write(db):
        backdate(db)
    announce_meetings(db, settings)
    return True


def announce_meetings(db, settings, now=None):
    """The meetings still to come, dated from the day the demo starts: the AZC circle chooses
    between three evenings; the village fund reviews its plan."""
    now = now or meetings.local_now()
    evening = datetime.datetime.combine(now.date(), datetime.time(19, 30))
    azc = read_issue(issues_folder(settings) / AZC / ISSUE_FILE, settings)
    meetings.announce(db, azc, title="Buurtavond: samen een plan maken", place="Buurthuis De Zwaan, Kerkstraat 4",
                      accessibility="Ingang zonder drempel; ringleiding in de grote zaal; invalidentoilet.",
                      information="De wijkagent en iemand van het COA vertellen wat er bekend is en beantwoorden "
                                  "vragen. Daarna gaan zij weg.",
                      circle_time="De kring praat zonder professionals: wat vinden we belangrijk?",
                      plan_part="We schrijven de eerste afspraken op en kijken of iedereen ermee kan leven.",
                      options=[evening + datetime.timedelta(days=d) for d in (10, 12, 17)], now=now)
    fund = read_issue(issues_folder(settings) / FUND / ISSUE_FILE, settings)
    if fund.phase == "adopted":
        meetings.announce(db, fund, kind="review", title="Evaluatie van het dorpsplan",
                          place="Dorpshuis De Wierde", accessibility="Ingang zonder drempel.",
                          information="De penningmeester vertelt wat er met het geld is gedaan.",
                          options=[evening + datetime.timedelta(days=21)], now=now)


DEMO_MEETINGS = [
    (FUND, "2025-09-18", "Startavond in dorpshuis De Wierde", 61, "Uitleg over het dorpsfonds; de eerste ideeën."),
    (FUND, "2026-01-20", "Dorpsavond in dorpshuis De Wierde", 48, "Versie 1 van het plan aangenomen."),
    (FUND, "2026-03-17", "Kringavond in de kantine van OBS De Terp", 22, "De speeltuin op een andere plek."),
    (AZC, "2026-11-12", "Inloopavond in het buurthuis", 35, "Vragen over veiligheid en over wie er komen."),
]


# When things happened in the demo's story: the village fund's circle gathered in the
# autumn of 2025 (its plan files start in January 2026); the AZC question opened on
# 2 November 2026. Without this every contribution would say it came today.
SPREAD = {FUND: {"members": ("2025-09-02", "2025-11-25"), "ideas": ("2025-09-05", "2025-11-28"),
                 "agreements": ("2026-01-06", "2026-02-10"), "objections": ("2026-02-20", "2026-02-24")},
          AZC: {"members": ("2026-11-03", "2026-11-18"), "ideas": ("2026-11-04", "2026-11-19"),
                "questions": ("2026-11-06", "2026-11-12")}}
FUND_OBJECTION_RESOLVED = "2026-03-12T19:30:00+00:00"  # at the meeting before version 3


def backdate(db):
    """Spread each table's demo rows evenly over their period, in the order they were added."""
    for slug, tables in SPREAD.items():
        for table, (first, last) in tables.items():
            ids = [row[0] for row in db.execute(f"select id from {table} where issue = ? order by id", [slug])]
            start, end = (datetime.datetime.fromisoformat(f"{day}T09:00:00+00:00") for day in (first, last))
            for i, row_id in enumerate(ids):
                at = start + (end - start) * (i / max(1, len(ids) - 1))
                db.execute(f"update {table} set created_at = ? where id = ?", [at.isoformat(), row_id])
    db.execute("update agreements set updated_at = created_at where issue = ?", [FUND])
    db.execute("update objections set closed_at = ? where issue = ? and status != 'open'",
               [FUND_OBJECTION_RESOLVED, FUND])
    for answer_id, asked in db.execute("select a.id, q.created_at from answers a "
                                       "join questions q on q.id = a.question_id").fetchall():
        answered = datetime.datetime.fromisoformat(asked) + datetime.timedelta(days=2)
        db.execute("update answers set created_at = ? where id = ?", [answered.isoformat(), answer_id])
