"""Newspaper PDFs: the pages as printed, read for their articles.

pdfplumber gives each character with its position, size and font;
`pdflayout` turns them into paragraphs in reading order with headlines
marked, and from there the page is read as a converted text page is (the
masthead, `layout`'s heads, runs and jump lines, `newspaper`'s documents).
What only a PDF has is kept too: each page is rendered as an image for the
issue page, and each article records where on its pages it stands.

A file of several pages becomes one issue document (the whole text, page
by page, and the page images) plus one document per article with the page
it starts on; an article continued on another page (`（下转第3版）` …
`（上接第1版）`) is one document. A page without a text layer (a scan) is
kept as its image, with a warning: there is no OCR.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

import pdfplumber
import pypdfium2
from pdfplumber.utils.exceptions import PdfminerException

from sitegen.errors import ImportFailed
from sitegen.importers import columns, layout, newspaper, pdflayout, signals
from sitegen.importers.records import (
    ImportOptions,
    Record,
    Source,
    body,
    front_matter,
    guessed_identity,
    issue_fields,
    paragraph,
    short_title,
)

KIND = "pdf"

IMAGE_WIDTH = 1200
"""Width of a page image in pixels: sharp on a screen, small to download."""

RUNNING_HEAD = 0.07
"""Share of the page height from the top where an inner page's running head
(date, paper, 第N版) stands."""

_PAGE_NO = re.compile(r"第\s*([\d一二三四五六七八九十]+)\s*版")
_JUMP = re.compile(r"(上接|下转|接|转)第?([一二三四五六七八九十\d]+)版")
_PAPER = re.compile(r"[\u4e00-\u9fff]{2,10}报")


def detect(text: str) -> float:
    """A PDF is known by its bytes (`sniff`), never by decoded text."""
    return 0.0


def sniff(data: bytes) -> bool:
    """A PDF file starts with `%PDF-` (a few readers allow junk before it)."""
    return b"%PDF-" in data[:1024]


def boilerplate_lines(text: str) -> list[str]:
    """Nothing is dropped: mastheads and running heads stay in the issue document."""
    return []


@dataclass(frozen=True)
class PageImage:
    data: bytes
    width: int
    height: int


@dataclass(frozen=True)
class Page:
    """One PDF page as pdfplumber read it: its size and its lines of type."""

    width: float
    height: float
    lines: list[pdflayout.Line]


@dataclass
class Reading:
    """One page read: its masthead or running head, and its articles."""

    number: int | None
    """As the masthead (1) or running head says; `parse` settles it."""
    head: newspaper.Masthead
    units: list[layout.Unit]
    boxes: dict[str, list[pdflayout.Box]]
    size: tuple[float, float]


def read_pdf(data: bytes, name: str) -> list[Page]:
    """Every page's lines of type, with positions, sizes and fonts."""
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [_page(p) for p in pdf.pages]
    except PdfminerException as exc:
        raise _damaged(name, exc) from exc


def _damaged(name: str, exc: Exception) -> ImportFailed:
    return ImportFailed(
        f"cannot read this PDF: {exc}", path=name, hint="check that the file is whole"
    )


def _page(page) -> Page:
    """Runs of one size on one baseline; a change of font (a bold 本报讯 at
    the start of a paragraph) does not cut them, the line has the font most
    of its characters are in."""
    words = page.extract_words(
        keep_blank_chars=True, x_tolerance_ratio=0.5, extra_attrs=["size"], return_chars=True
    )
    lines = [
        pdflayout.Line(w["text"], w["x0"], w["top"], w["x1"], w["bottom"], w["size"], _font(w))
        for w in words
        if w["text"].strip()
    ]
    return Page(float(page.width), float(page.height), lines)


def _font(word: dict) -> str:
    fonts = Counter(c["fontname"] for c in word["chars"] if not c["text"].isspace())
    return fonts.most_common(1)[0][0] if fonts else ""


def render(data: bytes, name: str, width: int = IMAGE_WIDTH) -> list[PageImage]:
    """Each page as a WebP image `width` pixels wide."""
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise _damaged(name, exc) from exc
    try:
        images = []
        for page in document:
            bitmap = page.render(scale=width / page.get_width())
            image = bitmap.to_pil()
            out = io.BytesIO()
            image.save(out, "WEBP", quality=80)
            images.append(PageImage(out.getvalue(), *image.size))
        return images
    finally:
        document.close()


