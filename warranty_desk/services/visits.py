"""Visit queries and the project's visit plan."""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from dataclasses import dataclass
from typing import TypedDict

from peewee import JOIN

from warranty_desk.i18n import _

from ..errors import ValidationError
from ..models import Project, Staff, Visit, database_proxy, tuples
from ..rules import visit_states as vs
from ..rules.visit_plan import KIND_NAMES
from . import handover as handover_service
from .projects import find_project


class VisitRow(TypedDict):
    """A visit in a list (dashboard, start-up reminder)."""

    id: int
    project_id: int
    date: dt.date
    project_code: str
    project_name: str
    contact: str
    phone: str
    kind_name: str
    method: str
    purposes: str  # as stored, one per line: say them with rules.visit_purposes.purposes_of
    staff: str
    status: str
    status_name: str


class DueVisit(TypedDict):
    """A visit as `visits due` lists it (JSON-friendly)."""

    id: int
    date: str  # ISO date
    project_code: str
    project_name: str
    address: str
    contact: str
    phone: str
    kind: str
    kind_name: str
    purposes: list[str]
    method: str
    staff: str
    status: str
    status_name: str


def visit_rows(where, limit: int) -> list[VisitRow]:
    """Visits matching `where` as rows for lists (dashboard, start-up reminder), in date order, with
    their project and staff, at most `limit`. Plain tuples from the driver (no model instance per row):
    these lists are built before the window first paints."""
    query = (
        Visit.select(Visit.id, Visit.project, Visit.planned_on, Project.code, Project.name, Project.contact,
                     Project.phone, Visit.kind, Visit.method, Visit.purposes, Staff.name, Visit.status)
        .join(Project)
        .switch(Visit)
        .join(Staff, JOIN.LEFT_OUTER)
        .where(where)
        .order_by(Visit.planned_on, Project.code, Visit.id)
        .limit(limit)
    )
    return [
        {
            "id": vid, "project_id": project_id,
            "date": dt.date.fromisoformat(planned_on) if isinstance(planned_on, str) else planned_on,
            "project_code": code, "project_name": name, "contact": contact, "phone": phone,
            "kind_name": KIND_NAMES.get(kind, kind), "method": method,
            "purposes": purposes or "", "staff": staff or "",
            "status": status, "status_name": vs.name(status),
        }
        for vid, project_id, planned_on, code, name, contact, phone, kind, method, purposes, staff, status
        in tuples(query)
    ]


def due(start: dt.date, end: dt.date, include_done: bool = False) -> list[DueVisit]:
    """Visits planned between `start` and `end` (inclusive), with their project and staff."""
    if end < start:
        raise ValidationError(_("结束日期（{end}）早于开始日期（{start}）").format(end=end, start=start), field="to")
    # only the columns the rows need, straight from the driver: building a Visit, a Project and a Staff
    # instance per row made this six times slower than the same query by hand (benchmarks/RESULTS.md)
    query = (
        Visit.select(Visit.id, Visit.planned_on, Project.code, Project.name, Project.address, Project.contact,
                     Project.phone, Visit.kind, Visit.purposes, Visit.method, Staff.name, Visit.status)
        .join(Project)
        .switch(Visit)
        .join(Staff, JOIN.LEFT_OUTER)
        .where(Visit.planned_on.between(start, end))
        .order_by(Visit.planned_on, Project.code)
    )
    if not include_done:
        query = query.where(Visit.status.in_(vs.OPEN_STATES))
    return [
        {
            "id": vid,
            "date": planned_on if isinstance(planned_on, str) else planned_on.isoformat(),  # SQLite: text
            "project_code": code,
            "project_name": name,
            "address": address,
            "contact": contact,
            "phone": phone,
            "kind": kind,
            "kind_name": KIND_NAMES.get(kind, kind),
            "purposes": purposes.split("\n") if purposes else [],
            "method": method,
            "staff": staff or "",
            "status": status,
            "status_name": vs.name(status),
        }
        for vid, planned_on, code, name, address, contact, phone, kind, purposes, method, staff, status
        in database_proxy.execute(query).fetchall()
    ]


def plan_project(code: str) -> list[Visit]:
    project = find_project(code)
    if project.handed_over_on is None or not handover_service.is_handed_over(project):
        raise ValidationError(_("工程“{code}”尚未办理交付（没有保修项目），请先办理竣工验收/交付（命令行：project handover {code}）").format(
            code=project.code))
    return handover_service.rebuild_visit_plan(project)


class NonWorkingDay(ValidationError):
    """The new date is a weekend or public holiday; the caller may confirm and retry."""


