"""Reading a whole newspaper issue's text: its line shapes, parts and articles.

The shapes (header lines, footers, page sections, bylines) and the reading
of an issue into chunks and articles, as plain data; `epaper` makes the
documents from them. Every rule reads a line's shape, never one paper's words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from sitegen.importers import cjk, columns, signals

# --- line shapes ------------------------------------------------------------------

_PAGE = re.compile(r"第\s*(\d{1,3})\s*版|(?<![\d年月日])(\d{1,3})\s*版")
_NAMED = re.compile(r"《\s*([^《》]{1,20}?)\s*》")
_FOOTER = re.compile(
    r"^\s*(?:第\s*\d{1,4}\s*页(?:\s*[/／,，、]?\s*共\s*\d{1,4}\s*页)?"
    r"|[-—–－~～]{1,2}\s*\d{1,4}\s*[-—–－~～]{1,2}"
    r"|\d{1,4}\s*[/／]\s*\d{1,4}|(?:Page|P\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|\d{1,3})\s*$",
    re.IGNORECASE,
)
_SECTION = re.compile(r"^\s*第?\s*(\d{1,3})\s*版\s*(?:[:：]\s*|\s+)?([\u4e00-\u9fff·]{1,12})?\s*$")
_ENTRY = re.compile(r"^\s*(?:(\d{1,3})\s*[.．、)）]|[(（]\s*(\d{1,3})\s*[)）])\s*(\S.*)$")
_ENTRY_PAGE = re.compile(
    r"\s*(?:[(（【]\s*)?(?:…+|\.{2,}|·{2,})?\s*(?:第\s*)?(\d{1,3})\s*版\s*[)）】]?\s*$"
)
_CONTENTS = re.compile(r"^\s*\S{0,12}?目\s*录\s*$")
_LEAD = re.compile(
    r"^\s*((?:本报|新华社|中新社)[^\s，,。()（）]{0,14}?(?:讯|电))"
    r"\s*(?:[(（]([^()（）]{0,40})[)）])?\s*"
)
_COMMENTATOR = re.compile(
    r"^\s*[\u4e00-\u9fff]{0,8}(?:特约)?评论员(?:\s+[\u4e00-\u9fff·]{2,4})*\s*$"
)
_EDITOR = re.compile(r"^\s*[(（【\[]?\s*(?:本版)?(?:责任编辑|责编|编辑|校对|美编|版式)\s*[:：]")
_PICTURES = re.compile(r"^\s*(?:图片|摄影|图文|视觉)(?:报道|新闻)\s*$|^\s*图说")
_ADVERT = re.compile(r"^\s*[\u4e00-\u9fff]{0,4}广告\s*$")
_CLOSER = re.compile(r"^[，。、；：！？”’」』）)》]")


@dataclass(frozen=True)
class Marker:
    """A header line naming an article's paper, date and page."""

    publication: str | None
    date: dt.date | None
    page: int


def marker(line: str) -> Marker | None:
    """`《X报》（2022年04月08日 第 01 版）` or `X报 2022-04-08 第3版`: a short
    line holding a date and a page, and no sentence. The paper is the name
    in 《》, else the last run of ideographs before the date (`【X报】`,
    `来源：X报`)."""
    text = line.strip()
    if not text or len(text) > 120 or "。" in text or cjk.width(text) > 60:
        return None
    dates = signals.find_dates(text)
    page = _PAGE.search(text[dates[0].end :]) if dates else None
    if not page:
        return None
    named = _NAMED.search(text)
    name = named.group(1).strip() if named else _paper_before(text[: dates[0].start])
    return Marker(name, dates[0].value.date(), int(page.group(1) or page.group(2)))


def _paper_before(text: str) -> str | None:
    """The last run of ideographs before a date: the paper of `【X报】2022年…`."""
    runs = re.findall(r"[\u4e00-\u9fff·]{2,12}", text)
    return runs[-1] if runs else None


def is_footer(line: str) -> bool:
    """A printed page's number on a line of its own: `第 3 页`, `- 3 -`, `3/12`."""
    return bool(_FOOTER.match(line))


