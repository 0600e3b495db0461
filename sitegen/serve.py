"""Preview server: build, serve, watch, rebuild, and reload open pages.

Why it is shaped like this:

- Requests map onto files of the output folder only. The path is decoded
  once, strictly (overlong UTF-8 fails), split into segments, and any segment
  that could climb out or hide something (empty, dot-led, backslash, colon,
  control characters) is a 404; the file must also resolve inside the output
  folder, so symlinks cannot lead out. Redirects are built from the checked
  segments, never echoed from the request, so `//host` cannot become one.
- The reload script and the error overlay are injected into HTML responses
  at serve time, so a build made for deploying never contains them.
- A build commits even when some documents fail (they are skipped), which
  would drop a page the moment its front matter breaks. So changed documents
  are read first, and a newly broken one stops the rebuild: the last good
  site stays up and the error is shown over it until the file is fixed.
"""

from __future__ import annotations

import http.server
import ipaddress
import json
import mimetypes
import os
import queue
import secrets
import shutil
import socket
import threading
import time
import traceback
import webbrowser
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import quote, unquote

from sitegen.build import build
from sitegen.cache import Session
from sitegen.config import Config, load_config
from sitegen.errors import DocumentsFailed, SitegenError
from sitegen.report import Reporter

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
WATCH_STEP_MS = 50  # quiet time that ends a burst of changes
WATCH_TIMEOUT_MS = 250  # idle wake-up; the first one tells that watching has begun
WATCH_READY_SECONDS = 30.0

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