def reschedule_visit(visit_id: int, new_date: dt.date, reason: str, *, allow_non_working: bool = False,
                     expected_version: int | None = None) -> Visit:
    """Move a planned visit to another day, keeping the first planned day and the reason."""
    from ..models import database_proxy
    from ..rules.workdays import holiday_name, is_working_day
    from . import audit

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写改期原因"), field="reason")
    if len(reason) > 500:
        raise ValidationError(_("改期原因太长（{n}字），最多500字").format(n=len(reason)), field="reason")
    if new_date is None:
        raise ValidationError(_("请选择新的回访日期"), field="planned_on")
    with database_proxy.atomic():
        visit = Visit.get_or_none(Visit.id == visit_id)
        if visit is None:
            raise ValidationError(_("找不到该回访（可能已被删除），请刷新"))
        if expected_version is not None and visit.version != expected_version:
            from ..errors import ConflictError

            raise ConflictError()
        if visit.status not in vs.OPEN_STATES:
            raise ValidationError(_("该回访已{status}，不能改期").format(status=vs.name(visit.status)), field="planned_on")
        if visit.project.handed_over_on and new_date < visit.project.handed_over_on:
            raise ValidationError(
                _("新日期（{new_date}）早于工程交付日期（{handed_over_on}），请另选日期").format(new_date=new_date, handed_over_on=visit.project.handed_over_on), field="planned_on")
        if new_date == visit.planned_on:
            return visit
        if not allow_non_working and not is_working_day(new_date):
            why = holiday_name(new_date) or (_("周六") if new_date.weekday() == 5 else _("周日"))
            raise NonWorkingDay(_("{new_date} 是非工作日（{why}），确定要把回访安排在这一天吗？").format(new_date=new_date, why=why), field="planned_on")
        old = audit.snapshot(visit)
        if visit.original_planned_on is None:
            visit.original_planned_on = visit.planned_on
        visit.planned_on = new_date
        visit.reschedule_reason = reason
        visit.version += 1
        visit.save()
        before, after = audit.changed(old, audit.snapshot(visit))
        audit.record("reschedule", "visit", visit.id, before, after, reason)
    return visit


def _calendar_condition(start: dt.date, end: dt.date, staff_id: int | None, project_id: int | None):
    condition = Visit.planned_on.between(start, end) & (Visit.status != vs.CANCELLED)
    if staff_id:
        condition &= Visit.staff == staff_id
    if project_id:
        condition &= Visit.project == project_id
    return condition


def _calendar_rows(condition) -> list[tuple]:
    query = (
        Visit.select(Visit.id, Visit.planned_on, Visit.status, Visit.project, Project.code, Project.name,
                     Staff.name, Visit.kind, Visit.method)
        .join(Project)
        .switch(Visit)
        .join(Staff, JOIN.LEFT_OUTER)
        .where(condition)
        .order_by(Visit.planned_on, Project.code, Visit.id)
    )
    return list(tuples(query))


def month_visits(start: dt.date, end: dt.date, staff_id: int | None = None, project_id: int | None = None) -> list[tuple]:
    """(id, planned_on, status, project_id, project code, project name, staff name, kind, method) for the
    calendar: every visit of the days, by day and project code."""
    return _calendar_rows(_calendar_condition(start, end, staff_id, project_id))


@dataclass(frozen=True)
class CalendarDays:
    """What the calendar shows of its days."""

    rows: list[tuple]  # as month_visits: the first visits of each day, and every visit of the day listed
    counts: dict[dt.date, int]  # each day's visits (not cancelled), all of them


def calendar_days(start: dt.date, end: dt.date, per_day: int | None, day: dt.date | None = None,
                  staff_id: int | None = None, project_id: int | None = None) -> CalendarDays:
    """Each day's count of visits and its first `per_day` visits by project code, with every visit of
    `day` (the day listed beside the grid); `per_day=None`: every visit. Which visits to show is
    decided on the calendar index (schema step read_indexes) and the projects' order by code, without
    reading the other visits' rows: six weeks of a large office cost what the month's cells show."""
    condition = _calendar_condition(start, end, staff_id, project_id)
    if per_day is None:
        rows = _calendar_rows(condition)
        return CalendarDays(rows, dict(Counter(row[1] for row in rows)))
    # the projects in the order the rows are shown in (the database's own order of codes)
    place = {pid: n for n, (pid,) in enumerate(database_proxy.execute(
        Project.select(Project.id).order_by(Project.code, Project.id)))}
    by_day: dict[object, list[tuple[int, int]]] = {}
    for on, pid, vid in database_proxy.execute(Visit.select(Visit.planned_on, Visit.project, Visit.id)
                                               .where(condition)):
        by_day.setdefault(on, []).append((place.get(pid, -1), vid))
    counts, ids = {}, []
    for on, entries in by_day.items():
        on = on if isinstance(on, dt.date) else dt.date.fromisoformat(str(on)[:10])  # SQLite gives the text
        counts[on] = len(entries)
        ids += [vid for _n, vid in (entries if on == day else heapq.nsmallest(per_day, entries))]
    return CalendarDays(_calendar_rows(Visit.id.in_(ids)) if ids else [], counts)


def project_visits(project_id: int) -> list[Visit]:
    """A project's visits by planned day, each with its staff (the project page's 回访 tab)."""
    return list(Visit.select(Visit, Staff).join(Staff, JOIN.LEFT_OUTER)
                .where(Visit.project == project_id).order_by(Visit.planned_on, Visit.id))
