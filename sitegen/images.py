"""`sitegen images`: keep a local copy of every picture the archive hotlinks.

Scraped posts show their pictures from other hosts, often through a CORS
proxy (`https://proxy.example/?http://cdn.example/a.png`). Proxies and CDNs
vanish; an archive must not. This module finds the image URLs of each
document and unwraps proxy forms to the original URL; `sitegen.fetch`
downloads each original once, politely and defensively; the bytes are
stored unchanged under their SHA-256 (they are evidence):

    content/assets/images/ab/ab12….png
    content/assets/images/manifest.jsonl

The manifest is JSON Lines, one record a line, appended (and synced) the
moment an image is stored or fails, so a run that is killed loses nothing
and the next one repeats no finished download; the last line for a URL wins.
Each run starts and ends by rewriting it compactly (temp file + os.replace).
Records that are not `stored` (failed or refused) are tried again next run:
a refusal may depend on options (a cap, `allow_private`) that have changed.

A build uses the manifest and `localise_document` only, so this module
holds no network code.

SVG policy: an SVG is stored only if it is inert (no script, event handler,
foreignObject, embedded document, entity, or reference outside itself); the
build must still show stored SVGs only through `<img>`, where browsers run
nothing, never inline or as `<object>`.
"""

from __future__ import annotations

import html
import json
import os
import re
import struct
import threading
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sitegen.sources.document import Document

IMAGES_DIR = "assets/images"  # under content/
MANIFEST_NAME = "manifest.jsonl"
MAX_PIXELS = 50_000_000  # an image's width × height, at most (see FetchOptions)
MAX_WRAPPING = 4  # a proxy of a proxy of …: unwrapped this many times at most
FRONT_MATTER_KEYS = frozenset(
    {"headimg", "thumbnail", "cover", "image", "images", "banner", "photos", "og_image"}
)


# Finding image URLs ------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """One image URL of a document: as written, and the original it stands for."""

    written: str  # exactly as in the text (HTML attributes still escaped)
    url: str  # the original: entities decoded, proxy forms unwrapped, `//x` made https
    where: str  # the attribute, `markdown`, or the front-matter key
    line: int  # 1-based, in the text given


# Tags whose attributes name images, and which attributes do.
_TAG = re.compile(r"<(img|source|input|video|image)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.I)
_ATTRIBUTE = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+)))?")
_IMAGE_ATTRIBUTE = re.compile(
    r"src|srcset|data-[\w-]*src(?:set)?|data-original(?:-src)?|data-echo|data-lazy|data-hi-?res",
    re.I,
)
_OTHER_TAG_ATTRIBUTE = {"video": re.compile("poster", re.I), "image": re.compile(r"(xlink:)?href")}
# A candidate's URL runs to whitespace (commas inside it included), or ends in commas.
_SRCSET_CANDIDATE = re.compile(r"[\s,]*([^\s,]\S*?)(?:,+(?=\s|$)|\s+[^,]*,?|$)")
_MD_IMAGE = re.compile(
    r"!\[(?:[^\[\]\n]|\[[^\]\n]*\])*\]"
    r"\(\s*(?:<([^>\n]+)>|([^\s()]+(?:\([^\s()]*\)[^\s()]*)*))"
    r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?\s*\)"
)
_MD_IMAGE_REFERENCE = re.compile(r"!\[(?:[^\[\]\n]|\[[^\]\n]*\])*\]\[([^\]\n]*)\]")
_MD_DEFINITION = re.compile(r"^ {0,3}\[([^\]\n]+)\]:[ \t]*<?([^\s>]+)>?", re.M)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*$", re.S | re.M)
_YAML_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$")
_YAML_ITEM = re.compile(r"^[ \t]*-[ \t]+(.*?)[ \t]*$")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def image_urls(text: str) -> list[Found]:
    """Every image URL a document's text names that points off the site, in
    order, each written form once (relative paths are the site's own files,
    `data:` images are already kept)."""
    lines = [m.start() for m in re.finditer("\n", text)]
    found: list[Found] = []
    seen: set[str] = set()
    for written, where, offset in sorted(_candidates(text), key=lambda c: c[2]):
        written = written.strip()
        if written in seen or not _remote(written):
            continue
        seen.add(written)
        url = unwrap(absolute(decoded(written, where)))
        found.append(Found(written, url, where, bisect_right(lines, offset - 1) + 1))
    return found


