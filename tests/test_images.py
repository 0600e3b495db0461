"""`sitegen.images` against a real HTTP server on 127.0.0.1, started here.

The server counts every request, so a test can say what was fetched and how
often; timeouts and backoffs are a fraction of a second.
"""

from __future__ import annotations

import json
import socket
import struct
import sys
import threading
import time
import zlib
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sitegen import images
from sitegen.fetch import FetchOptions, archive_images
from sitegen.images import image_urls, load_manifest, unwrap
from sitegen.report import BufferReporter

FAST = FetchOptions(
    timeout=0.5, total_timeout=5, retries=1, backoff=0.05, host_delay=0, allow_private=True
)


def png(width: int, height: int = 1) -> bytes:
    """PNG chunks whose IHDR declares `width`×`height` (nothing here decodes the
    pixels, so a header claiming ten gigapixels costs a few bytes)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunks = [(b"IHDR", header), (b"IDAT", zlib.compress(b"\x00" * 4)), (b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        for kind, data in chunks
    )


CLEAN_SVG = (
    b'<?xml version="1.0"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg"><rect id="r"/><use href="#r"/></svg>'
)
SCRIPT_SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HANDLER_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
EXTERNAL_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://t.example/p.png"/></svg>'
)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # the body ends when the connection closes

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        server: Server = self.server  # type: ignore[assignment]
        with server.lock:
            server.requests.append((self.path, time.monotonic(), self.headers["User-Agent"]))
        path = self.path
        if path.startswith("/proxy/?"):
            path = "/" + path.split("/", 5)[-1]  # …/proxy/?http://host:port/img/a.png
        if path == "/gone.png" and self.path.startswith("/proxy/"):
            self.send(200, png(7), "image/png")  # the proxy kept what the host lost
        elif path.startswith("/img/"):
            self.send(200, png(len(path)), "image/png")
        elif path == "/missing.png":
            self.send(404, b"<html>not found</html>", "text/html")
        elif path == "/slow.png":
            time.sleep(1.5)
            self.send(200, png(3), "image/png")
        elif path == "/flaky.png":
            first = [p for p, _, _ in server.requests].count(path) == 1
            self.send(503, b"busy", "text/plain") if first else self.send(200, png(5), "image/png")
        elif path.startswith("/loop/"):
            self.redirect("/loop/b" if path == "/loop/a" else "/loop/a")
        elif path == "/moved.png":
            self.redirect("/img/moved.png")
        elif path == "/to-file":
            self.redirect("file:///etc/passwd")
        elif path == "/to-private":
            self.redirect("http://10.0.0.1/x.png")
        elif path == "/html.png":
            self.send(200, b"<!DOCTYPE html><html><body>Error</body></html>", "image/png")
        elif path == "/big.png":
            self.stream(8 * 1024 * 1024)
        elif path == "/declared.png":
            self.send_response(200)
            self.send_header("Content-Length", str(10**9))
            self.end_headers()
        elif path == "/bomb.png":
            self.send(200, png(100_000, 100_000), "image/png")
        elif path.endswith(".svg"):
            svg = {"/clean.svg": CLEAN_SVG, "/script.svg": SCRIPT_SVG}
            svg |= {"/handler.svg": HANDLER_SVG, "/external.svg": EXTERNAL_SVG}
            self.send(200, svg[path], "image/svg+xml")
        else:
            self.send(404, b"", "text/plain")

    def send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.end_headers()

    def stream(self, size: int) -> None:
        """A PNG of `size` bytes without a Content-Length; notes how much went out."""
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        sent = 0
        head = png(10)
        try:
            self.wfile.write(head)
            sent = len(head)
            while sent < size:
                self.wfile.write(b"\x00" * 65536)
                sent += 65536
        except OSError:
            pass
        self.server.streamed = sent  # type: ignore[attr-defined]


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.requests: list[tuple[str, float, str]] = []
        self.streamed = 0

    def handle_error(self, request, client_address) -> None:
        """A client that gave up (a timeout, a cap) is what these tests make happen."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def count(self, path: str) -> int:
        return [p for p, _, _ in self.requests].count(path)


