"""Body → safe HTML: Markdown with raw HTML passed through, then an allow-list.

Sanitising uses nh3 (Rust's ammonia): an HTML5 parser with an allow-list is
the part we must not get wrong, and it stays linear on deeply nested input.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import nh3

from sitegen.urls import SCHEMES, safe_url

if TYPE_CHECKING:
    import markdown

ALLOWED_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "picture",
        "pre",
        "q",
        "rp",
        "rt",
        "ruby",
        "s",
        "samp",
        "small",
        "source",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "u",
        "ul",
        "var",
        "wbr",
        "audio",
        "video",
    ]
)
ALLOWED_ATTRIBUTES = {
    "*": {"title", "lang", "dir"},
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height", "srcset"},
    "source": {"src", "srcset", "type", "media"},
    "audio": {"src", "controls"},
    "video": {"src", "controls", "poster", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
    "del": {"datetime"},
    "ins": {"datetime"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
# Removed together with everything inside them.
DROPPED_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "iframe",
        "form",
        "object",
        "embed",
        "noscript",
        "template",
        "textarea",
        "select",
        "button",
        "frame",
        "frameset",
        "applet",
        "math",
        "svg",
    }
)
IMAGE_ATTRIBUTES = ' loading="lazy" referrerpolicy="no-referrer"'  # added to every <img>
# A whole tag of nh3's output, where text holds no raw `<` and values are in double quotes.
_OUTPUT_TAG = re.compile(r'<[^>"]*(?:"[^"]*"[^>"]*)*>')

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


@dataclass
class Markup:
    """A reusable Markdown converter; one per process, reset between documents.

    Python-Markdown is imported on first use: scraped posts are mostly one
    HTML block, and a small rebuild parses one file, if any.
    """

    _md: markdown.Markdown | None = None

    def to_html(self, body: str) -> str:
        return self.convert(body)[0]

    def convert(self, body: str) -> tuple[str, list[str]]:
        """The body as safe HTML, and the URLs the URL policy dropped from it."""
        body = limit_nesting(body)
        if not is_one_html_block(body):
            body = self.markdown(body)
        body = promote_lazy(body)
        return _clean(body), dropped_urls(body)

    def through_markdown(self, body: str) -> str:
        """`body` converted by Python-Markdown and sanitised, never taking the
        one-HTML-block shortcut of `to_html`."""
        return sanitise(self.markdown(body))

    def markdown(self, body: str) -> str:
        """Markdown → HTML, raw HTML passed through as the browser would read it."""
        if self._md is None:
            import markdown

            self._md = markdown.Markdown(
                extensions=["tables", "fenced_code", "sane_lists"], output_format="html"
            )
        self._md.reset()
        return self._md.convert(regular_tags(body))


_BLOCK_START = re.compile(r"\A\s*<(div|article|section|table)[\s>]", re.IGNORECASE)


MAX_DEPTH = 256
VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"]
    + ["track", "wbr"]
)
_ANY_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^<>]*?(/?)>")


def limit_nesting(body: str, max_depth: int = MAX_DEPTH) -> str:
    """Drop tags nested deeper than `max_depth`, keeping their text.

    HTML parsers (and the sanitiser) slow down quadratically on absurd
    nesting; no real page nests hundreds deep, and browsers flatten it too.
    """
    if body.count("<") <= max_depth:
        return body
    out: list[str] = []
    depth = dropped = last = 0
    for tag in _ANY_TAG.finditer(body):
        closing, name, self_closing = tag.group(1), tag.group(2).lower(), tag.group(3)
        if name in VOID or self_closing:
            continue
        keep = True
        if closing:
            if dropped:
                dropped -= 1
                keep = False
            else:
                depth = max(0, depth - 1)
        elif depth >= max_depth:
            dropped += 1
            keep = False
        else:
            depth += 1
        if not keep:
            out.append(body[last : tag.start()])
            last = tag.end()
    out.append(body[last:])
    return "".join(out)


def is_one_html_block(body: str) -> bool:
    """True when the body is one balanced block element, as scraped posts are.

    Python-Markdown passes such a block through untouched, so skipping it
    gives the same HTML at a fraction of the cost (its HTML parser is the
    slowest part of reading a scraped post).
    """
    start = _BLOCK_START.match(body)
    if not start:
        return False
    tag = start.group(1).lower()
    depth = 0
    for token in re.finditer(rf"<(/?){tag}(?=[\s>])", body, re.IGNORECASE):
        depth += -1 if token.group(1) else 1
        if depth == 0:
            close = body.find(">", token.end())
            return close != -1 and not body[close + 1 :].strip()
    return False


URL_ATTRIBUTES = frozenset({"href", "src", "cite", "poster", "action", "formaction", "xlink:href"})
# A start tag as an HTML5 parser reads it: values in either quotes, or unquoted
# up to a space or `>` (scraped pages write `<img src=x alt=图片>`).
_ATTRIBUTE = r"""[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?"""
_START_TAG = re.compile(rf"<([a-zA-Z][^\s/>]*)((?:\s+{_ATTRIBUTE}|\s*/)*)\s*(/?)>")
_ATTRIBUTES = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]*))?""")


