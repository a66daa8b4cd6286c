"""iCalendar files of a kwestie's meetings: one per meeting, and the kwestie's calendar feed.

    /kwesties/<slug>/bijeenkomsten/<n>.ics   one meeting (event())
    /kwesties/<slug>/agenda.ics              every meeting with a date (calendar())

Times are the wall-clock times the coordinator typed (meetings.py), sent with
TZID Europe/Amsterdam and its VTIMEZONE, so a calendar shows half past seven on
both sides of the change to winter time. Nothing depends on the moment of the
build (DTSTAMP is the meeting's last change), so a rebuild writes the same bytes;
SEQUENCE is the meeting's, bumped when its date is fixed or it is cancelled, so
calendars that already have it take the change. Written once, in Dutch, like the feed.
"""

import datetime
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from . import i18n, meetings
from .formats import LOCAL_TIME
from .settings import public_url

PRODID = "-//samenplan//bijeenkomsten//NL"


def meeting_url(settings, slug, number, lang="nl"):
    """The meeting's page, absolute, from the settings (never a request)."""
    return f"{public_url(settings)}{i18n.prefix(lang)}/kwesties/{slug}/bijeenkomsten/{number}/"


def dated(all_meetings):
    """The meetings a calendar shows: those with a start time (not one whose date the circle
    is still choosing, nor one recorded afterwards without a time)."""
    return [m for m in all_meetings if m["starts_at"]]


def event(settings, issue, meeting):
    """One meeting as a VCALENDAR (bytes)."""
    return calendar(settings, issue, [meeting], name=f"{meeting_title(meeting)}: {issue.title}")


def calendar(settings, issue, all_meetings, name=None):
    """The kwestie's meetings with a date as a VCALENDAR (bytes), oldest first."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name or f"Bijeenkomsten: {issue.title}")
    cal.add("x-wr-timezone", "Europe/Amsterdam")
    shown = dated(all_meetings)
    with i18n.using(i18n.SOURCE):
        for m in shown:
            cal.add_component(_event(settings, issue, m))
    if shown:
        # Only the years the meetings are in: the VTIMEZONE stays short and does not depend on today.
        years = [m["starts_at"].year for m in shown]
        cal.add_missing_timezones(first_date=datetime.date(min(years) - 1, 1, 1),
                                  last_date=datetime.date(max(years) + 2, 1, 1))
    return cal.to_ical()


def meeting_title(m):
    return m["title"] or i18n.gettext(meetings.KINDS[m["kind"]])


def _event(settings, issue, m):
    url = meeting_url(settings, issue.slug, m["number"])
    e = Event()
    e.add("uid", f"{issue.slug}-bijeenkomst-{m['number']}@{urlsplit(public_url(settings)).hostname}")
    e.add("sequence", m["sequence"] or 0)
    # Stored in UTC; the time of the meeting's last change, never the build's.
    e.add("dtstamp", datetime.datetime.fromisoformat(m["updated_at"]).astimezone(datetime.UTC))
    e.add("dtstart", m["starts_at"].replace(tzinfo=LOCAL_TIME))
    e.add("dtend", m["ends_at"].replace(tzinfo=LOCAL_TIME))
    e.add("summary", f"{meeting_title(m)}: {issue.title}")
    e.add("location", m["place"])
    e.add("description", description(m, url))
    e.add("url", url)
    e.add("status", "CANCELLED" if m["state"] == "cancelled" else "CONFIRMED")
    return e


def description(m, url):
    """The agenda in words, the accessibility of the place and the page's address (Dutch)."""
    lines = []
    if m["state"] == "cancelled":
        lines.append("Deze bijeenkomst gaat niet door.")
    if m["kind"] == "review":
        lines.append("We kijken samen terug op het plan: " + " ".join(i18n.gettext(q) for q in meetings.REVIEW_QUESTIONS))
    lines += [
        "1. Informatie: professionals vertellen iedereen hetzelfde en beantwoorden vragen."
        + (f" {m['information']}" if m["information"] else ""),
        "2. De eigen tijd van de kring (besloten deel): de professionals gaan weg, de kring praat samen."
        + (f" {m['circle_time']}" if m["circle_time"] else ""),
        "3. Het plan: we schrijven het op en spreken het samen af."
        + (f" {m['plan_part']}" if m["plan_part"] else ""),
    ]
    if m["accessibility"]:
        lines.append(f"Toegankelijkheid: {m['accessibility']}")
    lines.append(f"Meer informatie en aanmelden: {url}")
    return "\n".join(lines)
