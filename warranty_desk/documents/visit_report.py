"""回访报告: one page per recorded visit (findings, opinion, questionnaire, score, actions taken),
or one summary per project visit round (all the project's visits in a period, e.g. the units
of a residential project visited in one campaign)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, SimpleDocTemplate, Spacer

from ..errors import ValidationError
from ..i18n import _
from ..models import Visit
from ..rules import scoring
from ..rules import visit_states as vs
from ..rules.satisfaction import grade, grade_name
from ..rules.ticket_states import state_name
from ..rules.visit_methods import method_name
from ..rules.visit_plan import kind_name
from ..rules.visit_purposes import purposes_of
from ..services import questionnaires, visit_records
from ..services.projects import find_project
from . import data
from .forms import question_widths
from .style import (
    BLANK,
    M,
    P,
    atomic_pdf,
    doc_kwargs,
    fitted_widths,
    fmt_date,
    fmt_datetime,
    grid_table,
    label_width,
    numbered_canvas_class,
    para_text,
    printed_in,
    text_width,
)

MARGIN = 18 * mm
WIDTH = text_width(A4[0], MARGIN)


def _kv_table(pairs: list[tuple[str, str]]):
    rows = []
    for i in range(0, len(pairs), 2):
        chunk = pairs[i:i + 2] + [("", "")] * (2 - len(pairs[i:i + 2]))
        rows.append([M(chunk[0][0], "cell"), P(chunk[0][1], "cell"), M(chunk[1][0], "cell"), P(chunk[1][1], "cell")])
    label_w = label_width([label for label, _v in pairs], "cell", WIDTH * 0.14, WIDTH * 0.2)
    value_w = WIDTH / 2 - label_w
    return grid_table(rows, [label_w, value_w, label_w, value_w], header_rows=0, zebra=False)


def _code_name(project) -> str:
    return _("{code}　{name}").format(code=project.code, name=project.name)


def _short(text: str, limit: int = 60) -> str:
    """Long texts are cut in the round summary; the per-visit report prints them in full."""
    text = (text or "").replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + _('…（详见单次回访报告）')


def _answer_text(question, value) -> str:
    if question.kind == scoring.SCALE and value:
        return _('{value} 分').format(value=value)
    return value or _('（未答）')


def _visit_story(visit: Visit) -> list:
    project = visit.project
    unit = visit.unit if visit.unit_id else None
    story = [M(_('工程回访报告'), "title"), P(_code_name(project), "subtitle"), Spacer(1, 4 * mm)]
    story.append(_kv_table([
        (_('工程名称'), project.name),
        (_('工程编号'), project.code),
        (_('建设单位'), project.client.name if project.client else ""),
        (_('工程地址'), project.address),
        (_('房号'), unit.label if unit else "—"),
        (_('联系人/电话'), "　".join(x for x in ((unit.owner_name if unit else project.contact),
                                                  (unit.owner_phone if unit else project.phone)) if x)),
        (_('回访类型'), kind_name(visit.kind)),
        (_('回访方式'), method_name(visit.method)),
        (_('计划日期'), fmt_date(visit.planned_on)),
        (_('回访时间'), fmt_datetime(visit.done_at) or "—"),
        (_('回访人'), visit.visitor or (visit.staff.name if visit.staff else "")),
        (_('被访人'), visit.met_person),
        (_('状态'), vs.status_name(visit.status)),
        (_('满意度'), _('{score:.1f} 分\u3000{grade}').format(score=visit.score, grade=grade_name(visit.grade)) if visit.score is not None else "—"),
    ]))
    purposes = purposes_of(visit.purposes)
    if purposes:
        story += [M(_('回访目的'), "h2"), P("\n".join(purposes), "body")]

    if visit.template_id:
        answers = visit_records.answers_of(visit)
        questions = questionnaires.questions_of(visit.template_id)
        head = (_('序号'), _('类别'), _('题目'), _('回答'), _('得分'))
        rows = [[M(h, "head") for h in head]]
        free_text = []
        for n, q in enumerate(questions, 1):
            value = answers.get(q.id, "")
            try:
                s = scoring.answer_score(questionnaires.spec_of(q), value)
            except scoring.AnswerError:
                s = None
            shown = _answer_text(q, value)
            if q.kind == scoring.TEXT and value:
                free_text.append((n, q, value))
                shown = _('见下文')
            rows.append([M(str(n), "cell_c"), P(questionnaires.shown(q.area), "cell_c"), P(questionnaires.shown(q.text), "cell"),
                         P(shown, "cell"), P("" if s is None else f"{s:.0f}", "cell_c")])
        story += [M(_('回访问卷'), "h2"),
                  grid_table(rows, question_widths(head, (0.07, 0.13, 0.45, 0.25, 0.10),
                                                   [questionnaires.shown(q.area) for q in questions], WIDTH))]
        for n, q, value in free_text:
            story += [Spacer(1, 2 * mm), P(_('第{n}题 {text}').format(n=n, text=questionnaires.shown(q.text)), "small"),
                      P(value, "indent")]

    findings = visit_records.findings_of(visit)
    story.append(M(_('发现的问题及处理'), "h2"))
    if findings:
        for n, f in enumerate(findings, 1):
            action = _('已生成维修工单 {number}（{state}）').format(number=f.ticket.number, state=state_name(f.ticket.state)) if f.ticket else _('记录在案，跟踪观察')
            story.append(M(_("{n}. 【{area}】{description}").format(n=n, area=para_text(visit_records.area_name(f.area)),
                                                                  description=para_text(f.description)), "body"))
            story.append(M(_('处理措施：{para_text}').format(para_text=para_text(action)), "note"))
    else:
        story.append(P(visit_records.findings_text(visit.findings) or _('未发现问题'), "body"))
    story += [M(_('业主意见'), "h2"), P(visit.opinion or _('无'), "body"), Spacer(1, 10 * mm)]
    sign = M(_('回访人（签字）：{BLANK}\u3000\u3000\u3000被访人（签字）：{BLANK}\u3000\u3000\u3000日期：____年__月__日').format(BLANK=BLANK), "body")
    story.append(KeepTogether([sign]))
    return story


@printed_in
def build_visit_report(visit_ids: list[int], path, lang: str = "zh_CN") -> Path:
    """One page per visit (recorded or not: a planned visit prints as a blank form to fill in)."""
    if not visit_ids:
        raise ValidationError(_('请先选择要打印的回访'), field="visits")
    visits = [visit_records.get_visit(i) for i in visit_ids]
    comp = data.company()
    story: list = []
    for n, visit in enumerate(visits):
        if n:
            story.append(PageBreak())
        story.extend(_visit_story(visit))
    title = _('工程回访报告')
    target = Path(path)
    with atomic_pdf(target) as tmp:
        doc = SimpleDocTemplate(tmp, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=20 * mm,
                                bottomMargin=18 * mm, **doc_kwargs(title, comp.name))
        doc.build(story, canvasmaker=numbered_canvas_class(comp.name, title, skip_first=False))
    return target


@printed_in
def build_round_report(project_id: int, start: dt.date, end: dt.date, path, lang: str = "zh_CN") -> Path:
    """A project's visit round (all its visits planned in start…end) on one summary."""
    if end < start:
        raise ValidationError(_('结束日期（{end}）早于开始日期（{start}）').format(end=end, start=start), field="to")
    project = find_project(project_id)  # the one lookup, with its one message
    visits = list(Visit.select().where((Visit.project == project) & Visit.planned_on.between(start, end)
                                       & (Visit.status != vs.CANCELLED)).order_by(Visit.planned_on, Visit.id))
    if not visits:
        raise ValidationError(_('工程“{code}”在 {start} 至 {end} 之间没有回访').format(code=project.code, start=start, end=end), field="from")
    comp = data.company()
    scores = [v.score for v in visits if v.score is not None]
    average = round(sum(scores) / len(scores), 2) if scores else None
    done = sum(1 for v in visits if v.status == vs.DONE)
    story = [M(_('工程回访报告（本轮汇总）'), "title"), P(_code_name(project), "subtitle"),
             P(_('{fmt_date} 至 {fmt_date2}').format(fmt_date=fmt_date(start), fmt_date2=fmt_date(end)), "subtitle"), Spacer(1, 4 * mm),
             _kv_table([(_('计划回访'), _('{len} 次').format(len=len(visits))), (_('已完成'), _('{done} 次').format(done=done)),
                        (_('平均满意度'), _('{average:.1f} 分\u3000{grade}').format(average=average, grade=grade_name(grade(average))) if average is not None else "—"),
                        (_('未联系上/未回访'), _('{status_in} 次').format(status_in=sum(1 for v in visits if v.status in (vs.UNREACHABLE, vs.MISSED))))])]
    head = (_('日期'), _('房号/对象'), _('被访人'), _('状态'), _('得分'), _('发现的问题及处理'))
    rows = [[M(h, "head") for h in head]]
    for v in visits:
        findings = visit_records.findings_of(v)
        lines = [_("{area}：{description}").format(area=visit_records.area_name(f.area), description=_short(f.description))
                 + (_("（工单 {number}）").format(number=f.ticket.number) if f.ticket else "")
                 for f in findings]
        rows.append([
            P(fmt_date(v.done_at.date() if v.done_at else v.planned_on), "cell_c"),
            P(v.unit.label if v.unit else _("工程"), "cell_c"),
            P(v.met_person, "cell_c"),
            P(vs.status_name(v.status), "cell_c"),
            P(f"{v.score:.0f} {grade_name(v.grade)}" if v.score is not None else "", "cell_c"),
            P("\n".join(lines) or (_short(visit_records.findings_text(v.findings)) if v.status != vs.DONE
                                   else _('未发现问题')), "cell"),
        ])
    story += [M(_('回访明细'), "h2"), grid_table(rows, fitted_widths(head, (0.13, 0.14, 0.12, 0.10, 0.12, 0.39), WIDTH,
                                                                  flexible=5))]
    opinions = [_short(v.opinion, 200) for v in visits if v.opinion]
    story += [M(_('业主意见汇总'), "h2"), P("\n".join(f"· {o}" for o in opinions) or _('无'), "body"),
              Spacer(1, 10 * mm), M(_('编制：{BLANK}\u3000\u3000\u3000审核：{BLANK}\u3000\u3000\u3000日期：____年__月__日').format(BLANK=BLANK), "body")]
    title = _('工程回访报告 {code}').format(code=project.code)
    target = Path(path)
    with atomic_pdf(target) as tmp:
        doc = SimpleDocTemplate(tmp, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=20 * mm,
                                bottomMargin=18 * mm, **doc_kwargs(_('工程回访报告 {code}').format(code=project.code), comp.name))
        doc.build(story, canvasmaker=numbered_canvas_class(comp.name, title, skip_first=False))
    return target
