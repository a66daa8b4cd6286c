"""How long does a rebuild after one contribution take, as the site grows?

    python bench/rebuild.py [N ...]      (default: 10 100 1000 kwesties)

For each N it makes N kwesties in a temporary folder, times a full build
(Pelican, the reference) and then the incremental rebuild after one idea,
median of 20. The incremental time should stay flat as N grows.
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from participation import db as database  # noqa: E402
from participation import store  # noqa: E402
from participation.build import build  # noqa: E402
from participation.rebuild import Rebuilder  # noqa: E402
from participation.settings import load_settings  # noqa: E402

KWESTIE = """Title: Kwestie {n}
Question: Hoe maken we van plek {n} samen iets goeds?
Phase: open
Opened: 2026-{month:02d}-01
Constraints: Het budget is {n}000 euro.
    Alles volgens de wet.

## Wat er speelt

Een verhaal over plek {n}, met wat tekst zodat de pagina niet leeg is.
"""


def run(count):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for n in range(count):
            folder = tmp / "content" / "kwesties" / f"kwestie-{n}"
            folder.mkdir(parents=True)
            (folder / "kwestie.md").write_text(KWESTIE.format(n=n, month=n % 12 + 1), encoding="utf-8")
        settings = load_settings(ROOT / "pelicanconf.py", override={
            "PATH": str(tmp / "content"), "OUTPUT_PATH": str(tmp / "output"),
            "CACHE_PATH": str(tmp / "cache"), "SAMENPLAN_DATABASE": str(tmp / "bench.db"),
        })
        started = time.perf_counter()
        build(settings)
        full = time.perf_counter() - started

        rebuilder = Rebuilder(settings)
        db = database.connect(settings["SAMENPLAN_DATABASE"])
        timings = []
        for i in range(20):
            store.add_idea(db, f"kwestie-{(i * 7) % count}", title=f"Idee {i}")
            started = time.perf_counter()
            rebuilder.rebuild_pending()
            timings.append(time.perf_counter() - started)
        return full, statistics.median(timings)


def main(counts):
    print(f"{'kwesties':>9} {'full build':>11} {'rebuild after 1 idea':>21}")
    for count in counts:
        full, incremental = run(count)
        print(f"{count:>9} {full:>10.2f}s {incremental * 1000:>19.1f}ms", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10, 100, 1000])
