"""The HTML pages: a kwestie's pages, and the home page and /besluiten/ that list kwesties.

Each function renders through a SiteWriter and returns the paths it wrote,
relative to the output folder.
"""

import datetime
import math
from pathlib import Path

from .. import council, i18n, kwestie_page, meetings, photo, plan, poster, store
from ..settings import public_url


def kwestie_front(site_writer, db, issue, versions, plan_error, today=None):
    """/kwesties/<slug>/: the kwestie's own page, where a resident looks for what they sent.

    plan_error: None, or the plan.PlanError of the versions (see generator.plan_versions);
    today: the build's day, which meeting is the next one (never the clock: see generator).
    """
    plan_unconfirmed = plan_problem(plan_error)[1]
    folder = Path("kwesties") / issue.slug
    return [
        *photo_file(site_writer, issue, folder),  # before the page that shows it
        *site_writer.render(folder / "index.html", "kwestie",
                           **kwestie_page.page_context(site_writer.settings, db, issue, versions, plan_unconfirmed,
                                                       today=today)),
    ]


def kwestie_pages(site_writer, db, issue, versions, plan_error, changes, today):
    """The pages around /kwesties/<slug>/: poster, paper form, report, idea, question and plan pages."""
    settings = site_writer.settings
    plan_error, plan_unconfirmed = plan_problem(plan_error)
    folder = Path("kwesties") / issue.slug
    return [
        # The printed pages show only the kwestie (its repr: all but the body), not what was sent.
        *site_writer.render(folder / "poster" / "index.html", "poster", issue=issue, inputs=issue,
                            each_language=lambda lang: poster_values(settings, issue, lang, qr=True)),
        *site_writer.render(folder / "papier" / "index.html", "papier", issue=issue, inputs=issue,
                            each_language=lambda lang: poster_values(settings, issue, lang)),
        *site_writer.render(folder / "uitnodiging" / "index.html", "uitnodiging", issue=issue, inputs=issue,
                            each_language=lambda lang: poster_values(settings, issue, lang, qr=True)),
        *meeting_pages(site_writer, issue, meetings.for_issue(db, issue.slug, counts=False), today),
        *site_writer.render(folder / "verslag" / "index.html", "verslag", issue=issue, today=today,
                            **kwestie_page.MEETING_LABELS,
                            each_language=lambda lang: {"report": council.report(db, issue, versions, changes)}),
        *numbered_pages(site_writer, db, issue, "ideeen", store.ideas),
        *numbered_pages(site_writer, db, issue, "vragen", store.questions),
        *plan_pages(site_writer, issue, versions, plan_error, plan_unconfirmed),
    ]


def meeting_pages(site_writer, issue, all_meetings, today):
    """/kwesties/<slug>/bijeenkomsten/<n>/: each meeting, what it is for and how to come.
    Only what council.public_meeting keeps: who signed up and what they need stay in /beheer/."""
    folder = Path("kwesties") / issue.slug / "bijeenkomsten"
    written = []
    for m in all_meetings:
        shown = council.public_meeting(m)
        values = {"issue": issue, "meeting": shown, "today": today,
                  "coming": shown["state"] == "announced" and shown["starts_at"].date() >= today}
        written += site_writer.render(folder / str(m["number"]) / "index.html", "bijeenkomst",
                                      inputs=values, **values, **kwestie_page.MEETING_LABELS,
                                      each_language=lambda lang, m=m: meeting_words(m))
    return written


def meeting_words(m):
    """A meeting's date and time, and the dates offered, in the current language."""
    length = datetime.timedelta(minutes=m["minutes"] or meetings.DEFAULT_MINUTES)
    return {"when": meetings.when(m),
            "offered": [meetings.when({"starts_at": o["starts_at"], "ends_at": o["starts_at"] + length})
                        for o in m["options"]]}


def poster_values(settings, issue, lang, qr=False):
    """The printed pages' link (and QR code) to the kwestie page in the language they are in."""
    join_url = f"{public_url(settings)}{i18n.prefix(lang)}/kwesties/{issue.slug}/"
    return {"join_url": join_url, **({"qr": poster.qr_data_uri(join_url)} if qr else {})}


