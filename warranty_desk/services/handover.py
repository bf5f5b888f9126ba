"""Handover (竣工验收 / 交付) as one service: warranty items from the project type, then the
visit plan. Re-running it after a date correction rebuilds what has not happened yet."""

from __future__ import annotations

import datetime as dt
import re
from typing import TypedDict

from peewee import JOIN

from warranty_desk.i18n import N_, _, said

from ..errors import ValidationError
from ..models import Project, Subcontractor, Visit, WarrantyItem, database_proxy, tuples
from ..rules import categories as cat
from ..rules import visit_states as vs
from ..rules.seasons import DEFAULT_RAINY_START
from ..rules.visit_methods import planned_method
from ..rules.visit_plan import PLAN_KINDS, ItemEnd, PlannedVisit, plan_visits
from . import audit, settings
from .projects import find_project, project_has_heating

# the notes this module writes in the audit log (stored with i18n.said: said in the reader's language)
ITEM_DROPPED = audit.note(N_("工程类型或地区变更后不再适用"))
PLAN_REBUILT = audit.note(N_("回访计划重新编制"))
VISIT_DROPPED = audit.note(N_("回访计划重新编制后不再需要"))
HANDED_OVER = audit.note(N_("竣工验收/交付"))
AGREED_CHANGED = audit.note(N_("约定保修期变更"))


def _seasons(project: Project):
    """The project's heating/cooling seasons (its region, and the settings)."""
    return settings.season_rules(project.region if project.region_id else None, project_has_heating(project))


def _agreed_for(key: str, project: Project, overrides: dict, company: dict) -> tuple[str, int]:
    """`company`: the office's agreed periods (setting ``agreed_periods``), read once by the caller."""
    if key in overrides:
        unit, amount = overrides[key]
        return unit, int(amount)
    if key in company:
        unit, amount = company[key]
        candidate = (unit, int(amount))
        try:
            cat.check_agreed(key, candidate[0], candidate[1], project.design_life_years)
            return candidate
        except cat.PeriodTooShort:
            pass  # a company default may not undercut a longer design life
    return cat.default_period(key, project.design_life_years)


class ItemPlan(TypedDict):
    """A warranty item as a handover gives it (before it is saved)."""

    key: str
    name: str
    minimum_unit: str | None
    minimum_amount: int | None
    agreed_unit: str
    agreed_amount: int
    start_on: dt.date
    end_on: dt.date


def compute_items(project: Project, overrides: dict | None = None) -> list[ItemPlan]:
    """The items the project should have, with their dates (no writes)."""
    overrides = overrides or {}
    has_heating = project_has_heating(project)
    seasons = _seasons(project)
    convention = settings.get("period_end_convention")
    accepted_on = project.accepted_on
    if accepted_on is None:  # items run from 竣工验收
        raise ValidationError(_("请填写竣工验收日期"), field="accepted_on")
    keys = cat.categories_for(project.type, has_heating, bool(project.has_cooling))
    keys += [k for k in overrides if k not in keys]
    rows: list[ItemPlan] = []
    company = settings.get("agreed_periods") or {}  # once per project, not per item (an import: 67,000 copies)
    for key in keys:
        unit, amount = _agreed_for(key, project, overrides, company)
        try:
            cat.check_agreed(key, unit, amount, project.design_life_years)
            end = cat.item_end(accepted_on, unit, amount, seasons, convention)
        except ValueError as exc:
            raise ValidationError(str(exc), field=key) from None
        minimum = cat.minimum_period(key, project.design_life_years)
        rows.append(
            {
                "key": key,
                "name": cat.CATEGORIES[key].name,
                "minimum_unit": minimum[0] if minimum else None,
                "minimum_amount": minimum[1] if minimum else None,
                "agreed_unit": unit,
                "agreed_amount": amount,
                "start_on": accepted_on,
                "end_on": end,
            }
        )
    return rows


