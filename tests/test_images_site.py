"""`sitegen images` end to end: a local image host, the command, real builds, a browser.

The images are served by an http.server on 127.0.0.1 started here, so the
command runs with `--allow-private` (loopback is refused otherwise, which one
test checks). The politeness delay between two requests to one host is set
to nothing, or every test would wait a second an image.
"""

from __future__ import annotations

import functools
import re
import signal
import struct
import subprocess
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from conftest import post

from sitegen import fetch, images
from sitegen.cli import main


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG of one colour: signature, IHDR, one zlib IDAT, IEND."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width  # filter type 0, then the pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


IMAGES = {
    "/img/a.png": png(3, 2, (200, 0, 0)),
    "/img/b.png": png(2, 2, (0, 150, 0)),
    "/img/cover.png": png(4, 3, (0, 0, 180)),
}


TYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "svg": "image/svg+xml"}


class ImageHost(BaseHTTPRequestHandler):
    """/img/<name>: an image or 404; /proxy/?<url>: what a CORS proxy answers for it."""

    requests: list[str]
    pictures: dict[str, bytes]

    def do_GET(self) -> None:
        self.requests.append(self.path)
        parts = urlsplit(self.path)
        path = urlsplit(parts.query).path if parts.path == "/proxy/" else parts.path
        if path == "/img/slow.png":
            time.sleep(2)  # a download under way when the test stops the command
            path = "/img/a.png"
        data = self.pictures.get(path)
        if data is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", TYPES.get(path.rsplit(".", 1)[-1], "image/png"))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


def start_host(pictures: dict[str, bytes]):
    """A running image host serving `pictures` by path: (base URL, the list of
    paths asked for, stop())."""
    requests: list[str] = []
    handler = type("Host", (ImageHost,), {"requests": requests, "pictures": pictures})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stopped = []

    def stop() -> None:
        if not stopped:
            server.shutdown()
            server.server_close()
            stopped.append(True)

    return f"http://127.0.0.1:{server.server_port}", requests, stop


def serving(pictures: dict[str, bytes]):
    """A fixture of a running image host serving `pictures`: (base URL, the list
    of paths asked for, stop())."""

    @pytest.fixture
    def fixture():
        base, requests, stop = start_host(pictures)
        yield base, requests, stop
        stop()

    return fixture


host = serving(IMAGES)


@pytest.fixture(autouse=True)
def no_delay(monkeypatch):
    """No pause between two requests to the one test host, no backoff."""
    quick = functools.partial(fetch.FetchOptions, host_delay=0.0, backoff=0.0)
    monkeypatch.setattr(fetch, "FetchOptions", quick)


def site_with_images(make_site, base: str, extra_body: str = "") -> Path:
    body = (
        f'<img src="{base}/proxy/?{base}/img/a.png" alt="一">\n\n'
        f"![二]({base}/img/b.png)\n\n{extra_body}"
    )
    return make_site({"posts/a.md": post("图片", cover=f"{base}/img/cover.png", body=body)})


def run_images(site: Path, *options: str):
    return CliRunner().invoke(main, ["images", "--site", str(site), *options])


def run_build(site: Path):
    result = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    return site / "output"


PAGE = "2022/04/08/图片/index.html"


def img_tags(html: str) -> list[str]:
    return re.findall(r"<img\s[^>]*>", html)


def attribute(tag: str, name: str) -> str | None:
    found = re.search(rf'\s{name}="([^"]*)"', tag)
    return found.group(1) if found else None


