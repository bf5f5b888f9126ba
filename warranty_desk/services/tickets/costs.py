"""Responsibility, quote, cost and payment: the cause class decides who pays (RULES.md §4); an owner
who pays is quoted first; the cost lines and what was received."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from peewee import fn

from ...errors import NotFound, ValidationError
from ...i18n import _
from ...models import CostLine, Payment, Ticket, database_proxy
from ...rules import responsibility as resp
from ...rules import ticket_states as st
from .. import audit, fields
from .common import COST_KINDS, _fresh, _money, _save, _text, cost_kind_key, cost_kind_name, get_ticket
from .dispatching import responsible_subcontractor
from .states import _owner_pays

audit.NOTE_TEMPLATES.extend(resp.ALLOCATION_TEXTS)  # the note of a cause class set (stored before as a sentence)


def set_cause(ticket_ref, cause: str, expected_version: int | None = None, note: str = "") -> resp.Allocation:
    """Record the cause class (RULES.md §4); it decides who pays and whether a quote is needed."""
    cause = resp.cause_key(cause)
    with database_proxy.atomic():
        ticket = _fresh(ticket_ref, expected_version)
        if ticket.state == st.CANCELLED:
            raise ValidationError(_("工单已撤销，不能再修改"), field="cause_class")
        if not st.is_open(ticket.state):
            raise ValidationError(_("工单已“{s}”，不能再修改责任类别").format(s=st.state_name(ticket.state)), field="cause_class")
        try:
            resp.check_cause(cause, ticket.in_warranty)
        except ValueError as exc:
            raise ValidationError(str(exc), field="cause_class") from None
        sub = ticket.subcontractor_id is not None or responsible_subcontractor(ticket) is not None
        allocation = resp.allocate(cause, subcontractor_responsible=sub)
        old = audit.snapshot(ticket)
        ticket.cause_class = cause
        ticket.payer = allocation.payer
        _save(ticket, old, "set_cause", note or allocation.stored)
    return allocation


def set_quote(ticket_ref, amount, expected_version: int | None = None) -> Ticket:
    """The price offered to the owner for a paid repair; the owner's answer is recorded apart."""
    amount = _money(amount, _("报价金额"), "quote_amount")
    with database_proxy.atomic():
        ticket = _fresh(ticket_ref, expected_version)
        if not st.is_open(ticket.state):
            raise ValidationError(_("工单已“{s}”，不能再报价").format(s=st.state_name(ticket.state)), field="quote_amount")
        old = audit.snapshot(ticket)
        ticket.quote_amount = amount
        ticket.quote_accepted = None
        _save(ticket, old, "quote")
    return ticket


def answer_quote(ticket_ref, accepted: bool, note: str = "", expected_version: int | None = None) -> Ticket:
    """The owner accepted or refused the quote."""
    note = _text(note, 500, _("说明"), "note")
    with database_proxy.atomic():
        ticket = _fresh(ticket_ref, expected_version)
        if ticket.quote_amount is None:
            raise ValidationError(_("请先登记报价金额"), field="quote_amount")
        if not st.is_open(ticket.state):
            raise ValidationError(_("工单已“{s}”，不能再修改").format(s=st.state_name(ticket.state)), field="quote")
        old = audit.snapshot(ticket)
        ticket.quote_accepted = bool(accepted)
        _save(ticket, old, "quote_answer", note or (_("业主接受报价") if accepted else _("业主拒绝报价")))
    return ticket


