"""维修工单 end to end: intake with the warranty decision and repeat-defect check, deadlines,
dispatch, the state machine, responsibility and cost, payments, the owner's sign-off, and the
after-repair visit. A ticket is never deleted: it can only be 已撤销 with a reason.

Every function runs in one transaction, validates its input (ValidationError with a message the
clerk can act on) and writes the audit log with old and new values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict, cast

from peewee import JOIN, Case, Field, IntegrityError, fn

from warranty_desk.i18n import N_

from ..errors import ConflictError, NotFound, ValidationError
from ..i18n import _
from ..models import (
    CostLine,
    Payment,
    Project,
    Staff,
    Subcontractor,
    Ticket,
    TicketEvent,
    Unit,
    Visit,
    WarrantyItem,
    database_proxy,
    tuples,
)
from ..rules import responsibility as resp
from ..rules import sla as sla_rules
from ..rules import ticket_states as st
from ..rules import urgency as urgency_rules
from ..rules import visit_states as vs
from ..rules.categories import CATEGORIES
from ..rules.repairs import REPEAT_DAYS, after_repair_date, repeat_since
from ..rules.visit_methods import PHONE
from ..rules.visit_plan import AFTER_REPAIR
from . import attachments, audit, fields, settings
from .projects import find_project, project_has_heating

CHANNELS = (N_("电话"), N_("来函"), N_("来访"), N_("回访发现"))
COST_KINDS = (N_("人工"), N_("材料"), N_("其他"))
SIGNOFF_KINDS = {"screen": N_("屏幕签字"), "paper": N_("纸质签字"), "refused": N_("业主拒签")}
MAX_DESCRIPTION = 2000
# states in which the deadlines run (the owner decides in 非保修/有偿 and 业主另行委托)
SLA_STATES = (st.RECEIVED, st.DISPATCHED, st.ONSITE, st.REPAIRING, st.AWAITING_CHECK)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# --- helpers ----------------------------------------------------------------------------------

def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _moment(value, label: str = N_("时间")) -> dt.datetime | None:
    """A datetime from a datetime, a date (09:00 that day) or text like 2026-11-29 14:30."""
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
            _("{label}“{raw}”看不懂，请写成 2026-11-29 14:30").format(label=label, raw=raw), field="at") from None


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
    """A warranty item key from the key itself or its Chinese name."""
    raw = (str(value).strip() if value is not None else "")
    if raw in CATEGORIES:
        return raw
    for key, cat in CATEGORIES.items():
        if raw == cat.name:
            return key
    names = " / ".join(c.name for c in CATEGORIES.values())
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


# --- warranty decision and repeats -------------------------------------------------------------

def warranty_decision(project, category, reported_on: dt.date) -> resp.WarrantyDecision:
    """In or out of warranty, with the reason the clerk reads (item name, end date, days)."""
    project = _project(project)
    key = category_key(category)
    if project.accepted_on is None:
        raise ValidationError(
            _("工程“{code}”尚未竣工验收，还没有保修项目，不能登记保修工单").format(code=project.code), field="project")
    item = _item(project, key)
    if item is None and key != "other":
        raise ValidationError(
            _("工程“{code}”没有“{name}”这个保修项目。请选择其他类别，或先在工程的保修项目中添加").format(
                code=project.code, name=CATEGORIES[key].name), field="category")
    name = item.name if item else CATEGORIES[key].name
    return resp.decide_warranty(name, item.end_on if item else None, reported_on)


def find_repeat(project: Project, unit: Unit | None, category: str, location: str,
                reported_at: dt.datetime, exclude_id: int | None = None) -> tuple[Ticket | None, str]:
    """An open ticket for the same unit and category, or one closed within 90 days before."""
    query = Ticket.select(Ticket.id, Ticket.number, Ticket.state, Ticket.closed_at, Ticket.reported_at).where(
        (Ticket.project == project) & (Ticket.category == category) & (Ticket.state != st.CANCELLED))
    if unit is not None:
        query = query.where(Ticket.unit == unit)
    else:
        query = query.where(Ticket.unit.is_null() & (Ticket.location == location))
    if exclude_id:
        query = query.where(Ticket.id != exclude_id)
    since = repeat_since(reported_at)
    query = query.where(
        Ticket.state.in_(st.OPEN_STATES) | ((Ticket.closed_at >= since) & (Ticket.closed_at <= reported_at)))
    earlier = query.order_by(Ticket.reported_at.desc()).first()
    if earlier is None:
        return None, ""
    where = unit.label if unit is not None else (location or project.name)
    name = CATEGORIES[category].name
    if earlier.state in st.OPEN_STATES:
        text = _("重复报修：{where}的“{name}”已有未关闭的工单 {number}（{state}），本单已与其关联").format(
            where=where, name=name, number=earlier.number, state=earlier.state)
    else:
        text = _("重复报修：{where}的“{name}”工单 {number} 于 {closed} 关闭，{days}天内再次报修，本单已与其关联").format(
            where=where, name=name, number=earlier.number, closed=earlier.closed_at.date().isoformat(),
            days=REPEAT_DAYS)
    return earlier, text


# --- intake ----------------------------------------------------------------------------------

@dataclass
class Intake:
    ticket: Ticket
    decision: resp.WarrantyDecision
    warning: str  # the repeat-defect warning, '' when none
    suggestion: urgency_rules.UrgencySuggestion | None = None  # the urgency the rules suggested
    urgency_note: str = ""  # how the urgency was decided (also in the ticket's history)


def next_number(year: int) -> str:
    """The next free number of the year: BX-2026-0042."""
    prefix = f"BX-{year}-"
    last = (Ticket.select(Ticket.number).where(Ticket.number.startswith(prefix))
            .order_by(fn.LENGTH(Ticket.number).desc(), Ticket.number.desc()).first())
    seq = int(last.number[len(prefix):]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def clean_intake(data: dict) -> dict:
    """Check every intake field; the clean values (raises on the first problem)."""
    project = _project(data.get("project"))
    unit = _unit(project, data.get("unit"))
    reporter = _text(data.get("reporter"), 100, _("报修人"), "reporter")
    if not reporter and unit is not None:
        reporter = unit.owner_name
    if not reporter:
        raise ValidationError(_("请填写报修人"), field="reporter")
    try:
        phone = fields.phone(data.get("phone"))
    except ValueError as exc:
        raise ValidationError(str(exc), field="phone") from None
    if not phone and unit is not None:
        phone = unit.owner_phone
    channel = _text(data.get("channel") or "电话", 20, _("报修方式"), "channel")  # i18n: data
    if channel not in CHANNELS:
        raise ValidationError(
            _("报修方式“{c}”不对，应为：{all}").format(c=channel, all=" / ".join(CHANNELS)), field="channel")
    urgency = _text(data.get("urgency"), 10, _("紧急程度"), "urgency")  # empty: as the rules suggest
    if urgency and urgency not in sla_rules.URGENCIES:
        raise ValidationError(_("紧急程度“{u}”不对，应为：紧急 / 一般").format(u=urgency), field="urgency")
    urgency_reason = _text(data.get("urgency_reason"), 500, _("更改紧急程度的原因"), "urgency_reason")
    structural = bool(data.get("structural_safety"))
    description = _text(data.get("description"), MAX_DESCRIPTION, _("报修内容"), "description", required=True)
    location = _text(data.get("location"), 200, _("报修部位"), "location")
    category = category_key(data.get("category"))
    reported_at = _moment(data.get("reported_at"), _("报修时间")) or _now()
    _not_future(reported_at, _("报修时间"), "reported_at")
    if project.accepted_on and reported_at.date() < project.accepted_on:
        raise ValidationError(
            _("报修时间（{at}）早于工程竣工验收日期（{acc}），请核对").format(
                at=reported_at.date().isoformat(), acc=project.accepted_on.isoformat()), field="reported_at")
    source_visit = data.get("source_visit")
    if source_visit not in (None, ""):
        visit = Visit.get_or_none(Visit.id == int(getattr(source_visit, "id", source_visit)))
        if visit is None or visit.project_id != project.id:
            raise ValidationError(_("所选回访记录不属于该工程"), field="source_visit")
        source_visit = visit
        if channel == "电话" and not data.get("channel"):
            channel = "回访发现"  # i18n: data
    else:
        source_visit = None
    suggestion = suggest_urgency(project, category, description, reported_at, structural)
    if structural and urgency == sla_rules.NORMAL:
        raise ValidationError(
            _("涉及结构安全的报修须按紧急处理，须立即到场抢修（《房屋建筑工程质量保修办法》第九条）"), field="urgency")
    return {
        "project": project, "unit": unit, "reporter": reporter, "phone": phone, "channel": channel,
        "location": location, "category": category, "description": description,
        "urgency": urgency or suggestion.urgency, "reported_at": reported_at, "source_visit": source_visit,
        # not ticket columns: what create_ticket records beside the ticket
        "suggestion": suggestion, "urgency_given": bool(urgency), "urgency_reason": urgency_reason,
        "structural_safety": structural, "safety_reason": _text(data.get("safety_reason"), 2000,
                                                                _("结构安全隐患的情况"), "safety_reason"),
    }


def suggest_urgency(project, category, description: str, reported_at=None,
                    structural_safety: bool = False) -> urgency_rules.UrgencySuggestion:
    """The urgency the rules suggest for a request (RULES.md §4): from the category, the words of the
    description and the date against the project's heating season. The clerk confirms or overrides."""
    project = _project(project)
    key = category_key(category) if category else ""
    moment = _moment(reported_at) or _now()
    heating = settings.season_rules(project.region if project.region_id else None,
                                    project_has_heating(project)).heating
    return urgency_rules.suggest(key, description or "", moment.date(), heating, structural_safety)


