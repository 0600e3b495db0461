"""Web archives (`.warc`, `.warc.gz`, `.wacz`, `.mhtml`): the pages a crawl
or a browser captured.

Every HTML page the archive holds (a `200` response) becomes a web document
through the HTML importer, with the capture's URI, date and offset in the
archive. The images those documents show, when the archive captured them
too, are copied next to each document and linked from it, so the site shows
them offline. Everything else (redirects, revisits, errors, scripts and
styles) is skipped and counted in one warning. A WACZ is a zip of WARCs;
an MHTML file (a browser's "save as one file") is one page and what it
showed, as the parts of a MIME message.
"""

from __future__ import annotations

import email
import email.policy
import gzip
import hashlib
import io
import mimetypes
import re
import zipfile
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from sitegen.errors import ImportFailed
from sitegen.importers import htmlmeta, htmlpage
from sitegen.importers.records import ImportOptions, Record, Source, body, safe_component

KIND = "warc"

_HTML = ("text/html", "application/xhtml+xml")


_MHTML = re.compile(
    rb"^(?:[!-9;-~]+:[^\n]*\n(?:[ \t][^\n]*\n)*)*?Content-Type:\s*multipart/related", re.I
)
"""A MIME message's headers, one of which makes it a page with its parts."""


def sniff(data: bytes) -> bool:
    """A WARC, plain or gzipped, a zip holding one (WACZ) or an MHTML
    message, by its bytes."""
    if data.startswith(b"WARC/") or _MHTML.match(data[:8192].replace(b"\r\n", b"\n")):
        return True
    if data.startswith(b"\x1f\x8b"):
        try:
            return gzip.GzipFile(fileobj=io.BytesIO(data[:65536])).read(5) == b"WARC/"
        except (OSError, EOFError):
            return False
    return data.startswith(b"PK\x03\x04") and bool(_members(data))


def detect(text: str) -> float:
    """Never from text: an archive is recognised by its bytes (`sniff`)."""
    return 0.0


def boilerplate_lines(text: str) -> list[str]:
    """None: what the documents leave out stays in the archive, copied whole."""
    return []


def _members(data: bytes) -> list[str]:
    """The WARC files inside a WACZ (a zip), in order."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sorted(n for n in archive.namelist() if n.endswith((".warc", ".warc.gz")))
    except zipfile.BadZipFile:
        return []


class Capture(NamedTuple):
    """One `200` response worth keeping: a page or an image."""

    uri: str
    date: str
    offset: int | None
    """Where its record starts in the WARC; None in an MHTML file."""
    mime: str
    charset: str | None
    payload: bytes
    warc: str | None
    """The WARC file inside a WACZ it came from; None for a plain WARC."""


def _warcs(data: bytes) -> list[tuple[str | None, bytes]]:
    if not data.startswith(b"PK"):
        return [(None, data)]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(name, archive.read(name)) for name in _members(data)]


def _verdict(record: ArcWarcRecord) -> str:
    """`keep` for a page or an image served whole; else why the record is
    skipped, or "" for records that hold no capture (requests, metadata)."""
    if record.rec_type == "revisit":
        return "revisits"
    if record.rec_type != "response" or record.http_headers is None:
        return "" if record.rec_type in ("request", "warcinfo", "metadata") else "other records"
    status = record.http_headers.get_statuscode() or ""
    if status.startswith("3"):
        return "redirects"
    if status != "200":
        return f"status {status}"
    mime = _mime(record)[0]
    return "keep" if mime in _HTML or mime.startswith("image/") else "not HTML or image"


def _mime(record: ArcWarcRecord) -> tuple[str, str | None]:
    """The response's media type and the charset its server named, if any."""
    kind, _, params = (record.http_headers.get_header("Content-Type") or "").partition(";")
    charset = params.partition("charset=")[2].strip(" \"'") or None
    return kind.strip().lower(), charset


