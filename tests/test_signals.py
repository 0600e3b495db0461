"""Unit tests of the line signals shared by importers (sitegen/importers/signals.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen.importers import signals

# --- dates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "timed"),
    [
        ("2019-09-18 10:32", dt.datetime(2019, 9, 18, 10, 32), True),
        ("2019年09月18日10:32", dt.datetime(2019, 9, 18, 10, 32), True),
        ("2019年9月18日 星期三", dt.datetime(2019, 9, 18), False),
        ("2023 11/ 17 20:52:15", dt.datetime(2023, 11, 17, 20, 52, 15), True),
        ("2019/9/18", dt.datetime(2019, 9, 18), False),
        ("2019.09.18", dt.datetime(2019, 9, 18), False),
        ("2019-09-18T10:32:05+08:00", dt.datetime(2019, 9, 18, 10, 32, 5), True),
        ("2019年9月18日 10时32分", dt.datetime(2019, 9, 18, 10, 32), True),
        ("发布时间：2019-09-18", dt.datetime(2019, 9, 18), False),
        ("来源：新华网 2019-09-23", dt.datetime(2019, 9, 23), False),
        ("2015-07-02 23:15:34　来源: 上海证券报", dt.datetime(2015, 7, 2, 23, 15, 34), True),
        ("2005.08.2605:39", dt.datetime(2005, 8, 26, 5, 39), True),
        ("2019-09-1810:32:05", dt.datetime(2019, 9, 18, 10, 32, 5), True),
        ("其它内容 十一月 6th, 2009", dt.datetime(2009, 11, 6), False),
        ("三月 1, 2010", dt.datetime(2010, 3, 1), False),
        ("十二月 31st,2009 at 10:26 上午", dt.datetime(2009, 12, 31), False),
    ],
)
def test_date_forms(text: str, expected: dt.datetime, timed: bool) -> None:
    [match] = signals.find_dates(text)
    assert (match.value, match.timed) == (expected, timed)
    assert signals.parse_date(text) == expected


def test_impossible_dates_and_numbers_are_not_dates() -> None:
    assert signals.parse_date("加入时间:2022-13-40") is None
    assert signals.find_dates("2019-09-2633:10 2005.8.605:39") == []
    assert signals.find_dates("二月 30th, 2009 十三月 3, 2009 二十一月 3, 2009 2009年十一月") == []


def test_a_month_name_date_is_told_from_a_numeric_one() -> None:
    named, numeric = signals.find_dates("2009-11-07 转自 十一月 6th, 2009")[::-1]
    assert named.named_month and not numeric.named_month
    assert numeric.start < named.start
    assert signals.find_dates("京ICP备05008513号-23 电话010-82612286 共1.5亿人") == []


def test_format_date_keeps_a_time_only_when_given() -> None:
    assert signals.format_date(signals.find_dates("2019-9-8")[0]) == "2019-09-08"
    assert signals.format_date(signals.find_dates("2019-9-8 7:05")[0]) == "2019-09-08 07:05:00"


@given(st.text(max_size=60))
def test_find_dates_never_fails(text: str) -> None:
    for match in signals.find_dates(text):
        assert 1900 <= match.value.year < 2100 and match.start < match.end


@given(st.text(max_size=80))
def test_every_signal_reads_any_line(line: str) -> None:
    assert 0.0 <= signals.boilerplate_score(line) <= 1.0
    assert all(isinstance(v, str) and v for v in signals.fields(line).values())
    assert isinstance(signals.clean_source(line), str)
    assert all(1 < len(name) <= 4 for name in signals.byline_names(line))
    assert signals.breadcrumb(line) is None or isinstance(signals.breadcrumb(line), list)
    signals.title_echo(line)
    signals.is_caption(line)


# --- fields and bylines --------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("加入时间:2022-04-01  来源:长春新区  ", {"date": "2022-04-01", "source": "长春新区"}),
        ("发稿时间：2017-03-10 08:42:00 来源： 人民日报海外版 中国青年网",
         {"date": "2017-03-10 08:42:00", "source": "人民日报海外版 中国青年网"}),
        ("【责任编辑：严玉洁】", {"editor": "严玉洁"}),
        ("（编辑：严玉洁 王辉）", {"editor": "严玉洁 王辉"}),
        ("(作者：方敏北京大学经济学院教授)", {"author": "方敏北京大学经济学院教授"}),
        ("稿源：某某日报｜出处：某网", {"source": "某某日报"}),
        ("本文来源：上海证券报 责任编辑：NF041", {"source": "上海证券报", "editor": "NF041"}),
        ("日期：2019/9/18", {"date": "2019/9/18"}),
        ("2017-03-10来源：某网作者：责任编辑：张三", {"source": "某网", "editor": "张三"}),
        ("一段没有标签的话。", {}),
        ("编辑：倪某某   责任编辑：杨某", {"editor": "杨某"}),
        ("责任编辑：杨某 编辑：倪某某", {"editor": "杨某"}),
        ("作者：李某 来源:某某网 审稿：王某", {"author": "李某", "source": "某某网"}),
        ("来源： 访问量：199 发布日期：2017-05-15", {"date": "2017-05-15"}),
    ],
)  # fmt: skip
def test_fields(line: str, expected: dict[str, str]) -> None:
    assert signals.fields(line) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("人民日报海外版 中国青年网", "人民日报海外版"),
        ("上海证券报·中国证券网(上海)", "上海证券报·中国证券网"),
        ("求是网参与互动", "求是网"),
        ("人民网-《人民日报》", "人民网-《人民日报》"),
        ("光明网-《光明日报》2024-05-20 03:15", "光明网-《光明日报》"),
        ("本文来源于国家统计局", "国家统计局"),
        ("转载自某某日报", "某某日报"),
        ("长春新区", "长春新区"),
        ("新华社客户端", "新华社客户端"),
    ],
)
def test_clean_source(value: str, expected: str) -> None:
    assert signals.clean_source(value) == expected


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("本报记者 田蓓蕾", ["田蓓蕾"]),
        ("新华社记者 冯源 王敏", ["冯源", "王敏"]),
        ("人民网合肥11月8日电　（记者钱伟）安徽省司法厅日前出台", ["钱伟"]),
        ("造福全人类。（记者宋晨、田中全、胡\ufffd", ["宋晨", "田中全"]),
        ("文/张三", ["张三"]),
        ("文｜张三", ["张三"]),
        ("　　作者︱春春 ", ["春春"]),
        ("澎湃新闻记者 张三 李四", ["张三", "李四"]),
        ("本报记者 刘彦 摄", ["刘彦"]),
        ("据本报记者了解，今年的工作进展顺利", []),
        ("据本报记者了解，", []),
        ("新华社北京5月19日电（刘某、杨某某）中国科学院专家19日介绍", ["刘某", "杨某某"]),
        ("本报长春4月8日电（王某某）今天", ["王某某"]),
        ("新华社北京5月19日电 中国科学院专家19日介绍", []),
        ("中青报·中青网记者 魏某某 来源：中国青年报", ["魏某某"]),
        ("记者从中国政府网获悉，李克强总理表示", []),
        ("新华社记者", []),
    ],
)
def test_byline_names(text: str, names: list[str]) -> None:
    assert signals.byline_names(text) == names


def test_long_bylines_take_linear_time() -> None:
    assert signals.byline_names("本报记者 " + "张三 和 " * 200 + "张三丰满了") == []
    assert len(signals.byline_names("（记者" + "张三、" * 200)) == 1


def test_source_writers() -> None:
    assert signals.source_writers("中国新闻网 王某某") == ["王某某"]
    assert signals.source_writers("人民日报海外版 中国青年网") == []


def test_looks_like_person() -> None:
    assert not signals.looks_like_person("正文")
    assert signals.looks_like_person("冀勇庆")
    assert not signals.looks_like_person("腾讯音乐")
    assert not signals.looks_like_person("中国网")
    assert not signals.looks_like_person("TNW中文站")


# --- line shapes -------------------------------------------------------------------


PROSE = "李克强说，中国经济上半年总体平稳，结构调整步伐加快，二季度主要经济指标向好。"


@pytest.mark.parametrize(
    "line",
    [
        "新闻 体育 NBA 娱乐 财经 股票 汽车 科技 手机 数码 女人 论坛",
        "【字号 大 中 小】\t打印\t留言\t论坛\t网摘",
        "分享到：",
        "扫一扫，用手机看新闻",
        "Copyright © 1997-2024 by www.people.com.cn. all rights reserved",
        "京ICP备13028878号-6",
        "京公网安备11010502032503号",
        "公安备案号 11010502000001",
        "字体：小 中 大",
        "打印本页 关闭窗口",
        "扫一扫，关注微信公众号",
        "大中小",
        "我要评论(0)",
        "复制链接",
        "相关新闻",
        "猜你喜欢",
        "0",
        "网友评论仅供其表达个人看法，并不表明网易立场。",
        "调查问题加载中，请稍候。",
        "若长时间无响应，请刷新本页面",
    ],
)
def test_furniture_scores_high(line: str) -> None:
    assert signals.boilerplate_score(line) >= 0.5


@pytest.mark.parametrize(
    "line",
    [
        PROSE,
        "中美合作共赢是大势所趋",
        "大中小学生都放假了",
        "中国选手再次刷新世界纪录",
        "办法同时明确了包括信访举报、案件查办等渠道在内的多种线索来源，由纪检部门负责。",
    ],
)
def test_article_lines_score_low(line: str) -> None:
    assert signals.boilerplate_score(line) < 0.5


LICENSED = (
    "高盛分析师表示，问题是甲骨文可能会如何对欧盟监管部门的反对意见作出反应。她本周发表报告说，"
    "甲骨文可能会同意将这款软件授权给其他厂商，或是加大投资，希望以此缓解欧盟委员会的担忧。"
)


def test_one_notice_word_does_not_outweigh_a_long_paragraph() -> None:
    """授权 in a long paragraph of prose is a word of the article; in a short
    line, or packed with other notice words, it is a footer's."""
    assert signals.is_long_prose(LICENSED)
    assert signals.boilerplate_score(LICENSED) < 0.5
    assert signals.boilerplate_score("未经授权，不得复制。") >= 0.5
    footer = LICENSED.replace("加大投资", "版权所有，未经许可不得转载")
    assert signals.boilerplate_score(footer) > signals.boilerplate_score(LICENSED)


