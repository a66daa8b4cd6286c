"""`samenplan plan propose|adopt|verify|diff`: the plan on the command line.

    samenplan plan propose <slug> A1 A2 --until 2027-01-14   open a consent round
    samenplan plan adopt <slug> [--meeting "Dorpsavond 14 jan"]
    samenplan plan verify [<slug>]      exit 1 naming the first altered or missing version
    samenplan plan diff <slug> 1 2      what changed, agreement by agreement
"""

import argparse
import datetime
import sys

from . import audit, consent, phases, plan
from . import db as database
from .forms import parse_number
from .issues import issue_files, read_issue


def agreement_number(text):
    """'A2' or '2' -> 2, for argparse; anything else is a usage error that says what to type."""
    number = parse_number(text, "A")
    if number is None:
        raise argparse.ArgumentTypeError(f"{text!r} is geen afspraak; schrijf A1, A2, …")
    return number


def add_parser(commands):
    p = commands.add_parser("plan", help="het plan: ronde openen, aannemen, controleren, vergelijken")
    sub = p.add_subparsers(dest="plan_command", required=True)
    propose = sub.add_parser("propose", help="open een ronde over afspraken uit het concept-plan")
    propose.add_argument("slug")
    propose.add_argument("agreements", nargs="+", type=agreement_number, help="A1 A2 …")
    propose.add_argument("--until", required=True, type=datetime.date.fromisoformat, help="laatste dag, JJJJ-MM-DD")
    adopt = sub.add_parser("adopt", help="neem de versie aan (kan niet bij een open bezwaar)")
    adopt.add_argument("slug")
    adopt.add_argument("--meeting", help="waar het besluit viel")
    verify = sub.add_parser("verify", help="controleer de keten van versies")
    verify.add_argument("slug", nargs="?")
    diff = sub.add_parser("diff", help="wat veranderde tussen twee versies")
    diff.add_argument("slug")
    diff.add_argument("a", type=int)
    diff.add_argument("b", type=int)


def run(args, settings):
    """Run a plan command; returns the exit code."""
    if args.plan_command == "verify":
        return verify(settings, args.slug)
    if args.plan_command == "diff":
        return show_diff(settings, args.slug, args.a, args.b)
    issue = find(settings, args.slug)
    db = database.connect(settings["SAMENPLAN_DATABASE"])
    try:
        if args.plan_command == "propose":
            numbers = args.agreements
            with database.write(db):
                consent.open_round(db, issue.slug, numbers, consent.end_of_day(args.until))
                audit.record(db, None, "open_round", issue.slug, f"{', '.join(f'A{n}' for n in numbers)} tot {args.until}")
            print(f"Ronde geopend over {', '.join(f'A{n}' for n in numbers)} tot en met {args.until}. "
                  "Leden met een bevestigd e-mailadres krijgen bericht als de ronde in /beheer/ wordt geopend.")
        elif args.plan_command == "adopt":
            with database.write(db):
                version = consent.adopt(db, settings, issue, meeting=args.meeting)
                audit.record(db, None, "adopt", issue.slug, f"versie {version.number}, {version.sha256}")
                if issue.phase == "proposing":
                    phases.set_phase(settings, issue, "adopted")
                    audit.record(db, None, "phase", issue.slug, "proposing → adopted")
            print(f"Versie {version.number} aangenomen: {version.path} ({version.sha256})")
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
    """Check chain, schema and the hashes recorded at adoption; 1 when anything is wrong."""
    slugs = [slug] if slug else [p.parent.name for p in issue_files(settings)]
    failed = 0
    db = database.connect(settings["SAMENPLAN_DATABASE"])
    for name in slugs:
        try:
            versions = consent.plan_versions(settings, name, db)
            print(f"{name}: {len(versions)} versie(s), keten klopt")
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
