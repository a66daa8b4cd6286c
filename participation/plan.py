"""The plan: adopted versions as YAML files, one per version, hash-chained.

content/kwesties/<slug>/plan/0001.yaml, 0002.yaml, … are written once and
never edited. Each names the sha256 of the previous file's exact bytes in
`previous`, so altering, removing or reordering any version is detectable
(`verify`). Every file is checked against schemas/plan-version.schema.json
when it is loaded.
"""

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import yaml

from .formats import datum
from .i18n import N_, _, ngettext
from .labels import AGREEMENT_STATUSES, current

# libyaml where present: about 9x faster on large plans; same output.
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

SCHEMA_PATH = Path(__file__).parent / "schemas" / "plan-version.schema.json"
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
FILENAME = re.compile(r"^(\d{4})\.yaml$")


class PlanError(ValueError):
    """A version file that is missing, altered, out of order, not valid or not adopted here."""


class UnrecordedPlan(PlanError):
    """The chain and schema check out, but this installation holds no record of adopting any version.

    A database restored from an older backup, or a fresh clone: nothing here can
    confirm that these are the versions adopted here. `versions` are the
    chain-verified versions, for callers that show them with that notice.
    """

    def __init__(self, versions):
        self.versions = versions
        super().__init__(ngettext(
            "Versie 1: de keten en het schema kloppen. Maar deze installatie heeft niet vastgelegd dat deze "
            "versie hier is aangenomen (bijvoorbeeld een nieuwe of teruggezette database). Daarom kan niet worden "
            "bevestigd dat dit de aangenomen versie is. Vergelijk de controlegetallen (sha256) met die in de feed "
            "of op de planpagina.",
            "Versie 1 tot en met %(num)d: de keten en het schema kloppen. Maar deze installatie heeft niet "
            "vastgelegd dat deze versies hier zijn aangenomen (bijvoorbeeld een nieuwe of teruggezette database). "
            "Daarom kan niet worden bevestigd dat dit de aangenomen versies zijn. Vergelijk de controlegetallen "
            "(sha256) met die in de feed of op de planpagina.",
            len(versions)) % {"num": len(versions)})


@dataclass(frozen=True)
class Version:
    number: int
    path: Path
    data: dict
    sha256: str  # "sha256:<hex>" of the file's bytes

    @property
    def filename(self):
        return self.path.name


def file_hash(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def dump(data):
    return yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=100).encode("utf-8")


def load(raw):
    return yaml.load(raw, Loader=Loader)


def validate(data, where="plan"):
    errors = sorted(VALIDATOR.iter_errors(data), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        location = "/".join(str(p) for p in first.path) or "(top)"
        raise PlanError(f"{where}: {location}: {first.message}")


def plan_folder(settings, slug):
    return Path(settings["PATH"]) / settings["SAMENPLAN_KWESTIE_PATH"] / slug / "plan"


def version_files(folder):
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if FILENAME.match(p.name))


def load_versions(folder):
    """All versions, oldest first, each validated against the schema (not the chain)."""
    versions = []
    for path in version_files(folder):
        raw = path.read_bytes()
        try:
            data = load(raw)
        except yaml.YAMLError as error:
            raise PlanError(f"{path.name}: geen geldige YAML ({error})")
        validate(data, path.name)
        versions.append(Version(int(FILENAME.match(path.name).group(1)), path, in_current_keys(data), file_hash(raw)))
    return versions


def in_current_keys(data):
    """A version as today's code reads it: older files say 'buurtbewoner' and 'financieren'.

    The file itself is never rewritten (its bytes are what the hashes vouch for);
    only the data read from it uses the English keys of labels.py.
    """
    circle = data.get("circle") or {}
    if circle.get("relations"):
        relations = {}
        for key, count in circle["relations"].items():
            relations[current(key)] = relations.get(current(key), 0) + count
        data = dict(data, circle=dict(circle, relations=relations))
    agreements = []
    for agreement in data.get("agreements") or ():
        response = agreement.get("response")
        if response and response.get("decision"):
            agreement = dict(agreement, response=dict(response, decision=current(response["decision"])))
        agreements.append(agreement)
    return dict(data, agreements=agreements)


