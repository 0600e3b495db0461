"""build(config, reporter): load → catalog → plan pages → render → write.

Everything is read and checked before anything is written; one bad
document is reported and skipped, never the end of the build. With the
cache, unchanged files are not re-read, unchanged documents not re-parsed,
and pages whose inputs did not change not re-rendered.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen import feeds, search
from sitegen.cache import (
    BuildState,
    Fingerprints,
    Session,
    Summary,
    cache_dir,
    catalog_shape,
    forget_state,
    load_state,
    load_summary,
    pages_to_render,
    parse_key,
    publish_state,
    render_key,
    stage_state,
)
from sitegen.catalog import Catalog, make_catalog
from sitegen.config import Config
from sitegen.errors import ContentError, ContentWarning, DocumentsFailed, SitegenError
from sitegen.parallel import default_jobs, run_chunks
from sitegen.render import Page, plan_pages, render_page, site_info
from sitegen.report import Reporter
from sitegen.sources.discover import ContentFile, discover
from sitegen.sources.document import URL_NOTE, Document, decode, parse_document
from sitegen.sources.markup import Markup
from sitegen.themes import make_environment, static_files, template_error, template_files
from sitegen.urls import output_path
from sitegen.writer import INTERNAL, OutputLock, Writer, check_output_dir, os_failure


@dataclass
class BuildResult:
    documents: int = 0
    drafts: int = 0
    pages: int = 0
    rendered: int = 0
    parsed: int = 0
    written: int = 0
    unchanged: int = 0
    up_to_date: bool = False
    failures: list[SitegenError] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # stage → seconds
    moved: dict[str, str] = field(default_factory=dict)  # a document's old URL → its new one

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass
class Loaded:
    """The site as read: the model, its files, and what reading found."""

    catalog: Catalog
    files: list[ContentFile]
    result: BuildResult
    hashes: dict[str, tuple[int, int, str]]
    documents: dict[str, tuple[str, Document | None]]
    warnings: list[ContentWarning]


def _parse_files(items: Sequence[tuple[str, str, bytes | None]], config: Config) -> list:
    """Parse (rel, path, data) items; errors come back as values, not raised."""
    tz, markup, out = config.tz, Markup(), []
    style, limit = config.slug_style, config.slug_max_length
    for rel, path, data in items:
        try:
            raw = data if data is not None else Path(path).read_bytes()
            sha = hashlib.sha256(raw).hexdigest()
            doc = parse_document(decode(raw, rel), rel, tz, markup, style, limit, sha)
            out.append((rel, sha, doc))
        except ContentError as exc:
            exc.path = f"content/{rel}"
            out.append((rel, "", exc))
        except OSError as exc:
            out.append((rel, "", ContentError(f"cannot read: {exc.strerror}", f"content/{rel}")))
    return out


def load_site(
    config: Config,
    reporter: Reporter,
    state: BuildState | None = None,
    jobs: int = 1,
    found: tuple[list[ContentFile], list[ContentWarning]] | None = None,
    stats: dict[str, tuple[int, int]] | None = None,
) -> Loaded:
    """Read all content and build the site model; nothing is written.

    `stats` (path → size, mtime, as `_snapshot` makes) saves statting every file again.
    """
    state = state or BuildState()
    files, warnings = found or discover(config.content_dir, config.exclude)
    for warning in warnings:
        reporter.warning(warning)
    reuse = state.parse_key == parse_key(config)
    hashes: dict[str, tuple[int, int, str]] = {}
    documents: dict[str, tuple[str, Document | None]] = {}
    todo: list[tuple[str, str, bytes | None]] = []
    for item in files:
        if not item.is_document:
            continue
        size, mtime = (stats or {}).get(item.full) or _stat(item.full)
        if size < 0:
            todo.append((item.rel, item.full, None))
            continue
        known = state.hashes.get(item.rel) if reuse else None
        cached = state.documents.get(item.rel) if reuse else None
        if known and known[:2] == (size, mtime) and cached and cached[0] == known[2]:
            hashes[item.rel], documents[item.rel] = known, cached
            continue
        data = Path(item.full).read_bytes() if cached else None
        if data is not None and cached and hashlib.sha256(data).hexdigest() == cached[0]:
            hashes[item.rel] = (size, mtime, cached[0])
            documents[item.rel] = cached
            continue
        hashes[item.rel] = (size, mtime, "")
        todo.append((item.rel, item.full, data))

    failures: list[SitegenError] = []
    for rel, sha, parsed in run_chunks(
        lambda chunk: _parse_files(chunk, config),
        todo,
        jobs,
        progress=_progress(reporter, "reading"),
    ):
        if isinstance(parsed, SitegenError):
            failures.append(parsed)
            hashes.pop(rel, None)
            continue
        size, mtime, _ = hashes.get(rel, (0, 0, ""))
        hashes[rel] = (size, mtime, sha)
        documents[rel] = (sha, parsed)
    for failure in sorted(failures, key=lambda f: str(f.path)):
        reporter.error(failure)

    dropped = dropped_urls(documents)
    for warning in dropped[:SHOWN_DROPPED]:
        reporter.warning(warning)
    if len(dropped) > SHOWN_DROPPED:
        reporter.warning(
            f"{len(dropped) - SHOWN_DROPPED} more URLs dropped; `sitegen check` lists them all"
        )
    docs = [d for _, d in (documents[r] for r in sorted(documents)) if d and not d.draft]
    drafts = sum(1 for _, d in documents.values() if d and d.draft)
    statics = {f.rel for f in files if not f.is_document}
    catalog = make_catalog(docs, config, statics)
    for warning in catalog.warnings:
        reporter.warning(warning)
    result = BuildResult(documents=len(docs), drafts=drafts, parsed=len(todo), failures=failures)
    return Loaded(catalog, files, result, hashes, documents, [*warnings, *catalog.warnings])


SHOWN_DROPPED = 20  # a build names this many dropped URLs; `sitegen check` names them all


def dropped_urls(documents: dict[str, tuple[str, Document | None]]) -> list[ContentWarning]:
    """A warning for each URL the URL policy took out of a document, on every build
    (cached documents too), as failures are reported."""
    return [
        ContentWarning(message, f"content/{rel}", line)
        for rel in sorted(documents)
        if (doc := documents[rel][1]) is not None
        for kind, line, message in doc.notes
        if kind == URL_NOTE
    ]


def _snapshot(config: Config, files: list[ContentFile], extra: list[Path]) -> dict:
    """Size and mtime of every input, to tell cheaply that nothing changed."""
    paths = [*(f.full for f in files), *map(str, extra), str(config.site_dir / "site.yml")]
    return {path: _stat(path) for path in paths}


def _stat(path: str) -> tuple[int, int]:
    """Size and mtime, or (-1, -1) for a file that cannot be read."""
    try:
        st = os.stat(path)
    except OSError:
        return -1, -1
    return st.st_size, st.st_mtime_ns


def build(
    config: Config,
    reporter: Reporter,
    *,
    jobs: int | None = None,
    use_cache: bool = True,
    tolerate: set[str] | None = None,
    session: Session | None = None,
    keep: list[object] | None = None,
) -> BuildResult:
    """Build the whole site into `config.output_dir`; nothing changes there unless it succeeds.

    `tolerate`, when given, makes the build strict: a document failing that is
    not in it (by `content/...` path) stops the build before anything is
    written. `session` keeps the cache state in memory instead of on disk.
    `keep`, when given, receives the build's large objects (documents,
    catalog, pages), so that a caller about to exit need not free them: at
    100,000 posts freeing them takes over half a second.
    """
    check_output_dir(config.output_dir, config.site_dir)
    # Held from reading the cache to saving it: another build would mix its files in.
    with _no_collections(freeze=keep is not None), OutputLock(config.output_dir) as lock:
        return _build(config, reporter, jobs, use_cache, tolerate, session, keep, lock)


@contextmanager
def _no_collections(freeze: bool = False) -> Iterator[None]:
    """Keep the cyclic garbage collector off while building.

    Nearly everything a build makes (documents, catalog, pages) lives until
    it ends, and what dies sooner is freed by reference counting: at 10,000
    posts a build with the collector off peaks at the same memory. With it
    on, it walks those objects again and again (a twentieth of a small
    rebuild, even collecting rarely). Cycles are collected once it is back on.
    With `freeze`, what the build made and the caller keeps is moved out of
    the collector's sight first: walking it once would cost what not freeing
    it saved.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()


