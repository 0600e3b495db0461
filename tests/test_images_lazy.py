"""Lazy-loaded pictures: `<img src="blank.gif" data-src="real.jpg">`, or no src.

Scraped pages were saved before their lazy-loading script put the real
address in `src`; the sanitiser drops every `data-` attribute, so without
help the page would show the stand-in, or nothing. These tests follow such
pictures from the text to `sitegen images`, the built page and a browser
with the picture host gone, and through `sitegen import --images` of a saved
web page.
"""

from __future__ import annotations

import functools
import re
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import post
from test_images_site import IMAGES, Quiet, no_delay, serving  # noqa: F401 (a fixture)

from sitegen.cli import main
from sitegen.images import image_urls, load_manifest
from sitegen.sources.markup import Markup, stand_in

host = serving(IMAGES)
GIF = "data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="


def value(tag: str, name: str) -> str | None:
    found = re.search(rf'\s{name}="([^"]*)"', tag)
    return found.group(1) if found else None


def shown(html: str) -> list[tuple[str | None, str | None]]:
    """(src, srcset) of each image the sanitised HTML shows."""
    tags = re.findall(r"<(?:img|source)\s[^>]*>", html)
    return [(value(t, "src"), value(t, "srcset")) for t in tags]


@pytest.mark.parametrize(
    "written, src",
    [
        (f'<img src="{GIF}" data-src="https://a.cn/1.jpg">', "https://a.cn/1.jpg"),
        ('<img data-original="https://a.cn/2.jpg" alt="x">', "https://a.cn/2.jpg"),
        ('<img src="/static/blank.gif" data-lazy-src="https://a.cn/3.jpg">', "https://a.cn/3.jpg"),
        ('<img src="img/grey-1x1.png" data-src="//a.cn/4.png">', "//a.cn/4.png"),
        (
            '<img src="https://cdn.cn/lazyload_placeholder.gif?v=2" data-original="https://a.cn/5.gif">',
            "https://a.cn/5.gif",
        ),
        ("<img src='' data-actualsrc=https://a.cn/6.jpg>", "https://a.cn/6.jpg"),
        ('<img src="about:blank" data-echo="https://a.cn/7.jpg">', "https://a.cn/7.jpg"),
        (
            '<img src="https://a.cn/8-large.jpg" data-src="https://a.cn/8-small.jpg">',
            "https://a.cn/8-large.jpg",
        ),  # a real src stays
        ('<img src="https://a.cn/9.jpg" data-src="javascript:alert(1)">', "https://a.cn/9.jpg"),
        (
            '<img src="https://a.cn/tags.jpg" data-src="https://a.cn/tags-b.jpg">',
            "https://a.cn/tags.jpg",
        ),  # not a stand-in's name
    ],
)
def test_a_lazy_image_shows_its_real_address(written, src):
    assert shown(Markup().to_html(f"<div><p>{written}</p></div>")) == [(src, None)]


def test_a_lazy_srcset_and_picture_sources_are_promoted_and_dangerous_ones_dropped():
    html, dropped = Markup().convert(
        '<picture><source data-srcset="https://a.cn/1.webp 1x, https://a.cn/2.webp 2x">'
        f'<img src="{GIF}" data-src="https://a.cn/1.jpg" data-srcset="https://a.cn/1.jpg 1x">'
        '</picture>\n\n<img data-src="javascript:alert(1)" alt="坏">\n\n正文'
    )
    assert shown(html) == [
        (None, "https://a.cn/1.webp 1x, https://a.cn/2.webp 2x"),
        ("https://a.cn/1.jpg", "https://a.cn/1.jpg 1x"),
        (None, None),
    ]
    assert dropped == ["javascript:alert(1)"]  # the user is told, as for any src


def test_stand_ins_by_general_rules():
    for name in (
        "",
        "data:image/png;base64,iVBO",
        "about:blank",
        "/s/blank.gif",
        "spacer.gif",
        "https://x.cn/images/loading.svg",
        "transparent.png",
        "pixel.gif",
        "1x1.png",
    ):
        assert stand_in(name), name
    for name in ("https://x.cn/photo.jpg", "/2022/04/spacecraft.png", "dotted-line.png"):
        assert not stand_in(name), name


def test_sitegen_images_finds_the_lazy_addresses():
    text = (
        f'<img src="{GIF}" data-src="https://a.cn/1.jpg">'
        '<img data-original="https://a.cn/2.jpg"><img data-lazy-src="https://a.cn/3.jpg">'
        '<img src="/blank.gif" data-srcset="https://a.cn/4.jpg 1x, https://a.cn/5.jpg 2x">'
    )
    assert [f.url for f in image_urls(text)] == [f"https://a.cn/{n}.jpg" for n in range(1, 6)]


PAGE = "2022/04/08/懒加载/index.html"


