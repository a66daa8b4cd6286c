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
TOKEN = re.compile(r"([^\W_]+)")  # a word, as FTS5's unicode61 tokenizer cuts them
SNIPPET_WORDS = 24


def rebuild(db, issues):
    """Empty the index and fill it again, kwesties included; returns how many rows it holds."""
    with database.write(db):
        db.execute("DELETE FROM search")
        db.execute("DELETE FROM search_kwesties")
        database.fill_search(db)
        index_issues(db, issues)
        optimize(db)
    return db.execute("SELECT count(*) FROM search").fetchone()[0]


def catch_up(db):
    """Index the ideas and questions stored since the last time (ids above search_progress), in
    one transaction, so one FTS5 segment for all of them; returns how many. Ideas and questions
    are never deleted, so ids only grow. When none are new it costs two reads per kind."""
    behind = [(kind, up_to, newest) for kind, up_to, newest in _progress(db) if newest > up_to]
    if not behind:
        return 0
    with database.write(db):
        added = 0
        for kind, up_to, newest in _progress(db):  # again, now that we hold the write lock
            if newest <= up_to:
                continue
            low = database.SEARCH_CODES[kind] * database.SEARCH_STEP
            key = database.SEARCH_SOURCES[kind][1]
            # One changed before this (hidden, say) went in through its trigger already.
            db.execute("DELETE FROM search WHERE rowid > ? AND rowid <= ?", [low + up_to, low + newest])
            added += db.execute(database.SEARCH_INSERT + database.SEARCH_ROWS[kind].format(
                where=f"{key} > {int(up_to)} AND {key} <= {int(newest)}")).rowcount
            db.execute("INSERT OR REPLACE INTO search_progress (kind, up_to) VALUES (?, ?)", [kind, newest])
    return added


