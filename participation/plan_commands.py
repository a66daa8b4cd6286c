"""`samenplan plan propose|adopt|verify|diff`: the plan on the command line (see `samenplan plan --help`).

Each command returns its exit code: `verify` exits 1 naming the first altered, missing or
unrecorded version, and also when there is no record of the adoptions at all.
"""

import datetime
import sys

import click

from . import audit, consent, phases, plan
from . import db as database
from .forms import parse_number
from .issues import issue_files, read_issue
from .settings import load_settings


class AgreementNumber(click.ParamType):
    """'A2' or '2' -> 2; anything else is a usage error that says what to type."""

    name = "afspraak"

    def convert(self, value, param, ctx):
        number = value if isinstance(value, int) else parse_number(value, "A")
        if number is None:
            self.fail(f"{value!r} is geen afspraak; schrijf A1, A2, …", param, ctx)
        return number


class IsoDate(click.ParamType):
    """'2027-01-14' -> a date (click.DateTime would give a datetime, printed with 00:00:00)."""

    name = "JJJJ-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is geen datum; schrijf JJJJ-MM-DD", param, ctx)


@click.group("plan", help="het plan: ronde openen, aannemen, controleren, vergelijken")
def plan_group():
    pass


# The settings file comes from `samenplan --settings` (click's ctx.obj); each command returns its exit code.


@plan_group.command("propose", help="open een ronde over afspraken uit het concept-plan")
@click.argument("slug")
@click.argument("agreements", nargs=-1, required=True, type=AgreementNumber(), metavar="A1 A2 …")
@click.option("--until", required=True, type=IsoDate(), help="laatste dag, JJJJ-MM-DD")
@click.pass_obj
def propose_command(settings_file, slug, agreements, until):
    return propose(load_settings(settings_file), slug, list(agreements), until)


@plan_group.command("adopt", help="neem de versie aan (kan niet bij een open bezwaar)")
@click.argument("slug")
@click.option("--meeting", help="waar het besluit viel")
@click.pass_obj
def adopt_command(settings_file, slug, meeting):
    return adopt(load_settings(settings_file), slug, meeting)


@plan_group.command("verify", help="controleer de keten van versies")
@click.argument("slug", required=False)
@click.pass_obj
def verify_command(settings_file, slug):
    return verify(load_settings(settings_file), slug)


@plan_group.command("diff", help="wat veranderde tussen twee versies")
@click.argument("slug")
@click.argument("a", type=click.INT)
@click.argument("b", type=click.INT)
@click.pass_obj
def diff_command(settings_file, slug, a, b):
    return show_diff(load_settings(settings_file), slug, a, b)


def propose(settings, slug, numbers, until):
    """Open a consent round over agreements `numbers` until the end of `until`; returns the exit code."""
    def open_round(db, issue):
        agreements = ", ".join(f"A{n}" for n in numbers)
        with database.write(db):
            consent.open_round(db, issue, numbers, consent.end_of_day(until))
            audit.record(db, None, "open_round", issue.slug, f"{agreements} tot {until}")
        print(f"Ronde geopend over {agreements} tot en met {until}. "
              "Leden met een bevestigd e-mailadres krijgen bericht als de ronde in /beheer/ wordt geopend.")

    return _on_issue(settings, slug, open_round)


def adopt(settings, slug, meeting=None):
    """Adopt the draft plan as the next version (proposing -> adopted); returns the exit code."""
    def adopt_version(db, issue):
        with database.write(db):
            version = consent.adopt(db, settings, issue, meeting=meeting)
            audit.record(db, None, "adopt", issue.slug, f"versie {version.number}, {version.sha256}")
            if issue.phase == "proposing":
                phases.set_phase(settings, issue, "adopted")
                audit.record(db, None, "phase", issue.slug, "proposing → adopted")
        print(f"Versie {version.number} aangenomen: {version.path} ({version.sha256})")

    return _on_issue(settings, slug, adopt_version)


def _on_issue(settings, slug, action):
    """action(db, issue) for kwestie slug; a ConsentError (e.g. an open objection) is printed as is, exit 1."""
    issue = find(settings, slug)
    db = database.connect(settings["SAMENPLAN_DATABASE"])
    try:
        action(db, issue)
    except consent.ConsentError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        db.close()
    return 0


def find(settings, slug):
    for path in issue_files(settings):
        if path.parent.name == slug:
            return read_issue(path, settings)
    raise ValueError(f"Kwestie {slug!r} bestaat niet")


def verify(settings, slug=None):
    """Check chain, schema and the hashes recorded at adoption; 1 when anything is wrong
    or cannot be confirmed (version files, but no record of their adoption in this database)."""
    slugs = [slug] if slug else [p.parent.name for p in issue_files(settings)]
    failed = 0
    db = database.connect(settings["SAMENPLAN_DATABASE"])
    for name in slugs:
        try:
            versions = consent.plan_versions(settings, name, db)
            print(f"{name}: {len(versions)} versie(s), keten klopt")
        except plan.UnrecordedPlan as error:
            print(f"{name}: NIET BEVESTIGD. {error}", file=sys.stderr)
            failed += 1
        except plan.PlanError as error:
            print(f"{name}: FOUT: {error}", file=sys.stderr)
            failed += 1
    db.close()
    return 1 if failed else 0


def show_diff(settings, slug, a, b):
    try:
        versions = {v.number: v for v in consent.plan_versions(settings, slug)}
    except plan.PlanError as error:
        print(f"{slug}: FOUT: {error}", file=sys.stderr)
        return 1
    missing = [n for n in (a, b) if n not in versions]
    if missing:
        print(f"{slug}: versie {missing[0]} bestaat niet", file=sys.stderr)
        return 1
    for kind, agreement, fields in plan.diff(versions[a].data, versions[b].data):
        if kind != "changed":
            print(f"{'+' if kind == 'added' else '-'} {agreement}")
            continue
        for field, old, new in fields:
            print(f"~ {agreement}.{field}: {old!r} -> {new!r}")
    return 0