def urgency_history(suggestion: urgency_rules.UrgencySuggestion, urgency: str, given: bool, reason: str) -> str:
    """How the urgency was decided, for the ticket's history: the suggestion confirmed, followed, or
    overridden (with the clerk's reason). Empty when both say 一般."""
    why = "；".join(suggestion.reasons)
    if urgency == suggestion.urgency:
        if urgency != sla_rules.URGENT:
            return ""
        if not given:
            return _("按系统建议登记为紧急（{why}）").format(why=why)
        return _("系统建议紧急（{why}），已确认").format(why=why)
    reason = reason or _("未说明原因")
    if suggestion.urgency == sla_rules.URGENT:
        return _("系统建议紧急（{why}），登记人改为一般：{reason}").format(why=why, reason=reason)
    return _("系统建议一般，登记人改为紧急：{reason}").format(reason=reason)


def _create_numbered(year: int, values: dict) -> Ticket:
    """A new ticket with the next free number of the year, trying again when another clerk took it."""
    for attempt in range(8):
        number = next_number(year)
        try:
            with database_proxy.atomic():
                return Ticket.create(number=number, **values)
        except IntegrityError:
            # another clerk took the number in the meantime: take the next one
            if not Ticket.select().where(Ticket.number == number).exists() or attempt == 7:
                raise
    raise AssertionError("unreachable: the last attempt returns or raises")