def _progress(db):
    """(kind, indexed up to id, newest id) of the kinds indexed in batches."""
    return [(kind, (db.execute("SELECT up_to FROM search_progress WHERE kind = ?", [kind]).fetchone() or (0,))[0],
             db.execute(f"SELECT coalesce(max(id), 0) FROM {database.SEARCH_SOURCES[kind][0]}").fetchone()[0])
            for kind in database.BATCHED]


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
    kwestie no longer among them (made draft, removed) is no longer found, nor what was sent to it.
    Reads and writes nothing beyond the kwesties given unless complete (the worker's rebuild
    gives one kwestie, and should not pay for a thousand)."""
    known = {slug: (digest, public) for slug, digest, public in (
        db.execute("SELECT slug, digest, public FROM search_kwesties") if complete else
        db.execute(f"SELECT slug, digest, public FROM search_kwesties WHERE slug IN ({','.join('?' * len(issues))})",
                   [issue.slug for issue in issues]))}
    changed = []
    for issue in issues:
        title, text = issue_text(issue)
        digest = hashlib.sha256(f"{issue.opened}\0{title}\0{text}".encode()).hexdigest()
        if known.get(issue.slug) != (digest, 1):
            changed.append((issue, title, text, digest))
    gone = ({slug for slug, (_, public) in known.items() if public} - {issue.slug for issue in issues}
            if complete else set())
    if not (changed or gone):
        return
    with database.write(db):
        for issue, title, text, digest in changed:
            _index_issue(db, issue, title, text, digest)
        for slug in gone:
            remove_issue(db, slug)


def _rowid(id_):
    return id_ + database.SEARCH_CODES["kwestie"] * database.SEARCH_STEP


def _index_issue(db, issue, title, text, digest):
    db.execute("INSERT INTO search_kwesties (slug, digest, public) VALUES (?, ?, 1) "
               "ON CONFLICT (slug) DO UPDATE SET digest = excluded.digest, public = 1", [issue.slug, digest])
    id_ = db.execute("SELECT id FROM search_kwesties WHERE slug = ?", [issue.slug]).fetchone()[0]
    db.execute("DELETE FROM search WHERE rowid = ?", [_rowid(id_)])
    db.execute(database.SEARCH_INSERT + "VALUES (?, ?, ?, '', ?, 'kwestie', ?, NULL, ?)",
               [_rowid(id_), title, text, token(issue.slug), issue.slug, str(issue.opened or "")])


def remove_issue(db, slug):
    """A kwestie that is no longer public: it and what was sent to it are not found."""
    with database.write(db):
        row = db.execute("SELECT id FROM search_kwesties WHERE slug = ?", [slug]).fetchone()
        if row:
            db.execute("DELETE FROM search WHERE rowid = ?", [_rowid(row[0])])
            db.execute("UPDATE search_kwesties SET public = 0, digest = '' WHERE slug = ?", [slug])


def token(slug):
    """The one word the index's kwestie column holds for a slug (as db.py's triggers write it)."""
    return "k" + slug.encode().hex()


def public_issues(db):
    """The kwesties the last build found public: what they are and what was sent to them may be found."""
    return [slug for (slug,) in db.execute("SELECT slug FROM search_kwesties WHERE public ORDER BY slug")]


# Queries --------------------------------------------------------------------


def words(query):
    """The words of what was typed, as FTS5 sees words: letters and digits; at most MAX_WORDS."""
    text = unicodedata.normalize("NFKC", (query or "")[:MAX_QUERY])
    return TOKEN.findall(text)[:MAX_WORDS]


def match_expression(found_words, any_word=False):
    """An FTS5 query for the words: each quoted (so no word is an operator), each a prefix
    from two letters on; all words must occur, or any with any_word; in the text columns only."""
    terms = [f'"{w}"*' if len(w) > 1 else f'"{w}"' for w in found_words]
    return "{title body author} : (" + (" OR " if any_word else " ").join(terms) + ")"


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
RANK_WINDOW = 2000  # items: more found than this, the best of the highest rowids are ranked (see db.py)


def search(db, query, *, kwestie=None, kind=None, order="relevant", page=1, per_page=PER_PAGE):
    """Search what the public kwesties show. kwestie, kind: only that kwestie, only that kind;
    order: relevant, nieuw (newest first) or besproken (ideas most taken up first); page from 1.
    Without words and with a kwestie: its items in that order (its ideas, newest first).

    When more than RANK_WINDOW items have the words, only the RANK_WINDOW with the highest
    rowids are put in order: every kwestie, agreement and meeting found, then the newest
    questions and ideas (ranking all of 70,000 would take seconds); `total` still counts all.

    Returns {"words", "total", "page", "pages", "results": [{kind, issue, number, title,
    snippet, author, created_at, discussed}], "any_word"}: when no item has all the words,
    those with any of them.
    """
    catch_up(db)
    found = words(query)
    public = public_issues(db)
    result = {"words": found, "total": 0, "page": 1, "pages": 0, "results": [], "any_word": False}
    if not (found or kwestie) or (kwestie is not None and kwestie not in public):
        return result
    order = order if order in ORDERS else "relevant"
    if not found and order == "relevant":
        order = "nieuw"
    where, params = ["search MATCH ?"], []
    if kind in database.SEARCH_CODES:
        where.append("s.rowid >= ? AND s.rowid < ?")
        params += [database.SEARCH_CODES[kind] * database.SEARCH_STEP, (database.SEARCH_CODES[kind] + 1)
                   * database.SEARCH_STEP]
    for any_word in (False, True) if len(found) > 1 else (False,):
        match = _match(db, found, any_word, kwestie, public)
        total = db.execute(f"SELECT count(*) FROM search s WHERE {' AND '.join(where)}", [match, *params]).fetchone()[0]
        if total:
            result["any_word"] = any_word
            break
    if not total:
        return result
    if total > RANK_WINDOW:  # the lowest rowid still ranked
        where.append("s.rowid >= ?")
        params.append(db.execute(f"SELECT s.rowid FROM search s WHERE {' AND '.join(where[:-1])} "
                                 "ORDER BY s.rowid DESC LIMIT 1 OFFSET ?", [match, *params, RANK_WINDOW - 1]
                                 ).fetchone()[0])
    pages = math.ceil(min(total, RANK_WINDOW) / per_page)
    page = min(max(1, page), pages)
    # First the page's rowids in order, then snippets for those alone: in one query SQLite
    # would make a snippet of every item found before it sorts them.
    ordered = [row[0] for row in db.execute(
        f"SELECT s.rowid{', ' + DISCUSSED + ' AS discussed' if order == 'besproken' else ''} FROM search s "
        f"WHERE {' AND '.join(where)} ORDER BY {ORDERS[order]} LIMIT ? OFFSET ?",
        [match, *params, per_page, (page - 1) * per_page]).fetchall()]
    # Their text by rowid (no MATCH: FTS5 would find every item again for each snippet).
    shown = {row[0]: row[1:] for row in db.execute(
        f"SELECT s.rowid, s.kind, s.issue, s.number, s.title, s.body, s.author, s.created_at, "
        f"{DISCUSSED if order == 'besproken' else 0} FROM search s WHERE s.rowid IN "
        f"({','.join('?' * len(ordered))})", ordered)}
    prefixes = [fold(w) for w in found]
    rows = [(k, slug, number, highlight(t, prefixes), snippet(b, prefixes), highlight(a, prefixes), created, d)
            for k, slug, number, t, b, a, created, d in (shown[r] for r in ordered)]
    result.update(total=total, page=page, pages=pages, results=[
        {"kind": k, "issue": slug, "number": number, "title": t, "snippet": sn, "author": a,
         "created_at": created, "discussed": discussed}
        for k, slug, number, t, sn, a, created, discussed in rows if slug in public])
    return result


def _match(db, found, any_word, kwestie, public):
    """The MATCH: the words, in that kwestie or not in one that is no longer public."""
    match = match_expression(found, any_word) if found else ""
    if kwestie is not None:
        scope = f'kwestie : "{token(kwestie)}"'
        return f"{match} AND {scope}" if match else scope
    hidden = [slug for (slug,) in db.execute("SELECT slug FROM search_kwesties WHERE NOT public")]
    if hidden:
        match += ' NOT kwestie : (' + " OR ".join(f'"{token(slug)}"' for slug in hidden) + ")"
    return match


def fold(word):
    """A word as the index compares it: without diacritics, in lower case (unicode61
    remove_diacritics 2)."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).casefold()


