"""The web-page importer: seed 004, the labelled real scrapes of
tests/fixtures/web/, and the page shapes they stand for."""

from __future__ import annotations

import datetime as dt
import html
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.importers import (
    ImportOptions,
    Record,
    Source,
    detect_kind,
    import_files,
    parse_source,
    read_source,
    signals,
    webpage,
)
from sitegen.importers.cjk import compact
from sitegen.report import BufferReporter

SEEDS = Path(__file__).parent / "fixtures" / "importers"
WEB = Path(__file__).parent / "fixtures" / "web"
LABELS = yaml.safe_load((WEB / "labels.yml").read_text(encoding="utf-8"))["pages"]


def text_of(record: Record) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", record.body))


def paragraphs(record: Record) -> list[str]:
    return [compact(text_of(Record(record.path, None, b))) for b in record.body.split("\n\n")]


def parse(text: str, name: str = "w.txt", **options: object) -> Record:
    [record] = parse_source(Source(name, text.encode(), text), ImportOptions(**options))
    return record


# --- seed 004 -----------------------------------------------------------------------


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
    assert page.notes == []


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


# --- the labelled scrapes -------------------------------------------------------------


@pytest.mark.parametrize("label", LABELS, ids=[Path(p["file"]).stem for p in LABELS])
def test_labelled_scrape(label: dict) -> None:
    """What a reader would check: the title and date, the article from its
    first to its last sentence, and none of the page's furniture in it."""
    source = read_source(WEB / label["file"])
    [record] = parse_source(source, ImportOptions())
    assert record.front["kind"] == "webpage"
    assert record.front["title"] == label["title"]
    assert str(record.front["date"]) == label["date"]
    blocks = paragraphs(record)
    for sentence in (label["first"], label["last"], *label.get("sentences", [])):
        assert any(compact(sentence) in block for block in blocks), sentence
    lines = source.text.split("\n")
    for part in str(label["boilerplate"]).split(","):
        first, _, last = part.strip().partition("-")
        for number in range(int(first), int(last or first) + 1):
            line = compact(lines[number - 1])
            assert not line or line not in blocks, f"line {number} in the body: {line}"


# --- shapes of pages ------------------------------------------------------------------

ARTICLE = (
    "　　本报讯 近日，某市启动了新一轮的老旧小区改造工程，涉及居民三千余户。\n"
    "　　据介绍，改造内容包括外墙保温、管网更新和加装电梯，预计年底前完工。\n"
    "　　居民们表示，改造让生活更方便了，也让小区面貌焕然一新。\n"
)
MENU = "首页 新闻 体育 财经 娱乐 科技 汽车 房产\n"
HEADLINE = "老旧小区改造让居民住得更舒心更安心"
FOOTER = "关于我们 | 联系我们 | 网站地图\nCopyright © 2019 某某网 版权所有\n京ICP备12345678号\n"


@pytest.mark.parametrize(
    ("meta", "date"),
    [
        ("发布时间：2019-09-18 10:32", "2019-09-18 10:32:00"),
        ("2019年09月18日10:32 来源：某某日报", "2019-09-18 10:32:00"),
        ("2023 11/ 17 20:52:15", "2023-11-17 20:52:15"),
        ("日期：2019/9/18", "2019-09-18"),
        ("来源：某某日报 2019-09-23", "2019-09-23"),
    ],
)
def test_date_forms_under_the_title(meta: str, date: str) -> None:
    record = parse(f"{MENU}\n老旧小区改造让居民住得更舒心\n{meta}\n分享到：\n\n{ARTICLE}\n{FOOTER}")
    assert (record.front["title"], record.front["date"]) == ("老旧小区改造让居民住得更舒心", date)
    assert record.notes == []


def test_a_source_and_author_glued_to_the_date_line() -> None:
    record = parse(
        f"{MENU}老旧小区改造让居民住得更舒心\n2019年09月18日10:32某州日报李某某我要评论(0)\n\n"
        f"{ARTICLE}{FOOTER}"
    )
    assert (record.front["source"], record.front["author"]) == ("某州日报", "李某某")


