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


def lost(lines: list[str]) -> list[str]:
    return [line for line in lines if "would be lost" in line]


def test_a_moved_post_is_reported_with_its_alias_until_redirects_from_keeps_it(
    make_site, build_site
):
    from sitegen.check import check_site
    from sitegen.config import load_config

    site = make_site({"a.md": post("甲"), "b.md": post("乙", "2022-04-09 09:00:00")})
    assert build_site(site)[0].ok
    assert check(site).returncode == 0
    with (site / "site.yml").open("a", encoding="utf-8") as yml:
        yml.write("permalink: '{year}/{slug}/'\n")
    run = check(site)
    assert run.returncode == 1
    reported = lost(run.stdout.splitlines())
    assert len(reported) == 2, run.stdout
    for source, old in (("a.md", "/2022/04/08/甲/"), ("b.md", "/2022/04/09/乙/")):
        assert any(
            line.startswith(f"content/{source}:") and f"aliases: [{old}]" in line
            for line in reported
        ), (source, reported)
    problems = [p for p in check_site(load_config(site)) if "would be lost" in p.message]
    assert sorted(p.path for p in problems) == ["content/a.md", "content/b.md"]

    # the alias it names keeps that one page
    (site / "content" / "a.md").write_text(post("甲", aliases="[/2022/04/08/甲/]"), "utf-8")
    reported = lost(check(site).stdout.splitlines())
    assert len(reported) == 1 and reported[0].startswith("content/b.md:"), reported

    (site / "content" / "a.md").write_text(post("甲"), "utf-8")
    with (site / "site.yml").open("a", encoding="utf-8") as yml:
        yml.write("redirects_from: '{year}/{month}/{day}/{slug}/'\n")
    run = check(site)
    assert run.returncode == 0 and lost(run.stdout.splitlines()) == [], run.stdout
    assert check_site(load_config(site)) == []


def test_a_deleted_document_reports_its_old_page(make_site, build_site):
    site = make_site({"a.md": post("甲"), "b.md": post("乙", "2022-04-09 09:00:00")})
    assert build_site(site)[0].ok
    (site / "content" / "b.md").unlink()
    run = check(site)
    assert run.returncode == 1
    reported = lost(run.stdout.splitlines())
    assert any("/2022/04/09/乙/" in line for line in reported), run.stdout
    assert not any("/2022/04/08/甲/" in line for line in reported), run.stdout


def test_a_deleted_documents_lost_page_is_not_reported_at_the_deleted_file(make_site, build_site):
    """No document has the page now: the report cannot send the reader to edit
    the file that is gone, nor to "the document that has it now"."""
    site = make_site({"a.md": post("甲"), "b.md": post("乙", "2022-04-09 09:00:00")})
    assert build_site(site)[0].ok
    (site / "content" / "b.md").unlink()
    reported = lost(check(site).stdout.splitlines())
    line = next(line for line in reported if "/2022/04/09/乙/" in line)
    where = line.split(":")[0]
    assert (site / where).exists(), line
    assert "the document that has it now" not in line, line
