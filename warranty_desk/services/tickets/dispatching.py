"""Dispatch: our own staff and/or the subcontractor (by default the one responsible for the item)."""

from __future__ import annotations

from ...errors import NotFound, ValidationError
from ...i18n import _, said
from ...models import Staff, Subcontractor, Ticket, database_proxy
from ...rules import ticket_states as st
from ...rules.categories import CATEGORIES
from .. import audit
from .common import (
    DISPATCHED_TO,
    REASSIGNED,
    REASSIGNED_BECAUSE,
    _fresh,
    _item,
    _now,
    _save,
    _text,
    get_ticket,
    join_list,
    parse_moment,
)
from .states import _move


def _staff(value) -> Staff | None:
    if value in (None, ""):
        return None
    if isinstance(value, Staff):
        return value
    staff = (Staff.get_or_none(Staff.id == value) if isinstance(value, int)
             else Staff.get_or_none(Staff.name == str(value).strip()))
    if staff is None:
        raise NotFound(_("找不到维修人员“{v}”").format(v=value))
    return staff


def _subcontractor(value) -> Subcontractor | None:
    if value in (None, ""):
        return None
    if isinstance(value, Subcontractor):
        return value
    sub = (Subcontractor.get_or_none(Subcontractor.id == value) if isinstance(value, int)
           else Subcontractor.get_or_none(Subcontractor.name == str(value).strip()))
    if sub is None:
        raise NotFound(_("找不到分包单位“{v}”").format(v=value))
    return sub


def responsible_subcontractor(ticket_ref) -> Subcontractor | None:
    """The subcontractor responsible for the ticket's warranty item, if one is recorded."""
    ticket = get_ticket(ticket_ref)
    item = _item(ticket.project, ticket.category)
    return item.subcontractor if item is not None and item.subcontractor_id else None


def dispatch(ticket_ref, staff=None, subcontractor=None, *, to_responsible_subcontractor: bool = False,
             by: str | None = None, at=None, expected_version: int | None = None, reason: str = "") -> Ticket:
    """Send our own staff and/or the subcontractor (by default the item's responsible one).

    From 已受理 (or 非保修/有偿 with the quote accepted) the ticket moves to 已派工; a ticket already
    已派工 is re-assigned."""
    by = _text(by, 100, _("经办人"), "by") or audit.current_user()
    at = parse_moment(at) or _now()
    with database_proxy.atomic():
        ticket = _fresh(ticket_ref, expected_version)
        person = _staff(staff)
        sub = _subcontractor(subcontractor)
        if to_responsible_subcontractor and sub is None:
            sub = responsible_subcontractor(ticket)
            if sub is None:
                raise ValidationError(
                    _("“{name}”没有登记责任分包单位，请选择分包单位或派本公司人员").format(
                        name=CATEGORIES[ticket.category].name), field="subcontractor")
        if person is None and sub is None:
            raise ValidationError(_("请选择维修人员或分包单位"), field="assignee")
        if person is not None and not person.active:
            raise ValidationError(_("{name}已停用，请选择其他人员").format(name=person.name), field="assignee")
        if sub is not None and not sub.active:
            raise ValidationError(_("{name}已停用，请选择其他分包单位").format(name=sub.name), field="subcontractor")
        if not st.can_dispatch(ticket.state):
            raise ValidationError(_("工单当前为“{s}”，不能派工").format(s=st.state_name(ticket.state)), field="state")
        old = audit.snapshot(ticket)
        ticket.assignee = person
        ticket.subcontractor = sub
        who = join_list(x for x in (person.name if person else "", sub.name if sub else "") if x)
        if ticket.state == st.DISPATCHED:
            _save(ticket, old, "dispatch", said(REASSIGNED_BECAUSE, who=who, reason=reason) if reason
                  else said(REASSIGNED, who=who))
        else:
            _move(ticket, st.DISPATCHED, reason or said(DISPATCHED_TO, who=who), by, at)
    return ticket
