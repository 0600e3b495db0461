"""What a saved HTML page says of itself: its encoding, and the metadata
its markup states.

A page's bytes are decoded as a browser would, checking the encoding the
page declares against its bytes (saved pages often declare gb2312 and hold
UTF-8). Its `<title>`, `<meta>` (Open Graph, `article:*`, `publishdate`)
and JSON-LD give the title, date, author, source, editor, section, site and
address where they state them; the HTML importer (`htmlpage`) fills the
gaps with the text rules.
"""

from __future__ import annotations

import codecs
import json
import re

import charset_normalizer
import lxml.html

from sitegen.importers import cjk, signals

_MARKUP = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    rb"<(?:!doctype\s+html|html|head|meta|title)[\s>]",
    re.IGNORECASE | re.DOTALL,
)
_DECLARED = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs", "iso8859-1": "cp1252"}
"""What browsers read for these labels: the larger table, of which the label names a part."""


def sniff(data: bytes) -> bool:
    """An HTML document by its first bytes: a doctype or an `<html>`,
    `<head>`, `<meta>` or `<title>` tag before any text (an XML declaration
    and comments aside)."""
    return bool(_MARKUP.match(data[:4096]))


def charset(data: bytes, declared: str | None = None) -> tuple[str, str | None]:
    """The page's encoding, checked against its bytes, and a note when the
    page (or `declared`, its server's header) said otherwise: saved pages
    often declare gb2312 and hold UTF-8."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return name, None
    found = _DECLARED.search(data[:4096])
    said = declared or (found.group(1).decode("ascii").lower() if found else None)
    said_codec = _codec(said)
    if _decodes(data, "utf-8") and not data.isascii():
        wrong = said_codec not in (None, "utf-8")
        return "utf-8", f"declares {said} but its bytes are UTF-8; read as UTF-8" if wrong else None
    if said_codec and _decodes(data, said_codec):
        return said_codec, None
    guess = charset_normalizer.from_bytes(data).best()
    name = _codec(guess.encoding) if guess else None
    if name is None:
        return said_codec or "gb18030", "encoding not recognised; undecodable bytes replaced"
    note = f"declares {said} but its bytes are {name}; read as {name}" if said_codec else None
    return name, note


def _codec(label: str | None) -> str | None:
    try:
        name = codecs.lookup(label).name if label else None
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def decode(data: bytes, declared: str | None = None) -> str:
    return data.decode(charset(data, declared)[0], errors="replace")


# --- what the markup states ----------------------------------------------------


def _meta(root: lxml.html.HtmlElement) -> dict[str, str]:
    """Every `<meta>` by its name or property, lower case, first one wins."""
    found: dict[str, str] = {}
    for element in root.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or ""
        value = " ".join((element.get("content") or "").split())
        if key.strip() and value:
            found.setdefault(key.strip().lower(), value)
    return found


def _news_article(root: lxml.html.HtmlElement) -> dict:
    """The first JSON-LD object that is an article (NewsArticle, Article…)."""
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):
            continue
        items = data.get("@graph", [data]) if isinstance(data, dict) else data
        for item in items if isinstance(items, list) else []:
            kinds = item.get("@type") if isinstance(item, dict) else None
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(isinstance(k, str) and k.endswith("Article") for k in kinds):
                return item
    return {}


def _name(value: object) -> str:
    """A JSON-LD person or organisation, or a list of them, as text."""
    if isinstance(value, list):
        return "、".join(n for v in value if (n := _name(v)))
    if isinstance(value, dict):
        return _name(value.get("name"))
    return " ".join(value.split()) if isinstance(value, str) else ""


def stated(root: lxml.html.HtmlElement) -> dict[str, str]:
    """What the page's markup says about the article, by field: title,
    date, author, source, editor, section, site, url ("" where it is silent)."""
    meta = _meta(root)
    ld = _news_article(root)
    canonical = next(
        (e.get("href") for e in root.iter("link") if (e.get("rel") or "").lower() == "canonical"),
        None,
    )
    source = re.sub(r"^\s*(?:来源|来自)\s*[:：]\s*", "", meta.get("source", ""))

    def first(*values: object) -> str:
        return next((v for v in map(_name, values) if v), "")

    return {
        "title": first(meta.get("og:title"), meta.get("twitter:title"), ld.get("headline")),
        "date": first(
            meta.get("article:published_time"),
            ld.get("datePublished"),
            *(meta.get(k) for k in ("og:published_time", "og:time", "publishdate", "pubdate")),
            *(meta.get(k) for k in ("publish_date", "publish-date", "date", "dc.date")),
        ),
        "author": first(meta.get("article:author"), ld.get("author")),
        "source": source,
        "editor": meta.get("editor", ""),
        "section": first(meta.get("article:section"), ld.get("articleSection")),
        "site": first(meta.get("og:site_name"), ld.get("publisher")),
        "url": first(meta.get("og:url"), canonical, ld.get("url")),
    }


def _title_tag(root: lxml.html.HtmlElement) -> str:
    title = root.find(".//title")
    return " ".join(title.text_content().split()) if title is not None else ""


def headline(root: lxml.html.HtmlElement, said: str, reading_title: str) -> str:
    """The title: as stated; else the headline `<title>` begins with (an
    `<h1>`, or the one the text rules found); else `<title>` without the
    sections and site name after it; else the text rules' guess."""
    if said:
        return said
    tag = _title_tag(root)
    candidates = [" ".join(h.text_content().split()) for h in root.iter("h1")] + [reading_title]
    for text in candidates:
        if cjk.width(text) >= 4 and cjk.compact(tag).startswith(cjk.compact(text)):
            return text
    echo = signals.title_echo(tag)
    cut = echo[0] if echo else re.split(r"\s*(?:_|--|\s-\s|\s\|\s)\s*", tag)[0].strip()
    return cut if cjk.width(cut) >= 4 else reading_title or tag