def _rebuild_items(project: Project, overrides: dict) -> list[WarrantyItem]:
    wanted = compute_items(project, overrides)
    existing = {i.key: i for i in WarrantyItem.select().where(WarrantyItem.project == project)}
    seasons, convention = _seasons(project), settings.get("period_end_convention")
    kept = []
    for row in wanted:
        item = existing.pop(row["key"], None)
        if item is not None and row["key"] not in overrides:
            # a period agreed earlier for this project stays agreed
            row["agreed_unit"], row["agreed_amount"] = item.agreed_unit, item.agreed_amount
            row["end_on"] = cat.item_end(row["start_on"], item.agreed_unit, item.agreed_amount, seasons, convention)
        old = audit.snapshot(item) if item else None
        item = item or WarrantyItem(project=project)
        for key, value in row.items():
            setattr(item, key, value)
        if old is not None:
            item.version += 1
        item.save()
        before, after = audit.changed(old or {}, audit.snapshot(item))
        if after:
            audit.record("update" if old else "create", "warranty_item", item.id, before, after)
        kept.append(item)
    for key, item in existing.items():
        if key == "other":  # added by hand; not derived from the type
            kept.append(item)
            continue
        audit.record("delete", "warranty_item", item.id, audit.snapshot(item), None, _("工程类型或地区变更后不再适用"))
        item.delete_instance()
    return kept


def plan_for(project: Project, items: list[WarrantyItem], happened: list[dt.date]) -> list[PlannedVisit]:
    """The visits the rules plan for a handed-over project with these items: from the day the office
    went live, and none within the merge window of a visit already recorded (`happened`). The one
    definition of a project's plan, for a handover one at a time and for a bulk import."""
    # in the categories' order, whatever order the database returns them in: the plan's purpose
    # texts list item names, and the same plan must read the same (or every visit would change)
    order = {key: i for i, key in enumerate(cat.CATEGORIES)}
    items = sorted(items, key=lambda i: (order.get(i.key, len(order)), i.key))
    region = project.region if project.region_id else None
    plan_rules = settings.plan_settings()
    handed_over_on = project.handed_over_on
    assert handed_over_on is not None  # only a handed-over project has a plan
    plan = plan_visits(
        handed_over_on,
        project.scale,
        [ItemEnd(i.key, i.end_on) for i in items],
        heating=_seasons(project).heating,
        rainy_start=region.rainy_start if region else DEFAULT_RAINY_START,
        settings=plan_rules,
    )
    go_live = settings.go_live_date()
    if go_live is not None:  # before the office went live its own records (imported visits) stand
        plan = [p for p in plan if p.on >= go_live]
    window = dt.timedelta(days=plan_rules.merge_days)
    return [p for p in plan if not any(abs(p.on - day) <= window for day in happened)]


def rebuild_visit_plan(project: Project, items: list[WarrantyItem] | None = None) -> list[Visit]:
    """Bring the project's planned visits in line with a fresh plan, in one transaction.

    A visit still planned for the same purpose is updated, not replaced, so it keeps its id (and its
    calendar UID on the staff's phones), the staff assigned to it and a date the clerk moved it to.
    Visits already recorded (done, 未联系上, missed) stay as they are, and a plan visit within the merge
    window of one of them is not planned again. A planned visit the new plan no longer has is cancelled,
    not deleted, so that the next calendar export removes it from the phones. Returns the visits of
    the plan (kept, updated and new), in date order."""
    if project.handed_over_on is None:
        raise ValidationError(_("工程尚未交付，不能编制回访计划（请先填写交付日期）"), field="handed_over_on")
    with database_proxy.atomic():
        if items is None:
            items = list(WarrantyItem.select().where(WarrantyItem.project == project))
        happened = [
            v.planned_on
            for v in Visit.select(Visit.planned_on).where((Visit.project == project) & (Visit.status.in_(vs.RECORDED_STATES)))
        ]
        plan = plan_for(project, items, happened)
        # the plan's own visits (PLAN_KINDS); a visit after a repair or a storm, a unit's visit and the
        # next try after 未联系上 (retry_of) are not the plan's and stay as they are. Read as the
        # project's planned visits and sorted out here: with `unit IS NULL` / `retry_of IS NULL` in SQL,
        # SQLite took the index of those columns (its statistics do not count NULLs) and read every
        # visit of the office without a unit, ~30 ms a project at 3× the default office
        current = sorted(
            (v for v in Visit.select().where((Visit.project == project) & (Visit.status == vs.PLANNED))
             if v.kind in PLAN_KINDS and v.unit_id is None and v.retry_of_id is None),
            key=lambda v: (v.planned_on, v.id),
        )
        pairs = match_plan(current, plan)
        staff = _default_staff(project)
        before: dict[str, dict] = {}
        after: dict[str, dict] = {}
        result = []
        for planned, visit in pairs:
            if visit is None:
                visit = Visit.create(project=project, staff=staff, **_plan_fields(planned))
                after[str(visit.id)] = _plan_audit_values(visit)  # new visits: in the plan entry only
            else:
                old = audit.snapshot(visit)
                _update_from_plan(visit, planned, project, staff)
                changed_old, changed_new = audit.changed(old, audit.snapshot(visit))
                if changed_new:
                    visit.version += 1
                    visit.save()
                    before[str(visit.id)], after[str(visit.id)] = changed_old, changed_new
                    audit.record("update", "visit", visit.id, changed_old, changed_new, said(PLAN_REBUILT))
            result.append(visit)
        kept = {v.id for v in result}
        for visit in current:
            if visit.id in kept:
                continue
            visit.status = vs.CANCELLED
            visit.version += 1
            visit.save()
            before[str(visit.id)] = {"status": vs.PLANNED, "planned_on": visit.planned_on, "purposes": visit.purposes}
            after[str(visit.id)] = {"status": vs.CANCELLED}
            audit.record("cancel", "visit", visit.id, {"status": vs.PLANNED}, {"status": vs.CANCELLED},
                         said(VISIT_DROPPED))
        audit.record("plan", "project", project.id, before, after, said(PLAN_REBUILT))
    return sorted(result, key=lambda v: (v.planned_on, v.id))

