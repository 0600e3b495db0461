"""How this machine's file system scales, without sitegen: a baseline for
reading "time grows linearly" figures.

A build writes one folder and one file per page. This script does only that:
it makes N folders, each holding one file of --size bytes, laid out in
groups of 1,000 like a site's day folders, and prints the wall, user and
kernel time it took. If kernel time per file grows with N here, the same
growth in a build's kernel time is the file system's, not the builder's.

    python bench/fs_baseline.py --n 30000 --n 300000 --workdir /tmp/fsb

Each N's folder is deleted after it is timed (not timed), and the script
waits --cooldown seconds after, so that the next N does not meet inodes
freed moments before (see set_aside in compare.py).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import time
from pathlib import Path


def make_tree(root: Path, n: int, data: bytes) -> None:
    """N folders of one `index.html` each, as a fresh build would write them."""
    for i in range(n):
        folder = os.path.join(root, str(i // 1000), str(i))
        try:
            os.mkdir(folder)
        except FileNotFoundError:
            os.makedirs(folder)
        fd = os.open(os.path.join(folder, "index.html"), os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, action="append", help="folders to make; repeatable")
    parser.add_argument("--size", type=int, default=10_000, help="bytes per file (10,000)")
    parser.add_argument("--workdir", type=Path, default=Path("bench/.fs-baseline"))
    parser.add_argument("--cooldown", type=float, default=65.0, help="seconds between sizes")
    args = parser.parse_args()
    sizes = args.n or [30_000, 300_000]
    if min(sizes) < 1 or args.size < 0:
        parser.error("N must be >= 1 and --size >= 0")
    data = b"x" * args.size
    for k, n in enumerate(sizes):
        root = args.workdir.resolve() / f"n{n}"
        if root.exists():
            parser.error(f"{root} exists; remove it or pick another --workdir")
        root.mkdir(parents=True)
        before, started = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        make_tree(root, n, data)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
        kernel = after.ru_stime - before.ru_stime
        print(
            f"N={n:>9,}: wall {wall:7.2f} s · user {after.ru_utime - before.ru_utime:6.2f} s"
            f" · kernel {kernel:6.2f} s · kernel per folder and file {kernel / n * 1e6:5.1f} µs"
        )
        sys.stdout.flush()
        shutil.rmtree(root)
        if k + 1 < len(sizes):
            os.sync()
            time.sleep(args.cooldown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
