"""Periodical issues converted from PDF (seed 003).

The colophon names the periodical, the issue, the publisher and the month;
the table of contents (目录) lists sections, pages, titles, subtitles and
authors. Each listed article is found in the body by its title line and
runs to the next one. The issue document keeps everything, colophon and
contents included, so nothing is lost.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from sitegen.errors import ImportFailed
from sitegen.importers import cjk, columns
from sitegen.importers.records import (
    ImportOptions,
    Record,
    Source,
    body,
    front_matter,
    paragraph,
    safe_component,
    short_title,
    signs_score,
)

KIND = "periodical"

_ISSUE = re.compile(r"^\s*((\d{4})\s*年\s*第\s*(\d{1,3})\s*期)\s*$")
_CONTENTS = re.compile(r"^\s*目\s*录\s*$")
_ENTRY = re.compile(r"^(\d{1,3})\s+(\S.*)$")
_AUTHOR = re.compile(r"^[/／]\s*(\S.*)$")
_SUBTITLE = re.compile(r"^(?:——|—|一)\s*(\S.*)$")
_INLINE_AUTHOR = re.compile(r"\s*[/／]\s*([^/／]+)$")
_INLINE_SUBTITLE = re.compile(r"\s+(?:——|—|一)\s*(记\S.*)$|\s*——\s*(\S.*)$")
_JUNK = re.compile(r"[^\w\u3000-\u303f\uff00-\uffef“”‘’·、，,（）()《》/／\"' -]")


SIGNS = (
    (r"^\s*目\s*录\s*$", 0.35),
    (r"^\s*\d{4}\s*年\s*第\s*\d{1,3}\s*期\s*$", 0.3),
    (r"出刊|《[^》]{1,20}》编辑部", 0.2),
    (r"编委会|主\s*编|责任编辑", 0.15),
    (r"^主办\s", 0.1),
)


def detect(text: str) -> float:
    """A contents list, an issue line like 2020年第3期 and a colophon."""
    return signs_score(text, SIGNS)


def boilerplate_lines(text: str) -> list[str]:
    """Nothing is dropped: colophon and contents stay in the issue document."""
    return []


@dataclass
class Entry:
    """One line of the table of contents."""

    section: str
    page: int
    title: str
    subtitle: str = ""
    author: str = ""
    line: int | None = None  # where the title was found in the body


@dataclass
class Colophon:
    start: int  # first line of the colophon: articles before it end there
    publication: str | None = None
    issue: str | None = None
    issue_number: int | None = None
    publisher: str | None = None
    date: dt.date | None = None
    month: str | None = None


def parse(text: str, source: Source, options: ImportOptions) -> list[Record]:
    lines = text.split("\n")
    colophon, entries, contents_end = _read_front(lines)
    publication = options.publication or colophon.publication
    date = options.date or colophon.date
    if not publication or not date:
        missing = [
            f
            for f, v in (("--publication NAME", publication), ("--date YYYY-MM-DD", date))
            if not v
        ]
        raise ImportFailed(
            "cannot find the periodical's " + " and ".join(m.split()[0][2:] for m in missing),
            path=source.name,
            hint="pass " + " and ".join(missing),
        )
    issue = options.issue or colophon.issue or date.strftime("%Y-%m")
    issue_number = colophon.issue_number
    if options.issue and (digits := re.findall(r"\d+", options.issue)):
        issue_number = int(digits[-1])
    _find_titles(lines, entries, colophon.start, contents_end)
    month = colophon.month if not options.date else options.date.strftime("%Y-%m")
    folder = PurePosixPath("periodicals", safe_component(publication), safe_component(issue))
    common = {
        "date": date.isoformat(),
        "publication": publication,
        "publisher": colophon.publisher,
        "issue": issue,
        "issue_number": issue_number,
        "month": month,
    }
    found = sorted((e for e in entries if e.line is not None), key=lambda e: e.line or 0)
    stops = sorted({e.line for e in found if e.line is not None} | {colophon.start, len(lines)})
    records: list[Record] = []
    spans: dict[int, tuple[Entry, dict]] = {}
    pairs = columns.pair_counts(x.strip() for x in lines)
    for order, entry in enumerate(entries, start=1):
        if entry.line is None:
            continue
        end = next(s for s in stops if s > entry.line)
        entry.title = _better_title(entry.title, lines[entry.line])
        parts = _article_parts(lines[entry.line + 1 : end], entry, pairs)
        spans[entry.line] = (entry, parts)
        records.append(
            Record(
                folder / f"{order:02d}-{short_title(entry.title)}.md",
                _article_front(entry, parts, common, order, publication),
                body(parts["blocks"]),
            )
        )
    issue_front = front_matter(
        title=f"{publication} {issue}",
        date=common["date"],
        month=month,
        kind="issue",
        categories=["期刊", publication],
        publication=publication,
        publication_kind="periodical",
        publisher=colophon.publisher,
        issue=issue,
        issue_number=issue_number,
    )
    blocks = _issue_blocks(lines, colophon, spans)
    missing_titles = [e.title for e in entries if e.line is None]
    notes = [
        f"{source.name}: contents entry {t!r} not found in the text; it stays in the issue document"
        for t in missing_titles
    ]
    if not entries:
        notes.append(
            f"{source.name}: no table of contents (目录) found; only the issue document is written"
        )
    return [Record(folder / "issue.md", issue_front, body(blocks), notes), *records]


def _read_front(lines: list[str]) -> tuple[Colophon, list[Entry], int]:
    """Colophon around the issue line, then the contents list after 目录."""
    at = next((i for i, x in enumerate(lines) if _ISSUE.match(x)), None)
    contents = next((i for i, x in enumerate(lines) if _CONTENTS.match(x)), None)
    anchor = at if at is not None else contents
    if anchor is None:
        return Colophon(len(lines)), [], len(lines)
    start = anchor
    for index in range(anchor - 1, -1, -1):
        if lines[index].strip() and not _front_line(lines[index]):
            break
        if lines[index].strip():
            start = index
    colophon = Colophon(start)
    end = contents if contents is not None and contents > anchor else anchor + 1
    while end < len(lines) and (not lines[end].strip() or _front_line(lines[end])):
        if _CONTENTS.match(lines[end]):
            break
        end += 1
    _fill(colophon, "\n".join(lines[start:end]), lines[start:end])
    entries: list[Entry] = []
    contents_end = end
    if contents is not None and contents >= start:
        entries, contents_end = _read_contents(lines, contents + 1)
    return colophon, entries, contents_end


def _front_line(line: str) -> bool:
    text = line.strip()
    return bool(text) and cjk.width(text) <= 40 and not cjk.ends_sentence(text)


def _fill(colophon: Colophon, text: str, lines: list[str]) -> None:
    if match := re.search(r"《([^》]{1,30})》\s*编辑部", text):
        colophon.publication = match.group(1).strip()
    elif (at := next((i for i, x in enumerate(lines) if _ISSUE.match(x)), None)) is not None:
        before = [x.strip() for x in lines[:at] if x.strip()]
        colophon.publication = before[-1] if before else None
    if match := re.search(r"^\s*(\d{4})\s*年\s*第\s*(\d{1,3})\s*期\s*$", text, re.MULTILINE):
        colophon.issue = f"{match.group(1)}年第{int(match.group(2))}期"
        colophon.issue_number = int(match.group(2))
    if match := re.search(r"^\s*主\s*办\s*[:：]?\s*(\S.*?)\s*$", text, re.MULTILINE):
        colophon.publisher = match.group(1)
    if match := re.search(
        r"出\s*刊\s*[:：]?\s*(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?", text
    ):
        year, month, day = match.group(1), match.group(2), match.group(3) or "1"
        try:
            colophon.date = dt.date(int(year), int(month), int(day))
            colophon.month = f"{int(year):04d}-{int(month):02d}"
        except ValueError:
            colophon.date = None


def _read_contents(lines: list[str], start: int) -> tuple[list[Entry], int]:
    """Sections, `NN title`, `—subtitle` and `/author` lines, in any OCR'd list form."""
    entries: list[Entry] = []
    section = ""
    pos = start
    while pos < len(lines):
        raw = lines[pos]
        text = re.sub(r"^[\s\-–•·*]+", "", raw).strip()
        text = _JUNK.sub("", text).strip()
        if not text:
            pos += 1
            continue
        if match := _ENTRY.match(text):
            entries.append(_entry(section, int(match.group(1)), match.group(2)))
        elif (match := _AUTHOR.match(text)) and entries:
            entries[-1].author = entries[-1].author or _clean_author(match.group(1))
        elif _is_section(raw, text, lines, pos):
            section = cjk.compact(text)
        elif (match := _SUBTITLE.match(text)) and entries and not entries[-1].subtitle:
            entries[-1].subtitle = match.group(1).strip()
        else:
            break
        pos += 1
    return entries, pos