def _matches(token, prefixes):
    folded = fold(token)
    return any(folded.startswith(p) if len(p) > 1 else folded == p for p in prefixes)


def highlight(text, prefixes):
    """The text, escaped, with the words that match in <mark>."""
    parts = TOKEN.split(text or "")  # words at the odd places
    return Markup("".join(
        (f"<mark>{escape(part)}</mark>" if i % 2 and _matches(part, prefixes) else str(escape(part)))
        for i, part in enumerate(parts)))


def snippet(text, prefixes, size=SNIPPET_WORDS):
    """About `size` words of the text around its first match (its start when none), marked."""
    text = " ".join((text or "").split())
    spans = [m.span() for m in TOKEN.finditer(text)]
    first = next((i for i, (a, b) in enumerate(spans) if _matches(text[a:b], prefixes)), 0)
    start = max(0, min(first - size // 4, len(spans) - size))
    if not spans:
        return Markup("")
    begin, end = spans[start][0], spans[min(len(spans), start + size) - 1][1]
    return Markup(("…" if begin else "") + highlight(text[begin:end], prefixes) + ("…" if end < len(text) else ""))


def grouped(results):
    """Results in groups by kwestie, the kwesties in the order of their first result."""
    groups = {}
    for r in results:
        groups.setdefault(r["issue"], []).append(r)
    return list(groups.items())


def page_of(number, per_page):
    """The page of /ideeen/ or /vragen/ a number is on (oldest first, every number has a place)."""
    return max(1, math.ceil(number / per_page))