def _parts(data: bytes) -> tuple[list[Capture], Counter]:
    """An MHTML file's page (its first HTML part) and images; its other parts
    (frames, style sheets, scripts, fonts) counted."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    date = message.get("Date", "")
    kept: list[Capture] = []
    skipped: Counter = Counter()
    for part in message.walk():
        mime = part.get_content_type()
        if part.is_multipart():
            continue
        page = mime in _HTML and not any(c.mime in _HTML for c in kept)
        if not page and not mime.startswith("image/"):
            skipped["frames" if mime in _HTML else "not HTML or image"] += 1
            continue
        payload = part.get_payload(decode=True) or b""
        uri = part.get("Content-Location") or message.get("Snapshot-Content-Location", "")
        kept.append(Capture(uri, date, None, mime, part.get_content_charset(), payload, None))
    return kept, skipped


def captures(data: bytes, name: str) -> tuple[list[Capture], Counter]:
    """The archive's pages and images, and how many records were skipped, by why."""
    if not data.startswith((b"WARC/", b"\x1f\x8b", b"PK")):
        return _parts(data)
    kept: list[Capture] = []
    skipped: Counter = Counter()
    try:
        for warc, blob in _warcs(data):
            records = ArchiveIterator(io.BytesIO(blob))
            for record in records:
                verdict = _verdict(record)
                if verdict != "keep":
                    skipped.update([verdict] if verdict else [])
                    continue
                payload = (
                    record.content_stream().read()
                )  # before the offset, which reads to the end
                headers = record.rec_headers
                kept.append(
                    Capture(
                        headers.get_header("WARC-Target-URI") or "",
                        headers.get_header("WARC-Date") or "",
                        records.get_record_offset(),
                        *_mime(record),
                        payload,
                        warc,
                    )
                )
    except (ArchiveLoadFailed, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ImportFailed(f"cannot read the web archive: {exc}", path=name) from exc
    return kept, skipped


def _image_path(folder: PurePosixPath, capture: Capture) -> PurePosixPath:
    """Where a captured image goes: named by its content, typed by its MIME."""
    suffix = mimetypes.guess_extension(capture.mime) or PurePosixPath(capture.uri).suffix
    digest = hashlib.sha256(capture.payload).hexdigest()[:16]
    return folder / safe_component(digest + suffix.lower(), limit=40)


def _unique(path: PurePosixPath, taken: set[PurePosixPath]) -> PurePosixPath:
    """`path`, or `stem-2.md`, `stem-3.md`… when another page took it."""
    candidate, number = path, 1
    while candidate in taken:
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    taken.add(candidate)
    return candidate


def _page(
    capture: Capture,
    images: dict[str, Capture],
    source: Source,
    options: ImportOptions,
    taken: set[PurePosixPath],
) -> list[Record]:
    """One captured page as a document, and the captured images it shows as
    files in a folder named as the document, linked from its body."""
    page = htmlpage.read(htmlmeta.decode(capture.payload, capture.charset), url=capture.uri)
    provenance = (
        {"warc_date": capture.date, "warc_offset": capture.offset, "warc_file": capture.warc}
        if capture.offset is not None
        else {"saved_date": capture.date}
    )
    document = htmlpage.document(page, source, options, provenance)
    path = _unique(document.path, taken)
    shown = sorted({url for block in page.blocks for url in block.images if url in images})
    local = {url: _image_path(path.with_suffix(""), images[url]) for url in shown}
    into = PurePosixPath(Path(options.into).as_posix()) if options.into else PurePosixPath()
    links = {url: "/" + (into / rel).as_posix() for url, rel in local.items()}
    blocks = htmlpage.relink(page.blocks, links)
    files = {rel: images[url].payload for url, rel in local.items()}
    return [
        Record(path, document.front, body([b.html for b in blocks]), document.notes),
        *(Record(rel, None, "", data=data) for rel, data in files.items()),
    ]


def _latest(pages: list[Capture]) -> list[Capture]:
    """One capture per URL, the latest (a crawl that came back to a page),
    in the order the archive first holds them."""
    latest: dict[str, Capture] = {}
    for capture in pages:
        if capture.uri not in latest or capture.date >= latest[capture.uri].date:
            latest[capture.uri] = capture
    return list(latest.values())


def parse(text: str, source: Source, options: ImportOptions) -> list[Record]:
    found, skipped = captures(source.data, source.name)
    pages = _latest([c for c in found if c.mime in _HTML])
    skipped["earlier captures of a page"] = sum(c.mime in _HTML for c in found) - len(pages)
    if not pages:
        raise ImportFailed(
            "the web archive holds no HTML page with status 200",
            path=source.name,
            hint="check that the crawl captured pages, not only redirects or errors",
        )
    images = {c.uri: c for c in found if c.mime.startswith("image/")}
    taken: set[PurePosixPath] = set()
    records = [r for capture in pages for r in _page(capture, images, source, options, taken)]
    counts = ", ".join(f"{n} {what}" for what, n in sorted(skipped.items()) if n)
    summary = f"{len(pages)} page(s), {len(images)} image(s) captured"
    records[0].notes.insert(
        0, f"{source.name}: {summary}" + (f"; skipped {counts}" if counts else "")
    )
    return records
