"""Incremental builds: each kind of change invalidates exactly what depends on it."""

from __future__ import annotations

import os
import pickle
import shutil
import time
from pathlib import Path

import pytest
from conftest import post

from sitegen import cache
from sitegen.build import build
from sitegen.config import load_config
from sitegen.report import BufferReporter
from sitegen.sources.markup import Markup


@pytest.fixture
def site(make_site):
    files = {
        f"p{i:02d}.md": post(
            f"第{i:02d}篇",
            f"2021-0{1 + i % 3}-{10 + i} 08:00:00",
            categories="[新闻, 长春]" if i % 2 else "[新闻, 辽源]",
            tags="[核酸检测]" if i % 3 == 0 else "[疫苗]",
        )
        for i in range(1, 13)
    }
    return make_site(files, "per_page: 5\n")


def run(site, **kwargs):
    config = load_config(site)
    return build(config, BufferReporter(), jobs=1, **kwargs), config.output_dir


def mtimes(out):
    return {
        p.relative_to(out).as_posix(): p.stat().st_mtime_ns
        for p in out.rglob("*")
        if p.is_file() and ".sitegen" not in p.parts
    }


def touch_later(path):
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))


def test_nothing_changed_is_up_to_date_and_touches_nothing(site):
    first, out = run(site)
    before = mtimes(out)
    again, _ = run(site)
    assert again.up_to_date and again.rendered == 0
    assert mtimes(out) == before


def test_editing_one_post_rerenders_only_the_pages_that_show_it(site):
    first, out = run(site)
    before = mtimes(out)
    path = site / "content" / "p05.md"
    path.write_text(path.read_text(encoding="utf-8").replace("第05篇", "改过的标题"), "utf-8")
    second, _ = run(site)
    assert second.parsed == 1
    assert 0 < second.rendered < first.rendered / 2
    after = mtimes(out)
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    assert any("改过的标题" in rel for rel in changed)  # the post's new URL
    assert not any("第05篇" in rel for rel in after)  # the old URL is gone
    assert "categories/新闻/长春/index.html" in changed  # its category lists it
    assert "categories/新闻/辽源/index.html" not in changed  # the other one does not
    assert "atom.xml" in changed
    untouched = [rel for rel in before if "第01篇" in rel]
    assert untouched and all(after[rel] == before[rel] for rel in untouched)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "改过的标题" in home or "改过的标题" in (out / "page/2/index.html").read_text("utf-8")


def _data_files(out):
    names = ("documents.csv", "documents.jsonl")
    return {name: (out / "data" / name).read_bytes() for name in names}


@pytest.mark.parametrize("spoil", [None, "reversed", "shifted"])
def test_an_edit_rewrites_the_data_export_as_a_clean_build_would(site, tmp_path, spoil):
    """Incremental exports keep the lines of documents an edit left alone; a
    spoiled record of where those lines stood costs time, never a wrong line."""
    _, out = run(site)
    before = _data_files(out)["documents.jsonl"].splitlines(keepends=True)
    index = out / ".sitegen" / "data-jsonl.pickle"
    if spoil:
        saved = pickle.loads(index.read_bytes())
        if spoil == "reversed":
            saved["ids"].reverse()
        else:
            saved["ends"] = [end + 3 for end in saved["ends"]]
        index.write_bytes(pickle.dumps(saved))
    path = site / "content" / "p05.md"
    path.write_text(path.read_text(encoding="utf-8").replace("第05篇", "改过的标题"), "utf-8")
    run(site)
    edited = _data_files(out)
    clean_site = tmp_path / "clean"
    shutil.copytree(site, clean_site, ignore=shutil.ignore_patterns("output"))
    _, clean_out = run(clean_site)
    assert edited == _data_files(clean_out)
    after = edited["documents.jsonl"].splitlines(keepends=True)
    assert [line for line in after if line not in before] == [
        line for line in after if "改过的标题".encode() in line
    ]
    assert len(after) == len(before) == 12


def test_touching_a_file_without_changing_it_reparses_nothing(site):
    run(site)
    touch_later(site / "content" / "p03.md")
    second, _ = run(site)
    assert second.parsed == 0 and second.rendered == 0 and not second.up_to_date


def test_a_template_change_rerenders_every_page(site):
    first, out = run(site)
    templates = site / "themes" / "mine" / "templates"
    templates.mkdir(parents=True)
    (templates / "post.html").write_text(
        "{% extends 'base.html' %}{% block content %}<h1>新模板 {{ post.title }}</h1>{% endblock %}"
    )
    (site / "site.yml").write_text(
        "title: 测试站\ntimezone: Asia/Shanghai\nper_page: 5\ntheme: mine\n"
    )
    second, _ = run(site)
    assert second.parsed == 0 and second.rendered == first.rendered
    third_tpl = templates / "post.html"
    third_tpl.write_text(third_tpl.read_text().replace("</h1>", "</h1><!-- v2 -->"))
    third, out = run(site)
    assert third.rendered == first.rendered
    post_page = next(out.glob("2021/*/*/第01篇/index.html"))
    assert "<!-- v2 -->" in post_page.read_text(encoding="utf-8")


