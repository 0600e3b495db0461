"""Shared helpers for Chinese text converted from print (PDF to text) or scraped.

Every importer needs the same small skills: decode whatever encoding the file
came in, put hard-wrapped column lines back into paragraphs, close up
letter-spaced headlines, and recognise the fixed forms of a Chinese news page
(bylines, datelines, captions, teasers, jump lines, subtitles). They live here
so that each importer stays about its own source kind.
"""

from __future__ import annotations

import codecs
import math
import re
import unicodedata
from pathlib import Path

from sitegen.errors import ImportFailed

# --- characters -------------------------------------------------------------

_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_CJK_PUNCT = "。，、；：？！“”‘’「」『』（）《》〈〉【】—…·～－　"
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_ASCII_PUNCT = re.compile(r"[,.;:!?()\"']")

SENTENCE_END = re.compile(r"[。？！?!…\.][”’」』）)》\"'\s]*$")
"""A line that ends a sentence: 。？！ (or ASCII) possibly followed by closers."""


def is_ideograph(char: str) -> bool:
    return bool(_IDEOGRAPH.match(char))


def is_cjk(char: str) -> bool:
    """An ideograph or a full-width (CJK) punctuation mark."""
    if not char:
        return False
    return is_ideograph(char) or char in _CJK_PUNCT or "\uff00" <= char <= "\uffef"


def char_width(char: str) -> float:
    """Printed width in ems: ASCII is half, punctuation is often compressed."""
    if char.isascii():
        return 0.5
    if unicodedata.category(char).startswith("P") or char in "“”‘’":
        return 0.75
    return 1.0


def width(text: str) -> float:
    return sum(char_width(c) for c in text.strip())


def compact(text: str) -> str:
    """Text with all whitespace removed: what 'ignoring whitespace' compares."""
    return re.sub(r"\s+", "", text)


def ends_sentence(text: str) -> bool:
    return bool(SENTENCE_END.search(text.rstrip()))


# --- decoding ---------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, path: Path | str) -> str:
    """Decode a source file: UTF-8 (with or without BOM), UTF-16/32 with BOM,
    BOM-less UTF-16 by its NUL pattern, else GB18030 (a superset of GBK).

    Newlines are normalised to \\n. Empty, binary or undecodable input is an
    ImportFailed naming the file; nothing is guessed silently.
    """
    hint = "save the file as UTF-8 (or GB18030/GBK, UTF-16 with BOM) text"
    if not data.strip():
        raise ImportFailed("the file is empty", path=path, hint="nothing to import")
    text = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ImportFailed(
                    f"the file starts with a {encoding} byte-order mark but is not {encoding}",
                    path=path,
                    hint=hint,
                ) from exc
            break
    if text is None:
        text = _decode_without_bom(data, path, hint)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ImportFailed("the file is empty", path=path, hint="nothing to import")
    if not _looks_like_text(text):
        raise ImportFailed("this looks like a binary file, not text", path=path, hint=hint)
    return text


def _decode_without_bom(data: bytes, path: Path | str, hint: str) -> str:
    if data.count(0):
        even, odd = data[0::2].count(0), data[1::2].count(0)
        for encoding, zeros, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
            if len(data) % 2 or others * 10 > zeros:
                continue
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _plausible(text):
                return text
        raise ImportFailed("this looks like a binary file, not text", path=path, hint=hint)
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFailed(
        "cannot decode the file as UTF-8, UTF-16 or GB18030/GBK", path=path, hint=hint
    )


def _plausible(text: str) -> bool:
    """Mostly CJK, ASCII and punctuation: what a BOM-less UTF-16 news text is."""
    usual = sum(1 for c in text if is_cjk(c) or (c.isascii() and (c.isprintable() or c.isspace())))
    return usual >= 0.9 * len(text)


