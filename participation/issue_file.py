"""Writing kwestie.md from the /beheer/ form, in the format people write by hand.

    values = text_values(path)            # what the form shows: raw Markdown, one kader per line
    text = render(values, old_text)       # the file as it will be written
    save_issue(settings, values, ...)     # the rules of the phases, then an atomic write

A save keeps the lines of every field that did not change, byte for byte: a
file written by hand and saved without changes stays identical, and a change
shows in git as the lines of that field only. Fields the form does not know
(someone's own `Tags:` line) stay where they were.

Once a kwestie is open, what the circle relies on (the question, its
translations, the kaders) does not change silently: save_issue records each
such change, dated and with the old text, in changes.yaml beside kwestie.md.
The kwestie page shows it; the web layer tells the members.
"""

import contextlib
import datetime
import hashlib
import os
import re
import shutil
import stat
import tempfile
import unicodedata
from pathlib import Path

import yaml

from . import photo
from .issues import (CHANGES_FILE, ISSUE_FILE, RELIED_ON, SLUG, TRANSLATED_QUESTION, IssueFileError,
                     issues_folder, read_issue)

# The fields in the order `samenplan new` writes them: (key as written, kind).
FIELDS = [
    ("Title", "text"), ("Question", "text"), ("Phase", "text"), ("Summary", "text"), ("Place", "text"),
    ("Coordinates", "text"), ("Opened", "date"), ("Ideas_until", "date"), ("Min_circle", "int"),
    ("Budget", "int"), ("Max_cost_per_agreement", "int"), ("Max_agreements", "int"), ("Coordinator", "text"),
    ("Municipality", "text"), ("Image", "text"), ("Image_alt", "text"), ("Constraints", "lines"),
]
KINDS = {key.lower(): kind for key, kind in FIELDS}
ORDER = [key.lower() for key, _ in FIELDS]
KEY_LINE = re.compile(r"^[ ]{0,3}([A-Za-z0-9_-]+):(.*)$")  # Python-Markdown's meta extension
MORE_LINE = re.compile(r"^[ ]{4,}(.*)$")
INDENT = "    "


class IssueTextError(ValueError):
    """A save the rules refuse; the message says why, in Dutch."""


class StaleText(IssueTextError):
    """The file changed after the form was filled in; .current is the fingerprint now."""

    def __init__(self, current):
        super().__init__("Iemand anders heeft de tekst van deze kwestie veranderd nadat jij begon. Er is niets "
                         "opgeslagen. Open de kwestie in een nieuw tabblad om te zien wat er nu staat. Sla je "
                         "deze tekst toch op, dan vervangt die de nieuwe tekst.")
        self.current = current


# Reading the file as written ------------------------------------------------------


def split(text):
    """(blocks, rest): the metadata as [(key, raw lines)], and everything after it.

    Like Python-Markdown's meta extension, the metadata ends at the first empty line
    (or the first line that is neither `Key: value` nor an indented continuation).
    """
    blocks, pos = [], 0
    for line in text.splitlines(keepends=True):
        bare = line.rstrip("\r\n")
        match = KEY_LINE.match(bare)
        if match:
            blocks.append([match.group(1).lower(), line])
        elif blocks and bare.strip() and MORE_LINE.match(bare):
            blocks[-1][1] += line
        else:
            break
        pos += len(line)
    return [tuple(b) for b in blocks], text[pos:]


def _lines(raw):
    """The value's lines, stripped: 'Key: a\\n    b\\n' -> ['a', 'b']."""
    first, *more = raw.splitlines()
    lines = [first.split(":", 1)[1].strip()] + [m.strip() for m in more]
    return [line for line in lines if line]


def _parse(kind, raw_lines):
    if kind == "lines":
        return tuple(raw_lines)
    value = " ".join(raw_lines).strip()
    if kind == "int":
        digits = value.replace(".", "").replace("_", "")
        return int(digits) if digits.isdigit() else (value or None)
    if kind == "date":
        try:
            return datetime.date.fromisoformat(value) if value else None
        except ValueError:
            return value
    return value


def text_values(text):
    """The values of a kwestie.md's text as the form holds them.

    Known fields by lower-case key (`budget`: 250000), `translations` {lang: text},
    `body` the Markdown after the metadata, without the empty line between.
    """
    blocks, rest = split(text)
    values = {"translations": {}, "body": normal_body(rest)}
    for key, raw in blocks:
        match = TRANSLATED_QUESTION.match(key)
        if match:
            values["translations"][match.group(1)] = _parse("text", _lines(raw))
        elif key in KINDS:
            values[key] = _parse(KINDS[key], _lines(raw))
    return values


