import pytest

from sitegen.errors import ContentError
from sitegen.sources.frontmatter import split


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
