"""A preview session: build, serve, watch, rebuild, and reload open pages.

A build commits even when some documents fail (they are skipped), which
would drop a page the moment its front matter breaks. So rebuilds are
strict: a document that breaks anew stops the rebuild, the last good site
stays up, and the error is shown over it until the file is fixed. The cache
state stays in memory between rebuilds and is saved once, at the end.
"""

from __future__ import annotations

import os
import queue
import threading
import time
import traceback
import webbrowser
from functools import partial
from pathlib import Path

from sitegen.build import build
from sitegen.cache import Session
from sitegen.config import Config, load_config
from sitegen.errors import DocumentsFailed, SitegenError
from sitegen.report import Reporter
from sitegen.serve import Handler, LiveState, Server, Server6, describe, is_loopback

WATCH_STEP_MS = 50  # quiet time that ends a burst of changes
WATCH_TIMEOUT_MS = 250  # idle wake-up; the first one tells that watching has begun
WATCH_READY_SECONDS = 30.0


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
        self.host = host  # requests must name it (see `serve.host_allowed`)
        self.state = LiveState()
        self.session = Session()
        self.moved: dict[str, str] = {}  # old URL → current URL, for pages open at the old one
        self._baseline: list[SitegenError] = []
        self._changes: queue.Queue[set[Path] | None] = queue.Queue()
        self._stop = threading.Event()
        self._rewatch = threading.Event()
        self._threads: dict[str, threading.Thread] = {}
        server_class = Server6 if ":" in host else Server
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
        """The settings (site.yml, or a Hexo site's _config.yml), and the content
        folder or themes/ appearing, in the site folder itself."""
        settings = {"site.yml", "_config.yml"}
        names = settings | {self.config.content, "themes"}
        site = [self.config.site_dir]
        accept = lambda _change, path: Path(path).name in names  # noqa: E731 - a filter
        for paths in self._watch(site, self._stop, ready, recursive=False, watch_filter=accept):
            if any(path.name not in settings for path in paths):
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
        self.moved = follow(self.moved, result.moved)
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


def follow(moved: dict[str, str], new: dict[str, str]) -> dict[str, str]:
    """Every URL a document had during this preview → where it is after `new`
    moves; a page left open since its first URL still finds it."""
    updated = {old: new.get(now, now) for old, now in moved.items()}
    updated.update(new)
    return {old: now for old, now in updated.items() if old != now}
