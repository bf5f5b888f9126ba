"""Taking a repair request: the warranty decision and the repeat-defect check, the ticket number,
the suggested urgency (kept or overridden with a reason) and the deadlines, the intake photos in the
ticket's transaction; later changes of urgency or of the warranty decision."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypedDict

from peewee import IntegrityError, fn

from ...errors import ValidationError
from ...i18n import N_, _, joined, keyed, nested, said, said_text
from ...models import Project, Ticket, TicketEvent, Unit, Visit, database_proxy
from ...rules import responsibility as resp
from ...rules import sla as sla_rules
from ...rules import ticket_states as st
from ...rules import urgency as urgency_rules
from ...rules.categories import CATEGORIES
from ...rules.repairs import REPEAT_DAYS, repeat_since
from .. import attachments, audit, fields, settings
from ..projects import project_has_heating
from .common import (
    CHANNELS,
    MAX_DESCRIPTION,
    NO_REASON_GIVEN,
    NORMAL_OVERRIDDEN,
    PHONE_CALL,
    RECEIVED_VIA,
    URGENT_AS_SUGGESTED,
    URGENT_CONFIRMED,
    URGENT_OVERRIDDEN,
    VISIT_FINDING,
    _fresh,
    _item,
    _not_future,
    _now,
    _project,
    _save,
    _text,
    _unit,
    category_key,
    channel_key,
    channel_name,
    parse_moment,
)


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


REPEAT_OPEN = N_("重复报修：{where}的“{name}”已有未关闭的工单 {number}（{state}），本单已与其关联")
REPEAT_CLOSED = N_("重复报修：{where}的“{name}”工单 {number} 于 {closed} 关闭，{days}天内再次报修，本单已与其关联")
WARRANTY_CHANGED = N_("更改保修判定：{r}")
audit.NOTE_TEMPLATES.extend((REPEAT_OPEN, REPEAT_CLOSED, WARRANTY_CHANGED))


def said_of(value: dict) -> str:
    """A nested sentence stored (i18n.said)."""
    return said(value["said"], **value["with"])


def find_repeat(project: Project, unit: Unit | None, category: str, location: str,
                reported_at: dt.datetime, exclude_id: int | None = None) -> tuple[Ticket | None, str]:
    """An open ticket for the same unit and category, or one closed within 90 days before, with the
    warning in the active language ('' when there is none)."""
    earlier, warning = repeat_warning(project, unit, category, location, reported_at, exclude_id)
    return earlier, said_text(warning) if warning else ""


def repeat_warning(project: Project, unit: Unit | None, category: str, location: str,
                   reported_at: dt.datetime, exclude_id: int | None = None) -> tuple[Ticket | None, dict | None]:
    """find_repeat's ticket and its warning as a sentence to store (i18n.nested)."""
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
        return None, None
    where = unit.label if unit is not None else (location or project.name)
    name = keyed("category", category)
    if earlier.state in st.OPEN_STATES:
        return earlier, nested(REPEAT_OPEN, where=where, name=name, number=earlier.number,
                               state=keyed("state", earlier.state))
    return earlier, nested(REPEAT_CLOSED, where=where, name=name, number=earlier.number,
                           closed=earlier.closed_at.date().isoformat(), days=REPEAT_DAYS)


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


class IntakeColumns(TypedDict):
    """The new ticket's own columns, checked."""

    project: Project
    unit: Unit | None
    reporter: str
    phone: str
    channel: str
    location: str
    category: str  # the warranty item's key
    description: str
    urgency: str  # the urgency key: as given, else as suggested
    reported_at: dt.datetime
    source_visit: Visit | None


@dataclass
class CleanIntake:
    """An intake form, checked: the ticket's columns and what create_ticket records beside them."""

    columns: IntakeColumns
    suggestion: urgency_rules.UrgencySuggestion
    urgency_given: bool  # the clerk chose the urgency (else the suggestion's)
    urgency_reason: str
    structural_safety: bool
    safety_reason: str


