"""How well `sitegen import` reads the labelled pages from their HTML, against their text.

    .venv/bin/python bench/html_accuracy.py [--labels tests/fixtures/web/labels.yml]

Each labelled page of import_accuracy.py whose saved HTML (`NAME.html`, the
page the `.txt` was rendered from) sits next to its text is imported twice,
as `sitegen import` would, kind detected, no flags: from the `.txt` (scored
by import_accuracy.score) and from the `.html`, scored by the same labels
and rules. Source, editor and authors are the ones the HTML importer read;
leaked counts the labelled boilerplate lines of the `.txt` found in the
body; lost counts lines of the `.txt` that are neither in the document nor
among the lines the importer kept aside.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

import yaml

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))
sys.path.insert(0, str(BENCH_DIR))

import import_accuracy  # noqa: E402
from import_accuracy import LABELS, Score, blocks, leaked, line_numbers, table  # noqa: E402

from sitegen.errors import ImportFailed  # noqa: E402
from sitegen.importers import ImportOptions, htmlpage, parse_source, read_source  # noqa: E402
from sitegen.importers.cjk import compact  # noqa: E402


def twin(page: dict, folder: Path) -> Path:
    return (folder / page["file"]).with_suffix(".html")


def score(page: dict, folder: Path) -> Score:
    """The HTML import of one labelled page, scored as import_accuracy scores its text."""
    path = twin(page, folder)
    result = Score(path.name, bool(page.get("heldout")))
    source = read_source(path)
    try:
        [record, *_] = parse_source(source, ImportOptions())
    except ImportFailed as exc:
        result.failure = str(exc)
        return result
    except Exception:  # noqa: BLE001 - a traceback is what this counts
        result.failure = traceback.format_exc(limit=3)
        result.crashed = True
        return result
    front = record.front or {}
    result.kind = "html" if front.get("kind") == "webpage" else str(front.get("kind", ""))
    result.notes = record.notes
    reading = htmlpage.read(source.text)
    paragraphs = blocks(record.body)
    result.title = front.get("title") == page["title"]
    result.date = str(front.get("date")) == str(page["date"])
    result.source = reading.fields.get("source") == page.get("source")
    result.editor = reading.fields.get("editor") == page.get("editor")
    result.category = front.get("categories", [])[1:] == page.get("category", [])
    found = "、".join(reading.authors)
    result.authors = (sum(1 for name in page["author"] if name in found), len(page["author"]))
    wanted = [page["first"], page["last"], *page.get("sentences", [])]
    result.sentences = (
        sum(1 for s in wanted if any(compact(s) in p for p in paragraphs)),
        len(wanted),
    )
    lines = read_source(folder / page["file"]).text.split("\n")
    furniture = [lines[n - 1] for n in line_numbers(page["boilerplate"]) if lines[n - 1].strip()]
    result.leaked = (sum(1 for x in furniture if leaked(x, paragraphs)), len(furniture))
    kept = compact(str(front.get("title", "")) + "".join(paragraphs))
    aside = compact("".join(htmlpage.boilerplate_lines(source.text)))
    result.lost = sum(1 for x in lines if compact(x) not in kept and compact(x) not in aside)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    args = parser.parse_args(argv)
    folder = args.labels.parent
    pages = yaml.safe_load(args.labels.read_text(encoding="utf-8"))["pages"]
    pages = [p for p in pages if twin(p, folder).exists()]
    texts = [import_accuracy.score(page, folder) for page in pages]
    pages_html = [score(page, folder) for page in pages]
    for title, heldout in (("labelled", False), ("held out", True)):
        for kind, scores in (("text", texts), ("HTML", pages_html)):
            group = [s for s in scores if s.heldout == heldout]
            print(f"\n### {title}, from the {kind} ({len(group)} pages)\n\n{table(group)}")
    print(f"\n### all {len(pages)} pages\n")
    rows = [table(texts).split("\n")[i] for i in (0, 1, -1)]
    rows.append(table(pages_html).split("\n")[-1].replace("**total**", "**HTML**"))
    print("\n".join(rows).replace("**total**", "**text**"))
    print()
    for s in pages_html:
        for line in ([s.failure] if s.failure else []) + s.notes:
            print(f"{s.file}: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
