"""The anchor for bench/search.py: the least a Flask search page can do.

    BARE_SEARCH_DATABASE=/tmp/x.db gunicorn -w 2 'bare_search:create_app()'   (from bench/)

One GET route, /zoeken/, that runs one FTS5 query on samenplan's own index (the table
`search` of the same database file): the words of ?q= quoted as prefixes (as search.py does,
so no query is a syntax error), ranked with bm25, with a snippet, LIMIT 20 from ?pagina=;
?kwestie= and ?soort=idee narrow it, ?volgorde=nieuw orders by date. It answers a bare HTML
list. One SQLite connection per worker process, opened on first use and kept. No count of
all results, no check which kwesties are public, no "most discussed" order, no templates:
what is left is the price of Flask, gunicorn and one FTS5 query.
"""

import html
import os
import re
import sqlite3

from flask import Flask, request

_db = None  # one connection per worker process (gunicorn forks before the first request)
KINDS = {"kwestie": "kwestie", "idee": "idea", "vraag": "question", "afspraak": "agreement",
         "bijeenkomst": "meeting"}


def database():
    global _db
    if _db is None:
        _db = sqlite3.connect(os.environ["BARE_SEARCH_DATABASE"], timeout=5, isolation_level=None)
    return _db


def query(args):
    """The one SELECT and its parameters for the request's arguments."""
    words = re.findall(r"[^\W_]+", args.get("q", "")[:200])[:8]
    where, params = [], []
    if words:
        where.append("search MATCH ?")
        params.append(" ".join(f'"{w}"*' if len(w) > 1 else f'"{w}"' for w in words))
    if args.get("kwestie"):
        where.append("issue = ?")
        params.append(args["kwestie"])
    if args.get("soort") in KINDS:
        where.append("kind = ?")
        params.append(KINDS[args["soort"]])
    page = int(args["pagina"]) if args.get("pagina", "").isdigit() and len(args["pagina"]) < 7 else 1
    order = "created_at DESC" if args.get("volgorde") == "nieuw" or not words else "bm25(search, 5.0, 1.0, 0.5)"
    snippet = "snippet(search, 1, char(57344), char(57345), '…', 24)" if words else "substr(body, 1, 160)"
    sql = (f"SELECT issue, number, title, {snippet} FROM search WHERE {' AND '.join(where) or '0'} "
           f"ORDER BY {order} LIMIT 20 OFFSET ?")
    return sql, params + [(max(1, page) - 1) * 20]


def marked(text):
    """The snippet escaped, its matches (between private-use markers) in <mark>."""
    return html.escape(text or "").replace("\ue000", "<mark>").replace("\ue001", "</mark>")


def create_app():
    app = Flask(__name__)

    @app.get("/zoeken/")
    def results():
        sql, params = query(request.args)
        items = "".join(
            f'<li><a href="/kwesties/{html.escape(issue)}/#{number or ""}">{html.escape(title)}</a> '
            f"<p>{marked(snippet)}</p></li>\n"
            for issue, number, title, snippet in database().execute(sql, params))
        return f"<!doctype html><title>Zoeken</title><h1>Zoeken</h1><ol>\n{items}</ol>\n"

    return app