def test_prose_and_link_items() -> None:
    assert signals.is_prose(PROSE)
    assert not signals.is_prose("中美合作共赢是大势所趋")
    for link in (
        "·[时评]别让谣言肆虐，每一个网友都应是“网络公民”",
        "6月10省份CPI涨幅高于全国，猪肉、蔬菜价...",
        "李克强：给社会长期稳定发展预期 2013/11/05",
        "·曹方再获音乐奖项青睐 岁末赴昆明献歌度新年 (2008-12-23 11:29:13)",
    ):
        assert signals.is_link_item(link) and not signals.is_prose(link), link


def test_items_and_ratios() -> None:
    assert signals.items("首页 | 新闻 · 体育\u3000娱乐") == ["首页", "新闻", "体育", "娱乐"]
    assert signals.cjk_ratio("abc") == 0.0 and signals.cjk_ratio("中文") == 1.0
    assert signals.punctuation(PROSE) == 4


def test_link_list_runs() -> None:
    lines = [PROSE, "", "热点新闻", "标题一二三", "", "标题四五六", "标题七八九", PROSE, "短句"]
    assert signals.link_list_runs(lines) == [range(2, 7)]


# --- breadcrumbs, title echoes, captions --------------------------------------------


@pytest.mark.parametrize(
    ("line", "sections"),
    [
        ("您的位置: 首页 > 长春新区", ["长春新区"]),
        (" 网易首页 > 财经频道 > 证券新闻 > 正文", ["财经频道", "证券新闻"]),
        ("人民网>>时政>>各地要闻", ["时政", "各地要闻"]),
        ("首页 → 理论新闻", ["理论新闻"]),
        ("评论 > 海外观察", ["评论", "海外观察"]),
        ("评论 > 海外观察 > 专栏", ["评论", "海外观察", "专栏"]),
        ("> < 年 月", None),
        ("他说：收入 > 支出。", None),
        ("人民网>>健康·生活", ["健康·生活"]),
        ("首页> 新闻中心>", ["新闻中心"]),
        ('<script src="a.js" type="text/javascript"></script>', None),
        ("|| > 新闻", ["新闻"]),  # a section of separators only is none
        ("音乐频道首页 > 新闻 > 欧美乐闻", ["音乐频道", "新闻", "欧美乐闻"]),
        ("某某首页 > 娱乐 > 明星", ["娱乐", "明星"]),  # a site's home is no section
    ],
)
def test_breadcrumb(line: str, sections: list[str] | None) -> None:
    assert signals.breadcrumb(line) == sections


