"""build(config, reporter): load → catalog → plan pages → render → write → save.

Everything is read and checked before anything is written; one bad
document is reported and skipped, never the end of the build. With the
cache, unchanged files are not re-read, unchanged documents not re-parsed,
and pages whose inputs did not change not re-rendered. Each stage is a
function below `build`, in the order it runs; what passes between them is
a plain dataclass.
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
from functools import partial, wraps
from pathlib import Path
from typing import ParamSpec, TypeVar
from zoneinfo import ZoneInfo

import jinja2

from sitegen.aliases import remember
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
from sitegen.derived import (
    Derived,
    plan_search,
    write_exports,
    write_feeds,
    write_id_pages,
    write_redirects,
    write_sitemap,
)
from sitegen.errors import ContentError, ContentWarning, DocumentsFailed, SitegenError
from sitegen.images import Manifest, load_manifest, localise_document
from sitegen.parallel import default_jobs, run_chunks
from sitegen.redirects import Redirect, moved, plan_redirects
from sitegen.render import Page, SiteInfo, plan_pages, render_page, site_info
from sitegen.report import Reporter
from sitegen.sources.discover import ContentFile, discover
from sitegen.sources.document import URL_NOTE, Document, decode, parse_document
from sitegen.sources.markup import Markup
from sitegen.themes import make_environment, static_files, template_error, template_files
from sitegen.urls import output_path, portable_path
from sitegen.writer import OutputLock, Writer, check_output_dir, os_failure


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


P = ParamSpec("P")
R = TypeVar("R")


def _collector_off(build: Callable[P, R]) -> Callable[P, R]:
    """Keep the cyclic garbage collector off while `build` runs.

    Nearly everything a build makes (documents, catalog, pages) lives until
    it ends, and what dies sooner is freed by reference counting: at 10,000
    posts a build with the collector off peaks at the same memory. With it
    on, it walks those objects again and again (a twentieth of a small
    rebuild, even collecting rarely). It is back on once `build` has
    returned and what it made is freed.
    """

    @wraps(build)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return build(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return run


@_collector_off
def build(
    config: Config,
    reporter: Reporter,
    *,
    jobs: int | None = None,
    use_cache: bool = True,
    tolerate: set[str] | None = None,
    session: Session | None = None,
) -> BuildResult:
    """Build the whole site into `config.output_dir`; nothing changes there unless it succeeds.

    `tolerate`, when given, makes the build strict: a document failing that is
    not in it (by `content/...` path) stops the build before anything is
    written. `session` keeps the cache state in memory instead of on disk.
    """
    check_output_dir(config.output_dir, config.site_dir)
    jobs = jobs or default_jobs()
    # Held from reading the cache to saving it: another build would mix its files in.
    with OutputLock(config.output_dir) as lock:
        clock = Stopwatch()
        inputs = _find_inputs(config)
        last = _last_summary(config, reporter, use_cache, session)
        if last.snapshot == inputs.snapshot and last.render_key == inputs.render_key:
            return _up_to_date(last, clock)
        clock.lap("check")
        state = _last_state(config, reporter, use_cache, session)
        clock.lap("cache load")
        loaded = load_site(config, reporter, state, jobs, inputs.found, inputs.snapshot)
        _refuse_new_failures(loaded.result, tolerate)
        clock.lap("read + catalog")
        pages = plan_pages(loaded.catalog, config)
        clock.lap("plan")
        with _staging(config, state, use_cache, lock) as writer:
            plan = _plan_renders(config, reporter, inputs, last, state, loaded, pages, writer)
            clock.lap("fingerprint")
            statics = partial(_copy_static, writer, inputs, loaded.files, config.content, reporter)
            made = _render(
                config, reporter, loaded.catalog, pages, plan, state, writer, jobs, statics
            )
            clock.lap("render + static + feeds")
            saved, summary = _record(config, inputs, loaded, pages, plan, made, state, writer)
            pending = stage_state(config, saved, summary) if use_cache and session is None else []
            clock.lap("cache save")
            _commit(config, writer, pending)
            remember(config, plan.moved)
            clock.lap("commit")
        if use_cache and session is not None:
            session.state, session.summary = saved, summary
        return _result(loaded.result, state, saved, pages, plan, writer, clock)


class Stopwatch:
    """Seconds per stage of a build (`BuildResult.timings`), each from the end of the last."""

    def __init__(self) -> None:
        self.started = self._last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps[stage] = now - self._last
        self._last = now

    def total(self) -> float:
        return time.perf_counter() - self.started


# Load: what the site is made from, what the last build left, the documents.


@dataclass
class Inputs:
    """The site's input files, found but not read: enough to tell that nothing changed."""

    found: tuple[list[ContentFile], list[ContentWarning]]  # as `discover` returns them
    theme_static: dict[str, Path]  # output path → theme file
    render_key: str  # see `cache.render_key`
    snapshot: dict[str, tuple[int, int]]  # path → size, mtime of every input


