"""Every URL of the site, in one place.

URLs here are site-relative paths without a leading slash ('' is home,
'2022/04/08/标题/' a post). `href` adds the base path and percent-encodes;
`output_path` maps a URL to the file that serves it.
"""

from __future__ import annotations

import datetime as dt
import re

from sitegen.slugs import slugify


def permalink(pattern: str, date: dt.datetime, slug: str, category: tuple[str, ...]) -> str:
    """Expand a `site.yml` permalink pattern for one post."""
    return pattern.format(
        year=f"{date.year:04d}",
        month=f"{date.month:02d}",
        day=f"{date.day:02d}",
        slug=slug,
        category=(
            "/".join(slugify(c) for c in category) or "uncategorized"
            if "{category}" in pattern
            else ""
        ),
    )


def paged(url: str, number: int) -> str:
    """Page N of a paginated list: `url` for page 1, `url/page/N/` after."""
    return url if number <= 1 else f"{url}page/{number}/"


def category_url(slugs: tuple[str, ...]) -> str:
    return "categories/" + "".join(f"{s}/" for s in slugs)


def tag_url(slug: str) -> str:
    return f"tags/{slug}/"


def year_url(year: int) -> str:
    return f"archives/{year:04d}/"


def month_url(year: int, month: int) -> str:
    return f"archives/{year:04d}/{month:02d}/"


def day_url(year: int, month: int, day: int) -> str:
    return f"archives/{year:04d}/{month:02d}/{day:02d}/"


def publication_url(slug: str) -> str:
    return f"publications/{slug}/"


def category_feed_url(slugs: tuple[str, ...]) -> str:
    return category_url(slugs) + "atom.xml"


_SAFE = "/:@!$'()*+,;~-._"
_NEEDS_NO_QUOTING = re.compile(r"[A-Za-z0-9/:@!$'()*+,;~\-._]*")  # what quote() leaves alone
_QUOTED_RUN = re.compile(r"[^A-Za-z0-9/:@!$'()*+,;~\-._]+")


def _quote(path: str) -> str:
    """Percent-encode a path exactly as `quote(path, safe=_SAFE)` would.

    Most archive URLs (dates, pages) need nothing, so check first; otherwise
    encode each run of other characters at once: quote() goes byte by byte
    in Python, and a sitemap of 20,000 Chinese URLs spent most of its time there.
    """
    if _NEEDS_NO_QUOTING.fullmatch(path):
        return path
    return _QUOTED_RUN.sub(_percent, path)


def _percent(run: re.Match[str]) -> str:
    return "%" + run[0].encode("utf-8").hex("%").upper()


def href(url: str, base_path: str) -> str:
    """Root-relative link under the base path, percent-encoded once."""
    if "://" in url or url.startswith(("mailto:", "#", "//")):
        return url
    return _quote(base_path + url.lstrip("/"))


def absolute(url: str, base_url: str) -> str:
    """Full URL for feeds, sitemaps and canonical links."""
    if "://" in url:
        return url
    return base_url + _quote(url.lstrip("/"))


def output_path(url: str) -> str:
    """The file that serves `url`: directories get index.html."""
    return url + "index.html" if url == "" or url.endswith("/") else url
