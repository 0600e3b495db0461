"""Time the search index on texts with a real archive's many rare pairs of characters.

The benchmark corpus (make_corpus.py) is made of 155 sentences, so its
10,000 posts hold only about 6,500 distinct pairs of characters, nearly
all common. A real archive holds hundreds of thousands, nearly all rare,
and the index does work per distinct pair. This script writes N posts
whose texts follow the sample site's own character statistics (each
character drawn from those that follow the previous one in the sample),
with a share of characters drawn at random from the sample instead, loads
them as a site, and times `search.index_files` on it: wall time (best of
--runs), distinct pairs, and the peak memory the index takes (traced).

    python bench/index_vocab.py --n 10000
    python bench/index_vocab.py --n 10000 --random 0
"""

from __future__ import annotations

import argparse
import gc
import html
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent  # the repository, also its sample site
sys.path.insert(0, str(SAMPLE))  # time this checkout's sitegen, whatever is installed

from sitegen import search  # noqa: E402
from sitegen.build import load_site  # noqa: E402
from sitegen.config import load_config  # noqa: E402
from sitegen.report import BufferReporter  # noqa: E402
from sitegen.sources.markup import plain_text  # noqa: E402

SITE_YML = "title: Index\ntimezone: Asia/Shanghai\n"


class Texts:
    """Character-by-character texts with the sample's pairs, and some random characters."""

    def __init__(self, sample: str, random_share: float, seed: int) -> None:
        self.rng = random.Random(seed)
        self.share = random_share
        self.chars = list(sample)
        self.follow: dict[str, list[str]] = {}
        for a, b in zip(sample, sample[1:], strict=False):
            self.follow.setdefault(a, []).append(b)

    def text(self, length: int) -> str:
        rng = self.rng
        char = rng.choice(self.chars)
        out = [char]
        for _ in range(length - 1):
            nexts = self.follow.get(char)
            char = (
                rng.choice(self.chars)
                if not nexts or rng.random() < self.share
                else rng.choice(nexts)
            )
            out.append(char)
        return "".join(out)


def write_site(directory: Path, n: int, texts: Texts, chars: int) -> None:
    posts = directory / "content" / "posts"
    posts.mkdir(parents=True)
    (directory / "site.yml").write_text(SITE_YML, encoding="utf-8")
    for i in range(n):
        title = texts.text(16).replace("\n", " ").replace("'", "’")
        paragraphs = "".join(f"<p>{html.escape(texts.text(chars // 4))}</p>" for _ in range(4))
        (posts / f"p{i:06d}.md").write_text(
            f"---\ntitle: '{title}'\ndate: 2022-0{1 + i % 9}-1{i % 10} 10:00:00\n"
            f"categories: [新媒体]\n---\n<div>{paragraphs}</div>\n",
            encoding="utf-8",
        )


def sample_text() -> str:
    catalog = load_site(load_config(SAMPLE), BufferReporter(), jobs=1).catalog
    return "".join(plain_text(doc.html) for doc in catalog.documents)


def measure(site: Path, runs: int) -> tuple[float, int, float]:
    """Best time of `index_files`, the distinct pairs it indexed, and its traced peak (MiB)."""
    config = load_config(site)
    catalog = load_site(config, BufferReporter(), jobs=1).catalog
    import numpy  # noqa: F401  (loaded before timing: a build loads it once)

    times = []
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        files = list(search.index_files(catalog, config, "v"))
        times.append(time.perf_counter() - started)
    pairs = sum(data.count(b'":') for rel, data in files if rel.startswith("search/shards/"))
    del files
    tracemalloc.start()
    for _ in search.index_files(catalog, config, "v"):
        pass
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return min(times), pairs, peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, action="append", help="posts (repeatable; 10000)")
    parser.add_argument("--random", type=float, default=0.1, help="share of random characters")
    parser.add_argument("--chars", type=int, default=1000, help="characters of text a post")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    sample = sample_text()
    for n in args.n or [10_000]:
        texts = Texts(sample, args.random, args.seed)
        with tempfile.TemporaryDirectory(prefix="index-vocab-") as tmp:
            write_site(Path(tmp), n, texts, args.chars)
            seconds, pairs, peak = measure(Path(tmp), args.runs)
        print(
            f"{n} posts, {args.random:.0%} random: index_files {seconds:.2f} s "
            f"(best of {args.runs}), {pairs:,} distinct pairs, peak {peak:.0f} MiB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
