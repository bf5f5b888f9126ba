"""How a warranty period's last covered day is computed (RULES.md §2.1)."""

from __future__ import annotations

import calendar
import datetime as dt

CIVIL_CODE = "civil_code"  # 《民法典》第二百零一、二百零二条: the start day is not counted
DAY_BEFORE = "day_before"  # the certificate habit "至2026年6月14日止": one day earlier

CONVENTIONS = (CIVIL_CODE, DAY_BEFORE)


def add_months(start: dt.date, months: int) -> dt.date:
    """The corresponding day `months` later; the month's last day where that day does not exist."""
    total = start.year * 12 + (start.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def period_end(start: dt.date, months: int, convention: str = CIVIL_CODE) -> dt.date:
    """Last covered day of a period of `months` months that starts on `start`.

    >>> period_end(dt.date(2024, 6, 15), 24)
    datetime.date(2026, 6, 15)
    >>> period_end(dt.date(2024, 2, 29), 12)
    datetime.date(2025, 2, 28)
    >>> period_end(dt.date(2024, 6, 15), 24, DAY_BEFORE)
    datetime.date(2026, 6, 14)
    """
    if convention not in CONVENTIONS:
        raise ValueError(f"unknown period-end convention: {convention}")
    end = add_months(start, months)
    if convention == DAY_BEFORE:
        end -= dt.timedelta(days=1)
    return end