def test_a_config_change_rerenders_every_page(site):
    first, out = run(site)
    (site / "site.yml").write_text("title: 新站名\ntimezone: Asia/Shanghai\nper_page: 5\n")
    second, _ = run(site)
    assert second.parsed == 0 and second.rendered == first.rendered
    assert "新站名" in (out / "index.html").read_text(encoding="utf-8")


def test_an_edit_made_with_a_config_change_and_then_undone_shows_the_old_text_again(site):
    """The build that re-renders every page must fingerprint the edited post's
    pages anew: kept from before the edit, undoing it would look like no change."""
    run(site)
    path = site / "content" / "p05.md"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("正文", "改过的正文"), "utf-8")
    (site / "site.yml").write_text("title: 新站名\ntimezone: Asia/Shanghai\nper_page: 5\n")
    _, out = run(site)
    page = next(out.glob("2021/*/*/第05篇/index.html"))
    assert "改过的正文" in page.read_text("utf-8")
    path.write_text(original, "utf-8")
    undone, _ = run(site)
    assert undone.rendered > 0 and "改过的正文" not in page.read_text("utf-8")


def test_a_timezone_change_reparses_every_document(site):
    first, out = run(site)
    (site / "site.yml").write_text("title: 测试站\ntimezone: America/New_York\nper_page: 5\n")
    second, out = run(site)
    assert second.parsed == 12
    assert next(out.glob("2021/*/*/第01篇/index.html")).read_text("utf-8").count("-05:00") >= 1


def test_a_new_sitegen_version_invalidates_everything(site, monkeypatch):
    first, _ = run(site)
    monkeypatch.setattr(cache, "__version__", "999.0")
    second, _ = run(site)
    assert second.parsed == 12 and second.rendered == first.rendered


def test_changed_sitegen_code_under_the_same_version_invalidates_everything(site, monkeypatch):
    first, _ = run(site)
    monkeypatch.setattr(cache, "source_hash", lambda: "another checkout")
    second, _ = run(site)
    assert second.parsed == 12 and second.rendered == first.rendered


@pytest.mark.parametrize("edited", [False, True], ids=["alone", "with-an-edit"])
def test_new_sitegen_code_that_reads_texts_differently_makes_the_search_index_anew(
    site, monkeypatch, edited
):
    """Documents' fingerprints follow their files' bytes; what code makes of them must
    count too, also when an edit alone would have the index patched."""
    run(site)
    if edited:
        path = site / "content" / "p05.md"
        path.write_text(path.read_text(encoding="utf-8") + "\n补记一句。\n", "utf-8")
    read = Markup.convert

    def newer(self, body):
        html, dropped = read(self, body)
        return html + "<p>新版解析</p>", dropped

    monkeypatch.setattr(Markup, "convert", newer)
    monkeypatch.setattr(cache, "source_hash", lambda: "another checkout")
    _, out = run(site)
    assert "新版解析" in next(out.glob("2021/*/*/第01篇/index.html")).read_text("utf-8")
    docs = list((out / "search" / "docs").glob("*.json"))
    assert len(docs) == 12 and all("新版解析" in p.read_text("utf-8") for p in docs)


def test_the_source_hash_follows_any_module_of_sitegen(tmp_path):
    import shutil

    import sitegen

    copy = tmp_path / "sitegen"
    shutil.copytree(Path(sitegen.__file__).parent, copy, ignore=shutil.ignore_patterns("*.pyc"))
    assert cache.tree_hash(copy) == cache.source_hash()
    module = copy / "importers" / "periodical.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert cache.tree_hash(copy) != cache.source_hash()


def test_deleting_a_post_removes_its_page_and_updates_neighbours(site):
    first, out = run(site)
    [gone] = list(out.glob("2021/*/*/第04篇"))
    (site / "content" / "p04.md").unlink()
    second, _ = run(site)
    assert not gone.exists()
    newer = next(out.glob("2021/*/*/第07篇/index.html")).read_text(encoding="utf-8")
    assert "第04篇" not in newer


def test_a_failed_document_is_reported_again_on_the_next_build(site):
    (site / "content" / "bad.md").write_text("---\ntitle: x\ndate: someday\n---\n", "utf-8")
    first, _ = run(site)
    second, _ = run(site)
    assert len(first.failures) == 1 and len(second.failures) == 1


