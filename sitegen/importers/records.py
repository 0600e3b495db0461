"""The common record every importer returns, and the small helpers to build it.

Importers never touch the disk: they turn a decoded `Source` into `Record`s
(front matter + body + a path relative to content/), and one writer turns
records into files. Keeping the record plain is what lets a new source kind be
one new module.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePosixPath

KINDS = ("auto", "post", "newspaper", "periodical", "webpage", "pdf", "html", "warc")


@dataclass(frozen=True)
class ImportOptions:
    """What the user said on the command line; explicit values beat detection."""

    kind: str = "auto"
    publication: str | None = None
    date: dt.date | None = None
    issue: str | None = None
    page: int | None = None
    into: PurePosixPath | None = None


@dataclass(frozen=True)
class Source:
    """One file being imported: its name, raw bytes and decoded text ("" for
    a binary format such as PDF, whose importer reads `data`)."""

    name: str
    data: bytes
    text: str
    modified: dt.date | None = None
    """The file's modification day: a date of last resort for undated texts."""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def stem(self) -> str:
        return safe_component(PurePosixPath(self.name).stem or "source")

    @property
    def original_name(self) -> str:
        """File name of the unchanged copy kept next to the documents."""
        return "original-" + safe_component(self.name, limit=120)


@dataclass
class Record:
    """One document to write: `front` is None for a file written verbatim."""

    path: PurePosixPath
    front: dict[str, object] | None
    body: str
    notes: list[str] = field(default_factory=list)
    """Warnings for the user about this document (text left unplaced, …)."""
    data: bytes | None = None
    """The bytes of a file that is no document (a page image), written as they are."""


# --- front matter ---------------------------------------------------------------


def signs_score(text: str, signs: tuple[tuple[str, float], ...]) -> float:
    """Confidence from weighted signs (regexes, multiline): the sum of those found, at most 1."""
    found = sum(weight for pattern, weight in signs if re.search(pattern, text, re.MULTILINE))
    return min(found, 1.0)


def front_matter(keep: tuple[str, ...] = (), **fields: object) -> dict[str, object]:
    """An ordered front-matter dict without empty values (None, "", []),
    except the keys in `keep`, which a reader expects to find."""
    return {k: v for k, v in fields.items() if k in keep or (v is not None and v != "" and v != [])}


def iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


# --- bodies -------------------------------------------------------------------------


def paragraph(text: str, tag: str = "p") -> str:
    """One block of plain text as HTML, so nothing in it turns into Markdown."""
    text = " ".join(text.split())
    return f"<{tag}>{html.escape(text, quote=False)}</{tag}>"


def body(blocks: list[str]) -> str:
    return "\n\n".join(blocks) + "\n" if blocks else ""


# --- paths ----------------------------------------------------------------------------

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|#%&{}$!'@`=+\[\]^~;,\s]+")
_MAX_BYTES = 180


def safe_component(text: str, limit: int = 60) -> str:
    """A file-system safe name: no separators, dots-only names or control
    characters, at most `limit` characters and 180 UTF-8 bytes."""
    text = unicodedata.normalize("NFC", str(text))
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C")
    text = _UNSAFE.sub("-", text).strip("-. ")
    text = re.sub(r"-{2,}", "-", text)[:limit]
    while len(text.encode("utf-8")) > _MAX_BYTES:
        text = text[:-1]
    text = text.strip("-. ")
    if not text or set(text) <= {"."}:
        return "untitled"
    if text.upper().split(".")[0] in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}:
        text = "_" + text
    return text


def short_title(title: str, limit: int = 24) -> str:
    """The first words of a title as a file name part."""
    text = re.sub(r"[“”‘’「」『』《》（）()【】\"'!！?？。，、：:；;…·—]+", " ", title)
    return safe_component(text, limit=limit)


def guessed_identity(
    publication: str | None, date: dt.date | None, source: Source, notes: list[str]
) -> tuple[str, dt.date]:
    """A paper's name and issue date as found, else guessed, each guess named
    in a warning in `notes`: the file's name, the day it was last modified.
    A page with no masthead is still imported (never refused): the user
    sees the guess and passes --publication and --date to correct it."""
    if not publication:
        publication = source.stem
        notes.append(
            f"{source.name}: no masthead names the paper; filed under {publication!r} "
            "(pass --publication NAME)"
        )
    if not date:
        date = source.modified or dt.date.today()
        notes.append(
            f"{source.name}: no masthead gives the date; dated {date.isoformat()} by the file "
            "(pass --date YYYY-MM-DD)"
        )
    return publication, date


def issue_fields(
    publication: str, date: dt.date, issue: str | None, issue_number: int | None
) -> tuple[PurePosixPath, dict]:
    """Where a paper's issue is filed, and what all its pages and articles share
    (the text, e-paper and PDF importers)."""
    folder = PurePosixPath("newspapers", safe_component(publication), date.isoformat())
    common = {
        "date": date.isoformat(),
        "categories": ["报纸", publication],
        "publication": publication,
        "publication_kind": "newspaper",
        "issue": issue,
        "issue_number": issue_number,
    }
    return folder, common


def article_fields(common: dict, names: list[str]) -> dict:
    """What every article of a paper's issue says of its paper, date and authors,
    in the order front matter lists it (the text, e-paper and PDF importers)."""
    return {
        "date": common["date"],
        "kind": "newspaper",
        "categories": common["categories"],
        "author": "、".join(names),
        "authors": names,
        "publication": common["publication"],
        "publication_kind": "newspaper",
        "issue": common["issue"],
        "issue_number": common["issue_number"],
    }