# a purpose line without its numbers: "保修期满前交代回访：屋面防水（2029-06-30到期）" is the same purpose
# after a date correction moved that end date
_NUMBERS = re.compile(r"\d+")
# a planned visit whose purposes read differently (another language, another project scale) may still
# be the plan's visit of the same kind within this many days
SAME_KIND_DAYS = 31


def _purpose_keys(purposes) -> set[str]:
    return {_NUMBERS.sub("#", line.strip()) for line in purposes if line.strip()}


def match_plan(current: list[Visit], plan: list[PlannedVisit]) -> list[tuple[PlannedVisit, Visit | None]]:
    """Pair each visit of the new plan with the still-planned visit it continues, if any: one that
    shares a purpose (the most purposes, then the same kind, then the nearest by the day the plan had
    set), else the nearest of the same kind within SAME_KIND_DAYS. Each visit continues at most one
    plan visit; when two planned visits merge into one, the other is cancelled. In plan order."""
    old_keys = [_purpose_keys(v.purposes.split("\n")) for v in current]
    candidates = []
    for j, planned in enumerate(plan):
        new_keys = _purpose_keys(planned.purposes)
        for i, visit in enumerate(current):
            days = abs(((visit.original_planned_on or visit.planned_on) - planned.on).days)
            shared = len(old_keys[i] & new_keys)
            if shared:
                candidates.append((0, -shared, visit.kind != planned.kind, days, i, j))
            elif visit.kind == planned.kind and days <= SAME_KIND_DAYS:
                candidates.append((1, 0, False, days, i, j))
    candidates.sort()
    taken: dict[int, int] = {}
    used: set[int] = set()
    for *_rank, i, j in candidates:
        if j not in taken and i not in used:
            taken[j] = i
            used.add(i)
    return [(planned, current[taken[j]] if j in taken else None) for j, planned in enumerate(plan)]


def _plan_fields(planned: PlannedVisit) -> dict:
    """What the plan decides about a visit."""
    return {"planned_on": planned.on, "kind": planned.kind, "purposes": "\n".join(planned.purposes),
            "method": planned_method(planned.kind)}


def _update_from_plan(visit: Visit, planned: PlannedVisit, project: Project, default_staff) -> None:
    """Apply the plan to a visit it continues, keeping what the clerk decided: the day the visit was
    moved to (the plan's day becomes the day it was moved from), a method other than the kind's
    default, the staff assigned."""
    fields = _plan_fields(planned)
    handed_over_on = project.handed_over_on
    assert handed_over_on is not None  # only a handed-over project has a plan
    if visit.original_planned_on is not None:
        if visit.planned_on >= handed_over_on:
            fields["original_planned_on"] = fields.pop("planned_on")
        else:  # moved to a day before the (corrected) handover: no longer a possible day
            fields["original_planned_on"], fields["reschedule_reason"] = None, ""
    if visit.method != planned_method(visit.kind):
        del fields["method"]
    if visit.staff_id is None and default_staff is not None:
        fields["staff"] = default_staff
    for key, value in fields.items():
        setattr(visit, key, value)


