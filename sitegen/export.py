"""The archive as data: every document as a row of `documents.csv` and a line
of `documents.jsonl`, and the Frictionless `datapackage.json` describing them.

The same rows serve people who open a spreadsheet and people who load a data
frame, so the CSV is what Excel reads without asking (UTF-8 with a BOM, CRLF)
and the JSONL is what loses nothing (full text, lists as arrays).
"""

from __future__ import annotations

import csv
import io
import json
import operator
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any

from sitegen import urls
from sitegen.sources.document import Document, body_text

# (name, type, description in Chinese, description in English), in column order:
# the one source for the Table Schema and the site's Data page. Types are the
# JSON view: an `array` is a JSON array in JSONL and `LIST_SEPARATOR`-joined
# text in CSV.
FIELD_DOCS: tuple[tuple[str, str, str, str], ...] = (
    (
        "id",
        "string",
        "文档的永久编号：改标题、移动文件都不变；引用时用它（网址 /id/编号/）",
        "The document's permanent id: a retitle or a move keeps it; cite it (at /id/<id>/)",
    ),
    (
        "kind",
        "string",
        "文档类型：post（文章）、newspaper（报纸文章）、periodical（期刊文章）、issue（整版或整期）等",
        "What the document is: post, newspaper (an article), periodical, issue "
        "(a whole page or issue), page…",
    ),
    ("title", "string", "标题", "Title"),
    (
        "date",
        "datetime",
        "发布日期时间，ISO 8601，带时区偏移（如 2022-04-08T10:00:00+08:00）",
        "Date and time published, ISO 8601 with its UTC offset (2022-04-08T10:00:00+08:00)",
    ),
    (
        "publication",
        "string",
        "所属报刊名称；普通文章为空",
        "Newspaper or periodical; empty for posts",
    ),
    (
        "issue",
        "string",
        "所属的一期（或一版）的标题",
        "Title of the issue (or newspaper page) the document belongs to",
    ),
    ("page", "string", "版次（报纸的第几版）", "Newspaper page (版次) the article is on"),
    ("authors", "array", "作者", "Authors"),
    (
        "source_file",
        "string",
        "原始文件在站内的路径（扫描件、PDF、网页存档等）",
        "Path in the site of the original file (scan, PDF, web archive…)",
    ),
    ("original_url", "string", "原始网址", "Where the document was first published online"),
    (
        "categories",
        "array",
        "分类，每个分类写作由“/”连接的路径（报纸/辽源日报）",
        "Categories, each a path joined with '/' (报纸/辽源日报)",
    ),
    ("tags", "array", "标签", "Tags"),
    (
        "source_sha256",
        "string",
        "原始文件（source_file）的 SHA-256，可用来核对下载的原件",
        "SHA-256 of source_file, to check a downloaded original against",
    ),
    (
        "archive_url",
        "string",
        "本站中该文档的永久网址（/id/编号/，总是指向它现在的页面）",
        "The document's permanent address on this site (/id/<id>/, leading to its page)",
    ),
    (
        "text",
        "string",
        "纯文本全文；只在 JSONL 中",
        "Full plain text; in the JSONL only",
    ),
)

# Lists in a CSV cell: a separator no Chinese text or path uses, and that
# reads as one in a spreadsheet. JSONL keeps the lists exactly.
LIST_SEPARATOR = " | "

# Why the CSV has no text, for the package's descriptions and the Data page.
CSV_NOTE = (
    "CSV 不含全文（text 列太大，电子表格放不下）；全文见 documents.jsonl。"
    f"列表字段（作者、分类、标签）以“{LIST_SEPARATOR}”分隔。",
    "The CSV has no full text (too big for a spreadsheet): that is in documents.jsonl. "
    f"List fields (authors, categories, tags) are joined with '{LIST_SEPARATOR}'.",
)


@dataclass(frozen=True, slots=True)
class Row:
    """One document as data.

    A frozen dataclass rather than a TypedDict: rows are cached per document
    and shared between the CSV, the JSONL and the subsets, so none of them
    may change one; and a misspelt field fails where it is made, not in a file.
    """

    id: str
    kind: str
    title: str
    date: str
    publication: str
    issue: str
    page: str
    authors: tuple[str, ...]
    source_file: str
    original_url: str
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    source_sha256: str
    archive_url: str
    text: str


FIELDS = tuple(f.name for f in fields(Row))
CSV_FIELDS = tuple(name for name in FIELDS if name != "text")


