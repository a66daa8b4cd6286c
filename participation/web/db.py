"""One database connection per worker thread, kept open between requests.

Opening a connection and checking the schema costs more than storing an idea, so
each thread (a gunicorn sync worker has one) keeps its own, like a connection
pool of one. A request never leaves a transaction open: database.write() commits
or rolls back, and teardown rolls back whatever an error left behind.
"""

import threading

from flask import current_app

from .. import db as database


def get_db():
    local = current_app.extensions["samenplan.db"]
    db = getattr(local, "db", None)
    if db is None:
        db = local.db = database.connect(current_app.config["DATABASE"], current_app.config["BUSY_TIMEOUT"])
    return db


def end_transaction(exception=None):
    db = getattr(current_app.extensions["samenplan.db"], "db", None)
    if db is not None and db.conn.in_transaction:
        db.conn.rollback()


def init_app(app):
    app.extensions["samenplan.db"] = threading.local()
    app.teardown_appcontext(end_transaction)


def notify_rebuild():
    """A write happened: wake the in-process rebuild worker, if there is one.

    Without one (gunicorn), `samenplan worker` finds the change through PRAGMA data_version.
    """
    rebuilder = current_app.extensions.get("samenplan.rebuilder")
    if rebuilder is not None:
        rebuilder.notify()
