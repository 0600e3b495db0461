"""Atom feeds, the sitemap and robots.txt, written as XML by code, not templates,
so that escaping is never a theme author's problem."""

from __future__ import annotations

import datetime as dt
from html import escape as _escape

from sitegen import urls
from sitegen.config import Config
from sitegen.sources.document import Document

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def escape(text: str) -> str:
    """XML text content (xml.sax.saxutils would import urllib.request, slow to load)."""
    return _escape(text, quote=False)


def quoteattr(text: str) -> str:
    """An XML attribute value, quotes included."""
    return f'"{_escape(text)}"'


def atom(docs: list[Document], title: str, feed_url: str, page_url: str, config: Config) -> bytes:
    """An Atom 1.0 feed of the newest `feed_limit` documents."""
    entries = docs[: config.feed_limit]
    updated = max((d.updated or d.date for d in entries), default=_EPOCH)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(config.language)}>',
        f"  <title>{escape(title)}</title>",
        f"  <id>{escape(urls.absolute(page_url, config.base_url))}</id>",
        f"  <link href={quoteattr(urls.absolute(page_url, config.base_url))}/>",
        f'  <link rel="self" href={quoteattr(urls.absolute(feed_url, config.base_url))}/>',
        f"  <updated>{updated.isoformat()}</updated>",
    ]
    if config.author:
        lines.append(f"  <author><name>{escape(config.author)}</name></author>")
    lines.append('  <generator uri="https://example.org/sitegen">sitegen</generator>')
    for doc in entries:
        link = urls.absolute(doc.url, config.base_url)
        lines += [
            "  <entry>",
            f"    <title>{escape(doc.title)}</title>",
            f"    <link href={quoteattr(link)}/>",
            f"    <id>{escape(link)}</id>",
            f"    <published>{doc.date.isoformat()}</published>",
            f"    <updated>{(doc.updated or doc.date).isoformat()}</updated>",
        ]
        if doc.author:
            lines.append(f"    <author><name>{escape(doc.author)}</name></author>")
        for path in doc.categories:
            lines.append(f"    <category term={quoteattr(' / '.join(c.name for c in path))}/>")
        lines += [
            f"    <summary>{escape(doc.description)}</summary>",
            f'    <content type="html">{escape(doc.content)}</content>',
            "  </entry>",
        ]
    lines.append("</feed>\n")
    return "\n".join(lines).encode("utf-8")


SITEMAP_LIMIT = 50_000  # URLs per sitemap file, by the sitemaps.org protocol


def sitemap_index(names: list[str], config: Config) -> bytes:
    """sitemap.xml: the list of the site's sitemap files."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        *(
            f"  <sitemap><loc>{escape(urls.absolute(n, config.base_url))}</loc></sitemap>"
            for n in names
        ),
        "</sitemapindex>\n",
    ]
    return "\n".join(lines).encode("utf-8")


def sitemap(pages: list[tuple[str, dt.datetime | None]], config: Config) -> bytes:
    """One sitemap file: at most SITEMAP_LIMIT pages, with their documents' dates."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for url, modified in pages:
        lastmod = f"<lastmod>{modified.date().isoformat()}</lastmod>" if modified else ""
        lines.append(
            f"  <url><loc>{escape(urls.absolute(url, config.base_url))}</loc>{lastmod}</url>"
        )
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")


def robots(config: Config) -> bytes:
    return (
        f"User-agent: *\nAllow: /\nSitemap: {urls.absolute('sitemap.xml', config.base_url)}\n"
    ).encode()