def create_ticket(data: dict, photos=()) -> Intake:
    """Register a repair request with its `photos` (paths or bytes), all in one transaction: a photo
    that is not an image refuses the whole request. Returns the ticket, the warranty decision and
    any repeat warning.

    `data` keys: project (code or id), unit (id or 1号楼-1单元-101), reporter, phone, channel
    (电话/来函/来访/回访发现), location, category (warranty item key or name), description,
    urgency (紧急/一般; empty: as `suggest_urgency` suggests; a different one is an override, with
    urgency_reason, kept in the history), reported_at, optional source_visit; optional in_warranty with
    override_reason to overrule the decision at intake; structural_safety (with safety_reason) marks a
    structural-safety defect: 紧急, and the duty to report it (services/safety.py)."""
    clean = clean_intake(data)
    suggestion, given = clean.pop("suggestion"), clean.pop("urgency_given")
    urgency_reason = clean.pop("urgency_reason")
    structural, safety_reason = clean.pop("structural_safety"), clean.pop("safety_reason")
    urgency_note = urgency_history(suggestion, clean["urgency"], given, urgency_reason)
    project, reported_at = clean["project"], clean["reported_at"]
    decision = warranty_decision(project, clean["category"], reported_at.date())
    in_warranty, override_reason = decision.in_warranty, ""
    wanted = data.get("in_warranty")
    if wanted is not None and bool(wanted) != decision.in_warranty:
        override_reason = _text(data.get("override_reason"), 500, _("更改保修判定的原因"), "override_reason")
        if not override_reason:
            raise ValidationError(_("更改系统的保修判定须写明原因"), field="override_reason")
        in_warranty = bool(wanted)
    limits = sla_rules.deadlines(reported_at, clean["urgency"], settings.get("sla"))
    by = audit.current_user()
    with database_proxy.atomic():
        earlier, warning = find_repeat(project, clean["unit"], clean["category"], clean["location"], reported_at)
        values = dict(
            clean, state=st.RECEIVED, in_warranty=in_warranty, warranty_reason=decision.reason,
            warranty_override_reason=override_reason, repeat_of=earlier,
            respond_due=limits.respond, onsite_due=limits.onsite, complete_due=limits.complete,
            cause_class="" if in_warranty else resp.EXPIRED,
            payer="" if in_warranty else resp.OWNER,
        )
        ticket = _create_numbered(reported_at.year, values)
        first = _("{channel}报修").format(channel=clean["channel"])
        TicketEvent.create(ticket=ticket, from_state="", to_state=st.RECEIVED, at=reported_at, by=by,
                           reason="；".join(x for x in (first, urgency_note) if x))
        note = "；".join(x for x in (warning, urgency_note) if x)
        if override_reason:
            note = (note + "；" if note else "") + _("更改保修判定：{r}").format(r=override_reason)
        audit.record("create", "ticket", ticket.id, None, audit.snapshot(ticket), note)
        for photo in photos:
            attachments.attach("ticket", ticket.id, photo, kind="photo")
        if structural:
            from . import safety

            safety.mark(ticket, safety_reason or clean["description"], by=by, at=reported_at)
    return Intake(ticket, decision, warning, suggestion, urgency_note)


def change_urgency(ticket_ref, urgency: str, reason: str = "", expected_version: int | None = None) -> Ticket:
    """Change an open ticket's urgency; its deadlines are counted again from the report time. A
    structural-safety defect stays 紧急."""
    if urgency not in sla_rules.URGENCIES:
        raise ValidationError(_("紧急程度“{u}”不对，应为：紧急 / 一般").format(u=urgency), field="urgency")
    reason = _text(reason, 500, _("原因"), "reason")
    with database_proxy.atomic():
        ticket = _fresh(ticket_ref, expected_version)
        if ticket.urgency == urgency:
            return ticket
        if not st.is_open(ticket.state):
            raise ValidationError(_("工单已“{s}”，不能再更改紧急程度").format(s=ticket.state), field="urgency")
        from ..models import SafetyReport

        if urgency != sla_rules.URGENT and SafetyReport.select().where(SafetyReport.ticket == ticket).exists():
            raise ValidationError(_("该工单涉及结构安全，须按紧急处理"), field="urgency")
        old = audit.snapshot(ticket)
        limits = sla_rules.deadlines(ticket.reported_at, urgency, settings.get("sla"))
        ticket.urgency = urgency
        ticket.respond_due, ticket.onsite_due, ticket.complete_due = limits.respond, limits.onsite, limits.complete
        _save(ticket, old, "urgency", reason or _("紧急程度改为{u}").format(u=urgency))
    return ticket