def lazy_site(make_site, base: str) -> Path:
    body = (
        f'<div><p><img src="{GIF}" data-src="{base}/img/a.png" alt="一"></p>'
        f'<p><img data-original="{base}/proxy/?{base}/img/b.png" alt="二"></p>'
        f'<p><img src="/static/blank.gif" data-lazy-src="{base}/img/gone.png" alt="三"></p></div>'
    )
    return make_site({"posts/a.md": post("懒加载", body=body)})


def invoke(*arguments: str):
    return CliRunner().invoke(main, list(arguments))


def test_the_built_page_shows_the_kept_copy_or_the_real_address(make_site, host):
    base, _, _ = host
    site = lazy_site(make_site, base)
    run = invoke("images", "--site", str(site), "--allow-private")
    assert "3 image(s) found: 0 already stored, 2 fetched, 1 failed" in run.output, run.output
    assert invoke("build", "--site", str(site)).exit_code == 0
    html = (site / "output" / PAGE).read_text(encoding="utf-8")
    tags = {re.search(r'alt="(.)"', t)[1]: t for t in re.findall(r"<img\s[^>]*>", html)}
    for alt, published in (("一", f"{base}/img/a.png"), ("二", f"{base}/proxy/?{base}/img/b.png")):
        assert re.search(r'src="/assets/images/[0-9a-f]{2}/[0-9a-f]{64}\.png"', tags[alt])
        assert f'data-original-src="{published}"' in tags[alt]
    assert f'src="{base}/img/gone.png"' in tags["三"]  # not kept: the real address, not blank.gif
    assert 'referrerpolicy="no-referrer"' in tags["三"]
    assert "blank.gif" not in html and "data:image/gif" not in html


def test_a_lazy_picture_element_points_at_the_kept_copies(make_site, host):
    base, _, _ = host
    body = (
        f'<div><picture><source data-srcset="{base}/img/a.png 1x, {base}/img/cover.png 2x">'
        f'<img src="{GIF}" data-src="{base}/img/b.png" alt="图"></picture></div>'
    )
    site = make_site({"posts/a.md": post("懒加载", body=body)})
    assert invoke("images", "--site", str(site), "--allow-private").exit_code == 0
    assert invoke("build", "--site", str(site)).exit_code == 0
    html = (site / "output" / PAGE).read_text(encoding="utf-8")
    [(_, sources), (img, _)] = shown(html[html.index("<picture>") :])
    kept = r"/assets/images/[0-9a-f]{2}/[0-9a-f]{64}\.png"
    assert re.fullmatch(rf"{kept} 1x, {kept} 2x", sources), sources
    assert re.fullmatch(kept, img)
    published = f'data-original-srcset="{base}/img/a.png 1x, {base}/img/cover.png 2x"'
    assert published in html  # the addresses it was published under stay in the page


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium")
def test_a_browser_shows_the_lazy_pictures_with_their_host_gone(make_site, host):
    sync_api = pytest.importorskip("playwright.sync_api")
    from test_search_browser import ARGS, CHROMIUM

    base, _, stop = host
    site = lazy_site(make_site, base)
    invoke("images", "--site", str(site), "--allow-private")
    assert invoke("build", "--site", str(site)).exit_code == 0
    stop()
    out = str(site / "output")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=out))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{server.server_port}/{PAGE}")
                widths = page.evaluate(
                    """() => Promise.all([...document.querySelectorAll('.prose img')].map(
                        async i => { i.scrollIntoView(); await i.decode().catch(() => null);
                                     return [i.alt, i.naturalWidth]; }))"""
                )
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert dict(widths) == {"一": 3, "二": 2, "三": 0}  # 三 was never kept; its host is gone


def test_import_of_a_saved_page_keeps_its_lazy_pictures(make_site, host, tmp_path):
    """A saved web page whose pictures are all lazy: `sitegen import --images`
    writes them with their real addresses and keeps them."""
    base, _, _ = host
    prose = "这是一段很长的新闻正文内容，用来让正文提取器认出这是文章的主体部分。" * 3
    page = tmp_path / "page.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>懒加载的新闻</title>"
        '<meta property="og:url" content="https://news.example.cn/a/1.html"></head><body>'
        f"<article><h1>懒加载的新闻</h1><p>{prose}</p>"
        f'<p><img src="{GIF}" data-src="{base}/img/a.png" alt="图一"></p><p>{prose}</p>'
        f'<p><img data-original="{base}/img/b.png" alt="图二"></p><p>{prose}</p>'
        "</article></body></html>",
        encoding="utf-8",
    )
    site = make_site({})
    run = invoke(
        "import", str(page), "--site", str(site), "--kind", "html", "--images", "--allow-private"
    )
    assert run.exit_code == 0, run.output
    assert "2 image(s) found: 0 already stored, 2 fetched" in run.output
    assert set(load_manifest(site / "content").records) == {
        f"{base}/img/a.png",
        f"{base}/img/b.png",
    }
