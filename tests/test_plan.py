"""Plan version files: schema, hash chain, verify, diff; the `samenplan plan` command."""

import shutil
import subprocess
import sys

import pytest
import yaml

from participation import plan

from .conftest import FUND, ROOT
from .support import read_kwestie


DEMO = ROOT / "content" / "kwesties" / FUND / "plan"
NUMBERS = [int(p.stem) for p in sorted(DEMO.glob("*.yaml"))]


@pytest.fixture
def folder(tmp_path):
    """A copy of the demo fund's plan versions."""
    target = tmp_path / "plan"
    shutil.copytree(ROOT / "content" / "kwesties" / FUND / "plan", target)
    return target


def test_the_demo_chain_checks_out(folder):
    versions = plan.verify(folder, FUND)
    assert len(versions) >= 3 and [v.number for v in versions] == list(range(1, len(versions) + 1))
    assert versions[0].data["previous"] is None
    for earlier, later in zip(versions, versions[1:]):
        assert later.data["previous"] == earlier.sha256


@pytest.mark.parametrize("number", NUMBERS)
def test_altering_one_byte_of_any_version_fails(folder, number):
    # The hashes as recorded at adoption (in SQLite); the newest file has no
    # successor carrying its hash, so only this record can show it changed.
    heads = {v.number: v.sha256 for v in plan.verify(folder, FUND)}
    path = folder / f"{number:04d}.yaml"
    raw = bytearray(path.read_bytes())
    position = raw.index(b"what: ") + 6
    raw[position] = ord("X") if raw[position] != ord("X") else ord("Y")
    path.write_bytes(bytes(raw))
    with pytest.raises(plan.PlanError, match=f"{number:04d}.yaml"):
        plan.verify(folder, FUND, heads)
    if number < NUMBERS[-1]:  # the chain alone catches all but the newest
        with pytest.raises(plan.PlanError):
            plan.verify(folder, FUND)


def test_deleting_the_newest_version_fails_against_recorded_heads(folder):
    heads = {v.number: v.sha256 for v in plan.verify(folder, FUND)}
    newest = f"{NUMBERS[-1]:04d}.yaml"
    (folder / newest).unlink()
    with pytest.raises(plan.PlanError, match=f"{newest} ontbreekt"):
        plan.verify(folder, FUND, heads)


def test_deleting_a_version_fails(folder):
    (folder / "0002.yaml").unlink()
    with pytest.raises(plan.PlanError, match="0002.yaml ontbreekt"):
        plan.verify(folder, FUND)


def test_reordering_versions_fails(folder):
    two, three = (folder / "0002.yaml").read_bytes(), (folder / "0003.yaml").read_bytes()
    (folder / "0002.yaml").write_bytes(three)
    (folder / "0003.yaml").write_bytes(two)
    with pytest.raises(plan.PlanError):
        plan.verify(folder, FUND)


def test_a_version_that_breaks_the_schema_is_refused(folder):
    path = folder / "0001.yaml"
    data = yaml.safe_load(path.read_bytes())
    data["agreements"][0]["status"] = "misschien"
    path.write_bytes(plan.dump(data))
    with pytest.raises(plan.PlanError, match="agreements/0/status"):
        plan.load_versions(folder)


def test_write_version_chains_and_never_overwrites(tmp_path):
    data = {"issue": "x", "adopted_at": "2026-01-01T20:00:00+01:00", "kind": "adoption",
            "circle": {"members": 3, "relations": {"resident": 3}}, "consent_round": None,
            "agreements": [{"id": "A1", "what": "Koffie", "status": "planned"}],
            "budget": {"available": None, "allocated": 0}}
    first = plan.write_version(tmp_path, data)
    second = plan.write_version(tmp_path, data)
    assert (first.number, second.number) == (1, 2)
    assert second.data["previous"] == first.sha256
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0001.yaml", "0002.yaml"]  # no temp files left
    with pytest.raises(plan.PlanError):
        plan.write_version(tmp_path, dict(data, agreements=[{"id": "A1", "what": "", "status": "planned"}]))
    assert len(plan.verify(tmp_path)) == 2