def clean_intake(data: dict) -> CleanIntake:
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
    channel = channel_key(_text(data.get("channel") or PHONE_CALL, 20, _("报修方式"), "channel"))
    if channel not in CHANNELS:
        raise ValidationError(
            _("报修方式“{c}”不对，应为：{all}").format(c=channel, all=" / ".join(channel_name(c) for c in CHANNELS)), field="channel")
    urgency = _text(data.get("urgency"), 10, _("紧急程度"), "urgency")  # empty: as the rules suggest
    urgency = sla_rules.urgency_key(urgency) if urgency else urgency  # 紧急 / urgent / Urgent: the key
    if urgency and urgency not in sla_rules.URGENCIES:
        raise ValidationError(_("紧急程度“{u}”不对，应为：{urgencies}").format(
            u=urgency, urgencies=" / ".join(sla_rules.urgency_name(x) for x in sla_rules.URGENCIES)), field="urgency")
    urgency_reason = _text(data.get("urgency_reason"), 500, _("更改紧急程度的原因"), "urgency_reason")
    structural = bool(data.get("structural_safety"))
    description = _text(data.get("description"), MAX_DESCRIPTION, _("报修内容"), "description", required=True)
    location = _text(data.get("location"), 200, _("报修部位"), "location")
    category = category_key(data.get("category"))
    reported_at = parse_moment(data.get("reported_at"), _("报修时间")) or _now()
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
        if channel == PHONE_CALL and not data.get("channel"):
            channel = VISIT_FINDING
    else:
        source_visit = None
    suggestion = suggest_urgency(project, category, description, reported_at, structural)
    if structural and urgency == sla_rules.NORMAL:
        raise ValidationError(
            _("涉及结构安全的报修须按紧急处理，须立即到场抢修（《房屋建筑工程质量保修办法》第九条）"), field="urgency")
    columns: IntakeColumns = {
        "project": project, "unit": unit, "reporter": reporter, "phone": phone, "channel": channel,
        "location": location, "category": category, "description": description,
        "urgency": urgency or suggestion.urgency, "reported_at": reported_at, "source_visit": source_visit,
    }
    return CleanIntake(columns, suggestion, urgency_given=bool(urgency), urgency_reason=urgency_reason,
                       structural_safety=structural,
                       safety_reason=_text(data.get("safety_reason"), 2000, _("结构安全隐患的情况"), "safety_reason"))


def suggest_urgency(project, category, description: str, reported_at=None,
                    structural_safety: bool = False) -> urgency_rules.UrgencySuggestion:
    """The urgency the rules suggest for a request (RULES.md §4): from the category, the words of the
    description and the date against the project's heating season. The clerk confirms or overrides."""
    project = _project(project)
    key = category_key(category) if category else ""
    moment = parse_moment(reported_at) or _now()
    heating = settings.season_rules(project.region if project.region_id else None,
                                    project_has_heating(project)).heating
    return urgency_rules.suggest(key, description or "", moment.date(), heating, structural_safety)


def urgency_history(suggestion: urgency_rules.UrgencySuggestion, urgency: str, given: bool, reason: str) -> str:
    """How the urgency was decided, for the ticket's history: the suggestion confirmed, followed, or
    overridden (with the clerk's reason), in the active language. Empty when both say 一般."""
    decided = urgency_decision(suggestion, urgency, given, reason)
    return said_text(decided) if decided else ""


