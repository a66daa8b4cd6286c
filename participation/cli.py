"""The `samenplan` command, with click: `samenplan --help` lists every command.

Each command is a small click function that calls a plain function below;
tasks.py (invoke) and the tests call those plain functions directly.
"""

import getpass
import logging
import os
import secrets
import signal
import sqlite3
import sys

import click

from . import plan_commands
from .db import Busy
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
    # Bind first: with port 0 the system picks one, and links in mail, feeds and on the poster
    # must name the address this server really answers on when none is configured.
    server = make_server(host, port, None, threaded=True)
    if not settings["SAMENPLAN_PUBLIC_URL"] and not settings["SITEURL"]:
        settings["SAMENPLAN_PUBLIC_URL"] = f"http://{host}:{server.server_port}"
    if demo:
        _demo_circle(settings)
    full_build(settings)
    rebuilder = Rebuilder(settings).start()
    server.app = create_app(settings=settings, serve_site=True, rebuilder=rebuilder)
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


def disable_user(username, settings_file=None, disabled=True):
    """Disable an account (no login, every open session ends), or enable it again."""
    from . import accounts, audit
    from . import db as database

    db = database.connect(load_settings(settings_file)["SAMENPLAN_DATABASE"])
    try:
        with database.write(db):
            user = accounts.set_disabled(db, username, disabled)
            audit.record(db, None, "disable_user" if disabled else "enable_user", None, user["username"])
    finally:
        db.close()
    print(f"Account {user['username']} is uitgezet; wie ermee was ingelogd, is uitgelogd." if disabled
          else f"Account {user['username']} staat weer aan.")


def set_password(username, settings_file=None):
    """A new password for an account, from $SAMENPLAN_PASSWORD or asked twice; every session ends."""
    from . import accounts, audit
    from . import db as database

    db = database.connect(load_settings(settings_file)["SAMENPLAN_DATABASE"])
    try:
        user = accounts.find_user(db, username)  # before asking for a password it cannot use
        password = os.environ.get("SAMENPLAN_PASSWORD") or _ask_password()
        with database.write(db):
            accounts.set_password(db, user["username"], password)
            audit.record(db, None, "set_password", None, user["username"])
    finally:
        db.close()
    print(f"Account {user['username']} heeft een nieuw wachtwoord; wie ermee was ingelogd, is uitgelogd.")


def _ask_password():
    password = getpass.getpass("Wachtwoord: ")
    if getpass.getpass("Wachtwoord nog een keer: ") != password:
        raise ValueError("De twee wachtwoorden zijn niet hetzelfde")
    return password


def _raise_interrupt(*_):
    raise KeyboardInterrupt


WORKER_NICENESS = 10  # residents' answers first: the site may lag a moment when the machine is busy


