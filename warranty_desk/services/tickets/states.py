"""The ticket's state machine (rules/ticket_states.py): a move is checked against the legal steps and
their guards, stamps the times the deadlines are measured by, and is recorded as an event; closing
after the owner's check plans the after-repair visit."""

from __future__ import annotations

import datetime as dt

from ...errors import ValidationError
from ...i18n import _
from ...models import Ticket, TicketEvent, database_proxy
from ...rules import responsibility as resp
from ...rules import ticket_states as st
from .. import audit
from . import after_repair
from .common import SIGNOFF_KINDS, _fresh, _not_future, _now, _save, _text, parse_moment


def _last_event(ticket: Ticket) -> TicketEvent | None:
    return (TicketEvent.select().where(TicketEvent.ticket == ticket)
            .order_by(TicketEvent.at.desc(), TicketEvent.id.desc()).first())


def _check_guards(ticket: Ticket, rule: st.Transition) -> None:
    for guard in rule.guards:
        if guard == st.NEEDS_ASSIGNEE and not (ticket.assignee_id or ticket.subcontractor_id):
            raise ValidationError(_("请先指派维修人员或维修分包单位，再改为“已派工”"), field="assignee")
        if guard == st.NEEDS_QUOTE_ACCEPTED and ticket.quote_accepted is not True:
            raise ValidationError(_("有偿维修须业主先接受报价，才能派工。请先登记报价和业主的答复"), field="quote")
        if guard == st.NEEDS_QUOTE_REFUSED and ticket.quote_accepted is not False:
            raise ValidationError(_("只有业主拒绝了报价，才能不维修而关闭；请先登记业主的答复"), field="quote")
        if guard == st.NEEDS_PAID_QUOTE and _owner_pays(ticket) and ticket.quote_accepted is not True:
            raise ValidationError(
                _("本单由业主付费（{cause}），须业主先接受报价才能开始维修").format(
                    cause=resp.cause_name(ticket.cause_class) if ticket.cause_class else _("保修期外")), field="quote")
        if guard == st.NEEDS_SIGNOFF and ticket.signoff_kind not in SIGNOFF_KINDS:
            raise ValidationError(
                _("关闭前须有业主验收签字（屏幕签字或纸质签字扫描件），或登记业主拒签及原因"), field="signoff")


def _owner_pays(ticket: Ticket) -> bool:
    return ticket.payer == resp.OWNER or not ticket.in_warranty


def _move(ticket: Ticket, to_state: str, reason: str, by: str, at: dt.datetime) -> None:
    try:
        rule = st.check(ticket.state, to_state, reason)
    except st.IllegalTransition as exc:
        raise ValidationError(str(exc), field="state") from None
    _check_guards(ticket, rule)
    if at < ticket.reported_at:
        raise ValidationError(
            _("时间（{at}）早于报修时间（{rep}），请核对").format(
                at=at.strftime("%Y-%m-%d %H:%M"), rep=ticket.reported_at.strftime("%Y-%m-%d %H:%M")), field="at")
    last = _last_event(ticket)
    if last is not None and at < last.at:
        raise ValidationError(
            _("时间（{at}）早于上一步“{state}”的时间（{last}），请核对").format(
                at=at.strftime("%Y-%m-%d %H:%M"), state=st.state_name(last.to_state), last=last.at.strftime("%Y-%m-%d %H:%M")),
            field="at")
    _not_future(at, _("时间"), "at")
    old = audit.snapshot(ticket)
    source = ticket.state
    ticket.state = to_state
    if to_state in (st.DISPATCHED, st.PAID, st.ELSEWHERE) and ticket.responded_at is None:
        ticket.responded_at = at
    if to_state == st.ONSITE and ticket.onsite_at is None:
        ticket.onsite_at = at
    if to_state == st.AWAITING_CHECK:
        ticket.completed_at = at
    if to_state == st.REPAIRING and source == st.AWAITING_CHECK:  # rework: not complete after all
        ticket.completed_at = None
        ticket.signoff_kind, ticket.signoff_by, ticket.signoff_at, ticket.signoff_note = "", "", None, ""
    if to_state == st.CLOSED:
        ticket.closed_at = at
    _save(ticket, old, "transition", reason)
    TicketEvent.create(ticket=ticket, from_state=source, to_state=to_state, at=at, by=by, reason=reason)
    if to_state == st.CLOSED and source == st.AWAITING_CHECK:
        after_repair.schedule_visit(ticket, at.date())


def transition(ticket_ref, to_state: str, reason: str = "", by: str | None = None, at=None,
               expected_version: int | None = None) -> Ticket:
    """Move a ticket to `to_state` when the state machine allows it; records who, when and why."""
    to_state = st.state_key(to_state)
    reason = _text(reason, 1000, _("原因"), "reason")
    by = _text(by, 100, _("经办人"), "by") or audit.current_user()
    at = parse_moment(at) or _now()
    with database_proxy.atomic():
        ticket = _fresh(ticket_ref, expected_version)
        _move(ticket, to_state, reason, by, at)
    return ticket


def cancel(ticket_ref, reason: str, by: str | None = None, at=None, expected_version: int | None = None) -> Ticket:
    """撤销: the only way to take a ticket off the books; it stays, with the reason."""
    if not (reason or "").strip():
        raise ValidationError(_("撤销工单须写明原因"), field="reason")
    return transition(ticket_ref, st.CANCELLED, reason, by, at, expected_version)
