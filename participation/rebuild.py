"""The rebuild worker: after contributions, re-render only what changed.

Contributions record their kwestie in the site_changes table, in the same
transaction as the row itself (store.py). The worker learns of a commit at
once: notify() in the same process, and `PRAGMA data_version` polled every
few tens of milliseconds for commits by other processes (gunicorn), which
costs next to nothing. It rebuilds as soon as it sees a change; changes that
arrive while it works, or within a tenth of a second of the last round, are
taken together in the next round, so bursts coalesce without a waiting time
when the site is quiet.

Each round first writes the changed kwesties' own pages (where a resident
looks for what they sent), then works through the generator's follow-up
queue one unit at a time (the kwestie's other pages and open data, the list
pages, the site-wide feed and CSV), looking for new changes between units.
A unit written less than two seconds ago waits (write_next), so a flood of
ideas into one kwestie does not keep the worker rendering its long pages.
The rows in site_changes are deleted only once everything they caused is
written, so a worker that stops half-way starts again from them. When a
rebuild fails, the error is logged and it is tried again later.
"""

import logging
import threading
import time

from . import db as database
from . import store
from .build import load_generator

log = logging.getLogger(__name__)


class Rebuilder:
    def __init__(self, settings, *, poll=0.02, gap=0.1, max_backoff=30.0):
        self.settings = settings
        self.poll = poll  # seconds between looks at PRAGMA data_version
        self.gap = gap  # seconds at least between rounds while changes keep coming
        self._last_round = float("-inf")
        self.max_backoff = max_backoff
        self.generator = load_generator(settings)
        self.seen = 0  # the last site_changes id read
        self.rebuilds = 0  # rounds that found changes, for tests and logs
        self.failures = 0  # failures in a row
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = None
        self._db = None

    @property
    def db(self):
        if self._db is None:
            self._db = database.connect(self.settings["SAMENPLAN_DATABASE"])
        return self._db

    def notify(self):
        """A contribution was stored in this process: rebuild now."""
        self._wake.set()

    def rebuild_pending(self):
        """Everything the recorded changes need, written before it returns; the paths rendered."""
        rendered = self.rebuild_first()
        while self.generator.follow_up:
            rendered += self.generator.write_next(self.db, patient=False)
        self._clear_done()
        return rendered

    def rebuild_first(self):
        """The pages of the kwesties changed since the last look; the rest is queued. Paths rendered."""
        last, slugs = store.pending_changes(self.db, after=self.seen)
        if last is None:
            return []
        rendered = self.generator.write_first(self.db, slugs, since=self.seen + 1)
        self.seen = last
        self.rebuilds += 1
        log.info("Opnieuw gebouwd: %s", ", ".join(sorted(slugs)))
        return rendered

    def _clear_done(self):
        """Delete the site_changes rows whose every page is written."""
        waiting = self.generator.follow_up.values()
        done_up_to = min(waiting) - 1 if waiting else self.seen
        if done_up_to > 0:
            store.clear_changes(self.db, done_up_to)

    def step(self):
        """One piece of work: new changes first, else one follow-up unit that is due.
        False when there is nothing to do now."""
        now = time.monotonic()
        if now - self._last_round >= self.gap and self.rebuild_first():
            self._last_round = now
            return True
        if not self.generator.follow_up:
            return False
        try:
            if self.generator.write_next(self.db) is None:
                return False
        except Exception:  # that unit waits (write_next); new changes and other units go on
            log.exception("Opnieuw bouwen van een deel mislukt; het wordt later nog eens geprobeerd")
            return True
        self._clear_done()
        return True

    def run(self):
        while not self._stop.is_set():
            self._wake.clear()
            version = self._data_version()  # before looking, so a commit in between is not missed
            try:
                busy = self.step()
                self.failures = 0
            except Exception:
                self.failures += 1
                delay = min(self.max_backoff, 2 ** self.failures)
                log.exception("Opnieuw bouwen mislukt; over %.0f s nog een keer", delay)
                self._stop.wait(delay)
                continue
            if not busy:
                too_soon = self._last_round + self.gap - time.monotonic()
                if too_soon > 0:  # changes may be waiting: they are taken together after the gap
                    self._stop.wait(too_soon)
                else:  # queued units that are not due yet are looked at again soon
                    self._wait(version, timeout=0.25 if self.generator.follow_up else None)

    def _data_version(self):
        return self.db.execute("PRAGMA data_version").fetchone()[0]

    def _wait(self, version, timeout=None):
        """Until notify(), another connection commits to the database, or timeout seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._stop.is_set() and (deadline is None or time.monotonic() < deadline):
            if self._wake.wait(self.poll) or self._data_version() != version:
                return

    def start(self):
        self._thread = threading.Thread(target=self.run, name="samenplan-rebuild", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=10)
