"""Forms for field work, printable blank or filled from a record:
回访记录表 (a Visit), 质量修理通知书 (a Ticket), 维修记录单 / 保修完成验收单 (a Ticket).

Every builder takes the record (instance or id) or None for a blank form; a blank form may still
carry a project (instance, id or code) so the clerk prints it with the project's name on it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, SimpleDocTemplate, Spacer

from warranty_desk.i18n import N_, _

from ..models import CostLine, Ticket, Visit, VisitFinding
from ..rules import responsibility as resp
from ..rules import satisfaction
from ..rules import visit_states as vs
from ..rules.categories import category_name
from ..rules.satisfaction import grade_name, rating_grade
from ..rules.sla import URGENCIES, urgency_name
from ..rules.visit_methods import METHODS, method_name
from ..rules.visit_plan import kind_name
from ..rules.visit_purposes import purposes_of
from ..services import questionnaires as qn
from ..services.projects import find_project
from ..services.tickets import channel_name, cost_description, cost_kind_name
from ..services.visit_records import area_name, findings_text
from . import data
from .style import (
    CELL_SHRINK,
    HEAD_BG,
    M,
    P,
    atomic_pdf,
    doc_kwargs,
    fitted_widths,
    fmt_date,
    fmt_datetime,
    grid_table,
    label_width,
    long_dates,
    longest_word,
    money_text,
    numbered_canvas_class,
    para_text,
    plain_table,
    printed_in,
    text_width,
)

MARGIN = 18 * mm
WIDTH = text_width(A4[0], MARGIN)
GRADES = tuple(name for _floor, name in satisfaction.GRADES)
# the printed form's own words for a visit's state
STATUS_TEXTS = {vs.PLANNED: N_("待回访"), vs.DONE: N_("已完成"), vs.UNREACHABLE: N_("未联系上"), vs.MISSED: N_("未完成"),
                vs.CANCELLED: N_("已取消")}
CHECKED, UNCHECKED = "■", "□"


class MinHeight(Flowable):
    """Content that takes at least `height` (a box to write in by hand when the form is blank)."""

    def __init__(self, content: list, height: float):
        super().__init__()
        self.content = content
        self.min_height = height

    def wrap(self, aw, ah):
        self._sizes = [f.wrap(aw, ah) for f in self.content]
        self.width = aw
        self.height = max(self.min_height, sum(h for _x, h in self._sizes))
        return self.width, self.height

    def split(self, aw, ah):
        return []  # the cell does not split: a long text comes in pieces (see _pieces)

    def draw(self):
        y = self.height
        for f, (_w, h) in zip(self.content, self._sizes):
            y -= h
            f.drawOn(self.canv, 0, y)


def _choices(options, chosen, name=None) -> str:
    """□满意 ■比较满意 … (markup); `name` says a stored option in the paper's language. A box
    stays on the line of its option, and an option of several words stays on one line."""
    def one(option):
        label = (name(option) if name else option).replace(" ", "\u00a0")
        return f"{CHECKED if option == chosen else UNCHECKED}{para_text(label)}"
    return "\u3000".join(one(o) for o in options)


def _v(value) -> str:
    return "" if value is None else str(value)


def _grid(pairs):
    """Label/value rows: a pair (label, value) takes half a row; (label, value, True) a whole row;
    (label, value, height) a whole row at least `height` tall. Values are user text unless they
    are ('markup', text)."""
    # the labels' column: wide enough for the longest label of a pair (the paper's language), at most 34 mm
    lw = label_width([pair[0] for pair in pairs], "cell", 24 * mm, 34 * mm)
    vw = WIDTH / 2 - lw
    rows, spans, shade = [], [], []

    def cell(value, min_h=None):
        if isinstance(value, tuple) and value and value[0] == "markup":
            para = M(value[1], "cell")
        else:
            para = P(value, "cell")
        if not min_h and not value:
            min_h = 6 * mm  # room to write by hand
        return MinHeight([para], min_h) if min_h else para

    pending: list[Any] = []
    for pair in pairs:
        label, value, *rest = pair
        if rest:
            if pending:
                rows.append(pending + ["", ""])
                spans.append(("SPAN", (1, len(rows) - 1), (3, len(rows) - 1)))
                pending = []
            min_h = rest[0] if not isinstance(rest[0], bool) else None
            for n, piece in enumerate(_pieces(value, WIDTH - lw - 8, PIECE_HEIGHT) if value else [None]):
                # a long text goes on in rows of its own (续), so the table breaks between them at
                # the page end instead of moving the whole text to the next page
                content = cell(value, min_h) if piece is None else (MinHeight([piece], min_h) if min_h else piece)
                rows.append([M(label if n == 0 else _("（续）"), "cell"), content, "", ""])
                spans.append(("SPAN", (1, len(rows) - 1), (3, len(rows) - 1)))
            continue
        pending += [M(label, "cell"), cell(value)]
        if len(pending) == 4:
            rows.append(pending)
            shade.append(("BACKGROUND", (2, len(rows) - 1), (2, len(rows) - 1), HEAD_BG))
            pending = []
    if pending:
        rows.append(pending + ["", ""])
        spans.append(("SPAN", (1, len(rows) - 1), (3, len(rows) - 1)))
    extra = [("BACKGROUND", (0, 0), (0, -1), HEAD_BG), *shade, *spans]
    return grid_table(rows, [lw, vw, lw, vw], header_rows=0, zebra=False, extra=extra)


PIECE_HEIGHT = 60 * mm  # the longest piece of a long text in one row of a form


def _pieces(value, width: float, height: float) -> list:
    """A text as paragraphs of at most `height` each (one when it is short)."""
    para = M(value[1], "cell") if isinstance(value, tuple) else P(value, "cell")
    pieces = []
    while True:
        _w, h = para.wrap(width, height * 10)
        if h <= height:
            pieces.append(para)
            return pieces
        parts = para.split(width, height)
        if len(parts) < 2:
            pieces.append(para)
            return pieces
        pieces.append(parts[0])
        para = parts[1]


def _signatures(labels):
    cells = [[M(_("{label}：").format(label=label), "body") for label in labels],
             [M(_("日期：______年____月____日"), "small") for _x in labels]]
    return KeepTogether([Spacer(1, 6 * mm), plain_table(cells, [WIDTH / len(labels)] * len(labels),
                                                        [("BOTTOMPADDING", (0, 0), (-1, 0), 9 * mm)])])


def _header(title: str, number: str, comp_name: str):
    return [M(para_text(comp_name), "subtitle"), M(title, "title"),
            plain_table([[M("", "small"), M(_("编号：{value}").format(value=para_text(number) or "__________"), "right")]],
                        [WIDTH / 2, WIDTH / 2]),
            Spacer(1, 2 * mm)]


FRAME_HEIGHT = A4[1] - 40 * mm - 12  # the page frame of `_build` (its margins and the frame's padding)


def story_height(story, width: float = WIDTH) -> float:
    """How tall `story` sets in one column of `width` (space before and after included)."""
    total = 0.0
    for flowable in story:
        if isinstance(flowable, KeepTogether):
            total += story_height(flowable._content, width)
            continue
        _w, h = flowable.wrap(width, FRAME_HEIGHT)
        total += h + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


def _build(path, story, title, comp):
    target = Path(path)
    with atomic_pdf(target) as tmp:
        doc = SimpleDocTemplate(tmp, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=20 * mm,
                                bottomMargin=20 * mm, **doc_kwargs(title, comp.name))
        doc.build(story, canvasmaker=numbered_canvas_class(comp.name, title, skip_first=False))
    return target


def _project_of(record, project):
    if record is not None:
        return record.project
    return find_project(project) if project is not None else None


def _unit_text(unit, project) -> str:
    if unit is not None:
        return " ".join(x for x in (unit.label, unit.owner_name) if x)
    return ""


def _category(key: str) -> str:
    return category_name(key) if key else ""


# --- 回访记录表 -----------------------------------------------------------------------------


@printed_in
def build_visit_form(visit, path, project=None, lang: str = "zh_CN") -> Path:
    """回访记录表: filled from `visit` (Visit or id), or blank (visit=None, optional project), in `lang`."""
    if isinstance(visit, int):
        visit = Visit.get_by_id(visit)
    proj = _project_of(visit, project)
    comp = data.company()
    v = visit
    found = []
    if v is not None:
        rows = list(VisitFinding.select().where(VisitFinding.visit == v).order_by(VisitFinding.id))
        found = [_("[{area}] {description}").format(area=area_name(r.area), description=r.description)
                 if r.area else r.description for r in rows]
        summary = findings_text(v.findings.strip())
        # the visit's own summary only when it says more than its findings (often it is one of them)
        if summary and not any(r.description.strip() and r.description.strip() in summary for r in rows):
            found.insert(0, summary)
    tickets = []
    if v is not None:
        tickets = list(v.tickets_found)
        tickets += [r.ticket for r in VisitFinding.select().where((VisitFinding.visit == v)
                                                                  & VisitFinding.ticket.is_null(False))]
        tickets = list({t.id: t for t in tickets}.values())
    grade = satisfaction.LEGACY.get(v.grade, v.grade) if v is not None and v.grade else ""
    score = _("{score}分").format(score=_score_text(v.score)) if v is not None and v.score is not None else ""
    pairs = [
        (_("工程名称"), proj.name if proj else "", True),
        (_("工程编号"), proj.code if proj else ""), (_("房号 / 业主"), _unit_text(v.unit if v else None, proj)),
        (_("计划日期"), fmt_date(v.planned_on) if v else ""),
        (_("回访日期"), fmt_datetime(v.done_at) if v else ""),
        (_("回访类型"), kind_name(v.kind) if v else ""),
        (_("回访方式"), ("markup", _choices(METHODS, v.method if v else None, method_name))),
        (_("回访人"), (v.visitor or (v.staff.name if v.staff_id else "")) if v else ""),
        (_("被访人"), v.met_person if v else ""),
        (_("联系电话"), (v.unit.owner_phone if v and v.unit_id else (proj.phone if proj else ""))),
        (_("状态"), _(STATUS_TEXTS.get(v.status, v.status)) if v else ""),
        (_("回访内容"), "\n".join(purposes_of(v.purposes)) if v else "", 22 * mm),
        (_("发现的问题"), "\n".join(found), 40 * mm),
        (_("业主意见和建议"), v.opinion if v else "", 30 * mm),
        (_("满意度"), ("markup", _choices(GRADES, grade, grade_name)
                               + (_("　（{score}）").format(score=para_text(score)) if score else "")), True),
        (_("需维修事项"), "\n".join(f"{t.number} {_category(t.category)} {t.description}" for t in tickets), 22 * mm),
    ]
    story = _header(_("工程回访记录表"), f"HF-{v.id:05d}" if v else "", comp.name)
    story += [_grid(pairs), *_questionnaire(v), _signatures([_("回访人签字"), _("被访人签字")])]
    return _build(path, story, _("工程回访记录表"), comp)


def question_widths(head, fractions, areas, width: float = WIDTH) -> list[float]:
    """A questionnaire's columns: the category column as wide as its longest area word (English
    ones are long: "Communication"), what that takes out of the question's."""
    widths = fitted_widths(head, fractions, width, flexible=2)
    least = max((longest_word(a, "cell_c") * CELL_SHRINK for a in areas), default=0) + 8
    if widths[1] < least:
        widths[2] -= least - widths[1]
        widths[1] = least
    return widths


