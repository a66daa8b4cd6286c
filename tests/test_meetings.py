"""The rules of a meeting (participation/meetings.py), as every door to them obeys them:
announced with an agenda, its date chosen by the circle, signed up for, recorded afterwards."""

import datetime

import pytest

from participation import db as database
from participation import invitations, meetings, store
from participation.issues import read_issue
from participation.store import NotAllowed

from .conftest import write_issue

SLUG = "buurthuis"
NOW = datetime.datetime(2026, 11, 27, 12, 0)  # local wall-clock time in Europe/Amsterdam
EVENING = datetime.datetime(2026, 12, 10, 19, 30)


@pytest.fixture
def issue(settings):
    return read_issue(write_issue(settings, SLUG), settings)


def announce(db, issue, *options, **fields):
    return meetings.announce(db, issue, title="Buurtbijeenkomst", place="Buurthuis De Boog",
                             options=list(options) or [EVENING], now=NOW, **fields)


def member(db, name="Ans", email=None, confirmed=True):
    member_id = store.add_member(db, SLUG, name=name, relation="resident", email=email or "")
    if email and confirmed:
        store.confirm_email(db, member_id, email)
    return member_id


def test_one_date_announces_the_meeting_with_its_agenda(db, issue):
    number = announce(db, issue, information="De wijkagent en COA vertellen wat er gaat gebeuren.",
                      accessibility="Ingang zonder drempel, ringleiding in de zaal.", minutes=90)
    m = meetings.get(db, SLUG, number)
    assert (number, m["state"], m["starts_at"], m["ends_at"]) == (
        1, "announced", EVENING, datetime.datetime(2026, 12, 10, 21, 0))
    assert m["information"].startswith("De wijkagent") and m["accessibility"].startswith("Ingang")
    assert m["held_on"] == "2026-12-10" and m["options"] == []
    assert meetings.when(m) == "10 december 2026, 19:30–21:00"
    assert SLUG in store.pending_changes(db)[1]  # the site shows it


def test_several_dates_let_the_circle_choose(db, issue):
    later = EVENING + datetime.timedelta(days=7)
    number = announce(db, issue, later, EVENING)
    m = meetings.get(db, SLUG, number)
    assert m["state"] == "choosing" and m["starts_at"] is None
    assert [o["starts_at"] for o in m["options"]] == [EVENING, later]  # in date order
    ans, bram = member(db), member(db, "Bram")
    first, second = (o["id"] for o in m["options"])
    meetings.choose(db, SLUG, number, ans, [first, second])
    meetings.choose(db, SLUG, number, bram, [second])
    meetings.choose(db, SLUG, number, ans, [second])  # changed her mind: replaces, not adds
    cor = member(db, "Cor")
    meetings.choose(db, SLUG, number, cor, [])  # none suits him: an answer, not silence
    m = meetings.get(db, SLUG, number)
    assert [o["count"] for o in m["options"]] == [0, 2] and m["answered"] == 3
    assert meetings.answered_by(db, SLUG, number, cor) and meetings.chosen_by(db, SLUG, number, cor) == set()
    assert not meetings.answered_by(db, SLUG, number, member(db, "Dirk"))
    assert meetings.chosen_by(db, SLUG, number, ans) == {second}
    fixed = meetings.fix_date(db, SLUG, number, second, now=NOW)
    assert (fixed["state"], fixed["starts_at"], fixed["sequence"]) == ("announced", later, 1)
    with pytest.raises(NotAllowed, match="staat al vast"):
        meetings.choose(db, SLUG, number, bram, [first])
    with pytest.raises(NotAllowed, match="staat al vast"):
        meetings.fix_date(db, SLUG, number, first, now=NOW)


def test_only_the_circle_chooses_and_only_among_the_dates_offered(db, issue, settings):
    number = announce(db, issue, EVENING, EVENING + datetime.timedelta(days=1))
    write_issue(settings, "elders")
    stranger = store.add_member(db, "elders", name="Cor", relation="resident")
    with pytest.raises(LookupError):
        meetings.choose(db, SLUG, number, stranger, [])
    other = announce(db, issue, EVENING + datetime.timedelta(days=3), EVENING + datetime.timedelta(days=4))
    foreign_option = meetings.get(db, SLUG, other)["options"][0]["id"]
    with pytest.raises(LookupError):
        meetings.choose(db, SLUG, number, member(db), [foreign_option])
    assert meetings.get(db, SLUG, number)["answered"] == 0


