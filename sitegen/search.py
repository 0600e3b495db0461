"""Full-text search as static files: a sharded index of character pairs.

Chinese has no spaces, so a word index (or a segmenter guessing words) misses
documents that hold a query inside a longer word. Here every run of letters
and digits is cut into overlapping pairs of characters instead: a document
holds a query of two or more characters only if it holds all the query's
pairs, so looking those pairs up never misses a document. The browser then
checks each candidate's text for the exact query before showing it, which
drops the rare document that has the pairs apart.

Long documents (a whole newspaper page) are indexed as parts of PART_CHARS
characters, each overlapping the next by OVERLAP, so that any query term
of up to OVERLAP + 1 characters lies whole inside one part: the browser
then loads only the parts that can hold a term, never a whole long text.
Most posts are one part. The index's units are these parts, numbered in
document order; facets and results are per document.

Files under `search/`, each fetched by `static/search.js` only when needed:

- `meta.json`: counts of documents, units and shards, the build version,
  filter names, `size` (what decides the shard count, for `patch_index`),
  and `more`: the posting of the units that continue a document (so the
  browser can tell which document a unit belongs to);
- `shards/<k>.json`: `{pair: posting}` for the pairs that hash to shard k,
  or `{pair: [posting, title posting]}` when some titles hold the pair
  (title matches are ranked first); postings here are over units;
- `facets/<y|c|p><i>.json`: the posting (over documents) of one year, top
  category or publication, in the order of `meta.json`;
- `docs/<id>.json`: one document's link, title, date, labels, its number
  of parts and the text of part 0; `docs/<id>.<k>.json`: part k's text.

A posting is a string: `b` + base64 of a bitmap over all units (or
documents), or `1`, `2` or `4` + base64 of the gaps between ascending ids in
that many bytes each (little-endian), whichever is shorter. No posting is
longer than N/6 characters, so a query loads a bounded number of bytes
however common its characters are. Document ids are positions in
`catalog.documents` (newest first), so ascending ids are newest-first results.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import operator
import re
import sys
from array import array
from collections import defaultdict, deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise, repeat
from pathlib import Path
from typing import Any, NamedTuple

from sitegen import urls
from sitegen.catalog import Catalog
from sitegen.config import Config
from sitegen.sources.document import Document, body_text

FORMAT = 1
SHARD_BYTES = 12_000  # aimed-at size of a shard file; a query reads one per pair it looks up
PART_CHARS = 2_000  # text per part: most posts are one part, newspaper pages several
OVERLAP = 63  # characters a part shares with the next: the longest term found whole is 64
_NON_WORD = re.compile(r"\W+")  # \w: letters, digits, underscore; search.js uses the same class
_WORD_PAIR = re.compile(r"\w\w")
_FULLWIDTH = re.compile("[０-９ａ-ｚ]")  # after lower(): full-width digits and letters
FACET_KINDS = (("y", "years"), ("c", "categories"), ("p", "publications"))


@dataclass(frozen=True)
class FacetValue:
    """One choice of a search filter: a year, a top category or a publication."""

    name: str
    count: int


@dataclass(frozen=True)
class Facets:
    """The search page's filters, in the order `meta.json` numbers them."""

    years: tuple[FacetValue, ...]
    categories: tuple[FacetValue, ...]
    publications: tuple[FacetValue, ...]


def normalise(text: str) -> str:
    """Lower case, full-width letters and digits as ASCII: what search.js does to queries too."""
    return _FULLWIDTH.sub(_halfwidth, text.lower())


def _halfwidth(match: re.Match[str]) -> str:
    return chr(ord(match.group()) - 0xFEE0)


def pair_keys(text: str) -> set[int]:
    """Every pair of adjacent characters of `text` (normalised), each as one integer.

    The key of a pair is `first | second << 21` (code points fit in 21
    bits), so that a pair and a unit id fit in one 64-bit number while the
    index is inverted (`_Postings`). Pairs holding a space or punctuation are
    kept here and dropped once per distinct pair (`pair_text`), which is
    cheaper than cleaning every text.
    """
    points = _code_points(normalise(text))
    return set(map(operator.or_, points, map(operator.lshift, points[1:], repeat(21))))


