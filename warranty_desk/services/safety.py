"""Structural-safety defects (涉及结构安全, RULES.md §4; 《房屋建筑工程质量保修办法》第九、十、十一条).

A ticket marked as such is an emergency, shows the duty (report at once to the local construction
authority, make it safe), prints the 工程质量安全隐患报告 (documents/safety_report.py), and stays on
the dashboard until the report is recorded as sent. Every function runs in one transaction, checks
its input and writes the audit log.
"""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from peewee import JOIN

from warranty_desk.i18n import N_, _

from ..errors import ConflictError, NotFound, ValidationError
from ..models import Project, SafetyReport, Ticket, Unit, database_proxy, tuples
from ..rules import sla as sla_rules
from ..rules import ticket_states as st
from ..rules.urgency import SAFETY_DUTY
from . import audit, fields
from .tickets import parse_moment

# how the report reached the authority (stored keys, shown through _())
SENT_HOW = {"letter": N_("书面报告"), "online": N_("网上报送"), "in_person": N_("当面报告"), "phone": N_("电话报告")}
TEXT_MAX = 2000


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _text(value, max_length: int, label: str, field: str, required: bool = False) -> str:
    return fields.checked(lambda v: fields.text(v, max_length, label), value, label, field, required)


def _ticket(ref) -> Ticket:
    from .tickets import get_ticket

    return get_ticket(ref)


def report_of(ticket_ref) -> SafetyReport | None:
    return SafetyReport.get_or_none(SafetyReport.ticket == _ticket(ticket_ref))


def mark(ticket_ref, reason: str = "", *, measures: str = "", by: str | None = None, at=None) -> SafetyReport:
    """Mark a ticket as a structural-safety defect: it becomes 紧急 (deadlines counted again) and
    the duty to report stays on the dashboard until the report is recorded as sent."""
    from . import tickets

    reason = _text(reason, TEXT_MAX, _("结构安全隐患的情况"), "reason")
    measures = _text(measures, TEXT_MAX, _("已采取的安全措施"), "measures")
    by = _text(by, 100, _("经办人"), "by") or audit.current_user()
    with database_proxy.atomic():
        ticket = _ticket(ticket_ref)
        at = parse_moment(at, _("标记时间"), "at") or max(_now(), ticket.reported_at)
        if ticket.state == st.CANCELLED:
            raise ValidationError(_("工单已撤销，不能标记为结构安全隐患"), field="structural_safety")
        if at < ticket.reported_at:
            raise ValidationError(_("标记时间早于报修时间，请核对"), field="at")
        if SafetyReport.select().where(SafetyReport.ticket == ticket).exists():
            raise ValidationError(_("工单 {n} 已标记为结构安全隐患").format(n=ticket.number), field="structural_safety")
        row = SafetyReport.create(ticket=ticket, marked_at=at, marked_by=by, reason=reason or ticket.description,
                                  measures=measures)
        audit.record("create", "safety_report", row.id, None, audit.snapshot(row),
                     _("工单 {n} 标记为结构安全隐患").format(n=ticket.number))
        if ticket.urgency != sla_rules.URGENT and st.is_open(ticket.state):
            tickets.change_urgency(ticket, sla_rules.URGENT, _("涉及结构安全，按紧急处理"))
    return row


def update(ticket_ref, *, reason: str | None = None, measures: str | None = None, authority: str | None = None,
           expected_version: int | None = None) -> SafetyReport:
    """Add what is known: the defect, the safety measures taken, the authority to report to."""
    with database_proxy.atomic():
        row = _row(ticket_ref, expected_version)
        old = audit.snapshot(row)
        if reason is not None:
            row.reason = _text(reason, TEXT_MAX, _("结构安全隐患的情况"), "reason")
        if measures is not None:
            row.measures = _text(measures, TEXT_MAX, _("已采取的安全措施"), "measures")
        if authority is not None:
            row.authority = _text(authority, 200, _("报告单位（建设行政主管部门）"), "authority")
        _save(row, old, "update")
    return row


def record_sent(ticket_ref, *, authority: str, sent_at=None, how: str = "letter", ref: str = "",
                measures: str | None = None, note: str = "", by: str | None = None,
                expected_version: int | None = None) -> SafetyReport:
    """The 工程质量安全隐患报告 went to the authority: when, to whom, how, its number or the official
    spoken to. From then on the ticket leaves the dashboard's list of reports due."""
    authority = _text(authority, 200, _("报告单位（建设行政主管部门）"), "authority", required=True)
    if how not in SENT_HOW:
        names = " / ".join(_("{key}（{name}）").format(key=key, name=_(name)) for key, name in SENT_HOW.items())
        raise ValidationError(_("报送方式“{how}”不对，应为：{names}").format(how=how, names=names), field="sent_how")
    ref = _text(ref, 100, _("文号或回执"), "sent_ref")
    note = _text(note, TEXT_MAX, _("备注"), "note")
    by = _text(by, 100, _("经办人"), "by") or audit.current_user()
    sent_at = parse_moment(sent_at, _("报送时间"), "sent_at") or _now()
    if sent_at > _now() + dt.timedelta(minutes=5):
        raise ValidationError(_("报送时间（{at}）在将来，请核对").format(at=f"{sent_at:%Y-%m-%d %H:%M}"), field="sent_at")
    with database_proxy.atomic():
        row = _row(ticket_ref, expected_version)
        if row.sent_at is not None:
            raise ValidationError(_("该报告已于 {at} 报送，不能重复登记").format(at=f"{row.sent_at:%Y-%m-%d %H:%M}"),
                                  field="sent_at")
        if sent_at < row.ticket.reported_at:
            raise ValidationError(
                _("报送时间（{at}）早于报修时间（{rep}），请核对").format(
                    at=f"{sent_at:%Y-%m-%d %H:%M}", rep=f"{row.ticket.reported_at:%Y-%m-%d %H:%M}"), field="sent_at")
        old = audit.snapshot(row)
        if measures is not None:
            row.measures = _text(measures, TEXT_MAX, _("已采取的安全措施"), "measures")
        row.authority, row.sent_at, row.sent_how, row.sent_ref = authority, sent_at, how, ref
        row.sent_by, row.note = by, note or row.note
        _save(row, old, "sent", _("已报送{authority}").format(authority=authority))
    return row


