"""Every URL of the site, in one place.

URLs here are site-relative paths without a leading slash ('' is home,
'2022/04/08/标题/' a post). `href` adds the base path and percent-encodes;
`output_path` maps a URL to the file that serves it. Every name a URL gives
a file or folder passes through `portable_segment`, so a site is the same
on Linux, macOS and Windows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
import unicodedata

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


# `data:` files a browser only saves or shows as text, never runs: a document's
# citation downloads (`cite.citation`), which then need no file of their own.
INERT_DATA = re.compile(
    r"data:(?:text/plain|application/x-bibtex|application/x-research-info-systems"
    r"|application/vnd\.citationstyles\.csl\+json)[;,]"
)


def runs_code(value: str) -> bool:
    """True for a URL a browser would run, wherever it stands (`javascript:`,
    `vbscript:`, a `data:` document): what no text may become in a link."""
    if ":" not in value or ("&" not in value and not _NAMES_CODE.search(value)):
        return False
    spelled = _spelled(value)
    return (
        spelled.startswith(("javascript:", "vbscript:", "data:"))
        and not _DATA_IMAGE.match(spelled)
        and not INERT_DATA.match(spelled)
    )


def _spelled(url: str) -> str:
    """The URL as a browser reads its scheme: references decoded, spaces and
    control characters squeezed out, in lower case."""
    return _IGNORED.sub("", html.unescape(url) if "&" in url else url).lower()


# Portable names. Windows opens a device, not a file, for these names, with
# any extension (`aux.html` is AUX), in any case; `¹²³` count as digits there.
DEVICES = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{port}{n}" for port in ("COM", "LPT") for n in "0123456789¹²³"]
)
SEGMENT_BYTES = 255  # ext4's and APFS's limit in UTF-8 bytes; NTFS's 255 UTF-16 units are more
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')  # what Windows refuses in a name
# Names that need none of the rule (and are short enough in any script), and
# paths of them.
_PLAIN = r'[^<>:"/\\|?*\x00-\x1f]{0,62}[^<>:"/\\|?*\x00-\x1f. ]'
_PLAIN_NAME = re.compile(_PLAIN)
_PLAIN_PATH = re.compile(rf"(?:{_PLAIN}/)*(?:{_PLAIN})?")
_DEVICE_IN_PATH = re.compile(  # searched in "/" + path: a leading "/" is quick to find
    r"/(?:con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³]) *(?:[./]|$)",
    re.IGNORECASE,
)


def portable_segment(name: str) -> str:
    """`name` as a file or folder name every system accepts alike: the one rule.

    - Unicode NFC (macOS would otherwise see two spellings as one name);
    - `<>:"/\\|?*` and control characters become `-`;
    - trailing dots and spaces (which Windows strips, so `a.` is `a`) go, and
      a name left empty is `untitled`;
    - a Windows device name, alone or before an extension, gets `-` after it:
      `CON` → `CON-`, `aux.html` → `aux-.html`, `com1.tar.gz` → `com1-.tar.gz`;
    - past 255 UTF-8 bytes, the name is cut on a character and ends in `-`
      and 8 hex digits of its hash (before a short extension), so two long
      names stay apart.

    Chinese, spaces and case are kept; names that need none of this (nearly
    all) come back as they are, and the rule gives the same name twice.
    """
    if _PLAIN_NAME.fullmatch(name) and unicodedata.is_normalized("NFC", name):
        stem = name.partition(".")[0].rstrip(" ").upper()
        if stem not in DEVICES:
            return name
    name = _FORBIDDEN.sub("-", unicodedata.normalize("NFC", name)).rstrip(". ") or "untitled"
    stem, dot, extension = name.partition(".")
    if stem.rstrip(" ").upper() in DEVICES:
        name = f"{stem}-{dot}{extension}"
    if len(name.encode("utf-8")) > SEGMENT_BYTES:
        body, dot, extension = name.rpartition(".")
        if not dot or len(extension) > 8 or not extension.isascii():
            body, extension = name, ""
        suffix = f"-{short_hash(name)}{dot if extension else ''}{extension}"
        room = SEGMENT_BYTES - len(suffix)
        name = body.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip(". ") + suffix
    return name


def short_hash(text: str, length: int = 8) -> str:
    """Hex digits of `text`'s SHA-1: a stable name for it."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def portable_path(url: str) -> str:
    """A site-relative URL whose every segment is a portable name."""
    if (
        _PLAIN_PATH.fullmatch(url)
        and not _DEVICE_IN_PATH.search("/" + url)
        and unicodedata.is_normalized("NFC", url)
    ):
        return url  # a post's URL, nearly always: checked at once
    return "/".join(s if s == "" else portable_segment(s) for s in url.split("/"))


