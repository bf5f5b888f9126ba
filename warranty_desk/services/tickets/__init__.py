"""维修工单 end to end: intake with the warranty decision and repeat-defect check, deadlines,
dispatch, the state machine, responsibility and cost, payments, the owner's sign-off, and the
after-repair visit. A ticket is never deleted: it can only be 已撤销 with a reason.

Every function runs in one transaction, validates its input (ValidationError with a message the
clerk can act on) and writes the audit log with old and new values.

One module per concern (common, intake, states, dispatching, costs, signoff, after_repair, queries);
callers import from the package."""

from __future__ import annotations

from .after_repair import schedule_visit
from .common import (
    CHANNELS,
    COST_KINDS,
    MAX_DESCRIPTION,
    PNG_MAGIC,
    SIGNOFF_KINDS,
    SLA_STATES,
    _moment,
    category_key,
    get_ticket,
)
from .costs import add_cost_line, answer_quote, cost_total, record_payment, remove_cost_line, set_cause, set_quote
from .dispatching import dispatch, responsible_subcontractor
from .intake import (
    Intake,
    change_urgency,
    clean_intake,
    create_ticket,
    find_repeat,
    next_number,
    override_warranty,
    suggest_urgency,
    urgency_history,
    warranty_decision,
)
from .queries import (
    LIST_ORDERS,
    CostLineRow,
    DeadlineStep,
    EventRow,
    FollowUpRow,
    MeasuredHours,
    PayerSum,
    PaymentRow,
    SubcontractorTickets,
    TicketDetail,
    TicketRow,
    due_expression,
    list_cursor,
    list_tickets,
    measured,
    open_tickets,
    overdue_condition,
    overdue_count,
    overdue_tickets,
    project_tickets,
    sla_of,
    subcontractor_tickets,
    ticket_detail,
)
from .signoff import attach_file, sign_off
from .states import cancel, transition

__all__ = [
    "CHANNELS",
    "COST_KINDS",
    "CostLineRow",
    "DeadlineStep",
    "EventRow",
    "FollowUpRow",
    "Intake",
    "LIST_ORDERS",
    "MAX_DESCRIPTION",
    "MeasuredHours",
    "PNG_MAGIC",
    "PayerSum",
    "PaymentRow",
    "SIGNOFF_KINDS",
    "SLA_STATES",
    "SubcontractorTickets",
    "TicketDetail",
    "TicketRow",
    "add_cost_line",
    "answer_quote",
    "attach_file",
    "cancel",
    "category_key",
    "change_urgency",
    "clean_intake",
    "cost_total",
    "create_ticket",
    "dispatch",
    "due_expression",
    "find_repeat",
    "get_ticket",
    "list_cursor",
    "list_tickets",
    "measured",
    "next_number",
    "open_tickets",
    "overdue_condition",
    "overdue_count",
    "overdue_tickets",
    "override_warranty",
    "project_tickets",
    "record_payment",
    "remove_cost_line",
    "responsible_subcontractor",
    "schedule_visit",
    "set_cause",
    "set_quote",
    "sign_off",
    "sla_of",
    "subcontractor_tickets",
    "suggest_urgency",
    "ticket_detail",
    "transition",
    "urgency_history",
    "warranty_decision",
    "_moment",
]
