"""The owner's sign-off of a repair (on screen, on paper with its scan, or refused with the reason),
and the files of a request."""

from __future__ import annotations

from ...errors import ValidationError
from ...i18n import _, nested, said
from ...models import Ticket, database_proxy
from ...rules import ticket_states as st
from .. import attachments, audit
from .common import (
    PNG_MAGIC,
    SIGNED_OFF,
    SIGNOFF_KINDS,
    SIGNOFF_NOTED,
    _fresh,
    _now,
    _save,
    _text,
    get_ticket,
    parse_moment,
)
from .states import _move


def sign_off(ticket_ref, kind: str, by_name: str = "", *, at=None, signature_png: bytes | None = None,
             scan=None, scan_name: str | None = None, note: str = "", satisfaction: int | None = None,
             close: bool = False, by: str | None = None, expected_version: int | None = None) -> Ticket:
    """The owner's acceptance of the repair: 'screen' (PNG from the signature pad), 'paper' (the
    signed 保修完成验收单, with its scan), or 'refused' (with the reason). With `close` the ticket
    is closed in the same step."""
    if kind not in SIGNOFF_KINDS:
        raise ValidationError(_("验收方式应为：屏幕签字 / 纸质签字 / 业主拒签"), field="signoff_kind")
    by_name = _text(by_name, 100, _("验收人"), "signoff_by")
    note = _text(note, 1000, _("说明"), "signoff_note")
    at = parse_moment(at, _("验收时间")) or _now()
    if kind in ("screen", "paper") and not by_name:
        raise ValidationError(_("请填写验收人（签字的业主姓名）"), field="signoff_by")
    if kind == "screen" and (not signature_png or not bytes(signature_png).startswith(PNG_MAGIC)):
        raise ValidationError(_("没有收到签名图像，请业主在签字板上签字"), field="signature")
    if kind == "paper" and not scan:
        raise ValidationError(_("纸质签字须附上签字验收单的扫描件或照片"), field="scan")
    if kind == "refused" and not note:
        raise ValidationError(_("业主拒签时须写明原因"), field="signoff_note")
    if satisfaction not in (None, "") and int(satisfaction) not in range(1, 6):
        raise ValidationError(_("满意度请选 1 到 5 分"), field="satisfaction")
    with database_proxy.atomic():
        ticket = _fresh(ticket_ref, expected_version)
        if ticket.state != st.AWAITING_CHECK:
            raise ValidationError(
                _("工单当前为“{s}”，维修完成（待验收）后才能验收签字").format(s=st.state_name(ticket.state)), field="signoff_kind")
        if ticket.completed_at and at < ticket.completed_at:
            raise ValidationError(_("验收时间早于维修完成时间，请核对"), field="signoff_at")
        if kind == "screen":
            attachments.attach("ticket", ticket.id, bytes(signature_png or b""), kind="signature",
                               filename=_("{number}-签名.png").format(number=ticket.number))
        elif kind == "paper":
            attachments.attach("ticket", ticket.id, scan, kind="scan", filename=scan_name)
        old = audit.snapshot(ticket)
        ticket.signoff_kind = kind
        ticket.signoff_by = by_name
        ticket.signoff_at = at
        ticket.signoff_note = note
        if satisfaction not in (None, ""):
            ticket.satisfaction = int(satisfaction)
        _save(ticket, old, "signoff", said(SIGNOFF_NOTED, kind=nested(SIGNOFF_KINDS[kind]), note=note) if note
              else said(SIGNOFF_KINDS[kind]))
        if close:
            _move(ticket, st.CLOSED, note if kind == "refused" else said(SIGNED_OFF, how=nested(SIGNOFF_KINDS[kind])),
                  _text(by, 100, _("经办人"), "by") or audit.current_user(), at)
    return ticket


def attach_file(ticket_ref, source, kind: str = "photo", filename: str | None = None):
    """A photo or file of the request (path or bytes), stored by the attachments service."""
    ticket = get_ticket(ticket_ref)
    if ticket.state == st.CANCELLED:
        raise ValidationError(_("工单已撤销，不能再添加附件"), field="file")
    return attachments.attach("ticket", ticket.id, source, kind=kind, filename=filename)