@pytest.mark.parametrize("options, reason", [
    ([], "Geef één datum"),
    ([EVENING + datetime.timedelta(days=d) for d in range(6)], "Geef één datum"),
    ([NOW - datetime.timedelta(hours=1)], "nog moet komen"),
    ([NOW], "nog moet komen"),
])
def test_a_meeting_is_announced_for_one_to_five_moments_still_to_come(db, issue, options, reason):
    with pytest.raises(NotAllowed, match=reason):
        meetings.announce(db, issue, title="x", place="Buurthuis", options=options, now=NOW)
    assert meetings.for_issue(db, SLUG) == []


@pytest.mark.parametrize("phase", ["draft", "closed"])
def test_no_meetings_for_a_draft_or_a_closed_kwestie(db, settings, phase):
    issue = read_issue(write_issue(settings, SLUG, phase=phase), settings)
    with pytest.raises(NotAllowed, match="kan niet in de fase"):
        announce(db, issue)


def test_a_review_meeting_only_once_there_is_a_plan(db, settings):
    open_issue = read_issue(write_issue(settings, SLUG), settings)
    with pytest.raises(NotAllowed, match="gedragen plan"):
        announce(db, open_issue, kind="review")
    adopted = read_issue(write_issue(settings, SLUG, phase="adopted"), settings)
    number = announce(db, adopted, kind="review")
    assert meetings.get(db, SLUG, number)["kind"] == "review"


def test_signing_up_with_needs_is_counted_for_the_coordinator(db, issue):
    number = announce(db, issue)
    meetings.sign_up(db, SLUG, number, name="Fatima", email="fatima@example.org", language="ar",
                     needs={"interpreter": "Arabisch", "childcare": True}, now=NOW)
    meetings.sign_up(db, SLUG, number, name="Henk", needs={"step_free": True, "hearing_loop": True}, now=NOW)
    meetings.sign_up(db, SLUG, number, name="Noor", needs={"interpreter": "Arabisch "}, now=NOW)
    assert meetings.needs(db, SLUG, number) == {
        "signed_up": 3, "with_email": 0, "interpreter": {"Arabisch": 2},
        "step_free": 1, "hearing_loop": 1, "childcare": 1}
    assert meetings.signup_names(db, SLUG, number) == ["Fatima", "Henk", "Noor"]
    assert meetings.get(db, SLUG, number)["signed_up"] == 3


def test_no_signing_up_before_the_date_is_fixed_or_once_it_began(db, issue):
    choosing = announce(db, issue, EVENING, EVENING + datetime.timedelta(days=1))
    with pytest.raises(NotAllowed, match="kiest de datum"):
        meetings.sign_up(db, SLUG, choosing, name="Ans", now=NOW)
    fixed = announce(db, issue)
    with pytest.raises(NotAllowed, match="al begonnen"):
        meetings.sign_up(db, SLUG, fixed, name="Ans", now=EVENING)
    meetings.cancel(db, SLUG, fixed)
    with pytest.raises(NotAllowed, match="gaat niet door"):
        meetings.sign_up(db, SLUG, fixed, name="Ans", now=NOW)
    with pytest.raises(ValueError):
        meetings.sign_up(db, SLUG, choosing, name="Ans", needs={"parking": True}, now=NOW)


def test_a_member_signs_up_once_with_their_confirmed_address(db, issue):
    number = announce(db, issue)
    ans = member(db, email="ans@example.org")
    first = meetings.sign_up(db, SLUG, number, name="Ans", email="ans@example.org", member_id=ans, now=NOW)
    again = meetings.sign_up(db, SLUG, number, name="Ans", email="ans@example.org", member_id=ans,
                             needs={"childcare": True}, now=NOW)
    assert first == again and meetings.needs(db, SLUG, number)["childcare"] == 1
    assert meetings.needs(db, SLUG, number)["with_email"] == 1  # her own confirmed address


