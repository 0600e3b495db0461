"""Time and measure `sitegen build` on synthetic corpora of various sizes.

Each build runs in its own child process, wrapped so that its peak RSS is
reported on its own: resource.getrusage(RUSAGE_CHILDREN) in this process
would be the maximum over every child so far, not per run.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from make_corpus import make_corpus

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
GNU_TIME = "/usr/bin/time"

# Fallback when GNU time is missing: run the command as the only child of a
# fresh interpreter, so RUSAGE_CHILDREN there is exactly the build's peak RSS;
# it also times the child so interpreter start-up is not counted.
RSS_WRAPPER = """\
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.call(sys.argv[2:])
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
if sys.platform == "darwin":
    peak //= 1024
with open(sys.argv[1], "w") as fh:
    fh.write(f"{wall} {peak}")
sys.exit(code)
"""


@dataclass
class Result:
    n: int
    times: list[float]
    peak_kib: int
    files: int
    size: int


def gnu_time_available() -> bool:
    """BSD/macOS /usr/bin/time has no -f, so probe instead of checking the path."""
    if not os.access(GNU_TIME, os.X_OK):
        return False
    probe = subprocess.run(
        [GNU_TIME, "-f", "%M", "-o", os.devnull, "true"], capture_output=True, check=False
    )
    return probe.returncode == 0


def build_command(template: str | None, site: Path, output: Path) -> list[str]:
    if template is None:
        return [
            sys.executable,
            "-m",
            "sitegen",
            "build",
            "--site",
            str(site),
            "--output",
            str(output),
        ]
    return [part.format(site=site, output=output) for part in shlex.split(template)]


def measure(cmd: list[str], use_gnu_time: bool) -> tuple[float, int, subprocess.CompletedProcess]:
    """Run cmd once; return wall seconds, peak RSS in KiB and the finished process."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss_file:
        if use_gnu_time:
            wrapped = [GNU_TIME, "-f", "%M", "-o", rss_file.name, *cmd]
        else:
            wrapped = [sys.executable, "-c", RSS_WRAPPER, rss_file.name, *cmd]
        start = time.perf_counter()
        proc = subprocess.run(wrapped, cwd=REPO, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - start
        report = rss_file.read().split()
    if not use_gnu_time and len(report) == 2:
        return float(report[0]), int(report[1]), proc
    # GNU time prefixes "Command exited with non-zero status N" on failure.
    peak = int(report[-1]) if report and report[-1].isdigit() else 0
    return wall, peak, proc


def clean(site: Path, output: Path) -> None:
    """Remove build output and any incremental cache so every run starts cold."""
    shutil.rmtree(output, ignore_errors=True)
    shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)


def tree_stats(root: Path) -> tuple[int, int]:
    files = size = 0
    for path in root.rglob("*"):
        if path.is_file():
            files += 1
            size += path.stat().st_size
    return files, size


def prepare_corpus(n: int, seed: int, keep: bool) -> tuple[Path, bool]:
    """Return the site dir and whether it is a throwaway temp dir."""
    cached = BENCH_DIR / f".corpus-{n}"
    if (cached / "site.yml").is_file():
        print(f"N={n}: reusing {cached}", file=sys.stderr)
        return cached, False
    if keep:
        site, temporary = cached, False
    else:
        site, temporary = Path(tempfile.mkdtemp(prefix=f"sitegen-bench-{n}-")), True
    start = time.perf_counter()
    make_corpus(n, site, seed=seed, force=True)
    elapsed = time.perf_counter() - start
    print(f"N={n}: generated {site} in {elapsed:.1f}s", file=sys.stderr)
    return site, temporary


def bench_one(n: int, args: argparse.Namespace, use_gnu_time: bool) -> Result:
    site, temporary = prepare_corpus(n, args.seed, args.keep)
    output = site / "output"
    try:
        cmd = build_command(args.command, site, output)
        times, peaks = [], []
        for run in range(1, args.runs + 1):
            clean(site, output)
            wall, peak, proc = measure(cmd, use_gnu_time)
            if proc.returncode != 0:
                tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-20:])
                raise SystemExit(
                    f"N={n} run {run}: {shlex.join(cmd)} exited {proc.returncode}\n{tail}"
                )
            print(f"N={n} run {run}: {wall:.2f}s, {peak / 1024:.1f} MiB", file=sys.stderr)
            times.append(wall)
            peaks.append(peak)
        files, size = tree_stats(output)
        return Result(n, times, max(peaks), files, size)
    finally:
        if temporary:
            shutil.rmtree(site, ignore_errors=True)
        elif not args.keep:
            clean(site, output)


def print_table(results: list[Result], runs: int) -> None:
    header = (
        f"{'N':>8} {'median s':>9} {'min s':>7} {'max s':>7} "
        f"{'peak RSS MiB':>12} {'files':>8} {'output MiB':>10}"
    )
    print(f"sitegen build, {runs} cold runs per N")
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.n:>8} {statistics.median(r.times):>9.2f} {min(r.times):>7.2f} "
            f"{max(r.times):>7.2f} {r.peak_kib / 1024:>12.1f} {r.files:>8} "
            f"{r.size / 2**20:>10.1f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark `python -m sitegen build` on synthetic corpora. For each N, "
        "generates N posts (or reuses bench/.corpus-N), builds from clean --runs times and "
        "prints median wall time, peak RSS of the build process, and output file count/size.",
        epilog="Example: python bench/bench.py --n 1000 --n 10000 --keep",
    )
    parser.add_argument(
        "--n",
        type=int,
        action="append",
        metavar="N",
        help="corpus size in posts; repeat for several sizes (default: 1000)",
    )
    parser.add_argument("--runs", type=int, default=3, help="cold builds per N (default 3)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="generate into bench/.corpus-N and keep it (and its output) for later runs",
    )
    # Stand-in build command for testing the harness; {site} and {output} are substituted.
    parser.add_argument("--command", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = args.n or [1000]
    if any(n < 0 for n in sizes) or args.runs < 1:
        parser.error("N must be >= 0 and --runs >= 1")

    use_gnu_time = gnu_time_available()
    print(
        f"peak RSS via {'GNU time' if use_gnu_time else 'python wrapper'}",
        file=sys.stderr,
    )
    results = [bench_one(n, args, use_gnu_time) for n in sizes]
    print_table(results, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
