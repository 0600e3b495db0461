"""Web pages saved as HTML (`.html`, `.htm`): the page's own markup.

A saved page says more than its text: its `<title>`, Open Graph and
`article:` properties, a publish date in `<meta>`, JSON-LD. What it states
(read, with the page's encoding, by `htmlmeta`) is taken first; the gaps
are filled by the text importer's rules (`webpage.read`) run over the
page's text as a browser shows it. The article itself is found
by trafilatura, which keeps paragraphs, tables and images, and its edges are
then trimmed by the same rules: trafilatura keeps every sentence of the
labelled pages but also date lines, editor lines and link lists, which those
rules recognise (see bench/README.md, "HTML pages").

The document is the one the text importer writes for the same page (kind
`webpage`, `content/web/<site>/`), so the rest of sitegen treats both alike.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
import trafilatura

from sitegen.importers import cjk, signals, webpage
from sitegen.importers.htmlmeta import charset, headline, sniff, stated
from sitegen.importers.htmlstyle import hidden_elements
from sitegen.importers.records import (
    ImportOptions,
    Record,
    Source,
    body,
    front_matter,
    paragraph,
    safe_component,
    short_title,
)
from sitegen.sources.markup import promote_lazy

KIND = "html"

_HIDDEN = frozenset(
    {
        "head",
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "svg",
        "canvas",
    }
)
_BLOCKS = frozenset(
    {"address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure"}
    | {"footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav"}
    | {"ol", "p", "pre", "section", "table", "tr", "ul", "br"}
)
_KEEP_ATTRIBUTES = {
    "img": {"src", "alt"},
    "a": {"href"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}


def detect(text: str) -> float:
    """Markup from the first character, as a saved page begins: never a
    scrape or a post, whose text may hold tags further down."""
    return 1.0 if sniff(text[:4096].encode("utf-8", "replace")) else 0.0


# --- what the page shows ---------------------------------------------------------


def tree(text: str) -> lxml.html.HtmlElement:
    """The parsed page; an empty document for markup lxml cannot read."""
    try:
        return lxml.html.document_fromstring(text.lstrip("\ufeff") or "<html></html>")
    except (lxml.etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html></html>")


def page_text(root: lxml.html.HtmlElement) -> str:
    """The page's text about as a browser's innerText gives it: a line per
    block, cells apart, nothing of scripts, styles or the head, nor of what
    the page hides (`hidden`, `display:none` in a `style` attribute or by a
    rule of the page's own style sheets)."""
    hidden = hidden_elements(root)
    parts: list[str] = []
    stack: list[tuple[lxml.html.HtmlElement, bool]] = [(root, False)]
    while stack:
        element, closing = stack.pop()
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        shown = bool(tag) and tag not in _HIDDEN and element not in hidden
        if shown and not closing:
            parts.append("\n" if tag in _BLOCKS else "\t" if tag in ("td", "th") else "")
            parts.append(_SPACES.sub(" ", element.text or ""))
            stack.append((element, True))
            stack.extend((child, False) for child in reversed(element))
            continue
        if tag in _BLOCKS:
            parts.append("\n")
        if element is not root:
            parts.append(_SPACES.sub(" ", element.tail or ""))
    lines = (x.strip(" \t") for x in "".join(parts).split("\n"))
    return _LABEL_ALONE.sub(r"\1 ", "\n".join(x for x in lines if x))


_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_LABEL_ALONE = re.compile(rf"((?:{'|'.join(signals.FIELD_LABELS.values())})[ \t]*[:：])\n")
"""A field's label on a line of its own: its value is on the next (a floated box)."""


def _when(said: str, reading: webpage.Reading) -> signals.DateMatch | None:
    """The stated date, unless the text gives the same day with its time."""
    stated_date = next(iter(signals.find_dates(said)), None)
    if stated_date is None:
        return reading.date
    same_day = reading.date and reading.date.value.date() == stated_date.value.date()
    if same_day and reading.date.timed and not stated_date.timed:
        return reading.date
    return stated_date


# --- the article -----------------------------------------------------------------


class Block(NamedTuple):
    """One top-level block of the extracted article: its clean HTML, its
    lines as a browser shows them, and the absolute URLs of its images."""

    html: str
    lines: tuple[str, ...]
    images: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def _clean(element: lxml.html.HtmlElement, base: str | None) -> Block | None:
    """The block with only the attributes a reader needs, image sources made
    absolute against the page's URL; None when it shows nothing."""
    images = []
    for node in list(element.iter()):
        if not isinstance(node.tag, str):
            continue
        keep = _KEEP_ATTRIBUTES.get(node.tag, set())
        for name in [n for n in node.attrib if n not in keep]:
            del node.attrib[name]
        if node.tag == "img":
            src = (node.get("src") or "").strip()
            if not src:
                node.drop_tree()
                continue
            node.set("src", urljoin(base, src) if base else src)
            images.append(node.get("src"))
    lines = tuple(page_text(element).split("\n")) if element.text_content().strip() else ()
    if not lines and not images:
        return None
    markup = lxml.html.tostring(element, encoding="unicode", with_tail=False)
    if element.find(".//pre") is None and element.tag != "pre":
        markup = " ".join(markup.split())
    return Block(markup, lines, tuple(images))


def extract(text: str, base: str | None) -> list[Block]:
    """The article's blocks as trafilatura finds them (paragraphs, headings,
    tables, images), cleaned."""
    if not page_text(tree(text)).strip():
        return []
    found = trafilatura.extract(
        promote_lazy(text),  # lazy-loaded pictures: their real address as src
        url=base,
        output_format="html",
        include_images=True,
        include_tables=True,
        include_comments=False,
        deduplicate=False,
    )
    if not found:
        return []
    root = tree(found)
    container = root.find("body")
    blocks = (_clean(child, base) for child in (container if container is not None else root))
    return [b for b in blocks if b is not None]


def relink(blocks: list[Block], local: dict[str, str]) -> list[Block]:
    """The blocks with the images found in `local` (absolute URL to a path
    in the site) pointing at their copies."""
    result = []
    for block in blocks:
        if not local.keys() & set(block.images):
            result.append(block)
            continue
        element = lxml.html.fragment_fromstring(block.html)
        for image in element.iter("img"):
            image.set("src", local.get(image.get("src", ""), image.get("src", "")))
        markup = lxml.html.tostring(element, encoding="unicode", with_tail=False)
        images = tuple(local.get(url, url) for url in block.images)
        result.append(Block(markup, block.lines, images))
    return result


def _prose(lines: list[str]) -> set[int]:
    """The lines the text rules take for the article: the run with the most
    prose, without date, source and editor lines, furniture and link lists."""
    run = webpage.main_run(lines)
    listed = {i for r in signals.link_list_runs(lines) for i in r}
    return {
        i
        for i in (run or ())
        if lines[i].strip()
        and i not in listed
        and not signals.is_link_item(lines[i])
        and not _furniture(lines[i])
    }


def _analysed(block: Block) -> tuple[str, ...]:
    """The lines the text rules weigh for a block: a table of data counts as
    one blank line (it neither adds prose nor breaks the article), a table
    of links or furniture as its rows."""
    if not block.html.startswith("<table") or not block.lines:
        return block.lines
    furniture = sum(1 for r in block.lines if signals.is_link_item(r) or _furniture(r))
    return block.lines if 2 * furniture >= len(block.lines) else ("",)


def _furniture(line: str) -> bool:
    return webpage.is_meta(line) or signals.boilerplate_score(line) >= webpage.FURNITURE


def article(blocks: list[Block]) -> list[Block]:
    """The blocks most of whose lines the text rules keep, with the images,
    captions and tables of data between them or just before them."""
    analysed = [_analysed(b) for b in blocks]
    lines = [line for lines in analysed for line in lines]
    owners = [index for index, lines in enumerate(analysed) for _ in lines]
    prose = _prose(lines)
    chosen = [
        index
        for index, lines in enumerate(analysed)
        if any(lines) and 2 * sum(owners[i] == index for i in prose) >= len(lines)
    ]
    while chosen and webpage.edge_furniture(blocks[chosen[-1]].text):
        chosen.pop()
    if not chosen:
        return [b for b in blocks if b.images]
    first = chosen[0]
    while first > 0 and blocks[first - 1].images:
        first -= 1
    between = range(first, chosen[-1] + 1)
    keep = set(chosen) | {i for i in between if blocks[i].images or not any(analysed[i])}
    return [b for i, b in enumerate(blocks) if i in keep]


# --- the page as a document ----------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """What an HTML page holds, read: stated metadata first, the text rules'
    reading for the rest; `guesses` says what was guessed, for warnings."""

    title: str
    date: signals.DateMatch | None
    fields: dict[str, str]
    authors: list[str]
    crumbs: list[str]
    site: str
    url: str | None
    blocks: list[Block]
    text: str
    guesses: list[str] = field(default_factory=list)


def read(text: str, url: str | None = None) -> Page:
    """Read a decoded HTML page; `url` is where it was fetched from, if known
    (else the page's canonical or og:url, if it states one). Where
    trafilatura finds no article (a short page), the text rules' article is
    taken, line by line, as from a scrape."""
    root = tree(text)
    shown = page_text(root)
    said = stated(root)
    base = url or _absolute(said["url"])
    blocks = article(extract(text, base))
    read_text = _up_to(shown, blocks)
    reading = webpage.read(read_text)
    lines = read_text.split("\n")
    blocks = _within(blocks, lines, reading.body)
    blocks = blocks or [Block(paragraph(lines[i]), (lines[i],), ()) for i in reading.body]
    fields = dict(reading.fields)
    for key in ("source", "editor"):
        if said[key] and key not in fields:
            fields[key] = said[key]
    authors = [said["author"]] if said["author"] else list(reading.authors)
    title = headline(root, said["title"], reading.title)
    host = urlsplit(base).hostname if base else None
    site = said["site"] or webpage.site_name(shown.split("\n")) or host or ""
    return Page(
        title=title,
        date=_when(said["date"], reading),
        fields=fields,
        authors=authors,
        crumbs=[said["section"]] if said["section"] else reading.crumbs,
        site=site,
        url=base,
        blocks=blocks,
        text=shown,
        guesses=[] if title and title != reading.title else list(reading.guesses),
    )


def _within(blocks: list[Block], lines: list[str], body: list[int]) -> list[Block]:
    """The blocks without the text at their end that the page shows past
    the text rules' article with furniture between (an author's bio, a
    "scan the QR code" line under the share buttons): the extractor skipped
    the furniture, which ends the article for the text rules. As in
    `article`, images stay only before text that stays."""
    texts = [i for i, b in enumerate(blocks) if b.lines and not b.images]
    dropped = False
    while body and texts:
        wanted = cjk.compact(blocks[texts[-1]].lines[0])
        after = range(body[-1] + 1, len(lines))
        at = next((i for i in after if cjk.compact(lines[i]) == wanted), None)
        between = range(body[-1] + 1, at if at is not None else body[-1] + 1)
        if not any(_furniture(lines[i]) or signals.is_link_item(lines[i]) for i in between):
            break
        texts.pop()
        dropped = True
    if not dropped:
        return blocks
    return blocks[: texts[-1] + 1] if texts else []


AFTER = 30
"""Lines after the article the text rules still read (editor, date at the foot)."""


def _up_to(shown: str, blocks: list[Block]) -> str:
    """The page's text down to a little after the article, and any
    breadcrumb further down: link lists down there, whose prose may
    outweigh a short article, are not read."""
    lines = shown.split("\n")
    last = cjk.compact(blocks[-1].lines[-1]) if blocks and blocks[-1].lines else ""
    ends = [i for i, x in enumerate(lines) if last and last in cjk.compact(x)]
    if not ends:
        return shown
    cut = ends[-1] + 1 + AFTER
    return "\n".join(lines[:cut] + [x for x in lines[cut:] if signals.breadcrumb(x)])


def _absolute(url: str) -> str | None:
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def boilerplate_lines(text: str) -> list[str]:
    """Lines the page shows that are not in its document: menus, link lists,
    footers (the original, copied unchanged, keeps them)."""
    page = read(text)
    kept = cjk.compact(page.title + "".join(b.text for b in page.blocks))
    return [x for x in page.text.split("\n") if cjk.compact(x) not in kept]


def document(
    page: Page, source: Source, options: ImportOptions, extra: dict[str, object] | None = None
) -> Record:
    """The page as the text importer would write it, with `extra` front matter."""
    if options.date is not None:
        date_text, day = options.date.isoformat(), options.date
    elif page.date is not None:
        date_text, day = signals.format_date(page.date), page.date.value.date()
    else:
        day = source.modified or dt.date.today()
        date_text = day.isoformat()
    title = page.title or source.stem
    guesses = [
        *page.guesses,
        *([] if page.blocks else ["no article text found; the document holds only the title"]),
        *([] if page.title else ["no title found; titled by the file name"]),
        *([] if options.date or page.date else [f"no date found; dated {day}"]),
    ]
    origin = options.publication or page.fields.get("source", "")
    author = "、".join(page.authors) or origin
    folder = PurePosixPath("web", safe_component(page.site or origin or "web"))
    front = front_matter(
        title=title,
        date=date_text,
        kind=webpage.KIND,
        categories=["网页", *page.crumbs],
        author=author,
        source=origin if origin != author else None,
        editor=page.fields.get("editor"),
        original_url=page.url,
        **(extra or {}),
    )
    notes = [f"{source.name}: {guess}" for guess in guesses]
    name = f"{day.isoformat()}-{short_title(title)}.md"
    return Record(folder / name, front, body([b.html for b in page.blocks]), notes)


def parse(text: str, source: Source, options: ImportOptions) -> list[Record]:
    record = document(read(text), source, options)
    note = charset(source.data)[1]
    if note:
        record.notes.insert(0, f"{source.name}: {note}")
    return [record]
