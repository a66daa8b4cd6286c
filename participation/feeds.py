"""Atom feeds: per kwestie (/feeds/<slug>.atom.xml) and for the whole site (/feeds/all.atom.xml).

Entries: every plan version (with the sha256 of its file, so anyone who kept the
feed can show a later rewrite), every answer to a question, every phase change.
Built with feedgenerator, the library Pelican itself writes its feeds with.
"""

import datetime

from feedgenerator import Atom1Feed, get_tag_uri

from . import i18n, meetings, plan, store
from .i18n import _
from .settings import public_url

SITE_FEED_ENTRIES = 50


def base_url(settings):
    """Pelican's FEED_DOMAIN when set, else the public address (settings.public_url)."""
    return (settings.get("FEED_DOMAIN") or public_url(settings)).rstrip("/")


def entries(db, issue, versions, phase_changes, settings):
    """The feed entries of one kwestie, newest first, as plain dicts."""
    base = base_url(settings)
    page = f"{base}/kwesties/{issue.slug}/"
    result = []
    for i, v in enumerate(versions):
        kind = {"adoption": "aangenomen", "response": "reactie van de gemeente",
                "status_update": "voortgang bijgewerkt"}[v.data["kind"]]
        lines = plan.describe(plan.diff(versions[i - 1].data if i else None, v.data), v.data)
        lines.append(f"Controlegetal van {v.filename}: {v.sha256}")
        result.append({"title": f"{issue.title}: plan versie {v.number}, {kind}", "link": f"{page}plan/#versie-{v.number}",
                       "date": v.data["adopted_at"], "text": " ".join(lines)})
    for q in store.questions(db, issue.slug):
        for n, answer in enumerate(q["answers"], 1):
            who = answer["display_name"] + (f", {answer['organisation']}" if answer["organisation"] else "")
            result.append({"title": f"{issue.title}: informatie bij {q['id']} van {who}", "link": f"{page}#{q['id']}",
                           "date": answer["created_at"], "text": answer["text"], "key": f"{q['id']}-{n}"})
    for at, label in phase_changes:
        result.append({"title": f"{issue.title}: nieuwe fase, {label}", "link": page, "date": at, "text": label})
    result += meeting_entries(db, issue, page)
    return sorted(result, key=lambda e: (e["date"], e["link"]), reverse=True)


def meeting_entries(db, issue, page):
    """An entry per meeting with a date, dated when it was announced (when it was cancelled, if
    it was: that is news too). Stored moments only, so a rebuild writes the same feed."""
    result = []
    with i18n.using(i18n.SOURCE):
        for m in meetings.for_issue(db, issue.slug, counts=False):
            if not m["starts_at"]:
                continue
            title = f"{issue.title}: {m['title'] or _(meetings.KINDS[m['kind']])} op {meetings.when(m)}: {m['place']}"
            if m["state"] == "cancelled":
                title += " (gaat niet door)"
            text = " ".join(filter(None, [m["information"], m["accessibility"], m["account"]]))
            result.append({"title": title, "link": f"{page}bijeenkomsten/{m['number']}/",
                           "date": m["cancelled_at"] or m["announced_at"], "text": text or title,
                           "key": f"bijeenkomst-{m['number']}"})
    return result


EMPTY_FEED_DATE = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)


def atom(title, link, feed_url, items, settings):
    feed = Atom1Feed(title=title, link=link, feed_url=feed_url, description="", language="nl")
    if not items:
        # feedgenerator would say "updated now": a feed must not change when nothing happened.
        feed.latest_post_date = lambda: EMPTY_FEED_DATE
    for item in items:
        date = datetime.datetime.fromisoformat(item["date"])
        unique = item["link"] + (f"#{item['key']}" if "key" in item else "")
        feed.add_item(title=item["title"], link=item["link"], description=item["text"], pubdate=date,
                      updateddate=date, unique_id=get_tag_uri(unique, date))
    return feed.writeString("utf-8")
