"""The start-up reminder: visits due today, overdue, and in the next 7 days (open visits only:
planned or 未联系上 waiting for the next try)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from peewee import fn

from ..models import Visit
from ..rules.visit_states import OPEN_STATES as OPEN
from .visits import visit_rows

AHEAD_DAYS = 7


def reminders(today: dt.date, ahead_days: int = AHEAD_DAYS, limit: int = 500) -> dict:
    """{"today": rows, "overdue": rows, "upcoming": rows, "counts": {...}} — rows capped at `limit`,
    counts always complete."""
    open_ = Visit.status.in_(OPEN)
    end = today + dt.timedelta(days=ahead_days)
    wheres = {
        "today": open_ & (Visit.planned_on == today),
        "overdue": open_ & (Visit.planned_on < today),
        "upcoming": open_ & (Visit.planned_on > today) & (Visit.planned_on <= end),
    }
    result: dict[str, Any] = {key: visit_rows(where, limit) for key, where in wheres.items()}  # today/overdue/upcoming
    result["counts"] = {key: Visit.select(fn.COUNT(Visit.id)).where(where).scalar() or 0
                        for key, where in wheres.items()}
    result["ahead_days"] = ahead_days
    return result
