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
    assert set(analysis.grade_counts(*analysis.quarter_bounds(year, quarter))) == {"satisfied", "fairly_satisfied", "neutral", "less_satisfied", "dissatisfied"}


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


def test_typed_settings_results(db, db_target, capsys):
    import json

    from warranty_desk import cli
    from warranty_desk.services import settings

    assert set(settings.DEFAULTS) == _keys(settings.Settings)
    assert set(settings.get_all()) == _keys(settings.Settings)
    shown = settings.describe()
    assert set(shown) == _keys(settings.SettingsShown) and set(shown["descriptions"]) == _keys(settings.Settings)
    assert set(settings.region_rows()[0]) == _keys(settings.RegionRow)
    assert set(settings.set_text("visit_merge_days", "10")) == _keys(settings.SettingChange)
    changed = settings.set_text("region.北京.rainy_start", "06-20")
    assert set(changed) == _keys(settings.SettingChange) and set(changed["new"]) == _keys(settings.RegionRow) - {"name"}
    # what `settings show --json` and `settings set --json` print: the same keys (the command line's contract)
    assert cli.main(["--db", db_target, "settings", "show", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert set(printed) == {"settings", "descriptions", "regions"}
    assert set(printed["settings"]) == _keys(settings.Settings)
    assert set(printed["regions"][0]) == {"name", "heating_start", "heating_end", "cooling_start", "cooling_end",
                                          "rainy_start"}
    assert cli.main(["--db", db_target, "settings", "set", "visit_retry_days", "2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"key": "visit_retry_days", "old": 1, "new": 2}


def test_typed_field_work_results(db):
    import hashlib

    from phone_fixtures import field_office, png

    from warranty_desk.services import field_work, phones, questionnaires
    from warranty_desk.services.field_work import Submission

    office = field_office()
    worker = office["worker"]
    items = field_work.work_list(worker.id)
    assert {i["kind"] for i in items} == {"ticket", "visit"}
    for item in items:
        assert set(item) == _keys(field_work.WorkItem)
    ticket_view = field_work.ticket_view(office["ticket"].id, worker.id)
    assert set(ticket_view) == _keys(field_work.TicketView) == _keys(tickets.TicketDetail) | {
        "owner", "owner_phone", "tel", "address", "photos", "audit_mark", "urgent", "awaiting_check", "state_name",
        "default_cost_kind", "can_arrive", "can_report", "needs_work", "default_bearer", "bearers", "cost_kinds",
        "outcomes"}
    visit_view = field_work.visit_view(office["visit"].id, worker.id)
    assert set(visit_view) == _keys(field_work.VisitView)
    assert set(visit_view["scores"]) == _keys(field_work.ScoreTable)
    assert set(visit_view["scores"]["questions"][0]) == _keys(field_work.QuestionPoints)
    assert set(visit_view["template"]) == _keys(questionnaires.TemplateData)
    assert set(visit_view["template"]["questions"][0]) == _keys(questionnaires.QuestionData)
    assert set(field_work.questionnaire_of(office["visit"].id)) == _keys(questionnaires.TemplateData)
    assert set(questionnaires.list_templates()[0]) == _keys(questionnaires.TemplateRow)

    code = phones.create_pairing(worker.id)["code"]
    device, _token = phones.pair(code, "张师傅的手机")
    key = hashlib.sha256(b"arrive").hexdigest()[:32]
    mark = field_work.last_audit_id("ticket", office["ticket"].id)
    arrived = field_work.submit(device, Submission(key, "arrive", office["ticket"].id, office["ticket"].version))
    assert set(arrived) == _keys(field_work.SubmitResult) - {"score"}  # a ticket's: its next deadline, no score
    again = field_work.submit(device, Submission(key, "arrive", office["ticket"].id, office["ticket"].version))
    assert again["duplicate"] is True and set(again) == set(arrived)
    shown = field_work.office_version("ticket", office["ticket"].id, mark)
    assert set(shown) == _keys(field_work.OfficeVersion) and set(shown["changes"][0]) == _keys(field_work.OfficeChange)
    answers = {q["id"]: "5" for q in visit_view["template"]["questions"] if q["kind"] == "scale"}
    recorded = field_work.submit(device, Submission(
        hashlib.sha256(b"visit").hexdigest()[:32], "visit", office["visit"].id, visit_view["version"],
        {"met_person": "王业主", "answers": answers}, [], png()))
    assert set(recorded) == _keys(field_work.SubmitResult) - {"due_text"}  # a visit's: its score
    photos = field_work.visit_view(office["visit"].id, worker.id)["photos"]
    assert photos and set(photos[0]) == _keys(field_work.Image)

    assert phones.announced_server() is None
    phones.announce_server("https://192.168.1.20:8443")
    assert set(phones.announced_server() or {}) == _keys(phones.ServerAddress)


def test_typed_plan_approval(db):
    year = 2026
    assert set(annual_plan.approval(year)) == _keys(annual_plan.Approval)
    signed = annual_plan.sign(year, "compiled", "王资料员", dt.date(2026, 1, 5), today=dt.date(2026, 2, 1))
    assert set(signed) == _keys(annual_plan.Approval)
    assert annual_plan.signature(signed, "compiled") == ("王资料员", dt.date(2026, 1, 5)) and signed["state"] == "编制"
    assert annual_plan.signature(signed, "approved") == ("", None)
    assert set(annual_plan.withdraw(year, "重新编制")) == _keys(annual_plan.Approval)


def test_typed_demo_counts(db):
    from warranty_desk.services import demo

    counts = demo.build_demo(today=dt.date(2026, 11, 29))
    assert set(counts) == _keys(demo.DemoCounts) and counts["projects"] > 0


def test_typed_ledger_project_and_intake_results(demo_db):
    from warranty_desk.services import callers, ledger

    rows = ledger.ledger_rows()
    assert rows and set(rows[0]) == _keys(ledger.LedgerRow)
    # the sheet's columns are the row's fields after id and number, in order
    assert len(ledger.COLUMNS) == len(ledger._cells(rows[0])) == len(_keys(ledger.LedgerRow)) - 3  # - id, number, state
    project = Project.select().where(Project.accepted_on.is_null(False)).first()
    assert set(projects.form_values(project)) == _keys(projects.ProjectForm)
    assert set(projects.project_view(project.id).values) == _keys(projects.ProjectForm)
    clean = tickets.clean_intake({"project": project.code, "reporter": "甲", "category": "plumbing",
                                  "description": "厨房下水管漏水", "reported_at": "2026-11-20 09:00"})
    assert set(clean.columns) == _keys(tickets.IntakeColumns)
    earlier = Ticket.select().where(Ticket.unit.is_null(False)).order_by(Ticket.id.desc()).first()
    context = callers.caller_context(earlier.project_id, earlier.unit_id, dt.date(2026, 11, 29))
    assert context.earlier and set(context.earlier[0]) == _keys(callers.EarlierTicket)
    assert set((context.items or context.ended)[0]) == _keys(callers.ItemLeft)
    repeat = callers.possible_repeat(earlier.project_id, earlier.unit_id, earlier.category, earlier.location,
                                     earlier.reported_at + dt.timedelta(days=1))
    assert repeat is not None and set(repeat) == _keys(callers.RepeatHint)
