"""The global search of the main window: project code/name, unit, owner, phone, ticket number.

Every branch is an indexed prefix query (a range on an indexed column) with a small limit, so one
keystroke costs well under a millisecond per branch even on a large office.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Project, Ticket, Unit, tuples

_HIGH = "\U0010ffff"


@dataclass(frozen=True)
class Hit:
    kind: str  # project / unit / ticket
    id: int
    project_id: int
    title: str
    detail: str


def _prefix(field, text: str):
    return (field >= text) & (field < text + _HIGH)


def search(text: str, limit: int = 12) -> list[Hit]:
    """Up to `limit` hits for what the clerk typed; '' or a single space gives nothing."""
    text = (text or "").strip()
    if not text:
        return []
    hits: list[Hit] = []
    seen: set[tuple[str, int]] = set()

    def add(hit: Hit) -> None:
        if (hit.kind, hit.id) not in seen and len(hits) < limit:
            seen.add((hit.kind, hit.id))
            hits.append(hit)

    project_cols = (Project.id, Project.code, Project.name, Project.address)
    for field in (Project.code, Project.name, Project.phone):
        for pid, code, name, address in (
            tuples(Project.select(*project_cols).where(_prefix(field, text)).order_by(field).limit(limit))
        ):
            add(Hit("project", pid, pid, f"{code}  {name}", address or ""))
    ticket_cols = (Ticket.id, Ticket.project, Ticket.number, Ticket.description, Ticket.state, Ticket.reporter)
    number = text.upper()
    for field, value in ((Ticket.number, number), (Ticket.number, "BX-" + number), (Ticket.phone, text)):
        for tid, pid, num, description, state, reporter in (
            tuples(Ticket.select(*ticket_cols).where(_prefix(field, value)).order_by(field).limit(limit))
        ):
            add(Hit("ticket", tid, pid, f"{num}  {reporter}", f"{state} · {description[:40]}"))
    unit_cols = (Unit.id, Unit.project, Unit.building, Unit.entrance, Unit.room, Unit.owner_name, Unit.owner_phone)
    for field in (Unit.owner_name, Unit.owner_phone):
        rows = list(tuples(Unit.select(*unit_cols).where(_prefix(field, text)).order_by(field).limit(limit)))
        codes = _project_codes({r[1] for r in rows})
        for uid, pid, building, entrance, room, owner, phone in rows:
            label = "-".join(p for p in (building, entrance, room) if p)
            add(Hit("unit", uid, pid, f"{owner}  {label}", f"{codes.get(pid, '')} · {phone}"))
    return hits


def _project_codes(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(tuples(Project.select(Project.id, Project.code).where(Project.id.in_(list(ids)))))
