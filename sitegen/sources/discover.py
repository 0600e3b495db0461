"""Find the files of a content folder, never leaving it.

Markdown files become documents; every other file is copied as it is
(images, and the original texts importers keep next to their documents).
Hidden files, symlinks pointing outside `content/`, and symlink loops are
skipped with a warning. In a Hexo site's `source/`, names starting with `_`
are skipped too, but for `_posts/`, as Hexo skips them (drafts, partials).
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import ContentWarning

DOCUMENT_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True, slots=True)
class ContentFile:
    full: str  # absolute path (a string: archives have tens of thousands of these)
    rel: str  # posix path relative to content/

    @property
    def path(self) -> Path:
        return Path(self.full)

    @property
    def is_document(self) -> bool:
        return self.rel.lower().endswith(DOCUMENT_SUFFIXES)


def discover(
    content_dir: Path, exclude: tuple[str, ...] = (), hexo: bool = False
) -> tuple[list[ContentFile], list[ContentWarning]]:
    """Return the content files (sorted) and warnings about skipped ones."""
    files: list[ContentFile] = []
    warnings: list[ContentWarning] = []
    if content_dir.is_dir():
        root = content_dir.resolve()
        _walk(str(root), "", root, exclude, files, warnings, hexo)
    files.sort(key=lambda f: f.rel)
    return files, warnings


def _walk(
    folder: str,
    rel_folder: str,
    root: Path,
    exclude: tuple[str, ...],
    files: list[ContentFile],
    warnings: list[ContentWarning],
    hexo: bool = False,
) -> None:
    """One folder: scandir tells files, folders and links apart without a stat each."""
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda e: e.name)
    for entry in entries:
        name = entry.name
        rel = rel_folder + name
        if name.startswith(".") or hexo and name.startswith("_") and rel != "_posts":
            continue
        if entry.is_dir(follow_symlinks=False):
            _walk(entry.path, rel + "/", root, exclude, files, warnings, hexo)
            continue
        if entry.is_symlink() and _points_at_folder(entry):
            warnings.append(
                ContentWarning(
                    "symlinked folder skipped",
                    f"{root.name}/{rel}",
                    hint="copy the folder into content/ instead",
                )
            )
            continue
        if name.endswith("~"):
            continue
        if exclude and any(fnmatch.fnmatch(rel, pattern) for pattern in exclude):
            continue
        if entry.is_symlink() and not _inside(entry.path, rel, root, warnings):
            continue
        files.append(ContentFile(entry.path, rel))


def _points_at_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a link loop: reported as a file below
        return False


def _inside(full: str, rel: str, root: Path, warnings: list[ContentWarning]) -> bool:
    """Whether a symlinked file points at a file inside content/; warns if not."""
    try:
        target = Path(full).resolve(strict=True)
    except (OSError, RuntimeError):
        warnings.append(
            ContentWarning(
                "broken or looping symlink skipped", f"{root.name}/{rel}", hint="remove the link"
            )
        )
        return False
    if not target.is_relative_to(root) or not target.is_file():
        warnings.append(
            ContentWarning(
                "symlink points outside content/, skipped",
                f"{root.name}/{rel}",
                hint="copy the file into content/",
            )
        )
        return False
    return True
