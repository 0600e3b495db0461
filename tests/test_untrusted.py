"""End to end: a site whose front matter and bodies come from unreviewed scrapes
and feeds. Every URL on every page leads somewhere and runs nothing, odd HTML
is shown as the browser would show it, and the user is told what was dropped."""

from __future__ import annotations

import html
import re

import pytest
from bs4 import BeautifulSoup
from conftest import post
from test_search_browser import browser, serve  # noqa: F401 - fixtures

# What a browser saves or shows as text and never runs, as `data:` (the
# citation downloads of a post page): nothing else `data:` may stand in a page.
SAVED_ONLY = (
    "data:application/x-bibtex;",
    "data:application/x-research-info-systems;",
    "data:application/vnd.citationstyles.csl+json;",
)


def runs_code(url: str) -> bool:
    """This test's own reading of a URL, as a browser reads its scheme."""
    spelled = re.sub(r"[\x00-\x20]", "", html.unescape(url)).lower()
    if spelled.startswith(SAVED_ONLY):
        return False
    return spelled.startswith(("javascript:", "vbscript:", "data:"))


HOSTILE = {
    "link.md": post("链接", link="javascript:alert('L')", original="' &#106;avascript:alert(2)'"),
    "cover.md": post(
        "封面",
        cover='"java\\tscript:alert(3)"',
        headimg="https://img.example/a.png",
        extra="vbscript:msgbox(4)",
    ),
    "proxied.md": post("代理", cover="https://cors.example/?javascript:alert(5)"),
    "body.md": post(
        "正文",
        body='<img src=x.png onerror=alert("B1")> 图片说明\n\n'
        '<a href="JaVaScRiPt:alert(6)">甲</a> <a href=" &#106;avascript:alert(7)">乙</a> '
        "[丙](vbscript:alert(8)) <b>未闭合 a < b\n",
    ),
    "no.md": post("x", body="正文。").replace("title: 'x'", "title: NO\nauthor: off"),
}
CONFIG = "image_proxies: ['https://cors.example/?']\n"
URL_ATTRIBUTES = ("href", "src", "srcset", "poster", "action", "formaction", "xlink:href")


@pytest.fixture
def hostile_site(make_site, build_site):
    site = make_site(HOSTILE, config=CONFIG)
    result, reporter, out = build_site(site)
    assert result.ok
    return site, reporter, out


@pytest.mark.filterwarnings("ignore::bs4.XMLParsedAsHTMLWarning")  # feeds: attributes alike
def test_no_page_or_feed_holds_a_url_that_runs_code(hostile_site):
    _, _, out = hostile_site
    checked = 0
    for path in [*out.rglob("*.html"), *out.rglob("*.xml")]:
        soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        for tag in soup.find_all(True):
            for name in URL_ATTRIBUTES:
                for url in str(tag.get(name) or "").split(","):
                    checked += 1
                    assert not runs_code(url.strip()), f"{path}: <{tag.name} {name}={url!r}>"
    assert checked > 100


def test_each_dropped_url_is_one_line_naming_file_and_field(hostile_site):
    _, reporter, _ = hostile_site
    dropped = sorted(w for w in reporter.warnings if "dropped the URL" in w)
    assert [w.split(": ")[0] + ": " + w.split(": ")[1].split(":")[0] for w in dropped] == [
        "content/body.md:8: body",
        "content/body.md:8: body",
        "content/body.md:8: body",
        "content/cover.md:4: `cover`",
        "content/cover.md:6: `extra`",
        "content/link.md:4: `link`",
        "content/link.md:5: `original`",
    ]
    assert all("\n" not in w for w in dropped)


def test_odd_html_is_parsed_not_shown_as_markup(hostile_site):
    _, _, out = hostile_site
    page = next(out.glob("2022/04/08/正文/index.html")).read_text("utf-8")
    soup = BeautifulSoup(page, "html.parser")
    prose = soup.select_one(".prose")
    assert prose.find("img")["src"] == "x.png"
    assert "&lt;img" not in page and "onerror" not in page
    assert "未闭合 a < b" in prose.get_text()
    described = (
        soup.find("meta", attrs={"name": "description"}),
        soup.find(property="og:description"),
    )
    for meta in described:
        assert meta["content"].startswith("图片说明 甲 乙 丙")
    feed = (out / "atom.xml").read_text("utf-8")
    summary = re.search(r"<summary>(图片说明[^<]*)</summary>", feed)
    assert summary and "&lt;" not in summary.group(1).replace("a &lt; b", "")


def test_texts_are_shown_as_typed_and_null_never_prints(hostile_site):
    _, _, out = hostile_site
    page = next(out.glob("2022/04/08/NO/index.html")).read_text("utf-8")
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("h1").get_text() == "NO"
    assert soup.select_one(".byline-author").get_text() == "off"
    assert "None" not in soup.get_text() and "False" not in soup.get_text()


def test_the_proxied_cover_keeps_no_link_to_what_it_wraps(hostile_site):
    _, _, out = hostile_site
    page = next(out.glob("2022/04/08/代理/index.html")).read_text("utf-8")
    assert "原图" not in page


def test_in_a_browser_nothing_runs(hostile_site, browser, serve):  # noqa: F811
    _, _, out = hostile_site
    base = serve(out)
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for url in ("2022/04/08/正文/", "2022/04/08/链接/", "2022/04/08/封面/", "2022/04/08/代理/"):
        page.goto(base + url)
        for link in page.locator("main a").all():
            if link.get_attribute("href") is None:
                link.click(timeout=2000)
    page.goto(base + "2022/04/08/正文/")
    assert page.locator(".prose img").count() == 1
    assert page.locator(".prose").inner_text().startswith("图片说明")
    page.close()
    assert dialogs == []


def test_a_build_names_twenty_dropped_urls_and_counts_the_rest(make_site, build_site):
    site = make_site({f"p{i:02}.md": post(f"第{i}篇", link="javascript:x") for i in range(25)})
    _, reporter, _ = build_site(site)
    assert len(reporter.warnings) == 21
    assert reporter.warnings[-1].startswith("5 more URLs dropped; `sitegen check` lists them all")
    (site / "content" / "p24.md").write_text(post("第24篇", body="改过。"), "utf-8")
    _, again, _ = build_site(site)  # the others come from the cache now: told again
    assert again.warnings[:20] == reporter.warnings[:20]
    assert again.warnings[-1].startswith("4 more URLs dropped")