def _code_points(text: str) -> array:
    points = array("I", text.encode("utf-32-le", "surrogatepass"))
    if sys.byteorder == "big":
        points.byteswap()
    return points


def pair_text(key: int) -> str | None:
    """The two characters of a pair key, or None unless both are word characters."""
    pair = chr(key & _POINT) + chr(key >> 21)
    return pair if _WORD_PAIR.fullmatch(pair) else None


_POINT = (1 << 21) - 1


def query_pairs(term: str) -> list[str]:
    """The pairs of one query term, in order (what search.js looks up, before it picks some)."""
    found: list[str] = []
    for run in _NON_WORD.split(normalise(term)):
        found += [run[i : i + 2] for i in range(len(run) - 1)]
    return found


def facet_values(doc: Document) -> dict[str, tuple[str, ...]]:
    """The year, top-level categories and publication a document can be filtered by."""
    return {
        "y": (f"{doc.date.year:04d}",),
        "c": tuple(dict.fromkeys(path[0] for path in doc.category_paths if path)),
        "p": (doc.publication_name,) if doc.publication_name else (),
    }


def facets(catalog: Catalog) -> Facets:
    """Filter choices with their counts: years newest first, names in code-point order."""
    counts: dict[str, dict[str, int]] = {kind: defaultdict(int) for kind, _ in FACET_KINDS}
    for doc in catalog.documents:
        for kind, values in facet_values(doc).items():
            for value in values:
                counts[kind][value] += 1

    def choices(kind: str, newest_first: bool = False) -> tuple[FacetValue, ...]:
        names = sorted(counts[kind], reverse=newest_first)
        return tuple(FacetValue(name, counts[kind][name]) for name in names)

    return Facets(choices("y", newest_first=True), choices("c"), choices("p"))


def page_context(catalog: Catalog) -> dict[str, Facets]:
    """What `search.html` receives besides `site` and `page`."""
    return {"facets": facets(catalog)}


def parts(text: str) -> list[str]:
    """`text` cut into parts of PART_CHARS characters, each running OVERLAP into the next.

    A part starts only where the text goes on past the previous part, so any
    stretch of up to OVERLAP + 1 characters is whole inside some part.
    """
    starts = [0, *range(PART_CHARS, max(len(text) - OVERLAP, 0), PART_CHARS)]
    return [text[start : start + PART_CHARS + OVERLAP] for start in starts]


def units(title: str, pieces: list[str]) -> list[str]:
    """The text of each index unit of one document: its parts, the title joining part 0."""
    return [title + "\n" + pieces[0], *pieces[1:]]


def fragments(doc: Document, pieces: list[str]) -> list[bytes]:
    """A result's files: link (percent-encoded, relative to the base path), labels
    and part 0, then one file per further part."""
    path = doc.categories[0] if doc.categories else ()
    first = {
        "u": urls.href(doc.url, ""),
        "t": doc.title,
        "d": f"{doc.date:%Y-%m-%d}",
        "c": " › ".join(link.name for link in path),
        "p": doc.publication_name,
        "x": pieces[0],
        "n": len(pieces),
    }
    return [_dump(first), *map(_dump, pieces[1:])]


def shard_of(pair: str, shards: int) -> int:
    """FNV-1a over the code points of `pair`; search.js computes the same number."""
    h = 0x811C9DC5
    for ch in pair:
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return h % shards


def encode(ids: Sequence[int], total: int) -> str:
    """A posting (ascending ids) as the shorter of a bitmap and fixed-width gaps."""
    bitmap_bytes = (total + 7) // 8
    if len(ids) <= bitmap_bytes:  # else the bitmap is shorter, whatever the gaps
        gaps = [ids[0], *map(operator.sub, ids[1:], ids[:-1])] if ids else []
        width = _gap_width(len(gaps), max(gaps, default=0), bitmap_bytes)
        if width == 1:
            return _posting("1", bytes(gaps))
        if width:
            packed = array("H" if width == 2 else "I", gaps)
            if packed.itemsize != width:  # "I" is 4 bytes on every platform we know of
                raise ValueError(f"unexpected array item size {packed.itemsize}")
            return _posting(str(width), _little_endian(packed).tobytes())
    digits = bytearray(b"0") * total  # one ASCII digit per document, read as a base-2 number
    deque(map(digits.__setitem__, ids, repeat(ord("1"))), maxlen=0)
    return _posting("b", int(digits[::-1], 2).to_bytes(bitmap_bytes, "little"))


