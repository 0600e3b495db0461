"""The HTML-page importer: saved pages of tests/fixtures/web/ (the labelled
scrapes' own HTML) and pages made here, imported as `sitegen import` does."""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

import pytest
import yaml

from sitegen.importers import (
    ImportOptions,
    detect_kind,
    htmlmeta,
    htmlpage,
    import_files,
    parse_source,
    read_source,
    webpage,
)
from sitegen.importers.cjk import compact
from sitegen.report import BufferReporter

WEB = Path(__file__).parent / "fixtures" / "web"
LABELS = yaml.safe_load((WEB / "labels.yml").read_text(encoding="utf-8"))["pages"]
PAGES = [p for p in LABELS if (WEB / p["file"]).with_suffix(".html").exists()]

ARTICLE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>长春核酸检测点增至两千个_吉林新闻_示例网</title>
<meta property="og:title" content="长春核酸检测点增至两千个">
<meta property="og:url" content="https://news.example.cn/jilin/2022/0410/a1.html">
<meta property="article:published_time" content="2022-04-10T09:30:00+08:00">
<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "长春核酸检测点",
 "author": [{"@type": "Person", "name": "王小明"}], "datePublished": "2022-04-10"}
</script>
<script>var tracker = "不是正文";</script>
</head><body>
<div class="nav"><a href="/">首页</a> | <a href="/jilin/">吉林</a> | <a href="/ent/">娱乐</a></div>
<h1>长春核酸检测点增至两千个</h1>
<div class="info">2022年04月10日 09:30 来源：示例日报</div>
<div class="article">
<p>　　4月9日，长春市新增核酸检测点五百个，全市检测点总数已超过两千个，覆盖所有街道和社区。</p>
<p align="center"><img src="../img/cc-0410.png" alt="检测点"></p>
<p align="center">图为长春市朝阳区一处核酸检测点。</p>
<p>　　市疫情防控指挥部表示，新增检测点主要设在居民小区和大型商超附近，
方便群众就近检测，减少排队等候时间。</p>
<table><tr><th>城区</th><th>检测点</th></tr><tr><td>朝阳区</td><td>420</td></tr><tr><td>南关区</td><td>380</td></tr></table>
<p>　　据介绍，各检测点实行分时段预约，市民可通过手机预约检测时间，
检测结果一般在十二小时内反馈。</p>
</div>
<div class="editor">（责任编辑：李华）</div>
<div class="related"><h3>相关新闻</h3><ul>
<li><a href="/a2.html">长春启动新一轮全员核酸检测</a></li>
<li><a href="/a3.html">吉林市发布疫情防控通告</a></li>
<li><a href="/a4.html">四平市新增一处方舱医院</a></li>
</ul></div>
<div class="footer">Copyright © 2022 示例网 版权所有 吉ICP备12345678号</div>
</body></html>
"""


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def text_of(body: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", body))


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Path]]:
    folder = tmp_path_factory.mktemp("html")
    page = write(folder, "a1.html", ARTICLE.encode())
    content = folder / "content"
    written = import_files([page], ImportOptions(), content, BufferReporter())
    return page, content, written


def front_and_body(path: Path) -> tuple[dict, str]:
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), body


def test_a_page_is_recognised_by_its_markup() -> None:
    assert detect_kind(ARTICLE) == "html"
    assert detect_kind("\ufeff\n<!-- saved -->\n<html><body>x</body></html>") == "html"
    assert (
        detect_kind('<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN">')
        == "html"
    )
    assert detect_kind((WEB / "qq-2016-deepmind.txt").read_text(encoding="utf-8")) == "webpage"
    assert detect_kind("---\ntitle: 帖子\n---\n\n<p>正文</p>\n") == "post"


def test_the_document_holds_what_the_page_states(imported) -> None:
    _, content, written = imported
    [document] = [p for p in written if p.suffix == ".md"]
    assert document.parent == content / "web" / "示例网"
    front, _ = front_and_body(document)
    assert front["title"] == "长春核酸检测点增至两千个"
    assert front["date"] == "2022-04-10 09:30:00"
    assert front["kind"] == "webpage"
    assert front["author"] == "王小明"
    assert front["source"] == "示例日报"
    assert front["editor"] == "李华"
    assert front["original_url"] == "https://news.example.cn/jilin/2022/0410/a1.html"


def test_the_body_keeps_paragraphs_captions_tables_and_images(imported) -> None:
    _, _, written = imported
    [document] = [p for p in written if p.suffix == ".md"]
    _, body = front_and_body(document)
    shown = compact(text_of(body))
    for sentence in (
        "4月9日，长春市新增核酸检测点五百个",
        "图为长春市朝阳区一处核酸检测点。",
        "检测结果一般在十二小时内反馈。",
    ):
        assert compact(sentence) in shown
    assert '<img src="https://news.example.cn/jilin/2022/img/cc-0410.png"' in body
    assert "<table>" in body and "<td>420</td>" in body
    for furniture in (
        "首页",
        "相关新闻",
        "长春启动新一轮全员核酸检测",
        "版权所有",
        "责任编辑",
        "tracker",
    ):
        assert furniture not in body
    assert "<script" not in body and "class=" not in body


def test_the_original_is_copied_unchanged_and_named(imported) -> None:
    page, content, written = imported
    [original] = [p for p in written if p.name.startswith("original-")]
    assert original.read_bytes() == page.read_bytes()
    [document] = [p for p in written if p.suffix == ".md"]
    front, _ = front_and_body(document)
    assert front["source_file"] == original.relative_to(content).as_posix()
    assert front["source_sha256"] == hashlib.sha256(page.read_bytes()).hexdigest()


def test_a_page_declaring_gb2312_but_holding_utf8_reads_right(tmp_path: Path) -> None:
    source = read_source(WEB / "people-2024-hangtian.html")
    [record] = parse_source(source, ImportOptions())
    assert record.front["title"].startswith("促进航天技术更好惠及人民")
    assert any("declares gb2312 but its bytes are UTF-8" in note for note in record.notes)
    gb = write(tmp_path, "gb.html", ARTICLE.replace("utf-8", "gb2312").encode("gb18030"))
    [record] = parse_source(read_source(gb), ImportOptions())
    assert record.front["title"] == "长春核酸检测点增至两千个"
    assert record.notes == []


def test_without_any_metadata_the_text_rules_fill_the_gaps(tmp_path: Path) -> None:
    bare = re.sub(r"<meta (?:property|name)=[^>]*>|<script.*?</script>", "", ARTICLE, flags=re.S)
    [record] = parse_source(read_source(write(tmp_path, "b.htm", bare.encode())), ImportOptions())
    assert record.front["title"] == "长春核酸检测点增至两千个"
    assert record.front["date"] == "2022-04-10 09:30:00"
    assert record.front["author"] == "示例日报"
    assert "original_url" not in record.front
    assert 'src="../img/cc-0410.png"' in record.body


@pytest.mark.parametrize("page", PAGES, ids=[Path(p["file"]).stem for p in PAGES])
def test_labelled_pages_read_from_their_html(page: dict) -> None:
    """What a careful reader takes from the page, as labels.yml says for its text."""
    [record] = parse_source(read_source((WEB / page["file"]).with_suffix(".html")), ImportOptions())
    assert record.front["title"] == page["title"]
    assert str(record.front["date"]) == str(page["date"])
    paragraphs = [compact(text_of(b)) for b in record.body.split("\n\n")]
    for sentence in (page["first"], page["last"], *page.get("sentences", [])):
        assert any(compact(sentence) in p for p in paragraphs), sentence


def _boilerplate(page: dict) -> list[str]:
    """The labelled boilerplate lines of the page's text."""
    lines = (WEB / page["file"]).read_text(encoding="utf-8").split("\n")
    numbers = [
        n
        for part in str(page["boilerplate"]).split(",")
        for first, _, last in [part.strip().partition("-")]
        for n in range(int(first), int(last or first) + 1)
    ]
    return [lines[n - 1] for n in numbers if lines[n - 1].strip()]


