"""Authentic sources: what a citizen record costs, civicred's synthetic source against reading
the same record as JSON (what any source adapter pays at least), measured in the same run.

Run: ``.venv/bin/python bench/sources.py [--citizens N]`` (~10 s).

Rows: the synthetic source generating a citizen by index (``person``), the inverse lookup of a
national number (``subject_for``), the HTTP adapter's record check (``checked_record``) without
the network, and the baseline ``json.loads`` of the serialised record. Then the peak memory of
walking N citizens of a million-citizen source (tracemalloc): it does not grow with N.
"""

from __future__ import annotations

import argparse
import json
import sys
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import per_second, table

from issuer.sources import SyntheticSource
from issuer.sources._records import checked_record


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--citizens", type=int, default=100_000, help="citizens walked for memory")
    args = parser.parse_args()
    source = SyntheticSource(1_000_000, seed=1)
    sample = next(p for p in source.people() if p["social_statuses"] and "health_insurance" in p)
    person_id, number = sample["person_id"], sample["personal_administrative_number"]
    text = json.dumps(sample)
    index = iter(range(10**9))
    rows = [
        ("json.loads (baseline)", per_second(lambda: json.loads(text))),
        ("synthetic person", per_second(lambda: source.generate(next(index) % 1_000_000))),
        ("synthetic subject_for", per_second(lambda: source.subject_for(number))),
        ("checked_record", per_second(lambda: checked_record(json.loads(text), person_id))),
    ]
    print(table(rows, baseline="json.loads (baseline)"))
    for walked in (1_000, args.citizens):
        tracemalloc.start()
        for _, _person in zip(range(walked), source.people(), strict=False):
            pass
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"walking {walked:>9,} of 1,000,000 synthetic citizens: peak {peak / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
