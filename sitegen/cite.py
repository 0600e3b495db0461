"""Citations of an archived document: GB/T 7714-2015 and APA 7th to show, and
BibTeX, RIS and CSL-JSON to download.

Pure functions of a `Citable`, plain values the page already knows. What is
cited is the archive's copy, read online on the day the site was built: so
GB/T 7714 gets the online type codes ([N/OL], [J/OL], [EB/OL]) with that day
as 引用日期, and every format leads to the archive's URL; the original web
address travels in the fields made for it where a format has one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple

from markupsafe import Markup

from sitegen.urls import absolute, id_url, portable_segment, short_hash

KINDS = frozenset({"newspaper", "periodical", "web", "post"})
ACCESS_PLACEHOLDER = (
    "引用日期"  # GB/T 7714's own name for the field, where a site leaves it to the reader
)


@dataclass(frozen=True)
class Citable:
    """What a citation needs, as the document and the site state it.

    `kind` is "newspaper", "periodical", "web" or "post" (an item from a
    news app or feed, cited as a web page). Names in `authors` are kept as
    written, family name first for Chinese; an organisation may be one.
    `accessed` is the day the archive copy is cited. A site leaves it None:
    that day is the reader's, not the build's (a build date would make every
    page new each day), so GB/T 7714 then shows `ACCESS_PLACEHOLDER` for the
    page to fill in, and the downloads leave the field out.
    """

    kind: str
    title: str
    authors: tuple[str, ...]
    container: str
    date: dt.date
    edition: str
    volume: str
    issue: str
    pages: str
    original_url: str
    archive_url: str
    accessed: dt.date | None
    archive_name: str
    id: str
    language: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind of document to cite: {self.kind!r}")


@functools.lru_cache(maxsize=16)
def _tidy(c: Citable) -> Citable:
    """`c` with every text on one line: titles and names come from scrapes,
    and a line break would end a RIS field or split a citation. Each format
    tidies what it is given; a document's five are made together, so the
    last few are remembered (a Citable is frozen, so it is its own key)."""
    changes: dict[str, Any] = {}
    for name in _TEXT_FIELDS:
        value = getattr(c, name)
        tidy = " ".join(value.split())
        if tidy != value:
            changes[name] = tidy
    authors = tuple(a for a in (" ".join(a.split()) for a in c.authors) if a)
    if authors != c.authors:
        changes["authors"] = authors
    return dataclasses.replace(c, **changes) if changes else c


_TEXT_FIELDS = tuple(f.name for f in dataclasses.fields(Citable) if f.type == "str")


def _is_web(c: Citable) -> bool:
    return c.kind in ("web", "post")


def _is_chinese(c: Citable) -> bool:
    return c.language.lower().startswith("zh")


def _page_range(pages: str, dash: str) -> str:
    """`pages` with its range written with `dash` ("12-15", "12–15")."""
    return re.sub(r"\s*[-–—~～]+\s*", dash, pages)


# --- GB/T 7714-2015 ------------------------------------------------------

_GB_CODES = MappingProxyType({"newspaper": "N/OL", "periodical": "J/OL"})


def gbt7714(c: Citable) -> str:
    """The reference as GB/T 7714-2015 writes it, for the archive copy online.

    - Newspaper and periodical articles follow 4.4 (析出文献 of a serial):
      `责任者. 题名[N/OL]. 报纸名, 2022-04-08(2)[引用日期]. URL.` and
      `责任者. 题名[J/OL]. 刊名, 2021, 12(3): 12-15[引用日期]. URL.`; the
      newspaper's date and 版次 as 8.4.3 and 7 ask ("()" holds the 版次).
    - Web pages and app items follow 4.6 (电子资源): `责任者. 题名[EB/OL].
      (发布日期)[引用日期]. URL.`, the publication date standing where 4.6.2
      puts the 更新或修改日期. With no author, the site or app is the
      responsible organisation (8.1.4), as in the standard's own examples;
      with no author nor site, the entry begins with the title (8.1.3, for
      the numeric system most Chinese journals use).
    - Type codes are Appendix B's, with OL (联机网络) as the carrier; 引用日期
      is the build date, in the square brackets section 7 gives it.
    - Authors: all up to three, then the first three and ", 等" (Chinese) or
      ", et al" (others), names as written (8.1.1, 8.1.2).
    - Punctuation is the half-width ". " ", " ": " of the standard's
      examples (7); the entry ends with "." after the URL, as they do.
    """
    c = _tidy(c)
    authors = _gb_authors(c)
    if not authors and _is_web(c):
        authors = c.container
    head = f"{authors}. " if authors else ""
    code = _GB_CODES.get(c.kind, "EB/OL")
    accessed = f"[{c.accessed.isoformat() if c.accessed else ACCESS_PLACEHOLDER}]"
    if c.kind == "newspaper":
        day = c.date.isoformat() + (f"({c.edition})" if c.edition else "")
        source = ", ".join(p for p in (c.container, day) if p) + accessed
    elif c.kind == "periodical":
        year = f"{c.date.year}, {c.volume}" if c.volume else f"{c.date.year}"
        issue = f"({c.issue})" if c.issue else ""
        pages = f": {_page_range(c.pages, '-')}" if c.pages else ""
        source = ", ".join(p for p in (c.container, year + issue + pages) if p) + accessed
    else:
        source = f"({c.date.isoformat()}){accessed}"
    tail = f". {c.archive_url}." if c.archive_url else "."
    return f"{head}{c.title}[{code}]. {source}{tail}"


def _gb_authors(c: Citable) -> str:
    if len(c.authors) <= 3:
        return ", ".join(c.authors)
    return ", ".join(c.authors[:3]) + (", 等" if _is_chinese(c) else ", et al")


# --- APA 7th ---------------------------------------------------------------


class Run(NamedTuple):
    """A stretch of an APA reference, and whether APA sets it in italics."""

    text: str
    italic: bool = False


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def apa(c: Citable) -> str:
    """The APA 7th reference as plain text (see `apa_runs` for its italics)."""
    return "".join(run.text for run in apa_runs(c))


def apa_runs(c: Citable) -> tuple[Run, ...]:
    """The APA 7th reference in runs, so a page can set the italics APA asks
    for (and escape the text) while `apa` gives the same words plain.

    Newspaper articles follow APA 10.1 (Example 16: `Author. (2022, April 8).
    Title. *Newspaper*, A3. URL`), periodical articles the magazine form with
    the full date (Example 15: `*Magazine*, *12*(3), 12–15`), web pages and
    app items 10.16 (`Author. (2022, April 8). *Title*. Site. URL`, the site
    left out when it is the author). Names are kept as written and joined
    with "&" (9.8); with no author the title takes the author's place (9.12).

    The URL is the archive's: APA wants the URL of the copy that was read
    (9.34), and an archived copy does not change, so there is no "Retrieved
    <date>, from" (9.16: only for pages designed to change). The original
    address is not added: APA has no element for it, and the downloads carry it.
    """
    c = _tidy(c)
    date = f"({c.date.year}, {_MONTHS[c.date.month - 1]} {c.date.day})."
    italic_title = _is_web(c)
    title = [Run(c.title, italic_title), Run(_closing(c.title))]
    if c.authors:
        names = _apa_authors(c.authors)
        elements = [[Run(names + _closing(names))], [Run(date)], title]
    else:
        elements = [title, [Run(date)]]
    source = _apa_source(c)
    if source:
        elements.append(source)
    if c.archive_url:
        elements.append([Run(c.archive_url)])
    runs: list[Run] = []
    for element in elements:
        if runs:
            runs.append(Run(" "))
        runs.extend(element)
    return tuple(r for r in runs if r.text)


def _apa_source(c: Citable) -> list[Run]:
    """The newspaper, periodical or site, with where in it the item is."""
    if not c.container:
        return []  # where in a newspaper or periodical means nothing without it
    if _is_web(c):
        return [] if c.authors == (c.container,) else [Run(c.container), Run(_closing(c.container))]
    groups = [[Run(c.container, True)]]
    if c.kind == "newspaper":
        groups.append([Run(c.edition)])
    else:
        groups.append([Run(c.volume, True), Run(f"({c.issue})" if c.issue else "")])
        groups.append([Run(_page_range(c.pages, "–"))])
    runs: list[Run] = []
    for group in (g for g in groups if any(r.text for r in g)):
        runs.extend([Run(", ")] * bool(runs) + group)
    return [*runs, Run(".")]


def _apa_authors(names: tuple[str, ...]) -> str:
    """Names as APA 9.8 lists them: all up to 20, "&" before the last;
    past 20, the first 19, an ellipsis and the last."""
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} & {names[1]}"
    if len(names) > 20:
        return ", ".join(names[:19]) + ", . . . " + names[-1]
    return ", ".join(names[:-1]) + ", & " + names[-1]


def _closing(text: str) -> str:
    """The period that ends an APA element, unless `text` already ends one."""
    return "" if text.endswith((".", "?", "!", "。", "？", "！")) else "."


# --- BibTeX ------------------------------------------------------------------

_TEX = MappingProxyType(
    {
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "%": r"\%",
        "&": r"\&",
        "#": r"\#",
        "_": r"\_",
        "$": r"\$",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)
_TEX_SPECIAL = re.compile(r"[\\{}%&#_$~^]")
_NOT_IN_KEY = re.compile(r"[^A-Za-z0-9_.:-]")
_NOT_IN_BIB_URL = re.compile(r"[{}\\\s]")


def bibtex(c: Citable) -> str:
    """A BibTeX entry: `@article` (with `journal`) for newspaper and periodical
    articles, biblatex's `@online` for web pages (BibTeX styles without it
    fall back to `@misc`).

    Text is escaped for TeX and UTF-8 kept; each name is braced, so BibTeX
    takes it whole, as written, and never parses an organisation as a person.
    A newspaper's 版次 is its `pages`. `url` is verbatim in biblatex, so it is
    only percent-encoded where a brace, backslash or space would break the
    entry. The original address is the `note`.
    """
    c = _tidy(c)
    article = not _is_web(c)
    pages = c.pages or (c.edition if c.kind == "newspaper" else "")
    fields = (
        ("author", " and ".join("{" + _tex(a) + "}" for a in c.authors)),
        ("title", _tex(c.title)),
        ("journal" if article else "organization", _tex(c.container)),
        ("date", c.date.isoformat()),
        ("year", str(c.date.year)),
        ("volume", _tex(c.volume)),
        ("number", _tex(c.issue)),
        ("pages", _tex(_page_range(pages, "--"))),
        ("url", _bib_url(c.archive_url)),
        ("urldate", c.accessed.isoformat() if c.accessed else ""),
        ("note", f"Original: {_tex(c.original_url)}" if c.original_url else ""),
    )
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{'article' if article else 'online'}{{{bibtex_key(c)},\n{body}\n}}\n"


def bibtex_key(c: Citable) -> str:
    """The entry's key, from the document's id: what BibTeX allows in a key
    kept, anything else `-`, and then a hash of the id so two ids stay apart."""
    key = _NOT_IN_KEY.sub("-", c.id)
    return key if key == c.id else f"{key}-{short_hash(c.id)}"


def _tex(text: str) -> str:
    return _TEX_SPECIAL.sub(lambda m: _TEX[m[0]], text)


def _bib_url(url: str) -> str:
    return _NOT_IN_BIB_URL.sub(lambda m: "%" + m[0].encode("utf-8").hex("%").upper(), url)


# --- RIS -------------------------------------------------------------------

_RIS_TYPES = MappingProxyType({"newspaper": "NEWS", "periodical": "JOUR"})


def ris(c: Citable) -> str:
    """A RIS record. The RIS specification asks for "TY  - " first and
    "ER  - " last, one tag a line, lines ended by CR LF, and no "*" in author
    or periodical names; dates are YYYY/MM/DD. A newspaper's 版次 is its
    start page; Y2 is the access date; DB names the archive; N1 holds the
    original address."""
    c = _tidy(c)
    first, _, last = _page_range(c.pages, "-").partition("-")
    if c.kind == "newspaper" and not first:
        first = c.edition
    lines = [
        ("TY", _RIS_TYPES.get(c.kind, "ELEC")),
        *(("AU", a.replace("*", "")) for a in c.authors),
        ("TI", c.title),
        ("T2", c.container.replace("*", "")),
        ("PY", f"{c.date.year:04d}"),
        ("DA", f"{c.date:%Y/%m/%d}"),
        ("SP", first),
        ("EP", last),
        ("VL", c.volume),
        ("IS", c.issue),
        ("UR", c.archive_url),
        ("Y2", f"{c.accessed:%Y/%m/%d}" if c.accessed else ""),
        ("DB", c.archive_name),
        ("N1", f"Original: {c.original_url}" if c.original_url else ""),
        ("LA", c.language),
    ]
    record = "".join(f"{tag}  - {value}\r\n" for tag, value in lines if value)
    return record + "ER  - \r\n"


# --- CSL-JSON --------------------------------------------------------------

_CSL_TYPES = MappingProxyType({"newspaper": "article-newspaper", "periodical": "article-journal"})


def csl_json(c: Citable) -> dict[str, Any]:
    """A CSL-JSON item (CSL 1.0.2 variables), for Zotero and citeproc.

    Every name is a `literal`: names are kept as written, and splitting a
    Chinese name or an organisation into family and given would be a guess.
    The archive is `archive` and the document's id its `archive_location`;
    `URL` is the archive copy's, the original address is in `note`.
    A newspaper's 版次 is its `page`, as Chinese CSL styles print it.
    """
    c = _tidy(c)
    item: dict[str, Any] = {
        "id": c.id,
        "type": _CSL_TYPES.get(c.kind, "webpage"),
        "title": c.title,
        "author": [{"literal": a} for a in c.authors],
        "container-title": c.container,
        "issued": {"date-parts": [[c.date.year, c.date.month, c.date.day]]},
        "page": _page_range(c.pages, "-") or (c.edition if c.kind == "newspaper" else ""),
        "volume": c.volume,
        "issue": c.issue,
        "URL": c.archive_url,
        "archive": c.archive_name,
        "archive_location": c.id,
        "note": f"Original: {c.original_url}" if c.original_url else "",
        "language": c.language,
        **(
            {"accessed": {"date-parts": [[c.accessed.year, c.accessed.month, c.accessed.day]]}}
            if c.accessed
            else {}
        ),
    }
    return {key: value for key, value in item.items() if value}


# --- downloads -------------------------------------------------------------

EXTENSIONS = MappingProxyType({"bibtex": ".bib", "ris": ".ris", "csl-json": ".json"})


def download_name(c: Citable, fmt: str) -> str:
    """The file name a download of `c` in `fmt` ("bibtex", "ris",
    "csl-json") is offered under: the id, portable, and the format's extension."""
    return portable_segment(c.id + EXTENSIONS[fmt])


