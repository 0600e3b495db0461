"""The web-page importer on seed 004 (a health-news portal article)."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest

from sitegen.errors import ImportFailed
from sitegen.importers import (
    ImportOptions,
    Record,
    Source,
    detect_kind,
    parse_source,
    read_source,
    webpage,
)

SEEDS = Path(__file__).parent / "fixtures" / "importers"


def text_of(record: Record) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", record.body))


@pytest.fixture(scope="module")
def page() -> Record:
    source = read_source(next(SEEDS.glob("004_*.txt")))
    records = parse_source(source, ImportOptions())
    assert len(records) == 1
    return records[0]


def test_detected_as_webpage() -> None:
    assert detect_kind(read_source(next(SEEDS.glob("004_*.txt"))).text) == "webpage"


def test_title_date_source_and_category(page: Record) -> None:
    assert page.front == {
        "title": "110个党员突击队扛起疫情防控“先锋旗”",
        "date": "2022-04-01",
        "kind": "webpage",
        "categories": ["网页", "长春新区"],
        "author": "长春新区",
    }
    assert str(page.path) == "web/节约网/2022-04-01-110个党员突击队扛起疫情防控-先锋旗.md"


def test_boilerplate_is_gone(page: Record) -> None:
    body = text_of(page)
    assert body.startswith("【长春新区战疫专栏】长春新区:110个党员突击队")
    assert body.rstrip().endswith("春天已经来临,胜利必将到来。")
    for furniture in (
        "网站首页",
        "您的位置",
        "加入时间",
        "如有侵权",
        "实时疫情",
        "科技攻疫",
        "3D打印药膜",
        "Copyright",
        "吉ICP备",
        "关于我们",
    ):
        assert furniture not in body


def test_boilerplate_lines_are_exactly_what_the_article_leaves_out(page: Record) -> None:
    text = read_source(next(SEEDS.glob("004_*.txt"))).text
    left_out = webpage.boilerplate_lines(text)
    assert left_out[0].startswith("网站首页")
    assert "信息、图片来源网络,如有侵权,联系删除。" in left_out
    assert left_out[-1].endswith("吉ICP备05008513号-23")


def test_date_flag_overrides_and_bad_pages_fail() -> None:
    text = "您的位置: 首页 > 新闻\n标题\n加入时间:2022-13-40 来源:某地\n正文。\n"
    source = Source("w.txt", text.encode(), text)
    with pytest.raises(ImportFailed, match="--date"):
        parse_source(source, ImportOptions(kind="webpage"))
    record = parse_source(source, ImportOptions(kind="webpage", date=dt.date(2022, 1, 2)))[0]
    assert (record.front["date"], record.front["author"]) == ("2022-01-02", "某地")
    empty = Source("e.txt", b"x", "just some words\n")
    with pytest.raises(ImportFailed, match="title and date"):
        parse_source(empty, ImportOptions(kind="webpage"))