def footers(lines: list[str]) -> list[int]:
    """Where the footers are. A bare number (`12`) is one only when the bare
    numbers of the text count up one by one, as page numbers do (a page or
    two may be lost); a table's figures don't."""
    found = [i for i, x in enumerate(lines) if x.strip() and is_footer(x)]
    bare = [i for i in found if lines[i].strip().isdigit()]
    numbers = [int(lines[i]) for i in bare]
    steps = [b - a for a, b in zip(numbers, numbers[1:], strict=False)]
    counting = bool(steps) and all(0 < step <= 2 for step in steps)
    return [i for i in found if counting or i not in bare]


def section(line: str) -> tuple[int, str] | None:
    """`第02版：要闻` (or `02版 要闻`, `第2版`): a page and its name."""
    match = _SECTION.match(line)
    if not match or not (line.strip().startswith("第") or match.group(2)):
        return None
    return int(match.group(1)), match.group(2) or ""


def is_editor(line: str) -> bool:
    """`（责编：X）`, `责任编辑：X`, `本版编辑：X 校对：Y`: who edited the page."""
    return bool(_EDITOR.match(line)) and cjk.width(line) <= 40


def is_byline(line: str) -> bool:
    """A byline line: `本报记者 X Y`, `新华社记者 X`, `本报评论员`."""
    text = line.strip()
    return (
        cjk.is_byline(text)
        or bool(_COMMENTATOR.match(text))
        or bool(
            cjk.width(text) <= 30 and signals.byline_names(text) and not cjk.ends_sentence(text)
        )
    )


def is_whole_issue(text: str) -> bool:
    """Several header lines, several page sections, or a table of contents
    over several printed pages: more than one article or page. (One header
    line may be a single page's own running head.)"""
    lines = text.split("\n")
    markers = sum(1 for x in lines if marker(x))
    sections = sum(1 for x in lines if section(x))
    entries = sum(1 for x in lines[:200] if _ENTRY.match(x) or _CONTENTS.match(x))
    return markers >= 2 or sections >= 2 or (entries >= 3 and len(footers(lines)) >= 2)


# --- the issue's parts --------------------------------------------------------------


@dataclass
class Entry:
    """A line of the table of contents."""

    title: str
    page: int | None = None
    section: str = ""


@dataclass
class Chunk:
    """The lines of one article (or picture report, or advertisement)."""

    lines: list[str]
    page: int | None
    breaks: set[int] = field(default_factory=set)  # a footer came before lines[i]
    full: float | None = None  # a hard-wrapped text's line width (see `full_width`)


@dataclass
class Issue:
    """What the text says about its issue, and where each part of it is."""

    roles: dict[int, str]
    entries: list[Entry]
    chunks: list[Chunk]
    publication: str | None = None
    date: dt.date | None = None
    label: str | None = None
    editors: dict[int, str] = field(default_factory=dict)
    sections: dict[int, str] = field(default_factory=dict)


def read(text: str) -> Issue:
    """Cut the text into its table of contents, furniture and article chunks."""
    lines = text.split("\n")
    markers = {i: m for i, x in enumerate(lines) if (m := marker(x))}
    roles: dict[int, str] = {i: "marker" for i in markers}
    roles.update({i: "footer" for i in footers(lines) if i not in roles})
    papers = {m.publication for m in markers.values() if m.publication}
    _mark_running_heads(lines, roles, papers)
    first = min(markers, default=len(lines))
    leading = not any(_is_paragraph(lines[i]) for i in range(first) if i not in roles)
    between = leading and _between(lines, markers)
    end = _contents_end(lines, roles, first if leading and not between else None)
    for i in range(end):
        roles.setdefault(i, "contents")
    entries = _entries([lines[i] for i in range(end) if roles[i] == "contents"])
    issue = Issue(roles, entries, [])
    for i, line in enumerate(lines):
        if i in roles or not line.strip():
            continue
        if is_editor(line):
            roles[i] = "editor"
        elif section(line):
            roles[i] = "section"
    orientation = "between" if between else "leading" if leading else "trailing"
    issue.chunks = _chunks(lines, roles, _bounds(lines, roles, markers, end, orientation))
    if not markers and entries:
        titles = {cjk.compact(e.title) for e in entries}
        issue.chunks = [part for c in issue.chunks for part in _split_at_titles(c, titles)]
    _find_facts(lines, issue, markers, end)
    return issue


