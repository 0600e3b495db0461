"""`sitegen images`, its network half: fetch each original a document
hotlinks, politely and defensively (the URLs come from scrapes nobody
reviewed), and keep it with the manifest's record of how it went.

`sitegen.images` finds the URLs, knows the image formats and keeps the
manifest; a build needs only that half, so it never loads an HTTP stack.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

from sitegen import __version__
from sitegen.errors import ContentWarning
from sitegen.images import (
    IMAGES_DIR,
    MAX_PIXELS,
    FetchFailed,
    Found,
    Journal,
    Record,
    Refused,
    Sniffed,
    absolute,
    check_image,
    compact_manifest,
    decoded,
    image_urls,
    load_manifest,
    stored_path,
    write_atomic,
)
from sitegen.report import Reporter

USER_AGENT = f"sitegen/{__version__} (archiving the images of a news archive)"


# Fetching -----------------------------------------------------------------------


@dataclass(frozen=True)
class FetchOptions:
    """How politely and how defensively images are fetched."""

    timeout: float = 15.0  # seconds a connection or a read may wait
    total_timeout: float = 120.0  # seconds one download may take in all (a trickling host)
    retries: int = 2  # after the first attempt, on timeouts, 5xx, 429 and lost connections
    backoff: float = 1.0  # seconds before the first retry; doubled each time
    max_redirects: int = 5
    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = MAX_PIXELS  # declared width × height: a decompression bomb is refused
    host_delay: float = 1.0  # seconds between two requests to one host
    workers: int = 4  # downloads at once, over all hosts
    allow_private: bool = False  # fetch from private, loopback, link-local, reserved addresses
    trusted_hosts: frozenset[str] = frozenset()  # hosts fetched from at any address (a mirror)
    user_agent: str = USER_AGENT


class _Transient(FetchFailed):
    """A failure a retry may cure."""


@dataclass(frozen=True)
class Fetched:
    """The bytes of one image, as served."""

    url: str  # the last URL of the redirects
    status: int
    served_type: str
    data: bytes
    kind: Sniffed
    attempts: int


@dataclass
class HostPacer:
    """Keeps `delay` seconds between two requests to one host, across threads."""

    delay: float
    _next: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, host: str) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + self.delay
        if start > now:
            time.sleep(start - now)


def fetch(
    url: str,
    options: FetchOptions,
    pacer: HostPacer | None = None,
    context: ssl.SSLContext | None = None,
) -> Fetched:
    """The image at `url`, checked, or FetchFailed / Refused saying why not.

    Retries with exponential backoff what may pass (timeouts, 5xx, 429, lost
    connections), never a 4xx or a refusal.
    """
    pacer = pacer or HostPacer(options.host_delay)
    context = context or ssl.create_default_context()
    delay = options.backoff
    attempt = 1
    while True:
        try:
            try:
                fetched = _follow(url, options, pacer, context)
            except ValueError as exc:  # a Location or a host name no URL parser takes
                raise Refused(f"not a valid URL: {exc}") from exc
            kind = check_image(fetched.data, options.max_pixels)
            return Fetched(
                fetched.url, fetched.status, fetched.served_type, fetched.data, kind, attempt
            )
        except _Transient as exc:
            if attempt > options.retries:
                raise FetchFailed(str(exc), attempt, exc.status) from exc
        except FetchFailed as exc:
            exc.attempts = attempt
            raise
        time.sleep(delay)
        delay *= 2
        attempt += 1


@dataclass(frozen=True)
class _Response:
    url: str
    status: int
    served_type: str
    data: bytes


_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def _follow(
    url: str, options: FetchOptions, pacer: HostPacer, context: ssl.SSLContext
) -> _Response:
    """One attempt: the request and its redirects, each hop checked anew."""
    seen = {url}
    for _ in range(options.max_redirects + 1):
        addresses = allowed_addresses(url, options)
        pacer.wait(urlsplit(url).netloc.lower())
        status, location, response = _request(url, addresses, options, context)
        if response is not None:
            return response
        if status not in _REDIRECTS or not location:
            raise FetchFailed(f"HTTP {status} without a redirect to follow", status=status)
        url = urljoin(url, location)
        if url in seen:
            raise FetchFailed(f"redirect loop at {url}", status=status)
        seen.add(url)
    raise FetchFailed(f"more than {options.max_redirects} redirects", status=status)


def allowed_addresses(url: str, options: FetchOptions) -> list[str]:
    """The addresses `url`'s host may be reached at, or Refused: http and
    https only, and no private, loopback, link-local or reserved address
    among those the name resolves to (unless allowed)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise Refused(f"not a valid URL: {exc}") from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise Refused(f"only http and https are fetched, not {parts.scheme or 'a relative'}: URL")
    if not host:
        raise Refused("no host in the URL")
    trusted = options.allow_private or host in options.trusted_hosts
    literal = _ip(host)
    if literal is not None and not trusted and not public_address(literal):
        raise Refused(f"{host} is not a public address")
    try:
        default = 443 if parts.scheme.lower() == "https" else 80
        infos = socket.getaddrinfo(host, port or default, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise _Transient(f"cannot resolve {host}: {exc}") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    forbidden = [a for a in addresses if not public_address(_ip(a))]
    if forbidden and not trusted:
        raise Refused(f"{host} resolves to {forbidden[0]}, not a public address")
    return addresses


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


def public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
    """True for an address on the public internet (an IPv4 address inside
    IPv6 is judged as IPv4)."""
    if address is None:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        address = address.ipv4_mapped or address.sixtofour or address
    return address.is_global and not address.is_multicast


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the address that was checked, not to a second lookup of the name."""

    def __init__(self, host: str, port: int | None, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(
        self, host: str, port: int | None, address: str, timeout: float, context: ssl.SSLContext
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self.address = address
        self.tls = context

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def _request(
    url: str, addresses: list[str], options: FetchOptions, context: ssl.SSLContext
) -> tuple[int, str | None, _Response | None]:
    """One GET: (status, Location, None) for a redirect, else the response read
    to its end; FetchFailed for an error status, _Transient for what may pass."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    target = quote(parts.path or "/", safe="/%:@!$&'()*+,;=~") + (
        "?" + quote(parts.query, safe="/%:@!$&'()*+,;=?~") if parts.query else ""
    )
    headers = {
        "Host": parts.netloc.rpartition("@")[2].encode("idna").decode("ascii"),
        "User-Agent": options.user_agent,
        "Accept": "image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5",
        "Accept-Encoding": "identity",
        "Connection": "close",
    }
    last: OSError | None = None
    for address in addresses:
        connection: http.client.HTTPConnection
        if parts.scheme.lower() == "https":
            connection = _PinnedHTTPS(host, parts.port, address, options.timeout, context)
        else:
            connection = _PinnedHTTP(host, parts.port, address, options.timeout)
        try:
            connection.request("GET", target, headers=headers)
            response = connection.getresponse()
            return _read(url, response, options)
        except TimeoutError as exc:
            raise _Transient(f"timed out after {options.timeout:g} s") from exc
        except http.client.InvalidURL as exc:
            raise Refused(f"not a valid URL: {exc}") from exc
        except http.client.HTTPException as exc:
            raise _Transient(f"broken response: {exc!r}") from exc
        except ssl.SSLCertVerificationError as exc:
            raise FetchFailed(f"TLS: {exc.verify_message}") from exc
        except OSError as exc:
            last = exc  # the next address, if any
        finally:
            connection.close()
    raise _Transient(f"cannot connect: {last}")


