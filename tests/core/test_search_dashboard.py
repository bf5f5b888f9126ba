"""Global search, dashboard queries, staff service and rescheduling a visit."""

from __future__ import annotations

import datetime as dt

import pytest

from warranty_desk.errors import ValidationError
from warranty_desk.models import AuditLog, Project, Ticket, Unit, Visit
from warranty_desk.services import dashboard, search, staff, visits
from warranty_desk.services.handover import handover

TODAY = dt.date(2026, 11, 29)


def test_search_finds_project_owner_phone_and_ticket(demo_db):
    project = Project.select().first()
    assert any(h.kind == "project" and h.id == project.id for h in search.search(project.code[:4]))
    assert any(h.kind == "project" and h.id == project.id for h in search.search(project.name[:3]))
    unit = Unit.select().where(Unit.owner_name != "").first()
    assert any(h.kind == "unit" and h.id == unit.id for h in search.search(unit.owner_name))
    assert any(h.kind == "unit" for h in search.search(unit.owner_phone[:7]))
    ticket = Ticket.select().first()
    assert any(h.kind == "ticket" and h.id == ticket.id for h in search.search(ticket.number.lower()))
    assert search.search("   ") == []
    assert search.search("不存在的名字𠀀") == []
    assert len(search.search("1", limit=5)) <= 5


def test_dashboard_lists(demo_db):
    overdue = dashboard.visits_overdue(TODAY)
    assert all(r["date"] < TODAY for r in overdue)
    week = dashboard.visits_this_week(TODAY)
    assert all(TODAY < r["date"] <= dt.date(2026, 11, 29) + dt.timedelta(days=6) for r in week)
    tickets = dashboard.open_tickets(dt.datetime(2026, 11, 29, 9))
    assert tickets and all(t["state"] not in ("已关闭", "已撤销") for t in tickets)
    assert [t["sla"] for t in tickets] == sorted((t["sla"] for t in tickets), key=["overdue", "soon", "ok"].index)
    items = dashboard.items_ending(TODAY, 60)
    assert all(0 <= i["days_left"] <= 60 for i in items)
    for d in dashboard.deposits_to_apply(TODAY):
        assert d["due_on"] <= TODAY or d["what"] == "返还逾期"


def test_reschedule_visit(db, make_project):
    project = make_project(accepted_on=dt.date(2026, 6, 15), handed_over_on=dt.date(2026, 7, 1))
    _items, planned = handover(project.id)
    visit = planned[0]
    first = visit.planned_on
    with pytest.raises(ValidationError) as exc:
        visits.reschedule_visit(visit.id, dt.date(2027, 1, 4), "")
    assert exc.value.field == "reason"
    with pytest.raises(visits.NonWorkingDay):
        visits.reschedule_visit(visit.id, dt.date(2027, 1, 2), "业主出差")  # a Saturday
    with pytest.raises(ValidationError):
        visits.reschedule_visit(visit.id, dt.date(2026, 6, 1), "业主出差")  # before handover
    moved = visits.reschedule_visit(visit.id, dt.date(2027, 1, 4), "业主出差")
    again = Visit.get_by_id(visit.id)
    assert again.planned_on == dt.date(2027, 1, 4) and again.original_planned_on == first
    assert again.reschedule_reason == "业主出差" and moved.version == visit.version + 1
    assert AuditLog.select().where((AuditLog.action == "reschedule") & (AuditLog.record_id == visit.id)).exists()
    visits.reschedule_visit(visit.id, dt.date(2027, 1, 2), "周末才在家", allow_non_working=True)
    assert Visit.get_by_id(visit.id).original_planned_on == first


def test_staff_service(db):
    person = staff.save_staff({"name": "王芳", "phone": "13800001111", "role": "回访员"})
    with pytest.raises(ValidationError) as exc:
        staff.save_staff({"name": "李", "phone": "13abc"})
    assert exc.value.field == "phone"
    with pytest.raises(ValidationError) as exc:
        staff.save_staff({"name": "  "})
    assert exc.value.field == "name"
    staff.save_staff({"name": "王芳", "phone": "", "active": False}, person.id, person.version)
    assert [s.active for s in staff.list_staff()] == [False]
    sub = staff.save_subcontractor({"name": "<b>防水</b> & 公司", "trade": "防水"})
    with pytest.raises(ValidationError):
        staff.save_subcontractor({"name": "<b>防水</b> & 公司"})
    assert staff.list_subcontractors()[0].id == sub.id
