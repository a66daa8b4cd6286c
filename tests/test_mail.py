"""Mail through a real SMTP server (aiosmtpd on a free local port), and what happens when
the server is away: the resident's contribution is stored all the same."""

import email
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from participation import mail, store

from .conftest import AZC


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.update(SAMENPLAN_SMTP_HOST="127.0.0.1", SAMENPLAN_SMTP_PORT=controller.port,
                    SAMENPLAN_SMTP_SECURITY="none")
    yield inbox
    controller.stop()


def body(message):
    return message.get_payload(decode=True).decode()


def test_joining_sends_the_confirmation_by_smtp(smtp, send, client, settings, db):
    response = send(f"/deelnemen/{AZC}/kring", data={"name": "Ans", "relation": "resident",
                                                    "email": "ans@example.org"})
    assert response.status_code == 303 and response.headers["Location"].endswith("#bedankt-kring")
    [(recipients, message)] = smtp.messages
    assert recipients == ["ans@example.org"] and message["To"] == "ans@example.org"
    assert message["From"] == settings["SAMENPLAN_MAIL_FROM"]
    link = body(message).split("http://localhost", 1)[1].split()[0]
    assert client.get(link).status_code == 200
    assert store.member(db, 1)["email_confirmed_at"] is not None
    assert "persoonlijke link" in smtp.messages[-1][1]["Subject"]
    assert not Path(settings["SAMENPLAN_OUTBOX"]).exists()  # nothing went to the outbox


def test_without_a_mail_server_the_member_is_stored_and_the_answer_is_303(send, settings, db, caplog):
    settings.update(SAMENPLAN_SMTP_HOST="127.0.0.1", SAMENPLAN_SMTP_PORT=free_port(), SAMENPLAN_SMTP_SECURITY="none")
    response = send(f"/deelnemen/{AZC}/kring", data={"name": "Bo", "relation": "newcomer",
                                                    "email": "bo@example.org"})
    assert response.status_code == 303 and response.headers["Location"].endswith("#bedankt-kring-zonder-mail")
    assert [m["name"] for m in db.query("select name from members")] == ["Bo"]
    assert "Mail ter bevestiging niet verstuurd" in caplog.text


def test_an_unknown_security_setting_is_named(settings):
    settings.update(SAMENPLAN_SMTP_HOST="127.0.0.1", SAMENPLAN_SMTP_SECURITY="tls")
    with pytest.raises(ValueError, match="SAMENPLAN_SMTP_SECURITY"):
        mail.send(settings, "ans@example.org", "Onderwerp", "Tekst")
