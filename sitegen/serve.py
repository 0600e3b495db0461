"""Preview server: serves the built site over HTTP on loopback.

Requests map onto files of the output folder only: the path is decoded
once, split into segments, and any segment that could climb out (`..`,
backslashes, NUL, drive letters) is a 404; the final file must resolve
inside the output folder, so symlinks cannot lead out either.
"""

from __future__ import annotations

import http.server
import mimetypes
import os
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sitegen.config import Config
from sitegen.errors import SitegenError
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


def resolve_request(path: str, root: Path, base_path: str) -> Path | None:
    """The file under `root` that a request path names, or None."""
    raw = urlsplit(path).path
    decoded = unquote(raw, errors="strict") if "%" in raw else raw
    if not decoded.startswith(base_path):
        return None
    rest = decoded[len(base_path) :]
    parts = rest.split("/")
    for part in parts:
        if part in (".", "..") or "\\" in part or "\x00" in part or ":" in part:
            return None
    candidate = root.joinpath(*[p for p in parts if p])
    if candidate.is_dir():
        candidate = candidate / "index.html"
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not real.is_relative_to(root.resolve()) or not real.is_file():
        return None
    return real


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "sitegen"

    def __init__(self, *args, root: Path, base_path: str, **kwargs):
        self.root, self.base_path = root, base_path
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._respond(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(head=True)

    def _respond(self, head: bool) -> None:
        try:
            target = resolve_request(self.path, self.root, self.base_path)
        except UnicodeDecodeError:
            target = None
        raw_path = urlsplit(self.path).path
        if (
            target is not None
            and target.name == "index.html"
            and not raw_path.endswith(("/", ".html"))
            and not raw_path.startswith("//")
        ):
            self.send_response(301)
            self.send_header("Location", raw_path + "/")
            self.end_headers()
            return
        status = 200
        if target is None:
            status, target = 404, self.root / "404.html"
            if not target.is_file():
                self.send_error(404)
                return
        data = target.read_bytes()
        self.send_response(status)
        suffix = target.suffix.lower()
        ctype = TEXT_TYPES.get(suffix) or mimetypes.guess_type(target.name)[0]
        self.send_header("Content-Type", ctype or "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        """Quiet: the console is for build messages."""


def make_server(config: Config, host: str, port: int) -> http.server.ThreadingHTTPServer:
    handler = partial(Handler, root=config.output_dir, base_path=config.base_path)
    try:
        return http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise SitegenError(
            f"cannot listen on {host}:{port}: {os.strerror(exc.errno or 0)}",
            hint="another server may be using the port; pass --port",
        ) from None


def serve_forever(config: Config, host: str, port: int, reporter: Reporter) -> None:
    server = make_server(config, host, port)
    if host not in ("127.0.0.1", "localhost", "::1"):
        reporter.warning(f"serving on {host}: other machines can reach this preview")
    shown = f"[{host}]" if ":" in host else host
    reporter.info(
        f"serving http://{shown}:{server.server_address[1]}{config.base_path} (Ctrl-C stops)"
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        reporter.info("stopped")
    finally:
        server.server_close()