def _plan_audit_values(visit: Visit) -> dict:
    return {"planned_on": visit.planned_on, "kind": visit.kind, "purposes": visit.purposes, "method": visit.method,
            "staff": visit.staff_id}


def _default_staff(project: Project):
    from ..models import Staff

    if project.manager:
        return Staff.get_or_none((Staff.name == project.manager) & (Staff.active == True))  # noqa: E712
    return None


def handover(
    project_id: int,
    accepted_on: dt.date | None = None,
    handed_over_on: dt.date | None = None,
    agreed: dict | None = None,
) -> tuple[list[WarrantyItem], list[Visit]]:
    """Mark a project accepted and handed over; create its items and visit plan.

    `agreed` maps item key → (unit, amount) for periods the contract sets longer than the law.
    """
    with database_proxy.atomic():
        project = find_project(project_id)
        old = audit.snapshot(project)
        project.accepted_on = accepted_on or project.accepted_on
        project.handed_over_on = handed_over_on or project.handed_over_on or project.accepted_on
        _check_dates(project)
        project.version += 1
        project.save()
        before, after = audit.changed(old, audit.snapshot(project))
        audit.record("handover", "project", project.id, before, after, said(HANDED_OVER))
        items = _rebuild_items(project, agreed or {})
        visits = rebuild_visit_plan(project, items)
    return items, visits


def _check_dates(project: Project) -> None:
    """The dates a handover needs, in order, and not a year ahead."""
    accepted, handed = project.accepted_on, project.handed_over_on
    if accepted is None or handed is None:
        raise ValidationError(_("请填写竣工验收日期"), field="accepted_on")
    if handed < accepted:
        raise ValidationError(
            _("交付日期（{handed_over_on}）早于竣工验收日期（{accepted_on}），请核对").format(handed_over_on=project.handed_over_on, accepted_on=project.accepted_on),
            field="handed_over_on",
        )
    if accepted > dt.date.today() + dt.timedelta(days=366):
        raise ValidationError(_("竣工验收日期在一年以后，请核对"), field="accepted_on")


# projects handed over per batch by `hand_over_new` (items and visits written with one INSERT each)
NEW_BATCH = 250


def hand_over_new(entries: list[tuple[Project, dict]]) -> None:
    """Hand over projects created in the caller's transaction with both dates set (an import of a
    project sheet): for each, what `handover` does one at a time — the same checks, the items of
    `compute_items`, the visits of `plan_for`, the same audit rows in the same order — written a
    batch of projects at a time (one INSERT for the items, one for the visits, one for the audit
    rows). `entries`: (project, agreed periods). A project that already has items or visits is
    handed over by `handover` itself (rebuilding what is there)."""
    from .importing import bulk_insert

    with database_proxy.atomic():
        ids = [project.id for project, _agreed in entries]
        started: set[int] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            started.update(pid for (pid,) in tuples(WarrantyItem.select(WarrantyItem.project).where(
                WarrantyItem.project.in_(chunk))))
            started.update(pid for (pid,) in tuples(Visit.select(Visit.project).where(Visit.project.in_(chunk))))
        fresh = []
        for project, agreed in entries:
            if project.id in started:
                handover(project.id, project.accepted_on, project.handed_over_on, agreed)
            else:
                fresh.append((project, agreed))
        staff_of: dict[str, object] = {}
        for start in range(0, len(fresh), NEW_BATCH):
            _hand_over_batch(fresh[start:start + NEW_BATCH], staff_of, bulk_insert)


