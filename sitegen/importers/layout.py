"""Reading order of a newspaper page: which headline belongs to which text.

PDF conversion keeps the words but not the layout. Headlines sometimes come
before their article and sometimes after it; a page may start in the middle
of an article continued from elsewhere. This module does what a careful
reader does: it cuts the page into head groups (headline, subtitle, byline)
and runs of text (split where an article visibly starts or ends: `本报讯`,
`（上接第一版）`, a closing `(新华社…电)`), then gives each head the run it
talks about, by comparing their words. Text no head claims is left unplaced;
the page document still holds it.
"""

from __future__ import annotations

import contextvars
import re
from dataclasses import dataclass, field

from sitegen.importers import cjk, columns

MIN_SCORE = 0.2
"""Least share of a headline's word pairs a run must contain to be its body."""


@dataclass
class Item:
    """One paragraph of the page, classified."""

    kind: str  # head, subhead, subtitle, byline, caption, teaser, jump, dateline, text
    text: str
    jumps: list[str] = field(default_factory=list)
    lead: str = ""
    names: list[str] = field(default_factory=list)
    dateline: str = ""
    signers: list[str] = field(default_factory=list)
    clean: str = ""
    starts: bool = False  # begins an article: 本报讯…, （上接第X版）


@dataclass
class Head:
    items: list[Item]
    trailer: Item | None = None
    attached: bool = False

    @property
    def titles(self) -> list[str]:
        return [i.text for i in self.items if i.kind == "head"]

    @property
    def subtitles(self) -> list[str]:
        return [cjk.subtitle_text(i.text) or i.text for i in self.items if i.kind == "subtitle"]

    @property
    def bylines(self) -> list[Item]:
        return [i for i in self.items if i.kind == "byline"]

    @property
    def words(self) -> str:
        return " ".join(self.titles + self.subtitles)

    @property
    def strong(self) -> bool:
        """Has a subtitle or byline: the head of a whole article."""
        return any(i.kind in ("subtitle", "byline") for i in self.items)


@dataclass
class Run:
    items: list[Item]
    head: Head | None = None
    title: str | None = None  # when a head with several titles was shared out
    extra: list[Run] = field(default_factory=list)  # runs continuing this article
    closed: bool = False
    continuation: bool = False

    @property
    def text(self) -> str:
        return " ".join(i.clean or i.text for i in self.items)

    @property
    def starts(self) -> bool:
        return any(i.starts for i in self.items[:2]) or (
            bool(self.items) and self.items[0].kind in ("byline", "jump")
        )


@dataclass
class Teaser:
    items: list[Item]


Unit = Head | Run | Teaser


def classify(para: columns.Para) -> Item:
    text = para.text
    if cjk.is_teaser(text):
        return Item("teaser", text)
    if cjk.subtitle_text(text) is not None:
        return Item("subtitle", text)
    if cjk.is_byline(text):
        return Item("byline", text, lead=text, names=cjk.byline_names(text))
    if cjk.is_caption(text):
        return Item("caption", text)
    if cjk.JUMP.fullmatch(text):
        return Item("jump", text, jumps=[text], starts=text.find("上接") >= 0)
    signature = cjk.dateline(text)
    if signature and not signature[2]:
        return Item("dateline", text, dateline=signature[0], signers=signature[1])
    if para.heading:
        return Item("head", text)
    item = Item("text", text)
    starts_with_jump = bool(re.match(r"\s*[（(]?\s*上接", text))
    item.jumps, rest = cjk.split_jumps(text)
    lead = cjk.lead_byline(rest)
    if lead:
        item.lead, item.names, rest = lead
    signature = cjk.dateline(rest)
    if signature:
        item.dateline, item.signers, rest = signature
    item.clean = cjk.tidy_spaces(rest)
    item.starts = bool(lead) or starts_with_jump
    return item


