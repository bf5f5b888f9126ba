"""派工单: what the repairer takes to the site — the ticket, the owner and phone, the place, the
warranty decision, the deadlines, who is sent — with lines for the time on site and signatures.

`build_dispatch_sheet(ticket, path, lang)`: `ticket` is a Ticket, its id or its number."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from ..i18n import N_, _
from ..models import Ticket, TicketEvent
from ..rules import ticket_states as st
from ..rules.categories import category_name
from ..rules.sla import URGENCIES, urgency_name
from ..services.audit import current_user
from ..services.tickets import channel_name, get_ticket
from . import data
from .forms import FRAME_HEIGHT, WIDTH, MinHeight, _build, _choices, _decision, _grid, story_height
from .style import M, P, fmt_datetime, para_text, plain_table, printed_in

TITLE = N_("派工单")  # the document's name in the PDF metadata and page header


def _dispatched_at(t: Ticket):
    event = (TicketEvent.select(TicketEvent.at, TicketEvent.by)
             .where((TicketEvent.ticket == t) & (TicketEvent.to_state == st.DISPATCHED))
             .order_by(TicketEvent.at.desc(), TicketEvent.id.desc()).first())
    return (event.at, event.by) if event else (None, "")


def _person(name: str, *details: str) -> str:
    rest = "  ".join(d for d in details if d)
    return f"{name}  {rest}" if rest else name


BOXES = (30 * mm, 22 * mm, 22 * mm)  # room to write: the problem, what was found, what was done
LEAST_BOXES = 0.6  # the boxes may give up to 40% of their height so that the sheet stays one page


@printed_in
def build_dispatch_sheet(ticket, path, lang: str = "zh_CN") -> Path:
    """派工单 of one ticket, written atomically to `path` (A4), in `lang`. The repairer takes one
    sheet: when a language's longer labels (or a long description) would push the signatures onto a
    second page, the writing boxes give up some of their height first."""
    t = get_ticket(ticket)
    comp = data.company()
    story = _story(t, comp, 1.0)
    over = story_height(story) - (FRAME_HEIGHT - 1 * mm)  # a millimetre to spare for rounding
    if over > 0:
        story = _story(t, comp, max(LEAST_BOXES, 1 - over / sum(BOXES)))
    return _build(path, story, _(TITLE), comp)


def _story(t: Ticket, comp, boxes: float) -> list:
    """The sheet's flowables, its writing boxes at `boxes` × their height."""
    problem_box, found_box, done_box = (h * boxes for h in BOXES)
    proj = t.project
    unit = t.unit if t.unit_id else None
    category = category_name(t.category)
    verdict = _("保修期内") if t.in_warranty else _("保修期外（有偿维修）")
    decision = _("{verdict}：{reason}").format(verdict=verdict, reason=_decision(t, keep_program_reason=True))
    if t.warranty_override_reason:
        decision += "\n" + _("更改判定的原因：{r}").format(r=_decision(t))
    staff = _person(t.assignee.name, t.assignee.phone) if t.assignee else ""
    sub = ""
    s = t.subcontractor
    if s is not None:
        sub = _person(s.name, s.contact, s.phone)
    dispatched_at, dispatched_by = _dispatched_at(t)
    owner = ""
    if unit is not None:
        owner = "  ".join(x for x in (unit.owner_name, unit.owner_phone) if x)
    pairs = [
        (_("工程名称"), proj.name, True),
        (_("工程编号"), proj.code), (_("房号"), unit.label if unit else _("公共部位")),
        (_("工程地址"), proj.address, True),
        (_("业主"), owner), (_("报修人"), t.reporter),
        (_("联系电话"), t.phone), (_("报修时间"), fmt_datetime(t.reported_at)),
        (_("报修部位"), t.location), (_("报修类别"), category),
        (_("紧急程度"), ("markup", _choices(URGENCIES, t.urgency, urgency_name))),
        (_("报修方式"), channel_name(t.channel)),
        (_("保修判定"), decision, True),
        (_("问题描述"), t.description, problem_box),
    ]
    if t.repeat_of_id:
        pairs.append((_("重复报修"), _("与工单 {n} 为同一问题，请查看上次的维修情况").format(n=t.repeat_of.number), True))
    pairs += [
        (_("响应时限"), fmt_datetime(t.respond_due)), (_("到场时限"), fmt_datetime(t.onsite_due)),
        (_("完成时限"), fmt_datetime(t.complete_due)), (_("派工时间"), fmt_datetime(dispatched_at)),
        (_("维修人员"), staff, True),
        (_("维修分包单位"), sub, True),
    ]
    onsite_line = _("____年____月____日 ____时____分")
    field_pairs = [
        (_("实际到场时间"), fmt_datetime(t.onsite_at) or onsite_line, True),
        (_("完成时间"), fmt_datetime(t.completed_at) or onsite_line, True),
        (_("现场查看情况及原因"), "", found_box),
        (_("维修内容及用料"), "", done_box),
    ]
    note = _("请按时限到达现场；到场后请业主在本单上填写到场时间并签字。维修完成后由业主逐项验收签字，本单交回办公室存档。")
    if not t.in_warranty:
        note += _("本单为保修期外维修，须业主先确认报价后再施工。")
    story = [
        M(para_text(comp.name), "subtitle"), M(para_text(_("派工单")), "title"),
        plain_table([[M(para_text(_("派工人：{who}").format(who=dispatched_by or current_user())), "small"),
                      M(para_text(_("编号：{n}").format(n=t.number)), "right")]], [WIDTH / 2, WIDTH / 2]),
        Spacer(1, 2 * mm),
        _grid(pairs),
        Spacer(1, 3 * mm),
        M(para_text(_("维修人员填写")), "h2"),
        _grid(field_pairs),
        Spacer(1, 2 * mm),
        P(note, "small"),
        _signature_block(),
    ]
    if comp.hotline:
        story.append(P(_("报修电话：{tel}").format(tel=comp.hotline), "note"))
    return story


def _signature_block():
    labels = (_("维修人签字"), _("业主（报修人）签字"), _("派工人签字"))
    lines = (_("到场时间：____月____日____时____分"), _("日期：____年____月____日"), _("日期：____年____月____日"))
    width = WIDTH / len(labels)
    cells = [[M(para_text(_("{label}：").format(label=label)), "body") for label in labels],
             [MinHeight([M(para_text(line), "small")], 5 * mm) for line in lines]]
    return KeepTogether([Spacer(1, 5 * mm), plain_table(cells, [width] * len(labels),
                                                        [("BOTTOMPADDING", (0, 0), (-1, 0), 9 * mm)])])
