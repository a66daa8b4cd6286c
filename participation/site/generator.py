"""KwestieGenerator: reads kwestie.md files, decides which pages to write.

A full build (`samenplan build`, i.e. Pelican) calls generate_context() and
generate_output(). The rebuild worker keeps one generator loaded and calls
write_first() with the kwesties that got contributions: it writes their own
pages at once and queues the rest in `follow_up`, which write_next() works
through a unit at a time (write_changed() does both). Both paths write
through the same functions and one SiteWriter, so their pages are
byte-identical and other plugins hear of every file (content_written).
What the files hold is in pages.py (HTML) and data.py (feeds, open data).
"""

import datetime
import logging
import math
import time
from pathlib import Path

from pelican.generators import Generator

from .. import council, feeds, kwestie_page, meetings, search
from .. import db as database
from ..issues import IssueFileError, issue_files, read_issue, sort_key, source_mtime
from . import data, pages
from .writer import SiteWriter

log = logging.getLogger(__name__)

SITE = ("site",)  # the follow-up unit of the site-wide feed and /besluiten.csv
FOLLOW_UP_EVERY = 2  # seconds: a unit written again while changes keep coming waits this long,
FOLLOW_UP_SHARE = 10  # or this many times as long as it took, so no unit takes over the worker
SITE_WIDE_EVERY = 30  # seconds: the site-wide files wait for the rest, at most this long
COUNTING_STEP = 0.01  # seconds: a worker that has not rendered every kwestie counts them in steps


