"""What every part of the ticket service shares: the constants (channels, cost kinds, sign-off
kinds), reading and checking input (times, text, money, the project and unit), finding a ticket,
and saving one with optimistic locking and its audit entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from warranty_desk.i18n import N_

from ...errors import ConflictError, NotFound, ValidationError
from ...i18n import LOCALES, _, gettext_for, join_list, key_of, namer, retell, said_parts, say
from ...models import Project, Ticket, Unit, WarrantyItem
from ...rules import responsibility as resp
from ...rules import ticket_states as st
from ...rules import visit_purposes
from ...rules.categories import CATEGORIES, category_name
from .. import audit, fields
from ..projects import find_project

# how a request came in, and a cost line's kind: stored keys (schema step 12), named through
# channel_name / cost_kind_name
PHONE_CALL = "phone"
LETTER = "letter"
WALK_IN = "walk_in"
VISIT_FINDING = "visit_finding"
CHANNELS = (PHONE_CALL, LETTER, WALK_IN, VISIT_FINDING)
CHANNEL_NAMES = {PHONE_CALL: N_("电话"), LETTER: N_("来函"), WALK_IN: N_("来访"), VISIT_FINDING: N_("回访发现")}
LEGACY_CHANNELS = {label: key for key, label in CHANNEL_NAMES.items()}  # stored before schema step 12

LABOUR = "labour"
MATERIAL = "material"
OTHER_COST = "other"
COST_KINDS = (LABOUR, MATERIAL, OTHER_COST)
COST_KIND_NAMES = {LABOUR: N_("人工"), MATERIAL: N_("材料"), OTHER_COST: N_("其他")}
LEGACY_COST_KINDS = {label: key for key, label in COST_KIND_NAMES.items()}  # stored before schema step 12


SIGNOFF_KINDS = {"screen": N_("屏幕签字"), "paper": N_("纸质签字"), "refused": N_("业主拒签")}


# the program's sentences in a ticket's history (TicketEvent.reason), said again by event_reason_text
RECEIVED_VIA = N_("{channel}报修")
DISPATCHED_TO = N_("派工：{who}")
SIGNED_OFF = N_("业主{how}验收")
URGENT_AS_SUGGESTED = N_("按系统建议登记为紧急（{why}）")
URGENT_CONFIRMED = N_("系统建议紧急（{why}），已确认")
URGENT_OVERRIDDEN = N_("系统建议紧急（{why}），登记人改为一般：{reason}")
NORMAL_OVERRIDDEN = N_("系统建议一般，登记人改为紧急：{reason}")
NO_REASON_GIVEN = N_("未说明原因")
CHECKED_IN_BY_PHONE = N_("手机签到")
# the history a history import gives a past repair
IMPORTED_FROM = N_("表格导入的以往记录：{file}")
REPORTED_BY_PHONE = N_("电话报修（{note}）")
REPAIR_RESULT = N_("处理结果：{result}")
REPAIR_DONE = N_("维修完成")
PAPER_SIGNOFF = N_("业主纸质验收：{name}")
_EVENT_SENTENCES = (RECEIVED_VIA, DISPATCHED_TO, SIGNED_OFF, URGENT_AS_SUGGESTED, URGENT_CONFIRMED, URGENT_OVERRIDDEN,
                    NORMAL_OVERRIDDEN, CHECKED_IN_BY_PHONE, IMPORTED_FROM, REPORTED_BY_PHONE, REPAIR_RESULT, REPAIR_DONE,
                    PAPER_SIGNOFF)


# notes of the audit log only: a ticket sent to someone else, a sign-off with the owner's words
REASSIGNED = N_("改派：{who}")
REASSIGNED_BECAUSE = N_("改派：{who}（{reason}）")
SIGNOFF_NOTED = N_("{kind}：{note}")

# the history's sentences and the sign-off's kinds are also notes of the audit log (said there by audit.note_text)
# (not SIGNOFF_NOTED: "{kind}：{note}" would match any note with a colon; it is only ever stored as said)
audit.NOTE_TEMPLATES.extend((*_EVENT_SENTENCES, *SIGNOFF_KINDS.values(), resp.NO_PERIOD, resp.COVERED, resp.EXPIRED_ON,
                             REASSIGNED_BECAUSE, REASSIGNED))


def event_reason_text(stored: str) -> str:
    """A ticket history entry's reason in the active language: the program's own sentences (电话报修,
    派工：…, 业主屏幕签字验收, the urgency decision; several joined by ；) — stored as their templates
    since schema step 13, as finished sentences before — said again; what the clerk wrote, as written."""
    if said_parts(stored) is not None:
        return say(stored)
    convert = {"channel": channel_name,
               "how": lambda how: next((_(name) for name in SIGNOFF_KINDS.values() if how in
                                        {gettext_for(lang)(name) for lang in LOCALES}), how),
               "reason": lambda reason: _(NO_REASON_GIVEN) if reason in {gettext_for(lang)(NO_REASON_GIVEN)
                                                                         for lang in LOCALES} else reason,
               "note": lambda note: retell(note, (IMPORTED_FROM,))}
    whole = retell(stored, _EVENT_SENTENCES, convert)
    if whole != stored or "；" not in (stored or ""):  # i18n: data (the separator the history was written with)
        return whole
    return join_list((retell(part, _EVENT_SENTENCES, convert) for part in stored.split("；")), _("；"))  # i18n: data


def channel_name(channel: str) -> str:
    """How a request came in (a ticket's stored channel; a name an earlier release stored, in either
    language) in the active language."""
    key = channel_key(channel) if channel not in CHANNEL_NAMES else channel
    return _(CHANNEL_NAMES[key]) if key in CHANNEL_NAMES else channel


namer("channel", channel_name)


def channel_key(value: str) -> str:
    """The channel a caller names: its key or its name in either language; else as given."""
    return key_of(value, CHANNELS, lambda key: _(CHANNEL_NAMES[key]), LEGACY_CHANNELS)


def cost_kind_name(kind: str) -> str:
    """A cost line's stored kind (labour / material / other) in the active language."""
    key = LEGACY_COST_KINDS.get(kind, kind)
    return _(COST_KIND_NAMES[key]) if key in COST_KIND_NAMES else kind