@pytest.fixture
def server():
    server = Server()
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def page(*urls: str) -> str:
    return "---\ntitle: t\n---\n\n" + "".join(f'<p><img src="{u}"></p>\n' for u in urls)


def run(content: Path, docs: dict[str, str], options: FetchOptions = FAST, reporter=None):
    reporter = reporter or BufferReporter()
    summary = archive_images(content, docs.items(), reporter, options)
    return summary, reporter, load_manifest(content)


# Finding -------------------------------------------------------------------------


def test_finds_images_in_html_markdown_and_front_matter():
    text = (
        "---\ntitle: t\nheadimg: 'https://p.example/?http://a.cn/1.png'\n"
        "photos:\n  - https://a.cn/2.jpg\ncover: /local.png\n---\n"
        '<img data-src="https://c.cn/3.jpg?a=1&amp;b=2" src="data:image/png;base64,AA"\n'
        ' srcset="https://c.cn/4.jpg 1x, https://c.cn/5,6.jpg 2x">\n'
        '<iframe src="https://video.cn/embed"></iframe><img data-original=//d.cn/7.gif>\n'
        '![图](https://m.cn/8.png "title") ![b](<https://m.cn/9 9.png>)\n'
    )
    found = image_urls(text)
    assert [(f.url, f.where, f.line) for f in found] == [
        ("http://a.cn/1.png", "headimg", 3),
        ("https://a.cn/2.jpg", "photos", 5),
        ("https://c.cn/3.jpg?a=1&b=2", "data-src", 8),
        ("https://c.cn/4.jpg", "srcset", 8),
        ("https://c.cn/5,6.jpg", "srcset", 8),
        ("https://d.cn/7.gif", "data-original", 10),
        ("https://m.cn/8.png", "markdown", 11),
        ("https://m.cn/9 9.png", "markdown", 11),
    ]
    assert found[0].written == "https://p.example/?http://a.cn/1.png"
    assert found[2].written == "https://c.cn/3.jpg?a=1&amp;b=2"
    assert image_urls("---\ncover: https://a.cn/x.png?a&amp;b\n---\n")[0].url == (
        "https://a.cn/x.png?a&amp;b"  # YAML has no character references
    )


@pytest.mark.parametrize(
    "wrapped, original",
    [
        (
            "https://cors.zfour.workers.dev/?http://static.1sapp.com/q/x.png",
            "http://static.1sapp.com/q/x.png",
        ),
        (
            "https://proxy.example/?url=https%3A%2F%2Fcdn.cn%2Fa.png%3Fw%3D1&w=2",
            "https://cdn.cn/a.png?w=1",
        ),
        ("https://proxy.example/fetch/http://cdn.cn/a.png?w=1", "http://cdn.cn/a.png?w=1"),
        ("https://proxy.example/raw/https:/cdn.cn/a.png", "https://cdn.cn/a.png"),
        ("https://proxy.example/http%3A%2F%2Fcdn.cn%2Fa.png", "http://cdn.cn/a.png"),
        ("https://a.example/?https://b.example/?u=http://cdn.cn/a.png", "http://cdn.cn/a.png"),
        ("https://cdn.cn/a.png?w=200&h=100", "https://cdn.cn/a.png?w=200&h=100"),
        ("https://cdn.cn/http/a.png", "https://cdn.cn/http/a.png"),
    ],
)
def test_proxy_forms_are_unwrapped_by_general_rules(wrapped, original):
    assert unwrap(wrapped) == original


# Fetching and storing ----------------------------------------------------------------


