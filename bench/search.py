"""Search under load: /zoeken/ on a site of 100 kwesties × 1,000 contributions, against its anchor.

    python bench/search.py                   (the full run: 3 to 4 minutes on two cores)
    python bench/search.py --tiny            (10 kwesties × 100: a smoke test, under a minute)
    python bench/search.py --strict          (exit 1 when the verdict's p95 is 50 ms or more)
    python bench/search.py --kwesties 100 --contributions 1000 --wrk-seconds 10 --runs 200

Needs gunicorn (pip install -e ".[production]") and wrk (apt-get install wrk). Issue 18's
target: search answers in under 50 ms p95 at 100 kwesties × 1,000 contributions.

1. seed: a temporary site (bench/production.py's kwesties), its database filled with SQL bulk
   inserts into the real tables (ideas with Dutch text from a vocabulary of a few hundred
   words, Zipf-distributed, plus rare ones; questions with answers; agreements built on ideas,
   with objections), so the triggers fill the index as they do in production; then the
   kwesties themselves are indexed (search.index_issues, what the site build does).
2. alone and load: the real app under `gunicorn -w 2` against a bare Flask app running one
   FTS5 query on the same database file (bench/bare_search.py). First one request at a time
   (the same URLs, in turn), then loaded by wrk with the same Lua script cycling through the
   same URLs, alternately, twice each. Any answer but a 200 fails.
3. per query type: `search.search` in-process, sequentially, so a slow kind of query is named,
   beside the p95 of the whole request of that type from 2.

The verdict is the p95 of ours one request at a time: how long a resident waits on a site of
that size. Under wrk (8 connections on 2 workers, a closed loop) latency is mostly queueing,
set by the number of connections; those figures are for the ratio to the anchor.
"""

import argparse
import contextlib
import itertools
import json
import random
import re
import secrets
import shutil
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import production  # noqa: E402  (puts the project on sys.path too)
from production import BENCH, BIN, Children, Failed, gunicorn, progress, wait_until_up  # noqa: E402

from participation import db as database  # noqa: E402
from participation import search  # noqa: E402
from participation.issues import load_public_issues  # noqa: E402
from participation.settings import load_settings  # noqa: E402
from participation.web.zoeken import KINDS  # noqa: E402

TARGET_MS = 50.0

# Dutch words of a neighbourhood's talk, most frequent first (drawn with weight 1/rank, as
# words in text are), with diacritics among them (café, ideeën) for the index's folding.
VOCABULARY = """
de het een en van in op is dat te voor met niet er we je ook aan om als bij zijn maar dan
wat nog meer kan wel naar of uit door heel graag moet hier veel over alle zou dit die
buurt plein straat park bomen kinderen speeltuin bewoners gemeente bankjes groen wijk
huis huizen auto fiets parkeren verkeer school water weg stoep licht lantaarn avond ochtend
zomer winter week jaar dag tijd plek ruimte plan idee vraag afspraak geld budget kosten
samen mensen buren ouders jongeren ouderen vrijwilligers kring kwestie bijeenkomst café
speelplek sport spelen spreken spullen speelgoed spoor sporthal spreekuur spandoek speciaal
spontaan spiegel spinnen sprinkhaan
veilig mooi groot klein nieuw oud druk rustig schoon vies gezellig leuk goed beter slecht
snel langzaam breed smal hoog laag open dicht lang kort warm koud nat droog donker licht
maken bouwen planten zetten halen brengen kijken praten luisteren helpen zorgen regelen
betalen vragen zeggen denken vinden willen houden blijven komen gaan lopen fietsen rijden
wonen werken leren eten drinken koffie thee taart markt winkel bakker supermarkt bibliotheek
buurthuis kerk moskee sportveld voetbal basketbal tennis jeu boules tafeltennis schommel
glijbaan zandbak hek poort brug sloot vijver fontein bloemen struiken gras tegels
container afval prullenbak glasbak vuilnis zwerfvuil hondenpoep honden katten vogels eenden
bijen vlinders egels insecten boom hout steen beton asfalt tegel verlichting camera
zebrapad drempel snelheid bus tram trein station halte taxi bestelbus vrachtwagen scooter
laadpaal zonnepanelen warmtepomp isolatie energie stroom gas rekening huur koop corporatie
coöperatie woningbouw sociale starters senioren zorg dokter apotheek wijkagent politie
brandweer ambulance buurtapp nieuwsbrief website folder brief gesprek avondje feest
barbecue picknick braderie rommelmarkt kermis optocht concert muziek dans toneel film
kunst muurschildering graffiti mozaïek beeld monument geschiedenis toekomst ideeën één
privé financiële geïnteresseerd reünie overleg vergadering besluit voorstel bezwaar zorgen
wethouder ambtenaar raad wet regels vergunning subsidie fonds sponsor bedrijf ondernemer
horeca terras stoel tafel parasol tent podium geluid overlast rust stilte lawaai nacht
weekend vakantie feestdagen kerst pasen koningsdag zomerfeest buurtfeest straatfeest
moestuin kas compost regenton tuin tuinen geveltuin boomspiegel bloembak hanging
wandelen hardlopen skaten skeeleren skatebaan halfpipe pannaveld trapveld doelen net
""".split()
RARE = ["zwaluwtil", "kabouterpad", "insectenhotel", "pannakooi", "wadi"]  # each in about 1 in 1,000
WEIGHTS = list(itertools.accumulate(1 / rank for rank in range(1, len(VOCABULARY) + 1)))

