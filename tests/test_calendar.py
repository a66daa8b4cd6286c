"""The meetings as iCalendar: a .ics file per meeting and a calendar feed per kwestie, in
Europe/Amsterdam, half past seven on both sides of the change to winter time (25 October 2026)."""

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from participation import meetings
from participation.build import build
from participation.issues import read_issue

from .conftest import write_issue

SLUG = "buurthuis"
BEFORE = datetime.datetime(2026, 10, 1, 12, 0)  # when they were announced (local time)
SUMMER = datetime.datetime(2026, 10, 24, 19, 30)  # CEST, UTC+2
WINTER = datetime.datetime(2026, 10, 26, 19, 30)  # CET, UTC+1
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
UTC = datetime.UTC


@pytest.fixture
def issue(settings):
    return read_issue(write_issue(settings, SLUG, title="Het buurthuis"), settings)


def announce(db, issue, *options, **fields):
    return meetings.announce(db, issue, place="Buurthuis De Boog", options=list(options), now=BEFORE,
                             **{"title": "Buurtbijeenkomst", **fields})


@pytest.fixture
def built(settings, db, issue):
    """Four meetings (before and after the change to winter time, one cancelled, one still
    choosing its date) and a full build; returns the output folder."""
    announce(db, issue, SUMMER, information="De wijkagent vertelt.", accessibility="Ingang zonder drempel.",
             minutes=90)
    announce(db, issue, WINTER)
    cancelled = announce(db, issue, WINTER + datetime.timedelta(days=7), title="Extra avond")
    meetings.cancel(db, SLUG, cancelled)
    announce(db, issue, WINTER + datetime.timedelta(days=14), WINTER + datetime.timedelta(days=15), title="Kiezen")
    build(settings)
    return Path(settings["OUTPUT_PATH"]) / "kwesties" / SLUG


def events(path):
    return {str(e["uid"]): e for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT")}


def uid(number):
    return f"{SLUG}-bijeenkomst-{number}@localhost"  # the host of SAMENPLAN_PUBLIC_URL (conftest)


def test_a_meeting_keeps_its_local_time_across_the_change_to_winter_time(built):
    summer = events(built / "bijeenkomsten" / "1.ics")[uid(1)]
    winter = events(built / "bijeenkomsten" / "2.ics")[uid(2)]
    for event, day in ((summer, SUMMER), (winter, WINTER)):
        start = event.decoded("dtstart")
        assert str(start.tzinfo) == "Europe/Amsterdam"
        assert start.replace(tzinfo=None) == day  # 19:30 on the wall clock
        assert event["dtstart"].params["TZID"] == "Europe/Amsterdam"
    assert summer.decoded("dtstart").astimezone(UTC) == datetime.datetime(2026, 10, 24, 17, 30, tzinfo=UTC)
    assert winter.decoded("dtstart").astimezone(UTC) == datetime.datetime(2026, 10, 26, 18, 30, tzinfo=UTC)
    assert summer.decoded("dtend").replace(tzinfo=None) == datetime.datetime(2026, 10, 24, 21, 0)  # 90 minutes
    assert winter.decoded("dtend").replace(tzinfo=None) == datetime.datetime(2026, 10, 26, 21, 30)  # the default 2 hours


def test_the_event_says_what_where_and_links_to_the_page_from_the_settings(built):
    calendar = Calendar.from_ical((built / "bijeenkomsten" / "1.ics").read_bytes())
    assert (str(calendar["version"]), str(calendar["method"])) == ("2.0", "PUBLISH")
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    event = calendar.walk("VEVENT")[0]
    assert str(event["summary"]) == "Buurtbijeenkomst: Het buurthuis"
    assert str(event["location"]) == "Buurthuis De Boog"
    assert str(event["url"]) == f"http://localhost/kwesties/{SLUG}/bijeenkomsten/1/"
    description = str(event["description"])
    assert "De wijkagent vertelt." in description and "Ingang zonder drempel." in description
    assert "besloten" in description and f"http://localhost/kwesties/{SLUG}/bijeenkomsten/1/" in description
    assert (event["status"], event["sequence"]) == ("CONFIRMED", 0)


def test_the_calendar_feed_has_every_dated_meeting_a_cancelled_one_marked(built, db):
    feed = Calendar.from_ical((built / "agenda.ics").read_bytes())
    assert "Het buurthuis" in str(feed["x-wr-calname"])
    found = events(built / "agenda.ics")
    assert sorted(found) == [uid(1), uid(2), uid(3)]  # 4 still chooses its date: not in any calendar
    assert found[uid(3)]["status"] == "CANCELLED" and found[uid(3)]["sequence"] == 1  # calendars take the change
    assert not (built / "bijeenkomsten" / "4.ics").exists()
    assert (built / "bijeenkomsten" / "3.ics").exists()
    # DTSTAMP is the meeting's last change, not the build's moment: a rebuild writes the same bytes.
    updated = meetings.get(db, SLUG, 3)["updated_at"]
    assert found[uid(3)].decoded("dtstamp") == datetime.datetime.fromisoformat(updated).replace(microsecond=0)


def test_a_date_fixed_later_raises_the_sequence(settings, db, issue):
    number = announce(db, issue, WINTER, WINTER + datetime.timedelta(days=1))
    option = meetings.get(db, SLUG, number)["options"][1]["id"]
    meetings.fix_date(db, SLUG, number, option, now=BEFORE)
    build(settings)
    folder = Path(settings["OUTPUT_PATH"]) / "kwesties" / SLUG
    event = events(folder / "bijeenkomsten" / f"{number}.ics")[uid(number)]
    assert event["sequence"] == 1
    assert event.decoded("dtstart").replace(tzinfo=None) == WINTER + datetime.timedelta(days=1)
    first = (folder / "agenda.ics").read_bytes()
    build(settings)
    assert (folder / "agenda.ics").read_bytes() == first