def cost_kind_key(value: str) -> str:
    """The cost kind a caller names: its key or its name in either language; else as given."""
    return key_of(value, COST_KINDS, cost_kind_name, LEGACY_COST_KINDS)


def cost_description(stored: str) -> str:
    """A cost line's description in the active language: the program's own (a history import's,
    stored as its template) said; what the clerk typed, as typed."""
    return say(stored)


MAX_DESCRIPTION = 2000


# states in which the deadlines run (the owner decides in 非保修/有偿 and 业主另行委托)
SLA_STATES = (st.RECEIVED, st.DISPATCHED, st.ONSITE, st.REPAIRING, st.AWAITING_CHECK)


PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def parse_moment(value, label: str = N_("时间"), field: str = "at") -> dt.datetime | None:
    """A datetime from a datetime, a date (09:00 that day) or text like 2026-11-29 14:30; None when
    empty. The one reading of a moment a clerk, a sheet or the command line gives (ValidationError
    naming `label` on `field` otherwise)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(9, 0))
    raw = str(value).strip().replace("T", " ").replace("/", "-")
    try:
        if len(raw) <= 10:
            return dt.datetime.combine(dt.date.fromisoformat(raw), dt.time(9, 0))
        return dt.datetime.fromisoformat(raw).replace(microsecond=0, tzinfo=None)
    except ValueError:
        raise ValidationError(
            _("{label}“{raw}”看不懂，请写成 2026-11-29 14:30").format(label=label, raw=raw), field=field) from None


def _not_future(moment: dt.datetime, label: str, field: str) -> None:
    if moment > _now() + dt.timedelta(hours=1):
        raise ValidationError(
            _("{label}（{at}）在将来，请核对").format(label=label, at=moment.strftime("%Y-%m-%d %H:%M")), field=field)


def _text(value, max_length: int, label: str, field: str, required: bool = False) -> str:
    return fields.checked(lambda v: fields.text(v, max_length, label), value, label, field, required)


def _money(value, label: str, field: str, positive: bool = True) -> Decimal:
    amount = fields.checked(fields.money, value, label, field, required=True)
    if positive and amount <= 0:
        raise ValidationError(_("{label}必须大于零").format(label=label), field=field)
    if amount >= Decimal("100000000000000"):
        raise ValidationError(_("{label}太大，请核对").format(label=label), field=field)
    return amount


def _project(value) -> Project:
    if isinstance(value, Project):
        return value
    if value is None or str(value).strip() == "":
        raise ValidationError(_("请选择工程"), field="project")
    return find_project(value)


def _unit(project: Project, value) -> Unit | None:
    if value is None or value == "":
        return None
    unit: Unit | None
    if isinstance(value, Unit):
        unit = value
    elif isinstance(value, int):
        unit = Unit.get_or_none(Unit.id == value)
    else:
        parts = [p.strip() for p in str(value).strip().split("-")]
        query = Unit.select().where(Unit.project == project)
        if len(parts) == 3:
            query = query.where((Unit.building == parts[0]) & (Unit.entrance == parts[1]) & (Unit.room == parts[2]))
        elif len(parts) == 2:
            query = query.where((Unit.building == parts[0]) & (Unit.entrance == "") & (Unit.room == parts[1]))
        else:
            raise ValidationError(
                _("房号“{unit}”看不懂，请写成 楼栋-单元-房号，例如 1号楼-1单元-101").format(unit=value), field="unit")
        unit = query.first()
        if unit is None:
            raise NotFound(_("工程“{code}”中没有房号“{unit}”").format(code=project.code, unit=value))
    if unit is None or unit.project_id != project.id:
        raise ValidationError(_("所选房号不属于工程“{code}”").format(code=project.code), field="unit")
    return unit


def category_key(value) -> str:
    """A warranty item key from the key itself or its name (in either language, any case)."""
    raw = (str(value).strip() if value is not None else "")
    if raw in CATEGORIES:
        return raw
    by_name = {name.casefold(): key for name, key in visit_purposes.category_keys().items()}
    if raw.casefold() in by_name:
        return by_name[raw.casefold()]
    names = " / ".join(category_name(key) for key in CATEGORIES)
    if not raw:
        raise ValidationError(_("请选择报修类别（保修项目）"), field="category")
    raise ValidationError(_("报修类别“{raw}”不对，应为：{names}").format(raw=raw, names=names), field="category")


def get_ticket(ref) -> Ticket:
    """A ticket by id, number (BX-2026-0042) or instance."""
    if isinstance(ref, Ticket):
        return ref
    if isinstance(ref, int):
        ticket = Ticket.get_or_none(Ticket.id == ref)
    else:
        ticket = Ticket.get_or_none(Ticket.number == str(ref).strip().upper())
    if ticket is None:
        raise NotFound(_("找不到工单“{ref}”").format(ref=ref))
    return ticket


def _fresh(ref, expected_version: int | None) -> Ticket:
    ticket = get_ticket(ref)
    ticket = Ticket.get_by_id(ticket.id)  # read again inside the transaction
    if expected_version is not None and ticket.version != expected_version:
        raise ConflictError()
    return ticket


def _save(ticket: Ticket, old: dict, action: str, note: str = "") -> None:
    """Save with optimistic locking and write the changed fields to the audit log."""
    updated = (
        Ticket.update({f: ticket.__data__.get(f.name) for f in Ticket._meta.sorted_fields if f.name not in ("id", "version")}
                      | {Ticket.version: ticket.version + 1})
        .where((Ticket.id == ticket.id) & (Ticket.version == ticket.version))
        .execute()
    )
    if updated != 1:
        raise ConflictError()
    ticket.version += 1
    before, after = audit.changed(old, audit.snapshot(ticket))
    audit.record(action, "ticket", ticket.id, before, after, note)


def _item(project: Project, category: str) -> WarrantyItem | None:
    return WarrantyItem.get_or_none((WarrantyItem.project == project) & (WarrantyItem.key == category))
