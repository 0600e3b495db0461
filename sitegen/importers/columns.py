"""Paragraphs rebuilt from text converted from print.

PDF conversion gives either one paragraph per line, with a few paragraphs cut
at page or column breaks (seeds 001, 003), or hard-wrapped column text broken
every ~20 characters (seed 002). Both come back here as `Para`s, with short
lines that end no sentence flagged as possible headlines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sitegen.importers.cjk import (
    LEAD,
    close_up,
    dateline,
    ends_sentence,
    is_ideograph,
    is_special,
    join_lines,
    width,
)

_CONTINUES = re.compile(r"[，,、；;（(“「『《]$")


@dataclass
class Para:
    """One paragraph rebuilt from source lines `first`..`last` (0-based)."""

    text: str
    first: int
    last: int
    heading: bool = False


HEADING_MAX = 36.0
"""Widest a headline line can be, in ems, before it is taken for body text."""


def is_hard_wrapped(lines: list[str]) -> bool:
    """True for column text broken every ~20 characters (seed 002), false for
    one paragraph per line (seeds 001, 003)."""
    widths = sorted(width(x) for x in lines if width(x) >= 4)
    if len(widths) < 8:
        return False
    median = widths[len(widths) // 2]
    near = sum(1 for w in widths if 0.75 * median <= w <= 1.25 * median)
    return median <= 30 and near >= 0.6 * len(widths)


def paragraphs(
    lines: list[str], offset: int = 0, pairs: dict[str, int] | None = None
) -> list[Para]:
    """Rebuild paragraphs from converted lines, whichever layout they have.
    `pairs` (from `pair_counts` of the whole document) helps mend cut words
    when only part of a document is rebuilt."""
    if is_hard_wrapped(lines):
        return unwrap(lines, offset)
    return rejoin(lines, offset, pairs)


_FUNCTION_END = re.compile(r"[的了和与对在是有为把被从向以及或而并将让给于等其这那每各—]$")
_INNER_STOP = re.compile(r"[。；;]")


def _heading_like(text: str) -> bool:
    """Could be a headline: short, ends no sentence, holds no full stop and
    does not stop on a word that needs a continuation (的, 对, 有 …)."""
    if ends_sentence(text) or width(text) > HEADING_MAX or is_special(text):
        return False
    if re.fullmatch(r"\s*[（(].*[)）]\s*", text):
        return False
    return not _INNER_STOP.search(text) and not _FUNCTION_END.search(text.strip())


def rejoin(lines: list[str], offset: int = 0, pairs: dict[str, int] | None = None) -> list[Para]:
    """One paragraph per line, except where a page or column break cut one:
    a long line, one ending in a comma, or a short one whose last character
    and the next line's first make a word seen elsewhere (`疾控` / `中心`)."""
    result: list[Para] = []
    items = [
        (i, close_up(x) if width(x) <= HEADING_MAX else x.strip()) for i, x in enumerate(lines)
    ]
    items = [(i, x) for i, x in items if x]
    if pairs is None:
        pairs = pair_counts(x for _, x in items)
    pos = 0
    while pos < len(items):
        index, text = items[pos]
        last = index
        while pos + 1 < len(items) and _runs_on(text, items[pos + 1][1], pairs):
            pos += 1
            last, nxt = items[pos]
            text = join_lines(text, nxt)
        result.append(Para(text, offset + index, offset + last, _heading_like(text)))
        pos += 1
    return result


def pair_counts(texts: Iterable[str]) -> dict[str, int]:
    """How often each pair of adjacent ideographs occurs: the words of a text."""
    counts: dict[str, int] = {}
    for text in texts:
        for a, b in zip(text, text[1:], strict=False):
            if is_ideograph(a) and is_ideograph(b):
                counts[a + b] = counts.get(a + b, 0) + 1
    return counts


def _runs_on(text: str, nxt: str, pairs: dict[str, int]) -> bool:
    if is_special(text) or is_special(nxt) or LEAD.match(nxt) or ends_sentence(text):
        return False
    if dateline(text) is not None or re.search(r"[)）]$", text):
        return False
    if _CONTINUES.search(text) or not _heading_like(text):
        return True
    # a word cut at a column break: `…每日视` / `频、隔天汇报…`, `…疾控` / `中心…`
    if re.match(r"^[^\s\d一二三四五六七八九十]{1}[、，,]", nxt):
        return True
    return pairs.get(text.rstrip()[-1:] + nxt.lstrip()[:1], 0) >= 3


def unwrap(lines: list[str], offset: int = 0) -> list[Para]:
    """Hard-wrapped column text back into paragraphs.

    A blank line after every line is not a paragraph break. A paragraph ends
    where a line is clearly shorter than its column and ends a sentence (or,
    where blank lines are rare, at a blank line after a sentence end). The
    first line of a paragraph is a little short too (its indent was lost), so
    only a line much shorter than the column that ends no sentence and holds
    no full stop or comma is taken for a headline; adjacent ones are joined.
    """
    filled = [(i, close_up(x)) for i, x in enumerate(lines) if x.strip()]
    widths = [width(x) for _, x in filled]
    result: list[Para] = []
    current: Para | None = None

    def flush() -> None:
        nonlocal current
        if current is not None:
            result.append(current)
            current = None

    for k, (index, text) in enumerate(filled):
        window = sorted(widths[max(0, k - 4) : k + 5])
        local = window[-2] if len(window) > 1 else window[-1]
        short = widths[k] < local - 1.25
        headline = widths[k] < local - 3.5 and _heading_like(text) and not _STOPS.search(text)
        if is_special(text):
            flush()
            result.append(Para(text, offset + index, offset + index))
            continue
        if current is not None:
            previous = filled[k - 1][1]
            adjacent = filled[k - 1][0] == index - 1
            if current.heading:
                if adjacent and (headline or (short and _heading_like(text))):
                    joined = len(text) < len(previous)
                    current.text = (current.text if joined else current.text + " ") + text
                    current.last = offset + index
                    continue
                flush()
            elif ends_sentence(previous) and (
                headline or (not adjacent and _blank_lines_rare(filled, k))
            ):
                flush()
        if current is None:
            current = Para(text, offset + index, offset + index, heading=headline)
        else:
            current.text = join_lines(current.text, text)
            current.last = offset + index
            if headline and _heading_like(current.text) and not _STOPS.search(current.text):
                current.heading = True
        if short and ends_sentence(text):
            flush()
    flush()
    return result


_STOPS = re.compile(r"[。？！?!；;，,]")


def _blank_lines_rare(filled: list[tuple[int, str]], k: int) -> bool:
    """Blank lines mean paragraph breaks only where few lines are followed by one."""
    window = filled[max(0, k - 6) : k + 6]
    gaps = sum(1 for (a, _), (b, _) in zip(window, window[1:], strict=False) if b - a > 1)
    return gaps <= max(1, (len(window) - 1) // 4)