def test_libyaml_is_used_when_present():
    if getattr(yaml, "__with_libyaml__", False):
        assert plan.Loader is yaml.CSafeLoader and plan.Dumper is yaml.CSafeDumper
    else:
        assert plan.Loader is yaml.SafeLoader


def test_diff_and_plain_description(folder):
    versions = plan.verify(folder)
    pairs = list(zip(versions, versions[1:]))
    added = [(a, b) for a, b in pairs if ("added", "A4", None) in plan.diff(a.data, b.data)]
    assert len(added) == 1 and added[0][1].data["kind"] == "adoption"
    done = next((a, b) for a, b in pairs if any(c[1] == "A2" and ("status", "planned", "done") in c[2]
                                                for c in plan.diff(a.data, b.data) if c[0] == "changed"))
    assert "A2: status van ‘gepland’ naar ‘klaar’." in plan.describe(plan.diff(done[0].data, done[1].data))
    last = versions[-1].data
    removed = plan.diff(last, dict(last, agreements=last["agreements"][:1]))
    assert {c[1] for c in removed if c[0] == "removed"} == {a["id"] for a in last["agreements"][1:]}


def test_the_description_can_name_each_agreement_by_its_title(folder):
    from participation.site.pages import agreement_titles

    last = plan.verify(folder)[-1].data
    renamed = [dict(last["agreements"][0], what="Nieuw dak, met zonnepanelen", status="done")]
    shorter = dict(last, agreements=renamed)
    lines = plan.describe(plan.diff(last, shorter), shorter, titles=agreement_titles(last, shorter))
    assert "A1 (Nieuw dak, met zonnepanelen): status van ‘bezig’ naar ‘klaar’." in lines  # the newest title
    assert "A2 (Jeu-de-boulesbaan en drie bankjes bij de kerk) is uit het plan gehaald." in lines  # its last title
    # Without titles the sentences stay as the feed and the mail have them.
    assert "A2 is uit het plan gehaald." in plan.describe(plan.diff(last, shorter), shorter)


def run_cli(*args, settings_env=None):
    return subprocess.run([sys.executable, "-m", "participation.cli", "--settings", str(ROOT / "pelicanconf.py"),
                           "plan", *args], capture_output=True, text=True, env=settings_env)