def test_another_address_is_confirmed_by_its_own_link(db, issue):
    number = announce(db, issue)
    signup = meetings.sign_up(db, SLUG, number, name="Piet", email="piet@example.org", now=NOW)
    assert not meetings.confirm_signup(db, signup, "iemand@example.org")
    assert meetings.needs(db, SLUG, number)["with_email"] == 0
    assert meetings.confirm_signup(db, signup, "piet@example.org")
    assert meetings.needs(db, SLUG, number)["with_email"] == 1


def test_a_reminder_goes_the_day_before_once_and_only_to_a_confirmed_address(db, issue):
    number = announce(db, issue)
    confirmed = meetings.sign_up(db, SLUG, number, name="Piet", email="piet@example.org", now=NOW)
    meetings.confirm_signup(db, confirmed, "piet@example.org")
    meetings.sign_up(db, SLUG, number, name="Wim", email="wim@example.org", now=NOW)  # never confirmed
    meetings.sign_up(db, SLUG, number, name="Henk", now=NOW)  # no address
    assert meetings.due_reminders(db, now=EVENING - datetime.timedelta(days=2)) == []
    day_before = datetime.datetime(2026, 12, 9, 8, 0)
    assert [r["id"] for r in meetings.due_reminders(db, now=day_before)] == [confirmed]
    assert meetings.claim_reminder(db, confirmed)
    assert not meetings.claim_reminder(db, confirmed)  # a second run sends nothing
    assert meetings.due_reminders(db, now=day_before) == []


def test_no_reminder_for_a_cancelled_meeting(db, issue):
    number = announce(db, issue)
    signup = meetings.sign_up(db, SLUG, number, name="Piet", email="piet@example.org", now=NOW)
    meetings.confirm_signup(db, signup, "piet@example.org")
    meetings.cancel(db, SLUG, number)
    assert meetings.due_reminders(db, now=datetime.datetime(2026, 12, 9, 8, 0)) == []
    assert meetings.get(db, SLUG, number)["sequence"] == 1  # calendars hear of the change


def test_recording_keeps_counts_and_the_account_and_lets_the_names_go(db, issue):
    number = announce(db, issue)
    meetings.sign_up(db, SLUG, number, name="Fatima", email="fatima@example.org",
                     needs={"interpreter": "Arabisch"}, now=NOW)
    with pytest.raises(NotAllowed, match="pas als die begonnen"):
        meetings.record(db, SLUG, number, attendance={"resident": 20}, now=NOW)
    meetings.record(db, SLUG, number, attendance={"resident": 20, "business": 3, "professional": 0},
                    account="We spraken af om een koffieochtend te beginnen.", now=EVENING)
    m = meetings.get(db, SLUG, number)
    assert (m["state"], m["attendance"], m["attendees"], m["signed_up"]) == (
        "held", {"resident": 20, "business": 3}, 23, 1)
    assert m["account"].startswith("We spraken af")
    assert db.execute("select count(*) from meeting_signups").fetchone()[0] == 0
    with pytest.raises(NotAllowed, match="al geweest"):
        meetings.sign_up(db, SLUG, number, name="Laat", now=EVENING)
    meetings.record(db, SLUG, number, attendance={"resident": 21, "business": 3}, account="Gecorrigeerd.", now=EVENING)
    again = meetings.get(db, SLUG, number)
    assert (again["attendees"], again["signed_up"], again["account"]) == (24, 1, "Gecorrigeerd.")


@pytest.mark.parametrize("attendance", [{"neighbour": 3}, {"resident": -1}])
def test_attendance_is_counted_by_known_relations(db, issue, attendance):
    number = announce(db, issue)
    with pytest.raises(ValueError):
        meetings.record(db, SLUG, number, attendance=attendance, now=EVENING)
    assert meetings.get(db, SLUG, number)["state"] == "announced"


def test_a_meeting_held_without_announcement_can_be_recorded_up_to_today(db, issue):
    today = NOW.date()
    with pytest.raises(NotAllowed, match="als die geweest is"):
        meetings.record_past(db, SLUG, held_on=today + datetime.timedelta(days=1), place="Buurthuis", today=today)
    number = meetings.record_past(db, SLUG, held_on=today, place="Buurthuis", attendance={"resident": 12},
                                  account="Uitleg en vragen.", today=today)
    m = meetings.get(db, SLUG, number)
    assert (m["state"], m["held_on"], m["attendees"]) == ("held", today.isoformat(), 12)


