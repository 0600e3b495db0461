"""Reporters: where the user is told what happened.

Library code never prints; it calls a reporter. The console reporter writes
to stderr, the buffer reporter keeps messages so tests can assert on them.
"""

from __future__ import annotations

import sys
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

    def _emit(self, level: str, message: str) -> None:
        if level == "info":
            if not self.quiet:
                print(message, file=self.stream)
        else:
            print(f"{level}: {message}", file=self.stream)