def unmark(ticket_ref, reason: str, expected_version: int | None = None) -> None:
    """Take the mark back (it was not a structural-safety defect after all), before the report was
    sent, with the reason; the audit log keeps the mark."""
    reason = _text(reason, 500, _("取消标记的原因"), "reason", required=True)
    with database_proxy.atomic():
        row = _row(ticket_ref, expected_version)
        if row.sent_at is not None:
            raise ValidationError(_("报告已报送，不能取消结构安全隐患标记"), field="structural_safety")
        old = audit.snapshot(row)
        row.delete_instance()
        audit.record("delete", "safety_report", old["id"], old, None, reason)


def _row(ticket_ref, expected_version: int | None) -> SafetyReport:
    ticket = _ticket(ticket_ref)
    row = SafetyReport.get_or_none(SafetyReport.ticket == ticket)
    if row is None:
        raise NotFound(_("工单 {n} 没有标记为结构安全隐患").format(n=ticket.number))
    if expected_version is not None and row.version != expected_version:
        raise ConflictError()
    return row


def _save(row: SafetyReport, old: dict, action: str, note: str = "") -> None:
    updated = (SafetyReport.update({f: row.__data__.get(f.name) for f in SafetyReport._meta.sorted_fields
                                    if f.name not in ("id", "version")} | {SafetyReport.version: row.version + 1})
               .where((SafetyReport.id == row.id) & (SafetyReport.version == row.version)).execute())
    if updated != 1:
        raise ConflictError()
    row.version += 1
    before, after = audit.changed(old, audit.snapshot(row))
    audit.record(action, "safety_report", row.id, before, after, note)


class SafetyInfo(TypedDict):
    """A marked ticket's duty and report, JSON-friendly (times as text)."""

    ticket: str  # the ticket's number
    version: int
    duty: str
    marked_at: str | None
    marked_by: str
    reason: str
    measures: str
    authority: str
    sent: bool
    sent_at: str | None
    sent_how: str
    sent_how_name: str
    sent_ref: str
    sent_by: str
    note: str
    hours_waiting: float | None  # None once sent
    waiting: str


class PendingReport(TypedDict):
    """A report not yet recorded as sent, for the dashboard."""

    id: int  # the ticket's
    number: str
    state: str
    project_code: str
    project_name: str
    where: str
    reason: str
    marked_at: dt.datetime
    hours_waiting: float
    waiting: str


def _iso(value) -> str | None:
    return value.isoformat(sep=" ") if value is not None else None


def info(ticket_ref, now: dt.datetime | None = None) -> SafetyInfo | None:
    """The duty and the report of a marked ticket (JSON-friendly), None when not marked."""
    row = report_of(ticket_ref)
    if row is None:
        return None
    now = now or _now()
    return SafetyInfo(**{
        "ticket": row.ticket.number, "version": row.version, "duty": _(SAFETY_DUTY),
        "marked_at": _iso(row.marked_at), "marked_by": row.marked_by, "reason": row.reason,
        "measures": row.measures, "authority": row.authority, "sent": row.sent_at is not None,
        "sent_at": _iso(row.sent_at), "sent_how": row.sent_how,
        "sent_how_name": _(SENT_HOW[row.sent_how]) if row.sent_how in SENT_HOW else "",
        "sent_ref": row.sent_ref, "sent_by": row.sent_by, "note": row.note,
        "hours_waiting": None if row.sent_at else round((now - row.marked_at).total_seconds() / 3600, 1),
        "waiting": "" if row.sent_at else sla_rules.duration_text(now - row.marked_at),
    })


def pending(now: dt.datetime | None = None, limit: int = 200) -> list[PendingReport]:
    """Marked tickets whose report is not recorded as sent (not 已撤销), oldest first: the dashboard."""
    now = now or _now()
    # the reports not sent first, from their own (small) table: joined the other way round SQLite may
    # walk every ticket of the office to find the few marked ones
    unsent = SafetyReport.select(SafetyReport.id).where(SafetyReport.sent_at.is_null())
    if not unsent.exists():
        return []
    query = (SafetyReport.select(SafetyReport.marked_at, SafetyReport.reason, Ticket.id, Ticket.number,
                                 Ticket.state, Ticket.location, Project.code, Project.name, Unit.building,
                                 Unit.entrance, Unit.room)
             .join(Ticket).join(Project).switch(Ticket).join(Unit, JOIN.LEFT_OUTER)
             .where(SafetyReport.id.in_(unsent) & (Ticket.state != st.CANCELLED))
             .order_by(SafetyReport.marked_at, SafetyReport.id).limit(limit))
    rows: list[PendingReport] = []
    for marked_at, reason, ticket_id, number, state, location, code, name, building, entrance, room in tuples(query):
        unit = "-".join(p for p in (building, entrance, room) if p)
        rows.append({"id": ticket_id, "number": number, "state": state, "project_code": code, "project_name": name,
                     "where": unit or location, "reason": reason, "marked_at": marked_at,
                     "hours_waiting": round((now - marked_at).total_seconds() / 3600, 1),
                     "waiting": sla_rules.duration_text(now - marked_at)})
    return rows