def test_a_list_article_starts_under_its_dated_byline() -> None:
    """Short item lines (a place, a price, a phone number) weigh against
    prose, so the longest prose run is the list's last long notes; the one
    dated byline above it says where the article began."""
    items = "".join(
        f"{n}、某某景区{n}号\n\n成人票原价：{100 + n}元\n\n咨询电话：5800{n:04d}\n\n"
        for n in range(1, 31)
    )
    tail = (
        "备注：仅限成人票享受半价优惠，半价票每天限量发售，售完即止，请游客提前在官方渠道预约。\n\n"
        "特别提示：优惠活动期间部分景区可能出现较长时间排队等候的情况，请游客合理安排行程，错峰出行。\n"
    )
    text = (
        f"{MENU}周末三十家景区门票半价\n2024-05-13 12:03:10 作者：李某 来源:某某网 审稿：王某\n\n"
        "本网记者李某5月13日报道：本周末本市三十家景区推出门票半价优惠活动，详见下表。\n\n"
        f"{items}{tail}{FOOTER}"
    )
    record = parse(text)
    assert record.front["title"] == "周末三十家景区门票半价"
    assert record.front["date"] == "2024-05-13 12:03:10"
    assert (record.front["source"], record.front["author"]) == ("某某网", "李某")
    body = text_of(record)
    assert body.startswith("本网记者李某") and "1、某某景区1号" in body
    assert body.rstrip().endswith("错峰出行。")


def test_a_copyright_notice_ends_the_text_before_a_list_of_headlines() -> None:
    """Other stories' headlines are punctuated like prose; the reprint notice
    between them and the article, a sentence of furniture, ends the article."""
    others = "".join(
        f"{h}\n\n"
        for h in (
            "中年人为什么都不愿意运动了？",
            "九价疫苗降价！为什么有人打了还会患病？",
            "节后不想上班？你可能还要再干四十年！",
            "列车停运、高速封路、航班取消，回家太难了！",
            "一年喝掉三百亿公斤，喝酒的人要当心了",
        )
    )
    text = (
        f"{MENU}老旧小区改造让居民住得更舒心\n2019-09-18 来源：某某网\n\n{ARTICLE}\n"
        "某某网（www.example.cn）原创内容，未经授权不得转载。合作请联系：hz@example.cn\n"
        f"往期推荐 >>\n\n{others}{FOOTER}"
    )
    body = text_of(parse(text))
    assert body.rstrip().endswith("焕然一新。")
    assert "运动了" not in body and "不得转载" not in body


def test_a_kicker_over_the_headline_is_not_part_of_it() -> None:
    """A headline's wrap fills its first line; a narrower line over it is a kicker (引题)."""
    text = f"{MENU}某市着力改善民生\n{HEADLINE}（权威发布）\n2019-09-18 来源：某某网\n\n{ARTICLE}"
    assert parse(text).front["title"] == f"{HEADLINE}（权威发布）"


def test_bylines_over_the_text_name_the_authors_and_leave_the_text() -> None:
    text = (
        f"{MENU}{HEADLINE}\n本报记者 王某某 方  敏\n2019年09月18日10:32 | 来源：某某日报\n"
        "责任编辑：张某 AB012\n\n新华社北京9月18日电\n\n新华社记者李某、赵某某\n\n"
        f"{ARTICLE}{FOOTER}"
    )
    record = parse(text)
    assert record.front["author"] == "王某某、方敏、李某、赵某某"
    assert record.front["editor"] == "张某"
    assert "新华社记者" not in text_of(record)


def test_an_unknown_label_on_the_date_line_gives_the_source() -> None:
    text = f"{MENU}{HEADLINE}\n原创：某某健康网2019-09-18 12:27:25\n\n{ARTICLE}{FOOTER}"
    assert webpage.read(text).fields["source"] == "某某健康网"


def test_a_government_bulletin_under_its_record_table() -> None:
    """A public-information page: a table copied as text (each label over
    its value), the headline again, the issuing bodies, the day it was
    signed; the bodies are not the headline, and the labelled publication
    date outranks the bare signing day."""
    table = "索 引 号：\n0000/2023-001\n发布机构：\n某市统计局\n发文日期：\n2023-04-18\n"
    text = (
        f"{MENU}{table}某市2022年国民经济和社会发展统计公报\n\n"
        "某市2022年国民经济和社会发展统计公报\n\n某市统计局 国家统计局某市调查队\n\n"
        f"（2023年4月12日）\n\n{ARTICLE}{FOOTER}"
    )
    reading = webpage.read(text)
    assert (reading.title, reading.fields["source"]) == (
        "某市2022年国民经济和社会发展统计公报",
        "某市统计局",
    )
    assert parse(text).front["date"] == "2023-04-18"