def read_page(page: Page, em: float) -> Reading:
    """Masthead or running head first, then heads and runs as `layout` reads them."""
    lines = pdflayout.join_spaced(page.lines, em)
    blocks = pdflayout.paragraphs(pdflayout.reading_order(lines, em), em)
    paras = [columns.Para(b.text, i, i, b.heading) for i, b in enumerate(blocks)]
    head = newspaper.read_masthead(paras)
    number = 1 if head.lines else None
    if not head.lines:
        top = itertools.takewhile(lambda b: b.box[3] <= RUNNING_HEAD * page.height, blocks)
        head, number = running_head([b.text for b in top])
    boxes: dict[str, list[pdflayout.Box]] = {}
    for block in blocks:
        boxes.setdefault(block.text, []).append(block.box)
    return Reading(
        number,
        head,
        layout.read_page(paras[len(head.lines) :]),
        boxes,
        (page.width, page.height),
    )


def page_numbers(found: list[int | None], first: int | None) -> tuple[list[int], str | None]:
    """Each page's number: counted from --page when given, else as its
    masthead or running head says, else its place in the file; and a
    warning when the heads give one number twice, so the pages are counted."""
    if first:
        return [first + i for i in range(len(found))], None
    numbers = [n or i + 1 for i, n in enumerate(found)]
    if len(set(numbers)) == len(numbers):
        return numbers, None
    counted = list(range(1, len(found) + 1))
    return counted, "two pages say they are the same page; numbered by their place in the file"


def running_head(lines: list[str]) -> tuple[newspaper.Masthead, int | None]:
    """The date, paper and page number an inner page carries along its top."""
    text = " ".join(lines)
    dates = signals.find_dates(text)
    paper = next((t for t in text.split() if _PAPER.fullmatch(t)), None)
    number = _PAGE_NO.search(text)
    head = newspaper.Masthead(
        lines if (dates or paper or number) else [],
        publication=paper,
        date=dates[0].value.date() if dates else None,
    )
    return head, newspaper.page_number(number.group(1)) if number else None


def parse(text: str, source: Source, options: ImportOptions) -> list[Record]:
    if not sniff(source.data):
        raise ImportFailed(
            "this file is not a PDF", path=source.name, hint="leave out --kind pdf for texts"
        )
    pages = read_pdf(source.data, source.name)
    every = [line for page in pages for line in page.lines]
    em = pdflayout.body_size(every)
    readings = [read_page(page, em) for page in pages]
    numbers, renumbered = page_numbers([r.number for r in readings], options.page)
    readings = [replace(r, number=n) for r, n in zip(readings, numbers, strict=True)]
    images = render(source.data, source.name)
    notes = [f"{source.name}: {renumbered}"] if renumbered else []
    publication, date = _identity(readings, source, options, notes)
    heads = [r.head for r in readings]
    issue = options.issue or next((h.issue for h in heads if h.issue), None)
    issue_number = next((h.issue_number for h in heads if h.issue_number), None)
    if options.issue and (digits := re.findall(r"\d+", options.issue)):
        issue_number = int(digits[-1])
    folder, common = issue_fields(publication, date, issue, issue_number)
    articles = _articles(readings)
    records = [
        _article_record(folder, common, article, order) for order, article in _numbered(articles)
    ]
    for reading, page in zip(readings, pages, strict=True):
        notes += newspaper.page_notes(reading.units, f"{source.name} 第{reading.number}版")
        if not page.lines:
            notes.append(
                f"{source.name}: page {reading.number} has no text layer (a scan?); "
                "it is kept as its image only, there is no OCR"
            )
    pages_count = next((r.head.pages for r in readings if r.head.pages), None)
    issue_front = {**common, "pages": pages_count}
    return [*_issue_records(folder, issue_front, readings, images, notes), *records]


def _issue_records(
    folder: PurePosixPath,
    common: dict,
    readings: list[Reading],
    images: list[PageImage],
    notes: list[str],
) -> list[Record]:
    """The issue document, holding the whole text and naming the page images
    (`common` has its publication, date, issue and page count), then the images."""
    numbers = [r.number for r in readings]
    span = f"{numbers[0]}" if len(numbers) == 1 else f"{numbers[0]}–{numbers[-1]}"
    token = (
        f"page-{numbers[0]:02d}"
        if len(numbers) == 1
        else f"pages-{numbers[0]:02d}-{numbers[-1]:02d}"
    )
    names = [f"page-{n:02d}.webp" for n in numbers]
    front = front_matter(
        title=f"{common['publication']} {common['date']} 第{span}版",
        date=common["date"],
        kind="issue",
        categories=common["categories"],
        publication=common["publication"],
        publication_kind="newspaper",
        issue=common["issue"],
        issue_number=common["issue_number"],
        page=numbers[0],
        pages=common["pages"],
        page_images=[
            {"page": n, "image": name, "width": image.width, "height": image.height}
            for n, name, image in zip(numbers, names, images, strict=True)
        ],
    )
    return [
        Record(folder / f"{token}.md", front, body(_issue_blocks(readings)), notes),
        *(Record(folder / n, None, "", data=i.data) for n, i in zip(names, images, strict=True)),
    ]


