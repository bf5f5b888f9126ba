"""What the 工作台 (dashboard) lists: visits of today and this week, overdue visits, open tickets
with their deadline state, warranty items ending soon, deposits whose return can be applied for.
Read-only queries with limits; each row carries the ids needed to open its record."""

from __future__ import annotations

import datetime as dt

from peewee import JOIN

from ..models import Deposit, Project, Staff, Ticket, Visit, WarrantyItem
from ..rules.periods import add_months
from ..rules.visit_plan import KIND_NAMES
from .visits import STATUS_NAMES

OPEN_VISIT = ("planned", "unreachable")
CLOSED_TICKET = ("已关闭", "已撤销", "业主另行委托")
DUE_SOON_HOURS = 4


def week_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    monday = today - dt.timedelta(days=today.weekday())
    return monday, monday + dt.timedelta(days=6)


def _visit_rows(where, limit: int) -> list[dict]:
    query = (
        Visit.select(Visit.id, Visit.planned_on, Visit.kind, Visit.method, Visit.status, Visit.project,
                     Project.code, Project.name, Staff.name)
        .join(Project)
        .switch(Visit)
        .join(Staff, JOIN.LEFT_OUTER)
        .where(where)
        .order_by(Visit.planned_on, Project.code)
        .limit(limit)
    )
    rows = []
    for v in query:
        rows.append({
            "id": v.id, "project_id": v.project_id, "date": v.planned_on, "project_code": v.project.code,
            "project_name": v.project.name, "kind_name": KIND_NAMES.get(v.kind, v.kind), "method": v.method,
            "staff": v.staff.name if v.staff_id else "", "status": v.status,
            "status_name": STATUS_NAMES.get(v.status, v.status),
        })
    return rows


def visits_today(today: dt.date, limit: int = 200) -> list[dict]:
    return _visit_rows((Visit.planned_on == today) & Visit.status.in_(OPEN_VISIT), limit)


def visits_this_week(today: dt.date, limit: int = 200) -> list[dict]:
    _monday, sunday = week_bounds(today)
    return _visit_rows((Visit.planned_on > today) & (Visit.planned_on <= sunday) & Visit.status.in_(OPEN_VISIT), limit)


def visits_overdue(today: dt.date, limit: int = 200) -> list[dict]:
    return _visit_rows((Visit.planned_on < today) & Visit.status.in_(OPEN_VISIT), limit)


def deadline_state(ticket: Ticket, now: dt.datetime) -> tuple[str, str, dt.datetime | None]:
    """(state key, label, the deadline that counts now) for an open ticket.

    The deadline that counts is the first step not yet reached: response, then on site, then done."""
    steps = (
        ("响应", ticket.respond_due, ticket.responded_at),
        ("到场", ticket.onsite_due, ticket.onsite_at),
        ("完成", ticket.complete_due, ticket.completed_at),
    )
    for name, due, done in steps:
        if done is None and due is not None:
            left = due - now
            hours = left.total_seconds() / 3600
            if hours < 0:
                return "overdue", f"{name}已超时 {_span(-hours)}", due
            if hours <= DUE_SOON_HOURS:
                return "soon", f"{name}剩余 {_span(hours)}", due
            return "ok", f"{name}剩余 {_span(hours)}", due
    return "ok", "待验收", None


def _span(hours: float) -> str:
    if hours >= 48:
        return f"{int(hours // 24)}天"
    if hours >= 1:
        return f"{int(hours)}小时"
    return f"{max(int(hours * 60), 1)}分钟"


def open_tickets(now: dt.datetime, limit: int = 200) -> list[dict]:
    query = (
        Ticket.select(Ticket, Project.code, Project.name)
        .join(Project)
        .where(Ticket.state.not_in(CLOSED_TICKET))
        .order_by(Ticket.reported_at)
        .limit(limit)
    )
    rows = []
    for t in query:
        key, label, due = deadline_state(t, now)
        rows.append({
            "id": t.id, "project_id": t.project_id, "number": t.number, "project_code": t.project.code,
            "project_name": t.project.name, "state": t.state, "urgency": t.urgency,
            "description": t.description, "sla": key, "sla_label": label, "due": due,
        })
    order = {"overdue": 0, "soon": 1, "ok": 2}
    rows.sort(key=lambda r: (order[r["sla"]], r["due"] or dt.datetime.max))
    return rows


def items_ending(today: dt.date, days: int = 60, limit: int = 200) -> list[dict]:
    query = (
        WarrantyItem.select(WarrantyItem.id, WarrantyItem.name, WarrantyItem.end_on, WarrantyItem.project,
                            Project.code, Project.name)
        .join(Project)
        .where(WarrantyItem.end_on.between(today, today + dt.timedelta(days=days)))
        .order_by(WarrantyItem.end_on)
        .limit(limit)
    )
    return [
        {"id": i.id, "project_id": i.project_id, "project_code": i.project.code, "project_name": i.project.name,
         "name": i.name, "end_on": i.end_on, "days_left": (i.end_on - today).days}
        for i in query
    ]


def deposit_due_on(deposit: Deposit) -> dt.date:
    """The day the 缺陷责任期 ends, from which the return can be applied for."""
    return add_months(deposit.start_on, deposit.defect_months)


def deposits_to_apply(today: dt.date, limit: int = 200) -> list[dict]:
    query = (
        Deposit.select(Deposit, Project.code, Project.name)
        .join(Project)
        .where(Deposit.applied_on.is_null() & Deposit.returned_on.is_null())
    )
    rows = []
    for d in query:
        due = deposit_due_on(d)
        if due <= today:
            rows.append({"id": d.id, "project_id": d.project_id, "project_code": d.project.code,
                         "project_name": d.project.name, "amount": d.amount, "due_on": due})
    rows.sort(key=lambda r: r["due_on"])
    return rows[:limit]
