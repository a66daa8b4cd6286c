"""A version nobody adopted is not a version: plan.verify against the heads recorded in
SQLite (plan_heads), `samenplan plan verify`, the plan page and the feed (issue 11)."""

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from participation import db as database
from participation import plan
from participation.build import build

from .conftest import FUND, ROOT
from .test_site_build import read, text

ATOM = "{http://www.w3.org/2005/Atom}"
DEMO = ROOT / "content" / "kwesties" / FUND / "plan"
COUNT = len(list(DEMO.glob("*.yaml")))
APPENDED = f"{COUNT + 1:04d}.yaml"
NOT_VERIFIED = "De controle van het plan is mislukt"
UNCONFIRMED = "Let op: deze versies zijn niet bevestigd"


def record_all(db, settings, slug=FUND):
    """Record the heads of the plan files as found (as the demo does)."""
    versions = plan.verify(plan.plan_folder(settings, slug), slug)
    with database.write(db):
        for version in versions:
            plan.record_head(db, slug, version)
    return versions


def append_by_hand(settings):
    """A next version with a correct `previous`, written beside the app: no head recorded."""
    folder = plan.plan_folder(settings, FUND)
    newest = plan.verify(folder, FUND)[-1]
    agreements = [dict(a, what="Geld naar de buurman") if a["id"] == "A1" else a for a in newest.data["agreements"]]
    return plan.write_version(folder, dict(newest.data, kind="status_update", consent_round=None,
                                           adopted_at="2027-06-01T10:00:00+00:00", agreements=agreements))


def run_verify(settings, *args):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "SAMENPLAN_CONTENT": settings["PATH"],
           "SAMENPLAN_DATABASE": settings["SAMENPLAN_DATABASE"]}
    return subprocess.run([sys.executable, "-m", "participation.cli", "--settings", str(ROOT / "pelicanconf.py"),
                           "plan", "verify", *args], capture_output=True, text=True, env=env, cwd=ROOT)


def plan_page(settings):
    return text(read(settings, f"kwesties/{FUND}/plan/index.html"))


# A version appended by hand --------------------------------------------------


def test_an_appended_version_without_a_head_fails_verify(settings, db):
    recorded = record_all(db, settings)
    appended = append_by_hand(settings)
    assert appended.filename == APPENDED and appended.data["previous"] == recorded[-1].sha256
    folder = plan.plan_folder(settings, FUND)
    assert len(plan.verify(folder, FUND)) == COUNT + 1  # the chain alone accepts it
    with pytest.raises(plan.PlanError) as caught:
        plan.verify(folder, FUND, plan.recorded_heads(db, FUND))
    assert not isinstance(caught.value, plan.UnrecordedPlan)
    assert str(caught.value) == f"{APPENDED} is niet aangenomen: deze installatie heeft er geen vastlegging van"


def test_any_version_without_a_head_fails_not_only_the_newest(settings, db):
    record_all(db, settings)
    with database.write(db):
        db.execute("delete from plan_heads where issue = ? and version = 2", [FUND])
    with pytest.raises(plan.PlanError, match=r"^0002\.yaml is niet aangenomen"):
        plan.verify(plan.plan_folder(settings, FUND), FUND, plan.recorded_heads(db, FUND))


def test_the_command_names_the_appended_version_and_exits_1(settings, db):
    record_all(db, settings)
    assert run_verify(settings, FUND).returncode == 0
    append_by_hand(settings)
    result = run_verify(settings, FUND)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{FUND}: FOUT: {APPENDED} is niet aangenomen" in result.stderr
    assert "keten klopt" not in result.stdout


def test_the_site_shows_a_plan_with_an_appended_version_as_not_verified(settings, db):
    record_all(db, settings)
    append_by_hand(settings)
    build(settings)
    page = plan_page(settings)
    assert NOT_VERIFIED in page and f"{APPENDED} is niet aangenomen" in page
    assert "(versie 1)" not in page and f"(versie {COUNT + 1})" not in page and "sha256:" not in page
    assert UNCONFIRMED not in page
    kwestie = text(read(settings, f"kwesties/{FUND}/index.html"))
    assert "Geld naar de buurman" not in kwestie and "Het plan (versie" not in kwestie
    published = Path(settings["OUTPUT_PATH"]) / "kwesties" / FUND / "plan"
    assert not (published / APPENDED).exists() and not (published / "0001.yaml").exists()


