"""Split a post into YAML front matter and body, the way Hexo archives write them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

import yaml

from sitegen.errors import ContentError

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"

# Keys whose values are texts a reader sees (a title, a tag). A plain scalar
# there is kept as the author typed it: a feed's post titled `NO` or `010`
# is titled NO or 010, never False or 8.
TEXT_KEYS = frozenset(
    ["title", "subtitle", "author", "categories", "category", "tags", "tag", "description"]
    + ["publication", "slug", "editor", "source"]
)


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    """An integer as js-yaml reads it: `010` is ten, `0o10` eight, `0x1F`
    thirty-one, `1_000` a thousand."""
    text = loader.construct_scalar(node).replace("_", "")
    digits = text.lstrip("+-")
    base = {"0x": 16, "0o": 8, "0b": 2}.get(digits[:2], 10)
    value = int(digits[2:] if base != 10 else digits, base)
    return -value if text.startswith("-") else value


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """The safe loader with YAML 1.2's core schema as js-yaml 4 (Hexo's reader)
    resolves plain scalars: only true/false are booleans, `010` is ten, `yes`
    and `1:20` are texts. No timestamps: dates stay text for `sources.dates`,
    which knows the site's timezone and reports bad ones."""


_Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _firsts in (
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    (
        "int",
        r"(?!.*_$)[-+]?(?:0b[01_]*[01][01_]*|0o[0-7_]*[0-7][0-7_]*"
        r"|0x[0-9a-fA-F_]*[0-9a-fA-F][0-9a-fA-F_]*|[0-9][0-9_]*)",
        "-+0123456789",
    ),
    (
        "float",
        r"(?!.*_$)(?:[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?"
        r"|\.[0-9_]+(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))",
        "-+.0123456789",
    ),
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ("merge", r"<<", "<"),
):
    _Loader.add_implicit_resolver(
        f"tag:yaml.org,2002:{_tag}", re.compile(f"^(?:{_pattern})$"), list(_firsts)
    )
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_CORE_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("str", "bool", "int", "float", "null"))


def _yaml11_tag(text: str) -> str:
    """The tag a YAML 1.1 reader (PyYAML, older tools) gives a plain scalar."""
    for tag, pattern in yaml.resolver.Resolver.yaml_implicit_resolvers.get(text[:1], []):
        if pattern.match(text):
            return tag
    return _STR


def _yaml11_value(text: str) -> Any:
    try:
        return yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 - a safe loader
    except (yaml.YAMLError, ValueError):
        return text


def _shown(value: Any) -> str:
    """A value as Hexo's templates print it (JavaScript's String())."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _described(value: Any) -> str:
    if value is None or value == "":
        return "nothing"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, bool):
        return _shown(value)
    return f"the number {_shown(value)}"


def _scalars(node: yaml.Node) -> Iterator[yaml.ScalarNode]:
    """Every plain (unquoted) scalar of a node, where YAML guesses a type."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, yaml.ScalarNode):
            if not item.style:  # None, or "" from the C parser
                yield item
        elif isinstance(item, yaml.SequenceNode):
            stack.extend(reversed(item.value))
        elif isinstance(item, yaml.MappingNode):
            stack.extend(n for pair in reversed(item.value) for n in reversed(pair))


def _construct(loader: _Loader, scalar: yaml.ScalarNode) -> Any:
    """The scalar's value, not remembered by the loader (its tag may change yet)."""
    return loader.yaml_constructors[scalar.tag](loader, scalar)


def _as_authors_meant(root: yaml.MappingNode, loader: _Loader) -> list[tuple[int, str]]:
    """Texts kept as typed under TEXT_KEYS; a note for each scalar that YAML 1.1
    readers take otherwise, or that is kept as typed where YAML would not."""
    notes = []
    for key_node, value_node in root.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
        for scalar in _scalars(value_node):
            if scalar.tag not in _CORE_TAGS:  # tagged by hand (`!!binary`): as the tag says
                continue
            typed = scalar.value
            old_tag = _yaml11_tag(typed)
            if old_tag == _TIMESTAMP:  # Hexo reads dates too; `sources.dates` reads these
                old_tag = _STR
            if old_tag == scalar.tag == _STR:
                continue
            old = _yaml11_value(typed) if old_tag != _STR else typed
            if key in TEXT_KEYS:
                new = _construct(loader, scalar)
                scalar.tag = _STR
                readers = {"Hexo": new, "YAML 1.1": old}
                if _shown(new) == _shown(old):
                    readers = {"Hexo and YAML 1.1": new}
                readings = [
                    f"{reader} would show {_described(value)}"
                    for reader, value in readers.items()
                    if _shown(value) != typed
                ]
                if readings:
                    notes.append(
                        (
                            scalar.start_mark.line,
                            f"`{key}: {typed}` is kept as the text you typed "
                            f"({'; '.join(readings)})",
                        )
                    )
            elif scalar.tag != old_tag or typed.lstrip("+-")[:1] == "0":
                new = _construct(loader, scalar)
                if new != old or type(new) is not type(old):
                    notes.append(
                        (
                            scalar.start_mark.line,
                            f"`{key}: {typed}` is read as {_described(new)}, as Hexo reads "
                            f"it (YAML 1.1 would read {_described(old)})",
                        )
                    )
    return notes


