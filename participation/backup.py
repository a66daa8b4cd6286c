"""Backup and restore: the database and content/ together, checked before anything goes back.

A backup folder holds `samenplan.db` (a consistent copy made with SQLite's online
backup API, journal mode DELETE, so it is one file), `content/` (the kwesties and
their plan files) and `manifest.json` (when, and the sha256 of every file), written
last: a folder without a manifest is not a finished backup. While the copy is made
the backup holds the write lock, so no plan version can be adopted half-way between
the database and the files; writers wait (busy timeout) and then go on.

A restore first checks the backup (the manifest's hashes, SQLite's integrity check,
and every plan chain against the hashes recorded in the backup's database), then
replaces the database file atomically and puts content/ back. Stop the endpoint and
the worker while restoring.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from . import db as database
from . import plan

DATABASE = "samenplan.db"
CONTENT = "content"
MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(ValueError):
    """The backup cannot be made, or is not fit to restore; the message says why, in Dutch."""


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return "sha256:" + digest.hexdigest()


def _files(folder):
    """Every file below folder, as posix paths relative to it, sorted."""
    folder = Path(folder)
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def backup(settings, dest):
    """Copy the live database and content/ into dest; returns the manifest."""
    source_path = Path(settings["SAMENPLAN_DATABASE"])
    content = Path(settings["PATH"])
    dest = Path(dest)
    if not source_path.is_file():
        raise BackupError(f"De database {source_path} bestaat niet; er is niets om te bewaren")
    if (dest / MANIFEST).exists() or (dest / DATABASE).exists() or (dest / CONTENT).exists():
        raise BackupError(f"In {dest} staat al een backup; kies een lege map")
    dest.mkdir(parents=True, exist_ok=True)
    lock = database.connect(source_path)
    source = database.connect(source_path)
    try:
        with database.write(lock):  # nobody writes (or adopts a plan version) while we copy
            made_at = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
            target = sqlite3.connect(dest / DATABASE)
            try:
                source.conn.backup(target)  # all pages in one step: one consistent snapshot
                target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            finally:
                target.close()
            if content.is_dir():
                shutil.copytree(content, dest / CONTENT, ignore=shutil.ignore_patterns(".*.tmp"))
            else:
                (dest / CONTENT).mkdir()
    finally:
        source.close()
        lock.close()
    files = {name: sha256(dest / name) for name in [DATABASE] + [f"{CONTENT}/{f}" for f in _files(dest / CONTENT)]}
    manifest = {"format": FORMAT, "made_at": made_at, "database": str(source_path), "content": str(content),
                "files": files}
    tmp = dest / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, dest / MANIFEST)
    return manifest


def check(settings, src):
    """Everything that must hold before src may be restored; returns the manifest or raises BackupError."""
    src = Path(src)
    try:
        manifest = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
    except FileNotFoundError:
        raise BackupError(f"{src} is geen (complete) backup: {MANIFEST} ontbreekt") from None
    except (ValueError, KeyError, TypeError):
        raise BackupError(f"{src / MANIFEST} is onleesbaar") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{src / MANIFEST}: onbekende versie {manifest.get('format')!r}")
    present = set([DATABASE] * (src / DATABASE).is_file()) | {f"{CONTENT}/{f}" for f in _files(src / CONTENT)}
    for name in sorted(set(files) | present):
        if name not in present:
            raise BackupError(f"{name} ontbreekt in de backup")
        if name not in files:
            raise BackupError(f"{name} staat niet in het manifest: later aan de backup toegevoegd")
        if sha256(src / name) != files[name]:
            raise BackupError(f"{name} is veranderd na de backup (de sha256 klopt niet met het manifest)")
    if DATABASE not in files:
        raise BackupError(f"De backup heeft geen {DATABASE}")
    source = None
    try:
        source = sqlite3.connect(f"{(src / DATABASE).resolve().as_uri()}?mode=ro", uri=True)
        result = [row[0] for row in source.execute("PRAGMA integrity_check").fetchall()]
        if result != ["ok"]:
            raise BackupError(f"{DATABASE} is beschadigd (integrity_check: {'; '.join(result[:3])})")
        _check_plans(settings, src, source)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{DATABASE} is beschadigd of geen SQLite-database ({error})") from None
    finally:
        if source is not None:
            source.close()
    return manifest


def _check_plans(settings, src, source):
    """Every plan chain in src/content against the hashes recorded in the backup's database."""
    src_settings = dict(settings, PATH=str(Path(src) / CONTENT))
    kwesties = Path(src_settings["PATH"]) / settings["SAMENPLAN_KWESTIE_PATH"]
    slugs = {p.name for p in kwesties.iterdir() if p.is_dir()} if kwesties.is_dir() else set()
    has_heads = source.execute("select 1 from sqlite_master where name = 'plan_heads'").fetchone()
    if has_heads:
        slugs |= {row[0] for row in source.execute("select distinct issue from plan_heads")}
    for slug in sorted(slugs):
        heads = dict(source.execute("select version, sha256 from plan_heads where issue = ?", [slug]).fetchall()
                     ) if has_heads else {}
        try:
            plan.verify(plan.plan_folder(src_settings, slug), slug, heads)
        except plan.PlanError as error:
            raise BackupError(f"Plan van {slug} klopt niet met de database van de backup: {error}") from None


def restore(settings, src, force=False):
    """Check src, then put its database and content/ in place.

    Returns (manifest, where the previous content folder was kept, or None).

    Refused when the database already exists, unless force. The database file is
    replaced with a rename; the content folder that was there is kept beside the
    new one (content.voor-herstel-<time>) rather than mixed with it."""
    src = Path(src)
    manifest = check(settings, src)
    target = Path(settings["SAMENPLAN_DATABASE"])
    content = Path(settings["PATH"])
    if target.exists() and not force:
        raise BackupError(f"De database {target} bestaat al; herstel eroverheen alleen met --force")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".herstel")
    try:
        with os.fdopen(fd, "wb") as out, open(src / DATABASE, "rb") as f:
            shutil.copyfileobj(f, out)
            out.flush()
            os.fsync(out.fileno())
        if sha256(tmp) != manifest["files"][DATABASE]:
            raise BackupError(f"{DATABASE} veranderde tijdens het herstellen")
        # The old database's write-ahead log must not be replayed onto the restored file.
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fresh = content.with_name(f".{content.name}.herstel")
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(src / CONTENT, fresh)
    kept = None
    if content.is_dir() and not any(content.iterdir()):
        content.rmdir()  # an empty folder (made for the settings) holds nothing to keep
    elif content.exists():
        kept = content.with_name(f"{content.name}.voor-herstel-{datetime.datetime.now():%Y%m%d-%H%M%S}")
        content.rename(kept)
    fresh.rename(content)
    return manifest, kept
