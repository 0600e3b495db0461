"""Web pages saved as text: what select-all and copy gives in a browser.

A scrape holds one article inside the site's furniture: menus, a
breadcrumb, the headline and a date/source line, the article, then share
buttons, link lists, comment widgets and a copyright footer. Sites differ in
every label, so the article is found by shape (see `signals`): the longest
dense run of prose lines, the head (headline, date and source lines) just
above it, and the bylines and editor lines around it. The article becomes
one document; everything else stays in the copied original, listed by
`boilerplate_lines`. A page is never refused for want of a date or title:
the best guess is taken and named in a warning.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import NamedTuple

from sitegen.importers import cjk, columns, signals
from sitegen.importers.records import (
    ImportOptions,
    Record,
    Source,
    body,
    front_matter,
    paragraph,
    safe_component,
    short_title,
    signs_score,
)

KIND = "webpage"

HEAD_WINDOW = 12
"""Non-blank lines above the article within which its headline is looked for."""

FURNITURE = 0.5
"""Boilerplate score from which a line is furniture (see signals.boilerplate_score)."""

_URL = re.compile(r"(?:原文链接|原文地址|原文网址|URL)\s*[:：]\s*(https?://\S+)", re.IGNORECASE)
_SITE = re.compile(
    r"(?:^|©|Copyright|\d{4})\s*([\u4e00-\u9fff][\u4e00-\u9fffA-Za-z]{1,11}?)\s*版权所有"
    r"|版权所有\s*[:：]\s*([\u4e00-\u9fff]{2,12})",
    re.IGNORECASE,
)

SIGNS = (
    (r"(?:您的|当前|所在)?位置\s*[:：]|首页\s*>", 0.3),
    (r"(?:发布|发表|发稿|加入)时间\s*[:：]|来源\s*[:：]", 0.3),
    (r"版权所有|Copyright|ICP备|公网安备", 0.3),
    (r"分享到|责任编辑|字号", 0.2),
)


def detect(text: str) -> float:
    """A web page by its labels (breadcrumb, date/source line, share buttons,
    copyright footer) and by its structure: a headline over a date or source
    line just above a run of prose, and menu-like lines around it."""
    lines = text.split("\n")
    filled = [x for x in lines if x.strip()]
    furniture = sum(1 for x in filled if _furniture(x))
    run = main_run(lines)
    at, metas, _ = _head(lines, run.start) if run else (None, [], [])
    shape = 0.3 * (at is not None and bool(metas)) + 0.3 * (furniture >= 0.3 * len(filled) > 0)
    return min(1.0, signs_score(text, SIGNS) + shape)


@dataclass(frozen=True)
class Reading:
    """What a scrape holds: its title, date and metadata, and where the
    title and article are, as line indexes into the text."""

    title: str = ""
    title_at: list[int] = field(default_factory=list)
    body: list[int] = field(default_factory=list)
    captions: set[int] = field(default_factory=set)
    date: signals.DateMatch | None = None
    fields: dict[str, str] = field(default_factory=dict)
    authors: list[str] = field(default_factory=list)
    crumbs: list[str] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)


def weights(lines: list[str]) -> list[float]:
    """Prose counts for its length; anything else counts against, furniture
    and lines of link lists more. Prose that scores as furniture (a reprint
    notice with a contact address) ends a run: what follows it, however
    long, is another page's part (a list of other stories' headlines)."""
    listed = {i for run in signals.link_list_runs(lines) for i in run}
    result = []
    for index, line in enumerate(lines):
        if not line.strip():
            result.append(0.0)
        elif signals.is_prose(line) and _furniture(line):
            result.append(-math.inf)
        elif signals.is_prose(line) and index not in listed:
            result.append(cjk.width(line))
        else:
            result.append(-(8 + 12 * (index in listed) + 16 * signals.boilerplate_score(line)))
    return result


def main_run(lines: list[str]) -> range | None:
    """The run of lines with the most prose in it, net of what interrupts it
    (the largest-sum stretch of line weights): the article's text."""
    scores = weights(lines)
    best, best_at = 0.0, None
    total, start = 0.0, 0
    for index, weight in enumerate(scores):
        if total <= 0:
            total, start = 0.0, index
        total += weight
        if weight > 0 and total > best:
            best, best_at = total, (start, index)
    if best_at is None:
        return None
    first = next(i for i in range(best_at[0], best_at[1] + 1) if scores[i] > 0)
    return past_head(lines, range(first, best_at[1] + 1))