def _is_section(raw: str, text: str, lines: list[str], pos: int) -> bool:
    """A short unnumbered, unindented line right before an entry."""
    if raw[:1].isspace() or cjk.width(text) > 12 or re.search(r"\d", text):
        return False
    return _next_is_entry(lines, pos)


def _next_is_entry(lines: list[str], pos: int) -> bool:
    for line in lines[pos + 1 :]:
        text = re.sub(r"^[\s\-–•·*]+", "", line).strip()
        if text:
            return bool(_ENTRY.match(text))
    return False


def _entry(section: str, page: int, rest: str) -> Entry:
    entry = Entry(section, page, rest.strip())
    if match := _INLINE_AUTHOR.search(entry.title):
        entry.author = _clean_author(match.group(1))
        entry.title = entry.title[: match.start()].strip()
    if match := _INLINE_SUBTITLE.search(entry.title):
        entry.subtitle = (match.group(1) or match.group(2)).strip()
        entry.title = entry.title[: match.start()].strip()
    return entry


def _clean_author(text: str) -> str:
    return " ".join(_JUNK.sub("", text).split())


def _norm(text: str) -> str:
    text = cjk.compact(text)
    return re.sub(r"[“”„‟\"'‘’「」『』]", '"', text)


def _find_titles(lines: list[str], entries: list[Entry], start: int, end: int) -> None:
    """Find each listed title as a line outside the colophon and contents,
    preferring the first match after the previous title (contents order)."""
    normal = {i: _norm(x) for i, x in enumerate(lines) if x.strip() and not start <= i < end}
    used: set[int] = set()
    last = -1
    for entry in entries:
        want = _norm(entry.title)
        hits = [i for i, x in normal.items() if x == want and i not in used]
        if not hits:
            hits = [
                i
                for i, x in normal.items()
                if i not in used
                and cjk.width(x) <= 45
                and difflib.SequenceMatcher(None, x, want).ratio() >= 0.85
            ]
        if hits:
            after = [i for i in hits if i > last]
            entry.line = after[0] if after else hits[0]
            used.add(entry.line)
            last = entry.line