def worker(settings_file=None):
    """Run the rebuild worker in the foreground, e.g. beside gunicorn.

    It watches the database for commits (PRAGMA data_version), so contributions
    stored by other processes reach the site too. It runs at a lower priority
    than the web workers, so under load the forms keep answering quickly. SIGTERM
    lets it finish the file it is writing and stop.
    """
    from .rebuild import Rebuilder

    os.nice(WORKER_NICENESS)
    rebuilder = Rebuilder(load_settings(settings_file))
    print("samenplan: rebuild worker draait (stoppen: Ctrl+C)", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: rebuilder.stop())
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

    from . import consent, opendata, plan
    from . import db as database
    from .issues import load_public_issues
    from .site.data import SCHEMAS

    settings = load_settings(settings_file)
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    db = database.connect(settings["SAMENPLAN_DATABASE"])
    written = []
    try:
        for issue in load_public_issues(settings):
            try:
                versions = consent.plan_versions(settings, issue.slug, db)
            except plan.UnrecordedPlan as error:  # as the site does: shown, with the chain checked
                versions = error.versions
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
    """AVG: remove a member's name and e-mail address; their contributions stay, anonymised.

    The name also goes from contributions signed with it in the same kwestie without
    a member (store.erase_details), mail to the address from the outbox, and the old
    pages from the database file and its write-ahead log (secure_delete, VACUUM, a
    TRUNCATE checkpoint). The kwestie is queued for a rebuild."""
    from . import audit, store
    from . import db as database

    settings = load_settings(settings_file)
    member_id = int(str(member).upper().removeprefix("L"))
    db = database.connect(settings["SAMENPLAN_DATABASE"])
    try:
        with database.write(db):
            erased = store.erase_details(db, member_id)
            if erased is None:
                raise ValueError(f"Lid {member_id} bestaat niet")
            audit.record(db, None, "erase", erased["issue"], f"lid {member_id}")
        # secure_delete (db.connect) zeroed the cells the update freed; VACUUM rewrites every
        # page, so no copy left behind in a page's free space by an earlier page split survives;
        # the TRUNCATE checkpoint writes it all to the file and empties the write-ahead log.
        try:
            db.execute("VACUUM")
            busy = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        except sqlite3.OperationalError:  # another process kept writing past the busy timeout
            busy = True
        in_log = _audit_entries_naming(db, erased)
    finally:
        db.close()
    mails = _erase_outbox(settings, erased["email"])
    name = "naam en e-mailadres" if erased["email"] else "naam (geen e-mailadres bekend)"
    print(f"Lid {member_id}: {name} weg. Zonder naam nu: als lid {_counted(erased['by_member'])}; "
          f"met de naam ‘{erased['name']}’ ondertekend zonder lid te zijn (zelfde kwestie): "
          f"{_counted(erased['by_name'])}. {mails} {'mail' if mails == 1 else 'mails'} uit de outbox verwijderd. "
          f"Kwestie {erased['issue']} wordt opnieuw gebouwd.")
    if busy:
        print("Let op: een ander proces las of schreef nog, dus oude pagina's kunnen nog in de database of het "
              "write-ahead log (samenplan.db-wal) staan; stop de server en de worker en draai erase nog eens.",
              file=sys.stderr)
    if in_log:
        print(f"Let op: het logboek (alleen toevoegen, niet te wissen) noemt de naam of het adres in "
              f"regel(s) {', '.join(map(str, in_log))}.", file=sys.stderr)


# Dutch singular and plural of each kind of contribution, in store.KINDS order.
CONTRIBUTION_NOUNS = {"ideas": ("idee", "ideeën"), "questions": ("vraag", "vragen"),
                      "objections": ("bezwaar", "bezwaren")}


def _counted(counts):
    """{"ideas": 1, "questions": 2} -> '1 idee en 2 vragen'; nothing -> 'geen bijdragen'."""
    parts = [f"{n} {CONTRIBUTION_NOUNS[table][n != 1]}" for table, n in counts.items() if n]
    if not parts:
        return "geen bijdragen"
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} en {parts[-1]}"


def _audit_entries_naming(db, erased):
    """Ids of audit_log entries that name the erased person or address (there should be none)."""
    import re

    words = [w for w in (erased["name"], erased["email"]) if w and w.strip()]
    if not words:
        return []
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(w.strip())}(?!\w)" for w in words), re.IGNORECASE)
    return [row[0] for row in db.execute("select id, username, detail from audit_log")
            if any(pattern.search(text or "") for text in row[1:])]


def _erase_outbox(settings, address):
    """Delete the outbox's .eml files addressed To address; returns how many."""
    from email.parser import BytesHeaderParser
    from email.utils import getaddresses
    from pathlib import Path

    folder = Path(settings["SAMENPLAN_OUTBOX"])
    if not address or not folder.is_dir():
        return 0
    deleted = 0
    for path in sorted(folder.glob("*.eml")):
        with path.open("rb") as f:
            to = BytesHeaderParser().parse(f).get_all("To", [])
        if any(addr.strip().casefold() == address.strip().casefold() for _, addr in getaddresses(to)):
            path.unlink()
            deleted += 1
    return deleted


def backup(dest, settings_file=None):
    """Copy the live database (SQLite's backup API) and content/ into dest, with a manifest; exit code."""
    from . import backup as backups

    try:
        manifest = backups.backup(load_settings(settings_file), dest)
    except backups.BackupError as error:
        print(f"samenplan: {error}", file=sys.stderr)
        return 1
    files = len(manifest["files"]) - 1
    print(f"Backup gemaakt in {dest}: {backups.DATABASE} en {files} bestanden uit content/, "
          f"met {backups.MANIFEST} (tijd {manifest['made_at']}, sha256 van elk bestand).")
    return 0


