"""Recording visits: done with questionnaire and findings, 未联系上 with a retry, missed, reschedule."""

from __future__ import annotations

import datetime as dt

import pytest

from warranty_desk.errors import ConflictError, ValidationError
from warranty_desk.models import AuditLog, Staff, Ticket, Visit, VisitAnswer, VisitFinding
from warranty_desk.services import questionnaires, visit_records, visit_reminders
from warranty_desk.services.handover import handover

NOW = dt.datetime(2026, 11, 29, 16, 0)


@pytest.fixture
def visit(db, make_project):
    project = make_project(contact="王业主", phone="13800138000")  # handed over 2024-07-01
    handover(project.id)
    Visit.delete().execute()
    return Visit.create(project=project, planned_on=dt.date(2026, 11, 27), kind="periodic", purposes="定期回访")


def _answers(scale=5, yesno="是", choice="没有问题", text="服务很好"):
    template = questionnaires.active_template()
    values = {"scale": scale, "yesno": yesno, "choice": choice, "text": text}
    return {q.id: values[q.kind] for q in questionnaires.questions_of(template)}


def _data(**overrides):
    data = {"method": "上门", "done_at": dt.datetime(2026, 11, 27, 10, 30), "visitor": "刘洋",
            "met_person": "王业主", "opinion": "希望 <b>维修</b> & 更快 𠀀鑫㐂", "answers": _answers()}
    data.update(overrides)
    return data


def test_record_done_with_score_grade_and_finding_ticket(visit):
    data = _data(findings=[
        {"area": "卫生间", "description": "卫生间地面渗水至楼下", "category": "wet_room_waterproofing",
         "make_ticket": True},
        {"area": "门窗", "description": "个别窗户密封条老化", "category": "decoration"},
        {"area": "", "description": ""},  # an empty row is ignored
    ])
    saved = visit_records.record_visit(visit.id, data, expected_version=1, now=NOW)
    assert saved.status == "done"
    assert saved.score == 100 and saved.grade == "satisfied"
    assert saved.version == 2
    assert saved.opinion == "希望 <b>维修</b> & 更快 𠀀鑫㐂"
    assert VisitAnswer.select().where(VisitAnswer.visit == visit).count() == 7
    findings = visit_records.findings_of(visit)
    assert [f.area for f in findings] == ["bathroom", "doors_windows"]
    ticket = Ticket.get(Ticket.source_visit == visit.id)
    assert ticket.channel == "visit_finding"
    assert ticket.category == "wet_room_waterproofing"
    assert findings[0].ticket_id == ticket.id and findings[1].ticket_id is None
    assert "卫生间：卫生间地面渗水至楼下" in saved.findings
    assert AuditLog.select().where((AuditLog.table == "visit") & (AuditLog.action == "record")).count() == 1

    # a later finding becomes a ticket on its own
    second = visit_records.finding_to_ticket(findings[1].id, now=NOW)
    assert second.source_visit_id == visit.id
    with pytest.raises(ValidationError, match="已生成维修工单"):
        visit_records.finding_to_ticket(findings[1].id, now=NOW)

    # correcting the record keeps the findings that already became tickets
    again = visit_records.record_visit(visit.id, _data(answers=_answers(scale=3)), expected_version=2, now=NOW)
    assert VisitFinding.select().where(VisitFinding.visit == visit).count() == 2
    assert again.score < 100


def test_score_from_partial_answers(visit):
    template = questionnaires.active_template()
    qs = questionnaires.questions_of(template)
    first_scale = next(q for q in qs if q.kind == "scale")
    saved = visit_records.record_visit(visit.id, _data(answers={first_scale.id: 2}), now=NOW)
    assert saved.score == 25 and saved.grade == "dissatisfied"
    none = visit_records.record_visit(visit.id, _data(answers={}), now=NOW)
    assert none.score is None and none.grade == ""


@pytest.mark.parametrize(
    ("overrides", "message"),
    [({"done_at": dt.datetime(2024, 6, 30, 10)}, "早于工程交付日期"),
     ({"done_at": dt.datetime(2026, 12, 5, 10)}, "还没到"),
     ({"done_at": None}, "请填写回访时间"),
     ({"visitor": " "}, "请填写回访人"),
     ({"met_person": ""}, "被访人"),
     ({"method": "飞鸽"}, "回访方式"),
     ({"opinion": "很" * 2001}, "太长"),
     ({"findings": [{"area": "屋面", "description": ""}]}, "没有描述"),
     ({"findings": [{"area": "屋面", "description": "漏水", "make_ticket": True}]}, "选择对应的保修项目")],
)
def test_bad_input_refused_and_nothing_saved(visit, overrides, message):
    with pytest.raises(ValidationError, match=message):
        visit_records.record_visit(visit.id, _data(**overrides), now=NOW)
    assert Visit.get_by_id(visit.id).status == "planned"
    assert VisitAnswer.select().count() == 0