def _looks_like_text(text: str) -> bool:
    """Few control or private-use characters; otherwise it's binary that decoded."""
    bad = 0
    for char in text:
        category = unicodedata.category(char)
        if (category == "Cc" and char not in "\n\t\f\v") or category in ("Co", "Cs", "Cn"):
            bad += 1
    return bad <= max(2, len(text) // 200)


# --- spacing ----------------------------------------------------------------


def close_up(text: str) -> str:
    """Close up a letter-spaced line: `争 取 再 夺 丰 收 年` -> 争取再夺丰收年.

    Only lines made of CJK tokens that are mostly one character long qualify;
    ordinary text with a stray space is left alone.
    """
    tokens = text.split()
    if len(tokens) < 2 or any(_ASCII_LETTER.search(t) for t in tokens):
        return text.strip()
    singles = sum(1 for t in tokens if len(t) == 1)
    spaced = all(len(t) <= 2 for t in tokens) and singles / len(tokens) >= 0.6
    if spaced and (len(tokens) >= 3 or all(is_ideograph(t) for t in tokens)):
        return "".join(tokens)
    return text.strip()


def tidy_spaces(text: str) -> str:
    """Drop the spaces PDF conversion leaves between CJK characters (and between
    CJK and digits); keep one space between Latin words."""
    text = re.sub(r"[ \t\u3000\xa0]+", " ", text.strip())

    def keep(match: re.Match[str]) -> str:
        left, right = match.group(1), match.group(2)
        tight = is_cjk(left) or left.isdigit() or _ASCII_PUNCT.match(left)
        if is_cjk(right) and tight:
            return left + right
        if is_cjk(left) and (right.isdigit() or _ASCII_PUNCT.match(right)):
            return left + right
        return match.group(0)

    previous = None
    while previous != text:
        previous = text
        text = re.sub(r"(\S) (\S)", keep, text)
    return text


def join_lines(left: str, right: str) -> str:
    """Join two wrapped lines: no space in CJK text, one between Latin words."""
    left, right = left.rstrip(), right.lstrip()
    if not left or not right:
        return left + right
    a, b = left[-1], right[0]
    if (
        _ASCII_ALNUM.match(a)
        and _ASCII_ALNUM.match(b)
        and (_ASCII_LETTER.match(a) or _ASCII_LETTER.match(b))
    ):
        return f"{left} {right}"
    return left + right


# --- recognisers --------------------------------------------------------------

_ROLE = (
    r"(?:本报特约记者|本报记者|本报通讯员|特约记者|新华社记者|新华社通讯员"
    r"|见习记者|实习生|记者|通讯员)"
)
LEAD = re.compile(
    r"^\s*(本报(?:[^\s，,。()（）]{0,10})?讯|新华社[^\s，,。()（）]{0,12}电)"
    r"\s*(?:[(（]([^()（）]{0,40})[)）])?\s*"
)
_SHORT_NAME = r"[\u4e00-\u9fff·]{1,4}"
_STANDALONE_BYLINE = re.compile(
    rf"^(?:{_ROLE}\s+{_SHORT_NAME}(?:\s+(?:{_ROLE}\s*)?{_SHORT_NAME}){{0,5}}"
    rf"|(?:本报记者|新华社记者|本报通讯员)[\u4e00-\u9fff·]{{2,4}})$"
)
_CAPTION = re.compile(
    rf"(?:{_ROLE}\s*[\u4e00-\u9fff·]{{2,5}}(?:\s+[\u4e00-\u9fff·]{{2,5}})*\s*"
    rf"|\s[\u4e00-\u9fff·]{{2,5}}\s+)摄(?:影)?[)）]?\s*$"
)
TEASER = re.compile(
    r"^[—－\-一]{1,2}\s*(?:详见|见|转)(?:今日|本报|本期)?第?[一二三四五六七八九十百\d]+版"
)
JUMP = re.compile(r"[（(]\s*(?:上接|下转|接|转)第?[一二三四五六七八九十\d]+版\s*[)）]")
_JUMP_BARE = re.compile(r"(?:上接|下转)第?[一二三四五六七八九十\d]+版")
SUBTITLE = re.compile(r"^\s*(?:——|—|－－|--|~~)\s*(\S.*)$")
_DATELINE = re.compile(r"[(（]([^()（）]{1,30})[)）]\s*$")


def split_names(text: str) -> list[str]:
    """Names from a byline remainder: `胡希伟 吕琳` -> two names; a name the PDF
    letter-spaced, `金 红`, is joined back into one."""
    text = re.sub(_ROLE, " ", text)
    tokens = [t for t in re.split(r"[\s、，,/／]+", text) if t]
    names: list[str] = []
    pending = ""
    for token in tokens:
        if len(token) == 1 and is_ideograph(token):
            pending += token
            if len(pending) == 2:
                names.append(pending)
                pending = ""
            continue
        if pending:
            names.append(pending)
            pending = ""
        names.append(token)
    if pending:
        names.append(pending)
    return names


def is_byline(line: str) -> bool:
    """A standalone byline line: `本报记者 田蓓蕾`, `新华社记者 冯源`."""
    return bool(_STANDALONE_BYLINE.match(line.strip()))


def byline_names(line: str) -> list[str]:
    return split_names(line.strip())


def lead_byline(paragraph: str) -> tuple[str, list[str], str] | None:
    """Split `本报讯(记者 胡希伟 吕琳)为切实…` into (byline, names, rest)."""
    match = LEAD.match(paragraph)
    if not match:
        return None
    inside = match.group(2) or ""
    names = split_names(inside) if re.search(_ROLE, inside) else []
    return match.group(0).strip(), names, paragraph[match.end() :]


def is_caption(line: str) -> bool:
    """A photo caption ends with `… 摄` after a name: `本报记者 刘彦 摄`."""
    line = line.strip()
    return len(line) <= 200 and bool(_CAPTION.search(line))


def is_teaser(line: str) -> bool:
    """`——详见今日三版`: a front-page pointer to an article on another page."""
    return bool(TEASER.match(line.strip()))


def subtitle_text(line: str) -> str | None:
    """The text of a `——…` subtitle line, or None."""
    if is_teaser(line):
        return None
    match = SUBTITLE.match(line)
    return match.group(1).strip() if match else None


def split_jumps(paragraph: str) -> tuple[list[str], str]:
    """Take jump lines (`（上接第一版）`, `下转第X版`) off a paragraph's ends."""
    jumps: list[str] = []
    text = paragraph.strip()
    while True:
        start = JUMP.match(text) or _JUMP_BARE.match(text)
        if start:
            jumps.append(start.group(0).strip())
            text = text[start.end() :].strip()
            continue
        end = None
        for pattern in (JUMP, _JUMP_BARE):
            for match in pattern.finditer(text):
                if match.end() == len(text):
                    end = match
        if end:
            jumps.append(end.group(0).strip())
            text = text[: end.start()].strip()
            continue
        return jumps, text


def dateline(paragraph: str) -> tuple[str, list[str], str] | None:
    """A closing signature or dateline: `(组轩)`, `(新华社北京4月4日电)`.

    Returns (dateline, names it gives, text before it). Accepted only alone on
    a line or after the end of a sentence, and only if it holds names or ends
    in 电, so an ordinary parenthesis is left in the text.
    """
    text = paragraph.strip()
    match = _DATELINE.search(text)
    if not match:
        return None
    before = text[: match.start()].rstrip()
    if before and not ends_sentence(before):
        return None
    inside = match.group(1).strip()
    if re.fullmatch(r"[^()（）\s]{2,20}电", inside):
        return match.group(0).strip(), [], before
    names = split_names(inside)
    if names and len(names) <= 3 and all(re.fullmatch(r"[\u4e00-\u9fff·]{2,4}", n) for n in names):
        return match.group(0).strip(), names, before
    return None


# --- similarity ---------------------------------------------------------------


def bigrams(text: str) -> set[str]:
    """Pairs of adjacent ideographs: a cheap, dictionary-free topic signature."""
    chars = [c for c in text if is_ideograph(c) or c.isdigit()]
    return {a + b for a, b in zip(chars, chars[1:], strict=False)}


def coverage(title: str, text: str, weights: dict[str, float] | None = None) -> float:
    """Share of the title's bigrams found in the text (0..1), each bigram
    weighted (by `weights`, default 1) so that words every article of a page
    uses, like 疫情防控, count for less than names and places."""
    wanted = bigrams(title)
    if not wanted:
        return 0.0
    weigh = weights or {}
    unseen = max(weigh.values(), default=1.0)
    total = sum(weigh.get(b, unseen) for b in wanted)
    found = sum(weigh.get(b, unseen) for b in wanted & bigrams(text))
    return found / total if total else 0.0


def resemblance(a: str, b: str, weights: dict[str, float] | None = None) -> float:
    """Cosine similarity of two texts' weighted bigram sets (0..1)."""
    weigh = weights or {}
    left, right = bigrams(a), bigrams(b)
    if not left or not right:
        return 0.0
    shared = sum(weigh.get(x, 1.0) ** 2 for x in left & right)
    norm = math.sqrt(
        sum(weigh.get(x, 1.0) ** 2 for x in left) * sum(weigh.get(x, 1.0) ** 2 for x in right)
    )
    return shared / norm if norm else 0.0


def rarity(texts: list[str]) -> dict[str, float]:
    """Inverse document frequency of each bigram over paragraphs of a page."""
    counts: dict[str, int] = {}
    for text in texts:
        for pair in bigrams(text):
            counts[pair] = counts.get(pair, 0) + 1
    total = len(texts)
    return {pair: math.log(1 + total / (1 + n)) for pair, n in counts.items()}


def is_special(line: str) -> bool:
    """Lines that always stand alone: bylines, captions, teasers, jumps, subtitles."""
    line = line.strip()
    return (
        is_byline(line)
        or is_caption(line)
        or is_teaser(line)
        or subtitle_text(line) is not None
        or bool(JUMP.fullmatch(line))
        or (dateline(line) is not None and dateline(line)[2] == "")
    )
