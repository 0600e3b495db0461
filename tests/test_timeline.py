import datetime as dt
import random
import xml.etree.ElementTree as ET
from collections import Counter
from itertools import pairwise

import pytest

from sitegen import timeline, urls

SVG = "{http://www.w3.org/2000/svg}"
START = dt.date(2020, 1, 20)


def day_url(day: dt.date) -> str:
    return urls.day_url(day.year, day.month, day.day)


def month_url(day: dt.date) -> str:
    return urls.month_url(day.year, day.month)


def make_bars(dates, **options) -> list[timeline.Bar]:
    return timeline.bars(dates, day_url, month_url, **options)


def random_dates(seed: int, span: int, count: int) -> list[dt.date]:
    rng = random.Random(seed)
    return [START + dt.timedelta(days=rng.randrange(span)) for _ in range(count)]


def days_of(bar: timeline.Bar) -> list[dt.date]:
    return [bar.start + dt.timedelta(days=n) for n in range((bar.end - bar.start).days + 1)]


def test_one_bar_a_day_up_to_the_limit_then_one_a_week():
    last = START + dt.timedelta(days=timeline.MAX_BARS - 1)
    daily = make_bars([START, last])
    assert len(daily) == timeline.MAX_BARS
    assert all(b.start == b.end for b in daily)
    weekly = make_bars([START, last + dt.timedelta(days=1)])
    assert all(b.start.weekday() == 0 and (b.end - b.start).days == 6 for b in weekly)
    assert weekly[0].start <= START and weekly[-1].end >= last + dt.timedelta(days=1)


def test_one_bar_a_month_when_weeks_are_too_many():
    assert len(make_bars([START, START + dt.timedelta(weeks=9)], max_bars=10)) == 10
    monthly = make_bars([START, START + dt.timedelta(weeks=10)], max_bars=10)
    assert [(b.start, b.end) for b in monthly] == [
        (dt.date(2020, 1, 1), dt.date(2020, 1, 31)),
        (dt.date(2020, 2, 1), dt.date(2020, 2, 29)),
        (dt.date(2020, 3, 1), dt.date(2020, 3, 31)),
    ]
    assert [b.url for b in monthly] == [
        "archives/2020/01/",
        None,  # an empty month: no page
        "archives/2020/03/",
    ]
    assert monthly[1].label == f"2020年2月：{monthly[1].count} 篇"


@pytest.mark.parametrize("seed", range(12))
def test_every_document_is_counted_once_in_its_bar(seed):
    rng = random.Random(seed)
    span = rng.choice([1, 7, 100, timeline.MAX_BARS, timeline.MAX_BARS + 1, 1096, 4000])
    dates = random_dates(seed, span, rng.randrange(1, 3000))
    per_day = Counter(dates)
    result = make_bars(dates)
    assert 0 < len(result) <= timeline.MAX_BARS
    assert result[0].start <= min(dates) and result[-1].end >= max(dates)
    for before, after in pairwise(result):
        assert after.start == before.end + dt.timedelta(days=1)  # no gap, no overlap
    for bar in result:
        assert bar.count == sum(per_day[d] for d in days_of(bar))
        assert (bar.url is None) == (bar.count == 0)


def test_a_day_bar_counts_the_documents_of_the_page_it_leads_to():
    dates = random_dates(7, 120, 900)
    pages = Counter(day_url(d) for d in dates)  # the day archive: a page per day with documents
    result = make_bars(dates)
    assert all(b.start == b.end for b in result)
    assert {b.url: b.count for b in result if b.url} == pages
    assert result[0].label == f"{result[0].start}：{result[0].count} 篇"


def test_empty_days_and_weeks_have_no_link():
    daily = make_bars([dt.date(2022, 4, 8), dt.date(2022, 4, 8), dt.date(2022, 4, 11)])
    assert [(b.count, b.url) for b in daily] == [
        (2, "archives/2022/04/08/"),
        (0, None),
        (0, None),
        (1, "archives/2022/04/11/"),
    ]
    weekly = make_bars([dt.date(2022, 1, 3), dt.date(2022, 12, 30)])
    assert [b.url for b in weekly if b.count == 0] == [None] * (len(weekly) - 2)


def test_a_week_bar_leads_to_its_first_day_with_documents():
    # The week of Monday 2022-03-28 has documents on Thursday and Saturday only.
    dates = [dt.date(2022, 4, 2), dt.date(2022, 3, 31), dt.date(2022, 4, 2), dt.date(2021, 1, 1)]
    week = next(b for b in make_bars(dates) if b.start == dt.date(2022, 3, 28))
    assert week.end == dt.date(2022, 4, 3)
    assert (week.count, week.url) == (3, "archives/2022/03/31/")
    assert week.label == "2022-03-28 – 04-03：3 篇"
    first = make_bars(dates)[0]
    assert first.label == "2020-12-28 – 2021-01-03：1 篇"  # a week across two years


