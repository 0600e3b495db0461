"""Time from saving a post to the open page having reloaded, in headless Chromium.

This is what an archivist feels in `sitegen serve`: the watcher noticing the
save, the rebuild, the push to the page and the page loading again. The site
is copied to a temporary folder first, so the original is never edited.

    python bench/reload_latency.py .                # the bundled sample archive
    python bench/reload_latency.py /tmp/c10k --runs 3

Needs the `playwright` package and Debian's chromium (no browser download).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sitegen.config import load_config  # noqa: E402
from sitegen.preview import Preview  # noqa: E402
from sitegen.report import BufferReporter  # noqa: E402
from sitegen.sources.document import decode, parse_document  # noqa: E402
from sitegen.sources.markup import Markup  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def copy_site(source: Path, into: Path) -> Path:
    """Copy what a build reads (site.yml, content/, themes/), nothing else."""
    site = into / "site"
    site.mkdir()
    for name in ("site.yml", "content", "themes"):
        path = source / name
        if path.is_dir():
            shutil.copytree(path, site / name, symlinks=True)
        elif path.is_file():
            shutil.copy2(path, site / name)
    return site


def pick_post(site: Path) -> tuple[Path, str]:
    """The first document (by file name) and its title."""
    config = load_config(site)
    for path in sorted((site / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8-sig")
        rel = path.relative_to(site / "content").as_posix()
        if text.lstrip().startswith("---"):
            doc = parse_document(decode(path.read_bytes(), rel), rel, config.tz, Markup())
            if not doc.draft:
                return path, doc.title
    raise SystemExit("no document with front matter in content/")


def find_page(output: Path, title: str) -> str:
    """The output path of the page whose <title> starts with the post's title."""
    needle = f"<title>{title} ·".encode()
    for folder, _, names in os.walk(output):
        if "index.html" in names:
            page = Path(folder) / "index.html"
            with page.open("rb") as stream:
                if needle in stream.read(4096):
                    return page.parent.relative_to(output).as_posix() + "/"
    raise SystemExit(f"no page titled {title!r} in {output}")


def append_marker(path: Path, original: str, marker: str) -> None:
    """Change the body only: a new title would also change the post's URL."""
    path.write_text(original.rstrip("\n") + f"\n\n{marker}\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="site folder (site.yml, content/, themes/)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per reload")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="reload-latency-") as tmp:
        started = time.perf_counter()
        site = copy_site(args.site.resolve(), Path(tmp))
        post, title = pick_post(site)
        original = post.read_text(encoding="utf-8-sig")
        reporter = BufferReporter()
        preview = Preview(load_config(site), reporter, "127.0.0.1", 0)
        preview.start()
        print(f"copied and built in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        url = preview.url + find_page(preview.config.output_dir, title)
        latencies, rebuilds = [], []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.goto(url)
                for run in range(1, args.runs + 1):
                    page.wait_for_function("window.sitegenLive === true")
                    marker = f"reload-check-{run}-{time.time_ns()}"
                    seen = len(reporter.infos)
                    saved = time.perf_counter()
                    append_marker(post, original, marker)
                    page.wait_for_function(
                        "([m]) => document.readyState === 'complete'"
                        " && document.body.textContent.includes(m)",
                        arg=[marker],
                        timeout=args.timeout * 1000,
                    )
                    latencies.append(time.perf_counter() - saved)
                    built = re.findall(r"rebuilt in ([\d.]+)s", " ".join(reporter.infos[seen:]))
                    rebuilds.append(sum(float(s) for s in built))
                    print(f"run {run}: {latencies[-1]:.3f}s", file=sys.stderr)
                browser.close()
        finally:
            preview.stop()
    documents = sum(1 for _ in (args.site / "content").rglob("*.md"))
    print(f"site: {args.site} ({documents} documents), runs: {args.runs}")
    print(
        f"save → page reloaded: median {statistics.median(latencies):.3f}s, "
        f"min {min(latencies):.3f}s, max {max(latencies):.3f}s"
    )
    print(f"of which rebuilding: median {statistics.median(rebuilds):.3f}s")


if __name__ == "__main__":
    main()
