"""Shared fixtures: a copy of the demo content, settings pointing into tmp_path,
the Flask app and its test client, and a database connection.
"""

import shutil

import pytest

from participation import db as database
from participation import store
from participation.settings import load_settings
from participation.web import create_app

from . import support
from .support import AZC, FUND, ROOT  # noqa: F401 (re-exported for the tests)



def write_issue(settings, slug, phase="open", title=None, **metadata):
    """Add a kwestie to the test content folder; returns its path."""
    return support.write_issue(settings["PATH"], slug, phase, title, **metadata)


@pytest.fixture
def settings(tmp_path):
    """Settings of the real pelicanconf.py, with content, output and database in tmp_path."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return load_settings(
        ROOT / "pelicanconf.py",
        override={
            "PATH": str(tmp_path / "content"),
            "OUTPUT_PATH": str(tmp_path / "output"),
            "CACHE_PATH": str(tmp_path / "cache"),
            "SAMENPLAN_DATABASE": str(tmp_path / "samenplan.db"),
            "SAMENPLAN_OUTBOX": str(tmp_path / "outbox"),
            "SAMENPLAN_PUBLIC_URL": "http://localhost",  # the test client's host: links in mail come from here
        },
    )


@pytest.fixture
def app(settings):
    # A high rate limit, so only the rate-limit test meets it.
    return create_app({"TESTING": True, "RATE_LIMIT": 10_000}, settings=settings)


@pytest.fixture
def send(client, app):
    """POST a form as a person would: shown a minute ago (the spam trap's token)."""

    def send(url, data=None, **kwargs):
        if isinstance(data, dict):
            data = support.as_person(app.config["SECRET_KEY"], data)
        return client.post(url, data=data, **kwargs)

    return send


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(settings):
    connection = database.connect(settings["SAMENPLAN_DATABASE"])
    yield connection
    connection.close()


PROPOSING = "concept-fase"


@pytest.fixture
def proposing(settings, db):
    """A kwestie in phase proposing with two proposed agreements."""
    write_issue(settings, PROPOSING, phase="proposing")
    store.add_agreement(db, PROPOSING, what="Koffieochtend op zaterdag", cost=1200)
    store.add_agreement(db, PROPOSING, what="Buurtapp voor iedereen")
    return PROPOSING
