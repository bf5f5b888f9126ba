"""Reading tickets: deadline state, the list (sorted, filtered and paged in SQL), open and overdue
tickets, a subcontractor's tickets, the measured hours, a ticket's detail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TypedDict, cast

from peewee import JOIN, Case, Field, fn

from ...errors import ValidationError
from ...i18n import _
from ...models import CostLine, Payment, Project, Staff, Subcontractor, Ticket, TicketEvent, Unit, Visit, tuples
from ...rules import responsibility as resp
from ...rules import sla as sla_rules
from ...rules import ticket_states as st
from ...rules.categories import CATEGORIES
from .common import SLA_STATES, _now, _project, get_ticket
from .costs import cost_total
from .dispatching import _staff, _subcontractor
from .states import _owner_pays


def _limits(ticket) -> sla_rules.Deadlines:
    """A ticket's (or list row's) deadlines: set at intake for every ticket (the columns allow NULL)."""
    return sla_rules.Deadlines(cast(dt.datetime, ticket.respond_due), cast(dt.datetime, ticket.onsite_due),
                               cast(dt.datetime, ticket.complete_due))


def sla_of(ticket, now: dt.datetime) -> tuple[sla_rules.SlaState | None, str]:
    """The deadline state of a ticket (or a row with the same fields) and its text."""
    if ticket.state in st.FINAL_STATES:
        return None, st.state_name(ticket.state)
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
        state = st.state_key(state)  # 已关闭 / closed / Closed
        if state not in st.STATES:
            raise ValidationError(_("状态“{s}”不对，应为：{all}").format(s=state, all=" / ".join(st.state_name(s) for s in st.STATES)), field="state")
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