def _gap_width(count: int, largest: int, bitmap_bytes: int) -> int:
    """Bytes per gap for `count` gaps up to `largest`; 0 when the bitmap is no longer."""
    width = _gap_bytes(largest)
    return width if count * width <= bitmap_bytes else 0


def _gap_bytes(largest: Any) -> Any:
    """1, 2 or 4: the bytes a gap takes, for gaps up to `largest` (an int or a numpy array)."""
    return 1 + (largest >= 0x100) + 2 * (largest >= 0x10000)


def _posting(kind: str, raw: bytes) -> str:
    return kind + base64.b64encode(raw).decode("ascii")


def _little_endian(packed: array) -> array:
    if array("H", [1]).tobytes() != b"\x01\x00":
        packed.byteswap()
    return packed


def decode(posting: str, total: int) -> list[int]:
    """The ids of a posting: the inverse of `encode`, for tests and tools."""
    raw = base64.b64decode(posting[1:])
    if posting[0] == "b":
        value = int.from_bytes(raw, "little")
        return [i for i in range(total) if value >> i & 1]
    width = int(posting[0])
    ids, last = [], 0
    for start in range(0, len(raw), width):
        last += int.from_bytes(raw[start : start + width], "little")
        ids.append(last)
    return ids


def _dump(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def index_files(
    catalog: Catalog, config: Config, version: str | None = None
) -> Iterator[tuple[str, bytes]]:
    """Every file of the search index, as (output path, bytes), made as they are asked for.

    Documents are read once, in order: each one's files come out at once
    and only its texts' pairs are kept (see `_Postings`).
    `version` (cache-busting for the browser) defaults to a hash of the
    files; the build passes its fingerprint of the documents, which
    `patch_index` can reproduce without reading every file.
    """
    docs = catalog.documents
    total = len(docs)
    body, title = _Postings(), _Postings()
    more: list[int] = []
    unit = 0
    digest = hashlib.blake2b(digest_size=6)
    for i, doc in enumerate(docs):
        pieces = parts(body_text(doc))
        title.add(doc.title, unit)
        more += range(unit + 1, unit + len(pieces))
        for text in units(doc.title, pieces):
            body.add(text, unit)
            unit += 1
        first, *rest = fragments(doc, pieces)
        for rel, data in [
            (f"search/docs/{i}.json", first),
            *((f"search/docs/{i}.{k}.json", part) for k, part in enumerate(rest, 1)),
        ]:
            digest.update(data)
            yield rel, data
    shards, size = _shards(body.done(), title.done(), unit)
    del body, title
    chosen = facets(catalog)
    by_facet: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, doc in enumerate(docs):
        for kind, values in facet_values(doc).items():
            for value in values:
                by_facet[kind, value].append(i)
    for k in range(len(shards)):
        data = _dump(shards[k])
        shards[k] = {}  # the shards are the bulk of the index: each let go once made
        digest.update(data)
        yield f"search/shards/{k}.json", data
    for kind, field in FACET_KINDS:
        for n, value in enumerate(getattr(chosen, field)):
            data = _dump(encode(by_facet[kind, value.name], total))
            digest.update(data)
            yield f"search/facets/{kind}{n}.json", data
    meta = {
        "format": FORMAT,
        "version": version or digest.hexdigest(),
        "documents": total,
        "units": unit,
        "more": encode(more, unit),
        "shards": len(shards),
        "size": size,
        "facets": {kind: [v.name for v in getattr(chosen, f)] for kind, f in FACET_KINDS},
    }
    yield "search/meta.json", _dump(meta)


class _Inverted(NamedTuple):
    """Pair keys with their ascending unit ids: `ids[starts[i]:starts[i + 1]]` for `keys[i]`."""

    keys: Any  # numpy arrays: ascending pair keys,
    starts: Any  # where each key's ids start in `ids`, and one past the last,
    ids: Any  # and every key's ids, one key after another


class _Postings:
    """The ascending unit ids of each pair key, gathered a block of text at a time.

    Inverting the index takes one step per unit and distinct pair in it:
    nine million at 10,000 posts, which one by one in Python were a quarter
    of a cold build's work. numpy takes a block's at once: each pair with
    its unit as one 64-bit number, sorted, repeats dropped, cut where the
    pair changes. The blocks are kept as they are; `_shards` joins them a
    range of keys at a time, so the ids are never held twice.
    """

    BLOCK_CHARS = 1 << 20  # about 1,000 posts; inverting them takes some 25 MB for a moment
    _UNIT_BITS = 22  # a text's place in its block, below the 42 bits of its pair key

    def __init__(self) -> None:
        self._texts: list[str] = []
        self._units: list[int] = []
        self._chars = 0
        self._blocks: list[_Inverted] = []

    def add(self, text: str, unit: int) -> None:
        """Note that `unit` (greater than any unit added before) holds `text`."""
        text = normalise(text)
        self._texts.append(text)
        self._units.append(unit)
        self._chars += len(text)
        if self._chars >= self.BLOCK_CHARS or len(self._texts) >= 1 << self._UNIT_BITS:
            self._flush()

    def done(self) -> list[_Inverted]:
        """The blocks, in the order their texts were added."""
        self._flush()
        return self._blocks

    def _flush(self) -> None:
        """Invert the block read so far. Arrays are changed in place where they can
        be: each full-size copy is 8 bytes per character, a quarter of the peak."""
        import numpy as np  # here, not above: builds that keep or patch the index never load it

        texts, units = self._texts, self._units
        self._texts, self._units, self._chars = [], [], 0
        points = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), "<u4")
        lengths = np.fromiter(map(len, texts), np.int64, len(texts))
        owner = np.repeat(np.arange(len(texts), dtype=np.uint32), lengths)
        found = points[1:].astype(np.uint64)
        found <<= 21
        found |= points[:-1]
        found <<= self._UNIT_BITS
        found |= owner[:-1]
        found = found[owner[:-1] == owner[1:]]  # a pair across two texts is in neither
        del points, owner
        if not len(found):
            return
        found.sort()
        found = found[_firsts(found)]
        ids = np.asarray(units, np.uint32)[found & ((1 << self._UNIT_BITS) - 1)]
        found >>= self._UNIT_BITS  # now each id's pair key
        starts = np.flatnonzero(_firsts(found))
        self._blocks.append(_Inverted(found[starts], np.append(starts, len(found)), ids))


