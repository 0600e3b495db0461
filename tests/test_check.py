"""`sitegen check` lists every problem as path:line: message and writes nothing."""

from __future__ import annotations

import subprocess
import sys

from conftest import post


def check(site):
    return subprocess.run(
        [sys.executable, "-m", "sitegen", "check", "--site", str(site)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_sound_site_passes_and_nothing_is_written(make_site):
    site = make_site({"a.md": post("甲", body='<a href="/tags/">标签</a>'), "b.md": post("乙")})
    before = sorted(site.rglob("*"))
    run = check(site)
    assert run.returncode == 0, run.stdout + run.stderr
    assert sorted(site.rglob("*")) == before


def test_every_problem_is_listed_with_its_line(make_site):
    site = make_site(
        {
            "good.md": post(
                "好", body='<p>x</p>\n\n<p>看<a href="/2022/04/08/不存在/">这里</a></p>'
            ),
            "img.md": post("图", body='<img src="../../../../img/missing.png">'),
            "ok-link.md": post(
                "链", body='<a href="/2022/04/08/好/">好</a> <a href="http://ex.org/x">外</a>'
            ),
            "bad-date.md": post("坏", "2022-02-30"),
            "dup1.md": post("同名"),
            "dup2.md": post("同名"),
        }
    )
    run = check(site)
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert any(line.startswith("content/bad-date.md:3: `date`") for line in lines)
    assert any(line.startswith("content/good.md:8: broken link /2022/04/08/") for line in lines)
    assert any(
        line.startswith("content/img.md:6: broken link ../../../../img/missing.png")
        for line in lines
    )
    assert any(line.startswith("content/dup2.md:1: URL") for line in lines)
    assert not any("ok-link" in line for line in lines)
    assert not (site / "output").exists()


def test_a_broken_template_is_a_problem(make_site):
    site = make_site({"a.md": post()}, "theme: mine\n")
    templates = site / "themes" / "mine" / "templates"
    templates.mkdir(parents=True)
    (templates / "post.html").write_text("{% extends 'base.html' %}\n{% block content %}\n{% if %}")
    run = check(site)
    assert run.returncode == 1
    assert "post.html:3: template syntax" in run.stdout


def test_every_dropped_url_and_reinterpreted_value_is_listed_with_its_line(make_site):
    site = make_site(
        {
            "feed.md": post("x", link="javascript:alert(1)", page="010", comments="no").replace(
                "title: 'x'", "title: NO"
            ),
            "draft.md": post("草稿", draft="true", body='<a href="vbscript:x">链</a>'),
        }
    )
    run = check(site)
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    for start in (
        "content/feed.md:2: `title: NO` is kept as the text you typed",
        "content/feed.md:4: `link`: dropped the URL 'javascript:alert(1)'",
        "content/feed.md:5: `page: 010` is read as the number 10, as Hexo reads it",
        "content/feed.md:6: `comments: no` is read as the text 'no'",
        "content/draft.md:7: body: dropped the URL 'vbscript:x'",
    ):
        assert any(line.startswith(start) for line in lines), (start, lines)
