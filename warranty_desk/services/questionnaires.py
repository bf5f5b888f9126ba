"""回访问卷 templates: questions with kind, weight and area; versioned.

A template belongs to a family (e.g. ``default``) and has a version number. Editing a template
that already has answers makes a new version (the old one stays, inactive, so old answers keep
their meaning); editing one nobody has answered yet changes it in place. New visits use the
active version of the family.
"""

from __future__ import annotations

import json
from typing import TypedDict, cast

from peewee import IntegrityError

from warranty_desk.i18n import N_, _

from ..errors import NotFound, ValidationError
from ..models import Question, QuestionnaireTemplate, VisitAnswer, database_proxy
from ..rules import scoring
from . import audit

DEFAULT_FAMILY = "default"
DEFAULT_NAME = N_("工程回访问卷")
AREAS = (N_("工程质量"), N_("使用功能"), N_("维修及时性"), N_("服务态度"), N_("沟通"), N_("意见和建议"))

# the seed's points: 工程质量、使用功能、维修及时性、服务态度、意见和建议 (plus 沟通)
DEFAULT_QUESTIONS = [
    {"area": N_("工程质量"), "text": N_("您对工程的总体质量是否满意？（1 很不满意 – 5 很满意）"), "kind": "scale", "weight": 3},
    {"area": N_("工程质量"), "text": N_("目前是否存在渗漏、开裂、空鼓等质量问题？"), "kind": "choice", "weight": 2,
     "choices": [[N_("没有问题"), 100], [N_("有轻微问题"), 60], [N_("有明显问题"), 20]]},
    {"area": N_("使用功能"), "text": N_("水、电、暖、门窗、设备等使用功能是否正常？"), "kind": "yesno", "weight": 2},
    {"area": N_("维修及时性"), "text": N_("报修后维修是否及时、修得好？（未报修过可不填）"), "kind": "scale", "weight": 2},
    {"area": N_("服务态度"), "text": N_("对我方人员的服务态度是否满意？"), "kind": "scale", "weight": 2},
    {"area": N_("沟通"), "text": N_("对我方的沟通和回访安排是否满意？"), "kind": "scale", "weight": 1},
    {"area": N_("意见和建议"), "text": N_("您对我们还有什么意见和建议？"), "kind": "text", "weight": 0},
]


# the program's own wording of the default questionnaire (areas, questions, choices, yes/no answers)
_OWN_WORDS = frozenset([DEFAULT_NAME, *AREAS, *(q["text"] for q in DEFAULT_QUESTIONS),
                        *(c[0] for q in DEFAULT_QUESTIONS for c in cast(list, q.get("choices", []))),
                        *scoring.YES_WORDS, *scoring.NO_WORDS])


def shown(text: str) -> str:
    """A questionnaire's stored text — its name, an area, a question, a choice, a yes/no answer — in
    the active language: the program's own default wording through the catalogs; what the office
    wrote itself stays as written."""
    return _(text) if text in _OWN_WORDS else text


# --- reading --------------------------------------------------------------------------------

def ensure_default_template() -> QuestionnaireTemplate:
    """The active default template, created on first use."""
    found = _active(DEFAULT_FAMILY)
    if found is not None:
        return found
    try:
        with database_proxy.atomic():
            found = _active(DEFAULT_FAMILY)
            if found is not None:
                return found
            template = QuestionnaireTemplate.create(family=DEFAULT_FAMILY, version_no=1, name=DEFAULT_NAME, active=True)
            _write_questions(template, [_clean_question(q, n) for n, q in enumerate(DEFAULT_QUESTIONS, 1)])
            audit.record("create", "questionnaire_template", template.id, None,
                         {"family": DEFAULT_FAMILY, "version_no": 1, "questions": len(DEFAULT_QUESTIONS)},
                         _("默认回访问卷"))
    except IntegrityError:
        # another request created it at the same moment (PostgreSQL reads committed rows only, so both
        # found none): the unique version number let one win; use that one
        found = _active(DEFAULT_FAMILY)
        if found is None:
            raise
        return found
    return template


def _active(family: str) -> QuestionnaireTemplate | None:
    return (QuestionnaireTemplate.select()
            .where((QuestionnaireTemplate.family == family) & (QuestionnaireTemplate.active == True))  # noqa: E712
            .order_by(QuestionnaireTemplate.version_no.desc()).first())


def active_template(family: str = DEFAULT_FAMILY) -> QuestionnaireTemplate:
    if family == DEFAULT_FAMILY:
        return ensure_default_template()
    found = _active(family)
    if found is None:
        raise NotFound(_("没有名为“{family}”的问卷模板").format(family=family))
    return found


def get_template(template_id: int) -> QuestionnaireTemplate:
    found = QuestionnaireTemplate.get_or_none(QuestionnaireTemplate.id == template_id)
    if found is None:
        raise NotFound(_("问卷模板不存在（可能已被删除），请重新选择"))
    return found


def questions_of(template: QuestionnaireTemplate | int) -> list[Question]:
    return list(Question.select().where(Question.template == template).order_by(Question.position, Question.id))


def spec_of(question: Question) -> scoring.QuestionSpec:
    return scoring.QuestionSpec(
        key=question.id, kind=question.kind, weight=float(question.weight), area=question.area,
        text=question.text, choices=scoring.parse_choices(question.choices),
    )


def specs(template: QuestionnaireTemplate | int) -> list[scoring.QuestionSpec]:
    return [spec_of(q) for q in questions_of(template)]


class QuestionData(TypedDict):
    """A question as a form shows it; `choices` are [text, points] pairs (a choice question only)."""

    id: int
    position: int
    area: str
    text: str
    kind: str
    weight: float
    choices: list[list]