def _graded(record, fields: dict[str, str], page: dict) -> dict[str, bool]:
    """What a reader checks, against the labels: each right or wrong."""
    paragraphs = [compact(text_of(b)) for b in record.body.split("\n\n")]
    leaked = [
        x
        for x in _boilerplate(page)
        if any(compact(x) == p or (len(compact(x)) >= 8 and compact(x) in p) for p in paragraphs)
    ]
    return {
        "title": record.front["title"] == page["title"],
        "date": str(record.front["date"]) == str(page["date"]),
        "category": record.front["categories"][1:] == page.get("category", []),
        "source": fields.get("source") == page.get("source"),
        "editor": fields.get("editor") == page.get("editor"),
        "no boilerplate in the body": not leaked,
    }


@pytest.mark.parametrize("page", PAGES, ids=[Path(p["file"]).stem for p in PAGES])
def test_the_html_reads_as_well_as_the_text(page: dict) -> None:
    """Issue #22: whatever the text import of a page gets right, the import
    of its saved HTML gets right too."""
    text = read_source(WEB / page["file"])
    saved = read_source((WEB / page["file"]).with_suffix(".html"))
    [from_text] = parse_source(text, ImportOptions())
    [from_html] = parse_source(saved, ImportOptions())
    by_text = _graded(from_text, webpage.read(text.text).fields, page)
    by_html = _graded(from_html, htmlpage.read(saved.text).fields, page)
    assert [k for k, right in by_text.items() if right and not by_html[k]] == []


