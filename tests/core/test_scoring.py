"""Questionnaire scoring and grading (RULES.md §7), and template versioning."""

from __future__ import annotations

import datetime as dt

import pytest

from warranty_desk.errors import ValidationError
from warranty_desk.models import Question, QuestionnaireTemplate, Visit, VisitAnswer
from warranty_desk.rules import scoring
from warranty_desk.rules.scoring import QuestionSpec, score
from warranty_desk.services import questionnaires, visit_records


@pytest.mark.parametrize(
    ("value", "expected"),
    [(39.99, "dissatisfied"), (40, "less_satisfied"), (59.99, "less_satisfied"), (60, "neutral"), (79.99, "neutral"),
     (80, "fairly_satisfied"), (89.99, "fairly_satisfied"), (90, "satisfied"), (0, "dissatisfied"), (100, "satisfied")],
)
def test_grade_boundaries_through_score(value, expected):
    # one choice question whose choice carries exactly the boundary score
    q = QuestionSpec(1, scoring.CHOICE, 1, "工程质量", choices=(("x", value),))
    result = score([q], {1: "x"})
    assert result.score == pytest.approx(value)
    assert result.grade == expected


def test_scale_yesno_values():
    q = QuestionSpec(1, scoring.SCALE)
    assert [scoring.answer_score(q, v) for v in (1, 2, 3, "4", " 5 ")] == [0, 25, 50, 75, 100]
    yn = QuestionSpec(2, scoring.YESNO)
    assert scoring.answer_score(yn, "是") == 100
    assert scoring.answer_score(yn, "否") == 0
    assert scoring.answer_score(yn, True) == 100
    for bad in (0, 6, "2.5", "很好"):
        with pytest.raises(scoring.AnswerError):
            scoring.answer_score(q, bad)
    with pytest.raises(scoring.AnswerError):
        scoring.answer_score(yn, "也许")


def test_weights_and_unanswered_left_out():
    questions = [
        QuestionSpec(1, scoring.SCALE, 3, "工程质量"),
        QuestionSpec(2, scoring.YESNO, 1, "使用功能"),
        QuestionSpec(3, scoring.SCALE, 2, "维修及时性"),
        QuestionSpec(4, scoring.TEXT, 5, "意见和建议"),
    ]
    # 5 (100) weight 3, 否 (0) weight 1 → 300/4 = 75; q3 unanswered, text never scored
    result = score(questions, {1: 5, 2: "否", 3: "", 4: "很好"})
    assert result.score == 75
    assert result.grade == "neutral"
    assert result.area_scores == {"工程质量": 100, "使用功能": 0}
    assert result.answered == 3
    # the same answers with weights swapped: (100*1 + 0*3)/4 = 25
    swapped = [QuestionSpec(1, scoring.SCALE, 1), QuestionSpec(2, scoring.YESNO, 3)]
    assert score(swapped, {1: 5, 2: "否"}).score == 25


def test_no_answers_no_score():
    questions = [QuestionSpec(1, scoring.SCALE), QuestionSpec(2, scoring.TEXT)]
    result = score(questions, {2: "only a comment"})
    assert result.score is None
    assert result.grade == ""


def test_default_template_covers_the_seed_points(db):
    template = questionnaires.ensure_default_template()
    areas = {q.area for q in questionnaires.questions_of(template)}
    assert {"工程质量", "使用功能", "维修及时性", "服务态度", "意见和建议", "沟通"} <= areas
    assert questionnaires.ensure_default_template().id == template.id  # created once


def _answered_visit(make_project, template):
    project = make_project()
    visit = Visit.create(project=project, planned_on=dt.date(2025, 1, 6), kind="periodic")
    answers = {}
    for q in questionnaires.questions_of(template):
        answers[q.id] = {"scale": 4, "yesno": "是", "choice": "没有问题", "text": "无"}[q.kind]
    visit_records.record_visit(visit.id, {"method": "电话", "done_at": dt.datetime(2025, 1, 6, 10, 0),
                                          "visitor": "刘洋", "met_person": "王业主", "answers": answers},
                               now=dt.datetime(2026, 11, 29, 12, 0))
    return Visit.get_by_id(visit.id)


def test_template_changed_after_answers_makes_a_new_version(db, make_project):
    template = questionnaires.ensure_default_template()
    visit = _answered_visit(make_project, template)
    old_score = visit.score
    # weights 3,2,2,2,2,1 on 75,100,100,75,75,75 → 1000/12
    assert old_score == 83.33 and visit.grade == "fairly_satisfied"
    old_questions = [(q.id, q.text, q.weight) for q in questionnaires.questions_of(template)]

    data = questionnaires.template_data(template)
    changed = [dict(q) for q in data["questions"]]
    changed[0]["weight"] = 10
    changed[0]["text"] = "总体质量打分"
    changed.append({"area": "沟通", "text": "是否愿意推荐我们？", "kind": "yesno", "weight": 1})
    new = questionnaires.save_template("default", "工程回访问卷（修订）", changed)

    assert new.id != template.id
    assert new.version_no == 2
    assert questionnaires.active_template().id == new.id
    assert not QuestionnaireTemplate.get_by_id(template.id).active
    # the old version and the old answers are untouched
    assert [(q.id, q.text, q.weight) for q in questionnaires.questions_of(template)] == old_questions
    assert Visit.get_by_id(visit.id).score == old_score
    assert Visit.get_by_id(visit.id).template_id == template.id
    assert VisitAnswer.select().join(Question).where(Question.template == template).count() == len(old_questions)
    assert len(questionnaires.questions_of(new)) == len(old_questions) + 1


def test_template_without_answers_is_edited_in_place(db):
    first = questionnaires.save_template("phone", "电话回访问卷", [
        {"area": "服务态度", "text": "态度如何？", "kind": "scale", "weight": 1}])
    second = questionnaires.save_template("phone", "电话回访问卷", [
        {"area": "服务态度", "text": "态度如何？", "kind": "scale", "weight": 2},
        {"area": "沟通", "text": "沟通如何？", "kind": "choice", "weight": 1,
         "choices": [["好", 100], ["差", 0]]}])
    assert second.id == first.id and second.version_no == 1
    assert [q.weight for q in questionnaires.questions_of(second)] == [2, 1]


@pytest.mark.parametrize(
    ("question", "message"),
    [({"area": "沟通", "text": "", "kind": "scale"}, "没有题目文字"),
     ({"area": "", "text": "问题", "kind": "scale"}, "没有选择类别"),
     ({"area": "沟通", "text": "问题", "kind": "essay"}, "题型不对"),
     ({"area": "沟通", "text": "问题", "kind": "scale", "weight": -1}, "权重"),
     ({"area": "沟通", "text": "问题", "kind": "choice", "choices": [["只有一个", 100]]}, "至少要有两个选项"),
     ({"area": "沟通", "text": "问题", "kind": "choice", "choices": [["好", 100], ["差", 120]]}, "0 到 100")],
)
def test_bad_template_refused(db, question, message):
    with pytest.raises(ValidationError, match=message):
        questionnaires.save_template("x", "问卷", [question])
