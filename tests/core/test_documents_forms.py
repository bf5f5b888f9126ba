"""Blank and filled forms: 回访记录表, 质量修理通知书, 维修记录单 / 保修完成验收单."""

from __future__ import annotations

import pytest
from documents_fixtures import (
    COMPANY,
    HOSTILE,
    LONG,
    holds_all_of,
    office_fixture,  # noqa: F401  (the `office` fixture)
    pdf_fonts,
    pdf_text,
    squash,
)

from warranty_desk.documents import forms


@pytest.mark.parametrize("build, title", [
    (forms.build_visit_form, "工程回访记录表"),
    (forms.build_repair_notice, "质量修理通知书"),
    (forms.build_repair_record, "维修记录单/保修完成验收单"),
])
def test_blank_forms(office, tmp_path, build, title):
    out = build(None, tmp_path / "blank.pdf")
    text = squash(pdf_text(out))
    assert title in text and COMPANY in text and "签字" in text and "日期：______年____月____日" in text
    with_project = squash(pdf_text(build(None, tmp_path / "p.pdf", project="ZZ-2024-01")))
    assert "阳光花园二期" in with_project
    assert "Helvetica" not in pdf_fonts(out)


def test_filled_visit_form(office, tmp_path):
    text = squash(pdf_text(forms.build_visit_form(office["visit"], tmp_path / "v.pdf")))
    for value in (squash(HOSTILE) + "𠀀鑫㐂", "节点回访", "■上门", "■比较满意", "86分", "2026年7月10日15:00",
                  "[卫生间]", "BX-2026-0001", LONG[:600]):
        assert squash(value) in text, value


def test_filled_repair_notice_and_record(office, tmp_path):
    t = office["ticket"]
    raw = pdf_text(forms.build_repair_notice(t, tmp_path / "n.pdf"))
    notice = squash(raw)
    assert holds_all_of(raw, LONG)
    for value in ("BX-2026-0001", "■紧急", "■是", "给排水管道", "2026年7月3日09:30", "2026年7月3日13:30",
                  squash(HOSTILE) + "𠀀鑫㐂", LONG[:300]):
        assert squash(value) in notice, value
    record = squash(pdf_text(forms.build_repair_record(t.id, tmp_path / "r.pdf")))
    for value in ("BX-2026-0001", "施工质量", "我方", "PPR管DN20", "¥45.00", "■合格", "■满意",
                  "2026年7月4日16:00", "维修人签字", "业主（使用人）签字"):
        assert value in record, value


@pytest.mark.parametrize("rating, grade", [(5, "满意"), (4, "比较满意"), (3, "一般"), (2, "不太满意"), (1, "不满意")])
def test_repair_record_shows_the_grade_the_owner_gave_on_the_five_point_scale(office, tmp_path, rating, grade):
    t = office["ticket"]
    t.satisfaction = rating
    t.save()
    text = squash(pdf_text(forms.build_repair_record(t, tmp_path / "r.pdf")))
    line = text[text.index("满意度"):text.index("验收意见")]
    assert f"■{grade}" in line and line.count("■") == 1, line


def test_a_five_of_five_repair_of_the_demo_office_prints_as_satisfied(demo_db, tmp_path):
    from warranty_desk.models import Ticket

    t = Ticket.select().where(Ticket.satisfaction == 5).order_by(Ticket.id).first()
    text = squash(pdf_text(forms.build_repair_record(t, tmp_path / "r.pdf")))
    assert "■满意□比较满意□一般□不太满意□不满意" in text


def test_visit_form_prints_each_finding_once_the_exact_score_and_the_questionnaire(demo_db, tmp_path):
    from warranty_desk.models import Visit, VisitFinding
    from warranty_desk.services import questionnaires, visit_records

    visit = (Visit.select().join(VisitFinding).where(Visit.status == "done", Visit.template.is_null(False))
             .order_by(Visit.id).first())
    visit.score = 44.5
    visit.save()
    text = squash(pdf_text(forms.build_visit_form(visit, tmp_path / "v.pdf")))
    for finding in visit_records.findings_of(visit):
        assert text.count(squash(finding.description)) == 1, finding.description
    assert "（44.5分）" in text and "（44分）" not in text
    answers = visit_records.answers_of(visit)
    questions = questionnaires.questions_of(visit.template_id)
    assert "回访问卷" in text and answers
    for q in questions:
        assert squash(q.text)[:20] in text, q.text
    for value in answers.values():
        assert squash(value) in text, value


def test_a_blank_visit_form_carries_the_questionnaire_to_fill_in(demo_db, tmp_path):
    from warranty_desk.services import questionnaires

    text = squash(pdf_text(forms.build_visit_form(None, tmp_path / "b.pdf")))
    current = questionnaires.questions_of(questionnaires.active_template())
    assert "回访问卷" in text and all(squash(q.text)[:20] in text for q in current)


def test_repair_record_names_the_subcontractor_or_says_it_is_not_named(office, tmp_path):
    t = office["ticket"]
    t.payer = "subcontractor"
    t.subcontractor = None
    t.save()
    text = squash(pdf_text(forms.build_repair_record(t, tmp_path / "r.pdf")))
    assert "分包单位未指定" in text