def _read(
    url: str, response: http.client.HTTPResponse, options: FetchOptions
) -> tuple[int, str | None, _Response | None]:
    status = response.status
    if status in _REDIRECTS:
        return status, response.getheader("Location"), None
    if status == 429 or status >= 500:
        raise _Transient(f"HTTP {status}", status=status)
    if not 200 <= status < 300:
        raise FetchFailed(f"HTTP {status}", status=status)
    declared = response.getheader("Content-Length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > options.max_bytes:
        raise Refused(f"declares {int(declared):,} bytes, over the cap of {options.max_bytes:,}")
    deadline = time.monotonic() + options.total_timeout
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(65536):
        size += len(chunk)
        if size > options.max_bytes:
            raise Refused(f"over the cap of {options.max_bytes:,} bytes; download aborted")
        if time.monotonic() > deadline:
            raise _Transient(f"download took over {options.total_timeout:g} s")
        chunks.append(chunk)
    served = response.getheader("Content-Type", "").split(";")[0].strip().lower()
    return status, None, _Response(url, status, served, b"".join(chunks))


def _store(content_dir: Path, data: bytes, extension: str) -> tuple[str, str]:
    """Keep the bytes unchanged under their hash, once; (sha256, path)."""
    digest = hashlib.sha256(data).hexdigest()
    rel = stored_path(digest, extension)
    target = content_dir / rel
    if not (target.is_file() and target.stat().st_size == len(data)):
        write_atomic(target, data)
    return digest, rel


# Archiving ------------------------------------------------------------------------------


@dataclass
class Summary:
    """What a run did, counted by original URL."""

    found: int = 0  # distinct originals named by the documents
    already: int = 0  # stored by an earlier run
    fetched: int = 0
    failed: int = 0
    refused: int = 0


@dataclass
class _Wanted:
    url: str
    found: list[Found]  # each written form once
    place: tuple[str, int]  # the first document and line naming it

    @property
    def written(self) -> list[str]:
        return [f.written for f in self.found]


def archive_images(
    content_dir: Path,
    documents: Iterable[tuple[str, str]],
    reporter: Reporter,
    options: FetchOptions | None = None,
) -> Summary:
    """Fetch and keep every image the documents (rel path, text) hotlink
    that is not kept yet; what fails is warned about (at its document and
    line), recorded, and tried again next run."""
    options = options or FetchOptions()
    wanted = _wanted(documents)
    (content_dir / IMAGES_DIR).mkdir(parents=True, exist_ok=True)
    manifest = load_manifest(content_dir)
    compact_manifest(content_dir, manifest)
    journal = Journal(content_dir, manifest)
    summary = Summary(found=len(wanted))
    todo = []
    for want in wanted.values():
        record = manifest.records.get(want.url)
        if record and record.state == "stored" and (content_dir / (record.path or "")).is_file():
            summary.already += 1
            if not set(want.written) <= set(record.written):
                written = tuple(dict.fromkeys([*record.written, *want.written]))
                journal.record(Record(**{**asdict(record), "written": written}))
        else:
            todo.append(want)
    reporter.progress("images", 0, len(todo))
    pacer = HostPacer(options.host_delay)
    context = ssl.create_default_context()
    executor = ThreadPoolExecutor(max_workers=max(1, options.workers))
    try:
        pending: set[Future[Record]] = {
            executor.submit(_archive_one, want, content_dir, journal, options, pacer, context)
            for want in todo
        }
        places = {want.url: want.place for want in todo}
        done = 0
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                record = future.result()
                done += 1
                _count(record, places[record.url], summary, reporter)
            reporter.progress("images", done, len(todo))
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
    compact_manifest(content_dir, manifest)
    return summary


def _wanted(documents: Iterable[tuple[str, str]]) -> dict[str, _Wanted]:
    wanted: dict[str, _Wanted] = {}
    for rel, text in documents:
        for found in image_urls(text):
            want = wanted.setdefault(found.url, _Wanted(found.url, [], (rel, found.line)))
            if found.written not in want.written:
                want.found.append(found)
    return wanted


def _count(record: Record, place: tuple[str, int], summary: Summary, reporter: Reporter) -> None:
    if record.state == "stored":
        summary.fetched += 1
        return
    if record.state == "refused":
        summary.refused += 1
    else:
        summary.failed += 1
    reporter.warning(
        ContentWarning(f"image {record.state}: {record.url}: {record.error}", place[0], place[1])
    )


def _archive_one(
    want: _Wanted,
    content_dir: Path,
    journal: Journal,
    options: FetchOptions,
    pacer: HostPacer,
    context: ssl.SSLContext,
) -> Record:
    """Fetch the original, else the forms it was written in (a proxy that still
    works), store it, and record the outcome in the manifest at once."""
    direct = (absolute(decoded(f.written, f.where)) for f in want.found)
    sources = list(dict.fromkeys([want.url, *direct]))
    attempts = 0
    errors: list[str] = []
    for source in sources:
        try:
            fetched = fetch(source, options, pacer, context)
        except FetchFailed as exc:
            attempts += exc.attempts
            errors.append(str(exc) if len(sources) == 1 else f"{exc} ({source})")
            state = "refused" if isinstance(exc, Refused) else "failed"
            record = _failure(want, state, "; ".join(errors), exc.status, attempts)
            if state == "refused":
                break  # a form the policy refuses is not tried through a proxy either
            continue
        digest, path = _store(content_dir, fetched.data, fetched.kind.extension)
        record = Record(
            url=want.url,
            state="stored",
            written=tuple(want.written),
            sha256=digest,
            path=path,
            fetched=_now(),
            http_status=fetched.status,
            type=fetched.kind.mime,
            served_type=fetched.served_type,
            bytes=len(fetched.data),
            source=fetched.url,
            attempts=attempts + fetched.attempts,
        )
        break
    journal.record(record)
    return record


def _failure(want: _Wanted, state: str, error: str, status: int | None, attempts: int) -> Record:
    return Record(
        url=want.url,
        state=state,
        written=tuple(want.written),
        http_status=status,
        error=error,
        attempts=attempts,
        last_try=_now(),
    )


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
