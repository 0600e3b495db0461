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


# A plain scalar typed as a title, author, category or tag: what Hexo 7 shows
# (js-yaml 4.1, YAML 1.2's core schema, then the value printed as JavaScript
# prints it) and what sitegen shows. YAML 1.1 readers (PyYAML) show False for
# NO and 8 for 010. sitegen keeps the text the author typed wherever a text is
# shown, so a feed's post titled NO is titled NO.
HEXO_TEXTS = [
    # typed    Hexo shows   sitegen shows
    ("NO", "NO", "NO"),
    ("no", "no", "no"),
    ("yes", "yes", "yes"),
    ("Off", "Off", "Off"),
    ("on", "on", "on"),
    ("off", "off", "off"),
    ("y", "y", "y"),
    ("n", "n", "n"),
    ("true", "true", "true"),
    ("010", "10", "010"),
    ("1_000", "1000", "1_000"),
    ("0x1F", "31", "0x1F"),
    (".inf", "Infinity", ".inf"),
    ("~", "", "~"),
    ("null", "", "null"),
    ("2022", "2022", "2022"),
    ("3.10", "3.1", "3.10"),
    ("吉林", "吉林", "吉林"),
]


@pytest.mark.parametrize(("typed", "hexo", "shown"), HEXO_TEXTS)
def test_texts_are_shown_as_typed(typed, hexo, shown):
    doc = parse(
        f"---\ntitle: {typed}\nauthor: {typed}\ncategories: [{typed}, 子类]\n"
        f"tags:\n  - {typed}\ndate: 2022-04-08\n---\n正文\n"
    )
    assert (doc.title, doc.author, doc.category_paths, doc.tag_names) == (
        shown,
        shown,
        ((shown, "子类"),),
        (shown,),
    )
    if hexo == typed:  # where Hexo shows the text as typed, so does sitegen
        assert doc.title == hexo


# Any other value, as Hexo reads it (typed, Hexo's value, sitegen's value).
HEXO_VALUES = [
    ("010", 10, 10),
    ("0o17", 15, 15),
    ("0x1F", 31, 31),
    ("1_000", 1000, 1000),
    ("+12", 12, 12),
    ("1e3", 1000.0, 1000.0),
    ("true", True, True),
    ("FALSE", False, False),
    ("yes", "yes", "yes"),
    ("NO", "NO", "NO"),
    ("off", "off", "off"),
    ("1:20", "1:20", "1:20"),
    ("~", None, ""),  # a real null leaves the field empty
    ("null", None, ""),
    ("", None, ""),
]


@pytest.mark.parametrize(("typed", "hexo", "value"), HEXO_VALUES)
def test_other_values_are_read_as_hexo_reads_them(typed, hexo, value):
    doc = doc_with(f"page: {typed}")
    assert doc.meta["page"] == value
    assert type(doc.meta["page"]) is type(hexo if hexo is not None else "")


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("2022-04-08 10:00:00", "2022-04-08T10:00:00+08:00"),  # in the site's timezone
        ("2022-04-08", "2022-04-08T00:00:00+08:00"),
        ("2022-04-08T02:10:05Z", "2022-04-08T10:10:05+08:00"),
        ("2022-04-08T10:10:05+08:00", "2022-04-08T10:10:05+08:00"),
        ("Fri, 08 Apr 2022 04:10:05 GMT", "2022-04-08T12:10:05+08:00"),
        ("'2022-04-08 10:30'", "2022-04-08T10:30:00+08:00"),
    ],
)
def test_dates_are_read_as_hexo_reads_them(typed, shown):
    doc = parse(f"---\ntitle: t\ndate: {typed}\n---\n正文\n")
    assert doc.date.isoformat() == shown


def test_reinterpreted_scalars_are_noted_with_their_lines():
    doc = parse("---\ntitle: NO\ndate: 2022-04-08\npage: 010\nflag: yes\nok: true\n---\n正文\n")
    notes = {(line, message.split("`")[1]) for kind, line, message in doc.notes}
    assert notes == {(2, "title: NO"), (4, "page: 010"), (5, "flag: yes")}
    assert all(kind == "scalar" for kind, _, _ in doc.notes)


@pytest.mark.parametrize(
    "field", ["link", "original_url", "source_url", "original", "cover", "headimg", "thumbnail"]
)
@pytest.mark.parametrize(
    "url", ["javascript:alert('L')", "' &#106;avascript:alert(1)'", '"java\\tscript:x"']
)
def test_front_matter_urls_that_run_code_are_dropped_and_noted(field, url):
    doc = doc_with(f"{field}: {url}")
    assert doc.original_url == doc.cover == ""
    assert doc.meta.get(field, "") == ""
    assert [(kind, line) for kind, line, _ in doc.notes] == [("url", 4)]
    assert f"`{field}`" in doc.notes[0][2]


def test_any_other_field_that_would_run_code_in_a_link_is_dropped():
    doc = doc_with("images: [https://a.example/1.png, 'javascript:x']\nnote: vbscript:msgbox")
    assert doc.meta["images"] == ["https://a.example/1.png"]
    assert doc.meta["note"] == ""
    assert [line for _, line, _ in doc.notes] == [4, 5]
    kept = doc_with("subtitle: 'javascript: 入门'\nthumb_url: data:image/png;base64,AAAA")
    assert kept.meta == {"subtitle": "javascript: 入门", "thumb_url": "data:image/png;base64,AAAA"}
    assert kept.notes == ()


def test_body_urls_dropped_are_noted_on_their_line():
    doc = doc_with("", body='第一行\n\n<a href="java&#x09;script:alert(1)">x</a> [y](vbscript:z)')
    assert [(kind, line) for kind, line, _ in doc.notes] == [("url", 8), ("url", 8)]
    assert "script:" not in doc.html


def test_descriptions_are_the_text_of_their_html():
    doc = doc_with("description: '<p>摘要 <img src=x onerror=alert(1)> 一</p>'")
    assert doc.description == "摘要 一"
    doc = doc_with("", body='<img src=x onerror=alert("B1")> 图片说明')
    assert doc.description == "图片说明"