def test_a_bulletin_signed_off_by_its_issuer_names_it_as_source() -> None:
    meta = "来源： 访问量：199 发布日期：2017-05-15 10:49:00"
    text = f"{MENU}{HEADLINE}\n{meta}\n\n{ARTICLE}（某县统计局）\n{FOOTER}"
    assert webpage.read(text).fields == {"source": "某县统计局"}


def test_date_at_the_bottom_and_metadata_lines() -> None:
    text = (
        f"{MENU}当前位置：首页 > 民生 > 城建\n\n老旧小区改造让居民住得更舒心\n\n{ARTICLE}"
        "（本报记者 李明 王芳）\n【责任编辑：张三】\n发布日期：2019-09-18\n\n相关新闻\n"
        "某市启动老旧小区改造\n某市加装电梯工作推进会召开\n某市管网更新工程完工\n" + FOOTER
    )
    record = parse(text)
    assert record.front["date"] == "2019-09-18"
    assert record.front["categories"] == ["网页", "民生", "城建"]
    assert record.front["author"] == "李明、王芳"
    assert record.front["editor"] == "张三"
    body = text_of(record)
    assert body.startswith("本报讯") and body.endswith("焕然一新。\n")
    for furniture in ("责任编辑", "相关新闻", "加装电梯工作推进会", "ICP", "首页"):
        assert furniture not in body
    assert "【责任编辑：张三】" in webpage.boilerplate_lines(text)


def test_a_breadcrumb_ending_with_the_title_gives_no_title_category() -> None:
    crumb = "当前位置：首页 > 民生 > 城建 > 老旧小区改造让居民 住得更舒心"
    text = f"{MENU}{crumb}\n\n老旧小区改造让居民 住得更舒心\n2019-09-18\n\n{ARTICLE}{FOOTER}"
    assert parse(text).front["categories"] == ["网页", "民生", "城建"]


def test_one_line_of_labelled_fields_and_a_subtitle() -> None:
    meta = "作者：张三 来源：某某日报 发布时间：2020-01-01 09:00 浏览次数：123"
    head = "老旧小区改造让居民住得更舒心\n——某市推进民生工程纪实"
    text = f"首页 | 新闻 | 图片\n{head}\n{meta}\n{ARTICLE}"
    record = parse(text + "上一篇：某某\n下一篇：某某某\n")
    assert record.front["title"] == "老旧小区改造让居民住得更舒心"
    assert (record.front["author"], record.front["source"]) == ("张三", "某某日报")
    assert record.front["date"] == "2020-01-01 09:00:00"
    blocks = paragraphs(record)
    assert blocks[0] == "——某市推进民生工程纪实" and blocks[-1].endswith("焕然一新。")


def test_a_blog_posts_month_name_date_and_its_category() -> None:
    record = parse(f"{MENU}\n标题在这里\n其它内容 十一月 6th, 2009\n\n{ARTICLE}{FOOTER}")
    assert (record.front["title"], record.front["date"]) == ("标题在这里", "2009-11-06")
    assert "其它内容" not in (record.front.get("source"), record.front.get("author"))


def test_a_weekday_after_the_date_is_neither_source_nor_author() -> None:
    record = parse(f"{MENU}\n标题在这里\n2020年1月1日 星期三 某某网\n\n{ARTICLE}{FOOTER}")
    assert (record.front["date"], record.front["author"]) == ("2020-01-01", "某某网")


def test_comments_after_the_article_stay_out() -> None:
    comments = (
        "网友评论\n张三 2020-01-02 10:00\n这个工程真好，希望我们小区也能早日改造，"
        "加装电梯对老人太重要了。\n回复 赞(3)\n"
    )
    record = parse(f"{MENU}\n标题在这里\n2020-01-01\n{ARTICLE}{comments}{FOOTER}")
    assert "工程真好" not in text_of(record)


