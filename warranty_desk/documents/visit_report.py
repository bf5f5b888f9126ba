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
from ..models import Project, Visit
from ..rules import scoring
from ..rules.satisfaction import grade
from ..rules.visit_plan import KIND_NAMES
from ..services import questionnaires, visit_records
from ..services.visits import STATUS_NAMES
from . import data
from .style import (
    BLANK,
    M,
    P,
    atomic_pdf,
    doc_kwargs,
    fmt_date,
    fmt_datetime,
    grid_table,
    numbered_canvas_class,
    para_text,
)

MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN


def _kv_table(pairs: list[tuple[str, str]]):
    rows = []
    for i in range(0, len(pairs), 2):
        chunk = pairs[i:i + 2] + [("", "")] * (2 - len(pairs[i:i + 2]))
        rows.append([M(chunk[0][0], "cell"), P(chunk[0][1], "cell"), M(chunk[1][0], "cell"), P(chunk[1][1], "cell")])
    return grid_table(rows, [WIDTH * 0.14, WIDTH * 0.36, WIDTH * 0.14, WIDTH * 0.36], header_rows=0, zebra=False)


def _short(text: str, limit: int = 60) -> str:
    """Long texts are cut in the round summary; the per-visit report prints them in full."""
    text = (text or "").replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "…（详见单次回访报告）"


def _answer_text(question, value) -> str:
    if question.kind == scoring.SCALE and value:
        return f"{value} 分"
    return value or "（未答）"


def _visit_story(visit: Visit, lang: str) -> list:
    project = visit.project
    unit = visit.unit if visit.unit_id else None
    story = [M("工程回访报告", "title"), P(f"{project.code}　{project.name}", "subtitle"), Spacer(1, 4 * mm)]
    story.append(_kv_table([
        ("工程名称", project.name),
        ("工程编号", project.code),
        ("建设单位", project.client.name if project.client_id else ""),
        ("工程地址", project.address),
        ("房号", unit.label if unit else "—"),
        ("联系人/电话", "　".join(x for x in ((unit.owner_name if unit else project.contact),
                                             (unit.owner_phone if unit else project.phone)) if x)),
        ("回访类型", KIND_NAMES.get(visit.kind, visit.kind)),
        ("回访方式", visit.method),
        ("计划日期", fmt_date(visit.planned_on, lang)),
        ("回访时间", fmt_datetime(visit.done_at, lang) or "—"),
        ("回访人", visit.visitor or (visit.staff.name if visit.staff_id else "")),
        ("被访人", visit.met_person),
        ("状态", STATUS_NAMES.get(visit.status, visit.status)),
        ("满意度", f"{visit.score:.1f} 分　{visit.grade}" if visit.score is not None else "—"),
    ]))
    purposes = [p for p in (visit.purposes or "").split("\n") if p.strip()]
    if purposes:
        story += [M("回访目的", "h2"), P("\n".join(purposes), "body")]

    if visit.template_id:
        answers = visit_records.answers_of(visit)
        questions = questionnaires.questions_of(visit.template_id)
        rows = [[M(h, "head") for h in ("序号", "类别", "题目", "回答", "得分")]]
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
                shown = "见下文"
            rows.append([M(str(n), "cell_c"), P(q.area, "cell_c"), P(q.text, "cell"),
                         P(shown, "cell"), P("" if s is None else f"{s:.0f}", "cell_c")])
        story += [M("回访问卷", "h2"),
                  grid_table(rows, [WIDTH * f for f in (0.07, 0.13, 0.45, 0.25, 0.10)])]
        for n, q, value in free_text:
            story += [Spacer(1, 2 * mm), P(f"第{n}题 {q.text}", "small"), P(value, "indent")]

    findings = visit_records.findings_of(visit)
    story.append(M("发现的问题及处理", "h2"))
    if findings:
        for n, f in enumerate(findings, 1):
            action = f"已生成维修工单 {f.ticket.number}（{f.ticket.state}）" if f.ticket_id else "记录在案，跟踪观察"
            story.append(M(f"{n}. 【{para_text(f.area)}】{para_text(f.description)}", "body"))
            story.append(M(f"处理措施：{para_text(action)}", "note"))
    else:
        story.append(P(visit.findings or "未发现问题", "body"))
    story += [M("业主意见", "h2"), P(visit.opinion or "无", "body"), Spacer(1, 10 * mm)]
    sign = M(f"回访人（签字）：{BLANK}　　　被访人（签字）：{BLANK}　　　日期：____年__月__日", "body")
    story.append(KeepTogether([sign]))
    return story


