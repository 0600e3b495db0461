"""How well `sitegen import` reads whole-issue e-paper texts, against their labels.

    .venv/bin/python bench/epaper_accuracy.py [--labels tests/fixtures/epaper/labels.yml]

Each issue text (tests/fixtures/epaper/, labelled by the script that
composed it) is imported as `sitegen import` would, kind detected, no flags.
Printed per issue and in total, the labelled issues and the held-out one
(added after the rules were written) apart:

- articles: article documents written, of the articles labelled;
- titles, pages: labelled articles found with exactly their title, and of
  those, on exactly their page;
- authors: labelled bylines' names found among the article's authors;
- sentences whole: each article's first and last sentence, and every
  sentence a page break cut, found whole inside one article paragraph;
- leaked: labelled boilerplate lines (header lines, footers, running heads,
  contents, editor lines, advertisements) found in an article's body;
- lost: source lines in no document (body or front matter) and not among
  the lines the importer keeps aside (`boilerplate_lines`);
- refused (ImportFailed) and tracebacks (anything else).

`--variant no-contents|no-headers|headers-between|no-footers|wrapped`
measure the same issues without their table of contents, header lines or
page footers, with header lines between title and text, or hard-wrapped
as a PDF gives them.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import yaml

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(REPO))

from import_accuracy import _share  # noqa: E402

from sitegen.errors import ImportFailed  # noqa: E402
from sitegen.importers import REGISTRY, ImportOptions, Record, parse_source, read_source  # noqa: E402
from sitegen.importers.cjk import compact, width  # noqa: E402
from sitegen.importers.records import Source  # noqa: E402

LABELS = REPO / "tests" / "fixtures" / "epaper" / "labels.yml"


@dataclass
class Score:
    """One issue's results; pairs are (found, of how many)."""

    file: str
    heldout: bool
    failure: str = ""
    crashed: bool = False
    articles: tuple[int, int] = (0, 0)
    titles: tuple[int, int] = (0, 0)
    pages: tuple[int, int] = (0, 0)
    authors: tuple[int, int] = (0, 0)
    sentences: tuple[int, int] = (0, 0)
    leaked: tuple[int, int] = (0, 0)
    lost: int = 0
    misses: list[str] = field(default_factory=list)


def paragraphs(record: Record) -> list[str]:
    """A body's blocks as plain text without whitespace."""
    return [compact(html.unescape(re.sub(r"<[^>]+>", "", b))) for b in record.body.split("\n\n")]


def reachable(records: list[Record]) -> str:
    """Everything a reader of the documents can see, without whitespace."""
    parts = []
    for record in records:
        parts.append("".join(paragraphs(record)))
        parts.extend(str(v) for v in (record.front or {}).values())
    return compact("".join(parts))


def variant(text: str, name: str) -> str:
    """The issue as another export would give it: `no-contents` cuts the
    table of contents (all before the first blank line); `no-headers` the
    articles' header lines; `headers-between` prints each header line between
    its article's title block and text; `no-footers` the page footers, leaving running
    heads alone where pages end; `wrapped`
    breaks every line at 38 ems, as a PDF of A4 pages turned into text does."""
    lines = text.split("\n")
    if name == "no-contents":
        return "\n".join(lines[lines.index("") :])
    if name == "no-headers":
        return "\n".join(x for x in lines if not HEADER.search(x))
    if name == "headers-between":
        return "\n".join(headers_between(lines))
    if name == "no-footers":
        return "\n".join(x for x in lines if not re.fullmatch(r"第 \d+ 页|[-—] \d+ [-—]", x))
    if name == "wrapped":
        return "\n".join(part for line in lines for part in wrap(line, 38.0))
    return text


def headers_between(lines: list[str]) -> list[str]:
    """Each header line that leads its article moved down past the article's
    title block, to just above its first paragraph (30 characters or more,
    or a 本报 lead),
    if there is one before the next header line."""
    at = [i for i, x in enumerate(lines) if HEADER.search(x) and len(x) < 60]
    if not at or any(len(x) > 40 for x in lines[: at[0]]):
        return lines  # no header lines, or below their articles: nothing to move
    moved: dict[int, str] = {}
    for h, following in zip(at, [*at[1:], len(lines)], strict=True):
        body = (i for i in range(h + 1, following) if len(lines[i]) >= 30 or "本报" in lines[i][:2])
        moved[next(body, h)] = lines[h]
    result: list[str] = []
    for i, line in enumerate(lines):
        if i in moved:
            result.extend([moved[i], ""])
        if i not in at:
            result.append(line)
    return result


