"""The periodical importer on seed 003 (研究与交流 2020年第3期)."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest

from sitegen.errors import ImportFailed
from sitegen.importers import ImportOptions, Record, Source, detect_kind, parse_source, read_source

SEEDS = Path(__file__).parent / "fixtures" / "importers"


def text_of(record: Record) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", record.body))


@pytest.fixture(scope="module")
def issue() -> list[Record]:
    source = read_source(next(SEEDS.glob("003_*.txt")))
    return parse_source(source, ImportOptions())


def test_detected_as_periodical() -> None:
    source = read_source(next(SEEDS.glob("003_*.txt")))
    assert detect_kind(source.text) == "periodical"


def test_colophon(issue: list[Record]) -> None:
    front = issue[0].front
    assert front == {
        "title": "研究与交流 2020年第3期",
        "date": "2020-06-01",
        "month": "2020-06",
        "kind": "issue",
        "categories": ["期刊", "研究与交流"],
        "publication": "研究与交流",
        "publication_kind": "periodical",
        "publisher": "中共吉林市委组织部",
        "issue": "2020年第3期",
        "issue_number": 3,
    }
    assert str(issue[0].path) == "periodicals/研究与交流/2020年第3期/issue.md"


def test_contents_resolve_to_articles_with_sections_and_authors(issue: list[Record]) -> None:
    articles = issue[1:]
    assert len(articles) == 28
    assert not issue[0].notes
    listed = {a.front["title"]: a.front for a in articles}
    expected = [
        ("卷首语", 1, "坚决打赢疫情防控的人民战争", ""),
        ("党旗飘扬第一线", 4, "信念至上", ""),
        ("党旗飘扬第一线", 9, "把初心和使命镌刻在防疫一线的党旗上", "舒兰市委组织部"),
        ("最美逆行勇担当", 24, "疫情在前 他们逆风飞扬", "金红"),
        ("坚强堡垒筑堤坝", 29, '战"疫"再显男儿志守土更深鱼水情', "永吉县一拉溪镇机关党支部"),
        ("坚强堡垒筑堤坝", 31, "抗疫烽火线上的坚强战斗堡垒", "舒兰市医学观察点临时党支部"),
        ("党员先锋群英谱", 45, "在坚守中淬炼忠诚本色 在拼搏中彰显时代担当", ""),
        ("防疫感悟践初心", 51, "提升后疫情时代党建引领基层治理能力", "郑斌"),
        ("防疫感悟践初心", 54, "在危难中见证坚守 在奉献中感悟收获", "于伟东"),
        ("防疫感悟践初心", 59, '战"疫"心声', ""),
    ]
    for section, page, title, author in expected:
        front = listed[title]
        assert (front["section"], front["page"], front.get("author", "")) == (section, page, author)
        assert front["categories"] == ["期刊", "研究与交流", section]
        assert front["kind"] == "periodical"
        assert front["date"] == "2020-06-01"
        assert front["issue"] == "2020年第3期"
        assert front["publisher"] == "中共吉林市委组织部"
    assert [a.front["order"] for a in articles] == list(range(1, 29))
    assert [a.front["page"] for a in articles] == sorted(a.front["page"] for a in articles)


def test_article_bodies_are_split_at_the_titles(issue: list[Record]) -> None:
    first, faith = issue[1], issue[2]
    assert text_of(first).startswith("沧海横流,方显英雄本色。")
    assert text_of(first).rstrip().endswith("最终胜利一定属于江城人民!")
    assert "研究5交流" not in text_of(first)
    assert faith.front["subtitle"] == '全市各级党组织和广大党员干部战"疫"纪实'
    assert faith.front["captions"] == ["市直机关工委干部在昌邑区新地号街道开展防控工作"]
    assert "硬核作风" not in text_of(faith)
    gold = next(a for a in issue if a.front["title"] == "疫情在前 他们逆风飞扬")
    assert gold.front["byline"] == "金 红"
    assert text_of(gold).startswith("疫情在前,责任在肩,逆行者,逆风飞扬!")
    subtitled = next(a for a in issue[1:] if a.front["page"] == 41)
    assert subtitled.front["subtitle"] == "记市中心医院呼吸内科副主任段伟"


def test_paths_are_numbered_in_contents_order(issue: list[Record]) -> None:
    assert (
        str(issue[1].path) == "periodicals/研究与交流/2020年第3期/01-坚决打赢疫情防控的人民战争.md"
    )
    assert str(issue[28].path).startswith("periodicals/研究与交流/2020年第3期/28-")


def test_missing_colophon_needs_flags() -> None:
    text = "目录\n\n卷首语\n\n01 标题\n\n标题\n\n正文。\n"
    source = Source("p.txt", text.encode(), text)
    with pytest.raises(ImportFailed) as caught:
        parse_source(source, ImportOptions(kind="periodical"))
    assert "--publication" in str(caught.value) and "--date" in str(caught.value)
    options = ImportOptions(kind="periodical", publication="某刊", date=dt.date(2021, 1, 1))
    records = parse_source(source, options)
    assert records[1].front["title"] == "标题"
    assert "正文。" in text_of(records[1])
