"""Search: one SQLite FTS5 index over what the site shows, and the query a resident types.

The index (`search`, made in db.py with the rest of the schema) holds a row per kwestie, idea,
question (with its answers), agreement and meeting, as the public may see it. Triggers on those
tables keep it current in the same transaction as the change: a hidden or withdrawn idea leaves the index when it is hidden, an
erased name when it is erased. Kwesties are files, not rows: the site build indexes them
(`index_issues`, the same rebuild path that writes their pages). `rebuild` fills it again
from scratch (`samenplan search-index`).

The tokenizer folds diacritics (café finds cafe), every word of a query is a prefix
(speel finds speeltuin), results are ranked with bm25. A query is never handed to FTS5 as
typed: it is cut into words, each quoted, so quotes, AND/OR/NOT, brackets or odd Unicode
cannot make a syntax error.
"""

import hashlib
import html
import math
import re
import unicodedata

from markupsafe import Markup, escape

from . import db as database

WEIGHTS = (5.0, 1.0, 0.5)  # bm25: a word in the title counts more than one in the text or the name
PER_PAGE = 20
MAX_WORDS = 8
MAX_QUERY = 200  # characters read of a query
MARK = ("\ue000", "\ue001")  # around a match in a snippet, until it is escaped and marked up
MARKED = re.compile("\ue000([^\ue000\ue001]*)\ue001")


def rebuild(db, issues):
    """Empty the index and fill it again, kwesties included; returns how many rows it holds."""
    with database.write(db):
        db.execute("DELETE FROM search")
        db.execute("DELETE FROM search_kwesties")
        database.fill_search(db)
        index_issues(db, issues)
        optimize(db)
    return db.execute("SELECT count(*) FROM search").fetchone()[0]


def optimize(db):
    """Merge the index into one b-tree: what was deleted from it (an erased name) is gone from
    the file too, not only unreachable."""
    db.execute("INSERT INTO search (search) VALUES ('optimize')")


# Kwesties -------------------------------------------------------------------


def issue_text(issue):
    """(title, text) of a kwestie as the index holds it: every language it is written in."""
    langs = sorted({t.lang for t in (*issue.texts, *issue.translations)})
    versions = [issue, *(issue.in_language(lang) for lang in langs)]
    titles = dict.fromkeys(v.title for v in versions)  # in order, each once
    texts = dict.fromkeys(part for v in versions for part in (v.question, plain(v.summary), plain(v.body)) if part)
    return " · ".join(titles), "\n".join(texts)


def plain(html_text):
    """The words of a kwestie's body (HTML from Markdown), without its tags."""
    return html.unescape(re.sub(r"<[^>]+>", " ", html_text or "")).strip()


def index_issues(db, issues, *, complete=True):
    """Index the public kwesties whose text changed; complete: `issues` are all of them, so a
    kwestie no longer among them (made draft, removed) leaves the index."""
    with database.write(db):
        known = dict(db.execute("SELECT slug, digest FROM search_kwesties").fetchall())
        for issue in issues:
            title, text = issue_text(issue)
            digest = hashlib.sha256(f"{issue.opened}\0{title}\0{text}".encode()).hexdigest()
            if known.get(issue.slug) != digest:
                _index_issue(db, issue, title, text, digest)
        if complete:
            for slug in set(known) - {issue.slug for issue in issues}:
                remove_issue(db, slug)


def _index_issue(db, issue, title, text, digest):
    db.execute("INSERT INTO search_kwesties (slug, digest) VALUES (?, ?) "
               "ON CONFLICT (slug) DO UPDATE SET digest = excluded.digest", [issue.slug, digest])
    id_ = db.execute("SELECT id FROM search_kwesties WHERE slug = ?", [issue.slug]).fetchone()[0]
    db.execute("DELETE FROM search WHERE rowid = ?", [id_ * database.SEARCH_KINDS])
    db.execute(database.SEARCH_INSERT + "VALUES (?, ?, ?, '', 'kwestie', ?, NULL, ?)",
               [id_ * database.SEARCH_KINDS, title, text, issue.slug, str(issue.opened or "")])


def remove_issue(db, slug):
    """A kwestie that is no longer public: it and what was sent to it are not found."""
    with database.write(db):
        row = db.execute("SELECT id FROM search_kwesties WHERE slug = ?", [slug]).fetchone()
        if row:
            db.execute("DELETE FROM search WHERE rowid = ?", [row[0] * database.SEARCH_KINDS])
            db.execute("DELETE FROM search_kwesties WHERE slug = ?", [slug])


# Queries --------------------------------------------------------------------


def words(query):
    """The words of what was typed, as FTS5 sees words: letters and digits; at most MAX_WORDS."""
    text = unicodedata.normalize("NFKC", (query or "")[:MAX_QUERY])
    return re.findall(r"[^\W_]+", text)[:MAX_WORDS]