def override_warranty(ticket_ref, in_warranty: bool, reason: str, expected_version: int | None = None) -> Ticket:
    """Overrule the in/out-of-warranty decision; only with a reason, which the audit log keeps."""
    reason = _text(reason, 500, _("更改保修判定的原因"), "reason", required=True)
    with database_proxy.atomic():
        ticket = _fresh(ticket_ref, expected_version)
        if not st.is_open(ticket.state):
            raise ValidationError(_("工单已“{s}”，不能再更改保修判定").format(s=ticket.state), field="in_warranty")
        if bool(in_warranty) == ticket.in_warranty:
            return ticket
        old = audit.snapshot(ticket)
        ticket.in_warranty = bool(in_warranty)
        ticket.warranty_override_reason = reason
        if not ticket.in_warranty and ticket.cause_class in ("", resp.WORKMANSHIP):
            ticket.cause_class, ticket.payer = resp.EXPIRED, resp.OWNER
        elif ticket.in_warranty and ticket.cause_class == resp.EXPIRED:
            ticket.cause_class, ticket.payer = "", ""
        _save(ticket, old, "override_warranty", reason)
    return ticket


# --- the state machine -----------------------------------------------------------------------

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
                    cause=ticket.cause_class or _("保修期外")), field="quote")
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
                at=at.strftime("%Y-%m-%d %H:%M"), state=last.to_state, last=last.at.strftime("%Y-%m-%d %H:%M")),
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
        _schedule_after_repair_visit(ticket, at.date())


def transition(ticket_ref, to_state: str, reason: str = "", by: str | None = None, at=None,
               expected_version: int | None = None) -> Ticket:
    """Move a ticket to `to_state` when the state machine allows it; records who, when and why."""
    reason = _text(reason, 1000, _("原因"), "reason")
    by = _text(by, 100, _("经办人"), "by") or audit.current_user()
    at = _moment(at) or _now()
    with database_proxy.atomic():
        ticket = _fresh(ticket_ref, expected_version)
        _move(ticket, to_state, reason, by, at)
    return ticket


def cancel(ticket_ref, reason: str, by: str | None = None, at=None, expected_version: int | None = None) -> Ticket:
    """撤销: the only way to take a ticket off the books; it stays, with the reason."""
    if not (reason or "").strip():
        raise ValidationError(_("撤销工单须写明原因"), field="reason")
    return transition(ticket_ref, st.CANCELLED, reason, by, at, expected_version)


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
    at = _moment(at) or _now()
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
            raise ValidationError(_("工单当前为“{s}”，不能派工").format(s=ticket.state), field="state")
        old = audit.snapshot(ticket)
        ticket.assignee = person
        ticket.subcontractor = sub
        who = "、".join(x for x in (person.name if person else "", sub.name if sub else "") if x)
        if ticket.state == st.DISPATCHED:
            _save(ticket, old, "dispatch", _("改派：{who}").format(who=who) + (f"（{reason}）" if reason else ""))
        else:
            _move(ticket, st.DISPATCHED, reason or _("派工：{who}").format(who=who), by, at)
    return ticket


# --- responsibility, quote, cost and payment -------------------------------------------------

def set_cause(ticket_ref, cause: str, expected_version: int | None = None, note: str = "") -> resp.Allocation:
    """Record the cause class (RULES.md §4); it decides who pays and whether a quote is needed."""
    with database_proxy.atomic():
        ticket = _fresh(ticket_ref, expected_version)
        if ticket.state == st.CANCELLED:
            raise ValidationError(_("工单已撤销，不能再修改"), field="cause_class")
        if not st.is_open(ticket.state):
            raise ValidationError(_("工单已“{s}”，不能再修改责任类别").format(s=ticket.state), field="cause_class")
        try:
            resp.check_cause(cause, ticket.in_warranty)
        except ValueError as exc:
            raise ValidationError(str(exc), field="cause_class") from None
        sub = ticket.subcontractor_id is not None or responsible_subcontractor(ticket) is not None
        allocation = resp.allocate(cause, subcontractor_responsible=sub)
        old = audit.snapshot(ticket)
        ticket.cause_class = cause
        ticket.payer = allocation.payer
        _save(ticket, old, "set_cause", note or allocation.text)
    return allocation


def set_quote(ticket_ref, amount, expected_version: int | None = None) -> Ticket:
    """The price offered to the owner for a paid repair; the owner's answer is recorded apart."""
    amount = _money(amount, _("报价金额"), "quote_amount")
    with database_proxy.atomic():
        ticket = _fresh(ticket_ref, expected_version)
        if not st.is_open(ticket.state):
            raise ValidationError(_("工单已“{s}”，不能再报价").format(s=ticket.state), field="quote_amount")
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
            raise ValidationError(_("工单已“{s}”，不能再修改").format(s=ticket.state), field="quote")
        old = audit.snapshot(ticket)
        ticket.quote_accepted = bool(accepted)
        _save(ticket, old, "quote_answer", note or (_("业主接受报价") if accepted else _("业主拒绝报价")))
    return ticket


def add_cost_line(ticket_ref, kind: str, description: str | None, amount=None, *, quantity=1, unit_price=None,
                  borne_by: str | None = None) -> CostLine:
    """A 人工 / 材料 / 其他 line; who bears it defaults from the cause class."""
    if kind not in COST_KINDS:
        raise ValidationError(_("费用类别应为：{k}").format(k=" / ".join(COST_KINDS)), field="kind")
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
            raise ValidationError(_("工单已“{s}”，不能再登记费用").format(s=ticket.state), field="amount")
        bearer = borne_by or (ticket.payer if ticket.payer in resp.BEARERS else "")
        if bearer not in resp.BEARERS:
            raise ValidationError(
                _("请选择费用承担方：{b}（先确定责任类别可自动带出）").format(b=" / ".join(resp.BEARERS)), field="borne_by")
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
            raise ValidationError(_("工单已“{s}”，费用不能再删除").format(s=line.ticket.state), field="amount")
        old = audit.snapshot(line)
        line.delete_instance()
        audit.record("delete", "cost_line", line_id, old, None, reason)


