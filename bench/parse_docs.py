"""Time reading documents: `parse_document` over every `.md` of a site's content.

Reading is the part of a cold build that front matter, Markdown and the
sanitiser cost (about a fifth of its CPU at 10,000 posts); a change to how
documents are read is measured here, in process time so that another
process on the machine counts less.

    python bench/make_corpus.py 10000 /tmp/site10k
    .venv/bin/python bench/parse_docs.py /tmp/site10k --runs 7
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from sitegen.sources.document import decode, parse_document
from sitegen.sources.markup import Markup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a site folder (its content/ is read)")
    parser.add_argument("--runs", type=int, default=5, help="best of this many")
    args = parser.parse_args()
    files = [(p.name, p.read_bytes()) for p in sorted((args.site / "content").rglob("*.md"))]
    tz, markup, best = ZoneInfo("Asia/Shanghai"), Markup(), float("inf")
    for _ in range(args.runs):
        started = time.process_time()
        for name, data in files:
            parse_document(decode(data, name), name, tz, markup)
        best = min(best, time.process_time() - started)
    print(f"{len(files)} documents read in {best:.2f} s (process time, best of {args.runs})")


if __name__ == "__main__":
    main()
