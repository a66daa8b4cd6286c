"""Shared fixtures: a copy of the demo content, settings pointing into tmp_path,
the Flask app and its test client, and a database connection.
"""

import shutil
from pathlib import Path

import pytest

from participation import db as database
from participation.settings import load_settings
from participation.web import create_app

ROOT = Path(__file__).resolve().parent.parent
AZC = "azc-cafe-de-zwaan"
FUND = "dorpsfonds-eemswierum"


def write_issue(settings, slug, phase="open", title=None, **metadata):
    """Add a kwestie to the test content folder; returns its path."""
    folder = Path(settings["PATH"]) / "kwesties" / slug
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        f"Title: {title or slug.replace('-', ' ').capitalize()}",
        f"Question: Wat vinden jullie van {slug}?",
        f"Phase: {phase}",
        "Opened: 2026-10-01",
    ] + [f"{key.capitalize()}: {value}" for key, value in metadata.items()]
    path = folder / "kwestie.md"
    path.write_text("\n".join(lines) + "\n\nEen korte uitleg.\n", encoding="utf-8")
    return path


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