def _content_folder(settings_file=None):
    """Where content/ belongs ($SAMENPLAN_CONTENT, else PATH in the settings file), without
    reading the settings through Pelican, which refuses a content folder that is not there."""
    from pathlib import Path

    from pelican.settings import get_settings_from_file

    from .settings import find_settings_file

    if os.environ.get("SAMENPLAN_CONTENT"):
        return Path(os.path.abspath(os.environ["SAMENPLAN_CONTENT"]))
    path = find_settings_file(settings_file)
    return path.parent / get_settings_from_file(str(path)).get("PATH", "content")


def restore(src, force=False, settings_file=None):
    """Check the backup in src, then put its database and content/ back; exit code (1: refused, and why)."""
    from . import backup as backups

    content = _content_folder(settings_file)
    made = [folder for folder in (content, *content.parents) if not folder.exists()]
    content.mkdir(parents=True, exist_ok=True)  # Pelican's settings need it; restore() replaces it
    try:
        settings = load_settings(settings_file)
        manifest, kept = backups.restore(settings, src, force=force)
    except backups.BackupError as error:
        print(f"samenplan: niet hersteld: {error}", file=sys.stderr)
        return 1
    finally:
        for folder in made:  # refused: take away the folders made for it, deepest first
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
    print(f"Hersteld uit {src} (backup van {manifest['made_at']}): de database in {settings['SAMENPLAN_DATABASE']}, "
          f"content/ in {settings['PATH']}.")
    if kept:
        print(f"De content/ die er stond is bewaard in {kept}.")
    print("Controleer met: samenplan plan verify; bouw de site met: samenplan build.")
    return 0


def digest(settings_file=None, now=None):
    """Mail the weekly digest to every member who chose it and has news since their last one
    (web/notify.weekly_digest); returns the number sent. Meant for cron, once a week."""
    from . import db as database
    from .issues import load_public_issues
    from .web import create_app, notify

    settings = load_settings(settings_file)
    app = create_app(settings=settings)  # the mail text is a theme template, rendered by Flask
    db = database.connect(settings["SAMENPLAN_DATABASE"])
    sent = 0
    try:
        with app.app_context():
            for issue in load_public_issues(settings):
                sent += notify.weekly_digest(db, settings, issue, secret=app.config["SECRET_KEY"], now=now)
    finally:
        db.close()
    print(f"Weekoverzicht: {sent} {'mail' if sent == 1 else 'mails'} verstuurd.")
    return sent


def remind(settings_file=None, now=None):
    """Mail the reminder of tomorrow's meetings to those who signed up with a confirmed address
    (web/notify.reminders); returns the number sent. Meant for cron, e.g. every hour: each
    reminder goes once, however often it runs."""
    from . import db as database
    from .web import create_app, notify

    settings = load_settings(settings_file)
    app = create_app(settings=settings)  # the mail text is a theme template, rendered by Flask
    db = database.connect(settings["SAMENPLAN_DATABASE"])
    try:
        with app.app_context():
            sent = notify.reminders(db, settings, secret=app.config["SECRET_KEY"], now=now)
    finally:
        db.close()
    print(f"Herinneringen: {sent} verstuurd.")
    return sent


def search_index(settings_file=None):
    """Fill the search index again from the database and the kwestie files (search.rebuild);
    the triggers and the build keep it current, this is for after a restore or an upgrade."""
    from . import db as database
    from . import search
    from .issues import load_public_issues

    settings = load_settings(settings_file)
    db = database.connect(settings["SAMENPLAN_DATABASE"])
    try:
        rows = search.rebuild(db, load_public_issues(settings))
    finally:
        db.close()
    print(f"Zoekindex opnieuw gevuld: {rows} items.")
    return rows


# The command line ---------------------------------------------------------------