def test_a_proxy_wrapped_url_is_stored_once_under_its_hash(server, tmp_path):
    original = server.url("/img/a.png")
    wrapped = server.url(f"/proxy/?{original}")
    docs = {"a.md": page(wrapped) + f"![a]({wrapped})\n", "b.md": page(original)}
    summary, reporter, manifest = run(tmp_path, docs)
    assert (summary.found, summary.fetched, summary.failed, summary.refused) == (1, 1, 0, 0)
    assert server.count("/img/a.png") == 1 and server.requests[0][2].startswith("sitegen/")
    record = manifest.records[original]
    data = png(len("/img/a.png"))
    assert record.state == "stored" and record.bytes == len(data)
    assert record.path == f"assets/images/{record.sha256[:2]}/{record.sha256}.png"
    assert (tmp_path / record.path).read_bytes() == data
    assert set(record.written) == {wrapped, original}
    assert (record.type, record.served_type, record.http_status) == ("image/png", "image/png", 200)
    assert record.fetched.endswith("+00:00")
    assert manifest.local_path(wrapped) == manifest.local_path(original) == record.path
    assert manifest.local_path("https://other.example/?" + original) == record.path
    assert manifest.local_path("https://nowhere.example/x.png") is None
    again, _, _ = run(tmp_path, docs)
    assert (again.already, again.fetched) == (1, 0) and len(server.requests) == 1


def test_the_proxy_form_is_tried_when_the_original_is_gone(server, tmp_path):
    original = server.url("/gone.png")
    wrapped = server.url(f"/proxy/?{original}")
    summary, _, manifest = run(tmp_path, {"a.md": page(wrapped)})
    record = manifest.records[original]
    assert summary.fetched == 1 and record.source == wrapped and record.attempts == 2
    assert manifest.local_path(wrapped) == record.path


def test_a_url_in_chinese_is_requested_percent_encoded(server, tmp_path):
    summary, _, _ = run(tmp_path, {"a.md": page(server.url("/img/图 一.png"))})
    assert summary.fetched == 1
    assert server.requests[0][0] == "/img/%E5%9B%BE%20%E4%B8%80.png"