def build_visit_report(visit_ids: list[int], path, lang: str = "zh_CN") -> Path:
    """One page per visit (recorded or not: a planned visit prints as a blank form to fill in)."""
    if not visit_ids:
        raise ValidationError("请先选择要打印的回访", field="visits")
    visits = [visit_records.get_visit(i) for i in visit_ids]
    comp = data.company()
    story: list = []
    for n, visit in enumerate(visits):
        if n:
            story.append(PageBreak())
        story.extend(_visit_story(visit, lang))
    title = "工程回访报告"
    target = Path(path)
    with atomic_pdf(target) as tmp:
        doc = SimpleDocTemplate(tmp, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=20 * mm,
                                bottomMargin=18 * mm, **doc_kwargs(title, comp.name))
        doc.build(story, canvasmaker=numbered_canvas_class(comp.name, title, lang, skip_first=False))
    return target


def build_round_report(project_id: int, start: dt.date, end: dt.date, path, lang: str = "zh_CN") -> Path:
    """A project's visit round (all its visits planned in start…end) on one summary."""
    if end < start:
        raise ValidationError(f"结束日期（{end}）早于开始日期（{start}）", field="to")
    project = Project.get_or_none(Project.id == project_id)
    if project is None:
        raise ValidationError("找不到该工程，请刷新", field="project")
    visits = list(Visit.select().where((Visit.project == project) & Visit.planned_on.between(start, end)
                                       & (Visit.status != "cancelled")).order_by(Visit.planned_on, Visit.id))
    if not visits:
        raise ValidationError(f"工程“{project.code}”在 {start} 至 {end} 之间没有回访", field="from")
    comp = data.company()
    scores = [v.score for v in visits if v.score is not None]
    average = round(sum(scores) / len(scores), 2) if scores else None
    done = sum(1 for v in visits if v.status == "done")
    story = [M("工程回访报告（本轮汇总）", "title"), P(f"{project.code}　{project.name}", "subtitle"),
             P(f"{fmt_date(start, lang)} 至 {fmt_date(end, lang)}", "subtitle"), Spacer(1, 4 * mm),
             _kv_table([("计划回访", f"{len(visits)} 次"), ("已完成", f"{done} 次"),
                        ("平均满意度", f"{average:.1f} 分　{grade(average)}" if average is not None else "—"),
                        ("未联系上/未回访", f"{sum(1 for v in visits if v.status in ('unreachable', 'missed'))} 次")])]
    rows = [[M(h, "head") for h in ("日期", "房号/对象", "被访人", "状态", "得分", "发现的问题及处理")]]
    for v in visits:
        findings = visit_records.findings_of(v)
        lines = [f"{f.area}：{_short(f.description)}" + (f"（工单 {f.ticket.number}）" if f.ticket_id else "")
                 for f in findings]
        rows.append([
            P((v.done_at.date() if v.done_at else v.planned_on).isoformat(), "cell_c"),
            P(v.unit.label if v.unit_id else "工程", "cell_c"),
            P(v.met_person, "cell_c"),
            P(STATUS_NAMES.get(v.status, v.status), "cell_c"),
            P(f"{v.score:.0f} {v.grade}" if v.score is not None else "", "cell_c"),
            P("\n".join(lines) or (_short(v.findings) if v.status != "done" else "未发现问题"), "cell"),
        ])
    story += [M("回访明细", "h2"), grid_table(rows, [WIDTH * f for f in (0.13, 0.14, 0.12, 0.10, 0.12, 0.39)])]
    opinions = [_short(v.opinion, 200) for v in visits if v.opinion]
    story += [M("业主意见汇总", "h2"), P("\n".join(f"· {o}" for o in opinions) or "无", "body"),
              Spacer(1, 10 * mm), M(f"编制：{BLANK}　　　审核：{BLANK}　　　日期：____年__月__日", "body")]
    title = f"工程回访报告 {project.code}"
    target = Path(path)
    with atomic_pdf(target) as tmp:
        doc = SimpleDocTemplate(tmp, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=20 * mm,
                                bottomMargin=18 * mm, **doc_kwargs(f"工程回访报告 {project.code}", comp.name))
        doc.build(story, canvasmaker=numbered_canvas_class(comp.name, title, lang, skip_first=False))
    return target