def test_bad_answer_names_the_question(visit):
    template = questionnaires.active_template()
    scale = next(q for q in questionnaires.questions_of(template) if q.kind == "scale")
    with pytest.raises(ValidationError, match="第1题") as info:
        visit_records.record_visit(visit.id, _data(answers={scale.id: 7}), now=NOW)
    assert info.value.field == f"q{scale.id}"


def test_stale_version_conflicts(visit):
    visit_records.record_visit(visit.id, _data(), expected_version=1, now=NOW)
    with pytest.raises(ConflictError):
        visit_records.record_visit(visit.id, _data(), expected_version=1, now=NOW)


def test_unreachable_schedules_next_try(visit):
    # Friday 2026-11-27, 1 day later is Saturday → next working day Monday 11-30
    retry = visit_records.record_unreachable(visit.id, dt.datetime(2026, 11, 27, 15, 0), "刘洋", "无人接听",
                                             now=NOW)
    old = Visit.get_by_id(visit.id)
    assert old.status == "unreachable"
    assert "无人接听" in old.findings
    assert retry.status == "planned" and retry.retry_of_id == visit.id
    assert retry.planned_on == dt.date(2026, 11, 30)
    assert retry.kind == "periodic" and retry.purposes == "定期回访"
    with pytest.raises(ValidationError, match="未联系上"):
        visit_records.record_unreachable(visit.id, dt.datetime(2026, 11, 27, 16, 0), "刘洋", now=NOW)
    later = visit_records.record_unreachable(retry.id, dt.datetime(2026, 11, 29, 9, 0), "刘洋", retry_days=3,
                                             now=NOW)
    assert later.planned_on == dt.date(2026, 12, 2)


def test_missed_is_kept(visit):
    with pytest.raises(ValidationError, match="原因"):
        visit_records.mark_missed(visit.id, "", today=NOW.date())
    missed = visit_records.mark_missed(visit.id, "业主长期在外地", today=NOW.date())
    assert missed.status == "missed"
    assert Visit.get_by_id(visit.id).findings == "未回访：业主长期在外地"
    with pytest.raises(ValidationError, match="不能再记录"):
        visit_records.record_visit(visit.id, _data(), now=NOW)
    future = Visit.create(project=visit.project, planned_on=dt.date(2027, 1, 5), kind="periodic")
    with pytest.raises(ValidationError, match="还没到期"):
        visit_records.mark_missed(future.id, "不去了", today=NOW.date())


def test_a_visit_not_made_reads_in_the_readers_language(visit):
    """未联系上 and 未回访 with the clerk's note: the state's words in the reader's language, the note as typed."""
    from warranty_desk import i18n

    other = Visit.create(project=visit.project, planned_on=visit.planned_on, kind="periodic")
    visit_records.record_unreachable(visit.id, dt.datetime(2026, 11, 27, 15, 0), "刘洋", "无人接听\n晚上再打", now=NOW)
    visit_records.mark_missed(other.id, "业主长期在外地", today=NOW.date())
    unreached, missed = Visit.get_by_id(visit.id).findings, Visit.get_by_id(other.id).findings
    with i18n.override("en"):
        assert visit_records.findings_text(unreached) == "Not reached: 无人接听\n晚上再打"
        assert visit_records.findings_text(missed) == "Not visited: 业主长期在外地"
        assert visit_records.findings_text("未联系上") == "Not reached"
    assert visit_records.findings_text(unreached) == "未联系上：无人接听\n晚上再打"
    assert visit_records.findings_text("Not visited: 业主长期在外地") == "未回访：业主长期在外地"


def test_reschedule_keeps_original_day(visit):
    moved = visit_records.reschedule(visit.id, dt.date(2026, 12, 3), "业主出差")
    assert moved.planned_on == dt.date(2026, 12, 3)
    assert moved.original_planned_on == dt.date(2026, 11, 27)
    assert moved.reschedule_reason == "业主出差"


def test_reminders(visit):
    project = visit.project
    Visit.delete().where(Visit.id != visit.id).execute()
    Visit.create(project=project, planned_on=dt.date(2026, 11, 29), kind="periodic",
                 staff=Staff.create(name="刘洋"))
    Visit.create(project=project, planned_on=dt.date(2026, 12, 6), kind="periodic")
    Visit.create(project=project, planned_on=dt.date(2026, 12, 7), kind="periodic")  # 8 days ahead
    Visit.create(project=project, planned_on=dt.date(2026, 11, 2), kind="periodic", status="done")
    result = visit_reminders.reminders(dt.date(2026, 11, 29))
    assert result["counts"] == {"today": 1, "overdue": 1, "upcoming": 1}
    assert result["overdue"][0]["id"] == visit.id
    assert result["overdue"][0]["phone"] == "13800138000"
    assert result["today"][0]["staff"] == "刘洋" and result["today"][0]["project_id"] == project.id
