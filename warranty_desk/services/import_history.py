"""Importing an office's past repairs (its 保修台账) and past visits (回访记录).

A repair row becomes a ticket with its history dated from the sheet: 已受理 at the report, 已派工
when a repairer is named, and — with a completion date — 待验收 and 已关闭 on that day (an open
ticket otherwise). Whether it was in warranty is decided as at intake: the report date against the
end of the matching warranty item. A visit row becomes a done visit. Rows already present (the same
ticket by project, unit, report date and content; the same visit by project, unit, date and
visitor) are reported as existing; `update` changes them through the same checks, auditing the
old values. Called by services.importing inside its transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import NamedTuple

from warranty_desk.i18n import N_, _, nested, said

from ..errors import ValidationError
from ..models import CostLine, Project, Staff, Subcontractor, Ticket, TicketEvent, Unit, Visit, WarrantyItem, tuples
from ..rules import responsibility as resp
from ..rules import sla as sla_rules
from ..rules import staff_roles, visit_purposes
from ..rules import ticket_states as st
from ..rules import visit_methods as vm
from ..rules import visit_states as vs
from ..rules.categories import CATEGORIES, is_residential
from ..rules.satisfaction import KEYS as GRADE_KEYS
from ..rules.satisfaction import RATING_GRADES, grade_key, grade_name
from ..rules.satisfaction import grade as grade_of
from ..rules.visit_plan import AFTER_REPAIR, PERIODIC
from . import audit, fields, settings
from . import import_columns as ic
from .importing import BATCH, UPDATED_BY_IMPORT, Kind, Row, bulk_insert, same_value
from .tickets import CHANNELS, MAX_DESCRIPTION, category_key, next_number, parse_moment
from .tickets.common import (
    DISPATCHED_TO,
    IMPORTED_FROM,
    OTHER_COST,
    PAPER_SIGNOFF,
    REPAIR_DONE,
    REPAIR_RESULT,
    REPORTED_BY_PHONE,
)

SATISFACTION = {key: rating for rating, key in RATING_GRADES.items()}  # 满意 5 … 不满意 1, as the sign-off asks
MADE_BY_IMPORT = audit.note(N_("维修记录导入时新建"))  # the audit note of a repairer an import added

# the description of an imported cost line: the program's words, stored as said(...) (schema step 13)
COST_NOTE = said(N_("以往维修费用（表格导入）"))
VISIT_PURPOSE = visit_purposes.stored(visit_purposes.IMPORTED)  # the purpose of an imported visit
METHOD_WORDS = {"现场": vm.ONSITE, "现场检查": vm.ONSITE, "走访": vm.ONSITE, "入户": vm.ONSITE,  # i18n: data
                "微信": vm.SMS, "信息": vm.SMS, "电子邮件": vm.EMAIL, "问卷调查": vm.QUESTIONNAIRE}  # i18n: data


def _label(building: str, entrance: str, room: str) -> str:
    return "-".join(p for p in (building, entrance, room) if p)


def _unit_key(text: str) -> str:
    return fields.half_width(text).replace(" ", "").lower()


# what a row's values become once cleaned (one shared, read-only, empty mapping)
_READ: Mapping = MappingProxyType({})


class _Held(Mapping):
    """A checked row held until it is written: its values in a tuple beside one key index shared by
    every row with the same keys (a dict per row of a 100,000-row history was a third of the import's
    memory). Read-only, read like the dict it was made from."""

    __slots__ = ("_index", "_values")
    _indexes: dict[tuple, dict[str, int]] = {}

    def __init__(self, values: dict):
        keys = tuple(values)
        index = self._indexes.get(keys)
        if index is None:
            index = self._indexes.setdefault(keys, {k: i for i, k in enumerate(keys)})
        self._index = index
        self._values = tuple(values.values())

    def __getitem__(self, key):
        return self._values[self._index[key]]

    def __iter__(self):
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


class _ItemRef(NamedTuple):
    """What a row is checked against of a warranty item (a tuple, not a model instance: an office has
    tens of thousands)."""

    name: str
    end_on: dt.date


class _UnitRef:
    """A unit a row names: its id, and its owner's name and phone read when a row needs them (a row
    without its own reporter or phone). 400,000 model instances at 10× the default office were most
    of an import's memory."""

    __slots__ = ("id", "_owner")

    def __init__(self, unit_id: int):
        self.id = unit_id
        self._owner: tuple[str, str] | None = None

    def _read(self) -> tuple[str, str]:
        if self._owner is None:
            self._owner = next(tuples(Unit.select(Unit.owner_name, Unit.owner_phone).where(Unit.id == self.id)),
                               ("", ""))
        return self._owner

    @property
    def owner_name(self) -> str:
        return self._read()[0]

    @property
    def owner_phone(self) -> str:
        return self._read()[1]


