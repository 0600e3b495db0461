"""Slugs: readable, safe on every file system, bounded in length.

Chinese stays Chinese by default (browsers show it; links percent-encode it).
`pinyin` and `hash` styles are there for hosts that mangle non-ASCII paths.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_UNSAFE = re.compile(r"[^\w]+", re.UNICODE)
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}


def short_hash(text: str, length: int = 8) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def slugify(text: str, style: str = "unicode", max_length: int = 60) -> str:
    """Turn a title or slug field into one safe path segment (never empty)."""
    text = unicodedata.normalize("NFKC", str(text)).strip()
    if style == "hash":
        return short_hash(text) if text else "untitled"
    if style == "pinyin":
        text = _to_pinyin(text)
        text = text.lower()
    slug = _UNSAFE.sub("-", text).replace("_", "-")
    slug = re.sub(r"-{2,}", "-", slug).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rstrip("-")
    if not slug:
        return short_hash(text) if text else "untitled"
    if slug.lower() in _RESERVED:
        slug += "-"
    return slug


def _to_pinyin(text: str) -> str:
    """Pinyin via pypinyin: its phrase dictionary gets polyphones right."""
    from pypinyin import lazy_pinyin

    return "-".join(lazy_pinyin(text, errors="default"))
