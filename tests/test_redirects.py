"""Old addresses lead on: a document's `aliases:` and `redirects_from` each get a
redirect page (meta refresh, canonical link, visible link) and a `_redirects` line,
built end to end as a reader and a host would meet them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from conftest import post


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def targets(page: Path) -> tuple[str, str, list[str]]:
    """A redirect page's refresh target, canonical URL and visible links."""
    html = soup(page)
    refresh = html.find("meta", attrs={"http-equiv": "refresh"})
    delay, _, url = refresh["content"].partition(";")
    assert delay.strip() == "0" and url.strip().startswith("url="), refresh
    canonical = html.find("link", rel="canonical")["href"]
    links = [a["href"] for a in html.body.find_all("a")]
    return url.strip()[len("url=") :], canonical, links


def file_of(out: Path, href: str, base_path: str = "/") -> Path:
    """The file in `out` a browser gets for `href` (a path under the base path)."""
    path = urlsplit(href).path
    assert path.startswith(base_path), (href, base_path)
    rel = unquote(path[len(base_path) :])
    return out / rel / "index.html" if rel.endswith("/") or not rel else out / rel


def follow(out: Path, old_rel: str, base_path: str = "/") -> Path:
    """The page the redirect page at `old_rel` sends the reader to; its three
    links must agree."""
    refresh, canonical, links = targets(out / old_rel)
    assert links == [refresh]
    assert urlsplit(canonical).path == refresh and urlsplit(canonical).scheme
    return file_of(out, refresh, base_path)


def title_of(page: Path) -> str:
    return soup(page).find("h1").get_text(strip=True)


def article(page: Path) -> str:
    return soup(page).find("article").get_text(" ", strip=True)


def write(site: Path, name: str, text: str) -> None:
    (site / "content" / name).write_text(text, encoding="utf-8")


ALIASED = {
    "a.md": post("疫情通报", aliases="旧/通报.html"),
    "b.md": post("核酸检测", "2022-04-09 09:00:00", aliases="[/old/b/, 2020/检测/]"),
}
# each alias's file, and the post (title and current URL) it leads to
ALIAS_FILES = {
    "旧/通报.html": ("疫情通报", "2022/04/08/疫情通报/"),
    "old/b/index.html": ("核酸检测", "2022/04/09/核酸检测/"),
    "2020/检测/index.html": ("核酸检测", "2022/04/09/核酸检测/"),
}


@pytest.mark.parametrize(
    "base_url", ["http://127.0.0.1:8000/", "https://example.org/archive/"], ids=["root", "sub"]
)
def test_every_alias_sends_the_reader_to_the_post_it_names(make_site, build_site, base_url):
    site = make_site(ALIASED, f"base_url: {base_url}\n")
    result, reporter, out = build_site(site)
    assert result.ok and reporter.warnings == []
    base_path = urlsplit(base_url).path
    for rel, (title, url) in ALIAS_FILES.items():
        refresh, canonical, links = targets(out / rel)
        expected = base_path + quote(url)
        assert refresh == expected and links == [expected], rel
        assert canonical == base_url + quote(url), rel
        landed = follow(out, rel, base_path)
        assert landed == out / url / "index.html" and title_of(landed) == title, rel
        assert refresh.isascii() and canonical.isascii(), "percent-encoded"


def test_redirects_from_the_old_pattern_keeps_every_old_post_address(make_site, build_site):
    site = make_site(
        {
            "a.md": post("疫情通报", categories="[新闻]", body="第一篇。"),
            "b.md": post("核酸检测", "2022-04-09 09:00:00", body="第二篇。"),
            "c.md": post("Zero Case", "2021-12-31 23:00:00", slug="zero", body="第三篇。"),
        },
        "abbrlink: {alg: crc16, rep: hex}\n",
    )
    _, _, out = build_site(site)
    old = {p.relative_to(out).as_posix(): article(p) for p in out.glob("20*/*/*/*/index.html")}
    assert len(old) == 3, old
    with (site / "site.yml").open("a", encoding="utf-8") as yml:
        yml.write('permalink: p/:abbrlink.html\nredirects_from: "{year}/{month}/{day}/{slug}/"\n')
    result, reporter, _ = build_site(site)
    assert result.ok and reporter.warnings == []
    landed = set()
    for rel, text in old.items():
        new = follow(out, rel)
        assert re.fullmatch(r"p/[0-9a-f]{1,4}\.html", new.relative_to(out).as_posix()), new
        assert article(new) == text, rel
        landed.add(new)
    assert len(landed) == 3