# -h as well as --help, as argparse had; the subcommands inherit it.
@click.group("samenplan", help="Samen een plan maken.", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--settings", "settings_file", help="Pelican-instellingen (standaard: ./pelicanconf.py)")
@click.pass_context
def samenplan(ctx, settings_file):
    ctx.obj = settings_file  # every subcommand gets it through @click.pass_obj
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")


@samenplan.command("serve", help="bouw de site en start de server (de demo)")
@click.option("--host", default="127.0.0.1")
@click.option("--port", type=click.IntRange(0, 65535), default=8000)  # 0: any free port (the tests)
@click.pass_obj
def serve_command(settings_file, host, port):
    serve(settings_file, host, port)


@samenplan.command("build", help="bouw de hele site in output/")
@click.pass_obj
def build_command(settings_file):
    build(settings_file)


@samenplan.command("new", help="maak een nieuwe kwestie")
@click.argument("slug")
@click.pass_obj
def new_command(settings_file, slug):
    new(slug, settings_file)


@samenplan.command("worker", help="alleen het opnieuw bouwen na bijdragen (productie)")
@click.pass_obj
def worker_command(settings_file):
    worker(settings_file)


@samenplan.group("user", help="accounts voor /beheer/")
def user_group():
    pass


@user_group.command("add", help="maak een account (wachtwoord: $SAMENPLAN_PASSWORD of gevraagd)")
@click.argument("username")
@click.option("--role", type=click.Choice(("coordinator", "professional")), default="coordinator")
@click.option("--name", default="", help="naam bij antwoorden op de site")
@click.option("--organisation", default="", help="bijvoorbeeld: Politie, wijkteam")
@click.pass_obj
def add_user_command(settings_file, username, role, name, organisation):
    add_user(username, role, name, organisation, settings_file)


@user_group.command("disable", help="zet een account uit: niet meer inloggen, ingelogd is uitgelogd")
@click.argument("username")
@click.pass_obj
def disable_user_command(settings_file, username):
    disable_user(username, settings_file)


@user_group.command("enable", help="zet een uitgezet account weer aan")
@click.argument("username")
@click.pass_obj
def enable_user_command(settings_file, username):
    disable_user(username, settings_file, disabled=False)


@user_group.command("password", help="nieuw wachtwoord ($SAMENPLAN_PASSWORD of gevraagd); ingelogd is uitgelogd")
@click.argument("username")
@click.pass_obj
def password_command(settings_file, username):
    set_password(username, settings_file)


@samenplan.command("export", help="open data van alle kwesties (JSON, CSV) in een map")
@click.option("--to", default="export", help="map (standaard: export/)")
@click.pass_obj
def export_command(settings_file, to):
    export(to, settings_file)


@samenplan.command("erase", help="AVG: verwijder de gegevens van een lid (L12 of 12)")
@click.argument("member")
@click.pass_obj
def erase_command(settings_file, member):
    erase(member, settings_file)


@samenplan.command("backup", help="maak een backup van de database en content/ in een map")
@click.argument("dest")
@click.pass_obj
def backup_command(settings_file, dest):
    return backup(dest, settings_file)


@samenplan.command("restore", help="zet een gecontroleerde backup terug (database en content/)")
@click.argument("src")
@click.option("--force", is_flag=True, help="ook als de database al bestaat (vervangt haar)")
@click.pass_obj
def restore_command(settings_file, src, force):
    return restore(src, force, settings_file)


@samenplan.command("digest", help="mail het weekoverzicht aan wie dat koos (cron, eens per week)")
@click.pass_obj
def digest_command(settings_file):
    digest(settings_file)


@samenplan.command("remind", help="mail de herinnering aan wie zich voor een bijeenkomst van morgen aanmeldde "
                                   "(cron, bijvoorbeeld elk uur)")
@click.pass_obj
def remind_command(settings_file):
    remind(settings_file)


@samenplan.command("search-index", help="vul de zoekindex opnieuw (na een upgrade, of als zoeken iets mist)")
@click.pass_obj
def search_index_command(settings_file):
    search_index(settings_file)


samenplan.add_command(plan_commands.plan_group)


def main(argv=None):
    """Run `samenplan` with argv (default: sys.argv[1:]); returns the exit code.

    standalone_mode=False makes click return the command's result (the plan
    commands return their exit code) and raise errors instead of exiting, so
    tests can call main() and the console script can pass the code to sys.exit.
    """
    try:
        return samenplan.main(args=argv, prog_name="samenplan", standalone_mode=False) or 0
    except click.ClickException as error:  # usage errors (exit 2) with click's message
        error.show()
        return error.exit_code
    except click.Abort:  # Ctrl+C or end of input, e.g. at the password prompt
        click.echo("Aborted!", err=True)
        return 1
    except Busy:  # another process kept the database's write lock (backup, erase, user, …)
        print("samenplan: de database is bezet door een ander proces. Er is niets veranderd; "
              "probeer het zo nog eens.", file=sys.stderr)
        return 1
    except (FileNotFoundError, FileExistsError, ValueError) as error:
        print(f"samenplan: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
