"""Finding records from what a clerk types: the main window's global search, and the callers of the
intake form (services/callers.py).

What is typed is split into terms; each term is understood as one of
- a part of a phone number (at least PHONE_MIN_DIGITS digits, separators allowed: "6963", "8385 3264",
  "010-8385"): matched anywhere in the digits of owners', callers' and projects' phones;
- a room: "1-2-301", "1号楼2单元301", "3栋1201室", "2-301" (building and room);
- text: a part of an owner's or caller's name, a project's name or code, a ticket number ("0042").
Several terms must all match ("阳光花园 1-2-301", "郑 6963").

Every query is bounded: on SQLite a part of a phone number or of a ticket number (three characters or
more) is looked up in the trigram indexes of the schema step read_indexes, a part of a name in its character-pair
table (`unit_name_gram`, `ticket_name_gram`); a room is an indexed lookup, projects are few; each query
has a limit, so one keystroke stays in milliseconds on an office of 400,000 units (benchmarks: search).
The indexes give exactly the rows `LIKE '%…%'` gives (the same comparison decides); where they cannot
answer (a typed % or _, fewer than three digits, PostgreSQL, a SQLite without FTS5's trigram
tokenizer) the column is scanned as before — PostgreSQL's scans use pg_trgm's indexes when it has them.
When more rows match than are shown, which ones are shown follows the index read (the oldest records
of the index first), not the order of the results, which is set below.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from peewee import SQL, fn

from ..db import is_postgres
from ..models import Project, Ticket, Unit, database_proxy, tuples

PHONE_MIN_DIGITS = 4  # "at least the last four digits" of a caller's number
_HIGH = "\U0010ffff"
_PHONE_CHARS = re.compile(r"^[0-9\s\-+()（）.—/]+$")
# 1-2-301, 1号楼2单元301(室), 1栋2单元301, 1#2-301, 1幢-2单元-301; a building number never starts
# with 0 and an entrance has one or two digits, so 010-8385-3264 and 400-810-2468 stay phone numbers
_ROOM3 = re.compile(r"^([1-9]\d{0,2})\s*(?:号楼|栋|幢|座|号|#|-|—)\s*-?\s*([1-9]\d?)\s*(?:单元|-|—)\s*-?\s*"
                    r"(\d{2,4})\s*室?$")
# 2-301, 3号楼1201, 3栋1201室 (building and room)
_ROOM2 = re.compile(r"^([1-9]\d{0,2})\s*(?:号楼|栋|幢|座|#|-|—)\s*-?\s*(\d{2,4})\s*室?$")
_DIGITS = re.compile(r"\d+")
_WIDE = str.maketrans("０１２３４５６７８９－＃", "0123456789-#")


@dataclass(frozen=True)
class Room:
    building: str | None  # the building's number ("1" for 1号楼), None: any
    entrance: str | None
    room: str

    def fits(self, building: str, entrance: str, room: str) -> bool:
        return (_number(room) == _number(self.room)
                and (self.building is None or _number(building) == self.building)
                and (self.entrance is None or _number(entrance) == self.entrance))


@dataclass(frozen=True)
class Term:
    kind: str  # phone / room / text
    text: str
    digits: str = ""
    room: Room | None = None


@functools.lru_cache(maxsize=4096)  # a room's building and entrance repeat from unit to unit
def _number(part: str) -> str:
    """'1号楼' → '1', '02单元' → '2', '301室' → '301'; '' when the part has no number."""
    found = _DIGITS.findall(part or "")
    return str(int(found[0])) if len(found) == 1 else (part or "").strip()


def digits_of(text: str) -> str:
    return "".join(_DIGITS.findall(text or ""))


def parse_room(text: str) -> Room | None:
    """A room as clerks write it, or None."""
    text = (text or "").translate(_WIDE).strip()
    match = _ROOM3.match(text)
    if match:
        return Room(str(int(match[1])), str(int(match[2])), match[3])
    match = _ROOM2.match(text)
    if match:
        return Room(str(int(match[1])), None, match[2])
    return None


def terms_of(text: str) -> list[Term]:
    """The terms of what was typed; a phone number typed with spaces ("138 1234 6963") stays one term."""
    text = (text or "").translate(_WIDE).strip()
    if not text:
        return []
    if _PHONE_CHARS.match(text) and len(digits_of(text)) >= PHONE_MIN_DIGITS and parse_room(text) is None:
        return [Term("phone", text, digits_of(text))]
    terms = []
    parts = text.split()
    for part in parts:
        room = parse_room(part)
        if len(parts) > 1 and part.isdigit() and 2 <= len(part) <= 4:  # beside a project: "阳光花园 301"
            terms.append(Term("room", part, part, Room(None, None, part)))
        elif room is not None:
            terms.append(Term("room", part, room=room))
        elif _PHONE_CHARS.match(part) and len(digits_of(part)) >= PHONE_MIN_DIGITS:
            terms.append(Term("phone", part, digits_of(part)))
        else:
            terms.append(Term("text", part, digits_of(part) if _PHONE_CHARS.match(part) else ""))
    return terms


# --- the building blocks: each one indexed and limited ----------------------------------------------

def _prefix(field, text: str):
    return (field >= text) & (field < text + _HIGH)


_PROJECT_PHONE: Any = Project.phone
for _separator in (" ", "-", "(", ")", "+", "（", "）", "—", "/", "."):
    _PROJECT_PHONE = fn.REPLACE(_PROJECT_PHONE, _separator, "")


def matching_projects(term: Term, limit: int) -> list[int]:
    """Projects whose code or name contains the term, or whose phone has its digits (projects are few)."""
    if term.kind == "room":
        return []
    if term.kind == "phone":
        condition = _PROJECT_PHONE.contains(term.digits)
    else:
        condition = Project.code.contains(term.text) | Project.name.contains(term.text)
    return [pid for (pid,) in tuples(Project.select(Project.id).where(condition).order_by(Project.code).limit(limit))]


_UNIT_COLS = (Unit.id, Unit.project, Unit.building, Unit.entrance, Unit.room, Unit.owner_name, Unit.owner_phone)


def ids_where(model, condition, limit: int) -> list[int]:
    """Ids of the rows that match, read from the narrow index of the matched column alone (a covering
    index scan: a part-of-a-word match reads no table row)."""
    return [i for (i,) in tuples(model.select(model.id).where(condition).limit(limit))]


# --- the search indexes of the schema step read_indexes (SQLite) ------------------------------------------------

# the columns a trigram table holds: (model, column) → the FTS5 table (three characters or more)
_TRIGRAM = {("unit", "phone_digits"): "unit_search", ("ticket", "phone_digits"): "ticket_search",
            ("ticket", "number"): "ticket_search"}
# the names a character-pair table holds: (model, column) → (gram table, its key column)
_GRAMS = {("unit", "owner_name"): ("unit_name_gram", "unit_id"), ("ticket", "reporter"): ("ticket_name_gram", "ticket_id")}
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")  # as SQLite's lower()


def _search_tables() -> set[str]:
    """The search tables this database has (none on PostgreSQL), looked up once per connection."""
    db = database_proxy.obj
    found = getattr(db, "_wd_search_tables", None)
    if found is None:
        found = set()
        if not is_postgres(db):
            names = set(_TRIGRAM.values()) | {table for table, _key in _GRAMS.values()}
            found = {name for (name,) in db.execute_sql(
                f"SELECT name FROM sqlite_master WHERE name IN ({', '.join('?' * len(names))})", sorted(names))}
        db._wd_search_tables = found
    return found


def _index_query(field, text: str) -> tuple[str, list] | None:
    """The rows whose `field` contains `text` as a query of the search indexes (ids), or None where
    they cannot answer. The indexes only find candidates; LIKE decides, as it does without them."""
    if not text or "%" in text or "_" in text:
        return None
    key = (field.model._meta.table_name, field.column_name)
    tables = _search_tables()
    if key in _TRIGRAM and len(text) >= 3 and _TRIGRAM[key] in tables:
        return f'SELECT "rowid" FROM "{_TRIGRAM[key]}" WHERE "{field.column_name}" LIKE ?', [f"%{text}%"]
    if key in _GRAMS and _GRAMS[key][0] in tables:
        grams, column = _GRAMS[key]
        table = field.model._meta.table_name
        return (f'SELECT g."{column}" FROM "{grams}" AS g CROSS JOIN "{table}" AS r ON r."id" = g."{column}" '
                f'WHERE g."gram" IN (?, \'\') AND r."{field.column_name}" LIKE ?',
                [text[:2].translate(_ASCII_LOWER), f"%{text}%"])
    return None


def contains(field, text: str):
    """`field` contains `text` (LIKE '%text%'), for a query that combines it with other conditions."""
    found = _index_query(field, text)
    if found is None:
        return field.contains(text)
    sql, params = found
    return field.model.id.in_(SQL(f"({sql})", params))


def ids_containing(field, text: str, limit: int) -> list[int]:
    """Ids of up to `limit` rows whose `field` contains `text`, from the search index where there is one."""
    found = _index_query(field, text)
    if found is None:
        return ids_where(field.model, field.contains(text), limit)
    sql, params = found
    return [i for (i,) in database_proxy.obj.execute_sql(f"{sql} LIMIT ?", [*params, limit])]


def _unit_condition(term: Term):
    """What the term alone asks of a unit (owner's phone digits, owner's name, room)."""
    if term.kind == "phone":
        return contains(Unit.phone_digits, term.digits)
    if term.kind == "room":
        assert term.room is not None
        rooms = {term.room.room, term.room.room + "室", _number(term.room.room)}  # i18n: data
        return Unit.room.in_(sorted(rooms))
    if term.digits:  # a short number: the start of a phone number
        return _prefix(Unit.phone_digits, term.digits)
    return contains(Unit.owner_name, term.text)


def _unit_rows(ids: list[int]) -> list[tuple]:
    if not ids:
        return []
    return list(tuples(Unit.select(*_UNIT_COLS).where(Unit.id.in_(ids)).order_by(Unit.project, Unit.id)))


def _plain_rows(query) -> list[tuple]:
    """The rows as the driver gives them: the unit columns are numbers and text, nothing to convert
    (peewee's conversion was most of a common room's 2,000 candidates)."""
    return [tuple(row) for row in database_proxy.execute(query)]


def _room_rows(term: Term, limit: int) -> list[tuple]:
    """The units a room term finds (a bare 1201 may also be a phone's end), by project and id: read in
    one query in the order of the room index (the same rows as their ids would give), not by ids."""
    rows = _plain_rows(Unit.select(*_UNIT_COLS).where(_unit_condition(term)).limit(limit))
    if len(term.digits) >= PHONE_MIN_DIGITS:
        seen = {r[0] for r in rows}
        rows += [r for r in _unit_rows(ids_containing(Unit.phone_digits, term.digits, limit)) if r[0] not in seen]
    return sorted(rows, key=lambda r: (r[1], r[0]))


def _unit_ids(term: Term, limit: int) -> list[int]:
    if term.kind == "phone":
        return ids_containing(Unit.phone_digits, term.digits, limit)
    if term.kind == "text" and not term.digits:
        return ids_containing(Unit.owner_name, term.text, limit)
    ids = ids_where(Unit, _unit_condition(term), limit)
    if term.kind == "room" and len(term.digits) >= PHONE_MIN_DIGITS:  # a bare 1201: the room, or a phone's end
        ids += ids_containing(Unit.phone_digits, term.digits, limit)
    return ids


def _unit_fits(row: tuple, term: Term, project_text: dict[int, str]) -> bool:
    _uid, pid, building, entrance, room, owner, phone = row
    if term.kind == "phone":
        return term.digits in digits_of(phone)
    if term.kind == "room":
        assert term.room is not None
        return term.room.fits(building, entrance, room) or (
            len(term.digits) >= PHONE_MIN_DIGITS and term.digits in digits_of(phone))
    if term.digits:
        return digits_of(phone).startswith(term.digits) or term.text in project_text.get(pid, "")
    text = term.text.lower()
    return text in (owner or "").lower() or text in project_text.get(pid, "").lower()


def _project_texts(ids) -> dict[int, str]:
    ids = list(ids)
    if not ids:
        return {}
    return {pid: f"{code} {name}" for pid, code, name in
            tuples(Project.select(Project.id, Project.code, Project.name).where(Project.id.in_(ids)))}


def matching_units(terms: list[Term], limit: int) -> list[tuple]:
    """Units (id, project, building, entrance, room, owner, phone) that every term fits.

    The most selective term queries (phone digits, then a room, then a name that names no project);
    a text beside it must be in the owner's name or the project's code or name ("阳光花园 1-2-301",
    "郑 6963") — checked in the same query, so a common room number does not crowd out the answer."""
    if not terms:
        return []
    projects = {id(t): matching_projects(t, 500) for t in terms if t.kind == "text" and not t.digits}
    order = {"phone": 0, "room": 1, "text": 2}
    lead = min(terms, key=lambda t: (order[t.kind], bool(projects.get(id(t)))))
    if len(terms) == 1:
        rows = _room_rows(lead, 2000) if lead.kind == "room" else _unit_rows(_unit_ids(lead, limit))
        return [r for r in rows if _unit_fits(r, lead, {})][:limit]
    condition = _unit_condition(lead)
    if lead.kind == "room" and len(lead.digits) >= PHONE_MIN_DIGITS:
        condition = condition | contains(Unit.phone_digits, lead.digits)
    for term in terms:
        if term is not lead and id(term) in projects:
            narrow = Unit.owner_name.contains(term.text)  # a filter of the lead's rows: no index needed
            if projects[id(term)]:
                narrow = narrow | Unit.project.in_(projects[id(term)])
            condition = condition & narrow
    rows = _plain_rows(Unit.select(*_UNIT_COLS).where(condition).order_by(Unit.project, Unit.id).limit(2000))
    texts = _project_texts({r[1] for r in rows}) if projects else {}
    return [r for r in rows if all(_unit_fits(r, t, texts) for t in terms)][:limit]


def unit_label(building: str, entrance: str, room: str) -> str:
    return "-".join(p for p in (building, entrance, room) if p)


# --- the global search -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Hit:
    kind: str  # project / unit / ticket
    id: int
    project_id: int
    title: str
    detail: str


_TICKET_COLS = (Ticket.id, Ticket.project, Ticket.number, Ticket.description, Ticket.state, Ticket.reporter,
                Ticket.phone, Ticket.reported_at)


def ticket_rows(ids: list[int]) -> list[tuple]:
    """(id, project, number, description, state, reporter, phone, reported_at), newest first."""
    if not ids:
        return []
    return list(tuples(Ticket.select(*_TICKET_COLS).where(Ticket.id.in_(list(dict.fromkeys(ids))))
                       .order_by(Ticket.reported_at.desc(), Ticket.id.desc())))


def ticket_ids(term: Term, limit: int, numbers: bool = True) -> list[int]:
    """Tickets the term finds: a part of the caller's phone, of the caller's name, or of the number."""
    if term.kind == "room":
        return []
    ids: list[int] = []
    if term.kind == "phone":
        ids = ids_containing(Ticket.phone_digits, term.digits, limit)
        if numbers and len(ids) < limit:  # 2026-0042, 0042
            number = term.text.upper().replace(" ", "") if "-" in term.text else term.digits
            ids += ids_containing(Ticket.number, number, limit)
        return ids
    text = term.text.upper()
    if numbers and (text.startswith("BX") or term.digits):
        ids = ids_containing(Ticket.number, text, limit)
    if term.digits and len(ids) < limit:  # the start of a caller's number
        ids += ids_where(Ticket, _prefix(Ticket.phone_digits, term.digits), limit)
    if not term.digits and len(ids) < limit:
        ids += ids_containing(Ticket.reporter, term.text, limit)
    return ids


def _ticket_hits(terms: list[Term], limit: int) -> list[tuple]:
    return ticket_rows(ticket_ids(terms[0], limit))[:limit] if len(terms) == 1 else []


def search(text: str, limit: int = 12) -> list[Hit]:
    """Up to `limit` hits for what the clerk typed; '' or a single space gives nothing."""
    terms = terms_of(text)
    if not terms:
        return []
    hits: list[Hit] = []
    seen: set[tuple[str, int]] = set()

    def add(hit: Hit) -> None:
        if (hit.kind, hit.id) not in seen and len(hits) < limit:
            seen.add((hit.kind, hit.id))
            hits.append(hit)

    def projects() -> None:
        if len(terms) == 1:
            ids = matching_projects(terms[0], limit)
        else:  # every term names the project ("北京 阳光")
            sets = [set(matching_projects(t, 200)) for t in terms]
            ids = sorted(set.intersection(*sets))[:limit]
        for pid, code, name, address in tuples(Project.select(Project.id, Project.code, Project.name, Project.address)
                                               .where(Project.id.in_(ids)).order_by(Project.code)) if ids else ():
            add(Hit("project", pid, pid, f"{code}  {name}", address or ""))

    def units() -> None:
        rows = matching_units(terms, limit)
        texts = _project_texts({r[1] for r in rows})
        for uid, pid, building, entrance, room, owner, phone in rows:
            add(Hit("unit", uid, pid, f"{owner}  {unit_label(building, entrance, room)}",
                    f"{texts.get(pid, '')} · {phone}"))

    def tickets() -> None:
        for tid, pid, num, description, state, reporter, _phone, _at in _ticket_hits(terms, limit):
            add(Hit("ticket", tid, pid, f"{num}  {reporter}", f"{state} · {description[:40]}"))

    kinds = {t.kind for t in terms}
    first = terms[0].text.upper()
    if first.startswith("BX"):
        order = (tickets, projects, units)
    elif "phone" in kinds or "room" in kinds:
        order = (units, projects, tickets)
    else:
        order = (projects, units, tickets)
    for step in order:
        step()
    return hits
