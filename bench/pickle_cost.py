"""What a spawned worker costs: the work and items it is sent, pickled.

A forked worker inherits the build's documents and pages; a spawned one
(macOS, Windows, SITEGEN_PORTABLE=1) receives them pickled, once per
worker. This builds a site cold in this process and, for each call of
`parallel.run_chunks` (reading documents, rendering pages), pickles what a
spawned worker would receive and times loading it back:

    python bench/make_corpus.py 10000 /tmp/c10k
    python bench/pickle_cost.py /tmp/c10k
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sitegen.build  # noqa: E402
import sitegen.parallel  # noqa: E402
from sitegen.config import load_config  # noqa: E402
from sitegen.report import BufferReporter  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    args = parser.parse_args()
    run_chunks = sitegen.parallel.run_chunks

    def measured(work, items, jobs, **options):
        started = time.perf_counter()
        data = pickle.dumps((work, items), pickle.HIGHEST_PROTOCOL)
        dumped = time.perf_counter()
        pickle.loads(data)
        loaded = time.perf_counter()
        print(
            f"{len(items):,} items: {len(data) / 2**20:.1f} MiB pickled, "
            f"dumps {dumped - started:.2f} s, loads {loaded - dumped:.2f} s",
            flush=True,
        )
        return run_chunks(work, items, jobs, **options)

    sitegen.build.run_chunks = measured
    with tempfile.TemporaryDirectory() as output:
        config = load_config(args.site, Path(output) / "out")
        result = sitegen.build.build(config, BufferReporter(), jobs=1)
    print(f"the build: {result.seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
