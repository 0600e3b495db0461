"""How well `sitegen import` reads the labelled pages from their HTML, against their text.

    .venv/bin/python bench/html_accuracy.py [--labels tests/fixtures/web/labels.yml]

Each labelled page of import_accuracy.py whose saved HTML (`NAME.html`, the
page the `.txt` was rendered from) sits next to its text is imported twice,
as `sitegen import` would, kind detected, no flags: from the `.txt` (scored
by import_accuracy.score) and from the `.html`, scored by the same labels
and rules. `--extractors` scores the article extractors' own output
instead (trafilatura; readability-lxml when installed), which is how the
importer's extractor was chosen. Source, editor and authors are the ones the HTML importer read;
leaked counts the labelled boilerplate lines of the `.txt` found in the
body; lost counts lines of the `.txt` that are neither in the document nor
among the lines the importer kept aside, of those the saved markup holds
as text: a line only the page's scripts write when it is shown (adverts,
`document.write`) is in no reading of the HTML, and is noted, not counted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))
sys.path.insert(0, str(BENCH_DIR))

import import_accuracy  # noqa: E402
import trafilatura  # noqa: E402
from import_accuracy import (  # noqa: E402
    LABELS,
    Score,
    _share,
    blocks,
    imported,
    judge,
    leaked,
    line_numbers,
    table,
)

from sitegen.importers import htmlpage, read_source  # noqa: E402
from sitegen.importers.cjk import compact  # noqa: E402


def twin(page: dict, folder: Path) -> Path:
    return (folder / page["file"]).with_suffix(".html")


def score(page: dict, folder: Path) -> Score:
    """The HTML import of one labelled page, scored as import_accuracy scores its text."""
    path = twin(page, folder)
    result = Score(path.name, bool(page.get("heldout")))
    source = read_source(path)
    record = imported(source, result)
    if record is None:
        return result
    front = record.front or {}
    result.kind = "html" if front.get("kind") == "webpage" else str(front.get("kind", ""))
    result.notes = record.notes
    paragraphs = blocks(record.body)
    lines = read_source(folder / page["file"]).text.split("\n")
    judge(result, page, front, htmlpage.read(source.text), paragraphs, lines)
    kept = compact(str(front.get("title", "")) + "".join(paragraphs))
    aside = compact("".join(htmlpage.boilerplate_lines(source.text)))
    missing = [x for x in lines if compact(x) not in kept and compact(x) not in aside]
    markup = compact("".join(htmlpage.tree(source.text).xpath(_MARKUP_TEXT)))
    scripted = [x for x in missing if compact(x) not in markup]
    result.lost = len(missing) - len(scripted)
    if scripted:
        result.notes = [
            *result.notes,
            f"{path.name}: {len(scripted)} line(s) of the text in no text of the saved "
            "markup (its scripts write them when the page is shown): not counted as lost",
        ]
    return result


_MARKUP_TEXT = "//text()[not(ancestor::script) and not(ancestor::style)]"
"""Every text the saved page holds, hidden or not, but for its scripts and styles."""


def extractors() -> dict[str, object]:
    """Each article extractor measured for the choice, as text → article HTML."""
    found: dict[str, object] = {
        "trafilatura": lambda text: trafilatura.extract(
            text, output_format="html", include_images=True, include_tables=True
        ),
    }
    try:
        from readability import Document
    except ImportError:
        print("readability-lxml is not installed: pip install readability-lxml to measure it")
    else:
        found["readability-lxml"] = lambda text: Document(text).summary(html_partial=True)
    return found


def raw(page: dict, folder: Path, extract) -> tuple[tuple[int, int], tuple[int, int]]:
    """Labelled sentences whole, and labelled boilerplate lines leaked, in an
    extractor's own output, its lines read as a browser shows them."""
    text = read_source(twin(page, folder)).text
    shown = htmlpage.page_text(htmlpage.tree(extract(text) or "<p></p>"))
    paragraphs = [compact(x) for x in shown.split("\n")]
    wanted = [page["first"], page["last"], *page.get("sentences", [])]
    whole = sum(1 for s in wanted if any(compact(s) in p for p in paragraphs))
    lines = read_source(folder / page["file"]).text.split("\n")
    furniture = [lines[n - 1] for n in line_numbers(page["boilerplate"]) if lines[n - 1].strip()]
    return (whole, len(wanted)), (
        sum(1 for x in furniture if leaked(x, paragraphs)),
        len(furniture),
    )


def compare_extractors(pages: list[dict], folder: Path) -> None:
    print("| extractor | sentences whole | leaked |\n| --- | --- | --- |")
    for name, extract in extractors().items():
        found = [raw(page, folder, extract) for page in pages]
        sentences, leaks = [f[0] for f in found], [f[1] for f in found]
        print(f"| {name} | {_share(sentences)} | {_share(leaks)} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument(
        "--extractors", action="store_true", help="measure the extractors' own output instead"
    )
    args = parser.parse_args(argv)
    folder = args.labels.parent
    pages = yaml.safe_load(args.labels.read_text(encoding="utf-8"))["pages"]
    pages = [p for p in pages if twin(p, folder).exists()]
    if args.extractors:
        compare_extractors(pages, folder)
        return 0
    texts = [import_accuracy.score(page, folder) for page in pages]
    from_html = [score(page, folder) for page in pages]
    for title, heldout in (("labelled", False), ("held out", True)):
        group = [s for s in from_html if s.heldout == heldout]
        print(f"\n### {title}, from the HTML ({len(group)} pages)\n\n{table(group)}")
    header = table(texts).split("\n")[:2]
    totals = [
        table(scores).split("\n")[-1].replace("total", kind)
        for kind, scores in (("text", texts), ("HTML", from_html))
    ]
    print(f"\n### all {len(pages)} pages, from the text and from the HTML\n")
    print("\n".join(header + totals) + "\n")
    print("\n".join(x for s in from_html for x in [s.failure, *s.notes] if x))
    return 0


if __name__ == "__main__":
    sys.exit(main())
