"""build(config, reporter): load → catalog → plan pages → render → write.

Everything is read and checked before anything is written; one bad
document is reported and skipped, never the end of the build.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from sitegen import feeds
from sitegen.catalog import Catalog, make_catalog
from sitegen.config import Config
from sitegen.errors import ContentError, SitegenError
from sitegen.render import plan_pages, render_page, site_info
from sitegen.report import Reporter
from sitegen.sources.discover import ContentFile, discover
from sitegen.sources.document import Document, read_document
from sitegen.sources.markup import Markup
from sitegen.themes import make_environment, static_files, template_error
from sitegen.urls import output_path
from sitegen.writer import Writer, check_output_dir


@dataclass
class BuildResult:
    documents: int = 0
    drafts: int = 0
    pages: int = 0
    written: int = 0
    unchanged: int = 0
    failures: list[SitegenError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures


def load_documents(
    files: list[ContentFile], config: Config
) -> tuple[list[Document], int, list[SitegenError]]:
    """Parse every document file; return the published ones, the draft count, the failures."""
    markup = Markup()
    tz = config.tz
    docs: list[Document] = []
    drafts = 0
    failures: list[SitegenError] = []
    for item in files:
        if not item.is_document:
            continue
        try:
            doc = read_document(item.path, item.rel, tz, markup)
        except ContentError as exc:
            exc.path = f"content/{item.rel}"
            failures.append(exc)
            continue
        if doc.draft:
            drafts += 1
        else:
            docs.append(doc)
    return docs, drafts, failures


def load_site(config: Config, reporter: Reporter) -> tuple[Catalog, list[ContentFile], BuildResult]:
    """Read all content and build the site model; nothing is written."""
    files, warnings = discover(config.content_dir, config.exclude)
    for warning in warnings:
        reporter.warning(warning)
    docs, drafts, failures = load_documents(files, config)
    for failure in failures:
        reporter.error(failure)
    statics = {f.rel for f in files if not f.is_document}
    catalog = make_catalog(docs, config, statics)
    for warning in catalog.warnings:
        reporter.warning(warning)
    result = BuildResult(documents=len(docs), drafts=drafts, failures=failures)
    return catalog, files, result


def build(config: Config, reporter: Reporter) -> BuildResult:
    """Build the whole site into `config.output_dir`, atomically."""
    started = time.perf_counter()
    check_output_dir(config.output_dir, config.site_dir)
    catalog, files, result = load_site(config, reporter)
    env = make_environment(config)
    pages = plan_pages(catalog, config)
    site = site_info(config)
    writer = Writer(config.output_dir)
    try:
        for page in pages:
            try:
                data = render_page(env, page, site)
            except Exception as exc:  # a theme can fail in any way; report where
                raise template_error(exc, page.template) from exc
            writer.write(output_path(page.url), data, page.template)
        _write_feeds(writer, catalog, config)
        sitemap_urls = [(p.url, None) for p in pages if p.url != "404.html"]
        dates = {d.url: d.updated or d.date for d in catalog.documents}
        writer.write(
            "sitemap.xml",
            feeds.sitemap([(u, dates.get(u)) for u, _ in sitemap_urls], config),
            "sitemap",
        )
        writer.write("robots.txt", feeds.robots(config), "robots")
        for rel, path in static_files(config).items():
            _copy(writer, rel, path, f"theme file {path}", reporter)
        for item in files:
            if not item.is_document:
                _copy(writer, item.rel, item.path, f"content/{item.rel}", reporter)
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    result.pages = len(pages)
    result.written, result.unchanged = writer.written, writer.unchanged
    result.seconds = time.perf_counter() - started
    return result


def _copy(writer: Writer, rel: str, path: Path, origin: str, reporter: Reporter) -> None:
    if not writer.copy(rel, path, origin):
        reporter.warning(f"{origin}: not copied, /{rel} is already written by {writer.owner(rel)}")


def _write_feeds(writer: Writer, catalog: Catalog, config: Config) -> None:
    writer.write(
        "atom.xml", feeds.atom(catalog.listed, config.title, "atom.xml", "", config), "feed"
    )
    for node in catalog.all_categories:
        title = f"{config.title} · {' › '.join(node.path)}"
        writer.write(
            node.feed, feeds.atom(node.documents, title, node.feed, node.url, config), "feed"
        )
