"""One database connection per request, closed when the request ends."""

from flask import current_app, g

from .. import db as database


def get_db():
    if "db" not in g:
        g.db = database.connect(current_app.config["DATABASE"], current_app.config["BUSY_TIMEOUT"])
    return g.db


def close_db(exception=None):
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_app(app):
    app.teardown_appcontext(close_db)


def notify_rebuild():
    """A write happened: wake the in-process rebuild worker, if there is one.

    Without one (gunicorn), `samenplan worker` finds the change by polling.
    """
    rebuilder = current_app.extensions.get("samenplan.rebuilder")
    if rebuilder is not None:
        rebuilder.notify()
