"""Our own exception types.

Every problem a user can fix is one of these, carrying the file and line it
comes from and a hint on what to do. The CLI turns them into one-line
messages; nothing else should reach the user as a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class SitegenError(Exception):
    """A problem the user can fix: `path:line: message — hint`."""

    message: str
    path: Path | str | None = None
    line: int | None = None
    hint: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __reduce__(self):
        """Keep every field when the error crosses from a worker process."""
        return (type(self), (self.message, self.path, self.line, self.hint))

    def location(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else f"{self.path}"

    def __str__(self) -> str:
        text = self.message
        if self.hint:
            text = f"{text} — {self.hint}"
        where = self.location()
        return f"{where}: {text}" if where else text


class ContentError(SitegenError):
    """One document cannot be read; the build skips it and goes on."""


class ContentWarning(SitegenError):
    """Something in the content was worked around (a URL collision, a skipped symlink)."""


class ConfigError(SitegenError):
    """site.yml or a command-line option is invalid; nothing is built."""


class OutputPathError(SitegenError):
    """The output folder is somewhere a build must never write or delete."""


class ThemeError(SitegenError):
    """A template is missing or broken; nothing is written."""


class ImportFailed(SitegenError):
    """A source file cannot be imported; nothing is written for it."""


class BuildFailed(SitegenError):
    """The build stopped; the previous output is left untouched."""


class DocumentsFailed(BuildFailed):
    """Documents failed that a strict build (the preview server's) does not tolerate."""

    def __init__(self, failures: list[SitegenError]) -> None:
        super().__init__(f"{len(failures)} document(s) could not be read")
        self.failures = failures

    def __reduce__(self):
        return (type(self), (self.failures,))
