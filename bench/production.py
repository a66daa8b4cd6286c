"""samenplan against its anchors, in the production set-up, in one run on this machine.

    python bench/production.py                 (the full run: some 10 minutes on two cores)
    python bench/production.py --tiny          (every section, small: a smoke test, under a minute)
    python bench/production.py --only submit --wrk-seconds 20
    python bench/production.py --sizes 12,1200 --probes 10 --loaded 100x1000

Needs gunicorn (pip install -e ".[production]") and wrk (apt-get install wrk).

Every figure is a ratio to an anchor built here, in a temporary folder, in the same
run, because absolute figures differ between machines and days by a factor of several:

1. build: seconds per HTML page written, plain Pelican (M Markdown articles, default
   theme, no plugins) against `samenplan build` of N kwesties. Both as a command, so
   both pay for starting Python.
2. submit: the idea form under `gunicorn -w 2`, with `samenplan worker` rebuilding beside it as
   in production, against a bare Flask app under the same gunicorn (bench/bare_flask.py:
   the same field checks, one sqlite-utils insert, 303), both loaded by wrk with the same
   Lua script and request bodies, alternately, twice each. Every body carries its own
   form token, since ours stores a token only once. Then: is every 303 wrk saw a row?
3. freshness: gunicorn -w 2 plus `samenplan worker`, as in production, on generated sites.
   A probe sends an idea with a unique title and times from its 303 until the kwestie's
   page shows the title, while a separate process sends RATE other ideas a second.

Exits 1 when a 500 was seen or a 303 was not stored, with the tail of the server log.
"""

import argparse
import contextlib
import math
import multiprocessing
import os
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from participation import db as database  # noqa: E402
from participation.tokens import form_token  # noqa: E402
from rebuild import KWESTIE  # noqa: E402  (the same generated kwesties as bench/rebuild.py)

SLUG = "azc-cafe-de-zwaan"  # the demo's open kwestie
WRK_THREADS, WRK_CONNECTIONS, WRK_ROUNDS = 2, 8, 2
STARTED = time.monotonic()


class Failed(Exception):
    """A 500, or a 303 without its row: the run must exit non-zero."""