def _hand_over_batch(batch: list[tuple[Project, dict]], staff_of: dict, bulk_insert) -> None:
    handed: list[tuple[Project, dict, dict]] = []  # project, audit before, audit after
    items: dict[int, list[WarrantyItem]] = {}
    for project, agreed in batch:
        old = audit.snapshot(project)
        _check_dates(project)
        project.version += 1
        before, after = audit.changed(old, audit.snapshot(project))
        handed.append((project, before, after))
        items[project.id] = [WarrantyItem(project=project, **row) for row in compute_items(project, agreed)]
    ids = list(items)
    Project.update(version=Project.version + 1).where(Project.id.in_(ids)).execute()
    bulk_insert(WarrantyItem, [_columns(item) for rows in items.values() for item in rows])
    item_ids = {(pid, key): iid for iid, pid, key in tuples(WarrantyItem.select(
        WarrantyItem.id, WarrantyItem.project, WarrantyItem.key).where(WarrantyItem.project.in_(ids)))}
    for pid, rows in items.items():
        for item in rows:
            item.id = item_ids[(pid, item.key)]
    visits: dict[int, list[Visit]] = {}
    for project, _before, _after in handed:
        manager = project.manager or ""
        if manager not in staff_of:
            staff_of[manager] = _default_staff(project)
        plan = plan_for(project, items[project.id], [])
        visits[project.id] = [Visit(project=project, staff=staff_of[manager], **_plan_fields(planned))
                              for planned in plan]
    bulk_insert(Visit, [_columns(visit) for rows in visits.values() for visit in rows])
    made: dict[int, list[int]] = {pid: [] for pid in ids}
    # sorted here, not by ORDER BY id: for that SQLite walked the whole visit table in id order (0.1 s a
    # batch at 3× the default office) instead of the project index
    for vid, pid in sorted(tuples(Visit.select(Visit.id, Visit.project).where(Visit.project.in_(ids)))):
        made[pid].append(vid)
    entries = []
    for project, before, after in handed:
        entries.append(("handover", "project", project.id, before, after, said(HANDED_OVER)))
        for item in items[project.id]:
            item_before, item_after = audit.changed({}, audit.snapshot(item))
            if item_after:
                entries.append(("create", "warranty_item", item.id, item_before, item_after, ""))
        planned = visits[project.id]
        if len(made[project.id]) != len(planned):  # only this batch writes these new projects' visits
            raise RuntimeError(f"project {project.id}: {len(made[project.id])} visits written, {len(planned)} planned")
        for visit, vid in zip(planned, made[project.id], strict=True):
            visit.id = vid
        entries.append(("plan", "project", project.id, {}, {str(v.id): _plan_audit_values(v) for v in planned},
                        said(PLAN_REBUILT)))
    audit.record_many(entries)


def _columns(instance) -> dict:
    """A new instance's values by field name (its defaults filled), for a bulk insert."""
    values = dict(instance.__data__)
    values.pop("id", None)
    return values


def set_agreed_period(item_id: int, unit: str, amount: int, expected_version: int) -> WarrantyItem:
    """Change one item's agreed period (only longer than the law), recompute its end and the plan."""
    from ..errors import ConflictError

    with database_proxy.atomic():
        item = WarrantyItem.get_or_none(WarrantyItem.id == item_id)
        if item is None:
            raise ValidationError(_("找不到该保修项目"))
        if item.version != expected_version:
            raise ConflictError()
        project = item.project
        try:
            cat.check_agreed(item.key, unit, int(amount), project.design_life_years)
        except cat.PeriodTooShort as exc:
            raise ValidationError(str(exc), field="agreed_amount") from None
        old = audit.snapshot(item)
        seasons = _seasons(project)
        item.agreed_unit, item.agreed_amount = unit, int(amount)
        item.end_on = cat.item_end(item.start_on, unit, int(amount), seasons, settings.get("period_end_convention"))
        item.version += 1
        item.save()
        before, after = audit.changed(old, audit.snapshot(item))
        audit.record("update", "warranty_item", item.id, before, after, said(AGREED_CHANGED))
        if project.handed_over_on:
            rebuild_visit_plan(project)
    return item


def is_handed_over(project: Project) -> bool:
    """Whether the project has been handed over in the program (it has its warranty items)."""
    return WarrantyItem.select().where(WarrantyItem.project == project).exists()


def items_of(project) -> list[WarrantyItem]:
    """A project's (instance or id) items in the order of the law's list, each with its subcontractor."""
    order = {key: i for i, key in enumerate(cat.CATEGORIES)}
    items = list(WarrantyItem.select(WarrantyItem, Subcontractor)
                 .join(Subcontractor, JOIN.LEFT_OUTER).where(WarrantyItem.project == project))
    return sorted(items, key=lambda i: order.get(i.key, 99))
