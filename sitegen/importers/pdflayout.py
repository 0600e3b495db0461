"""Where the text of a printed page is: columns, reading order, paragraphs.

A newspaper PDF knows each character's position, size and font but not
which column it belongs to or where an article starts. This module reads a
page as a careful reader does: it finds the bands and columns by the white
space between them (a recursive XY cut), reads each column top to bottom,
and joins lines into paragraphs where the type says so: a new paragraph
starts with an indent, after a short line, or where the type changes. Lines
in large or bold type are marked as possible headlines.

Everything here works on plain `Line`s, so it is tested without a PDF.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from sitegen.importers.cjk import join_lines

WIDE = 1.0
"""Least white space between bands of a page, in ems of body type: more than
the space between two lines of a column, less than between two articles."""

GUTTER = 0.8
"""Least white space between two columns, in ems of body type."""

HEADLINE = 1.25
"""Type this many times the body size or larger is headline type."""

SPACED = 1.5
"""Widest gap between two characters of a letter-spaced headline, in ems
of its own size: more than its letter spacing, less than between two headlines."""

_BOLD = re.compile(r"bold|black|heavy|demi|hei", re.IGNORECASE)

Box = tuple[float, float, float, float]
"""x0, top, x1, bottom in points, from the page's top left corner."""


@dataclass(frozen=True)
class Line:
    """A run of characters on one baseline in one type, as the PDF placed it."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    font: str = ""

    @property
    def bold(self) -> bool:
        return bool(_BOLD.search(self.font))


@dataclass(frozen=True)
class Placed:
    """A line in reading order, with the left and right edges of its column."""

    line: Line
    left: float
    right: float


@dataclass(frozen=True)
class Block:
    """One paragraph (or headline) of the page, with where it stands."""

    text: str
    box: Box
    size: float
    heading: bool


def body_size(lines: list[Line]) -> float:
    """The size most of the characters are set in: the body type."""
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[round(line.size, 1)] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def is_heading(line: Line, em: float) -> bool:
    """Large or bold type: a headline, or inside an article a subhead."""
    return line.size >= HEADLINE * em or line.bold


def join_spaced(lines: list[Line], em: float) -> list[Line]:
    """Letter-spaced headlines (`争 取 再 夺`, each character set apart) as
    one line: runs of headline type on one baseline, close together."""
    joined: list[Line] = []
    for line in sorted(lines, key=lambda x: (round(x.top, 1), x.x0)):
        last = joined[-1] if joined else None
        if (
            last is not None
            and line.size >= HEADLINE * em
            and abs(last.size - line.size) < 0.1
            and abs(last.top - line.top) < 0.2 * line.size
            and 0 <= line.x0 - last.x1 < SPACED * line.size
        ):
            top, bottom = min(last.top, line.top), max(last.bottom, line.bottom)
            text = join_lines(last.text, line.text)
            joined[-1] = Line(text, last.x0, top, line.x1, bottom, last.size, last.font)
        else:
            joined.append(line)
    return joined


def reading_order(lines: list[Line], em: float) -> list[Placed]:
    """Lines in the order a reader takes them: bands top to bottom, the
    columns of a band left to right, each column top to bottom."""
    if not lines:
        return []
    return _order(lines, em, min(x.x0 for x in lines), max(x.x1 for x in lines))


def _order(lines: list[Line], em: float, left: float, right: float) -> list[Placed]:
    if len(lines) == 1:
        return [Placed(lines[0], left, right)]
    bands = _split(lines, WIDE * em, vertical=True)
    if len(bands) > 1:
        return [p for band in bands for p in _order(band, em, left, right)]
    columns = _split(lines, GUTTER * em, vertical=False)
    if len(columns) > 1:
        return _read_columns(columns, em, left, right)
    rows = _split(lines, 0.5, vertical=True)
    if len(rows) == 1:
        return [Placed(x, left, right) for x in sorted(lines, key=lambda x: x.x0)]
    return [p for group in _group_rows(rows, em) for p in _order(group, em, left, right)]


def _read_columns(columns: list[list[Line]], em: float, left: float, right: float) -> list[Placed]:
    """Columns left to right, each top to bottom; but where a headline starts
    lower down in one of them, the text beside it in the other columns is
    read first: it ends the article above, as a careful reader finishes one
    article before starting the next."""
    placed: list[Placed] = []
    rest: list[Line] = []
    for column in columns:
        above, below = _above_headline(column, em)
        placed += _order(above, em, min(x.x0 for x in column), max(x.x1 for x in column))
        rest += below
    return placed + (_order(rest, em, left, right) if rest else [])


def _above_headline(column: list[Line], em: float) -> tuple[list[Line], list[Line]]:
    """The column's lines above the first band that opens with headline type
    (below its top), and the lines from there on."""
    bands = _split(column, WIDE * em, vertical=True)
    for k, band in enumerate(bands[1:], start=1):
        if min(band, key=lambda x: x.top).size >= HEADLINE * em:
            return [x for b in bands[:k] for x in b], [x for b in bands[k:] for x in b]
    return column, []


def _group_rows(rows: list[list[Line]], em: float) -> list[list[Line]]:
    """Rows with no wide space between them: a headline straight above its
    columns. Consecutive rows that share a gutter are read as one set of
    columns; a row that crosses the gutters (a headline) stands alone."""
    groups: list[list[Line]] = []
    columned = False
    for row in rows:
        if columned and len(_split(groups[-1] + row, GUTTER * em, vertical=False)) > 1:
            groups[-1] = groups[-1] + row
            continue
        groups.append(row)
        columned = len(_split(row, GUTTER * em, vertical=False)) > 1
    return groups


def _split(lines: list[Line], least: float, vertical: bool) -> list[list[Line]]:
    """The lines in groups separated by white space at least `least` wide,
    across the whole region: rows when `vertical`, else columns."""

    def span(x: Line) -> tuple[float, float]:
        return (x.top, x.bottom) if vertical else (x.x0, x.x1)

    ordered = sorted(lines, key=span)
    groups: list[list[Line]] = [[ordered[0]]]
    reach = span(ordered[0])[1]
    for line in ordered[1:]:
        start, end = span(line)
        if start - reach >= least:
            groups.append([])
        groups[-1].append(line)
        reach = max(reach, end)
    return groups


def paragraphs(placed: list[Placed], em: float) -> list[Block]:
    """Lines in reading order joined into paragraphs and headlines."""
    blocks: list[Block] = []
    previous: Placed | None = None
    for here in placed:
        line = here.line
        if previous is not None and _continues(previous, here, em):
            last = blocks[-1]
            blocks[-1] = Block(
                join_lines(last.text, line.text.strip()),
                union([last.box, (line.x0, line.top, line.x1, line.bottom)]),
                last.size,
                last.heading,
            )
        else:
            box = (line.x0, line.top, line.x1, line.bottom)
            blocks.append(Block(line.text.strip(), box, line.size, is_heading(line, em)))
        previous = here
    return [b for b in blocks if b.text]


def _continues(previous: Placed, here: Placed, em: float) -> bool:
    """Whether `here` goes on the paragraph `previous` is in.

    Headline lines of one size directly under each other are one headline.
    Body lines run on unless the new line is indented, the previous one
    stopped short of its column's edge, or a wide space parts them. Type
    smaller or larger than the body (mastheads, captions) is taken line by line.
    """
    before, line = previous.line, here.line
    if is_heading(before, em) != is_heading(line, em) or abs(before.size - line.size) > 0.1:
        return False
    if is_heading(line, em):
        overlaps = line.x0 < before.x1 and before.x0 < line.x1
        return overlaps and 0 <= line.top - before.bottom < 0.8 * line.size
    if abs(line.size - em) > 0.05 * em:
        return False
    indented = line.x0 > here.left + 0.8 * em or line.text[:1].isspace()
    short = before.x1 < previous.right - 1.5 * em
    same_column = abs(here.left - previous.left) < 0.5 * em
    parted = same_column and line.top - before.bottom > WIDE * em
    return not (indented or short or parted)


def union(boxes: list[Box]) -> Box:
    """The smallest box holding all of these."""
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