def _article_parts(span: list[str], entry: Entry, pairs: dict[str, int]) -> dict:
    """Subtitle, byline, captions and body blocks of one article's lines."""
    parts: dict = {
        "subtitle": cjk.tidy_spaces(entry.subtitle),
        "byline": "",
        "captions": [],
        "blocks": [],
    }
    rest: list[str] = []
    blanks = 0
    for line in span:
        text = line.strip()
        if not text:
            blanks += 1
            rest.append("")
            continue
        head = not any(x.strip() for x in rest)
        if head and (sub := cjk.subtitle_text(text)) is not None:
            parts["subtitle"] = sub
        elif head and not parts["byline"] and _is_author_line(text, entry):
            parts["byline"] = text
        elif blanks >= 2 and cjk.width(text) <= 45 and not cjk.ends_sentence(text):
            parts["captions"].append(text)
        else:
            rest.append(line)
        blanks = 0
    for para in columns.paragraphs(rest, pairs=pairs):
        if para.heading and not re.search(r"[,，]", para.text):
            parts["blocks"].append(paragraph(para.text, "h3"))
        else:
            parts["blocks"].append(
                paragraph(cjk.tidy_spaces(para.text), "h3" if para.heading else "p")
            )
    return parts


def _better_title(listed: str, found: str) -> str:
    """Contents and body both garble spaces in titles; keep the one with fewer."""
    listed, found = listed.strip(), " ".join(found.split())
    return found if found.count(" ") < listed.count(" ") else listed


def _is_author_line(text: str, entry: Entry) -> bool:
    return bool(entry.author) and cjk.compact(text) == cjk.compact(entry.author)


def _authors(entry: Entry, byline: str) -> list[str]:
    text = entry.author or byline
    if not text:
        return []
    names = []
    for part in re.split(r"[、，,]", text):
        names.extend(cjk.split_names(part) if re.search(r"\s", part.strip()) else [part.strip()])
    return [n for n in names if n]


def _article_front(entry: Entry, parts: dict, common: dict, order: int, publication: str) -> dict:
    authors = _authors(entry, parts["byline"])
    categories = ["期刊", publication] + ([entry.section] if entry.section else [])
    return front_matter(
        title=entry.title,
        subtitle=parts["subtitle"],
        date=common["date"],
        month=common["month"],
        kind=KIND,
        categories=categories,
        author="、".join(authors),
        authors=authors,
        publication=publication,
        publication_kind="periodical",
        publisher=common["publisher"],
        issue=common["issue"],
        issue_number=common["issue_number"],
        section=entry.section,
        page=entry.page,
        byline=parts["byline"],
        captions=parts["captions"],
        order=order,
        keep=("authors",),
    )


def _issue_blocks(
    lines: list[str], colophon: Colophon, spans: dict[int, tuple[Entry, dict]]
) -> list[str]:
    """Everything in source order: articles under their titles, the rest as is."""
    blocks: list[str] = []
    skip_until = -1
    starts = sorted(spans)
    for index, line in enumerate(lines):
        if index < skip_until or not line.strip():
            continue
        if index in spans:
            entry, _ = spans[index]
            blocks.append(paragraph(line.strip(), "h2"))
            end = next((s for s in starts if s > index), len(lines))
            if colophon.start > index:
                end = min(end, colophon.start)
            for para in columns.paragraphs(lines[index + 1 : end]):
                blocks.append(paragraph(cjk.tidy_spaces(para.text)))
            skip_until = end
            continue
        blocks.append(paragraph(line.strip()))
    return blocks
