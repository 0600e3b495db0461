"""Time a rebuild after editing one post, with the build's own stage timings.

This is the profile behind "where does a small rebuild's time go": it builds
the site once (so the cache is warm), then repeatedly inserts a character at
the start of one post's body (its URL and the catalog's shape stay the same),
or with --retitle at the start of its title (its URL moves, as in compare.py's
"one post edited"), or with --site-title at the start of `site.yml`'s title
(every page is rendered again, as in compare.py's "warm"), and rebuilds
in-process, printing the wall time, `BuildResult.timings` and how much the
build read from the disk (rather than from the kernel's page cache).

    python bench/make_corpus.py 10000 /tmp/c10k
    python bench/edit_rebuild.py /tmp/c10k --runs 3 [--retitle | --site-title] [--idle 40]

`--idle S` waits S seconds before each edit: on a machine that evicts files
left alone (see bench/README.md, "Files left alone"), a rebuild then finds
its previous output and cache on disk, as any build longer than that does.

It edits the site's files in place; use a generated corpus, not real content.
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sitegen.build import build  # noqa: E402
from sitegen.config import load_config  # noqa: E402
from sitegen.report import BufferReporter  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a site folder made by make_corpus.py")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--idle", type=float, default=0, help="seconds to wait before each edit")
    edit = parser.add_mutually_exclusive_group()
    edit.add_argument("--retitle", action="store_true", help="edit the title, not the body")
    edit.add_argument("--site-title", action="store_true", help="edit site.yml's title")
    args = parser.parse_args()
    config = load_config(args.site)
    build(config, BufferReporter(), jobs=args.jobs)
    posts = sorted((args.site / "content" / "posts").iterdir())
    post = posts[len(posts) // 2]
    for run in range(1, args.runs + 1):
        time.sleep(args.idle)
        if args.site_title:
            _insert(args.site / "site.yml", "^title: ")
            config = load_config(args.site)
        else:
            _insert(post, "title: '" if args.retitle else "<p>")
        blocks = _blocks_read()
        started = time.perf_counter()
        result = build(config, BufferReporter(), jobs=args.jobs)
        stages = " · ".join(f"{k} {v:.2f}" for k, v in result.timings.items())
        read = (_blocks_read() - blocks) * 512 / 2**20
        print(
            f"run {run}: {time.perf_counter() - started:.2f}s, {result.rendered} pages "
            f"rendered, {result.parsed} parsed, {read:.0f} MiB read from disk — {stages}"
        )
    return 0


def _blocks_read() -> int:
    """512-byte blocks read from storage by this process and its finished workers."""
    return sum(
        resource.getrusage(who).ru_inblock
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )


def _insert(path: Path, pattern: str) -> None:
    """Insert a character into `path` right after the first match of `pattern`."""
    text = path.read_text(encoding="utf-8")
    at = re.search(pattern, text, re.MULTILINE).end()
    path.write_text(text[:at] + "改" + text[at:], encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
