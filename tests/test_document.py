from zoneinfo import ZoneInfo

import pytest

from sitegen.errors import ContentError
from sitegen.sources.document import decode, parse_document
from sitegen.sources.markup import Markup

SH = ZoneInfo("Asia/Shanghai")
SEED = __import__("pathlib").Path(__file__).parent / "seeds" / "000_fe0971a0fdafdda3.txt"


def parse(text: str):
    return parse_document(text, "posts/x.md", SH, Markup())


def doc_with(extra: str, body: str = "正文"):
    return parse(f"---\ntitle: t\ndate: 2022-04-08\n{extra}\n---\n{body}\n")


def test_the_seed_post():
    doc = parse(SEED.read_text(encoding="utf-8"))
    assert doc.title == "吉林辽源：披星戴月再集结 执甲逆行再出征"
    assert doc.category_paths == (("新媒体", "趣头条", "分类"),)
    assert doc.date.isoformat() == "2022-04-08T12:10:05+08:00"
    assert doc.author == "趣头条"
    assert doc.cover.startswith("https://cors.zfour.workers.dev/?http://static.1sapp.com/")
    assert doc.meta["comments"] is False
    assert "<script" not in doc.content and "为坚决打好打赢长春社会面清零攻坚战" in doc.content


@pytest.mark.parametrize(
    ("yaml", "expected"),
    [
        ("categories: 新闻", (("新闻",),)),
        ("categories: [新媒体, 趣头条, 分类]", (("新媒体", "趣头条", "分类"),)),
        ("categories:\n - 新媒体\n - 趣头条", (("新媒体", "趣头条"),)),
        (
            "categories: [[新媒体, 趣头条], [专题, 核酸检测]]",
            (("新媒体", "趣头条"), ("专题", "核酸检测")),
        ),
        ("categories: [[新媒体, 趣头条], 专题]", (("新媒体", "趣头条"), ("专题",))),
        ("categories:", ()),
    ],
)
def test_hexo_category_forms(yaml, expected):
    assert doc_with(yaml).category_paths == expected


@pytest.mark.parametrize(
    ("yaml", "expected"),
    [("tags: 长春", ("长春",)), ("tags: [长春, 辽源, 长春]", ("长春", "辽源")), ("tags:", ())],
)
def test_tag_forms(yaml, expected):
    assert doc_with(yaml).tag_names == expected


@pytest.mark.parametrize("yaml", ["draft: true", "published: false", "published: 'no'"])
def test_drafts(yaml):
    assert doc_with(yaml).draft


def test_cover_from_headimg_thumbnail_or_cover():
    assert doc_with("thumbnail: http://a/t.png").cover == "http://a/t.png"
    assert doc_with("headimg: http://a/h.png\nthumbnail: http://a/t.png").cover == "http://a/h.png"
    assert doc_with("cover: http://a/c.png\nheadimg: http://a/h.png").cover == "http://a/c.png"


def test_unknown_keys_reach_meta_and_updated_is_read():
    doc = doc_with("subtitle: 副题\nupdated: 2022-04-09 08:00:00\nslug: my-slug")
    assert doc.meta["subtitle"] == "副题"
    assert doc.updated.isoformat() == "2022-04-09T08:00:00+08:00"
    assert doc.slug == "my-slug"


def test_description_defaults_to_an_excerpt_of_the_body():
    doc = doc_with("", "<p>" + "字" * 300 + "</p>")
    assert doc.description.endswith("…") and len(doc.description) <= 140
    assert doc_with("description: 摘要").description == "摘要"


def test_bad_date_names_file_line_and_what_to_do():
    with pytest.raises(ContentError) as info:
        parse("---\ntitle: t\ndate: 2023-02-30\n---\n")
    message = str(info.value)
    assert message.startswith("posts/x.md:3: `date`")
    assert "YYYY-MM-DD" in message


def test_missing_date_is_an_error():
    with pytest.raises(ContentError, match="no `date`"):
        parse("---\ntitle: t\n---\nbody")


def test_decoding_gbk_bom_and_utf16():
    text = "---\ntitle: 长春\ndate: 2022-04-08\n---\n核酸检测\n"
    for data in (text.encode("gbk"), b"\xef\xbb\xbf" + text.encode(), text.encode("utf-16")):
        assert decode(data, "x.md") == text


def test_undecodable_bytes_name_the_file():
    with pytest.raises(ContentError, match="cannot decode"):
        decode(b"\x80\xff\xfe\x81\x00" * 3, "x.md")
