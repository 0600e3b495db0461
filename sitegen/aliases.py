"""The addresses documents left, and keeping them: `sitegen aliases`.

A retitle or a move changes a document's URL, and a citation of the old one
would stop working. A build cannot keep the old address by itself: a redirect
made from build history would make the site depend on its cache (a clean
build, or one on another machine, would lose it). So every build notes the
addresses it sees documents leave, in `.sitegen/left.json` of the output
(beside the cache, and written at once: a preview session saves its cache
only when it ends), and `sitegen aliases` writes them into the documents as
`aliases:`, from which every later build makes the redirects.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

from sitegen.config import Config
from sitegen.sources.document import Document
from sitegen.sources.frontmatter import yaml_span
from sitegen.urls import output_path
from sitegen.writer import INTERNAL

LEFT = "left.json"


def left_path(config: Config) -> Path:
    return config.output_dir / INTERNAL / LEFT


def load_left(config: Config) -> dict[str, list[str]]:
    """Document id → the addresses (site-relative URLs) it left; none if unreadable."""
    try:
        found = json.loads(left_path(config).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {
        str(key): [u for u in urls if isinstance(u, str)]
        for key, urls in found.items()
        if isinstance(urls, list)
    }


def remember(config: Config, moved: Mapping[str, tuple[Document, str]]) -> None:
    """Add this build's moves (old URL → the document and its URL now) to the
    addresses left; nothing is written when nothing moved."""
    if not moved:
        return
    left = load_left(config)
    for old, (doc, _) in sorted(moved.items()):
        if old not in left.setdefault(doc.id, []):
            left[doc.id].append(old)
    path = left_path(config)
    tmp = path.with_name(f"{LEFT}.{os.getpid()}")
    try:
        tmp.write_text(json.dumps(left, ensure_ascii=False, indent=1), "utf-8")
        os.replace(tmp, path)
    except OSError:  # the output's cache folder is gone: the move is warned of all the same
        tmp.unlink(missing_ok=True)


def pending(
    documents: Iterable[Document], left: Mapping[str, list[str]], files: set[str]
) -> list[tuple[Document, list[str]]]:
    """Each document with addresses it left that nothing keeps now (`files`: every
    file a build writes, pages and redirects: `check.site_files`), oldest first."""
    found = []
    for doc in documents:
        lost = [url for url in left.get(doc.id, ()) if output_path(url) not in files]
        if lost:
            found.append((doc, lost))
    return found


def add_aliases(text: str, urls: list[str]) -> str | None:
    """`text` (a whole document) with `urls` added to its front matter's
    `aliases`, made where missing; nothing else in it changes (BOM, line ends,
    comments, order). None where `aliases` is written in a form this does not
    edit safely (a flow list over several lines, say), or with no front matter.

    Each edit is checked by reading the front matter back: the new list must
    be the old one and `urls`, and every other key as it was.
    """
    span = yaml_span(text)
    if span is None:
        return None
    start, end, newline = span
    block = text[start:end]
    before = _read(block)
    if before is None:
        return None
    quoted = [json.dumps("/" + u.lstrip("/"), ensure_ascii=False) for u in urls]
    edited = _edit(block, quoted, newline)
    if edited is None:
        return None
    after = _read(edited)
    wanted = [*_as_list(before.get("aliases")), *("/" + u.lstrip("/") for u in urls)]
    if after is None or after.get("aliases") != wanted:
        return None
    if {k: v for k, v in after.items() if k != "aliases"} != {
        k: v for k, v in before.items() if k != "aliases"
    }:
        return None
    return text[:start] + edited + text[end:]


_KEY = re.compile(r"^aliases[ \t]*:[ \t]*(.*?)[ \t]*(\r?)$", re.MULTILINE)


def _edit(block: str, quoted: list[str], newline: str) -> str | None:
    """The front-matter `block` with the `quoted` list items added to `aliases`."""
    found = _KEY.search(block)
    new = ", ".join(quoted)
    if found is None:
        return f"aliases: [{new}]{newline}{block}"
    value, low, high = found.group(1), found.start(1), found.end(1)
    if value.startswith("[") and value.endswith("]"):
        inner = value[1:-1].strip()
        return block[:low] + (f"[{inner}, {new}]" if inner else f"[{new}]") + block[high:]
    if value.startswith(("[", "{", "|", ">", "&", "*", "!")):
        return None  # a flow list over lines, a mapping, a text block, an anchor or a tag
    if value and not value.startswith("#"):
        return block[:low] + f"[{value}, {new}]" + block[high:]
    at, indent = found.end(), None  # `aliases:` alone: a block list follows
    while (item := _ITEM.match(block, at)) is not None:
        at, indent = item.end(), item.group(1)
    if indent is None:
        return None
    return block[:at] + "".join(f"{newline}{indent}- {q}" for q in quoted) + block[at:]


_ITEM = re.compile(r"\r?\n([ \t]*)- [^\r\n]*")


def _read(block: str) -> dict | None:
    try:
        meta = yaml.safe_load(block.replace("\r\n", "\n")) or {}
    except yaml.YAMLError:
        return None
    return meta if isinstance(meta, dict) else None


def _as_list(value: object) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def write_aliases(
    content_dir: Path, todo: list[tuple[Document, list[str]]]
) -> tuple[list[tuple[str, list[str]]], list[tuple[str, list[str]]]]:
    """Write each document's left addresses into its front matter: the
    (source, URLs) written, and those whose `aliases` must be edited by hand."""
    written, by_hand = [], []
    for doc, urls in todo:
        path = content_dir / doc.source
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            by_hand.append((doc.source, urls))
            continue
        edited = add_aliases(text, urls)
        if edited is None:
            by_hand.append((doc.source, urls))
            continue
        path.write_bytes(edited.encode("utf-8"))
        written.append((doc.source, urls))
    return written, by_hand
