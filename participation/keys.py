"""The secret key that signs tokens (e-mail links, forms) and sessions.

From SAMENPLAN_SECRET_KEY, or else generated once and kept in a file beside
the database (instance/secret_key), readable only by its owner.
"""

import os
import secrets
from pathlib import Path


def secret_key(settings):
    if settings.get("SAMENPLAN_SECRET_KEY"):
        return settings["SAMENPLAN_SECRET_KEY"]
    path = Path(settings["SAMENPLAN_DATABASE"]).with_name("secret_key")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_hex(32))
    return path.read_text().strip()