def past_head(lines: list[str], run: range) -> range:
    """The run without a head it swallowed: a headline punctuated like prose
    (`故宫，你低调点！…`) right over its date line opens the run with them.
    The article starts at the first prose line after a date or source line
    among the run's first lines."""
    first = [i for i in run if lines[i].strip()][:4]
    metas = [i for i in first if is_meta(lines[i])]
    if not metas:
        return run
    start = next((i for i in range(metas[-1] + 1, run.stop) if signals.is_prose(lines[i])), None)
    return range(start, run.stop) if start is not None else run


def is_meta(line: str) -> bool:
    """A date, source or editor line, not a sentence that mentions a date
    (`2019年，全市经济增长6%。`)."""
    text = line.strip()
    labelled = bool(signals.fields(text))
    sentence = signals.is_prose(text) and (cjk.width(text) > 40 or cjk.ends_sentence(text))
    if not text or (sentence and not labelled):
        return False
    return labelled or bool(signals.find_dates(text))


def _furniture(line: str) -> bool:
    """Page furniture for certain: a high boilerplate score or a breadcrumb."""
    return signals.boilerplate_score(line) >= FURNITURE or signals.breadcrumb(line) is not None


def _worded_headline(line: str) -> bool:
    """A headline that a widget word marks as furniture only as part of a
    longer word (`评论员` holds `评论`, `阅读量` `阅读`): ten wide, headline-like,
    and furniture by nothing else. Taken as such only right above the date
    and source lines, where a headline stands."""
    return (
        cjk.width(line) >= 10
        and signals.is_headline_like(line)
        and signals.breadcrumb(line) is None
        and signals.boilerplate_score(line, widgets=False) < FURNITURE
    )


def _head(lines: list[str], start: int) -> tuple[int | None, list[int], list[int]]:
    """Walk up from the article, past furniture: (headline line, meta lines,
    lines between the head and the article that are neither, such as photo
    captions). Only HEAD_WINDOW lines that are not furniture are looked at."""
    metas: list[int] = []
    between: list[int] = []
    seen = 0
    for index in range(start - 1, -1, -1):
        line = lines[index]
        meta = is_meta(line)
        furniture = _furniture(line) and not (metas and _worded_headline(line))
        if not line.strip() or (not meta and (furniture or signals.is_link_item(line))):
            continue
        seen += 1
        if seen > HEAD_WINDOW:
            break
        if meta or (metas and (_name_under_headline(lines, index) or signals.issuers(line))):
            metas.append(index)
        elif metas and cjk.subtitle_text(line) is None:
            return index, metas, between
        else:
            between.append(index)
    return None, metas, between


def _one_word(line: str, most: float) -> bool:
    """A lone name: one item, no punctuation, mostly ideographs, at most
    `most` wide (`新浪财经`, `上海证券报网络版`)."""
    text = line.strip()
    return (
        0 < cjk.width(text) <= most
        and len(signals.items(text)) == 1
        and signals.punctuation(text) == 0
        and signals.cjk_ratio(text) >= 0.5
    )


def _outweighs(headline: str, name: str) -> bool:
    """A headline-like line at least twice as wide as a name, and 10 wide."""
    width = cjk.width(headline)
    return (
        signals.is_headline_like(headline)
        and (not _furniture(headline) or _worded_headline(headline))
        and not is_meta(headline)
        and width >= max(10, 2 * cjk.width(name))
    )


def _name_under_headline(lines: list[str], at: int) -> bool:
    """A media or source name on its own line between the headline and the
    date (`上海证券报网络版` under its title, over `2005.08.2605:39`): a
    lone name right under a headline twice as wide is part of the head's
    byline, not the headline (a headline's wrapped tail is about as wide as
    its first line). Blank lines between them do not count."""
    above = _next_text(lines, at, -1)
    return above is not None and _one_word(lines[at], 10) and _outweighs(lines[above], lines[at])


def _channel_over_headline(lines: list[str], at: int) -> bool:
    """A channel or site name on its own line (`新浪财经`) right over a
    headline twice as wide: the page's section, not its title."""
    below = _next_text(lines, at, 1)
    return below is not None and _one_word(lines[at], 6) and _outweighs(lines[below], lines[at])


def _next_text(lines: list[str], at: int, step: int) -> int | None:
    """The nearest line above (`step` -1) or below (1) `at` that is not blank."""
    index = at + step
    while 0 <= index < len(lines):
        if lines[index].strip():
            return index
        index += step
    return None


