"""Measure what each machine-specific trick of the build gains, on the machine as it is.

Each variant runs `sitegen build` in a fresh process with one trick switched
off (patched in before the command runs; the code itself has no switches for
this), over the same site, into an output folder of its own:

    python bench/make_corpus.py 10000 /tmp/c10k
    python bench/tricks.py /tmp/c10k --rounds 3 [--only all,no-exchange] [--before TREE]

A round times, for each variant in turn: a cold build (its output folder
moved aside first), a rebuild after one post's title changed ("one edit"),
a rebuild after `site.yml`'s title changed ("every page", which renders
every page again from cached documents), and the same once more ("every
page again", after `--idle` seconds: the first re-render replaces the pages
of a fresh output, the second those of one that was re-rendered, as a
site's later re-renders do). Variants take turns within a round, each round
starting with the next one, so that neither a slow minute of the machine
nor what the build before left to the kernel favours one of them. The
table gives each figure's median and its gain against `all` (positive: the
trick saves that much), in wall time and in CPU time (user and system,
workers included).

Variants: `no-exchange` (Linux's renameat2, see sitegen/portable.py),
`no-pool` (nor spare files kept), `spawn` (workers spawned, not forked),
`portable` (every Linux path off: SITEGEN_PORTABLE=1, as macOS and Windows
run) and `jobs-1` (no worker processes). Not tricks, and only when named
in `--only`: `no-research-files` (no /id/ pages, no data export) and
`no-research` (nor citation blocks, nor timelines), whose "gain" is, with
its sign turned, what the research features of #25 cost. `--before TREE` adds a
variant built by another checkout (`git worktree add TREE COMMIT`), to time
a change. Nothing of the machine's settings is touched.

It edits the site's files in place; use a generated corpus, not real content.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Each variant: Python run before `sitegen.cli.main()`, switching one trick off.
VARIANTS = {
    "all": "",
    "no-exchange": "import sitegen.portable as p; p._renameat2 = None",
    "no-pool": (
        "import sitegen.portable as p, sitegen.writer as w\n"
        "p._renameat2 = None\n"
        "_init = w.Writer.__init__\n"
        "def init(self, *a, **k):\n"
        "    k['keep_pool'] = False\n"
        "    _init(self, *a, **k)\n"
        "w.Writer.__init__ = init"
    ),
    "spawn": "import sitegen.parallel as p; p.start_method = lambda: 'spawn'",
    "portable": "import os; os.environ['SITEGEN_PORTABLE'] = '1'",
    "jobs-1": "import sys; sys.argv += ['--jobs', '1']",
    # Not tricks: the research features of #25 switched off, to time what they cost.
    "no-research-files": (
        "import sitegen.build as b\n"
        "b.write_id_pages = lambda *a: []\n"
        "b.write_exports = lambda *a: None"
    ),
    "no-research": (
        "import sitegen.build as b, sitegen.cite as c, sitegen.render as r\n"
        "b.write_id_pages = lambda *a: []\n"
        "b.write_exports = lambda *a: None\n"
        "c.citation = lambda x: c.Citation('', (), ())\n"
        "c.of_site = lambda d, config: None\n"
        "r._days = lambda docs: ()"
    ),
    "before": "",  # another sitegen tree, given by --before
}
DEFAULT = ("all", "no-exchange", "no-pool", "spawn", "portable", "jobs-1")


def run(variant: str, site: Path, output: Path, src: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user and system, its workers included) of one build."""
    code = f"{VARIANTS[variant]}\nimport sitegen.cli\nsitegen.cli.main()"
    argv = [sys.executable, "-c", code, "build", "-q", "--site", str(site), "--output", str(output)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=src, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{variant}: build failed\n{done.stderr}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, cpu


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
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default=",".join(DEFAULT), help="comma-separated")
    parser.add_argument("--src", type=Path, default=REPO, help="the sitegen tree to time")
    parser.add_argument("--work", type=Path, default=None, help="where the outputs go")
    parser.add_argument(
        "--idle", type=float, default=0, help="seconds to wait before the second re-render"
    )
    parser.add_argument("--before", type=Path, help="also time this sitegen tree, as `before`")
    args = parser.parse_args()
    variants = [v for v in args.only.split(",") if v != "before"]
    if args.before:
        variants.insert(0, "before")
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variants: {', '.join(sorted(unknown))}")
    work = Path(tempfile.mkdtemp(prefix="tricks-", dir=args.work))
    (work / "old").mkdir()
    posts = sorted((args.site / "content" / "posts").iterdir())
    post = posts[len(posts) // 2]
    measures = ("cold", "edit", "all", "again")
    wall: dict[str, dict[str, list[float]]] = {v: {m: [] for m in measures} for v in variants}
    cpu: dict[str, dict[str, list[float]]] = {v: {m: [] for m in measures} for v in variants}
    try:
        for round_ in range(1, args.rounds + 1):
            turn = (round_ - 1) % len(variants)  # each round starts with another variant
            for variant in variants[turn:] + variants[:turn]:
                output = work / variant
                if output.exists():  # moved aside: deleting 30,000 files costs the next build
                    output.rename(work / "old" / f"{variant}-{round_}")
                src = args.before if variant == "before" else args.src
                took = [run(variant, args.site, output, src)]
                edit(post, "title")
                took.append(run(variant, args.site, output, src))
                edit(args.site / "site.yml", "title")
                took.append(run(variant, args.site, output, src))
                time.sleep(args.idle)
                edit(args.site / "site.yml", "title")
                took.append(run(variant, args.site, output, src))
                for name, (seconds, used) in zip(measures, took, strict=True):
                    wall[variant][name].append(seconds)
                    cpu[variant][name].append(used)
                figures = ", ".join(
                    f"{n} {s:.2f} s ({c:.2f} CPU)" for n, (s, c) in zip(measures, took, strict=True)
                )
                print(f"round {round_} {variant}: {figures}", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for title, table in (("wall", wall), ("CPU (user + system)", cpu)):
        print(f"\n{title} seconds: median (min–max, gain of the trick)\n")
        print("| variant | cold | one edit | every page | every page again |")
        print("|---|---|---|---|---|")
        for variant in variants:
            print(f"| {variant} | " + " | ".join(_cell(table, variant, m) for m in measures) + " |")
    return 0


def _cell(table: dict[str, dict[str, list[float]]], variant: str, measure: str) -> str:
    """Median, spread, and what the trick saves: (without − with) / without."""
    values = table[variant][measure]
    median = statistics.median(values)
    cell = f"{median:.2f} ({min(values):.2f}–{max(values):.2f}"
    if variant != "all" and "all" in table:
        cell += f", {(median - statistics.median(table['all'][measure])) / median:+.0%}"
    return cell + ")"


if __name__ == "__main__":
    sys.exit(main())