def _find_inputs(config: Config) -> Inputs:
    templates = template_files(config)
    theme_static = static_files(config)
    key = render_key(config, templates)
    found = discover(config.content_dir, config.exclude, config.hexo)
    snapshot = _snapshot(config, found[0], [*templates, *theme_static.values()])
    return Inputs(found, theme_static, key, snapshot)


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


def _last_summary(
    config: Config, reporter: Reporter, use_cache: bool, session: Session | None
) -> Summary:
    """The last build's summary: the preview session's, else the saved one (read
    first, being small: when nothing changed, the state is never loaded)."""
    if session is not None and session.taken_over(config):
        session.state = session.summary = None  # another build wrote the output since
    if session is not None and session.summary is not None:
        return session.summary
    return load_summary(config, reporter) if use_cache else Summary()


def _last_state(
    config: Config, reporter: Reporter, use_cache: bool, session: Session | None
) -> BuildState:
    """What the last build knew: the preview session's state, else the saved one."""
    if session is not None and session.state is not None:
        return session.state
    return load_state(config, reporter) if use_cache else BuildState()


def _up_to_date(last: Summary, clock: Stopwatch) -> BuildResult:
    """The result of a build that finds every input as the last one left it."""
    return BuildResult(
        documents=last.documents,
        drafts=last.drafts,
        pages=last.pages,
        unchanged=last.files,
        up_to_date=True,
        seconds=clock.total(),
    )


@dataclass
class Loaded:
    """The site as read: the model, its files, and what reading found."""

    catalog: Catalog
    files: list[ContentFile]
    result: BuildResult
    hashes: dict[str, tuple[int, int, str]]
    documents: dict[str, tuple[str, Document | None]]
    warnings: list[ContentWarning]


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
    files, warnings = found or discover(config.content_dir, config.exclude, config.hexo)
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
        partial(_parse_files, config=config, stored=_stored_images(config, todo)),
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

    dropped = dropped_urls(documents, config.content)
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


def _stored_images(config: Config, todo: list) -> Manifest:
    """The stored images (`sitegen images`), read only when a document is."""
    return load_manifest(config.content_dir) if todo else Manifest()


def _parse_files(
    items: Sequence[tuple[str, str, bytes | None]], config: Config, stored: Manifest
) -> list:
    """Parse (rel, path, data) items; errors come back as values, not raised."""
    tz, markup, out = config.tz, Markup(), []
    style, limit = config.slug_style, config.slug_max_length
    for rel, path, data in items:
        try:
            raw = data if data is not None else Path(path).read_bytes()
            sha = hashlib.sha256(raw).hexdigest()
            undated = _file_date(path, tz) if config.hexo else None
            text = decode(raw, rel)
            doc = parse_document(text, rel, tz, markup, style, limit, sha, undated)
            if stored.records:  # pages show the stored copies of hotlinked images
                doc = localise_document(doc, stored)
            out.append((rel, sha, doc))
        except ContentError as exc:
            exc.path = f"{config.content}/{rel}"
            out.append((rel, "", exc))
        except OSError as exc:
            out.append(
                (rel, "", ContentError(f"cannot read: {exc.strerror}", f"{config.content}/{rel}"))
            )
    return out


