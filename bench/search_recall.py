"""Measure the search: recall of Chinese substrings, index size, bytes per query.

For each collection (the bundled sample archive, and a synthetic archive of
N posts made by make_corpus.py), the site is built, served over HTTP, and
the real static/search.js runs in headless Chromium (Debian's chromium via
Playwright). 100 random substrings of 2-4 Chinese characters are drawn from
the documents (seeded); for each, the documents the search returns are
compared with the documents whose title or text contains the substring.

Printed per collection: recall (over all expected hits, and how many queries
found every document), wrong hits, index size, and the bytes one query loads
(index files for the lookup plus what the page loads to show its first
results: `search.page()`), max and median.
The index build time is measured on its own (sitegen.search.index_files).
"""

from __future__ import annotations

import argparse
import functools
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(REPO))

from make_corpus import make_corpus  # noqa: E402

from sitegen import search  # noqa: E402
from sitegen.build import build, load_site  # noqa: E402
from sitegen.config import load_config  # noqa: E402
from sitegen.report import BufferReporter  # noqa: E402
from sitegen.sources.markup import plain_text  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,}")

# Runs in the page: one query through the page's own search code.
QUERY_JS = """async (query) => {
  const search = await window.sitegenSearch.find(query);
  const first = await search.page();
  const files = Array.from(search.files);
  const rest = await search.all();
  return {ids: first.concat(rest).map(d => d.id), files};
}"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def documents(site: Path) -> tuple[list[str], float]:
    """Title and text of every document, by index id, and the index build time.

    The texts come from the catalog, not from the index, so that what the
    search returns is checked against the documents themselves. The time is
    that of sitegen.search.index_files alone, best of two.
    """
    config = load_config(site)
    catalog = load_site(config, BufferReporter()).catalog
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        list(search.index_files(catalog, config))
        best = min(best, time.perf_counter() - started)
    return [doc.title + "\n" + plain_text(doc.html) for doc in catalog.documents], best


def draw_queries(texts: list[str], count: int, seed: int) -> list[str]:
    """`count` distinct substrings of 2-4 Chinese characters, from random documents."""
    rng = random.Random(seed)
    queries: list[str] = []
    while len(queries) < count:
        runs = HAN_RUN.findall(rng.choice(texts))
        if not runs:
            continue
        run, length = rng.choice(runs), rng.randint(2, 4)
        if len(run) < length:
            continue
        start = rng.randrange(len(run) - length + 1)
        query = run[start : start + length]
        if query not in queries:
            queries.append(query)
    return queries


def tree_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def measure(name: str, site: Path, args: argparse.Namespace) -> None:
    out = Path(tempfile.mkdtemp(prefix="sitegen-search-")) / "output"
    started = time.perf_counter()
    result = build(load_config(site, out, "http://127.0.0.1:8000/"), BufferReporter())
    print(f"{name}: built {result.documents} documents in {time.perf_counter() - started:.1f}s")
    texts, seconds = documents(site)
    queries = draw_queries(texts, args.queries, args.seed)
    handler = functools.partial(QuietHandler, directory=str(out))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    from playwright.sync_api import sync_playwright

    expected_total = found_total = wrong = complete = 0
    loads: list[int] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_port}/search/")
            page.wait_for_selector("#search[data-state=idle]")
            for query in queries:
                answer = page.evaluate(QUERY_JS, query)
                expected = {i for i, text in enumerate(texts) if query in text}
                found = set(answer["ids"])
                expected_total += len(expected)
                found_total += len(found & expected)
                wrong += len(found - expected)
                complete += found >= expected
                loads.append(sum((out / "search" / f).stat().st_size for f in answer["files"]))
            browser.close()
    finally:
        server.shutdown()
    index = out / "search"
    fragments = tree_bytes(index / "docs")
    total = tree_bytes(index) - (index / "index.html").stat().st_size
    shards = sorted(p.stat().st_size for p in (index / "shards").iterdir())
    print(
        f"{name}: {len(texts)} documents, {len(queries)} queries of 2-4 Chinese characters\n"
        f"  recall {found_total / max(expected_total, 1):.4f} "
        f"({found_total} of {expected_total} expected hits); "
        f"{complete}/{len(queries)} queries found every document; {wrong} wrong hits\n"
        f"  index {total / 1e6:.2f} MB = postings {(total - fragments) / 1e6:.2f} MB "
        f"in {len(shards)} shards (largest {shards[-1] / 1e3:.1f} KB) "
        f"+ document texts {fragments / 1e6:.2f} MB\n"
        f"  one query loads (lookup + the first page of results): "
        f"median {statistics.median(loads) / 1e3:.1f} KB, max {max(loads) / 1e3:.1f} KB\n"
        f"  index build (index_files alone): {seconds:.2f}s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10000, help="synthetic posts (default 10000)")
    parser.add_argument("--site", type=Path, help="use this synthetic site instead of making one")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=6, help="seed of the drawn queries")
    parser.add_argument("--skip-sample", action="store_true")
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    if not args.skip_sample:
        measure("sample archive", REPO, args)
    if not args.skip_synthetic:
        site = args.site
        if site is None:
            site = Path(tempfile.mkdtemp(prefix=f"sitegen-corpus-{args.n}-"))
            make_corpus(args.n, site, seed=0, force=True)
        measure(f"synthetic {args.n}", site, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