def test_plan_verify_command_exits_non_zero_naming_the_version(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    env = {"SAMENPLAN_CONTENT": str(content), "SAMENPLAN_DATABASE": str(tmp_path / "db.sqlite"), "PATH": "/usr/bin:/bin"}
    # A fresh database holds no record of the adoptions: the chain checks out, but that is not enough.
    unconfirmed = run_cli("verify", settings_env=env)
    assert unconfirmed.returncode == 1
    assert f"{FUND}: NIET BEVESTIGD. Versie 1 tot en met {len(NUMBERS)}: de keten en het schema kloppen" in unconfirmed.stderr
    path = content / "kwesties" / FUND / "plan" / "0001.yaml"
    path.write_bytes(path.read_bytes().replace(b"Nieuw dak", b"Oud dak"))
    broken = run_cli("verify", FUND, settings_env=env)
    assert broken.returncode == 1 and "0002.yaml" in broken.stderr  # 0002 carries 0001's old hash
    diff = run_cli("diff", FUND, "1", "2", settings_env=env)
    assert diff.returncode == 1  # a broken chain is not diffed


def test_an_odd_agreement_number_on_the_command_line_is_a_usage_error(tmp_path):
    result = run_cli("propose", "azc-cafe-de-zwaan", "A²", "--until", "2099-12-31",
                     settings_env={"SAMENPLAN_DATABASE": str(tmp_path / "db.sqlite"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 2 and "'A²' is geen afspraak" in result.stderr and "Traceback" not in result.stderr


def test_propose_and_adopt_on_the_command_line(tmp_path):
    from participation import consent, store
    from participation import db as database
    from participation.settings import load_settings

    from .support import write_issue

    content = tmp_path / "content"
    write_issue(content, "speeltuin", phase="proposing", budget="5000")
    env = {"SAMENPLAN_CONTENT": str(content), "SAMENPLAN_DATABASE": str(tmp_path / "db.sqlite"), "PATH": "/usr/bin:/bin"}
    settings = load_settings(ROOT / "pelicanconf.py", override={"PATH": str(content),
                                                                "SAMENPLAN_DATABASE": str(tmp_path / "db.sqlite")})
    db = database.connect(settings["SAMENPLAN_DATABASE"])
    member = store.add_member(db, "speeltuin", name="Ans", relation="resident")
    issue = read_kwestie(settings, "speeltuin")
    consent.propose_agreement(db, settings, issue, what="Schommel", cost=900)
    proposed = run_cli("propose", "speeltuin", "A1", "--until", "2099-12-31", settings_env=env)
    assert proposed.returncode == 0, proposed.stderr
    consent.respond(db, issue, member, "objection", reason="Te dicht bij de weg", agreement_number=1)
    refused = run_cli("adopt", "speeltuin", settings_env=env)
    assert refused.returncode == 1 and "A1 heeft een open bezwaar (B1)" in refused.stderr
    consent.withdraw(db, issue, 1, member_id=member)
    adopted = run_cli("adopt", "speeltuin", "--meeting", "Buurtavond", settings_env=env)
    assert adopted.returncode == 0, adopted.stderr
    assert (content / "kwesties" / "speeltuin" / "plan" / "0001.yaml").is_file()
    assert "Phase: adopted" in (content / "kwesties" / "speeltuin" / "kwestie.md").read_text()
    actions = [r[0] for r in db.execute("select action from audit_log order by id")]
    assert actions == ["open_round", "adopt", "phase"]
    assert run_cli("verify", "speeltuin", settings_env=env).returncode == 0


def test_versions_written_with_dutch_keys_stay_valid_and_read_in_english(folder):
    """Until the stored values became English, plan files said 'buurtbewoner' and 'financieren'.
    Those files are never rewritten (their bytes are the record); they read in today's keys."""
    raw = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert b"buurtbewoner" in raw["0001.yaml"] and b"financieren" in raw[f"{NUMBERS[-1]:04d}.yaml"]
    versions = plan.verify(folder, FUND)
    newest = versions[-1].data
    assert "resident" in newest["circle"]["relations"] and "buurtbewoner" not in newest["circle"]["relations"]
    decisions = {a["response"]["decision"] for a in newest["agreements"] if a.get("response")}
    assert decisions and decisions <= {"carry_out", "fund", "partly", "decline"}
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == raw  # reading changed no byte

    following = plan.write_version(folder, dict(newest, kind="status_update", consent_round=None))
    written = following.path.read_text(encoding="utf-8")
    assert "resident:" in written and "decision: fund" in written
    assert "buurtbewoner" not in written and "financieren" not in written
    assert len(plan.verify(folder, FUND)) == len(NUMBERS) + 1


def test_propose_and_adopt_are_refused_outside_the_plan_phases(tmp_path):
    """The phase rule lives in consent.py, so the command line obeys it as /beheer/ does."""
    from participation import db as database
    from participation import store

    from .support import write_issue

    content = tmp_path / "content"
    write_issue(content, "speeltuin", phase="open", budget="5000")
    env = {"SAMENPLAN_CONTENT": str(content), "SAMENPLAN_DATABASE": str(tmp_path / "db.sqlite"), "PATH": "/usr/bin:/bin"}
    db = database.connect(tmp_path / "db.sqlite")
    store.add_agreement(db, "speeltuin", what="Schommel", cost=900)  # as if drafted before the phase went back
    proposed = run_cli("propose", "speeltuin", "A1", "--until", "2099-12-31", settings_env=env)
    assert proposed.returncode == 1
    assert "kunnen alleen in de fase ‘concept-plan’ of ‘gedragen plan’" in proposed.stderr
    assert "fase ‘We willen samen een plan maken’" in proposed.stderr
    assert db.execute("select count(*) from consent_rounds").fetchone()[0] == 0
    adopted = run_cli("adopt", "speeltuin", settings_env=env)
    assert adopted.returncode == 1 and "kunnen alleen in de fase" in adopted.stderr
    assert not (content / "kwesties" / "speeltuin" / "plan").exists()
    assert "Phase: open" in (content / "kwesties" / "speeltuin" / "kwestie.md").read_text()
