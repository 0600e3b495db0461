"""A stable identifier for every document: what a citation names.

A document's URL follows its title and its place in the content folder, so
both a retitle and a move change it. Its id does not: it is taken from what
the document was made from, in this order:

1. its `id:` front matter, as written (`sitegen ids` writes one);
2. the original it was imported from: `source_sha256` with its `page` and
   `order` (an article's place in a newspaper page);
3. its original web address (`original_url`, `link`);
4. its file path: the one form a move changes, so `sitegen ids` writes
   these into the documents, once, after which they never change.

`/id/<id>/` leads to wherever the document is now (see `redirects`).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sitegen.sources.frontmatter import yaml_span
from sitegen.urls import portable_segment

LENGTH = 10  # base32 characters: 50 bits, no collision in any archive of this size
_WRITTEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def short_id(text: str) -> str:
    """Ten lower-case letters and digits (base32) of `text`'s SHA-256."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii")[:LENGTH].lower()


def document_id(meta: Mapping[str, Any], source: str) -> tuple[str, bool]:
    """The id of a document with this front matter at `source`, and whether it
    stays when the file moves (False only for the path-derived form)."""
    written = meta.get("id")
    if isinstance(written, str | int) and not isinstance(written, bool) and str(written).strip():
        return portable_segment(str(written).strip()), True
    origin = meta.get("source_sha256")
    if isinstance(origin, str) and origin:
        place = [str(meta.get(key, "")) for key in ("page", "order")]
        return short_id(":".join([origin, *place])), True
    for key in ("original_url", "link"):
        url = meta.get(key)
        if isinstance(url, str) and url.strip():
            return short_id(url.strip()), True
    return short_id(source), False


def is_written(value: str) -> bool:
    """Whether an `id:` value is one `sitegen ids` would write or keep as it is."""
    return bool(_WRITTEN.fullmatch(value))


def write_ids(content_dir: Path, documents: Iterable[tuple[str, str]]) -> list[str]:
    """Write `id: <id>` into the front matter of each (source, id) document that
    has none; returns the sources written. The line goes right after the
    opening `---`, and nothing else in the file changes."""
    written = []
    for source, value in documents:
        path = content_dir / source
        text = path.read_bytes().decode("utf-8")  # a BOM and CRLF line ends are kept
        span = yaml_span(text)
        if span is None or re.search(r"(?m)^id\s*:", text[span.start : span.end]):
            continue
        path.write_bytes(
            f"{text[: span.start]}id: {value}{span.newline}{text[span.start :]}".encode()
        )
        written.append(source)
    return written