def _wrapped(lines: list[str], at: int) -> int | None:
    """The line right above a headline when the headline wraps onto two lines.
    A wrap fills its first line: a narrower line above is a kicker (引题,
    `河南着力培育新动能` over the headline), not the headline's start."""
    above = at - 1
    if above < 0 or not lines[above].strip():
        return None
    line = lines[above].strip()
    if cjk.width(line) < cjk.width(lines[at].strip()):
        return None
    if _furniture(line) or is_meta(line) or cjk.ends_sentence(line) or signals.punctuation(line):
        return None
    if cjk.width(line) < 8 or signals.cjk_ratio(line) < 0.6 or len(signals.items(line)) > 2:
        return None
    return above


def _echo(lines: list[str]) -> tuple[str, list[str], int | None] | None:
    """A copied `<title>` (`标题_栏目_网站名`): its title, its sections, and
    the line that repeats the title (None if no line does)."""
    echo = next((e for x in lines if (e := signals.title_echo(x))), None)
    if echo is None:
        return None
    wanted = cjk.compact(echo[0])
    at = next((i for i, x in enumerate(lines) if cjk.compact(x) == wanted), None)
    return echo[0], echo[1], at


class Headline(NamedTuple):
    """The headline as found: its text, the lines it takes (none when it is
    not a line of its own), sections a copied `<title>` gave, and the guess
    made, if any, in words for a warning."""

    title: str = ""
    lines: tuple[int, ...] = ()
    crumbs: tuple[str, ...] = ()
    guess: str | None = None


def _headline(lines: list[str], at: int) -> Headline:
    """The headline on line `at`, joined with the line above when it wraps."""
    wrapped = _wrapped(lines, at)
    if wrapped is None:
        return Headline(lines[at].strip(), (at,))
    return Headline(cjk.join_lines(lines[wrapped].strip(), lines[at].strip()), (wrapped, at))


def _guess(lines: list[str], between: list[int]) -> Headline:
    """No head found: the topmost unpunctuated line above the article, else
    the first line that is not furniture. A line of prose stays in the body
    and gives only its first words."""
    candidates = [
        i
        for i in between
        if signals.punctuation(lines[i]) == 0 and not _channel_over_headline(lines, i)
    ] or between
    at = candidates[-1] if candidates else _first_plain(lines)
    if at is None:
        return Headline()
    guess = f"title guessed from line {at + 1}"
    if signals.is_prose(lines[at]):
        return Headline(_first_words(lines[at]), guess=guess)
    return _headline(lines, at)._replace(guess=guess)


def _before_meta(line: str) -> str:
    """A headline sharing its line with the date or source: `标题 2019-09-18`."""
    cuts = [d.start for d in signals.find_dates(line)] + [
        m.start() for m in re.finditer(signals.LABELLED, line)
    ]
    text = line[: min(cuts)].strip() if cuts else ""
    return text if cjk.width(text) >= 4 and not _furniture(text) else ""


def _first_words(line: str, limit: int = 30) -> str:
    """A title from a sentence: up to its first full stop, cut at a comma
    when longer than `limit` characters."""
    sentence = re.split(r"[。；！？;!?]", line.strip())[0]
    if len(sentence) > limit:
        cut = max(sentence.rfind(c, 0, limit) for c in "，,、：:")
        sentence = sentence[:cut] if cut > 0 else sentence[:limit]
    return sentence


def _title(lines: list[str], run: range | None) -> tuple[Headline, list[int], list[int]]:
    """Find the headline: a copied `<title>` when one matches a line, else
    the line above the date/source lines over the article, else a guess.
    Returns it with the meta lines and the lines between it and the article."""
    at, metas, between = _head(lines, run.start if run else len(lines))
    echo = _echo(lines)
    if echo is not None and echo[2] is not None:
        head = Headline(lines[echo[2]].strip(), (echo[2],), tuple(echo[1]))
    elif echo is not None and at is None:
        head = Headline(echo[0], crumbs=tuple(echo[1]))
    elif at is not None:
        head = _headline(lines, at)
    elif metas and (before := _before_meta(lines[metas[-1]])):
        head = Headline(before)
    else:
        head = _guess(lines, between)
    top = max(head.lines, default=-1)
    return head, metas, [i for i in between if i > top and not _button(lines[i])]


