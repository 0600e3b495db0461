"""What the previous build knew, so this one only redoes what changed.

The cache lives in the output's own `.sitegen/` folder (a build writes
nothing outside its output) and holds, for the last successful build:

- every document file's size, mtime and SHA-256, so unchanged files are not
  even read, and the parsed `Document` keyed by that hash (in 64 shard
  files under `documents/`, so that an edit rewrites one);
- a fingerprint of every page's inputs (template files, site config,
  sitegen's version and code, and every value its template receives), so a
  page whose fingerprint is unchanged is not rendered again, and a key of
  what each feed and sitemap lists, so those are made only when it changed;
- the list of files in the output, so stale ones can be removed without
  walking the whole folder.

Fingerprints hash the values a template can see, never a guess of what it
uses, so the cache cannot serve a stale page; when in doubt it misses.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import marshal
import os
import pickle
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen import __version__
from sitegen.config import Config
from sitegen.errors import BuildFailed
from sitegen.images import manifest_key
from sitegen.render import Entry, PageInfo, Paginator
from sitegen.report import Reporter
from sitegen.sources.document import FIELDS, Document, Link, cached_values, from_values
from sitegen.writer import OutputLock, os_failure, write_all

FORMAT = 10
_SHARDS = 64  # files the parsed documents are saved in

# Types of template values that cannot hold a document (render's index
# entries and paginators hold names, URLs and counts), so `sources` stops there.
_LEAVES = frozenset(
    {str, int, float, bool, bytes, type(None), dt.datetime, Link, Entry, Paginator, PageInfo}
)
_NONE: frozenset[str] = frozenset()
_DOCUMENT_TYPE_ONLY = {Document}


def cache_dir(config: Config) -> Path:
    return config.output_dir / ".sitegen"


@dataclass
class Summary:
    """The small part of the state: enough to tell that nothing changed."""

    format: int = FORMAT
    render_key: str = ""
    snapshot: dict[str, tuple[int, int]] = field(default_factory=dict)
    documents: int = 0
    drafts: int = 0
    pages: int = 0
    files: int = 0


@dataclass
class BuildState:
    """Everything remembered between builds; saved only after a build succeeded."""

    format: int = FORMAT
    parse_key: str = ""
    hashes: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # rel → size, mtime, sha
    documents: dict[str, tuple[str, Document | None]] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)  # output rel → fingerprint
    outputs: set[str] = field(default_factory=set)
    shape: str = ""  # see catalog_shape
    digests: dict[str, bytes] = field(default_factory=dict)  # source → document fingerprint
    search_key: bytes = b""  # the documents, in order, that the search index was built from
    search_files: list[str] = field(default_factory=list)
    shards: dict[int, bytes] = field(default_factory=dict)  # see save_state
    derived: dict[str, bytes] = field(default_factory=dict)  # feed or sitemap → its inputs' key
    urls: dict[str, str] = field(default_factory=dict)  # source → its page's URL
    ids: dict[str, str] = field(default_factory=dict)  # document id → its page's URL


@dataclass
class Session:
    """Build state kept in memory by a long-running preview between rebuilds.

    Loading and saving the pickled state is a good part of a small rebuild
    of a large archive; the preview keeps it here and saves it once, at the end.
    """

    state: BuildState | None = None
    summary: Summary | None = None

    def save(self, config: Config) -> None:
        """Save the state, unless another build has written the output since (its
        state is the one that matches it) or is writing it now."""
        if self.state is None or self.summary is None or self.taken_over(config):
            return
        if not cache_dir(config).is_dir():
            return  # the output was deleted meanwhile
        try:
            with OutputLock(config.output_dir):
                save_state(config, self.state, self.summary)
        except BuildFailed:
            pass  # locked by a build, which saves its own state

    def taken_over(self, config: Config) -> bool:
        """Whether another build (`sitegen build` while the preview runs) saved its
        state since this session's last build: the output is then as that build
        left it, not as this session remembers it. A session's builds save none."""
        return self.summary is not None and (cache_dir(config) / "summary.pickle").exists()


def parse_key(config: Config) -> str:
    """What a parsed document depends on besides its own bytes."""
    code = f"{FORMAT}:{__version__}:{source_hash()}"
    images = manifest_key(config.content_dir)  # documents show the stored copies
    return f"{code}:{config.timezone}:{config.slug_style}:{config.slug_max_length}:{images}"