def _score_text(score) -> str:
    """44.5 → 44.5, 86.0 → 86 (a score is never rounded on a signed form)."""
    return f"{float(score):.2f}".rstrip("0").rstrip(".")


def _questionnaire(visit) -> list:
    """The questionnaire with the owner's answers (a recorded visit), or its questions with room
    for the answers (a visit still to be made, or a blank form: the office's current questionnaire)."""
    from ..rules import scoring
    from ..services import questionnaires, visit_records

    template = visit.template_id if visit is not None and visit.template_id else None
    if template is None:
        current = questionnaires._active(questionnaires.DEFAULT_FAMILY)  # read only: printing writes nothing
        template = current.id if current is not None else None
    if template is None:
        return []
    answers = visit_records.answers_of(visit) if visit is not None and visit.template_id else {}
    head = (_("序号"), _("类别"), _("题目"), _("回答"), _("得分"))
    rows = [[M(h, "head") for h in head]]
    areas = []
    for n, q in enumerate(questionnaires.questions_of(template), 1):
        value = answers.get(q.id, "")
        try:
            points = scoring.answer_score(questionnaires.spec_of(q), value) if value else None
        except scoring.AnswerError:
            points = None
        shown = _("{value} 分").format(value=value) if q.kind == scoring.SCALE and value else qn.shown(value)
        areas.append(qn.shown(q.area))
        rows.append([M(str(n), "cell_c"), P(qn.shown(q.area), "cell_c"), P(qn.shown(q.text), "cell"),
                     MinHeight([P(shown, "cell")], 0 if value else 6 * mm),
                     P("" if points is None else _score_text(points), "cell_c")])
    return [Spacer(1, 3 * mm), M(_("回访问卷"), "h2"),
            grid_table(rows, question_widths(head, (0.07, 0.13, 0.44, 0.26, 0.10), areas), zebra=False)]