class _Lookups:
    """Everything a row is checked against, read once per import."""

    def __init__(self):
        self.projects = {p.code: p for p in Project.select()}
        self.items: dict[int, dict[str, _ItemRef]] = {}
        for project_id, key, name, end_on in tuples(WarrantyItem.select(
                WarrantyItem.project, WarrantyItem.key, WarrantyItem.name, WarrantyItem.end_on)):
            self.items.setdefault(project_id, {})[key] = _ItemRef(name, end_on)
        self.units: dict[int, dict[str, _UnitRef]] = {}
        for unit_id, project_id, building, entrance, room in tuples(Unit.select(
                Unit.id, Unit.project, Unit.building, Unit.entrance, Unit.room)):
            unit = _UnitRef(unit_id)
            labels = self.units.setdefault(project_id, {})
            labels[_unit_key(_label(building, entrance, room))] = unit
            if entrance:  # 1号楼-101 when the office leaves out the entrance and it is unique
                labels.setdefault(_unit_key(_label(building, "", room)), unit)
        self.staff = {s.name: s for s in Staff.select()}
        self.subcontractors = {s.name: s for s in Subcontractor.select()}

    def project(self, kind: Kind, row: Row) -> Project | None:
        code = row.values.get("code")
        if code in (None, ""):
            kind.error(row, "code", _("{header}不能为空").format(header=kind.reader.specs["code"].header))
            return None
        project = self.projects.get(str(code).strip())
        if project is None:
            kind.error(row, "code", _("系统中没有工程“{code}”，请先导入工程").format(code=code))
        return project

    def unit(self, kind: Kind, row: Row, project: Project) -> tuple[_UnitRef | None, str]:
        """The unit a 房号 names, or (for a project without units) the place as written."""
        text = str(row.values.get("unit") or "").strip()
        if not text:
            return None, ""
        units = self.units.get(project.id) or {}
        unit = units.get(_unit_key(text))
        if unit is not None:
            return unit, ""
        if units or is_residential(project.type):
            kind.error(row, "unit", _("工程“{code}”中没有房号“{unit}”。请写成 楼栋-单元-房号（例如 1号楼-1单元-101），并先导入房号业主").format(
                code=project.code, unit=text))
            return None, ""
        return None, fields.text(text, 200)


def _text(kind: Kind, row: Row, key: str, limit: int, required: bool = False) -> str | None:
    spec = kind.reader.specs[key]
    try:
        value = fields.text(row.values.get(key), limit, spec.header)
    except ValueError as exc:
        kind.error(row, key, str(exc))
        return None
    if required and not value:
        kind.error(row, key, _("{header}不能为空").format(header=spec.header))
        return None
    return value


def _moment_of(kind: Kind, row: Row, key: str, now: dt.datetime) -> dt.datetime | None:
    value = row.values.get(key)
    if value in (None, ""):
        return None
    spec = kind.reader.specs[key]
    try:
        moment = parse_moment(value, spec.header)
    except ValidationError as exc:
        kind.error(row, key, exc.message)
        return None
    if moment is None:
        return None
    if moment > now + dt.timedelta(hours=1):
        kind.error(row, key, _("{header}（{at}）在将来，请核对").format(header=spec.header, at=moment.strftime("%Y-%m-%d %H:%M")))
        return None
    return moment