def render_key(config: Config, templates: list[Path]) -> str:
    """What every page depends on besides its own values: code, config, theme,
    and the stored images (pages show their copies: see `images.localise`)."""
    code = f"{FORMAT}:{__version__}:{source_hash()}:{manifest_key(config.content_dir)}"
    digest = hashlib.blake2b(code.encode(), digest_size=16)
    public = dataclasses.replace(config, output_dir=Path("/"))
    digest.update(pickle.dumps(public, protocol=5))
    for path in templates:
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def source_hash() -> str:
    """A hash of sitegen's own source files, read once per process.

    The version number alone would miss code that changed without a new
    one (a `git pull` into an editable install): its old pages and parsed
    documents would be kept as they are.
    """
    return tree_hash(Path(__file__).parent)


def tree_hash(folder: Path) -> str:
    """A hash of the names and bytes of the Python files in `folder` and below."""
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted(folder.rglob("*.py")):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


_DAMAGED = "cut short, damaged, or made by another version of sitegen"


def _unpickle(path: Path) -> Any:
    """The value saved in `path`; None when there is none; ValueError when it cannot be read."""
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)  # noqa: S301 - our own file, in our own output
    except FileNotFoundError:
        return None
    except Exception as exc:  # cut short or overwritten, a pickle can fail in any way
        raise ValueError(type(exc).__name__) from None


def _load(path: Path, kind: type, reporter: Reporter | None) -> Any:
    """The saved `kind` in `path`, or a new one, with a note when a file was there but unusable."""
    try:
        value = _unpickle(path)
    except ValueError:
        _note(reporter, f"{path}: the build cache cannot be read ({_DAMAGED}); making it anew")
        return kind()
    if value is None:
        return kind()
    if not isinstance(value, kind) or vars(value).get("format") != FORMAT:
        _note(
            reporter, f"{path}: the build cache is from another version of sitegen; making it anew"
        )
        return kind()
    return value


def _note(reporter: Reporter | None, message: str) -> None:
    if reporter is not None:
        reporter.warning(message)


def _save(path: Path, value: Any) -> Path:
    """Write `value` beside `path`; returns the file to move onto it (see `publish_state`)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            write_all(fd, pickle.dumps(value, protocol=5))
        finally:
            os.close(fd)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise os_failure(exc, path, "cannot save the build cache") from None
    return tmp


def load_summary(config: Config, reporter: Reporter | None = None) -> Summary:
    return _load(cache_dir(config) / "summary.pickle", Summary, reporter)


def load_state(config: Config, reporter: Reporter | None = None) -> BuildState:
    """The last build's state, with the parsed documents of every intact shard."""
    state = _load(cache_dir(config) / "state.pickle", BuildState, reporter)
    damaged = 0
    for shard, digest in state.shards.items():
        path = cache_dir(config) / "documents" / f"{shard:02d}.pickle"
        try:
            saved = _unpickle(path)
            if isinstance(saved, tuple) and len(saved) == 3 and saved[:2] == (digest, FIELDS):
                documents = {
                    rel: (sha, values and from_values(values))
                    for rel, (sha, values) in saved[2].items()
                }
                state.documents.update(documents)
        except Exception:  # its documents are parsed again
            damaged += 1
    if damaged:
        folder = cache_dir(config) / "documents"
        _note(
            reporter,
            f"{folder}: {damaged} file(s) of parsed documents cannot be read ({_DAMAGED}); "
            "their documents are read again",
        )
    return state


def save_state(config: Config, state: BuildState, summary: Summary) -> None:
    publish_state(stage_state(config, state, summary))


def publish_state(pending: list[tuple[Path, Path]]) -> None:
    """Move a staged state into place: the summary last, so it is never ahead of the rest."""
    for tmp, path in pending:
        os.replace(tmp, path)