def _build(
    config: Config,
    reporter: Reporter,
    jobs: int | None,
    use_cache: bool,
    tolerate: set[str] | None,
    session: Session | None,
    keep: list[object] | None,
    lock: OutputLock,
) -> BuildResult:
    started = time.perf_counter()
    jobs = jobs or default_jobs()
    has_output = (config.output_dir / INTERNAL).is_dir()
    templates = template_files(config)
    theme_static = static_files(config)
    rkey = render_key(config, templates)

    found = discover(config.content_dir, config.exclude)
    snapshot = _snapshot(config, found[0], [*templates, *theme_static.values()])
    if session is not None and session.taken_over(config):
        session.state = session.summary = None  # another build wrote the output since
    if session is not None and session.summary is not None and has_output:
        summary = session.summary
    else:
        summary = load_summary(config, reporter) if use_cache and has_output else Summary()
    if keep is not None:
        keep += [found, snapshot, summary]
    if summary.snapshot == snapshot and summary.render_key == rkey:
        return BuildResult(
            documents=summary.documents,
            drafts=summary.drafts,
            pages=summary.pages,
            unchanged=summary.files,
            up_to_date=True,
            seconds=time.perf_counter() - started,
        )
    timings = {"check": time.perf_counter() - started}
    lap = time.perf_counter()

    def stage(name: str) -> None:
        nonlocal lap
        now = time.perf_counter()
        timings[name] = now - lap
        lap = now

    if session is not None and session.state is not None and has_output:
        state = session.state
    else:
        state = load_state(config, reporter) if use_cache and has_output else BuildState()
    if keep is not None:
        keep.append(state)
    stage("cache load")
    parsed_with = parse_key(config)
    loaded = load_site(config, reporter, state, jobs, found, snapshot)
    catalog, result = loaded.catalog, loaded.result
    if tolerate is not None:
        new = [f for f in result.failures if str(f.path) not in tolerate]
        if new:
            raise DocumentsFailed(new)
    stage("read + catalog")
    pages = plan_pages(catalog, config)
    stage("plan")
    site = site_info(config)
    fingerprints = Fingerprints(rkey)
    writer = Writer(config.output_dir, state.outputs or None, keep_pool=use_cache, lock=lock)
    try:
        compiled = cache_dir(config) / "templates"
        compiled.mkdir(exist_ok=True)
        env = make_environment(config, compiled)
        claimed = _claim_pages(writer, pages, reporter)
        same_parse = state.parse_key == parsed_with
        shape = catalog_shape(catalog.documents, state if same_parse else None)
        digests = {d.source: fingerprints.value(d) for d in catalog.documents}
        same_shape = state.shape == shape
        changed = {src for src, digest in digests.items() if state.digests.get(src) != digest}
        page_prints, todo = pages_to_render(
            claimed,
            state,
            fingerprints,
            same_key=summary.render_key == rkey,
            same_shape=same_shape,
            changed=changed,
        )
        writer.unchanged += len(claimed) - len(todo)
        # Lists first: each worker renders a document's card once, for the first
        # list showing it, so the fewer workers meet a document, the better. While
        # this process makes the search index, the others get through the lists.
        todo.sort(key=lambda item: "posts" not in item[1].context)
        stage("fingerprint")

        def render_chunk(chunk: Sequence[tuple[str, Page]]) -> list[tuple[str, bool, str]]:
            done = []
            for rel, page in chunk:
                try:
                    data = render_page(env, page, site)
                except Exception as exc:  # a theme can fail in any way; report where
                    raise template_error(exc, page.template) from None
                changed = writer.differs(rel, data)
                if changed:
                    writer.stage(rel, data)
                # A page new to the cache was not fingerprinted yet: do it here, in parallel.
                known = page_prints[rel]
                done.append((rel, changed, known or fingerprints.page(*page.fingerprinted)))
            return done

        make_search, finish_search = _plan_search(
            writer,
            catalog,
            config,
            state,
            fingerprints,
            parsed_with,
            changed if same_shape else None,
        )
        derived = Derived(writer, state.derived, fingerprints)

        def alongside() -> None:
            """What this process makes while the workers render: it needs no page."""
            if make_search is not None:
                make_search()
            _write_feeds(derived, catalog, config)
            _write_sitemap(derived, catalog, pages, config)

        for rel, changed, fingerprint in run_chunks(
            render_chunk, todo, jobs, progress=_progress(reporter, "rendering"), first=alongside
        ):
            writer.staged_by_worker(rel, changed)
            page_prints[rel] = fingerprint
        stage("render + feeds")
        search_key, search_files = finish_search()
        for rel, path in theme_static.items():
            _copy(writer, rel, path, f"theme file {path}", reporter)
        for item in loaded.files:
            if not item.is_document:
                _copy(writer, item.rel, item.path, f"content/{item.rel}", reporter)
        stage("static")
        outputs = writer.outputs()
        urls = {doc.source: doc.url for doc in catalog.documents}
        pending: list[tuple[Path, Path]] = []
        saved = BuildState(
            parse_key=parsed_with,
            hashes=loaded.hashes,
            documents=loaded.documents,
            pages=page_prints,
            outputs=outputs,
            shape=shape,
            digests=digests,
            search_key=search_key,
            search_files=search_files,
            shards=state.shards,
            derived=derived.keys,
            urls=urls,
        )
        summary = Summary(
            render_key=rkey,
            snapshot=snapshot if result.ok else {},  # failures are reported on every build
            documents=result.documents,
            drafts=result.drafts,
            pages=len(pages),
            files=len(outputs),
        )
        if use_cache and session is None:  # before the commit: a full disk stops it here
            pending = stage_state(config, saved, summary)
        stage("cache save")
        forget_state(config)
        writer.commit()
        publish_state(pending)
        stage("commit")
    except BaseException as exc:
        writer.abort()
        if isinstance(exc, OSError):
            raise os_failure(exc, exc.filename or config.output_dir, "cannot build") from None
        raise
    result.moved = {
        old: new for src, old in state.urls.items() if (new := urls.get(src, old)) != old
    }
    if use_cache and session is not None:
        session.state, session.summary = saved, summary
    state = saved
    if keep is not None:
        keep += [state, loaded, pages, claimed, todo, page_prints, digests, fingerprints, writer]
    result.pages = len(pages)
    result.rendered = len(todo)
    result.written, result.unchanged = writer.written, writer.unchanged
    result.seconds = time.perf_counter() - started
    result.timings = timings
    return result