# --- 质量修理通知书 ---------------------------------------------------------------------------


def _ticket(ticket):
    if isinstance(ticket, int):
        return Ticket.get_by_id(ticket)
    return ticket


@printed_in
def build_repair_notice(ticket, path, project=None, lang: str = "zh_CN") -> Path:
    """质量修理通知书: filled from `ticket` (Ticket or id), or blank (ticket=None, optional project), in `lang`."""
    t = _ticket(ticket)
    proj = _project_of(t, project)
    comp = data.company()
    client = proj.client.name if proj and proj.client_id else ""
    urgency = t.urgency if t else None
    in_warranty = None if t is None else (_("是") if t.in_warranty else _("否"))
    pairs = [
        (_("致（承包人）"), comp.name, True),
        (_("工程名称"), proj.name if proj else "", True),
        (_("工程编号"), proj.code if proj else ""), (_("房号 / 业主"), _unit_text(t.unit if t else None, proj)),
        (_("报修人"), t.reporter if t else ""), (_("联系电话"), t.phone if t else ""),
        (_("报修时间"), fmt_datetime(t.reported_at) if t else ""), (_("报修方式"), channel_name(t.channel) if t else ""),
        (_("问题部位"), t.location if t else ""), (_("问题类别"), _category(t.category) if t else ""),
        (_("紧急程度"), ("markup", _choices(URGENCIES, urgency, urgency_name))),
        (_("在保修期内"), ("markup", _choices((_("是"), _("否")), in_warranty))),
        (_("问题描述"), t.description if t else "", 50 * mm),
        (_("保修期判定"), _decision(t) if t else "", True),
        (_("要求到场时间"), fmt_datetime(t.onsite_due) if t else ""),
        (_("要求修复时间"), fmt_datetime(t.complete_due) if t else ""),
    ]
    sla = data.sla_values()
    note = (_("请承包人按工程质量保修书的约定派人保修：一般问题{normal_onsite}内到达现场，紧急情况{emergency_onsite}内到达现场抢修。逾期不派人保修的，发包人可另行委托他人修理，费用由造成质量缺陷的责任方承担。").format(normal_onsite=sla["normal_onsite"], emergency_onsite=sla["emergency_onsite"]))
    story = _header(_("质量修理通知书"), t.number if t else "", comp.name)
    story += [_grid(pairs), Spacer(1, 3 * mm), P(note, "small"),
              _signatures([_("通知单位（盖章）{para_text}<br/>通知人签字").format(para_text=para_text(client)), _("承包人签收（签字）")])]
    return _build(path, story, _("质量修理通知书"), comp)


