"""Files made from many documents by code, not templates: the search index,
the Atom feeds, the sitemap and the redirects.

A build makes them in its own process while forked workers render the
pages (see `build._render`); each is made again only when what it is made
from changed, and otherwise the last build's file is kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import mmap
import os
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sitegen import export, feeds, search, urls
from sitegen.cache import BuildState, Fingerprints
from sitegen.catalog import Catalog
from sitegen.config import Config
from sitegen.redirects import Redirect, netlify_redirects, redirect_page
from sitegen.render import Page
from sitegen.sources.document import Document
from sitegen.writer import INTERNAL, Writer, mapped


def plan_search(
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
        return self.write_keyed(rel, origin, key, make)

    def write_keyed(
        self, rel: str, origin: str, key: bytes, make: Callable[[], bytes | Iterator[bytes]]
    ) -> bool:
        """`write`, for a file whose inputs' key the caller made more cheaply.
        `make` may give the file's bytes in parts, as they are made (`Writer.write_parts`)."""
        if self.previous.get(rel) == key:
            kept = self.writer.keep(rel, origin)
        elif isinstance(made := make(), bytes):
            kept = self.writer.write(rel, made, origin)
        else:
            kept = self.writer.write_parts(rel, made, origin)
        if kept:
            self.keys[rel] = key
        return kept


