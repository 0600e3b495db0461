import subprocess
import sys

import pytest
from conftest import SEEDS

from sitegen.sources.markup import Markup, plain_text, unproxy

md = Markup()


def test_markdown_and_raw_html_pass_through():
    html = md.to_html("# 标题\n\n**粗体** 和 *斜体*\n\n<div><p>原始 <em>HTML</em></p></div>\n")
    assert "<h1>标题</h1>" in html
    assert "<strong>粗体</strong>" in html
    assert "<div><p>原始 <em>HTML</em></p></div>" in html


def test_scripts_handlers_and_dangerous_urls_are_removed():
    html = md.to_html(
        '<p onclick="x()">a<script>alert(1)</script>'
        '<a href="javascript:alert(1)">j</a><a href="JaVaScRiPt:alert(1)">J</a>'
        '<a href="jav&#x09;ascript:alert(1)">t</a><a href="data:text/html,x">d</a>'
        '<img src="x.png" onerror="alert(1)"></p>'
        '<iframe src="http://evil"></iframe><form action="/x"><input></form>'
        "<style>body{display:none}</style>"
    )
    lowered = html.lower()
    for bad in (
        "<script",
        "onclick",
        "onerror",
        "javascript:",
        "data:",
        "<iframe",
        "<form",
        "<style",
        "alert(1)</",
    ):
        assert bad not in lowered
    assert '<img src="x.png"' in html


def test_images_tables_figures_links_are_kept():
    html = md.to_html(
        '<figure><img src="http://a/b.png" alt="图"><figcaption>说明</figcaption></figure>'
        '<table><tr><td colspan="2">格</td></tr></table><a href="https://ex.org/">链接</a>'
    )
    assert "<figure>" in html and "<figcaption>说明</figcaption>" in html
    assert '<td colspan="2">格</td>' in html
    assert 'href="https://ex.org/"' in html


def test_images_gain_lazy_loading_and_no_referrer():
    html = md.to_html('<img src="http://a/b.png" referrerpolicy="no-referrer">')
    assert 'loading="lazy"' in html and 'referrerpolicy="no-referrer"' in html
    assert html.count("referrerpolicy") == 1


def test_sanitised_images_are_the_same_bytes_in_every_process():
    """A cold rebuild must not change a page's bytes (deploys would re-upload it)."""
    code = (
        "from sitegen.sources.markup import sanitise;"
        'print(sanitise(\'<p title="<img>"><img src="http://a/b.png" alt="x"></p>\'))'
    )
    runs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
        for _ in range(8)
    }
    assert runs == {
        '<p title="&lt;img&gt;"><img src="http://a/b.png" alt="x"'
        ' loading="lazy" referrerpolicy="no-referrer"></p>\n'
    }


def test_unproxy_and_plain_text():
    proxies = ("https://cors.zfour.workers.dev/?",)
    assert unproxy("https://cors.zfour.workers.dev/?http://a/b.png", proxies) == "http://a/b.png"
    assert unproxy("http://a/b.png", proxies) == "http://a/b.png"
    assert plain_text("<p>a &amp; <b>b</b></p>\n<p>c</p>") == "a & b c"


def test_scraped_html_bodies_skip_markdown_with_the_same_result():
    from bs4 import BeautifulSoup

    from sitegen.sources.frontmatter import split
    from sitegen.sources.markup import is_one_html_block

    body = split((SEEDS / "000_fe0971a0fdafdda3.txt").read_text(encoding="utf-8")).body
    assert is_one_html_block(body)
    fresh = Markup()
    via_markdown = fresh.through_markdown(body)
    assert BeautifulSoup(md.to_html(body).strip(), "html.parser") == BeautifulSoup(
        via_markdown.strip(), "html.parser"
    )


def test_bodies_with_markdown_after_the_block_still_go_through_markdown():
    from sitegen.sources.markup import is_one_html_block

    assert not is_one_html_block("<div>a</div>\n\n**b**")
    assert not is_one_html_block("<div>x</div><div>y</div>")
    assert not is_one_html_block("<div>unclosed")
    assert "<strong>b</strong>" in md.to_html("<div>a</div>\n\n**b**")


@pytest.mark.parametrize(
    ("body", "kept", "text"),
    [
        ('<img src=x onerror=alert("B1")>', '<img src="x"', ""),
        ('文字 <img src=a.png alt=图片 onerror=alert("B1")> 说明', 'alt="图片"', "文字 说明"),
        ("<p>未闭合 <b>粗体\n\n下一段", "<b>粗体", "未闭合 粗体 下一段"),
        ("a < b 且 c > d", "a &lt; b", "a < b 且 c > d"),
        ("<div class=x><p title=a'b>引号</div>", '<p title="a\'b">', "引号"),
        (
            "<a href=https://a.example/?q=1&x=2 onclick=go()>链</a>",
            'href="https://a.example/',
            "链",
        ),
    ],
)
def test_odd_raw_html_is_parsed_as_a_browser_would(body, kept, text):
    html = md.to_html(body)
    assert kept in html
    assert "onerror" not in html and "onclick" not in html and "&lt;img" not in html
    assert plain_text(html) == text


def test_code_spans_keep_their_odd_html_as_text():
    html = md.to_html('`<img src=x onerror=f("a")>` 与 <img src=y onerror=f("b")>')
    assert '<code>&lt;img src=x onerror=f("a")&gt;</code>' in html
    assert '<img src="y"' in html


def test_dropped_urls_are_returned_as_written():
    _, dropped = md.convert(
        '<a href="java&#x09;script:x">a</a> [b](vbscript:y) <a href="/ok">c</a>'
    )
    assert dropped == ["java&#x09;script:x", "vbscript:y"]
