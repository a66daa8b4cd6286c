"""Kwesties (issues): one folder each under content/kwesties/<slug>/.

kwestie.md holds the open question, the phase, the constraints (kaders) and a
Markdown body, as Pelican metadata ("Key: value" lines). It is read with
Pelican's own Markdown reader, so the body renders exactly as on the site.
"""

import datetime
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml
from babel import Locale, UnknownLocaleError
from markupsafe import Markup
from pelican.readers import MarkdownReader

from .formats import euro
from . import i18n, place as places
from .i18n import N_, _
from .labels import PHASES

PUBLIC_PHASES = ("open", "proposing", "adopted", "closed")
CONTRIBUTION_PHASES = ("open", "proposing", "adopted")  # join, ideas, questions
OBJECTION_PHASES = ("proposing", "adopted")  # there is a concept plan to object to
ISSUE_FILE = "kwestie.md"
CHANGES_FILE = "changes.yaml"  # dated changes of what the circle relies on (issue_file.py)
# What the circle relies on once the kwestie is open; the question's translations too.
RELIED_ON = ("question", "constraints", "budget", "max_cost_per_agreement", "max_agreements")
CHANGED_FIELDS = {
    "question": N_("de open vraag"),
    "constraints": N_("de kaders"),
    "budget": N_("het budget"),
    "max_cost_per_agreement": N_("het hoogste bedrag per afspraak"),
    "max_agreements": N_("het hoogste aantal afspraken"),
}


class IssueFileError(ValueError):
    """A kwestie.md that cannot be used; the message names the file and field."""


@dataclass(frozen=True)
class Issue:
    slug: str
    title: str
    question: str
    phase: str
    constraints: tuple = ()
    summary: str = ""
    place: str = ""
    coordinates: places.Coordinates | None = None  # where it is (Coordinates: lat, lon), for the map links
    municipality: str = ""
    coordinator: str = ""
    opened: datetime.date | None = None
    ideas_until: datetime.date | None = None
    min_circle: int = 3
    budget: int | None = None  # total the plan may cost
    max_cost_per_agreement: int | None = None  # numeric kaders, checked at adoption
    max_agreements: int | None = None
    translations: tuple = ()  # the question in other languages: (Translation, ...)
    changes: tuple = ()  # what the circle relies on, changed after opening: (Change, ...), oldest first
    image: str = ""  # a photo of the place: a file name in the kwestie's folder (photo.py)
    image_alt: str = ""  # what the photo shows, for who cannot see it; required with an image
    body: str = field(default="", repr=False)  # HTML rendered from Markdown
    source_path: str = field(default="", repr=False)
    texts: tuple = ()  # title, summary and body in other languages: (IssueText, ...)
    lang: str = i18n.SOURCE  # the language this Issue is shown in (in_language)
    in_dutch: frozenset = frozenset()  # its fields without a translation in that language

    def in_language(self, lang):
        """The kwestie as a reader of `lang` sees it: title, summary and body from kwestie.<lang>.md,
        the question from Question_<lang>; what has no translation stays Dutch and is named in
        `in_dutch`, so the page can mark it (lang_attr) and say so."""
        if lang == self.lang or lang == i18n.SOURCE:  # (called on the kwestie as read, in Dutch)
            return self
        text = next((t for t in self.texts if t.lang == lang), None)
        question = next((t.text for t in self.translations if t.lang == lang), None)
        own = {"title": text and text.title, "summary": text and text.summary, "body": text and text.body,
               "question": question}
        in_dutch = {k for k, v in own.items() if not v and getattr(self, k)}
        if self.constraints:  # the kaders have no translation (yet)
            in_dutch.add("constraints")
        others = self.translations
        if question:  # "the question in other languages" then lists the Dutch one, not this one
            others = (Translation(i18n.SOURCE, self.question), *(t for t in others if t.lang != lang))
        return replace(self, lang=lang, **{k: v for k, v in own.items() if v}, in_dutch=frozenset(in_dutch),
                       translations=others)

    def lang_attr(self, name):
        """' lang="nl" dir="ltr"' on an element that shows a field still in Dutch, else ''."""
        return Markup(f' lang="{i18n.SOURCE}" dir="ltr"') if name in self.in_dutch else ""

    @property
    def phase_label(self):
        """The phase in words, in the language being rendered."""
        return _(PHASES[self.phase])

    @property
    def is_public(self):
        return self.phase in PUBLIC_PHASES

    @property
    def accepts_contributions(self):
        return self.phase in CONTRIBUTION_PHASES

    @property
    def url(self):
        return f"kwesties/{self.slug}/"