def verify(folder, slug=None, heads=None):
    """Check the whole chain; returns the versions, or raises PlanError naming the first problem.

    heads: {version number: "sha256:…"} as recorded when each version was
    adopted (see recorded_heads). The chain alone cannot show that the newest
    file was altered, since no later file carries its hash, nor that a file
    appended by hand with a correct `previous` was never adopted; the heads can.
    With heads, every version file must have a head that matches it. Empty
    heads while version files exist raise UnrecordedPlan (the chain checks out,
    but nothing confirms the adoption). heads=None: the chain and schema only.
    """
    versions = load_versions(folder)
    recorded = heads or {}
    present = {v.number for v in versions}
    for number in sorted(set(recorded) - present):
        raise PlanError(_("%(file)s ontbreekt (het is wel aangenomen)") % {"file": f"{number:04d}.yaml"})
    for version in versions:
        if version.number in recorded and recorded[version.number] != version.sha256:
            raise PlanError(_("%(file)s: is veranderd nadat het is vastgelegd (de hash klopt niet)")
                            % {"file": version.filename})
    unrecorded = [v.filename for v in versions if v.number not in recorded]
    if recorded and unrecorded:
        raise PlanError(ngettext("%(files)s is niet aangenomen: deze installatie heeft er geen vastlegging van",
                                 "%(files)s zijn niet aangenomen: deze installatie heeft er geen vastlegging van",
                                 len(unrecorded)) % {"files": ", ".join(unrecorded)})
    previous = None
    for expected, version in enumerate(versions, start=1):
        if version.number != expected:
            raise PlanError(_("%(file)s ontbreekt (gevonden: %(found)s)")
                            % {"file": f"{expected:04d}.yaml", "found": version.filename})
        if version.data["version"] != expected:
            raise PlanError(_("%(file)s: zegt versie %(version)s, verwacht %(expected)s")
                            % {"file": version.filename, "version": version.data["version"], "expected": expected})
        if slug and version.data["issue"] != slug:
            raise PlanError(_("%(file)s: hoort bij %(issue)s, niet bij %(slug)s")
                            % {"file": version.filename, "issue": repr(version.data["issue"]), "slug": repr(slug)})
        wanted = previous.sha256 if previous else None
        if version.data["previous"] != wanted:
            which = previous.filename if previous else _("(geen)")
            raise PlanError(_("%(file)s: de hash van %(previous)s klopt niet; %(previous)s is veranderd, verwijderd of "
                              "verwisseld") % {"file": version.filename, "previous": which})
        previous = version
    if heads is not None and not heads and versions:
        raise UnrecordedPlan(versions)
    return versions


def recorded_heads(db, slug):
    """{version: sha256} recorded in SQLite when each version was written."""
    return dict(db.execute("select version, sha256 from plan_heads where issue = ?", [slug]).fetchall())


def record_head(db, slug, version):
    db["plan_heads"].insert({"issue": slug, "version": version.number, "sha256": version.sha256,
                             "recorded_at": version.data["adopted_at"]})