# One of each kind of query a resident sends (the URL's arguments); {k} is a kwestie's slug.
QUERIES = [
    ("common word", {"q": "buurt"}),
    ("rare word", {"q": "zwaluwtil"}),
    ("two-letter prefix", {"q": "sp"}),
    ("two words", {"q": "speeltuin bankjes"}),
    ("cafe", {"q": "cafe"}),
    ("café", {"q": "café"}),
    ("odd syntax", {"q": '"speel OR ('}),
    ("word in one kwestie", {"q": "bomen", "kwestie": "{k}"}),
    ("ideas, newest", {"kwestie": "{k}", "soort": "idee", "volgorde": "nieuw"}),
    ("ideas, most discussed", {"kwestie": "{k}", "soort": "idee", "volgorde": "besproken"}),
    ("common word, page 5", {"q": "buurt", "pagina": "5"}),
]


# 1. Seed ------------------------------------------------------------------------------


def sentence(rng, low, high, end="."):
    words = rng.choices(VOCABULARY, cum_weights=WEIGHTS, k=rng.randint(low, high))
    if rng.random() < 0.005:
        words[rng.randrange(len(words))] = rng.choice(RARE)
    return " ".join(words).capitalize() + end


def text(rng, sentences, low=6, high=14):
    return " ".join(sentence(rng, low, high) for _ in range(rng.randint(*sentences)))


def when(day0, n):
    """The n-th contribution to a kwestie: a few hours after the one before."""
    return 1_767_225_600 + day0 + n * 3 * 3600  # 2026-01-01 UTC, in seconds since 1970


def iso(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(seconds))


