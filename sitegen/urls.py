"""Every URL of the site, in one place.

URLs here are site-relative paths without a leading slash ('' is home,
'2022/04/08/标题/' a post). `href` adds the base path and percent-encodes;
`output_path` maps a URL to the file that serves it.
"""

from __future__ import annotations

import datetime as dt
import html
import re

from sitegen.slugs import slugify

# The URL policy. Archived pages and front matter come from scrapes and feeds
# nobody reviews, so a URL may only lead somewhere (http, https, mailto, or a
# path or fragment of this site), never run something. `data:` URLs are
# accepted only as images in `src`, where a browser never runs them.
SCHEMES = frozenset({"http", "https", "mailto"})
IMAGE_ATTRIBUTES = frozenset({"src"})
# Browsers drop tabs and line breaks anywhere in a URL and C0 controls and
# spaces around it, so `java\tscript:` and ` javascript:` run as `javascript:`.
_IGNORED = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
_DATA_IMAGE = re.compile(r"data:image/[a-z0-9.+\-]+[;,]")


def safe_url(value: str, attribute: str = "href") -> str | None:
    """`value` (trimmed) if it may stand in `attribute`, else None: the one URL check.

    The scheme is read as a browser reads it: after character references are
    decoded (`&#106;avascript:`) and whitespace and control characters are
    squeezed out, in any case.
    """
    url = value.strip(" \t\n\r\f\v\x00")
    if url[:8].lower().startswith(("https://", "http://")):
        return url  # nearly every URL of an archive, read at once
    spelled = _spelled(url)
    scheme = _SCHEME.match(spelled)
    if scheme is None or scheme.group(1) in SCHEMES:
        return url
    if attribute in IMAGE_ATTRIBUTES and _DATA_IMAGE.match(spelled):
        return url
    return None


_NAMES_CODE = re.compile("script|data", re.IGNORECASE)


def runs_code(value: str) -> bool:
    """True for a URL a browser would run, wherever it stands (`javascript:`,
    `vbscript:`, a `data:` document): what no text may become in a link."""
    if ":" not in value or ("&" not in value and not _NAMES_CODE.search(value)):
        return False
    spelled = _spelled(value)
    return spelled.startswith(("javascript:", "vbscript:", "data:")) and not _DATA_IMAGE.match(
        spelled
    )


def _spelled(url: str) -> str:
    """The URL as a browser reads its scheme: references decoded, spaces and
    control characters squeezed out, in lower case."""
    return _IGNORED.sub("", html.unescape(url) if "&" in url else url).lower()


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
    """Root-relative link under the base path, percent-encoded once; a URL
    elsewhere as it is, if the URL policy allows it (else an empty link)."""
    if "://" in url or url.startswith(("mailto:", "#", "//")):
        return safe_url(url) or ""
    return _quote(base_path + url.lstrip("/"))


def absolute(url: str, base_url: str) -> str:
    """Full URL for feeds, sitemaps and canonical links."""
    if "://" in url:
        return safe_url(url) or ""
    return base_url + _quote(url.lstrip("/"))


_ROOTED = re.compile(r'(\s(?:src|href|poster|cite)=")/(?!/)')
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)"')


def rebase(html: str, base_path: str) -> str:
    """Sanitised HTML whose site-rooted links (`/web/x.png`, as importers write
    them) lead under the base path, for a site served from a sub-folder."""
    if base_path == "/" or '="/' not in html and "srcset" not in html:
        return html
    html = _ROOTED.sub(lambda m: m.group(1) + base_path, html)
    return _SRCSET.sub(lambda m: f'{m.group(1)}{_rebase_srcset(m.group(2), base_path)}"', html)


def _rebase_srcset(value: str, base_path: str) -> str:
    candidates = (c.strip() for c in value.split(","))
    return ", ".join(
        base_path + c[1:] if c.startswith("/") and not c.startswith("//") else c for c in candidates
    )


def output_path(url: str) -> str:
    """The file that serves `url`: directories get index.html."""
    return url + "index.html" if url == "" or url.endswith("/") else url
