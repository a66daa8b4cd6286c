"""The anchor for bench/production.py: the least a Flask idea form can do.

    BARE_FLASK_DATABASE=/tmp/x.db gunicorn -w 2 'bare_flask:create_app()'   (from bench/)

One POST route, /deelnemen/<slug>/idee, that checks the fields samenplan's idea form
checks (participation/forms.py validate_idea: title required, the same maximum
lengths), inserts one row with sqlite-utils and answers 303 (400 when invalid). One
SQLite connection per worker process, opened on first use and kept, in WAL mode with
synchronous=NORMAL. No templates, tokens, rate limit or rebuild queue: what is left
is the price of Flask, gunicorn and one SQLite write.
"""

import datetime
import os
import sqlite3

import sqlite_utils
from flask import Flask, redirect, request

TITLE_MAX = 120
TEXT_MAX = 4000
NAME_MAX = 60

_db = None  # one connection per worker process (gunicorn forks before the first request)


def database():
    global _db
    if _db is None:
        conn = sqlite3.connect(os.environ["BARE_FLASK_DATABASE"], timeout=5, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        _db = sqlite_utils.Database(conn)
    return _db


def invalid(form):
    """The same checks as forms.validate_idea, on stripped text; True when something is wrong."""
    title = (form.get("title") or "").strip()
    return (not title or len(title) > TITLE_MAX
            or len((form.get("body") or "").strip()) > TEXT_MAX
            or len((form.get("author_name") or "").strip()) > NAME_MAX)


def create_app():
    app = Flask(__name__)

    @app.post("/deelnemen/<slug>/idee")
    def idea(slug):
        if invalid(request.form):
            return "Niet alles is goed ingevuld", 400
        row_id = database()["ideas"].insert({
            "issue": slug, "title": request.form["title"].strip(), "body": request.form.get("body", "").strip(),
            "author_name": request.form.get("author_name", "").strip(), "channel": "web",
            "created_at": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat(),
        }, alter=False).last_pk
        return redirect(f"/deelnemen/{slug}/bedankt/I{row_id}", 303)

    return app
