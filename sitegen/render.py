"""Plan every page of the site, then render one page at a time.

`plan_pages` turns the catalog into a flat list of `Page` values (URL,
template, context); `render_page` turns one of them into bytes. Planning
is cheap and deterministic; rendering is the expensive part and each page
is independent, so it can be cached or spread over processes.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import jinja2

from sitegen import export, search, timeline, urls
from sitegen.catalog import (
    Catalog,
    CategoryNode,
    DayNode,
    MonthNode,
    PublicationNode,
    YearNode,
    publication_calendar,
)
from sitegen.config import Config, MenuLink
from sitegen.sources.document import Document, Link


@dataclass(frozen=True)
class SiteInfo:
    title: str
    description: str
    author: str
    language: str
    base_url: str
    menu: tuple[MenuLink, ...]
    extra: dict[str, Any]
    search: bool
    categories_url: str = "categories/"  # the list indexes, where the site keeps them
    tags_url: str = "tags/"
    archives_url: str = "archives/"


@dataclass(slots=True)  # not frozen: see Page
class PageInfo:
    kind: str
    title: str
    url: str
    feed: str | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class Paging:
    """How lists are cut into pages: the site's `per_page` and `pagination_dir`."""

    per_page: int
    folder: str = "page"


@dataclass(slots=True)  # not frozen: see Page
class Paginator:
    number: int
    total: int
    count: int
    base_url: str
    folder: str = "page"

    @property
    def prev_url(self) -> str | None:
        return self.page_url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.page_url(self.number + 1) if self.number < self.total else None

    def page_url(self, number: int) -> str:
        return urls.paged(self.base_url, number, self.folder)

    @property
    def window(self) -> list[int | None]:
        """First, last and two either side of the current page; None marks a gap."""
        shown = sorted(
            {1, self.total, *range(max(1, self.number - 2), min(self.total, self.number + 2) + 1)}
        )
        result: list[int | None] = []
        for n in shown:
            if result and n - (result[-1] or 0) > 1:
                result.append(None)
            result.append(n)
        return result


@dataclass(frozen=True, slots=True)
class Entry:
    """An index entry as templates see it: a name, a link, a count.

    Entries carry no document lists, so a page that shows them depends only
    on these values; editing one post does not re-render every page that
    lists its category among others.
    """

    name: str
    url: str
    count: int
    children: tuple[Entry, ...] = ()
    feed: str | None = None
    year: int | None = None
    month: int | None = None
    day: int | None = None
    kind: str = ""
    first: dt.datetime | None = None
    last: dt.datetime | None = None

    @property
    def months(self) -> tuple[Entry, ...]:
        return self.children

    @property
    def days(self) -> tuple[Entry, ...]:
        return self.children


def category_entry(node: CategoryNode) -> Entry:
    children = tuple(category_entry(c) for c in node.children)
    return Entry(node.name, node.url, node.count, children, feed=node.feed)


def date_entry(node: YearNode | MonthNode | DayNode) -> Entry:
    children = tuple(date_entry(c) for c in getattr(node, "months", getattr(node, "days", [])))
    return Entry(
        node.name,
        node.url,
        node.count,
        children,
        year=node.year,
        month=getattr(node, "month", None),
        day=getattr(node, "day", None),
    )


def publication_entry(pub: PublicationNode) -> Entry:
    return Entry(pub.name, pub.url, pub.count, kind=pub.kind, first=pub.first, last=pub.last)


@dataclass(slots=True)
class Page:
    """One HTML page to render: where it goes, with which template and values.

    Page, PageInfo and Paginator are made once per page of the site and never
    changed after planning; they are not frozen because frozen dataclasses
    take four times as long to make (a quarter of planning 20,000 pages).
    Like Document, they have slots: 100,000 posts make 200,000 pages.
    """

    url: str
    template: str
    info: PageInfo
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def fingerprinted(self) -> tuple[str, PageInfo, dict[str, Any]]:
        """What a page's fingerprint is made of (`cache.Fingerprints.page`)."""
        return self.template, self.info, self.context


def site_info(config: Config) -> SiteInfo:
    return SiteInfo(
        config.title,
        config.description,
        config.author,
        config.language,
        config.base_url,
        config.menu,
        config.extra,
        config.search,
        f"{config.category_dir}/",
        f"{config.tag_dir}/",
        f"{config.archive_dir}/",
    )


def _paginate(
    docs: list[Document],
    base_url: str,
    paging: Paging,
    kind: str,
    title: str,
    template: str = "list.html",
    feed: str | None = None,
    timeline: bool = False,
    **extra: Any,
) -> list[Page]:
    """The pages of a list; with `timeline`, the first one of a list longer than
    a page also gets the day (as an ordinal, a cheap value to fingerprint) of
    each of its documents, which the theme draws with `timeline(days, title)`."""
    per_page = paging.per_page
    total = max(1, math.ceil(len(docs) / per_page))
    # A list of one page shows all its dates already; a chart of a few bars
    # over years says nothing more (and each took a millisecond to draw).
    drawn = timeline and total > 1
    pages = []
    for number in range(1, total + 1):
        url = urls.paged(base_url, number, paging.folder)
        shown_title = title if number == 1 else f"{title}（第 {number} 页）"
        pages.append(
            Page(
                url,
                template,
                PageInfo(kind, shown_title, url, feed),
                {
                    "posts": docs[(number - 1) * per_page : number * per_page],
                    "paginator": Paginator(number, total, len(docs), base_url, paging.folder),
                    "heading": title,
                    **({"timeline_days": _days(docs)} if drawn and number == 1 else {}),
                    **extra,
                },
            )
        )
    return pages


