"""Helpers for tests: demo slugs, extra kwesties, polling, a real server process."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from participation import tokens

ROOT = Path(__file__).resolve().parent.parent
AZC = "azc-cafe-de-zwaan"
FUND = "dorpsfonds-eemswierum"


def write_issue(content, slug, phase="open", title=None, **metadata):
    """Add a kwestie below the content folder `content`; returns its path."""
    folder = Path(content) / "kwesties" / slug
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


def read_kwestie(settings, slug):
    """The Issue of content/kwesties/<slug>/kwestie.md, as the app reads it."""
    from participation.issues import ISSUE_FILE, issues_folder, read_issue

    return read_issue(issues_folder(settings) / slug / ISSUE_FILE, settings)


def as_person(secret, data):
    """Form data with the token of a form shown a minute ago, as a person would send it."""
    return {"form_started": tokens.form_token(secret, time.time() - 60), **data}


def form_token_from(html):
    """The form_started token in a rendered form."""
    return re.search(r'name="form_started" value="([^"]+)"', html).group(1)


def wait_for(condition, timeout=15.0, interval=0.05):
    """Poll condition() until it is true; False after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


class Server:
    """`samenplan serve --port 0` in a subprocess, data in `folder`; the port is read from its log."""

    def __init__(self, folder, content=None):
        self.folder = Path(folder)
        self.env = dict(
            os.environ,
            SAMENPLAN_DATABASE=str(self.folder / "samenplan.db"),
            SAMENPLAN_OUTPUT=str(self.folder / "output"),
        )
        if content:
            self.env["SAMENPLAN_CONTENT"] = str(content)
        self.process = None
        self.url = None

    def start(self):
        log_path = self.folder / "server.log"
        self.log = log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "participation.cli", "--settings", str(ROOT / "pelicanconf.py"),
             "serve", "--host", "127.0.0.1", "--port", "0"],
            cwd=self.folder, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        address = re.compile(r"http://127\.0\.0\.1:(\d+)/")
        wait_for(lambda: address.search(log_path.read_text()) or self.process.poll() is not None, 60)
        match = address.search(log_path.read_text())
        assert match, f"server did not start:\n{log_path.read_text()}"
        self.url = f"http://127.0.0.1:{match.group(1)}"
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


COORDINATOR = ("marieke", "een-lang-wachtwoord")  # (username, password) of with_coordinator's account


def with_coordinator(server):
    """The server, not started yet, as the end-to-end tests want it: a coordinator account
    (COORDINATOR), no wait before a form may be sent, and plain-http cookies."""
    from participation import accounts
    from participation import db as database

    server.env["SAMENPLAN_MIN_FILL_SECONDS"] = "0"  # a test types faster than a person
    server.env["SAMENPLAN_SECURE_COOKIES"] = "0"  # plain http: requests sends no Secure cookie to 127.0.0.1
    db = database.connect(server.env["SAMENPLAN_DATABASE"])
    try:
        accounts.create_user(db, *COORDINATOR, "coordinator", "Marieke Sloot")
    finally:
        db.close()
    return server