def _sound_rows(kind, rows: list[Row], existing: dict, repeat_key: str, repeat_message: str, *, ident, label):
    """Each row that cleans without an error and is not a repeat of an earlier row of the sheet (a repeat is
    refused naming that row), as (row, clean, label, id of the record already in the database or None)."""
    seen: dict[tuple, int] = {}
    now = dt.datetime.now()
    for row in rows:
        before = len(kind.report.errors)
        clean = kind._clean(row, kind.look, now)
        kind.options.step()
        if clean is None or len(kind.report.errors) > before:
            continue
        key = ident(clean)
        if key in seen:
            kind.error(row, repeat_key, repeat_message.format(value=seen[key]))
            continue
        seen[key] = row.number
        yield row, clean, label(clean), existing.get(key)


class Tickets(Kind):
    name, table = "tickets", "ticket"

    def plan(self, rows: list[Row]) -> None:
        self.to_create: list[tuple[Row, Mapping]] = []
        self.to_update: list[tuple[Ticket, dict, dict]] = []
        self.new_staff: dict[str, None] = {}
        self.new_subcontractors: dict[str, None] = {}
        self.look = _Lookups()
        existing = {}
        for tid, pid, uid, reported, description in tuples(Ticket.select(
                Ticket.id, Ticket.project, Ticket.unit, Ticket.reported_at, Ticket.description)):
            existing[(pid, uid, reported.date(), description.strip())] = tid
        for row, clean, label, ticket_id in _sound_rows(
                self, rows, existing, "description", _("与第{value}行是同一次报修（同一工程、房号、报修日期和内容）"),
                ident=lambda c: (c["project"].id, c["unit"].id if c["unit"] else None, c["reported_at"].date(),
                                 c["description"]),
                label=lambda c: f"{c['project'].code} {c['reported_at'].date().isoformat()} {c['description'][:20]}"):
            if ticket_id is None:
                self.report.new.append(label)
                self.to_create.append((row, _Held(clean)))
                row.values = _READ  # all it holds is in `clean` now (a history is ~100,000 rows: memory)
                self._note_people(clean)
                continue
            ticket = Ticket.get_by_id(ticket_id)
            changes = self._changes(ticket, clean, row)
            if not changes:
                self.report.existing.append(label)
                continue
            self.report.changed.append(label)
            if self.options.update:
                if "completed_at" in changes and ticket.state in st.FINAL_STATES:
                    self.error(row, "completed_at", _("工单 {number} 在系统中已“{state}”，表格中的完成日期不同，不能用表格修改；请在工单中处理").format(
                        number=ticket.number, state=st.state_name(ticket.state)))
                    continue
                self.to_update.append((ticket, clean, changes))
                self._note_people(clean)
        self.report.new_people = [_("维修人员 {name}").format(name=n) for n in self.new_staff] + [
            _("分包单位 {name}").format(name=n) for n in self.new_subcontractors]

    def _note_people(self, clean: dict) -> None:
        if clean["staff_name"] and clean["staff_name"] not in self.look.staff:
            self.new_staff[clean["staff_name"]] = None
        if clean["sub_name"] and clean["sub_name"] not in self.look.subcontractors:
            self.new_subcontractors[clean["sub_name"]] = None

    def _clean(self, row: Row, look: _Lookups, now: dt.datetime) -> dict | None:
        project = look.project(self, row)
        if project is None:
            return None
        items = look.items.get(project.id)
        if not items:
            self.error(row, "code", _("工程“{code}”尚未办理交付（没有保修项目），请先导入它的竣工验收和交付日期，或办理交付").format(code=project.code))
            return None
        unit, location = look.unit(self, row, project)
        reported_at = _moment_of(self, row, "reported_at", now)
        if reported_at is None and row.values.get("reported_at") in (None, ""):
            self.error(row, "reported_at", _("{header}不能为空").format(header=self.reader.specs["reported_at"].header))
        if reported_at is not None and project.accepted_on and reported_at.date() < project.accepted_on:
            self.error(row, "reported_at", _("报修日期（{at}）早于工程竣工验收日期（{acc}），请核对").format(
                at=reported_at.date().isoformat(), acc=project.accepted_on.isoformat()))
            reported_at = None
        description = _text(self, row, "description", MAX_DESCRIPTION, required=True)
        reporter = _text(self, row, "reporter", 100) or (unit.owner_name if unit else "") or project.contact
        if not reporter and "reporter" in row.values:
            self.error(row, "reporter", _("请填写报修人"))
        try:
            phone = fields.phone(row.values.get("phone")) or (unit.owner_phone if unit else "") or project.phone
        except ValueError as exc:
            self.error(row, "phone", str(exc))
            phone = ""
        category = None
        try:
            category = category_key(row.values.get("category"))
        except ValidationError as exc:
            self.error(row, "category", exc.message)
        item = items.get(category) if category else None
        if category and item is None and category != "other":
            self.error(row, "category", _("工程“{code}”没有“{name}”这个保修项目（有：{names}）").format(
                code=project.code, name=CATEGORIES[category].name, names="、".join(i.name for i in items.values())))
        urgency = sla_rules.urgency_key(str(row.values.get("urgency") or sla_rules.NORMAL))  # 紧急 / urgent
        if urgency not in sla_rules.URGENCIES:
            self.error(row, "urgency", _("紧急程度“{u}”不对，应为：{urgencies}").format(
                u=urgency, urgencies=" / ".join(sla_rules.urgency_name(x) for x in sla_rules.URGENCIES)))
        result = _text(self, row, "result", MAX_DESCRIPTION) or ""
        staff_name, sub_name = self._repairers(row, look)
        completed_at = _moment_of(self, row, "completed_at", now)
        if completed_at is not None and reported_at is not None and completed_at < reported_at:
            self.error(row, "completed_at", _("完成日期（{done}）早于报修日期（{at}），请核对").format(
                done=completed_at.date().isoformat(), at=reported_at.date().isoformat()))
        cost = None
        try:
            cost = fields.money(row.values.get("cost"))
        except ValueError as exc:
            self.error(row, "cost", str(exc))
        payer = resp.payer_key(str(row.values.get("payer") or "").strip())  # 我方 / us / Our company: the key
        if payer and payer not in resp.BEARERS:
            self.error(row, "payer", _("费用承担“{p}”不对，应为：{all}").format(
                p=payer, all=" / ".join(resp.payer_name(b) for b in resp.BEARERS)))
        if payer == resp.SUBCONTRACTOR and not sub_name:
            self.error(row, "payer", _("本行没有维修分包单位，费用不能由分包单位承担；请填写分包单位"))
        signoff_by = _text(self, row, "signoff_by", 100) or ""
        if signoff_by and completed_at is None and row.values.get("completed_at") in (None, ""):
            self.error(row, "signoff_by", _("有验收人但没有完成日期：验收须在维修完成之后，请填写完成日期"))
        satisfaction = self._satisfaction(row)
        if reported_at is None or description is None or category is None:
            return None
        decision = resp.decide_warranty(item.name if item else CATEGORIES[category].name, item.end_on if item else None,
                                        reported_at.date())
        if not payer and (cost or completed_at):
            if not decision.in_warranty:
                payer = resp.OWNER
            else:
                payer = resp.SUBCONTRACTOR if sub_name else resp.US
        return {
            "project": project, "unit": unit, "location": location, "reported_at": reported_at, "reporter": reporter,
            "phone": phone, "description": description, "category": category, "urgency": urgency, "result": result,
            "staff_name": staff_name, "sub_name": sub_name, "completed_at": completed_at, "cost": cost,
            "payer": payer, "signoff_by": signoff_by, "satisfaction": satisfaction, "decision": decision,
        }

    def _repairers(self, row: Row, look: _Lookups) -> tuple[str, str]:
        """(staff name, subcontractor name): the 维修人员 column names our staff unless it names a
        known subcontractor (offices keep one 维修人员或分包单位 column)."""
        staff = _text(self, row, "repairer", 100) or ""
        sub = _text(self, row, "subcontractor", 200) or ""
        if staff and not sub and staff in look.subcontractors:
            staff, sub = "", staff
        if staff and len(staff) > 60:
            self.error(row, "repairer", _("维修人员姓名太长（{n}字），最多60字").format(n=len(staff)))
            staff = ""
        return staff, sub

    def _satisfaction(self, row: Row) -> int | None:
        value = row.values.get("satisfaction")
        if value in (None, ""):
            return None
        text = str(value).strip()
        if grade_key(text) in SATISFACTION:  # the key, or its name in either language
            return SATISFACTION[grade_key(text)]
        if text in ("1", "2", "3", "4", "5"):
            return int(text)
        self.error(row, "satisfaction", _("满意度“{v}”不对，应为：{all}，或 1–5 分").format(
            v=text, all=" / ".join(ic.SATISFACTION_CHOICES)))
        return None

    # --- existing tickets ---

    def _changes(self, ticket: Ticket, clean: dict, row: Row) -> dict:
        """The fields the sheet gives differently from the ticket (empty cells change nothing)."""
        given = {k for k, v in row.values.items() if v not in (None, "")}
        wanted = {
            "reporter": clean["reporter"], "phone": clean["phone"], "category": clean["category"],
            "urgency": clean["urgency"], "payer": clean["payer"], "signoff_by": clean["signoff_by"],
            "satisfaction": clean["satisfaction"],
        }
        changes = {k: v for k, v in wanted.items() if k in given and not same_value(getattr(ticket, k), v)}
        if "completed_at" in given and not same_value(ticket.completed_at, clean["completed_at"]):
            changes["completed_at"] = clean["completed_at"]
        if "cost" in given:
            imported = CostLine.get_or_none((CostLine.ticket == ticket) & (CostLine.description == COST_NOTE))
            if imported is None or not same_value(imported.amount, clean["cost"]):
                changes["cost"] = clean["cost"]
        if "repairer" in given and clean["staff_name"] != (ticket.assignee.name if ticket.assignee else ""):
            changes["assignee"] = clean["staff_name"]
        if ("subcontractor" in given or (clean["sub_name"] and "repairer" in given)) and clean["sub_name"] != (
                ticket.subcontractor.name if ticket.subcontractor else ""):
            changes["subcontractor"] = clean["sub_name"]
        return changes

    # --- writing ---

    def _person(self, name: str) -> Staff | None:
        if not name:
            return None
        if name not in self.look.staff:
            staff = Staff.create(name=name, role=staff_roles.REPAIRER)
            audit.record("create", "staff", staff.id, None, audit.snapshot(staff), said(MADE_BY_IMPORT))
            self.look.staff[name] = staff
        return self.look.staff[name]

    def _firm(self, name: str) -> Subcontractor | None:
        if not name:
            return None
        if name not in self.look.subcontractors:
            sub = Subcontractor.create(name=name)
            audit.record("create", "subcontractor", sub.id, None, audit.snapshot(sub), said(MADE_BY_IMPORT))
            self.look.subcontractors[name] = sub
        return self.look.subcontractors[name]

    def apply(self) -> None:
        sla = settings.get("sla")
        by = audit.current_user()
        numbers: dict[int, int] = {}
        self.new_ids: list[int] = []
        batch: list[tuple[dict, Mapping]] = []
        for _row, clean in self.to_create:
            year = clean["reported_at"].year
            if year not in numbers:
                numbers[year] = int(next_number(year).rsplit("-", 1)[1])
            values = self._values(clean, f"BX-{year}-{numbers[year]:04d}", sla)
            numbers[year] += 1
            batch.append((values, clean))
            self.options.step()
            if len(batch) >= BATCH:
                self._insert(batch, by)
                batch = []
        if batch:
            self._insert(batch, by)
        for ticket, clean, changes in self.to_update:
            self._update(ticket, clean, changes, by)

    def _insert(self, batch: list[tuple[dict, Mapping]], by: str) -> None:
        """One INSERT for the tickets of a batch, then their state changes and costs."""
        bulk_insert(Ticket, [values for values, _clean in batch])
        numbers = [values["number"] for values, _clean in batch]
        ids: dict[str, int] = dict(tuples(Ticket.select(Ticket.number, Ticket.id).where(Ticket.number.in_(numbers))))
        events, costs = [], []
        for values, clean in batch:
            ticket_id = ids[values["number"]]
            self.new_ids.append(ticket_id)
            events.extend(self._events(ticket_id, values, clean, by))
            if clean["cost"]:
                costs.append({"ticket": ticket_id, "kind": OTHER_COST, "description": COST_NOTE, "quantity": 1,
                              "unit_price": clean["cost"], "amount": clean["cost"], "borne_by": clean["payer"] or resp.US})
        bulk_insert(TicketEvent, events)
        bulk_insert(CostLine, costs)

    def _values(self, clean: Mapping, number: str, sla: dict) -> dict:
        """The ticket's columns: its state from the sheet (closed with a completion date, dispatched
        with a repairer, received otherwise), the warranty decision and the deadlines of intake."""
        reported_at, decision = clean["reported_at"], clean["decision"]
        limits = sla_rules.deadlines(reported_at, clean["urgency"], sla)
        staff, sub = self._person(clean["staff_name"]), self._firm(clean["sub_name"])
        completed = clean["completed_at"]
        state = st.CLOSED if completed else (st.DISPATCHED if staff or sub else st.RECEIVED)
        return {
            "number": number, "project": clean["project"].id, "unit": clean["unit"].id if clean["unit"] else None,
            "reporter": clean["reporter"], "phone": clean["phone"], "channel": CHANNELS[0],
            "location": clean["location"], "category": clean["category"], "description": clean["description"],
            "urgency": clean["urgency"], "reported_at": reported_at, "state": state,
            "in_warranty": decision.in_warranty, "warranty_reason": decision.stored,
            "assignee": staff.id if staff else None, "subcontractor": sub.id if sub else None,
            "respond_due": limits.respond, "onsite_due": limits.onsite, "complete_due": limits.complete,
            "responded_at": reported_at if (staff or sub) else None, "completed_at": completed, "closed_at": completed,
            "cause_class": "" if decision.in_warranty else resp.EXPIRED, "payer": clean["payer"],
            "signoff_kind": "paper" if clean["signoff_by"] and completed else "",
            "signoff_by": clean["signoff_by"] if completed else "",
            "signoff_at": completed if clean["signoff_by"] else None, "satisfaction": clean["satisfaction"],
        }

    def _events(self, ticket_id: int, values: dict, clean: Mapping, by: str) -> list[dict]:
        """The ticket's history, dated from the sheet."""
        at, note = clean["reported_at"], self.note
        events = [{"ticket": ticket_id, "from_state": "", "to_state": st.RECEIVED, "at": at, "by": by,
                   "reason": said(REPORTED_BY_PHONE, note=note)}]
        state = st.RECEIVED
        if values["assignee"] or values["subcontractor"]:
            who = "、".join(n for n in (clean["staff_name"], clean["sub_name"]) if n)
            events.append({"ticket": ticket_id, "from_state": state, "to_state": st.DISPATCHED, "at": at, "by": by,
                           "reason": said(DISPATCHED_TO, who=who)})
            state = st.DISPATCHED
        done = clean["completed_at"]
        if done:
            events.append({"ticket": ticket_id, "from_state": state, "to_state": st.AWAITING_CHECK, "at": done, "by": by,
                           "reason": said(REPAIR_RESULT, result=clean["result"]) if clean["result"] else said(REPAIR_DONE)})
            closing = said(PAPER_SIGNOFF, name=clean["signoff_by"]) if clean["signoff_by"] else said(IMPORTED_FROM,
                                                                                                     file=self.report.file)
            events.append({"ticket": ticket_id, "from_state": st.AWAITING_CHECK, "to_state": st.CLOSED, "at": done,
                           "by": by, "reason": closing})
        return events

    @property
    def note(self) -> dict:
        return nested(IMPORTED_FROM, file=self.report.file)

    def _update(self, ticket: Ticket, clean: dict, changes: dict, by: str) -> None:
        from .tickets.common import _save

        old = audit.snapshot(ticket)
        for key in ("reporter", "phone", "urgency", "payer", "signoff_by", "satisfaction"):
            if key in changes:
                setattr(ticket, key, changes[key])
        if "category" in changes:
            ticket.category = changes["category"]
            ticket.in_warranty = clean["decision"].in_warranty
            ticket.warranty_reason = clean["decision"].stored
        if "assignee" in changes:
            ticket.assignee = self._person(changes["assignee"])
        if "subcontractor" in changes:
            ticket.subcontractor = self._firm(changes["subcontractor"])
        closing = "completed_at" in changes and changes["completed_at"] is not None
        if closing:
            done = changes["completed_at"]
            source = ticket.state
            ticket.completed_at = ticket.closed_at = done
            ticket.state = st.CLOSED
            if ticket.signoff_by:
                ticket.signoff_kind, ticket.signoff_at = "paper", done
        _save(ticket, old, "update", said(UPDATED_BY_IMPORT))
        if closing:
            TicketEvent.create(ticket=ticket, from_state=source, to_state=st.CLOSED, at=changes["completed_at"], by=by,
                               reason=said(REPAIR_RESULT, result=clean["result"]) if clean["result"]
                               else said(UPDATED_BY_IMPORT))
        if "cost" in changes and changes["cost"] is not None:
            line = CostLine.get_or_none((CostLine.ticket == ticket) & (CostLine.description == COST_NOTE))
            if line is None:
                line = CostLine.create(ticket=ticket, kind=OTHER_COST, description=COST_NOTE, quantity=1,
                                       unit_price=changes["cost"], amount=changes["cost"],
                                       borne_by=ticket.payer or resp.US)
                audit.record("create", "cost_line", line.id, None, audit.snapshot(line), ticket.number)
            else:
                before = audit.snapshot(line)
                line.amount = line.unit_price = changes["cost"]
                line.save()
                old_line, new_line = audit.changed(before, audit.snapshot(line))
                audit.record("update", "cost_line", line.id, old_line, new_line, said(UPDATED_BY_IMPORT))


