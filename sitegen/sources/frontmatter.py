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

# The simple front matter nearly every archived post has (`key: value` lines,
# quoted or plain text values, `- item` lists) is read here directly: PyYAML
# spends most of a small build's parse time constructing it. Anything else
# goes to PyYAML; tests check that both read every simple block alike.
_SIMPLE_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?")
_SIMPLE_ITEM = re.compile(r"( *)- +(.*)")
_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)' *")
_DOUBLE_QUOTED = re.compile(r'"([^"\\]*)" *')
_BOOL = {
    **dict.fromkeys(["yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"], True),
    **dict.fromkeys(["no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"], False),
}
_NULL = {"", "~", "null", "Null", "NULL"}
_NOT_PLAIN_TEXT = frozenset("-+0123456789.<=~!&*?:,[]{}#|>'\"%@`")  # may be numbers, YAML syntax
_UNREAD = object()
# Characters YAML refuses, or reads as line breaks, or treats specially: leave those to it.
_NOT_SIMPLE = re.compile(
    "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)


def _simple_scalar(raw: str) -> Any:
    """The value of one simple scalar as YAML reads it, or _UNREAD for anything else."""
    if raw[:1] == "'":
        match = _SINGLE_QUOTED.fullmatch(raw)
        return match.group(1).replace("''", "'") if match else _UNREAD
    if raw[:1] == '"':
        match = _DOUBLE_QUOTED.fullmatch(raw)
        return match.group(1) if match else _UNREAD
    text = raw.rstrip(" ")
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if text[0] in _NOT_PLAIN_TEXT or ": " in text or " #" in text or text.endswith(":"):
        return _UNREAD
    return text


def _simple(block: str) -> dict[str, Any] | None:
    """`block` read as simple front matter, or None when it needs the YAML parser."""
    if _NOT_SIMPLE.search(block):
        return None
    lines = block.split("\n")
    meta: dict[str, Any] = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip(" "):
            continue
        match = _SIMPLE_KEY.fullmatch(line)
        if not match or match.group(1) in _BOOL or match.group(1) in _NULL:
            return None
        key, raw = match.groups()
        if raw and raw.strip(" "):
            value = _simple_scalar(raw)
        else:
            items: list[Any] = []
            indent = None
            while i < len(lines) and (item := _SIMPLE_ITEM.fullmatch(lines[i])):
                if indent is not None and item.group(1) != indent:
                    return None
                indent = item.group(1)
                items.append(_simple_scalar(item.group(2)))
                i += 1
            if i < len(lines) and lines[i][:1] == " " and lines[i].strip(" "):
                return None  # an indented line that is not an item: nested YAML
            if _UNREAD in items:
                return None
            value = items or None
        if value is _UNREAD:
            return None
        meta[key] = value
    return meta


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
    body = stripped[closing.end() :].lstrip("\n")
    body_line = skipped + 1 + stripped.count("\n", 0, len(stripped) - len(body))
    simple = _simple(block)
    if simple is not None:
        return FrontMatter(simple, body, body_line, _key_lines(block, first_yaml_line))
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
    return FrontMatter(meta, body, body_line, _key_lines(block, first_yaml_line))


def _key_lines(block: str, first_line: int) -> dict[str, int]:
    """The file line of each top-level key, for messages about its value."""
    return {
        m.group(1).strip("'\""): first_line + block.count("\n", 0, m.start())
        for m in _KEY.finditer(block)
    }
