"""Hostile and broken content: the build finishes, reports, and stays safe."""

from __future__ import annotations

import os
import time

import pytest
from bs4 import BeautifulSoup
from conftest import post

ALIAS_BOMB = """---
title: 炸弹
date: 2022-04-08
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
tags: [*f,*f,*f,*f,*f,*f,*f,*f,*f]
---
"""

HOSTILE_VALUES = {
    "title": "</title><script>alert(1)</script>",
    "author": "'\"><img src=x onerror=alert(2)>'",
    "tags": "['{{ 7*7 }}', '{% raw %}x', \"{{ config }}\"]",
}


def scripts_from_content(html: str) -> list[str]:
    """Script elements and event handlers that did not come from the theme."""
    soup = BeautifulSoup(html, "html.parser")
    found = [str(s) for s in soup.find_all("script") if "alert" in str(s)]
    for tag in soup.find_all(True):
        found += [f"{tag.name}[{a}]" for a in tag.attrs if a.lower().startswith("on")]
        for attr in ("href", "src"):
            value = "".join(str(tag.get(attr, "")).split()).lower()
            if value.startswith(("javascript:", "data:text")):
                found.append(f"{tag.name}[{attr}={value}]")
    return found


def test_hostile_front_matter_values_are_shown_literally(make_site, build_site):
    meta = {k: v for k, v in HOSTILE_VALUES.items() if k != "title"}
    site = make_site({"x.md": post("</title><script>alert(1)</script>", **meta)})
    result, _, out = build_site(site)
    assert result.ok
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert scripts_from_content(html) == [], page
        assert "49" not in BeautifulSoup(html, "html.parser").get_text().replace("2022", "")
    [page] = [p for p in out.glob("2022/04/08/*/index.html")]
    text = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").get_text()
    assert "</title><script>alert(1)</script>" in text
    assert '"><img src=x onerror=alert(2)>' in text
    assert "{{ 7*7 }}" in text
    feed = (out / "atom.xml").read_text(encoding="utf-8")
    assert "<script>" not in feed


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;&#x61;vascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        " javascript:alert(1)",
        "jav&#x09;ascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    ],
)
def test_script_urls_in_every_disguise_are_removed(make_site, build_site, href):
    site = make_site({"x.md": post("链接", body=f'<p><a href="{href}">点我</a></p>')})
    _, _, out = build_site(site)
    page = next(out.glob("2022/04/08/*/index.html")).read_text(encoding="utf-8")
    assert scripts_from_content(page) == []
    assert "点我" in page


def test_yaml_attacks_are_refused_and_the_rest_builds(make_site, build_site):
    site = make_site(
        {
            "python.md": "---\ntitle: !!python/object/apply:os.system ['touch /tmp/pwned']\n---\n",
            "bomb.md": ALIAS_BOMB,
            "feb30.md": post("二月三十日", "2023-02-30"),
            "time.md": post("只有时间", "10:30"),
            "good.md": post("正常"),
        }
    )
    started = time.monotonic()
    result, reporter, out = build_site(site)
    assert time.monotonic() - started < 30
    assert result.documents == 1 and len(result.failures) == 4
    errors = "\n".join(reporter.errors)
    assert "content/bomb.md:2: front matter holds more than" in errors
    assert "content/python.md:2:" in errors
    assert "'2023-02-30': day is out of range for month" in errors
    assert "'10:30' is not a date" in errors
    assert not os.path.exists("/tmp/pwned")


@pytest.mark.parametrize(
    "slug",
    [
        "../../../../etc/passwd",
        "%2e%2e%2f%2e%2e%2fescape",
        "/etc/passwd",
        "C:\\Windows\\evil",
        "..\\..\\evil",
        "....//....//evil",
        "con",
    ],
)
def test_hostile_slugs_stay_inside_the_output(make_site, build_site, slug):
    site = make_site({"x.md": post("标题", slug=repr(slug))})
    root = site.parent
    before = {p for p in root.rglob("*") if "output" not in p.relative_to(root).parts}
    result, _, out = build_site(site)
    assert result.ok
    after = {p for p in root.rglob("*") if "output" not in p.relative_to(root).parts}
    assert after == before
    for page in out.rglob("index.html"):
        assert page.resolve().is_relative_to(out.resolve())