def _candidates(text: str) -> Iterator[tuple[str, str, int]]:
    """(value, where, offset) of each place an image URL may stand."""
    front = _FRONT_MATTER.match(text)
    if front:
        yield from _front_matter(front.group(1), front.start(1))
    for tag in _TAG.finditer(text):
        name = tag.group(1).lower()
        wanted = _OTHER_TAG_ATTRIBUTE.get(name, _IMAGE_ATTRIBUTE)
        for attribute in _ATTRIBUTE.finditer(tag.group(2)):
            value = next((v for v in attribute.group(2, 3, 4) if v is not None), None)
            key = attribute.group(1).lower()
            if value is None or not wanted.fullmatch(key):
                continue
            if key.endswith("srcset"):
                for candidate in _SRCSET_CANDIDATE.finditer(value):
                    yield candidate.group(1), key, tag.start()
            else:
                yield value, key, tag.start()
    for image in _MD_IMAGE.finditer(text):
        yield image.group(1) or image.group(2), "markdown", image.start()
    references = {m.group(1).strip().lower() for m in _MD_IMAGE_REFERENCE.finditer(text)}
    for definition in _MD_DEFINITION.finditer(text):
        if definition.group(1).strip().lower() in references:
            yield definition.group(2), "markdown", definition.start()


def _front_matter(block: str, start: int) -> Iterator[tuple[str, str, int]]:
    """Values of the image keys: scalars, `[a, b]` lists and `- a` lists."""
    key = None
    offset = start
    for line in block.splitlines(keepends=True):
        pair = _YAML_KEY.match(line.rstrip("\r\n"))
        item = _YAML_ITEM.match(line.rstrip("\r\n"))
        if pair:
            key = pair.group(1).lower() if pair.group(1).lower() in FRONT_MATTER_KEYS else None
            value = pair.group(2)
            if key and value.startswith("["):
                for part in value.strip("[]").split(","):
                    yield _yaml_scalar(part.strip()), key, offset
            elif key and value:
                yield _yaml_scalar(value), key, offset
        elif item and key:
            yield _yaml_scalar(item.group(1)), key, offset
        elif line.strip() and not line[0].isspace():
            key = None
        offset += len(line)


