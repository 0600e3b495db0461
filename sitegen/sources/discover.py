"""Find the files of a content folder, never leaving it.

Markdown files become documents; every other file is copied as it is
(images, and the original texts importers keep next to their documents).
Hidden files, symlinks pointing outside `content/`, and symlink loops are
skipped with a warning.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path

DOCUMENT_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class ContentFile:
    path: Path
    rel: str  # posix path relative to content/

    @property
    def is_document(self) -> bool:
        return self.rel.lower().endswith(DOCUMENT_SUFFIXES)


def discover(
    content_dir: Path, exclude: tuple[str, ...] = ()
) -> tuple[list[ContentFile], list[str]]:
    """Return the content files (sorted) and warnings about skipped ones."""
    files: list[ContentFile] = []
    warnings: list[str] = []
    if not content_dir.is_dir():
        return files, warnings
    root = content_dir.resolve()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        kept = []
        for name in sorted(dirnames):
            if name.startswith("."):
                continue
            if (here / name).is_symlink():
                warnings.append(f"{_rel(here / name, root)}: symlinked folder skipped")
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith("~"):
                continue
            path = here / name
            rel = _rel(path, root)
            if any(fnmatch.fnmatch(rel, pattern) for pattern in exclude):
                continue
            if path.is_symlink():
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):
                    warnings.append(f"content/{rel}: broken or looping symlink skipped")
                    continue
                if not target.is_relative_to(root) or not target.is_file():
                    warnings.append(f"content/{rel}: symlink points outside content/, skipped")
                    continue
            files.append(ContentFile(path, rel))
    files.sort(key=lambda f: f.rel)
    return files, warnings


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()