def urgency_decision(suggestion: urgency_rules.UrgencySuggestion, urgency: str, given: bool,
                     reason: str) -> dict | None:
    """urgency_history as a sentence to store (i18n.nested); None when both say 一般."""
    why = joined(*(nested(urgency_rules.REASONS[g]) for g in suggestion.grounds)) or ""
    if urgency == suggestion.urgency:
        if urgency != sla_rules.URGENT:
            return None
        return nested(URGENT_CONFIRMED if given else URGENT_AS_SUGGESTED, why=why)
    given_reason = reason or nested(NO_REASON_GIVEN)
    if suggestion.urgency == sla_rules.URGENT:
        return nested(URGENT_OVERRIDDEN, why=why, reason=given_reason)
    return nested(NORMAL_OVERRIDDEN, reason=given_reason)


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
    checked = clean_intake(data)
    clean, suggestion = checked.columns, checked.suggestion
    urgency_said = urgency_decision(suggestion, clean["urgency"], checked.urgency_given, checked.urgency_reason)
    urgency_note = said_text(urgency_said) if urgency_said else ""
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
        earlier, repeat = repeat_warning(project, clean["unit"], clean["category"], clean["location"], reported_at)
        warning = said_text(repeat) if repeat else ""
        values = dict(
            clean, state=st.RECEIVED, in_warranty=in_warranty, warranty_reason=decision.stored,
            warranty_override_reason=override_reason, repeat_of=earlier,
            respond_due=limits.respond, onsite_due=limits.onsite, complete_due=limits.complete,
            cause_class="" if in_warranty else resp.EXPIRED,
            payer="" if in_warranty else resp.OWNER,
        )
        ticket = _create_numbered(reported_at.year, values)
        # the history and the audit note keep the program's sentences as their templates (said in the reader's language)
        first = nested(RECEIVED_VIA, channel=keyed("channel", clean["channel"]))
        TicketEvent.create(ticket=ticket, from_state="", to_state=st.RECEIVED, at=reported_at, by=by,
                           reason=said_of(joined(first, urgency_said) or first))
        note = joined(repeat, urgency_said, nested(WARRANTY_CHANGED, r=override_reason) if override_reason else None)
        audit.record("create", "ticket", ticket.id, None, audit.snapshot(ticket), said_of(note) if note else "")
        for photo in photos:
            attachments.attach("ticket", ticket.id, photo, kind="photo")
        if checked.structural_safety:
            from .. import safety

            safety.mark(ticket, checked.safety_reason or clean["description"], by=by, at=reported_at)
    return Intake(ticket, decision, warning, suggestion, urgency_note)


def change_urgency(ticket_ref, urgency: str, reason: str = "", expected_version: int | None = None) -> Ticket:
    """Change an open ticket's urgency; its deadlines are counted again from the report time. A
    structural-safety defect stays 紧急."""
    urgency = sla_rules.urgency_key(urgency)
    if urgency not in sla_rules.URGENCIES:
        raise ValidationError(_("紧急程度“{u}”不对，应为：{urgencies}").format(
            u=urgency, urgencies=" / ".join(sla_rules.urgency_name(x) for x in sla_rules.URGENCIES)), field="urgency")
    reason = _text(reason, 500, _("原因"), "reason")
    with database_proxy.atomic():
        ticket = _fresh(ticket_ref, expected_version)
        if ticket.urgency == urgency:
            return ticket
        if not st.is_open(ticket.state):
            raise ValidationError(_("工单已“{s}”，不能再更改紧急程度").format(s=st.state_name(ticket.state)), field="urgency")
        from ...models import SafetyReport

        if urgency != sla_rules.URGENT and SafetyReport.select().where(SafetyReport.ticket == ticket).exists():
            raise ValidationError(_("该工单涉及结构安全，须按紧急处理"), field="urgency")
        old = audit.snapshot(ticket)
        limits = sla_rules.deadlines(ticket.reported_at, urgency, settings.get("sla"))
        ticket.urgency = urgency
        ticket.respond_due, ticket.onsite_due, ticket.complete_due = limits.respond, limits.onsite, limits.complete
        _save(ticket, old, "urgency", reason or _("紧急程度改为{u}").format(u=sla_rules.urgency_name(urgency)))
    return ticket


def override_warranty(ticket_ref, in_warranty: bool, reason: str, expected_version: int | None = None) -> Ticket:
    """Overrule the in/out-of-warranty decision; only with a reason, which the audit log keeps."""
    reason = _text(reason, 500, _("更改保修判定的原因"), "reason", required=True)
    with database_proxy.atomic():
        ticket = _fresh(ticket_ref, expected_version)
        if not st.is_open(ticket.state):
            raise ValidationError(_("工单已“{s}”，不能再更改保修判定").format(s=st.state_name(ticket.state)), field="in_warranty")
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