def _firsts(values: Any) -> Any:
    """Where each run of equal values of a sorted numpy array starts (a mask)."""
    import numpy as np

    first = np.ones(len(values), bool)
    first[1:] = values[1:] != values[:-1]
    return first


def _key_ranges(blocks: list[_Inverted], ids: int = 1 << 20) -> list[tuple[int, int]]:
    """Ranges [low, high) of pair keys, each holding about `ids` ids over all blocks,
    so that joining a range's runs takes a bounded amount of memory.

    Each bound is found by bisection on the key (the ids below a key are a
    lookup in each block), so that nothing as large as the blocks is made."""
    import numpy as np

    targets = np.arange(ids, sum(len(block.ids) for block in blocks), ids)
    low, high = np.zeros(len(targets), np.uint64), np.full(len(targets), _KEYS_END, np.uint64)
    while (low < high).any():  # 42 rounds: keys have 42 bits
        middle = (low + high) // 2
        below = sum(block.starts[np.searchsorted(block.keys, middle)] for block in blocks)
        enough = below >= targets
        low, high = np.where(enough, low, middle + 1), np.where(enough, middle, high)
    return list(pairwise([0, *np.unique(low).tolist(), _KEYS_END]))


_KEYS_END = 1 << 42  # every pair key is below: two 21-bit code points


