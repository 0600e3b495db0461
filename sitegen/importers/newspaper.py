"""Newspaper pages converted from PDF (seeds 001 and 002).

A page becomes one page document (kind `issue`) holding the whole cleaned
text in reading order, plus one document per article found on it. The
masthead of a front page gives the publication, date, issue number and page
count; a page without one needs --publication and --date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sitegen.importers import cjk, columns, epaper, issuetext, layout
from sitegen.importers.records import (
    ImportOptions,
    Record,
    Source,
    article_fields,
    body,
    front_matter,
    guessed_identity,
    issue_fields,
    paragraph,
    short_title,
    signs_score,
)

KIND = "newspaper"

_MASTHEAD = [
    re.compile(p)
    for p in (
        r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日",
        r"星期[一二三四五六日天]",
        r"总第\s*\d+\s*期",
        r"今日\s*[\d一二三四五六七八九十]+\s*版",
        r"刊号|CN\s*\d{2}\s*-\s*\d{4}",
        r"主管|主办|社出版",
        r"热线|E-?mail|邮箱|https?://|www\.",
        r"^[A-Z][A-Z ]{6,}$",
        r"农历|[甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥]年",
    )
]
_NUMERALS = {c: i for i, c in enumerate("零一二三四五六七八九十", start=0)}


SIGNS = (
    (r"本报讯|本报记者|本报通讯员", 0.4),
    (r"新华社.{0,12}电|新华社记者", 0.2),
    (r"[（(]\s*(上接|下转)第?[一二三四五六七八九十\d]+版", 0.3),
    (r"总第\s*\d+\s*期|今日\s*[\d一二三四五六七八九十]+\s*版|日报社出版", 0.4),
    (r"\s摄\s*$", 0.1),
)


def detect(text: str) -> float:
    """Bylines, leads, jump lines and mastheads are what a newspaper page has;
    header lines naming pages are what a whole issue has (see `epaper`)."""
    return max(signs_score(text, SIGNS), epaper.detect(text))


def boilerplate_lines(text: str) -> list[str]:
    """Nothing is dropped from a page: the masthead stays in the page document.
    A whole issue's furniture is kept aside (see `epaper`)."""
    return epaper.boilerplate_lines(text) if issuetext.is_whole_issue(text) else []


@dataclass
class Masthead:
    lines: list[str] = field(default_factory=list)
    publication: str | None = None
    date: dt.date | None = None
    issue: str | None = None
    issue_number: int | None = None
    pages: int | None = None


