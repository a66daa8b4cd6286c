"""KwestieGenerator: reads kwestie.md files, writes the kwestie pages.

A full build (`samenplan build`, i.e. Pelican) calls generate_context() and
generate_output(). The rebuild worker keeps one generator loaded and calls
write_changed() with the kwesties that got contributions; both paths render
through write_issue()/write_lists(), so their pages are byte-identical.
"""

import datetime
import logging
import math
import os
import shutil
import tempfile
from pathlib import Path

from pelican.generators import Generator

from .. import consent, council, feeds, opendata, plan, poster, store
from .. import db as database
from ..issues import IssueFileError, issue_files, read_issue, sort_key

log = logging.getLogger(__name__)
SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


class KwestieGenerator(Generator):
    def __init__(self, *args, **kwargs):
        self.issues = []  # public kwesties in home page order
        self._mtimes = {}  # slug -> kwestie.md mtime, to notice edits
        self._feed_entries = {}  # slug -> Atom entries, for the site-wide feed
        self._summaries = {}  # slug -> council.summary(), for /besluiten.csv
        self.today = datetime.date.today()  # reviews due/overdue are relative to the build day
        super().__init__(*args, **kwargs)

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
            for path in (f"kwesties/{slug}", f"kwesties/{slug}.json", f"kwesties/{slug}.csv", f"feeds/{slug}.atom.xml"):
                self._remove(Path(path))
            self._feed_entries.pop(slug, None)
        else:
            others.append(issue)
        self.issues = sorted(others, key=sort_key)
        self.context["kwesties"] = self.issues
        return True

    # Writing ------------------------------------------------------------

    def generate_output(self, writer):
        db = database.connect(self.settings["SAMENPLAN_DATABASE"])
        try:
            self.write_all(db)
        finally:
            db.close()

    def write_all(self, db):
        for schema in sorted(SCHEMAS.glob("*.json")):
            self.write(Path("schemas") / schema.name, schema.read_text(encoding="utf-8"))
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
        reorder = any([self.refresh_issue(slug) for slug in sorted(slugs)])
        by_slug = {issue.slug: issue for issue in self.issues}
        rendered = []
        for slug in sorted(slugs):
            if slug in by_slug:
                rendered += self.write_issue(db, by_slug[slug])
        if reorder:
            pages = range(1, self.home_page_count() + 1)
            self._remove_pages(Path("pagina"), self.home_page_count())
            self._remove_pages(Path("besluiten"), self.home_page_count())
        else:
            pages = sorted({self.home_page_of(s) for s in slugs if s in by_slug})
        for page in pages:
            rendered += self.write_lists(db, page)
        rendered.append(self.write_site_feed(db))
        rendered.append(self.write_council_csv(db))
        return rendered

    def write_issue(self, db, issue):
        """The kwestie page and its idea pages; returns their paths."""
        settings = self.settings
        folder = Path("kwesties") / issue.slug
        count = store.idea_count(db, issue.slug)
        circle = store.circle(db, issue.slug)
        versions, plan_error = self.plan_versions(db, issue)
        round_ = consent.current_round(db, issue.slug)
        rendered = [self.render(
            folder / "index.html",
            "kwestie",
            issue=issue,
            circle=circle,
            circle_size=sum(circle.values()),
            idea_count=count,
            ideas=store.ideas(db, issue.slug, limit=settings["SAMENPLAN_IDEAS_ON_KWESTIE_PAGE"], newest_first=True),
            question_count=store.question_count(db, issue.slug),
            questions=store.questions(db, issue.slug, limit=settings["SAMENPLAN_IDEAS_ON_KWESTIE_PAGE"],
                                      newest_first=True),
            agreements=[a for a in store.agreements(db, issue.slug) if a["status"] == "concept"],
            current_plan=versions[-1] if versions else None,
            consent_round=round_,
            round_figures=consent.round_figures(db, issue.slug, round_) if round_ else None,
            round_over=bool(round_) and consent.round_over(round_),
            objections=store.objections(db, issue.slug),
            accepting=issue.accepts_contributions,
        )]
        state = opendata.public_state(db, issue, versions, settings["SITEURL"])
        rendered.append(self.write(folder.with_suffix(".json"), opendata.to_json(state)))
        rendered.append(self.write(folder.with_suffix(".csv"), opendata.to_csv(state)))
        changes = council.phase_changes(db, issue.slug)
        self._feed_entries[issue.slug] = feeds.entries(db, issue, versions, changes, settings)
        rendered.append(self.write(Path("feeds") / f"{issue.slug}.atom.xml", feeds.atom(
            f"{issue.title} · {settings['SITENAME']}", f"{feeds.base_url(settings)}/kwesties/{issue.slug}/",
            f"{feeds.base_url(settings)}/feeds/{issue.slug}.atom.xml", self._feed_entries[issue.slug], settings)))
        join_url = f"{poster.public_url(settings)}/kwesties/{issue.slug}/"
        rendered.append(self.render(folder / "poster" / "index.html", "poster", issue=issue, join_url=join_url,
                                    qr=poster.qr_data_uri(join_url)))
        rendered.append(self.render(folder / "papier" / "index.html", "papier", issue=issue, join_url=join_url))
        rendered.append(self.render(folder / "verslag" / "index.html", "verslag", issue=issue,
                                    report=council.report(db, issue, versions, changes), today=self.today))
        rendered += self.write_list_pages(db, issue, "ideeen", store.idea_count, store.ideas)
        rendered += self.write_list_pages(db, issue, "vragen", store.question_count, store.questions)
        rendered += self.write_plan(issue, versions, plan_error)
        return rendered

    def write_list_pages(self, db, issue, name, count_rows, rows):
        """/kwesties/<slug>/<name>/, /2/, …: every idea (or question), oldest first, a page at a time."""
        folder = Path("kwesties") / issue.slug / name
        per_page = self.settings["SAMENPLAN_IDEAS_PER_PAGE"]
        count = count_rows(db, issue.slug)
        pages = max(1, math.ceil(count / per_page))
        rendered = [
            self.render(folder / (str(page) if page > 1 else "") / "index.html", name, issue=issue, count=count,
                        items=rows(db, issue.slug, limit=per_page, offset=(page - 1) * per_page),
                        page=page, page_count=pages)
            for page in range(1, pages + 1)
        ]
        self._remove_pages(folder, pages)
        return rendered

    def plan_versions(self, db, issue):
        """The verified plan versions, and a message when the chain does not check out."""
        try:
            return consent.plan_versions(self.settings, issue.slug, db), None
        except plan.PlanError as error:
            log.error("Plan van %s klopt niet: %s", issue.slug, error)
            return [], str(error)

    def write_plan(self, issue, versions, plan_error):
        """/kwesties/<slug>/plan/: every version, newest first, with what changed; and the files."""
        folder = Path("kwesties") / issue.slug / "plan"
        history = []
        for i, version in enumerate(versions):
            previous = versions[i - 1].data if i else None
            history.append((version, plan.describe(plan.diff(previous, version.data))))
        rendered = [self.render(folder / "index.html", "plan", issue=issue, history=history[::-1],
                                plan_error=plan_error)]
        for version in versions:
            target = Path(self.output_path) / folder / version.filename
            write_file(target, version.path.read_bytes())
            rendered.append((folder / version.filename).as_posix())
        return rendered

    def home_page_count(self):
        return max(1, math.ceil(len(self.issues) / self.settings["SAMENPLAN_KWESTIES_PER_PAGE"]))

    def home_page_of(self, slug):
        index = next(i for i, issue in enumerate(self.issues) if issue.slug == slug)
        return index // self.settings["SAMENPLAN_KWESTIES_PER_PAGE"] + 1

    def write_lists(self, db, page):
        """Page `page` of the home page and of the council's overview (/besluiten/); same order."""
        per_page = self.settings["SAMENPLAN_KWESTIES_PER_PAGE"]
        issues = self.issues[(page - 1) * per_page : page * per_page]
        home = Path("pagina") / str(page) / "index.html" if page > 1 else Path("index.html")
        overview = Path("besluiten") / (str(page) if page > 1 else "") / "index.html"
        summaries = [council.summary(db, i, self.plan_versions(db, i)[0], self.today) for i in issues]
        self._summaries.update((s["issue"].slug, s) for s in summaries)
        return [
            self.render(home, "index", issues=issues, circle_sizes=store.circle_sizes(db, [i.slug for i in issues]),
                        idea_counts={i.slug: store.idea_count(db, i.slug) for i in issues},
                        page=page, page_count=self.home_page_count()),
            self.render(overview, "besluiten", summaries=summaries, page=page, page_count=self.home_page_count(),
                        today=self.today),
        ]

    def write_council_csv(self, db):
        """/besluiten.csv: every kwestie's figures, in the order of the overview."""
        for issue in self.issues:
            if issue.slug not in self._summaries:  # a worker that has not rendered its page yet
                self._summaries[issue.slug] = council.summary(db, issue, self.plan_versions(db, issue)[0], self.today)
        return self.write("besluiten.csv", council.overview_csv([self._summaries[i.slug] for i in self.issues]))

    def write_site_feed(self, db):
        """/feeds/all.atom.xml: the newest entries of every kwestie."""
        for issue in self.issues:
            if issue.slug not in self._feed_entries:  # a worker that has not rendered it yet
                versions = self.plan_versions(db, issue)[0]
                self._feed_entries[issue.slug] = feeds.entries(
                    db, issue, versions, council.phase_changes(db, issue.slug), self.settings)
        public = {issue.slug for issue in self.issues}
        newest = sorted((e for slug, items in self._feed_entries.items() if slug in public for e in items),
                        key=lambda e: (e["date"], e["link"]), reverse=True)[: feeds.SITE_FEED_ENTRIES]
        base = feeds.base_url(self.settings)
        return self.write(Path("feeds") / "all.atom.xml", feeds.atom(
            self.settings["SITENAME"], f"{base}/", f"{base}/feeds/all.atom.xml", newest, self.settings))

    def render(self, path, template, **values):
        """Render a theme template to output_path/path, atomically; returns path."""
        context = dict(self.settings)
        context.update(values)
        return self.write(path, self.get_template(template).render(context))

    def write(self, path, text):
        """Write text to output_path/path, atomically; returns path."""
        write_file(Path(self.output_path) / path, text.encode("utf-8"))
        return Path(path).as_posix()

    def _remove_pages(self, folder, keep):
        """Remove numbered page folders beyond `keep` (a list that shrank)."""
        folder = Path(self.output_path) / folder
        if not folder.is_dir():
            return
        for child in folder.iterdir():
            if child.name.isdigit() and int(child.name) > keep:
                shutil.rmtree(child)

    def _remove(self, relpath):
        target = Path(self.output_path) / relpath
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()


def write_file(path, data):
    """Write via a temporary file and rename, so a reader never sees half a page.

    Unchanged files are left alone (their mtime too), which keeps web caches warm.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if path.read_bytes() == data:
            return
    except FileNotFoundError:
        pass
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