def _join(blocks: list[_Inverted], low: int, high: int) -> _Inverted:
    """The keys from `low` up to `high` with their ids from every block, joined key by key.

    Each block's run of a key is copied once, straight to its place; a key's
    runs keep the blocks' order, which is the order of their units."""
    import numpy as np

    pieces = []
    for block in blocks:
        a, b = np.searchsorted(block.keys, [low, high]).tolist()
        starts = block.starts[a : b + 1]
        pieces.append((block.keys[a:b], np.diff(starts), block.ids[starts[0] : starts[-1]]))
    keys = np.concatenate([np.zeros(0, np.uint64), *(keys for keys, _, _ in pieces)])
    lengths = np.concatenate([np.zeros(0, np.int64), *(lengths for _, lengths, _ in pieces)])
    order = np.argsort(keys, kind="stable")
    to = np.empty_like(lengths)
    to[order] = np.cumsum(lengths[order]) - lengths[order]  # where each run goes
    ids = np.empty(int(lengths.sum()), np.uint32)
    run = 0
    for _, run_lengths, run_ids in pieces:
        ids[_ranges(to[run : run + len(run_lengths)], run_lengths)] = run_ids
        run += len(run_lengths)
    keys, to = keys[order], to[order]
    first = np.flatnonzero(_firsts(keys))
    return _Inverted(keys[first], np.append(to[first], len(ids)), ids)


def _shards(
    body: list[_Inverted], title: list[_Inverted], total: int
) -> tuple[list[dict[str, str | list[str]]], int]:
    """Postings grouped by the hash of their pair into files of about SHARD_BYTES,
    and the size (`_entry_size`) they add up to, which decides how many files.

    Shards hold word pairs only, each file's in code-point order. A real
    archive holds hundreds of thousands of distinct pairs, most in a text or
    two, so the work here is done on arrays of pairs, not pair by pair."""
    import numpy as np

    found: list[Any] = []
    entries: list[Any] = []
    size = 0
    for low, high in _key_ranges(body):
        held, titles = _join(body, low, high), _join(title, low, high)
        kept, titled = _word_pairs(held.keys), _word_pairs(titles.keys)
        postings: list[Any] = _encode_runs(held, kept, total)
        size += sum(map(len, postings)) + _ENTRY_EXTRA * len(postings)  # `_entry_size`
        at = np.searchsorted(held.keys[kept], titles.keys[titled])  # a title's pairs are its unit's
        for i, posting in zip(at.tolist(), _encode_runs(titles, titled, total), strict=True):
            postings[i] = [postings[i], posting]
        found.append(held.keys[kept])
        entries += postings
    keys = np.concatenate([np.zeros(0, np.uint64), *found])
    count = _shard_count(size)
    first, second = keys & _POINT, keys >> 21
    shard = (_fnv1a(first, second) % count).tolist()
    pairs = np.stack([first, second], axis=1).astype("<u4").tobytes().decode("utf-32-le")
    grouped: list[dict[str, str | list[str]]] = [{} for _ in range(count)]
    for i in np.lexsort((second, first)).tolist():
        grouped[shard[i]][pairs[2 * i : 2 * i + 2]] = entries[i]
    return grouped, size


def _word_pairs(keys: Any) -> Any:
    """Which pair keys are two word characters (`pair_text` for many keys at once)."""
    import numpy as np

    points, where = np.unique(np.stack([keys & _POINT, keys >> 21]), return_inverse=True)
    word = np.array([_WORD_PAIR.fullmatch(chr(p) * 2) is not None for p in points.tolist()], bool)
    return word[where].reshape(2, -1).all(axis=0)


def _fnv1a(first: Any, second: Any) -> Any:
    """`shard_of` before the modulo, for arrays of first and second code points."""
    h = (first ^ 0x811C9DC5) * 0x01000193 & 0xFFFFFFFF
    return (h ^ second) * 0x01000193 & 0xFFFFFFFF


