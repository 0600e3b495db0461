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

from sitegen.errors import ContentWarning

DOCUMENT_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
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
    content_dir: Path, exclude: tuple[str, ...] = ()
) -> tuple[list[ContentFile], list[ContentWarning]]:
    """Return the content files (sorted) and warnings about skipped ones."""
    files: list[ContentFile] = []
    warnings: list[ContentWarning] = []
    if not content_dir.is_dir():
        return files, warnings
    root = content_dir.resolve()
    prefix = len(str(root)) + 1
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        kept = []
        for name in sorted(dirnames):
            if name.startswith("."):
                continue
            if os.path.islink(os.path.join(dirpath, name)):
                rel = os.path.join(dirpath, name)[prefix:].replace(os.sep, "/")
                warnings.append(
                    ContentWarning(
                        "symlinked folder skipped",
                        f"content/{rel}",
                        hint="copy the folder into content/ instead",
                    )
                )
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith("~"):
                continue
            full = os.path.join(dirpath, name)
            rel = full[prefix:].replace(os.sep, "/")
            if exclude and any(fnmatch.fnmatch(rel, pattern) for pattern in exclude):
                continue
            if os.path.islink(full):
                try:
                    target = Path(full).resolve(strict=True)
                except (OSError, RuntimeError):
                    warnings.append(
                        ContentWarning(
                            "broken or looping symlink skipped",
                            f"content/{rel}",
                            hint="remove the link",
                        )
                    )
                    continue
                if not target.is_relative_to(root) or not target.is_file():
                    warnings.append(
                        ContentWarning(
                            "symlink points outside content/, skipped",
                            f"content/{rel}",
                            hint="copy the file into content/",
                        )
                    )
                    continue
            files.append(ContentFile(full, rel))
    files.sort(key=lambda f: f.rel)
    return files, warnings
