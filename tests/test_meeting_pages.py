"""The meetings and the circle's growth on the static site: a page per meeting, the kwestie
page's section, the verslag, the Atom feed and the invitation card. Nothing of who signs up."""

import datetime
import html
import re
from pathlib import Path

import pytest

from participation import db as database
from participation import i18n, meetings, store
from participation.build import build
from participation.issues import read_issue
from participation.site.pages import poster_values

from .conftest import write_issue

SLUG = "buurthuis"
TODAY = datetime.date.today()  # the build's day: what is still to come is counted from it
COMING = datetime.datetime.combine(TODAY + datetime.timedelta(days=30), datetime.time(19, 30))
PAST = datetime.datetime.combine(TODAY - datetime.timedelta(days=30), datetime.time(19, 30))
LONG_AGO = datetime.datetime.combine(TODAY - datetime.timedelta(days=60), datetime.time(12, 0))
SIGNUP_NAME = "Wubbe Zeldenrust"
SIGNUP_EMAIL = "wubbe.zeldenrust@example.org"
SIGNUP_INTERPRETER = "Klingonisch"


@pytest.fixture
def issue(settings):
    return read_issue(write_issue(settings, SLUG, title="Het buurthuis"), settings)


def announce(db, issue, *options, **fields):
    return meetings.announce(db, issue, place="Buurthuis De Boog", options=list(options), now=LONG_AGO,
                             **{"title": "Buurtavond", **fields})


def join(db, name, relation, month, invited=False):
    member_id = store.add_member(db, SLUG, name=name, relation=relation, invited=invited)
    with database.write(db):
        db.execute("update members set created_at = ? where id = ?", [f"{month}-15T10:00:00+00:00", member_id])


@pytest.fixture
def site(settings, db, issue):
    """A kwestie with a meeting held, one to come (with a signup and its needs), one whose date
    the circle chooses, one cancelled, and a circle that grew over two months; built in full."""
    held = announce(db, issue, PAST, title="Eerste avond")
    meetings.record(db, SLUG, held, attendance={"resident": 9, "business": 2}, account="We kozen drie ideeën uit.",
                    now=PAST + datetime.timedelta(hours=3))
    coming = announce(db, issue, COMING, information="De wijkagent en het COA vertellen wat er gebeurt.",
                      circle_time="We praten over de zorgen.", plan_part="We spreken de afspraken af.",
                      accessibility="Ingang zonder drempel, ringleiding in de zaal.")
    meetings.sign_up(db, SLUG, coming, name=SIGNUP_NAME, email=SIGNUP_EMAIL, language="nl",
                     needs={"interpreter": SIGNUP_INTERPRETER, "step_free": True, "childcare": True}, now=LONG_AGO)
    choosing = announce(db, issue, COMING + datetime.timedelta(days=7), COMING + datetime.timedelta(days=8),
                        title="Tweede avond")
    cancelled = announce(db, issue, COMING + datetime.timedelta(days=1), title="Extra avond")
    meetings.cancel(db, SLUG, cancelled)
    join(db, "Ans", "resident", "2026-10")
    join(db, "Bram", "resident", "2026-11", invited=True)
    join(db, "Cor", "business", "2026-11", invited=True)
    build(settings)
    return {"out": Path(settings["OUTPUT_PATH"]), "held": held, "coming": coming, "choosing": choosing,
            "cancelled": cancelled}


def page(site, path, lang=""):
    return (site["out"] / lang / "kwesties" / SLUG / path / "index.html").read_text(encoding="utf-8")


def when(start):
    """The date and time of a two-hour meeting, in the current language."""
    return meetings.when({"starts_at": start, "ends_at": start + datetime.timedelta(hours=2), "held_on": None})


