"""Newspaper PDFs: a 4-page paper made here with reportlab, imported as a user would.

The paper has a masthead, running heads, headlines in larger type over two
and three columns, an article continued from page 1 on page 3, and a
scanned page with no text layer. Tests check what a reader of the archive
sees: the articles with their pages, the whole text, the page images, the
original kept, and in a browser the issue page showing the pages with each
article's place on them linked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from pathlib import Path

import pytest
import yaml
from PIL import Image, ImageDraw
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from test_search_browser import browser, serve  # noqa: F401  (fixtures)

from sitegen.build import build
from sitegen.config import load_config
from sitegen.errors import ImportFailed
from sitegen.importers import ImportOptions, import_files, pdflayout, pdfpaper, read_source
from sitegen.report import BufferReporter

FONT = "STSong-Light"
WIDTH, HEIGHT, MARGIN = 595, 842, 40  # A4 in points

A = [
    "本报讯（记者 于蕊）4月5日6时30分，援长工作队一千五百人集结出征，奔赴长春汽开区开展"
    "疫情防控工作。工作队员满怀必胜信心，迅速集结，陆续出发。",
    "当前，长春疫情防控保卫战到了最吃劲的关头。援长工作队与汽开区干部群众并肩作战，团结一致，"
    "共克时艰，坚决打赢社会面清零攻坚战。",
    "工作队抵达汽开区高速路口后，立即奔赴各个小区，投入核酸检测、扫码登记和物资配送工作。"
    "（下转第3版）",
]
A_CONTINUED = [
    "（上接第1版）工作队员说，接到出征通知后第一时间报名，一定与长春人民齐心协力共渡难关。",
    "截至目前，援长工作队已完成核酸检测采样二十万人次，配送生活物资三千余件。",
]
B = [
    "本报讯（记者 刘彦）连日来，我市蔬菜保供专班全力组织蔬菜调运，确保封控小区居民菜篮子"
    "供应充足、价格稳定。",
    "保供专班每日调运蔬菜四百吨，通过社区团购和无接触配送送到居民家门口。各超市蔬菜价格平稳，"
    "品种齐全。",
]
C = [
    "本报讯 市图书馆推出线上阅读服务，居民在家即可借阅电子图书，收听有声读物。",
    "线上阅读服务开通三天，访问量已超过一万人次。",
]
D = [
    "本报讯（记者 田蓓蕾）东丰县春耕备耕有序推进，种子化肥农药储备充足，农机检修全部完成。",
    "全县各乡镇组织农技人员深入田间地头，指导农民科学备耕，确保春播生产不误农时。",
]
E = [
    "本报讯（记者 王林）市疾控中心提醒广大市民，坚持戴口罩、勤洗手、常通风，减少聚集，"
    "配合做好核酸检测。",
    "疾控中心专家表示，个人防护是阻断病毒传播的有效手段，每位市民都是自己健康的第一责任人。",
]
F = [
    "本报讯 全市各级医疗机构开通发热门诊绿色通道，保障群众正常就医需求。",
    "医疗机构实行预约诊疗，分时段就诊，减少人员聚集。急危重症患者随到随诊。",
]
TITLES = {
    "援长工作队一千五百人出征": 1,
    "蔬菜保供专班全力调运": 1,
    "线上阅读服务开通": 1,
    "东丰县春耕备耕有序推进": 2,
    "疾控中心提醒市民做好个人防护": 2,
    "发热门诊绿色通道": 3,  # letter-spaced
}


# --- the paper ------------------------------------------------------------------------


def set_lines(text: str, width: float, size: float) -> list[tuple[float, str]]:
    """A paragraph broken into lines that fill the column, the first indented 2 em."""
    lines, line, indent = [], "", 2 * size
    for char in text:
        if pdfmetrics.stringWidth(line + char, FONT, size) > width - indent:
            lines.append((indent, line))
            line, indent = "", 0
        line += char
    return [*lines, (indent, line)] if line else lines


def flow(
    page: canvas.Canvas,
    paras: list[str],
    cols: list[tuple[float, float]],
    top: float,
    bottom: float,
) -> float:
    """Set paragraphs down the columns (x, width) in 10-point type; where the text ends."""
    col, y = 0, top
    for para in paras:
        for indent, line in set_lines(para, cols[col][1], 10):
            if y - 10 < bottom:
                col, y = col + 1, top
            page.setFont(FONT, 10)
            page.drawString(cols[col][0] + indent, y - 10, line)
            y -= 15
    return y


def centred(
    page: canvas.Canvas,
    text: str,
    size: float,
    x0: float,
    x1: float,
    top: float,
    spacing: float = 0,
) -> float:
    """A line centred between x0 and x1, its characters `spacing` apart."""
    page.setFont(FONT, size)
    width = pdfmetrics.stringWidth(text, FONT, size) + spacing * (len(text) - 1)
    page.drawString((x0 + x1 - width) / 2, top - size, text, charSpace=spacing)
    return top - size * 1.4


def columns_of(count: int) -> list[tuple[float, float]]:
    width = (WIDTH - 2 * MARGIN - 15 * (count - 1)) / count
    return [(MARGIN + i * (width + 15), width) for i in range(count)]


def running_head(page: canvas.Canvas, number: int, section: str) -> None:
    page.setFont(FONT, 9)
    page.drawString(MARGIN, HEIGHT - 30, "2022年4月6日 星期三")
    centred(page, f"辽源日报 {section}", 9, 0, WIDTH, HEIGHT - 21)
    page.drawRightString(WIDTH - MARGIN, HEIGHT - 30, f"第{number}版")
    page.line(MARGIN, HEIGHT - 36, WIDTH - MARGIN, HEIGHT - 36)


def scan() -> Image.Image:
    """A grey page with dark bars where lines of print would be."""
    image = Image.new("L", (600, 850), 235)
    draw = ImageDraw.Draw(image)
    for row in range(20):
        draw.rectangle((40, 60 + row * 36, 560, 80 + row * 36), fill=60)
    return image


def make_paper(masthead: bool = True) -> bytes:
    """The four pages, in reportlab's coordinates (y up from the bottom)."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=(WIDTH, HEIGHT))
    if masthead:
        page.setFont(FONT, 40)
        page.drawString(MARGIN, HEIGHT - 80, "辽源日报")
        page.setFont(FONT, 9)
        for i, line in enumerate(["2022年4月6日 星期三", "总第8491期 今日4版", "辽源日报社出版"]):
            page.drawRightString(WIDTH - MARGIN, HEIGHT - 50 - i * 13, line)
    page.line(MARGIN, HEIGHT - 100, WIDTH - MARGIN, HEIGHT - 100)
    y = centred(page, "援长工作队一千五百人出征", 22, MARGIN, WIDTH - MARGIN, HEIGHT - 112)
    y = centred(page, "——全力支援长春汽开区疫情防控", 12, MARGIN, WIDTH - MARGIN, y - 2)
    flow(page, A, columns_of(3), y - 8, 560)
    three = columns_of(3)
    y = centred(page, "蔬菜保供专班全力调运", 18, MARGIN, three[1][0] + three[1][1], 540)
    flow(page, B, three[:2], y - 8, 300)
    y = centred(page, "线上阅读服务开通", 13, three[2][0], WIDTH - MARGIN, 540)
    flow(page, C, three[2:], y - 6, 300)
    page.showPage()

    running_head(page, 2, "要闻")
    y = centred(page, "东丰县春耕备耕有序推进", 20, MARGIN, WIDTH - MARGIN, HEIGHT - 60)
    flow(page, D, columns_of(2), y - 8, 600)
    y = centred(page, "疾控中心提醒市民做好个人防护", 20, MARGIN, WIDTH - MARGIN, 560)
    flow(page, E, columns_of(2), y - 8, 300)
    page.showPage()

    running_head(page, 3, "综合")
    flow(page, A_CONTINUED, columns_of(2), HEIGHT - 60, 650)
    y = centred(page, "发热门诊绿色通道", 20, MARGIN, WIDTH - MARGIN, 620, spacing=20)
    flow(page, F, columns_of(2), y - 8, 300)
    page.showPage()

    page.drawImage(ImageReader(scan()), 0, 0, WIDTH, HEIGHT)
    page.showPage()
    page.save()
    return out.getvalue()


