"""年度回访计划: sign-off order, bulk assignment, balancing, xlsx export, the printed table;
and the 回访报告 PDF."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from warranty_desk.documents.visit_plan_table import build_visit_plan
from warranty_desk.documents.visit_report import build_round_report, build_visit_report
from warranty_desk.errors import ValidationError
from warranty_desk.models import Staff, Visit
from warranty_desk.services import annual_plan, questionnaires, visit_records

TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def office(db, make_project):
    a = make_project(name="阳光<b>花园</b> & 𠀀鑫㐂")
    b = make_project()
    c = make_project()
    Visit.delete().execute()
    staff = [Staff.create(name=n) for n in ("刘洋", "孙丽", "王芳")]
    Staff.create(name="离职员工", active=False)
    # March 2027: project a has 4 visits, b 3, c 2 → 9 visits for 3 people
    for project, days in ((a, (1, 8, 15, 22)), (b, (2, 9, 16)), (c, (3, 10))):
        for day in days:
            Visit.create(project=project, planned_on=dt.date(2027, 3, day), kind="periodic", staff=staff[0],
                         purposes="定期回访")
    Visit.create(project=a, planned_on=dt.date(2027, 3, 30), kind="periodic", status="cancelled")
    return {"projects": (a, b, c), "staff": staff}


def test_sign_in_order(office):
    with pytest.raises(ValidationError, match="请先完成“编制”"):
        annual_plan.sign(2027, "reviewed", "陈静", dt.date(2026, 11, 20), today=TODAY)
    annual_plan.sign(2027, "compiled", "王芳", dt.date(2026, 11, 20), today=TODAY)
    with pytest.raises(ValidationError, match="早于编制日期"):
        annual_plan.sign(2027, "reviewed", "陈静", dt.date(2026, 11, 19), today=TODAY)
    annual_plan.sign(2027, "reviewed", "陈静", dt.date(2026, 11, 21), today=TODAY)
    with pytest.raises(ValidationError, match="在将来"):
        annual_plan.sign(2027, "approved", "李总", dt.date(2026, 12, 1), today=TODAY)
    signed = annual_plan.sign(2027, "approved", "李总", dt.date(2026, 11, 22), today=TODAY)
    assert signed["state"] == "审批" and signed["approved_by"] == "李总"
    with pytest.raises(ValidationError, match="不能再修改编制"):
        annual_plan.sign(2027, "compiled", "别人", dt.date(2026, 11, 22), today=TODAY)
    assert annual_plan.withdraw(2027, "计划调整")["compiled_by"] == ""


def test_assign_and_balance(office):
    staff = office["staff"]
    ids = [r["id"] for r in annual_plan.plan_rows(2027, month=3)][:3]
    assert annual_plan.assign_staff(ids, staff[1].id) == 3
    inactive = Staff.get(Staff.name == "离职员工")
    with pytest.raises(ValidationError, match="已停用"):
        annual_plan.assign_staff(ids, inactive.id)

    counts = annual_plan.balance_month(2027, 3)
    assert counts == {"刘洋": 3, "孙丽": 3, "王芳": 3}
    rows = annual_plan.plan_rows(2027, month=3)
    per_staff = Counter(r["staff"] for r in rows)
    assert sorted(per_staff.values()) == [3, 3, 3]
    # projects kept together where the counts allow: b (3 visits) stays with one person
    people_per_project = {p.id: {r["staff"] for r in rows if r["project_id"] == p.id} for p in office["projects"]}
    assert len(people_per_project[office["projects"][1].id]) == 1
    assert Visit.get(Visit.status == "cancelled").staff_id is None


def test_export_xlsx_and_print(office, tmp_path):
    annual_plan.sign(2027, "compiled", "王芳", dt.date(2026, 11, 20), today=TODAY)
    path = tmp_path / "plan.xlsx"
    assert annual_plan.export_xlsx(2027, path) == 9
    sheet = load_workbook(path).active
    assert sheet["A2"].value == "序号" and sheet["D3"].value == "阳光<b>花园</b> & 𠀀鑫㐂"
    assert any(row[0] == "编制" and row[1] == "王芳" for row in sheet.iter_rows(values_only=True))

    pdf = build_visit_plan(2027, tmp_path / "plan.pdf")
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "2027年度工程回访计划表" in text and "共9次回访" in text
    assert "阳光<b>花园</b>&𠀀鑫㐂" in "".join(text.split())  # wrapped inside its cell
    assert "编制：王芳" in text


def test_visit_report_pdf(office, tmp_path):
    project = office["projects"][0]
    visit = Visit.create(project=project, planned_on=dt.date(2026, 11, 23), kind="periodic")
    template = questionnaires.active_template()
    answers = {q.id: {"scale": 5, "yesno": "是", "choice": "没有问题", "text": "希望 <b>更快</b> & 好"}[q.kind]
               for q in questionnaires.questions_of(template)}
    visit_records.record_visit(visit.id, {
        "method": "上门", "done_at": dt.datetime(2026, 11, 23, 10), "visitor": "刘洋", "met_person": "王先生",
        "opinion": "总体满意", "answers": answers,
        "findings": [{"area": "外墙", "description": "外墙局部" + "渗水" * 900}]}, now=dt.datetime(2026, 11, 29, 12))
    path = build_visit_report([visit.id], tmp_path / "report.pdf")
    text = "".join(p.extract_text() for p in PdfReader(path).pages)
    assert "工程回访报告" in text and "100.0 分" in text and "满意" in text
    assert "希望 <b>更快</b> & 好" in text and "总体满意" in text
    round_pdf = build_round_report(project.id, dt.date(2026, 11, 1), dt.date(2026, 11, 30), tmp_path / "round.pdf")
    assert "本轮汇总" in PdfReader(round_pdf).pages[0].extract_text()
    with pytest.raises(ValidationError, match="没有回访"):
        build_round_report(project.id, dt.date(2020, 1, 1), dt.date(2020, 2, 1), tmp_path / "none.pdf")
    assert not (tmp_path / "none.pdf").exists()