def cost_total(ticket_ref, borne_by: str | None = None) -> Decimal:
    ticket = get_ticket(ticket_ref)
    query = CostLine.select(fn.COALESCE(fn.SUM(CostLine.amount), 0)).where(CostLine.ticket == ticket)
    if borne_by:
        query = query.where(CostLine.borne_by == borne_by)
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
                _("本单不由业主付费（{c}），不能登记业主付款").format(c=ticket.cause_class or _("保修期内")), field="amount")
        if day < ticket.reported_at.date():
            raise ValidationError(_("收款日期早于报修日期，请核对"), field="received_on")
        if day > dt.date.today():
            raise ValidationError(_("收款日期在将来，请核对"), field="received_on")
        payment = Payment.create(ticket=ticket, amount=amount, received_on=day, received_by=received_by, note=note)
        audit.record("create", "payment", payment.id, None, audit.snapshot(payment), ticket.number)
    return payment


# --- sign-off and the after-repair visit -------------------------------------------------------

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
    at = _moment(at, _("验收时间")) or _now()
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
                _("工单当前为“{s}”，维修完成（待验收）后才能验收签字").format(s=ticket.state), field="signoff_kind")
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
        _save(ticket, old, "signoff", SIGNOFF_KINDS[kind] + (f"：{note}" if note else ""))
        if close:
            _move(ticket, st.CLOSED, note if kind == "refused" else _("业主{how}验收").format(how=SIGNOFF_KINDS[kind]),
                  _text(by, 100, _("经办人"), "by") or audit.current_user(), at)
    return ticket


def attach_file(ticket_ref, source, kind: str = "photo", filename: str | None = None):
    """A photo or file of the request (path or bytes), stored by the attachments service."""
    ticket = get_ticket(ticket_ref)
    if ticket.state == st.CANCELLED:
        raise ValidationError(_("工单已撤销，不能再添加附件"), field="file")
    return attachments.attach("ticket", ticket.id, source, kind=kind, filename=filename)


def _schedule_after_repair_visit(ticket: Ticket, closed_on: dt.date) -> Visit:
    existing = Visit.get_or_none((Visit.ticket == ticket) & (Visit.kind == AFTER_REPAIR) & (Visit.status == vs.PLANNED))
    if existing is not None:
        return existing
    summary = ticket.description if len(ticket.description) <= 40 else ticket.description[:40] + "…"
    visit = Visit.create(
        project=ticket.project, unit=ticket.unit, planned_on=after_repair_date(closed_on), kind=AFTER_REPAIR,
        purposes=_("维修后满意度回访：{n}（{s}）").format(n=ticket.number, s=summary), method=PHONE,
        staff=ticket.assignee, ticket=ticket,
    )
    audit.record("create", "visit", visit.id, None, audit.snapshot(visit), _("关闭工单 {n} 后安排").format(n=ticket.number))
    return visit


# --- queries -----------------------------------------------------------------------------------

def _limits(ticket) -> sla_rules.Deadlines:
    """A ticket's (or list row's) deadlines: set at intake for every ticket (the columns allow NULL)."""
    return sla_rules.Deadlines(cast(dt.datetime, ticket.respond_due), cast(dt.datetime, ticket.onsite_due),
                               cast(dt.datetime, ticket.complete_due))


def sla_of(ticket, now: dt.datetime) -> tuple[sla_rules.SlaState | None, str]:
    """The deadline state of a ticket (or a row with the same fields) and its text."""
    if ticket.state in st.FINAL_STATES:
        return None, ticket.state
    if ticket.state == st.PAID:
        return None, _("等待业主确认报价")
    if ticket.state == st.ELSEWHERE:
        return None, _("业主另行委托维修")
    state = sla_rules.state_at(_limits(ticket), now, ticket.responded_at, ticket.onsite_at, ticket.completed_at)
    return state, state.text


def overdue_condition(now: dt.datetime):
    """SQL: an open ticket past a deadline it has not met."""
    return Ticket.state.in_(SLA_STATES) & (
        (Ticket.responded_at.is_null() & (Ticket.respond_due < now))
        | (Ticket.onsite_at.is_null() & (Ticket.onsite_due < now))
        | (Ticket.completed_at.is_null() & (Ticket.complete_due < now))
    )


_LIST_COLUMNS = (
    Ticket.id, Ticket.number, Ticket.project, Ticket.unit, Ticket.category, Ticket.description, Ticket.urgency,
    Ticket.state, Ticket.reported_at, Ticket.in_warranty, Ticket.respond_due, Ticket.onsite_due,
    Ticket.complete_due, Ticket.responded_at, Ticket.onsite_at, Ticket.completed_at, Ticket.closed_at,
    Ticket.repeat_of, Ticket.version,
)


