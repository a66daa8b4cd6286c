"""/beheer/ meetings (issue 17): announce one (one date, or a few the circle chooses from),
fix the date, enter at the door which dates suit a member, sign someone up at the door, see
the needs counted, record it afterwards, and plan a review meeting after adoption.

The mails themselves are notify.py's (tests/test_meetings_mail.py and the like): here
notify.meeting_poll and notify.meeting_date are replaced by recorders (the `mailed`
fixture), except in the one test marked REAL MAIL below, which reads the outbox."""

import datetime
import re
from pathlib import Path

import pytest

from participation import audit, consent, meetings, phases, store
from participation.formats import datum
from participation.web import notify

from . import test_beheer
from .conftest import AZC, FUND, write_issue
from .support import read_kwestie
from .test_beheer import post

coordinator, professional = test_beheer.coordinator, test_beheer.professional
as_coordinator, as_professional = test_beheer.as_coordinator, test_beheer.as_professional

TODAY = phases.today()
NEXT_WEEK = TODAY + datetime.timedelta(days=7)
ANNOUNCE = f"/beheer/{AZC}/bijeenkomst/aankondigen"


def evening(day, hour=19, minute=30):
    return datetime.datetime.combine(day, datetime.time(hour, minute))


def form(**changes):
    """A valid announcement for next week, 19:30 to 21:30, with changes."""
    return {"title": "Buurtavond", "place": "Buurthuis De Kern, grote zaal",
            "accessibility": "Ingang zonder drempel, ringleiding in de grote zaal",
            "information": "De wijkagent vertelt over de veiligheid.", "circle_time": "De kring praat samen.",
            "plan_part": "We schrijven het plan op.", "date_1": NEXT_WEEK.strftime("%d-%m-%Y"),
            "starts": "19:30", "ends": "21:30", **changes}


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def actions(db):
    return [(e["action"], e["detail"]) for e in reversed(audit.entries(db))]


@pytest.fixture
def mailed(monkeypatch):
    """notify.meeting_poll/meeting_date replaced by recorders: [(what, slug, meeting number)]."""
    calls = []

    def recorder(what):
        def record(db, settings, issue, meeting, *, secret):
            assert secret
            calls.append((what, issue.slug, meeting["number"]))
            return 2
        return record

    monkeypatch.setattr(notify, "meeting_poll", recorder("poll"), raising=False)
    monkeypatch.setattr(notify, "meeting_date", recorder("date"), raising=False)
    return calls


def announce(db, settings, slug=AZC, dates=1, start=None, **fields):
    """A meeting announced directly in the domain; start in the past: announced a week before it."""
    start = start or evening(NEXT_WEEK)
    return meetings.announce(db, read_kwestie(settings, slug), title=fields.pop("title", "Buurtavond"),
                             place="Buurthuis", options=[start + datetime.timedelta(days=n) for n in range(dates)],
                             now=start - datetime.timedelta(days=7), **fields)


# Announcing ------------------------------------------------------------------------------