def _file_date(path: str, tz: ZoneInfo) -> dt.datetime:
    """A file's modification time: what Hexo dates a post or page by that has no `date`."""
    return dt.datetime.fromtimestamp(os.stat(path).st_mtime, tz).replace(microsecond=0)


SHOWN_DROPPED = 20  # a build names this many dropped URLs; `sitegen check` names them all


def dropped_urls(
    documents: dict[str, tuple[str, Document | None]], folder: str = "content"
) -> list[ContentWarning]:
    """A warning for each URL the URL policy took out of a document, on every build
    (cached documents too), as failures are reported."""
    return [
        ContentWarning(message, f"{folder}/{rel}", line)
        for rel in sorted(documents)
        if (doc := documents[rel][1]) is not None
        for kind, line, message in doc.notes
        if kind == URL_NOTE
    ]


def _refuse_new_failures(result: BuildResult, tolerate: set[str] | None) -> None:
    """In a strict build (see `build`'s `tolerate`), stop at a document newly failing."""
    if tolerate is not None:
        new = [f for f in result.failures if str(f.path) not in tolerate]
        if new:
            raise DocumentsFailed(new)


# Plan: which pages to render.


@dataclass
class RenderPlan:
    """The pages to render, and the fingerprints the next build compares with."""

    fingerprints: Fingerprints
    claimed: list[tuple[str, Page]]  # every page with its output file
    prints: dict[str, str | None]  # output file → fingerprint; None: its renderer makes it
    todo: list[tuple[str, Page]]  # the pages to render, list pages first
    shape: str  # see `cache.catalog_shape`
    digests: dict[str, bytes]  # source → document fingerprint
    changed: set[str] | None  # documents whose fingerprint changed, when the shape did not
    edited: set[str]  # documents whose fingerprint changed, new ones included
    same_key: bool  # templates, config and code as the last build had them
    moved: dict[str, tuple[Document, str]]  # see `redirects.moved`


def _plan_renders(
    config: Config,
    reporter: Reporter,
    inputs: Inputs,
    last: Summary,
    state: BuildState,
    loaded: Loaded,
    pages: list[Page],
    writer: Writer,
) -> RenderPlan:
    """Each page claims its output file; a page whose inputs are as the last build
    rendered them is not rendered again (see `cache.pages_to_render`)."""
    fingerprints = Fingerprints(inputs.render_key)
    claimed = _claim_pages(writer, pages, reporter)
    same_parse = state.parse_key == parse_key(config)
    documents = loaded.catalog.documents
    shape = catalog_shape(documents, state if same_parse else None)
    digests = {d.source: fingerprints.value(d) for d in documents}
    same_shape = state.shape == shape
    changed = {src for src, digest in digests.items() if state.digests.get(src) != digest}
    prints, todo = pages_to_render(
        claimed,
        state,
        fingerprints,
        same_key=last.render_key == inputs.render_key,
        same_shape=same_shape,
        changed=changed,
    )
    writer.unchanged += len(claimed) - len(todo)
    # Lists first: each worker renders a document's card once, for the first
    # list showing it, so the fewer workers meet a document, the better. While
    # this process makes the search index, the others get through the lists.
    todo.sort(key=lambda item: "posts" not in item[1].context)
    return RenderPlan(
        fingerprints,
        claimed,
        prints,
        todo,
        shape,
        digests,
        changed if same_shape else None,
        changed,
        last.render_key == inputs.render_key,
        moved(loaded.catalog, state.ids),
    )


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


# Render: the pages, and beside them the search index, feeds and sitemap.


@dataclass
class Rendered:
    """What rendering leaves for the saved state."""

    prints: dict[str, str | None]  # output file → fingerprint, now of every page
    search_key: bytes
    search_files: list[str]
    derived: dict[str, bytes]  # feed or sitemap → its inputs' key