def _is_paragraph(line: str) -> bool:
    return cjk.width(line) >= 16 and cjk.ends_sentence(line) and not signals.is_link_item(line)


def _mark_running_heads(lines: list[str], roles: dict[int, str], papers: set[str]) -> None:
    """A running head is a short line that ends no sentence, is no byline,
    and either opens a page (the first line after a footer, printed again or
    dated) or is printed on page after page (three times or more, for
    exports without footers) with a date or the paper's name in it; every
    repeat of it is one too."""
    counts = Counter(cjk.compact(x) for x in lines if x.strip())

    def head_like(text: str) -> bool:
        return cjk.width(text) <= 40 and not cjk.ends_sentence(text) and not is_byline(text)

    heads = set()
    for i in [i for i, role in roles.items() if role == "footer"]:
        after = next((j for j in range(i + 1, len(lines)) if lines[j].strip()), None)
        if after is None or after in roles or not head_like(lines[after]):
            continue
        if counts[cjk.compact(lines[after])] >= 2 or signals.find_dates(lines[after]):
            heads.add(cjk.compact(lines[after]))
    for i, line in enumerate(lines):
        key = cjk.compact(line)
        if i in roles or not key or key in heads:
            continue
        named = signals.find_dates(line) or any(p in line for p in papers)
        if counts[key] >= 3 and head_like(line) and named:
            heads.add(key)
    for i, line in enumerate(lines):
        if i not in roles and line.strip() and cjk.compact(line) in heads:
            roles[i] = "running"


def _contents_end(lines: list[str], roles: dict[int, str], first: int | None) -> int:
    """Where the table of contents (and whatever precedes the first article)
    ends: at the first header line when headers lead their articles, else
    after the last entry-shaped line, and after bare titles printed again
    later (the first article's title is not)."""
    if first is not None:
        return first
    end = 0
    for i, line in enumerate(lines):
        if not line.strip() or i in roles:
            continue
        if _is_paragraph(line):
            break
        shaped = _ENTRY.match(line) or section(line) or _CONTENTS.match(line)
        again = end and cjk.compact(line) in cjk.compact("".join(lines[i + 1 :]))
        if shaped or again or signals.find_dates(line):
            end = i + 1
        elif end:
            break
    return end


def _entries(lines: list[str]) -> list[Entry]:
    """Titles of the table of contents, with their pages where it gives them:
    `1. 标题`, `1、标题（第1版）`, or titles under `第01版：要闻`. A line
    that is no entry continues the entry above it (a title wrapped)."""
    entries: list[Entry] = []
    page, name = None, ""
    for line in lines:
        text = line.strip()
        if not text or _CONTENTS.match(text) or signals.find_dates(text):
            continue
        if found := section(text):
            page, name = found
            continue
        numbered = _ENTRY.match(text)
        title = numbered.group(3) if numbered else text
        own = _ENTRY_PAGE.search(title)
        if own:
            title = title[: own.start()].strip()
        if numbered or page is not None or not entries:
            entries.append(Entry(title, int(own.group(1)) if own else page, name))
        else:
            entries[-1].title = cjk.join_lines(entries[-1].title, title)
    return entries


def _between(lines: list[str], markers: dict[int, Marker]) -> bool:
    """Header lines stand between each article's title block and its text
    when most of them are followed by a paragraph or a byline, not a headline."""
    following = [next((x for x in lines[i + 1 :] if x.strip()), "") for i in markers]
    return sum(1 for x in following if _starts_body(x) or is_byline(x)) * 2 > len(markers)


def _bounds(
    lines: list[str], roles: dict[int, str], markers: dict[int, Marker], end: int, orientation: str
) -> list[tuple[int, int | None]]:
    """Where each chunk starts, and the page it is on. A header line leads
    its article, follows it (`trailing`), or stands between its title block
    and its text (`between`: the article starts at its title block).
    Without header lines, chunks start at page sections."""
    if not markers:
        found = [(i, section(lines[i])) for i, role in sorted(roles.items()) if role == "section"]
        return [(end, None)] + [(i, s[0]) for i, s in found if s and i >= end]
    at = sorted(markers)
    if orientation == "trailing":
        starts = [end] + [i + 1 for i in at]
        pages = [markers[i].page for i in at] + [None]
        return list(zip(starts, pages, strict=True))
    if orientation == "between":
        return [(max(end, _head_start(lines, roles, i)), markers[i].page) for i in at]
    return [(i, markers[i].page) for i in at]


