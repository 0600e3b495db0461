"""A day's whole newspaper issue as one text: an e-paper export or a PDF of all pages.

Such a text is many newspaper pages at once. It opens with a table of
contents (numbered titles, or titles under `第01版：要闻`), and each article
carries a header line naming the paper, date and page, above it or below it
(`《X报》（2022年04月08日 第 01 版）`, `X报 2022-04-08 第3版`). Where the
printed export turned a page, a footer (`第 N 页`, `- N -`) and a running
head interrupt the text, often in the middle of a paragraph; a PDF's text
may also be hard-wrapped at the page width.

Every rule here reads a line's shape (a date and a page number on one short
line, a bare page number, a numbered entry, a line filled to the page
width), never one paper's words. The header lines cut the text into
articles and give their pages (without them, the titles the contents list
do); footers, running heads, the table of contents, editor lines and
advertisements are kept aside (`boilerplate_lines`) and the paragraphs
they cut are joined again. The issue becomes one issue document holding
the whole cleaned text plus one document per article, under the newspaper
importer's layout; what is only guessed is named in a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from sitegen.importers import cjk, columns
from sitegen.importers.issuetext import (
    Article,
    Entry,
    Issue,
    footers,
    is_whole_issue,
    marker,
    read,
    read_article,
    section,
)
from sitegen.importers.records import (
    ImportOptions,
    Record,
    Source,
    article_fields,
    body,
    front_matter,
    issue_fields,
    paragraph,
    short_title,
)

KIND = "newspaper"


def detect(text: str) -> float:
    lines = text.split("\n")
    markers = sum(1 for x in lines if marker(x))
    sections = sum(1 for x in lines if section(x))
    printed = len(footers(lines))
    score = 0.5 * min(markers, 2) + 0.25 * min(sections, 2) + 0.1 * (printed >= 2)
    return min(1.0, score)


# --- records ----------------------------------------------------------------------------


def boilerplate_lines(text: str) -> list[str]:
    """Header lines, footers, running heads, the table of contents, page
    sections, editor lines and advertisements: their facts are in the front
    matter, and they stay in the copied original."""
    issue = read(text)
    lines = text.split("\n")
    aside = [lines[i] for i in sorted(issue.roles)]
    titles = {cjk.compact(e.title): e.title for e in issue.entries}
    pairs = columns.pair_counts(lines)
    for chunk in issue.chunks:
        if read_article(chunk, titles, pairs).kind == "advert":
            aside.extend(chunk.lines)
    return aside


def parse(text: str, source: Source, options: ImportOptions) -> list[Record]:
    lines = text.split("\n")
    issue = read(text)
    notes: list[str] = []
    publication = options.publication or issue.publication
    if not publication:
        publication = source.stem
        notes.append(
            f"no paper named in the text; filed under {publication!r} (pass --publication)"
        )
    date = options.date or issue.date
    if date is None:
        date = source.modified or dt.date.today()
        notes.append(f"no date found; dated {date} (pass --date YYYY-MM-DD)")
    if options.page is not None:
        notes.append("--page is left aside: each article's page is its header line's")
    titles = {cjk.compact(e.title): e.title for e in issue.entries}
    pairs = columns.pair_counts(lines)
    read_chunks = [(chunk, read_article(chunk, titles, pairs)) for chunk in issue.chunks]
    label = options.issue or issue.label
    digits = re.findall(r"\d+", label or "")
    folder, common = issue_fields(publication, date, label, int(digits[-1]) if digits else None)
    records: list[Record] = []
    orders: Counter[int] = Counter()
    last_page = 1
    placed: list[tuple[int, Article]] = []
    unpaged: list[str] = []
    for chunk, article in read_chunks:
        known = chunk.page or _listed_page(article.title, issue.entries)
        page = known or last_page
        placed.append((page, article))
        if known is None and article.kind == "article":
            unpaged.append(article.title)
        if article.guessed and article.kind == "article":
            notes.append(f"an article has no headline; titled by its first words {article.title!r}")
        last_page = page
        if article.kind != "article":
            continue
        orders[page] += 1
        name = f"page-{page:02d}-{orders[page]:02d}-{short_title(article.title)}.md"
        front = _article_front(article, common, page, orders[page], issue)
        records.append(Record(folder / name, front, body(_article_blocks(article))))
    pictures = [c for _, a in read_chunks if a.kind == "pictures" for c in a.captions]
    pages = max([c.page or 0 for c in issue.chunks] + [e.page or 0 for e in issue.entries])
    issue_front = front_matter(
        title=f"{publication} {date.isoformat()}",
        date=common["date"],
        kind="issue",
        categories=common["categories"],
        publication=publication,
        publication_kind="newspaper",
        issue=common["issue"],
        issue_number=common["issue_number"],
        pages=(pages or None) if is_whole_issue(text) else None,
        sections={p: issue.sections[p] for p in sorted(issue.sections)} or None,
        editors={p: issue.editors[p] for p in sorted(issue.editors)} or None,
        pictures=pictures,
        contents=[e.title for e in issue.entries],
    )
    if unpaged:
        notes.append(
            f"{len(unpaged)} article(s) with no page in a header line or the contents, "
            "each placed on the page of the one before (the first on page 1): "
            + "、".join(unpaged[:3])
            + ("…" if len(unpaged) > 3 else "")
        )
    notes = [f"{source.name}: {note}" for note in notes]
    blocks = _issue_blocks(placed, issue.sections)
    return [Record(folder / "issue.md", issue_front, body(blocks), notes), *records]


def _listed_page(title: str, entries: list[Entry]) -> int | None:
    wanted = cjk.compact(title)
    return next((e.page for e in entries if cjk.compact(e.title) == wanted and e.page), None)


def _article_front(article: Article, common: dict, page: int, order: int, issue: Issue) -> dict:
    names = list(dict.fromkeys(article.authors))
    return front_matter(
        title=article.title,
        lead_in=article.lead_in,
        subtitle=article.subtitle,
        **article_fields(common, names),
        page=page,
        section=issue.sections.get(page),
        byline=article.byline,
        dateline=article.dateline,
        editor=issue.editors.get(page),
        captions=article.captions,
        order=order,
        keep=("authors",),
    )


def _article_blocks(article: Article) -> list[str]:
    return [paragraph(p) for p in article.paragraphs]


def _issue_blocks(placed: list[tuple[int, Article]], sections: dict[int, str]) -> list[str]:
    """The whole cleaned text page by page, each article as printed under its
    title: nothing of it is lost but the adverts, which are kept aside."""
    blocks: list[str] = []
    current = None
    for page, article in placed:
        if article.kind == "advert":
            continue
        if page != current:
            blocks.append(paragraph(f"第{page}版 {sections.get(page, '')}".strip(), "h2"))
            current = page
        titled = [x for x in article.head if cjk.compact(x) in cjk.compact(article.title)]
        blocks.extend([paragraph(article.title, "h3")] if titled else [])
        blocks.extend(paragraph(x) for x in article.head if x not in titled)
        blocks.extend(paragraph(x) for x in article.text)
    return blocks