def write_sitemap(derived: Derived, catalog: Catalog, pages: list[Page], config: Config) -> None:
    """sitemap.xml, robots.txt (unless the content has its own), and one sitemap
    per top-level section of the site.

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
            # home's later pages are page/N/ (`pagination_dir`)
            section = head if slash and head != config.pagination_dir else "home"
            sections.setdefault(section, []).append((page.url, dates.get(page.url)))
    names = []
    limit = feeds.SITEMAP_LIMIT
    for section, entries in sorted(sections.items()):
        for part, start in enumerate(range(0, len(entries), limit), 1):
            chunk = entries[start : start + limit]
            name = urls.portable_segment(f"sitemap-{section}{'' if start == 0 else f'-{part}'}.xml")
            # the key of what it shows: a page's day, as a number (formatting
            # 20,000 datetimes was half of making the sitemaps)
            listing = "\n".join(f"{url} {date.toordinal() if date else ''}" for url, date in chunk)
            if derived.write(name, "sitemap", listing, lambda c=chunk: feeds.sitemap(c, config)):
                names.append(name)
    derived.write("sitemap.xml", "sitemap", names, lambda: feeds.sitemap_index(names, config))
    if not (config.content_dir / "robots.txt").is_file():  # the site's own wins
        derived.writer.write("robots.txt", feeds.robots(config), "robots")


def write_feeds(derived: Derived, catalog: Catalog, config: Config) -> None:
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


def write_redirects(derived: Derived, redirects: list[Redirect], config: Config) -> list[str]:
    """A redirect page at each old address, and `_redirects` listing those written;
    returns a warning for each old address another file holds.

    A site moved from another scheme has one per document, so each is keyed by
    a plain hash of its address and what it shows, and `_redirects` by those
    keys: fingerprinting 10,000 redirects as values took a seventh of a
    one-edit rebuild.
    """
    written, keys, warnings = [], [], []
    salt = derived.prints.render_key.encode()[:64]  # the render key covers config and code
    for redirect in redirects:
        rel = urls.output_path(redirect.old)
        shown = f"{redirect.old}\n{redirect.new}\n{redirect.title}".encode()
        key = hashlib.blake2b(shown, digest_size=16, key=salt).digest()
        make = lambda r=redirect: redirect_page(r, config)  # noqa: E731 - one per page
        if not derived.write_keyed(rel, "redirect", key, make):
            warnings.append(
                f"no redirect from /{redirect.old} to /{redirect.new}: "
                f"/{rel} is already written by {derived.writer.owner(rel)}"
            )
        else:
            written.append(redirect)
            keys.append(key)
    if written:
        key = hashlib.blake2b(b"".join(keys), digest_size=16).digest()
        derived.write_keyed(
            "_redirects", "redirect", key, lambda: netlify_redirects(written, config)
        )
    return warnings


def write_id_pages(
    writer: Writer, catalog: Catalog, config: Config, edited: set[str], same_key: bool
) -> list[str]:
    """`/id/<id>/` for every document: a redirect page to wherever it is now.

    The id/ folder is this function's alone (`Writer.claim_tree`), and a page
    is made again only for a document that changed (its URL and title are in
    its fingerprint) or with new templates, config or code: at 10,000
    documents, keeping the rest costs a one-edit rebuild nothing measurable.
    """
    if not writer.claim_tree("id", "the documents' /id/ pages"):
        return [f"no /id/ pages: /id is already written by {writer.owner('id')}"]
    previous = writer.previous or set()
    kept = []
    for doc in catalog.documents:
        folder = urls.id_url(doc.id)
        rel = folder + "index.html"
        if same_key and doc.source not in edited and rel in previous:
            kept.append(rel)
            continue
        writer.place(rel, redirect_page(Redirect(folder, doc.url, doc.title), config))
    writer.keep_placed(kept)
    return []


def write_exports(
    derived: Derived, catalog: Catalog, config: Config, edited: set[str], same_key: bool
) -> None:
    """The archive as data (`sitegen.export`): data/documents.csv (no text, for
    spreadsheets), data/documents.jsonl (with the text), one CSV per category
    and per publication, and datapackage.json describing them.

    Each file is made again only when a document it holds changed (or the
    render key did). A row is made once per build, for both files; and an
    edit keeps the CSV and JSONL lines of the documents it left alone from
    the last build (`edited`: sources whose fingerprint changed).
    """
    made: dict[str, str] = {}
    rows: dict[str, export.Row] = {}
    lines_file = derived.writer.output / INTERNAL / "data-csv.pickle"

    def row(doc: Document) -> export.Row:
        if doc.source not in rows:
            rows[doc.source] = export.row(doc, config.base_url)
        return rows[doc.source]

    def csv(docs: list[Document]) -> bytes:
        if not made:  # the last build's lines, for the documents an edit left alone
            kept = _load_saved(lines_file) if same_key else {}
            for doc in everything:
                line = kept.get(doc.source) if doc.source not in edited else None
                made[doc.source] = export.csv_line(row(doc)) if line is None else line
            _save(lines_file, made)
        return export.csv_file([made[doc.source] for doc in docs])

    def jsonl() -> Iterator[bytes]:
        """The JSONL, made as it is written: at 100,000 documents the file is a
        third of a gigabyte, too much to hold twice. An edit copies the runs of
        lines it left alone from the last build's file (`_spliced`)."""
        return _spliced(
            derived.writer.output / JSONL,
            lines_file.with_name("data-jsonl.pickle"),
            catalog.documents,
            edited if same_key else None,
            lambda doc: export.jsonl_line(row(doc)),
        )

    everything = catalog.documents
    # One key for both files: the documents in order (their digests are memoised).
    held = derived.prints.value(everything)
    derived.write_keyed(f"data/{CSV}", "data", _key(derived, b"csv", held), lambda: csv(everything))
    derived.write_keyed(JSONL, "data", _key(derived, b"jsonl", held), jsonl)
    subsets = []
    for node in catalog.all_categories:
        subsets.append(
            export.Subset(export.subset_path("categories", node.slugs), " › ".join(node.path))
        )
        derived.write(
            f"data/{subsets[-1].path}",
            "data",
            node.documents,
            lambda n=node: csv(n.documents),
        )
    for pub in catalog.publications:
        slug = pub.url.rstrip("/").rpartition("/")[2]
        documents = pub.issues + pub.articles
        subsets.append(export.Subset(export.subset_path("publications", [slug]), pub.name))
        derived.write(
            f"data/{subsets[-1].path}",
            "data",
            documents,
            lambda d=documents: csv(d),
        )
    listing = [(s.path, s.title) for s in subsets]
    derived.write(
        "data/datapackage.json",
        "data",
        listing,
        lambda: (
            json.dumps(
                export.datapackage(
                    subsets, config.title, config.base_url, description=config.description
                ),
                ensure_ascii=False,
                indent=1,
            )
            + "\n"
        ).encode(),
    )


