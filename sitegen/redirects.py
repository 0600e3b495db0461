"""Old addresses that lead to where their pages are now.

An archive's URLs are cited in papers, chat logs and other archives: when
a site changes its URL scheme, each old address gets a small page that
sends the reader on (a meta refresh, a canonical link, and a link to
follow by hand), and `_redirects` lists them all for hosts that answer
with a real 301 (Netlify, Cloudflare Pages).

The old addresses are a document's `aliases:` (one URL or a list), and with
`redirects_from` every post's address under an earlier permalink pattern:
sitegen's `{year}/…` form, or a Hexo one (`hexo` is Hexo's default,
`:year/:month/:day/:title/`) together with the list pages Hexo has and this
site does not. They come from the content and settings alone, so a build
from a clean cache writes the same redirects: a document that moved since
the last build is named in a warning (`moved`), with the alias to add.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

from sitegen import hexo, urls
from sitegen.catalog import Catalog, old_urls
from sitegen.config import Config
from sitegen.errors import ContentWarning
from sitegen.sources.document import Document


@dataclass(frozen=True, slots=True)
class Redirect:
    old: str  # site-relative URL, as `Page.url`
    new: str
    title: str  # what the reader is sent to


def moved(catalog: Catalog, ids: dict[str, str]) -> dict[str, tuple[Document, str]]:
    """Documents whose URL changed since the last build (`ids`: id → URL then),
    found by id, so a retitle or a move is told apart from a new document:
    by old URL, the document and where it is now."""
    return {
        ids[doc.id]: (doc, doc.url)
        for doc in catalog.documents
        if doc.id in ids and ids[doc.id] != doc.url
    }


def plan_redirects(
    catalog: Catalog, config: Config, current: set[str]
) -> tuple[list[Redirect], list[ContentWarning]]:
    """Every old address and where it leads, first claim first; an old address that
    is a page's now (`current`: every page's URL) is left to that page, with a
    warning for an alias."""
    planned: dict[str, Redirect] = {}
    warnings: list[ContentWarning] = []
    for doc in catalog.documents:
        for alias in _aliases(doc):
            old = urls.portable_path(alias.strip().lstrip("/"))
            if old in current:
                warnings.append(
                    ContentWarning(
                        f"alias /{old} is the address of a page; no redirect is written there",
                        f"{config.content}/{doc.source}",
                        1,
                        "remove the alias",
                    )
                )
            elif old:
                planned.setdefault(old, Redirect(old, doc.url, doc.title))
    if config.redirects_from or config.hexo:
        # Compared without case: `tags/covid-19/` is `tags/COVID-19/` on macOS and Windows.
        taken = {url.casefold() for url in current}
        for redirect in _hexo_redirects(catalog, config):
            if redirect.old.casefold() not in taken:
                planned.setdefault(redirect.old, redirect)
    return [r for r in planned.values() if r.old != r.new], warnings


def _aliases(doc: Document) -> list[str]:
    value = doc.meta.get("aliases")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str | int) and str(v).strip("/ ")]
    return []


def _hexo_redirects(catalog: Catalog, config: Config) -> list[Redirect]:
    """Where a Hexo site had what this one has elsewhere: posts under the old
    permalink pattern, tags and categories under Hexo's own slugs, and the
    later pages of Hexo's paginated archive list."""
    found: list[Redirect] = []
    pattern = config.redirects_from
    if pattern:
        old = old_urls(catalog, config, hexo.PERMALINK if pattern == "hexo" else pattern)
        found += [Redirect(old[d.source], d.url, d.title) for d in catalog.listed]
        if "{" in pattern and not config.hexo:
            return found  # from sitegen's own scheme: the lists stayed where they were
    for tag in catalog.tags:
        slug = hexo.tag_slug(tag.name, config.tag_map, config.filename_case)
        found += _list(urls.tag_url(slug, config.tag_dir), tag.url, tag.name, tag.count, config)
    for node in catalog.all_categories:
        slug = hexo.category_slug(node.path, config.category_map, config.filename_case)
        old = f"{config.category_dir}/{slug}/"
        found += _list(old, node.url, node.name, node.count, config)
    found += _archive_pages(catalog, config)
    return [r for r in found if r.old and r.old != r.new]


def _archive_pages(catalog: Catalog, config: Config) -> list[Redirect]:
    """Hexo's `archives/` is one list of every post, newest first, in pages;
    each later page leads to the month page showing its first post."""
    per, folder = config.per_page, config.pagination_dir
    where: dict[str, tuple[str, str]] = {}
    for year in catalog.years:
        for month in year.months:
            for i, doc in enumerate(month.documents):
                where[doc.url] = urls.paged(month.url, i // per + 1, folder), month.name
    archives = f"{config.archive_dir}/"
    found = []
    for n in range(2, math.ceil(len(catalog.listed) / per) + 1):
        new, title = where[catalog.listed[(n - 1) * per].url]
        found.append(Redirect(urls.paged(archives, n, folder), new, title))
    return found


def _list(old: str, new: str, title: str, count: int, config: Config) -> list[Redirect]:
    """A list's pages at its old address, each to the same page at the new one."""
    if old == new:
        return []
    pages = max(1, math.ceil(count / config.per_page))
    folder = config.pagination_dir
    return [
        Redirect(urls.paged(old, n, folder), urls.paged(new, n, folder), title)
        for n in range(1, pages + 1)
    ]


def redirect_page(redirect: Redirect, config: Config) -> bytes:
    """A page that sends the reader on at once, and says where if it cannot."""
    target = html.escape(urls.href(redirect.new, config.base_path))
    canonical = html.escape(urls.absolute(redirect.new, config.base_url))
    title = html.escape(redirect.title)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(config.language)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        f'<link rel="canonical" href="{canonical}">\n'
        '<meta name="robots" content="noindex">\n'
        f'<meta http-equiv="refresh" content="0; url={target}">\n</head>\n<body>\n'
        f'<p>此页已移至 / This page has moved to: <a href="{target}">{title}</a></p>\n'
        "</body>\n</html>\n"
    ).encode()


def netlify_redirects(redirects: list[Redirect], config: Config) -> bytes:
    """`_redirects` in the format Netlify and Cloudflare Pages read: old new 301."""
    lines = [
        f"{urls.href(r.old, config.base_path)} {urls.href(r.new, config.base_path)} 301"
        for r in redirects
    ]
    return ("\n".join(lines) + "\n").encode() if lines else b""