def test_no_cache_builds_everything(site):
    first, _ = run(site)
    second, _ = run(site, use_cache=False)
    assert second.parsed == 12 and second.rendered == first.rendered
    assert second.written == 0  # same bytes: nothing rewritten


def test_parallel_build_gives_the_same_bytes(site, tmp_path):
    config = load_config(site)
    build(config, BufferReporter(), jobs=1, use_cache=False)
    one = {
        p.relative_to(config.output_dir): p.read_bytes()
        for p in config.output_dir.rglob("*")
        if p.is_file() and ".sitegen" not in p.parts
    }
    other = load_config(site, tmp_path / "par")
    import sitegen.parallel as parallel

    old = parallel.MIN_PARALLEL
    parallel.MIN_PARALLEL = 1
    try:
        build(other, BufferReporter(), jobs=2, use_cache=False)
    finally:
        parallel.MIN_PARALLEL = old
    two = {
        p.relative_to(other.output_dir): p.read_bytes()
        for p in other.output_dir.rglob("*")
        if p.is_file() and ".sitegen" not in p.parts
    }
    assert one == two


@pytest.mark.parametrize("config_changed", [False, True], ids=["", "after-a-config-change"])
def test_a_body_edit_reaches_its_page_and_the_lists_that_excerpt_it(site, config_changed):
    """After a config change too: re-rendering every page keeps the fingerprints
    of pages that show nothing changed, which the next edit relies on."""
    first, out = run(site)
    if config_changed:
        (site / "site.yml").write_text("title: 新站名\ntimezone: Asia/Shanghai\nper_page: 5\n")
        assert run(site)[0].rendered == first.rendered
    before = mtimes(out)
    path = site / "content" / "p06.md"
    path.write_text(path.read_text(encoding="utf-8").replace("正文。", "新的正文内容。"), "utf-8")
    second, _ = run(site)
    after = mtimes(out)
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    [page] = [rel for rel in after if "第06篇" in rel]
    assert page in changed
    assert "新的正文内容" in (out / page).read_text(encoding="utf-8")
    listing = [r for r in changed if r.startswith("categories/新闻/辽源/") and "index" in r]
    assert listing  # its excerpt is listed there
    assert "新的正文内容" in (out / listing[0]).read_text(encoding="utf-8")
    assert not any(r.startswith("categories/新闻/长春/") for r in changed)
    assert 0 < second.rendered <= 12


def test_a_title_edit_under_a_fixed_slug_reaches_the_neighbours(make_site):
    site = make_site(
        {
            "a.md": post("旧标题", "2022-04-08 10:00:00", slug="fixed"),
            "b.md": post("之前", "2022-04-07 10:00:00"),
            "c.md": post("之后", "2022-04-09 10:00:00"),
            "d.md": post("很早", "2022-01-01 10:00:00"),
        }
    )
    run(site)
    (site / "content" / "a.md").write_text(
        post("新标题", "2022-04-08 10:00:00", slug="fixed"), encoding="utf-8"
    )
    second, out = run(site)
    for rel in (
        "2022/04/07/之前/index.html",
        "2022/04/09/之后/index.html",
        "2022/04/08/fixed/index.html",
        "index.html",
    ):
        assert "新标题" in (out / rel).read_text(encoding="utf-8"), rel
    assert "新标题" not in (out / "2022/01/01/很早/index.html").read_text(encoding="utf-8")
    assert second.rendered < 12


def test_the_search_index_is_rebuilt_only_when_a_document_changes(site):
    _, out = run(site)
    meta = out / "search" / "meta.json"
    before = meta.stat().st_mtime_ns
    (site / "site.yml").write_text("title: 另一个站名\ntimezone: Asia/Shanghai\nper_page: 5\n")
    second, _ = run(site)
    assert second.rendered > 0 and meta.stat().st_mtime_ns == before
    path = site / "content" / "p02.md"
    path.write_text(path.read_text(encoding="utf-8").replace("正文。", "流调溯源。"), "utf-8")
    run(site)
    assert meta.stat().st_mtime_ns != before
    shards = "".join(p.read_text(encoding="utf-8") for p in (out / "search" / "shards").iterdir())
    assert "流调" in shards


def test_search_can_be_switched_off(site):
    (site / "site.yml").write_text("title: 测试站\ntimezone: Asia/Shanghai\nsearch: false\n")
    _, out = run(site)
    assert not (out / "search").exists()
    for page in ("index.html", "404.html"):
        assert 'role="search"' not in (out / page).read_text(encoding="utf-8")


