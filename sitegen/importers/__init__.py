"""`sitegen import`: turn converted texts into documents of the archive.

Each source kind is one module with the same small interface:

    KIND = "newspaper"
    def detect(text: str) -> float            # confidence 0..1
    def parse(text, source, options) -> list[Record]   # pure, no disk
    def boilerplate_lines(text) -> list[str]  # lines left out on purpose

A new kind is one new module plus one entry in REGISTRY. `import_files`
reads and parses every file first, and writes only when all of them parsed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path, PurePosixPath
from types import ModuleType

from sitegen.errors import ImportFailed
from sitegen.importers import (
    cjk,
    htmlmeta,
    htmlpage,
    newspaper,
    pdfpaper,
    periodical,
    post,
    webarchive,
    webpage,
    writer,
)
from sitegen.importers.records import KINDS, ImportOptions, Record, Source
from sitegen.report import Reporter

__all__ = [
    "REGISTRY",
    "ImportOptions",
    "Record",
    "Source",
    "choose_kind",
    "detect_kind",
    "import_files",
    "parse_source",
    "read_source",
]

REGISTRY: dict[str, ModuleType] = {
    m.KIND: m for m in (post, htmlpage, newspaper, periodical, webpage, pdfpaper, webarchive)
}
"""In order of precedence: of two importers equally sure, the first wins
(markup from the first byte is HTML even though a page's words look like a scrape)."""

BINARY: tuple[ModuleType, ...] = (pdfpaper, webarchive)
"""Importers of formats known by their bytes (`sniff`), never decoded as text."""

MIN_CONFIDENCE = 0.3

FALLBACK = webpage.KIND
"""The importer for a text no importer recognises: it reads any text."""


def choose_kind(text: str) -> tuple[str, str | None]:
    """The kind whose importer is most confident about this text, and a
    warning when none is and the text is read as a web page or plain text."""
    scores = {kind: module.detect(text) for kind, module in REGISTRY.items()}
    best = max(scores, key=lambda kind: scores[kind])
    if scores[best] < MIN_CONFIDENCE:
        texts = [kind for kind, module in REGISTRY.items() if module not in BINARY]
        hint = "pass --kind " + "|".join(texts) + " to choose"
        return FALLBACK, f"kind not recognised; read as a web page or plain text ({hint})"
    return best, None


def detect_kind(text: str, path: Path | str | None = None) -> str:
    """The kind of this text (`FALLBACK` when no importer is confident)."""
    return choose_kind(text)[0]


def binary_kind(data: bytes) -> str | None:
    """The kind a file's bytes declare (a PDF starts with `%PDF-`), or None for a text."""
    return next((m.KIND for m in BINARY if m.sniff(data)), None)


def read_source(path: Path) -> Source:
    try:
        data = path.read_bytes()
        modified = dt.date.fromtimestamp(path.stat().st_mtime)
    except OSError as exc:
        raise ImportFailed(f"cannot read the file: {exc.strerror}", path=path) from exc
    if binary_kind(data):
        return Source(path.name, data, "", modified)
    return Source(path.name, data, decode(data, path), modified)


def decode(data: bytes, path: Path) -> str:
    """A text is decoded as a text; an HTML page as it declares, checked
    against its bytes (pages often declare gb2312 and hold UTF-8)."""
    if htmlmeta.sniff(data):
        return htmlmeta.decode(data)
    return cjk.decode(data, path)


def parse_source(source: Source, options: ImportOptions) -> list[Record]:
    binary = binary_kind(source.data)
    if binary is not None:
        records = REGISTRY[binary].parse(source.text, source, options)
        if options.kind not in ("auto", binary):
            note = f"{source.name}: read as {binary} by its content, not as --kind {options.kind}"
            records[0].notes.insert(0, note)
        return records
    if options.kind != "auto":
        return REGISTRY[options.kind].parse(source.text, source, options)
    kind, warning = choose_kind(source.text)
    records = REGISTRY[kind].parse(source.text, source, options)
    if warning:
        records[0].notes.insert(0, f"{source.name}: {warning}")
    return records


def check_options(options: ImportOptions) -> PurePosixPath | None:
    """Problems with the flags themselves, before any file is read."""
    if options.kind not in KINDS:
        raise ImportFailed(f"unknown kind {options.kind!r}", hint="use one of " + ", ".join(KINDS))
    if options.page is not None and options.page < 1:
        raise ImportFailed(f"--page must be 1 or more, not {options.page}")
    if options.publication is not None and not options.publication.strip():
        raise ImportFailed("--publication must not be empty")
    if options.into is None:
        return None
    into = PurePosixPath(Path(options.into).as_posix())
    if into.is_absolute() or ".." in into.parts or not into.parts:
        raise ImportFailed(
            f"--into must be a folder inside content/, not {options.into}",
            hint="give a relative path such as archive/2022",
        )
    return into


def import_files(
    paths: list[Path],
    options: ImportOptions,
    content_dir: Path,
    reporter: Reporter,
    dry_run: bool = False,
) -> list[Path]:
    """Import each file into content_dir; returns the files written (with
    `dry_run`, the files that would be, and nothing is written).

    All files are read and parsed before anything is written; if any of them
    fails, every failure is reported and nothing at all is written.
    """
    into = check_options(options)
    batch: list[tuple[Source, list[Record]]] = []
    failures: list[ImportFailed] = []
    seen: set[str] = set()
    for path in paths:
        try:
            source = read_source(Path(path))
            if source.sha256 in seen:
                reporter.info(f"{path}: same content as a file already given; skipped")
                continue
            seen.add(source.sha256)
            batch.append((source, parse_source(source, options)))
        except ImportFailed as exc:
            failures.append(exc)
    if len(failures) == 1 and len(paths) == 1:
        raise failures[0]
    if failures:
        for failure in failures:
            reporter.error(failure)
        raise ImportFailed(
            f"{len(failures)} of {len(paths)} files cannot be imported; nothing was written",
            hint="fix or leave out the files named above",
        )
    if dry_run:
        return preview(batch, content_dir, into, reporter)
    return writer.write(batch, content_dir, into, reporter)


def preview(
    batch: writer.Batch, content_dir: Path, into: PurePosixPath | None, reporter: Reporter
) -> list[Path]:
    """What `write` would write, with every warning it would give; writes nothing."""
    planned = writer.plan(batch, into)
    for _, records in batch:
        for record in records:
            for note in record.notes:
                reporter.warning(note)
    return [content_dir / rel for _, files in planned for rel, _ in files]