def due_expression():
    """SQL: the deadline of the next step still to do (as `sla_of` computes it), NULL when none."""
    return Case(None, (
        (Ticket.state.not_in(SLA_STATES), None),
        (Ticket.completed_at.is_null(False), None),
        (Ticket.onsite_at.is_null(False), Ticket.complete_due),
        (Ticket.responded_at.is_null(False), Ticket.onsite_due),
    ), Ticket.respond_due)


# the ticket list's sortable columns (its row keys) and what the database sorts them by
LIST_ORDERS: dict[str, Field] = {
    "reported_at": Ticket.reported_at,
    "number": Ticket.number,
    "project_name": Project.name,
    "urgency": Ticket.urgency,
    "state": Ticket.state,
}


def list_cursor(row: dict, order: str = "reported_at") -> tuple:
    """The keyset cursor of a list row: pass it as `after` to get the rows that follow it."""
    return row[order], row["id"]


def _list_query(project, state, overdue, now, subcontractor, open_only, assignee=None):
    query = (
        Ticket.select(*_LIST_COLUMNS, Project.code, Project.name, Unit.building, Unit.entrance, Unit.room,
                      Staff.name.alias("assignee_name"), Subcontractor.name.alias("subcontractor_name"))
        .join(Project, on=(Ticket.project == Project.id))
        .join(Unit, JOIN.LEFT_OUTER, on=(Ticket.unit == Unit.id))
        .join(Staff, JOIN.LEFT_OUTER, on=(Ticket.assignee == Staff.id))
        .join(Subcontractor, JOIN.LEFT_OUTER, on=(Ticket.subcontractor == Subcontractor.id))
    )
    if project not in (None, ""):
        query = query.where(Ticket.project == _project(project))
    if state:
        if state not in st.STATES:
            raise ValidationError(_("状态“{s}”不对，应为：{all}").format(s=state, all=" / ".join(st.STATES)), field="state")
        query = query.where(Ticket.state == state)
    if open_only:
        query = query.where(Ticket.state.in_(st.OPEN_STATES))
    if overdue:
        query = query.where(overdue_condition(now))
    if subcontractor not in (None, ""):
        query = query.where(Ticket.subcontractor == _subcontractor(subcontractor))
    if assignee not in (None, ""):
        query = query.where(Ticket.assignee == _staff(assignee))
    return query


class TicketRow(TypedDict):
    """A ticket in the lists, with its deadline state."""

    id: int
    number: str
    project_id: int
    project_code: str
    project_name: str
    unit: str  # 楼栋-单元-房号, '' for the whole project
    category: str
    category_name: str
    description: str
    urgency: str
    state: str
    reported_at: dt.datetime
    in_warranty: bool
    assignee: str
    subcontractor: str
    repeat_of_id: int | None
    respond_due: dt.datetime | None
    onsite_due: dt.datetime | None
    complete_due: dt.datetime | None
    responded_at: dt.datetime | None
    onsite_at: dt.datetime | None
    completed_at: dt.datetime | None
    closed_at: dt.datetime | None
    due: dt.datetime | None  # the deadline of the next step still to do
    overdue: bool
    sla_text: str
    version: int


def _list_rows(query, now: dt.datetime) -> list[TicketRow]:
    rows: list[TicketRow] = []
    for r in query.objects():
        sla_state, sla_text = sla_of(r, now)
        unit = "-".join(p for p in (r.building, r.entrance, r.room) if p) if r.unit_id else ""
        rows.append({
            "id": r.id, "number": r.number, "project_id": r.project_id, "project_code": r.code,
            "project_name": r.name, "unit": unit, "category": r.category,
            "category_name": CATEGORIES[r.category].name if r.category in CATEGORIES else r.category,
            "description": r.description, "urgency": r.urgency, "state": r.state, "reported_at": r.reported_at,
            "in_warranty": r.in_warranty, "assignee": r.assignee_name or "",
            "subcontractor": r.subcontractor_name or "", "repeat_of_id": r.repeat_of_id,
            "respond_due": r.respond_due, "onsite_due": r.onsite_due, "complete_due": r.complete_due,
            "responded_at": r.responded_at, "onsite_at": r.onsite_at, "completed_at": r.completed_at,
            "closed_at": r.closed_at, "due": sla_state.due if sla_state else None,
            "overdue": bool(sla_state and sla_state.overdue), "sla_text": sla_text, "version": r.version,
        })
    return rows


def list_tickets(project=None, state: str | None = None, overdue: bool = False, now: dt.datetime | None = None,
                 subcontractor=None, open_only: bool = False, limit: int | None = None,
                 offset: int = 0, order: str = "reported_at", descending: bool = True,
                 after: tuple | None = None) -> list[TicketRow]:
    """Tickets for the lists, newest first (or by `order`, one of LIST_ORDERS), with their deadline
    state; only the needed columns.

    `after` (keyset paging): the `list_cursor` of the last row of the previous batch; the batch
    continues after it. Each batch then costs the same at the end of the list as at its start,
    where `offset` makes the database walk past every skipped row."""
    now = now or _now()
    if order not in LIST_ORDERS:
        raise ValidationError(_("不能按“{o}”排序").format(o=order), field="order")
    column = LIST_ORDERS[order]
    query = _list_query(project, state, overdue, now, subcontractor, open_only)
    if after is not None:
        value, last_id = after
        if descending:  # the first condition alone lets the database walk the column's index
            query = query.where((column <= value) & ((column < value) | (Ticket.id < last_id)))
        else:
            query = query.where((column >= value) & ((column > value) | (Ticket.id > last_id)))
    if descending:
        query = query.order_by(column.desc(), Ticket.id.desc())
    else:
        query = query.order_by(column.asc(), Ticket.id.asc())
    if limit:
        query = query.limit(limit).offset(offset)
    return _list_rows(query, now)