def test_meetings_are_listed_by_their_day(db, issue):
    late = announce(db, issue, EVENING + datetime.timedelta(days=30))
    choosing = announce(db, issue, EVENING + datetime.timedelta(days=2), EVENING + datetime.timedelta(days=3))
    past = meetings.record_past(db, SLUG, held_on=datetime.date(2026, 11, 1), place="Café", today=NOW.date())
    assert [m["number"] for m in meetings.for_issue(db, SLUG)] == [past, choosing, late]
    assert meetings.next_meeting(meetings.for_issue(db, SLUG), now=NOW)["number"] == choosing


def test_an_old_meeting_row_becomes_a_held_meeting(tmp_path):
    """Before announcing existed a meeting was recorded afterwards, its held_on required."""
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as old:
        old.execute("create table meetings (id integer primary key, issue text not null, held_on text not null, "
                    "place text not null, attendees integer, note text, entered_by integer, created_at text not null)")
        old.execute("insert into meetings (issue, held_on, place, attendees, note, created_at) values "
                    "('a', '2026-03-17', 'Kantine', 22, 'De speeltuin elders.', '2026-03-18T10:00:00+00:00'), "
                    "('a', '2025-09-18', 'Dorpshuis', 61, null, '2026-03-18T10:00:00+00:00')")
    db = database.connect(path)
    assert [(m["number"], m["state"], m["place"], m["account"]) for m in meetings.for_issue(db, "a")] == [
        (1, "held", "Dorpshuis", None), (2, "held", "Kantine", "De speeltuin elders.")]  # numbered by their day
    db.close()


def test_the_circle_grows_by_month_and_relation(db, issue):
    for name, relation, month, invited in [("Ans", "resident", "2026-10", False), ("Bram", "resident", "2026-11", True),
                                           ("Cor", "business", "2026-11", True), ("Dirk", "resident", "2026-12", False)]:
        member_id = store.add_member(db, SLUG, name=name, relation=relation, invited=invited)
        with database.write(db):
            db.execute("update members set created_at = ? where id = ?", [f"{month}-15T10:00:00+00:00", member_id])
    assert store.circle_growth(db, SLUG) == {
        "months": [("2026-10", {"resident": 1}), ("2026-11", {"resident": 2, "business": 1}),
                   ("2026-12", {"resident": 3, "business": 1})],
        "invited": 2}


def test_an_invitation_needs_a_confirmed_address_and_has_a_daily_limit(db, issue):
    unconfirmed = member(db, "Wim", email="wim@example.org", confirmed=False)
    with pytest.raises(NotAllowed, match="bevestigd"):
        invitations.record(db, SLUG, unconfirmed)
    ans = member(db, email="ans@example.org")
    for _ in range(invitations.PER_DAY):
        invitations.record(db, SLUG, ans)
    with pytest.raises(NotAllowed, match="Morgen kan het weer"):
        invitations.record(db, SLUG, ans)
    gone = member(db, "Bea", email="bea@example.org")
    store.forget_email(db, gone)  # asked for no more mail: cannot send mail in her name either
    with pytest.raises(NotAllowed, match="bevestigd"):
        invitations.record(db, SLUG, gone)
    tomorrow = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1, minutes=1)
    invitations.record(db, SLUG, ans, now=tomorrow)  # the window moved on
    assert invitations.count(db, SLUG) == invitations.PER_DAY + 1
    columns = set(db["invitations"].columns_dict)
    assert columns == {"id", "issue", "member_id", "sent_at"}  # never the address it went to


