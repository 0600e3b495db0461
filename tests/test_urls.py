from urllib.parse import quote

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen import urls


@settings(derandomize=True, max_examples=300)
@given(st.text().filter(lambda p: "://" not in p and not p.startswith(("mailto:", "#", "//"))))
def test_links_are_encoded_exactly_as_quote_would(path):
    assert urls.href(path, "/") == quote("/" + path.lstrip("/"), safe="/:@!$'()*+,;~-._")


def test_archive_links_under_a_sub_path():
    assert urls.href("2022/04/08/清零/", "/archive/") == "/archive/2022/04/08/%E6%B8%85%E9%9B%B6/"
    assert urls.absolute("2022/04/", "https://example.org/archive/") == (
        "https://example.org/archive/2022/04/"
    )
    assert urls.href("https://other.example/x y", "/") == "https://other.example/x y"
