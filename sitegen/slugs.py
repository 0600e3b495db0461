"""Slugs: readable, safe on every file system, bounded in length.

Chinese stays Chinese by default (browsers show it; links percent-encode it).
`pinyin` and `hash` styles are there for hosts that mangle non-ASCII paths.
A slug is a portable name (`urls.portable_segment`): `CON` is `CON-`.
"""

from __future__ import annotations

import re
import unicodedata

from sitegen.urls import portable_segment, short_hash

_UNSAFE = re.compile(r"[^\w]+", re.UNICODE)


def slugify(text: str, style: str = "unicode", max_length: int = 60) -> str:
    """Turn a title or slug field into one safe path segment (never empty)."""
    return portable_segment(readable_slug(text, style, max_length))


def readable_slug(text: str, style: str = "unicode", max_length: int = 60) -> str:
    """The slug before `urls.portable_segment`: words joined by `-`, at most
    `max_length` characters, never empty."""
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
    return slug


def _to_pinyin(text: str) -> str:
    """Pinyin via pypinyin: its phrase dictionary gets polyphones right."""
    from pypinyin import lazy_pinyin

    return "-".join(lazy_pinyin(text, errors="default"))