def add_cost_line(ticket_ref, kind: str, description: str | None, amount=None, *, quantity=1, unit_price=None,
                  borne_by: str | None = None) -> CostLine:
    """A 人工 / 材料 / 其他 line (its kind and who bears it by key or by name in either language); who
    bears it defaults from the cause class."""
    kind = cost_kind_key(kind)
    borne_by = resp.payer_key(borne_by) if borne_by else borne_by
    if kind not in COST_KINDS:
        raise ValidationError(_("费用类别应为：{k}").format(k=" / ".join(cost_kind_name(k) for k in COST_KINDS)), field="kind")
    description = _text(description, 200, _("费用说明"), "description", required=True)
    try:
        qty = Decimal(str(quantity)).quantize(Decimal("0.001"))
    except Exception:
        raise ValidationError(_("数量“{q}”不是数字").format(q=quantity), field="quantity") from None
    if qty <= 0:
        raise ValidationError(_("数量必须大于零"), field="quantity")
    price = _money(unit_price, _("单价"), "unit_price", positive=False) if unit_price not in (None, "") else None
    if amount in (None, ""):
        if price is None:
            raise ValidationError(_("请填写金额，或填写数量和单价"), field="amount")
        total = (qty * price).quantize(Decimal("0.01"))
    else:
        total = _money(amount, _("金额"), "amount")
    with database_proxy.atomic():
        ticket = _fresh(ticket_ref, None)
        if ticket.state == st.CANCELLED:
            raise ValidationError(_("工单已撤销，不能再登记费用"), field="amount")
        if not st.is_open(ticket.state):
            raise ValidationError(_("工单已“{s}”，不能再登记费用").format(s=st.state_name(ticket.state)), field="amount")
        bearer = borne_by or (ticket.payer if ticket.payer in resp.BEARERS else "")
        if bearer not in resp.BEARERS:
            raise ValidationError(
                _("请选择费用承担方：{b}（先确定责任类别可自动带出）").format(b=" / ".join(resp.payer_name(b) for b in resp.BEARERS)), field="borne_by")
        if bearer == resp.OWNER and ticket.cause_class == resp.WORKMANSHIP:
            raise ValidationError(_("施工质量问题对业主免费，费用不能由业主承担"), field="borne_by")
        if bearer == resp.SUBCONTRACTOR and not (ticket.subcontractor_id or responsible_subcontractor(ticket)):
            raise ValidationError(_("本单没有维修或责任分包单位，费用不能记在分包单位名下"), field="borne_by")
        line = CostLine.create(ticket=ticket, kind=kind, description=description, quantity=qty,
                               unit_price=price if price is not None else total, amount=total, borne_by=bearer)
        audit.record("create", "cost_line", line.id, None, audit.snapshot(line), ticket.number)
    return line


def remove_cost_line(line_id: int, reason: str) -> None:
    """Take back a wrongly entered cost line (while the ticket is open); the audit log keeps it."""
    reason = _text(reason, 500, _("原因"), "reason", required=True)
    with database_proxy.atomic():
        line = CostLine.get_or_none(CostLine.id == line_id)
        if line is None:
            raise NotFound(_("找不到该费用记录"))
        if not st.is_open(line.ticket.state):
            raise ValidationError(_("工单已“{s}”，费用不能再删除").format(s=st.state_name(line.ticket.state)), field="amount")
        old = audit.snapshot(line)
        line.delete_instance()
        audit.record("delete", "cost_line", line_id, old, None, reason)


def cost_total(ticket_ref, borne_by: str | None = None) -> Decimal:
    ticket = get_ticket(ticket_ref)
    query = CostLine.select(fn.COALESCE(fn.SUM(CostLine.amount), 0)).where(CostLine.ticket == ticket)
    if borne_by:
        query = query.where(CostLine.borne_by == resp.payer_key(borne_by))
    return Decimal(str(query.scalar() or 0)).quantize(Decimal("0.01"))


def record_payment(ticket_ref, amount, received_on=None, received_by: str = "", note: str = "") -> Payment:
    """Money received from the owner for a paid repair."""
    amount = _money(amount, _("收款金额"), "amount")
    try:
        day = fields.date(received_on) or dt.date.today()
    except ValueError as exc:
        raise ValidationError(str(exc), field="received_on") from None
    received_by = _text(received_by, 100, _("收款人"), "received_by") or audit.current_user()
    note = _text(note, 500, _("备注"), "note")
    with database_proxy.atomic():
        ticket = _fresh(ticket_ref, None)
        if not _owner_pays(ticket) and cost_total(ticket, resp.OWNER) == 0:
            raise ValidationError(
                _("本单不由业主付费（{c}），不能登记业主付款").format(c=resp.cause_name(ticket.cause_class) if ticket.cause_class else _("保修期内")), field="amount")
        if day < ticket.reported_at.date():
            raise ValidationError(_("收款日期早于报修日期，请核对"), field="received_on")
        if day > dt.date.today():
            raise ValidationError(_("收款日期在将来，请核对"), field="received_on")
        payment = Payment.create(ticket=ticket, amount=amount, received_on=day, received_by=received_by, note=note)
        audit.record("create", "payment", payment.id, None, audit.snapshot(payment), ticket.number)
    return payment
