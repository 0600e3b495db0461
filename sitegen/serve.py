"""The preview's HTTP side: safe path lookup, injected reload script, events.

The session that builds, watches and rebuilds is `sitegen.preview`.
Why this part is shaped like this:

- A request is answered only when its `Host` header names the address the
  preview listens on (421 otherwise). A page from elsewhere whose name is
  made to resolve to 127.0.0.1 (DNS rebinding) sends its own name there, so
  it cannot read the archive or the event stream.
- Requests map onto files of the output folder only. The path is decoded
  once, strictly (overlong UTF-8 fails), split into segments, and any segment
  that could climb out or hide something (empty, dot-led, backslash, colon,
  control characters) is a 404; the file must also resolve inside the output
  folder, so symlinks cannot lead out. Redirects are built from the checked
  segments, never echoed from the request, so `//host` cannot become one.
- The reload script and the error overlay are injected into HTML responses
  at serve time, so a build made for deploying never contains them.
- Open pages follow a small state (build id, headline, problems) over
  Server-Sent Events: a new build id reloads them, problems show in an overlay.
"""

from __future__ import annotations

import http.server
import ipaddress
import json
import mimetypes
import os
import secrets
import shutil
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from sitegen import urls
from sitegen.errors import SitegenError

if TYPE_CHECKING:  # the session that owns a handler; it imports this module
    from sitegen.preview import Preview

TEXT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
}
EVENTS_PATH = "/__sitegen/events"
KEEPALIVE_SECONDS = 15.0

RELOAD_SCRIPT = """<script>/* sitegen serve: live reload; never part of a build */
(function () {
  var page = __STATE__;
  function show(state) {
    var box = document.getElementById("sitegen-overlay");
    if (box) box.remove();
    if (!state.problems.length) return;
    box = document.createElement("div");
    box.id = "sitegen-overlay";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;z-index:2147483647;left:1em;right:1em;bottom:1em;" +
      "max-height:60vh;overflow:auto;padding:1em;background:#fff3f3;color:#5c0000;" +
      "border:2px solid #c00;border-radius:6px;font:14px/1.45 ui-monospace,monospace;" +
      "box-shadow:0 4px 18px rgba(0,0,0,.35)";
    var close = document.createElement("button");
    close.textContent = "\\u00d7";
    close.setAttribute("aria-label", "close");
    close.style.cssText = "float:right;font-size:1.2em";
    close.onclick = function () { box.remove(); };
    var head = document.createElement("strong");
    head.textContent = state.headline;
    box.append(close, head);
    state.problems.forEach(function (p) {
      var pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:.6em 0 0";
      pre.textContent = (p.location ? p.location + ": " : "") + p.message;
      box.append(pre);
    });
    (document.body || document.documentElement).append(box);
  }
  show(page);
  if (!window.EventSource) return;
  var source = new EventSource("__EVENTS__");
  source.onopen = function () { window.sitegenLive = true; };
  source.onmessage = function (event) {
    var now = JSON.parse(event.data);
    if (now.build !== page.build) { source.close(); location.reload(); } else show(now);
  };
})();
</script>
"""


@dataclass(frozen=True)
class Lookup:
    """Where a request leads: a file, a redirect, or (neither) not found."""

    file: Path | None = None
    redirect: str | None = None


def _safe_segment(part: str) -> bool:
    """A path segment that names a child, and only that."""
    return (
        bool(part)
        and not part.startswith(".")
        and not any(c in "\\:" or ord(c) < 32 or ord(c) == 127 for c in part)
    )


def _inside(candidate: Path, root: Path) -> Path | None:
    """The real path of `candidate` if it exists inside `root` (after symlinks)."""
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return real if real.is_relative_to(root) else None


def _request_path(target: str) -> str | None:
    """The decoded path of a request target, without query or fragment; None if doubtful."""
    if not target.startswith("/"):
        return None
    try:
        return unquote(target.split("?", 1)[0].split("#", 1)[0], errors="strict")
    except UnicodeDecodeError:
        return None


