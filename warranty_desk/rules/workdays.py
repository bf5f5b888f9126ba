"""Working days in mainland China: weekends, public holidays and the 调休 working weekends.

Uses the maintained `holidays` package, which computes the lunar holidays for any year and
carries the State Council's published 调休 arrangements for the years they exist.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache


@lru_cache(maxsize=64)
def _china(year: int):
    import holidays  # 40 ms to import: loaded on the first date asked, not at the program's start

    return holidays.China(years=year)


def is_working_day(day: dt.date) -> bool:
    calendar = _china(day.year)
    if day in calendar.weekend_workdays:
        return True
    return day.weekday() < 5 and day not in calendar


def holiday_name(day: dt.date) -> str | None:
    return _china(day.year).get(day)


def next_working_day(day: dt.date) -> dt.date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day