def cut(items: list[Item]) -> list[Unit]:
    """Cut classified paragraphs into head groups, teasers and runs of text."""
    units: list[Unit] = []
    run: Run | None = None
    pos = 0
    while pos < len(items):
        item = items[pos]
        if item.kind == "head":
            end = pos
            while end < len(items) and items[end].kind == "head":
                end += 1
            while end < len(items) and items[end].kind in ("subtitle", "byline"):
                end += 1
            group = items[pos:end]
            if end < len(items) and items[end].kind == "teaser":
                units.append(Teaser([*group, items[end]]))
                run = None
                pos = end + 1
                continue
            if _is_subhead(group, run, items[end] if end < len(items) else None):
                for head in group:
                    head.kind = "subhead"
                run.items.extend(group)  # type: ignore[union-attr]
                pos = end
                continue
            head = Head(group)
            if end < len(items) and items[end].kind == "dateline":
                head.trailer = items[end]
                end += 1
            units.append(head)
            run = None
            pos = end
            continue
        if item.kind == "teaser":
            units.append(Teaser([item]))
            run = None
        elif item.kind == "dateline" and run is not None and not run.closed:
            run.items.append(item)
            run.closed = True
        else:
            fresh = item.starts or item.kind in ("byline", "jump", "dateline")
            if run is None or run.closed or (fresh and _has_text(run)):
                run = Run([])
                units.append(run)
            run.items.append(item)
            if item.dateline or item.kind == "dateline":
                run.closed = True
        pos += 1
    return units


def _has_text(run: Run) -> bool:
    return any(i.kind in ("text", "subhead") for i in run.items)


def _is_subhead(group: list[Item], run: Run | None, following: Item | None) -> bool:
    """A bare headline between two paragraphs of one article is a subhead."""
    if run is None or run.closed or not _has_text(run):
        return False
    if any(i.kind != "head" for i in group):
        return False
    return following is not None and following.kind == "text" and not following.starts


def attach(units: list[Unit]) -> list[Unit]:
    """Give each head group the run it heads, forwards or backwards."""
    pos = 0
    while pos < len(units):
        head = units[pos]
        if isinstance(head, Head):
            pos = _attach_one(units, pos, head)
        pos += 1
    _attach_continuations(units)
    return units


def _attach_one(units: list[Unit], pos: int, head: Head) -> int:
    before = units[pos - 1] if pos > 0 and isinstance(units[pos - 1], Run) else None
    after = units[pos + 1] if pos + 1 < len(units) and isinstance(units[pos + 1], Run) else None
    forward = _score(head.words, after.text) if after and after.head is None else -1.0
    back_run, back_at = _backward_candidate(before, head)
    backward = _score(head.words, _text(back_run.items[back_at:])) if back_run else -1.0
    least = MIN_SCORE if after is not None and after.head is None else 0.0
    if back_run and backward > forward and backward >= least:
        if back_at:
            tail = Run(back_run.items[back_at:], closed=True)
            back_run.items = back_run.items[:back_at]
            units.insert(pos, tail)
            pos += 1
            back_run = tail
        if len(head.titles) > 1 and not head.strong and _share_titles(units, pos, head):
            return pos
        _give(back_run, head)
        return pos
    if after is not None and after.head is None:
        _give(after, head)
    return pos


def _give(run: Run, head: Head) -> None:
    run.head = head
    head.attached = True
    if head.trailer is not None:
        run.items.append(head.trailer)
        head.trailer = None


def _text(items: list[Item]) -> str:
    return " ".join(i.clean or i.text for i in items)


