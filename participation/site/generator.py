"""KwestieGenerator: reads kwestie.md files, decides which pages to write.

A full build (`samenplan build`, i.e. Pelican) calls generate_context() and
generate_output(). The rebuild worker keeps one generator loaded and calls
write_changed() with the kwesties that got contributions; both paths write
through write_issue()/write_lists() and one SiteWriter, so their pages are
byte-identical and other plugins hear of every file (content_written).
What the files hold is in pages.py (HTML) and data.py (feeds, open data).
"""

import datetime
import logging
import math
from pathlib import Path

from pelican.generators import Generator

from .. import council, feeds, kwestie_page
from .. import db as database
from ..issues import IssueFileError, issue_files, read_issue, sort_key
from . import data, pages
from .writer import SiteWriter

log = logging.getLogger(__name__)


class KwestieGenerator(Generator):
    def __init__(self, *args, **kwargs):
        self.issues = []  # public kwesties in home page order
        self._mtimes = {}  # slug -> kwestie.md mtime, to notice edits
        self._feed_entries = {}  # slug -> Atom entries, for the site-wide feed
        self._summaries = {}  # slug -> council.summary(), for /besluiten.csv
        self.today = datetime.date.today()  # reviews due/overdue are relative to the build day
        super().__init__(*args, **kwargs)
        self.site_writer = SiteWriter(self.output_path, self.settings, self.get_template, self.context)

    # Reading ------------------------------------------------------------

    def generate_context(self):
        issues = []
        for path in issue_files(self.settings):
            issue = read_issue(path, self.settings)
            self._mtimes[issue.slug] = path.stat().st_mtime_ns
            if issue.is_public:
                issues.append(issue)
        self.issues = sorted(issues, key=sort_key)
        self.context["kwesties"] = self.issues

    def refresh_issue(self, slug):
        """Re-read one kwestie.md if it changed; True when the home order may have moved."""
        path = Path(self.settings["PATH"]) / self.settings["SAMENPLAN_KWESTIE_PATH"] / slug / "kwestie.md"
        mtime = path.stat().st_mtime_ns if path.is_file() else None
        if mtime == self._mtimes.get(slug):
            return False
        try:
            issue = read_issue(path, self.settings) if mtime else None
        except IssueFileError as error:
            # Someone saved it with a mistake: its pages stay as they were (with new
            # contributions), the other kwesties go on, and it is read again next time.
            log.error("%s; de pagina's van %s blijven zoals ze waren", error, slug)
            return False
        self._mtimes[slug] = mtime
        others = [i for i in self.issues if i.slug != slug]
        if issue is None or not issue.is_public:
            for name in (f"kwesties/{slug}", f"kwesties/{slug}.json", f"kwesties/{slug}.csv", f"feeds/{slug}.atom.xml"):
                self.site_writer.remove(name)
            self._feed_entries.pop(slug, None)
        else:
            others.append(issue)
        self.issues = sorted(others, key=sort_key)
        self.context["kwesties"] = self.issues
        return True

    # Writing ------------------------------------------------------------

    def generate_output(self, writer):
        # Pelican's writer is not used: SiteWriter writes atomically and sends the same signal.
        db = database.connect(self.settings["SAMENPLAN_DATABASE"])
        try:
            self.write_all(db)
        finally:
            db.close()

    def write_all(self, db):
        data.schemas(self.site_writer)
        for issue in self.issues:
            self.write_issue(db, issue)
        for page in range(1, self.home_page_count() + 1):
            self.write_lists(db, page)
        self.write_site_feed(db)
        self.write_council_csv(db)

    def write_changed(self, db, slugs):
        """Re-render only the given kwesties and the home pages that list them.

        Returns the paths rendered, relative to the output folder.
        """
        # A list, not a generator: any() would stop at the first change and skip re-reading the rest.
        reorder = any([self.refresh_issue(slug) for slug in sorted(slugs)])  # noqa: C419
        by_slug = {issue.slug: issue for issue in self.issues}
        rendered = []
        for slug in sorted(slugs):
            if slug in by_slug:
                rendered += self.write_issue(db, by_slug[slug])
        if reorder:
            page_numbers = range(1, self.home_page_count() + 1)
            self.site_writer.remove_pages("pagina", self.home_page_count())
            self.site_writer.remove_pages("besluiten", self.home_page_count())
        else:
            page_numbers = sorted({self.home_page_of(s) for s in slugs if s in by_slug})
        for page in page_numbers:
            rendered += self.write_lists(db, page)
        rendered.append(self.write_site_feed(db))
        rendered.append(self.write_council_csv(db))
        return rendered

    def write_issue(self, db, issue):
        """A kwestie's pages, open data and feed; returns their paths."""
        versions, plan_error = self.plan_versions(db, issue)
        changes = council.phase_changes(db, issue.slug)
        self._feed_entries[issue.slug] = feeds.entries(db, issue, versions, changes, self.settings)
        return [
            *pages.kwestie_pages(self.site_writer, db, issue, versions, plan_error, changes, self.today),
            *data.kwestie_data(self.site_writer, db, issue, versions),
            data.kwestie_feed(self.site_writer, issue, self._feed_entries[issue.slug]),
        ]

    def write_lists(self, db, page):
        """Page `page` of the home page and of /besluiten/; returns their paths."""
        per_page = self.settings["SAMENPLAN_KWESTIES_PER_PAGE"]
        issues = self.issues[(page - 1) * per_page : page * per_page]
        summaries = [council.summary(db, i, self.plan_versions(db, i)[0], self.today) for i in issues]
        self._summaries.update((s["issue"].slug, s) for s in summaries)
        return pages.list_pages(self.site_writer, db, issues, summaries, page, self.home_page_count(), self.today)

    def write_council_csv(self, db):
        for issue in self.issues:
            if issue.slug not in self._summaries:  # a worker that has not rendered its page yet
                self._summaries[issue.slug] = council.summary(db, issue, self.plan_versions(db, issue)[0], self.today)
        return data.council_csv(self.site_writer, [self._summaries[i.slug] for i in self.issues])

    def write_site_feed(self, db):
        for issue in self.issues:
            if issue.slug not in self._feed_entries:  # a worker that has not rendered it yet
                versions = self.plan_versions(db, issue)[0]
                self._feed_entries[issue.slug] = feeds.entries(
                    db, issue, versions, council.phase_changes(db, issue.slug), self.settings)
        public = {issue.slug for issue in self.issues}
        return data.site_feed(self.site_writer, [
            entry for slug, entries in self._feed_entries.items() if slug in public for entry in entries])

    def plan_versions(self, db, issue):
        """The verified plan versions, and the PlanError when they do not check out (else None)."""
        return kwestie_page.plan_versions(self.settings, db, issue)

    def home_page_count(self):
        return max(1, math.ceil(len(self.issues) / self.settings["SAMENPLAN_KWESTIES_PER_PAGE"]))

    def home_page_of(self, slug):
        index = next(i for i, issue in enumerate(self.issues) if issue.slug == slug)
        return index // self.settings["SAMENPLAN_KWESTIES_PER_PAGE"] + 1
