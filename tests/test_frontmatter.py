import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.errors import ContentError
from sitegen.sources.frontmatter import _simple, read_yaml, split


def test_blank_lines_and_bom_before_the_first_fence():
    fm = split("\ufeff\n\n---\ntitle: x\n---\nbody\n")
    assert fm.meta == {"title": "x"}
    assert fm.body == "body\n"
    assert fm.body_line == 6


def test_crlf_line_ends():
    fm = split("---\r\ntitle: 'a'\r\ndate: 2022-04-08\r\n---\r\n\r\n<p>x</p>\r\n")
    assert fm.meta["title"] == "a"
    assert fm.body == "<p>x</p>\n"


def test_single_and_double_quoted_titles():
    assert split("---\ntitle: '吉林：披星戴月'\n---\n").meta["title"] == "吉林：披星戴月"
    assert split('---\ntitle: "he said \\"hi\\""\n---\n').meta["title"] == 'he said "hi"'


def test_no_front_matter_is_all_body():
    fm = split("just text\n")
    assert fm.meta == {} and fm.body == "just text\n"


def test_invalid_yaml_reports_the_line_in_the_file():
    with pytest.raises(ContentError) as info:
        split("\n---\ntitle: ok\ncategories: [a, b\n---\n", "content/x.md")
    assert info.value.line in (4, 5)
    assert str(info.value).startswith("content/x.md:")


def test_front_matter_that_is_not_a_mapping():
    with pytest.raises(ContentError, match="not a mapping"):
        split("---\n- a\n- b\n---\n")


def test_unclosed_front_matter():
    with pytest.raises(ContentError, match="never ends"):
        split("---\ntitle: x\n")


def test_python_tags_are_refused_not_executed():
    with pytest.raises(ContentError):
        split("---\ntitle: !!python/object/apply:os.system ['echo hi']\n---\n")


def test_key_lines_point_into_the_file():
    fm = split("\n---\ntitle: x\ndate: nope\n---\n")
    assert fm.key_lines["date"] == 4


# The simple-front-matter reader must read every block it accepts exactly as
# PyYAML does, and leave every other block (including invalid ones) to PyYAML.
_TRICKY = [
    "吉林辽源：披星戴月",
    "yes",
    "No",
    "off",
    "null",
    "~",
    "",
    "1:20",
    "2022-04-08",
    "0x1F",
    "-x",
    "+1",
    ".inf",
    "a: b",
    "a:b",
    "a #b",
    "a#b",
    "foo:",
    "it's",
    "'q''q'",
    "'open",
    '"dq"',
    '"back\\slash"',
    '"x" y',
    "'x' y",
    " spaced ",
    "http://x.cn/?a=1&b=2",
    "[a, b]",
    "{a: 1}",
    "&anchor x",
    "*alias",
    "!!python/name:os.system",
    "| text",
    "> text",
    "%x",
    "@x",
    "`x`",
    "Fri, 08 Apr 2022 04:10:05 GMT",
    "true",
    "TRUE",
    "<<",
    "=",
    "a\tb",
    "x\u2028y",
    "x\x85y",
    "x\x07y",
    "false # note",
    "- item",
    "?x",
    "、标点，",
    "Ōsaka",
]
_KEYS = ["title", "date", "categories", "tags", "a-b", "_x", "yes", "on", "null", "Title"]


@st.composite
def _blocks(draw):
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        key = draw(st.sampled_from(_KEYS))
        value = draw(st.one_of(st.sampled_from(_TRICKY), st.text(max_size=12)))
        if draw(st.booleans()):
            lines.append(f"{key}: {value}")
        else:
            lines.append(f"{key}:" + draw(st.sampled_from(["", " ", "  "])))
            indent = draw(st.sampled_from(["", " ", "  "]))
            for _ in range(draw(st.integers(0, 3))):
                item = draw(st.one_of(st.sampled_from(_TRICKY), st.text(max_size=8)))
                lines.append(draw(st.sampled_from([indent, " ", "   "])) + "- " + item)
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["", "  ", "  more", "# c", "---", "- x", "k:v"])))
    return "\n".join(lines)


@settings(derandomize=True, max_examples=1500, suppress_health_check=[HealthCheck.too_slow])
@given(_blocks())
def test_simple_front_matter_is_read_exactly_as_yaml_reads_it(block):
    fast = _simple(block)
    try:
        slow, notes = read_yaml(block)
    except (yaml.YAMLError, ValueError):
        assert fast is None
        return
    if fast is not None:
        assert notes == []
        assert fast == (slow if slow is not None else {})
        assert [type(v) for v in fast.values()] == [type(v) for v in (slow or {}).values()]


def test_the_seed_posts_front_matter_takes_the_simple_path():
    block = (
        "title: '吉林辽源：披星戴月再集结'\ncategories: \n - 新媒体\n - 趣头条\nauthor: 趣头条\n"
    )
    block += "comments: false\ndate: Fri, 08 Apr 2022 04:10:05 GMT\n"
    assert _simple(block) == {
        "title": "吉林辽源：披星戴月再集结",
        "categories": ["新媒体", "趣头条"],
        "author": "趣头条",
        "comments": False,
        "date": "Fri, 08 Apr 2022 04:10:05 GMT",
    }