def _decision(t, keep_program_reason: bool = False) -> str:
    """The warranty decision as the paper prints it: the clerk's reason for changing it as written
    (unless `keep_program_reason`), else the program's decision in the paper's language; its dates
    in the documents' format."""
    if t.warranty_override_reason and not keep_program_reason:
        return long_dates(t.warranty_override_reason)
    return long_dates(resp.decision_text(t.warranty_reason))


# --- 维修记录单 / 保修完成验收单 -------------------------------------------------------------------


def _cost_table(t):
    lines = list(CostLine.select().where(CostLine.ticket == t).order_by(CostLine.id)) if t else []
    labels = (_("类别"), _("内容"), _("数量"), _("单价"), _("金额"), _("承担方"))
    rows = [[M(h, "head") for h in labels]]
    for line in lines:
        rows.append([P(cost_kind_name(line.kind), "cell_c"), P(cost_description(line.description), "cell"), P(f"{line.quantity:g}", "cell_r"),
                     P(money_text(line.unit_price), "cell_r"), P(money_text(line.amount), "cell_r"),
                     P(resp.payer_name(line.borne_by), "cell_c")])
    for _i in range(max(0, 3 - len(lines))):
        rows.append(["", "", "", "", "", ""])
    total = sum((line.amount for line in lines), start=0)
    rows.append([M(_("合计"), "cell_c"), "", "", "", P(money_text(total) if lines else "", "cell_r"), ""])
    fr = (0.10, 0.40, 0.10, 0.13, 0.14, 0.13)
    return grid_table(rows, fitted_widths(labels, fr, WIDTH, flexible=1), zebra=False,
                      extra=[("SPAN", (0, len(rows) - 1), (3, len(rows) - 1)),
                             ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None])])