@pytest.mark.parametrize("page", PAGES, ids=[Path(p["file"]).stem for p in PAGES])
def test_a_page_and_its_text_go_to_the_same_folder(page: dict) -> None:
    """The site is named as the page's copyright line names it, whether
    the page is imported from its HTML or from its text."""
    [from_text] = parse_source(read_source(WEB / page["file"]), ImportOptions())
    saved = read_source((WEB / page["file"]).with_suffix(".html"))
    [from_html] = parse_source(saved, ImportOptions())
    assert from_html.path.parent == from_text.path.parent
    assert from_html.path.parent.name != "web"


def test_a_site_stated_in_the_markup_or_only_by_its_address(tmp_path: Path) -> None:
    named = ARTICLE.replace("</head>", '<meta property="og:site_name" content="示例新闻"></head>')
    [record] = parse_source(read_source(write(tmp_path, "n.html", named.encode())), ImportOptions())
    assert record.path.parent.as_posix() == "web/示例新闻"
    bare = re.sub(r'<div class="footer">.*?</div>', "", ARTICLE)
    [record] = parse_source(read_source(write(tmp_path, "b.html", bare.encode())), ImportOptions())
    assert record.path.parent.as_posix() == "web/news.example.cn"


def test_what_the_pages_own_style_sheet_hides_is_not_read() -> None:
    """A breadcrumb the page's style sheet hides is not shown, so gives no
    category; a more specific rule that shows an element again wins, and a
    rule for another medium (print, a narrow screen) is not applied."""
    page = ARTICLE.replace(
        "</head>",
        "<style>/* crumbs */ .crumbs span { display: none }\n"
        ".crumbs span.shown { display: inline }\n"
        "@media (max-width: 600px) { .info { display: none } }\n"
        "div[data-role=ad] { display: none } .info:hover { display: none }</style>"
        '<style media="print">.article { display: none }</style></head>',
    ).replace(
        '<div class="info">',
        '<div class="crumbs"><span>首页 &gt; 吉林 &gt; 正文</span></div><div class="crumbs">'
        '<span class="shown">页面</span> <span style="display:block">工具</span></div>'
        '<div hidden>隐藏的提示</div><div data-role="ad">广告位招租</div><div class="info">',
    )
    shown = htmlpage.page_text(htmlpage.tree(page))
    assert "正文" not in shown and "隐藏的提示" not in shown and "广告位招租" not in shown
    assert "页面" in shown and "工具" in shown
    assert "2022年04月10日 09:30 来源：示例日报" in shown
    assert "4月9日，长春市新增核酸检测点五百个" in shown
    assert htmlpage.read(page).crumbs == []
    assert htmlpage.read(page.replace("display: none }", "display: block }")).crumbs == ["吉林"]


