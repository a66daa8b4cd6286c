"""The CSV files open right in Dutch Excel on a double-click (issue 13): UTF-8 with a byte
order mark, semicolons, stored codes as their Dutch words, ISO dates. The JSON keeps the codes.

Read from the bytes, as Excel gets them."""

import codecs
import csv
import datetime
import io
import json
import re
from pathlib import Path

import pytest

from participation import demo, opendata, plan, store
from participation.build import build
from participation.formats import LOCAL_TIME
from participation.issues import load_public_issues
from participation.labels import AGREEMENT_STATUSES, CHANNELS, DECISIONS, PHASES

from .conftest import AZC, FUND, ROOT
from .test_site_build import csv_rows, read

FILES = ("besluiten.csv", f"kwesties/{AZC}.csv", f"kwesties/{FUND}.csv")
TWO_LINES = 'Eerst de bakken; dan de bloemen.\nEn "samen" water geven.'


@pytest.fixture
def built(settings, db):
    """The demo's circles, plus an idea with everything a spreadsheet trips over, built."""
    demo.seed(db, settings)
    store.add_idea(db, AZC, title="=SOM(A1:A9)", body=TWO_LINES, cost=1200, author_name="-Piet", channel="door")
    build(settings)
    return settings


def raw(settings, name):
    return (Path(settings["OUTPUT_PATH"]) / name).read_bytes()


@pytest.mark.parametrize("name", FILES)
def test_starts_with_a_bom_and_round_trips_with_semicolons(built, name):
    data = raw(built, name)
    assert data.startswith(codecs.BOM_UTF8) and data.count(codecs.BOM_UTF8) == 1
    body = data[len(codecs.BOM_UTF8):].decode("utf-8")
    rows = list(csv.reader(io.StringIO(body, newline=""), delimiter=";"))
    assert len(rows) > 1 and len({len(row) for row in rows}) == 1  # every row as wide as the header
    assert "," not in body.split("\r\n", 1)[0]
    written = io.StringIO()
    csv.writer(written, delimiter=";", lineterminator="\r\n").writerows(rows)
    assert written.getvalue() == body  # written back the same way: nothing lost or split
    sample = "\r\n".join(body.split("\r\n")[:4])
    assert csv.Sniffer().sniff(sample, delimiters=";,").delimiter == ";"


def test_the_phase_is_in_dutch_words(built):
    rows = {row["kwestie"]: row for row in csv_rows(raw(built, "besluiten.csv"))}
    assert rows[FUND]["fase"] == PHASES["adopted"] == "gedragen plan"
    assert rows[AZC]["fase"] == PHASES["open"]
    for issue in load_public_issues(built):
        assert rows[issue.slug]["fase"] == issue.phase_label and rows[issue.slug]["fase"] not in PHASES


def test_channels_statuses_and_decisions_are_in_dutch_words(built):
    rows = csv_rows(raw(built, f"kwesties/{FUND}.csv"))
    latest = plan.verify(plan.plan_folder(built, FUND), FUND)[-1].data
    adopted = {r["id"]: r for r in rows if r["soort"] == "afspraak (aangenomen)"}
    responses = {r["id"]: r for r in rows if r["soort"] == "reactie gemeente"}
    for a in latest["agreements"]:
        assert adopted[a["id"]]["status"] == AGREEMENT_STATUSES[a["status"]]
        assert responses[a["id"]]["status"] == DECISIONS[a["response"]["decision"]]
    channels = {r["kanaal"] for r in rows if r["kanaal"]}
    assert channels and channels <= set(CHANNELS.values())
    objections = {r["id"]: r["status"] for r in rows if r["soort"] in ("bezwaar", "zorg")}
    assert objections == {"B1": "opgelost", "B2": "open"}  # a concern's open status does not say it blocks
    for code in ("planned", "in_progress", "done", "fund", "partly", "carry_out", "resolved", "paper", "door"):
        assert code not in {r["status"] for r in rows} | channels


def test_formulas_are_neutralised_and_text_with_semicolons_and_newlines_is_quoted(built):
    data = raw(built, f"kwesties/{AZC}.csv")
    [idea] = [r for r in csv_rows(data) if r["soort"] == "idee" and r["toelichting"] == TWO_LINES]
    assert (idea["tekst"], idea["naam"]) == ("'=SOM(A1:A9)", "'-Piet")
    assert (idea["kosten_euro"], idea["kanaal"]) == ("1200", "aan de deur")
    # One quoted cell: the semicolon and the line break stay inside it, the quotes doubled.
    assert ';"Eerst de bakken; dan de bloemen.\nEn ""samen"" water geven.";' in data.decode("utf-8-sig")


def test_dates_are_iso_and_times_dutch_local_time(built, db):
    rows = csv_rows(raw(built, f"kwesties/{FUND}.csv"))
    ideas = {f"I{i['number']}": i for i in store.ideas(db, FUND)}
    for row in rows:
        assert re.fullmatch(r"(\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?)?", row["datum"]), row["datum"]
        if row["soort"] == "idee":
            local = datetime.datetime.fromisoformat(ideas[row["id"]]["created_at"]).astimezone(LOCAL_TIME)
            assert row["datum"] == local.strftime("%Y-%m-%d %H:%M")
    [overview] = [r for r in csv_rows(raw(built, "besluiten.csv")) if r["kwestie"] == FUND]
    assert overview["laatst_aangenomen"] == "2026-03-17 21:30"  # version 3, adopted at the kringavond


def test_numbers_are_plain_and_decimals_get_a_comma():
    text = opendata.csv_text(["bedrag", "aandeel", "leeg"], [[95000, 2.5, None]])
    assert text == "\ufeffbedrag;aandeel;leeg\r\n95000;2,5;\r\n"


def test_the_json_keeps_the_codes(built):
    data = json.loads(read(built, f"kwesties/{FUND}.json"))
    assert (data["kwestie"]["phase"], data["kwestie"]["phase_label"]) == ("adopted", "gedragen plan")
    assert {a["status"] for a in data["plan"]} <= set(AGREEMENT_STATUSES)
    assert {i["channel"] for i in data["ideas"]} <= set(CHANNELS)
    assert not read(built, f"kwesties/{FUND}.json").startswith("\ufeff")


def test_the_export_command_writes_the_same_csv_as_the_site(built, tmp_path, monkeypatch):
    from participation import cli

    monkeypatch.setenv("SAMENPLAN_CONTENT", built["PATH"])
    monkeypatch.setenv("SAMENPLAN_DATABASE", built["SAMENPLAN_DATABASE"])
    cli.export(tmp_path / "export", str(ROOT / "pelicanconf.py"))
    for slug in (AZC, FUND):
        assert (tmp_path / "export" / f"{slug}.csv").read_bytes() == raw(built, f"kwesties/{slug}.csv")