class Visits(Kind):
    name, table = "visits", "visit"

    def plan(self, rows: list[Row]) -> None:
        self.to_create: list[tuple[Row, Mapping]] = []
        self.to_update: list[tuple[Visit, dict]] = []
        self.look = _Lookups()
        existing = {}
        for vid, pid, uid, planned, done_at, visitor in tuples(Visit.select(
                Visit.id, Visit.project, Visit.unit, Visit.planned_on, Visit.done_at, Visit.visitor).where(
                Visit.status == vs.DONE)):
            day = done_at.date() if done_at else planned
            existing[(pid, uid, day, visitor)] = vid
        for row, clean, label, visit_id in _sound_rows(
                self, rows, existing, "done_on", _("与第{value}行是同一次回访（同一工程、房号、日期和回访人）"),
                ident=lambda c: (c["project"].id, c["unit"].id if c["unit"] else None, c["done_at"].date(),
                                 c["visitor"]),
                label=lambda c: f"{c['project'].code} {c['done_at'].date().isoformat()} {c['visitor']}"):
            if visit_id is None:
                self.report.new.append(label)
                self.to_create.append((row, _Held(clean)))
                row.values = _READ  # all it holds is in `clean` now
                continue
            visit = Visit.get_by_id(visit_id)
            given = {k for k, v in row.values.items() if v not in (None, "")}
            changes = {k: clean[k] for k in ("method", "met_person", "score", "grade", "opinion", "findings")
                       if k in given and not same_value(getattr(visit, k), clean[k])}
            if "score" in changes and "grade" not in given:
                changes["grade"] = clean["grade"]
            if not changes:
                self.report.existing.append(label)
                continue
            self.report.changed.append(label)
            if self.options.update:
                self.to_update.append((visit, changes))

    def _clean(self, row: Row, look: _Lookups, now: dt.datetime) -> dict | None:
        project = look.project(self, row)
        if project is None:
            return None
        unit, place = look.unit(self, row, project)
        if place:
            self.error(row, "unit", _("工程“{code}”没有房号；回访整个工程时请不填房号").format(code=project.code))
        done_at = _moment_of(self, row, "done_on", now)
        if done_at is None and row.values.get("done_on") in (None, ""):
            self.error(row, "done_on", _("{header}不能为空").format(header=self.reader.specs["done_on"].header))
        if done_at is not None and project.handed_over_on and done_at.date() < project.handed_over_on:
            self.error(row, "done_on", _("回访日期（{day}）早于工程交付日期（{handed}），请核对").format(
                day=done_at.date().isoformat(), handed=project.handed_over_on.isoformat()))
        method = str(row.values.get("method") or "").strip()
        method = vm.method_key(METHOD_WORDS.get(method, method.removesuffix("回访")))  # i18n: data
        if method not in ic.VISIT_METHODS:
            self.error(row, "method", _("回访方式“{m}”不对，应为：{all}").format(
                m=row.values.get("method") or "", all=" / ".join(vm.method_name(m) for m in ic.VISIT_METHODS)))
        visitor = _text(self, row, "visitor", 100, required=True)
        met_person = _text(self, row, "met_person", 100) or ""
        opinion = _text(self, row, "opinion", 2000) or ""
        findings = _text(self, row, "findings", 2000) or ""
        score, grade = self._score(row)
        if done_at is None or visitor is None:
            return None
        return {"project": project, "unit": unit, "done_at": done_at, "method": method, "visitor": visitor,
                "met_person": met_person, "opinion": opinion, "findings": findings, "score": score, "grade": grade,
                "staff": look.staff.get(visitor)}

    def _score(self, row: Row) -> tuple[float | None, str]:
        score = row.values.get("score")
        named = str(row.values.get("grade") or "").strip()
        if score not in (None, ""):
            try:
                score = float(Decimal(str(score)))
            except ArithmeticError:
                self.error(row, "score", _("得分“{v}”不是数字，请写 0 到 100 之间的数").format(v=score))
                return None, ""
            if not 0 <= score <= 100:
                self.error(row, "score", _("得分应在 0 到 100 之间"))
                return None, ""
        else:
            score = None
        key = grade_key(named) if named else ""  # the key, or its name in either language
        if key and key not in GRADE_KEYS:
            self.error(row, "grade", _("满意度“{v}”不对，应为：{all}").format(v=named, all=" / ".join(ic.SATISFACTION_CHOICES)))
            return score, ""
        if score is not None:
            computed = grade_of(score)
            if key and key != computed:
                self.error(row, "grade", _("得分 {score:g} 对应“{computed}”，与满意度“{named}”不一致，请核对").format(
                    score=score, computed=grade_name(computed), named=named))
            return score, computed
        return None, key

    def apply(self) -> None:
        touched: dict[int, list[dt.date]] = {}
        batch = []
        for _row, clean in self.to_create:
            day = clean["done_at"].date()
            batch.append({
                "project": clean["project"].id, "unit": clean["unit"].id if clean["unit"] else None, "planned_on": day,
                "kind": PERIODIC, "purposes": VISIT_PURPOSE, "method": clean["method"],
                "staff": clean["staff"].id if clean["staff"] else None, "status": vs.DONE, "done_at": clean["done_at"],
                "visitor": clean["visitor"], "met_person": clean["met_person"], "findings": clean["findings"],
                "opinion": clean["opinion"], "score": clean["score"], "grade": clean["grade"]})
            touched.setdefault(clean["project"].id, []).append(day)
            self.options.step()
            if len(batch) >= BATCH:
                self._insert(batch)
                batch = []
        if batch:
            self._insert(batch)
        for visit, changes in self.to_update:
            old = audit.snapshot(visit)
            for key, value in changes.items():
                setattr(visit, key, value)
            visit.version += 1
            visit.save()
            before, after = audit.changed(old, audit.snapshot(visit))
            audit.record("update", "visit", visit.id, before, after, said(UPDATED_BY_IMPORT))
        self._replan(touched)

    def _insert(self, batch: list[dict]) -> None:
        bulk_insert(Visit, batch)

    def _replan(self, touched: dict[int, list[dt.date]]) -> None:
        """A project whose plan has a planned visit close to an imported one is planned again, so
        that the visit done takes its place (the plan's own merge rule)."""
        from . import handover

        window = dt.timedelta(days=settings.plan_settings().merge_days)
        for project_id, days in touched.items():
            planned = [d for (d,) in tuples(Visit.select(Visit.planned_on).where(
                (Visit.project == project_id) & (Visit.status == vs.PLANNED) & (Visit.kind != AFTER_REPAIR)
                & Visit.unit.is_null()))]
            if any(abs(p - d) <= window for p in planned for d in days):
                handover.rebuild_visit_plan(Project.get_by_id(project_id))