def test_text_after_a_comment_is_shown() -> None:
    page = "<html><body><div>【<a>娱乐论坛</a>】<!-- x --> 【<a>发表评论</a>】</div></body></html>"
    assert htmlpage.page_text(htmlpage.tree(page)) == "【娱乐论坛】 【发表评论】"


def test_every_line_the_page_shows_is_kept_or_named_as_left_out() -> None:
    source = read_source(WEB / "chinadaily-2023-zhongmei.html")
    [record] = parse_source(source, ImportOptions())
    kept = compact(record.front["title"] + text_of(record.body))
    aside = set(htmlpage.boilerplate_lines(source.text))
    shown = htmlpage.page_text(htmlpage.tree(source.text)).split("\n")
    assert [x for x in shown if x not in aside and compact(x) not in kept] == []
    assert "（编辑：严玉洁 王辉）" in aside


def test_an_undeclared_page_is_decoded_by_its_bytes(tmp_path: Path) -> None:
    """No charset said anywhere, bytes not UTF-8: charset-normalizer tells (here Big5)."""
    page = (
        "<html><head><title>長春核酸檢測點增至兩千個_吉林新聞_示例網</title></head><body>"
        "<h1>長春核酸檢測點增至兩千個</h1><p>4月9日，長春市新增核酸檢測點五百個，全市檢測點"
        "總數已超過兩千個，覆蓋所有街道和社區。市疫情防控指揮部表示，新增檢測點主要設在居民小區"
        "和大型商超附近，方便群眾就近檢測。</p></body></html>"
    )
    path = write(tmp_path, "big5.html", page.encode("big5"))
    [record] = parse_source(read_source(path), ImportOptions())
    assert record.front["title"] == "長春核酸檢測點增至兩千個"
    assert "覆蓋所有街道和社區" in record.body


@pytest.mark.parametrize(
    "ld",
    ['"just a string"', "[1, 2]", '{"@graph": "x"}', "[" * 5000 + "]" * 5000, "{not json"],
)
def test_odd_json_ld_is_passed_over(ld: str) -> None:
    page = re.sub(r"(?s)<script type=\"application/ld\+json\">.*?</script>", "", ARTICLE)
    page = page.replace("</head>", f'<script type="application/ld+json">{ld}</script></head>')
    root = htmlpage.tree(page)
    assert htmlmeta.stated(root)["title"] == "长春核酸检测点增至两千个"
    assert htmlmeta.stated(root)["author"] == ""


def test_a_page_trafilatura_passes_over_keeps_its_text(tmp_path: Path) -> None:
    """Text straight in <body>, no paragraphs: the text rules read it as a scrape."""
    page = (
        "<html><head><title>停课通知_示例学校</title></head><body>停课通知<br>"
        "2022年3月12日<br>根据疫情防控要求，全校自3月14日起停课，恢复时间另行通知。</body></html>"
    )
    assert htmlpage.extract(page, None) == []
    [record] = parse_source(read_source(write(tmp_path, "s.html", page.encode())), ImportOptions())
    assert record.front["title"] == "停课通知"
    assert record.front["date"] == "2022-03-12"
    assert "<p>根据疫情防控要求，全校自3月14日起停课，恢复时间另行通知。</p>" in record.body