def test_the_text_changes_before_the_meeting_and_calendars_hear_it(db, issue):
    number = announce(db, issue, information="De wijkagent komt.")
    meetings.change_text(db, SLUG, number, title="Buurtavond", place="Café De Zwaan", information="Ook het COA komt.")
    m = meetings.get(db, SLUG, number)
    assert (m["title"], m["place"], m["information"], m["accessibility"], m["sequence"], m["starts_at"]) == (
        "Buurtavond", "Café De Zwaan", "Ook het COA komt.", None, 1, EVENING)
    with pytest.raises(NotAllowed, match="waar de bijeenkomst is"):
        meetings.change_text(db, SLUG, number, title="Buurtavond", place="  ")
    meetings.record(db, SLUG, number, attendance={"resident": 3}, now=EVENING)
    with pytest.raises(NotAllowed, match="al geweest"):
        meetings.change_text(db, SLUG, number, title="Later", place="Elders")
    assert meetings.get(db, SLUG, number)["place"] == "Café De Zwaan"


# What the pages and the mail read back -------------------------------------------------------


def test_announced_fields_are_stored_as_given_and_empty_ones_as_none(db, issue):
    five = [EVENING + datetime.timedelta(days=d) for d in range(meetings.MAX_OPTIONS)]
    number = meetings.announce(db, issue, title="Kringavond", place="Café", options=five, circle_time="Alleen de kring.",
                               plan_part="Afspreken.", minutes=90, now=NOW, entered_by=7)
    m = meetings.get(db, SLUG, number)
    assert (m["kind"], m["circle_time"], m["plan_part"], m["accessibility"], m["information"], m["minutes"],
            m["entered_by"], m["sequence"]) == ("meeting", "Alleen de kring.", "Afspreken.", None, None, 90, 7, 0)
    assert len(m["options"]) == meetings.MAX_OPTIONS and meetings.day(m) == EVENING.date()
    later = meetings.announce(db, issue, title="Later", place="Café", options=[datetime.datetime(2099, 1, 1, 20, 0)])
    assert meetings.get(db, SLUG, later)["plan_part"] is None  # without now=: the real clock
    with pytest.raises(ValueError):
        meetings.announce(db, issue, title="x", place="Café", options=[EVENING], kind="feest", now=NOW)
    with pytest.raises(LookupError):
        meetings.get(db, SLUG, 99)


def test_the_lighter_list_leaves_out_the_counts_but_not_the_dates_to_choose(db, issue):
    fixed = announce(db, issue)
    choosing = announce(db, issue, EVENING, EVENING + datetime.timedelta(days=1))
    light = {m["number"]: m for m in meetings.for_issue(db, SLUG, counts=False)}
    assert light[fixed]["options"] == [] and "answered" not in light[fixed] and light[fixed]["signed_up"] is None
    assert meetings.get(db, SLUG, fixed)["signed_up"] == 0  # counted when asked for
    assert "answered" in meetings.for_issue(db, SLUG)[0]  # for_issue counts unless told not to
    assert [o["starts_at"] for o in light[choosing]["options"]] == [EVENING, EVENING + datetime.timedelta(days=1)]
    assert meetings.day(light[choosing]) == EVENING.date()


def test_when_reads_in_the_pages_language(db, issue):
    from participation import i18n

    m = meetings.get(db, SLUG, announce(db, issue))
    with i18n.using("en"):
        english = meetings.when(m)  # the sentence around them is the catalog's (tests/test_translations.py)
    assert english.startswith("10 December 2026, ") and "19:30" in english and english.endswith("21:30")
    assert meetings.when(m) == "10 december 2026, 19:30–21:30"
    choosing = meetings.get(db, SLUG, announce(db, issue, EVENING, EVENING + datetime.timedelta(days=1)))
    assert meetings.when(choosing) == ""
    past = meetings.get(db, SLUG, meetings.record_past(db, SLUG, held_on=datetime.date(2026, 11, 2), place="Café",
                                                      today=NOW.date()))
    assert meetings.when(past) == "2 november 2026" and meetings.day(past) == datetime.date(2026, 11, 2)


def test_local_now_is_amsterdam_wall_clock_to_the_minute():
    from zoneinfo import ZoneInfo

    now = meetings.local_now()
    amsterdam = datetime.datetime.now(ZoneInfo("Europe/Amsterdam")).replace(tzinfo=None)
    assert now.tzinfo is None and now.second == 0 and now.microsecond == 0
    assert abs(amsterdam - now) < datetime.timedelta(minutes=2)


