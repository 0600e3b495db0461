import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from sitegen.sources.dates import DateFormatError, parse_date

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Fri, 08 Apr 2022 04:10:05 GMT", dt.datetime(2022, 4, 8, 12, 10, 5)),
        ("2021-08-03T09:15:00+08:00", dt.datetime(2021, 8, 3, 9, 15)),
        ("2021-08-03T01:15:00Z", dt.datetime(2021, 8, 3, 9, 15)),
        ("2021-08-03T09:15:00", dt.datetime(2021, 8, 3, 9, 15)),
        ("2020-02-01", dt.datetime(2020, 2, 1)),
        ("2020-02-01 23:59:59", dt.datetime(2020, 2, 1, 23, 59, 59)),
        (dt.date(2020, 2, 1), dt.datetime(2020, 2, 1)),
        (dt.datetime(2020, 2, 1, 8, 0), dt.datetime(2020, 2, 1, 8, 0)),
    ],
)
def test_every_accepted_form_gives_local_time(value, expected):
    got = parse_date(value, SH)
    assert got.tzinfo is not None
    assert got.replace(tzinfo=None) == expected


def test_gmt_afternoon_is_the_next_local_day():
    assert parse_date("2022-04-07T16:30:00+00:00", SH).date() == dt.date(2022, 4, 8)
    assert parse_date("2022-04-07T15:59:59+00:00", SH).date() == dt.date(2022, 4, 7)


@pytest.mark.parametrize("value", ["2023-02-30", "10:30", "yesterday", "", None, 12])
def test_unreadable_dates(value):
    with pytest.raises(DateFormatError):
        parse_date(value, SH)