# Scripts written right to left, so the page can set dir="rtl" on them.
RTL_LANGUAGES = {"ar", "fa", "he", "ps", "ur", "ckb", "yi", "dv"}
IMAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*\.(?:jpg|jpeg|png|webp)$")
TRANSLATED_QUESTION = re.compile(r"^question_([a-z]{2,3})$")


@dataclass(frozen=True)
class Translation:
    """The open question in another language (Question_ar: … in kwestie.md)."""
    lang: str  # BCP 47 language code, for the lang attribute
    text: str

    @property
    def dir(self):
        return "rtl" if self.lang in RTL_LANGUAGES else "ltr"

    @property
    def name(self):
        """The language's name in the language of the page: Arabisch, Arabic."""
        return language_name(self.lang, i18n.current())

    @property
    def own_name(self):
        """The language's name in itself, so a reader recognises it: العربية."""
        return language_name(self.lang, self.lang)


@dataclass(frozen=True)
class IssueText:
    """The kwestie's own text in another language: content/kwesties/<slug>/kwestie.<lang>.md,
    like a Pelican translation (Title, Summary and the Markdown body)."""
    lang: str
    title: str
    summary: str
    body: str = field(repr=False)  # like Issue.body: in its repr the titles are what pages compare


@dataclass(frozen=True)
class Change:
    """A dated change of the question, a translation or a kader (changes.yaml)."""
    date: datetime.date
    field: str  # a RELIED_ON key, or question_<lang>
    old: object  # text, a number, a list of kaders, or None (there was none)
    new: object

    @property
    def label(self):
        """What changed, in the current language: 'de open vraag', 'de vraag in het Engels'."""
        match = TRANSLATED_QUESTION.match(self.field)
        if match:
            return _("de vraag in het %(language)s") % {"language": language_name(match.group(1), i18n.current())}
        return _(CHANGED_FIELDS[self.field]) if self.field in CHANGED_FIELDS else self.field

    def text(self, which):
        """The old or new value as plain text: kaders one per line, amounts in euros."""
        value = getattr(self, which)
        if value is None:
            return ""
        if isinstance(value, tuple):
            return "\n".join(f"- {line}" for line in value)
        if self.field in ("budget", "max_cost_per_agreement") and isinstance(value, int):
            return euro(value)
        return str(value)


def _changes(folder):
    path = Path(folder) / CHANGES_FILE
    if not path.exists():
        return ()
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        return tuple(Change(datetime.date.fromisoformat(str(e["date"])), str(e["field"]), _frozen(e.get("old")),
                            _frozen(e.get("new"))) for e in entries)
    except (yaml.YAMLError, KeyError, TypeError, ValueError) as error:
        raise IssueFileError(f"{path}: klopt niet ({error})")


def _frozen(value):
    return tuple(value) if isinstance(value, list) else value


def language_name(code, in_language):
    """CLDR's name for a language (Babel); the code itself when CLDR does not know it."""
    try:
        return Locale.parse(in_language).languages.get(code, code)
    except (ValueError, UnknownLocaleError):
        return code