def lookup(target: str, root: Path, base_path: str) -> Lookup:
    """Map a request target onto a file under `root`; anything doubtful is not found."""
    path = _request_path(target)
    if path is None:
        return Lookup()
    if base_path != "/" and path in ("/", base_path.rstrip("/")):
        return Lookup(redirect=base_path)
    if not path.startswith(base_path):
        return Lookup()
    parts = path[len(base_path) :].split("/")
    wants_dir = parts[-1] == ""
    if wants_dir:
        parts.pop()
    if not all(_safe_segment(part) for part in parts):
        return Lookup()
    try:
        real_root = root.resolve(strict=True)
    except (OSError, RuntimeError):
        return Lookup()
    found = _inside(real_root.joinpath(*parts), real_root)
    if found is not None and found.is_dir():
        if not wants_dir:
            location = base_path + "".join(quote(part) + "/" for part in parts)
            return Lookup(redirect=location) if not location.startswith("//") else Lookup()
        found = _inside(found / "index.html", real_root)
    elif wants_dir:
        return Lookup()
    if found is None or not found.is_file():
        return Lookup()
    return Lookup(file=found)


def relocated(target: str, base_path: str, moved: dict[str, str]) -> str | None:
    """Where the page at `target` went, if its document moved in this preview
    (retitled, re-dated, recategorised): an open page follows it on reload.
    The location is made from the site's own URL, never from the request."""
    path = _request_path(target) if moved else None
    if path is None or not path.startswith(base_path):
        return None
    new = moved.get(path[len(base_path) :])
    location = "" if new is None else urls.href(new, base_path)
    return location if location.startswith(base_path) and not location.startswith("//") else None


def describe(error: SitegenError) -> dict[str, str]:
    """An error as the overlay shows it: where, and what is wrong."""
    message = f"{error.message} — {error.hint}" if error.hint else error.message
    return {"location": error.location(), "message": message}


def inject(html: bytes, state: dict) -> bytes:
    """Put the reload script (carrying the current state) before `</body>`."""
    data = json.dumps(state).replace("<", "\\u003c")
    snippet = RELOAD_SCRIPT.replace("__STATE__", data).replace("__EVENTS__", EVENTS_PATH)
    at = html.lower().rfind(b"</body")
    if at < 0:
        return html + snippet.encode()
    return html[:at] + snippet.encode() + html[at:]


class LiveState:
    """What open pages should show; event streams wait on it for changes."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._session = secrets.token_hex(4)
        self._generation = 0
        self._headline = ""
        self._problems: tuple[dict[str, str], ...] = ()
        self._closed = False

    def _current(self) -> dict:
        return {
            "build": f"{self._session}.{self._generation}",
            "headline": self._headline,
            "problems": list(self._problems),
        }

    def current(self) -> dict:
        with self._changed:
            return self._current()

    def update(self, *, rebuilt: bool, headline: str, problems: list[dict[str, str]]) -> None:
        """A new build (pages reload) or a new list of problems (overlays change)."""
        with self._changed:
            if rebuilt:
                self._generation += 1
            self._headline, self._problems = headline, tuple(problems)
            self._changed.notify_all()

    def wait(self, seen: dict | None, timeout: float) -> dict | None:
        """The state once it differs from `seen` (or on timeout); None once closed."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._current() != seen, timeout)
            return None if self._closed else self._current()

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()


