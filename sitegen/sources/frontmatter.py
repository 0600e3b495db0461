"""Split a post into YAML front matter and body, the way Hexo archives write them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from sitegen.errors import ContentError

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """The safe loader, without YAML's own timestamps: dates stay text for
    `sources.dates`, which knows the site's timezone and reports bad ones."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}
_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)
_KEY = re.compile(r"^([^\s:#][^:]*?)\s*:", re.MULTILINE)


MAX_VALUES = 10_000


def _expands_beyond(value: Any, budget: int) -> bool:
    """True for an alias bomb: a small YAML text that expands to millions of values."""
    stack, seen = [value], 0
    while stack:
        item = stack.pop()
        seen += 1
        if seen > budget:
            return True
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


@dataclass(frozen=True)
class FrontMatter:
    """Parsed front matter, the body after it, and where things are."""

    meta: dict[str, Any]
    body: str
    body_line: int
    key_lines: dict[str, int]


def split(text: str, path: str = "") -> FrontMatter:
    """Parse `text`; a file with no front matter is all body.

    Accepts a BOM, blank lines before the first `---` and CRLF line ends.
    Errors carry the line in the file, not in the YAML block.
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    stripped = text.lstrip(" \t\n")
    skipped = text[: len(text) - len(stripped)].count("\n")
    first = _FENCE.match(stripped)
    if not first:
        return FrontMatter({}, text, 1, {})
    start = first.end() + 1 if stripped[first.end() : first.end() + 1] == "\n" else first.end()
    closing = _FENCE.search(stripped, start)
    if not closing:
        raise ContentError(
            "front matter starts with `---` but never ends",
            path,
            skipped + 1,
            "add a closing `---` line after the front matter",
        )
    block = stripped[start : closing.start()]
    first_yaml_line = skipped + 2
    try:
        meta = yaml.load(block, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_yaml_line + mark.line if mark else skipped + 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and context_mark:
            problem += f" ({context} that starts on line {first_yaml_line + context_mark.line})"
        raise ContentError(
            f"invalid YAML front matter: {problem}",
            path,
            line,
            "check quotes and indentation; quote titles that contain ': '",
        ) from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise ContentError(
            f"front matter value cannot be read: {exc}",
            path,
            first_yaml_line,
            "check the values, e.g. dates like 2022-04-08",
        ) from None
    if meta is None:
        meta = {}
    if _expands_beyond(meta, MAX_VALUES):
        raise ContentError(
            f"front matter holds more than {MAX_VALUES:,} values once YAML aliases are expanded",
            path,
            first_yaml_line,
            "remove the `&anchor`/`*alias` references; front matter needs none",
        )
    if not isinstance(meta, dict):
        raise ContentError(
            f"front matter is a {type(meta).__name__}, not a mapping",
            path,
            first_yaml_line,
            "write it as `key: value` lines",
        )
    key_lines = {
        m.group(1).strip("'\""): first_yaml_line + block.count("\n", 0, m.start())
        for m in _KEY.finditer(block)
    }
    body = stripped[closing.end() :].lstrip("\n")
    body_line = skipped + 1 + stripped.count("\n", 0, len(stripped) - len(body))
    return FrontMatter(meta, body, body_line, key_lines)
