"""The `samenplan` command. tasks.py (invoke) calls the same functions.

    samenplan serve [--host 127.0.0.1] [--port 8000]   build, then serve site + endpoint
    samenplan build                                    full build into output/
    samenplan new <slug>                               a new kwestie from the template
    samenplan worker                                   only the rebuild worker (production)
    samenplan plan propose|adopt|verify|diff           see plan_commands.py
    samenplan user add <name> [--role professional]    an account for /beheer/
    samenplan export [--to export/]                    open data of every kwestie (JSON, CSV, schemas)
    samenplan erase <member>                           AVG: remove a person's data, keep contributions
"""

import argparse
import getpass
import logging
import os
import secrets
import signal
import sys

from . import plan_commands
from .settings import load_settings


def build(settings_file=None):
    from .build import build as full_build

    full_build(load_settings(settings_file))


def serve(settings_file=None, host="127.0.0.1", port=8000, ready=None, demo=False):
    """Build the whole site, then serve it, /deelnemen/ and /beheer/ in one process.

    Contributions trigger an incremental rebuild of their kwestie. With
    demo=True an empty database gets the demo's circles (demo.py) and a first
    coordinator account, so /beheer/ can be tried.
    """
    from werkzeug.serving import make_server

    from .build import build as full_build
    from .rebuild import Rebuilder
    from .web import create_app

    settings = load_settings(settings_file)
    if demo:
        _demo_circle(settings)
    full_build(settings)
    rebuilder = Rebuilder(settings).start()
    app = create_app(settings=settings, serve_site=True, rebuilder=rebuilder)
    server = make_server(host, port, app, threaded=True)
    # SIGTERM (e.g. from a test or a service manager) stops as cleanly as Ctrl+C.
    signal.signal(signal.SIGTERM, _raise_interrupt)
    print(f"samenplan draait op http://{host}:{server.server_port}/  (stoppen: Ctrl+C)", flush=True)
    if demo:
        password = _demo_account(settings)
        if password:
            print(f"Beheer: http://{host}:{server.server_port}/beheer/ — gebruiker coordinator, "
                  f"wachtwoord {password}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        rebuilder.stop()


def _demo_circle(settings):
    """The demo's circles, ideas and questions, once, into an empty database."""
    from . import db as database
    from . import demo

    db = database.connect(settings["SAMENPLAN_DATABASE"])
    try:
        if demo.seed(db, settings):
            print("Demo: kringen, ideeën en vragen toegevoegd aan de lege database.", flush=True)
    finally:
        db.close()


def _demo_account(settings):
    """Make the account `coordinator` when there is no account yet; returns its password."""
    from . import accounts, audit
    from . import db as database

    db = database.connect(settings["SAMENPLAN_DATABASE"])
    try:
        with database.write(db):
            if accounts.has_users(db, role="coordinator"):
                return None
            password = secrets.token_urlsafe(9)
            accounts.create_user(db, "coordinator", password, "coordinator", "Coördinator (demo)")
            audit.record(db, None, "create_user", None, "coordinator (coördinator, demo)")
        return password
    finally:
        db.close()


def add_user(username, role="coordinator", name="", organisation="", settings_file=None):
    """An account for /beheer/; the password from $SAMENPLAN_PASSWORD or asked twice."""
    from . import accounts, audit
    from . import db as database

    password = os.environ.get("SAMENPLAN_PASSWORD") or _ask_password()
    db = database.connect(load_settings(settings_file)["SAMENPLAN_DATABASE"])
    try:
        with database.write(db):
            accounts.create_user(db, username, password, role, name, organisation)
            audit.record(db, None, "create_user", None, f"{accounts.normalise_username(username)} "
                                                        f"({accounts.ROLES[role]})")
    finally:
        db.close()
    print(f"Account {accounts.normalise_username(username)} ({accounts.ROLES[role]}) is gemaakt.")


def _ask_password():
    password = getpass.getpass("Wachtwoord: ")
    if getpass.getpass("Wachtwoord nog een keer: ") != password:
        raise ValueError("De twee wachtwoorden zijn niet hetzelfde")
    return password


def _raise_interrupt(*_):
    raise KeyboardInterrupt


def worker(settings_file=None):
    """Run the rebuild worker in the foreground, e.g. beside gunicorn.

    It polls the site_changes table, so contributions stored by other
    processes reach the site too.
    """
    from .rebuild import Rebuilder

    rebuilder = Rebuilder(load_settings(settings_file))
    print("samenplan: rebuild worker draait (stoppen: Ctrl+C)", flush=True)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        rebuilder.run()
    except KeyboardInterrupt:
        pass


def new(slug, settings_file=None):
    """Create content/kwesties/<slug>/kwestie.md in phase draft; returns its path."""
    from .issues import new_issue

    path = new_issue(load_settings(settings_file), slug)
    print(f"Nieuwe kwestie: {path}")
    return path


def export(folder="export", settings_file=None):
    """Write the open data of every public kwestie into folder; returns the files written."""
    from pathlib import Path

    from . import consent, opendata
    from . import db as database
    from .issues import load_public_issues
    from .site.generator import SCHEMAS

    settings = load_settings(settings_file)
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    db = database.connect(settings["SAMENPLAN_DATABASE"])
    written = []
    try:
        for issue in load_public_issues(settings):
            versions = consent.plan_versions(settings, issue.slug, db)
            state = opendata.public_state(db, issue, versions, settings["SITEURL"])
            for suffix, text in ((".json", opendata.to_json(state)), (".csv", opendata.to_csv(state))):
                path = target / f"{issue.slug}{suffix}"
                path.write_text(text, encoding="utf-8", newline="")
                written.append(path)
        for schema in sorted(SCHEMAS.glob("*.json")):
            (target / schema.name).write_text(schema.read_text(encoding="utf-8"), encoding="utf-8")
            written.append(target / schema.name)
    finally:
        db.close()
    print(f"{len(written)} bestanden in {target}/")
    return written


def erase(member, settings_file=None):
    """AVG: remove a member's name and e-mail address; their contributions stay, anonymised."""
    from . import audit, store
    from . import db as database

    member_id = int(str(member).upper().removeprefix("L"))
    db = database.connect(load_settings(settings_file)["SAMENPLAN_DATABASE"])
    try:
        with database.write(db):
            slug = store.erase_member(db, member_id)
            if slug is None:
                raise ValueError(f"Lid {member_id} bestaat niet")
            audit.record(db, None, "erase", slug, f"lid {member_id}")
    finally:
        db.close()
    print(f"Gegevens van lid {member_id} verwijderd; de bijdragen blijven, zonder naam.")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="samenplan", description="Samen een plan maken.")
    parser.add_argument("--settings", help="Pelican-instellingen (standaard: ./pelicanconf.py)")
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("serve", help="bouw de site en start de server (de demo)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    commands.add_parser("build", help="bouw de hele site in output/")
    p = commands.add_parser("new", help="maak een nieuwe kwestie")
    p.add_argument("slug")
    commands.add_parser("worker", help="alleen het opnieuw bouwen na bijdragen (productie)")
    p = commands.add_parser("user", help="accounts voor /beheer/")
    user_commands = p.add_subparsers(dest="user_command", required=True)
    p = user_commands.add_parser("add", help="maak een account (wachtwoord: $SAMENPLAN_PASSWORD of gevraagd)")
    p.add_argument("username")
    p.add_argument("--role", choices=("coordinator", "professional"), default="coordinator")
    p.add_argument("--name", default="", help="naam bij antwoorden op de site")
    p.add_argument("--organisation", default="", help="bijvoorbeeld: Politie, wijkteam")
    p = commands.add_parser("export", help="open data van alle kwesties (JSON, CSV) in een map")
    p.add_argument("--to", default="export", help="map (standaard: export/)")
    p = commands.add_parser("erase", help="AVG: verwijder de gegevens van een lid (L12 of 12)")
    p.add_argument("member")
    plan_commands.add_parser(commands)
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "serve":
            serve(args.settings, args.host, args.port)
        elif args.command == "build":
            build(args.settings)
        elif args.command == "new":
            new(args.slug, args.settings)
        elif args.command == "worker":
            worker(args.settings)
        elif args.command == "user":
            add_user(args.username, args.role, args.name, args.organisation, args.settings)
        elif args.command == "export":
            export(args.to, args.settings)
        elif args.command == "erase":
            erase(args.member, args.settings)
        elif args.command == "plan":
            return plan_commands.run(args, load_settings(args.settings))
    except (FileNotFoundError, FileExistsError, ValueError) as error:
        print(f"samenplan: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
