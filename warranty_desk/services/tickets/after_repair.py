"""The satisfaction call after a repair (rules/repairs.after_repair_date), planned when a ticket closes."""

from __future__ import annotations

import datetime as dt

from ...i18n import N_, said
from ...models import Ticket, Visit
from ...rules import visit_purposes
from ...rules import visit_states as vs
from ...rules.repairs import after_repair_date
from ...rules.visit_methods import PHONE
from ...rules.visit_plan import AFTER_REPAIR
from .. import audit

AFTER_CLOSING = audit.note(N_("关闭工单 {n} 后安排"))  # the audit note of the planned call


def schedule_visit(ticket: Ticket, closed_on: dt.date) -> Visit:
    existing = Visit.get_or_none((Visit.ticket == ticket) & (Visit.kind == AFTER_REPAIR) & (Visit.status == vs.PLANNED))
    if existing is not None:
        return existing
    summary = ticket.description if len(ticket.description) <= 40 else ticket.description[:40] + "…"
    visit = Visit.create(
        project=ticket.project, unit=ticket.unit, planned_on=after_repair_date(closed_on), kind=AFTER_REPAIR,
        purposes=visit_purposes.stored(visit_purposes.AFTER_REPAIR, n=ticket.number, s=summary), method=PHONE,
        staff=ticket.assignee, ticket=ticket,
    )
    audit.record("create", "visit", visit.id, None, audit.snapshot(visit), said(AFTER_CLOSING, n=ticket.number))
    return visit