def _urls_in(attribute: str, value: str) -> list[str]:
    """The URLs an attribute's (decoded) value holds: `srcset` lists several."""
    if attribute == "srcset":
        return [part.strip().split(" ")[0] for part in value.split(",") if part.strip()]
    return [value] if attribute in URL_ATTRIBUTES else []


def _url_filter(tag: str, attribute: str, value: str) -> str | None:
    """Every URL that passes the sanitiser's own scheme check meets sitegen's policy too."""
    for url in _urls_in(attribute, html.unescape(value)):
        if safe_url(url, attribute) is None:
            return None
    return value


def _attributes(tag: str, decode: bool = True) -> list[tuple[str, str]]:
    """(name, value) of each attribute of one start tag, values unquoted and decoded."""
    found = []
    for name, raw in _ATTRIBUTES.findall(tag):
        value = raw[1:-1] if raw[:1] in ("'", '"') else raw
        found.append((name.lower(), html.unescape(value) if decode else value))
    return found


def dropped_urls(body: str) -> list[str]:
    """The URLs in the body's tags that the URL policy refuses, as written there, to
    tell the user; the sanitiser drops them whether or not they are found here."""
    colons = body.count(":")
    if "&#" not in body and colons == sum(map(body.count, ("http:", "https:", "mailto:"))):
        return []  # only allowed schemes (most bodies): nothing to look for
    dropped = []
    for tag in _START_TAG.finditer(body):
        for attribute, written in _attributes(tag.group(2), decode=False):
            dropped += [
                url
                for url in _urls_in(attribute, written)
                if safe_url(html.unescape(url), attribute) is None
            ]
    return dropped


_ODD_VALUE = re.compile(r"""=\s*(?!["'])[^\s>]*["'=<`]""")  # an unquoted value Markdown refuses


_CODE = re.compile(r"^(`{3,}|~{3,})[^\n]*\n.*?^\1[ \t]*$|(`+)[^`].*?\2", re.MULTILINE | re.DOTALL)


def regular_tags(body: str) -> str:
    """Start tags rewritten with quoted attribute values where Markdown would not
    see them as tags (it takes `<img src=x onerror=f("a")>` for text and escapes it).

    What the HTML5 parser makes of the tag is unchanged; only its spelling.
    Code spans and fenced code show their text as written, so stay as they are.
    """
    if "<" not in body or not _ODD_VALUE.search(body):
        return body
    pieces, last = [], 0
    for code in _CODE.finditer(body):
        pieces += [_START_TAG.sub(_regular_tag, body[last : code.start()]), code.group()]
        last = code.end()
    pieces.append(_START_TAG.sub(_regular_tag, body[last:]))
    return "".join(pieces)


def _regular_tag(match: re.Match[str]) -> str:
    attributes = match.group(2)
    if not _ODD_VALUE.search(attributes):
        return match.group()
    spelled = "".join(f' {name}="{html.escape(value)}"' for name, value in _attributes(attributes))
    return f"<{match.group(1)}{spelled}{' /' if match.group(3) else ''}>"


def sanitise(fragment: str) -> str:
    """Allow-list sanitising; images gain lazy loading and no-referrer, and a
    lazy-loaded image shows its real picture (see `promote_lazy`)."""
    return _clean(promote_lazy(fragment))


