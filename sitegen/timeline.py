"""A timeline of the event: documents per day, week or month as an inline SVG
bar chart, made at build time so that it needs no JavaScript.

`bars` counts, `svg` draws, and each bar links to the archive page of its
documents. `same_day_other_years` gives a day page its "the same day in other
years" links.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from html import escape

# 160 bars are 2 px each on a 320 px phone: as thin as a bar can be and still
# be seen. Three years (the event's whole span) are at most 158 weeks.
MAX_BARS = 160
_ONE_DAY = dt.timedelta(days=1)
_ONE_WEEK = dt.timedelta(days=7)


@dataclass(frozen=True)
class Bar:
    """One bar: its days (`end` inclusive), how many documents, and the
    archive page it leads to (None for an empty bar: no page lists nothing)."""

    start: dt.date
    end: dt.date
    count: int
    url: str | None
    label: str


def bars(
    dates: Sequence[dt.date],
    day_url: Callable[[dt.date], str],
    month_url: Callable[[dt.date], str],
    max_bars: int = MAX_BARS,
) -> list[Bar]:
    """The bars of the documents' `dates` (one per document), oldest first.

    One bar a day while that makes at most `max_bars` bars, else one an ISO
    week (Monday first), else one a month (a stray misdated document would
    otherwise stretch the chart over decades of weeks). Every day, week or
    month of the span has its bar, empty ones too, so gaps show as gaps.

    A day bar leads to its day page (`day_url`): on the home page its count is that
    page's; a category's, tag's or publication's bar counts its own documents, and
    the day page it leads to lists the whole archive's of that day.
    A week bar leads to the day page of its first day with documents: a week
    may straddle two months, and its first day is where its documents begin
    (the month page is paginated, and a week's first documents may be on its
    last page). A month bar leads to its month page (`month_url` of its first
    day), which lists exactly its documents.
    """
    per_day = Counter(d.date() if isinstance(d, dt.datetime) else d for d in dates)
    if not per_day:
        return []
    first, last = min(per_day), max(per_day)
    if (last - first).days + 1 <= max_bars:
        return [_day_bar(day, per_day[day], day_url) for day in _days(first, last)]
    if (_monday(last) - _monday(first)).days // 7 + 1 <= max_bars:
        per_week: Counter[dt.date] = Counter()
        first_days: dict[dt.date, dt.date] = {}
        for day in sorted(per_day):
            monday = _monday(day)
            per_week[monday] += per_day[day]
            first_days.setdefault(monday, day)
        return [
            _week_bar(monday, per_week[monday], first_days.get(monday), day_url)
            for monday in _weeks(first, last)
        ]
    per_month = Counter()
    for day, count in per_day.items():
        per_month[day.replace(day=1)] += count
    return [_month_bar(start, per_month[start], month_url) for start in _months(first, last)]


def _day_bar(day: dt.date, count: int, day_url: Callable[[dt.date], str]) -> Bar:
    return Bar(day, day, count, day_url(day) if count else None, f"{day}：{count} 篇")


def _week_bar(
    monday: dt.date, count: int, first: dt.date | None, day_url: Callable[[dt.date], str]
) -> Bar:
    sunday = monday + 6 * _ONE_DAY
    end = f"{sunday:%m-%d}" if sunday.year == monday.year else f"{sunday}"
    label = f"{monday} – {end}：{count} 篇"
    return Bar(monday, sunday, count, day_url(first) if first else None, label)


def _month_bar(start: dt.date, count: int, month_url: Callable[[dt.date], str]) -> Bar:
    end = _next_month(start) - _ONE_DAY
    label = f"{start.year}年{start.month}月：{count} 篇"
    return Bar(start, end, count, month_url(start) if count else None, label)


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + n * _ONE_DAY for n in range((last - first).days + 1)]


def _weeks(first: dt.date, last: dt.date) -> list[dt.date]:
    """The Mondays of the weeks from `first`'s to `last`'s."""
    start = _monday(first)
    return [start + n * _ONE_WEEK for n in range((_monday(last) - start).days // 7 + 1)]


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of the months from `first`'s to `last`'s."""
    month, months = first.replace(day=1), []
    while month <= last:
        months.append(month)
        month = _next_month(month)
    return months


def _monday(day: dt.date) -> dt.date:
    return day - day.weekday() * _ONE_DAY


def _next_month(first: dt.date) -> dt.date:
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)


# The drawing, in CSS pixels but for the width, which is the page's: text
# is placed in per cent of it, and the bars are stretched to it by a nested
# SVG whose viewBox ignores the aspect ratio (text in it would be stretched too).
_TOP = 16  # room for the maximum's label above the bars
_PLOT = 90  # the bars' height
_HEIGHT = _TOP + _PLOT + 20  # and a row of tick labels below
_SLOT = 10  # viewBox units a bar; 8 drawn, 2 of gap
_SCALE = 100  # viewBox units of the tallest bar
_MIN_TICK_GAP = 0.22  # of the width: a "2022年12月" label is 70 px of a 320 px phone


