"""The visit plan of a handed-over project (RULES.md §6; the seed's 回访制度).

Input: handover day, size, the items' end dates and the region's seasons. Output: dated visits,
each with its kind and purposes, all on working days, none within `merge_days` of another.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from warranty_desk.i18n import N_, _

from .categories import CATEGORIES
from .periods import add_months
from .seasons import Season, _on, parse_month_day
from .workdays import next_working_day

CADENCE_MONTHS = {"小型": 3, "中型": 6, "大型": 12}

PERIODIC = "periodic"
MILESTONE = "milestone"
SEASONAL = "seasonal"
AFTER_REPAIR = "after_repair"
AFTER_WARRANTY = "after_warranty"
KIND_NAMES = {
    PERIODIC: N_("定期回访"),
    MILESTONE: N_("节点回访"),
    SEASONAL: N_("季节性回访"),
    AFTER_REPAIR: N_("维修后回访"),
    AFTER_WARRANTY: N_("保修期满后回访"),
}
# when visits merge, the merged visit is named after the most specific kind
_KIND_RANK = {MILESTONE: 0, SEASONAL: 1, AFTER_WARRANTY: 2, PERIODIC: 3, AFTER_REPAIR: 4}


@dataclass(frozen=True)
class ItemEnd:
    key: str
    end_on: dt.date


@dataclass
class PlannedVisit:
    on: dt.date
    kind: str
    purposes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PlanSettings:
    merge_days: int = 15
    seasonal_lead_days: int = 30  # how long before a heating / rainy season the visit falls
    after_warranty_months: int = 1


def _structural(key: str) -> bool:
    return CATEGORIES[key].structural if key in CATEGORIES else False


def _raw_visits(
    handover: dt.date,
    scale: str,
    items: list[ItemEnd],
    heating: Season | None,
    rainy_start: str | None,
    settings: PlanSettings,
) -> list[PlannedVisit]:
    if scale not in CADENCE_MONTHS:
        raise ValueError(f"unknown project scale: {scale}")
    non_structural = [i for i in items if not _structural(i.key)]
    if not non_structural:
        return []
    last_end = max(i.end_on for i in non_structural)
    visits: list[PlannedVisit] = []

    step = CADENCE_MONTHS[scale]
    k = 1
    while (day := add_months(handover, step * k)) <= last_end:
        visits.append(PlannedVisit(day, PERIODIC, [_("{scale}项目定期回访（每{step}个月）").format(scale=scale, step=step)]))
        k += 1

    visits.append(PlannedVisit(add_months(handover, 1), MILESTONE, [_("交付后一个月回访")]))
    visits.append(PlannedVisit(add_months(handover, 6), MILESTONE, [_("交付后半年回访")]))
    by_end: dict[dt.date, list[str]] = {}
    for item in non_structural:
        by_end.setdefault(item.end_on, []).append(CATEGORIES[item.key].name if item.key in CATEGORIES else item.key)
    for end_on, names in sorted(by_end.items()):
        day = add_months(end_on, -1)
        if day > handover:
            visits.append(
                PlannedVisit(day, MILESTONE, [_("保修期满前交代回访：{names}（{isoformat}到期）").format(names="、".join(names), isoformat=end_on.isoformat())])
            )

    lead = dt.timedelta(days=settings.seasonal_lead_days)
    heating_end = max((i.end_on for i in items if i.key == "heating"), default=None)
    if heating is not None and heating_end is not None:
        for first, _last in heating.seasons_from(handover):
            if first > heating_end:
                break
            if first - lead > handover:
                visits.append(
                    PlannedVisit(first - lead, SEASONAL, [_("采暖期前检查（{isoformat}开始供暖）：供热、新风、门窗、保温").format(isoformat=first.isoformat())])
                )

    water_end = max((i.end_on for i in items if CATEGORIES.get(i.key) and CATEGORIES[i.key].waterproofing), default=None)
    if rainy_start and water_end is not None:
        month_day = parse_month_day(rainy_start)
        for year in range(handover.year, water_end.year + 1):
            start = _on(year, month_day)
            if start > water_end:
                break
            if start - lead > handover:
                visits.append(
                    PlannedVisit(start - lead, SEASONAL, [_("雨季前检查：屋面、天沟、落水管、外墙、排水、防雷")])
                )

    visits.append(
        PlannedVisit(
            add_months(last_end, settings.after_warranty_months),
            AFTER_WARRANTY,
            [_("保修期满后回访：介绍有偿维修和保养服务")],
        )
    )
    return visits


def merge_close(visits: list[PlannedVisit], merge_days: int) -> list[PlannedVisit]:
    """Visits within `merge_days` of the first visit of a group become one visit on the
    group's earliest day, with all their purposes."""
    merged: list[PlannedVisit] = []
    for visit in sorted(visits, key=lambda v: (v.on, _KIND_RANK[v.kind])):
        if merged and (visit.on - merged[-1].on).days <= merge_days:
            group = merged[-1]
            for purpose in visit.purposes:
                if purpose not in group.purposes:
                    group.purposes.append(purpose)
            if _KIND_RANK[visit.kind] < _KIND_RANK[group.kind]:
                group.kind = visit.kind
        else:
            merged.append(PlannedVisit(visit.on, visit.kind, list(visit.purposes)))
    return merged


def plan_visits(
    handover: dt.date,
    scale: str,
    items: list[ItemEnd],
    heating: Season | None = None,
    rainy_start: str | None = "06-01",
    settings: PlanSettings = PlanSettings(),
) -> list[PlannedVisit]:
    """Every visit of the project's plan, on working days, close visits merged."""
    raw = _raw_visits(handover, scale, items, heating, rainy_start, settings)
    for visit in raw:
        visit.on = next_working_day(visit.on)
    return merge_close(raw, settings.merge_days)