class TemplateData(TypedDict):
    """A questionnaire template with its questions (a visit form, the phone, the audit log)."""

    id: int
    family: str
    version_no: int
    name: str
    active: bool
    questions: list[QuestionData]


class TemplateRow(TypedDict):
    """A template in the list of templates."""

    id: int
    family: str
    version_no: int
    name: str
    active: bool
    has_answers: bool


def template_data(template: QuestionnaireTemplate) -> TemplateData:
    """Plain data for a form: the template and its questions."""
    return {
        "id": template.id,
        "family": template.family,
        "version_no": template.version_no,
        "name": template.name,
        "active": template.active,
        "questions": [
            {"id": q.id, "position": q.position, "area": q.area, "text": q.text, "kind": q.kind,
             "weight": q.weight, "choices": [list(c) for c in scoring.parse_choices(q.choices)]}
            for q in questions_of(template)
        ],
    }


def list_templates() -> list[TemplateRow]:
    rows: list[TemplateRow] = []
    for t in QuestionnaireTemplate.select().order_by(QuestionnaireTemplate.family, QuestionnaireTemplate.version_no):
        answered = has_answers(t)
        rows.append({"id": t.id, "family": t.family, "version_no": t.version_no, "name": t.name,
                     "active": t.active, "has_answers": answered})
    return rows


def has_answers(template: QuestionnaireTemplate | int) -> bool:
    return (VisitAnswer.select().join(Question)
            .where(Question.template == template).exists())


# --- writing --------------------------------------------------------------------------------

def _clean_question(raw: dict, position: int) -> dict:
    text = (raw.get("text") or "").strip()
    if not text:
        raise ValidationError(_("第{position}题没有题目文字，请填写或删除该题").format(position=position), field="text")
    if len(text) > 500:
        raise ValidationError(_("第{position}题的题目太长（{n}字），最多500字").format(position=position, n=len(text)), field="text")
    area = (raw.get("area") or "").strip()
    if not area:
        raise ValidationError(_("第{position}题没有选择类别（如 工程质量、服务态度）").format(position=position), field="area")
    if len(area) > 40:
        raise ValidationError(_("第{position}题的类别名称太长（最多40个字）").format(position=position), field="area")
    kind = raw.get("kind")
    if kind not in scoring.KINDS:
        raise ValidationError(_("第{position}题的题型不对，只能是 1–5分、是/否、单选 或 文字").format(position=position), field="kind")
    try:
        weight = float(raw.get("weight", 1) if raw.get("weight", 1) not in (None, "") else 1)
    except (TypeError, ValueError):
        raise ValidationError(_("第{position}题的权重必须是数字").format(position=position), field="weight") from None
    if not 0 <= weight <= 100:
        raise ValidationError(_("第{position}题的权重必须在 0 到 100 之间").format(position=position), field="weight")
    choices = []
    if kind == scoring.CHOICE:
        try:
            choices = [list(c) for c in scoring.parse_choices(raw.get("choices") or [])]
        except (scoring.AnswerError, ValueError, TypeError, IndexError) as exc:
            raise ValidationError(_("第{position}题的选项有误：{exc}").format(position=position, exc=exc), field="choices") from None
        if len(choices) < 2:
            raise ValidationError(_("第{position}题是单选题，至少要有两个选项").format(position=position), field="choices")
    return {"area": area, "text": text, "kind": kind, "weight": weight, "choices": choices}


def _write_questions(template: QuestionnaireTemplate, questions: list[dict]) -> None:
    for position, q in enumerate(questions, 1):
        Question.create(template=template, position=position, area=q["area"], text=q["text"], kind=q["kind"],
                        weight=q["weight"], choices=json.dumps(q["choices"], ensure_ascii=False) if q["choices"] else "")


def save_template(family: str, name: str, questions: list[dict]) -> QuestionnaireTemplate:
    """Create a family's first template, or change it.

    If the active version already has answers, a new version is made active and the old one kept;
    otherwise the active version is changed in place. Returns the template now active."""
    family = (family or "").strip()
    name = (name or "").strip()
    if not family:
        raise ValidationError(_("请填写问卷模板的代号"), field="family")
    if not name:
        raise ValidationError(_("请填写问卷名称"), field="name")
    if len(name) > 200:
        raise ValidationError(_("问卷名称太长（最多200个字）"), field="name")
    if not questions:
        raise ValidationError(_("问卷至少要有一道题"), field="questions")
    clean = [_clean_question(q, n) for n, q in enumerate(questions, 1)]
    with database_proxy.atomic():
        current = _active(family)
        if current is not None and not has_answers(current):
            old = template_data(current)
            Question.delete().where(Question.template == current).execute()
            current.name = name
            current.save()
            _write_questions(current, clean)
            audit.record("update", "questionnaire_template", current.id, old, template_data(current))
            return current
        last = (QuestionnaireTemplate.select().where(QuestionnaireTemplate.family == family)
                .order_by(QuestionnaireTemplate.version_no.desc()).first())
        version_no = last.version_no + 1 if last else 1
        if current is not None:
            QuestionnaireTemplate.update(active=False).where(
                (QuestionnaireTemplate.family == family) & (QuestionnaireTemplate.id != 0)).execute()
        template = QuestionnaireTemplate.create(family=family, version_no=version_no, name=name, active=True)
        _write_questions(template, clean)
        audit.record("create", "questionnaire_template", template.id,
                     template_data(current) if current else None, template_data(template),
                     _("问卷已有答卷，另存为第{n}版").format(n=version_no) if current else "")
        return template