def progress(text):
    print(f"[{time.monotonic() - STARTED:6.1f} s] {text}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, fraction):
    values = sorted(values)
    return values[max(0, math.ceil(len(values) * fraction) - 1)] if values else float("nan")


# Child processes --------------------------------------------------------------


class Children:
    """Every process started here, stopped with SIGTERM (then waited for) on the way out."""

    def __init__(self, log_path):
        self.log_path = log_path
        self.log = open(log_path, "a")
        self.processes = []

    def start(self, args, env, cwd=ROOT):
        process = subprocess.Popen([str(a) for a in args], env=env, cwd=cwd, stdout=self.log, stderr=self.log)
        self.processes.append(process)
        return process

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                progress(f"{Path(process.args[0]).name} did not stop 15 s after SIGTERM: killed")
                process.kill()
                process.wait()
        self.processes = []
        self.log.close()

    def tail(self, chars=3000):
        return Path(self.log_path).read_text(errors="replace")[-chars:]


def wait_until_up(url, children, timeout=60):
    """Any HTTP answer (a 405 too) means the server is up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if any(p.poll() is not None for p in children.processes):
                raise Failed(f"a process stopped during start-up:\n{children.tail()}")
            time.sleep(0.1)
    raise Failed(f"{url} did not answer in {timeout} s")


def gunicorn(children, app, env, cwd=ROOT):
    port = free_port()
    children.start([BIN / "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", app], env, cwd)
    return f"http://127.0.0.1:{port}"


def samenplan_env(tmp, content, secret):
    return dict(os.environ, SAMENPLAN_CONTENT=str(content), SAMENPLAN_OUTPUT=str(tmp / "output"),
                SAMENPLAN_DATABASE=str(tmp / "samenplan.db"), SAMENPLAN_SETTINGS=str(ROOT / "pelicanconf.py"),
                SAMENPLAN_SECRET_KEY=secret,
                # One client sends everything here: the rate limit and fill time would refuse it.
                SAMENPLAN_RATE_LIMIT="1000000", SAMENPLAN_MIN_FILL_SECONDS="0")


def samenplan_build(env):
    started = time.perf_counter()
    result = subprocess.run([BIN / "samenplan", "build"], env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode:
        raise Failed(f"samenplan build failed:\n{result.stderr[-3000:]}")
    return time.perf_counter() - started


def html_pages(folder):
    return sum(1 for _ in Path(folder).rglob("*.html"))


# 1. Build -------------------------------------------------------------------------

ARTICLE = """Title: Artikel {n}
Date: 2026-{month:02d}-{day:02d} 10:00
Category: wijk
Tags: plein, buurt

Een eerste alinea over onderwerp {n}, met wat tekst zodat de pagina niet leeg is.
Bewoners praten over het plein, de bomen en de bankjes.

Een tweede alinea. Wie wil er meedoen, en wanneer spreken we af? Dat staat
hier, met een paar zinnen meer dan nodig.

Een derde alinea, de laatste, om het artikel af te ronden.
"""

PLAIN_SETTINGS = """AUTHOR = "bench"
SITENAME = "bench"
SITEURL = ""
TIMEZONE = "Europe/Amsterdam"
DEFAULT_LANG = "nl"
PLUGINS = []
"""


def plain_pelican(tmp, count):
    """Seconds and HTML pages of `pelican` on count plain articles, default theme, no plugins."""
    content = tmp / "content"
    content.mkdir()
    for n in range(count):
        (content / f"artikel-{n}.md").write_text(
            ARTICLE.format(n=n, month=n % 12 + 1, day=n % 28 + 1), encoding="utf-8")
    (tmp / "pelicanconf.py").write_text(PLAIN_SETTINGS)
    started = time.perf_counter()
    result = subprocess.run([BIN / "pelican", content, "-o", tmp / "output", "-s", tmp / "pelicanconf.py"],
                            cwd=tmp, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode:
        raise Failed(f"pelican failed:\n{result.stderr[-3000:]}")
    return elapsed, html_pages(tmp / "output")


def write_kwesties(content, count):
    for n in range(count):
        folder = content / "kwesties" / f"kwestie-{n}"
        folder.mkdir(parents=True)
        (folder / "kwestie.md").write_text(KWESTIE.format(n=n, month=n % 12 + 1), encoding="utf-8")
    return [f"kwestie-{n}" for n in range(count)]


def samenplan_site(tmp, count):
    write_kwesties(tmp / "content", count)
    elapsed = samenplan_build(samenplan_env(tmp, tmp / "content", "bench"))
    return elapsed, html_pages(tmp / "output")


def bench_build(args):
    progress(f"build: plain Pelican, {args.build_articles} articles")
    with tempfile.TemporaryDirectory(prefix="bench-pelican-") as tmp:
        plain_s, plain_pages = plain_pelican(Path(tmp), args.build_articles)
    progress(f"build: {plain_pages} pages in {plain_s:.2f} s; samenplan, {args.build_kwesties} kwesties")
    with tempfile.TemporaryDirectory(prefix="bench-samenplan-") as tmp:
        ours_s, ours_pages = samenplan_site(Path(tmp), args.build_kwesties)
    progress(f"build: {ours_pages} pages in {ours_s:.2f} s")
    plain, ours = plain_s / plain_pages, ours_s / ours_pages
    return (f"build     plain Pelican {plain * 1000:6.2f} ms/page ({plain_pages} pages)   "
            f"samenplan {ours * 1000:6.2f} ms/page ({ours_pages} pages)   ratio {ours / plain:.2f}")


# 2. Submit ------------------------------------------------------------------------

# wrk runs this in each thread's own Lua state. Thread `id` takes its own slice of round
# `part` of the bodies (one token each), so no body is sent twice in a run; `wrapped`
# counts a slice that ran out anyway (then tokens repeat and ours stores fewer rows).
WRK_LUA = """-- generated by bench/production.py
local THREADS, ROUNDS = {threads}, {rounds}
local bodies = {{}}
for line in io.lines("{bodies}") do bodies[#bodies + 1] = line end
local threads = {{}}
local counter = 0
local first, last, i

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  local part = tonumber(args[1] or "0")
  local per = math.floor(#bodies / (THREADS * ROUNDS))
  first = (part * THREADS + id - 1) * per + 1
  last = first + per - 1
  i = first
  statuses = {{}}
  wrapped = 0
end

function request()
  if i > last then
    i = first
    wrapped = wrapped + 1
  end
  local body = bodies[i]
  i = i + 1
  return wrk.format("POST", nil, {{["Content-Type"] = "application/x-www-form-urlencoded"}}, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals, wraps = {{}}, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + n
    end
    wraps = wraps + thread:get("wrapped")
  end
  for status, n in pairs(totals) do
    io.write(string.format("status %d %d\\n", status, n))
  end
  io.write(string.format("wrapped %d\\n", wraps))
end
"""


def write_bodies(path, count, secret):
    with open(path, "w") as f:
        for n in range(count):
            f.write(urllib.parse.urlencode({"form_started": form_token(secret), "title": f"Idee {n}",
                                            "body": "Samen koffie drinken op het plein."}) + "\n")


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def run_wrk(args, script, url, part):
    result = subprocess.run(
        ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{args.wrk_seconds}s", "--latency",
         "-s", str(script), url, "--", str(part)], capture_output=True, text=True)
    if result.returncode:
        raise Failed(f"wrk failed: {result.stderr}")
    out = result.stdout
    p99 = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p99_ms": float(p99.group(1)) * UNITS[p99.group(2)],
        "statuses": {int(s): int(n) for s, n in re.findall(r"^status (\d+) (\d+)$", out, re.M)},
        "wrapped": int(re.search(r"^wrapped (\d+)$", out, re.M).group(1)),
        "errors": (re.search(r"Socket errors:.*", out) or [""])[0],
    }


def count_ideas(db_path, slug=None):
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        if slug:
            return conn.execute("select count(*) from ideas where issue = ?", [slug]).fetchone()[0]
        return conn.execute("select count(*) from ideas").fetchone()[0]


def start_anchor(tmp, children):
    """bench/bare_flask.py on its own database, with the table made before two workers race for it."""
    db_path = tmp / "bare.db"
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("create table ideas (id integer primary key, issue text, title text, body text, "
                     "author_name text, channel text, created_at text)")
    url = gunicorn(children, "bare_flask:create_app()", dict(os.environ, BARE_FLASK_DATABASE=str(db_path)), BENCH)
    wait_until_up(f"{url}/deelnemen/{SLUG}/idee", children)
    return url, db_path, None


def start_ours(tmp, children, secret):
    shutil.copytree(ROOT / "content", tmp / "content")
    env = samenplan_env(tmp, tmp / "content", secret)
    samenplan_build(env)
    url = gunicorn(children, "participation.web:create_app()", env)
    children.start([BIN / "samenplan", "worker"], env)  # as in production: it rebuilds while wrk sends
    wait_until_up(f"{url}/deelnemen/{SLUG}/idee", children)
    return url, Path(env["SAMENPLAN_DATABASE"]), SLUG


def one_submit_run(args, name, start, script, part):
    """Start a server, load it with wrk for a while, stop it; the run's figures and its rows."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
        tmp = Path(tmp)
        children = Children(tmp / "server.log")
        try:
            url, db_path, slug = start(tmp, children)
            before = count_ideas(db_path, slug)
            run = run_wrk(args, script, f"{url}/deelnemen/{SLUG}/idee", part)
            run["stored"] = count_ideas(db_path, slug) - before
        finally:
            children.stop()
        run["log"] = children.tail()
    seen = run["statuses"].get(303, 0)
    # A request still in flight when wrk stops can be stored without wrk seeing its 303.
    run["all_stored"] = seen <= run["stored"] <= seen + WRK_CONNECTIONS and not run["wrapped"]
    others = {s: n for s, n in run["statuses"].items() if s != 303}
    progress(f"submit: {name:<10} {run['rps']:8.0f} req/s  p99 {run['p99_ms']:7.1f} ms  303s {seen}, "
             f"rows {run['stored']}, other statuses {others or 'none'}{', wrapped!' if run['wrapped'] else ''}"
             f"{'  ' + run['errors'] if run['errors'] else ''}")
    return run


def bench_submit(args, failures):
    secret = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        tmp = Path(tmp)
        progress(f"submit: writing {args.bodies} request bodies, each with its own form token")
        write_bodies(tmp / "bodies.txt", args.bodies, secret)
        script = tmp / "submit.lua"
        script.write_text(WRK_LUA.format(threads=WRK_THREADS, rounds=WRK_ROUNDS, bodies=tmp / "bodies.txt"))
        runs = {"anchor": [], "ours": []}
        for part in range(WRK_ROUNDS):  # alternately, so a slow minute of the machine hits both
            runs["anchor"].append(one_submit_run(args, "bare Flask", start_anchor, script, part))
            runs["ours"].append(one_submit_run(
                args, "samenplan", lambda t, c: start_ours(t, c, secret), script, part))
    for name, label in (("anchor", "bare Flask"), ("ours", "samenplan")):
        for run in runs[name]:
            if 500 in run["statuses"] or not run["all_stored"]:
                failures.append(f"submit {label}: statuses {run['statuses']}, {run['stored']} rows stored, "
                                f"wrapped {run['wrapped']}\n{run['log']}")
    anchor_rps = statistics.median(r["rps"] for r in runs["anchor"])
    ours_rps = statistics.median(r["rps"] for r in runs["ours"])
    anchor_p99 = statistics.median(r["p99_ms"] for r in runs["anchor"])
    ours_p99 = statistics.median(r["p99_ms"] for r in runs["ours"])
    stored = all(r["all_stored"] for r in runs["ours"])
    others = {}
    for run in runs["ours"]:
        for status, n in run["statuses"].items():
            if status != 303:
                others[status] = others.get(status, 0) + n
    return (f"submit    bare Flask {anchor_rps:6.0f} req/s p99 {anchor_p99:.1f} ms   "
            f"samenplan {ours_rps:6.0f} req/s p99 {ours_p99:.1f} ms   ratio {ours_rps / anchor_rps:.2f} "
            f"(p99 {ours_p99 / anchor_p99:.1f}x)   every 303 stored: {'yes' if stored else 'NO'}"
            f"   other statuses: {others or 'none'}")


# 3. Freshness ---------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def post_idea(base, slug, secret, title):
    data = urllib.parse.urlencode({"form_started": form_token(secret), "title": title,
                                   "body": "Samen koffie drinken."}).encode()
    try:
        return OPENER.open(f"{base}/deelnemen/{slug}/idee", data=data, timeout=30).status
    except urllib.error.HTTPError as error:
        return error.code


def background_load(base, slugs, rate, secret, statuses, stop):
    """A separate process: `rate` ideas a second, paced, each to a random kwestie."""
    import concurrent.futures

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us

    def send(n):
        status = post_idea(base, random.choice(slugs), secret, f"Achtergrond {n}")
        with statuses.get_lock():
            statuses[min(status, 599)] += 1

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        started = time.monotonic()
        n = 0
        while not stop.is_set():
            delay = started + n / rate - time.monotonic()
            if delay > 0:
                stop.wait(delay)
                continue
            pool.submit(send, n)
            n += 1


def wait_for_text(page, text, timeout):
    """The moment `text` is on the page: stat it every 5 ms, read it only when it changed."""
    deadline = time.monotonic() + timeout
    seen = None
    while time.monotonic() < deadline:
        try:
            st = os.stat(page)
            key = (st.st_ino, st.st_mtime_ns, st.st_size)
            if key != seen:
                seen = key
                if text in page.read_text(encoding="utf-8", errors="replace"):
                    return time.monotonic()
        except FileNotFoundError:
            pass
        time.sleep(0.005)
    return None


def probe(base, output, slug, secret, timeout):
    """Seconds from the 303 of a new idea until its kwestie page shows it; None if it never did."""
    title = f"Probe {uuid.uuid4().hex}"
    status = post_idea(base, slug, secret, title)
    answered = time.monotonic()
    if status != 303:
        raise Failed(f"probe to {slug} got {status}")
    appeared = wait_for_text(output / "kwesties" / slug / "index.html", title, timeout)
    return None if appeared is None else appeared - answered


def seed_site(tmp, kwesties, ideas):
    """content/ with the kwesties, the database with `ideas` ideas each, and the reference build."""
    progress(f"fresh: writing {kwesties} kwesties")
    slugs = write_kwesties(tmp / "content", kwesties)
    env = samenplan_env(tmp, tmp / "content", secrets.token_hex(16))
    db = database.connect(env["SAMENPLAN_DATABASE"])  # makes the schema, as the first build would
    try:
        now = database.now()
        rows = ({"issue": slug, "number": n, "title": f"Idee {n} van {slug}", "body": "Wat tekst.",
                 "channel": "web", "created_at": now, "author_name": ""}
                for slug in slugs for n in range(1, ideas + 1))
        db["ideas"].insert_all(rows, batch_size=5000)
    finally:
        db.close()
    progress(f"fresh: {kwesties * ideas} ideas stored; full build of {kwesties} kwesties")
    elapsed = samenplan_build(env)
    progress(f"fresh: full build in {elapsed:.1f} s ({html_pages(tmp / 'output')} pages)")
    return env, slugs


def freshness(args, kwesties, ideas, rate, failures):
    """Freshness in seconds of args.probes probes on a site of kwesties × ideas, with rate ideas/s around."""
    with tempfile.TemporaryDirectory(prefix="bench-fresh-") as tmp:
        tmp = Path(tmp)
        env, slugs = seed_site(tmp, kwesties, ideas)
        secret, output = env["SAMENPLAN_SECRET_KEY"], tmp / "output"
        children = Children(tmp / "server.log")
        statuses = multiprocessing.Array("i", 600)
        stop = multiprocessing.Event()
        load = None
        results = []
        try:
            base = gunicorn(children, "participation.web:create_app()", env)
            children.start([BIN / "samenplan", "worker"], env)
            wait_until_up(f"{base}/deelnemen/{slugs[0]}/idee", children)
            for slug in random.sample(slugs, min(2, len(slugs))):  # warm up: worker, pages, connections
                if probe(base, output, slug, secret, args.probe_timeout) is None:
                    raise Failed(f"warm-up idea never reached {slug}'s page")
            if rate:
                load = multiprocessing.Process(target=background_load,
                                               args=(base, slugs, rate, secret, statuses, stop), daemon=True)
                load_started = time.monotonic()
                load.start()
                time.sleep(1)  # the load runs before the first probe
            progress(f"fresh: {args.probes} probes, {rate} ideas/s around them")
            for n in range(args.probes):
                slot = time.monotonic() + args.probe_every
                results.append(probe(base, output, random.choice(slugs), secret, args.probe_timeout))
                time.sleep(max(0.0, slot - time.monotonic()))
        except Failed as error:
            raise Failed(f"{error}\n{children.tail()}") from None
        finally:
            load_time = time.monotonic() - load_started if load is not None else 0
            stop.set()
            if load is not None:
                load.join(10)
                if load.is_alive():
                    load.terminate()
                    load.join()
            children.stop()
        sent = {status: n for status, n in enumerate(statuses) if n}
        if 500 in sent:
            failures.append(f"fresh {kwesties} kwesties: background statuses {sent}\n{children.tail()}")
        if rate:
            progress(f"fresh: background answers {sent}, {sum(sent.values()) / load_time:.1f} ideas/s")
    seen = [r for r in results if r is not None]
    others = {status: n for status, n in sent.items() if status != 303}
    return seen, len(results) - len(seen), others


def fresh_line(label, seen, lost, others):
    notes = f"{len(seen)} probes" + (f", {lost} never appeared" if lost else "") + (
        f", background answers other than 303: {others}" if others else "")
    if not seen:
        return f"fresh     {label:<28} no probe appeared ({notes})"
    p50, p95 = statistics.median(seen), percentile(seen, 0.95)
    return f"fresh     {label:<28} p50 {p50 * 1000:6.0f} ms   p95 {p95 * 1000:6.0f} ms   ({notes})"


def bench_freshness(args, failures):
    runs = [(f"idle {args.idle} kwesties", args.idle, args.ideas, 0)]
    if args.loaded:
        kwesties, ideas = (int(x) for x in args.loaded.split("x"))
        runs.append((f"{kwesties}x{ideas} @{args.rate:g}/s", kwesties, ideas, args.rate))
    runs += [(f"{kwesties} kwesties @{args.rate:g}/s", kwesties, args.ideas, args.rate) for kwesties in args.sizes]
    lines = []
    for label, kwesties, ideas, rate in runs:
        lines.append(fresh_line(label, *freshness(args, kwesties, ideas, rate, failures)))
        progress(lines[-1])
    return lines


# The command ----------------------------------------------------------------------


def machine():
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        model = re.search(r"^model name\s*:\s*(.*)$", Path("/proc/cpuinfo").read_text(), re.M).group(1)
    return f"machine: {os.cpu_count()} cores, {model}, Python {sys.version.split()[0]}"


TINY = dict(build_articles=20, build_kwesties=10, wrk_seconds=2, bodies=20000, idle=3, loaded="5x20",
            sizes="5", ideas=3, probes=3, rate=5.0)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="build,submit,freshness",
                        help="sections to run, comma-separated: build,submit,freshness")
    parser.add_argument("--build-articles", type=int, default=1000, help="plain Pelican articles (M)")
    parser.add_argument("--build-kwesties", type=int, default=1000, help="samenplan kwesties (N)")
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--bodies", type=int, default=150_000, help="distinct request bodies for all wrk runs")
    parser.add_argument("--idle", type=int, default=12, help="kwesties for idle freshness (no load)")
    parser.add_argument("--loaded", default="100x1000", help="KWESTIESxIDEAS under load ('' to skip)")
    parser.add_argument("--sizes", default="12,1200,12000", help="kwesties under load, comma-separated")
    parser.add_argument("--ideas", type=int, default=10, help="ideas per kwestie for idle and --sizes")
    parser.add_argument("--probes", type=int, default=30, help="probes per size")
    parser.add_argument("--probe-every", type=float, default=0.5, help="seconds between probe starts")
    parser.add_argument("--probe-timeout", type=float, default=30.0, help="seconds to wait for a probe's page")
    parser.add_argument("--rate", type=float, default=20.0, help="background ideas per second")
    parser.add_argument("--tiny", action="store_true", help="small everything: a smoke test")
    if parser.parse_known_args(argv)[0].tiny:  # small defaults; options given still win
        parser.set_defaults(**TINY)
    args = parser.parse_args(argv)
    args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.only = {s.strip() for s in args.only.split(",")}
    unknown = args.only - {"build", "submit", "freshness"}
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    return args


def _interrupt(*_):
    raise KeyboardInterrupt


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)  # a killed bench still stops its children (finally blocks)
    missing = [name for name, path in (("gunicorn", BIN / "gunicorn"), ("wrk", shutil.which("wrk")))
               if not path or not Path(path).exists()]
    if missing and args.only & {"submit", "freshness"}:
        print(f"needs {' and '.join(missing)}: pip install -e '.[production]', apt-get install wrk", file=sys.stderr)
        return 2
    lines, failures = [machine()], []
    try:
        if "build" in args.only:
            lines.append(bench_build(args))
        if "submit" in args.only:
            lines.append(bench_submit(args, failures))
        if "freshness" in args.only:
            lines.extend(bench_freshness(args, failures))
    except Failed as error:
        failures.append(str(error))
    except KeyboardInterrupt:
        print("interrupted; every child process is stopped", file=sys.stderr)
        return 130
    print()
    print("\n".join(lines))
    for failure in failures:
        print(f"\nFAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