def test_announce_a_meeting_with_one_date(as_coordinator, db, mailed):
    response = post(as_coordinator, ANNOUNCE, form(ends="21.45"))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/beheer/{AZC}/bijeenkomst/1"
    m = meetings.get(db, AZC, 1)
    assert (m["state"], m["kind"], m["title"], m["place"]) == ("announced", "meeting", "Buurtavond",
                                                              "Buurthuis De Kern, grote zaal")
    assert (m["starts_at"], m["ends_at"]) == (evening(NEXT_WEEK), evening(NEXT_WEEK, 21, 45))
    assert (m["accessibility"], m["information"], m["circle_time"], m["plan_part"]) == (
        "Ingang zonder drempel, ringleiding in de grote zaal", "De wijkagent vertelt over de veiligheid.",
        "De kring praat samen.", "We schrijven het plan op.")
    assert mailed == [("date", AZC, 1)]
    assert actions(db) == [("meeting_announced", "bijeenkomst 1 (bijeenkomst), 1 datum")]
    assert AZC in store.pending_changes(db)[1]
    shown = page(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1")
    assert "Bijeenkomst 1 is aangekondigd; 2 mails verstuurd." in shown
    assert f"{datum(NEXT_WEEK)}, 19:30–21:45" in shown and "De wijkagent vertelt over de veiligheid." in shown
    listed = page(as_coordinator, f"/beheer/{AZC}/bijeenkomsten")
    assert f'<a href="/beheer/{AZC}/bijeenkomst/1">1. Buurtavond</a>' in listed and "aangekondigd" in listed


def test_the_title_is_a_buurtbijeenkomst_unless_given(as_coordinator, db, mailed):
    assert 'value="Buurtbijeenkomst"' in page(as_coordinator, f"/beheer/{AZC}/bijeenkomsten")
    assert post(as_coordinator, ANNOUNCE, form(title="")).status_code == 303
    assert meetings.get(db, AZC, 1)["title"] == "Buurtbijeenkomst"


def test_announce_three_dates_and_the_circle_chooses(as_coordinator, db, mailed):
    dates = [NEXT_WEEK + datetime.timedelta(days=n) for n in (0, 2, 5)]
    response = post(as_coordinator, ANNOUNCE, form(date_1=dates[2].isoformat(), date_2=dates[0].strftime("%d-%m-%Y"),
                                                  date_3=dates[1].isoformat(), starts="19.00", ends="20:30"))
    assert response.status_code == 303
    m = meetings.get(db, AZC, 1)
    assert m["state"] == "choosing" and m["starts_at"] is None
    assert [o["starts_at"] for o in m["options"]] == [evening(day, 19, 0) for day in dates]
    assert m["minutes"] == 90
    assert mailed == [("poll", AZC, 1)]
    assert actions(db) == [("meeting_announced", "bijeenkomst 1 (bijeenkomst), 3 datums")]
    assert "de kring kiest uit 3 datums" in page(as_coordinator, f"/beheer/{AZC}/bijeenkomsten")


def test_an_invalid_announcement_names_each_field(as_coordinator, db, mailed):
    response = post(as_coordinator, ANNOUNCE, form(place="", date_1="31-02-2027", date_2="morgen", starts="25:00",
                                                   ends="", information="x" * 2001))
    assert response.status_code == 400
    shown = response.get_data(as_text=True)
    for field in ("place", "date_1", "date_2", "starts", "ends", "information"):
        assert f'href="#aankondigen-{field}"' in shown, field
    assert "<title>Fout: " in shown and "Er zijn 6 fouten in het formulier" in shown
    assert 'value="31-02-2027"' in shown  # what was typed comes back
    no_date = post(as_coordinator, ANNOUNCE, form(date_1="", starts="21:30", ends="19:30")).get_data(as_text=True)
    assert "Datum 1: vul minstens één datum in" in no_date and "Eindtijd: kies een tijd na de begintijd" in no_date
    assert meetings.for_issue(db, AZC) == [] and audit.entries(db) == [] and mailed == []


@pytest.mark.parametrize("case,data,message", [
    ("closed", form(), "Een bijeenkomst aankondigen kan niet in de fase ‘gesloten’."),
    ("past", form(date_1=(TODAY - datetime.timedelta(days=1)).isoformat()),
     "Een bijeenkomst aankondigen kan alleen voor een moment dat nog moet komen."),
    ("review", form(kind="review"), "Een evaluatiebijeenkomst kan pas als er een gedragen plan is."),
])
def test_the_rules_refuse_with_409(as_coordinator, settings, db, mailed, case, data, message):
    slug = AZC
    if case == "closed":
        slug = "klaar"
        write_issue(settings, slug, phase="closed")
    response = post(as_coordinator, f"/beheer/{slug}/bijeenkomst/aankondigen", data)
    assert response.status_code == 409
    shown = response.get_data(as_text=True)
    assert message in shown and "<title>Fout: " in shown
    assert meetings.for_issue(db, slug) == [] and audit.entries(db) == [] and mailed == []


# A review meeting after adoption ------------------------------------------------------------


@pytest.fixture
def adopted(settings, db):
    """A kwestie whose plan (A1) is adopted, the municipality reviewing A1 in 40 days and A2 in 20."""
    slug = "speelplek"
    write_issue(settings, slug, phase="proposing")
    ans = store.add_member(db, slug, name="Ans", relation="resident")
    store.add_agreement(db, slug, what="Elke zaterdag koffie")
    store.add_agreement(db, slug, what="Een bankje")
    issue = read_kwestie(settings, slug)
    consent.open_round(db, issue, [1, 2], consent.end_of_day(NEXT_WEEK))
    consent.respond(db, issue, ans, "consent")
    consent.adopt(db, settings, issue)
    phases.set_phase(settings, issue, "adopted")  # as the adopt form does (move_phase)
    issue = read_kwestie(settings, slug)
    consent.record_responses(db, settings, issue, {
        "A1": {"decision": "fund", "text": "Ja.", "review_at": (TODAY + datetime.timedelta(days=40)).isoformat()},
        "A2": {"decision": "fund", "text": "Ja.", "review_at": (TODAY + datetime.timedelta(days=20)).isoformat()}})
    return slug


def test_after_adoption_a_review_meeting_on_the_first_review_date(as_coordinator, db, adopted, mailed):
    shown = page(as_coordinator, f"/beheer/{adopted}/bijeenkomsten")
    assert "Een evaluatiebijeenkomst plannen" in shown
    review = shown.split('id="evaluatie"', 1)[1]
    first = (TODAY + datetime.timedelta(days=20)).isoformat()
    assert f'name="date_1" value="{first}"' in review and 'name="kind" value="review"' in review
    for question in ("Heeft het plan geholpen?", "Hoe kan het beter?", "Is er een reden om niet door te gaan?"):
        assert question in review
    response = post(as_coordinator, f"/beheer/{adopted}/bijeenkomst/aankondigen",
                    form(kind="review", date_1=first, information="- Heeft het plan geholpen?"))
    assert response.status_code == 303
    m = meetings.get(db, adopted, 1)
    assert (m["kind"], m["state"], m["information"]) == ("review", "announced", "- Heeft het plan geholpen?")
    assert actions(db)[-1] == ("meeting_announced", "bijeenkomst 1 (evaluatiebijeenkomst), 1 datum")


def test_no_review_form_before_adoption(as_coordinator):
    assert "Een evaluatiebijeenkomst plannen" not in page(as_coordinator, f"/beheer/{AZC}/bijeenkomsten")


def test_a_refused_review_comes_back_in_its_own_form(as_coordinator, adopted, db, mailed):
    response = post(as_coordinator, f"/beheer/{adopted}/bijeenkomst/aankondigen", form(kind="review", place=""))
    assert response.status_code == 400
    assert 'href="#evaluatie-place"' in response.get_data(as_text=True)


# Choosing the date --------------------------------------------------------------------------


def test_counts_per_date_and_fixing_one(as_coordinator, settings, db, mailed):
    announce(db, settings, dates=3)
    ans, bram, cor = (store.add_member(db, AZC, name=n, relation="resident") for n in ("Ans", "Bram", "Cor"))
    options = [o["id"] for o in meetings.get(db, AZC, 1)["options"]]
    meetings.choose(db, AZC, 1, ans, options[:2])
    meetings.choose(db, AZC, 1, bram, options[1:])
    meetings.choose(db, AZC, 1, cor, options[2:])
    shown = page(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1")
    assert "3 leden van de kring hebben geantwoord." in shown
    assert re.findall(r"<td>(\d) van de 3</td>", shown) == ["1", "2", "2"]
    assert shown.count("Kies deze datum") == 3
    response = post(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1/datum", {"option": str(options[1])})
    assert response.status_code == 303
    m = meetings.get(db, AZC, 1)
    assert (m["state"], m["starts_at"]) == ("announced", evening(NEXT_WEEK + datetime.timedelta(days=1)))
    assert mailed == [("date", AZC, 1)]
    assert actions(db) == [("meeting_date_fixed", f"bijeenkomst 1: datum {options[1]}")]
    assert "De datum staat vast" in page(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1")
    # Fixed is fixed: a second choice is refused on the page.
    again = post(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1/datum", {"option": str(options[0])})
    assert again.status_code == 409 and "De datum van deze bijeenkomst staat al vast." in again.get_data(as_text=True)


def test_a_date_of_another_meeting_is_404_and_no_date_is_400(as_coordinator, settings, db, mailed):
    announce(db, settings, dates=2)
    announce(db, settings, dates=2)
    other = meetings.get(db, AZC, 2)["options"][0]["id"]
    assert post(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1/datum", {"option": str(other)}).status_code == 404
    assert post(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1/datum", {"option": "x"}).status_code == 400
    assert meetings.get(db, AZC, 1)["state"] == "choosing" and mailed == [] and audit.entries(db) == []


def test_enter_at_the_door_which_dates_suit_a_member(as_coordinator, settings, db):
    announce(db, settings, dates=2)
    ans = store.add_member(db, AZC, name="Ans", relation="resident")
    first, second = (o["id"] for o in meetings.get(db, AZC, 1)["options"])
    shown = page(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1")
    assert f'<option value="{ans}">Ans (buurtbewoner)</option>' in shown
    response = post(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1/datums", {"member": str(ans), "options": [str(second)]})
    assert response.status_code == 303
    assert meetings.chosen_by(db, AZC, 1, ans) == {second}
    assert actions(db) == [("meeting_dates_entered", f"bijeenkomst 1: lid {ans}, 1 datums")]
    entered = meetings.get(db, AZC, 1)
    assert [o["count"] for o in entered["options"]] == [0, 1] and entered["answered"] == 1
    # A member of another kwestie, or a date of another meeting: the form again.
    other = store.add_member(db, FUND, name="Bo", relation="resident")
    bad = post(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1/datums", {"member": str(other), "options": ["999"]})
    assert bad.status_code == 400
    shown = bad.get_data(as_text=True)
    assert 'href="#datums-member"' in shown and 'href="#datums-options"' in shown
    assert meetings.chosen_by(db, AZC, 1, ans) == {second} and first not in meetings.chosen_by(db, AZC, 1, ans)


# Signing up and the needs -------------------------------------------------------------------


def test_sign_up_at_the_door_and_the_needs_counted(as_coordinator, settings, db):
    announce(db, settings)
    meetings.sign_up(db, AZC, 1, name="Ans", email="ans@example.org", language="ar",
                     needs={"interpreter": "Arabisch", "childcare": True}, channel="web")
    response = post(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1/aanmelden",
                    {"name": "Henk de Vries", "interpreter": "Arabisch", "step_free": "1", "hearing_loop": "1"})
    assert response.status_code == 303
    assert actions(db) == [("meeting_signup", "bijeenkomst 1: aanmelding aan de deur")]
    assert "Henk" not in str(audit.entries(db))
    assert meetings.needs(db, AZC, 1) == {"signed_up": 2, "with_email": 0, "interpreter": {"Arabisch": 2},
                                          "step_free": 1, "hearing_loop": 1, "childcare": 1}
    [door] = db.query("select channel, entered_by, email from meeting_signups where name = 'Henk de Vries'")
    assert (door["channel"], door["email"]) == ("door", None) and door["entered_by"]
    shown = page(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1")
    assert "<dt>Aangemeld</dt><dd>2</dd>" in shown and "<dt>Tolk Arabisch</dt><dd>2</dd>" in shown
    assert "<dt>Ringleiding</dt><dd>1</dd>" in shown and "<dt>Kinderopvang</dt><dd>1</dd>" in shown
    assert "<li>Ans</li>" in shown and "<li>Henk de Vries</li>" in shown
    assert "Dit is niet openbaar" in shown and "gewist als je de bijeenkomst opschrijft" in shown
    assert "ans@example.org" not in shown


def test_a_door_signup_needs_a_name(as_coordinator, settings, db):
    announce(db, settings)
    response = post(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1/aanmelden", {"name": "", "childcare": "1"})
    assert response.status_code == 400 and 'href="#aanmelden-name"' in response.get_data(as_text=True)
    assert meetings.needs(db, AZC, 1)["signed_up"] == 0 and audit.entries(db) == []


def test_signing_up_while_the_circle_chooses_is_refused(as_coordinator, settings, db):
    announce(db, settings, dates=2)
    response = post(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1/aanmelden", {"name": "Henk"})
    assert response.status_code == 409
    assert "De kring kiest de datum van deze bijeenkomst nog." in response.get_data(as_text=True)


def test_cancel_needs_the_tick(as_coordinator, settings, db):
    announce(db, settings)
    assert post(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1/afgelast", {}).status_code == 400
    assert meetings.get(db, AZC, 1)["state"] == "announced"
    assert post(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1/afgelast", {"confirm": "1"}).status_code == 303
    assert meetings.get(db, AZC, 1)["state"] == "cancelled"
    assert actions(db) == [("meeting_cancelled", "bijeenkomst 1: gaat niet door")]
    assert "gaat niet door" in page(as_coordinator, f"/beheer/{AZC}/bijeenkomsten")
    again = post(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1/afgelast", {"confirm": "1"})
    assert again.status_code == 409 and "Deze bijeenkomst gaat niet door." in again.get_data(as_text=True)


# Recording ---------------------------------------------------------------------------------


def test_recording_before_the_start_is_refused(as_coordinator, settings, db):
    announce(db, settings)
    shown = page(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1")
    assert "Als de bijeenkomst begonnen is, kun je hier opschrijven" in shown
    response = post(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1/opschrijven", {"count_resident": "3"})
    assert response.status_code == 409
    assert "Een bijeenkomst opschrijven kan pas als die begonnen is." in response.get_data(as_text=True)
    assert meetings.get(db, AZC, 1)["state"] == "announced" and audit.entries(db) == []


def test_recording_after_the_start_deletes_the_names(as_coordinator, settings, db):
    yesterday = evening(TODAY - datetime.timedelta(days=1))
    announce(db, settings, start=yesterday)
    # Signed up the day before it began (sign_up refuses once it has).
    meetings.sign_up(db, AZC, 1, name="Ans", needs={"step_free": True}, channel="web",
                     now=yesterday - datetime.timedelta(days=1))
    assert "<li>Ans</li>" in page(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1")
    response = post(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1/opschrijven",
                    {"count_resident": "12", "count_business": "3", "count_newcomer": "0",
                     "account": "We hebben vijf afspraken gemaakt."})
    assert response.status_code == 303
    m = meetings.get(db, AZC, 1)
    assert (m["state"], m["attendance"], m["attendees"], m["account"], m["signed_up"]) == (
        "held", {"resident": 12, "business": 3}, 15, "We hebben vijf afspraken gemaakt.", 1)
    assert list(db.query("select * from meeting_signups")) == []
    assert actions(db) == [("meeting_recorded", "bijeenkomst 1: 15 mensen")]
    shown = page(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1")
    assert "De namen van wie zich aanmeldde zijn gewist." in shown and "<li>Ans</li>" not in shown
    assert "Er kwamen 15 mensen: 12 buurtbewoner, 3 ondernemer." in shown
    assert 'name="count_resident" value="12"' in shown  # to correct it
    bad = post(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1/opschrijven", {"count_resident": "twaalf"})
    assert bad.status_code == 400 and 'href="#opschrijven-count_resident"' in bad.get_data(as_text=True)


def test_record_a_past_meeting_by_relation(as_coordinator, db):
    response = post(as_coordinator, f"/beheer/{AZC}/bijeenkomst",
                    {"held_on": "12-11-2026", "place": "Buurthuis", "count_resident": "20", "count_other": "2"})
    assert response.status_code == 303
    [held] = meetings.for_issue(db, AZC)
    assert (held["attendance"], held["attendees"]) == ({"resident": 20, "other": 2}, 22)
    wrong = post(as_coordinator, f"/beheer/{AZC}/bijeenkomst",
                 {"held_on": "12-11-2026", "place": "Buurthuis", "count_resident": "20", "attendees": "30"})
    assert wrong.status_code == 400 and 'href="#bijeenkomst-attendees"' in wrong.get_data(as_text=True)


# Addresses ---------------------------------------------------------------------------------


def test_the_meeting_of_another_kwestie_is_404(as_coordinator, settings, db):
    announce(db, settings, slug=FUND, title="Dorpsavond")
    assert as_coordinator.get(f"/beheer/{AZC}/bijeenkomst/1").status_code == 404
    assert "Dorpsavond" in page(as_coordinator, f"/beheer/{FUND}/bijeenkomst/1")
    assert post(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1/afgelast", {"confirm": "1"}).status_code == 404
    assert meetings.get(db, FUND, 1)["state"] == "announced"


@pytest.mark.parametrize("number", ["0", "2", "-1", "1.0", "x", "１", "1234567890", "99999999999999999999"])
def test_odd_numbers_in_addresses_are_404(as_coordinator, settings, db, number):
    announce(db, settings)
    assert as_coordinator.get(f"/beheer/{AZC}/bijeenkomst/{number}").status_code == 404
    assert post(as_coordinator, f"/beheer/{AZC}/bijeenkomst/{number}/opschrijven", {}).status_code == 404


def test_a_professional_may_not(as_professional, settings, db):
    announce(db, settings)
    assert as_professional.get(f"/beheer/{AZC}/bijeenkomst/1").status_code == 403
    assert post(as_professional, ANNOUNCE, form()).status_code == 403


# REAL MAIL: the one test that uses notify.meeting_poll and notify.meeting_date themselves
# (written in participation/web/notify.py) and reads what they wrote to the outbox.


def test_real_mail_announcing_mails_the_confirmed_members(as_coordinator, settings, db):
    ans = store.add_member(db, AZC, name="Ans", relation="resident", email="ans@example.org")
    store.confirm_email(db, ans, "ans@example.org")
    store.add_member(db, AZC, name="Bram", relation="resident")  # no address: no mail
    outbox = Path(settings["SAMENPLAN_OUTBOX"])
    assert post(as_coordinator, ANNOUNCE, form(date_2=(NEXT_WEEK + datetime.timedelta(days=1)).isoformat())
                ).status_code == 303
    polls = sorted(outbox.glob("*"))
    assert len(polls) == 1 and "ans@example.org" in polls[0].read_text()
    option = meetings.get(db, AZC, 1)["options"][0]["id"]
    assert post(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1/datum", {"option": str(option)}).status_code == 303
    assert len(sorted(outbox.glob("*"))) == 2


def test_cancelling_tells_the_members_and_those_who_signed_up(as_coordinator, settings, db):
    import email
    import email.policy

    ans = store.add_member(db, AZC, name="Ans", relation="resident", email="ans@example.org")
    store.confirm_email(db, ans, "ans@example.org")
    announce(db, settings)
    piet = meetings.sign_up(db, AZC, 1, name="Piet", email="piet@example.org", now=evening(TODAY))
    meetings.confirm_signup(db, piet, "piet@example.org")
    meetings.sign_up(db, AZC, 1, name="Wim", email="wim@example.org", now=evening(TODAY))  # never confirmed
    response = post(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1/afgelast", {"confirm": "1"})
    assert response.status_code == 303
    mails = [email.message_from_bytes(path.read_bytes(), policy=email.policy.default) for path in sorted(Path(settings["SAMENPLAN_OUTBOX"]).glob("*"))]
    assert sorted(m["To"] for m in mails) == ["ans@example.org", "piet@example.org"]
    assert all(m["Subject"].startswith("Gaat niet door: bijeenkomst over") for m in mails)
    assert all(f"/kwesties/{AZC}/bijeenkomsten/1/" in m.get_content() for m in mails)


def test_the_text_of_a_meeting_can_be_corrected_before_it_is_held(as_coordinator, settings, db):
    announce(db, settings, information="De wijkagent komt.")
    page_before = page(as_coordinator, f"/beheer/{AZC}/bijeenkomst/1")
    assert 'value="Buurthuis"' in page_before and "De wijkagent komt." in page_before  # the form, filled in
    url = f"/beheer/{AZC}/bijeenkomst/1/tekst"
    invalid = post(as_coordinator, url, {"title": "Buurtavond", "place": "", "information": "x" * 2001})
    assert invalid.status_code == 400 and 'href="#tekst-place"' in invalid.get_data(as_text=True)
    assert meetings.get(db, AZC, 1)["place"] == "Buurthuis"
    response = post(as_coordinator, url, {"title": "Buurtavond", "place": "Café De Zwaan, achterzaal",
                                          "information": "De wijkagent en het COA komen."})
    assert response.status_code == 303
    m = meetings.get(db, AZC, 1)
    assert (m["place"], m["information"], m["accessibility"], m["sequence"]) == (
        "Café De Zwaan, achterzaal", "De wijkagent en het COA komen.", None, 1)
    assert m["starts_at"] == evening(NEXT_WEEK)  # the date stays
    assert actions(db)[-1] == ("meeting_changed", "bijeenkomst 1: tekst aangepast")
    meetings.cancel(db, AZC, 1)
    refused = post(as_coordinator, url, {"title": "Buurtavond", "place": "Elders"})
    assert refused.status_code == 409 and meetings.get(db, AZC, 1)["place"] == "Café De Zwaan, achterzaal"
