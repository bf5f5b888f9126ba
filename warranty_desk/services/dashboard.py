"""What the 工作台 (dashboard) lists: visits of today and this week, overdue visits, open tickets
with their deadline state, warranty items ending soon, deposits whose return can be applied for.
Read-only queries with limits; each row carries the ids needed to open its record."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, TypedDict, cast

from warranty_desk.i18n import _

from ..models import Project, Visit, WarrantyItem
from ..rules.visit_states import OPEN_STATES as OPEN_VISIT
from .visits import VisitRow, visit_rows

if TYPE_CHECKING:  # the tickets and deposits services load when their list is first asked for, not at start
    from .deposits import DepositInfo
    from .tickets import TicketRow

    class DashboardTicket(TicketRow):
        sla: str  # overdue / soon / ok
        sla_label: str

    class DepositDue(DepositInfo):
        due_on: dt.date
        what: str

DUE_SOON_HOURS = 4


class ItemEnding(TypedDict):
    id: int
    project_id: int
    project_code: str
    project_name: str
    name: str
    end_on: dt.date
    days_left: int


def week_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    monday = today - dt.timedelta(days=today.weekday())
    return monday, monday + dt.timedelta(days=6)


def visits_today(today: dt.date, limit: int = 200) -> list[VisitRow]:
    return visit_rows((Visit.planned_on == today) & Visit.status.in_(OPEN_VISIT), limit)


def visits_this_week(today: dt.date, limit: int = 200) -> list[VisitRow]:
    _monday, sunday = week_bounds(today)
    return visit_rows((Visit.planned_on > today) & (Visit.planned_on <= sunday) & Visit.status.in_(OPEN_VISIT), limit)


def visits_overdue(today: dt.date, limit: int = 200) -> list[VisitRow]:
    return visit_rows((Visit.planned_on < today) & Visit.status.in_(OPEN_VISIT), limit)


def open_tickets(now: dt.datetime, limit: int = 200) -> list[DashboardTicket]:
    """Open tickets, overdue first, with the deadline text of the tickets service (rules/sla.py)."""
    from . import tickets

    rows: list[DashboardTicket] = []
    for t in tickets.open_tickets(now=now, limit=limit):
        due = t["due"]
        if t["overdue"]:
            key = "overdue"
        elif due is not None and (due - now).total_seconds() <= DUE_SOON_HOURS * 3600:
            key = "soon"
        else:
            key = "ok"
        rows.append(cast("DashboardTicket", dict(t, sla=key, sla_label=t["sla_text"])))
    return rows


def items_ending(today: dt.date, days: int = 60, limit: int = 200) -> list[ItemEnding]:
    query = (
        WarrantyItem.select(WarrantyItem.id, WarrantyItem.name, WarrantyItem.end_on, WarrantyItem.project,
                            Project.id, Project.code, Project.name)
        .join(Project)
        .where(WarrantyItem.end_on.between(today, today + dt.timedelta(days=days)))
        .order_by(WarrantyItem.end_on)
        .limit(limit)
    )
    return [
        ItemEnding(**{"id": i.id, "project_id": i.project_id, "project_code": i.project.code, "project_name": i.project.name,
         "name": i.name, "end_on": i.end_on, "days_left": (i.end_on - today).days})
        for i in query
    ]


def deposits_to_apply(today: dt.date, limit: int = 200) -> list[DepositDue]:
    """Deposits whose return can be applied for now (deposits service), and overdue returns, by the
    date each became due (the oldest first: it has waited longest), as the list's title says."""
    from . import deposits

    rows: list[DepositDue] = []
    for d in deposits.to_apply(today, limit=limit):
        rows.append(cast("DepositDue", dict(d, due_on=dt.date.fromisoformat(d["apply_from"]), what=_("可申请返还"))))
    for d in deposits.overdue_returns(today):
        due = d["return_due"] or d["check_due"]
        assert due is not None  # an overdue return was applied for: its check is due
        rows.append(cast("DepositDue", dict(d, due_on=dt.date.fromisoformat(due), what=_("返还逾期"))))
    rows.sort(key=lambda r: (r["due_on"], r.get("project_code") or ""))
    return rows[:limit]
