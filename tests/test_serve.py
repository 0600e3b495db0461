"""The preview server, started for real on a free port.

Requests go over raw sockets so paths reach the server exactly as written,
unnormalised. Waits poll with a deadline instead of sleeping.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import REPO, post

from sitegen.build import build
from sitegen.config import load_config
from sitegen.hexo import crc16
from sitegen.preview import Preview
from sitegen.report import BufferReporter
from sitegen.serve import EVENTS_PATH, host_allowed, relocated

BROKEN_YAML = "---\ntitle: [未闭合\ndate: 2022-04-08 10:00:00\nslug: p1\n---\n\n正文。\n"
PAGE = "/2022/04/08/p1/"


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str


def fetch(
    port: int, target: str, method: str = "GET", host: str | None = None, named: bool = True
) -> Response:
    """One request with the target sent byte for byte; `host` as the Host header
    (by default the address listened on), or none unless `named`."""
    host = f"127.0.0.1:{port}" if host is None else host
    line = f"Host: {host}\r\n" if named else ""
    request = f"{method} {target} HTTP/1.1\r\n{line}Connection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request.encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Response(int(lines[0].split()[1]), headers, body.decode("utf-8", "replace"))


def wait_for(probe, timeout: float = 15.0, what: str = "condition"):
    """Poll `probe` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while not (value := probe()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
    return value


class EventStream:
    """A Server-Sent Events client: the states the server pushes, in order."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        self.sock.sendall(f"GET {EVENTS_PATH} HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n".encode())
        self.file = self.sock.makefile("rb")
        assert b" 200 " in self.file.readline()

    def next(self, predicate, timeout: float = 15.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.file.readline()
            if not line:
                break
            if line.startswith(b"data: "):
                state = json.loads(line[6:])
                if predicate(state):
                    return state
        raise AssertionError("no matching event")

    def close(self) -> None:
        self.file.close()
        self.sock.close()


@pytest.fixture
def serving():
    """Start a Preview on a free port; every one is stopped after the test."""
    started: list[Preview] = []

    def start(site: Path, live: bool = True) -> Preview:
        preview = Preview(load_config(site), BufferReporter(), "127.0.0.1", 0, live=live)
        started.append(preview)
        preview.start()
        return preview

    yield start
    for preview in started:
        preview.stop()


def port_of(preview: Preview) -> int:
    return int(preview.url.split(":")[2].split("/")[0])


def write_post(site: Path, text: str) -> None:
    (site / "content" / "p1.md").write_text(text, encoding="utf-8")


def test_pages_are_served_with_charsets_and_the_sites_404(make_site, serving):
    site = make_site({"p1.md": post("旧标题", slug="p1", categories="[示例]")})
    port = port_of(serving(site, live=False))
    home = fetch(port, "/")
    assert home.status == 200 and "测试站" in home.body
    assert home.headers["content-type"] == "text/html; charset=utf-8"
    assert "旧标题" in fetch(port, PAGE).body
    for target, ctype in [
        ("/atom.xml", "application/xml; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/static/style.css", "text/css; charset=utf-8"),
    ]:
        response = fetch(port, target)
        assert (response.status, response.headers["content-type"]) == (200, ctype)
    category = "/categories/" + quote("示例") + "/"
    assert fetch(port, category).status == 200
    moved = fetch(port, category.rstrip("/"))
    assert (moved.status, moved.headers["location"]) == (301, category)
    missing = fetch(port, "/no/such/page/")
    assert missing.status == 404 and "页面不存在" in missing.body
    head = fetch(port, PAGE, method="HEAD")
    assert head.status == 200 and head.body == "" and int(head.headers["content-length"]) > 0


def test_the_reload_script_is_injected_at_serve_time_only(make_site, serving, tmp_path):
    site = make_site({"p1.md": post("旧标题", slug="p1")})
    preview = serving(site)
    served = fetch(port_of(preview), PAGE).body
    assert EVENTS_PATH in served and served.index("EventSource") < served.index("</body>")
    deploy = tmp_path / "deploy"
    build(load_config(site, deploy), BufferReporter())
    for out in (preview.config.output_dir, deploy):
        files = [p for p in out.rglob("*") if p.is_file() and ".sitegen" not in p.parts]
        assert files and not [p for p in files if b"__sitegen" in p.read_bytes()]
    quiet = serving(site, live=False)
    assert EVENTS_PATH not in fetch(port_of(quiet), PAGE).body
    assert fetch(port_of(quiet), EVENTS_PATH).status == 404


def test_an_edited_post_is_rebuilt_and_open_pages_are_told(make_site, serving):
    site = make_site({"p1.md": post("旧标题", slug="p1")})
    port = port_of(serving(site))
    events = EventStream(port)
    first = events.next(lambda state: True)
    write_post(site, post("新标题", slug="p1"))
    events.next(lambda state: state["build"] != first["build"])
    events.close()
    assert "新标题" in fetch(port, PAGE).body


def test_an_open_page_follows_its_retitled_post_to_the_new_url(make_site, serving):
    site = make_site({"p1.md": post("旧标题")})
    build(load_config(site), BufferReporter())  # so the preview starts from a saved cache
    port = port_of(serving(site))
    url = {title: "/2022/04/08/" + quote(title) + "/" for title in ("旧标题", "新标题", "三改")}
    events = EventStream(port)
    seen = events.next(lambda state: True)
    for title in ("新标题", "三改"):
        write_post(site, post(title))
        seen = events.next(lambda state, last=seen: state["build"] != last["build"])
        moved = fetch(port, url["旧标题"])
        assert (moved.status, moved.headers["location"]) == (302, url[title])
        assert title in fetch(port, url[title]).body
    events.close()
    assert fetch(port, url["新标题"]).headers["location"] == url["三改"]
    assert fetch(port, "/2022/04/08/" + quote("从未有过") + "/").status == 404


def test_broken_front_matter_keeps_the_last_good_page_and_shows_where(make_site, serving):
    site = make_site({"p1.md": post("旧标题", slug="p1")})
    port = port_of(serving(site))
    events = EventStream(port)
    first = events.next(lambda state: True)
    write_post(site, BROKEN_YAML)
    failed = events.next(lambda state: state["problems"])
    assert failed["build"] == first["build"], "nothing was rebuilt, so nothing reloads"
    assert failed["problems"][0]["location"] == "content/p1.md:3"
    assert "invalid YAML" in failed["problems"][0]["message"]
    page = fetch(port, PAGE)
    assert page.status == 200 and "旧标题" in page.body
    assert "content/p1.md:3" in page.body, "a reloaded page shows the overlay too"
    write_post(site, post("修好了", slug="p1"))
    fixed = events.next(lambda state: state["build"] != first["build"])
    events.close()
    assert fixed["problems"] == []
    page = fetch(port, PAGE)
    assert "修好了" in page.body and "content/p1.md" not in page.body


def test_a_broken_site_yml_is_shown_and_cleared(make_site, serving):
    site = make_site({"p1.md": post("旧标题", slug="p1")})
    port = port_of(serving(site))
    events = EventStream(port)
    good = (site / "site.yml").read_text(encoding="utf-8")
    (site / "site.yml").write_text(good + "per_page: [\n", encoding="utf-8")
    failed = events.next(lambda state: state["problems"])
    assert re.fullmatch(r".*site\.yml:\d+", failed["problems"][0]["location"])
    assert fetch(port, PAGE).status == 200
    (site / "site.yml").write_text(good.replace("测试站", "改名站"), encoding="utf-8")
    events.next(lambda state: not state["problems"])
    events.close()
    assert "改名站" in fetch(port, PAGE).body


def test_a_hexo_site_is_served_and_its_config_yml_watched(tmp_path, serving):
    """A Hexo folder previews as it is, and editing _config.yml moves its posts."""
    site = tmp_path / "blog"
    (site / "source" / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: 博客\npermalink: p/:abbrlink.html\n", "utf-8")
    (site / "source" / "_posts" / "p1.md").write_text(post("旧标题"), encoding="utf-8")
    port = port_of(serving(site))
    events = EventStream(port)
    first = events.next(lambda state: True)
    old = f"/p/{crc16('旧标题')}.html"  # hexo-abbrlink's default: crc16, in decimal
    assert "旧标题" in fetch(port, old).body
    (site / "_config.yml").write_text("title: 博客\npermalink: :year/:title/\n", "utf-8")
    events.next(lambda state: state["build"] != first["build"])
    events.close()
    assert "旧标题" in fetch(port, "/2022/p1/").body
    moved = fetch(port, old)  # a page open at the old address follows the post
    assert (moved.status, moved.headers["location"]) == (302, "/2022/p1/")


def test_the_site_is_served_under_its_base_path(make_site, serving):
    config = "base_url: https://example.org/archive/\n"
    site = make_site({"p1.md": post("旧标题", slug="p1")}, config=config)
    port = port_of(serving(site, live=False))
    root = fetch(port, "/")
    assert (root.status, root.headers["location"]) == (302, "/archive/")
    assert fetch(port, "/archive").headers["location"] == "/archive/"
    page = fetch(port, "/archive" + PAGE)
    assert page.status == 200 and "/archive/static/style.css" in page.body
    assert fetch(port, "/archive/static/style.css").status == 200
    assert fetch(port, PAGE).status == 404


@pytest.fixture(scope="module")
def exposed(tmp_path_factory):
    """A served site whose output holds symlinks leading out of it."""
    site = tmp_path_factory.mktemp("exposed") / "site"
    (site / "content").mkdir(parents=True)
    (site / "site.yml").write_text("title: 测试站\n", encoding="utf-8")
    (site / "content" / "p1.md").write_text(post("旧标题", slug="p1"), encoding="utf-8")
    (site / "secret.txt").write_text("TOPSECRET\n")
    preview = Preview(load_config(site), BufferReporter(), "127.0.0.1", 0, live=False)
    preview.start()
    out = preview.config.output_dir
    (out / "leak.txt").symlink_to(site / "secret.txt")
    (out / "leakdir").symlink_to(site, target_is_directory=True)
    (out / "etc").symlink_to("/etc", target_is_directory=True)
    yield port_of(preview)
    preview.stop()


@pytest.mark.parametrize(
    "target",
    [
        "/../secret.txt",
        "/../../../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2e%2fsecret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/%252e%252e/secret.txt",
        "/%252e%252e%252fsecret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/%c0%ae%c0%ae%c0%afsecret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/..%5csecret.txt",
        "//etc/passwd",
        "/C:/Windows/win.ini",
        "/C:%5cWindows%5cwin.ini",
        "/leak.txt",
        "/leakdir/secret.txt",
        "/etc/passwd",
        "/secret.txt%00.html",
        "/.sitegen/",
        "http://127.0.0.1/../secret.txt",
    ],
)
def test_no_request_reads_outside_the_site(exposed, target):
    response = fetch(exposed, target)
    assert response.status == 404
    assert "页面不存在" in response.body
    assert "TOPSECRET" not in response.body and "root:" not in response.body
    assert fetch(exposed, "/").status == 200, "the server stays up"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "//evil.example",
        "///evil.example/%2e%2e",
        "/\\evil.example/",
        "/%2f%2fevil.example/",
        "/%5cevil.example",
        "//archives",
        "/%2farchives",
    ],
)
def test_no_open_redirect(exposed, target):
    response = fetch(exposed, target)
    location = response.headers.get("location", "")
    assert "evil" not in location
    if location:
        assert location.startswith("/") and not location.startswith(("//", "/\\"))


def test_binding_beyond_loopback_warns(make_site):
    config = load_config(make_site({"p1.md": post()}))
    reporter = BufferReporter()
    Preview(config, reporter, "0.0.0.0", 0, live=False).stop()
    assert reporter.warnings == ["listening on 0.0.0.0: other machines can reach this preview"]


def sitegen(*args: str, **kwargs) -> subprocess.Popen:
    """`sitegen ARGS` as a user starts it in a terminal: with Ctrl-C (SIGINT) at its
    default, even when the tests run as a background job, which ignores it."""
    env = {**os.environ, "PYTHONPATH": str(REPO), **kwargs.pop("env", {})}
    return subprocess.Popen(
        [sys.executable, "-m", "sitegen", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        **kwargs,
    )


def test_a_port_in_use_is_one_clear_line_and_exit_2(make_site):
    site = make_site({"p1.md": post()})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = sitegen("serve", "--site", str(site), "--port", str(port))
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 2
    assert stderr.strip().splitlines() == [
        f"error: cannot listen on 127.0.0.1:{port}: Address already in use"
        " — another program may be using the port; stop it or pass --port"
    ]
    assert not (site / "output").exists(), "the port is checked before building"


def test_ctrl_c_stops_cleanly(make_site, tmp_path):
    site = make_site({"p1.md": post("旧标题", slug="p1")})
    opened = tmp_path / "opened"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n')
    browser.chmod(0o755)
    process = sitegen(
        "serve", "--site", str(site), "--port", "0", "--open", env={"BROWSER": str(browser)}
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line) for line in process.stderr], daemon=True
    ).start()
    try:
        url = wait_for(
            lambda: re.search(r"serving (http://127\.0\.0\.1:(\d+)/)", lines.get(timeout=30)),
            what="the serving line",
        )
        port = int(url.group(2))
        assert "旧标题" in fetch(port, PAGE).body
        events = EventStream(port)
        events.next(lambda state: True)
        assert wait_for(lambda: opened.is_file() and opened.read_text(), what="--open").strip() == (
            url.group(1)
        )
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
        events.close()
    finally:
        process.kill()
    rest = []
    while not lines.empty():
        rest.append(lines.get())
    assert rest and rest[-1].strip() == "stopped"
    assert "Traceback" not in "".join(rest)


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")
def test_an_open_page_reloads_by_itself_and_shows_errors(make_site, serving):
    sync_api = pytest.importorskip("playwright.sync_api")
    site = make_site({"p1.md": post("旧标题", slug="p1")})
    port = port_of(serving(site))
    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
    ]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}{PAGE}")
            page.wait_for_function("window.sitegenLive === true")
            page.evaluate("window.untouched = true")
            write_post(site, BROKEN_YAML)
            overlay = page.wait_for_selector("#sitegen-overlay")
            assert "content/p1.md:3" in overlay.inner_text()
            assert page.evaluate("window.untouched") is True, "shown without a reload"
            write_post(site, post("新标题", slug="p1"))
            page.wait_for_function(
                "document.title.includes('新标题') && window.untouched === undefined"
            )
            assert page.query_selector("#sitegen-overlay") is None
        finally:
            browser.close()


def test_a_moved_page_is_only_ever_sent_to_a_page_of_the_site():
    assert relocated("/a/", "/", {"a/": "b/"}) == "/b/"
    assert relocated("/archive/a/", "/archive/", {"a/": "b/"}) == "/archive/b/"
    for elsewhere in ("//evil.example/", "https://evil.example/"):
        assert relocated("/a/", "/", {"a/": elsewhere}) is None


@pytest.mark.parametrize(
    "host",
    [
        "evil.example:{port}",
        "evil.example",
        "127.0.0.1.nip.io:{port}",
        "localhost.evil.example:{port}",
        "127.0.0.1:{other}",
        "localhost",
        "[::1]x:{port}",
        "127.0.0.1:{port}:1",
        "127.0.0.1:{port}@evil.example",
        "",
        None,
    ],
)
def test_a_request_naming_another_host_is_refused_so_dns_rebinding_reads_nothing(exposed, host):
    """A page from evil.example whose name is made to resolve to 127.0.0.1
    reaches the port, but its requests name evil.example."""
    header = "" if host is None else host.format(port=exposed, other=exposed + 1)
    for target, method in [(PAGE, "GET"), ("/", "HEAD"), ("/static/style.css", "GET")]:
        response = fetch(exposed, target, method, host=header, named=host is not None)
        assert response.status == 421, (target, header)
        assert "旧标题" not in response.body and "测试站" not in response.body


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
def test_the_address_listened_on_is_answered_by_any_of_its_names(exposed, host):
    response = fetch(exposed, PAGE, host=host.format(port=exposed))
    assert response.status == 200 and "旧标题" in response.body


def test_the_event_stream_answers_only_its_own_host(make_site, serving):
    port = port_of(serving(make_site({"p1.md": post()})))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {EVENTS_PATH} HTTP/1.1\r\nHost: evil.example:{port}\r\n\r\n".encode())
        head = sock.recv(4096)
    assert head.startswith(b"HTTP/1.0 421 ") and b"build" not in head


def test_which_hosts_each_listening_address_answers():
    allowed = {
        "127.0.0.1": ["127.0.0.1:8000", "localhost:8000", "[::1]:8000", "127.0.0.2:8000"],
        "::1": ["[::1]:8000", "localhost:8000", "127.0.0.1:8000"],
        "0.0.0.0": ["192.168.1.5:8000", "[fe80::1]:8000", "localhost:8000"],
        "192.168.1.5": ["192.168.1.5:8000"],
        "mybox.lan": ["mybox.lan:8000", "MYBOX.LAN:8000"],
    }
    refused = {
        "127.0.0.1": ["192.168.1.5:8000", "127.0.0.1:8001", "127.0.0.1", "a.example:8000"],
        "::1": ["::1:8000", "[::1]", "a.example:8000"],
        "0.0.0.0": ["a.example:8000", "192.168.1.5:80"],
        "192.168.1.5": ["127.0.0.1:8000", "localhost:8000", "a.example:8000"],
        "mybox.lan": ["other.lan:8000", "mybox.lan.evil.example:8000"],
    }
    for listen, hosts in allowed.items():
        assert all(host_allowed(host, listen, 8000) for host in hosts), listen
    for listen, hosts in refused.items():
        assert not any(host_allowed(host, listen, 8000) for host in hosts), listen
    assert host_allowed("127.0.0.1", "127.0.0.1", 80), "port 80 goes unnamed"


def resident_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_ten_thousand_requests_from_fifty_clients_are_all_answered_in_flat_memory(
    make_site, serving
):
    """The preview as `sitegen serve` runs it (live, its watchers on): every
    request gets its full answer, and the memory of the process serving them
    (and here sending them) stays where it was after a first few hundred."""
    site = make_site({"p1.md": post("旧标题", slug="p1", categories="[示例]")})
    port = port_of(serving(site))
    targets = [PAGE, "/", "/static/style.css", "/no/such/page/", "/categories/" + quote("示例")]
    expected = {}
    for target in targets:
        response = fetch(port, target)
        expected[target] = (response.status, len(response.body.encode()))
    assert [status for status, _ in expected.values()] == [200, 200, 200, 404, 301]
    problems: list[str] = []

    def client(number: int, requests: int) -> None:
        """One client; it reuses its connection object (the server closes the
        socket after each answer, as HTTP/1.0 does)."""
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            for n in range(requests):
                target = targets[(number + n) % len(targets)]
                connection.request("GET", target)
                response = connection.getresponse()
                answer = (response.status, len(response.read()))
                if answer != expected[target]:
                    problems.append(f"{target}: {answer}")
        except (OSError, http.client.HTTPException) as exc:
            problems.append(repr(exc))
        finally:
            connection.close()

    def load(total: int) -> None:
        with ThreadPoolExecutor(50) as pool:
            list(pool.map(client, range(50), [total // 50] * 50))

    load(500)
    before = resident_kib()
    load(10_000)
    grown = resident_kib() - before
    assert problems == [], problems[:5]
    assert grown < 8 * 1024, f"memory grew by {grown} KiB over 10,000 requests"
