"""Working days in mainland China: weekends, public holidays and the 调休 working weekends.

Uses the maintained `holidays` package, which computes the lunar holidays for any year and
carries the State Council's published 调休 arrangements for the years they exist.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from warranty_desk.i18n import N_, _

WORKDAY_MARK = N_("班")  # a weekend worked instead of a holiday (调休上班), as Chinese calendars mark it


@lru_cache(maxsize=64)
def _china(year: int):
    import holidays  # 40 ms to import: loaded on the first date asked, not at the program's start

    return holidays.China(years=year)


@lru_cache(maxsize=8192)  # a plan asks about the same days again and again (an import: thousands of plans)
def is_working_day(day: dt.date) -> bool:
    calendar = _china(day.year)
    if day in calendar.weekend_workdays:
        return True
    return day.weekday() < 5 and day not in calendar


# the `holidays` package's own translations of China's holiday names: 元旦, 春节, 清明节… and English
_HOLIDAY_LANGUAGES = {"zh_CN": "zh_CN", "en": "en_US"}


@lru_cache(maxsize=64)
def _named(year: int, language: str):
    import holidays

    return holidays.China(years=year, language=language)


def _language(lang: str | None) -> str:
    if lang is None:
        from ..i18n import current_locale

        lang = current_locale()
    return _HOLIDAY_LANGUAGES.get(lang, _HOLIDAY_LANGUAGES["zh_CN"])


def holiday_name(day: dt.date, lang: str | None = None) -> str | None:
    """The public holiday on `day` by its official name in `lang` (the active language when None):
    元旦, 春节, 国庆节（补假）, 休息日（由 2026-01-04 调休）…; None on other days."""
    return _named(day.year, _language(lang)).get(day)


def day_mark(day: dt.date, lang: str | None = None) -> str:
    """What a calendar cell shows beside the day's number: the holiday's name without its bracketed
    note (春节, 国庆节, 休息日 / Chinese New Year, Day off), 班 on a 调休 working weekend, else ''."""
    name = holiday_name(day, lang)
    if name:
        for bracket in ("（", " ("):
            name = name.split(bracket, 1)[0]
        return name.strip()
    if day in _china(day.year).weekend_workdays:
        from ..i18n import gettext_for

        return gettext_for(lang)(WORKDAY_MARK) if lang else _(WORKDAY_MARK)
    return ""


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