def _encode_runs(inverted: _Inverted, which: Any, total: int) -> list[str]:
    """`encode` of the ids of each key `which` picks: the same strings, made at once.

    Most pairs of a real archive are rare, so nearly all postings are a few
    gaps (`_gap_postings`); bitmaps, for the few common pairs, are made one
    by one.
    """
    import numpy as np

    ids, starts, ends = inverted.ids, inverted.starts[:-1][which], inverted.starts[1:][which]
    bitmap_bytes = (total + 7) // 8
    counts = ends - starts
    runs = np.flatnonzero(counts <= bitmap_bytes)  # the others are bitmaps whatever their gaps
    counts = counts[runs]
    found = ids[_ranges(starts[runs], counts)]  # these runs' ids, one run after another
    first = np.cumsum(counts) - counts
    gaps = np.diff(found, prepend=found.dtype.type(0))  # wrong where a run starts: set next
    gaps[first] = found[first]
    largest = np.maximum.reduceat(gaps, first) if len(runs) else gaps
    width = _gap_bytes(largest)
    sparse = counts * width <= bitmap_bytes  # `_gap_width`'s rule
    postings: list[str] = [""] * len(starts)
    made = _gap_postings(gaps, first[sparse], counts[sparse], width[sparse])
    for run, posting in zip(runs[sparse].tolist(), made, strict=True):
        postings[run] = posting
    dense = np.ones(len(starts), bool)
    dense[runs[sparse]] = False
    for run in np.flatnonzero(dense).tolist():
        postings[run] = _bitmap(ids[starts[run] : ends[run]], bitmap_bytes)
    return postings


def _gap_postings(gaps: Any, first: Any, counts: Any, width: Any) -> list[str]:
    """The gap posting of each run of `counts` gaps from `first`, `width` bytes a gap.

    The runs' bytes are laid side by side, each padded to whole groups of
    three bytes, so that one base64 call encodes them all and each posting's
    characters are cut out of its result: the padding's trailing `A`s become
    the `=`s that base64 ends a lone posting with."""
    import numpy as np

    sizes = counts * width
    padded = (sizes + 2) // 3 * 3
    raw = np.zeros(int(padded.sum()), np.uint8)
    place = np.cumsum(padded) - padded  # where each run's bytes start in `raw`
    for w in (1, 2, 4):
        some = width == w
        if some.any():
            index = _ranges(first[some], counts[some])
            raw[_ranges(place[some], sizes[some])] = gaps[index].astype(f"<u{w}").view(np.uint8)
    chars = np.frombuffer(base64.b64encode(raw.tobytes()), np.uint8).copy()
    length = padded // 3 * 4
    end = np.cumsum(length)
    chars[(end - 1)[sizes % 3 > 0]] = ord("=")
    chars[(end - 2)[sizes % 3 == 1]] = ord("=")
    text = np.empty(len(chars) + len(sizes), np.uint8)
    head = end - length + np.arange(len(sizes))  # each posting's kind, then its characters
    text[head] = width + ord("0")
    rest = np.ones(len(text), bool)
    rest[head] = False
    text[rest] = chars
    joined = text.tobytes().decode("ascii")
    return [joined[a:b] for a, b in zip(head.tolist(), (head + 1 + length).tolist(), strict=True)]


def _ranges(starts: Any, lengths: Any) -> Any:
    """The indices `start, start + 1, ..., start + length - 1` of each range, in order."""
    import numpy as np

    before = np.cumsum(lengths) - lengths
    return np.repeat(starts - before, lengths) + np.arange(int(lengths.sum()))


def _bitmap(ids: Any, bitmap_bytes: int) -> str:
    """`encode`'s bitmap posting of a numpy array of ids."""
    import numpy as np

    bits = np.zeros(bitmap_bytes * 8, np.uint8)
    bits[ids] = 1
    return _posting("b", np.packbits(bits, bitorder="little").tobytes())


def _entry_size(entry: str | list[str] | None) -> int:
    """What one shard entry counts towards the shard count: its body posting, and a bit."""
    if entry is None:
        return 0
    return len(entry if isinstance(entry, str) else entry[0]) + _ENTRY_EXTRA