def test_a_short_sentence_with_a_date_stays_in_the_article() -> None:
    dated = "2019年，全市经济增长了6%。"
    record = parse(f"{MENU}\n标题在这里\n2020-01-01\n{ARTICLE}{dated}\n{ARTICLE}{FOOTER}")
    assert any(compact(dated) in block for block in paragraphs(record))


def test_a_short_closing_sentence_stays_in_the_article() -> None:
    record = parse(f"{MENU}\n标题在这里\n2020-01-01\n{ARTICLE}\n你期待吗？\n\n相关新闻\n{FOOTER}")
    assert paragraphs(record)[-1] == "你期待吗？"


def test_the_copyright_line_names_the_sites_folder() -> None:
    record = parse(f"{MENU}\n标题在这里\n2020-01-01\n{ARTICLE}{FOOTER}")
    assert record.path.parent.as_posix() == "web/某某网"
    assert webpage.site_name(["首页", "© 1997-2015 网易公司版权所有 About NetEase | 公司简介"]) == (
        "网易公司"
    )
    assert webpage.site_name(["版权所有：中国青年网 京ICP备05060990号"]) == "中国青年网"
    assert webpage.site_name(MENU.split("\n") + ARTICLE.split("\n")) is None
    unsigned = parse(f"{MENU}\n标题在这里\n2020-01-01 来源：某某日报\n{ARTICLE}")
    assert unsigned.path.parent.as_posix() == "web/某某日报"


def test_notices_and_links_end_the_article_even_in_a_sentence() -> None:
    assert webpage.edge_furniture("如有侵权，请联系删除。")
    assert webpage.edge_furniture("更多精彩内容，上手机新浪网娱乐频道 ent.sina.cn")
    assert not webpage.edge_furniture(ARTICLE.split("\n")[0])
    notice = "本文转载自某某网，如有侵权，请联系删除。"
    record = parse(f"{MENU}\n标题在这里\n2020-01-01\n{ARTICLE}{notice}\n{FOOTER}")
    assert "侵权" not in text_of(record)
    assert "居民们表示" in text_of(record)


def test_a_headline_punctuated_like_prose() -> None:
    title = "故宫，你低调点！故宫：不，实力已不允许我继续低调"
    record = parse(f"{title}\n2019-02-20 来源：中国新闻网\n{ARTICLE}", kind="webpage")
    assert (record.front["title"], record.front["date"]) == (title, "2019-02-20")
    assert paragraphs(record)[0].startswith("本报讯") and record.notes == []


def test_a_headline_on_the_date_line() -> None:
    record = parse(
        f"{MENU}\n老旧小区改造让居民住得更舒心  2019-09-18 来源：某某网\n{ARTICLE}{FOOTER}"
    )
    assert (record.front["title"], record.front["date"]) == (
        "老旧小区改造让居民住得更舒心",
        "2019-09-18",
    )
    assert record.notes == []


def test_hard_wrapped_text_is_unwrapped() -> None:
    said = (
        "某市启动了老旧小区改造工程，涉及居民三千余户。据介绍，工程预计年底前完工，届时面貌一新。"
    )
    paras = [f"{when}，{said}" for when in ("近日", "今年", "去年", "明年")]
    wrapped = [p[i : i + 20] for p in paras for i in range(0, len(p), 20)]
    text = "\n".join(["老旧小区改造让居民住得更舒心", "2019-09-18", *wrapped])
    assert paragraphs(parse(text, kind="webpage")) == [compact(p) for p in paras]


def test_a_headline_wrapped_over_two_lines_is_joined() -> None:
    head = "老旧小区改造让居民\n住得更舒心更安心\n2019-09-18 来源：某某网"
    text = f"{MENU}\n{head}\n\n{ARTICLE}{FOOTER}"
    assert parse(text).front["title"] == "老旧小区改造让居民住得更舒心更安心"