def read_yaml(block: str) -> tuple[Any, list[tuple[int, str]]]:
    """The value of a YAML block as Hexo reads it, and notes (line in the block,
    message) on the scalars that read differently from YAML 1.1."""
    loader = _Loader(block)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        notes = _as_authors_meant(node, loader) if isinstance(node, yaml.MappingNode) else []
        return loader.construct_document(node), notes
    finally:
        loader.dispose()


_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


class Span(NamedTuple):
    """Where a document's YAML block stands in its text as written."""

    start: int  # after the opening `---` line
    end: int  # where the closing `---` line begins
    newline: str  # the line end the file uses


def yaml_span(text: str) -> Span | None:
    """The front matter's place in `text` as written (a BOM, blank lines before
    the opening `---` and CRLF line ends kept), for edits that change no other
    byte (`sitegen ids`, `sitegen aliases`); None with no front matter."""
    head = len(text) - len(text.lstrip("\ufeff \t\r\n"))
    opening = _RAW_OPENING.match(text, head)
    closing = _RAW_FENCE.search(text, opening.end()) if opening else None
    if opening is None or closing is None:
        return None
    return Span(opening.end(), closing.start(), "\r\n" if "\r" in opening.group() else "\n")


_RAW_OPENING = re.compile(r"---[ \t]*\r?\n")  # matched where the text begins, after a BOM
_RAW_FENCE = re.compile(r"^---[ \t]*\r?$", re.MULTILINE)
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
    **dict.fromkeys(["true", "True", "TRUE"], True),
    **dict.fromkeys(["false", "False", "FALSE"], False),
}
# Plain words some YAML reader takes for a boolean or null: the YAML parser reads these.
_WORDS = frozenset(
    ["yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y"]
    + ["n", "N", "~", "null", "Null", "NULL", *_BOOL]
)
_NOT_PLAIN_TEXT = frozenset("-+0123456789.<=~!&*?:,[]{}#|>'\"%@`")  # may be numbers, YAML syntax
_UNREAD = object()
# Characters YAML refuses, or reads as line breaks, or treats specially: leave those to it.
_NOT_SIMPLE = re.compile(
    "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)


def _simple_scalar(raw: str, text_key: bool) -> Any:
    """The value of one simple scalar as `read_yaml` reads it, or _UNREAD for anything else."""
    if raw[:1] == "'":
        match = _SINGLE_QUOTED.fullmatch(raw)
        return match.group(1).replace("''", "'") if match else _UNREAD
    if raw[:1] == '"':
        match = _DOUBLE_QUOTED.fullmatch(raw)
        return match.group(1) if match else _UNREAD
    text = raw.rstrip(" ")
    if not text:
        return "" if text_key else None
    if text in _WORDS:
        return _BOOL[text] if text in _BOOL and not text_key else _UNREAD
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
        if not match or match.group(1) in _WORDS:
            return None
        key, raw = match.groups()
        text_key = key in TEXT_KEYS
        if raw and raw.strip(" "):
            value = _simple_scalar(raw, text_key)
        else:
            items: list[Any] = []
            indent = None
            while i < len(lines) and (item := _SIMPLE_ITEM.fullmatch(lines[i])):
                if indent is not None and item.group(1) != indent:
                    return None
                indent = item.group(1)
                items.append(_simple_scalar(item.group(2), text_key))
                i += 1
            if i < len(lines) and lines[i][:1] == " " and lines[i].strip(" "):
                return None  # an indented line that is not an item: nested YAML
            if _UNREAD in items:
                return None
            value = items or ("" if text_key else None)
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
    notes: tuple[tuple[int, str], ...] = ()  # (file line, message): values read otherwise


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
        meta, notes = read_yaml(block)
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
    lines = _key_lines(block, first_yaml_line)
    return FrontMatter(
        meta, body, body_line, lines, tuple((first_yaml_line + n, m) for n, m in notes)
    )


def _key_lines(block: str, first_line: int) -> dict[str, int]:
    """The file line of each top-level key, for messages about its value."""
    return {
        m.group(1).strip("'\""): first_line + block.count("\n", 0, m.start())
        for m in _KEY.finditer(block)
    }