_ENTRY_EXTRA = 12  # about what an entry adds to its body posting: its pair, quotes, separators


def _shard_count(size: int) -> int:
    return max(1, math.ceil(size / SHARD_BYTES))


def patch_index(
    output: Path,
    catalog: Catalog,
    old: dict[str, Document],
    changed: set[str],
    version: str,
) -> list[tuple[str, bytes]] | None:
    """The files of the index that change when only `changed` documents' texts
    changed, read from the previous index in `output`; None when that is not
    enough (another shard count, parts added or removed): build it anew.

    Only the shards holding a pair that a changed text gained or lost are
    read and written again. The result is byte for byte what `index_files`
    would write for them.
    """
    root = output / "search"
    try:
        meta = json.loads((root / "meta.json").read_bytes())
        count, total_units, size = meta["shards"], meta["units"], meta["size"]
    except (OSError, ValueError, KeyError):
        return None
    docs = catalog.documents
    if meta.get("format") != FORMAT or meta["documents"] != len(docs):
        return None
    continued = set(decode(meta["more"], total_units))
    starts = [u for u in range(total_units) if u not in continued]
    if len(starts) != len(docs):
        return None
    body: dict[str, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    title: dict[str, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    files: list[tuple[str, bytes]] = []
    for i, doc in enumerate(docs):
        if doc.source not in changed:
            continue
        before = old.get(doc.source)
        if before is None:
            return None
        old_pieces = parts(body_text(before))
        new_pieces = parts(body_text(doc))
        if len(old_pieces) != len(new_pieces):
            return None
        first = starts[i]
        pairs = zip(units(before.title, old_pieces), units(doc.title, new_pieces), strict=True)
        for u, (was, now) in enumerate(pairs, start=first):
            _note(body, pair_keys(was), pair_keys(now), u)
        _note(title, pair_keys(before.title), pair_keys(doc.title), first)
        head, *rest = fragments(doc, new_pieces)
        files.append((f"search/docs/{i}.json", head))
        files += [(f"search/docs/{i}.{k}.json", part) for k, part in enumerate(rest, 1)]
    shards: dict[int, dict[str, Any]] = {}
    for pair in set(body) | set(title):
        k = shard_of(pair, count)
        if k not in shards:
            try:
                shards[k] = json.loads((root / "shards" / f"{k}.json").read_bytes())
            except (OSError, ValueError):
                return None
        entries = shards[k]
        size -= _entry_size(entries.get(pair))
        body_ids, title_ids = _ids(entries.get(pair), total_units)
        for target, (gone, new) in ((body_ids, body[pair]), (title_ids, title[pair])):
            target.difference_update(gone)
            target.update(new)
        if body_ids:
            posting = encode(sorted(body_ids), total_units)
            entries[pair] = (
                [posting, encode(sorted(title_ids), total_units)] if title_ids else posting
            )
        else:
            entries.pop(pair, None)
        size += _entry_size(entries.get(pair))
    if _shard_count(size) != count:
        return None
    files += [
        (f"search/shards/{k}.json", _dump(dict(sorted(shards[k].items())))) for k in sorted(shards)
    ]
    meta["version"], meta["size"] = version, size
    files.append(("search/meta.json", _dump(meta)))
    return files


def _note(
    changes: dict[str, tuple[set[int], set[int]]], was: set[int], now: set[int], unit: int
) -> None:
    """Record that `unit` lost the pairs only in `was` and gained those only in `now`."""
    for key in was - now:
        pair = pair_text(key)
        if pair is not None:
            changes[pair][0].add(unit)
    for key in now - was:
        pair = pair_text(key)
        if pair is not None:
            changes[pair][1].add(unit)


def _ids(value: Any, total: int) -> tuple[set[int], set[int]]:
    """Body and title ids of a shard entry (a posting, or [posting, title posting])."""
    if value is None:
        return set(), set()
    if isinstance(value, str):
        return set(decode(value, total)), set()
    return set(decode(value[0], total)), set(decode(value[1], total))
