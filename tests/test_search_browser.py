"""The search page in a real headless Chromium, over HTTP, at the root and under a sub-path.

Debian's chromium is driven through Playwright; no browser is downloaded.
Expected results come from the built index's own document texts, so each
check is "every document that contains the query", not a number kept here.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest
from conftest import REPO

from sitegen.build import build
from sitegen.config import load_config
from sitegen.report import BufferReporter
from sitegen.search import PART_CHARS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")


class Handler(SimpleHTTPRequestHandler):
    """Serves the output folder under a base path, as a web server would; quiet."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        path = urlsplit(path).path
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / ".missing")
        return super().translate_path("/" + path[len(self.prefix) :])

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def serve():
    """serve(folder, prefix) → base URL; servers stop with the module."""
    servers = []

    def start(folder: Path, prefix: str = "/") -> str:
        handler = type("Served", (Handler,), {"prefix": prefix})
        server = ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=str(folder))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}{prefix}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == []


def documents(out: Path) -> list[dict]:
    """Every indexed document with its whole text, from the index's own files, by id."""

    def load(name: str):
        return json.loads((out / "search/docs" / name).read_text(encoding="utf-8"))

    total = load("../meta.json")["documents"]
    docs = [load(f"{i}.json") for i in range(total)]
    for i, doc in enumerate(docs):
        texts = [doc["x"], *(load(f"{i}.{k}.json") for k in range(1, doc["n"]))]
        doc["x"] = "".join(t[:PART_CHARS] for t in texts[:-1]) + texts[-1]
    return docs


def containing(out: Path, text: str, year: str = "") -> set[str]:
    """Titles of the documents whose title or text holds `text` (case-insensitively)."""
    return {
        d["t"]
        for d in documents(out)
        if text.lower() in (d["t"] + "\n" + d["x"]).lower() and d["d"].startswith(year)
    }


def search(page, base: str, query: str, **filters: str) -> None:
    params = "&".join(f"{k}={quote(v)}" for k, v in {"q": query, **filters}.items())
    page.goto(f"{base}search/?{params}")
    settle(page)


def settle(page) -> None:
    page.wait_for_selector("#search[data-state=idle]")


def show_all(page) -> list[dict]:
    """Click "more" until every result is listed; return them as title, href, marks, meta."""
    while page.is_visible(".search-more"):
        page.click(".search-more")
        settle(page)
    return page.eval_on_selector_all(
        ".search-hit",
        """hits => hits.map(h => ({
            title: h.querySelector('.search-hit-title').textContent,
            href: h.querySelector('a').getAttribute('href'),
            marks: Array.from(h.querySelectorAll('mark'), m => m.textContent),
            meta: h.querySelector('.search-hit-meta').textContent,
        }))""",
    )


def test_header_box_leads_to_every_document_holding_a_chinese_query(page, serve, sample_output):
    base = serve(sample_output)
    page.goto(base)
    page.fill("#site-search-q", "核酸检测")
    page.press("#site-search-q", "Enter")
    page.wait_for_url("**/search/?q=*")
    settle(page)
    hits = show_all(page)
    assert {h["title"] for h in hits} == containing(sample_output, "核酸检测")
    assert len(hits) >= 20
    assert all("核酸检测" in h["marks"] for h in hits)
    assert f"找到 {len(hits)} 篇。" == page.text_content(".search-status")
    for hit in hits[:3]:
        assert page.request.get(base.rstrip("/") + hit["href"]).ok
    assert (sample_output / unquote(hits[0]["href"]).lstrip("/") / "index.html").is_file()


def test_two_characters_find_words_inside_longer_words(page, serve, sample_output):
    base = serve(sample_output)
    for query in ("长春", "流调", "酸检"):
        search(page, base, query)
        assert {h["title"] for h in show_all(page)} == containing(sample_output, query), query


def test_latin_words_match_whatever_the_case(page, serve, sample_output):
    base = serve(sample_output)
    search(page, base, "ecmo")
    hits = show_all(page)
    assert {h["title"] for h in hits} == containing(sample_output, "ecmo") != set()
    assert any("ECMO" in h["marks"] for h in hits)


def test_year_filter_keeps_only_that_year(page, serve, sample_output):
    base = serve(sample_output)
    search(page, base, "长春")
    everything = show_all(page)
    page.select_option("select[name=year]", "2020")
    settle(page)
    assert "year=2020" in page.url
    hits = show_all(page)
    assert {h["title"] for h in hits} == containing(sample_output, "长春", year="2020")
    assert 0 < len(hits) < len(everything)
    assert all(h["meta"].startswith("2020-") for h in hits)


def test_a_term_deep_in_a_long_document_loads_only_the_parts_that_hold_it(
    page, serve, sample_output
):
    docs = documents(sample_output)
    longest = max(range(len(docs)), key=lambda i: docs[i]["n"])
    assert docs[longest]["n"] > 10
    tail = docs[longest]["x"][-3000:]
    query = next(
        tail[i : i + 4]
        for i in range(len(tail) - 4)
        if re.fullmatch(r"[\u4e00-\u9fff]{4}", tail[i : i + 4])
        and len(containing(sample_output, tail[i : i + 4])) <= 3
    )
    search(page, serve(sample_output), query)
    hits = show_all(page)
    assert {h["title"] for h in hits} == containing(sample_output, query)
    assert docs[longest]["t"] in {h["title"] for h in hits}
    assert all(query in h["marks"] for h in hits)
    files = page.evaluate(
        "async q => { const s = await sitegenSearch.find(q); await s.page(); return [...s.files] }",
        query,
    )
    parts = [f for f in files if f.startswith(f"docs/{longest}.")]
    assert 1 <= len(parts) <= 2, parts


def test_one_character_or_nothing_found_is_explained(page, serve, sample_output):
    base = serve(sample_output)
    search(page, base, "疫")
    assert "两个" in page.text_content(".search-status")
    search(page, base, "不存在的词语组合")
    assert "没有找到" in page.text_content(".search-status")
    assert page.locator(".search-hit").count() == 0


def test_without_javascript_the_page_says_search_needs_it(browser, serve, sample_output):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(serve(sample_output) + "search/?q=长春")
    assert "JavaScript" in page.text_content("noscript, .search-noscript")
    context.close()


def test_search_works_under_a_sub_path(page, serve, tmp_path_factory):
    out = tmp_path_factory.mktemp("sub") / "output"
    config = load_config(REPO, out, "http://127.0.0.1:8000/archive/")
    assert build(config, BufferReporter()).ok
    base = serve(out, "/archive/")
    page.goto(base)
    assert page.get_attribute("form.site-search", "action") == "/archive/search/"
    page.fill("#site-search-q", "核酸检测")
    page.press("#site-search-q", "Enter")
    settle(page)
    hits = show_all(page)
    assert {h["title"] for h in hits} == containing(out, "核酸检测")
    for hit in hits:
        assert hit["href"].startswith("/archive/")
        assert not hit["href"].startswith("/archive/archive/")
        assert (out / unquote(hit["href"][len("/archive/") :]) / "index.html").is_file()
    page.click(".search-hit a")
    page.wait_for_load_state()
    assert page.url.startswith(base) and page.title().startswith(hits[0]["title"])
