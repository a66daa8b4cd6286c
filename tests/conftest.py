"""Shared fixtures: a copy of the demo content, settings pointing into tmp_path,
the Flask app and its test client, and a database connection.
"""

import shutil

import pytest

from participation import db as database
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
        },
    )


@pytest.fixture
def app(settings):
    return create_app({"TESTING": True}, settings=settings)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(settings):
    connection = database.connect(settings["SAMENPLAN_DATABASE"])
    yield connection
    connection.close()
