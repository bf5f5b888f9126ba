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


def previous_working_day(day: dt.date) -> dt.date:
    """`day` itself when it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def working_day_within(day: dt.date, after: dt.date | None = None, until: dt.date | None = None) -> dt.date | None:
    """The working day a visit aimed at `day` moves to when it must fall after `after` and on or
    before `until` (its deadline; RULES.md §6: visits fall on working days, and one that has a
    deadline keeps it).

    `day` itself when it is a working day inside the window; else the first working day after it,
    or — when that would miss the deadline — the last working day before it. None when the window
    holds no working day at all."""
    if after is not None and day <= after:
        day = after + dt.timedelta(days=1)
    if until is not None and day > until:
        day = until
    if after is not None and until is not None and until <= after:
        return None
    later = next_working_day(day)
    if until is None or later <= until:
        return later
    earlier = previous_working_day(day)
    if after is not None and earlier <= after:
        return None
    return earlier