# --- from a document -----------------------------------------------------------

_KIND_OF = MappingProxyType(
    {"newspaper": "newspaper", "issue": "newspaper", "periodical": "periodical", "webpage": "web"}
)


def citable(doc: Any, archive_url: str, archive_name: str, language: str) -> Citable:
    """What a catalogued `Document` gives a citation: its kind, names and
    places as its front matter and the catalog state them (authors from
    `authors:`, else `author:`; the newspaper's 版次 from `page:`; a
    periodical's issue from `issue_number:`, else `issue:`, and its page
    from `pages:`, else `page:`)."""
    meta = doc.meta
    written = meta.get("authors")
    if isinstance(written, list):
        authors = tuple(str(a).strip() for a in written if str(a).strip())
    else:
        authors = (doc.author,) if doc.author else ()
    kind = _KIND_OF.get(doc.kind, "post")
    container = doc.publication_name or (doc.author if kind in ("web", "post") else "")
    issue = meta.get("issue_number", meta.get("issue", "")) if kind == "periodical" else ""
    return Citable(
        kind=kind,
        title=doc.title,
        authors=authors,
        container=container,
        date=doc.date.date(),
        edition=str(meta.get("page", "")) if kind == "newspaper" else "",
        volume=str(meta.get("volume", "")),
        issue=str(issue),
        pages=str(meta.get("pages", meta.get("page", "") if kind == "periodical" else "")),
        original_url=doc.original_url,
        archive_url=archive_url,
        accessed=None,
        archive_name=archive_name,
        id=doc.id,
        language="zh" if language.lower().startswith("zh") else language,
    )