def svg(bars: Sequence[Bar], title: str, href: Callable[[str], str]) -> str:
    """The bars as an accessible inline SVG, as wide as its container.

    `href` turns a bar's site-relative URL into a link (the site's, with the
    base path and percent-encoding). Bars are drawn in `currentColor` with the
    class `timeline-bar`, text in `currentColor`, so a theme styles both with
    CSS. Empty bars are not drawn: the baseline shows them, and it keeps a
    chart of three years of weeks to about 20 KB. No bars, no chart: ''.
    """
    if not bars:
        return ""
    n, tallest = len(bars), max(bars, key=lambda b: b.count)
    top = tallest.count or 1
    parts = [
        # A group, not an img: an img's links are hidden from screen readers.
        '<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="group" width="100%"'
        f' height="{_HEIGHT}" font-size="11" fill="currentColor">',
        f"<title>{escape(title, quote=False)}</title>",
        f"<desc>{escape(_summary(bars, tallest), quote=False)}</desc>",
        f'<text class="timeline-max" x="0" y="{_TOP - 4}">最多 {tallest.count} 篇</text>',
        f'<line x1="0" x2="100%" y1="{_TOP}" y2="{_TOP}" stroke="currentColor"'
        ' stroke-opacity=".3" stroke-dasharray="2 3"/>',
        f'<svg y="{_TOP}" width="100%" height="{_PLOT}" viewBox="0 0 {n * _SLOT} {_SCALE}"'
        ' preserveAspectRatio="none">',
    ]
    for i, bar in enumerate(bars):
        if not bar.count:
            continue
        height = max(1, round(bar.count * _SCALE / top))  # one document is still seen
        rect = (
            f'<rect class="timeline-bar" x="{i * _SLOT + 1}" y="{_SCALE - height}"'
            f' width="{_SLOT - 2}" height="{height}"/>'
        )
        tip = f"<title>{escape(bar.label, quote=False)}</title>"
        if bar.url is None:
            parts.append(f"<g>{tip}{rect}</g>")
        else:
            parts.append(f'<a href="{escape(href(bar.url))}">{tip}{rect}</a>')
    baseline = _TOP + _PLOT
    parts += [
        "</svg>",
        f'<line class="timeline-baseline" x1="0" x2="100%" y1="{baseline}" y2="{baseline}"'
        ' stroke="currentColor"/>',
    ]
    for x, text in _ticks(bars):
        parts += [
            f'<line x1="{x}" x2="{x}" y1="{baseline}" y2="{baseline + 4}" stroke="currentColor"/>',
            f'<text x="{x}" y="{_HEIGHT - 2}">{text}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)


def _summary(bars: Sequence[Bar], tallest: Bar) -> str:
    """The chart in words, for those who cannot see it."""
    unit = _unit(bars[0])
    total = sum(b.count for b in bars)
    return (
        f"{bars[0].start} 至 {bars[-1].end}，每{unit}的文章数，共 {total} 篇；"
        f"最多的一{unit}：{tallest.label}。"
    )


def _unit(bar: Bar) -> str:
    days = (bar.end - bar.start).days + 1
    return "日" if days == 1 else "周" if days == 7 else "月"


def _ticks(bars: Sequence[Bar]) -> list[tuple[str, str]]:
    """Month labels under the bars (x in per cent, text): the first bar's month,
    then month starts a whole number of months apart (1, 2, 3, 6 or 12, or
    years), none closer than a label's width, none past the right edge."""
    n, first, last = len(bars), bars[0].start, bars[-1].end
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next((s for s in (1, 2, 3, 6, 12) if months <= 4 * s), 12 * (months // 48 + 1))
    ticks = [(0.0, first)]
    for month in _months(first, last)[1:]:
        position = _position(bars, month) / n
        if (month.month - 1) % step or position > 1 - _MIN_TICK_GAP:
            continue
        if position - ticks[-1][0] >= _MIN_TICK_GAP:
            ticks.append((position, month))
    return [(f"{100 * p:.2f}%", _month_name(m, step)) for p, m in ticks]


def _position(bars: Sequence[Bar], day: dt.date) -> float:
    """Where `day` begins, in bars from the left."""
    span = (bars[0].end - bars[0].start).days + 1
    if span in (1, 7):  # day and week bars are all as long: no need to look
        return min(float(len(bars)), max(0.0, (day - bars[0].start).days / span))
    for i, bar in enumerate(bars):
        if bar.start <= day <= bar.end:
            return i + (day - bar.start).days / ((bar.end - bar.start).days + 1)
    return float(len(bars))


def _month_name(month: dt.date, step: int) -> str:
    return (
        f"{month.year}年" if step >= 12 and month.month == 1 else f"{month.year}年{month.month}月"
    )


def same_day_other_years(
    day: dt.date, days_with_documents: Collection[dt.date], years: Iterable[int] | None = None
) -> list[dt.date]:
    """The same month and day in the archive's other years that have documents,
    oldest first. February 29 is February 28 in a common year: a reader asks
    what happened at that time a year before, and a day off says more than
    nothing (the link shows its date). `years`, the archive's, saves finding
    them in `days_with_documents` for each of a thousand day pages."""
    if years is None:
        years = sorted({d.year for d in days_with_documents})
    found = []
    for year in sorted(years):
        if year == day.year:
            continue
        try:
            other = day.replace(year=year)
        except ValueError:  # February 29 in a common year
            other = dt.date(year, 2, 28)
        if other in days_with_documents:
            found.append(other)
    return found
