"""Stable document ids, end to end: `/id/<id>/` leads to wherever a document is
now, through retitles and moves; `sitegen ids` writes path-derived ids down once;
the post page shows the id and its permanent link."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from conftest import post
from test_redirects import file_of, follow, soup, title_of

from sitegen.cli import main

ORIGINS = {
    "written": {"id": "report-1"},
    "imported": {"source_sha256": "'" + "ab" * 32 + "'", "page": 3, "order": 2},
    "original_url": {"original_url": "https://example.com/news/1.html"},
}


def follow_id(out: Path, doc_id: str, base_path: str = "/") -> Path:
    """The page `/id/<doc_id>/` sends a reader to (its refresh, canonical and link agree)."""
    landed = follow(out, f"id/{doc_id}/index.html", base_path)
    assert landed.is_file(), landed
    return landed


def shown_id(page: Path) -> str:
    """The id the post page shows in its 档案编号 row."""
    return soup(page).find("code", class_="doc-id").get_text(strip=True)


def write(site: Path, name: str, text: str) -> None:
    (site / "content" / name).write_text(text, encoding="utf-8")


def move(site: Path, old: str, new: str) -> None:
    """Move a content file to another folder, as a user reorganising the archive does."""
    target = site / "content" / new
    target.parent.mkdir(parents=True, exist_ok=True)
    (site / "content" / old).rename(target)


def run_ids(site: Path):
    result = CliRunner().invoke(main, ["ids", "--site", str(site)])
    assert result.exit_code == 0, result.output
    return result


def warnings_of(reporter) -> list[str]:
    return [str(w) for w in reporter.warnings]


@pytest.mark.parametrize("origin", ORIGINS)
def test_an_id_leads_to_the_new_address_after_a_retitle(make_site, build_site, origin):
    site = make_site({"a.md": post("旧标题", **ORIGINS[origin]), "b.md": post("别篇")})
    result, _, out = build_site(site)
    assert result.ok
    old_page = out / "2022/04/08/旧标题/index.html"
    doc_id = shown_id(old_page)
    if origin == "written":
        assert doc_id == "report-1"
    assert follow_id(out, doc_id) == old_page
    write(site, "a.md", post("新标题", **ORIGINS[origin]))
    result, _, _ = build_site(site)
    assert result.ok and not old_page.exists()
    landed = follow_id(out, doc_id)
    assert landed == out / "2022/04/08/新标题/index.html"
    assert title_of(landed) == "新标题" and shown_id(landed) == doc_id


@pytest.mark.parametrize("origin", ORIGINS)
def test_an_id_survives_a_move_to_another_folder(make_site, build_site, origin):
    site = make_site({"a.md": post("档案", **ORIGINS[origin])})
    _, _, out = build_site(site)
    doc_id = shown_id(out / "2022/04/08/档案/index.html")
    move(site, "a.md", "1990/卷一/a.md")
    result, _, _ = build_site(site)
    assert result.ok
    assert [p.name for p in (out / "id").iterdir()] == [doc_id]
    landed = follow_id(out, doc_id)
    assert title_of(landed) == "档案" and shown_id(landed) == doc_id


def test_a_path_id_changes_on_a_move_until_sitegen_ids_writes_it_down(make_site, build_site):
    site = make_site({"a.md": post("档案")})
    _, _, out = build_site(site)
    page = out / "2022/04/08/档案/index.html"
    first = shown_id(page)
    move(site, "a.md", "old/a.md")
    build_site(site)
    moved = shown_id(page)
    assert moved != first and not (out / "id" / first).exists()
    assert "content/old/a.md: id written" in run_ids(site).output
    assert f"\nid: {moved}\n" in (site / "content/old/a.md").read_text("utf-8")
    move(site, "old/a.md", "new/place/a.md")
    result, _, _ = build_site(site)
    assert result.ok and shown_id(page) == moved
    assert follow_id(out, moved) == page


FORMS = {  # a file as an editor may save it: its bytes, and its newline
    "lf": (post("换行", body="正文  \n\n  缩进。\t") + "no final newline").encode(),
    "crlf": post("回车换行", body="第一行\n第二行").replace("\n", "\r\n").encode(),
    "bom": b"\xef\xbb\xbf" + post("带BOM").encode(),
}


@pytest.mark.parametrize("form", FORMS)
def test_sitegen_ids_adds_one_id_line_and_changes_no_other_byte(make_site, build_site, form):
    before = FORMS[form]
    site = make_site({"a.md": before, "kept.md": post("已有", id="kept-1")})
    _, _, out = build_site(site)
    title = re.search(r"title: '(.*)'", before.decode("utf-8-sig")).group(1)
    doc_id = shown_id(out / f"2022/04/08/{title}/index.html")
    kept = (site / "content/kept.md").read_bytes()
    output = run_ids(site).output
    assert "content/a.md: id written" in output and "1 id(s) written" in output
    newline = b"\r\n" if form == "crlf" else b"\n"
    at = before.index(b"---") + 3 + len(newline)
    after = (site / "content/a.md").read_bytes()
    assert after == before[:at] + b"id: " + doc_id.encode() + newline + before[at:]
    assert (site / "content/kept.md").read_bytes() == kept
    result, _, _ = build_site(site)
    assert result.ok and sorted(p.name for p in (out / "id").iterdir()) == [doc_id, "kept-1"]


def test_a_second_sitegen_ids_writes_nothing(make_site):
    site = make_site(
        {"a.md": post("甲"), "b.md": post("乙"), "web.md": post("网", original_url="http://e.x/")}
    )
    first = run_ids(site).output
    assert "2 id(s) written" in first and "web.md" not in first
    written = {p: p.read_bytes() for p in (site / "content").iterdir()}
    again = run_ids(site).output
    assert "0 id(s) written" in again and "id written\n" not in again
    assert {p: p.read_bytes() for p in (site / "content").iterdir()} == written


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:8000/", "https://example.org/archive/"])
def test_the_post_page_shows_its_id_and_permanent_link(make_site, build_site, base_url):
    site = make_site({"a.md": post("公告", id="notice-7")}, f"base_url: {base_url}\n")
    _, _, out = build_site(site)
    page = out / "2022/04/08/公告/index.html"
    assert shown_id(page) == "notice-7"
    base_path = urlsplit(base_url).path
    link = soup(page).find("a", class_="url", href=re.compile("id/"))
    assert link["href"] == f"{base_path}id/notice-7/"
    assert link.get_text(strip=True) == f"{base_url}id/notice-7/"
    assert file_of(out, link["href"], base_path) == out / "id/notice-7/index.html"
    assert follow_id(out, "notice-7", base_path) == page


def test_two_documents_with_one_original_url_get_id_and_id_2(make_site, build_site):
    same = {"original_url": "https://example.com/dup.html"}
    site = make_site({"a.md": post("甲本", **same), "b.md": post("乙本", **same)})
    result, reporter, out = build_site(site)
    assert result.ok
    first = shown_id(out / "2022/04/08/甲本/index.html")
    assert shown_id(out / "2022/04/08/乙本/index.html") == f"{first}-2"
    assert title_of(follow_id(out, first)) == "甲本"
    assert title_of(follow_id(out, f"{first}-2")) == "乙本"
    named = [w for w in warnings_of(reporter) if f"{first}-2" in w]
    assert len(named) == 1 and "content/a.md" in named[0] and "content/b.md" in named[0], named


def test_id_pages_are_not_in_the_sitemap_redirects_or_search_index(make_site, build_site):
    site = make_site({"a.md": post("甲", aliases="/old/"), "b.md": post("乙", id="b-doc")})
    _, _, out = build_site(site)
    assert len(list((out / "id").iterdir())) == 2
    sitemaps = " ".join(p.read_text("utf-8") for p in out.glob("sitemap*.xml"))
    locs = re.findall(r"<loc>([^<]*)</loc>", sitemaps)
    assert locs and not [u for u in locs if "/id/" in u]
    olds = [line.split()[0] for line in (out / "_redirects").read_text("utf-8").splitlines()]
    assert olds == ["/old/"]
    docs = [
        json.loads(line)
        for p in (out / "search").rglob("*.json")
        for line in p.read_text("utf-8").splitlines()
        if line.startswith('{"u"')
    ]
    assert sorted(d["t"] for d in docs) == ["乙", "甲"]
    assert not [d for d in docs if d["u"].startswith("id/")]


def test_a_retitle_warns_moved_from_with_the_alias_to_add(make_site, build_site):
    site = make_site({"a.md": post("旧名", id="doc-a"), "b.md": post("不动")})
    build_site(site)
    write(site, "a.md", post("新名", id="doc-a"))
    _, reporter, _ = build_site(site)
    moved = [w for w in warnings_of(reporter) if "moved from" in w]
    assert len(moved) == 1 and "content/a.md" in moved[0], moved
    assert "moved from /2022/04/08/旧名/ to /2022/04/08/新名/" in moved[0]
    assert "`sitegen aliases` keeps the old address" in moved[0]
    assert "adds `aliases: [/2022/04/08/旧名/]`" in moved[0]


def test_no_moved_warning_when_the_old_address_is_already_an_alias(make_site, build_site):
    site = make_site({"a.md": post("旧名", id="doc-a")})
    build_site(site)
    write(site, "a.md", post("新名", id="doc-a", aliases="[/2022/04/08/旧名/]"))
    result, reporter, out = build_site(site)
    assert result.ok and not [w for w in warnings_of(reporter) if "moved from" in w]
    assert follow_id(out, "doc-a") == out / "2022/04/08/新名/index.html"


def test_a_one_edit_rebuild_rewrites_only_that_documents_id_page(make_site, build_site):
    titles = {"a": "一", "b": "二", "c": "三"}
    site = make_site({f"{k}.md": post(t, id=f"doc-{k}") for k, t in titles.items()})
    _, _, out = build_site(site)
    past = 1_000_000_000_000_000_000
    for key in titles:
        os.utime(out / f"id/doc-{key}/index.html", ns=(past, past))
    write(site, "b.md", post("二改", id="doc-b"))
    build_site(site)
    mtimes = {k: (out / f"id/doc-{k}/index.html").stat().st_mtime_ns for k in titles}
    assert mtimes["a"] == mtimes["c"] == past and mtimes["b"] != past
    assert title_of(follow_id(out, "doc-b")) == "二改"
    (site / "content/c.md").unlink()
    result, _, _ = build_site(site)
    assert result.ok and not (out / "id/doc-c").exists()
    assert sorted(p.name for p in (out / "id").iterdir()) == ["doc-a", "doc-b"]


def test_a_content_folder_named_id_warns_and_is_copied(make_site, build_site):
    site = make_site({"a.md": post("甲"), "id/x.txt": "静态文件\n"})
    result, reporter, out = build_site(site)
    assert result.ok
    assert (out / "id/x.txt").read_text("utf-8") == "静态文件\n"
    assert (out / "2022/04/08/甲/index.html").is_file()
    assert [w for w in warnings_of(reporter) if "no /id/ pages" in w], warnings_of(reporter)
    assert [p.name for p in (out / "id").iterdir()] == ["x.txt"]
