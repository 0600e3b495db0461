"""Time what `sitegen build` saves by leaving the build's objects to the exit.

`sitegen build` hands the build's large objects to the command (`build`'s
`keep`), freezes them out of the collector's sight and ends the process
without freeing them. Whole-build timings on a busy machine vary by more
than that saves, so this times the two costs themselves, each build in a
fresh process as the command runs it:

- free: with `keep=None`, from the build's own end (`BuildResult.seconds`)
  to its return, which is when Python frees what the build made;
- walk: with the objects kept but not frozen, one collection over them
  (the build runs with the collector off, so everything it made is still
  in the youngest generation: the first collection once it is back on
  walks all of it, and later ones again as it ages).

    python bench/make_corpus.py 10000 /tmp/c10k
    python bench/teardown.py /tmp/c10k --runs 3

For a cold build, a rebuild after one post's title changed and a re-render
of every page (`site.yml`'s title changed), it prints each cost's median
and its share of the build's wall time. It edits the site's files in place;
use a generated corpus.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CHILD = """
import gc, json, sys, time
from pathlib import Path
from sitegen.build import build
from sitegen.config import load_config
from sitegen.report import BufferReporter
site, output, mode = sys.argv[1:4]
config = load_config(Path(site), Path(output))
keep = None if mode == "free" else []
started = time.perf_counter()
result = build(config, BufferReporter(), keep=keep)
returned = time.perf_counter()
if mode == "walk":
    gc.unfreeze()  # as if the build had not frozen what it kept
    before = time.perf_counter()
    gc.collect()
    cost = time.perf_counter() - before
else:
    cost = returned - started - result.seconds
print(json.dumps({"wall": returned - started, "cost": cost}))
"""


def run(site: Path, output: Path, mode: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(site), str(output), mode],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def edit(path: Path, key: str) -> None:
    """Add one character to the first `key:` line's value."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for i, line in enumerate(lines):
        if line.startswith(f"{key}:"):
            lines[i] = line.rstrip("'\"") + ("x'" if line.rstrip().endswith("'") else "x")
            break
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a site made by make_corpus.py")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="teardown-"))
    posts = sorted((args.site / "content" / "posts").iterdir())
    post = posts[len(posts) // 2]
    found: dict[tuple[str, str], list[dict[str, float]]] = {}
    try:
        for number in range(args.runs):
            for mode in ("free", "walk"):
                output = work / f"{mode}-{number}"
                found.setdefault(("cold", mode), []).append(run(args.site, output, mode))
                edit(post, "title")
                found.setdefault(("one edit", mode), []).append(run(args.site, output, mode))
                edit(args.site / "site.yml", "title")
                found.setdefault(("every page", mode), []).append(run(args.site, output, mode))
                print(f"run {number + 1} {mode} done", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("| build | wall s | free s (share) | walk s (share) |")
    print("|---|---|---|---|")
    for measure in ("cold", "one edit", "every page"):
        wall = statistics.median(r["wall"] for r in found[(measure, "free")])
        cells = []
        for mode in ("free", "walk"):
            cost = statistics.median(r["cost"] for r in found[(measure, mode)])
            cells.append(f"{cost:.3f} ({cost / wall:.0%})")
        print(f"| {measure} | {wall:.2f} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