def test_images_are_stored_and_the_build_shows_the_local_copies(make_site, host):
    base, requests, _ = host
    site = site_with_images(make_site, base)
    run = run_images(site, "--allow-private")
    assert run.exit_code == 0, run.output
    assert "3 image(s) found: 0 already stored, 3 fetched, 0 failed, 0 refused" in run.output
    manifest = images.load_manifest(site / "content")
    originals = {f"{base}{path}": data for path, data in IMAGES.items()}
    assert set(manifest.records) == set(originals)  # the proxy form was unwrapped
    assert all(r.state == "stored" for r in manifest.records.values())
    assert not any(r.startswith("/proxy/") for r in requests)  # the original answered

    out = run_build(site)
    html = (out / PAGE).read_text(encoding="utf-8")
    tags = img_tags(html)
    published = {
        f"{base}/proxy/?{base}/img/a.png": IMAGES["/img/a.png"],
        f"{base}/img/b.png": IMAGES["/img/b.png"],
    }
    for address, data in published.items():
        tag = next(t for t in tags if attribute(t, "data-original-src") == address)
        src = attribute(tag, "src")
        assert src.startswith("/assets/images/") and src.endswith(".png"), tag
        assert (out / src.lstrip("/")).read_bytes() == data
    cover = next(t for t in tags if 'decoding="async"' in t and "loading" not in t)
    assert (out / attribute(cover, "src").lstrip("/")).read_bytes() == IMAGES["/img/cover.png"]
    assert base not in "".join(attribute(t, "src") for t in tags)  # nothing hotlinked
    # The published address of each image stays in the page.
    assert f"{base}/proxy/?{base}/img/a.png" in html and f"{base}/img/b.png" in html


def test_a_second_run_fetches_nothing_and_says_so(make_site, host):
    base, requests, _ = host
    site = site_with_images(make_site, base)
    assert run_images(site, "--allow-private").exit_code == 0
    asked = len(requests)
    assert asked == 3
    again = run_images(site, "--allow-private")
    assert again.exit_code == 0, again.output
    assert len(requests) == asked
    assert "nothing new to fetch" in again.output
    assert "3 already stored, 0 fetched" in again.output


def test_a_missing_image_is_reported_and_keeps_its_address(make_site, host):
    base, requests, _ = host
    missing = f"{base}/img/gone.png"
    site = site_with_images(make_site, base, f"![三]({missing})\n")
    run = run_images(site, "--allow-private")
    assert run.exit_code == 1, run.output
    assert "content/posts/a.md:" in run.output and "HTTP 404" in run.output
    assert missing in run.output
    assert "4 image(s) found: 0 already stored, 3 fetched, 1 failed, 0 refused" in run.output
    assert "1 image(s) not stored" in run.output
    assert images.load_manifest(site / "content").records[missing].state == "failed"

    html = (run_build(site) / PAGE).read_text(encoding="utf-8")
    gone = next(t for t in img_tags(html) if attribute(t, "src") == missing)
    assert "data-original-src" not in gone
    assert attribute(gone, "referrerpolicy") == "no-referrer"
    assert sum("/assets/images/" in t for t in img_tags(html)) == 3  # the others are local

    # The next run tries the failure again, and only it.
    before = len(requests)
    again = run_images(site, "--allow-private")
    assert again.exit_code == 1
    assert requests[before:] == ["/img/gone.png"]


def test_a_loopback_address_is_refused_without_allow_private(make_site, host):
    base, requests, _ = host
    site = site_with_images(make_site, base)
    run = run_images(site)
    assert run.exit_code == 1, run.output
    assert "3 fetched" not in run.output and "0 fetched, 0 failed, 3 refused" in run.output
    assert "127.0.0.1 is not a public address" in run.output
    assert "--allow-private" in run.output
    assert requests == []
    stored = list((site / "content/assets/images").glob("*/*"))
    assert stored == []
    manifest = images.load_manifest(site / "content")
    assert {r.state for r in manifest.records.values()} == {"refused"}