def test_symlinks_out_of_content_and_loops_are_skipped(make_site, build_site, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text(post("机密", body="不应出现"), encoding="utf-8")
    (tmp_path / "secret-dir").mkdir()
    (tmp_path / "secret-dir" / "x.md").write_text(post("机密目录"), encoding="utf-8")
    site = make_site({"good.md": post("正常")})
    content = site / "content"
    (content / "leak.md").symlink_to(secret)
    (content / "leakdir").symlink_to(tmp_path / "secret-dir")
    (content / "loop-a.md").symlink_to(content / "loop-b.md")
    (content / "loop-b.md").symlink_to(content / "loop-a.md")
    (content / "self").symlink_to(content, target_is_directory=True)
    result, reporter, out = build_site(site)
    assert result.ok and result.documents == 1
    every_page = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    assert "机密" not in every_page and "不应出现" not in every_page
    warnings = "\n".join(reporter.warnings)
    assert "content/leak.md: symlink points outside content/" in warnings
    assert "content/loop-a.md: broken or looping symlink" in warnings
    assert "content/leakdir: symlinked folder skipped" in warnings


def test_encodings_line_ends_and_empty_files(make_site, build_site):
    text = post("编码测试", body="核酸检测")
    site = make_site(
        {
            "gbk.md": text.replace("编码测试", "GBK编码").encode("gbk"),
            "bom.md": b"\xef\xbb\xbf" + text.replace("编码测试", "带BOM").encode(),
            "crlf.md": text.replace("编码测试", "CRLF行尾").replace("\n", "\r\n").encode(),
            "utf16.md": text.replace("编码测试", "UTF16").encode("utf-16"),
            "invalid.md": b"---\ntitle: x\ndate: 2022-04-08\n---\n\xff\xfe\x00\x81\x80\xff",
            "empty.md": b"",
            "only-front-matter.md": "---\ntitle: 只有头信息\ndate: 2022-04-08\n---\n",
            "no-front-matter.md": "只是一段文字，没有头信息。\n",
        }
    )
    result, reporter, out = build_site(site)
    titles = "".join(p.parent.name for p in out.glob("2022/04/08/*/index.html"))
    for name in ("GBK编码", "带BOM", "CRLF行尾", "UTF16", "只有头信息"):
        assert name in titles
    errors = "\n".join(reporter.errors)
    assert "content/empty.md:1: the file is empty" in errors
    assert (
        "content/no-front-matter.md:1: no front matter — did you forget the `---` lines?" in errors
    )
    assert "content/invalid.md" in errors and "cannot decode" in errors


def test_huge_and_deeply_nested_posts_finish_in_bounded_time(make_site, build_site):
    big = ("<p>" + "长春市核酸检测。" * 200 + "</p>\n") * 1300  # about 5 MB of HTML
    deep = "<div>" * 50_000 + "最深处" + "</div>" * 50_000
    inline = "<span>" * 50_000 + "行内深处" + "</span>" * 50_000
    site = make_site(
        {
            "big.md": post("五兆", body=f"<div>{big}</div>"),
            "deep.md": post("深", body=deep),
            "inline.md": post("行内", body=inline),
        }
    )
    assert len(big.encode()) > 5_000_000
    started = time.monotonic()
    result, _, out = build_site(site)
    assert time.monotonic() - started < 60
    assert result.ok
    deep_page = next(out.glob("2022/04/08/深/index.html")).read_text(encoding="utf-8")
    assert "最深处" in deep_page
    assert "行内深处" in next(out.glob("2022/04/08/行内/index.html")).read_text(encoding="utf-8")
