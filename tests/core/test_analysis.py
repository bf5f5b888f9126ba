"""Visit analysis: on-time share with rescheduled and missed visits, satisfaction groupings."""

from __future__ import annotations

import datetime as dt

import pytest

from warranty_desk.models import Project, Staff, Visit
from warranty_desk.services import analysis, questionnaires, visit_records
from warranty_desk.services.handover import handover
from warranty_desk.services.visits import reschedule_visit

AS_OF = dt.date(2026, 11, 29)


def _visit(project, planned, status="planned", done=None, score=None, staff=None):
    return Visit.create(project=project, planned_on=planned, kind="periodic", status=status, staff=staff,
                        done_at=dt.datetime.combine(done, dt.time(10)) if done else None, score=score,
                        grade="" if score is None else analysis.grade(score))


@pytest.fixture
def project(db, make_project):
    p = make_project()
    handover(p.id)
    Visit.delete().execute()
    return p


def test_on_time_with_rescheduled_and_missed(project):
    q3 = (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    _visit(project, dt.date(2026, 7, 6), "done", dt.date(2026, 7, 6))  # on time
    _visit(project, dt.date(2026, 7, 13), "done", dt.date(2026, 7, 20))  # 7 days late: still on time
    _visit(project, dt.date(2026, 7, 20), "done", dt.date(2026, 7, 28))  # 8 days: late
    _visit(project, dt.date(2026, 8, 3), "missed")  # missed: not on time
    _visit(project, dt.date(2026, 8, 10), "cancelled")  # not counted
    _visit(project, dt.date(2026, 8, 17), "unreachable", dt.date(2026, 8, 17))  # its retry is judged
    # rescheduled from 2026-08-24 to 2026-09-14 with a reason, done on 09-15: on time against the new day
    moved = _visit(project, dt.date(2026, 8, 24))
    reschedule_visit(moved.id, dt.date(2026, 9, 14), "业主出差")
    Visit.update(status="done", done_at=dt.datetime(2026, 9, 15, 10)).where(Visit.id == moved.id).execute()
    # planned 2026-09-21, never recorded, window passed by 11-29: late (overdue)
    _visit(project, dt.date(2026, 9, 21))

    result = analysis.on_time(*q3, AS_OF)
    assert result["judged"] == 6
    assert result["on_time"] == 3
    assert result["late"] == 1 and result["missed"] == 1 and result["overdue"] == 1
    assert result["rescheduled"] == 1
    assert result["share"] == 0.5
    # a stricter window (0 days): only the visit done on its planned day
    strict = analysis.on_time(*q3, AS_OF, days=0)
    assert strict["on_time"] == 1


def test_open_visit_inside_window_is_not_judged_yet(project):
    _visit(project, dt.date(2026, 11, 25))
    result = analysis.on_time(dt.date(2026, 11, 1), dt.date(2026, 11, 30), AS_OF)
    assert result["judged"] == 0 and result["share"] is None


def test_satisfaction_by_quarter_project_staff(project, make_project):
    other = make_project()
    a = Staff.create(name="刘洋")
    b = Staff.create(name="孙丽")
    _visit(project, dt.date(2026, 4, 6), "done", dt.date(2026, 4, 6), 95, a)
    _visit(project, dt.date(2026, 5, 6), "done", dt.date(2026, 5, 6), 85, b)
    _visit(project, dt.date(2026, 7, 6), "done", dt.date(2026, 7, 6), 70, a)
    _visit(other, dt.date(2026, 7, 8), "done", dt.date(2026, 7, 9), 92, b)
    _visit(other, dt.date(2026, 6, 30), "done", dt.date(2026, 7, 1), None, b)  # no score: not counted

    rows = analysis.satisfaction_trend(AS_OF)
    assert [r["quarter"] for r in rows][0] == "2025Q1" and rows[-1]["quarter"] == "2026Q4"
    by = {r["quarter"]: r for r in rows}
    assert by["2026Q2"]["count"] == 2 and by["2026Q2"]["average"] == 90 and by["2026Q2"]["grade"] == "satisfied"
    assert by["2026Q3"]["average"] == 81 and by["2026Q3"]["grade"] == "fairly_satisfied"
    assert by["2026Q4"]["count"] == 0 and by["2026Q4"]["average"] is None

    staff = {r["name"]: r for r in analysis.satisfaction_by_staff(dt.date(2026, 1, 1), AS_OF)}
    assert staff["刘洋"]["average"] == 82.5 and staff["孙丽"]["count"] == 2

    projects = analysis.satisfaction_by_project(dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert [(r["code"], r["average"]) for r in projects] == [(project.code, 70), (other.code, 92)]

    falling = analysis.falling_projects(2026, 3)
    assert [(f["code"], f["previous"], f["current"]) for f in falling] == [(project.code, 90, 70)]


def test_area_scores_and_problems(project):
    template = questionnaires.active_template()
    qs = questionnaires.questions_of(template)
    answers = {q.id: {"scale": 5, "yesno": "否", "choice": "有轻微问题", "text": ""}[q.kind] for q in qs}
    visit = _visit(project, dt.date(2026, 10, 12))
    visit_records.record_visit(visit.id, {
        "method": "电话", "done_at": dt.datetime(2026, 10, 12, 10), "visitor": "刘洋", "met_person": "王",
        "answers": answers,
        "findings": [{"area": "屋面", "description": "天沟堵塞", "category": "roof_waterproofing",
                      "make_ticket": True},
                     {"area": "屋面", "description": "落水管松动"}]}, now=dt.datetime(2026, 11, 29, 12))
    areas = {r["area"]: r["average"] for r in analysis.satisfaction_by_area(dt.date(2026, 10, 1), AS_OF)}
    assert areas["使用功能"] == 0
    assert areas["服务态度"] == 100
    assert areas["工程质量"] == 80  # plain mean of the answers (100 and 60)
    problems = analysis.problems_by_category(dt.date(2026, 10, 1), AS_OF)
    assert sum(p["count"] for p in problems) == 2
    assert sum(p["tickets"] for p in problems) == 1
    summary = analysis.quarter_summary(2026, 4, AS_OF)
    assert summary["count"] == 1 and summary["findings"][0]["project_code"] == project.code
    assert Project.select().count() == 1


def test_quarter_helpers():
    assert analysis.parse_quarter("2026q3") == (2026, 3)
    assert analysis.quarter_bounds(2026, 4) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert analysis.shift_quarter(2026, 1, -1) == (2025, 4)
    assert len(analysis.last_quarters(AS_OF)) == 8