def _button(line: str) -> bool:
    """A lone word of one or two characters between the head and the
    article (`关注`, `+关注`): a button, too short for a lead or a caption."""
    return _one_word(line, 3)


def _first_plain(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        if line.strip() and not _furniture(line):
            return index
    return next((i for i, x in enumerate(lines) if x.strip()), None)


def _article(
    lines: list[str], run: range | None, between: list[int], title: tuple[int, ...]
) -> list[int]:
    """The article's lines: the prose run without furniture at its edges or
    strong furniture and meta lines inside, plus what stood between it and
    the head (a lead, photo captions)."""
    if run is None:
        return [
            i for i, x in enumerate(lines) if x.strip() and i not in title and not _furniture(x)
        ]
    inside = [
        i
        for i in run
        if lines[i].strip() and not is_meta(lines[i]) and signals.boilerplate_score(lines[i]) < 0.7
    ]
    whole = bool(inside) and not edge_furniture(lines[inside[-1]])
    while inside and edge_furniture(lines[inside[-1]]):
        inside.pop()
    while inside and edge_furniture(lines[inside[0]]):
        inside.pop(0)
    article = sorted(between) + inside + (_closing(lines, run.stop) if whole else [])
    # a byline line opening or closing the text is the head's (its names go to `author`)
    edges = set(article[:3] + article[-3:])
    return [i for i in article if i not in edges or not signals.is_byline(lines[i])]


def _closing(lines: list[str], end: int, most: int = 2) -> list[int]:
    """Short sentences just after the prose run still close the article
    (`你期待吗？`): up to `most` lines that end a sentence and are not
    furniture, a link or a date/byline line."""
    found: list[int] = []
    for index in range(end, len(lines)):
        line = lines[index]
        if not line.strip():
            continue
        if len(found) == most or not signals.ends_sentence(line) or is_meta(line):
            break
        if signals.boilerplate_score(line) >= 0.3 or signals.is_link_item(line):
            break
        found.append(index)
    return found


def edge_furniture(line: str) -> bool:
    """At the article's ends, a notice or a link is furniture even in a
    sentence: `如有侵权，联系删除。`, `…上手机新浪网娱乐频道 ent.sina.cn`."""
    short = cjk.width(line) <= 60
    return signals.boilerplate_score(line) >= FURNITURE or (
        short and (bool(signals.NOTICES.search(line)) or signals.has_link(line))
    )


def site_name(lines: list[str]) -> str | None:
    """The site's name as its copyright line states it (`© 1997-2015
    网易公司版权所有`, `版权所有：中国青年网`), the first such line; None if
    no line does. It names the folder a page's document goes to."""
    return next((m.group(1) or m.group(2) for x in lines if (m := _SITE.search(x))), None)


def _byline_above(lines: list[str], start: int) -> int | None:
    """The one dated byline line (a date with `作者：`, `来源：`… on it) above
    an article run that found no head of its own, when nothing but plain
    lines stands between them: the run then began too late, in an article
    made of short lines (a list of places, prices, numbers) that do not
    weigh as prose."""
    found = [i for i in range(start) if _dated_byline(lines[i])]
    if len(found) != 1:
        return None
    if any(_furniture(x) or edge_furniture(x) for x in lines[found[0] + 1 : start] if x.strip()):
        return None
    return found[0]


def _dated_byline(line: str) -> bool:
    """A line giving a date and a labelled author, source or editor."""
    labelled = signals.fields(line).keys() & {"author", "source", "editor"}
    return bool(labelled) and is_meta(line) and bool(signals.find_dates(line))


def _date(lines: list[str], metas: list[int], body: list[int]) -> signals.DateMatch | None:
    """The head's date; else a labelled date line; else a date line just
    after the article (some sites put it at the bottom). A bare day in the
    head (`（2023年4月12日）`, when a notice was signed) gives way to a
    publication date the page labels above it, in a record of the page
    (`发文日期：` over `2023-04-18`, a table copied as text)."""
    for index in sorted(metas):
        dates = signals.find_dates(lines[index])
        if dates:
            if dates[0].timed or "date" in signals.fields(lines[index]):
                return dates[0]
            return _labelled_date(lines, range(min(metas))) or dates[0]
    listed = {i for r in signals.link_list_runs(lines) for i in r}
    for index, line in enumerate(lines):
        if index not in listed and "date" in signals.fields(line) and is_meta(line):
            dates = signals.find_dates(line)
            if dates:
                return dates[0]
    after = [i for i in range((body[-1] + 1) if body else 0, len(lines)) if lines[i].strip()][:5]
    for index in after:
        if is_meta(lines[index]) and (dates := signals.find_dates(lines[index])):
            return dates[0]
    return None


def _labelled_date(lines: list[str], where: range) -> signals.DateMatch | None:
    """The first date labelled `date` in `where`, also when the label's value
    is on the next line (`发文日期：` then `2023-04-18`: a table of short
    lines, which link-list runs take in, so those are not left out here)."""
    for index in where:
        text = lines[index].strip()
        if text.endswith(("：", ":")) and len(text) <= 8 and index + 1 < len(lines):
            text += lines[index + 1].strip()  # a label whose value is on the next line
        value = signals.fields(text).get("date")
        if value and (dates := signals.find_dates(value)):
            return dates[0]
    return None


def _unlabelled(line: str, date: signals.DateMatch | None) -> list[str]:
    """The words a date line holds besides its date, URL and widgets:
    `腾讯音乐` in `http://ent.qq.com 2009年11月09日11:30 腾讯音乐 我要评论(0)`.
    None beside a month-name date (`其它内容 十一月 6th, 2009`): that is a
    blog template's post line, whose words are the post's category or tags,
    never a news source."""
    if signals.fields(line) or (date is not None and date.named_month):
        return []
    text = line[: date.start] + " " + line[date.end :] if date else line
    words = []
    for word in signals.items(re.sub(r"(?:https?://|www\.)\S+", " ", text)):
        if (widget := signals.WIDGETS.search(word)) is not None:
            word = word[: widget.start()]  # `环球时报单仁平我要评论(0)`: spans glued together
        word = signals.LEADING_LABEL.sub("", word)  # `原创：某某网`: a label not known here
        if signals.WEEKDAY.fullmatch(word) or signals.page_word(word):
            continue
        if sum(1 for c in word if cjk.is_ideograph(c)) < 2:
            continue
        words += signals.unglued(word)
    return words


def _metadata(
    lines: list[str], body: list[int], metas: list[int], start: int
) -> tuple[dict[str, str], list[str]]:
    """Source, editor and authors: from the head's lines first, then from
    lines around the article (`本文来源`, `（记者…）`, `【责任编辑：…】`)."""
    article = set(body)
    order = sorted(metas) + [
        i
        for i in range(start, len(lines))
        if i not in metas and i not in article and is_meta(lines[i])
    ]
    found: dict[str, str] = {}
    for index in order:
        for key, value in signals.fields(lines[index]).items():
            found.setdefault(key, value)
    authors = [found.pop("author")] if found.get("author") else []
    for index in sorted(metas):
        dates = signals.find_dates(lines[index])
        for word in _unlabelled(lines[index], dates[0] if dates else None):
            if signals.looks_like_person(word):
                authors.append(word)
            else:
                found.setdefault("source", word)
    if "source" in found:
        authors += [n for n in signals.source_writers(found["source"]) if n not in authors]
        found["source"] = signals.clean_source(found["source"])
    after = [i for i in range(body[-1] + 1, len(lines)) if lines[i].strip()][:3] if body else []
    # the head and the text's first lines, with a byline line left out of either
    opening = range(start, body[min(2, len(body) - 1)] + 1) if body else range(0)
    for index in [*opening, *body[-3:], *after, *metas]:
        for name in signals.byline_names(lines[index]):
            if not any(name in a for a in authors):
                authors.append(name)
    if "source" not in found:  # a notice signed off by its issuer: `（某县统计局）`
        for index in [*body[-3:], *after]:
            if names := signals.issuers(lines[index].strip().strip("（）()")):
                found["source"] = names[0]
                break
    if "editor" in found:
        found["editor"] = signals.without_staff_codes(found["editor"])
    found.pop("date", None)
    found.pop("author", None)
    return found, authors


def _nearest_crumbs(lines: list[str], near: int, title: str) -> list[str]:
    """The sections of the breadcrumb nearest the headline, if any, without
    a last item that is the title itself."""
    found = sorted(
        (abs(i - near), crumbs)
        for i, x in enumerate(lines)
        if (crumbs := signals.breadcrumb(x, title))
    )
    return found[0][1] if found else []


def read(text: str) -> Reading:
    """Where the title, date, metadata and article of a scrape are."""
    lines = text.split("\n")
    run = main_run(lines)
    head, metas, between = _title(lines, run)
    if run is not None and not metas and (anchor := _byline_above(lines, run.start)) is not None:
        run = range(anchor + 1, run.stop)  # a list article: its items are not prose
        head, metas, between = _title(lines, run)
    body = [i for i in _article(lines, run, between, head.lines) if i not in head.lines]
    leading = between if run is not None else []
    captions = {i for i in leading if not signals.is_prose(lines[i])} | {
        i for i in body if signals.is_caption(lines[i])
    }
    fields, authors = _metadata(lines, body, metas, min(head.lines, default=0))
    return Reading(
        title=head.title,
        title_at=list(head.lines),
        body=body,
        captions=captions,
        date=_date(lines, metas, body),
        fields=fields,
        authors=authors,
        crumbs=list(head.crumbs) or _nearest_crumbs(lines, max(head.lines, default=0), head.title),
        guesses=[head.guess] if head.guess else [],
    )


def boilerplate_lines(text: str) -> list[str]:
    """Every line outside the title and article: menus, breadcrumb, the
    date/source and editor lines (their facts go to the front matter), share
    buttons, link lists, comment widgets, footers."""
    lines = text.split("\n")
    reading = read(text)
    keep = set(reading.body) | set(reading.title_at)
    return [x for i, x in enumerate(lines) if i not in keep and x.strip()]


def paragraphs(lines: list[str], reading: Reading) -> list[str]:
    """The article as HTML blocks: one per line, except that where the page
    indents paragraphs (`　　`), an unindented line continues the one above,
    and text hard-wrapped at a fixed width is unwrapped."""
    chosen = reading.body
    texts = [lines[i] for i in chosen]
    if columns.is_hard_wrapped(texts):
        return [paragraph(p.text) for p in columns.unwrap(texts)]
    indented = [i for i in chosen if re.match(r"^(?:\u3000|\s{2,})", lines[i])]
    by_indent = len(indented) * 2 >= len(chosen) > 1
    blocks: list[tuple[int, str]] = []
    for index in chosen:
        text = lines[index].strip()
        joins = (
            by_indent
            and blocks
            and index - 1 == blocks[-1][0]
            and index not in indented
            and index not in reading.captions
        )
        if joins:
            blocks[-1] = (index, cjk.join_lines(blocks[-1][1], text))
        else:
            blocks.append((index, text))
    return [
        f"<figure>{paragraph(text, 'figcaption')}</figure>"
        if index in reading.captions
        else paragraph(text)
        for index, text in blocks
    ]


def _dated(
    reading: Reading, source: Source, options: ImportOptions
) -> tuple[str, dt.date, str | None]:
    """The front matter date, the day for the file name, and a warning when
    the page gave no date."""
    if options.date is not None:
        guess = "no date found; dated by --date" if reading.date is None else None
        return options.date.isoformat(), options.date, guess
    if reading.date is not None:
        return signals.format_date(reading.date), reading.date.value.date(), None
    if source.modified is not None:
        day = source.modified
        return day.isoformat(), day, f"no date found; dated by the file's modification time, {day}"
    today = dt.date.today()
    return today.isoformat(), today, f"no date found; dated today, {today} (pass --date YYYY-MM-DD)"


def parse(text: str, source: Source, options: ImportOptions) -> list[Record]:
    lines = text.split("\n")
    reading = read(text)
    blocks = paragraphs(lines, reading)
    date_text, day, undated = _dated(reading, source, options)
    title = reading.title or source.stem
    guesses = [
        *reading.guesses,
        *([] if blocks else ["no article text found; the document holds only the title"]),
        *([] if reading.title else ["no title found; titled by the file name"]),
        *([undated] if undated else []),
    ]
    origin = options.publication or reading.fields.get("source", "")
    author = "、".join(reading.authors) or origin
    site = site_name(lines)
    url = next((m.group(1) for x in lines if (m := _URL.search(x))), None)
    folder = PurePosixPath("web", safe_component(site or origin or "web"))
    name = f"{day.isoformat()}-{short_title(title)}.md"
    front = front_matter(
        title=title,
        date=date_text,
        kind=KIND,
        categories=["网页", *reading.crumbs],
        author=author,
        source=origin if origin != author else None,
        editor=reading.fields.get("editor"),
        original_url=url,
    )
    notes = [f"{source.name}: {guess}" for guess in guesses]
    return [Record(folder / name, front, body(blocks), notes)]
