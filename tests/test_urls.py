import datetime as dt
import re
from urllib.parse import quote, unquote

import pytest
from conftest import post
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen import urls
from sitegen.slugs import slugify


@settings(derandomize=True, max_examples=300)
@given(st.text().filter(lambda p: "://" not in p and not p.startswith(("mailto:", "#", "//"))))
def test_links_are_encoded_exactly_as_quote_would(path):
    assert urls.href(path, "/") == quote("/" + path.lstrip("/"), safe="/:@!$'()*+,;~-._")


def test_archive_links_under_a_sub_path():
    assert urls.href("2022/04/08/清零/", "/archive/") == "/archive/2022/04/08/%E6%B8%85%E9%9B%B6/"
    assert urls.absolute("2022/04/", "https://example.org/archive/") == (
        "https://example.org/archive/2022/04/"
    )
    assert urls.href("https://other.example/x y", "/") == "https://other.example/x y"


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example/a?b=1&c=2",
        "http://x.cn/",
        "mailto:editor@example.org",
        "/2022/04/08/标题/",
        "images/a.png",
        "../a.png",
        "#fn1",
        "//cdn.example/x.png",
        "a/b:c",
        "?page=2",
    ],
)
def test_the_policy_keeps_links_that_only_lead_somewhere(url):
    assert urls.safe_url(url) == url
    assert urls.safe_url(f"  {url}\n") == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "\x01javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "java\x00script:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;avascript:alert(1)",
        "&#0000106avascript:alert(1)",
        "javascript&colon;alert(1)",
        "vbscript:msgbox(1)",
        "VBScript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "data:image/svg+xml;base64,PHN2Zz4=",  # an image, but not in src
        "file:///etc/passwd",
        "ftp://example.org/x",
    ],
)
def test_the_policy_drops_every_spelling_of_a_url_that_runs_or_leaves_the_web(url):
    assert urls.safe_url(url, "href") is None


def test_data_images_only_in_src():
    image = "data:image/png;base64,iVBORw0KGgo="
    assert urls.safe_url(image, "src") == image
    assert urls.safe_url(image, "href") is None
    assert urls.safe_url("data:text/html;base64,PHNjcmlwdD4=", "src") is None


def test_links_and_full_urls_go_through_the_policy():
    assert urls.href("javascript://%0aalert(1)", "/") == ""
    assert urls.absolute("javascript://%0aalert(1)", "https://example.org/") == ""
    assert urls.href("https://ok.example/", "/") == "https://ok.example/"
    # Not a URL elsewhere: a path of this site, whatever it is called.
    assert urls.href("javascript:x", "/") == "/javascript:x"


def test_site_rooted_links_in_bodies_follow_the_base_path():
    body = (
        '<p><img src="/web/a.png" srcset="/web/a.png 1x, //cdn.example/b.png 2x">'
        '<a href="/2022/04/08/x/">x</a> <a href="//cdn.example/c">c</a> '
        '<a href="https://e.example/">e</a> <a href="rel/d">d</a> 文字 ="/不是链接</p>'
    )
    assert urls.rebase(body, "/") is body
    assert urls.rebase(body, "/archive/") == (
        '<p><img src="/archive/web/a.png" srcset="/archive/web/a.png 1x, //cdn.example/b.png 2x">'
        '<a href="/archive/2022/04/08/x/">x</a> <a href="//cdn.example/c">c</a> '
        '<a href="https://e.example/">e</a> <a href="rel/d">d</a> 文字 ="/不是链接</p>'
    )


# Portable names: every file or folder name a URL gives passes through
# urls.portable_segment, so that a site copied to Windows or macOS is the same.

LONG_CHINESE = "档" * 300  # 900 UTF-8 bytes


@pytest.mark.parametrize(
    ("name", "portable"),
    [
        ("CON", "CON-"),
        ("con", "con-"),
        ("con.html", "con-.html"),
        ("aux.html", "aux-.html"),
        ("Nul.txt", "Nul-.txt"),
        ("com1.tar.gz", "com1-.tar.gz"),
        ("LPT1", "LPT1-"),
        ("lpt9.xml", "lpt9-.xml"),
        ("com¹", "com¹-"),
        ("LPT³.txt", "LPT³-.txt"),
        ("CONOUT$", "CONOUT$-"),
        ("CON.", "CON-"),
        ("aux .html", "aux -.html"),
        ("a.", "a"),
        ("a ", "a"),
        ("a. . ", "a"),
        ("...", "untitled"),
        (" ", "untitled"),
        ("", "untitled"),
        ("a<b", "a-b"),
        ('a>b:c"d|e?f*g', "a-b-c-d-e-f-g"),
        ("a/b\\c", "a-b-c"),
        ("tab\there\x00\x1f", "tab-here--"),
        ("my post", "my post"),
        ("吉林 辽源 新闻", "吉林 辽源 新闻"),
        ("吉林辽源-披星戴月再集结", "吉林辽源-披星戴月再集结"),
        ("normal-name", "normal-name"),
        ("index.html", "index.html"),
        ("atom.xml", "atom.xml"),
        ("console", "console"),
        ("com10", "com10"),
        ("auxiliary.html", "auxiliary.html"),
        ("a.con", "a.con"),
        (".htaccess", ".htaccess"),
        ("Cafe\u0301", "Café"),  # NFC: macOS would see both spellings as one name
    ],
)
def test_portable_names(name, portable):
    assert urls.portable_segment(name) == portable


