"""The site model: every document with its URL, and the collections over them.

`make_catalog` is the one place where documents meet each other: it gives
each a unique URL (warning on collisions), and builds the category tree,
tags, date archives and publications. Issue documents (a whole newspaper
page or periodical issue) belong to their publication, not to the lists.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sitegen import hexo, urls
from sitegen.config import Config
from sitegen.errors import ContentWarning
from sitegen.slugs import slugify
from sitegen.sources.document import FIELDS, Document, Link, field_values, from_values


@dataclass
class CategoryNode:
    name: str
    path: tuple[str, ...]
    url: str
    slugs: tuple[str, ...]
    children: list[CategoryNode] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)  # including sub-categories

    @property
    def count(self) -> int:
        return len(self.documents)

    @property
    def feed(self) -> str:
        return urls.category_feed_url(self.url)


@dataclass
class TagNode:
    name: str
    url: str
    documents: list[Document] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.documents)


@dataclass
class DayNode:
    year: int
    month: int
    day: int
    url: str
    documents: list[Document] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def count(self) -> int:
        return len(self.documents)


@dataclass
class MonthNode:
    year: int
    month: int
    url: str
    days: list[DayNode] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.year:04d}年{self.month:02d}月"

    @property
    def count(self) -> int:
        return len(self.documents)


@dataclass
class YearNode:
    year: int
    url: str
    months: list[MonthNode] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.year:04d}年"

    @property
    def count(self) -> int:
        return len(self.documents)


@dataclass(frozen=True)
class CalendarDay:
    day: int
    issues: tuple[Document, ...]


@dataclass(frozen=True)
class CalendarMonth:
    year: int
    month: int
    weeks: tuple[tuple[CalendarDay | None, ...], ...]
    count: int


@dataclass(frozen=True)
class CalendarYear:
    year: int
    months: tuple[CalendarMonth, ...]


@dataclass
class PublicationNode:
    name: str
    url: str
    kind: str
    issues: list[Document] = field(default_factory=list)  # oldest first
    articles: list[Document] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.issues)

    @property
    def first(self) -> dt.datetime | None:
        return self.issues[0].date if self.issues else None

    @property
    def last(self) -> dt.datetime | None:
        return self.issues[-1].date if self.issues else None


@dataclass
class Catalog:
    """All documents (newest first) and the collections built over them."""

    documents: list[Document]  # every document, issues included
    listed: list[Document]  # what home, categories, tags, archives and feeds show
    categories: list[CategoryNode]  # the roots
    all_categories: list[CategoryNode]
    tags: list[TagNode]  # most used first
    years: list[YearNode]  # newest first
    publications: list[PublicationNode]
    neighbours: dict[str, tuple[Document | None, Document | None]]  # url → (older, newer)
    articles_of_issue: dict[str, list[Document]]  # issue url → articles in page order
    warnings: list[ContentWarning]


def _order(doc: Document) -> tuple:
    return (doc.date, doc.source)


def _unique(name_slug: str, taken: set[str]) -> str:
    """`slug`, or `slug-2`, `slug-3`… — the first free one (case-insensitively)."""
    candidate, n = name_slug, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = urls.portable_segment(f"{name_slug}-{n}")
    taken.add(candidate.casefold())
    return candidate


def assign_urls(
    docs: list[Document], config: Config
) -> tuple[dict[str, str], list[ContentWarning]]:
    """A unique URL for each document (by source); colliding ones get `-2`, `-3` in source order.

    A post's own `permalink:` wins; a Hexo-form pattern is expanded as Hexo
    does (`hexo.post_fields`), with hexo-abbrlink's `:abbrlink` where used.
    """
    style, limit = config.slug_style, config.slug_max_length
    pub_slugs = publication_slugs(docs)
    ordered = sorted(docs, key=lambda d: d.source)
    warnings: list[ContentWarning] = []
    abbrlinks = _abbrlinks(ordered, config, warnings) if ":abbrlink" in config.permalink else {}
    wanted: dict[str, list[tuple[Document, str]]] = defaultdict(list)
    for doc in ordered:
        own = doc.meta.get("permalink")
        if isinstance(own, str) and own.strip("/ "):
            url = urls.portable_path(own.strip().lstrip("/"))
        elif doc.is_issue:
            slug = doc.slug or slugify(doc.title, style, limit)
            url = urls.issue_url(pub_slugs.get(doc.publication_name, "unknown"), doc.date, slug)
        elif doc.kind == "page":
            url = urls.portable_path(_page_url(doc.source))
        elif config.hexo_permalink:
            url = _hexo_url(doc, config.permalink, config, abbrlinks.get(doc.source))
        else:
            url = _sitegen_url(doc, config.permalink, config)
        wanted[url.casefold()].append((doc, url))
    taken = set(wanted)
    result: dict[str, str] = {}
    for group in wanted.values():
        first_doc, first_url = group[0]
        result[first_doc.source] = first_url
        for doc, url in group[1:]:
            new_url, n = url, 1
            while new_url.casefold() in taken:
                n += 1
                new_url = _numbered(url, n)
            taken.add(new_url.casefold())
            warnings.append(
                ContentWarning(
                    f"URL /{url} is also claimed by {_where(first_doc, config)}; "
                    f"this one is published at /{new_url}",
                    _where(doc, config),
                    1,
                    "give one of them a `slug:` or its own `permalink:`",
                )
            )
            result[doc.source] = new_url
    return result, warnings


def _sitegen_url(doc: Document, pattern: str, config: Config) -> str:
    """A post's URL under one of sitegen's `{year}/…/{slug}/` patterns."""
    slug = doc.slug or slugify(doc.title, config.slug_style, config.slug_max_length)
    first_category = doc.category_paths[0] if doc.category_paths else ()
    return urls.permalink(pattern, doc.date, slug, first_category)


def _hexo_url(doc: Document, pattern: str, config: Config, abbrlink: str | None) -> str:
    """A post's URL under a Hexo permalink pattern (`hexo.post_fields`); its
    `:category` is the Hexo slug of its last category path, as Hexo has it
    (even where this site's list page has another, to keep two apart)."""
    path = doc.category_paths[-1] if doc.category_paths else ()
    category = hexo.category_slug(path, config.category_map, config.filename_case)
    fields = hexo.post_fields(
        _post_path(doc.source),
        {**doc.meta, "title": doc.meta.get("title_as_written", doc.title)},
        doc.date,
        category,
        config.new_post_name,
        config.default_category,
    )
    if abbrlink is not None:
        fields["abbrlink"] = abbrlink
    return urls.portable_path(hexo.expand(pattern, fields))


def old_urls(catalog: Catalog, config: Config, pattern: str) -> dict[str, str]:
    """Each listed post's URL (by source) under another permalink pattern: a
    Hexo one, with Hexo's own category slugs, or one of sitegen's `{}` ones."""
    ordered = sorted(catalog.listed, key=lambda d: d.source)
    if "{" in pattern:
        return {d.source: _sitegen_url(d, pattern, config) for d in ordered}
    abbrlinks = _abbrlinks(ordered, config, []) if ":abbrlink" in pattern else {}
    result = {}
    for doc in ordered:
        result[doc.source] = _hexo_url(doc, pattern, config, abbrlinks.get(doc.source))
    return result


def _where(doc: Document, config: Config) -> str:
    return f"{config.content}/{doc.source}"


def _numbered(url: str, n: int) -> str:
    """`url` with `-n` after its last name: `a/b/` → `a/b-2/`, `p/1a.html` → `p/1a-2.html`."""
    folder, slash, name = url.rstrip("/").rpartition("/")
    stem, dot, extension = name.rpartition(".") if "." in name else (name, "", "")
    new = f"{stem}-{n}{dot}{extension}"
    return f"{folder}{slash}{urls.portable_segment(new)}{'/' if url.endswith('/') else ''}"


def _post_path(source: str) -> str:
    """A post's file as Hexo names it: its path under `_posts/` (or under `posts/`)."""
    for folder in ("_posts/", "posts/"):
        if source.startswith(folder):
            return source[len(folder) :]
    return source


def _page_url(source: str) -> str:
    """A Hexo page's URL: its path with `.html` for `.md` (`about/index.md` → `about/`)."""
    stem = source.rpartition(".")[0] if "." in source.rpartition("/")[2] else source
    return stem[: -len("index")] if stem == "index" or stem.endswith("/index") else stem + ".html"


def _abbrlinks(ordered: list[Document], config: Config, warnings: list[ContentWarning]) -> dict:
    """hexo-abbrlink's `:abbrlink` of each post in source order: its own front matter's,
    else the CRC of its title, bumped past a value already taken (with a warning:
    Hexo itself publishes one of two such posts and silently loses the other)."""
    posts = [d for d in ordered if d.listed]
    given = [d.meta.get("abbrlink") for d in posts]
    links = hexo.abbrlinks(
        [hexo.js_string(d.meta.get("title_as_written", d.title)) for d in posts],
        str(config.abbrlink.get("alg", hexo.ABBRLINK_ALG)),
        str(config.abbrlink.get("rep", hexo.ABBRLINK_REP)),
        [None if g in (None, "") else str(g) for g in given],
    )
    result = {}
    for doc, link in zip(posts, links, strict=True):
        result[doc.source] = value = link.value
        if link.bumped_from is not None and link.clashes_with is not None:
            first = _where(posts[link.clashes_with], config)
            warnings.append(
                ContentWarning(
                    f"abbrlink {link.bumped_from} of {doc.title!r} is taken by {first}; "
                    f"this one is published with abbrlink {value}",
                    _where(doc, config),
                    1,
                    f"write `abbrlink: {value}` in its front matter to keep the address fixed",
                )
            )
    return result


def _name_slug(config: Config, mapping: dict[str, str]) -> Any:
    """How a category or tag name becomes its URL's name: through the site's
    map, then as Hexo slugizes (a Hexo site or permalink) or as sitegen does."""
    if config.hexo or config.hexo_permalink:
        return lambda name: hexo.slugize(str(mapping.get(name, name)), config.filename_case)
    return lambda name: slugify(str(mapping.get(name, name)))


def _category_nodes(listed: list[Document], config: Config) -> tuple[list[CategoryNode], dict]:
    """The category tree, without its documents: slugs are unique among
    siblings, the first-met category keeping the plain one."""
    name_slug = _name_slug(config, config.category_map)
    nodes: dict[tuple[str, ...], CategoryNode] = {}
    roots: list[CategoryNode] = []
    sibling_slugs: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for paths in dict.fromkeys(doc.category_paths for doc in listed):
        for path in paths:
            for depth in range(1, len(path) + 1):
                key = path[:depth]
                if key in nodes:
                    continue
                parent = nodes.get(key[:-1])
                parent_slugs = parent.slugs if parent else ()
                slug = _unique(name_slug(key[-1]), sibling_slugs[key[:-1]])
                slugs = (*parent_slugs, slug)
                url = urls.category_url(slugs, config.category_dir)
                node = CategoryNode(key[-1], key, url, slugs)
                nodes[key] = node
                (parent.children if parent else roots).append(node)
    for node in nodes.values():
        node.children.sort(key=lambda n: n.name)
    roots.sort(key=lambda n: n.name)
    return roots, nodes


def _tag_nodes(listed: list[Document], config: Config) -> dict[str, TagNode]:
    """Tags by name, without their documents; the first-met keeps the plain slug."""
    taken: set[str] = set()
    name_slug, folder = _name_slug(config, config.tag_map), config.tag_dir
    names = dict.fromkeys(name for doc in listed for name in doc.tag_names)
    return {
        name: TagNode(name, urls.tag_url(_unique(name_slug(name), taken), folder)) for name in names
    }


def _date_nodes(listed: list[Document], folder: str) -> list[YearNode]:
    years: dict[int, YearNode] = {}
    months: dict[tuple[int, int], MonthNode] = {}
    days: dict[tuple[int, int, int], DayNode] = {}
    for doc in listed:
        y, m, d = doc.date.year, doc.date.month, doc.date.day
        if y not in years:
            years[y] = YearNode(y, urls.year_url(y, folder))
        if (y, m) not in months:
            months[y, m] = MonthNode(y, m, urls.month_url(y, m, folder))
            years[y].months.append(months[y, m])
        if (y, m, d) not in days:
            days[y, m, d] = DayNode(y, m, d, urls.day_url(y, m, d, folder))
            months[y, m].days.append(days[y, m, d])
        years[y].documents.append(doc)
        months[y, m].documents.append(doc)
        days[y, m, d].documents.append(doc)
    return sorted(years.values(), key=lambda n: -n.year)


def publication_slugs(docs: list[Document]) -> dict[str, str]:
    """One URL segment per publication name, distinct even when names slugify alike."""
    taken: set[str] = set()
    names = sorted({d.publication_name for d in docs if d.publication_name})
    return {name: _unique(slugify(name), taken) for name in names}


def _publications(placed: list[Document]) -> dict[str, PublicationNode]:
    """Publications that have issues, by name, without their documents; a
    publication's kind is what its oldest document says."""
    with_issues = {d.publication_name for d in placed if d.is_issue and d.publication_name}
    slugs = publication_slugs(placed)
    pubs: dict[str, PublicationNode] = {}
    for doc in reversed(placed):
        name = doc.publication_name
        if name in with_issues and name not in pubs:
            kind = str(doc.meta.get("publication_kind") or "newspaper")
            pubs[name] = PublicationNode(name, urls.publication_url(slugs[name]), kind)
    return dict(sorted(pubs.items()))


def publication_calendar(pub: PublicationNode) -> list[CalendarYear]:
    """Years (newest first) → months with issues → Monday-first weeks of days."""
    by_day: dict[dt.date, list[Document]] = defaultdict(list)
    for issue in pub.issues:
        by_day[issue.date.date()].append(issue)
    months = sorted({(d.year, d.month) for d in by_day}, reverse=True)
    years: dict[int, list[CalendarMonth]] = defaultdict(list)
    for year, month in months:
        weeks = tuple(
            tuple(
                CalendarDay(day, tuple(by_day.get(dt.date(year, month, day), ()))) if day else None
                for day in week
            )
            for week in calendar.Calendar(firstweekday=0).monthdayscalendar(year, month)
        )
        count = sum(len(v) for k, v in by_day.items() if (k.year, k.month) == (year, month))
        years[year].append(CalendarMonth(year, month, weeks, count))
    return [CalendarYear(y, tuple(sorted(ms, key=lambda m: m.month))) for y, ms in years.items()]


def _link_issue(
    doc: Document, issues_by_source: dict[str, Document], url_of: dict[str, str]
) -> Link | None:
    issue = issues_by_source.get(doc.source_file) if doc.source_file else None
    if issue is None or issue is doc:
        return None
    return Link(issue.title, url_of[issue.source])


def with_links(doc: Document, **links: Any) -> Document:
    """`doc` with the catalog's links filled in: `dataclasses.replace` without
    re-running `__init__`, which is a good part of building a large catalog."""
    values = list(field_values(doc))
    for name, value in links.items():
        values[_POSITION[name]] = value
    return from_values(values)


_POSITION = {name: i for i, name in enumerate(FIELDS)}


def make_catalog(docs: list[Document], config: Config, static_files: set[str]) -> Catalog:
    """Build the site model from every readable, non-draft document.

    The collections are made first without their documents, so that each
    document is linked once and then filed, already linked, into them: at
    100,000 posts, swapping the linked copies into the lists afterwards was
    a fifth of a small rebuild.
    """
    if config.hexo:
        docs = [_as_page(d) for d in docs]
    docs, id_warnings = _unique_ids(docs, config)
    placed = sorted(docs, key=_order, reverse=True)
    unlinked = [d for d in placed if d.listed]
    roots, category_index = _category_nodes(unlinked, config)
    tag_index = _tag_nodes(unlinked, config)
    url_of, warnings = assign_urls(docs, config)
    warnings += id_warnings
    pubs = _publications(placed)
    pub_links = {p.name: Link(p.name, p.url) for p in pubs.values()}
    issues_by_source = {d.source_file: d for d in placed if d.is_issue and d.source_file}
    tag_links = {name: Link(name, node.url) for name, node in tag_index.items()}
    category_links = {path: Link(node.name, node.url) for path, node in category_index.items()}

    documents: list[Document] = []
    filed: dict[tuple, tuple] = {}  # category_paths → (their links, their categories' lists)
    for doc in placed:
        source_url = doc.source_file if doc.source_file in static_files else ""
        if doc.source_file and not source_url:
            warnings.append(
                ContentWarning(
                    f"source_file {doc.source_file!r} is not in content/",
                    _where(doc, config),
                    1,
                    "fix the path or re-import the original",
                )
            )
        categories, lists = (
            ((), ())
            if not doc.listed
            else filed.get(doc.category_paths)
            or _file_under(doc.category_paths, category_index, category_links, filed)
        )
        linked = with_links(
            doc,
            url=url_of[doc.source],
            categories=categories,
            tags=tuple(tag_links[t] for t in doc.tag_names if t in tag_links),
            publication=pub_links.get(doc.publication_name),
            issue=_link_issue(doc, issues_by_source, url_of),
            source_url=source_url,
            html=urls.rebase(doc.html, config.base_path),
        )
        documents.append(linked)
        for documents_of_category in lists:
            documents_of_category.append(linked)
        if doc.listed:
            for name in doc.tag_names:
                tag_index[name].documents.append(linked)

    listed = [d for d in documents if d.listed]
    years = _date_nodes(listed, config.archive_dir)
    for doc in reversed(documents):  # oldest first
        pub = pubs.get(doc.publication_name)
        if pub is not None:
            (pub.issues if doc.is_issue else pub.articles).append(doc)
    neighbours: dict[str, tuple[Document | None, Document | None]] = {}
    for i, doc in enumerate(listed):
        newer = listed[i - 1] if i > 0 else None
        older = listed[i + 1] if i + 1 < len(listed) else None
        neighbours[doc.url] = (older, newer)
    articles_of_issue: dict[str, list[Document]] = defaultdict(list)
    for doc in documents:
        if doc.issue is not None:
            articles_of_issue[doc.issue.url].append(doc)
    for articles in articles_of_issue.values():
        articles.sort(key=lambda d: (_int(d.meta.get("page")), _int(d.meta.get("order")), d.source))
    return Catalog(
        documents=documents,
        listed=listed,
        categories=roots,
        all_categories=list(category_index.values()),
        tags=sorted(tag_index.values(), key=lambda t: (-t.count, t.name)),
        years=years,
        publications=list(pubs.values()),
        neighbours=neighbours,
        articles_of_issue=dict(articles_of_issue),
        warnings=warnings,
    )


def _unique_ids(docs: list[Document], config: Config) -> tuple[list[Document], list]:
    """Each document's id, made unique: of two with one id (the same original
    imported twice, say), the first by path keeps it, the next gets `-2`."""
    seen: dict[str, Document] = {}
    renamed: dict[str, Document] = {}
    warnings = []
    for doc in sorted(docs, key=lambda d: d.source):
        if doc.id.casefold() not in seen:
            seen[doc.id.casefold()] = doc
            continue
        n = 2
        while f"{doc.id}-{n}".casefold() in seen:
            n += 1
        new = with_links(doc, id=f"{doc.id}-{n}")
        seen[new.id.casefold()] = renamed[doc.source] = new
        first = seen[doc.id.casefold()]
        warnings.append(
            ContentWarning(
                f"id {doc.id} is also {_where(first, config)}'s; this one's is {new.id}",
                _where(doc, config),
                1,
                "give one of them its own `id:`",
            )
        )
    if not renamed:
        return docs, warnings
    return [renamed.get(d.source, d) for d in docs], warnings


def _as_page(doc: Document) -> Document:
    """In a Hexo site, a document outside `_posts/` is a page: at its own path, in no list."""
    if doc.source.startswith("_posts/") or doc.kind == "page":
        return doc
    return with_links(doc, kind="page")


def _file_under(
    paths: tuple[tuple[str, ...], ...],
    index: dict[tuple[str, ...], CategoryNode],
    links: dict[tuple[str, ...], Link],
    filed: dict[tuple, tuple],
) -> tuple:
    """The link trails of a document's categories, and the lists it joins
    (each category and its parents once), remembered for its next sibling."""
    trails = tuple(tuple(links[path[:i]] for i in range(1, len(path) + 1)) for path in paths)
    keys = dict.fromkeys(path[:depth] for path in paths for depth in range(1, len(path) + 1))
    filed[paths] = trails, [index[key].documents for key in keys]
    return filed[paths]


def _int(value: object) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 10**6
