"""Visit queries and the project's visit plan."""

from __future__ import annotations

import datetime as dt

from peewee import JOIN

from ..errors import ValidationError
from ..models import Project, Staff, Visit
from ..rules.visit_plan import KIND_NAMES
from . import handover as handover_service
from .projects import by_code

STATUS_NAMES = {
    "planned": "计划",
    "done": "已完成",
    "unreachable": "未联系上",
    "missed": "未回访",
    "cancelled": "已取消",
}


def due(start: dt.date, end: dt.date, include_done: bool = False) -> list[dict]:
    """Visits planned between `start` and `end` (inclusive), with their project and staff."""
    if end < start:
        raise ValidationError(f"结束日期（{end}）早于开始日期（{start}）", field="to")
    query = (
        Visit.select(Visit, Project.code, Project.name, Project.address, Project.contact, Project.phone, Staff.id, Staff.name)
        .join(Project)
        .switch(Visit)
        .join(Staff, JOIN.LEFT_OUTER)
        .where(Visit.planned_on.between(start, end))
        .order_by(Visit.planned_on, Project.code)
    )
    if not include_done:
        query = query.where(Visit.status.in_(("planned", "unreachable")))
    rows = []
    for visit in query:
        rows.append(
            {
                "id": visit.id,
                "date": visit.planned_on.isoformat(),
                "project_code": visit.project.code,
                "project_name": visit.project.name,
                "address": visit.project.address,
                "contact": visit.project.contact,
                "phone": visit.project.phone,
                "kind": visit.kind,
                "kind_name": KIND_NAMES.get(visit.kind, visit.kind),
                "purposes": visit.purposes.split("\n") if visit.purposes else [],
                "method": visit.method,
                "staff": (visit.staff.name if visit.staff else "") or "",
                "status": visit.status,
                "status_name": STATUS_NAMES.get(visit.status, visit.status),
            }
        )
    return rows


def plan_project(code: str) -> list[Visit]:
    project = by_code(code)
    if project.handed_over_on is None:
        raise ValidationError(f"工程“{code}”尚未交付，请先办理竣工验收/交付")
    return handover_service.rebuild_visit_plan(project)
