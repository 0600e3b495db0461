"""The one place imported documents are written.

Everything is checked before the first byte is written: every target stays
inside content/, no two sources claim one file. Then, source by source, the
documents an earlier import of the same file left are removed (found by the
`source_file`/`source_sha256` they record, with the page images they name),
the new ones written, and the original copied next to them unchanged.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path, PurePosixPath

import yaml

from sitegen.errors import ImportFailed
from sitegen.importers.records import Record, Source
from sitegen.report import Reporter

Batch = list[tuple[Source, list[Record]]]


def target(record_path: PurePosixPath, into: PurePosixPath | None) -> PurePosixPath:
    rel = (into / record_path) if into else record_path
    if rel.is_absolute() or any(part in ("", ".", "..") for part in rel.parts):
        raise ImportFailed(f"refusing to write outside content/: {rel}")
    return rel


Plan = list[tuple[Source, list[tuple[PurePosixPath, bytes]]]]


def plan(batch: Batch, into: PurePosixPath | None) -> Plan:
    """Every file each source will write, as (path under content/, bytes)."""
    claimed: dict[PurePosixPath, str] = {}
    result: Plan = []
    for source, records in batch:
        files: list[tuple[PurePosixPath, bytes]] = []
        original = target(records[0].path.parent / source.original_name, into)
        copy_needed = not (
            records[0].front is None and records[0].body.encode("utf-8") == source.data
        )
        for record in records:
            rel = target(record.path, into)
            if record.data is not None:
                files.append((rel, record.data))
                continue
            front = record.front
            if front is not None:
                front = dict(front)
                if copy_needed:
                    front["source_file"] = original.as_posix()
                front["source_sha256"] = source.sha256
            files.append((rel, render(front, record.body).encode("utf-8")))
        if copy_needed:
            files.append((original, source.data))
        for rel, _ in files:
            if rel in claimed and claimed[rel] != source.name:
                raise ImportFailed(
                    f"{source.name} and {claimed[rel]} would both write {rel}",
                    path=source.name,
                    hint="import them separately, or give one of them other --date/--page/--issue",
                )
            claimed[rel] = source.name
        result.append((source, files))
    return result


def render(front: dict[str, object] | None, text: str) -> str:
    if front is None:
        return text
    header = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=10**6)
    return f"---\n{header}---\n\n{text}"


def write(
    batch: Batch, content_dir: Path, into: PurePosixPath | None, reporter: Reporter
) -> list[Path]:
    planned = plan(batch, into)
    root = content_dir.resolve()
    for _, files in planned:
        for rel, _ in files:
            final = (root / rel).resolve()
            if root != final and root not in final.parents:
                raise ImportFailed(f"refusing to write outside {content_dir}: {rel}")
    written: list[Path] = []
    for (source, files), (_, records) in zip(planned, batch, strict=True):
        removed = remove_previous(source, [rel for rel, _ in files], content_dir)
        for rel, data in files:
            path = content_dir / rel
            _write_atomic(path, data)
            written.append(path)
        for record in records:
            for note in record.notes:
                reporter.warning(note)
        what = f"replaced {removed} earlier document(s), " if removed else ""
        reporter.info(f"imported {source.name}: {what}wrote {len(files)} file(s)")
    return written


def remove_previous(source: Source, new: list[PurePosixPath], content_dir: Path) -> int:
    """Delete what an earlier import of this source wrote; never anything else.

    Earlier imports are found by their copy of the original (same bytes, or
    same name in the same place) and by the `source_sha256` of documents in
    the folders written now. Only `.md` files whose front matter points at
    that source are removed.
    """
    if not content_dir.is_dir():
        return 0
    originals = {rel for rel in new if rel.name == source.original_name}
    old_copies = set()
    for path in content_dir.rglob("original-*"):
        rel = PurePosixPath(path.relative_to(content_dir).as_posix())
        if rel in originals or _same_bytes(path, source.data):
            old_copies.add(rel)
    folders = {content_dir / rel.parent for rel in new} | {
        content_dir / rel.parent for rel in old_copies
    }
    removed = 0
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in folder.glob("*.md"):
            front = read_front(path)
            if not front:
                continue
            points = str(front.get("source_file", "")) in {
                r.as_posix() for r in old_copies | originals
            }
            if points or front.get("source_sha256") == source.sha256:
                path.unlink()
                removed += 1
                for name in page_images(front):
                    (folder / name).unlink(missing_ok=True)
    for rel in old_copies:
        path = content_dir / rel
        if path.exists() and rel not in originals:
            path.unlink()
    return removed


def page_images(front: dict) -> list[str]:
    """The file names of the page images an issue document shows: files of
    its own, next to it, that go when it goes."""
    images = front.get("page_images")
    if not isinstance(images, list):
        return []
    names = [i.get("image") for i in images if isinstance(i, dict)]
    return [n for n in names if isinstance(n, str) and n.strip(".") and not set("/\\") & set(n)]


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(data).digest()
    except OSError:
        return False


def read_front(path: Path) -> dict | None:
    """The front matter of a document, or None if it has none or it won't read."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---", 4)
    if end < 0:
        return None
    try:
        data = yaml.safe_load(text[4:end])
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".import-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