def project_tickets(project_id: int) -> list[Ticket]:
    """A project's tickets, newest first (the project page's 工单 tab)."""
    return list(Ticket.select().where(Ticket.project == project_id).order_by(Ticket.reported_at.desc(), Ticket.id.desc()))


def open_tickets(now: dt.datetime | None = None, project=None, limit: int | None = None,
                 assignee=None) -> list[TicketRow]:
    """Open tickets (of one staff member with `assignee`), the most urgent deadline first (overdue
    ones on top); sorted and cut in SQL."""
    now = now or _now()
    due = due_expression()
    overdue_first = Case(None, ((due.is_null(False) & (due < now), 0),), 1)
    query = (_list_query(project, None, False, now, None, True, assignee)
             .order_by(overdue_first, due.is_null(), due, Ticket.reported_at, Ticket.id.desc()))
    if limit:
        query = query.limit(limit)
    return _list_rows(query, now)


def overdue_tickets(now: dt.datetime | None = None, project=None, limit: int | None = None) -> list[TicketRow]:
    rows = list_tickets(project=project, overdue=True, now=now)
    rows.sort(key=lambda r: r["due"] or dt.datetime.max)
    return rows[:limit] if limit else rows


def overdue_count(now: dt.datetime | None = None, subcontractor=None) -> int:
    query = Ticket.select(fn.COUNT(Ticket.id)).where(overdue_condition(now or _now()))
    if subcontractor not in (None, ""):
        query = query.where(Ticket.subcontractor == _subcontractor(subcontractor))
    return query.scalar() or 0


class SubcontractorTickets(TypedDict):
    subcontractor: str
    open: list[TicketRow]
    open_count: int
    overdue_count: int


def subcontractor_tickets(subcontractor, now: dt.datetime | None = None) -> SubcontractorTickets:
    """A subcontractor's open tickets and how many are overdue (for its page)."""
    sub = _subcontractor(subcontractor)
    now = now or _now()
    rows = list_tickets(subcontractor=sub, open_only=True, now=now)
    return {"subcontractor": sub.name if sub else "", "open": rows, "open_count": len(rows),
            "overdue_count": sum(1 for r in rows if r["overdue"])}


def measured(ticket_ref) -> sla_rules.Measured:
    t = get_ticket(ticket_ref)
    return sla_rules.measure(t.reported_at, _limits(t), t.responded_at, t.onsite_at, t.completed_at, t.closed_at)


def _m(value) -> str | None:
    return None if value is None else f"{Decimal(str(value)):.2f}"


def _iso(value) -> str | None:
    return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else (value.isoformat() if value else None)


class MeasuredHours(TypedDict):
    response_hours: float | None
    onsite_hours: float | None
    complete_hours: float | None
    close_hours: float | None
    within_sla: bool | None


class CostLineRow(TypedDict):
    id: int
    kind: str
    description: str
    quantity: str
    unit_price: str | None
    amount: str | None
    borne_by: str


class PaymentRow(TypedDict):
    amount: str | None
    received_on: str
    received_by: str
    note: str


# a state change in the ticket's history ("from" is a keyword, hence the functional form)
EventRow = TypedDict("EventRow", {"from": str, "to": str, "at": str | None, "by": str, "reason": str})


class FollowUpRow(TypedDict):
    id: int
    planned_on: str
    status: str


class PayerSum(TypedDict):
    payer: str  # a bearer of resp.BEARERS
    amount: str | None


class DeadlineStep(TypedDict):
    step: str  # respond / onsite / complete
    name: str
    due: str | None
    done: str | None
    late: bool
    pending: bool


class TicketDetail(TypedDict):
    """Everything about one ticket, JSON-friendly (`ticket show --json`, the ticket window)."""

    id: int
    number: str
    version: int
    project_code: str
    project_name: str
    unit: str
    reporter: str
    phone: str
    channel: str
    location: str
    category: str
    category_name: str
    description: str
    urgency: str
    state: str
    next_states: list[str]
    reported_at: str | None
    in_warranty: bool
    warranty_reason: str
    warranty_override_reason: str
    repeat_of: str | None
    assignee: str
    subcontractor: str
    respond_due: str | None
    onsite_due: str | None
    complete_due: str | None
    responded_at: str | None
    onsite_at: str | None
    completed_at: str | None
    closed_at: str | None
    overdue: bool
    sla_text: str
    measured: MeasuredHours
    cause_class: str
    payer: str
    allocation: str
    quote_amount: str | None
    quote_accepted: bool | None
    cost_lines: list[CostLineRow]
    cost_total: str | None
    payments: list[PaymentRow]
    signoff_kind: str
    signoff_by: str
    signoff_at: str | None
    signoff_note: str
    satisfaction: int | None
    events: list[EventRow]
    after_repair_visits: list[FollowUpRow]
    cost_by_payer: list[PayerSum]
    owner_paid: str | None
    owner_due: str | None
    actions: list[str]
    deadlines: list[DeadlineStep]