def test_redirects_from_hexo_on_a_sitegen_site(make_site, build_site):
    """Hexo's default permalink names a post by its file; Hexo's archive had later
    pages, each of which leads to a list showing the post it began with."""
    site = make_site(
        {
            "hello-world.md": post("你好世界"),
            "second-post.md": post("第二篇", "2022-04-09 09:00:00"),
        },
        "redirects_from: hexo\nper_page: 1\n",
    )
    result, reporter, out = build_site(site)
    assert result.ok and reporter.warnings == []
    assert title_of(follow(out, "2022/04/08/hello-world/index.html")) == "你好世界"
    assert title_of(follow(out, "2022/04/09/second-post/index.html")) == "第二篇"
    archive = follow(out, "archives/page/2/index.html")  # Hexo's page 2: the older post
    assert "http-equiv" not in archive.read_text("utf-8"), "a list, not another redirect"
    shown = soup(archive).find_all("a", href="/2022/04/08/%E4%BD%A0%E5%A5%BD%E4%B8%96%E7%95%8C/")
    assert shown, "the list Hexo's page 2 leads to shows the post that page began with"


def redirect_lines(out: Path) -> list[list[str]]:
    return [line.split(" ") for line in (out / "_redirects").read_text("utf-8").splitlines()]


def redirect_pages(out: Path) -> set[str]:
    """The redirect pages of old addresses: not the documents' own /id/ pages,
    which `_redirects` leaves out (test_ids.py covers them)."""
    return {
        p.relative_to(out).as_posix()
        for p in out.rglob("*.html")
        if ".sitegen" not in p.parts
        and p.relative_to(out).parts[0] != "id"
        and soup(p).find("meta", attrs={"http-equiv": "refresh"})
    }


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:8000/", "https://example.org/archive/"])
def test_redirects_file_has_one_old_new_301_line_per_redirect_page(make_site, build_site, base_url):
    site = make_site(ALIASED, f"base_url: {base_url}\n")
    _, _, out = build_site(site)
    base_path = urlsplit(base_url).path
    lines = redirect_lines(out)
    assert all(len(line) == 3 and line[2] == "301" for line in lines), lines
    assert sorted(file_of(out, old, base_path) for old, _, _ in lines) == sorted(
        out / rel for rel in redirect_pages(out)
    )
    assert redirect_pages(out) == set(ALIAS_FILES)
    for old, new, _ in lines:
        assert old.isascii() and new.isascii(), "percent-encoded"
        assert targets(file_of(out, old, base_path))[0] == new


def test_without_redirects_there_is_no_redirects_file(make_site, build_site):
    site = make_site({"a.md": post("甲")})
    _, _, out = build_site(site)
    assert not (out / "_redirects").exists()
    write(site, "a.md", post("甲", aliases="/old/"))
    build_site(site)
    assert len(redirect_lines(out)) == 1
    write(site, "a.md", post("甲"))
    build_site(site)
    assert not (out / "_redirects").exists() and not (out / "old").exists()


