"""End to end: build the bundled sample archive and look at the pages."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

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
        if path.endswith("/search/"):
            continue  # the search page arrives with the search issue
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
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/archive/</loc>" in sitemap


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


def test_sample_archive_has_its_slug_collision(tmp_path):
    reporter = BufferReporter()
    build(load_config(REPO, tmp_path / "out"), reporter)
    assert any("also claimed by" in w for w in reporter.warnings)
