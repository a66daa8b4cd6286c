"""Every absolute link (mail, feeds, posters, QR codes) comes from settings, never from the
request: a forged Host header is refused, and cannot put a valid token in a link to elsewhere."""

import email
import re
import urllib.request
from pathlib import Path

from participation.settings import participation_url, public_url, trusted_hosts
from participation.web import create_app

from .conftest import AZC
from .support import Server, as_person


def outbox(settings):
    folder = Path(settings["SAMENPLAN_OUTBOX"])
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))] if folder.is_dir() else []


def join(client, secret, host=None):
    data = as_person(secret, {"name": "Ans", "relation": "resident", "email": "ans@example.org"})
    headers = {"Host": host} if host else {}
    return client.post(f"/deelnemen/{AZC}/kring", data=data, headers=headers)


def test_a_foreign_host_header_is_refused_and_nothing_is_stored_or_mailed(client, app, settings, db):
    response = join(client, app.config["SECRET_KEY"], host="evil.example")
    assert response.status_code == 400
    assert db["members"].count == 0 and outbox(settings) == []
    assert client.get(f"/deelnemen/{AZC}/idee", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/beheer/inloggen", headers={"Host": "evil.example:8000"}).status_code == 400


def test_mail_links_name_the_configured_address_whatever_host_was_asked(settings, db):
    settings.update(SAMENPLAN_PUBLIC_URL="https://samenplan.example.nl",
                    SAMENPLAN_TRUSTED_HOSTS="samenplan.example.nl, intern.example")  # both answered
    app = create_app({"TESTING": True, "RATE_LIMIT": 10_000}, settings=settings)
    client = app.test_client()
    assert join(client, app.config["SECRET_KEY"], host="intern.example").status_code == 303
    [message] = outbox(settings)
    text = message.get_payload(decode=True).decode()
    links = re.findall(r"https?://\S+", text)
    assert links and all(link.startswith(f"https://samenplan.example.nl/deelnemen/{AZC}/bevestigen/") for link in links)
    assert "intern.example" not in text and "localhost" not in text


def test_the_addresses_come_from_settings_in_order():
    base = {"SITEURL": "", "SAMENPLAN_PUBLIC_URL": "", "SAMENPLAN_PARTICIPATION_URL": "", "SAMENPLAN_TRUSTED_HOSTS": ""}
    assert public_url(base) == "http://127.0.0.1:8000"  # the demo's, until serve knows its port
    assert public_url({**base, "SITEURL": "https://www.gemeente.nl/samen/"}) == "https://www.gemeente.nl/samen"
    site = {**base, "SITEURL": "https://a.nl", "SAMENPLAN_PUBLIC_URL": "https://b.nl"}
    assert public_url(site) == "https://b.nl" and participation_url(site) == "https://b.nl"
    own = {**site, "SAMENPLAN_PARTICIPATION_URL": "https://doemee.b.nl/"}
    assert participation_url(own) == "https://doemee.b.nl"
    assert trusted_hosts(own) == ["127.0.0.1", "::1", "b.nl", "doemee.b.nl", "localhost"]
    assert trusted_hosts({**own, "SAMENPLAN_TRUSTED_HOSTS": "x.nl"}) == ["x.nl"]


def test_the_demo_links_to_the_port_it_runs_on(tmp_path):
    """`samenplan serve --port 0`: the poster's QR code and the feeds name the real port."""
    server = Server(tmp_path)
    server.start()
    try:
        base = server.url
        poster = urllib.request.urlopen(f"{base}/kwesties/{AZC}/poster/").read().decode()
        assert f'alt="QR-code naar {base}/kwesties/{AZC}/"' in poster
        feed = urllib.request.urlopen(f"{base}/feeds/{AZC}.atom.xml").read().decode()
        assert f'href="{base}/kwesties/{AZC}/"' in feed and "127.0.0.1:8000" not in feed
    finally:
        server.stop()