def test_a_mobile_head_channel_headline_media_and_date() -> None:
    """Channel, headline, media name, date, then the text: the media name
    under the headline is the head's, not the headline or the body."""
    text = f"某某财经\n{HEADLINE}\n某某日报网络版\n2005.08.2605:39\n\n{ARTICLE}"
    record = parse(text, kind="webpage")
    assert (record.front["title"], record.front["date"]) == (HEADLINE, "2005-08-26 05:39:00")
    assert record.front["author"] == "某某日报网络版" and record.notes == []
    assert paragraphs(record)[0].startswith("本报讯")
    assert not webpage._name_under_headline(["老旧小区改造让居民", "住得更舒心更安心"], 1)


def test_a_headline_holding_a_widget_word_over_a_media_name_and_blank_lines() -> None:
    """`某某日报评论：` holds the widget word `评论`: above the date, with a lone
    media name and blank lines between, the line is still the headline."""
    headline = "某某日报评论：再谈“老旧小区改造”为何要久久为功"
    text = f"{MENU}\n\n{headline}\n\n某某日报\n\n2024-05-13 06:16 来源：某某日报\n\n{ARTICLE}"
    record = parse(text, kind="webpage")
    assert record.front["title"] == headline
    assert record.front["date"] == "2024-05-13 06:16:00" and record.notes == []
    assert signals.boilerplate_score(headline) >= webpage.FURNITURE  # a widget word in it
    assert signals.boilerplate_score(headline, widgets=False) < webpage.FURNITURE
    assert not webpage._worded_headline("分享到 微信 微博 QQ空间 评论 收藏")


def test_page_words_and_an_unlabelled_source_phrase_in_the_head() -> None:
    """`正文` over the date line is the page's word, neither source nor writer;
    `本文来源于X` names the source X; a name after the source is a writer."""
    text = f"{MENU}{HEADLINE}\n正文\n本文来源于某某日报　2024-05-11 09:36:26\n\n{ARTICLE}"
    record = parse(text, kind="webpage")  # no writer: the source signs it
    assert (record.front["author"], record.front.get("source")) == ("某某日报", None)
    text = f"{MENU}{HEADLINE}\n2023-06-15 08:10 来源：某某新闻网 王某某\n\n{ARTICLE}"
    record = parse(text, kind="webpage")
    assert (record.front["author"], record.front["source"]) == ("王某某", "某某新闻网")


def test_a_lone_button_between_the_head_and_the_article_stays_out() -> None:
    text = f"{MENU}\n{HEADLINE}\n2019-09-18 来源：某某网\n关注\n\n{ARTICLE}{FOOTER}"
    record = parse(text)
    assert paragraphs(record)[0].startswith("本报讯")
    assert "关注" in webpage.boilerplate_lines(text)


def test_a_channel_line_over_the_headline_is_not_the_title() -> None:
    record = parse(f"某某财经\n{HEADLINE}\n\n{ARTICLE}", kind="webpage", date=dt.date(2020, 1, 1))
    assert record.front["title"] == HEADLINE
    assert record.notes[0] == "w.txt: title guessed from line 2"


def test_a_copied_title_tag_names_the_headline() -> None:
    echo = "老旧小区改造让居民住得更舒心_民生_某某网"
    text = f"{echo}\n{MENU}\n老旧小区改造让居民住得更舒心\n\n{ARTICLE}"
    record = parse(text, kind="webpage", date=dt.date(2019, 9, 18))
    assert record.front["title"] == "老旧小区改造让居民住得更舒心"
    assert record.front["categories"] == ["网页", "民生"]
    assert not any("title guessed" in n for n in record.notes)


def test_indented_paragraphs_wrapped_over_lines_are_joined() -> None:
    first = [
        "　　第一段开始，这一行被硬换行切断了，读者",
        "看到的是两行文字，但它们仍是同一段，应当",
        "合并成一段。",
    ]
    second = "　　第二段另起一行，用全角空格缩进，是新的一段。"
    text = "\n".join([MENU, "标题在这里", "2019-09-18", "", *first, second, FOOTER])
    assert paragraphs(parse(text)) == [compact("".join(first)), compact(second)]


def test_captions_are_kept_as_captions() -> None:
    head = "老旧小区改造让居民住得更舒心\n2019-09-18\n\n改造后的小区\n"
    text = f"{head}\n{ARTICLE}图为改造后的小区一角。\n{ARTICLE}"
    body = parse(text, kind="webpage").body
    assert "<figcaption>改造后的小区</figcaption>" in body
    assert "<figcaption>图为改造后的小区一角。</figcaption>" in body


