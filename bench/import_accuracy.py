"""How well `sitegen import` reads real web-page scrapes, against hand labels.

    .venv/bin/python bench/import_accuracy.py [--labels tests/fixtures/web/labels.yml]

Each labelled text (tests/fixtures/web/labels.yml says what a careful reader
takes from it) is imported as `sitegen import` would, kind detected, no
flags. Printed per file and in total, the labelled pages and the held-out
ones (kept aside while the rules were written) apart:

- title, date: the front matter's, exactly the label's;
- source, editor, category: what the importer read, exactly the label's
  (none when none);
- authors: share of the labelled names found among the authors read;
- sentences whole: labelled body sentences found whole inside one paragraph;
- leaked: labelled boilerplate lines that reached the body;
- lost: source lines in neither the document (title, body) nor the lines
  the importer says it kept aside (`boilerplate_lines`);
- refused (ImportFailed) and tracebacks (anything else).
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

from sitegen.errors import ImportFailed  # noqa: E402
from sitegen.importers import (  # noqa: E402
    REGISTRY,
    ImportOptions,
    Record,
    Source,
    htmlpage,
    parse_source,
    read_source,
    webpage,
)
from sitegen.importers.cjk import compact  # noqa: E402

LABELS = REPO / "tests" / "fixtures" / "web" / "labels.yml"


@dataclass
class Score:
    """One page's results; counts are (found, of how many)."""

    file: str
    heldout: bool
    kind: str = ""
    failure: str = ""
    crashed: bool = False
    title: bool = False
    date: bool = False
    source: bool = False
    editor: bool = False
    category: bool = False
    authors: tuple[int, int] = (0, 0)
    sentences: tuple[int, int] = (0, 0)
    leaked: tuple[int, int] = (0, 0)
    lost: int = 0
    notes: list[str] = field(default_factory=list)


def line_numbers(spec: str | int) -> list[int]:
    """`1-6, 8, 34-73` → the 1-based line numbers it names."""
    numbers: list[int] = []
    for part in str(spec).split(","):
        first, _, last = part.strip().partition("-")
        numbers.extend(range(int(first), int(last or first) + 1))
    return numbers


def blocks(body: str) -> list[str]:
    """The body's paragraphs (and captions) as plain text without whitespace."""
    return [
        compact(html.unescape(re.sub(r"<[^>]+>", "", b))) for b in body.split("\n\n") if b.strip()
    ]


def leaked(line: str, paragraphs: list[str]) -> bool:
    """A boilerplate line is in the body if it is a whole paragraph there, or
    (when long enough not to occur by chance) part of one."""
    text = compact(line)
    return any(text == p or (len(text) >= 8 and text in p) for p in paragraphs)


def imported(source: Source, result: Score) -> Record | None:
    """The file's first document as `sitegen import` reads it, or None with
    the refusal or traceback noted in `result`."""
    try:
        return parse_source(source, ImportOptions())[0]
    except ImportFailed as exc:
        result.failure = str(exc)
    except Exception:  # noqa: BLE001 - a traceback is what this counts
        result.failure = traceback.format_exc(limit=3)
        result.crashed = True
    return None


def score(page: dict, folder: Path) -> Score:
    path = folder / page["file"]
    result = Score(Path(page["file"]).name, bool(page.get("heldout")))
    source = read_source(path)
    record = imported(source, result)
    if record is None:
        return result
    front = record.front or {}
    result.kind = str(front.get("kind", ""))
    result.notes = record.notes
    paragraphs = blocks(record.body)
    lines = source.text.split("\n")
    judge(result, page, front, webpage.read(source.text), paragraphs, lines)
    kept = compact(str(front.get("title", "")) + "".join(paragraphs))
    aside = set(REGISTRY[result.kind].boilerplate_lines(source.text)) if result.kind else set()
    result.lost = sum(1 for x in lines if x.strip() and x not in aside and compact(x) not in kept)
    return result


def judge(
    result: Score,
    page: dict,
    front: dict,
    reading: webpage.Reading | htmlpage.Page,
    paragraphs: list[str],
    lines: list[str],
) -> None:
    """Score a document against its label: front matter, what the importer read
    (`reading`), sentences whole in `paragraphs`, labelled `lines` that leaked."""
    result.title = front.get("title") == page["title"]
    result.date = str(front.get("date")) == str(page["date"])
    result.source = reading.fields.get("source") == page.get("source")
    result.editor = reading.fields.get("editor") == page.get("editor")
    result.category = front.get("categories", [])[1:] == page.get("category", [])
    found = "、".join(reading.authors)
    result.authors = (sum(1 for name in page["author"] if name in found), len(page["author"]))
    wanted = [page["first"], page["last"], *page.get("sentences", [])]
    whole = sum(1 for s in wanted if any(compact(s) in p for p in paragraphs))
    result.sentences = (whole, len(wanted))
    furniture = [lines[n - 1] for n in line_numbers(page["boilerplate"]) if lines[n - 1].strip()]
    result.leaked = (sum(1 for x in furniture if leaked(x, paragraphs)), len(furniture))


def _share(pairs: list[tuple[int, int]]) -> str:
    found, total = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
    return f"{found}/{total} ({100 * found / total:.0f}%)" if total else "–"


def _count(flags: list[bool]) -> str:
    return f"{sum(flags)}/{len(flags)} ({100 * sum(flags) / len(flags):.0f}%)" if flags else "–"


COLUMNS = (
    "file", "kind", "title", "date", "source", "editor", "category", "authors",
    "sentences whole", "leaked", "lost", "refused", "tracebacks",
)  # fmt: skip


def _cells(name: str, kind: str, group: list[Score]) -> list[str]:
    return [
        name,
        kind,
        _count([g.title for g in group]),
        _count([g.date for g in group]),
        _count([g.source for g in group]),
        _count([g.editor for g in group]),
        _count([g.category for g in group]),
        _share([g.authors for g in group]),
        _share([g.sentences for g in group]),
        _share([g.leaked for g in group]),
        str(sum(g.lost for g in group)),
        str(sum(bool(g.failure) and not g.crashed for g in group)),
        str(sum(g.crashed for g in group)),
    ]


def table(scores: list[Score]) -> str:
    """A Markdown table: one row per file and a total row."""
    rows = [list(COLUMNS), ["---"] * len(COLUMNS)]
    rows += [_cells(s.file, s.kind, [s]) for s in scores]
    rows.append(_cells("**total**", "", scores))
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    args = parser.parse_args(argv)
    pages = yaml.safe_load(args.labels.read_text(encoding="utf-8"))["pages"]
    scores = [score(page, args.labels.parent) for page in pages]
    for title, heldout in (("labelled", False), ("held out", True)):
        group = [s for s in scores if s.heldout == heldout]
        print(f"\n### {title} ({len(group)} pages)\n\n{table(group)}")
    print()
    for s in scores:
        for line in ([s.failure] if s.failure else []) + s.notes:
            print(f"{s.file}: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
