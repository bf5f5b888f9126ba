"""The core is type-checked (mypy over warranty_desk/, configured in pyproject.toml; CI runs it in
.ci/run too), and the typed results the services declare are what they return."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from warranty_desk.models import CostLine, Deposit, Project, Ticket, Visit
from warranty_desk.services import annual_plan, deposits, handover, projects, tickets, visit_records, visits

ROOT = Path(__file__).resolve().parents[2]


def test_the_core_type_checks():
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def _keys(typed) -> set[str]:
    return set(typed.__annotations__)


def test_typed_results_are_what_the_services_return(demo_db):
    today = dt.date(2026, 11, 29)
    ticket = Ticket.select().order_by(Ticket.id.desc()).first()
    assert set(tickets.ticket_detail(ticket.id)) == _keys(tickets.TicketDetail)
    detail = tickets.ticket_detail(Ticket.select().join(CostLine).first().id)
    assert set(detail["cost_lines"][0]) == _keys(tickets.CostLineRow)
    assert set(detail["events"][0]) == _keys(tickets.EventRow)
    assert set(tickets.list_tickets(limit=1)[0]) == _keys(tickets.TicketRow)
    deposit = Deposit.select().first()
    shown = deposits.show(deposit.project_id, today)
    assert set(shown) == _keys(deposits.DepositInfo)
    assert set(deposits.deposit_form(deposit.project_id)) == _keys(deposits.DepositForm)
    assert set(visits.visit_rows(Visit.id > 0, 1)[0]) == _keys(visits.VisitRow)
    assert set(visits.due(dt.date(2020, 1, 1), dt.date(2030, 12, 31), include_done=True)[0]) == _keys(visits.DueVisit)
    assert set(annual_plan.plan_rows(2026)[0]) == _keys(annual_plan.PlanRow)
    assert set(visit_records.visit_data(Visit.select().first().id)) == _keys(visit_records.VisitData)
    assert set(projects.project_rows(today)[0]) == _keys(projects.ProjectRow)
    project = Project.select().where(Project.accepted_on.is_null(False)).first()
    assert set(handover.compute_items(project)[0]) == _keys(handover.ItemPlan)


def test_typed_analysis_results(demo_db):
    from warranty_desk.services import analysis

    today = dt.date(2026, 11, 29)
    year, quarter = analysis.quarter_of(today)
    seen = {}
    for key in analysis.last_quarters(today, 8):  # a quarter with rows of every kind
        summary = analysis.quarter_summary(*key, today)
        assert set(summary) == _keys(analysis.QuarterSummary)
        for part in ("trend", "by_project", "by_staff", "by_area", "problems", "findings", "falling"):
            if summary[part]:
                seen[part] = summary[part][0]
    assert set(seen) >= {"trend", "by_project", "by_staff", "by_area", "problems", "findings"}
    assert set(seen["trend"]) == _keys(analysis.QuarterScore)
    assert set(seen["by_project"]) == _keys(analysis.ProjectScore)
    assert set(seen["by_staff"]) == _keys(analysis.StaffScore)
    assert set(seen["by_area"]) == _keys(analysis.AreaScore)
    assert set(seen["problems"]) == _keys(analysis.ProblemCount)
    assert set(seen["findings"]) == _keys(analysis.FoundProblem)
    if "falling" in seen:
        assert set(seen["falling"]) == _keys(analysis.FallingProject)
    assert set(analysis.on_time_by_quarter([(year, quarter)], today)[0]) == _keys(analysis.OnTime)
    assert set(analysis.grade_counts(*analysis.quarter_bounds(year, quarter))) == {"满意", "比较满意", "一般", "不太满意", "不满意"}


def test_typed_dashboard_and_reminder_results(demo_db):
    from warranty_desk.services import dashboard, visit_reminders

    today = dt.date(2026, 11, 29)
    shown = visit_reminders.reminders(today, ahead_days=400)
    assert set(shown) == _keys(visit_reminders.Reminders)
    assert shown["upcoming"] and set(shown["upcoming"][0]) == _keys(visits.VisitRow)
    ending = dashboard.items_ending(today, days=3650)
    assert ending and set(ending[0]) == _keys(dashboard.ItemEnding)
    ticket_rows = dashboard.open_tickets(dt.datetime(2026, 11, 29, 9, 0))
    assert ticket_rows and set(ticket_rows[0]) == _keys(tickets.TicketRow) | {"sla", "sla_label"}
    due = dashboard.deposits_to_apply(dt.date(2035, 1, 1))
    assert due and set(due[0]) == _keys(deposits.DepositInfo) | {"due_on", "what"}


def test_typed_storm_results(demo_db):
    from warranty_desk.services import storm

    choices = storm.regions()
    assert choices and set(choices[0]) == _keys(storm.RegionChoice)
    for region in choices:  # a region with a project under roof warranty
        shown = storm.storm_projects(region["id"], dt.date(2026, 7, 20))
        if shown:
            break
    assert shown and set(shown[0]) == _keys(storm.StormProject)
    planned = storm.plan_storm_calls(region["id"], dt.date(2026, 7, 20), today=dt.date(2026, 7, 20))
    assert set(planned) == _keys(storm.StormCalls)
    assert planned["created"] and set(planned["created"][0]) == _keys(storm.StormVisit)


def test_typed_safety_results(demo_db):
    from warranty_desk.rules import ticket_states as st
    from warranty_desk.services import safety

    ticket = Ticket.select().where(Ticket.state == st.RECEIVED).first()
    safety.mark(ticket.id, "墙体开裂")
    assert set(safety.info(ticket.id)) == _keys(safety.SafetyInfo)
    waiting = safety.pending()
    assert waiting and set(waiting[0]) == _keys(safety.PendingReport)


def test_typed_phone_results(db):
    from warranty_desk.services import phones, staff

    person = staff.save_staff({"name": "张师傅"})
    pairing = phones.create_pairing(person.id)
    assert set(pairing) == _keys(phones.Pairing)
    phones.pair(pairing["code"], "张师傅的手机")
    devices = phones.list_devices()
    assert devices and set(devices[0]) == _keys(phones.DeviceRow)
