"""Dates as real Hexo archives write them, turned into aware datetimes."""

from __future__ import annotations

import datetime as dt
import re
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

_SPACE_TIME = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_SLASHED = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


class DateFormatError(ValueError):
    """The value is not a date in any form we read."""


def parse_date(value: object, tz: ZoneInfo) -> dt.datetime:
    """Return an aware datetime in `tz`.

    Naive values (`YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS`) mean the site's local
    time; values with an offset or `GMT` keep their instant.
    """
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and value.strip():
        moment = _parse_text(value.strip())
    else:
        raise DateFormatError(f"{value!r} is not a date")
    if moment.tzinfo is None:
        return moment.replace(tzinfo=tz)
    return moment.astimezone(tz)


def _parse_text(text: str) -> dt.datetime:
    if text[:1].isdigit():
        iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
        try:
            return dt.datetime.fromisoformat(iso)
        except ValueError as exc:
            if re.match(r"^\d{4}-\d{2}-\d{2}([ T]|$)", text) and "range" in str(exc):
                raise DateFormatError(f"{text!r}: {exc}") from None
        if _SPACE_TIME.match(text):
            date_part, time_part = re.split(r"[ T]", text, maxsplit=1)
            year, month, day = (int(p) for p in date_part.split("-"))
            hms = [float(p) for p in time_part.split(":")] + [0.0]
            try:
                return dt.datetime(year, month, day, int(hms[0]), int(hms[1]), int(hms[2]))
            except ValueError as exc:
                raise DateFormatError(f"{text!r}: {exc}") from None
        slashed = _SLASHED.match(text)
        if slashed:
            parts = [int(p) if p else 0 for p in slashed.groups()]
            try:
                return dt.datetime(*parts)
            except ValueError as exc:
                raise DateFormatError(f"{text!r}: {exc}") from None
        raise DateFormatError(f"{text!r} is not a date we can read")
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        raise DateFormatError(f"{text!r} is not a date we can read") from None