def test_a_manifest_path_outside_the_store_is_not_trusted(tmp_path):
    folder = tmp_path / "assets/images"
    folder.mkdir(parents=True)
    sha = "ab" + "0" * 62
    good = {"url": "http://a.cn/1.png", "state": "stored", "sha256": sha}
    lines = [
        {**good, "path": f"assets/images/ab/{sha}.png"},
        {**good, "url": "http://a.cn/2.png", "path": "../../../etc/passwd"},
        {**good, "url": "http://a.cn/3.png", "path": f"assets/images/cd/{sha}.png"},
        {**good, "url": "http://a.cn/4.png", "path": f"assets/images/ab/{sha}.png", "new": 1},
    ]
    (folder / "manifest.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    manifest = load_manifest(tmp_path)
    assert manifest.local_path("http://a.cn/1.png") == f"assets/images/ab/{sha}.png"
    assert manifest.local_path("http://a.cn/2.png") is None
    assert manifest.local_path("http://a.cn/3.png") is None
    assert manifest.local_path("http://a.cn/4.png") == f"assets/images/ab/{sha}.png"


def test_a_404_is_listed_as_failed_and_tried_again_next_run(server, tmp_path):
    docs = {"posts/a.md": page(server.url("/missing.png"))}
    summary, reporter, manifest = run(tmp_path, docs)
    record = manifest.records[server.url("/missing.png")]
    assert summary.failed == 1 and record.state == "failed"
    assert (record.http_status, record.attempts) == (404, 1)  # a 4xx is not retried
    assert record.last_try and "HTTP 404" in record.error
    assert reporter.warnings[0].startswith("posts/a.md:5: image failed")
    summary, _, _ = run(tmp_path, docs)
    assert summary.failed == 1 and server.count("/missing.png") == 2


def test_a_slow_host_times_out_is_retried_with_backoff_then_fails(server, tmp_path):
    options = replace(FAST, timeout=0.2, retries=2, backoff=0.2)
    summary, _, manifest = run(tmp_path, {"a.md": page(server.url("/slow.png"))}, options)
    record = manifest.records[server.url("/slow.png")]
    assert summary.failed == 1 and record.attempts == 3 and "timed out" in record.error
    times = [t for p, t, _ in server.requests if p == "/slow.png"]
    assert len(times) == 3
    assert times[1] - times[0] >= 0.2 + 0.2 - 0.05  # the timeout, then the backoff
    assert times[2] - times[1] >= 0.2 + 0.4 - 0.05  # the backoff doubled


def test_a_5xx_is_retried_and_a_redirect_followed(server, tmp_path):
    docs = {"a.md": page(server.url("/flaky.png"), server.url("/moved.png"))}
    summary, _, manifest = run(tmp_path, docs)
    assert summary.fetched == 2
    assert manifest.records[server.url("/flaky.png")].attempts == 2
    assert manifest.records[server.url("/moved.png")].source == server.url("/img/moved.png")


def test_a_redirect_loop_fails_cleanly(server, tmp_path):
    summary, _, manifest = run(tmp_path, {"a.md": page(server.url("/loop/a"))})
    record = manifest.records[server.url("/loop/a")]
    assert summary.failed == 1 and "redirect loop" in record.error
    assert record.attempts == 1 and len(server.requests) == 2


def test_redirects_are_checked_again(server, tmp_path, monkeypatch):
    connected = _watch_connections(monkeypatch)
    options = replace(FAST, allow_private=False, trusted_hosts=frozenset({"127.0.0.1"}))
    docs = {"a.md": page(server.url("/to-file"), server.url("/to-private"))}
    summary, _, manifest = run(tmp_path, docs, options)
    assert summary.refused == 2
    assert "only http and https" in manifest.records[server.url("/to-file")].error
    assert "10.0.0.1 is not a public address" in manifest.records[server.url("/to-private")].error
    assert {host for host, _ in connected} == {"127.0.0.1"}


def test_an_html_page_served_as_png_is_refused(server, tmp_path):
    summary, _, manifest = run(tmp_path, {"a.md": page(server.url("/html.png"))})
    record = manifest.records[server.url("/html.png")]
    assert summary.refused == 1 and record.state == "refused"
    assert "HTML page" in record.error and not list(tmp_path.glob("assets/images/*/*"))


def test_an_oversize_file_is_aborted_at_the_cap(server, tmp_path):
    options = replace(FAST, max_bytes=100_000)
    docs = {"a.md": page(server.url("/big.png"), server.url("/declared.png"))}
    summary, _, manifest = run(tmp_path, docs, options)
    assert summary.refused == 2
    assert "download aborted" in manifest.records[server.url("/big.png")].error
    assert "declares 1,000,000,000 bytes" in manifest.records[server.url("/declared.png")].error
    deadline = time.monotonic() + 5
    while not server.streamed and time.monotonic() < deadline:
        time.sleep(0.01)
    assert 0 < server.streamed < 8 * 1024 * 1024  # the server could not send it all


class Interrupted(Exception):
    pass


class InterruptingReporter(BufferReporter):
    def progress(self, label: str, done: int, total: int) -> None:
        if done >= 2:
            raise Interrupted


def test_an_interrupted_run_resumes_without_fetching_again(server, tmp_path):
    paths = [f"/img/{n}.png" for n in "abcdef"]
    docs = {
        "a.md": page(*(server.url(p) for p in paths[:3])),
        "b.md": page(*map(server.url, paths[3:])),
    }
    options = replace(FAST, workers=1)
    with pytest.raises(Interrupted):
        run(tmp_path, docs, options, InterruptingReporter())
    first = len(server.requests)
    stored = [r for r in load_manifest(tmp_path).records.values() if r.state == "stored"]
    assert 2 <= len(stored) == first < len(paths)
    summary, _, manifest = run(tmp_path, docs, options)
    assert (summary.already, summary.fetched) == (first, len(paths) - first)
    assert all(server.count(p) == 1 for p in paths)
    assert all(manifest.local_path(server.url(p)) for p in paths)


def test_a_torn_manifest_line_loses_nothing_else(server, tmp_path):
    run(tmp_path, {"a.md": page(server.url("/img/a.png"))})
    manifest_file = tmp_path / "assets/images/manifest.jsonl"
    with open(manifest_file, "a", encoding="utf-8") as out:
        out.write('{"url": "http://x.cn/half.png", "sta')  # killed mid-write
    docs = {"a.md": page(server.url("/img/a.png"), server.url("/img/b.png"))}
    summary, _, manifest = run(tmp_path, docs)
    assert (summary.already, summary.fetched) == (1, 1)
    lines = manifest_file.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and all(json.loads(line)["state"] == "stored" for line in lines)


def _watch_connections(monkeypatch) -> list[tuple[str, int]]:
    """Every address a connection is opened to, from now on."""
    connected: list[tuple[str, int]] = []
    real = socket.create_connection

    def create_connection(address, *args, **kwargs):
        connected.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return connected


def test_private_addresses_are_refused_before_any_connection(server, tmp_path, monkeypatch):
    connected = _watch_connections(monkeypatch)
    port = server.server_address[1]
    urls = [
        server.url("/img/a.png"),
        "http://10.0.0.1/x.png",
        f"http://localhost:{port}/img/a.png",
        "http://[::ffff:192.168.1.1]/x.png",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "ftp://ftp.example/x.png",
    ]
    summary, reporter, manifest = run(
        tmp_path, {"a.md": page(*urls)}, replace(FAST, allow_private=False)
    )
    assert summary.refused == len(urls) and summary.fetched == 0
    assert connected == [] and server.requests == []
    assert all(manifest.records[u].state == "refused" for u in urls)
    assert len(reporter.warnings) == len(urls)


@pytest.mark.parametrize(
    "path, refusal",
    [
        ("/script.svg", "SVG with a script"),
        ("/handler.svg", "SVG with an event handler"),
        ("/external.svg", "SVG with a reference outside itself"),
        ("/bomb.png", "100000×100000 pixels declared"),
    ],
)
def test_active_svg_and_decompression_bombs_are_refused(server, tmp_path, path, refusal):
    summary, _, manifest = run(tmp_path, {"a.md": page(server.url(path))})
    assert summary.refused == 1 and refusal in manifest.records[server.url(path)].error


def test_an_inert_svg_is_stored(server, tmp_path):
    summary, _, manifest = run(tmp_path, {"a.md": page(server.url("/clean.svg"))})
    record = manifest.records[server.url("/clean.svg")]
    assert summary.fetched == 1 and record.path.endswith(".svg") and record.type == "image/svg+xml"


def test_requests_to_one_host_are_spaced(server, tmp_path):
    options = replace(FAST, host_delay=0.3)
    run(tmp_path, {"a.md": page(server.url("/img/a.png"), server.url("/img/b.png"))}, options)
    first, second = sorted(t for _, t, _ in server.requests)
    assert second - first >= 0.29


# Formats by their bytes -----------------------------------------------------------------


def test_formats_and_sizes_are_read_from_the_bytes():
    jpeg = b"\xff\xd8\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0" + b"\0" * 9
    jpeg += b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 480, 640, 3) + b"\0" * 9
    gif = b"GIF89a" + struct.pack("<HH", 300, 200) + b"\0" * 8
    webp = b"RIFF\0\0\0\0WEBPVP8X" + b"\0" * 8 + (1919).to_bytes(3, "little") * 2
    bmp = b"BM" + b"\0" * 12 + struct.pack("<Iii", 40, 16, -8)
    avif = struct.pack(">I", 24) + b"ftypavif\0\0\0\0mif1avif" + b"\0\0\0\x14ispe\0\0\0\0"
    avif += struct.pack(">II", 4000, 3000)
    found = {
        k: images.sniff(v)
        for k, v in dict(jpeg=jpeg, gif=gif, webp=webp, bmp=bmp, avif=avif).items()
    }
    assert {k: (s.extension, s.width, s.height) for k, s in found.items()} == {
        "jpeg": ("jpg", 640, 480),
        "gif": ("gif", 300, 200),
        "webp": ("webp", 1920, 1920),
        "bmp": ("bmp", 16, 8),
        "avif": ("avif", 4000, 3000),
    }
    assert images.sniff(b"<!DOCTYPE html><svg></svg>") is None
    assert images.sniff(b"\xef\xbb\xbf<?xml version='1.0'?><!-- x --><svg/>").extension == "svg"
    with pytest.raises(images.Refused, match="HTML page"):
        images.check_image(b"  <html><body>404</body></html>", 10)