def _subcontractor_text(t) -> str:
    """The subcontractor; 未指定 when the cost falls on a subcontractor the ticket does not name."""
    if t is None:
        return ""
    if t.subcontractor_id:
        return t.subcontractor.name
    if t.payer == resp.SUBCONTRACTOR:
        return _("未指定（费用由分包单位承担，请在工单上指定）")
    return ""


@printed_in
def build_repair_record(ticket, path, project=None, lang: str = "zh_CN") -> Path:
    """维修记录单 / 保修完成验收单: filled from `ticket` (Ticket or id), or blank, in `lang`."""
    t = _ticket(ticket)
    proj = _project_of(t, project)
    comp = data.company()
    accepted = None
    if t is not None and t.signoff_kind:
        accepted = _("不合格") if t.signoff_kind == "refused" else _("合格")
    # the owner's 1–5 rating of the repair (not the 0–100 score of a visit)
    satisfaction = rating_grade(t.satisfaction) if t is not None else None
    pairs = [
        (_("工程名称"), proj.name if proj else "", True),
        (_("工程编号"), proj.code if proj else ""), (_("房号 / 业主"), _unit_text(t.unit if t else None, proj)),
        (_("报修人"), t.reporter if t else ""), (_("联系电话"), t.phone if t else ""),
        (_("报修时间"), fmt_datetime(t.reported_at) if t else ""), (_("问题类别"), _category(t.category) if t else ""),
        (_("问题描述"), t.description if t else "", 30 * mm),
        (_("维修人员"), (t.assignee.name if t and t.assignee_id else "")),
        (_("分包单位"), _subcontractor_text(t)),
        (_("到场时间"), fmt_datetime(t.onsite_at) if t else ""),
        (_("完成时间"), fmt_datetime(t.completed_at) if t else ""),
        (_("原因分类"), resp.cause_name(t.cause_class) if t else ""), (_("费用承担"), resp.payer_name(t.payer) if t else ""),
    ]
    story = _header(_("维修记录单 / 保修完成验收单"), t.number if t else "", comp.name)
    story += [_grid(pairs), Spacer(1, 3 * mm), M(_("维修内容、材料及费用"), "h2"), _cost_table(t), Spacer(1, 3 * mm)]
    accept_pairs = [
        (_("验收结论"), ("markup", _choices((_("合格"), _("不合格")), accepted)), True),
        (_("满意度"), ("markup", _choices(GRADES, satisfaction, grade_name)), True),
        (_("验收意见"), t.signoff_note if t else "", 15 * mm),
        (_("验收人"), t.signoff_by if t else ""), (_("验收时间"), fmt_datetime(t.signoff_at) if t else ""),
    ]
    story += [M(_("保修完成验收"), "h2"), _grid(accept_pairs),
              P(_("保修完成后，请业主（使用人）逐项验收并签字认可。"), "note"),
              _signatures([_("维修人签字"), _("业主（使用人）签字"), _("施工单位（盖章）")])]
    return _build(path, story, _("维修记录单"), comp)
