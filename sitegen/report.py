"""Reporters: where the user is told what happened.

Library code never prints; it calls a reporter. The console reporter writes
to stderr, the buffer reporter keeps messages so tests can assert on them.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import TextIO


@dataclass
class Reporter:
    """Collects warnings and errors; subclasses decide where they go."""

    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def info(self, message: str) -> None:
        self._emit("info", message)

    def warning(self, message: object) -> None:
        self.warnings.append(str(message))
        self._emit("warning", str(message))

    def error(self, message: object) -> None:
        self.errors.append(str(message))
        self._emit("error", str(message))

    def progress(self, label: str, done: int, total: int) -> None:
        """Work under way; only a terminal shows it."""

    def _emit(self, level: str, message: str) -> None:
        """Default: keep quiet (the buffer behaviour)."""


@dataclass
class BufferReporter(Reporter):
    """Keeps every message, info included, for tests."""

    infos: list[str] = field(default_factory=list)

    def _emit(self, level: str, message: str) -> None:
        if level == "info":
            self.infos.append(message)


@dataclass
class ConsoleReporter(Reporter):
    """Writes to stderr; `quiet` hides info lines."""

    stream: TextIO = field(default_factory=lambda: sys.stderr)
    quiet: bool = False
    _since: float = 0.0
    _last: tuple[str, int] = ("", 0)
    _shown: float = 0.0

    def progress(self, label: str, done: int, total: int) -> None:
        """A one-line bar on a terminal, once a stage has run for two seconds."""
        now = time.monotonic()
        if label != self._last[0] or done < self._last[1]:
            self._since = now  # a new stage (or a new build in the preview)
        self._last = (label, done)
        if self.quiet or not self.stream.isatty() or now - self._since < 2:
            return
        if done < total and now - self._shown < 0.1:
            return
        self._shown = now
        width = 30
        filled = width * done // max(total, 1)
        end = "\n" if done >= total else ""
        bar = "#" * filled + "-" * (width - filled)
        print(f"\r{label:<10} [{bar}] {done}/{total}", end=end, file=self.stream, flush=True)

    def _emit(self, level: str, message: str) -> None:
        if level == "info":
            if not self.quiet:
                print(message, file=self.stream)
        else:
            print(f"{level}: {message}", file=self.stream)