def test_long_names_are_cut_on_a_character_with_a_stable_hash():
    cut = urls.portable_segment(LONG_CHINESE)
    assert len(cut.encode("utf-8")) <= 255
    assert cut.startswith("档" * 80) and cut[-9] == "-" and cut[-8:].isalnum()
    assert urls.portable_segment(LONG_CHINESE) == cut  # stable
    other = urls.portable_segment("档" * 299 + "案")
    assert other != cut and other[:-8] == cut[:-8]  # same start, apart by the hash
    assert urls.portable_segment("x" * 255) == "x" * 255  # 255 bytes fit
    assert len(urls.portable_segment("x" * 256).encode("utf-8")) == 255
    named = urls.portable_segment("y" * 300 + ".xml")
    assert named.endswith(".xml") and len(named.encode("utf-8")) <= 255
    emoji = urls.portable_segment("😀" * 100)  # 4 bytes each: cut between, never inside
    assert len(emoji.encode("utf-8")) <= 255 and emoji[:-9] == "😀" * 61


@settings(derandomize=True, max_examples=300)
@given(st.text(min_size=0, max_size=400))
def test_portable_names_are_portable_and_stay_so(name):
    portable = urls.portable_segment(name)
    assert portable and len(portable.encode("utf-8")) <= 255
    assert not set(portable) & set('<>:"/\\|?*') and all(ord(c) > 31 for c in portable)
    assert not portable.endswith((".", " "))
    assert portable.partition(".")[0].rstrip(" ").upper() not in urls.DEVICES
    assert urls.portable_segment(portable) == portable


def test_every_url_builder_gives_portable_names():
    date = dt.datetime(2022, 4, 8)
    assert urls.permalink("{year}/{month}/{day}/{slug}/", date, "CON-", ()) == "2022/04/08/CON-/"
    assert urls.permalink("aux./{slug}/", date, "x", ()) == "aux-/x/"
    assert urls.permalink("{category}/{slug}/", date, "x", ("PRN", "a b")) == "PRN-/a-b/x/"
    assert urls.tag_url("nul") == "tags/nul-/"
    assert urls.category_url(("CON", "lpt1")) == "categories/CON-/lpt1-/"
    assert urls.publication_url("aux") == "publications/aux-/"
    assert urls.issue_url("com1", date, "a.") == "publications/com1-/2022/04/08/a/"
    assert urls.portable_path("2022/04/08/吉林 辽源/") == "2022/04/08/吉林 辽源/"
    assert urls.portable_path("a./CON/b<c/index.html") == "a/CON-/b-c/index.html"


def test_slugs_are_portable_names():
    assert slugify("CON") == "CON-"
    assert slugify("com¹") == "com1-"  # NFKC first: ¹ is 1
    assert slugify("trailing.") == "trailing"
    long = slugify(LONG_CHINESE, max_length=200)
    assert len(long.encode("utf-8")) <= 255 and long == urls.portable_segment(long)
    assert slugify("档" * 500) == "档" * 60  # the default bound: 180 bytes, kept as it was


def test_a_site_with_windows_names_builds_the_same_everywhere(make_site, build_site):
    long_a, long_b = "长" * 199 + "甲", "长" * 199 + "乙"
    site = make_site(
        {
            "con.md": post("设备名", body="正文 CON。", slug="CON", tags="nul"),
            "aux.md": post("另一个设备名", body="正文 aux。", slug="aux"),
            "dot.md": post("末尾的点", body="正文 dot。", slug="trailing."),
            "long-a.md": post(long_a, body="长标题甲。"),
            "long-b.md": post(long_b, body="长标题乙。"),
        },
        config="slug_max_length: 250\n",
    )
    result, reporter, out = build_site(site)
    assert result.ok, result.failures
    hashed = urls.portable_segment
    expected = {
        "2022/04/08/CON-/",
        "2022/04/08/aux-/",
        "2022/04/08/trailing/",
        f"2022/04/08/{hashed(long_a)}/",
        f"2022/04/08/{hashed(long_b)}/",
    }
    assert len({u.casefold() for u in expected}) == 5  # the long titles stay apart
    for url in expected:
        assert (out / urls.output_path(url)).is_file(), url
    assert (out / "tags/nul-/index.html").is_file()
    # Every file and folder of the site has a portable name.
    for path in out.rglob("*"):
        name = path.name
        assert urls.portable_segment(name) == name, path
        assert len(name.encode("utf-8")) <= 255
    # Pages link to those files: each post link on the home page leads to one.
    home = (out / "index.html").read_text(encoding="utf-8")
    linked = {unquote(h).lstrip("/") for h in re.findall(r'href="(/2022/04/08/[^"]*)"', home)}
    assert linked == expected
    # The author of `slug: CON` and `slug: aux` learns their URL differs, once each.
    changed = [w for w in reporter.warnings if "is published as" in w]
    assert len(changed) == 2
    assert any("content/con.md" in w and "'CON-'" in w for w in changed)
    assert any("content/aux.md" in w and "'aux-'" in w for w in changed)


@pytest.mark.parametrize(
    ("url", "runs"),
    [
        ("data:application/x-bibtex;charset=utf-8,%40article", False),
        ("data:application/x-research-info-systems;charset=utf-8,TY", False),
        ("data:application/vnd.citationstyles.csl+json;charset=utf-8,%5B", False),
        ("data:text/html;charset=utf-8,<script>", True),
        ("data:application/x-bibtex-but-html,<script>", True),
        ("DATA:image/svg+xml,<svg onload=alert(1)>", False),  # an image only: see safe_url
    ],
)
def test_only_citation_downloads_and_images_are_data_urls_that_run_nothing(url, runs):
    from sitegen.urls import runs_code

    assert runs_code(url) is runs
