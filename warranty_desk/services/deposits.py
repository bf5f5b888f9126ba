"""质量保证金 of a project: amount and 缺陷责任期 within the legal limits, deductions for repairs the
owner had done elsewhere, the return application, the 14-day check and return deadlines, the 催告,
and the return (RULES.md §5; the date arithmetic is in rules/deposit.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TypedDict

from peewee import JOIN, fn

from ..errors import ConflictError, NotFound, ValidationError
from ..i18n import _, format_money
from ..models import Deposit, DepositDeduction, Project, Ticket, TicketEvent, database_proxy, tuples
from ..rules import deposit as rules
from ..rules import responsibility as resp
from ..rules import ticket_states as st
from . import audit, fields
from .projects import find_project
from .tickets import get_ticket


def deposit_of(project_ref) -> Deposit:
    project = find_project(project_ref)
    deposit = Deposit.get_or_none(Deposit.project == project)
    if deposit is None:
        raise NotFound(_("工程“{code}”还没有登记质量保证金").format(code=project.code))
    return deposit


def _day(value, label: str, field: str, required: bool = True) -> dt.date | None:
    return fields.checked(fields.date, value, label, field, required)


def _amount(value, label: str, field: str) -> Decimal:
    return fields.checked(fields.money, value, label, field, required=True)


def _save(deposit: Deposit, old: dict | None, action: str, expected_version: int | None, note: str = "") -> None:
    if old is None:
        deposit.save()
    else:
        if expected_version is not None and expected_version != deposit.version:
            raise ConflictError()
        deposit.version += 1
        updated = (Deposit.update({f: deposit.__data__.get(f.name) for f in Deposit._meta.sorted_fields
                                   if f.name != "id"})
                   .where((Deposit.id == deposit.id) & (Deposit.version == deposit.version - 1)).execute())
        if updated != 1:
            raise ConflictError()
    before, after = audit.changed(old or {}, audit.snapshot(deposit))
    audit.record(action, "deposit", deposit.id, before or None, after, note)


def set_deposit(project_ref, data: dict, expected_version: int | None = None) -> Deposit:
    """Create or change a project's deposit.

    `data`: amount, settled_price (default: the project's settled or contract amount), defect_months
    (default 12 — 办法第二条: 一般为1年; at most 24), start_on, or owner_delayed with report_submitted_on (start 90 days later), bank_guarantee, notes."""
    project = find_project(project_ref)
    settled = data.get("settled_price")
    if settled in (None, ""):
        settled = rules.settled_price(project.settled_amount, project.contract_amount)
    settled = _amount(settled, _("结算价款"), "settled_price")
    if settled <= 0:
        raise ValidationError(_("结算价款必须大于零"), field="settled_price")
    amount = _amount(data.get("amount"), _("保证金金额"), "amount")
    limit = rules.max_amount(settled)
    if amount > limit:
        raise ValidationError(
            _("保证金 {a} 超过结算价款 {s} 的{rate}（最多 {m}，《建设工程质量保证金管理办法》第七条），请改小").format(
                a=format_money(amount), s=format_money(settled), rate=rules.rate_text(), m=format_money(limit)),
            field="amount")
    try:
        months = fields.integer(data.get("defect_months"), 1, 1000)  # None: not given
    except ValueError as exc:
        raise ValidationError(_("缺陷责任期：{e}").format(e=exc), field="defect_months") from None
    if months is not None and months > rules.MAX_MONTHS:
        raise ValidationError(
            _("缺陷责任期最长24个月（办法第二条），您填的是{m}个月").format(m=months), field="defect_months")
    delayed = bool(data.get("owner_delayed"))
    start = _day(data.get("start_on"), _("缺陷责任期开始日期"), "start_on", required=False)
    if delayed or start is None:
        submitted = _day(data.get("report_submitted_on"), _("竣工验收报告提交日期"), "report_submitted_on",
                         required=False)
        try:
            start = rules.start_date(project.accepted_on, submitted, delayed)
        except ValueError as exc:
            raise ValidationError(str(exc), field="report_submitted_on" if delayed else "start_on") from None
    notes = fields.text(data.get("notes"), 2000, _("备注")) if data.get("notes") else ""
    with database_proxy.atomic():
        deposit = Deposit.get_or_none(Deposit.project == project)
        old = audit.snapshot(deposit) if deposit else None
        if deposit is None:
            deposit = Deposit(project=project)
        elif deposit.returned_on is not None:
            raise ValidationError(_("保证金已返还，不能再修改"), field="amount")
        deducted = _deducted(deposit) if deposit.id else Decimal("0")
        if amount < deducted:
            raise ValidationError(
                _("保证金不能少于已扣除的 {d}").format(d=format_money(deducted)), field="amount")
        if months is None:  # not given: a new deposit gets the usual year, a registered one keeps its period
            months = deposit.defect_months if deposit.id else rules.DEFAULT_MONTHS
        deposit.amount, deposit.settled_price, deposit.defect_months = amount, settled, months
        deposit.start_on = start
        deposit.bank_guarantee = bool(data.get("bank_guarantee", deposit.bank_guarantee or False))
        if "notes" in data:
            deposit.notes = notes
        note = _("发包人原因延迟验收，自报告提交后90日起算") if delayed else ""
        _save(deposit, old, "update" if old else "create", expected_version, note)
    return deposit


def _deducted(deposit: Deposit) -> Decimal:
    total = (DepositDeduction.select(fn.COALESCE(fn.SUM(DepositDeduction.amount), 0))
             .where(DepositDeduction.deposit == deposit).scalar())
    return Decimal(str(total or 0)).quantize(Decimal("0.01"))


def balance(deposit: Deposit) -> Decimal:
    return (Decimal(str(deposit.amount)) - _deducted(deposit)).quantize(Decimal("0.01"))


def _went_elsewhere(ticket: Ticket) -> bool:
    return ticket.state == st.ELSEWHERE or TicketEvent.select().where(
        (TicketEvent.ticket == ticket) & (TicketEvent.to_state == st.ELSEWHERE)).exists()


class DeductionCandidate(TypedDict):
    """A ticket the owner had repaired elsewhere, and whether a deduction may be linked to it."""

    id: int
    number: str
    state: str
    cause_class: str
    description: str
    reported_at: dt.datetime
    deductible: bool
    why_not: str


def deduction_candidates(project_ref) -> list[DeductionCandidate]:
    """The project's tickets the owner had repaired elsewhere (业主另行委托, now or before), newest
    first, with whether a deduction may be linked to them and why not."""
    project = find_project(project_ref)
    went = TicketEvent.select(TicketEvent.ticket).where(TicketEvent.to_state == st.ELSEWHERE)
    query = (Ticket.select(Ticket.id, Ticket.number, Ticket.state, Ticket.cause_class, Ticket.description,
                           Ticket.reported_at)
             .where((Ticket.project == project) & ((Ticket.state == st.ELSEWHERE) | Ticket.id.in_(went)))
             .order_by(Ticket.reported_at.desc(), Ticket.id.desc()))
    rows: list[DeductionCandidate] = []
    for t in query:
        deductible = t.cause_class == resp.WORKMANSHIP
        why = "" if deductible else _("责任类别为“{c}”，不是我方施工质量问题，不能扣除").format(
            c=resp.cause_name(t.cause_class) if t.cause_class else _("未确定"))
        rows.append({"id": t.id, "number": t.number, "state": t.state, "cause_class": t.cause_class,
                     "description": t.description, "reported_at": t.reported_at, "deductible": deductible,
                     "why_not": why})
    return rows


def add_deduction(project_ref, ticket_number: str, amount, on=None, reason: str = "") -> DepositDeduction:
    """Deduct what the owner paid another party for a repair that was ours to do."""
    amount = _amount(amount, _("扣除金额"), "amount")
    if amount <= 0:
        raise ValidationError(_("扣除金额必须大于零"), field="amount")
    day = _day(on, _("扣除日期"), "on", required=False) or dt.date.today()
    reason = fields.text(reason, 1000, _("原因"))
    with database_proxy.atomic():
        deposit = deposit_of(project_ref)
        ticket = get_ticket(ticket_number or "")
        if ticket.project_id != deposit.project_id:
            raise ValidationError(_("工单 {n} 不属于本工程").format(n=ticket.number), field="ticket")
        if not _went_elsewhere(ticket):
            raise ValidationError(
                _("只有“业主另行委托”维修的工单才能从保证金中扣除费用；工单 {n} 当前为“{s}”").format(
                    n=ticket.number, s=st.state_name(ticket.state)), field="ticket")
        if ticket.cause_class != resp.WORKMANSHIP:
            cause = resp.cause_name(ticket.cause_class) if ticket.cause_class else _("未确定")
            raise ValidationError(
                _("工单 {n} 的责任类别是“{c}”，不是我方施工质量问题，不能从保证金中扣除（由他方原因造成的缺陷不得扣除）").format(
                    n=ticket.number, c=cause), field="ticket")
        if deposit.returned_on is not None:
            raise ValidationError(_("保证金已返还，不能再扣除"), field="amount")
        left = balance(deposit)
        if amount > left:
            raise ValidationError(
                _("扣除金额 {a} 超过保证金余额 {b}").format(a=format_money(amount), b=format_money(left)), field="amount")
        row = DepositDeduction.create(deposit=deposit, ticket=ticket, amount=amount, on=day,
                                      reason=reason or _("业主另行委托维修：{n}").format(n=ticket.number))
        audit.record("create", "deposit_deduction", row.id, None, audit.snapshot(row), ticket.number)
    return row


def _plan(deposit: Deposit) -> rules.DepositSchedule:
    return rules.schedule(deposit.start_on, deposit.defect_months, deposit.applied_on, deposit.checked_on,
                          deposit.reminder_on)


def _step(project_ref, field: str, day, expected_version: int | None, note: str = "") -> Deposit:
    with database_proxy.atomic():
        deposit = deposit_of(project_ref)
        if deposit.returned_on is not None:
            raise ValidationError(_("保证金已返还"), field=field)
        plan = _plan(deposit)
        old = audit.snapshot(deposit)
        if field == "applied_on":
            if day < plan.apply_from:
                raise ValidationError(
                    _("缺陷责任期到 {end} 才结束，{start} 起才能申请返还").format(
                        end=plan.period_end.isoformat(), start=plan.apply_from.isoformat()), field=field)
            deposit.applied_on = day
        elif field == "checked_on":
            if deposit.applied_on is None or day < deposit.applied_on:
                raise ValidationError(_("核实日期须在返还申请之后"), field=field)
            deposit.checked_on = day
        elif field == "reminder_on":
            if deposit.applied_on is None:
                raise ValidationError(_("请先登记返还申请"), field=field)
            if deposit.checked_on is not None:
                raise ValidationError(_("发包人已核实，不需要催告"), field=field)
            assert plan.check_due is not None and plan.reminder_from is not None  # applied: both are set
            if day < plan.reminder_from:
                raise ValidationError(
                    _("发包人的核实期限到 {due} 为止，{start} 起才能催告").format(
                        due=plan.check_due.isoformat(), start=plan.reminder_from.isoformat()), field=field)
            deposit.reminder_on = day
        _save(deposit, old, field.removesuffix("_on"), expected_version, note)
    return deposit


def apply_for_return(project_ref, on=None, expected_version: int | None = None) -> Deposit:
    return _step(project_ref, "applied_on", _day(on, _("申请日期"), "applied_on", False) or dt.date.today(),
                 expected_version)


def record_check(project_ref, on=None, expected_version: int | None = None) -> Deposit:
    return _step(project_ref, "checked_on", _day(on, _("核实日期"), "checked_on", False) or dt.date.today(),
                 expected_version)


def record_reminder(project_ref, on=None, expected_version: int | None = None) -> Deposit:
    return _step(project_ref, "reminder_on", _day(on, _("催告日期"), "reminder_on", False) or dt.date.today(),
                 expected_version)


def record_return(project_ref, on=None, amount=None, expected_version: int | None = None) -> Deposit:
    """The money came back; the amount defaults to the deposit less the deductions."""
    day = _day(on, _("返还日期"), "returned_on", False) or dt.date.today()
    with database_proxy.atomic():
        deposit = deposit_of(project_ref)
        if deposit.returned_on is not None:
            raise ValidationError(_("保证金已于 {d} 返还").format(d=deposit.returned_on.isoformat()), field="returned_on")
        if deposit.applied_on is None or day < deposit.applied_on:
            raise ValidationError(_("返还日期须在返还申请之后（请先登记申请）"), field="returned_on")
        left = balance(deposit)
        value = left if amount in (None, "") else _amount(amount, _("返还金额"), "returned_amount")
        if value > left:
            raise ValidationError(
                _("返还金额 {a} 超过应返还的 {b}（保证金减去已扣除）").format(
                    a=format_money(value), b=format_money(left)), field="returned_amount")
        old = audit.snapshot(deposit)
        deposit.returned_on, deposit.returned_amount = day, value
        _save(deposit, old, "return", expected_version)
    return deposit


def _deductions_of(deposits: list[Deposit]) -> dict[int, list]:
    """The deductions of several deposits in one query: deposit id → (amount, on, reason, ticket number, id)."""
    found: dict[int, list] = {d.id: [] for d in deposits}
    if not found:
        return found
    query = (DepositDeduction.select(DepositDeduction.deposit, DepositDeduction.amount, DepositDeduction.on,
                                     DepositDeduction.reason, Ticket.number, DepositDeduction.id)
             .join(Ticket, JOIN.LEFT_OUTER, on=(DepositDeduction.ticket == Ticket.id))
             .where(DepositDeduction.deposit.in_(list(found)))
             .order_by(DepositDeduction.on, DepositDeduction.id))
    for deposit_id, amount, on, reason, number, row_id in tuples(query):
        found[deposit_id].append((amount, on, reason, number, row_id))
    return found


class DeductionRow(TypedDict):
    id: int
    ticket: str
    amount: str
    on: str
    reason: str


class DepositInfo(TypedDict):
    """A deposit with its dates, status and deductions (JSON-friendly: `deposit show --json`, the page)."""

    id: int
    project_id: int
    project_code: str
    project_name: str
    version: int
    amount: str
    settled_price: str
    max_amount: str
    bank_guarantee: bool
    defect_months: int
    start_on: str
    period_end: str
    apply_from: str
    applied_on: str | None
    check_due: str | None
    checked_on: str | None
    reminder_from: str | None
    reminder_on: str | None
    deemed_agreed_on: str | None
    return_due: str | None
    returned_on: str | None
    returned_amount: str | None
    deducted: str
    balance: str
    status: str  # a stage of rules/deposit.py (untranslated)
    deductions: list[DeductionRow]


class DepositForm(TypedDict):
    """What the deposit form shows for a project."""

    version: int | None  # None: no deposit yet, saving creates one
    values: dict
    deducted: str | None
    status: str | None


def info(deposit: Deposit, today: dt.date | None = None, deductions: list | None = None) -> DepositInfo:
    """A deposit with its dates, status and deductions (JSON-friendly). `deductions`: the rows of
    `_deductions_of` when the caller fetched them for many deposits at once."""
    today = today or dt.date.today()
    plan = _plan(deposit)
    if deductions is None:
        deductions = _deductions_of([deposit])[deposit.id]
    # the same sum the database makes in `_deducted`, without asking it again
    deducted = Decimal(str(sum((Decimal(str(d[0])) for d in deductions), Decimal(0)))).quantize(Decimal("0.01"))
    left = (Decimal(str(deposit.amount)) - deducted).quantize(Decimal("0.01"))

    def iso(d):
        return d.isoformat() if d else None

    return {
        "id": deposit.id, "project_id": deposit.project_id, "project_code": deposit.project.code,
        "project_name": deposit.project.name, "version": deposit.version,
        "amount": f"{Decimal(str(deposit.amount)):.2f}", "settled_price": f"{Decimal(str(deposit.settled_price)):.2f}",
        "max_amount": f"{rules.max_amount(Decimal(str(deposit.settled_price))):.2f}",
        "bank_guarantee": deposit.bank_guarantee, "defect_months": deposit.defect_months,
        "start_on": deposit.start_on.isoformat(), "period_end": plan.period_end.isoformat(),
        "apply_from": plan.apply_from.isoformat(),
        "applied_on": iso(deposit.applied_on), "check_due": iso(plan.check_due), "checked_on": iso(deposit.checked_on),
        "reminder_from": iso(plan.reminder_from), "reminder_on": iso(deposit.reminder_on),
        "deemed_agreed_on": iso(plan.deemed_agreed_on), "return_due": iso(plan.return_due),
        "returned_on": iso(deposit.returned_on),
        "returned_amount": f"{Decimal(str(deposit.returned_amount)):.2f}" if deposit.returned_amount is not None else None,
        "deducted": f"{deducted:.2f}", "balance": f"{left:.2f}",
        "status": rules.status(plan, today, deposit.applied_on, deposit.checked_on, deposit.reminder_on,
                               deposit.returned_on),
        "deductions": [
            {"id": row_id, "ticket": number or "", "amount": f"{Decimal(str(amount)):.2f}", "on": on.isoformat(),
             "reason": reason}
            for amount, on, reason, number, row_id in deductions
        ],
    }


def show(project_ref, today: dt.date | None = None) -> DepositInfo:
    return info(deposit_of(project_ref), today)


def _open_deposits():
    return (Deposit.select(Deposit, Project.code, Project.name).join(Project)
            .where(Deposit.returned_on.is_null()))


def to_apply(today: dt.date | None = None, within_days: int = 0, limit: int | None = None) -> list[DepositInfo]:
    """Deposits whose return can be applied for (or can within `within_days`), not applied yet, the
    earliest first; `limit`: only the first ones are described (`info`, deductions) — the dashboard."""
    today = today or dt.date.today()
    # the dates from three columns (no Deposit and Project built per deposit of the office), then only
    # the deposits listed are read whole
    last = today + dt.timedelta(days=within_days)
    dated = []
    query = (Deposit.select(Deposit.id, Deposit.start_on, Deposit.defect_months)
             .where(Deposit.returned_on.is_null() & Deposit.applied_on.is_null() & (Deposit.start_on <= last)))
    for deposit_id, start_on, months in database_proxy.execute(query):  # the driver's values: SQLite gives text
        if isinstance(start_on, str):
            start_on = dt.date.fromisoformat(start_on[:10])
        apply_from = rules.schedule(start_on, months).apply_from
        if apply_from <= last:
            dated.append((apply_from, deposit_id))
    dated.sort()  # by date, then id
    ids = [deposit_id for _on, deposit_id in (dated[:limit] if limit else dated)]
    by_id = {d.id: d for d in _open_deposits().where(Deposit.id.in_(ids))} if ids else {}
    due = [by_id[i] for i in ids]
    deductions = _deductions_of(due)
    return [info(d, today, deductions[d.id]) for d in due]


def overdue_returns(today: dt.date | None = None) -> list[DepositInfo]:
    """Applied deposits the owner is late with: no answer past the check deadline (催告 due), or
    the money not back by the return deadline."""
    today = today or dt.date.today()
    applied = list(_open_deposits().where(Deposit.applied_on.is_null(False)))
    deductions = _deductions_of(applied)
    rows: list[DepositInfo] = []
    for deposit in applied:
        row = info(deposit, today, deductions[deposit.id])
        if row["status"] in (rules.NEEDS_REMINDER, rules.OVERDUE):
            rows.append(row)
    rows.sort(key=lambda r: r["return_due"] or r["check_due"] or "")  # applied: one of them is set
    return rows


# --- what the window reads ---------------------------------------------------------------------

def deposit_rows(today: dt.date | None = None) -> list[DepositInfo]:
    """Every deposit as `info` gives it, by project code (the 质保金 page); deductions in one query."""
    today = today or dt.date.today()
    deposits = list(Deposit.select(Deposit, Project).join(Project).order_by(Project.code))
    deductions = _deductions_of(deposits)
    return [info(d, today, deductions[d.id]) for d in deposits]


def project_choices() -> list[tuple[int, str, str, bool]]:
    """Every project as (id, code, name, has a deposit already), by code: the deposit form's picker."""
    registered = {pid for (pid,) in tuples(Deposit.select(Deposit.project))}
    query = Project.select(Project.id, Project.code, Project.name).order_by(Project.code)
    return [(pid, code, name, pid in registered) for pid, code, name in tuples(query)]


def deposit_form(project_ref) -> DepositForm:
    """What the deposit form shows for a project (None: no project chosen yet): `values` (its fields),
    the `version` to save against (None: no deposit yet, saving creates one), and for an existing
    deposit its `deducted` and `status`."""
    values = {"settled_price": "", "amount": "", "bank_guarantee": False, "defect_months": rules.DEFAULT_MONTHS,
              "start_on": "", "owner_delayed": False, "report_submitted_on": "", "notes": ""}
    if project_ref in (None, ""):
        return {"version": None, "values": values, "deducted": None, "status": None}
    project = find_project(project_ref)
    deposit = Deposit.get_or_none(Deposit.project == project)
    if deposit is None:
        settled = rules.settled_price(project.settled_amount, project.contract_amount)
        values.update(settled_price=f"{settled:.2f}" if settled is not None else "", start_on=project.accepted_on or "")
        return {"version": None, "values": values, "deducted": None, "status": None}
    row = info(deposit)
    values.update(settled_price=f"{deposit.settled_price:.2f}", amount=f"{deposit.amount:.2f}",
                  bank_guarantee=deposit.bank_guarantee, defect_months=deposit.defect_months,
                  start_on=deposit.start_on, notes=deposit.notes)
    return {"version": deposit.version, "values": values, "deducted": row["deducted"], "status": row["status"]}
