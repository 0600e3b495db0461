import pytest

from sitegen.slugs import slugify


def test_chinese_stays_readable():
    assert (
        slugify("吉林辽源：披星戴月再集结 执甲逆行再出征")
        == "吉林辽源-披星戴月再集结-执甲逆行再出征"
    )


def test_pinyin_and_hash_styles():
    assert slugify("长春 核酸检测", "pinyin") == "chang-chun-he-suan-jian-ce"
    assert slugify("长春", "hash") == slugify("长春", "hash") != slugify("辽源", "hash")
    assert len(slugify("长春", "hash")) == 8


@pytest.mark.parametrize(
    "title", ["../../etc/passwd", "%2e%2e%2f", "/abs/path", "C:\\Windows\\x", "a\x00b", "..", ""]
)
def test_only_safe_characters(title):
    slug = slugify(title)
    assert slug and "/" not in slug and "\\" not in slug and ".." not in slug
    assert "\x00" not in slug and ":" not in slug and "%" not in slug


def test_bounded_length_and_reserved_names():
    assert len(slugify("字" * 500)) == 60
    assert len(slugify("字" * 500, max_length=20)) == 20
    assert slugify("CON").lower() != "con"