def row(doc: Document, base_url: str) -> Row:
    """`doc` as a Row, with its body as plain text (`body_text`).

    An article's issue is the issue document the catalog linked it to, else
    the issue its front matter names; an issue is its own.
    """
    meta = doc.meta
    return Row(
        id=doc.id,
        kind=doc.kind,
        title=doc.title,
        date=doc.date.isoformat(),
        publication=doc.publication.name if doc.publication else doc.publication_name,
        issue=_issue(doc),
        page=_text(meta.get("page")),
        authors=_authors(doc),
        source_file=doc.source_file,
        original_url=doc.original_url,
        categories=tuple("/".join(path) for path in doc.category_paths),
        tags=doc.tag_names,
        source_sha256=_text(meta.get("source_sha256")),
        archive_url=urls.absolute(urls.id_url(doc.id), base_url),
        text=body_text(doc),
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _issue(doc: Document) -> str:
    if doc.is_issue:
        return doc.title
    return doc.issue.name if doc.issue else _text(doc.meta.get("issue"))


def _authors(doc: Document) -> tuple[str, ...]:
    """Importers list each author in `authors` (`author` joins them with 、);
    a post names one in `author`."""
    listed = doc.meta.get("authors")
    if isinstance(listed, list):
        return tuple(name for name in (_text(a) for a in listed) if name)
    return (doc.author,) if doc.author else ()


def csv_bytes(rows: Iterable[Row]) -> bytes:
    """The rows as CSV for spreadsheets: RFC 4180 (quoted where needed, CRLF),
    UTF-8 with a BOM, without which Excel reads Chinese as mojibake; no text."""
    return csv_file([csv_line(r) for r in rows])


def csv_line(r: Row) -> str:
    """One row's CSV line: a document's line is made once a build, whatever
    files (the whole archive, its categories, its publication) hold it."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(
        [LIST_SEPARATOR.join(v) if isinstance(v, tuple) else v for v in _values(r)]
    )
    return out.getvalue()


_values = operator.attrgetter(*CSV_FIELDS)


def csv_file(lines: Sequence[str]) -> bytes:
    """The CSV file of these `csv_line`s, header first."""
    return (_HEADER + "".join(lines)).encode("utf-8-sig")


_HEADER = ",".join(CSV_FIELDS) + "\r\n"  # the field names need no quoting


# JSON allows these two in strings, but readers that split lines the way
# Python's str.splitlines does would break a record at them.
_LINE_SEPARATORS = re.compile("[\u2028\u2029]")


def jsonl_line(r: Row) -> bytes:
    """One row as a JSON line: cached per document, so an edit rewrites one line."""
    record = {name: getattr(r, name) for name in FIELDS}  # tuples are written as arrays
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    if "\u2028" in line or "\u2029" in line:
        line = _LINE_SEPARATORS.sub(lambda m: f"\\u{ord(m[0]):04x}", line)
    return (line + "\n").encode("utf-8")


def jsonl_bytes(rows: Iterable[Row]) -> bytes:
    """The rows as JSON Lines (UTF-8, no BOM), text included."""
    return b"".join(jsonl_line(r) for r in rows)


@dataclass(frozen=True, slots=True)
class Subset:
    """A CSV of some of the rows (one category's, one publication's), at
    `path` relative to the data package (`subset_path`)."""

    path: str
    title: str


def subset_path(folder: str, slugs: Sequence[str]) -> str:
    """`categories/报纸/辽源日报.csv`: a subset's file, named by its slugs."""
    return "/".join([folder, *(urls.portable_segment(s) for s in slugs)]) + ".csv"


# What Frictionless (Data Package v1) accepts as a name: Chinese titles are not.
_NAME = re.compile(r"[-a-z0-9._/]+")


def _resource_name(path: str) -> str:
    stem = path.removesuffix(".csv")
    return stem if _NAME.fullmatch(stem) else f"{path.split('/')[0]}-{urls.short_hash(path)}"


def table_schema() -> dict[str, Any]:
    """The Table Schema of documents.csv and its subsets.

    `date` is a datetime: Frictionless reads ISO 8601 with an offset as one,
    and pandas parses the column with `parse_dates`. Lists are strings, as a
    Table Schema `array` would have to be JSON in the cell.
    """
    return {
        "fields": [
            {
                "name": name,
                "type": "string" if kind == "array" else kind,
                "title": name,
                "description": f"{en} / {zh}"
                + (f" (joined with '{LIST_SEPARATOR}')" if kind == "array" else ""),
            }
            for name, kind, zh, en in FIELD_DOCS
            if name in CSV_FIELDS
        ],
        "primaryKey": ["id"],
    }


def _csv_resource(name: str, path: str, title: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "path": path,
        "profile": "tabular-data-resource",
        "title": title,
        "description": description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {
            "delimiter": ",",
            "lineTerminator": "\r\n",
            "quoteChar": '"',
            "doubleQuote": True,
            "header": True,
        },
        "schema": table_schema(),
    }


def datapackage(
    subsets: Sequence[Subset],
    title: str,
    base_url: str,
    name: str = "",
    description: str = "",
    created: str = "",
) -> dict[str, Any]:
    """The Data Package (v1) describing documents.csv, documents.jsonl and the
    subsets, all relative to the package's own folder (data/ on the site).

    `name` must be lower-case ASCII (the spec's pattern); by default it is made
    from `base_url`. `created` is an ISO 8601 time, given, as nothing here
    reads a clock.
    """
    package: dict[str, Any] = {
        "profile": "data-package",
        "name": name or _package_name(base_url),
        "title": title,
        "homepage": base_url,
        "description": "\n\n".join(filter(None, [description, *CSV_NOTE])),
    }
    if created:
        package["created"] = created
    package["resources"] = [
        _csv_resource("documents", "documents.csv", f"{title}：全部文档", "\n\n".join(CSV_NOTE)),
        {
            "name": "documents-jsonl",
            "path": "documents.jsonl",
            "profile": "data-resource",
            "title": f"{title}：全部文档（含全文）",
            "description": "One JSON object per line, with the same fields as documents.csv "
            "and `text`; lists are arrays. / 每行一个 JSON 对象，含全文（text），列表为数组。",
            "format": "jsonl",
            "mediatype": "application/jsonl",
            "encoding": "utf-8",
        },
        *(
            _csv_resource(_resource_name(s.path), s.path, s.title, "\n\n".join(CSV_NOTE))
            for s in subsets
        ),
    ]
    return package


def _package_name(base_url: str) -> str:
    """`https://example.org/archive/` → `example.org-archive`."""
    host_and_path = base_url.partition("://")[2] or base_url
    return re.sub(r"[^-a-z0-9.]+", "-", host_and_path.lower()).strip("-.") or "archive"