@dataclass(frozen=True)
class Citation:
    """A document's citation block, as a theme shows it (`cite(post)` in templates)."""

    gbt7714: str
    apa: tuple[Run, ...]
    downloads: tuple[tuple[str, str, str], ...]  # (format name, file name, data: URL)

    @property
    def apa_html(self) -> Markup:
        """The APA runs as HTML, italics in `<i>`: one value for a template to
        show, where a loop over the runs took a post page longer than the rest
        of its citation block."""
        italic = Markup("<i>%s</i>")
        return Markup("").join(italic % r.text if r.italic else r.text for r in self.apa)


FORMATS = MappingProxyType(
    {
        "bibtex": ("BibTeX", "application/x-bibtex"),
        "ris": ("RIS", "application/x-research-info-systems"),
        "csl-json": ("CSL-JSON", "application/vnd.citationstyles.csl+json"),
    }
)


# What a data: URL's text must not hold as it is: `%` starts an escape, `#` the
# fragment, and URL parsers drop line breaks and tabs. Everything else (Chinese
# too) stands as written, and the page escapes it as any attribute.
_DATA = (("%", "%25"), ("#", "%23"), ("\n", "%0A"), ("\r", "%0D"), ("\t", "%09"), (" ", "%20"))


def _data_text(text: str) -> str:
    for character, escaped in _DATA:  # str.replace: translate() goes character by character
        text = text.replace(character, escaped)
    return text


def citation(c: Citable) -> Citation:
    """The citation block; each download a `data:` URL of a type browsers only
    save (`urls.INERT_DATA`): a file per document and format would triple an
    archive's files, and a page saved for later keeps its citations."""
    texts = {
        "bibtex": bibtex(c),
        "ris": ris(c),
        "csl-json": json.dumps([csl_json(c)], ensure_ascii=False) + "\n",
    }
    downloads = tuple(
        (name, download_name(c, fmt), f"data:{media};charset=utf-8,{_data_text(texts[fmt])}")
        for fmt, (name, media) in FORMATS.items()
    )
    return Citation(gbt7714(c), apa_runs(c), downloads)


def of_site(doc: Any, config: Any) -> Citable:
    """A document of this site as a citation names it: at its permanent
    address, /id/<id>/, which no retitle or move changes."""
    archive_url = absolute(id_url(doc.id), config.base_url)
    return citable(doc, archive_url, config.title, config.language)