# --- importing it --------------------------------------------------------------------


def documents(folder: Path) -> dict[str, tuple[dict, str]]:
    """Every document in folder by file name: (front matter, body text without tags)."""
    found = {}
    for path in folder.glob("*.md"):
        _, header, text = path.read_text(encoding="utf-8").split("---\n", 2)
        found[path.name] = (yaml.safe_load(header), re.sub(r"<[^>]+>|\s", "", text))
    return found


@pytest.fixture(scope="module")
def paper(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("in") / "liaoyuan-20220406.pdf"
    path.write_bytes(make_paper())
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, paper: Path) -> tuple[Path, BufferReporter]:
    root = tmp_path_factory.mktemp("site")
    (root / "site.yml").write_text("title: 测试站\ntimezone: Asia/Shanghai\n", encoding="utf-8")
    reporter = BufferReporter()
    import_files([paper], ImportOptions(), root / "content", reporter)
    return root, reporter


@pytest.fixture(scope="module")
def issue_folder(site: tuple[Path, BufferReporter]) -> Path:
    return site[0] / "content" / "newspapers" / "辽源日报" / "2022-04-06"


def test_each_article_is_a_document_with_the_page_it_starts_on(issue_folder: Path) -> None:
    docs = documents(issue_folder)
    articles = {
        front["title"]: (front, text)
        for front, text in docs.values()
        if front["kind"] == "newspaper"
    }
    assert {title: front["page"] for title, (front, _) in articles.items()} == TITLES
    front, text = articles["蔬菜保供专班全力调运"]
    assert front["author"] == "刘彦"
    assert front["publication"] == "辽源日报" and front["date"] == "2022-04-06"
    assert front["issue"] == "总第8491期"
    assert "确保封控小区居民菜篮子供应充足、价格稳定。" in text  # lines joined, not cut
    assert "线上阅读" not in text  # the next column holds another article
    assert articles["援长工作队一千五百人出征"][0]["subtitle"] == "全力支援长春汽开区疫情防控"