def photo_file(site_writer, issue, folder):
    """The kwestie's photo beside its page; a photo taken off the kwestie goes from the site too."""
    if issue.image:
        source = Path(issue.source_path).parent / issue.image
        return [site_writer.write(folder / issue.image, source.read_bytes(), issue=issue)]
    site_writer.remove(folder / photo.FILE)
    return []


def plan_problem(error):
    """(message when the plan did not check out, True when its adoption could not be confirmed)."""
    if isinstance(error, plan.UnrecordedPlan):
        return None, True
    return (str(error) if error else None), False


def numbered_pages(site_writer, db, issue, name, rows):
    """/kwesties/<slug>/<name>/, /2/, …: every idea (or question), oldest first, a page at a time.

    Only the first page gives the total, so a new idea changes that page and the last one;
    the pages in between are rendered again only when what they show changed (inputs).
    """
    folder = Path("kwesties") / issue.slug / name
    per_page = site_writer.settings["SAMENPLAN_IDEAS_PER_PAGE"]
    everything = rows(db, issue.slug)
    count = len(everything)
    pages = max(1, math.ceil(count / per_page))
    written = []
    for page in range(1, pages + 1):
        items = everything[(page - 1) * per_page : page * per_page]
        values = dict(issue=issue, count=count if page == 1 else None, items=items, page=page, page_count=pages)
        written += site_writer.render(folder / (str(page) if page > 1 else "") / "index.html", name,
                                     inputs=values, **values)
    site_writer.remove_pages(folder, pages)
    return written


def plan_pages(site_writer, issue, versions, plan_error, plan_unconfirmed=False):
    """/kwesties/<slug>/plan/: the plan as it is now in full, then every version, newest first,
    with what changed in words, and at the end each version's sha256; and the YAML files.

    plan_unconfirmed: the chain checks out, but this installation has no record of the
    versions' adoption; the page says so above them.
    """
    folder = Path("kwesties") / issue.slug / "plan"
    # It shows the kwestie and its plan versions, nothing of the database: a new idea leaves it as it was.
    inputs = (issue, [v.sha256 for v in versions], plan_error, plan_unconfirmed)
    latest = versions[-1].data if versions else None
    # The charts show the newest version's figures: in the inputs through its sha256.
    written = site_writer.render(folder / "index.html", "plan", issue=issue, inputs=inputs,
                                 current_plan=versions[-1] if versions else None,
                                 budget=council.budget_figures(latest["budget"]["available"],
                                                               latest["budget"]["allocated"]) if latest else None,
                                 by_status=council.status_counts(latest["agreements"]) if latest else None,
                                 plan_error=plan_error, plan_unconfirmed=plan_unconfirmed,
                                 each_language=lambda lang: {"history": plan_history(versions)})
    for version in versions:
        written.append(site_writer.write(folder / version.filename, version.path.read_bytes(),
                                         issue=issue, version=version))
    return written


def plan_history(versions):
    """Every version, newest first, with what changed in words (in the current language)."""
    history = []
    for i, version in enumerate(versions):
        previous = versions[i - 1].data if i else None
        history.append((version, plan.describe(plan.diff(previous, version.data), version.data,
                                               titles=agreement_titles(previous, version.data))))
    return history[::-1]


def agreement_titles(previous, data):
    """{"A2": its title} from both versions: a removed agreement is named by its last title."""
    return {a["id"]: a["what"] for version in (previous, data) if version for a in version["agreements"]}


def list_pages(site_writer, db, issues, summaries, page, page_count, today):
    """Page `page` of the home page and of the council's overview (/besluiten/); same order."""
    home = Path("pagina") / str(page) / "index.html" if page > 1 else Path("index.html")
    overview = Path("besluiten") / (str(page) if page > 1 else "") / "index.html"
    return [
        *site_writer.render(home, "index", circle_sizes=store.circle_sizes(db, [i.slug for i in issues]),
                            idea_counts={i.slug: store.idea_count(db, i.slug) for i in issues},
                            page=page, page_count=page_count,
                            each_language=lambda lang: {"issues": [i.in_language(lang) for i in issues]}),
        *site_writer.render(overview, "besluiten", page=page, page_count=page_count, today=today,
                            each_language=lambda lang: {"summaries": [
                                {**s, "issue": s["issue"].in_language(lang)} for s in summaries]}),
    ]
