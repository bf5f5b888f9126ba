"""What follows a repair (RULES.md §4, §6): when a new request repeats an earlier one, and when the
satisfaction call after the repair falls. Pure: dates in, dates out."""

from __future__ import annotations

import datetime as dt

from .workdays import next_working_day

REPEAT_DAYS = 90  # a request for the same place and item within 90 days of a closed one is a repeat
AFTER_REPAIR_DAYS = 7  # the satisfaction call (维修后回访) within a week of closing


def repeat_since(reported_at: dt.datetime) -> dt.datetime:
    """A ticket closed on or after this moment is repeated by a request reported at `reported_at`."""
    return reported_at - dt.timedelta(days=REPEAT_DAYS)


def after_repair_date(closed_on: dt.date) -> dt.date:
    """A working day within 7 days after closing (two days after, moved past weekends and holidays)."""
    planned = next_working_day(closed_on + dt.timedelta(days=2))
    if planned > closed_on + dt.timedelta(days=AFTER_REPAIR_DAYS):
        planned = next_working_day(closed_on + dt.timedelta(days=1))
    return planned
