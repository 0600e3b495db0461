"""Posts that already have front matter (seed 000): copied into content/posts.

Such a post is already a document; rewriting its front matter would lose
what its author wrote, so it is written as it is (as UTF-8), only checked
that its front matter reads.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

import yaml

from sitegen.errors import ImportFailed
from sitegen.importers.records import ImportOptions, Record, Source

KIND = "post"

_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


def _split(text: str) -> tuple[str, int] | None:
    """The YAML between the first two `---` lines (leading blank lines allowed)."""
    stripped = text.lstrip("\ufeff \t\n")
    if not stripped.startswith("---"):
        return None
    fences = list(_FENCE.finditer(stripped))
    if len(fences) < 2 or fences[0].start() != 0:
        return None
    offset = text.count("\n", 0, len(text) - len(stripped)) + 1
    return stripped[fences[0].end() : fences[1].start()], offset


def detect(text: str) -> float:
    found = _split(text)
    if found is None:
        return 0.0
    return 0.95 if re.search(r"^title\s*:", found[0], re.MULTILINE) else 0.6


def boilerplate_lines(text: str) -> list[str]:
    return []


def parse(text: str, source: Source, options: ImportOptions) -> list[Record]:
    found = _split(text)
    if found is None:
        raise ImportFailed(
            "a post must start with front matter between `---` lines",
            path=source.name,
            hint="add `---`, `title: …`, `---` at the top, or pick another --kind",
        )
    yaml_text, offset = found
    try:
        data = yaml.safe_load(yaml_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ImportFailed(
            f"the front matter is not valid YAML ({getattr(exc, 'problem', exc)})",
            path=source.name,
            line=offset + mark.line + 1 if mark else None,
            hint="fix the YAML between the `---` lines",
        ) from exc
    if not isinstance(data, dict):
        raise ImportFailed(
            "the front matter must be a mapping of `key: value` lines",
            path=source.name,
            line=offset,
        )
    notes = []
    ignored = [
        f
        for f, v in (
            ("--publication", options.publication),
            ("--date", options.date),
            ("--issue", options.issue),
            ("--page", options.page),
        )
        if v
    ]
    if ignored:
        notes.append(
            f"{source.name}: {', '.join(ignored)} ignored: a post keeps its own front matter"
        )
    return [Record(PurePosixPath("posts", f"{source.stem}.md"), None, text, notes)]