def _days(docs: list[Document]) -> tuple[int, ...]:
    return tuple(doc.date.toordinal() for doc in docs)


def _other_years(day: DayNode, days: dict[dt.date, DayNode], years: list[int]) -> list[Link]:
    """The same day in the archive's other years: how the event stood a year apart."""
    same = timeline.same_day_other_years(dt.date(day.year, day.month, day.day), days, years)
    return [Link(days[other].name, days[other].url) for other in same]


def _category_pages(node: CategoryNode, paging: Paging, folder: str) -> list[Page]:
    return _paginate(
        node.documents,
        node.url,
        paging,
        "category",
        " › ".join(node.path),
        feed=node.feed,
        timeline=True,
        data_csv="data/" + export.subset_path("categories", node.slugs),
        children=category_entry(node).children,
        breadcrumbs=[
            Link(name, urls.category_url(node.slugs[: i + 1], folder))
            for i, name in enumerate(node.path)
        ],
    )


def plan_pages(catalog: Catalog, config: Config) -> list[Page]:
    """Every HTML page of the site, in a deterministic order."""
    per = Paging(config.per_page, config.pagination_dir)
    categories, tags, archives = (
        f"{config.category_dir}/",
        f"{config.tag_dir}/",
        f"{config.archive_dir}/",
    )
    pages: list[Page] = []
    pages += _paginate(
        catalog.listed, "", per, "home", config.title, "index.html", "atom.xml", timeline=True
    )
    for doc in catalog.documents:
        if doc.is_issue:
            pages.append(
                Page(
                    doc.url,
                    "issue.html",
                    PageInfo("issue", doc.title, doc.url, description=doc.description),
                    {
                        "issue": doc,
                        "post": doc,
                        "articles": catalog.articles_of_issue.get(doc.url, []),
                    },
                )
            )
            continue
        older, newer = catalog.neighbours.get(doc.url, (None, None))
        pages.append(
            Page(
                doc.url,
                "post.html",
                PageInfo("post", doc.title, doc.url, description=doc.description),
                {"post": doc, "prev_post": older, "next_post": newer},
            )
        )
    pages.append(
        Page(
            categories,
            "categories.html",
            PageInfo("categories", "分类", categories),
            {"tree": [category_entry(n) for n in catalog.categories]},
        )
    )
    for node in catalog.all_categories:
        pages += _category_pages(node, per, config.category_dir)
    pages.append(
        Page(
            tags,
            "tags.html",
            PageInfo("tags", "标签", tags),
            {"tags": [Entry(t.name, t.url, t.count) for t in catalog.tags]},
        )
    )
    for tag in catalog.tags:
        pages += _paginate(
            tag.documents, tag.url, per, "tag", f"标签：{tag.name}", timeline=True, children=[]
        )
    pages.append(
        Page(
            archives,
            "archives.html",
            PageInfo("archives", "归档", archives),
            {"years": [date_entry(y) for y in catalog.years]},
        )
    )
    days = {
        dt.date(d.year, d.month, d.day): d for y in catalog.years for m in y.months for d in m.days
    }
    years = sorted(y.year for y in catalog.years)
    for year in catalog.years:
        year_entry = date_entry(year)
        pages += _paginate(
            year.documents, year.url, per, "year", year.name, children=year_entry.children
        )
        for month, month_entry in zip(year.months, year_entry.children, strict=True):
            pages += _paginate(
                month.documents,
                month.url,
                per,
                "month",
                month.name,
                children=month_entry.children,
            )
            for day in month.days:
                pages += _paginate(
                    day.documents,
                    day.url,
                    per,
                    "day",
                    day.name,
                    children=[],
                    other_years=_other_years(day, days, years),
                )
    pages.append(
        Page(
            "publications/",
            "publications.html",
            PageInfo("publications", "出版物", "publications/"),
            {"publications": [publication_entry(p) for p in catalog.publications]},
        )
    )
    for pub in catalog.publications:
        pages.append(
            Page(
                pub.url,
                "publication.html",
                PageInfo("publication", pub.name, pub.url),
                {
                    "publication": publication_entry(pub),
                    "calendar": publication_calendar(pub),
                    "timeline_days": _days(shown)
                    if len(shown := pub.articles or pub.issues) > per.per_page
                    else (),
                    "data_csv": "data/"
                    + export.subset_path("publications", [pub.url.rstrip("/").rpartition("/")[2]]),
                },
            )
        )
    if config.search:
        pages.append(
            Page(
                "search/",
                "search.html",
                PageInfo("search", "搜索", "search/"),
                search.page_context(catalog),
            )
        )
    pages.append(
        Page(
            "data/",
            "data.html",
            PageInfo("data", "数据下载", "data/"),
            {
                "fields": export.FIELD_DOCS,
                "notes": export.CSV_NOTE,
                "count": len(catalog.documents),
            },
        )
    )
    pages.append(Page("404.html", "404.html", PageInfo("404", "页面不存在", "404.html")))
    return pages


def render_page(env: jinja2.Environment, page: Page, site: SiteInfo) -> bytes:
    """Render one page; Jinja errors propagate for the caller to report."""
    template = env.get_template(page.template)
    return template.render(site=site, page=page.info, **page.context).encode("utf-8")
