"""The start-up reminder: visits due today, overdue, and in the next 7 days (open visits only:
planned or 未联系上 waiting for the next try)."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from peewee import fn

from ..models import Visit
from ..rules.visit_states import OPEN_STATES as OPEN
from .visits import VisitRow, visit_rows

AHEAD_DAYS = 7


class Reminders(TypedDict):
    today: list[VisitRow]
    overdue: list[VisitRow]
    upcoming: list[VisitRow]
    counts: dict[str, int]  # today / overdue / upcoming, never capped
    ahead_days: int


def reminders(today: dt.date, ahead_days: int = AHEAD_DAYS, limit: int = 200) -> Reminders:
    """The open visits of today, overdue and upcoming — rows capped at `limit`, counts always complete."""
    open_ = Visit.status.in_(OPEN)
    end = today + dt.timedelta(days=ahead_days)
    wheres = {
        "today": open_ & (Visit.planned_on == today),
        "overdue": open_ & (Visit.planned_on < today),
        "upcoming": open_ & (Visit.planned_on > today) & (Visit.planned_on <= end),
    }
    return Reminders(
        today=visit_rows(wheres["today"], limit),
        overdue=visit_rows(wheres["overdue"], limit),
        upcoming=visit_rows(wheres["upcoming"], limit),
        counts={key: Visit.select(fn.COUNT(Visit.id)).where(where).scalar() or 0 for key, where in wheres.items()},
        ahead_days=ahead_days,
    )