def test_the_next_meeting_is_one_that_has_not_ended(db, issue):
    fixed = announce(db, issue)
    m = meetings.get(db, SLUG, fixed)
    assert meetings.next_meeting([m], now=m["ends_at"] - datetime.timedelta(minutes=1))["number"] == fixed
    assert meetings.next_meeting([m], now=m["ends_at"]) is None
    choosing = meetings.get(db, SLUG, announce(db, issue, EVENING, EVENING + datetime.timedelta(days=1)))
    assert meetings.next_meeting([choosing], now=EVENING)["number"] == choosing["number"]  # one date still to come
    assert meetings.next_meeting([choosing], now=EVENING + datetime.timedelta(days=1)) is None  # all passed
    assert meetings.next_meeting([], now=NOW) is None
    far = meetings.get(db, SLUG, meetings.announce(db, issue, title="x", place="y",
                                                  options=[datetime.datetime(2099, 1, 1, 20, 0)]))
    assert meetings.next_meeting([far])["number"] == far["number"]  # without now=: the real clock


def test_a_date_is_fixed_only_while_it_is_still_to_come(db, issue):
    number = announce(db, issue, EVENING, EVENING + datetime.timedelta(days=1))
    first, second = (o["id"] for o in meetings.get(db, SLUG, number)["options"])
    with pytest.raises(NotAllowed, match="al voorbij"):
        meetings.fix_date(db, SLUG, number, first, now=EVENING)  # that very moment: too late
    with pytest.raises(LookupError):
        meetings.fix_date(db, SLUG, number, 999, now=NOW)
    fixed = meetings.fix_date(db, SLUG, number, second, now=EVENING)
    assert (fixed["held_on"], fixed["options"][1]["id"]) == ((EVENING + datetime.timedelta(days=1)).date().isoformat(),
                                                           second)
    far = announce(db, issue, datetime.datetime(2099, 1, 1, 20, 0), datetime.datetime(2099, 1, 2, 20, 0))
    option = meetings.get(db, SLUG, far)["options"][0]["id"]
    assert meetings.fix_date(db, SLUG, far, option)["state"] == "announced"  # without now=: the real clock


def test_a_meeting_still_choosing_can_be_cancelled(db, issue):
    number = announce(db, issue, EVENING, EVENING + datetime.timedelta(days=1))
    meetings.cancel(db, SLUG, number)
    assert meetings.get(db, SLUG, number)["state"] == "cancelled"
    with pytest.raises(NotAllowed, match="gaat niet door"):
        meetings.cancel(db, SLUG, number)


def test_signups_read_back_for_mail_and_the_personal_page(db, issue):
    number = announce(db, issue)
    ans = member(db, email="ans@example.org")
    mine = meetings.sign_up(db, SLUG, number, name="Ans", email="ans@example.org", member_id=ans, now=NOW)
    piet = meetings.sign_up(db, SLUG, number, name="Piet", email="Piet@Example.org", language="tr",
                            needs={"interpreter": " Turks ", "step_free": True, "hearing_loop": True}, now=NOW)
    meetings.sign_up(db, SLUG, number, name="Wim", email="wim@example.org", now=NOW)  # never confirmed
    assert meetings.confirmed_signups(db, SLUG, number) == []  # Ans hears it as a member
    meetings.confirm_signup(db, piet, "Piet@Example.org")
    assert meetings.confirmed_signups(db, SLUG, number) == [
        {"id": piet, "name": "Piet", "email": "Piet@Example.org", "language": "tr"}]
    row = meetings.signup(db, piet)
    assert (row["issue"], row["number"], row["interpreter"], row["step_free"], row["hearing_loop"], row["childcare"],
            row["channel"], row["member_id"], row["email_confirmed_at"] is not None) == (
        SLUG, number, "Turks", 1, 1, 0, "web", None, True)
    assert meetings.signup(db, 999) is None
    assert meetings.signed_up(db, SLUG, number, ans) and not meetings.signed_up(db, SLUG, number, member(db, "Bram"))
    assert meetings.signup(db, mine)["email_confirmed_at"] is not None
    other = member(db, "Cor", email="cor@example.org")
    door = meetings.sign_up(db, SLUG, number, name="Cor", email="iemand@example.org", member_id=other,
                            channel="door", entered_by=3, now=NOW)
    assert meetings.signup(db, door)["email_confirmed_at"] is None  # not his own address
    assert (meetings.signup(db, door)["channel"], meetings.signup(db, door)["entered_by"]) == ("door", 3)
    unconfirmed = member(db, "Dirk", email="dirk@example.org", confirmed=False)
    dirk = meetings.sign_up(db, SLUG, number, name="Dirk", email="dirk@example.org", member_id=unconfirmed, now=NOW)
    assert meetings.signup(db, dirk)["email_confirmed_at"] is None
    with pytest.raises(LookupError):
        meetings.sign_up(db, SLUG, number, name="X", member_id=9999, now=NOW)


