"""A repair call starts from the caller: who is calling (from any part of their number, their name, a
room or a project), and — once chosen — what the intake form needs to know about them: the project
and unit, owner and phone, the warranty items still running with their end dates, and the unit's
earlier repairs, with the ticket this call would repeat."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TypedDict

from ..i18n import _
from ..models import Project, Ticket, Unit, WarrantyItem, tuples
from ..rules import ticket_states as st
from ..rules.categories import CATEGORIES
from . import search
from .projects import find_project


@dataclass(frozen=True)
class Caller:
    project_id: int
    project_code: str
    project_name: str
    unit_id: int | None  # None: the project as a whole (public areas), or a caller on no unit
    unit_label: str
    name: str  # the owner (or the earlier caller, or the project's contact)
    phone: str
    matched: str  # owner / caller / project: what the typed text found


def _projects(ids) -> dict[int, tuple[str, str]]:
    ids = list(ids)
    if not ids:
        return {}
    return {pid: (code, name) for pid, code, name in
            tuples(Project.select(Project.id, Project.code, Project.name).where(Project.id.in_(ids)))}


def find_callers(text: str, limit: int = 15) -> list[Caller]:
    """Owners (and earlier callers, and projects) that fit what was typed, the owners first."""
    terms = search.terms_of(text)
    if not terms:
        return []
    found: list[Caller] = []
    seen: set[tuple[int, int | None, str]] = set()

    def add(caller: Caller) -> None:
        key = (caller.project_id, caller.unit_id, caller.phone if caller.unit_id is None else "")
        if key not in seen and len(found) < limit:
            seen.add(key)
            found.append(caller)

    units = search.matching_units(terms, limit)
    names = _projects({r[1] for r in units})
    for uid, pid, building, entrance, room, owner, phone in units:
        code, name = names.get(pid, ("", ""))
        add(Caller(pid, code, name, uid, search.unit_label(building, entrance, room), owner, phone, "owner"))
    if len(found) < limit and len(terms) == 1:
        _earlier_callers(terms[0], limit, add)
    if len(found) < limit:
        sets = [set(search.matching_projects(t, 50)) for t in terms]
        ids = set.intersection(*sets) if sets else set()
        for pid, code, name, contact, phone in (
                tuples(Project.select(Project.id, Project.code, Project.name, Project.contact, Project.phone)
                       .where(Project.id.in_(sorted(ids))).order_by(Project.code)) if ids else ()):
            add(Caller(pid, code, name, None, "", contact, phone, "project"))
    return found


def _earlier_callers(term: search.Term, limit: int, add) -> None:
    """Someone who called before under another name or number than the owner's (a tenant, a relative)."""
    if term.kind == "room" or (term.kind == "text" and term.digits):
        return
    rows = search.ticket_rows(search.ticket_ids(term, limit, numbers=False))
    by_ticket: dict[int, int | None] = dict(
        tuples(Ticket.select(Ticket.id, Ticket.unit).where(Ticket.id.in_([r[0] for r in rows])))) if rows else {}
    unit_ids = [u for u in by_ticket.values() if u]
    units = {uid: (b, e, r) for uid, b, e, r in tuples(Unit.select(Unit.id, Unit.building, Unit.entrance, Unit.room)
                                                       .where(Unit.id.in_(unit_ids)))} if unit_ids else {}
    names = _projects({r[1] for r in rows})
    for tid, pid, _number, _description, _state, reporter, phone, _at in rows:
        code, name = names.get(pid, ("", ""))
        uid = by_ticket.get(tid)
        label = search.unit_label(*units[uid]) if uid in units else ""
        add(Caller(pid, code, name, uid, label, reporter, phone, "caller"))


class ItemLeft(TypedDict):
    """A warranty item of the caller's project, with its end and the days left (negative: ended)."""

    key: str
    name: str
    end_on: dt.date | None
    days_left: int | None


class EarlierTicket(TypedDict):
    """An earlier repair of the caller's unit (or of the project's public areas)."""

    id: int
    number: str
    reported_at: dt.datetime
    category: str
    category_name: str
    state: str
    open: bool
    description: str
    location: str
    closed_at: dt.datetime | None


class RepeatHint(TypedDict):
    """The earlier ticket a call would repeat, with the intake's text and the link's text."""

    id: int
    number: str
    text: str
    link: str


@dataclass
class CallerContext:
    project_id: int
    project_code: str
    project_name: str
    address: str
    accepted: bool  # handed over: has warranty items
    unit_id: int | None
    unit_label: str
    owner_name: str
    owner_phone: str
    items: list[ItemLeft] = field(default_factory=list)  # still under warranty
    ended: list[ItemLeft] = field(default_factory=list)  # items whose warranty has ended
    earlier: list[EarlierTicket] = field(default_factory=list)  # the unit's (or public area's) earlier tickets


EARLIER_SHOWN = 20


def caller_context(project, unit_id: int | None = None, today: dt.date | None = None) -> CallerContext:
    """What the intake form shows once a caller (project and unit) is chosen."""
    today = today or dt.date.today()
    project = find_project(project)
    unit = Unit.get_or_none((Unit.id == unit_id) & (Unit.project == project)) if unit_id else None
    context = CallerContext(project.id, project.code, project.name, project.address or "",
                            project.accepted_on is not None, unit.id if unit else None,
                            unit.label if unit else "", unit.owner_name if unit else project.contact,
                            unit.owner_phone if unit else project.phone)
    order = {key: i for i, key in enumerate(CATEGORIES)}
    items = sorted(WarrantyItem.select(WarrantyItem.key, WarrantyItem.name, WarrantyItem.end_on)
                   .where(WarrantyItem.project == project), key=lambda i: order.get(i.key, 99))
    for item in items:
        row: ItemLeft = {"key": item.key, "name": item.name, "end_on": item.end_on,
               "days_left": (item.end_on - today).days if item.end_on else None}
        (context.items if item.end_on and item.end_on >= today else context.ended).append(row)
    query = Ticket.select(Ticket.id, Ticket.number, Ticket.reported_at, Ticket.category, Ticket.state,
                          Ticket.description, Ticket.location, Ticket.closed_at).where(Ticket.project == project)
    query = query.where(Ticket.unit == unit) if unit else query.where(Ticket.unit.is_null())
    for t in query.order_by(Ticket.reported_at.desc(), Ticket.id.desc()).limit(EARLIER_SHOWN):
        context.earlier.append({
            "id": t.id, "number": t.number, "reported_at": t.reported_at, "category": t.category,
            "category_name": CATEGORIES[t.category].name if t.category in CATEGORIES else t.category,
            "state": t.state, "open": st.is_open(t.state), "description": t.description, "location": t.location,
            "closed_at": t.closed_at,
        })
    return context


def possible_repeat(project, unit_id: int | None, category: str, location: str = "",
                    reported_at: dt.datetime | None = None) -> RepeatHint | None:
    """The earlier ticket a call about `category` would repeat (open, or closed within 90 days), with
    the text the intake shows; None when there is none. The rule is the tickets service's own."""
    from . import tickets

    if not category:
        return None
    project = find_project(project)
    unit = Unit.get_or_none((Unit.id == unit_id) & (Unit.project == project)) if unit_id else None
    key = tickets.category_key(category)
    earlier, text = tickets.find_repeat(project, unit, key, location or "", reported_at or dt.datetime.now())
    if earlier is None:
        return None
    return {"id": earlier.id, "number": earlier.number, "text": text,
            "link": _("查看工单 {number}").format(number=earlier.number)}