HEADER = re.compile(r"\d{4}.{0,12}第\s*\d+\s*版")


def wrap(line: str, limit: float) -> list[str]:
    parts, current = [], ""
    for char in line:
        if width(current + char) > limit:
            parts.append(current)
            current = ""
        current += char
    return [*parts, current]


def score(issue: dict, folder: Path, name: str = "as-is") -> Score:
    result = Score(issue["file"], bool(issue.get("heldout")))
    original = read_source(folder / issue["file"])
    text = variant(original.text, name)
    source = Source(original.name, text.encode("utf-8"), text, original.modified)
    try:
        records = parse_source(source, ImportOptions())
    except ImportFailed as exc:
        result.failure = str(exc)
        return result
    except Exception:  # noqa: BLE001 - a traceback is what this counts
        result.failure = traceback.format_exc(limit=4)
        result.crashed = True
        return result
    articles = [r for r in records if (r.front or {}).get("kind") == "newspaper"]
    by_title = {str(r.front["title"]): r for r in articles if r.front}
    labels = issue["labels"]
    result.articles = (len(articles), len(labels))
    found = [(label, by_title.get(label["title"])) for label in labels]
    result.titles = (sum(1 for _, r in found if r), len(labels))
    matched = [(label, r) for label, r in found if r and r.front]
    result.pages = (sum(1 for lb, r in matched if r.front["page"] == lb["page"]), len(matched))
    result.authors = (
        sum(1 for lb, r in matched for n in lb["author"] if n in r.front.get("authors", [])),
        sum(len(lb["author"]) for lb, _ in matched),
    )
    result.misses = [f"title not found: {lb['title']}" for lb, r in found if not r]
    body = [p for r in articles for p in paragraphs(r)]
    wanted = [s for lb in labels for s in (lb["first"], lb["last"])] + issue["sentences"]
    whole = [s for s in wanted if any(compact(s) in p for p in body)]
    result.sentences = (len(whole), len(wanted))
    result.misses += [f"sentence not whole: {s}" for s in wanted if s not in whole]
    printed = set(text.split("\n"))
    furniture = [compact(x) for x in issue["boilerplate"] if x in printed]
    leaks = [x for x in furniture if any(x == p or (len(x) >= 3 and x in p) for p in body)]
    result.leaked = (len(leaks), len(furniture))
    result.misses += [f"leaked: {x}" for x in leaks]
    seen = reachable(records)
    kind = str((records[0].front or {}).get("kind") and "newspaper")
    aside = set(REGISTRY[kind].boilerplate_lines(source.text))
    lost = [x for x in source.text.split("\n") if x.strip() and x not in aside]
    lost = [x for x in lost if compact(x) not in seen]
    result.lost = len(lost)
    result.misses += [f"lost: {x}" for x in lost]
    return result


COLUMNS = (
    "issue", "articles", "titles", "pages", "authors", "sentences whole",
    "leaked", "lost", "refused", "tracebacks",
)  # fmt: skip


def _cells(name: str, group: list[Score]) -> list[str]:
    found = sum(g.articles[0] for g in group)
    labelled = sum(g.articles[1] for g in group)
    return [
        name,
        f"{found}/{labelled}",
        _share([g.titles for g in group]),
        _share([g.pages for g in group]),
        _share([g.authors for g in group]),
        _share([g.sentences for g in group]),
        _share([g.leaked for g in group]),
        str(sum(g.lost for g in group)),
        str(sum(bool(g.failure) and not g.crashed for g in group)),
        str(sum(g.crashed for g in group)),
    ]


def table(scores: list[Score]) -> str:
    """A Markdown table: one row per issue and a total row."""
    rows = [list(COLUMNS), ["---"] * len(COLUMNS)]
    rows += [_cells(s.file, [s]) for s in scores]
    rows.append(_cells("**total**", scores))
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--misses", action="store_true", help="list what was missed")
    parser.add_argument(
        "--variant",
        choices=["as-is", "no-contents", "no-headers", "headers-between", "no-footers", "wrapped"],
        default="as-is",
        help=variant.__doc__,
    )
    args = parser.parse_args(argv)
    issues = yaml.safe_load(args.labels.read_text(encoding="utf-8"))["issues"]
    scores = [score(issue, args.labels.parent, args.variant) for issue in issues]
    for title, heldout in (("labelled", False), ("held out", True)):
        group = [s for s in scores if s.heldout == heldout]
        if group:
            print(f"\n### {title} ({len(group)} issues)\n\n{table(group)}")
    print()
    for s in scores:
        for line in ([s.failure] if s.failure else []) + (s.misses if args.misses else []):
            print(f"{s.file}: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
