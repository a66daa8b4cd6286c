"""Loading and writing a large plan version: libyaml (C) against pure-Python PyYAML.

    python bench/plan_yaml.py [agreements]      (default 1000)

plan.py uses CSafeLoader/CSafeDumper when PyYAML was built with libyaml.
"""

import statistics
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from participation import plan  # noqa: E402


def sample(count):
    return {
        "issue": "groot-plan", "version": 1, "previous": None, "adopted_at": "2026-01-20T21:45:00+01:00",
        "kind": "adoption", "adopted_at_meeting": "Dorpsavond",
        "circle": {"members": 300, "relations": {"resident": 250, "business": 50}},
        "consent_round": None,
        "agreements": [{"id": f"A{n}", "what": f"Afspraak nummer {n} over iets in het dorp", "who": ["Stichting", "Gemeente"],
                        "when": "voorjaar", "cost": n * 10, "from_ideas": [f"I{n}"], "objections": [], "concerns": [],
                        "review_at": "2027-01-01", "response": None, "status": "planned", "status_notes": []}
                       for n in range(1, count + 1)],
        "budget": {"available": None, "allocated": sum(n * 10 for n in range(1, count + 1))},
    }


def timed(function, repeat=5):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(count):
    data = sample(count)
    raw = yaml.dump(data, Dumper=yaml.SafeDumper, allow_unicode=True, sort_keys=False).encode()
    print(f"{count} afspraken, {len(raw) / 1024:.0f} KiB YAML; libyaml beschikbaar: {yaml.__with_libyaml__}")
    rows = [("laden", yaml.SafeLoader, getattr(yaml, "CSafeLoader", None), lambda L: yaml.load(raw, Loader=L)),
            ("schrijven", yaml.SafeDumper, getattr(yaml, "CSafeDumper", None),
             lambda D: yaml.dump(data, Dumper=D, allow_unicode=True, sort_keys=False))]
    for name, pure, fast, run in rows:
        slow = timed(lambda: run(pure))
        if fast is None:
            print(f"{name:>10}: pure Python {slow * 1000:.0f} ms (geen libyaml)")
            continue
        quick = timed(lambda: run(fast))
        print(f"{name:>10}: pure Python {slow * 1000:.0f} ms, libyaml {quick * 1000:.0f} ms ({slow / quick:.1f}x)")
    print(f"plan.Loader = {plan.Loader.__name__}, plan.Dumper = {plan.Dumper.__name__}")
    validate = timed(lambda: plan.validate(data))
    print(f"schema-controle: {validate * 1000:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
