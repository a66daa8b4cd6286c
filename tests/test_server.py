"""End to end: the real `samenplan serve` process, real HTTP, the real database."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from .conftest import AZC, ROOT
from .test_rebuild import wait_for


class Server:
    """`samenplan serve --port 0` in a subprocess; the port is read from its log."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.env = dict(
            os.environ,
            SAMENPLAN_DATABASE=str(tmp_path / "samenplan.db"),
            SAMENPLAN_OUTPUT=str(tmp_path / "output"),
        )
        self.process = None

    def start(self):
        self.log = (self.tmp_path / "server.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "participation.cli", "--settings", str(ROOT / "pelicanconf.py"),
             "serve", "--host", "127.0.0.1", "--port", "0"],
            cwd=self.tmp_path, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        log = self.tmp_path / "server.log"
        found = wait_for(lambda: re.search(r"http://127\.0\.0\.1:(\d+)/", log.read_text()) or self.process.poll() is not None, 60)
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read_text())
        assert found and match, f"server did not start:\n{log.read_text()}"
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


@pytest.fixture
def server(tmp_path):
    server = Server(tmp_path).start()
    yield server
    server.stop()


def page_shows(url, text):
    def check():
        response = requests.get(url, timeout=5)
        return response.status_code == 200 and text in response.text
    return check


def test_an_idea_reaches_the_static_page_and_survives_a_restart(server):
    home = requests.get(server.url + "/", timeout=5)
    assert home.status_code == 200 and f'href="/kwesties/{AZC}/"' in home.text
    kwestie_url = f"{server.url}/kwesties/{AZC}/"
    assert requests.get(kwestie_url, timeout=5).status_code == 200

    title = "Samen koken op vrijdag"
    response = requests.post(
        f"{server.url}/deelnemen/{AZC}/idee",
        data={"title": title, "body": "Iedereen neemt iets mee.", "author_name": "Fatma"},
        allow_redirects=False, timeout=5,
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/kwesties/{AZC}/#bedankt-idee"
    assert wait_for(page_shows(kwestie_url, title), timeout=15), "the idea did not appear within 15 s"

    server.stop()
    server.start()
    assert page_shows(kwestie_url.replace(kwestie_url.split("/kwesties")[0], server.url), title)()


def test_the_server_serves_the_theme_and_answers_404(server):
    assert requests.get(server.url + "/theme/css/samen.css", timeout=5).status_code == 200
    missing = requests.get(server.url + "/bestaat/niet/", timeout=5)
    assert missing.status_code == 404 and "Pagina niet gevonden" in missing.text
    assert requests.get(server.url + "/../../etc/passwd", timeout=5).status_code == 404
    redirect = requests.get(f"{server.url}/kwesties/{AZC}", allow_redirects=False, timeout=5)
    assert redirect.status_code == 301 and redirect.headers["Location"].endswith(f"/kwesties/{AZC}/")
