"""Hexo's URL rules (sitegen.hexo) against the real code.

The expected values were computed by the code they name, run under Node 20
(ICU 78, Unicode 17): hexo 8.1.2 (plugins/filter/post_permalink.js,
parseFilename of plugins/processor/post.js, the category and tag models'
slug), hexo-util 4.0.0 (slugize, Permalink) and hexo-abbrlink 2.2.1
(lib/crc16.js, lib/crc32.js, and lib/logic.js itself, called on posts in
temporary files). Where ours differs from the plugin on purpose (bumping in
hex, given abbrlinks met later), the test shows the plugin's value too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zlib

import pytest

from sitegen.hexo import (
    ABBRLINK_ALG,
    ABBRLINK_REP,
    Abbrlink,
    abbrlinks,
    category_slug,
    crc16,
    crc32,
    escape_diacritic,
    expand,
    name_date,
    parse_post_name,
    placeholders,
    post_fields,
    post_path,
    slugize,
    tag_slug,
)

# (title, crc16(title) >>> 0, crc32.str(title) >>> 0) by the plugin's modules.
# The README's samples (66c8, 65535, 8ddf18fb, 1690090958) name no titles,
# so they cannot be reproduced; test.js's crc("123") is the first row.
CRCS = [
    ("123", 47620, 2286445522),
    ("", 0, 0),
    ("Hello World", 16107, 1243066710),
    ("你好，世界", 61016, 2901793364),
    ("Hexo 博客搭建教程", 9421, 1893432700),
    ("使用 GitHub Pages 部署 Hexo", 64540, 3458573703),
    ("我的第一篇博客", 63785, 3646782985),
    ("Python 学习笔记（一）", 54590, 3683067822),
    ("深入理解 JavaScript 闭包", 17519, 1824752045),
    ("算法：动态规划入门", 33896, 2691493713),
    ("读书笔记：《三体》", 51105, 3237283155),
    ("2024 年终总结", 14837, 3570495681),
    ("Vue3 + Vite 项目实战", 23378, 1413899823),
    ("如何优雅地使用 Git", 7464, 2175533463),
    ("Linux 常用命令大全", 48940, 10787289),
    ("关于我", 19487, 2683804451),
    ("😀 表情", 57116, 548624274),
    ("Straße", 41239, 1199729489),
]
# Lone surrogates: Buffer writes U+FFFD for crc16; SheetJS's crc32.str reads
# a surrogate and the unit after it as a pair, whatever that unit is.
BROKEN_CRCS = [
    ("a\ud800b", 16712, 54881401),
    ("\udc00x", 17012, 3172197375),
    ("end\ud83d", 47230, 4135510987),
]


@pytest.mark.parametrize(("title", "expected16", "expected32"), CRCS + BROKEN_CRCS)
def test_crcs_are_the_plugins(title: str, expected16: int, expected32: int) -> None:
    assert crc16(title) == expected16
    assert crc32(title) == expected32


@pytest.mark.parametrize(("title", "expected16", "expected32"), CRCS)
def test_crc32_is_zlibs_for_well_formed_text(title: str, expected16: int, expected32: int) -> None:
    assert zlib.crc32(title.encode()) == expected32


def test_crc32_differs_from_zlib_only_where_utf8_cannot_be_written() -> None:
    text = "a\ud800b"
    assert crc32(text) != zlib.crc32(text.encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize(("title", "expected16", "expected32"), CRCS)
def test_one_abbrlink_per_title_in_each_algorithm_and_representation(
    title: str, expected16: int, expected32: int
) -> None:
    assert abbrlinks([title]) == [Abbrlink(str(expected16))]
    assert abbrlinks([title], rep="hex") == [Abbrlink(format(expected16, "x"))]
    assert abbrlinks([title], alg="crc32") == [Abbrlink(str(expected32))]
    assert abbrlinks([title], "crc32", "hex") == [Abbrlink(format(expected32, "x"))]


def test_the_plugins_defaults() -> None:
    assert (ABBRLINK_ALG, ABBRLINK_REP) == ("crc16", "dec")
    assert abbrlinks(["关于我"]) == [Abbrlink("19487")]  # logic.js with no abbrlink config


SAME_TITLE = ["关于我", "关于我", "Hello World", "关于我"]


@pytest.mark.parametrize(
    ("alg", "plugin"),
    [
        ("crc16", [19487, 19488, 16107, 19489]),
        ("crc32", [2683804451, 2683804452, 1243066710, 2683804453]),
    ],
)
def test_a_title_met_again_is_bumped_in_dec_as_the_plugin_does(alg: str, plugin: list[int]) -> None:
    links = abbrlinks(SAME_TITLE, alg, "dec")
    assert [link.value for link in links] == [str(n) for n in plugin]
    first = str(plugin[0])
    assert links[1] == Abbrlink(str(plugin[1]), first, 0)
    assert links[3] == Abbrlink(str(plugin[3]), first, 0)
    assert links[0].bumped_from is None and links[2].bumped_from is None


@pytest.mark.parametrize(
    ("alg", "plugin", "ours"),
    [
        ("crc16", ["4c1f", "4c1f", "3eeb", "4c1f"], ["4c1f", "4c20", "3eeb", "4c21"]),
        (
            "crc32",
            ["9ff79b23", "9ff79b23", "4a17b156", "9ff79b23"],
            ["9ff79b23", "9ff79b24", "4a17b156", "9ff79b25"],
        ),
    ],
)
def test_hex_is_bumped_where_the_plugin_gives_two_posts_one_link(
    alg: str, plugin: list[str], ours: list[str]
) -> None:
    assert len(set(plugin)) < len(plugin)  # the real plugin: three posts at one URL
    links = abbrlinks(SAME_TITLE, alg, "hex")
    assert [link.value for link in links] == ours
    assert [link.bumped_from for link in links] == [None, plugin[0], None, plugin[0]]
    assert [link.clashes_with for link in links] == [None, 0, None, 0]


def test_hex_has_no_padding_and_bumps_as_a_number() -> None:
    title = "如何优雅地使用 Git"  # crc16 7464, 0x1d28
    links = abbrlinks([title, title], rep="hex")
    assert [link.value for link in links] == ["1d28", "1d29"]
    links = abbrlinks([title, "x"], rep="hex", given=[None, "1d29"])
    assert links[0] == Abbrlink("1d28")  # '1d29' is no number to bump past
    assert abbrlinks(["x", title], rep="hex", given=["1d28", None])[1] == Abbrlink(
        "1d29", "1d28", 0
    )
    assert abbrlinks(["", ""], rep="hex") == [Abbrlink("0"), Abbrlink("1", "0", 0)]


def test_a_given_abbrlink_is_kept_and_taken() -> None:
    # logic.js, given 19487 (a YAML number) first: the computed one is bumped.
    assert abbrlinks(["x", "关于我"], given=["19487", None]) == [
        Abbrlink("19487"),
        Abbrlink("19488", "19487", 0),
    ]
    # logic.js, given 19487 on a later post: both posts get 19487. Ours
    # reserves it, so the earlier post is bumped, naming the later one.
    assert abbrlinks(["关于我", "x"], given=[None, "19487"]) == [
        Abbrlink("19488", "19487", 1),
        Abbrlink("19487"),
    ]


def test_a_given_abbrlink_is_kept_whatever_its_form() -> None:
    links = abbrlinks(["a", "b", "c"], rep="hex", given=["hello", "", "hello"])
    assert links[0] == Abbrlink("hello")
    assert links[1] == Abbrlink(format(crc16("b"), "x"))
    assert links[2] == Abbrlink("hello", None, 0)  # two files carry one link


def test_missing_given_values_count_as_none() -> None:
    assert abbrlinks(["关于我", "关于我"], given=["7"]) == [Abbrlink("7"), Abbrlink("19487")]


# sha256 of the UTF-16LE of '\n'.join(slugize(chr(c), {transform})) over
# every code unit U+0000-U+FFFF, by hexo-util. Transform 0 covers the whole
# of escape_diacritic's table: 0 mismatches over the 65,536 code units.
# Transforms 1 and 2 leave out the 16 letters whose case pairs came in
# Unicode 16-17: Hexo's result there depends on the Node that runs it.
NEWER_CASES = frozenset(
    [0x19B, 0x264, 0x1C89, 0x1C8A, 0xA7CB, 0xA7CC, 0xA7CD, 0xA7CE]
    + [0xA7CF, 0xA7D2, 0xA7D3, 0xA7D4, 0xA7D5, 0xA7DA, 0xA7DB, 0xA7DC]
)
BMP_DIGESTS = {
    0: "2fd399198c27e4bafecc3b1ba6aebb6c312cf09fe5dab76ced517634c118bfa7",
    1: "29e9d7596d4a6d6dc403f8e9e3ce66cb8befb8a0c9e52c8a550093af7a24bc92",
    2: "67f42bc1f408d9cd0067ebf735db3bea1e5c89797db7d38fa056b3e3f0c771d5",
}


@pytest.mark.parametrize("transform", [0, 1, 2])
def test_slugize_matches_hexo_util_on_every_bmp_character(transform: int) -> None:
    codes = (c for c in range(0x10000) if transform == 0 or c not in NEWER_CASES)
    slugs = "\n".join(slugize(chr(c), transform) for c in codes)
    digest = hashlib.sha256(slugs.encode("utf-16-le", "surrogatepass")).hexdigest()
    assert digest == BMP_DIGESTS[transform]


# (text, transform 0, 1, 2) by hexo-util's slugize.
SLUGS = [
    ("Hello World", "Hello-World", "hello-world", "HELLO-WORLD"),
    ("  --Hello__World--  ", "Hello-World", "hello-world", "HELLO-WORLD"),
    (
        "Crème Brûlée à la carte",
        "Creme-Brulee-a-la-carte",
        "creme-brulee-a-la-carte",
        "CREME-BRULEE-A-LA-CARTE",
    ),
    ("Ærøskøbing Straße", "AEroskobing-Strase", "aeroskobing-strase", "AEROSKOBING-STRASE"),
    ("ǅemal ǈubljana ǋ", "Dzemal-Ljubljana-Nj", "dzemal-ljubljana-nj", "DZEMAL-LJUBLJANA-NJ"),
    ("Ⓐⓑ ＡＢｃ", "Ab-ABc", "ab-abc", "AB-ABC"),
    ("ſpecial œuvre", "lpecial-oeuvre", "lpecial-oeuvre", "LPECIAL-OEUVRE"),
    ("你好，世界！", "你好，世界！", "你好，世界！", "你好，世界！"),
    ("Vue3 + Vite：项目实战", "Vue3-Vite：项目实战", "vue3-vite：项目实战", "VUE3-VITE：项目实战"),
    ("a\x00b\x1fc\x7fd", "abc\x7fd", "abc\x7fd", "ABC\x7fD"),
    ("tab\there\nnewline", "tabherenewline", "tabherenewline", "TABHERENEWLINE"),
    (
        "nbsp\xa0ideo\u3000bom\ufeffend",
        "nbsp-ideo-bom-end",
        "nbsp-ideo-bom-end",
        "NBSP-IDEO-BOM-END",
    ),
    ("under_score", "under-score", "under-score", "UNDER-SCORE"),
    (
        'it\'s (a) [test] {x} <y> "q" ;:,.?/\\|~`!@#$%^&*+=',
        "it-s-a-test-x-y-q",
        "it-s-a-test-x-y-q",
        "IT-S-A-TEST-X-Y-Q",
    ),
    ("---", "", "", ""),
    ("", "", "", ""),
    ("İstanbul ΣΑΣ", "Istanbul-ΣΑΣ", "istanbul-σας", "ISTANBUL-ΣΑΣ"),
    ("Ⅻ ﬁ ĳ", "Ⅻ-ﬁ-ĳ", "ⅻ-ﬁ-ĳ", "Ⅻ-FI-Ĳ"),
    ("emoji 😀 here", "emoji-😀-here", "emoji-😀-here", "EMOJI-😀-HERE"),
    ("x\x85y\u200bz", "x\x85y\u200bz", "x\x85y\u200bz", "X\x85Y\u200bZ"),
    (".hidden", "hidden", "hidden", "HIDDEN"),
    ("ÀÉÎÕÜ ñ ç", "AEIOU-n-c", "aeiou-n-c", "AEIOU-N-C"),
]


@pytest.mark.parametrize(("text", "plain", "lower", "upper"), SLUGS)
def test_slugize_matches_hexo_util(text: str, plain: str, lower: str, upper: str) -> None:
    assert (slugize(text), slugize(text, 1), slugize(text, 2)) == (plain, lower, upper)


def test_escape_diacritic_leaves_ascii_and_chinese_alone() -> None:
    assert escape_diacritic("abc 中文 ~\x7f") == "abc 中文 ~\x7f"
    assert escape_diacritic("Đà Nẵng") == "Da Nang"


PATTERN_FIELDS = {
    "year": "2024",
    "i_month": "3",
    "post_title": "hello-world",
    "title": "a/b",
    "abbrlink": "12345",
    "n": "7",
    "z": "null",
}
# (pattern, Permalink(pattern).stringify(meta)) by hexo-util.
EXPANSIONS = [
    (":year/:i_month/:post_title/", "2024/3/hello-world/"),
    (":year_:i_month", "2024_3"),
    ("posts/:abbrlink.html", "posts/12345.html"),
    (":year:title", "2024a/b"),
    (":nope/:title/", "undefined/a/b/"),
    (":n-:z", "7-null"),
    ("p/:_x/:_/:1", "p/undefined/:_/undefined"),
    ("::title", ":a/b"),
    (":year__", "2024__"),
    (":title_1/", "undefined/"),
]


@pytest.mark.parametrize(("pattern", "expected"), EXPANSIONS)
def test_expand_is_permalink_stringify(pattern: str, expected: str) -> None:
    assert expand(pattern, PATTERN_FIELDS) == expected


def test_placeholders_end_on_a_letter_or_digit() -> None:
    assert placeholders(":year_:i_month/:post_title/:year_/:_/:abbrlink.html") == [
        "year",
        "i_month",
        "post_title",
        "year",
        "abbrlink",
    ]


def test_post_path() -> None:
    fields = {"abbrlink": "19487"}
    assert post_path("posts/:abbrlink/", fields) == "posts/19487/"
    assert post_path("posts/:abbrlink", fields, post_asset_folder=True) == "posts/19487/"
    assert post_path("posts/:abbrlink.html", fields, post_asset_folder=True) == "posts/19487.html"
    assert post_path("posts/:abbrlink/", fields, permalink="/about/me") == "about/me"
    assert post_path("posts/:abbrlink/", fields, "about/me", post_asset_folder=True) == "about/me/"


# (new_post_name, path under _posts, parseFilename's result) by
# processor/post.js's parseFilename on hexo-util's Permalink and slugize.
NAMES = [
    (":title.md", "Hello World.md", {"title": "Hello World"}),
    (":title.md", "2024/中文 标题.md", {"title": "2024/中文 标题"}),
    (
        ":year-:month-:day-:title.md",
        "2024-03-05-hello.md",
        {"year": "2024", "month": "03", "day": "05", "title": "hello"},
    ),
    (":year-:month-:day-:title.md", "hello world.md", {"title": "hello-world"}),
    (
        ":year/:i_month/:i_day/:title.md",
        "2024/3/5/a.b.md",
        {"year": "2024", "i_month": "3", "i_day": "5", "title": "a.b"},
    ),
    (
        ":year-:month-:day.md",
        "2024-03-05.md",
        {"year": "2024", "month": "03", "day": "05", "title": "2024-03-05"},
    ),
    (":lang/:title.md", "en/post.md", {"lang": "en", "title": "post"}),
    (":title-:hash.md", "x-0123456789ab.md", {"title": "x", "hash": "0123456789ab"}),
    (":year-:month-:day-:title.md", "2024-3-05-x.md", {"title": "2024-3-05-x"}),
    (":title.md", ".hidden", {"title": ".hidden"}),
    (
        ":year:month:day:title.md",
        "20240305abc.md",
        {"year": "2024", "month": "03", "day": "05", "title": "abc"},
    ),
]


@pytest.mark.parametrize(("new_post_name", "path", "expected"), NAMES)
def test_parse_post_name_is_parse_filename(new_post_name: str, path: str, expected: dict) -> None:
    slug, parts = parse_post_name(path, new_post_name)
    assert {**parts, "title": slug} == expected


def test_name_date_reads_as_javascripts_date() -> None:
    assert name_date({"year": "2024", "month": "03", "day": "05"}) == dt.date(2024, 3, 5)
    assert name_date({"year": "2024", "i_month": "3", "i_day": "5"}) == dt.date(2024, 3, 5)
    assert name_date({"year": "2024", "month": "13", "day": "00"}) == dt.date(2024, 12, 31)
    assert name_date({"year": "0099", "month": "01", "day": "01"}) == dt.date(1999, 1, 1)
    assert name_date({"year": "2024", "month": "03"}) is None


SHANGHAI = dt.timezone(dt.timedelta(hours=8))
# The post_permalink filter of hexo 8.1.2 on a post with slug
# 'notes/Hello World', the title below, date 2024-03-05 07:08:09 in
# Asia/Shanghai, last category 'tech/web', abbrlink 4660, draft false,
# tags_x [a, b], and permalink_defaults {lang: zh}, with this pattern:
EVERY_PLACEHOLDER = (
    ":year/:month/:day/:hour/:minute/:second/:i_month/:i_day/:timestamp/:title/:name"
    "/:post_title/:hash/:category/:abbrlink/:draft/:tags_x/:lang/"
)
HEXO_WROTE = (
    "2024/03/05/07/08/09/3/5/1709593689/notes/Hello World/Hello World/hello-world-你好"
    "/5ef061c5f7ac/tech/web/4660/false/a,b/zh/"
)


def test_post_fields_give_what_hexo_writes() -> None:
    fields = post_fields(
        "notes/Hello World.md",
        {"title": "Héllo, Wörld! 你好", "abbrlink": 4660, "draft": False, "tags_x": ["a", "b"]},
        dt.datetime(2024, 3, 5, 7, 8, 9, tzinfo=SHANGHAI),
        "tech/web",
        permalink_defaults={"lang": "zh"},
    )
    assert expand(EVERY_PLACEHOLDER, fields) == HEXO_WROTE
    assert "id" not in fields  # Hexo writes its random database id there


def test_post_fields_before_1970_and_without_category() -> None:
    # post_permalink on slug 'a', id 'my-id', 1969-12-31 23:59:59.5 UTC:
    # '-1/bfde529bfbb7/uncategorized/my-id' (moment's unix() floors).
    date = dt.datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=dt.timezone.utc)
    fields = post_fields("a.md", {"id": "my-id"}, date)
    assert expand(":timestamp/:hash/:category/:id", fields) == "-1/bfde529bfbb7/uncategorized/my-id"


def test_post_fields_fixed_names_win_over_front_matter() -> None:
    date = dt.datetime(2024, 3, 5, tzinfo=SHANGHAI)
    front = {"title": "T", "slug": "mine", "year": 1999, "lang": "fr", "date": date}
    fields = post_fields("en/x.md", front, date, new_post_name=":lang/:title.md")
    assert (fields["title"], fields["slug"], fields["year"]) == ("x", "x", "2024")
    assert fields["lang"] == "en"  # the file name's part overrides front matter
    assert "date" not in fields
    assert (fields["layout"], fields["published"], fields["source"]) == (
        "post",
        "true",
        "_posts/en/x.md",
    )


def test_post_fields_from_a_dated_file_name() -> None:
    date = dt.datetime(2024, 3, 5, tzinfo=SHANGHAI)
    fields = post_fields(
        "2024-03-05-hello.md", {}, date, new_post_name=":year-:month-:day-:title.md"
    )
    assert (fields["title"], fields["name"], fields["post_title"]) == ("hello", "hello", "")
    assert fields["category"] == "uncategorized"


def test_category_slug_maps_each_part_then_slugizes() -> None:
    names = ("编程 语言", "Python Tips")
    assert category_slug(names) == "编程-语言/Python-Tips"
    assert category_slug(names, {"编程 语言": "Coding"}, 1) == "coding/python-tips"
    assert category_slug(names, {"Python Tips": ""}, 2) == "编程-语言/PYTHON-TIPS"
    assert category_slug(("Café",), None, 0) == "Cafe"


def test_tag_slug_maps_then_slugizes() -> None:
    assert tag_slug("Hexo 教程") == "Hexo-教程"
    assert tag_slug("Hexo 教程", {"Hexo 教程": "Hexo Guide"}, 1) == "hexo-guide"
    assert tag_slug("C++", filename_case=2) == "C"
    assert tag_slug("Node.js", {"Node.js": ""}) == "Node-js"