# No record at all ------------------------------------------------------------


def test_an_empty_record_is_not_success(settings, db):
    assert plan.recorded_heads(db, FUND) == {}
    folder = plan.plan_folder(settings, FUND)
    with pytest.raises(plan.UnrecordedPlan) as caught:
        plan.verify(folder, FUND, plan.recorded_heads(db, FUND))
    error = caught.value
    assert isinstance(error, plan.PlanError)
    assert [v.number for v in error.versions] == list(range(1, COUNT + 1))
    assert [v.sha256 for v in error.versions] == [v.sha256 for v in plan.verify(folder, FUND)]
    message = str(error)
    assert message.startswith(f"Versie 1 tot en met {COUNT}: de keten en het schema kloppen.")
    assert "niet vastgelegd" in message and "kan niet worden bevestigd" in message


def test_an_empty_record_still_checks_the_chain_first(settings, db):
    folder = plan.plan_folder(settings, FUND)
    path = folder / "0001.yaml"
    path.write_bytes(path.read_bytes().replace(b"Nieuw dak", b"Oud dak"))
    with pytest.raises(plan.PlanError, match="0002.yaml: de hash van 0001.yaml klopt niet") as caught:
        plan.verify(folder, FUND, {})
    assert not isinstance(caught.value, plan.UnrecordedPlan)


def test_none_still_means_chain_and_schema_only(settings):
    assert len(plan.verify(plan.plan_folder(settings, FUND), FUND, None)) == COUNT


def test_an_empty_record_without_version_files_is_fine(tmp_path):
    assert plan.verify(tmp_path / "plan", "leeg", {}) == []


def test_the_command_says_what_could_not_be_confirmed_and_exits_1(settings):
    result = run_verify(settings, FUND)
    assert result.returncode == 1, result.stdout + result.stderr
    line = next(line for line in result.stderr.splitlines() if line.startswith(f"{FUND}:"))
    assert line.startswith(f"{FUND}: NIET BEVESTIGD. Versie 1 tot en met {COUNT}: de keten en het schema kloppen.")
    assert "Daarom kan niet worden bevestigd" in line
    assert "keten klopt" not in result.stdout


def test_the_site_shows_unrecorded_versions_with_a_notice(settings):
    build(settings)
    page = plan_page(settings)
    assert UNCONFIRMED in page and "niet bijgehouden welke versies hier zijn aangenomen" in page
    assert NOT_VERIFIED not in page
    for version in plan.verify(plan.plan_folder(settings, FUND), FUND):
        assert f"(versie {version.number})" in page and version.sha256 in page
    kwestie = text(read(settings, f"kwesties/{FUND}/index.html"))
    assert f"Het plan (versie {COUNT})" in kwestie and "Let op: niet bevestigd." in kwestie


# Published hashes --------------------------------------------------------------


def test_the_feed_carries_the_sha256_of_every_version(settings, db):
    record_all(db, settings)
    build(settings)
    feed = ET.fromstring(read(settings, f"feeds/{FUND}.atom.xml").encode())
    summaries = {}
    for entry in feed.findall(f"{ATOM}entry"):
        found = re.search(r"plan versie (\d+),", entry.find(f"{ATOM}title").text)
        if found:
            summaries[int(found.group(1))] = entry.find(f"{ATOM}summary").text
    versions = plan.verify(plan.plan_folder(settings, FUND), FUND)
    assert sorted(summaries) == [v.number for v in versions]
    for version in versions:
        assert f"Controlegetal van {version.filename}: {version.sha256}" in summaries[version.number]
        others = [v.sha256 for v in versions if v is not version]
        assert not any(sha in summaries[version.number] for sha in others)


# Fully recorded ----------------------------------------------------------------


def test_a_fully_recorded_chain_verifies(settings, db):
    versions = record_all(db, settings)
    assert plan.verify(plan.plan_folder(settings, FUND), FUND, plan.recorded_heads(db, FUND)) == versions
    result = run_verify(settings, FUND)
    assert result.returncode == 0, result.stderr
    assert f"{FUND}: {COUNT} versie(s), keten klopt" in result.stdout and result.stderr == ""
    build(settings)
    page = plan_page(settings)
    assert UNCONFIRMED not in page and NOT_VERIFIED not in page
    assert all(v.sha256 in page for v in versions)
    assert "niet bevestigd" not in text(read(settings, f"kwesties/{FUND}/index.html"))

