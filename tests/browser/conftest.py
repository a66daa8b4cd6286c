"""Browser tests: Debian's Chromium driven by Playwright, axe-core from npm.

Nothing here downloads a browser. The set-up installs what is missing when it
can (Chromium with apt as root, axe-core with `npm ci` from package-lock.json);
where it cannot, the tests are skipped with the reason, except under CI=true,
where they fail: in CI the browser tests must run.
"""

import datetime
import email
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from participation import db as database
from participation import consent, store
from participation.settings import load_settings

from ..support import AZC, ROOT, Server, form_token_from, read_kwestie, write_issue

CHROMIUM = Path(os.environ.get("SAMENPLAN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"


def unavailable(reason):
    if os.environ.get("CI"):
        pytest.fail(f"browser tests must run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def as_root_with_apt():
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get")


def apt_install(*packages):
    subprocess.run(["apt-get", "update", "-qq"], check=False)
    subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=False,
                   env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


def ensure_chromium():
    if not CHROMIUM.exists() and as_root_with_apt():
        apt_install("chromium")
    if not CHROMIUM.exists():
        unavailable(f"Chromium not found at {CHROMIUM}: install Debian's chromium package "
                    "(sudo apt-get install chromium) or set SAMENPLAN_CHROMIUM")
    return CHROMIUM


def ensure_axe():
    if not AXE.exists():
        if not shutil.which("npm") and as_root_with_apt():
            apt_install("npm")
        if shutil.which("npm"):
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=False)
    if not AXE.exists():
        unavailable("axe-core not installed: run `npm ci` in the project folder (needs Node.js and npm)")
    return AXE


@pytest.fixture(scope="session")
def browser():
    ensure_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # bypass_csp: the tests inject axe-core as a script, which the pages' policy forbids.
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """A real `samenplan serve` with the demo content plus a kwestie in every other phase."""
    folder = tmp_path_factory.mktemp("site")
    content = folder / "content"
    shutil.copytree(ROOT / "content", content)
    for phase in ("proposing", "adopted", "closed"):
        write_issue(content, f"kwestie-{phase}", phase=phase, title=f"Voorbeeld in fase {phase}",
                    constraints="Alles volgens de wet.", budget="10000")
    server = Server(folder, content=content)
    server.env["SAMENPLAN_MIN_FILL_SECONDS"] = "0"  # a test types faster than a person
    db = database.connect(server.env["SAMENPLAN_DATABASE"])
    store.add_agreement(db, "kwestie-proposing", what="Elke zaterdag koffie in het buurthuis", cost=1200)
    store.add_agreement(db, "kwestie-proposing", what="Een buurtapp voor iedereen")
    # A round is open, so the pages show it: the members' personal pages ask for their answer.
    issue = read_kwestie(load_settings(ROOT / "pelicanconf.py", override={"PATH": str(content)}), "kwestie-proposing")
    consent.open_round(db, issue, [1, 2], consent.end_of_day(datetime.date(2999, 12, 31)))
    db.close()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def room_in_the_rate_limit(site):
    """These tests send more forms than one person would, from the one address all browser tests
    share (20 a window): forget their posts afterwards, so the tests after them are not refused
    with 429. The rate limit itself is tested in tests/test_circle.py."""
    yield
    db = database.connect(site.env["SAMENPLAN_DATABASE"])
    try:
        with database.write(db):
            db.execute("delete from rate_counts")
    finally:
        db.close()


@pytest.fixture(scope="session")
def axe_source():
    return ensure_axe().read_text(encoding="utf-8")


def join_with_email(site, slug, name, address, prefix=""):
    """Join a circle with an e-mail address over HTTP (in the language of prefix, e.g. "/ar");
    returns the confirmation link from the mail."""
    form = requests.get(f"{site.url}{prefix}/deelnemen/{slug}/kring", timeout=5).text
    response = requests.post(f"{site.url}{prefix}/deelnemen/{slug}/kring", timeout=5, allow_redirects=False,
                             data={"name": name, "relation": "resident", "email": address,
                                   "form_started": form_token_from(form)})
    assert response.status_code == 303
    return newest_mail_link(site)


def newest_mail_link(site):
    """The /deelnemen/ link in the newest mail of the server's outbox."""
    newest = sorted((Path(site.folder) / "outbox").glob("*.eml"))[-1]
    body = email.message_from_bytes(newest.read_bytes()).get_payload(decode=True).decode()
    return site.url + re.search(r"http://127\.0\.0\.1:\d+((?:/[a-z]{2})?/deelnemen/\S+)", body).group(1)


def personal_link(site, slug, name="Ans", address="ans@example.org"):
    """Join and confirm through the real mails; returns the member's personal link."""
    assert requests.get(join_with_email(site, slug, name, address), timeout=5).status_code == 200
    return newest_mail_link(site)


def screenshot_path(name):
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


__all__ = ["AZC"]
