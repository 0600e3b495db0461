"""End to end: build the bundled sample archive and look at the pages."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from conftest import REPO

from sitegen.build import build
from sitegen.config import load_config
from sitegen.report import BufferReporter


def internal_links(out: Path, base_url: str) -> dict[str, set[str]]:
    """Every link, image, stylesheet and feed a page refers to on this site."""
    base = urlsplit(base_url)
    found: dict[str, set[str]] = {}
    for page in out.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(["a", "link", "img", "script", "form"]):
            for attr in ("href", "src", "action"):
                value = tag.get(attr)
                if not value or value.startswith(("#", "mailto:")):
                    continue
                parts = urlsplit(value)
                if parts.scheme and parts.netloc != base.netloc:
                    continue
                found.setdefault(parts.path, set()).add(str(page.relative_to(out)))
    return found


def check_links(out: Path, base_url: str) -> list[str]:
    base_path = urlsplit(base_url).path
    broken = []
    for path, pages in internal_links(out, base_url).items():
        if not path.startswith(base_path):
            broken.append(f"{path} (outside {base_path}) from {sorted(pages)[:2]}")
            continue
        target = out / unquote(path[len(base_path) :])
        if path.endswith("/"):
            target = target / "index.html"
        if not target.is_file():
            broken.append(f"{path} from {sorted(pages)[:2]}")
    return broken


def test_sample_archive_builds_and_every_internal_link_resolves(sample_output):
    assert check_links(sample_output, "http://127.0.0.1:8000/") == []
    assert len(list(sample_output.rglob("*.html"))) > 100


def test_sub_path_build_links_stay_under_the_base_path(tmp_path):
    base_url = "https://example.org/archive/"
    config = load_config(REPO, tmp_path / "output", base_url)
    result = build(config, BufferReporter())
    assert result.ok
    out = config.output_dir
    assert check_links(out, base_url) == []
    feed = (out / "atom.xml").read_text(encoding="utf-8")
    assert "https://example.org/archive/20" in feed
    assert "https://example.org/archive/" in sitemap_urls(out, base_url)


def sitemap_urls(out: Path, base_url: str) -> set[str]:
    """Every page URL in the sitemaps that sitemap.xml lists."""
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    found = set()
    for loc in ElementTree.parse(out / "sitemap.xml").iter(f"{ns}loc"):
        assert loc.text.startswith(base_url)
        listed = ElementTree.parse(out / unquote(loc.text[len(base_url) :]))
        found |= {u.text for u in listed.iter(f"{ns}loc")}
    return found


def test_the_sitemaps_list_every_page_but_the_404_once(sample_output):
    pages = {
        p.relative_to(sample_output).as_posix().removesuffix("index.html")
        for p in sample_output.rglob("*.html")
        if ".sitegen" not in p.parts and "search/" not in p.as_posix()
    }
    pages -= {"404.html"}
    ids = {page for page in pages if page.startswith("id/")}  # redirects, not pages
    assert len(ids) == len(list((sample_output / "id").iterdir())) > 80
    pages -= ids
    base = "http://127.0.0.1:8000/"
    urls = sitemap_urls(sample_output, base)
    assert {unquote(u[len(base) :]) for u in urls} >= pages
    assert len(urls) == len(pages) + 1  # and the search page


def test_no_sitemap_passes_the_protocols_limit(make_site, monkeypatch):
    from conftest import post

    from sitegen import feeds

    monkeypatch.setattr(feeds, "SITEMAP_LIMIT", 3)
    site = make_site({f"p{i}.md": post(f"篇{i}", f"2022-04-0{i} 10:00:00") for i in range(1, 8)})
    config = load_config(site)
    assert build(config, BufferReporter()).ok
    out = config.output_dir
    for path in out.glob("sitemap-*.xml"):
        assert path.read_text(encoding="utf-8").count("<url>") <= 3
    assert "2022-1.xml" not in (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "sitemap-2022-3.xml" in (out / "sitemap.xml").read_text(encoding="utf-8")
    urls = sitemap_urls(out, config.base_url)
    assert all(f"2022/04/0{i}/" in " ".join(urls) for i in range(1, 8))


def test_seed_post_page_shows_what_a_reader_needs(sample_output):
    page = sample_output / "2022/04/08/吉林辽源-披星戴月再集结-执甲逆行再出征/index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert soup.find("h1").get_text(strip=True) == "吉林辽源：披星戴月再集结 执甲逆行再出征"
    assert soup.find("time")["datetime"] == "2022-04-08T12:10:05+08:00"
    assert soup.find("html")["lang"] == "zh-CN"
    text = soup.get_text()
    assert "新媒体" in text and "趣头条" in text and "分类" in text
    crumbs = [a["href"] for a in soup.find_all("a") if "/categories/" in a.get("href", "")]
    assert "/categories/%E6%96%B0%E5%AA%92%E4%BD%93/" in crumbs
    body_images = soup.select(".prose img")
    assert body_images
    for img in body_images:
        assert img["loading"] == "lazy" and img["referrerpolicy"] == "no-referrer"
    assert soup.find("script") is None


@pytest.mark.parametrize(
    "rel",
    [
        "index.html",
        "page/2/index.html",
        "categories/index.html",
        "tags/index.html",
        "archives/index.html",
        "archives/2020/index.html",
        "archives/2021/index.html",
        "archives/2022/04/index.html",
        "archives/2022/04/08/index.html",
        "atom.xml",
        "sitemap.xml",
        "404.html",
        "robots.txt",
        "categories/新媒体/趣头条/分类/index.html",
        "categories/新媒体/趣头条/分类/atom.xml",
    ],
)
def test_sample_archive_has_every_kind_of_page(sample_output, rel):
    assert (sample_output / rel).is_file()


def test_sample_archive_builds_without_a_warning(tmp_path):
    """A newcomer's first `sitegen serve` shows a clean screen."""
    reporter = BufferReporter()
    result = build(load_config(REPO, tmp_path / "out"), reporter)
    assert result.ok
    assert reporter.warnings == []
    assert reporter.errors == []


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _page_text(path: Path) -> str:
    return _squeeze(BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text())