def _head_start(lines: list[str], roles: dict[int, str], at: int) -> int:
    """The first line of the title block just above line `at`: headlines,
    subtitles and bylines, back to the end of the article before."""
    start = at
    for i in range(at - 1, -1, -1):
        line = lines[i]
        if not line.strip() or roles.get(i) in ("footer", "running"):
            continue
        if roles.get(i) or _starts_body(line) or _ends_block(line):
            break
        start = i
    return start


def _chunks(
    lines: list[str], roles: dict[int, str], bounds: list[tuple[int, int | None]]
) -> list[Chunk]:
    """The lines from each chunk's start to the next one's, with its page;
    a footer or running head between two lines is noted as a break."""
    result = []
    full = full_width(lines)
    ends = [b[0] for b in bounds[1:]] + [len(lines)]
    for (first, page), last in zip(bounds, ends, strict=False):
        chunk = Chunk([], page, full=full)
        broken = False
        for i in range(first, last):
            role = roles.get(i)
            if role in ("footer", "running"):
                broken = True
            if role or not lines[i].strip():
                continue
            if broken:
                chunk.breaks.add(len(chunk.lines))
                broken = False
            chunk.lines.append(lines[i])
        if chunk.lines:
            result.append(chunk)
    return result


def full_width(lines: list[str]) -> float | None:
    """The width a PDF filled its lines to, when most lines are that full
    (a text hard-wrapped at the page width); None when each line is a paragraph."""
    widths = sorted(cjk.width(x) for x in lines if cjk.width(x) >= 10)
    if len(widths) < 20:
        return None
    full = widths[len(widths) * 9 // 10] - 2
    return full if sum(1 for w in widths if w >= full) >= 0.4 * len(widths) else None


def _split_at_titles(chunk: Chunk, titles: set[str]) -> list[Chunk]:
    """Without header lines, an article starts at a title the table of
    contents lists (on one line or wrapped over two), with the lead-in line
    just above it when the line before that ends a sentence; a picture
    report or an advert starts at its own head (`图片报道`, `广告`)."""
    starts = [0]
    for k in range(1, len(chunk.lines)):
        one = cjk.compact(chunk.lines[k])
        two = one + cjk.compact(chunk.lines[k + 1]) if k + 1 < len(chunk.lines) else ""
        block = _PICTURES.match(chunk.lines[k]) or _ADVERT.match(chunk.lines[k])
        if (one in titles or two in titles or block) and k > starts[-1] + 1:
            above = chunk.lines[k - 1]
            lead_in = k >= 2 and cjk.ends_sentence(chunk.lines[k - 2]) and _heading(above)
            starts.append(k - 1 if lead_in else k)
    parts = []
    for first, last in zip(starts, [*starts[1:], len(chunk.lines)], strict=False):
        breaks = {i - first for i in chunk.breaks if first <= i < last}
        parts.append(Chunk(chunk.lines[first:last], chunk.page, breaks, chunk.full))
    return parts


def _heading(line: str) -> bool:
    return not _starts_body(line) and not cjk.ends_sentence(line)


def _find_facts(lines: list[str], issue: Issue, markers: dict[int, Marker], end: int) -> None:
    """Publication and date by majority of the header lines (else the lines
    before the first article), page names and editors, the issue's number."""
    names = Counter(m.publication for m in markers.values() if m.publication)
    dates = Counter(m.date for m in markers.values() if m.date)
    for line in lines[:end] or lines[:5]:
        if (found := signals.find_dates(line)) and not dates:
            dates[found[0].value.date()] += 1
            if not names and (name := _paper_before(line[: found[0].start])):
                names[name] += 1
        if found := re.search(r"总第\s*\d+\s*期|第\s*\d+\s*期", line):
            issue.label = issue.label or re.sub(r"\s+", "", found.group(0))
    issue.publication = names.most_common(1)[0][0] if names else None
    issue.date = dates.most_common(1)[0][0] if dates else None
    for entry in issue.entries:
        if entry.page and entry.section:
            issue.sections.setdefault(entry.page, entry.section)
    page = None
    for i, line in enumerate(lines):
        if i in markers:
            page = markers[i].page
        role = issue.roles.get(i)
        if role == "section" and (found := section(line)):
            page = found[0]
            issue.sections.setdefault(page, found[1])
        if role == "editor" and page is not None:
            names_in = _EDITOR.sub("", line).strip(" ）)】]")
            issue.editors.setdefault(page, names_in)


# --- one article ----------------------------------------------------------------------


@dataclass
class Article:
    """One chunk read as a reader reads it."""

    title: str = ""
    lead_in: str = ""
    subtitle: str = ""
    byline: str = ""
    dateline: str = ""
    authors: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    head: list[str] = field(default_factory=list)  # the head's lines as printed
    text: list[str] = field(default_factory=list)  # paragraphs and captions, nothing taken off
    kind: str = "article"  # or "pictures", "advert"
    guessed: bool = False


def rejoin(chunk: Chunk, titles: dict[str, str]) -> tuple[list[str], int]:
    """The chunk's lines with each paragraph a page break cut made whole, and
    how many of them make the head. The part before a footer ends no sentence,
    and is body text or plainly runs on (a comma, a closing mark after the
    break). The head ends at the first paragraph, or at the first line that
    is no subtitle or byline after a subtitle, a byline or a title the table
    of contents lists."""
    result: list[str] = []
    head: int | None = None
    marked = False
    for index, line in enumerate(chunk.lines):
        text = line.strip()
        broken = index in chunk.breaks and bool(result)
        if result and (
            (broken and _runs_on(result[-1], text, head is not None))
            or _wraps(chunk.lines[index - 1], text, chunk.full)
        ):
            result[-1] = cjk.join_lines(result[-1], text)
            continue
        special = is_byline(text) or cjk.subtitle_text(text) is not None
        if head is None and (_starts_body(text) or (marked and not special)):
            head = len(result)
        result.append(text)
        marked = marked or special or _completes(result, titles)
    return result, len(result) if head is None else head


def _starts_body(line: str) -> bool:
    if _LEAD.match(line) or _is_paragraph(line):
        return True
    return cjk.width(line) > columns.HEADING_MAX or bool(re.search(r"[。；;]", line))


def _completes(lines: list[str], titles: dict[str, str]) -> bool:
    """The last line (with the one above it, when a title is wrapped) is a listed title."""
    last = cjk.compact(lines[-1])
    return last in titles or (len(lines) > 1 and cjk.compact(lines[-2]) + last in titles)


def _wraps(before: str, after: str, full: float | None) -> bool:
    """A line hard-wrapped onto the next: no line starts with a closing mark
    nor with the second half of a dash (`——`), and a full line that ends no
    sentence goes on."""
    if _CLOSER.match(after) or (before.rstrip().endswith("—") and after.startswith("—")):
        return True
    if full is None or cjk.width(before) < full or _ends_block(before):
        return False
    return not (is_byline(after) or cjk.subtitle_text(after) is not None)


def _ends_block(line: str) -> bool:
    """A sentence, a photo credit (`… 本报记者 X 摄`) or a closing signature ends a block."""
    return cjk.ends_sentence(line) or signals.is_caption(line) or bool(cjk.dateline(line))


def _runs_on(before: str, after: str, in_body: bool) -> bool:
    if _ends_block(before) or cjk.is_special(after) or is_byline(after):
        return False
    plainly = bool(re.search(r"[，、；：“（《]$", before) or _CLOSER.match(after))
    return in_body or plainly or cjk.width(before) > columns.HEADING_MAX


def read_article(chunk: Chunk, titles: dict[str, str], pairs: dict[str, int]) -> Article:
    lines, pos = rejoin(chunk, titles)
    head = lines[:pos]
    article = Article(head=head)
    headings = [x for x in head if not is_byline(x) and cjk.subtitle_text(x) is None]
    _title(article, headings, titles, pairs)
    dashed = [cjk.subtitle_text(x) or "" for x in head if cjk.subtitle_text(x) is not None]
    article.subtitle = " ".join(x for x in [article.subtitle, *dashed] if x)
    bylines = [x for x in head if is_byline(x)]
    article.byline = "；".join(bylines)
    article.authors = [n for x in bylines for n in signals.byline_names(x) or _names(x)]
    if any(_PICTURES.match(x) for x in headings):
        article.kind = "pictures"
    elif any(_ADVERT.match(x) for x in headings):
        article.kind = "advert"
    rest = [x for x in lines[pos:] if x]
    article.captions = [x for x in rest if signals.is_caption(x)]
    rest = [x for x in rest if x not in article.captions]
    if not rest and article.captions:
        article.kind = "pictures"
    paras = [p.text for p in columns.paragraphs(rest, pairs=pairs)]
    article.text = paras + article.captions
    if paras and (lead := _LEAD.match(paras[0])):
        article.byline = article.byline or lead.group(0).strip()
        article.authors = article.authors or _names(lead.group(2) or "")
        article.dateline = lead.group(1) if lead.group(1).endswith("电") else ""
        paras[0] = paras[0][lead.end() :]
    if paras and (closing := cjk.dateline(paras[-1])):
        article.dateline = article.dateline or closing[0]
        article.authors = article.authors or closing[1]
        paras[-1] = closing[2]
    article.paragraphs = [cjk.tidy_spaces(p) for p in paras if p.strip()]
    if not article.title:
        first = re.split(r"[，。！？,]", article.paragraphs[0] if article.paragraphs else "")[0]
        article.title, article.guessed = first[:24] or "无题", True
    return article


def _names(text: str) -> list[str]:
    """The names in a byline's bracket or a closing signature: `记者 王琳 李想`."""
    return [n for n in cjk.split_names(text) if re.fullmatch(r"[\u4e00-\u9fff·]{2,4}", n)]


def _title(
    article: Article, headings: list[str], titles: dict[str, str], pairs: dict[str, int]
) -> None:
    """Which head lines are the title, the lead-in above it (引题) and a
    subtitle below it: the table of contents says when it lists the title;
    otherwise two lines are one title wrapped when the first is the longer
    and the break cuts a word or a phrase (see `_wrapped`), else a lead-in
    and a title."""
    if not headings:
        return
    for size in range(len(headings), 0, -1):
        for start in range(len(headings) - size + 1):
            joined = cjk.compact(_join(headings[start : start + size]))
            if joined in titles:
                article.title = titles[joined]
                article.lead_in = " ".join(headings[:start])
                article.subtitle = " ".join(headings[start + size :])
                return
    if len(headings) == 1:
        article.title = headings[0]
        return
    *above, first, second = headings
    if _wrapped(first, second, pairs):
        article.title, article.lead_in = _join([first, second]), " ".join(above)
    else:
        article.title, article.lead_in = second, " ".join([*above, first])


def _wrapped(first: str, second: str, pairs: dict[str, int]) -> bool:
    """A title wrapped over two lines: the first line stops where no phrase
    can end (on a comma, a colon, an open quote, 的 or 和); or it is the
    fuller line and the break cuts a word seen elsewhere (`感` / `悟`) or
    leaves a stump of a phrase, since titles of two phrases have them of
    about one length (`坚守战疫 白衣执甲` / `勇逆行`), and no title is a
    word or two under a long line (`…在奉献中感悟` / `收获`)."""
    if _UNFINISHED.search(first):
        return True
    if cjk.width(first) <= cjk.width(second) + 1:
        return False
    parts = first.split()
    stump = len(parts) > 1 and 2 * len(parts[-1]) <= len(parts[0])
    tail = cjk.width(second) <= 3
    return len(parts) == 1 or stump or tail or pairs.get(first[-1] + second[0], 0) >= 2


_UNFINISHED = re.compile(r"[，,、：:；“‘《（(—的和与及对在把被从向给于]\s*$")


def _join(lines: list[str]) -> str:
    text = lines[0].strip()
    for line in lines[1:]:
        text = cjk.join_lines(text, line.strip())
    return text