def read_masthead(paras: list[columns.Para]) -> Masthead:
    """The masthead is the run of short lines at the top that match its forms."""
    last, hits = -1, 0
    for index, para in enumerate(paras[:30]):
        if cjk.width(para.text) > 60:
            break
        if any(p.search(para.text) for p in _MASTHEAD):
            last, hits = index, hits + 1
    if hits < 2:
        return Masthead()
    head = Masthead([p.text for p in paras[: last + 1]])
    text = "\n".join(head.lines)
    if match := re.search(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", text):
        try:
            head.date = dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            head.date = None
    if match := re.search(r"总第\s*(\d+)\s*期", text):
        head.issue, head.issue_number = f"总第{match.group(1)}期", int(match.group(1))
    if match := re.search(r"今日\s*([\d一二三四五六七八九十]+)\s*版", text):
        head.pages = page_number(match.group(1))
    if match := re.search(r"([\u4e00-\u9fff]{2,10}?报)社出版", text):
        head.publication = match.group(1)
    else:
        named = [x for x in head.lines if re.fullmatch(r"[\u4e00-\u9fff]{2,10}报", x.strip())]
        head.publication = named[0].strip() if named else None
    return head


def page_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _NUMERALS.get(text[1:], 0)
    if len(text) == 2 and text.endswith("十"):
        return _NUMERALS.get(text[0], 0) * 10
    if len(text) == 3 and text[1] == "十":
        return _NUMERALS.get(text[0], 0) * 10 + _NUMERALS.get(text[2], 0)
    return _NUMERALS.get(text)


def parse(text: str, source: Source, options: ImportOptions) -> list[Record]:
    if issuetext.is_whole_issue(text):
        return epaper.parse(text, source, options)
    lines = text.split("\n")
    paras = columns.paragraphs(lines)
    head = read_masthead(paras)
    publication = options.publication or head.publication
    date = options.date or head.date
    if (not publication or not date) and any(issuetext.marker(x) for x in lines):
        return epaper.parse(text, source, options)
    guesses: list[str] = []
    publication, date = guessed_identity(publication, date, source, guesses)
    page = options.page or (1 if head.lines else None)
    issue = options.issue or head.issue
    issue_number = head.issue_number
    if options.issue and (digits := re.findall(r"\d+", options.issue)):
        issue_number = int(digits[-1])
    units = layout.read_page(paras[len(head.lines) :])
    folder, common = issue_fields(publication, date, issue, issue_number)
    common["page"] = page
    token = f"page-{page:02d}" if page else f"page-{source.stem}"
    articles = find_articles(units)
    records = []
    for order, run in enumerate(articles, start=1):
        title = layout.title_of(run)
        records.append(
            Record(
                folder / f"{token}-{order:02d}-{short_title(title)}.md",
                article_front(run, title, common, order),
                body(article_blocks(run)),
            )
        )
    page_title = f"{publication} {date.isoformat()}" + (f" 第{page}版" if page else "")
    teasers = [_teaser_text(u) for u in units if isinstance(u, layout.Teaser)]
    page_front = front_matter(
        title=page_title,
        date=common["date"],
        kind="issue",
        categories=common["categories"],
        publication=publication,
        publication_kind="newspaper",
        issue=issue,
        issue_number=issue_number,
        page=page,
        pages=head.pages,
        teasers=teasers,
    )
    blocks = [paragraph(line) for line in head.lines] + page_blocks(units)
    notes = [*guesses, *page_notes(units, source.name)]
    return [Record(folder / f"{token}.md", page_front, body(blocks), notes), *records]


def find_articles(units: list[layout.Unit]) -> list[layout.Run]:
    return [u for u in units if isinstance(u, layout.Run) and u.head and not u.continuation]


def _teaser_text(teaser: layout.Teaser) -> str:
    return "".join(i.text for i in teaser.items)


def run_items(run: layout.Run) -> list[layout.Item]:
    items = list(run.items)
    for extra in run.extra:
        items.extend(extra.items)
    return items


def article_front(run: layout.Run, title: str, common: dict, order: int) -> dict:
    items = run_items(run)
    head_items = run.head.bylines if run.head else []
    bylines = [i.lead for i in head_items] + [i.lead for i in items if i.lead]
    names = [n for i in head_items + items for n in i.names]
    datelines = [i.dateline for i in items if i.dateline]
    if not names:
        names = [n for i in items for n in i.signers]
    names = list(dict.fromkeys(names))
    return front_matter(
        title=title,
        subtitle=layout.subtitle_of(run),
        **article_fields(common, names),
        page=common["page"],
        byline="；".join(dict.fromkeys(bylines)),
        dateline="；".join(dict.fromkeys(datelines)),
        jump=[j for i in items for j in i.jumps],
        captions=[i.text for i in items if i.kind == "caption"],
        order=order,
        keep=("authors",),
    )


def article_blocks(run: layout.Run) -> list[str]:
    """Body paragraphs and subheads; a second report under the same headline
    is set off by a rule, as the page sets it off by its own 本报讯."""
    blocks = []
    starts = {id(extra.items[0]) for extra in run.extra if extra.items}
    for item in run_items(run):
        if id(item) in starts:
            blocks.append("<hr />")
        if item.kind == "subhead":
            blocks.append(paragraph(item.text, "h3"))
        elif item.kind == "text" and item.clean:
            blocks.append(paragraph(item.clean))
    return blocks


def page_blocks(units: list[layout.Unit]) -> list[str]:
    """The whole page in reading order: each article's head before its text."""
    blocks: list[str] = []
    for unit in units:
        if isinstance(unit, layout.Head):
            if not unit.attached:
                blocks.extend(_item_block(i) for i in unit.items)
                if unit.trailer:
                    blocks.append(_item_block(unit.trailer))
            continue
        if isinstance(unit, layout.Run) and unit.head is not None:
            if unit.title:
                blocks.append(paragraph(unit.title, "h2"))
            else:
                first, *rest = unit.head.items
                blocks.append(_item_block(first))
                blocks.extend(paragraph(i.text) for i in rest)
        blocks.extend(_item_block(i) for i in unit.items)
    return blocks


def _item_block(item: layout.Item) -> str:
    if item.kind == "head":
        return paragraph(item.text, "h2")
    if item.kind == "subhead":
        return paragraph(item.text, "h3")
    return paragraph(item.text)


def page_notes(units: list[layout.Unit], name: str) -> list[str]:
    notes = []
    loose = [
        u for u in units if isinstance(u, layout.Run) and u.head is None and not u.continuation
    ]
    count = sum(1 for u in loose for i in u.items if i.kind == "text")
    if count:
        notes.append(
            f"{name}: {count} paragraph(s) belong to no headline found on the page; "
            "they are kept in the page document only"
        )
    heads = [u for u in units if isinstance(u, layout.Head) and not u.attached]
    for unit in heads:
        notes.append(
            f"{name}: headline {' '.join(unit.titles)!r} has no text; kept in the page document"
        )
    return notes
