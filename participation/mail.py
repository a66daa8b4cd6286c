"""Send mail: through SMTP when SAMENPLAN_SMTP_HOST is set, else into an outbox folder.

The outbox (instance/outbox/, one .eml file per message) lets the demo and the
tests run without a mail server; each file is logged so a person can open it.
"""

import logging
import secrets
import smtplib
import time
from email.message import EmailMessage
from pathlib import Path

log = logging.getLogger(__name__)
SECURITY = ("starttls", "ssl", "none")


def send(settings, to, subject, body):
    """Send one plain-text message; returns the outbox path, or None when sent by SMTP."""
    message = EmailMessage()
    message["From"] = settings["SAMENPLAN_MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    host = settings.get("SAMENPLAN_SMTP_HOST")
    if host:
        security = settings.get("SAMENPLAN_SMTP_SECURITY", "starttls")
        if security not in SECURITY:
            raise ValueError(f"SAMENPLAN_SMTP_SECURITY must be one of {', '.join(SECURITY)}, not {security!r}")
        connect = smtplib.SMTP_SSL if security == "ssl" else smtplib.SMTP
        with connect(host, int(settings["SAMENPLAN_SMTP_PORT"]), timeout=20) as smtp:
            if security == "starttls":
                smtp.starttls()
            if settings.get("SAMENPLAN_SMTP_USER"):
                smtp.login(settings["SAMENPLAN_SMTP_USER"], settings["SAMENPLAN_SMTP_PASSWORD"])
            smtp.send_message(message)
        return None
    outbox = Path(settings["SAMENPLAN_OUTBOX"])
    outbox.mkdir(parents=True, exist_ok=True)
    # Sortable by time, to the nanosecond, and unique. One clock reading: the second and
    # its fraction from two readings could straddle a second and sort out of order.
    now = time.time_ns()
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now // 10**9))
    path = outbox / f"{stamp}-{now % 10**9:09d}-{secrets.token_hex(3)}.eml"
    path.write_bytes(bytes(message))
    log.info("Mail in de outbox (geen SMTP ingesteld): %s", path)
    return path
