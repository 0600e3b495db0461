"""`sitegen check`: every problem in the content, without writing anything.

It reads the site exactly as a build would (so it finds the same bad
documents, URL collisions and skipped symlinks, every URL the URL policy
drops and every front-matter value read otherwise than YAML 1.1 would read
it), compiles every template,
follows every internal link and image in every document to a page or
file the build would produce, and names every page of the last build the
site would no longer have at its address.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

import jinja2

from sitegen.aliases import load_left, pending
from sitegen.build import Loaded, load_site
from sitegen.cache import BuildState, load_state
from sitegen.catalog import Catalog
from sitegen.config import Config
from sitegen.errors import SitegenError
from sitegen.redirects import plan_redirects
from sitegen.render import plan_pages
from sitegen.report import BufferReporter
from sitegen.themes import (
    make_environment,
    static_files,
    template_error,
    template_files,
    theme_dirs,
)
from sitegen.urls import output_path


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class _Links(HTMLParser):
    """Collects href/src values of a document body."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.found.append(value)


def _as_problem(error: SitegenError) -> Problem:
    message = f"{error.message} — {error.hint}" if error.hint else error.message
    return Problem(str(error.path or "site.yml"), error.line or 1, message)


def _line_of(text: str, needle: str) -> int:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def site_files(catalog: Catalog, config: Config, static: set[str]) -> set[str]:
    """Every file a build of this site writes (site-relative), redirect pages included."""
    pages = plan_pages(catalog, config)
    files = {output_path(p.url) for p in pages}
    files |= {"atom.xml", "sitemap.xml", "robots.txt", *static}
    files |= {node.feed for node in catalog.all_categories}
    redirects, _ = plan_redirects(catalog, config, {p.url for p in pages})
    files |= {output_path(r.old) for r in redirects}
    return files


def built_files(loaded: Loaded, config: Config) -> set[str]:
    """`site_files` of a loaded site, its static files and the theme's included."""
    static = {f.rel for f in loaded.files if not f.is_document} | set(static_files(config))
    return site_files(loaded.catalog, config, static)


def lost_urls(
    config: Config, state: BuildState, files: set[str], sources: set[str]
) -> list[Problem]:
    """Pages the last build (`state`) wrote that this site would no longer have,
    nor redirect: for an archive, each is a citation that stops working. One whose
    document is still here (`sources`) is reported at that document."""
    problems = []
    moved = {output_path(url): src for src, url in state.urls.items() if src in sources}
    for rel in sorted(set(state.pages) - files):
        old = "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        source = moved.get(rel)
        if source is not None:
            problems.append(
                Problem(
                    f"{config.content}/{source}",
                    1,
                    f"its last address {old} would be lost — add `aliases: [{old}]` to the "
                    "document that has it now, or set `redirects_from` (see the README)",
                )
            )
        else:
            problems.append(
                Problem(
                    str(config.output_dir),
                    1,
                    f"the page {old} of the last build would be lost — give the document "
                    "that replaces it `aliases: [" + old + "]`",
                )
            )
    return problems


def broken_links(catalog: Catalog, config: Config, files: set[str]) -> list[Problem]:
    """Internal links and images in document bodies that lead nowhere."""
    base = urlsplit(config.base_url)
    problems = []
    for doc in catalog.documents:
        parser = _Links()
        parser.feed(doc.html)
        for link in parser.found:
            parts = urlsplit(link)
            if parts.scheme in ("mailto", "tel") or link.startswith("#"):
                continue
            if parts.scheme and parts.netloc != base.netloc:
                continue
            if parts.scheme or link.startswith("/"):
                path = parts.path
            else:
                path = urlsplit(urljoin(config.base_path + doc.url, link)).path
            if not path.startswith(config.base_path):
                target = path
            else:
                target = unquote(path[len(config.base_path) :])
                if target in files or output_path(target) in files:
                    continue
                if (target + "/index.html") in files:
                    continue
            source = config.content_dir / doc.source
            try:
                line = _line_of(source.read_text(encoding="utf-8", errors="replace"), link)
            except OSError:
                line = 1
            problems.append(
                Problem(
                    f"{config.content}/{doc.source}",
                    line,
                    f"broken link {link} — no page or file /{target.lstrip('/')} in the site; "
                    "fix the link or add the missing document",
                )
            )
    return problems


def check_templates(config: Config) -> list[Problem]:
    env = make_environment(config)
    problems = []
    seen: set[str] = set()
    for path in template_files(config):
        name = next(
            (
                path.relative_to(d / "templates").as_posix()
                for d in theme_dirs(config)
                if path.is_relative_to(d / "templates")
            ),
            path.name,
        )
        if name in seen:
            continue
        seen.add(name)
        try:
            env.get_template(name)
        except jinja2.TemplateError as exc:
            problems.append(_as_problem(template_error(exc, str(path))))
    return problems


def left_urls(config: Config, catalog: Catalog, files: set[str], known: set[str]) -> list[Problem]:
    """Addresses documents left in earlier builds that nothing keeps (see
    `sitegen.aliases`); those the last build still had are `lost_urls`' (`known`)."""
    return [
        Problem(
            f"{config.content}/{doc.source}",
            1,
            f"it left the address /{url}, which no longer leads to it — "
            "`sitegen aliases` writes it into the document as an alias",
        )
        for doc, urls in pending(catalog.documents, load_left(config), files)
        for url in urls
        if output_path(url) not in known
    ]


def check_site(config: Config) -> list[Problem]:
    """All problems, sorted by file and line; an empty list means the site is sound."""
    reporter = BufferReporter()
    problems: list[Problem] = []
    try:
        loaded = load_site(config, reporter)
        problems += check_templates(config)
    except SitegenError as exc:
        return [_as_problem(exc)]
    for failure in loaded.result.failures:
        problems.append(_as_problem(failure))
    for warning in loaded.warnings:
        problems.append(_as_problem(warning))
    problems += [
        Problem(f"{config.content}/{rel}", line, message)
        for rel, (_, doc) in loaded.documents.items()
        if doc is not None
        for _, line, message in doc.notes
    ]
    files = built_files(loaded, config)
    problems += broken_links(loaded.catalog, config, files)
    state = load_state(config)
    problems += lost_urls(config, state, files, {doc.source for doc in loaded.catalog.documents})
    problems += left_urls(config, loaded.catalog, files, set(state.pages))
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.message))