def normal_body(text):
    """Markdown as compared and written: Unix line ends, no empty lines around it, one final newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip("\n").rstrip() + "\n" if text.strip() else ""


# Writing it -------------------------------------------------------------------------


def _written(kind, value):
    if kind == "lines":
        return "".join(f"{INDENT if i else ''}{line}\n" for i, line in enumerate(value))
    if isinstance(value, datetime.date):
        return value.isoformat() + "\n"
    return f"{value}\n"


def _block(key_as_written, kind, value):
    text = _written(kind, value)
    return f"{key_as_written}: {text}" if text.strip() else f"{key_as_written}:\n"


def _empty(value):
    return value is None or value == "" or value == () or value == {}


def render(values, old_text=""):
    """The kwestie.md text for `values`; blocks whose value did not change are kept from old_text."""
    old_blocks, old_rest = split(old_text)
    old_values = text_values(old_text)
    wanted = {written.lower(): (written, kind) for written, kind in FIELDS}
    for lang in values.get("translations", {}):
        wanted[f"question_{lang}"] = (f"Question_{lang}", "text")

    def new_value(key):
        if key.startswith("question_") and key != "question":
            return values.get("translations", {}).get(key[len("question_"):])
        return values.get(key)

    def old_value(key):
        if key.startswith("question_") and key != "question":
            return old_values["translations"].get(key[len("question_"):])
        return old_values.get(key)

    out, done = [], set()
    for key, raw in old_blocks:
        if key not in wanted or (key in KINDS and key not in values):
            if TRANSLATED_QUESTION.match(key) and "translations" in values:  # a translation the form removed
                continue
            out.append((key, raw))  # a field the form does not know, or did not send: kept as written
        elif new_value(key) == old_value(key) and key not in done:
            out.append((key, raw))
        elif not _empty(new_value(key)) and key not in done:
            written = raw.split(":", 1)[0].strip()  # keep the writer's capitals
            out.append((key, _block(written, wanted[key][1], new_value(key))))
        done.add(key)
    for key, (written, kind) in wanted.items():
        if key in done or _empty(new_value(key)) or (key in KINDS and key not in values):
            continue
        out.insert(_position(out, key), (key, _block(written, kind, new_value(key))))
    header = "".join(raw for _, raw in out)
    body = values.get("body", "")
    if old_text and ("body" not in values or normal_body(body) == old_values["body"]):
        return header + old_rest
    return header + ("\n" + normal_body(body) if body.strip() else "")


def _rank(key):
    """Where a key goes among the known ones: translations right after Question."""
    if key.startswith("question_") and key != "question":
        return ORDER.index("question") + 0.5
    return ORDER.index(key) if key in ORDER else None


def _position(blocks, key):
    """Insert after the last known field that comes before `key`; else at the top."""
    rank, position = _rank(key), 0
    for i, (other, _) in enumerate(blocks):
        other_rank = _rank(other)
        if other_rank is not None and (other_rank < rank or (other_rank == rank and other < key)):
            position = i + 1
    return position


# The rules, and the write ---------------------------------------------------------


def propose_slug(title):
    """A folder name from a title: 'Café De Zwaan: wat nu?' -> 'cafe-de-zwaan-wat-nu'."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:60].rstrip("-") or "kwestie"


def relied_on_changes(old, new):
    """[(field, old, new)] for what the circle relies on: question, translations, kaders."""
    changes = []
    for key in RELIED_ON:
        if old.get(key) != new.get(key) and not (_empty(old.get(key)) and _empty(new.get(key))):
            changes.append((key, _plain(old.get(key)), _plain(new.get(key))))
    for lang in sorted(set(old.get("translations", {})) | set(new.get("translations", {}))):
        before, after = old["translations"].get(lang), new.get("translations", {}).get(lang)
        if before != after:
            changes.append((f"question_{lang}", before, after))
    return changes


def _plain(value):
    return list(value) if isinstance(value, tuple) else value