def _costs_by_payer(t: Ticket) -> list[PayerSum]:
    """The cost lines summed by who bears them, in the order of resp.BEARERS (those with a cost)."""
    sums: dict[str, object] = dict(tuples(CostLine.select(CostLine.borne_by, fn.SUM(CostLine.amount))
                                          .where(CostLine.ticket == t).group_by(CostLine.borne_by)))
    return [{"payer": payer, "amount": _m(sums[payer])} for payer in (*resp.BEARERS, *sorted(set(sums) - set(resp.BEARERS)))
            if payer in sums]


def _deadline_steps(t: Ticket, now: dt.datetime) -> list[DeadlineStep]:
    """响应 / 到场 / 完成: each deadline, when it was met (or not yet), and whether it is or was missed."""
    done = {"respond": t.responded_at, "onsite": t.onsite_at, "complete": t.completed_at}
    if done["complete"] and not done["onsite"]:
        done["onsite"] = done["complete"]
    if done["onsite"] and not done["respond"]:
        done["respond"] = done["onsite"]
    dues = {"respond": t.respond_due, "onsite": t.onsite_due, "complete": t.complete_due}
    running = t.state in SLA_STATES
    steps: list[DeadlineStep] = []
    for step in sla_rules.STEPS:
        due = dues[step]
        at = done[step]
        if due is None:
            continue
        late = (at is not None and at > due) or (at is None and running and now > due)
        steps.append({"step": step, "name": sla_rules.STEP_NAMES[step], "due": _iso(due), "done": _iso(at),
                      "late": late, "pending": at is None and running})
    return steps


def ticket_detail(ticket_ref, now: dt.datetime | None = None) -> TicketDetail:
    """Everything about one ticket, JSON-friendly (for `ticket show` and the ticket page)."""
    t = get_ticket(ticket_ref)
    now = now or _now()
    sla_state, sla_text = sla_of(t, now)
    m = measured(t)
    allocation = None
    if t.cause_class:
        allocation = resp.allocate(t.cause_class, t.payer == resp.SUBCONTRACTOR)
    return {
        "id": t.id, "number": t.number, "version": t.version,
        "project_code": t.project.code, "project_name": t.project.name,
        "unit": t.unit.label if t.unit else "", "reporter": t.reporter, "phone": t.phone,
        "channel": t.channel, "location": t.location, "category": t.category,
        "category_name": CATEGORIES[t.category].name if t.category in CATEGORIES else t.category,
        "description": t.description, "urgency": t.urgency, "state": t.state,
        "next_states": list(st.next_states(t.state)),
        "reported_at": _iso(t.reported_at), "in_warranty": t.in_warranty, "warranty_reason": t.warranty_reason,
        "warranty_override_reason": t.warranty_override_reason,
        "repeat_of": t.repeat_of.number if t.repeat_of else None,
        "assignee": t.assignee.name if t.assignee else "",
        "subcontractor": t.subcontractor.name if t.subcontractor else "",
        "respond_due": _iso(t.respond_due), "onsite_due": _iso(t.onsite_due), "complete_due": _iso(t.complete_due),
        "responded_at": _iso(t.responded_at), "onsite_at": _iso(t.onsite_at),
        "completed_at": _iso(t.completed_at), "closed_at": _iso(t.closed_at),
        "overdue": bool(sla_state and sla_state.overdue), "sla_text": sla_text,
        "measured": {"response_hours": m.response_hours, "onsite_hours": m.onsite_hours,
                     "complete_hours": m.complete_hours, "close_hours": m.close_hours, "within_sla": m.within_sla},
        "cause_class": t.cause_class, "payer": t.payer, "allocation": allocation.text if allocation else "",
        "quote_amount": _m(t.quote_amount),
        "quote_accepted": t.quote_accepted,
        "cost_lines": [{"id": c.id, "kind": c.kind, "description": c.description, "quantity": str(c.quantity),
                        "unit_price": _m(c.unit_price), "amount": _m(c.amount), "borne_by": c.borne_by}
                       for c in t.cost_lines.order_by(CostLine.id)],
        "cost_total": _m(cost_total(t)),
        "cost_by_payer": _costs_by_payer(t),
        "owner_paid": _m(sum((p.amount for p in t.payments), Decimal(0))),
        "owner_due": _m(max(cost_total(t, resp.OWNER) - sum((p.amount for p in t.payments), Decimal(0)), Decimal(0))),
        "actions": sorted(st.actions(t.state, owner_pays=_owner_pays(t), quoted=t.quote_amount is not None,
                                     assigned=bool(t.assignee_id or t.subcontractor_id))),
        "deadlines": _deadline_steps(t, now),
        "payments": [{"amount": _m(p.amount), "received_on": p.received_on.isoformat(),
                      "received_by": p.received_by, "note": p.note} for p in t.payments.order_by(Payment.id)],
        "signoff_kind": t.signoff_kind, "signoff_by": t.signoff_by, "signoff_at": _iso(t.signoff_at),
        "signoff_note": t.signoff_note, "satisfaction": t.satisfaction,
        "events": [{"from": e.from_state, "to": e.to_state, "at": _iso(e.at), "by": e.by, "reason": e.reason}
                   for e in t.events.order_by(TicketEvent.at, TicketEvent.id)],
        "after_repair_visits": [{"id": v.id, "planned_on": v.planned_on.isoformat(), "status": v.status}
                                for v in t.followup_visits.order_by(Visit.planned_on)],
    }