def text(markup):
    """The page's words, without tags, spaces squeezed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def test_a_meeting_to_come_says_when_where_what_and_how_to_come(site):
    markup = page(site, f"bijeenkomsten/{site['coming']}")
    words = text(markup)
    assert "Buurtavond" in words and when(COMING) in words
    assert "Buurthuis De Boog" in words and "Ingang zonder drempel, ringleiding in de zaal." in words
    # The method's three parts, each explained, with the coordinator's notes.
    assert "Professionals vertellen iedereen hetzelfde" in words and "De wijkagent en het COA" in words
    assert "de professionals gaan weg" in words and "We praten over de zorgen." in words
    assert "bezwaar" in words and "We spreken de afspraken af." in words
    assert f'href="/deelnemen/{SLUG}/bijeenkomst/{site["coming"]}"' in markup
    assert f'href="/kwesties/{SLUG}/bijeenkomsten/{site["coming"]}.ics"' in markup
    assert "Vraag het bij het aanmelden" in words and "tolk" in words and "kinderopvang" in words


def test_a_meeting_page_in_another_language(site):
    markup = page(site, f"bijeenkomsten/{site['coming']}", lang="en")
    assert '<html lang="en"' in markup
    assert f'href="/en/deelnemen/{SLUG}/bijeenkomst/{site["coming"]}"' in markup
    with i18n.using("en"):
        assert when(COMING) in text(markup)  # 14 January 2027, 19:30–21:30


def test_a_held_meeting_shows_its_account_and_who_came_by_relation(site):
    words = text(page(site, f"bijeenkomsten/{site['held']}"))
    assert "Deze bijeenkomst is geweest." in words and "We kozen drie ideeën uit." in words
    assert "Er kwamen 11 mensen." in words and "buurtbewoner 9" in words and "ondernemer 2" in words
    assert "Aanmelden" not in words
    english = text(page(site, f"bijeenkomsten/{site['held']}", lang="en"))
    assert "business owner 2" in english  # labels.RELATIONS, translated


def test_choosing_and_cancelled_meetings(site):
    choosing = text(page(site, f"bijeenkomsten/{site['choosing']}"))
    assert "De kring kiest de datum" in choosing and "persoonlijke link" in choosing
    assert "Aanmelden" not in choosing and not (site["out"] / "kwesties" / SLUG / "bijeenkomsten" /
                                               f"{site['choosing']}.ics").exists()
    assert "Deze bijeenkomst gaat niet door." in text(page(site, f"bijeenkomsten/{site['cancelled']}"))


def test_the_kwestie_page_shows_the_next_meeting_the_others_and_the_calendar_feed(site):
    markup = page(site, "")
    section = markup[markup.index('id="bijeenkomsten"'):markup.index("</section>", markup.index('id="bijeenkomsten"'))]
    words = text(section)
    assert "De volgende bijeenkomst: Buurtavond" in words and "Buurthuis De Boog" in words
    assert f'href="/deelnemen/{SLUG}/bijeenkomst/{site["coming"]}"' in section
    assert f'href="/kwesties/{SLUG}/bijeenkomsten/{site["coming"]}.ics"' in section
    assert f'href="/kwesties/{SLUG}/agenda.ics"' in section
    for other in ("held", "choosing", "cancelled"):
        assert f'href="/kwesties/{SLUG}/bijeenkomsten/{site[other]}/"' in section
    assert "Eerste avond" in words and "gaat niet door" in words
    assert f'href="/kwesties/{SLUG}/uitnodiging/"' in markup and "Wie vindt dit ook belangrijk?" in text(markup)


def growth_rows(db):
    """The circle at the end of each month, counted here from the members table."""
    rows = {}
    for month, relation in db.execute("select substr(created_at, 1, 7), relation from members where issue = ?",
                                      [SLUG]):
        rows.setdefault(month, []).append(relation)
    result, so_far = {}, []
    for month in sorted(rows):
        so_far += rows[month]
        result[month] = (so_far.count("resident"), so_far.count("business"), len(so_far))
    return result


def test_the_circle_growth_table_on_the_kwestie_page_and_in_the_verslag(site, db):
    expected = growth_rows(db)
    assert expected == {"2026-10": (1, 0, 1), "2026-11": (2, 1, 3)}
    names = {"2026-10": "oktober 2026", "2026-11": "november 2026"}
    invited = db.execute("select count(*) from members where issue = ? and invited", [SLUG]).fetchone()[0]
    for markup in (page(site, ""), page(site, "verslag")):
        words = text(markup)
        assert "buurtbewoner ondernemer Samen" in words
        for month, (resident, business, total) in expected.items():
            assert f"{names[month]} {resident} {business} {total}" in words
        assert f"{invited} mensen zeggen dat iemand hen vroeg om mee te doen." in words


def test_the_verslag_shows_the_meetings_with_agenda_and_outcome(site):
    words = text(page(site, "verslag"))
    assert "Eerste avond" in words and "Er kwamen 11 mensen: buurtbewoner 9, ondernemer 2." in words
    assert "We kozen drie ideeën uit." in words
    assert "Buurtavond (komt nog)" in words and "Informatie: De wijkagent en het COA" in words
    assert "Extra avond" not in words  # cancelled: not part of how it went
    assert "Bijeenkomst: Buurthuis De Boog, 11 mensen. We kozen drie ideeën uit." in words  # the steps


def test_the_feed_has_an_entry_per_dated_meeting(site):
    feed = (site["out"] / "feeds" / f"{SLUG}.atom.xml").read_text(encoding="utf-8")
    assert f"<title>Het buurthuis: Buurtavond op {when(COMING)}: Buurthuis De Boog</title>" in feed
    assert f'href="http://localhost/kwesties/{SLUG}/bijeenkomsten/{site["coming"]}/"' in feed
    assert "Extra avond" in feed and "(gaat niet door)" in feed
    assert "Tweede avond" not in feed  # no date yet


def test_the_invitation_card_has_the_question_and_a_qr_code_to_the_kwestie_page(site, settings, issue):
    for lang in ("nl", "en"):
        markup = page(site, "uitnodiging", lang="" if lang == "nl" else lang)
        expected = poster_values(settings, issue, lang, qr=True)
        assert expected["join_url"] == f"http://localhost{'' if lang == 'nl' else '/' + lang}/kwesties/{SLUG}/"
        assert expected["join_url"] in markup
        assert html.unescape(re.search(r'<img src="([^"]+)"', markup)[1]) == expected["qr"]
        assert "Wat vinden jullie van buurthuis?" in markup
    assert "Wie vindt het ook belangrijk dat dit goed gaat?" in page(site, "uitnodiging")


def test_nothing_of_a_signup_reaches_the_site(site):
    for path in site["out"].rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in (SIGNUP_NAME, SIGNUP_EMAIL, SIGNUP_INTERPRETER):
                assert secret.encode() not in data, (secret, path)


def test_a_review_meeting_asks_the_three_questions(settings, db):
    adopted = read_issue(write_issue(settings, "na-het-plan", phase="adopted"), settings)
    number = meetings.announce(db, adopted, title="", place="Dorpshuis", options=[COMING], kind="review",
                               now=LONG_AGO)
    build(settings)
    words = text((Path(settings["OUTPUT_PATH"]) / "kwesties" / "na-het-plan" / "bijeenkomsten" / str(number) /
                  "index.html").read_text(encoding="utf-8"))
    assert "Evaluatiebijeenkomst" in words
    for question in meetings.REVIEW_QUESTIONS:
        assert question in words


def test_an_incremental_rebuild_writes_the_meetings_as_a_full_build_does(settings, db, issue, tmp_path):
    from participation.rebuild import Rebuilder

    from .test_rebuild import tree

    build(settings)
    rebuilder = Rebuilder(settings)
    number = announce(db, issue, COMING, COMING + datetime.timedelta(days=1))
    rebuilder.rebuild_pending()
    option = meetings.get(db, SLUG, number)["options"][0]["id"]
    meetings.fix_date(db, SLUG, number, option, now=LONG_AGO)
    join(db, "Ans", "resident", "2026-10", invited=True)
    rebuilder.rebuild_pending()
    incremental = tree(settings["OUTPUT_PATH"])
    assert f"kwesties/{SLUG}/bijeenkomsten/{number}.ics" in incremental
    settings["OUTPUT_PATH"] = str(tmp_path / "full")
    build(settings)
    full = tree(settings["OUTPUT_PATH"])
    assert sorted(incremental) == sorted(full)
    assert [name for name in full if full[name] != incremental[name]] == []
