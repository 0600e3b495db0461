"""The newspaper importer on seeds 001 (a front page) and 002 (an inside page)."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest

from sitegen.importers import ImportOptions, Record, detect_kind, parse_source, read_source

SEEDS = Path(__file__).parent / "fixtures" / "importers"
JILIN = {"publication": "吉林日报", "date": dt.date(2022, 4, 10)}


def parse(prefix: str, **options: object) -> list[Record]:
    source = read_source(next(SEEDS.glob(f"{prefix}_*.txt")))
    return parse_source(source, ImportOptions(**options))  # type: ignore[arg-type]


def text_of(record: Record) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", record.body))


def paragraphs(record: Record) -> list[str]:
    return [html.unescape(p) for p in re.findall(r"<p>(.*?)</p>", record.body)]


@pytest.fixture(scope="module")
def front_page() -> list[Record]:
    return parse("001")


@pytest.fixture(scope="module")
def inside_page() -> list[Record]:
    return parse("002", **JILIN)


def test_both_pages_are_detected_as_newspapers() -> None:
    for prefix in ("001", "002"):
        source = read_source(next(SEEDS.glob(f"{prefix}_*.txt")))
        assert detect_kind(source.text) == "newspaper"


def test_masthead_gives_publication_date_issue_and_page_count(front_page: list[Record]) -> None:
    page = front_page[0]
    assert page.front == {
        "title": "辽源日报 2022-04-06 第1版",
        "date": "2022-04-06",
        "kind": "issue",
        "categories": ["报纸", "辽源日报"],
        "publication": "辽源日报",
        "publication_kind": "newspaper",
        "issue": "总第8491期",
        "issue_number": 8491,
        "page": 1,
        "pages": 4,
        "teasers": ["成绩与成长兼顾 让孩子拥抱幸福人生——详见今日三版"],
    }
    assert str(page.path) == "newspapers/辽源日报/2022-04-06/page-01.md"


def test_each_article_has_its_title_and_byline(front_page: list[Record]) -> None:
    found = [(a.front["title"], a.front.get("byline"), a.front["authors"]) for a in front_page[1:]]
    assert found == [
        ("精锐尽出 全力驰援", "本报讯(记者 于蕊)", ["于蕊"]),
        ("柴伟、程宇分别到长春汽开区对接疫情防控包保工作", "本报讯", ["组轩"]),
        ("携手共赴战场 同心守护春城", "本报记者 田蓓蕾", ["田蓓蕾"]),
        ("我市开展第六轮全员核酸检测", "本报讯(记者 胡希伟 吕琳)", ["胡希伟", "吕琳"]),
        ("喜讯!辽源市城市信用监测排名跃升至省内第三", "本报讯", ["于明明"]),
        ("天清气明,守护民族的根脉", "新华社记者 冯源", ["冯源"]),
    ]
    for order, article in enumerate(front_page[1:], start=1):
        assert article.front["kind"] == "newspaper"
        assert article.front["order"] == order
        assert article.front["issue_number"] == 8491
        assert article.front["categories"] == ["报纸", "辽源日报"]


def test_subtitles_captions_and_datelines_are_metadata(front_page: list[Record]) -> None:
    first, second, third, *_, last = front_page[1:]
    assert first.front["subtitle"] == "辽源由1541人组成的援助长春汽开区抗疫工作队启程出征"
    assert first.front["captions"] == [
        "4月5日,由辽源1541人组成的援助长春汽开区抗疫工作队启程出征。本报记者 刘彦 摄"
    ]
    assert "刘彦 摄" not in text_of(first)
    assert third.front["subtitle"] == "辽源对口帮助长春净月高新区战“疫”走笔"
    assert last.front["dateline"] == "(新华社北京4月4日电)"
    assert "新华社北京4月4日电" not in text_of(last)
    assert paragraphs(first)[0].startswith("4月5日6时30分,市委书记柴伟")
    assert second.front["dateline"] == "(组轩)"


def test_headlines_printed_after_their_articles_find_them(front_page: list[Record]) -> None:
    by_title = {a.front["title"]: a for a in front_page[1:]}
    nucleic = by_title["我市开展第六轮全员核酸检测"]
    credit = by_title["喜讯!辽源市城市信用监测排名跃升至省内第三"]
    assert paragraphs(nucleic)[0].startswith("为切实筑牢疫情防控屏障")
    assert "信用" not in text_of(nucleic)
    assert paragraphs(credit)[0].startswith("近日,国家公共信用信息中心")
    assert credit.front["dateline"] == "(于明明)"


def test_second_report_under_a_shared_headline_joins_it(front_page: list[Record]) -> None:
    shared = front_page[2]
    assert "柴伟表示" in text_of(shared)
    assert "程宇指出" in text_of(shared)
    assert (
        shared.body.index("柴伟表示") < shared.body.index("<hr />") < shared.body.index("程宇指出")
    )


def test_masthead_stays_in_the_page_document_only(front_page: list[Record]) -> None:
    assert "LIAO YUAN RI BAO" in text_of(front_page[0])
    for article in front_page[1:]:
        assert "总第8491期" not in text_of(article)


def test_flags_override_the_masthead() -> None:
    records = parse("001", publication="辽源晚报", date=dt.date(2022, 4, 7), page=2, issue="第9期")
    front = records[0].front
    assert (front["publication"], front["date"], front["page"]) == ("辽源晚报", "2022-04-07", 2)
    assert (front["issue"], front["issue_number"]) == ("第9期", 9)
    assert str(records[1].path).startswith("newspapers/辽源晚报/2022-04-07/page-02-01-")


@pytest.mark.parametrize(
    ("options", "flags"),
    [({}, ["--publication", "--date"]), ({"publication": "吉林日报"}, ["--date"])],
)
def test_a_page_without_masthead_is_imported_with_its_guesses_named(
    options: dict, flags: list
) -> None:
    """Never refused: filed under the file's name and dated by the file, each
    guess a warning naming the flag that corrects it; the articles are the
    same as with both flags."""
    records = parse("002", **options)
    source = read_source(next(SEEDS.glob("002_*.txt")))
    page = records[0]
    guesses = [n for n in page.notes if "no masthead" in n]
    assert [next(f for f in flags if f in n) for n in guesses] == flags
    assert all(n.startswith("002_92060822ecd5d4d0.txt: no masthead") for n in guesses)
    expected = options.get("publication", source.stem)
    dated = source.modified.isoformat()
    assert (page.front["publication"], page.front["date"]) == (expected, dated)
    flagged = parse("002", **JILIN)
    assert [text_of(r) for r in records] == [text_of(r) for r in flagged]


def test_hard_wrapped_lines_become_paragraphs(inside_page: list[Record]) -> None:
    texts = paragraphs(inside_page[0])
    assert texts[0].startswith("二是抓好流调排查和转运管控。针对重点人群、重点小区、重点场所")
    assert "实施“拔钉子”工程，彻底切断传播链" in texts[0]
    assert texts[0].endswith("全省累计安置返校人员20559人。")
    assert texts[1].startswith("三是继续强化医疗救治管理。")
    assert texts[1].endswith("提升医院感控防护能力。")
    assert "狭路相逢，需要勇气、更需要智慧!" in texts


def test_inside_page_articles(inside_page: list[Record]) -> None:
    harvest, olympics, icebreak = inside_page[1:]
    assert harvest.front["title"] == "争取再夺丰收年"
    assert harvest.front["subtitle"] == "吉林市备春耕扫描"
    assert harvest.front["authors"] == ["闫虹瑾"]
    assert paragraphs(harvest)[0].startswith("连日来，吉林市一手抓疫情防控、一手抓备耕生产")
    assert "李大勇" not in text_of(harvest)
    assert olympics.front["title"] == "向世界奉献了一届简约安全精彩的奥运盛会"
    assert olympics.front["jump"] == ["（上接第一版）"]
    assert olympics.front["dateline"] == "（新华社北京4月9日电）"
    assert paragraphs(olympics)[0].startswith("严谨专业的赛事组织")
    assert "上接" not in text_of(olympics)
    assert icebreak.front["title"] == "“破冰之役”的启示"
    assert paragraphs(icebreak)[0].startswith("能否打赢九台疫情歼灭战")
    assert "<h3>发挥党员先锋模范作用 让党旗始终在抗疫一线高高飘扬</h3>" in icebreak.body
    assert "page" not in harvest.front
    assert (
        str(harvest.path)
        == "newspapers/吉林日报/2022-04-10/page-002_92060822ecd5d4d0-01-争取再夺丰收年.md"
    )


def test_text_with_no_headline_stays_in_the_page_document(inside_page: list[Record]) -> None:
    page = inside_page[0]
    assert "耿建仁说" in text_of(page)
    assert not any("耿建仁说" in text_of(a) for a in inside_page[1:])
    assert any("belong to no headline" in note for note in page.notes)
