"""The rebuild worker: after contributions, re-render only what changed.

Contributions record their kwestie in the site_changes table, in the same
transaction as the row itself (store.py). The worker wakes on notify() (same
process) or by polling (another process, e.g. under gunicorn), waits a moment
so a burst of submissions becomes one rebuild, renders the changed kwesties
with a generator it keeps loaded, and then clears the rows it handled. When a
rebuild fails, the rows stay, the error is logged and it is tried again later.
"""

import logging
import threading

from . import db as database
from . import store
from .build import load_generator

log = logging.getLogger(__name__)


class Rebuilder:
    def __init__(self, settings, *, settle=0.5, poll=2.0, max_backoff=30.0):
        self.settings = settings
        self.settle = settle  # seconds to wait for the rest of a burst
        self.poll = poll  # seconds between looks at the queue without a notify
        self.max_backoff = max_backoff
        self.generator = load_generator(settings)
        self.rebuilds = 0  # completed rebuilds, for tests and logs
        self.failures = 0  # failures in a row
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = None
        self._db = None

    def notify(self):
        """A contribution was stored: rebuild soon."""
        self._wake.set()

    def rebuild_pending(self):
        """Rebuild the kwesties with recorded changes; returns the pages rendered."""
        if self._db is None:
            self._db = database.connect(self.settings["SAMENPLAN_DATABASE"])
        last, slugs = store.pending_changes(self._db)
        if last is None:
            return []
        rendered = self.generator.write_changed(self._db, slugs)
        store.clear_changes(self._db, last)
        self.rebuilds += 1
        log.info("Opnieuw gebouwd: %s (%d pagina's)", ", ".join(sorted(slugs)), len(rendered))
        return rendered

    def run(self):
        while not self._stop.is_set():
            self._wake.wait(self.poll)
            if self._stop.is_set():
                break
            self._stop.wait(self.settle)
            self._wake.clear()
            try:
                self.rebuild_pending()
                self.failures = 0
            except Exception:
                self.failures += 1
                delay = min(self.max_backoff, 2 ** self.failures)
                log.exception("Opnieuw bouwen mislukt; over %.0f s nog een keer", delay)
                self._stop.wait(delay)
                self._wake.set()

    def start(self):
        self._thread = threading.Thread(target=self.run, name="samenplan-rebuild", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=10)