def _plan_search(
    writer: Writer,
    catalog: Catalog,
    config: Config,
    state: BuildState,
    prints: Fingerprints,
    parsed_as: str,
    changed: set[str] | None,
) -> tuple[Callable[[], None] | None, Callable[[], tuple[bytes, list[str]]]]:
    """How to bring the search index up to date: a job that makes it anew (or
    None), and a function that finishes it, returning its key and files.

    The index is a function of the documents in order (ids are positions), so
    it is kept whole when no document changed, or made anew. Making it is
    single-threaded and costly, so the build runs that job in this process
    while forked workers render pages. When only some documents' texts
    changed (`changed`, with the catalog's shape and the parse key as
    before), the previous index is patched instead.
    """
    if not config.search:
        return None, lambda: (b"", [])
    # A document's fingerprint follows its file's bytes; what code makes of them, the parse key.
    key = prints.value([search.FORMAT, parsed_as, *catalog.documents])
    ends = state.search_files[:1] + state.search_files[-1:]
    if key == state.search_key and all((writer.output / rel).is_file() for rel in ends):

        def keep() -> tuple[bytes, list[str]]:
            for rel in state.search_files:
                writer.keep(rel, "search")
            return key, state.search_files

        return None, keep

    if changed and state.search_files and state.parse_key == parsed_as:
        old = {src: doc for src, (_, doc) in state.documents.items() if doc is not None}
        patch = search.patch_index(writer.output, catalog, old, changed, key.hex())
        if patch is not None:

            def apply() -> tuple[bytes, list[str]]:
                written = {rel for rel, _ in patch}
                for rel, data in patch:
                    writer.write(rel, data, "search")
                for rel in state.search_files:
                    if rel not in written:
                        writer.keep(rel, "search")
                return key, state.search_files

            return None, apply

    made: list[str] = []

    def make() -> None:
        for rel, data in search.index_files(catalog, config, key.hex()):
            if writer.write(rel, data, "search"):
                made.append(rel)

    return make, lambda: (key, made)


