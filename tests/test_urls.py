from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen import urls


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