def test_ctrl_c_keeps_what_finished_and_the_next_run_goes_on(make_site, host):
    """A real process stopped by SIGINT while a download is under way: what
    finished (the one under way too) is in the manifest; the rest is fetched
    next time, nothing twice."""
    base, requests, _ = host
    body = "".join(f"![{name}]({base}/img/{name}.png)\n\n" for name in ("a", "slow", "b"))
    site = make_site({"posts/a.md": post("图片", body=body)})
    command = [sys.executable, "-m", "sitegen", "images", "--site", str(site)]
    process = subprocess.Popen(
        [*command, "--allow-private", "--workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while "/img/slow.png" not in requests and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    stored = images.load_manifest(site / "content").records
    assert {url.rsplit("/", 1)[1] for url in stored} == {"a.png", "slow.png"}
    assert requests == ["/img/a.png", "/img/slow.png"]

    again = run_images(site, "--allow-private")
    assert again.exit_code == 0, again.output
    assert requests[2:] == ["/img/b.png"]
    assert "2 already stored, 1 fetched" in again.output


def test_a_build_after_images_shows_them_without_clean(make_site, host):
    """The parse key has the manifest in it, so the post is read again; but a
    document's fingerprint is its source hash under the render key, which does
    not change, so its pages are not rendered again and stay hotlinked."""
    base, _, _ = host
    site = site_with_images(make_site, base)
    assert "/assets/images/" not in (run_build(site) / PAGE).read_text(encoding="utf-8")
    assert run_images(site, "--allow-private").exit_code == 0
    out = run_build(site)
    assert sum("/assets/images/" in t for t in img_tags((out / PAGE).read_text("utf-8"))) == 3
    assert "/assets/images/" in (out / "index.html").read_text(encoding="utf-8")  # its card


def test_the_local_cover_keeps_its_published_address(make_site, host):
    base, _, _ = host
    site = site_with_images(make_site, base)
    assert run_images(site, "--allow-private").exit_code == 0
    html = (run_build(site) / PAGE).read_text(encoding="utf-8")
    cover = next(t for t in img_tags(html) if 'decoding="async"' in t)
    assert attribute(cover, "src").startswith("/assets/images/")
    assert attribute(cover, "data-original-src") == f"{base}/img/cover.png"


def test_the_local_cover_is_under_the_base_path(make_site, host):
    base, _, _ = host
    site = site_with_images(make_site, base)
    (site / "site.yml").write_text(
        "title: 测试站\ntimezone: Asia/Shanghai\nbase_url: https://example.org/archive/\n",
        encoding="utf-8",
    )
    assert run_images(site, "--allow-private").exit_code == 0
    html = (run_build(site) / PAGE).read_text(encoding="utf-8")
    sources = [attribute(t, "src") for t in img_tags(html)]
    assert len(sources) == 3 and all(s.startswith("/archive/assets/images/") for s in sources)
    assert 'og:image" content="https://example.org/archive/assets/images/' in html


# A real browser, with the image host gone ---------------------------------------

sync_api = pytest.importorskip("playwright.sync_api")


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium")
def test_the_page_shows_every_image_with_the_image_host_stopped(make_site, host):
    from test_search_browser import ARGS, CHROMIUM

    base, _, stop = host
    site = site_with_images(make_site, base)
    assert run_images(site, "--allow-private").exit_code == 0
    out = run_build(site)
    stop()  # the pictures' host is gone; only the site is served

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site_url = f"http://127.0.0.1:{server.server_port}/"
    old_host = urlsplit(base).netloc
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                page = browser.new_page()
                asked: list[str] = []
                page.on("request", lambda request: asked.append(request.url))
                page.goto(site_url + PAGE, wait_until="load")
                # Images below the fold are lazy: a reader scrolling to them loads them.
                page.evaluate(
                    """() => Promise.all([...document.images].map(i => {
                        i.scrollIntoView(); return i.decode().catch(() => null);
                    }))"""
                )
                shown = page.evaluate(
                    """() => [...document.images].map(i => ({
                        src: i.currentSrc || i.src, complete: i.complete, width: i.naturalWidth
                    }))"""
                )
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert len(shown) == 3, shown
    assert all(i["complete"] and i["width"] > 0 for i in shown), shown
    assert {i["width"] for i in shown} == {3, 2, 4}
    assert not [url for url in asked if urlsplit(url).netloc == old_host]
    assert any("/assets/images/" in url for url in asked)
