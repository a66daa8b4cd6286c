"""bench/production.py and bench/search.py still run: their smallest runs, in a subprocess.

No timing is asserted (the figures are for people, and vary by machine); only that it
ends well and prints a figure in each section. It needs gunicorn and wrk: without them
the test is skipped, except under CI, where it fails.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .browser.conftest import apt_install, as_root_with_apt, unavailable
from .support import ROOT

GUNICORN = Path(sys.executable).parent / "gunicorn"


def run_tiny(script):
    """bench/<script> --tiny, with gunicorn and wrk (installed when this runs as root with apt)."""
    if not GUNICORN.exists():
        unavailable(f"gunicorn not found at {GUNICORN}: pip install -e '.[production]'")
    if not shutil.which("wrk") and as_root_with_apt():
        apt_install("wrk")
    if not shutil.which("wrk"):
        unavailable("wrk not found: install it (sudo apt-get install wrk)")
    return subprocess.run([sys.executable, str(ROOT / "bench" / script), "--tiny"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={k: v for k, v in os.environ.items() if not k.startswith("SAMENPLAN_")})


def test_production_bench_runs_every_section():
    result = run_tiny("production.py")

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    assert re.search(r"^build .*[\d.]+ ms/page.*samenplan +[\d.]+ ms/page.*ratio [\d.]+$", out, re.M), out
    assert re.search(r"^submit .*\d+ req/s p99 [\d.]+ ms.*samenplan +\d+ req/s.*every 303 stored: yes", out, re.M), out
    fresh = re.findall(r"^fresh .*$", out, re.M)
    assert fresh and all(re.search(r"p50 +\d+ ms +p95 +\d+ ms", line) for line in fresh), out


def test_search_bench_runs_and_names_every_query_type():
    """bench/search.py --tiny: a site of 10 kwesties x 100, its anchor, wrk, a verdict."""
    result = run_tiny("search.py")

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    assert re.search(r"^seed .*10 kwesties x 100: .*indexed in [\d.]+ s, index \d+ rows", out, re.M), out
    assert re.search(r"^alone .*bare Flask p50 [\d.]+ p95 [\d.]+ ms .*samenplan p50 [\d.]+ p95 [\d.]+ ms",
                     out, re.M), out
    assert re.search(r"^load .*bare Flask +[\d.]+ req/s .*samenplan +[\d.]+ req/s .*ratio [\d.]+", out, re.M), out
    queries = re.findall(r"^query +(.+?) +search\.search p50 +[\d.]+ p95 +[\d.]+ ms .*"
                         r"request p95 +[\d.]+ ms +(\d+) results$", out, re.M)
    assert len(queries) == 11 and int(dict(queries)["common word"]) > 20, out
    assert re.search(r"^search p95 [\d.]+ ms \(target < 50 ms\)", out, re.M), out