def lookup(target: str, root: Path, base_path: str) -> Lookup:
    """Map a request target onto a file under `root`; anything doubtful is not found."""
    if not target.startswith("/"):
        return Lookup()
    raw = target.split("?", 1)[0].split("#", 1)[0]
    try:
        path = unquote(raw, errors="strict")
    except UnicodeDecodeError:
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
        if self.preview.live and self.path.split("?", 1)[0] == EVENTS_PATH:
            self._stream_events()
        else:
            self._respond(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(head=True)

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


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


class _Server6(_Server):
    address_family = socket.AF_INET6


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Preview:
    """One preview session: the HTTP server, the file watchers and the rebuilds.

    The port is bound in the constructor, before the first (possibly long)
    build, so a port in use is reported at once.
    """

    def __init__(
        self,
        config: Config,
        reporter: Reporter,
        host: str = "127.0.0.1",
        port: int = 8000,
        live: bool = True,
    ) -> None:
        self.config, self.reporter, self.live = config, reporter, live
        self.state = LiveState()
        self.session = Session()
        self._baseline: list[SitegenError] = []
        self._changes: queue.Queue[set[Path] | None] = queue.Queue()
        self._stop = threading.Event()
        self._rewatch = threading.Event()
        self._threads: dict[str, threading.Thread] = {}
        server_class = _Server6 if ":" in host else _Server
        try:
            self._server = server_class((host, port), partial(Handler, preview=self))
        except OSError as exc:
            reason = os.strerror(exc.errno) if exc.errno else str(exc)
            raise SitegenError(
                f"cannot listen on {host}:{port}: {reason}",
                hint="another program may be using the port; stop it or pass --port",
            ) from None
        if not is_loopback(host):
            reporter.warning(f"listening on {host}: other machines can reach this preview")

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}{self.config.base_path}"

    def start(self) -> None:
        """Build once, then serve, and (when live) watch and rebuild in the background."""
        try:
            result = build(self.config, self.reporter, session=self.session)
        except BaseException:
            self._server.server_close()
            raise
        self._accept(result.failures, rebuilt=False)
        failed = len(result.failures)
        skipped = f"; {failed} document(s) failed and were skipped" if failed else ""
        self.reporter.info(f"built {result.pages} pages in {result.seconds:.2f}s{skipped}")
        self._spawn("server", self._server.serve_forever, 0.1)
        if self.live:
            ready = [threading.Event(), threading.Event()]
            self._spawn("rebuild", self._rebuild_loop)
            self._spawn("watch-site", self._watch_site, ready[0])
            self._spawn("watch-tree", self._watch_tree, ready[1])
            for event in ready:
                event.wait(WATCH_READY_SECONDS)

    def run(self, open_browser: bool = False) -> None:
        """Serve until Ctrl-C, then shut everything down."""
        try:
            self.start()
            self.reporter.info(f"serving {self.url} (Ctrl-C stops)")
            if open_browser:
                webbrowser.open(self.url)
            server = self._threads["server"]
            while server.is_alive():
                server.join(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()
        self.reporter.info("stopped")

    def stop(self) -> None:
        """Stop watching, end event streams, close the port; a running build finishes."""
        if self._stop.is_set():
            return
        self._stop.set()
        self._rewatch.set()
        self._changes.put(None)
        self.state.close()
        if "server" in self._threads:
            self._server.shutdown()
        self._server.server_close()
        builder = self._threads.get("rebuild")
        if builder is not None and builder.is_alive():
            builder.join(0.5)
            if builder.is_alive():
                self.reporter.info("waiting for the running build to finish")
        for thread in self._threads.values():
            thread.join()
        self.session.save(self.config)

    def _spawn(self, name: str, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, name=f"sitegen-{name}", daemon=True)
        self._threads[name] = thread
        thread.start()

    def _watch(self, roots: list[Path], until: threading.Event, ready: threading.Event, **options):
        """Batches of changed paths. `ready` is set at the first wake-up (a change or
        a timeout), which comes only once the watches are in place: a save made
        right after `start()` returns is not missed."""
        from watchfiles import watch

        for changes in watch(
            *roots,
            step=WATCH_STEP_MS,
            rust_timeout=WATCH_TIMEOUT_MS,
            yield_on_timeout=True,
            stop_event=until,
            raise_interrupt=False,
            **options,
        ):
            ready.set()
            if changes:
                yield {Path(path) for _, path in changes}

    def _watch_site(self, ready: threading.Event) -> None:
        """site.yml, and content/ or themes/ appearing, in the site folder itself."""
        names = {"site.yml", "content", "themes"}
        site = [self.config.site_dir]
        accept = lambda _change, path: Path(path).name in names  # noqa: E731 - a filter
        for paths in self._watch(site, self._stop, ready, recursive=False, watch_filter=accept):
            if any(path.name != "site.yml" for path in paths):
                self._rewatch.set()
            self._changes.put(paths)

    def _watch_tree(self, ready: threading.Event) -> None:
        """content/ and themes/, recursively; restarted when either appears or vanishes."""
        while not self._stop.is_set():
            self._rewatch.clear()
            roots = [p for p in (self.config.content_dir, self.config.themes_dir) if p.is_dir()]
            try:
                if roots:
                    for paths in self._watch(roots, self._rewatch, ready):
                        self._changes.put(paths)
                    continue
            except OSError:  # a root vanished while the watch began; look again soon
                pass
            ready.set()
            self._rewatch.wait(1.0)

    def _rebuild_loop(self) -> None:
        """Take every change that arrived meanwhile as one batch, so a burst is one build."""
        while (changed := self._changes.get()) is not None:
            while True:
                try:
                    more = self._changes.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    return
                changed |= more
            self.rebuild(changed)

    def rebuild(self, changed: set[Path]) -> None:
        """Bring the served site up to date, unless that would lose a good page."""
        started = time.perf_counter()
        try:
            config = load_config(self.config.site_dir, self.config.output_dir)
            tolerated = {str(error.path) for error in self._baseline}
            # One process: forking from a threaded server is unsafe, and rebuilds are small.
            result = build(config, self.reporter, jobs=1, tolerate=tolerated, session=self.session)
        except DocumentsFailed as exc:
            for error in exc.failures:
                self.reporter.error(error)
            self._refuse(exc.failures)
            return
        except SitegenError as exc:
            self.reporter.error(exc)
            self._refuse([exc])
            return
        except Exception as exc:  # a bug must not end the preview; show it instead
            self.reporter.error("".join(traceback.format_exception(exc)))
            self._refuse([SitegenError(f"internal error: {exc!r}", hint="see the console")])
            return
        self.config = config
        self._accept(result.failures, rebuilt=True)
        self.reporter.info(
            f"rebuilt in {time.perf_counter() - started:.2f}s: "
            f"{result.written} written, {result.unchanged} unchanged"
        )

    def _accept(self, failures: list[SitegenError], rebuilt: bool) -> None:
        """A build is served: pages reload; documents it skipped stay listed."""
        self._baseline = list(failures)
        headline = (
            f"{len(failures)} document(s) could not be read and are missing from the site"
            if failures
            else ""
        )
        self.state.update(
            rebuilt=rebuilt, headline=headline, problems=[describe(e) for e in failures]
        )

    def _refuse(self, errors: list[SitegenError]) -> None:
        """A rebuild failed: the last good build stays, the errors go over it."""
        self.state.update(
            rebuilt=False,
            headline="sitegen could not rebuild; this is the last good version of the site",
            problems=[describe(e) for e in errors + self._baseline],
        )