def test_recording_without_counts_keeps_the_total(db, issue):
    number = announce(db, issue)
    meetings.record(db, SLUG, number, attendance={"resident": 4}, now=EVENING)
    meetings.record(db, SLUG, number, attendance=None, account="Alleen de tekst verbeterd.", now=EVENING)
    m = meetings.get(db, SLUG, number)
    assert (m["attendees"], m["attendance"], m["account"]) == (4, {}, "Alleen de tekst verbeterd.")
    assert db.execute("select attendance from meetings where number = ?", [number]).fetchone()[0] is None


def test_a_past_meeting_is_stored_as_a_held_one(db, issue):
    number = meetings.record_past(db, SLUG, held_on=datetime.date(2026, 11, 1), place="Café", attendees=12,
                                  title="", account="")
    m = meetings.get(db, SLUG, number)
    assert (m["kind"], m["title"], m["attendees"], m["attendance"], m["account"], m["sequence"]) == (
        "meeting", None, 12, {}, None, 0)
    assert db.execute("select attendance from meetings where number = ?", [number]).fetchone()[0] is None
    counted = meetings.record_past(db, SLUG, held_on=datetime.date(2026, 11, 2), place="Café", attendees=99,
                                   attendance={"resident": 2, "newcomer": 1}, title="Inloop", account="Koffie.")
    m = meetings.get(db, SLUG, counted)
    assert (m["title"], m["attendees"], m["attendance"], m["account"]) == (
        "Inloop", 3, {"resident": 2, "newcomer": 1}, "Koffie.")


def test_erasing_a_member_removes_their_signups_and_invitations(db, issue):
    number = announce(db, issue)
    ans = member(db, email="ans@example.org")
    meetings.sign_up(db, SLUG, number, name="Ans", email="ans@example.org", member_id=ans,
                     needs={"childcare": True}, now=NOW)
    meetings.sign_up(db, SLUG, number, name="Piet", now=NOW)
    invitations.record(db, SLUG, ans)
    store.erase_member(db, ans)
    assert meetings.signup_names(db, SLUG, number) == ["Piet"]
    assert invitations.count(db, SLUG) == 0


def test_an_invitation_from_someone_outside_the_circle_is_unknown(db, issue, settings):
    write_issue(settings, "elders")
    stranger = store.add_member(db, "elders", name="Cor", relation="resident", email="cor@example.org")
    store.confirm_email(db, stranger, "cor@example.org")
    with pytest.raises(LookupError):
        invitations.record(db, SLUG, stranger)
    ans = member(db, email="ans@example.org")
    invitations.record(db, SLUG, ans)
    now = datetime.datetime.now(datetime.timezone.utc)
    assert invitations.sent_today(db, ans) == 1 and invitations.sent_today(db, ans, now) == 1
    assert invitations.sent_today(db, ans, now + datetime.timedelta(days=1, seconds=-5)) == 1  # still within 24 hours
    assert invitations.sent_today(db, ans, now + datetime.timedelta(days=1, seconds=5)) == 0


def test_the_daily_limit_counts_in_utc_whatever_the_machines_zone(db, issue, monkeypatch):
    import time

    ans = member(db, email="ans@example.org")
    for _ in range(invitations.PER_DAY):
        invitations.record(db, SLUG, ans)
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14: a local clock read as UTC would be half a day ahead
    time.tzset()
    try:
        assert invitations.sent_today(db, ans) == invitations.PER_DAY
    finally:
        monkeypatch.undo()
        time.tzset()
