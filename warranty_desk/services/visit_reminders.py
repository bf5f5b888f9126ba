"""The start-up reminder: visits due today, overdue, and in the next 7 days (open visits only:
planned or 未联系上 waiting for the next try)."""

from __future__ import annotations

import datetime as dt

from peewee import JOIN, fn

from ..models import Project, Staff, Visit
from ..rules.visit_plan import KIND_NAMES
from .visits import OPEN_STATES as OPEN

AHEAD_DAYS = 7


def _rows(where, limit: int) -> list[dict]:
    query = (
        Visit.select(Visit.id, Visit.planned_on, Visit.kind, Visit.method, Visit.purposes, Visit.project,
                     Project.id, Project.code, Project.name, Project.contact, Project.phone, Staff.id, Staff.name)
        .join(Project)
        .switch(Visit)
        .join(Staff, JOIN.LEFT_OUTER)
        .where(where)
        .order_by(Visit.planned_on, Project.code, Visit.id)
        .limit(limit)
    )
    return [
        {
            "id": v.id, "project_id": v.project_id, "date": v.planned_on, "project_code": v.project.code,
            "project_name": v.project.name, "contact": v.project.contact, "phone": v.project.phone,
            "kind_name": KIND_NAMES.get(v.kind, v.kind), "method": v.method,
            "purposes": v.purposes.replace("\n", "；"), "staff": (v.staff.name if v.staff else "") or "",
        }
        for v in query
    ]


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
    result = {key: _rows(where, limit) for key, where in wheres.items()}
    result["counts"] = {key: Visit.select(fn.COUNT(Visit.id)).where(where).scalar() or 0
                        for key, where in wheres.items()}
    result["ahead_days"] = ahead_days
    return result