def test_an_article_continued_on_another_page_is_one_document(issue_folder: Path) -> None:
    docs = documents(issue_folder)
    front, text = next(v for k, v in docs.items() if "援长工作队" in k)
    assert front["page"] == 1
    assert text.endswith("配送生活物资三千余件。")  # page 3's part follows page 1's
    assert "下转" not in text and "上接" not in text
    assert [r["page"] for r in front["regions"]] == [1, 3]
    assert not any("工作队员说" in t for k, (_, t) in docs.items() if k.startswith("page-03"))


def test_the_issue_document_holds_every_line_in_reading_order(issue_folder: Path) -> None:
    front, text = documents(issue_folder)["pages-01-04.md"]
    assert front["kind"] == "issue" and front["title"] == "辽源日报 2022-04-06 第1–4版"
    assert front["pages"] == 4
    for paragraph in [*A, *A_CONTINUED, *B, *C, *D, *E, *F]:
        assert re.sub(r"\s", "", paragraph) in text
    order = [
        text.index(t)
        for t in [
            "辽源日报社出版",
            "援长工作队一千五百人出征",
            "当前，长春",
            "蔬菜保供",
            "线上阅读服务开通",
        ]
    ]
    assert order == sorted(order)


def test_every_page_is_an_image_beside_the_documents(issue_folder: Path) -> None:
    front, _ = documents(issue_folder)["pages-01-04.md"]
    assert [p["page"] for p in front["page_images"]] == [1, 2, 3, 4]
    for entry in front["page_images"]:
        image = Image.open(issue_folder / entry["image"])
        image.load()
        assert image.size == (entry["width"], entry["height"])
        assert 800 <= image.width <= 2000
        assert abs(image.height / image.width - HEIGHT / WIDTH) < 0.01
        assert image.convert("L").getextrema()[0] < 100  # print, not a blank page


def test_the_original_is_kept_and_every_document_points_to_it(
    paper: Path, issue_folder: Path
) -> None:
    data = paper.read_bytes()
    copy = issue_folder / "original-liaoyuan-20220406.pdf"
    assert copy.read_bytes() == data
    for front, _ in documents(issue_folder).values():
        assert (
            front["source_file"] == "newspapers/辽源日报/2022-04-06/original-liaoyuan-20220406.pdf"
        )
        assert front["source_sha256"] == hashlib.sha256(data).hexdigest()


def test_a_page_without_text_is_its_image_and_a_warning(site: tuple[Path, BufferReporter]) -> None:
    warnings = [str(m) for m in site[1].warnings]
    assert any("page 4 has no text layer" in w for w in warnings)


def test_a_pdf_is_known_by_its_bytes_not_its_name(tmp_path: Path, paper: Path) -> None:
    renamed = tmp_path / "scan.txt"
    renamed.write_bytes(paper.read_bytes())
    assert read_source(renamed).text == ""
    written = import_files([renamed], ImportOptions(), tmp_path / "content", BufferReporter())
    assert any(p.name == "page-02.webp" for p in written)
    text = tmp_path / "notes.pdf"
    text.write_text("本报讯 这是一段文字，不是 PDF。\n", encoding="utf-8")
    assert read_source(text).text.startswith("本报讯")


def test_without_masthead_the_paper_is_filed_with_a_warning_not_refused(tmp_path: Path) -> None:
    path = tmp_path / "unnamed.pdf"
    path.write_bytes(make_paper(masthead=False))
    reporter = BufferReporter()
    import_files([path], ImportOptions(), tmp_path / "content", reporter)
    warnings = " ".join(str(m) for m in reporter.warnings)
    assert "--publication" not in warnings  # the running heads name the paper and date
    assert (tmp_path / "content" / "newspapers" / "辽源日报" / "2022-04-06").is_dir()
    given = ImportOptions(publication="东丰报", date=dt.date(2022, 4, 7))
    import_files([path], given, tmp_path / "content", reporter)
    assert (tmp_path / "content" / "newspapers" / "东丰报" / "2022-04-07" / "page-01.webp").exists()


