"""How this machine's memory scales for Python, without sitegen: a baseline
for reading "time grows linearly" figures, as fs_baseline.py is for files.

A build makes passes over its documents and pages: it looks each one up
by its path, makes a new value from it, files it in a new dict. This
script times only such passes over N records of a document's shape, and
prints the time per record. Nothing in them grows faster than N, so if
the time per record grows with N here, it is the machine's caches (what
fits in them at 10,000 records no longer does at 100,000), and the same
growth in a build's time is not the builder's algorithms.

    python bench/memory_baseline.py --n 10000 --n 100000
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class Record:
    source: str
    title: str
    url: str
    year: int


def records(n: int) -> dict[str, Record]:
    rng = random.Random(n)
    found = {}
    for i in range(n):
        source = f"posts/{rng.getrandbits(64):016x}.md"
        found[source] = Record(source, f"标题 {source}", f"/{2020 + i % 3}/{source[6:22]}/", i % 3)
    return found


def passes(table: dict[str, Record]) -> dict[str, Callable[[], object]]:
    """Three passes, each a pattern a build repeats over every document."""
    keys = list(table)
    return {
        "look up by path": lambda: sum(table[k].year for k in keys),
        "file in a new dict": lambda: {r.url: r.source for r in table.values()},
        "make a value each": lambda: [(r.title, r.url) for r in table.values()],
    }


def best(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, action="append", help="records; repeatable")
    parser.add_argument("--repeats", type=int, default=5, help="best of this many (5)")
    args = parser.parse_args()
    sizes = sorted(args.n or [10_000, 100_000])
    if sizes[0] < 1 or args.repeats < 1:
        parser.error("N and --repeats must be >= 1")
    gc.disable()  # as a build runs: the collector would walk the records again and again
    first: dict[str, float] = {}
    for n in sizes:
        cells = []
        for name, run in passes(records(n)).items():
            per = best(run, args.repeats) / n * 1e9
            first.setdefault(name, per)
            cells.append(f"{name} {per:5.0f} ns ({per / first[name]:.2f}×)")
        print(f"N={n:>9,}: " + " · ".join(cells))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