def rows(slugs, per_kwestie, seed=18):
    """The rows of every table, as (table, columns, row tuples), for SQL bulk inserts."""
    rng = random.Random(seed)
    ideas, questions, answers, agreements, objections = [], [], [], [], []
    for k, slug in enumerate(slugs):
        idea_n = question_n = 0
        for n in range(per_kwestie):
            at = iso(when(k * 86400, n))
            author = rng.choice(["", "", "", "Buurtbewoner", "Een buur", "Ouder van de school"])
            if rng.random() < 0.1:
                question_n += 1
                questions.append((len(questions) + 1, slug, question_n, sentence(rng, 5, 12, "?"), author, "web", at))
                for _ in range(rng.choice([0, 1, 1, 2])):
                    answers.append((len(questions), 1, text(rng, (1, 3)), at))
            else:
                idea_n += 1
                ideas.append((slug, idea_n, sentence(rng, 3, 8, ""), text(rng, (1, 5)), author, "web", at))
        for a in range(1, per_kwestie // 100 + 1):  # an agreement per 100 contributions, built on ideas
            from_ideas = sorted({rng.randint(1, max(1, idea_n // 4)) for _ in range(rng.randint(1, 4))})
            agreements.append((len(agreements) + 1, slug, a, sentence(rng, 6, 14), "De buurt", "Voor de zomer",
                               json.dumps(from_ideas), "concept", 1, iso(when(k * 86400, per_kwestie + a))))
            for o in range(rng.choice([0, 0, 1, 3])):
                objections.append((slug, len(objections) + 1, len(agreements), sentence(rng, 6, 14),
                                   rng.choice(["objection", "concern"]), "open", "web",
                                   iso(when(k * 86400, per_kwestie + a)), 1))
    return [
        ("ideas", "issue, number, title, body, author_name, channel, created_at", ideas),
        ("questions", "id, issue, number, text, author_name, channel, created_at", questions),
        ("answers", "question_id, user_id, text, created_at", answers),
        ("agreements", "id, issue, number, what, who, when_text, from_ideas, status, revision, created_at",
         agreements),
        ("objections", "issue, number, agreement_id, reason, kind, status, channel, created_at, revision",
         objections),
    ]


def index_size(db):
    """Bytes of the index's tables (dbstat), or None when SQLite was built without it."""
    with contextlib.suppress(sqlite3.OperationalError):
        return db.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search%' "
                          "AND name != 'search_kwesties'").fetchone()[0]
    return None


def seed(tmp, kwesties, per_kwestie):
    """The site's content/ and database; returns its environment for samenplan and the slugs."""
    slugs = production.write_kwesties(tmp / "content", kwesties)
    env = production.samenplan_env(tmp, tmp / "content", secrets.token_hex(16))
    started = time.perf_counter()
    tables = rows(slugs, per_kwestie)
    made = time.perf_counter() - started
    db = database.connect(env["SAMENPLAN_DATABASE"])  # makes the schema, index and triggers
    try:
        started = time.perf_counter()
        with database.write(db):
            for table, columns, values in tables:
                marks = ", ".join("?" * len(columns.split(",")))
                db.conn.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)
        inserted = time.perf_counter() - started
        started = time.perf_counter()
        settings = load_settings(production.ROOT / "pelicanconf.py", override={
            "PATH": str(tmp / "content"), "OUTPUT_PATH": str(tmp / "output"),
            "SAMENPLAN_DATABASE": env["SAMENPLAN_DATABASE"]})
        # What a build does: the kwesties, then the ideas and questions stored since the last
        # (search.catch_up; they have no insert trigger), before either server answers.
        search.index_issues(db, load_public_issues(settings))
        search.catch_up(db)
        indexed = time.perf_counter() - started
        count = db.execute("SELECT count(*) FROM search").fetchone()[0]
        size = index_size(db)
    finally:
        db.close()
    counts = ", ".join(f"{len(values)} {table}" for table, _, values in tables)
    file_mb = Path(env["SAMENPLAN_DATABASE"]).stat().st_size / 1e6
    progress(f"seed: {counts}; text made in {made:.1f} s, inserted in {inserted:.1f} s, {kwesties} kwesties "
             f"and every idea and question indexed in {indexed:.2f} s")
    line = (f"seed      {kwesties} kwesties x {per_kwestie}: inserted in {inserted:.1f} s, indexed in {indexed:.1f} s, "
            f"index {count} rows, {size / 1e6 if size else float('nan'):.1f} MB (database {file_mb:.1f} MB)")
    progress(line)
    return env, slugs, line


# 2. Load ------------------------------------------------------------------------------

# wrk runs this in each thread's own Lua state: each thread cycles through the paths, from its
# own starting point. done() runs in the main state, and writes the percentiles (wrk's own
# --latency print has no p95) and the statuses to a file for the bench.
WRK_LUA = """-- generated by bench/search.py
local paths = {{}}
for line in io.lines("{paths}") do paths[#paths + 1] = line end
local threads = {{}}
local counter = 0
local i

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  i = id * 5
  statuses = {{}}
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local out = io.open("{result}", "w")
  for _, p in ipairs({{50, 95, 99}}) do
    out:write(string.format("p%d %d\\n", p, latency:percentile(p)))
  end
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      out:write(string.format("status %d %d\\n", status, n))
    end
  end
  out:write(string.format("timeouts %d\\n", summary.errors.timeout))
  out:close()
  io.write("wrapped 0\\n")  -- for production.run_wrk: paths repeat on purpose here
end
"""


def paths(slugs):
    """Every query's path, for each of a few kwesties, in the order wrk sends them."""
    chosen = [slugs[(n * 37) % len(slugs)] for n in range(min(5, len(slugs)))]
    return [f"/zoeken/?{urllib.parse.urlencode({k: v.format(k=slug) for k, v in params.items()})}"
            for slug in chosen for _, params in QUERIES]


def load(args, name, url, tmp, run):
    """One wrk run against url: req/s, p50/p95/p99 in ms and timeouts; any answer but a 200 fails."""
    result = tmp / f"wrk-{name}-{run}.txt"
    script = tmp / f"wrk-{name}-{run}.lua"
    script.write_text(WRK_LUA.format(paths=tmp / "paths.txt", result=result))
    figures = production.run_wrk(args, script, url, 0)
    out = result.read_text()
    for p in (50, 95, 99):
        figures[f"p{p}_ms"] = int(re.search(rf"^p{p} (\d+)$", out, re.M).group(1)) / 1000
    figures["timeouts"] = int(re.search(r"^timeouts (\d+)$", out, re.M).group(1))
    statuses = {}
    for status, n in re.findall(r"^status (\d+) (\d+)$", out, re.M):
        statuses[int(status)] = statuses.get(int(status), 0) + int(n)
    if set(statuses) - {200}:
        raise Failed(f"{name}: statuses {statuses} {figures['errors']}")
    progress(f"load: {name:<10} {figures['rps']:7.1f} req/s  p50 {figures['p50_ms']:6.1f} ms  "
             f"p95 {figures['p95_ms']:6.1f} ms  p99 {figures['p99_ms']:6.1f} ms  {figures['errors']}")
    return figures


def get(url):
    with urllib.request.urlopen(url, timeout=60) as answer:
        return answer.read().decode()


def check_answers(url, marker):
    """Before timing: the common word gets a page of results (a page of nothing is fast)."""
    page = get(f"{url}/zoeken/?q=buurt")
    if page.count(marker) < 20:
        raise Failed(f"{url}/zoeken/?q=buurt shows fewer than 20 results:\n{page[:2000]}")


def one_at_a_time(args, url, slugs):
    """Milliseconds per request by query type, sent one after another (nothing waits in a queue)."""
    timings = {name: [] for name, _ in QUERIES}
    every = paths(slugs)
    for path in every[:len(QUERIES)] * 2:  # warm up both workers: templates, caches, pages of the index
        get(f"{url}{path}")
    for n in range(args.http_runs * len(QUERIES)):
        name = QUERIES[n % len(QUERIES)][0]
        started = time.perf_counter()
        get(f"{url}{every[n % len(every)]}")
        timings[name].append((time.perf_counter() - started) * 1000)
    return timings


def bench_load(args, tmp, env, slugs):
    """The lines for one request at a time and under wrk, the verdict's p95 and ours per query type."""
    (tmp / "paths.txt").write_text("\n".join(paths(slugs)) + "\n")
    children = Children(tmp / "server.log")
    runs, alone = {"anchor": [], "ours": []}, {}
    try:
        anchor = gunicorn(children, "bare_search:create_app()",
                          dict(env, BARE_SEARCH_DATABASE=env["SAMENPLAN_DATABASE"]), BENCH)
        ours = gunicorn(children, "participation.web:create_app()", env)
        for url in (anchor, ours):
            wait_until_up(f"{url}/zoeken/", children)
        check_answers(anchor, "<li>")
        check_answers(ours, 'class="result-title"')
        for name, url in (("anchor", anchor), ("ours", ours)):
            progress(f"one at a time: {name}, {args.http_runs} requests per query type")
            alone[name] = one_at_a_time(args, url, slugs)
        for run in range(production.WRK_ROUNDS):  # alternately, so a slow minute of the machine hits both
            runs["anchor"].append(load(args, "bare Flask", f"{anchor}/", tmp, run))
            runs["ours"].append(load(args, "samenplan", f"{ours}/", tmp, run))
    except Failed as error:
        raise Failed(f"{error}\n{children.tail()}") from None
    finally:
        children.stop()
    every = {name: [t for ts in timings.values() for t in ts] for name, timings in alone.items()}
    a95, o95 = (production.percentile(every[name], 0.95) for name in ("anchor", "ours"))
    lines = [f"alone     bare Flask p50 {statistics.median(every['anchor']):.1f} p95 {a95:.1f} ms   "
             f"samenplan p50 {statistics.median(every['ours']):.1f} p95 {o95:.1f} ms   (p95 {o95 / a95:.1f}x; "
             f"{len(every['ours'])} requests each, one at a time)"]
    median = {name: {key: statistics.median(r[key] for r in rs) for key in ("rps", "p50_ms", "p95_ms", "p99_ms")}
              for name, rs in runs.items()}
    timeouts = {name: sum(r["timeouts"] for r in rs) for name, rs in runs.items()}
    a, o = median["anchor"], median["ours"]
    lines.append(
        f"load      bare Flask {a['rps']:6.1f} req/s p50 {a['p50_ms']:.1f} p95 {a['p95_ms']:.1f} "
        f"p99 {a['p99_ms']:.1f} ms   samenplan {o['rps']:6.1f} req/s p50 {o['p50_ms']:.1f} "
        f"p95 {o['p95_ms']:.1f} p99 {o['p99_ms']:.1f} ms   ratio {o['rps'] / a['rps']:.2f} "
        f"(p95 {o['p95_ms'] / a['p95_ms']:.1f}x)"
        + (f"   timeouts over 2 s (not in the percentiles): {timeouts}" if any(timeouts.values()) else ""))
    return lines, o95, o["p95_ms"], alone["ours"]


# 3. Per query type --------------------------------------------------------------------


def bench_queries(args, env, slugs, over_http):
    """search.search in-process, each query type up to args.runs times or args.seconds long, p50
    and p95 in ms; beside it the p95 of the whole request, one at a time, from bench_load."""
    db = database.connect(env["SAMENPLAN_DATABASE"])
    lines = []
    try:
        for name, params in QUERIES:
            kwestie = params.get("kwestie", "").format(k=slugs[0]) or None
            call = dict(kwestie=kwestie, kind=KINDS.get(params.get("soort", "")),
                        order=params.get("volgorde", "relevant"), page=int(params.get("pagina", 1)))
            found = search.search(db, params.get("q", ""), **call)
            timings = []
            deadline = time.perf_counter() + args.seconds
            while len(timings) < args.runs and time.perf_counter() < deadline:
                started = time.perf_counter()
                search.search(db, params.get("q", ""), **call)
                timings.append((time.perf_counter() - started) * 1000)
            lines.append(f"query     {name:<22} search.search p50 {statistics.median(timings):6.1f} "
                         f"p95 {production.percentile(timings, 0.95):6.1f} ms ({len(timings):3} runs)   "
                         f"request p95 {production.percentile(over_http[name], 0.95):6.1f} ms   "
                         f"{found['total']} results")
            progress(lines[-1])
    finally:
        db.close()
    return lines


# The command --------------------------------------------------------------------------

TINY = dict(kwesties=10, contributions=100, wrk_seconds=2, runs=20, http_runs=3)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kwesties", type=int, default=100)
    parser.add_argument("--contributions", type=int, default=1000, help="ideas and questions per kwestie")
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=200, help="in-process runs per query type, at most")
    parser.add_argument("--seconds", type=float, default=3.0, help="in-process seconds per query type, at most")
    parser.add_argument("--http-runs", type=int, default=10, help="requests per query type, one at a time")
    parser.add_argument("--strict", action="store_true", help=f"exit 1 when the p95 is {TARGET_MS:g} ms or more")
    parser.add_argument("--tiny", action="store_true", help="10 kwesties x 100: a smoke test")
    if parser.parse_known_args(argv)[0].tiny:  # small defaults; options given still win
        parser.set_defaults(**TINY)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, production._interrupt)  # a killed bench still stops its children
    if not (BIN / "gunicorn").exists() or not shutil.which("wrk"):
        print("needs gunicorn and wrk: pip install -e '.[production]', apt-get install wrk", file=sys.stderr)
        return 2
    lines = [production.machine()]
    try:
        with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
            tmp = Path(tmp)
            env, slugs, line = seed(tmp, args.kwesties, args.contributions)
            lines.append(line)
            load_lines, p95, loaded_p95, over_http = bench_load(args, tmp, env, slugs)
            lines.extend(load_lines)
            lines.extend(bench_queries(args, env, slugs, over_http))
    except Failed as error:
        print(f"\nFAILED: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; every child process is stopped", file=sys.stderr)
        return 130
    verdict = (f"search p95 {p95:.1f} ms (target < {TARGET_MS:g} ms): one request at a time; "
               f"under wrk (8 connections, 2 workers) p95 {loaded_p95:.1f} ms")
    print()
    print("\n".join(lines + [verdict]))
    return 1 if args.strict and p95 >= TARGET_MS else 0


if __name__ == "__main__":
    sys.exit(main())