def permalink(pattern: str, date: dt.datetime, slug: str, category: tuple[str, ...]) -> str:
    """Expand a `site.yml` permalink pattern for one post (its fixed parts
    made portable as well, the slug and categories being slugs)."""
    categories = ""
    if "{category}" in pattern:
        from sitegen.slugs import slugify  # slugs are portable names: slugs imports this module

        categories = "/".join(slugify(c) for c in category) or "uncategorized"
    return portable_path(
        pattern.format(
            year=f"{date.year:04d}",
            month=f"{date.month:02d}",
            day=f"{date.day:02d}",
            slug=slug,
            category=categories,
        )
    )


def issue_url(publication: str, date: dt.datetime, slug: str) -> str:
    """A whole issue's page, under its publication (`publication_url`)."""
    return f"{publication_url(publication)}{date:%Y/%m/%d}/{portable_segment(slug)}/"


def paged(url: str, number: int, folder: str = "page") -> str:
    """Page N of a paginated list: `url` for page 1, `url/page/N/` after
    (`folder` is the site's `pagination_dir`)."""
    return url if number <= 1 else f"{url}{folder}/{number}/"


# The list folders below are the site's `category_dir`, `tag_dir` and `archive_dir`.


def category_url(slugs: tuple[str, ...], folder: str = "categories") -> str:
    return f"{folder}/" + "".join(f"{portable_segment(s)}/" for s in slugs)


def tag_url(slug: str, folder: str = "tags") -> str:
    return f"{folder}/{portable_segment(slug)}/"


def year_url(year: int, folder: str = "archives") -> str:
    return f"{folder}/{year:04d}/"


def month_url(year: int, month: int, folder: str = "archives") -> str:
    return f"{folder}/{year:04d}/{month:02d}/"


def day_url(year: int, month: int, day: int, folder: str = "archives") -> str:
    return f"{folder}/{year:04d}/{month:02d}/{day:02d}/"


def id_url(doc_id: str) -> str:
    """A document's permanent address: it leads to its page wherever that is."""
    return f"id/{doc_id}/"


def publication_url(slug: str) -> str:
    return f"publications/{portable_segment(slug)}/"


def category_feed_url(url: str) -> str:
    return url + "atom.xml"


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


def href(url: str, base_path: str, trailing_index: bool = True, trailing_html: bool = True) -> str:
    """Root-relative link under the base path, percent-encoded once; a URL
    elsewhere as it is, if the URL policy allows it (else an empty link).

    As Hexo's `pretty_urls`: without `trailing_index` a link ending in
    `index.html` ends in its folder, and without `trailing_html` a link drops
    `.html` (for hosts that serve `a.html` at `a`); the files keep their names.
    """
    if "://" in url or url.startswith(("mailto:", "#", "//")):
        return safe_url(url) or ""
    path = url.lstrip("/")
    if not trailing_index and (path == "index.html" or path.endswith("/index.html")):
        path = path[: -len("index.html")]
    if not trailing_html and path.endswith(".html"):
        path = path[: -len(".html")]
    return _quote(base_path + path)


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