def _backward_candidate(run: Run | None, head: Head) -> tuple[Run | None, int]:
    """The run (and where in it) a head placed after its article would close.

    A run with no head of its own is a candidate whole if it visibly starts
    an article; otherwise only a head with a byline or subtitle (a complete
    article) may take the tail of it, cut where the words stop matching the
    last subhead and start matching this head.
    """
    if run is None:
        return None, 0
    if run.head is None and (run.starts or not head.strong):
        return run, 0
    if not head.strong:
        return None, 0
    anchor = 0
    rival = run.head.words if run.head else ""
    for index, item in enumerate(run.items):
        if item.kind == "subhead":
            anchor, rival = index, item.text
    if not rival:
        return (run, 0) if run.head is None else (None, 0)
    ours = cjk.bigrams(head.words) - cjk.bigrams(rival)
    theirs = cjk.bigrams(rival) - cjk.bigrams(head.words)
    scores = []
    for item in run.items:
        words = cjk.bigrams(item.clean or item.text)
        scores.append(len(ours & words) - len(theirs & words))
    best, best_at = 0, None
    for start in range(max(anchor, 1 if run.head else 0), len(run.items)):
        if run.items[start].kind != "text":
            continue
        total = sum(scores[start:])
        if total > best:
            best, best_at = total, start
    return (run, best_at) if best_at is not None else (None, 0)


def _share_titles(units: list[Unit], pos: int, head: Head) -> bool:
    """Several bare headlines in a row after several headless runs: one each."""
    runs: list[Run] = []
    back = pos - 1
    while back >= 0 and isinstance(units[back], Run) and units[back].head is None:  # type: ignore[union-attr]
        runs.append(units[back])  # type: ignore[arg-type]
        back -= 1
    if len(runs) < 2:
        return False
    titles = head.titles
    pairs = sorted(
        ((_score(t, r.text), i, j) for i, t in enumerate(titles) for j, r in enumerate(runs)),
        reverse=True,
    )
    taken_titles: dict[int, int] = {}
    taken_runs: set[int] = set()
    for score, i, j in pairs:
        if score >= MIN_SCORE and i not in taken_titles and j not in taken_runs:
            taken_titles[i] = j
            taken_runs.add(j)
    if len(taken_titles) < len(titles):
        return False
    for i, j in taken_titles.items():
        runs[j].head = head
        runs[j].title = titles[i]
    last = taken_titles.get(len(titles) - 1)
    if head.trailer is not None and last is not None:
        runs[last].items.append(head.trailer)
        head.trailer = None
    head.attached = True
    return True


def _attach_continuations(units: list[Unit]) -> None:
    """A headless run opening with 本报讯 may be the second report under a
    headline that names both (`柴伟、程宇分别到…`): join it to the article
    whose title and text it clearly resembles most."""
    headed = [u for u in units if isinstance(u, Run) and u.head is not None and not u.continuation]
    for run in [u for u in units if isinstance(u, Run) and u.head is None]:
        if not run.items or not run.items[0].lead:
            continue
        weights = _WEIGHTS.get({})
        scored = sorted(
            (
                (_score(title_of(r), run.text) + cjk.resemblance(r.text, run.text, weights)) / 2,
                k,
            )
            for k, r in enumerate(headed)
        )[::-1]
        if not scored:
            continue
        best, index = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        if best >= 0.3 and best >= 1.3 * runner_up:
            headed[index].extra.append(run)
            run.continuation = True


def title_of(run: Run) -> str:
    if run.title:
        return run.title
    return run.head.titles[0] if run.head and run.head.titles else ""


def subtitle_of(run: Run) -> str:
    if run.head is None:
        return ""
    extra = [] if run.title else run.head.titles[1:]
    return " ".join(extra + run.head.subtitles)


_WEIGHTS: contextvars.ContextVar[dict[str, float]] = contextvars.ContextVar("weights")


def _score(title: str, text: str) -> float:
    return cjk.coverage(title, text, _WEIGHTS.get({}))


def read_page(paras: list[columns.Para]) -> list[Unit]:
    """Classified, cut and attached units of one page, in source order."""
    items = [classify(p) for p in paras]
    token = _WEIGHTS.set(cjk.rarity([i.text for i in items]))
    try:
        return attach(cut(items))
    finally:
        _WEIGHTS.reset(token)