def _clean(fragment: str) -> str:
    clean = _cleaner().clean(fragment)
    return _OUTPUT_TAG.sub(_image_attributes, clean) if "<img" in clean else clean


# Where lazy-loading scripts keep an image's real address until it scrolls into
# view, in the order they are trusted; the sanitiser drops every `data-` attribute.
LAZY_SOURCES = (
    "data-src",
    "data-original",
    "data-lazy-src",
    "data-lazy",
    "data-actualsrc",
    "data-echo",
    "data-original-src",
)
LAZY_SRCSETS = ("data-srcset", "data-lazy-srcset", "data-original-srcset")
# A stand-in picture's file name: a blank, spacer, 1×1 pixel or loading image.
_PLACEHOLDER_NAME = re.compile(
    r"(?:^|[\W_])(?:blank|spacer|placeholder|pixel|transparent|trans|empty|clear|"
    r"loading|loader|lazy|lazyload|grey|gray|1x1|space|dot|none|nopic|default)"
    r"(?:[\W_]|$)",
    re.IGNORECASE,
)


def promote_lazy(fragment: str) -> str:
    """`<img>` and `<source>` tags whose real address is in a lazy-loading
    attribute (`data-src`, `data-original`, `data-lazy-src`…) get it as `src`
    (and `data-srcset` as `srcset`) where `src` is missing or a stand-in: a
    `data:` URI, `about:blank`, or a blank, spacer or loading picture by its
    file name. Scraped pages were saved before the script swapped them in;
    without this the page shows the stand-in, or nothing."""
    if "data-" not in fragment:
        return fragment
    return _START_TAG.sub(_promote, fragment)


def _promote(match: re.Match[str]) -> str:
    name = match.group(1).lower()
    if name not in ("img", "source") or "data-" not in match.group(2):
        return match.group()
    attributes = dict(reversed(_attributes(match.group(2))))  # the first of a name wins
    changes = {}
    lazy = next((v for k in LAZY_SOURCES if (v := attributes.get(k, "").strip())), "")
    if lazy and lazy != attributes.get("src") and stand_in(attributes.get("src", "")):
        changes["src"] = lazy
    lazy_set = next((v for k in LAZY_SRCSETS if (v := attributes.get(k, "").strip())), "")
    if lazy_set and not attributes.get("srcset", "").strip():
        changes["srcset"] = lazy_set
    if not changes:
        return match.group()
    attributes = {k: v for k, v in attributes.items() if k not in changes} | changes
    spelled = "".join(f' {k}="{html.escape(v)}"' for k, v in attributes.items())
    return f"<{match.group(1)}{spelled}{' /' if match.group(3) else ''}>"


def stand_in(src: str) -> bool:
    """True for an image address that only holds the place of the real one."""
    src = src.strip()
    if not src or src.lower().startswith(("data:", "about:")):
        return True
    path = src.split("?", 1)[0].split("#", 1)[0]
    return bool(_PLACEHOLDER_NAME.search(path.rsplit("/", 1)[-1]))


@functools.cache
def _cleaner() -> nh3.Cleaner:
    """The sanitiser, configured once: `nh3.clean` configures one on every call."""
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes={*SCHEMES, "data"},  # data: for images; the filter decides
        attribute_filter=_url_filter,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def _image_attributes(match: re.Match[str]) -> str:
    """Add IMAGE_ATTRIBUTES to an <img> tag. nh3 can add them itself, but in an
    order that changes from run to run, and then a rebuild would rewrite pages."""
    tag = match.group()
    return tag[:-1] + IMAGE_ATTRIBUTES + ">" if tag.startswith(("<img ", "<img>")) else tag


def plain_text(fragment: str) -> str:
    """Text of sanitised HTML on one line, for excerpts and feeds (the sanitiser
    writes `>` in text and attribute values as `&gt;`)."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()


def excerpt(text: str, limit: int = 140) -> str:
    """Cut plain text at `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def unproxy(url: str, prefixes: tuple[str, ...]) -> str:
    """The original URL behind an image-proxy URL (or the URL itself)."""
    for prefix in prefixes:
        if prefix and url.startswith(prefix):
            return url[len(prefix) :]
    return url