class KwestieGenerator(Generator):
    def __init__(self, *args, **kwargs):
        self.issues = []  # public kwesties in home page order
        self._mtimes = {}  # slug -> (issues.source_mtime(), the Issue read), to notice edits
        self._feed_entries = {}  # slug -> Atom entries, for the site-wide feed
        self._summaries = {}  # slug -> council.summary(), for /besluiten.csv
        self._positions = {}  # slug -> index in self.issues
        # Work queued by write_first(): unit -> the lowest site_changes id that waits for it.
        # Units: ("kwestie", slug, lang), ("lists", page number, lang), SITE; first in, first out.
        self.follow_up = {}
        self._written_at = {}  # unit -> time.monotonic() when it was last written
        self._failures = {}  # unit -> failures in a row
        self._took = {}  # unit -> seconds its last write took
        self._counted = 0  # kwesties write_site_wide() found counted, in this pass
        self._started = time.monotonic()
        self.today = datetime.date.today()  # reviews due/overdue are relative to the build day
        super().__init__(*args, **kwargs)
        self.site_writer = SiteWriter(self.output_path, self.settings, self.get_template, self.context)
        self.languages = self.site_writer.languages

    # Reading ------------------------------------------------------------

    def generate_context(self):
        issues = []
        for path in issue_files(self.settings):
            issue = read_issue(path, self.settings)
            self._mtimes[issue.slug] = (source_mtime(path, issue), issue)
            if issue.is_public:
                issues.append(issue)
        self._set_issues(issues)

    def _set_issues(self, issues):
        self.issues = sorted(issues, key=sort_key)
        self._positions = {issue.slug: i for i, issue in enumerate(self.issues)}
        self.context["kwesties"] = self.issues

    def refresh_issue(self, slug):
        """Re-read one kwestie.md if it changed; True when the home order may have moved."""
        path = Path(self.settings["PATH"]) / self.settings["SAMENPLAN_KWESTIE_PATH"] / slug / "kwestie.md"
        last_mtime, last_issue = self._mtimes.get(slug, (None, None))
        mtime = source_mtime(path, last_issue)
        if mtime == last_mtime:
            return False
        try:
            issue = read_issue(path, self.settings) if mtime else None
        except IssueFileError as error:
            # Someone saved it with a mistake: its pages stay as they were (with new
            # contributions), the other kwesties go on, and it is read again next time.
            log.error("%s; de pagina's van %s blijven zoals ze waren", error, slug)
            return False
        self._mtimes[slug] = (source_mtime(path, issue), issue) if issue else (None, None)
        others = [i for i in self.issues if i.slug != slug]
        if issue is None or not issue.is_public:
            for name in (f"kwesties/{slug}", f"kwesties/{slug}.json", f"kwesties/{slug}.csv", f"feeds/{slug}.atom.xml"):
                self.site_writer.remove(name)
            self._feed_entries.pop(slug, None)
        else:
            others.append(issue)
        self._set_issues(others)
        return True

    # Writing ------------------------------------------------------------

    def generate_output(self, writer):
        # Pelican's writer is not used: SiteWriter writes atomically and sends the same signal.
        db = database.connect(self.settings["SAMENPLAN_DATABASE"])
        try:
            self.write_all(db)
        finally:
            db.close()
        self.write_content_pages()

    def write_all(self, db):
        search.index_issues(db, self.issues)  # what the site shows is what /zoeken/ finds
        search.catch_up(db)
        data.schemas(self.site_writer)
        for issue in self.issues:
            self.write_issue(db, issue)
        for page in range(1, self.home_page_count() + 1):
            self.write_lists(db, page)
        self.write_site_wide(db)

    def write_content_pages(self):
        """Pelican's pages (content/pages/: over, privacy, toegankelijkheid) in every language:
        the page's translation (over.en.md with Lang: en), or the Dutch page, marked as Dutch."""
        for page in self.context.get("pages", []):
            translations = {t.lang: t for t in page.translations}
            self.site_writer.render(Path(page.slug) / "index.html", "page",
                                    each_language=lambda lang, page=page, t=translations: {"page": t.get(lang, page)})

    def write_changed(self, db, slugs):
        """Re-render the given kwesties and everything that shows them, now; returns the paths
        rendered, relative to the output folder."""
        rendered = self.write_first(db, slugs)
        while self.follow_up:
            rendered += self.write_next(db, patient=False)
        return rendered

    def write_first(self, db, slugs, since=0):
        """The kwesties' own pages at once; their other pages, the home and overview pages that
        list them and the site-wide files go into `follow_up` (`since`: the lowest
        site_changes id they are for). Returns the paths rendered."""
        # A list, not a generator: any() would stop at the first change and skip re-reading the rest.
        reorder = any([self.refresh_issue(slug) for slug in sorted(slugs)])  # noqa: C419
        rendered = []
        changed = [self.issues[self._positions[slug]] for slug in sorted(slugs) if slug in self._positions]
        for issue in changed:
            versions, plan_error = self.plan_versions(db, issue)
            rendered += pages.kwestie_front(self.site_writer, db, issue, versions, plan_error, self.today)
            for lang in self.languages:
                self._queue(("kwestie", issue.slug, lang), since)
        # The search index after the page the resident waits for: a changed kwestie text, or
        # one no longer public. (New ideas: write_site_wide; a search indexes them first anyway.)
        search.index_issues(db, changed, complete=False)
        for slug in set(slugs) - set(self._positions):
            search.remove_issue(db, slug)
        if reorder:
            self.site_writer.remove_pages("pagina", self.home_page_count())
            self.site_writer.remove_pages("besluiten", self.home_page_count())
            page_numbers = range(1, self.home_page_count() + 1)
        else:
            page_numbers = sorted({self.home_page_of(issue.slug) for issue in changed})
        for page in page_numbers:
            for lang in self.languages:
                self._queue(("lists", page, lang), since)
        self._queue(SITE, since)
        return rendered

    def _queue(self, unit, since):
        self.follow_up[unit] = min(since, self.follow_up.get(unit, since))

    def write_next(self, db, patient=True):
        """Write the oldest unit of the follow-up queue that is due; returns the paths rendered,
        or None when none is due yet.

        Patient (the worker's loop): a unit written less than FOLLOW_UP_EVERY seconds ago,
        or less than FOLLOW_UP_SHARE times as long as it took, waits, so a kwestie that gets
        an idea every few milliseconds has its long pages written every two seconds (or,
        with thousands of ideas, every ten times their cost) rather than all the time; its
        own page is never held back (write_first). The site-wide files grow with the number of kwesties, so they
        wait until nothing else is queued, or SITE_WIDE_EVERY seconds.
        """
        now = time.monotonic()
        unit = next((u for u in self.follow_up if not patient or self._due(u, now)), None)
        if unit is None:
            return None
        try:
            rendered = self._write_unit(db, unit)
            self._took[unit] = time.monotonic() - now
        except Exception:
            # To the back, and tried again after 2, 4, … 30 s: it holds up nothing else.
            self._failures[unit] = self._failures.get(unit, 0) + 1
            self._written_at[unit] = now + min(SITE_WIDE_EVERY, 2 ** self._failures[unit]) - FOLLOW_UP_EVERY
            self.follow_up[unit] = self.follow_up.pop(unit)
            raise
        self._failures.pop(unit, None)
        if rendered is None:  # not finished (SITE, counting in steps): the others go first
            self.follow_up[unit] = self.follow_up.pop(unit)
        else:
            del self.follow_up[unit]
            self._written_at[unit] = now
        return rendered or []

    def _write_unit(self, db, unit):
        if unit == SITE:
            return self.write_site_wide(db)
        kind, key, lang = unit
        with self.site_writer.only(lang):
            if kind == "lists":
                return self.write_lists(db, key) if key <= self.home_page_count() else []
            issue = self.issues[self._positions[key]] if key in self._positions else None
            # The kwestie's open data and feed (one file for every language) go with its Dutch pages.
            return self.write_issue(db, issue, front=False, files=lang == self.languages[0]) if issue else []

    def _due(self, unit, now):
        last = self._written_at.get(unit)
        if unit == SITE and now - (last or self._started) < SITE_WIDE_EVERY and len(self.follow_up) > 1:
            return False
        return last is None or now - last >= max(FOLLOW_UP_EVERY, FOLLOW_UP_SHARE * self._took.get(unit, 0))

    def write_issue(self, db, issue, front=True, files=True):
        """A kwestie's pages, open data and feed; returns their paths. front=False: all but
        its own page, which write_first() wrote; files=False: its pages only."""
        versions, plan_error = self.plan_versions(db, issue)
        changes = council.phase_changes(db, issue.slug)
        written = [
            *(pages.kwestie_front(self.site_writer, db, issue, versions, plan_error, self.today) if front else []),
            *pages.kwestie_pages(self.site_writer, db, issue, versions, plan_error, changes, self.today),
        ]
        if files:
            self._feed_entries[issue.slug] = feeds.entries(db, issue, versions, changes, self.settings)
            written += [*data.kwestie_data(self.site_writer, db, issue, versions),
                        data.kwestie_feed(self.site_writer, issue, self._feed_entries[issue.slug]),
                        *data.kwestie_calendars(self.site_writer, issue, meetings.for_issue(db, issue.slug, counts=False))]
        return written

    def write_lists(self, db, page):
        """Page `page` of the home page and of /besluiten/; returns their paths."""
        per_page = self.settings["SAMENPLAN_KWESTIES_PER_PAGE"]
        issues = self.issues[(page - 1) * per_page : page * per_page]
        summaries = [council.summary(db, i, self.plan_versions(db, i)[0], self.today) for i in issues]
        self._summaries.update((s["issue"].slug, s) for s in summaries)
        return pages.list_pages(self.site_writer, db, issues, summaries, page, self.home_page_count(), self.today)

    def write_site_wide(self, db):
        """/feeds/all.atom.xml and /besluiten.csv; None while still counting the kwesties this
        generator has not rendered yet (a worker just started), COUNTING_STEP at a time."""
        deadline, counted = time.monotonic() + COUNTING_STEP, False
        for issue in self.issues[self._counted:]:
            if issue.slug in self._summaries and issue.slug in self._feed_entries:
                self._counted += 1
                continue
            if counted and time.monotonic() > deadline:  # at least one a step
                return None
            counted = True
            versions = self.plan_versions(db, issue)[0]
            self._summaries.setdefault(issue.slug, council.summary(db, issue, versions, self.today))
            self._feed_entries.setdefault(issue.slug, feeds.entries(
                db, issue, versions, council.phase_changes(db, issue.slug), self.settings))
            self._counted += 1
        self._counted = 0
        if any(i.slug not in self._summaries or i.slug not in self._feed_entries for i in self.issues):
            return None  # the list changed between steps (a kwestie published): count again
        # New ideas and questions into the search index, here and not with every kwestie page:
        # FTS5 writes a segment per transaction and merges them as they pile up.
        search.catch_up(db)
        return [self.write_site_feed(), self.write_council_csv()]

    def write_council_csv(self):
        return data.council_csv(self.site_writer, [self._summaries[i.slug] for i in self.issues])

    def write_site_feed(self):
        return data.site_feed(self.site_writer, [
            entry for issue in self.issues for entry in self._feed_entries[issue.slug]])

    def plan_versions(self, db, issue):
        """The verified plan versions, and the PlanError when they do not check out (else None)."""
        return kwestie_page.plan_versions(self.settings, db, issue)

    def home_page_count(self):
        return max(1, math.ceil(len(self.issues) / self.settings["SAMENPLAN_KWESTIES_PER_PAGE"]))

    def home_page_of(self, slug):
        return self._positions[slug] // self.settings["SAMENPLAN_KWESTIES_PER_PAGE"] + 1