@pytest.mark.parametrize(
    ("seed", "kind", "page_glob"),
    [
        ("001_04f274599497d5f7.txt", "newspaper", "publications/*/2022/04/06/*/index.html"),
        ("002_92060822ecd5d4d0.txt", "newspaper", "publications/*/2022/04/10/*/index.html"),
        ("003_1bb37f89f56831bb.txt", "periodical", "publications/*/2020/06/01/*/index.html"),
        ("004_504ff26579685224.txt", "webpage", "2022/04/01/*/index.html"),
    ],
)
def test_nothing_of_a_seed_is_lost_in_the_built_site(sample_output, seed, kind, page_glob):
    from sitegen.importers import REGISTRY

    text = (REPO / "tests" / "seeds" / seed).read_text(encoding="utf-8")
    boilerplate = {_squeeze(line) for line in REGISTRY[kind].boilerplate_lines(text)}
    pages = list(sample_output.glob(page_glob))
    assert pages, page_glob
    built = "".join(_page_text(p) for p in pages)
    missing = [
        line
        for line in text.splitlines()
        if _squeeze(line) and _squeeze(line) not in boilerplate and _squeeze(line) not in built
    ]
    assert missing == []


def test_publications_list_and_calendar(sample_output):
    listing = _page_text(sample_output / "publications/index.html")
    assert "辽源日报" in listing and "研究与交流" in listing
    calendar = BeautifulSoup(
        (sample_output / "publications/辽源日报/index.html").read_text(encoding="utf-8"),
        "html.parser",
    )
    text = calendar.get_text()
    assert "2022" in text and "4" in text
    issue_links = [
        a["href"]
        for a in calendar.find_all("a")
        if "/publications/" in a["href"] and "/2022/04/06/" in a["href"]
    ]
    assert issue_links


def test_issue_page_lists_articles_in_page_order_then_full_text(sample_output):
    [issue] = list(sample_output.glob("publications/*/2022/04/06/*/index.html"))
    soup = BeautifulSoup(issue.read_text(encoding="utf-8"), "html.parser")
    text = soup.get_text()
    first, second = text.find("精锐尽出"), text.find("携手共赴战场")
    assert 0 < first < second
    assert "于蕊" in text
    links = [a["href"] for a in soup.find_all("a")]
    assert any(h.endswith(".txt") for h in links)  # the original text
    assert text.count("精锐尽出") >= 2  # in the article list and in the full text


def test_article_page_links_back_to_its_issue_and_original(sample_output):
    [page] = [
        p for p in sample_output.glob("2022/04/06/*/index.html") if "精锐尽出" in p.parent.name
    ]
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    hrefs = [a["href"] for a in soup.find_all("a")]
    assert any("/publications/" in h and "/2022/04/06/" in h for h in hrefs)
    assert any(h.endswith("original-001_04f274599497d5f7.txt") for h in hrefs)
    assert "辽源日报" in soup.get_text()
