"""The call or visit after heavy rain (RULES.md §6; the seed's 雨期和汛期服务: 于每次雨后进行现场回访或
电话回访): the clerk names a region and the day of the storm; every project there whose roof or
exterior-wall waterproofing is still under warranty that day gets a planned 雨后回访 with its own
purpose. Running it again for the same storm adds nothing twice."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from warranty_desk.i18n import N_, _, join_list, said

from ..errors import NotFound, ValidationError
from ..models import Project, Region, Staff, Visit, WarrantyItem, database_proxy, tuples
from ..rules import visit_states as vs
from ..rules.visit_methods import ONSITE, PHONE, SMS, method_key, method_name
from ..rules.visit_plan import AFTER_STORM, STORM_ITEMS, ItemEnd, after_storm_visit
from ..rules.workdays import holiday_name, is_working_day
from . import audit, fields

METHODS = (PHONE, ONSITE, SMS)  # a call, or a look on site after the rain
STORM_CALL = audit.note(N_("{region}{storm}暴雨后回访"))  # the audit note of a planned call


class RegionChoice(TypedDict):
    id: int
    name: str


class StormProject(TypedDict):
    project_id: int
    project_code: str
    project_name: str
    contact: str
    phone: str
    items: list[str]  # the warranty item keys under warranty on the storm day
    purposes: list[str]
    already_planned: bool


class StormVisit(TypedDict):
    visit_id: int
    project_code: str
    project_name: str
    planned_on: str  # ISO date
    method: str
    staff: str
    purposes: list[str]


class StormCalls(TypedDict):
    region: str
    storm_on: str  # ISO date
    created: list[StormVisit]
    already_planned: list[str]  # project codes


def find_region(ref) -> Region:
    """A region by id, name or instance."""
    if isinstance(ref, Region):
        return ref
    region = None
    if isinstance(ref, int):
        region = Region.get_or_none(Region.id == ref)
    elif ref is not None and str(ref).strip():
        region = Region.get_or_none(Region.name == str(ref).strip())
    if region is None:
        names = join_list(r.name for r in Region.select(Region.name).order_by(Region.id))
        if ref is None or not str(ref).strip():
            raise ValidationError(_("请选择地区"), field="region")
        raise NotFound(_("没有名为“{ref}”的地区（可选：{names}）").format(ref=ref, names=names))
    return region


def regions() -> list[RegionChoice]:
    """The regions to choose from (id, name)."""
    return [{"id": rid, "name": name} for rid, name in tuples(Region.select(Region.id, Region.name).order_by(Region.id))]


def _day(value, label: str, field: str, required: bool) -> dt.date | None:
    return fields.checked(fields.date, value, label, field, required)


def _candidates(region: Region, storm_on: dt.date) -> list[tuple[Project, list[ItemEnd]]]:
    query = (WarrantyItem.select(WarrantyItem.key, WarrantyItem.end_on, WarrantyItem.start_on, Project)
             .join(Project)
             .where((Project.region == region) & WarrantyItem.key.in_(STORM_ITEMS)
                    & (WarrantyItem.start_on <= storm_on) & (WarrantyItem.end_on >= storm_on))
             .order_by(Project.code))
    found: dict[int, tuple[Project, list[ItemEnd]]] = {}
    for item in query:
        project = item.project
        found.setdefault(project.id, (project, []))[1].append(ItemEnd(item.key, item.end_on))
    return list(found.values())


def _already(project: Project, storm_on: dt.date) -> Visit | None:
    """The storm visit already planned (or made) for this storm."""
    return (Visit.select().where((Visit.project == project) & (Visit.kind == AFTER_STORM)
                                 & (Visit.status != vs.CANCELLED)
                                 & Visit.purposes.contains(storm_on.isoformat())).first())


def storm_projects(region_ref, storm_on) -> list[StormProject]:
    """Preview: the projects of the region under roof / exterior-wall warranty on the storm day."""
    region = find_region(region_ref)
    storm_on = _day(storm_on, _("暴雨日期"), "storm_on", True)
    rows: list[StormProject] = []
    for project, items in _candidates(region, storm_on):
        visit = after_storm_visit(storm_on, project.accepted_on, items)
        if visit is None:
            continue
        rows.append({"project_id": project.id, "project_code": project.code, "project_name": project.name,
                     "contact": project.contact, "phone": project.phone,
                     "items": [i.key for i in items], "purposes": visit.purposes,
                     "already_planned": _already(project, storm_on) is not None})
    return rows


def _staff_of(project: Project) -> Staff | None:
    if project.manager:
        return Staff.get_or_none((Staff.name == project.manager) & (Staff.active == True))  # noqa: E712
    return None


def plan_storm_calls(region_ref, storm_on, method: str = PHONE, planned_on=None,
                     today: dt.date | None = None) -> StormCalls:
    """Plan a 雨后回访 for every project of the region whose roof or exterior-wall waterproofing is
    under warranty on `storm_on`, on the first working day after the storm (not before today), or
    on `planned_on`. Projects that already have one for this storm are listed, not planned again."""
    region = find_region(region_ref)
    storm_on = _day(storm_on, _("暴雨日期"), "storm_on", True)
    today = today or dt.date.today()
    method = method_key(method)
    if method not in METHODS:
        raise ValidationError(_("回访方式“{m}”不对，应为：{all}").format(m=method, all=" / ".join(method_name(m) for m in METHODS)),
                              field="method")
    chosen = _day(planned_on, _("回访日期"), "planned_on", False)
    if chosen is not None:
        if chosen < storm_on:
            raise ValidationError(
                _("回访日期（{day}）早于暴雨日期（{storm}），请核对").format(day=chosen, storm=storm_on), field="planned_on")
        if not is_working_day(chosen):
            why = holiday_name(chosen) or (_("周六") if chosen.weekday() == 5 else _("周日"))
            raise ValidationError(_("{day} 是非工作日（{why}），请另选日期").format(day=chosen, why=why),
                                  field="planned_on")
    created: list[StormVisit] = []
    skipped: list[str] = []
    with database_proxy.atomic():
        for project, items in _candidates(region, storm_on):
            visit = after_storm_visit(storm_on, project.accepted_on, items, not_before=today)
            if visit is None:
                continue
            if _already(project, storm_on) is not None:
                skipped.append(project.code)
                continue
            staff = _staff_of(project)
            row = Visit.create(project=project, planned_on=chosen or visit.on, kind=AFTER_STORM,
                               purposes="\n".join(visit.purposes), method=method, staff=staff)
            audit.record("create", "visit", row.id, None, audit.snapshot(row),
                         said(STORM_CALL, region=region.name, storm=storm_on.isoformat()))
            created.append({"visit_id": row.id, "project_code": project.code, "project_name": project.name,
                            "planned_on": row.planned_on.isoformat(), "method": method,
                            "staff": staff.name if staff else "", "purposes": visit.purposes})
    return {"region": region.name, "storm_on": storm_on.isoformat(), "created": created,
            "already_planned": skipped}