def match_expression(found_words, any_word=False):
    """An FTS5 query for the words: each quoted (so no word is an operator), each a prefix
    from two letters on; all words must occur, or any with any_word."""
    terms = [f'"{w}"*' if len(w) > 1 else f'"{w}"' for w in found_words]
    return (" OR " if any_word else " ").join(terms)


ORDERS = {
    "relevant": "rank",
    "nieuw": "s.created_at DESC, s.rowid DESC",
    "besproken": "discussed DESC, rank",
}
# How much an idea was taken up: agreements built on it, and the objections and concerns on those.
DISCUSSED = (
    "CASE s.kind WHEN 'idea' THEN (SELECT count(*) + coalesce(sum((SELECT count(*) FROM objections o "
    "WHERE o.agreement_id = a.id)), 0) FROM agreements a, json_each(a.from_ideas) j "
    "WHERE a.issue = s.issue AND j.value = s.number) ELSE 0 END"
)


def search(db, query, *, issues, kwestie=None, kind=None, order="relevant", page=1, per_page=PER_PAGE):
    """Search the index. issues: the slugs that may be shown (public kwesties); kwestie, kind:
    only that kwestie, only that kind; order: relevant, nieuw (newest first) or besproken (most
    taken up); page from 1. Without words, every row of the kwestie/kind in that order
    (the ideas of one kwestie, newest first).

    Returns {"words", "total", "page", "pages", "results": [{kind, issue, number, title,
    snippet, author, created_at, discussed}], "any_word"}: when no row has all the words, rows with any of them.
    """
    found = words(query)
    slugs = [s for s in issues if kwestie is None or s == kwestie]
    result = {"words": found, "total": 0, "page": 1, "pages": 0, "results": [], "any_word": False}
    if not slugs or not (found or kwestie):
        return result
    order = order if order in ORDERS else "relevant"
    if not found and order == "relevant":
        order = "nieuw"
    where, params = [f"s.issue IN ({','.join('?' * len(slugs))})"], list(slugs)
    if kind:
        where.append("s.kind = ?")
        params.append(kind)
    for any_word in (False, True) if len(found) > 1 else (False,):
        match = [match_expression(found, any_word)] if found else []
        condition = " AND ".join((["search MATCH ?"] if found else []) + where)
        total = db.execute(f"SELECT count(*) FROM search s WHERE {condition}", match + params).fetchone()[0]
        if total:
            result["any_word"] = any_word
            break
    if not total:
        return result
    pages = math.ceil(total / per_page)
    page = min(max(1, page), pages)
    rank = f"bm25(search, {', '.join(map(str, WEIGHTS))})" if found else "0"
    # From the text (an idea's explanation, a question's answers); where only the title matched,
    # FTS5 gives the start of the text.
    snippet = f"snippet(search, 1, '{MARK[0]}', '{MARK[1]}', '…', 24)" if found else "substr(s.body, 1, 160)"
    author = f"highlight(search, 2, '{MARK[0]}', '{MARK[1]}')" if found else "s.author"
    title = f"highlight(search, 0, '{MARK[0]}', '{MARK[1]}')" if found else "s.title"
    rows = db.execute(
        f"SELECT s.kind, s.issue, s.number, {title}, {snippet}, {author}, s.created_at, {rank} AS rank, "
        f"{DISCUSSED} AS discussed "
        f"FROM search s WHERE {condition} ORDER BY {ORDERS[order]} LIMIT ? OFFSET ?",
        match + params + [per_page, (page - 1) * per_page]).fetchall()
    result.update(total=total, page=page, pages=pages, results=[
        {"kind": k, "issue": slug, "number": number, "title": marked(t), "snippet": marked(s),
         "author": marked(a), "created_at": created, "discussed": discussed}
        for k, slug, number, t, s, a, created, _, discussed in rows])
    return result


def marked(text):
    """Text with FTS5's match markers, escaped, the matches in <mark> (a marker someone typed
    themselves is dropped, so the tags always pair)."""
    text = MARKED.sub(r"<mark>\1</mark>", str(escape(text or "")))
    return Markup(text.replace(MARK[0], "").replace(MARK[1], ""))


def grouped(results):
    """Results in groups by kwestie, the kwesties in the order of their first result."""
    groups = {}
    for r in results:
        groups.setdefault(r["issue"], []).append(r)
    return list(groups.items())


def page_of(number, per_page):
    """The page of /ideeen/ or /vragen/ a number is on (oldest first, every number has a place)."""
    return max(1, math.ceil(number / per_page))


def public_issues(db):
    """The kwesties the last build indexed: the public ones, whose contributions may be found."""
    return [slug for (slug,) in db.execute("SELECT slug FROM search_kwesties ORDER BY slug")]
