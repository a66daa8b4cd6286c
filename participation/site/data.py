"""Feeds and open data: Atom feeds, a kwestie's JSON and CSV, /besluiten.csv, the schemas.

Each function writes through a SiteWriter and returns the paths it wrote,
relative to the output folder.
"""

from pathlib import Path

from .. import calendar, council, feeds, opendata

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def schemas(site_writer):
    """/schemas/*.json: what the JSON exports and the plan files follow."""
    return [site_writer.write(Path("schemas") / schema.name, schema.read_text(encoding="utf-8"))
            for schema in sorted(SCHEMAS.glob("*.json"))]


def kwestie_data(site_writer, db, issue, versions):
    """/kwesties/<slug>.json and .csv: the kwestie's public state."""
    state = opendata.public_state(db, issue, versions, site_writer.settings["SITEURL"])
    folder = Path("kwesties") / issue.slug
    return [
        site_writer.write(folder.with_suffix(".json"), opendata.to_json(state), issue=issue),
        site_writer.write(folder.with_suffix(".csv"), opendata.to_csv(state), issue=issue),
    ]


def kwestie_feed(site_writer, issue, entries):
    """/feeds/<slug>.atom.xml: what happened in one kwestie."""
    settings = site_writer.settings
    base = feeds.base_url(settings)
    url = f"{base}/feeds/{issue.slug}.atom.xml"
    text = feeds.atom(f"{issue.title} · {settings['SITENAME']}", f"{base}/kwesties/{issue.slug}/", url,
                      entries, settings)
    return site_writer.write(Path("feeds") / f"{issue.slug}.atom.xml", text, issue=issue)


def kwestie_calendars(site_writer, issue, all_meetings):
    """/kwesties/<slug>/agenda.ics (every meeting with a date) and bijeenkomsten/<n>.ics (each one)."""
    settings = site_writer.settings
    folder = Path("kwesties") / issue.slug
    return [
        site_writer.write(folder / "agenda.ics", calendar.calendar(settings, issue, all_meetings), issue=issue),
        *(site_writer.write(folder / "bijeenkomsten" / f"{m['number']}.ics", calendar.event(settings, issue, m),
                            issue=issue) for m in calendar.dated(all_meetings)),
    ]


def site_feed(site_writer, entries):
    """/feeds/all.atom.xml: the newest entries of every kwestie."""
    settings = site_writer.settings
    newest = sorted(entries, key=lambda e: (e["date"], e["link"]), reverse=True)[: feeds.SITE_FEED_ENTRIES]
    base = feeds.base_url(settings)
    text = feeds.atom(settings["SITENAME"], f"{base}/", f"{base}/feeds/all.atom.xml", newest, settings)
    return site_writer.write(Path("feeds") / "all.atom.xml", text)


def council_csv(site_writer, summaries):
    """/besluiten.csv: every kwestie's figures, in the order of the overview."""
    return site_writer.write("besluiten.csv", council.overview_csv(summaries))