CSV, JSONL = "documents.csv", "data/documents.jsonl"


def _key(derived: Derived, kind: bytes, held: bytes) -> bytes:
    """A data file's key: what it is, what it holds, and the render key."""
    salt = derived.prints.render_key.encode()
    return hashlib.blake2b(kind + b"\0" + held + b"\0" + salt, digest_size=16).digest()


_ID_FIELD = b'{"id":"'  # how `export.jsonl_line` begins: the id comes first


def _load_saved(path: Path) -> dict[str, Any]:
    """What the last build kept beside the output for this one (the CSV
    lines by source, where the JSONL lines stood); none if unreadable."""
    try:
        with path.open("rb") as handle:
            saved = pickle.load(handle)  # noqa: S301 - our own file, in our own output
    except Exception:  # missing, cut short or from another version: made anew
        return {}
    return saved if isinstance(saved, dict) else {}


def _save(path: Path, value: dict[str, Any]) -> None:
    """Keep `value` for the next build (written whole, then moved in)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}")
    try:
        tmp.write_bytes(pickle.dumps(value, protocol=5))
        os.replace(tmp, path)
    except OSError:  # only the next build's speed depends on it
        tmp.unlink(missing_ok=True)


def _spliced(
    path: Path,
    index_file: Path,
    documents: list[Document],
    edited: set[str] | None,
    make: Callable[[Document], bytes],
) -> Iterator[bytes]:
    """The JSONL's bytes: a new line for each document in `edited` (for all when
    None), and for the rest their line in the last build's file, copied in runs.

    Where each document's line stood is kept beside the output; a line is
    taken only if it is still exactly one whole line starting with that
    document's id, so a stale record costs speed, never a wrong line.
    """
    spans = _load_spans(index_file) if edited is not None else {}
    old = mapped(path) if spans else None
    ids: list[str] = []
    ends: list[int] = []
    at = run_start = run_end = 0
    try:
        for doc in documents:
            span = spans.get(doc.id) if old is not None and doc.source not in edited else None
            if span is not None and not _whole_line(old, span, doc.id):
                span = None
            if span is not None and span[0] == run_end and run_end > run_start:
                run_end = span[1]
            else:
                if run_end > run_start:
                    yield old[run_start:run_end]
                if span is not None:
                    run_start, run_end = span
                else:
                    run_start = run_end = 0
                    line = make(doc)
                    yield line
            at += span[1] - span[0] if span is not None else len(line)
            ids.append(doc.id)
            ends.append(at)
        if run_end > run_start:
            yield old[run_start:run_end]
    finally:
        if old is not None:
            old.close()
    _save(index_file, {"ids": ids, "ends": ends})


def _load_spans(path: Path) -> dict[str, tuple[int, int]]:
    """Where each document's JSONL line stood in the last build's file, by id."""
    saved = _load_saved(path)
    ids, ends = saved.get("ids"), saved.get("ends")
    if not isinstance(ids, list) or not isinstance(ends, list) or len(ids) != len(ends):
        return {}
    return dict(zip(ids, zip([0, *ends], ends, strict=False), strict=False))


def _whole_line(data: mmap.mmap, span: tuple[int, int], doc_id: str) -> bool:
    """Whether `data[start:end]` is one whole JSONL line, the one of `doc_id`."""
    start, end = span
    head = _ID_FIELD + doc_id.encode("utf-8") + b'"'
    return (
        0 <= start < end <= len(data)
        and (start == 0 or data[start - 1] == 10)
        and data[start : start + len(head)] == head
        and data.find(b"\n", start, end) == end - 1
    )