def test_an_alias_that_is_another_pages_address_warns_and_leaves_that_page(make_site, build_site):
    site = make_site(
        {
            "a.md": post("甲", aliases="[/2022/04/09/乙/, tags/, atom.xml, /own/]"),
            "b.md": post("乙", "2022-04-09 09:00:00"),
        }
    )
    result, reporter, out = build_site(site)
    assert result.ok
    assert title_of(out / "2022/04/09/乙/index.html") == "乙"
    assert not soup(out / "tags/index.html").find("meta", attrs={"http-equiv": "refresh"})
    assert (out / "atom.xml").read_text("utf-8").startswith("<?xml")
    warnings = [str(w) for w in reporter.warnings]
    assert any("content/a.md" in w and "/2022/04/09/乙/" in w for w in warnings), warnings
    assert any("content/a.md" in w and "/tags/" in w for w in warnings), warnings
    assert any("no redirect from /atom.xml" in w for w in warnings), warnings
    assert redirect_pages(out) == {"own/index.html"}
    assert [line[0] for line in redirect_lines(out)] == ["/own/"]


def test_an_alias_that_is_a_copied_file_warns_and_keeps_the_file(make_site, build_site):
    """An image of the content, or the theme's stylesheet, is a file another part
    of the build holds: the redirect gives way, as it does to atom.xml."""
    site = make_site(
        {"a.md": post("甲", aliases="[img/x.png, static/style.css]"), "img/x.png": b"\x89PNG"}
    )
    _, reporter, out = build_site(site)
    assert (out / "img/x.png").read_bytes() == b"\x89PNG"
    assert (out / "static/style.css").read_bytes() == (
        Path(__file__).parent.parent / "themes/default/static/style.css"
    ).read_bytes()
    warnings = [str(w) for w in reporter.warnings]
    assert any("no redirect from /img/x.png" in w for w in warnings), warnings
    assert any("no redirect from /static/style.css" in w for w in warnings), warnings


LOC = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"


def test_redirects_are_in_neither_the_sitemap_nor_the_search_index(make_site, build_site):
    site = make_site({"a.md": post("甲", aliases="[legacy-addr/, old/甲.html]")})
    _, _, out = build_site(site)
    assert redirect_pages(out) == {"legacy-addr/index.html", "old/甲.html"}
    listed = " ".join(
        loc.text for p in out.glob("sitemap*.xml") for loc in ElementTree.parse(p).iter(LOC)
    )
    assert quote("2022/04/08/甲/") in listed
    assert "legacy-addr" not in listed and quote("old/甲") not in listed
    docs = [json.loads(p.read_text("utf-8")) for p in (out / "search" / "docs").glob("*.json")]
    assert [doc["u"] for doc in docs] == [quote("2022/04/08/甲/")]
    for path in (out / "search").rglob("*"):
        if path.is_file():
            assert "legacy-addr" not in path.read_text("utf-8"), path


def test_a_rebuild_leaves_redirect_pages_alone_and_a_removed_alias_takes_its_page(
    make_site, build_site
):
    site = make_site(
        {"a.md": post("甲", aliases="[/one/, /two/]"), "b.md": post("乙", "2022-04-09")}
    )
    _, _, out = build_site(site)
    pages = {rel: (out / rel).read_bytes() for rel in ("one/index.html", "two/index.html")}
    past = (1_000_000_000, 1_000_000_000)
    for rel in pages:
        os.utime(out / rel, past)
    build_site(site)  # nothing changed
    write(site, "b.md", post("乙", "2022-04-09", body="改过的正文。"))
    build_site(site)  # another post changed
    for rel, data in pages.items():
        assert (out / rel).read_bytes() == data
        assert (out / rel).stat().st_mtime == past[1], f"{rel} was written again"
    write(site, "a.md", post("甲", aliases="[/two/]"))
    build_site(site)
    assert not (out / "one").exists()
    assert (out / "two/index.html").read_bytes() == pages["two/index.html"]
    assert [line[0] for line in redirect_lines(out)] == ["/two/"]


def test_a_bad_redirects_from_is_a_one_line_error_naming_site_yml(make_site):
    site = make_site({"a.md": post()}, "base_url: http://example.org/\nredirects_from: nonsense\n")
    run = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", "--site", str(site)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert "site.yml:4:" in lines[0] and "redirects_from" in lines[0] and "nonsense" in lines[0]
    assert "Traceback" not in run.stderr
    assert not (site / "output").exists()