def _progress(reporter: Reporter, label: str):
    return lambda done, total: reporter.progress(label, done, total)


def _copy(writer: Writer, rel: str, path: Path, origin: str, reporter: Reporter) -> None:
    if not writer.copy(rel, path, origin):
        reporter.warning(f"{origin}: not copied, /{rel} is already written by {writer.owner(rel)}")


def _claim_pages(writer: Writer, pages: list[Page], reporter: Reporter) -> list[tuple[str, Page]]:
    """Each page with its output file; a page whose file is taken is reported and left out."""
    claimed = []
    for page in pages:
        rel = output_path(page.url)
        if writer.claim(rel, page.template):
            claimed.append((rel, page))
        else:
            reporter.warning(f"page /{page.url} is claimed twice; kept {writer.owner(rel)}")
    return claimed


class Derived:
    """Feeds and the sitemap: files made from many documents by code, not templates.

    Each is made again only when the values it is made from changed (the
    render key covers config and code); otherwise the last build's file is kept.
    """

    def __init__(self, writer: Writer, previous: dict[str, bytes], prints: Fingerprints) -> None:
        self.writer, self.previous, self.prints = writer, previous, prints
        self.keys: dict[str, bytes] = {}

    def write(self, rel: str, origin: str, inputs: Any, make: Callable[[], bytes]) -> bool:
        """Write `rel` (or keep it); False when another file already holds its path."""
        key = self.prints.value((self.prints.render_key, rel, self.prints.value(inputs)))
        if self.previous.get(rel) == key:
            kept = self.writer.keep(rel, origin)
        else:
            kept = self.writer.write(rel, make(), origin)
        if kept:
            self.keys[rel] = key
        return kept