@dataclass
class RenderJob:
    """What a render worker needs besides its pages.

    A forked worker inherits it from this process; a spawned one receives it
    pickled (see `parallel`), without the Jinja environment, which it makes
    again from the theme's compiled templates.
    """

    config: Config
    compiled: Path  # the theme's compiled templates
    site: SiteInfo
    writer: Writer
    prints: dict[str, str | None]  # a page's known fingerprint, or None
    fingerprints: Fingerprints
    env: jinja2.Environment | None = None

    def environment(self) -> jinja2.Environment:
        if self.env is None:
            self.env = make_environment(self.config, self.compiled)
        return self.env

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "env": None}


def _render(
    config: Config,
    reporter: Reporter,
    catalog: Catalog,
    pages: list[Page],
    plan: RenderPlan,
    state: BuildState,
    writer: Writer,
    jobs: int,
    statics: Callable[[], None],
) -> Rendered:
    """Render the planned pages over `jobs` processes; this one meanwhile copies
    the static files (`statics`: before the redirects, so a redirect never takes
    a file's place) and brings the search index, the feeds, the sitemap and
    the redirects up to date, which need no page."""
    compiled = cache_dir(config) / "templates"
    compiled.mkdir(exist_ok=True)
    job = RenderJob(config, compiled, site_info(config), writer, plan.prints, plan.fingerprints)
    job.environment()  # made before the workers start: forked ones inherit it
    parsed_as = parse_key(config)
    make_search, finish_search = plan_search(
        writer, catalog, config, state, plan.fingerprints, parsed_as, plan.changed
    )
    derived = Derived(writer, state.derived, plan.fingerprints)
    redirects, warnings = plan_redirects(catalog, config, {p.url for p in pages})
    warnings += _unredirected(plan.moved, redirects, config)
    for warning in warnings:
        reporter.warning(warning)

    def alongside() -> None:
        """What this process makes while the workers render."""
        statics()
        if make_search is not None:
            make_search()
        write_feeds(derived, catalog, config)
        write_sitemap(derived, catalog, pages, config)
        write_exports(derived, catalog, config, plan.edited, plan.same_key)
        for message in write_redirects(derived, redirects, config):
            reporter.warning(message)
        for message in write_id_pages(writer, catalog, config, plan.edited, plan.same_key):
            reporter.warning(message)

    for rel, changed, fingerprint in run_chunks(
        partial(_render_chunk, job),
        plan.todo,
        jobs,
        progress=_progress(reporter, "rendering"),
        first=alongside,
    ):
        writer.staged_by_worker(rel, changed)
        plan.prints[rel] = fingerprint
    search_key, search_files = finish_search()
    return Rendered(plan.prints, search_key, search_files, derived.keys)


def _unredirected(
    moved: dict[str, tuple[Document, str]], redirects: list[Redirect], config: Config
) -> list[ContentWarning]:
    """A warning for each document that left an address no redirect keeps: a
    citation of it would stop working."""
    kept = {r.old for r in redirects}
    return [
        ContentWarning(
            f"moved from /{old} to /{new}; `sitegen aliases` keeps the old address "
            f"(it adds `aliases: [/{old}]` to the document)",
            f"{config.content}/{doc.source}",
            1,
        )
        for old, (doc, new) in sorted(moved.items())
        if old not in kept
    ]


def _render_chunk(job: RenderJob, chunk: Sequence[tuple[str, Page]]) -> list[tuple[str, bool, str]]:
    """Render and stage some pages: each one's output file, whether its bytes
    changed, and its fingerprint (a page new to the cache gets it here, in parallel)."""
    writer, prints = job.writer, job.prints
    done = []
    for rel, page in chunk:
        try:
            data = render_page(job.environment(), page, job.site)
        except Exception as exc:  # a theme can fail in any way; report where
            raise template_error(exc, page.template) from None
        changed = writer.differs(rel, data)
        if changed:
            writer.stage(rel, data)
        done.append((rel, changed, prints[rel] or job.fingerprints.page(*page.fingerprinted)))
    return done


