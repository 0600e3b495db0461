"""Unit tests of the shared CJK text helpers (sitegen/importers/cjk.py, columns.py)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.errors import ImportFailed
from sitegen.importers import cjk, columns

SEEDS = Path(__file__).parent / "fixtures" / "importers"
TEXT = "本报讯(记者 于蕊)4月5日,市委书记柴伟带领援长工作队出征。\r\n第二段。\n"


# --- decoding -------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-16-le"),
        TEXT.encode("gb18030"),
        TEXT.encode("gbk"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16be-bom", "utf16le-no-bom", "gb18030", "gbk"],
)
def test_decode_detects_the_encoding_and_normalises_newlines(data: bytes) -> None:
    assert cjk.decode(data, "a.txt") == TEXT.replace("\r\n", "\n")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \n\t\n", "empty"),
        (bytes(range(256)) * 4, "binary"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "binary"),
        (b"\xff\xfe\x00", "byte-order mark"),
        (b"\x81\x30\x81" * 50 + b"\xff\xff\xff", "cannot decode"),
    ],
)
def test_decode_refuses_what_is_not_text_and_names_the_file(data: bytes, message: str) -> None:
    with pytest.raises(ImportFailed) as caught:
        cjk.decode(data, "bad/input.txt")
    assert message in str(caught.value)
    assert str(caught.value).startswith("bad/input.txt")


@given(st.binary(max_size=400))
@settings(max_examples=150, deadline=None)
def test_decode_gives_text_or_import_failed(data: bytes) -> None:
    try:
        text = cjk.decode(data, "x.txt")
    except ImportFailed:
        return
    assert isinstance(text, str) and "\r" not in text


# --- spacing ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("争 取 再 夺 丰 收 年", "争取再夺丰收年"),
        ("“ 破 冰 之 役 ”的 启 示", "“破冰之役”的启示"),
        ("金 红", "金红"),
        ("精锐尽出 全力驰援", "精锐尽出 全力驰援"),
        ("冬奥 7 年艰辛，奋斗铸就辉煌。", "冬奥 7 年艰辛，奋斗铸就辉煌。"),
        ("LIAO YUAN RI BAO", "LIAO YUAN RI BAO"),
    ],
)
def test_close_up_only_letter_spaced_lines(line: str, expected: str) -> None:
    assert cjk.close_up(line) == expected


def test_tidy_spaces_drops_pdf_spaces_between_cjk_but_keeps_latin_words() -> None:
    assert (
        cjk.tidy_spaces("全市 1669 个党组织, 一次次 在关键时刻")
        == "全市1669个党组织,一次次在关键时刻"
    )
    assert cjk.tidy_spaces("促进会 and 全市") == "促进会 and 全市"


@pytest.mark.parametrize(
    ("left", "right", "joined"),
    [("截至4月8日", "12时", "截至4月8日12时"), ("the quick", "brown fox", "the quick brown fox")],
)
def test_join_lines(left: str, right: str, joined: str) -> None:
    assert cjk.join_lines(left, right) == joined


# --- recognisers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "byline", "names", "rest"),
    [
        ("本报讯(记者 于蕊)4月5日6时30分,", "本报讯(记者 于蕊)", ["于蕊"], "4月5日6时30分,"),
        (
            "本报讯（记者 胡希伟 吕琳）为切实",
            "本报讯（记者 胡希伟 吕琳）",
            ["胡希伟", "吕琳"],
            "为切实",
        ),
        ("本报讯 为全面落实", "本报讯", [], "为全面落实"),
        (
            "新华社北京4月4日电(记者 冯源)清明节",
            "新华社北京4月4日电(记者 冯源)",
            ["冯源"],
            "清明节",
        ),
    ],
)
def test_lead_byline(paragraph: str, byline: str, names: list[str], rest: str) -> None:
    assert cjk.lead_byline(paragraph) == (byline, names, rest)


def test_lead_byline_only_at_the_start() -> None:
    assert cjk.lead_byline("据本报讯报道") is None


@pytest.mark.parametrize(
    "line", ["本报记者 田蓓蕾", "新华社记者 冯源", "本报记者 闫虹瑾", "本报记者 张三 通讯员 李四"]
)
def test_standalone_bylines(line: str) -> None:
    assert cjk.is_byline(line)


@pytest.mark.parametrize(
    "line", ["记者看到", "精锐尽出 全力驰援", "本报记者近日在长春市汽开区采访时看到"]
)
def test_not_bylines(line: str) -> None:
    assert not cjk.is_byline(line)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(组轩)", ("(组轩)", ["组轩"], "")),
        ("（新华社北京4月9日电）", ("（新华社北京4月9日电）", [], "")),
        ("全力投入攻坚战。(组轩)", ("(组轩)", ["组轩"], "全力投入攻坚战。")),
        ("市委常委(扩大)", None),
        ("(作者:市委组织部组织二处副处长)", None),
        ("一次放松(见下图)", None),
    ],
)
def test_dateline(text: str, expected: tuple | None) -> None:
    assert cjk.dateline(text) == expected


def test_captions_teasers_subtitles_and_jumps() -> None:
    assert cjk.is_caption("4月5日,工作队启程出征。本报记者 刘彦 摄")
    assert not cjk.is_caption("他们正在拍摄")
    assert cjk.is_teaser("——详见今日三版")
    assert cjk.subtitle_text("——详见今日三版") is None
    assert cjk.subtitle_text("——吉林市备春耕扫描") == "吉林市备春耕扫描"
    assert cjk.subtitle_text("二是抓好流调") is None
    assert cjk.split_jumps("（上接第一版）严谨专业的赛事组织") == (
        ["（上接第一版）"],
        "严谨专业的赛事组织",
    )
    assert cjk.split_jumps("坚决打好歼灭战。(下转第二版)") == (["(下转第二版)"], "坚决打好歼灭战。")
    assert cjk.split_jumps("没有跳转") == ([], "没有跳转")


def test_split_names_joins_letter_spaced_names() -> None:
    assert cjk.split_names("金 红") == ["金红"]
    assert cjk.split_names("记者 胡希伟 吕琳") == ["胡希伟", "吕琳"]


def test_coverage_prefers_rare_words() -> None:
    weights = cjk.rarity(["防控", "防控 程宇", "防控"])
    title = "程宇防控"
    assert cjk.coverage(title, "程宇", weights) > cjk.coverage(title, "疫情防控", weights)


# --- paragraphs ---------------------------------------------------------------------


def seed_lines(prefix: str) -> list[str]:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8").split("\n")


def test_hard_wrapped_text_is_recognised() -> None:
    assert columns.is_hard_wrapped(seed_lines("002"))
    assert not columns.is_hard_wrapped(seed_lines("001"))
    assert not columns.is_hard_wrapped(seed_lines("003"))


def test_unwrap_joins_lines_across_blank_lines_and_ends_at_short_sentence_ends() -> None:
    paras = columns.unwrap(seed_lines("002"))
    first = paras[0]
    assert first.text.startswith("二是抓好流调排查和转运管控。针对重点人群、重点小区")
    assert first.text.endswith("全省累计安置返校人员20559人。")
    assert (first.first, first.last) == (0, 24)
    assert paras[1].text.startswith("三是继续强化医疗救治管理。进一步优化新冠肺炎")
    texts = [p.text for p in paras]
    assert "狭路相逢，需要勇气、更需要智慧!" in texts


def test_unwrap_finds_headlines_closes_them_up_and_joins_wrapped_ones() -> None:
    heads = [p.text for p in columns.unwrap(seed_lines("002")) if p.heading]
    assert "争取再夺丰收年" in heads
    assert "“破冰之役”的启示" in heads
    assert "巩固疫情防控成果 有序恢复生产生活秩序" in heads
    assert "向世界奉献了一届简约安全精彩的奥运盛会" in heads
    assert "发挥党员先锋模范作用 让党旗始终在抗疫一线高高飘扬" in heads


def test_unwrap_uses_blank_lines_where_they_are_rare() -> None:
    lines = [
        "甲" * 17,
        "乙" * 15 + "。",
        "",
        "丙" * 17,
        "丁" * 16 + "。",
        "戊" * 17,
        "己" * 3 + "。",
    ]
    texts = [p.text for p in columns.unwrap(lines)]
    assert texts == [
        "甲" * 17 + "乙" * 15 + "。",
        "丙" * 17 + "丁" * 16 + "。" + "戊" * 17 + "己" * 3 + "。",
    ]


def test_rejoin_mends_paragraphs_cut_at_column_breaks() -> None:
    texts = [p.text for p in columns.rejoin(seed_lines("001"))]
    assert any("4月5日,我市再次派出510名医护人员" in t for t in texts)
    assert any("通过电话指挥、每日视频、隔天汇报等方式" in t for t in texts)
    assert "精锐尽出 全力驰援" in texts


@given(
    st.lists(
        st.text(alphabet="我们的 ，。、！\n甲乙丙丁abc12（上接第一版）—", max_size=30), max_size=40
    )
)
@settings(max_examples=150, deadline=None)
def test_paragraphs_lose_no_character(lines: list[str]) -> None:
    lines = [x for line in lines for x in line.split("\n")]
    for rebuild in (columns.rejoin, columns.unwrap, columns.paragraphs):
        paras = rebuild(lines)
        assert cjk.compact("".join(p.text for p in paras)) == cjk.compact("".join(lines))
