"""The document model, and turning one file's text into one `Document`.

`parse_document(text, ...)` is pure so most tests need no disk;
`decode(data, ...)` turns a file's bytes into that text. Work per document is independent
of every other document, so it can be cached and run in parallel.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup as SafeHTML

from sitegen.errors import ContentError
from sitegen.ids import document_id
from sitegen.slugs import readable_slug
from sitegen.sources.dates import DateFormatError, parse_date
from sitegen.sources.frontmatter import TEXT_KEYS, split
from sitegen.sources.markup import Markup, excerpt, plain_text, sanitise
from sitegen.urls import portable_segment, runs_code, safe_url

# Front-matter keys that become Document fields; every other key goes to `meta`.
KNOWN_KEYS = frozenset(
    [
        "title",
        "date",
        "updated",
        "categories",
        "category",
        "tags",
        "tag",
        "author",
        "headimg",
        "thumbnail",
        "cover",
        "slug",
        "draft",
        "published",
        "description",
        "kind",
        "publication",
        "original_url",
        "link",
        "source_url",
        "source_file",
    ]
)


@dataclass(frozen=True, slots=True)
class Link:
    """A name and a site-relative URL, for breadcrumbs, tags and menus."""

    name: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    """One post or imported document, as the rest of the build sees it.

    `url`, `categories`/`tags` links, `publication` and `issue` are filled in by
    the catalog once every document is known.

    Slots, not an attribute dictionary: an archive holds 100,000 of these (and
    their linked copies), and every pass over them reads their fields. Without
    a dictionary each is a quarter of the size, and a one-post rebuild of
    100,000 posts took a seventh less time.
    """

    source: str
    title: str
    date: dt.datetime
    html: str  # the sanitised body; templates use `content`
    category_paths: tuple[tuple[str, ...], ...] = ()
    tag_names: tuple[str, ...] = ()
    updated: dt.datetime | None = None
    author: str = ""
    cover: str = ""
    slug: str = ""
    draft: bool = False
    description: str = ""
    kind: str = "post"
    original_url: str = ""
    source_file: str = ""
    publication_name: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    url: str = ""
    categories: tuple[tuple[Link, ...], ...] = ()
    tags: tuple[Link, ...] = ()
    publication: Link | None = None
    issue: Link | None = None
    source_url: str = ""

    source_sha: str = ""  # SHA-256 of the file's bytes: with the links, all a page can show
    # What reading changed, to tell the user: (URL_NOTE or SCALAR_NOTE, line, message).
    notes: tuple[tuple[str, int, str], ...] = ()
    id: str = ""  # stable through retitles and moves (see `sitegen.ids`); unique once catalogued
    id_from_path: bool = False  # the one id form a move changes: `sitegen ids` writes it down
    # The body as plain text, made once as it is read (in parallel): the excerpt,
    # the search index and the JSONL export all need it. Read it with `body_text`.
    text: str = ""

    @property
    def is_issue(self) -> bool:
        return self.kind == "issue"

    @property
    def listed(self) -> bool:
        """Whether lists show it: not an issue (its publication does), nor a
        page standing on its own (a Hexo site's about page)."""
        return self.kind != "issue" and self.kind != "page"

    @property
    def content(self) -> SafeHTML:
        """The body, marked safe: it was sanitised, so templates need no |safe."""
        return SafeHTML(self.html)


def body_text(doc: Document) -> str:
    """The body as plain text: made as the document was read, or again for one
    from the cache, which keeps no copy (it would be as big as the HTML, in a
    cache every edit reads whole)."""
    return doc.text or plain_text(doc.html)


URL_NOTE, SCALAR_NOTE = "url", "scalar"
# Front-matter keys that hold a URL, by name: `link`, `cover`, `source_url`, `images`…
_URL_KEY = re.compile(
    r"(?:^|_)(?:url|uri|link|href|src|image|img|cover|thumbnail|headimg|original|poster|photo"
    r"|banner|icon|logo)s?$",
    re.IGNORECASE,
)
_IMAGE_KEY = re.compile(r"image|img|cover|thumb|headimg|poster|photo|banner|icon|logo", re.I)

FIELDS = tuple(f.name for f in fields(Document))
field_values = operator.attrgetter(*FIELDS)  # a Document's values, in FIELDS order
_SLOTS = tuple(getattr(Document, name) for name in FIELDS)
_TEXT = FIELDS.index("text")


def cached_values(doc: Document) -> tuple[Any, ...]:
    """A document's values as the cache keeps them: all but its text (see `body_text`)."""
    values = field_values(doc)
    return (*values[:_TEXT], "", *values[_TEXT + 1 :])


def _values_setter() -> Callable[[Sequence[Any]], Document]:
    """`from_values`, written out field by field as `dataclasses` writes `__init__`.

    A frozen dataclass's `__init__` sets each field through `object.__setattr__`;
    setting the slots directly, one line each, takes under half as long as
    `__init__` (a loop over the slots, a little more than it), which counts
    where documents are made by the 100,000: from the cache, and when linked.
    """
    lines = [f"    set_{i}(doc, values[{i}])" for i in range(len(FIELDS))]
    source = "def from_values(values):\n    doc = new(Document)\n" + "\n".join(lines)
    names: dict[str, Any] = {"new": object.__new__, "Document": Document}
    names |= {f"set_{i}": slot.__set__ for i, slot in enumerate(_SLOTS)}
    exec(source + "\n    return doc\n", names)  # noqa: S102 - our own fixed text, as dataclasses does
    return names["from_values"]


from_values = _values_setter()
from_values.__doc__ = (
    "The Document with these values (in FIELDS order), without running `__init__`."
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "、".join(_text(v) for v in value if v is not None)
    if isinstance(value, dict):
        return ""
    return str(value).strip()


def category_paths(value: Any) -> tuple[tuple[str, ...], ...]:
    """Hexo semantics: a flat list is ONE path; a list holding lists is several."""
    if value is None or value == "" or value == []:
        return ()
    if not isinstance(value, list):
        name = _text(value)
        return ((name,),) if name else ()
    if any(isinstance(item, list) for item in value):
        paths = []
        for item in value:
            items = item if isinstance(item, list) else [item]
            path = tuple(n for n in (_text(i) for i in items) if n)
            if path and path not in paths:
                paths.append(path)
        return tuple(paths)
    path = tuple(n for n in (_text(i) for i in value) if n)
    return (path,) if path else ()


def tag_names(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        for name in [item] if isinstance(item, str) or not isinstance(item, list) else item:
            text = _text(name)
            if text and text not in names:
                names.append(text)
    return tuple(names)


@functools.cache
def _attribute_of(key: str) -> str:
    """Where a front-matter key's value would stand as a URL ('' for a text)."""
    if not _URL_KEY.search(key):
        return ""
    return "src" if _IMAGE_KEY.search(key) else "href"


def _safe_urls(meta: dict[str, Any], key_lines: dict[str, int]) -> tuple[dict, list]:
    """Front matter with every URL the URL policy refuses taken out, and a note for each.

    Keys named like URLs get the whole policy. Any other value is a URL only
    if a theme links it, so there only what would run code is taken out.
    Texts a reader sees (TEXT_KEYS) are shown as text, never linked.
    """
    notes: list[tuple[str, int, str]] = []

    def check(key: str, value: Any) -> Any:
        if isinstance(value, list):
            return [v for v in (check(key, item) for item in value) if v is not None]
        if not isinstance(value, str):
            return value
        attribute = _attribute_of(key)
        if attribute:
            kept = safe_url(value, attribute)
        elif runs_code(value):
            kept = None
        else:
            return value
        if kept is None:
            notes.append(
                (
                    URL_NOTE,
                    key_lines.get(key, 1),
                    f"`{key}`: dropped the URL {value.strip()[:60]!r}; only http, https, "
                    "mailto and links within the site are kept",
                )
            )
        return kept

    safe = {k: v if k in TEXT_KEYS else check(str(k), v) for k, v in meta.items()}
    return safe, notes


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1", "on")
    return bool(value)


def _written_value(text: str, line: int) -> str:
    """The value as typed on a `key: value` line (YAML may have read 10:30 as 630)."""
    lines = text.lstrip("\ufeff").splitlines()
    if line - 1 >= len(lines):
        return ""
    _, _, value = lines[line - 1].partition(":")
    return value.strip().strip("'\"")


def parse_document(
    text: str,
    source: str,
    tz: ZoneInfo,
    markup: Markup,
    slug_style: str = "unicode",
    slug_max_length: int = 60,
    sha: str = "",
    undated: dt.datetime | None = None,
) -> Document:
    """Build a Document from a file's text; raise ContentError naming the line.

    `undated` is the date of a document without one, where the site has one
    (a Hexo site dates such a file by the file); otherwise that is an error.
    """
    if not text.strip("\ufeff \t\r\n"):
        raise ContentError(
            "the file is empty", source, 1, "add front matter with title and date, or delete it"
        )
    fm = split(text, source)
    meta, url_notes = _safe_urls(fm.meta, fm.key_lines)

    def date_of(key: str) -> dt.datetime | None:
        if meta.get(key) in (None, ""):
            return None
        try:
            return parse_date(meta[key], tz)
        except DateFormatError as exc:
            line = fm.key_lines.get(key)
            written = _written_value(text, line) if line else ""
            detail = str(exc)
            if written and written != str(meta[key]):  # YAML read `10:30` as 630
                try:
                    parse_date(written, tz)
                except DateFormatError as again:
                    detail = str(again)
            raise ContentError(
                f"`{key}`: {detail}",
                source,
                fm.key_lines.get(key),
                "use RFC 2822 (Fri, 08 Apr 2022 04:10:05 GMT), ISO 8601, "
                "YYYY-MM-DD or YYYY-MM-DD HH:MM:SS",
            ) from None

    date = date_of("date") or undated
    if date is None and not fm.key_lines and not fm.meta:
        raise ContentError(
            "no front matter",
            source,
            1,
            "did you forget the `---` lines? start the file with `---`, `title: …`, "
            "`date: YYYY-MM-DD`, `---`",
        )
    if date is None:
        raise ContentError(
            "no `date` in front matter",
            source,
            fm.key_lines.get("date", 1),
            "add a line like `date: 2022-04-08 12:00:00`",
        )
    title = _text(meta.get("title"))
    if not title:
        title = Path(source).stem
    html, dropped = markup.convert(fm.body)
    for url in dropped:
        at = fm.body.find(url)
        line = fm.body_line + (fm.body.count("\n", 0, at) if at >= 0 else 0)
        url_notes.append(
            (URL_NOTE, line, f"body: dropped the URL {url.strip()[:60]!r} from a link or image")
        )
    description = _text(meta.get("description"))
    if "<" in description:  # scraped summaries hold markup: a description is its text
        description = plain_text(sanitise(description))
    text = plain_text(html)
    description = description or excerpt(text)
    draft = _flag(meta.get("draft")) or ("published" in meta and not _flag(meta.get("published")))
    cover = next(
        (_text(meta[k]) for k in ("cover", "headimg", "thumbnail") if _text(meta.get(k))), ""
    )
    stable_id, stays = document_id(meta, source)
    written = _text(meta.get("slug"))
    readable = readable_slug(written or title, slug_style, slug_max_length)
    slug = portable_segment(readable)
    if written and slug != readable:
        url_notes.append(
            (
                URL_NOTE,
                fm.key_lines.get("slug", 1),
                f"`slug`: {written!r} is published as {slug!r}, a name Windows, macOS "
                "and Linux all accept (see URLs in the README)",
            )
        )
    return Document(
        source=source,
        title=title,
        date=date,
        updated=date_of("updated"),
        html=html,
        text=text,
        source_sha=sha,
        category_paths=category_paths(meta.get("categories") or meta.get("category")),
        tag_names=tag_names(meta.get("tags") or meta.get("tag")),
        author=_text(meta.get("author")),
        cover=cover,
        slug=slug,
        draft=draft,
        description=description,
        kind=_text(meta.get("kind")) or "post",
        original_url=_text(meta.get("original_url") or meta.get("link")),
        source_file=_text(meta.get("source_file")),
        publication_name=_text(meta.get("publication")),
        meta=_meta(meta, title),
        notes=(*((SCALAR_NOTE, line, message) for line, message in fm.notes), *url_notes),
        id=stable_id,
        id_from_path=not stays,
    )


def _meta(meta: dict[str, Any], title: str) -> dict[str, Any]:
    """The front matter's other keys; and the title as written, where the page
    shows another (none, spaces around it, a number): Hexo's abbrlink is the
    checksum of the title as written, so the site's old addresses need it."""
    other = {str(k): "" if v is None else v for k, v in meta.items() if k not in KNOWN_KEYS}
    written = meta.get("title")
    if written != title:
        other["title_as_written"] = "" if written is None else written
    return other


def decode(data: bytes, source: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a GBK superset)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    line = data[: utf8_error.start].count(b"\n") + 1
    raise ContentError(
        f"cannot decode the file (invalid byte at offset {utf8_error.start})",
        source,
        line,
        "save it as UTF-8",
    )