def write_version(folder, data):
    """Write the next version file atomically and never over an existing one; returns its Version."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    versions = verify(folder, data["issue"])
    data = dict(data, version=len(versions) + 1, previous=versions[-1].sha256 if versions else None)
    data = {key: data[key] for key in ORDER if key in data}
    data["agreements"] = [{k: a[k] for k in AGREEMENT_ORDER if k in a} for a in data["agreements"]]
    validate(data, "nieuwe versie")
    raw = dump(data)
    path = folder / f"{data['version']:04d}.yaml"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.link(tmp, path)  # fails if the version exists: a version is never overwritten
    finally:
        os.unlink(tmp)
    return Version(data["version"], path, data, file_hash(raw))


ORDER = ["issue", "version", "previous", "adopted_at", "kind", "adopted_at_meeting", "circle",
         "consent_round", "agreements", "budget"]
AGREEMENT_ORDER = ["id", "what", "who", "when", "cost", "from_ideas", "information", "consent", "objections", "concerns", "review_at",
                   "response", "status", "status_notes"]
FIELDS = ["what", "who", "when", "cost", "from_ideas", "information", "review_at", "response", "status"]


def diff(old, new):
    """What changed between two versions' data, as plain records:
    [("added", id, None), ("removed", id, None), ("changed", id, [(field, before, after), …])]."""
    before = {a["id"]: a for a in (old or {}).get("agreements", [])}
    after = {a["id"]: a for a in new.get("agreements", [])}
    changes = [("added", i, None) for i in after if i not in before]
    changes += [("removed", i, None) for i in before if i not in after]
    for i in after:
        if i in before:
            fields = [(f, before[i].get(f), after[i].get(f)) for f in FIELDS if before[i].get(f) != after[i].get(f)]
            new_notes = after[i].get("status_notes", [])[len(before[i].get("status_notes", [])):]
            fields += [("status_note", None, n["note"]) for n in new_notes]
            if fields:
                changes.append(("changed", i, fields))
    return sorted(changes, key=lambda c: (int(c[1][1:]), c[0]))


# A field of an agreement, as named in "A2: wie is veranderd van … in …".
FIELD_NAMES = {"what": N_("wat"), "who": N_("wie"), "when": N_("wanneer"), "cost": N_("kosten"),
               "from_ideas": N_("uit ideeën"), "information": N_("informatie"), "review_at": N_("evaluatiemoment"),
               "response": N_("reactie gemeente"), "status": N_("status")}


def describe(changes, data=None, titles=None):
    """The changes in plain words, one sentence each, for residents and the council, in the
    current language (call it once per language).

    data: the newer version, so an added agreement can say how the circle answered on it.
    titles: {"A2": "Jeu-de-boulesbaan …"}, to name each agreement by its title as well,
    'A2 (Jeu-de-boulesbaan …)': a reader of the history does not know the codes by heart."""
    adopted = {a["id"]: a for a in (data or {}).get("agreements", [])}
    lines = []
    for kind, code, fields in changes:
        if titles and code in titles:
            agreement = _("%(code)s (%(title)s)") % {"code": code, "title": titles[code]}
        else:
            agreement = code
        if kind == "added":
            consent = adopted.get(code, {}).get("consent")
            if consent:
                lines.append(_("%(agreement)s is toegevoegd, aangenomen met %(consented)s ik kan ermee leven, "
                               "%(concerns)s zorg, %(objected)s bezwaar en %(no_answer)s geen antwoord.")
                             % dict(_figures(consent), agreement=agreement))
            else:
                lines.append(_("%(agreement)s is toegevoegd.") % {"agreement": agreement})
        elif kind == "removed":
            lines.append(_("%(agreement)s is uit het plan gehaald.") % {"agreement": agreement})
        else:
            for field, old, new in fields:
                if field == "response":
                    if (new or {}).get("council"):
                        lines.append(_("%(agreement)s: de gemeente reageerde (%(council)s): %(response)s")
                                     % {"agreement": agreement, "council": council_text(new["council"]),
                                        "response": _plain(new)})
                    else:
                        lines.append(_("%(agreement)s: de gemeente reageerde: %(response)s")
                                     % {"agreement": agreement, "response": _plain(new)})
                elif field == "review_at":
                    if new:
                        lines.append(_("%(agreement)s: evaluatie op %(date)s.") % {"agreement": agreement, "date": datum(new)})
                    else:
                        lines.append(_("%(agreement)s: evaluatie op geen datum.") % {"agreement": agreement})
                elif field == "status":
                    lines.append(_("%(agreement)s: status van ‘%(old)s’ naar ‘%(new)s’.")
                                 % {"agreement": agreement, "old": _label(AGREEMENT_STATUSES, old),
                                    "new": _label(AGREEMENT_STATUSES, new)})
                elif field == "consent":
                    lines.append(_("%(agreement)s: aangenomen met %(consented)s ik kan ermee leven, %(concerns)s zorg, "
                                   "%(objected)s bezwaar en %(no_answer)s geen antwoord.")
                                 % dict(_figures(new), agreement=agreement))
                elif field == "status_note":
                    lines.append(_("%(agreement)s: %(note)s") % {"agreement": agreement, "note": new})
                else:
                    lines.append(_("%(agreement)s: %(field)s is veranderd van ‘%(old)s’ in ‘%(new)s’.")
                                 % {"agreement": agreement, "field": _label(FIELD_NAMES, field),
                                    "old": _plain(old), "new": _plain(new)})
    return lines


def _label(table, key):
    """The label of a stored key in the current language (the key itself when unknown)."""
    return _(table[key]) if key in table else key


def _figures(figures):
    """The per-agreement figures of a consent round: silence is its own number."""
    return {key: figures[key] for key in ("consented", "concerns", "objected", "no_answer")}


def council_text(council):
    """A response's council reference in a few words, for lists and sentences, in the current
    language: 'gemeenteraad: RV 2027-014, 3 maart 2027: aangenomen'. A meeting without a decision
    (still to come, or not yet recorded) says 'besluit nog niet bekend'."""
    values = {"reference": council["reference"]}
    if council.get("date"):
        values["date"] = datum(council["date"])
    if council.get("decision"):
        values["decision"] = " ".join(council["decision"].split()).rstrip(".")
        if council.get("date"):
            return _("gemeenteraad: %(reference)s, %(date)s: %(decision)s") % values
        return _("gemeenteraad: %(reference)s: %(decision)s") % values
    if council.get("date"):
        return _("gemeenteraad: %(reference)s, %(date)s: besluit nog niet bekend") % values
    return _("gemeenteraad: %(reference)s") % values


def _plain(value):
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or _("niets")
    if isinstance(value, dict):
        return value.get("text", "")
    return _("niets") if value in (None, "") else str(value)