def _identity(
    readings: list[Reading], source: Source, options: ImportOptions, notes: list[str]
) -> tuple[str, dt.date]:
    """Publication and date: as given, else from a masthead or running head,
    else a guess named in a warning (the file's name, its modification day)."""
    heads = [r.head for r in readings]
    publication = options.publication or next((h.publication for h in heads if h.publication), None)
    date = options.date or next((h.date for h in heads if h.date), None)
    return guessed_identity(publication, date, source, notes)


@dataclass
class Article:
    """An article and the pages it stands on: where it starts, then where it goes on."""

    run: layout.Run
    page: int
    parts: list[tuple[Reading, list[layout.Item]]]


def _articles(readings: list[Reading]) -> list[Article]:
    """Every headed article, with its continuation on another page joined to it."""
    by_number = {r.number: r for r in readings}
    articles: list[Article] = []
    taken: set[int] = set()
    for reading in readings:
        for run in newspaper.find_articles(reading.units):
            if id(run) in taken:
                continue
            items = _items(run)
            article = Article(run, reading.number, [(reading, items)])
            for target in _jumps(items, "下转", "转"):
                follow = _continuation(by_number.get(target), reading.number, taken)
                if follow is not None:
                    taken.add(id(follow))
                    follow.continuation = True
                    article.parts.append((by_number[target], _items(follow)))
                    article.run = layout.Run(
                        [*article.run.items, *follow.items],
                        run.head,
                        run.title,
                        run.extra,
                    )
            articles.append(article)
    return articles


def _continuation(reading: Reading | None, origin: int, taken: set[int]) -> layout.Run | None:
    """The run on `reading`'s page that says it goes on from page `origin`."""
    if reading is None:
        return None
    for unit in reading.units:
        free = isinstance(unit, layout.Run) and id(unit) not in taken
        if free and origin in _jumps(unit.items[:2], "上接", "接"):
            return unit
    return None


def _jumps(items: list[layout.Item], *words: str) -> list[int]:
    """Pages the jump lines among these items point to, in one direction."""
    pages = []
    for item in items:
        for jump in item.jumps:
            match = _JUMP.search(jump)
            if match and match.group(1) in words:
                number = newspaper.page_number(match.group(2))
                if number:
                    pages.append(number)
    return pages


def _items(run: layout.Run) -> list[layout.Item]:
    head = run.head.items if run.head else []
    return [*head, *newspaper.run_items(run)]


def _numbered(articles: list[Article]) -> list[tuple[int, Article]]:
    """Each article with its place among those starting on its page."""
    seen: dict[int, int] = {}
    result = []
    for article in articles:
        seen[article.page] = seen.get(article.page, 0) + 1
        result.append((seen[article.page], article))
    return result


def _article_record(folder: PurePosixPath, common: dict, article: Article, order: int) -> Record:
    title = layout.title_of(article.run)
    front = newspaper.article_front(article.run, title, {**common, "page": article.page}, order)
    front["regions"] = [region for part in article.parts if (region := _region(*part))]
    name = f"page-{article.page:02d}-{order:02d}-{short_title(title)}.md"
    return Record(folder / name, front, body(newspaper.article_blocks(article.run)))


def _region(reading: Reading, items: list[layout.Item]) -> dict | None:
    """Where these items stand on the page, in percent of its width and height."""
    boxes = [box for item in items for box in reading.boxes.get(item.text, [])]
    if not boxes:
        return None
    x0, top, x1, bottom = pdflayout.union(boxes)
    width, height = reading.size
    return {
        "page": reading.number,
        "left": round(100 * x0 / width, 2),
        "top": round(100 * top / height, 2),
        "width": round(100 * (x1 - x0) / width, 2),
        "height": round(100 * (bottom - top) / height, 2),
    }


def _issue_blocks(readings: list[Reading]) -> list[str]:
    """The whole text, page by page: each page's head lines, then its articles."""
    blocks = []
    for reading in readings:
        if len(readings) > 1:
            blocks.append(paragraph(f"第{reading.number}版", "h2"))
        blocks += [paragraph(line) for line in reading.head.lines]
        blocks += newspaper.page_blocks(reading.units)
        if not reading.boxes:
            blocks.append(paragraph("（这一版只有图像，没有文字层。）"))
    return blocks