def _translations(metadata, path):
    found = []
    for key in sorted(metadata):
        match = TRANSLATED_QUESTION.match(key)
        if match and match.group(1) != "nl":
            if match.group(1) not in Locale.parse("nl").languages:
                raise IssueFileError(f"{path}: {key.capitalize()}: {match.group(1)!r} is geen taalcode (zoals en, ar, uk)")
            text = _text(metadata, key)
            if not text:
                raise IssueFileError(f"{path}: {key.capitalize()} is leeg")
            found.append(Translation(match.group(1), text))
    return tuple(found)


def _texts(path, settings):
    found = []
    for text_path in sorted(path.parent.glob("kwestie.*.md")):
        lang = text_path.name.split(".")[1]
        if lang == i18n.SOURCE or lang not in Locale.parse("nl").languages:
            raise IssueFileError(f"{text_path}: {lang!r} is geen taalcode van een vertaling (zoals en, ar, uk)")
        body, metadata = MarkdownReader(settings).read(str(text_path))
        found.append(IssueText(lang, _text(metadata, "title"), _summary(metadata, settings), body))
    return tuple(found)


def _text(metadata, key, default=""):
    value = metadata.get(key, default)
    if isinstance(value, list):
        value = " ".join(value)
    return str(value).strip()


def _summary(metadata, settings):
    """Pelican renders Summary as Markdown (FORMATTED_FIELDS): keep that HTML as HTML."""
    if "summary" in settings.get("FORMATTED_FIELDS", ()):
        return Markup(metadata.get("summary", ""))
    return _text(metadata, "summary")


def _date(metadata, key, path):
    value = _text(metadata, key)
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise IssueFileError(f"{path}: {key} moet een datum zijn als 2027-01-31, niet {value!r}")


def _int(metadata, key, path, default=None):
    value = _text(metadata, key).replace(".", "").replace("_", "")
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise IssueFileError(f"{path}: {key} moet een heel getal zijn, niet {value!r}")


def _coordinates(metadata, path):
    try:
        return places.parse(_text(metadata, "coordinates"))
    except ValueError as error:
        raise IssueFileError(f"{path}: Coordinates: {error}")


def read_issue(path, settings):
    """Read one content/kwesties/<slug>/kwestie.md into an Issue."""
    path = Path(path)
    body, metadata = MarkdownReader(settings).read(str(path))
    slug = path.parent.name
    for required in ("title", "question", "phase"):
        if not _text(metadata, required):
            raise IssueFileError(f"{path}: {required.capitalize()} ontbreekt")
    phase = _text(metadata, "phase").lower()
    if phase not in PHASES:
        raise IssueFileError(f"{path}: Phase moet een van {', '.join(PHASES)} zijn, niet {phase!r}")
    image = _text(metadata, "image")
    if image and (not IMAGE_NAME.match(image) or not (path.parent / image).is_file()):
        raise IssueFileError(f"{path}: Image moet een foto in de map van de kwestie zijn, zoals foto.jpg")
    if image and not _text(metadata, "image_alt"):
        raise IssueFileError(f"{path}: Image_alt ontbreekt: schrijf op wat de foto laat zien")
    constraints = metadata.get("constraints", [])
    if isinstance(constraints, str):
        constraints = [constraints]
    return Issue(
        slug=slug,
        title=_text(metadata, "title"),
        question=_text(metadata, "question"),
        phase=phase,
        constraints=tuple(c.strip() for c in constraints if c.strip()),
        summary=_summary(metadata, settings),
        place=_text(metadata, "place"),
        coordinates=_coordinates(metadata, path),
        municipality=_text(metadata, "municipality"),
        coordinator=_text(metadata, "coordinator"),
        opened=_date(metadata, "opened", path),
        ideas_until=_date(metadata, "ideas_until", path),
        min_circle=_int(metadata, "min_circle", path, default=3),
        budget=_int(metadata, "budget", path),
        max_cost_per_agreement=_int(metadata, "max_cost_per_agreement", path),
        max_agreements=_int(metadata, "max_agreements", path),
        translations=_translations(metadata, path),
        changes=_changes(path.parent),
        image=image,
        image_alt=_text(metadata, "image_alt"),
        body=body,
        source_path=str(path),
        texts=_texts(path, settings),
    )