# --- never refused, every guess said --------------------------------------------------


def test_an_invalid_date_is_no_date_and_dated_by_the_flag() -> None:
    text = "您的位置: 首页 > 新闻\n标题\n加入时间:2022-13-40 来源:某地\n正文。\n"
    record = parse(text, kind="webpage", date=dt.date(2022, 1, 2))
    assert (record.front["date"], record.front["author"]) == ("2022-01-02", "某地")
    assert record.notes == ["w.txt: no date found; dated by --date"]


def test_plain_words_are_imported_with_their_guesses() -> None:
    source = Source("w03.txt", b"x", "just some words\n", modified=dt.date(2021, 5, 6))
    [record] = parse_source(source, ImportOptions())
    assert record.front["title"] == "just some words"
    assert record.front["date"] == "2021-05-06"
    assert record.notes == [
        "w03.txt: kind not recognised; read as a web page or plain text "
        "(pass --kind post|html|newspaper|periodical|webpage to choose)",
        "w03.txt: title guessed from line 1",
        "w03.txt: no article text found; the document holds only the title",
        "w03.txt: no date found; dated by the file's modification time, 2021-05-06",
    ]


def test_undated_text_without_a_file_is_dated_today() -> None:
    record = parse("随便写的几句话。\n")
    assert record.front["date"] == dt.date.today().isoformat()
    assert any("dated today" in note for note in record.notes)


def test_prose_without_a_headline_is_titled_by_its_first_words() -> None:
    record = parse(ARTICLE, kind="webpage")
    assert record.front["title"] == "本报讯 近日，某市启动了新一轮的老旧小区改造工程"
    assert paragraphs(record)[0].startswith("本报讯近日")


def test_unrecognised_file_imports_and_dry_run_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "w03.txt"
    path.write_text("随便写的几句话。\n", encoding="utf-8")
    content = tmp_path / "content"
    reporter = BufferReporter()
    planned = import_files([path], ImportOptions(), content, reporter, dry_run=True)
    assert not content.exists()
    assert [p.relative_to(content).parts[0] for p in planned] == ["web", "web"]
    assert any("kind not recognised" in w for w in reporter.warnings)
    written = import_files([path], ImportOptions(), content, BufferReporter())
    assert sorted(written) == sorted(planned)


LINES = st.one_of(
    st.sampled_from(
        [
            *ARTICLE.split("\n"),
            *MENU.split("\n"),
            *FOOTER.split("\n"),
            "老旧小区改造让居民住得更舒心",
            "发布时间：2019-09-18 10:32 来源：某某日报",
            "【责任编辑：张三】",
            "（本报记者 李明）",
            "您的位置：首页 > 民生",
            "标题_栏目_网站",
            "图为改造后的小区一角。",
            "",
            "　　",
        ]
    ),
    st.text(max_size=30),
)


@given(lines=st.lists(LINES, max_size=30))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_line_is_in_the_document_or_kept_aside(lines: list[str]) -> None:
    text = "\n".join(lines)
    record = parse(text, kind="webpage", date=dt.date(2020, 1, 1))
    kept = compact(record.front["title"] + text_of(record))
    aside = set(webpage.boilerplate_lines(text))
    lost = [x for x in text.split("\n") if x.strip() and x not in aside and compact(x) not in kept]
    assert lost == []


def test_the_command_line_dry_run_shows_files_and_guesses(tmp_path: Path) -> None:
    scrape = tmp_path / "w05.txt"
    scrape.write_bytes((WEB / "qq-2016-deepmind.txt").read_bytes())
    plain = tmp_path / "w03.txt"
    plain.write_text("随便写的几句话。\n", encoding="utf-8")
    args = ["import", "--site", str(tmp_path), "--dry-run", str(scrape), str(plain)]
    run = subprocess.run(
        [sys.executable, "-m", "sitegen", *args], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("would write") == 4
    assert "w03.txt: no date found; dated by the file's modification time" in run.stderr
    assert "nothing was (--dry-run)" in run.stderr
    assert not (tmp_path / "content").exists()