def stage_state(config: Config, state: BuildState, summary: Summary) -> list[tuple[Path, Path]]:
    """Write the state beside the saved one; `publish_state` moves it in after the commit.

    Written before the output is touched, a full disk here stops the build
    with the previous site and its cache as they were. Files a killed build
    left half-written are removed first.

    The documents are most of the state (4 KB each, HTML and all), and one
    edited post changes one of them: rewriting all of them was a tenth of a
    small rebuild. A shard's file carries the digest of what it holds, so a
    shard left from another build is never mistaken for this one's.
    Documents are saved as tuples of their values (see `document.cached_values`):
    making them from those takes two thirds of the time unpickling instances does.
    """
    folder = cache_dir(config)
    for left in [*folder.glob("*.pickle.*"), *folder.glob("documents/*.pickle.*")]:
        left.unlink(missing_ok=True)
    groups: dict[int, dict[str, tuple[str, Document | None]]] = {}
    for rel, entry in state.documents.items():
        groups.setdefault(zlib.crc32(rel.encode()) % _SHARDS, {})[rel] = entry
    shards = {}
    for shard, group in groups.items():
        listing = sorted((rel, sha) for rel, (sha, _) in group.items())
        shards[shard] = hashlib.blake2b(
            _serial((state.parse_key, listing)), digest_size=16
        ).digest()
        path = cache_dir(config) / "documents" / f"{shard:02d}.pickle"
        if state.shards.get(shard) != shards[shard] or not path.is_file():
            saved = {rel: (sha, doc and cached_values(doc)) for rel, (sha, doc) in group.items()}
            # A shard names what it holds, so it goes in now: the saved state
            # it replaces only misses it (see `load_state`).
            os.replace(_save(path, (shards[shard], FIELDS, saved)), path)
    pending = []
    try:
        for path, value in [
            (folder / "state.pickle", dataclasses.replace(state, documents={}, shards=shards)),
            (folder / "summary.pickle", summary),
        ]:
            pending.append((_save(path, value), path))
    except BaseException:
        for tmp, _ in pending:
            tmp.unlink(missing_ok=True)
        raise
    return pending


def forget_state(config: Config) -> None:
    """Drop the record before touching the output, so a crash mid-way re-renders."""
    for name in ("summary.pickle", "state.pickle"):
        (cache_dir(config) / name).unlink(missing_ok=True)


class Fingerprints:
    """Digests of template values, memoised per build (documents recur on many pages).

    A page's fingerprint leaves the render key out: fingerprints are only
    compared under the same key (`pages_to_render`), and so a re-render of
    every page keeps those of the pages that show nothing changed instead of
    digesting every page again.
    """

    def __init__(self, render_key: str) -> None:
        self.render_key = render_key
        self._memo: dict[int, bytes] = {}
        self._sources: dict[int, frozenset[str]] = {}
        self._keep: list[Any] = []

    def __getstate__(self) -> dict[str, Any]:
        """A spawned worker starts with no memo: it is keyed by the ids of this
        process's objects."""
        return {"render_key": self.render_key, "_memo": {}, "_sources": {}, "_keep": []}

    def page(self, template: str, info: Any, context: dict[str, Any]) -> str:
        digest = hashlib.blake2b(template.encode(), digest_size=16)
        digest.update(_serial(info))
        for key in sorted(context):
            digest.update(key.encode())
            digest.update(self.value(context[key]))
        return digest.hexdigest()

    def value(self, value: Any) -> bytes:
        if isinstance(value, bytes):
            return value
        if isinstance(value, str | int | float | bool | type(None)):
            return repr(value).encode()
        key = id(value)
        memo = self._memo
        digest = memo.get(key)
        if digest is None:
            if isinstance(value, list | tuple):
                # items already digested (a list's documents, mostly) are looked up here
                parts = [memo.get(id(v)) or self.value(v) for v in value]
                digest = hashlib.blake2b(b"".join(parts), digest_size=16).digest()
            else:
                digest = self._digest(value)
            memo[key] = digest
            self._keep.append(value)  # ids stay unique while we hold the object
        return digest

    def shows_any(self, context: dict[str, Any], changed: set[str]) -> bool:
        """Whether a page's values hold a document from `changed`."""
        for value in context.values():
            kind = type(value)
            if kind is Document:
                if value.source in changed:
                    return True
            elif kind is list and set(map(type, value)) == _DOCUMENT_TYPE_ONLY:
                if not changed.isdisjoint([item.source for item in value]):  # a page's posts
                    return True
            elif not changed.isdisjoint(self.sources(value)):
                return True
        return False

    def sources(self, value: Any) -> frozenset[str]:
        """Source paths of the documents anywhere in a template value, memoised."""
        kind = type(value)
        if kind is Document:
            return frozenset((value.source,))
        if kind in _LEAVES:
            return _NONE
        if kind is list or kind is tuple:
            kinds = set(map(type, value))
            if kinds <= _LEAVES:
                return _NONE
            if kinds == {Document}:
                return frozenset([item.source for item in value])  # a page's posts
        key = id(value)
        found = self._sources.get(key)
        if found is None:
            if isinstance(value, dict):
                items: Any = value.values()
            elif isinstance(value, list | tuple):
                items = value
            elif dataclasses.is_dataclass(value):
                items = [getattr(value, f.name) for f in dataclasses.fields(value)]
            else:
                items = ()
            found = frozenset().union(*(self.sources(item) for item in items))
            self._sources[key] = found
            self._keep.append(value)
        return found

    def _digest(self, value: Any) -> bytes:
        if isinstance(value, Document) and value.source_sha:
            # The parsed fields follow from the file's bytes (and the parse key in
            # render_key's config); the rest is what the catalog linked in.
            linked = (
                value.source_sha,
                value.source,
                value.url,
                tuple(tuple((c.name, c.url) for c in path) for path in value.categories),
                tuple((t.name, t.url) for t in value.tags),
                value.publication and (value.publication.name, value.publication.url),
                value.issue and (value.issue.name, value.issue.url),
                value.source_url,
            )
            return hashlib.blake2b(_serial(linked), digest_size=16).digest()
        if isinstance(value, dict):
            return self.value([(k, self.value(v)) for k, v in sorted(value.items())])
        return hashlib.blake2b(_serial(value), digest_size=16).digest()