def test_datetimes_count_on_their_day():
    result = make_bars([dt.datetime(2022, 4, 8, 9), dt.datetime(2022, 4, 8, 23)])
    assert [(b.start, b.count) for b in result] == [(dt.date(2022, 4, 8), 2)]
    assert make_bars([]) == []


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_the_svg_is_xml_with_a_link_and_tooltip_per_bar_with_documents():
    def odd_day_url(day: dt.date) -> str:
        return f"归档/{day:%m-%d}/疫情&防控/"

    dates = random_dates(3, 60, 200)
    result = timeline.bars(dates, odd_day_url, month_url)
    for base_href in (lambda u: urls.href(u, "/子站/"), lambda u: "/" + u):
        text = timeline.svg(result, "上海 <封控> & 解封", base_href)
        root = parse(text)
        assert root.tag == f"{SVG}svg" and root.get("role") == "group"
        assert root.get("width") == "100%"
        assert root.find(f"{SVG}title").text == "上海 <封控> & 解封"
        assert "200 篇" in root.find(f"{SVG}desc").text
        links = list(root.iter(f"{SVG}a"))
        full = [b for b in result if b.count]
        assert len(links) == len(full) < len(result)
        for link, bar in zip(links, full, strict=True):
            assert link.get("href") == base_href(bar.url)
            assert link.find(f"{SVG}title").text == bar.label
            assert link.find(f"{SVG}rect").get("class") == "timeline-bar"
    assert 'href="/归档/' in text and "疫情&amp;防控" in text
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert f"最多 {max(b.count for b in result)} 篇" in texts
    assert f"{START.year}年{START.month}月" in texts


def test_bars_scale_with_the_width_and_text_does_not():
    root = parse(timeline.svg(make_bars(random_dates(4, 30, 90)), "t", lambda u: u))
    (plot,) = root.findall(f"{SVG}svg")
    assert plot.get("preserveAspectRatio") == "none" and plot.get("width") == "100%"
    assert plot.find(f".//{SVG}text") is None
    assert root.find(f"{SVG}line[@class='timeline-baseline']") is not None


def test_three_years_of_daily_data_stay_small():
    days = (dt.date(2022, 12, 31) - dt.date(2020, 1, 1)).days + 1
    dates = [dt.date(2020, 1, 1) + dt.timedelta(days=n) for n in range(days) for _ in range(n % 9)]
    result = make_bars(dates)
    text = timeline.svg(result, "2020–2022", lambda u: urls.href(u, "/"))
    assert len(result) == 157
    assert len(text.encode("utf-8")) < 30_000
    assert len(parse(text).findall(f".//{SVG}a")) == 157


def test_the_same_dates_make_the_same_bytes():
    dates = random_dates(5, 1000, 5000)
    shuffled = random.Random(5).sample(dates, len(dates))
    first = timeline.svg(make_bars(dates), "时间线", lambda u: urls.href(u, "/"))
    assert first == timeline.svg(make_bars(shuffled), "时间线", lambda u: urls.href(u, "/"))
    assert timeline.svg([], "时间线", lambda u: u) == ""


def test_year_ticks_on_a_long_timeline():
    result = make_bars([dt.date(2020, 1, 20), dt.date(2022, 12, 20)])
    texts = [t.text for t in parse(timeline.svg(result, "t", lambda u: u)).iter(f"{SVG}text")]
    assert texts[1:] == ["2020年", "2021年", "2022年"]


def test_the_same_day_in_other_years():
    days = {
        dt.date(2020, 4, 8),
        dt.date(2021, 4, 8),
        dt.date(2022, 4, 9),
        dt.date(2020, 2, 29),
        dt.date(2021, 2, 28),
        dt.date(2022, 3, 1),
    }
    assert timeline.same_day_other_years(dt.date(2022, 4, 8), days) == [
        dt.date(2020, 4, 8),
        dt.date(2021, 4, 8),
    ]
    assert timeline.same_day_other_years(dt.date(2021, 4, 8), days) == [dt.date(2020, 4, 8)]
    # February 29 is February 28 in a common year, and February 28 is itself.
    assert timeline.same_day_other_years(dt.date(2020, 2, 29), days) == [dt.date(2021, 2, 28)]
    assert timeline.same_day_other_years(dt.date(2021, 2, 28), days) == []
    assert timeline.same_day_other_years(dt.date(2022, 2, 28), days | {dt.date(2024, 2, 29)}) == [
        dt.date(2021, 2, 28)
    ]