def _write_sitemap(derived: Derived, catalog: Catalog, pages: list[Page], config: Config) -> None:
    """sitemap.xml, robots.txt, and one sitemap per top-level section of the site.

    sitemap.xml is an index of the others: one per year of posts, one for
    the categories, and so on (split again past the protocol's 50,000 URLs),
    so that an archive of any size stays within the protocol, and an edit
    makes one section's sitemap again, not all of them.
    """
    dates = {d.url: d.updated or d.date for d in catalog.documents}  # a document's page has its URL
    sections: dict[str, list[tuple[str, dt.datetime | None]]] = {}
    for page in pages:
        if page.url != "404.html":
            head, slash, _ = page.url.partition("/")
            section = head if slash and head != "page" else "home"  # home's later pages: page/N/
            sections.setdefault(section, []).append((page.url, dates.get(page.url)))
    names = []
    limit = feeds.SITEMAP_LIMIT
    for section, entries in sorted(sections.items()):
        for part, start in enumerate(range(0, len(entries), limit), 1):
            chunk = entries[start : start + limit]
            name = f"sitemap-{section}{'' if start == 0 else f'-{part}'}.xml"
            listing = "\n".join(f"{url} {date}" for url, date in chunk)
            if derived.write(name, "sitemap", listing, lambda c=chunk: feeds.sitemap(c, config)):
                names.append(name)
    derived.write("sitemap.xml", "sitemap", names, lambda: feeds.sitemap_index(names, config))
    derived.writer.write("robots.txt", feeds.robots(config), "robots")


def _write_feeds(derived: Derived, catalog: Catalog, config: Config) -> None:
    limit = config.feed_limit
    derived.write(
        "atom.xml",
        "feed",
        (config.title, catalog.listed[:limit]),
        lambda: feeds.atom(catalog.listed, config.title, "atom.xml", "", config),
    )
    for node in catalog.all_categories:
        title = f"{config.title} · {' › '.join(node.path)}"
        derived.write(
            node.feed,
            "feed",
            (title, node.url, node.documents[:limit]),
            lambda node=node, title=title: feeds.atom(
                node.documents, title, node.feed, node.url, config
            ),
        )