def _serial(value: Any) -> bytes:
    """Equal plain values (tuples, strings, numbers) as equal bytes, cheaply.

    Not pickle, nor marshal's newer versions: they write a string shared by
    two places once, so equal values that share objects differently would
    differ. marshal version 0 writes every value out in full.
    """
    try:
        return marshal.dumps(value, 0)
    except ValueError:  # not a plain value: a dataclass (whose repr is its values)
        return repr(value).encode()


def catalog_shape(docs: list[Document], previous: BuildState | None = None) -> str:
    """Everything about the documents that decides which index pages exist and
    what their entries, paginators and calendars say: dates, category and tag
    names, kinds, publications, issue membership.

    A document's own URL is not part of it: every page that shows a URL
    holds its document (or, for an issue, the articles linking it), whose
    fingerprint includes the URL, so a retitled post that moves re-renders
    just its neighbours and lists, and the search index is patched.

    `previous`, the last build's state when its documents were parsed the
    same way (same parse key), saves hashing every document's shape: if it
    held the same documents in the same order, and each one is unchanged or
    re-parsed with the same shape, the shape is the previous one.
    """
    if previous is not None and previous.shape and _same_shapes(docs, previous):
        return previous.shape
    shape = [_shape_of(d) for d in docs]
    return hashlib.blake2b(_serial(shape), digest_size=16).hexdigest()


def _shape_of(d: Document) -> tuple:
    return (
        d.source,
        d.date.isoformat(),
        d.category_paths,
        d.tag_names,
        d.kind,
        d.publication_name,
        d.meta.get("publication_kind"),
        d.source_file,
    )


def _same_shapes(docs: list[Document], previous: BuildState) -> bool:
    if list(previous.digests) != [d.source for d in docs]:  # digests are in catalog order
        return False
    for doc in docs:
        sha, old = previous.documents.get(doc.source, ("", None))
        if old is None:
            return False
        if (not sha or sha != doc.source_sha) and _shape_of(old) != _shape_of(doc):
            return False
    return True


def pages_to_render(
    pages: list[tuple[str, Any]],
    state: BuildState,
    fingerprints: Fingerprints,
    same_key: bool,
    same_shape: bool,
    changed: set[str],
) -> tuple[dict[str, str | None], list[tuple[str, Any]]]:
    """Fingerprints of all pages, and the pages whose output must be rendered.

    When the catalog's shape is as last time (`same_shape`), a page's
    fingerprint can only differ if it shows a document whose fingerprint
    changed, so only those pages are fingerprinted again. When templates and
    config are also as last time (`same_key`), only pages whose fingerprint
    changed are rendered; otherwise every page is. A fingerprint not known
    yet is left (None) for whoever renders the page: the workers.

    Like the nothing-changed check, this trusts that the output's files are
    as the last build left them (statting 20,000 of them was a fifth of a
    small rebuild); `--clean` renders everything.
    """
    prints: dict[str, str | None] = {}
    todo: list[tuple[str, Any]] = []
    for rel, page in pages:
        old = state.pages.get(rel)
        if old is not None and same_shape and not fingerprints.shows_any(page.context, changed):
            prints[rel] = old  # nothing it shows changed
            if not same_key:
                todo.append((rel, page))
            continue
        if old is None or not same_key:
            prints[rel] = None  # rendered whatever it is
            todo.append((rel, page))
            continue
        prints[rel] = fingerprints.page(*page.fingerprinted)
        if prints[rel] != old:
            todo.append((rel, page))
    return prints, todo