def test_a_breadcrumbs_last_item_that_is_the_title_is_no_section() -> None:
    title = "Sun股价持续回落 与甲骨文交易前景堪忧"
    line = f"当前位置：首页>IT评论>业界>{title}"
    assert signals.breadcrumb(line, title) == ["IT评论", "业界"]
    assert signals.breadcrumb("首页 > 业界 > Sun股价持续回落 与甲骨...", title) == ["业界"]
    punctuated = "故宫，你低调点！故宫：不，实力已不允许我继续低调"
    assert signals.breadcrumb(f"首页 > 评论 > {punctuated}", punctuated) == ["评论"]
    assert signals.breadcrumb("首页 > 评论 > 海外观察", "评论：海外观察之一") == [
        "评论",
        "海外观察",
    ]
    assert not signals.names_title("评论", "评论：海外观察之一")


def test_title_echo() -> None:
    assert signals.title_echo("曹方新碟发布会创意无限_大陆新闻_娱乐_腾讯网") == (
        "曹方新碟发布会创意无限",
        ["大陆新闻", "娱乐"],
    )
    assert signals.title_echo("安徽司法行政系训诫预警--时政--人民网") == (
        "安徽司法行政系训诫预警",
        ["时政"],
    )
    assert signals.title_echo("一行普通的文字") is None
    assert signals.title_echo('<a style="x" id="tanx-a-mm_2663_2503_2318"></a>') is None


