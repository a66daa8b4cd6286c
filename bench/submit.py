"""Many residents at once: ideas sent concurrently through real HTTP, as in production.

    python bench/submit.py [REQUESTS] [THREADS]      (default: 600 requests, 12 threads;
                                                 needs gunicorn: pip install -e ".[production]")

Starts gunicorn with two workers (`participation.web:create_app()`) and the
rebuild worker (`samenplan worker`) on a copy of the demo content, then sends
REQUESTS idea forms from THREADS threads. It reports the answers by status,
throughput and latency, and checks the promise of the endpoint: every 303 is
an idea in SQLite, and the rebuilt page shows them all.
"""

import concurrent.futures
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from participation import db as database  # noqa: E402

SLUG = "azc-cafe-de-zwaan"
FORM_TOKEN = re.compile(r'name="form_started" value="([^"]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def send(url, token, n):
    data = urllib.parse.urlencode({"form_started": token, "title": f"Idee nummer {n}",
                                   "body": "Samen koffie drinken."}).encode()
    started = time.perf_counter()
    try:
        status = OPENER.open(url, data=data, timeout=30).status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.perf_counter() - started


def wait_until_up(url, processes, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return urllib.request.urlopen(url, timeout=2).read().decode()
        except OSError:
            if any(p.poll() is not None for p in processes):
                raise SystemExit("a process stopped during start-up")
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def run(requests, threads):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        shutil.copytree(ROOT / "content", tmp / "content")
        env = dict(os.environ, SAMENPLAN_CONTENT=str(tmp / "content"), SAMENPLAN_OUTPUT=str(tmp / "output"),
                   SAMENPLAN_DATABASE=str(tmp / "samenplan.db"), SAMENPLAN_SETTINGS=str(ROOT / "pelicanconf.py"),
                   # One client sends everything here: the rate limit and fill time would refuse it.
                   SAMENPLAN_RATE_LIMIT="1000000", SAMENPLAN_MIN_FILL_SECONDS="0")
        bin_dir = Path(sys.executable).parent
        subprocess.run([bin_dir / "samenplan", "build"], env=env, check=True, capture_output=True)
        port = free_port()
        log = (tmp / "server.log").open("w")
        processes = [
            subprocess.Popen([bin_dir / "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                              "participation.web:create_app()"], env=env, cwd=ROOT, stdout=log, stderr=log),
            subprocess.Popen([bin_dir / "samenplan", "worker"], env=env, cwd=ROOT, stdout=log, stderr=log),
        ]
        try:
            form_url = f"http://127.0.0.1:{port}/deelnemen/{SLUG}/idee"
            token = FORM_TOKEN.search(wait_until_up(form_url, processes)).group(1)
            db = database.connect(env["SAMENPLAN_DATABASE"])
            before = db.execute("select count(*) from ideas where issue = ?", [SLUG]).fetchone()[0]
            started = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(threads) as pool:
                results = list(pool.map(lambda n: send(form_url, token, n), range(requests)))
            elapsed = time.perf_counter() - started
            stored = db.execute("select count(*) from ideas where issue = ?", [SLUG]).fetchone()[0] - before
            statuses = {}
            for status, _ in results:
                statuses[status] = statuses.get(status, 0) + 1
            latencies = sorted(t for _, t in results)
            # The worker catches up: the kwestie page then counts every idea.
            page = tmp / "output" / "kwesties" / SLUG / "index.html"
            expected = f"Ideeën ({before + stored})"
            deadline = time.monotonic() + 60
            while expected not in page.read_text() and time.monotonic() < deadline:
                time.sleep(0.2)
            caught_up = time.monotonic() - (deadline - 60)
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=15)
            log.close()
        print(f"{requests} ideas from {threads} threads, gunicorn -w 2 + rebuild worker (2 cores)")
        print(f"  answers: {statuses}; stored: {stored} (every 303 stored: {stored == statuses.get(303, 0)})")
        print(f"  throughput: {requests / elapsed:.0f} requests/s")
        print(f"  latency: median {statistics.median(latencies) * 1000:.1f} ms, "
              f"95th percentile {latencies[int(len(latencies) * 0.95) - 1] * 1000:.1f} ms, "
              f"max {latencies[-1] * 1000:.1f} ms")
        print(f"  site shows all {before + stored} ideas {caught_up:.1f} s after the last answer: "
              f"{expected in page.read_text()}")
        if 500 in statuses or stored != statuses.get(303, 0):
            print((tmp / "server.log").read_text()[-3000:])
            raise SystemExit(1)


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    run(*(args + [600, 12][len(args):]))