def source_mtime(path, issue=None):
    """When kwestie.md, its folder (a translation added or removed) and the translations `issue`
    was read with (edited in place) last changed; None when there is no kwestie.md. What a
    cache of the Issue compares: a few stat() calls, no folder listing."""
    folder = os.path.dirname(path)
    try:
        own = (os.stat(path).st_mtime_ns, os.stat(folder).st_mtime_ns)
    except OSError:
        return None
    translations = []
    for text in issue.texts if issue else ():
        try:
            translations.append(os.stat(os.path.join(folder, f"kwestie.{text.lang}.md")).st_mtime_ns)
        except OSError:
            translations.append(None)
    return (*own, *translations)


def issues_folder(settings):
    return Path(settings["PATH"]) / settings["SAMENPLAN_KWESTIE_PATH"]


def issue_files(settings):
    folder = issues_folder(settings)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"*/{ISSUE_FILE}") if p.is_file())


def sort_key(issue):
    """Home page order: by phase in the life of a kwestie, newest first, then title."""
    opened = issue.opened.toordinal() if issue.opened else 0
    return (list(PHASES).index(issue.phase), -opened, issue.title.lower(), issue.slug)


def load_public_issues(settings):
    """All public kwesties, in home page order."""
    issues = [read_issue(p, settings) for p in issue_files(settings)]
    return sorted((i for i in issues if i.is_public), key=sort_key)


class IssueLookup:
    """Find one kwestie by slug for the web app, re-reading it when its file changes.

    Per request this costs one stat() of the one kwestie asked for, so it
    does not grow with the number of kwesties.
    """

    def __init__(self, settings):
        self.settings = settings
        self._folder = str(issues_folder(settings))
        self._cache = {}  # slug -> (mtime, Issue)

    def get(self, slug):
        """The public Issue for slug, or None."""
        if not slug or slug.startswith(".") or os.sep in slug or "/" in slug:
            return None
        path = os.path.join(self._folder, slug, ISSUE_FILE)  # os.path: on every submission, pathlib costs more
        cached = self._cache.get(slug)
        mtime = source_mtime(path, cached and cached[1])
        if mtime is None:
            return None
        if cached and cached[0] == mtime:
            issue = cached[1]
        else:
            issue = read_issue(path, self.settings)
            self._cache[slug] = (source_mtime(path, issue), issue)
        return issue.in_language(i18n.current()) if issue.is_public else None


NEW_ISSUE_TEMPLATE = """\
Title: {title}
Question: Schrijf hier de open vraag aan de buurt. Nog zonder plan.
Phase: draft
Summary: Eén zin voor de lijst met kwesties.
Place: Buurt, plaats
Opened: {today}
Ideas_until:
Min_circle: 3
Coordinator: Naam, onafhankelijk gespreksleider
Municipality: Gemeente ...
Constraints: Wat ligt vast? Eén kader per regel, bijvoorbeeld de wet of een budget.
    Tweede kader.

## Wat er speelt

Beschrijf de situatie in gewone taal. Korte zinnen.

## Hoe het werkt

Iedereen die het belangrijk vindt dat dit goed gaat, kan meedoen in de kring.
Er komt niets in het plan waar iemand uit de kring bezwaar tegen heeft.
"""

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def new_issue(settings, slug):
    """Create content/kwesties/<slug>/kwestie.md in phase draft (not yet public)."""
    if not SLUG.match(slug):
        raise ValueError(f"Ongeldige naam {slug!r}: gebruik kleine letters, cijfers en streepjes")
    path = issues_folder(settings) / slug / ISSUE_FILE
    if path.exists():
        raise FileExistsError(f"{path} bestaat al")
    path.parent.mkdir(parents=True)
    title = slug.replace("-", " ").capitalize()
    path.write_text(NEW_ISSUE_TEMPLATE.format(title=title, today=datetime.date.today()), encoding="utf-8")
    return path
