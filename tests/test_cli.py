"""The `samenplan` command line: every command listed in --help, usage errors exit 2, exit codes reach the shell."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from participation import cli

from .conftest import ROOT

# The real console script from the venv, so the [project.scripts] entry point is tested too.
SAMENPLAN = Path(sys.executable).parent / "samenplan"
COMMANDS = {"serve", "build", "new", "worker", "plan", "user", "export", "erase", "backup", "restore", "digest", "remind",
            "search-index"}
PLAN_COMMANDS = {"propose", "adopt", "verify", "diff"}


def run(*args, folder):
    """The console script with its data in folder; a timeout, so a command that wrongly starts cannot hang."""
    env = dict(os.environ, SAMENPLAN_DATABASE=str(folder / "db.sqlite"), SAMENPLAN_OUTPUT=str(folder / "output"),
               SAMENPLAN_PASSWORD="een lang genoeg wachtwoord")
    return subprocess.run([str(SAMENPLAN), *args], check=False, capture_output=True, text=True, env=env, cwd=folder,
                          timeout=120)


def listed_commands(help_text):
    """{command: its one-line help} from the Commands: section of --help."""
    section = help_text.split("Commands:", 1)[1]
    return dict((line.split(None, 1) + [""])[:2] for line in section.splitlines() if line.strip())


def test_help_lists_every_command_with_its_help(tmp_path):
    assert SAMENPLAN.is_file()
    result = run("--help", folder=tmp_path)
    assert result.returncode == 0, result.stderr
    listed = listed_commands(result.stdout)
    assert set(listed) == COMMANDS
    assert all(help_text.strip() for help_text in listed.values())
    assert "--settings" in result.stdout


def test_plan_help_lists_the_plan_commands(tmp_path):
    result = run("plan", "--help", folder=tmp_path)
    assert result.returncode == 0, result.stderr
    listed = listed_commands(result.stdout)
    assert set(listed) == PLAN_COMMANDS
    assert all(help_text.strip() for help_text in listed.values())
    assert listed_commands(run("plan", "-h", folder=tmp_path).stdout) == listed  # -h, as with argparse


@pytest.mark.parametrize("args, message", [
    (["user", "add", "marieke", "--role", "baas"], "'baas' is not one of"),
    (["serve", "--port", "70000"], "--port"),
    (["serve", "--port", "acht"], "--port"),
    (["plan", "propose", "speeltuin", "A1", "--until", "14-01-2027"], "'14-01-2027' is geen datum"),
    (["plan", "propose", "speeltuin", "A1"], "--until"),
    (["plan", "diff", "speeltuin", "een", "2"], "'een'"),
    (["plan"], "Commands:"),
    ([], "Missing command"),
])
def test_a_bad_value_is_a_usage_error_not_a_traceback(tmp_path, args, message):
    result = run("--settings", str(ROOT / "pelicanconf.py"), *args, folder=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Usage: samenplan" in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "db.sqlite").exists()  # nothing ran


def test_a_failing_command_exits_1_through_the_console_script(tmp_path):
    result = run("--settings", str(tmp_path / "nergens.py"), "build", folder=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("samenplan: ") and "nergens.py" in result.stderr


def test_main_returns_the_exit_code_instead_of_exiting(capsys):
    assert cli.main(["plan", "propose", "speeltuin", "A²", "--until", "2027-01-14"]) == 2
    assert "'A²' is geen afspraak" in capsys.readouterr().err
    assert cli.main(["--help"]) == 0
    assert "Samen een plan maken." in capsys.readouterr().out
