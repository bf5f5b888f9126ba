"""Re-planning a project keeps each visit's identity: a visit still planned for the same purpose is
updated, not replaced (same id, same calendar UID), keeps the staff and the day the clerk set, and
the audit entry holds the old and new values of what changed. All in one transaction."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from icalendar import Calendar

from warranty_desk.errors import ValidationError
from warranty_desk.models import AuditLog, Staff, Visit
from warranty_desk.rules.visit_plan import PlannedVisit
from warranty_desk.rules.workdays import is_working_day
from warranty_desk.services import handover as handover_service
from warranty_desk.services import ics
from warranty_desk.services.annual_plan import assign_staff
from warranty_desk.services.handover import handover, match_plan
from warranty_desk.services.visits import plan_project, reschedule_visit

D = dt.date


def _planned(project):
    return list(Visit.select().where((Visit.project == project) & (Visit.status == "planned"))
                .order_by(Visit.planned_on, Visit.id))


def _last_plan_entry(project):
    return (AuditLog.select().where((AuditLog.action == "plan") & (AuditLog.table == "project")
                                    & (AuditLog.record_id == project.id)).order_by(AuditLog.id.desc()).first())


def _keys(visit):
    return {re.sub(r"\d+", "#", line) for line in visit.purposes.split("\n")}


def _next_working_day_after(day):
    day += dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def test_replanning_to_the_same_plan_keeps_every_visit(make_project):
    project = make_project()
    handover(project.id)
    before = [(v.id, v.planned_on, v.purposes, v.version) for v in _planned(project)]
    assert len(before) > 5
    plan = plan_project(project.code)
    after = [(v.id, v.planned_on, v.purposes, v.version) for v in _planned(project)]
    assert after == before  # same rows, unchanged, not even a new version
    assert [v.id for v in plan] == [row[0] for row in before]
    assert not Visit.select().where((Visit.project == project) & (Visit.status == "cancelled")).exists()
    entry = _last_plan_entry(project)
    assert entry.old in ("", "{}") and entry.new in ("", "{}")  # nothing changed, nothing recorded as changed


def test_replanning_keeps_assigned_staff_and_rescheduled_day(make_project):
    project = make_project(manager="")
    handover(project.id)
    visits = _planned(project)
    zhang = Staff.create(name="张工")
    assert assign_staff([v.id for v in visits[:3]], zhang.id) == 3
    moved = visits[3]
    new_day = _next_working_day_after(moved.planned_on + dt.timedelta(days=3))
    reschedule_visit(moved.id, new_day, "业主出差")

    plan_project(project.code)

    kept = {v.id: v for v in _planned(project)}
    for v in visits[:3]:
        assert kept[v.id].staff_id == zhang.id
    assert kept[moved.id].planned_on == new_day
    assert kept[moved.id].reschedule_reason == "业主出差"
    assert set(kept) == {v.id for v in visits}


def test_date_correction_updates_visits_in_place_and_audits_old_and_new(make_project):
    project = make_project(accepted_on=D(2024, 6, 15), handed_over_on=D(2024, 7, 1), manager="")
    handover(project.id)
    visits = _planned(project)
    zhang = Staff.create(name="张工")
    assign_staff([visits[2].id], zhang.id)
    moved = visits[4]
    moved_to = _next_working_day_after(moved.planned_on + dt.timedelta(days=5))
    reschedule_visit(moved.id, moved_to, "业主要求")

    # the handover was really ten days later: every plan day moves, the visits stay the same visits
    handover(project.id, accepted_on=D(2024, 6, 25), handed_over_on=D(2024, 7, 11))

    after = {v.id: v for v in _planned(project)}
    # every visit goes on, except one whose purposes the later days merged into another visit
    merged_into = {line for v in after.values() for line in _keys(v)}
    for v in visits:
        if v.id not in after:
            assert Visit.get_by_id(v.id).status == "cancelled" and _keys(v) <= merged_into
    assert len(after) >= len(visits) - 2
    shifted = [v for v in visits if v.id != moved.id and v.id in after and after[v.id].planned_on != v.planned_on]
    assert shifted, "the plan days moved with the handover"
    assert after[visits[2].id].staff_id == zhang.id
    assert after[moved.id].planned_on == moved_to  # the clerk's day stays
    assert after[moved.id].original_planned_on != moved.original_planned_on  # moved from the new plan day

    entry = _last_plan_entry(project)
    old, new = json.loads(entry.old), json.loads(entry.new)
    some = shifted[0]
    assert old[str(some.id)]["planned_on"] == some.planned_on.isoformat()
    assert new[str(some.id)]["planned_on"] == after[some.id].planned_on.isoformat()
    # the visit's own history shows the change too
    row = (AuditLog.select().where((AuditLog.table == "visit") & (AuditLog.record_id == some.id)
                                   & (AuditLog.action == "update")).order_by(AuditLog.id.desc()).first())
    assert json.loads(row.new)["planned_on"] == after[some.id].planned_on.isoformat()


def test_done_visits_stay_and_visits_no_longer_planned_are_cancelled(make_project):
    project = make_project(type="住宅", heating_region="北京")
    handover(project.id)
    first = _planned(project)[0]
    Visit.update(status="done", done_at=dt.datetime.combine(first.planned_on, dt.time(10))).where(
        Visit.id == first.id).execute()
    seasonal = [v for v in _planned(project) if "before_heating" in v.purposes]
    assert seasonal
    # the project turns out to be in a region without district heating: no heating item, no heating visits
    from warranty_desk.models import Project, Region

    Project.update(region=Region.get(Region.name == "上海")).where(Project.id == project.id).execute()
    handover(project.id)

    assert Visit.get_by_id(first.id).status == "done"
    for v in seasonal:
        assert Visit.get_by_id(v.id).status == "cancelled"
    # a phone that had them is told to remove them
    cal, _n = ics.build_calendar(D(2024, 1, 1), D(2026, 12, 31))
    status = {str(e["uid"]): str(e.get("status")) for e in cal.walk("VEVENT")}
    for v in seasonal:
        if v.planned_on <= D(2026, 12, 31):
            assert status[ics.visit_uid(Visit.get_by_id(v.id))] == "CANCELLED"


def test_the_next_try_after_an_unreachable_visit_stays(make_project):
    from warranty_desk.services.visit_records import record_unreachable

    project = make_project()
    handover(project.id)
    first = _planned(project)[0]
    tried = dt.datetime.combine(first.planned_on, dt.time(10))
    retry = record_unreachable(first.id, tried, "王芳", now=tried + dt.timedelta(hours=1))
    before = {v.id for v in _planned(project)}
    plan_project(project.code)
    assert Visit.get_by_id(retry.id).status == "planned"
    assert {v.id for v in _planned(project)} == before  # nothing cancelled, nothing planned twice


def test_calendar_uids_survive_a_replan(make_project):
    """Re-importing the calendar after a re-plan creates no duplicate: the same UIDs."""
    project = make_project()
    handover(project.id)
    span = (D(2024, 7, 1), D(2027, 6, 30))
    before = {str(e["uid"]) for e in ics.build_calendar(*span)[0].walk("VEVENT")}
    plan_project(project.code)
    handover(project.id, accepted_on=D(2024, 6, 18), handed_over_on=D(2024, 7, 3))
    cal = Calendar.from_ical(ics.build_calendar(*span)[0].to_ical())
    events = {str(e["uid"]): str(e.get("status")) for e in cal.walk("VEVENT")}
    # every event the phone has is updated (or, merged into another visit, cancelled), none is added again
    assert before and before <= set(events)
    assert {uid for uid, status in events.items() if status != "CANCELLED"} <= before
    assert sum(status == "CANCELLED" for status in events.values()) <= 2


def test_replan_is_one_transaction(make_project, monkeypatch):
    project = make_project()
    handover(project.id)
    before = [(v.id, v.planned_on, v.status, v.version) for v in Visit.select().order_by(Visit.id)]
    audit_rows = AuditLog.select().count()
    calls = {"n": 0}
    real = handover_service._update_from_plan

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise ValidationError("磁盘已满")
        return real(*args, **kwargs)

    monkeypatch.setattr(handover_service, "_update_from_plan", failing)
    with pytest.raises(ValidationError):
        handover(project.id, accepted_on=D(2024, 6, 25), handed_over_on=D(2024, 7, 11))
    assert [(v.id, v.planned_on, v.status, v.version) for v in Visit.select().order_by(Visit.id)] == before
    assert AuditLog.select().count() == audit_rows
    calls["n"] = 0
    with pytest.raises(ValidationError):
        plan_project(project.code)
    assert [(v.id, v.planned_on, v.status, v.version) for v in Visit.select().order_by(Visit.id)] == before


class _Old:
    def __init__(self, day, kind, purposes, original=None):
        self.planned_on, self.kind, self.purposes, self.original_planned_on = day, kind, purposes, original


def test_matching_pairs_the_nearest_visit_for_the_same_purpose():
    periodic = "中型项目定期回访（每6个月）"
    old = [_Old(D(2025, 1, 2), "periodic", periodic), _Old(D(2025, 7, 1), "periodic", periodic),
           _Old(D(2026, 5, 4), "milestone", "保修期满前交代回访：装修工程（2026-06-04到期）"),
           _Old(D(2025, 10, 9), "seasonal", "Pre-season check", original=D(2025, 10, 1))]
    plan = [PlannedVisit(D(2025, 1, 12), "periodic", [periodic]),
            PlannedVisit(D(2025, 7, 11), "periodic", [periodic]),
            PlannedVisit(D(2025, 10, 11), "seasonal", ["采暖期前检查（2025-11-15开始供暖）"]),
            PlannedVisit(D(2026, 5, 14), "milestone", ["保修期满前交代回访：装修工程（2026-06-14到期）"]),
            PlannedVisit(D(2027, 1, 5), "periodic", [periodic])]
    pairs = match_plan(old, plan)
    assert [o for _p, o in pairs] == [old[0], old[1], old[3], old[2], None]
    # a visit far away of another kind and purpose is not taken over
    assert match_plan([_Old(D(2025, 3, 1), "seasonal", "雨季前检查")],
                      [PlannedVisit(D(2025, 9, 1), "periodic", [periodic])]) == [
        (PlannedVisit(D(2025, 9, 1), "periodic", [periodic]), None)]