def test_captions() -> None:
    assert signals.is_caption("图为马素湘在澳大利亚悉尼游玩时的近影。")
    assert signals.is_caption("本报记者 刘彦 摄")
    assert not signals.is_caption(PROSE)


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("本报记者 王某某 方 敏", ["王某某", "方敏"]),
        ("本报记者 方　敏 王某某", ["方敏", "王某某"]),
        ("（记者 方 敏、李 明）", ["方敏", "李明"]),
        ("本报记者 张某文", ["张某文"]),
        ("本报记者 张某 文", ["张某"]),
    ],
)  # fmt: skip
def test_names_padded_to_three_characters_are_one_name(line: str, names: list[str]) -> None:
    assert signals.byline_names(line) == names


@pytest.mark.parametrize(
    ("clean", "value", "expected"),
    [
        (signals.unglued, "某州日报李某某", ["某州日报", "李某某"]),
        (signals.unglued, "某某新闻网王某", ["某某新闻网", "王某"]),
        (signals.unglued, "某某日报海外版", ["某某日报海外版"]),
        (signals.unglued, "某某日报客户端", ["某某日报客户端"]),
        (signals.unglued, "某某网", ["某某网"]),
        (signals.unglued, "某某音乐", ["某某音乐"]),
        (signals.without_staff_codes, "支某某 SF099", "支某某"),
        (signals.without_staff_codes, "张某、李某 ED12", "张某、李某"),
        (signals.without_staff_codes, "NF041", "NF041"),
        (signals.without_staff_codes, "王某", "王某"),
    ],
)  # fmt: skip
def test_names_come_apart_from_what_a_page_glues_to_them(clean, value, expected) -> None:
    """`unglued`: a source run into a writer's name; `without_staff_codes`:
    a CMS code after an editor's name (a code alone stays)."""
    assert clean(value) == expected


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("某市统计局 国家统计局某市调查队", ["某市统计局", "国家统计局某市调查队"]),
        ("某市新冠肺炎疫情防控工作领导小组办公室", ["某市新冠肺炎疫情防控工作领导小组办公室"]),
        ("本报记者 张某", []),
        ("某某日报", []),
        ("在新时代中部地区崛起中争先出彩", []),
    ],
)  # fmt: skip
def test_a_line_of_issuing_bodies(line: str, names: list[str]) -> None:
    assert signals.issuers(line) == names


def test_a_closing_note_in_brackets_leaves_a_sentence_a_sentence() -> None:
    """`…反思。▲（作者是本报评论员）`: the article's last sentence, its writer
    noted after it; 评论员 (a commentator) is no comment widget."""
    line = "希望这次事故给各方都带来有益的反思。▲（作者是《某某时报》评论员）"
    assert signals.ends_sentence(line) and signals.is_prose(line)
    assert signals.boilerplate_score(line) < 0.3
    assert not signals.ends_sentence("网友评论（共12条）")