def fingerprint(text):
    """What the form was based on: a save refuses when the file changed since (based_on)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def save_issue(settings, values, *, slug, issue=None, today, based_on=None):
    """Write content/kwesties/<slug>/kwestie.md from the form's values; returns the changes
    recorded for the circle ([(field, old, new)], empty for a draft).

    issue None: a new kwestie, in phase draft. Otherwise the kwestie as it is now:
    its slug may change only while it is a draft; a closed kwestie is an archive and
    does not change; once open, a change of the question or the kaders is recorded.
    based_on: the fingerprint() of the text the form was filled in from; when the file
    changed since (someone else saved), nothing is written.
    Call store.mark_changed and audit.record afterwards.
    """
    if not SLUG.match(slug):
        raise IssueTextError("De naam in het adres mag alleen kleine letters, cijfers en streepjes hebben.")
    folder = issues_folder(settings)
    if issue is None:
        target = folder / slug / ISSUE_FILE
        if target.parent.exists():
            raise IssueTextError(f"Er is al een kwestie met de naam ‘{slug}’ in het adres. Kies een andere naam.")
        write_file(target, render({**values, "phase": "draft"}), new=True)
        return []
    if issue.phase == "closed":
        raise IssueTextError("Deze kwestie is gesloten. Wat er staat, blijft staan als archief.")
    path = Path(issue.source_path)
    old_text = path.read_text(encoding="utf-8")
    if based_on is not None and based_on != fingerprint(old_text):
        raise StaleText(fingerprint(old_text))
    old = text_values(old_text)
    new = {**values, "phase": old.get("phase")}
    if slug != issue.slug:
        if issue.phase != "draft":
            raise IssueTextError("De naam in het adres kan niet meer veranderen: de kwestie staat al op de site.")
        if (folder / slug).exists():
            raise IssueTextError(f"Er is al een kwestie met de naam ‘{slug}’ in het adres. Kies een andere naam.")
    changes = [] if issue.phase == "draft" else relied_on_changes(old, new)
    if changes:
        record_changes(path.parent, today, changes)
    write_file(path, render(new, old_text))
    if slug != issue.slug:
        os.rename(path.parent, folder / slug)
    return changes


def set_ideas_until(settings, issue, until, *, today):
    """Change the end of the idea period (closing it today is `until=today`): rewrites that line only."""
    if issue.phase not in ("draft", "open"):
        raise IssueTextError("De tijd voor ideeën verandert alleen zolang de kwestie ideeën verzamelt.")
    if until < today:
        raise IssueTextError("Kies vandaag of een dag na vandaag. Een dag die al voorbij is, kan niet.")
    path = Path(issue.source_path)
    old_text = path.read_text(encoding="utf-8")
    write_file(path, render({**text_values(old_text), "ideas_until": until}, old_text))


def set_photo(settings, issue, data, alt):
    """Make `data` (an upload) the kwestie's photo, with its alt text; photo.prepare has made it safe."""
    if issue.phase == "closed":
        raise IssueTextError("Deze kwestie is gesloten. Wat er staat, blijft staan als archief.")
    if not alt.strip():
        raise IssueTextError("Schrijf op wat de foto laat zien.")
    path = Path(issue.source_path)
    write_file(path.parent / photo.FILE, data, new=not (path.parent / photo.FILE).exists())
    old_text = path.read_text(encoding="utf-8")
    write_file(path, render({"image": photo.FILE, "image_alt": alt.strip()}, old_text))


def remove_photo(settings, issue):
    """Take the photo off the kwestie: its lines in kwestie.md first, then the file."""
    if issue.phase == "closed":
        raise IssueTextError("Deze kwestie is gesloten. Wat er staat, blijft staan als archief.")
    path = Path(issue.source_path)
    old_text = path.read_text(encoding="utf-8")
    write_file(path, render({"image": "", "image_alt": ""}, old_text))
    if issue.image:
        with contextlib.suppress(FileNotFoundError):
            (path.parent / issue.image).unlink()


def record_changes(folder, today, changes):
    """Add dated changes to changes.yaml (newest last); written before kwestie.md itself."""
    path = Path(folder) / CHANGES_FILE
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else []
    entries = list(entries or [])
    for field, old, new in changes:
        entries.append({"date": today.isoformat(), "field": field, "old": old, "new": new})
    write_file(path, yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=100),
           new=not path.exists())


def preview(settings, values, slug, phase="open", issue=None):
    """The Issue the site would show for these values, read back through Pelican's reader
    from a temporary copy, so the preview cannot differ from the published page. An
    existing kwestie (`issue`) keeps its photo in the preview."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / slug / ISSUE_FILE
        path.parent.mkdir()
        if issue is not None and issue.image:
            shutil.copyfile(Path(issue.source_path).parent / issue.image, path.parent / issue.image)
            values = {**values, "image": issue.image, "image_alt": issue.image_alt}
        path.write_text(render({**values, "phase": phase}), encoding="utf-8")
        return read_issue(path, settings)


def write_file(path, text, new=False):
    """Write atomically (a temporary file beside it, then a rename), so the site generator
    never reads half a file; an existing file keeps its permissions."""
    path = Path(path)
    if new:
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = 0o644
    else:
        mode = stat.S_IMODE(path.stat().st_mode)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text if isinstance(text, bytes) else text.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


__all__ = ["IssueFileError", "IssueTextError", "preview", "propose_slug", "render", "save_issue",
           "set_ideas_until", "split", "text_values"]