def _progress(reporter: Reporter, label: str):
    return lambda done, total: reporter.progress(label, done, total)


# Write and save: static files, the state for the next build, the commit.


@contextmanager
def _staging(
    config: Config, state: BuildState, use_cache: bool, lock: OutputLock
) -> Iterator[Writer]:
    """The build's writer; if the build stops, what it staged is dropped and the
    output stays as it was."""
    writer = Writer(config.output_dir, state.outputs or None, keep_pool=use_cache, lock=lock)
    try:
        yield writer
    except BaseException as exc:
        writer.abort()
        if isinstance(exc, OSError):
            raise os_failure(exc, exc.filename or config.output_dir, "cannot build") from None
        raise


def _copy_static(
    writer: Writer, inputs: Inputs, files: list[ContentFile], folder: str, reporter: Reporter
) -> None:
    """The theme's static files, then every content file that is not a document."""
    for rel, path in inputs.theme_static.items():
        _copy(writer, rel, path, f"theme file {path}", reporter)
    for item in files:
        if not item.is_document:
            _copy(writer, item.rel, item.path, f"{folder}/{item.rel}", reporter)


def _copy(writer: Writer, rel: str, path: Path, origin: str, reporter: Reporter) -> None:
    """Copy a file under its own name (documents link to it), warning when that
    name could not be copied to Windows (see `urls.portable_path`)."""
    if not writer.copy(rel, path, origin):
        reporter.warning(f"{origin}: not copied, /{rel} is already written by {writer.owner(rel)}")
    elif (portable := portable_path(rel)) != rel:
        reporter.warning(
            f"{origin}: Windows cannot hold the name /{rel}; rename the file "
            f"(to /{portable}, say) and the links to it"
        )


def _record(
    config: Config,
    inputs: Inputs,
    loaded: Loaded,
    pages: list[Page],
    plan: RenderPlan,
    made: Rendered,
    state: BuildState,
    writer: Writer,
) -> tuple[BuildState, Summary]:
    """What this build leaves for the next: its state, and the summary that tells
    the next one that nothing changed."""
    outputs = writer.outputs()
    result = loaded.result
    saved = BuildState(
        parse_key=parse_key(config),
        hashes=loaded.hashes,
        documents=loaded.documents,
        pages=made.prints,
        outputs=outputs,
        shape=plan.shape,
        digests=plan.digests,
        search_key=made.search_key,
        search_files=made.search_files,
        shards=state.shards,
        derived=made.derived,
        urls={doc.source: doc.url for doc in loaded.catalog.documents},
        ids={doc.id: doc.url for doc in loaded.catalog.documents},
    )
    summary = Summary(
        render_key=inputs.render_key,
        snapshot=inputs.snapshot if result.ok else {},  # failures are reported on every build
        documents=result.documents,
        drafts=result.drafts,
        pages=len(pages),
        files=len(outputs),
    )
    return saved, summary


def _commit(config: Config, writer: Writer, pending: list[tuple[Path, Path]]) -> None:
    """Move the staged files into place, then the staged state (see `stage_state`,
    written before: a full disk stops the build there). The saved state is dropped
    first, so a build killed mid-way is followed by one that renders everything."""
    forget_state(config)
    writer.commit()
    publish_state(pending)


def _result(
    result: BuildResult,
    before: BuildState,
    saved: BuildState,
    pages: list[Page],
    plan: RenderPlan,
    writer: Writer,
    clock: Stopwatch,
) -> BuildResult:
    """`load_site`'s result with what the later stages did, and the pages that moved."""
    result.moved = {
        old: new for src, old in before.urls.items() if (new := saved.urls.get(src, old)) != old
    }
    result.pages = len(pages)
    result.rendered = len(plan.todo)
    result.written, result.unchanged = writer.written, writer.unchanged
    result.seconds = clock.total()
    result.timings = clock.laps
    return result