def _yaml_scalar(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value.split(" #", 1)[0].strip()


def decoded(written: str, where: str) -> str:
    """The URL a browser asks for: character references decoded in HTML and
    Markdown, not in YAML front matter, where `&amp;` is what it says."""
    return written if where in FRONT_MATTER_KEYS or "&" not in written else html.unescape(written)


def _remote(url: str) -> bool:
    """A URL off the site: one with a scheme (but `data:`), or `//host/…`."""
    if url.startswith("//"):
        return True
    scheme = _SCHEME.match(url)
    return scheme is not None and scheme.group(0).lower() != "data:"


def absolute(url: str) -> str:
    return "https:" + url if url.startswith("//") else url


# A URL inside another: `http://` or `https://`, perhaps percent-encoded, perhaps
# with the double slash squeezed to one by a server that normalises paths.
_EMBEDDED = re.compile(r"https?(?::|%3a)(?:/|%2f){1,2}(?=[^/%])", re.I)


def unwrap(url: str) -> str:
    """The original URL behind proxy forms, by general rules, not site names:
    `…/?http://x/a.png`, `…?url=http%3A%2F%2Fx%2Fa.png` (any parameter whose
    value is a URL), `…/http://x/a.png`; repeated for a proxy of a proxy."""
    for _ in range(MAX_WRAPPING):
        inner = _inner(url)
        if inner is None:
            break
        url = inner
    return url


def _inner(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    candidates = [parts.query] + [value for _, _, value in _parameters(parts.query)]
    for candidate in candidates:
        if _EMBEDDED.match(candidate):
            inner = candidate if "://" in candidate[:8] else unquote(candidate)
            return _inner_url(inner + (f"#{parts.fragment}" if parts.fragment else ""))
    embedded = _EMBEDDED.search(parts.path)
    if embedded and parts.path[embedded.start() - 1] == "/":
        path = parts.path[embedded.start() :]
        rest = url[url.index(parts.path) + len(parts.path) :]  # the query and fragment
        return _inner_url((path if "://" in path[:8] else unquote(path)) + rest)
    return None


def _inner_url(url: str) -> str | None:
    """`url` with its `scheme://` made whole, if it names a host."""
    scheme, _, rest = url.partition(":")
    url = f"{scheme.lower()}://{rest.lstrip('/')}"
    try:
        return url if urlsplit(url).hostname else None
    except ValueError:
        return None


def _parameters(query: str) -> Iterator[tuple[str, str, str]]:
    """(name, raw value, decoded value) of each `name=value`; `+` stays `+`,
    which an unencoded wrapped URL means literally."""
    for pair in query.split("&"):
        name, equals, value = pair.partition("=")
        if equals:
            yield name, value, unquote(value)


# Why an image is not had (raised by `check_image` here, by `sitegen.fetch` on the network)


class FetchFailed(Exception):
    """The image could not be had (network, HTTP status, redirects); worth another try."""

    def __init__(self, message: str, attempts: int = 1, status: int | None = None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.status = status


class Refused(FetchFailed):
    """The URL or the bytes are not accepted (scheme, address, not an image, caps)."""


# What the bytes are -----------------------------------------------------------------


@dataclass(frozen=True)
class Sniffed:
    """An image format known by its bytes, and its declared size if it has one."""

    extension: str
    mime: str
    width: int | None = None
    height: int | None = None


def check_image(data: bytes, max_pixels: int) -> Sniffed:
    """What `data` is, or Refused: not an image by its bytes (whatever it was
    served as), an SVG that is not inert, or a raster whose declared size is
    over `max_pixels` or cannot be read (a decoder would be at its mercy)."""
    kind = sniff(data)
    if kind is None:
        head = data[:512].lstrip().lower()
        what = "an HTML page" if head.startswith((b"<!doctype html", b"<html")) else "no image"
        raise Refused(f"{what}, by its bytes")
    if kind.extension == "svg":
        danger = svg_danger(data)
        if danger:
            raise Refused(f"SVG with {danger}")
        return kind
    if kind.width is None or kind.height is None:
        raise Refused(f"{kind.extension.upper()} whose dimensions cannot be read")
    if kind.width * kind.height > max_pixels:
        raise Refused(f"{kind.width}×{kind.height} pixels declared, over the cap of {max_pixels:,}")
    return kind


_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_HEIF_BRANDS = {b"avif": "avif", b"avis": "avif", b"heic": "heic", b"heix": "heic"}
_HEIF_BRANDS |= {b"hevc": "heic", b"hevx": "heic", b"mif1": "heic", b"msf1": "heic"}


def sniff(data: bytes) -> Sniffed | None:
    """The image format by magic numbers (PNG, JPEG, GIF, WebP, AVIF/HEIF,
    BMP, ICO, SVG), with the pixel size read from the header, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        size = struct.unpack(">II", data[16:24]) if data[12:16] == b"IHDR" else (None, None)
        return Sniffed("png", "image/png", *size)
    if data.startswith(b"\xff\xd8\xff"):
        return Sniffed("jpg", "image/jpeg", *_jpeg_size(data))
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return Sniffed("gif", "image/gif", *struct.unpack("<HH", data[6:10]))
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return Sniffed("webp", "image/webp", *_webp_size(data))
    if data[4:8] == b"ftyp" and _heif(data):
        extension = _heif(data)
        return Sniffed(extension, f"image/{extension}", *_heif_size(data))
    if data[:2] == b"BM" and len(data) >= 26:
        return Sniffed("bmp", "image/bmp", *_bmp_size(data))
    if data[:4] == b"\x00\x00\x01\x00" and len(data) >= 22 and data[4:6] != b"\x00\x00":
        width, height = data[6] or 256, data[7] or 256
        return Sniffed("ico", "image/vnd.microsoft.icon", width, height)
    if _svg_root(data):
        return Sniffed("svg", "image/svg+xml")
    return None


def _jpeg_size(data: bytes) -> tuple[int | None, int | None]:
    i = 2
    while i + 9 <= len(data):
        if data[i] != 0xFF:
            return None, None
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
        elif marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
            i += 2
        elif marker in _SOF:
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        else:
            i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    return None, None


def _webp_size(data: bytes) -> tuple[int | None, int | None]:
    chunk = data[12:16]
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a" and len(data) >= 30:
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return None, None


def _heif(data: bytes) -> str | None:
    """`avif` or `heic` by the major or a compatible brand of the ftyp box."""
    box = int.from_bytes(data[:4], "big")
    brands = [data[8:12]] + [data[i : i + 4] for i in range(16, min(box, 64), 4)]
    named = [_HEIF_BRANDS[b] for b in brands if b in _HEIF_BRANDS]
    return "avif" if "avif" in named else (named[0] if named else None)


def _heif_size(data: bytes) -> tuple[int | None, int | None]:
    """The largest `ispe` (image spatial extent) box in the header."""
    sizes = []
    start = data.find(b"ispe", 0, 1 << 16)
    while start != -1 and start + 16 <= len(data):
        sizes.append(struct.unpack(">II", data[start + 8 : start + 16]))
        start = data.find(b"ispe", start + 4, 1 << 16)
    return max(sizes, key=lambda s: s[0] * s[1]) if sizes else (None, None)


def _bmp_size(data: bytes) -> tuple[int, int]:
    if int.from_bytes(data[14:18], "little") == 12:  # OS/2 header
        return struct.unpack("<HH", data[18:22])
    width, height = struct.unpack("<ii", data[18:26])
    return abs(width), abs(height)


_SVG_PROLOG = re.compile(
    rb"\A(?:\xef\xbb\xbf)?(?:\s+|<\?xml[^>]*\?>|<!--.*?-->|<!doctype\s+svg[^>\[]*>)*<(?:\w+:)?svg[\s>/]",
    re.I | re.S,
)
_SVG_DANGERS = (
    (re.compile(rb"<(?:\w+:)?script\b", re.I), "a script"),
    (re.compile(rb"\son[a-z]+\s*=", re.I), "an event handler"),
    (re.compile(rb"<(?:\w+:)?foreignobject\b", re.I), "a foreignObject"),
    (
        re.compile(rb"<(?:\w+:)?(?:iframe|embed|object|handler|listener)\b", re.I),
        "an embedded object",
    ),
    (re.compile(rb"<!entity|<!doctype[^>]*\[", re.I), "entities"),
    (re.compile(rb"javascript:", re.I), "a javascript: URL"),
    (re.compile(rb"attributename\s*=\s*[\"']?\s*(?:xlink:)?href", re.I), "an animated link"),
    (re.compile(rb"href\s*=\s*[\"']\s*(?!#|data:image/)", re.I), "a reference outside itself"),
    (re.compile(rb"url\(\s*[\"']?\s*(?!#|data:image/)", re.I), "a reference outside itself"),
    (re.compile(rb"@import", re.I), "a reference outside itself"),
)


def _svg_root(data: bytes) -> bool:
    return bool(_SVG_PROLOG.match(data[:4096]))


def svg_danger(data: bytes) -> str | None:
    """What makes an SVG active or leaky, or None for an inert one."""
    for pattern, what in _SVG_DANGERS:
        if pattern.search(data):
            return what
    return None


# The manifest -------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One original URL's state: `stored`, `failed` or `refused`."""

    url: str  # the original, the key
    state: str
    written: tuple[str, ...] = ()  # every form it was written in (proxy forms)
    sha256: str | None = None
    path: str | None = None  # relative to content/, posix
    fetched: str | None = None  # UTC ISO time of the download
    http_status: int | None = None
    type: str | None = None  # by the bytes
    served_type: str | None = None  # Content-Type as served
    bytes: int | None = None
    source: str | None = None  # the URL the bytes came from, after redirects
    error: str | None = None
    attempts: int = 0
    last_try: str | None = None  # UTC ISO time, for failures
    # Made from the stored bytes by `sitegen.variants` (with Pillow), for `srcset`:
    width: int | None = None  # as a browser shows it (EXIF orientation applied)
    height: int | None = None
    variants: tuple[tuple[int, str], ...] = ()  # (width, path) of each smaller copy
    preview: str | None = None  # a small copy, for lists
    no_variants: str | None = None  # why none can be made (animated, refused by Pillow…)

    def to_json(self) -> str:
        values = {k: v for k, v in asdict(self).items() if v is not None and v != ()}
        return json.dumps(values, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, line: str) -> Record | None:
        """The record a line holds, or None for a torn or foreign line."""
        try:
            values = json.loads(line)
            known = {k: v for k, v in values.items() if k in _RECORD_FIELDS}  # newer fields
            written = tuple(values.get("written", ()))
            variants = tuple((int(w), str(p)) for w, p in values.get("variants", ()))
            record = cls(**{**known, "written": written, "variants": variants})
        except (ValueError, TypeError, AttributeError):
            return None
        if record.state == "stored" and not _stored_here(record):
            return None  # a stored path must be one this module writes, nowhere else
        if not _variants_here(record):  # made again by the next `sitegen images`
            return replace(record, width=None, height=None, variants=(), preview=None)
        return record

    @property
    def looked_at(self) -> bool:
        """Whether variants were made, or found not to be needed or possible."""
        return self.width is not None or self.no_variants is not None


_RECORD_FIELDS = frozenset(f.name for f in fields(Record))
_STORED_PATH = re.compile(rf"{IMAGES_DIR}/([0-9a-f]{{2}})/(\1[0-9a-f]{{62}})\.[a-z]+")
VARIANTS_DIR = f"{IMAGES_DIR}/variants"  # under content/
_VARIANT_PATH = re.compile(
    rf"{VARIANTS_DIR}/([0-9a-f]{{2}})/(\1[0-9a-f]{{62}})-(?:(\d+)w|preview)\.[a-z]+"
)


def _stored_here(record: Record) -> bool:
    match = _STORED_PATH.fullmatch(record.path or "")
    return match is not None and match.group(2) == record.sha256


def _variants_here(record: Record) -> bool:
    """Every variant path is one `sitegen.variants` writes for this image."""
    expected = [(path, str(width)) for width, path in record.variants]
    expected += [(record.preview, None)] if record.preview else []
    for path, width in expected:
        match = _VARIANT_PATH.fullmatch(path)
        if match is None or match.group(2) != record.sha256 or match.group(3) != width:
            return False
    return True


def variant_path(sha256: str, label: str, extension: str) -> str:
    """Where a variant of a stored image is kept, relative to content/; `label`
    is `480w`… or `preview`."""
    return f"{VARIANTS_DIR}/{sha256[:2]}/{sha256}-{label}.{extension}"


@dataclass
class Manifest:
    """What is stored and what failed, by original URL."""

    records: dict[str, Record] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # written form → original

    def add(self, record: Record) -> None:
        self.records[record.url] = record
        for written in record.written:
            self.aliases[written] = record.url

    def find(self, url: str) -> Record | None:
        """The record of `url` in any form: original, as written (escaped or
        not), or another proxy form of the same original."""
        for key in (url, html.unescape(url)):
            original = self.aliases.get(key, key)
            if original in self.records:
                return self.records[original]
        return self.records.get(unwrap(absolute(html.unescape(url))))

    def stored(self, url: str) -> Record | None:
        """The record of `url`'s stored copy, or None if it has none."""
        record = self.find(url)
        return record if record is not None and record.state == "stored" else None

    def local_path(self, url: str) -> str | None:
        """The stored copy of `url`, relative to content/ (`assets/images/ab/ab….png`)."""
        record = self.stored(url)
        return record.path if record is not None else None


def manifest_path(content_dir: Path) -> Path:
    return content_dir / IMAGES_DIR / MANIFEST_NAME


def load_manifest(content_dir: Path) -> Manifest:
    """The manifest as the last line for each URL leaves it (empty if none)."""
    manifest = Manifest()
    try:
        text = manifest_path(content_dir).read_text(encoding="utf-8")
    except FileNotFoundError:
        return manifest
    for line in text.splitlines():
        record = Record.from_json(line) if line.strip() else None
        if record is not None:
            manifest.add(record)
    return manifest


def write_atomic(path: Path, data: bytes) -> None:
    """Whole or not at all: a hidden temp file beside it (the build skips
    hidden files), synced, then renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(temp, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def compact_manifest(content_dir: Path, manifest: Manifest) -> None:
    """Rewrite the manifest with one line a URL (torn lines gone)."""
    records = sorted(manifest.records.values(), key=lambda r: (r.state != "stored", r.url))
    text = "".join(r.to_json() + "\n" for r in records)
    write_atomic(manifest_path(content_dir), text.encode("utf-8"))


@dataclass
class Journal:
    """Appends records to the manifest as they happen, one thread at a time."""

    content_dir: Path
    manifest: Manifest
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, record: Record) -> None:
        with self._lock, open(manifest_path(self.content_dir), "a", encoding="utf-8") as out:
            out.write(record.to_json() + "\n")
            out.flush()
            os.fsync(out.fileno())
            self.manifest.add(record)


def stored_path(sha256: str, extension: str) -> str:
    """Where an image of this content is kept, relative to content/."""
    return f"{IMAGES_DIR}/{sha256[:2]}/{sha256}.{extension}"


# --- at build time ---------------------------------------------------------------

_IMG_TAG = re.compile(r"<(?:img|source)\s[^>]*>")
_SRC = re.compile(r'(\s(src|srcset)=")([^"]*)"')
_WIDTH = re.compile(r'\swidth="(\d+)"')
# The widest an image in the text is laid out, in CSS pixels: the reading
# column (40em) at the largest font size the theme uses, so that `sizes` never
# makes a picture smaller than it showed without `srcset`.
SLOT = 960


def localise(html_text: str, cover: str, manifest: Manifest) -> tuple[str, str]:
    """Sanitised HTML and a cover URL with each stored image at its local copy.

    An `<img>` (or `<picture>`'s `<source>`) whose `src` or `srcset` candidate
    is stored points at `/assets/images/…` and keeps the addresses it was
    published under in `data-original-src` (`data-original-srcset`); an
    `<img>` with smaller copies (`sitegen.variants`) and no `srcset` of its
    own gets them as `srcset` and `sizes`. One not stored keeps its address
    (it is already fetched with no referrer). `urls.rebase` later puts the
    base path in.
    """
    if not manifest.records:
        return html_text, cover
    local_cover = manifest.local_path(cover) if cover else None
    if local_cover:
        cover = "/" + local_cover
    if "<img" in html_text or "<source" in html_text:
        html_text = _IMG_TAG.sub(lambda m: _local_tag(m.group(), manifest), html_text)
    return html_text, cover


def localise_document(doc: Document, manifest: Manifest) -> Document:
    """`doc` as its pages show it with the stored images (`localise`), its
    provenance naming where each was published (`image_originals`, for the
    body; `cover_original`), and its cover's smaller copies for the post
    page (`cover_srcset`: (path, width) pairs) and a list card (`cover_preview`)."""
    html_text, cover = localise(doc.html, doc.cover, manifest)
    if html_text == doc.html and cover == doc.cover:
        return doc
    meta = dict(doc.meta)
    originals = list(dict.fromkeys(html.unescape(u) for u in _ORIGINAL.findall(html_text)))
    if originals:
        meta["image_originals"] = originals
    record = manifest.stored(doc.cover) if cover != doc.cover else None
    if record is not None:
        meta["cover_original"] = doc.cover
        if record.variants and record.width:
            copies = [[path, width] for width, path in record.variants]
            meta["cover_srcset"] = [*copies, [record.path, record.width]]
        if record.preview:
            meta["cover_preview"] = record.preview
    return replace(doc, html=html_text, cover=cover, meta=meta)


_ORIGINAL = re.compile(r'\sdata-original-src="([^"]*)"')


def _local_tag(tag: str, manifest: Manifest) -> str:
    added = ""

    def swap(match: re.Match[str]) -> str:
        nonlocal added
        head, name, value = match.group(1), match.group(2), match.group(3)
        if name == "src":
            record = manifest.stored(value)
            if record is None:
                return match.group()
            added += f' data-original-src="{value}"'
            if tag.startswith("<img") and ' srcset="' not in tag:
                added += responsive(record, _WIDTH.search(tag))
            return f'{head}/{record.path}"'
        candidates = []
        for candidate in value.split(","):
            url, _, width = candidate.strip().partition(" ")
            local = manifest.local_path(url)
            candidates.append(f"/{local} {width}".strip() if local else candidate.strip())
        swapped = ", ".join(candidates)
        if swapped != ", ".join(c.strip() for c in value.split(",")):
            added += f' data-original-srcset="{value}"'
        return f'{head}{swapped}"'

    swapped = _SRC.sub(swap, tag)
    return swapped[:-1].rstrip("/ ") + added + ">" if added else swapped


def responsive(record: Record, declared: re.Match[str] | None = None) -> str:
    """` srcset="…" sizes="…"` for a stored image with smaller copies, or "".

    `sizes` is the width the image is laid out at, at most: its own (or its
    `width` attribute's), or the column's. A browser takes that for the
    picture's size, so a larger value would blow small pictures up."""
    if not record.variants or not record.width:
        return ""
    candidates = [f"/{path} {width}w" for width, path in record.variants]
    candidates.append(f"/{record.path} {record.width}w")
    slot = min(record.width, SLOT, int(declared.group(1)) if declared else SLOT) or record.width
    return f' srcset="{", ".join(candidates)}" sizes="(max-width: {slot}px) 100vw, {slot}px"'


def manifest_key(content_dir: Path) -> str:
    """What the stored images are, for the parse key: the manifest's size and
    modification time (a build re-reads documents when images were added)."""
    try:
        status = manifest_path(content_dir).stat()
    except OSError:
        return "none"
    return f"{status.st_size}-{status.st_mtime_ns}"