def test_reimporting_under_another_date_takes_the_old_page_images_away(
    tmp_path: Path, paper: Path
) -> None:
    content = tmp_path / "content"
    import_files([paper], ImportOptions(), content, BufferReporter())
    import_files([paper], ImportOptions(date=dt.date(2022, 4, 7)), content, BufferReporter())
    assert not (content / "newspapers" / "辽源日报" / "2022-04-06").exists() or not list(
        (content / "newspapers" / "辽源日报" / "2022-04-06").iterdir()
    )
    assert (content / "newspapers" / "辽源日报" / "2022-04-07" / "page-04.webp").exists()


def test_a_damaged_pdf_is_refused_with_what_to_do(tmp_path: Path, paper: Path) -> None:
    path = tmp_path / "cut.pdf"
    path.write_bytes(paper.read_bytes()[:2000])
    with pytest.raises(ImportFailed, match="cannot read this PDF"):
        import_files([path], ImportOptions(), tmp_path / "content", BufferReporter())
    assert not (tmp_path / "content").exists()


def test_pages_are_numbered_as_they_say_or_counted() -> None:
    assert pdfpaper.page_numbers([1, None, 3], None) == ([1, 2, 3], None)
    assert pdfpaper.page_numbers([None, 5], None) == ([1, 5], None)
    assert pdfpaper.page_numbers([1, None], 7) == ([7, 8], None)
    numbers, warning = pdfpaper.page_numbers([2, 2], None)
    assert numbers == [1, 2] and "same page" in warning


# --- reading order without a PDF ----------------------------------------------------------


def line(text: str, x0: float, top: float, size: float = 10) -> pdflayout.Line:
    return pdflayout.Line(text, x0, top, x0 + size * len(text), top + size, size)


def test_columns_under_a_headline_are_read_one_after_the_other() -> None:
    lines = [
        line("大标题横跨两栏", 20, 0, size=20),
        line("一栏第一行文字", 0, 25),
        line("二栏首行", 110, 25),
        line("第二行。", 0, 40),
        line("二栏第二行文字", 90, 40),
    ]
    placed = pdflayout.reading_order(lines, 10)
    assert [p.line.text for p in placed] == [
        "大标题横跨两栏",
        "一栏第一行文字",
        "第二行。",
        "二栏首行",
        "二栏第二行文字",
    ]
    blocks = pdflayout.paragraphs(placed, 10)
    assert [(b.text, b.heading) for b in blocks] == [
        ("大标题横跨两栏", True),
        ("一栏第一行文字第二行。", False),
        ("二栏首行二栏第二行文字", False),
    ]


def test_a_column_beside_the_next_headline_is_read_before_it() -> None:
    """Article 甲 runs down the third column beside article 乙's headline."""
    lines = [
        line("甲文标题横跨三栏", 40, 0, size=20),
        *(
            line(f"甲{col}栏第{row}行", 80 * col - 80, top)
            for row, top in ((1, 25), (2, 40))
            for col in (1, 2, 3)
        ),
        line("乙文标题两栏", 10, 62, size=15),
        *(line(f"甲3栏第{row}行", 160, top) for row, top in ((3, 55), (4, 70), (5, 85))),
        line("乙1栏文字", 0, 85),
        line("乙2栏文字", 80, 85),
    ]
    order = [p.line.text for p in pdflayout.reading_order(lines, 10)]
    assert order == [
        "甲文标题横跨三栏",
        "甲1栏第1行",
        "甲1栏第2行",
        "甲2栏第1行",
        "甲2栏第2行",
        *(f"甲3栏第{row}行" for row in range(1, 6)),
        "乙文标题两栏",
        "乙1栏文字",
        "乙2栏文字",
    ]


# --- in a browser ---------------------------------------------------------------------------


def test_the_issue_page_shows_the_pages_and_links_each_article(
    site: tuple[Path, BufferReporter],
    browser,  # noqa: F811
    serve,  # noqa: F811
) -> None:
    root, _ = site
    config = load_config(root)
    build(config, BufferReporter())
    [issue] = config.output_dir.glob("publications/*/2022/04/06/*/index.html")
    base = serve(config.output_dir)
    page = browser.new_page()
    page.goto(base + issue.parent.relative_to(config.output_dir).as_posix() + "/")
    images = page.locator("figure.page-image img")
    assert images.count() == 4
    images.nth(0).scroll_into_view_if_needed()
    page.wait_for_function("document.querySelectorAll('figure.page-image img')[0].complete")
    assert images.nth(0).evaluate("img => img.naturalWidth") == 1200
    box = page.locator("figure.page-image a.article-box", has_text="蔬菜保供专班全力调运")
    box.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "蔬菜保供专班全力调运"
    page.close()