class Handler(http.server.BaseHTTPRequestHandler):
    """Serves the output folder of one preview; see the module docstring."""

    server_version = "sitegen"

    def __init__(self, *args, preview: Preview, **kwargs):
        self.preview = preview
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if not self._addressed_here():
            return
        if self.preview.live and self.path.split("?", 1)[0] == EVENTS_PATH:
            self._stream_events()
        else:
            self._respond(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        if self._addressed_here():
            self._respond(head=True)

    def _addressed_here(self) -> bool:
        """Whether the request names this preview in its Host; if not, it gets a 421."""
        port = self.server.server_address[1]
        if host_allowed(self.headers.get("Host"), self.preview.host, port):
            return True
        body = b"421 Misdirected Request: this preview answers only its own address\n"
        self.send_response(421)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return False

    def _respond(self, head: bool) -> None:
        config = self.preview.config
        found = lookup(self.path, config.output_dir, config.base_path)
        if found.redirect is not None:
            self.send_response(301 if found.redirect != config.base_path else 302)
            self.send_header("Location", found.redirect)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status, target = 200, found.file
        moved = None if target else relocated(self.path, config.base_path, self.preview.moved)
        if moved is not None:
            self.send_response(302)  # temporary: the old URL may be taken again
            self.send_header("Location", moved)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if target is None:
            status = 404
            target = _inside(config.output_dir / "404.html", config.output_dir.resolve())
        try:
            self._send_file(status, target, head)
        except FileNotFoundError:
            self.send_error(404)
        except ConnectionError:
            pass

    def _send_file(self, status: int, target: Path | None, head: bool) -> None:
        if target is None:
            raise FileNotFoundError
        ctype = TEXT_TYPES.get(target.suffix.lower()) or mimetypes.guess_type(target.name)[0]
        with target.open("rb") as stream:
            if target.suffix.lower() == ".html" and self.preview.live:
                data = inject(stream.read(), self.preview.state.current())
                size = len(data)
            else:
                data, size = None, os.fstat(stream.fileno()).st_size
            self.send_response(status)
            self.send_header("Content-Type", ctype or "application/octet-stream")
            self.send_header("Content-Length", str(size))
            self.send_header("Cache-Control", "no-cache")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if head:
                return
            if data is not None:
                self.wfile.write(data)
            else:
                shutil.copyfileobj(stream, self.wfile)

    def _stream_events(self) -> None:
        """Server-Sent Events: the state now, then every change, until shutdown."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        seen = None
        try:
            self.wfile.write(b"retry: 1000\n\n")
            while (state := self.preview.state.wait(seen, KEEPALIVE_SECONDS)) is not None:
                if state == seen:
                    self.wfile.write(b": keepalive\n\n")
                else:
                    self.wfile.write(f"data: {json.dumps(state)}\n\n".encode())
                    seen = state
                self.wfile.flush()
        except (ConnectionError, OSError):
            pass

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        """Quiet: the console is for build messages."""


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


class Server6(Server):
    address_family = socket.AF_INET6


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_allowed(header: str | None, listen: str, port: int) -> bool:
    """Whether a `Host` header names the address `listen`:`port`.

    The name must be that address, or `localhost` and the loopback
    addresses when it is one of them, or, when listening on every address,
    any address or this machine's name. A name from a DNS record is
    refused: pointed at this machine, it is how a page from elsewhere would
    read the preview.
    """
    if not header:
        return False
    name, port_text = _split_host(header.strip().lower())
    if name is None or (port_text or "80") != str(port):
        return False
    listen = listen.lower().strip("[]")
    if name == listen:
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        address = None
    if listen in ("", "0.0.0.0", "::"):
        return address is not None or name in ("localhost", socket.gethostname().lower())
    if is_loopback(listen):
        return name == "localhost" or (address is not None and address.is_loopback)
    return False


def _split_host(value: str) -> tuple[str | None, str]:
    """A Host header's name (IPv6 without brackets) and port text; (None, "") if malformed."""
    if value.startswith("["):
        name, bracket, rest = value[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            return None, ""
        port = rest[1:]
    else:
        name, _, port = value.partition(":")
        if ":" in port:
            return None, ""
    if not name or (port and not port.isdigit()) or (not port and value.endswith(":")):
        return None, ""
    return name, port