def _search_files(out):
    root = out / "search"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    ("old", "new"),
    [("正文。", "流调溯源，核酸检测。"), ("正文。", "正文" + "长春" * 1500 + "。")],
    ids=["patched", "more parts: built anew"],
)
def test_an_edited_search_index_equals_one_built_from_scratch(site, tmp_path, old, new):
    run(site)
    path = site / "content" / "p07.md"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), "utf-8")
    _, out = run(site)
    fresh = load_config(site, tmp_path / "fresh")
    build(fresh, BufferReporter(), jobs=1, use_cache=False)
    assert _search_files(out) == _search_files(fresh.output_dir)


def _site_files(out):
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and ".sitegen" not in p.parts
    }


@pytest.mark.parametrize(
    "edit",
    [
        "retitle: the post moves",
        "new body",
        "recategorise",
        "redate",
        "delete",
        "add",
        "rename the site: every page and data file made again from saved documents",
    ],
)
def test_every_kind_of_edit_gives_the_bytes_of_a_clean_build(site, tmp_path, edit):
    first, _ = run(site)
    path = site / "content" / "p05.md"
    text = path.read_text(encoding="utf-8")
    if edit.startswith("retitle"):
        path.write_text(text.replace("第05篇", "第五篇改名"), "utf-8")
    elif edit == "new body":
        path.write_text(text.replace("正文。", "新的正文，核酸检测。"), "utf-8")
    elif edit == "recategorise":
        path.write_text(text.replace("[新闻, 长春]", "[新闻, 吉林]"), "utf-8")
    elif edit == "redate":
        path.write_text(text.replace("2021-03-15", "2021-01-02"), "utf-8")
    elif edit == "delete":
        path.unlink()
    elif edit.startswith("rename the site"):
        config_file = site / "site.yml"
        config_file.write_text(config_file.read_text("utf-8").replace("测试站", "新站名"), "utf-8")
    else:
        (site / "content" / "p99.md").write_text(post("新来的", "2021-02-20 09:00:00"), "utf-8")
    second, out = run(site)
    clean = load_config(site, tmp_path / "clean")
    build(clean, BufferReporter(), jobs=1, use_cache=False)
    assert _site_files(out) == _site_files(clean.output_dir)
    if edit in ("retitle: the post moves", "new body"):  # the same index pages: few re-rendered
        assert second.rendered < first.rendered / 3


def test_equal_documents_have_equal_fingerprints_however_their_strings_are_shared():
    import datetime as dt

    from sitegen.sources.document import Document

    def doc(name, shared):
        category = "新闻" if shared else "".join(["新", "闻"])  # equal, but another object
        when = dt.datetime(2022, 4, 8, tzinfo=dt.timezone.utc)
        return Document(name, name, when, "<p>x</p>", ((category, category),), source_sha="s")

    one = [doc("a.md", True), doc("b.md", True)]
    two = [doc("a.md", False), doc("b.md", False)]
    assert cache.catalog_shape(one) == cache.catalog_shape(two)
    prints = cache.Fingerprints("key")
    assert prints.value(one[0]) == prints.value(two[0])


def test_a_build_run_beside_a_preview_session_is_noticed_by_the_session(site):
    config = load_config(site)
    session = cache.Session()
    build(config, BufferReporter(), jobs=1, session=session)
    deploy = load_config(site, base_url="https://example.org/archive/")
    build(deploy, BufferReporter(), jobs=1)  # `sitegen build --base-url …` into the same output
    again = build(config, BufferReporter(), jobs=1, session=session)
    assert not again.up_to_date
    home = (config.output_dir / "index.html").read_text(encoding="utf-8")
    assert "https://example.org/archive/" not in home


def test_an_edit_rewrites_only_the_saved_documents_it_changed(site):
    _, out = run(site)
    shards = out / ".sitegen" / "documents"
    before = {p.name: p.stat().st_mtime_ns for p in shards.iterdir()}
    path = site / "content" / "p05.md"
    path.write_text(path.read_text(encoding="utf-8").replace("正文。", "新的正文。"), "utf-8")
    time.sleep(0.01)
    second, _ = run(site)
    assert second.parsed == 1
    after = {p.name: p.stat().st_mtime_ns for p in shards.iterdir()}
    assert after.keys() == before.keys()
    assert sum(after[name] != before[name] for name in after) == 1
    third, _ = run(site, use_cache=True)
    assert third.up_to_date


def test_damaged_saved_documents_are_parsed_again_not_an_error(site, tmp_path):
    _, out = run(site)
    for shard in (out / ".sitegen" / "documents").iterdir():
        shard.write_bytes(b"not a pickle")
    touch_later(site / "content" / "p01.md")
    second, out = run(site)
    assert second.ok and second.parsed == 12
    clean = load_config(site, tmp_path / "clean")
    build(clean, BufferReporter(), jobs=1, use_cache=False)
    assert _site_files(out) == _site_files(clean.output_dir)
