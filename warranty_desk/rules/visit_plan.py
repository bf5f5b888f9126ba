"""The visit plan of a handed-over project (RULES.md §6; the seed's 回访制度).

Input: handover day, size, the items' end dates and the region's seasons. Output: dated visits,
each with its kind and purposes, all on working days, none within `merge_days` of another.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from warranty_desk.i18n import N_, _

from . import visit_purposes as purposes
from .categories import CATEGORIES, LARGE, LEGACY_SCALES, MEDIUM, SMALL
from .periods import add_months
from .seasons import DEFAULT_RAINY_START, Season, _on, parse_month_day
from .workdays import next_working_day, working_day_within

CADENCE_MONTHS = {SMALL: 3, MEDIUM: 6, LARGE: 12}

PERIODIC = "periodic"
MILESTONE = "milestone"
SEASONAL = "seasonal"
AFTER_REPAIR = "after_repair"
AFTER_WARRANTY = "after_warranty"
AFTER_STORM = "after_storm"
KIND_NAMES = {
    PERIODIC: N_("定期回访"),
    MILESTONE: N_("节点回访"),
    SEASONAL: N_("季节性回访"),
    AFTER_REPAIR: N_("维修后回访"),
    AFTER_WARRANTY: N_("保修期满后回访"),
    AFTER_STORM: N_("雨后回访"),
}


def kind_name(kind: str) -> str:
    """A visit's kind in the active language."""
    return _(KIND_NAMES[kind]) if kind in KIND_NAMES else kind


# the kinds `plan_visits` makes: rebuilding a plan replaces only these (never an after-repair or
# after-storm visit, which the plan does not know about)
PLAN_KINDS = (PERIODIC, MILESTONE, SEASONAL, AFTER_WARRANTY)
# when visits merge, the merged visit is named after the most specific kind
_KIND_RANK = {MILESTONE: 0, SEASONAL: 1, AFTER_WARRANTY: 2, PERIODIC: 3, AFTER_REPAIR: 4, AFTER_STORM: 5}
# seed, 雨期和汛期服务: 于每次雨后进行现场回访或电话回访 — for the items rain reaches
STORM_ITEMS = ("roof_waterproofing", "exterior_wall_seepage")


@dataclass(frozen=True)
class ItemEnd:
    key: str
    end_on: dt.date


@dataclass
class PlannedVisit:
    """A visit of the plan. `due_by`: the last day that keeps the visit's deadline (within a month of
    handover, a month before a warranty ends, before a season starts, within the warranty);
    `after`: the visit must fall after this day (handover; the warranty's end for the visit after it)."""

    on: dt.date
    kind: str
    purposes: list[str] = field(default_factory=list)
    due_by: dt.date | None = None
    after: dt.date | None = None


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
    """The visits the seed asks for, on their nominal days, each with its window."""
    scale = LEGACY_SCALES.get(scale, scale)
    if scale not in CADENCE_MONTHS:
        raise ValueError(f"unknown project scale: {scale}")
    non_structural = [i for i in items if not _structural(i.key)]
    if not non_structural:
        return []
    last_end = max(i.end_on for i in non_structural)
    visits: list[PlannedVisit] = []

    def add(day: dt.date, kind: str, purpose: str, due_by: dt.date, bring_inside: bool = False) -> None:
        # every visit of the warranty falls within it: none after the last non-structural end (a
        # visit aimed past it is not made; the one-month visit, due "within a month", is brought inside)
        if day > last_end and not bring_inside:
            return
        visits.append(PlannedVisit(day, kind, [purpose], min(due_by, last_end), handover))

    step = CADENCE_MONTHS[scale]
    k = 1
    while (day := add_months(handover, step * k)) <= last_end:
        add(day, PERIODIC, purposes.stored(purposes.PERIODIC, scale=scale, step=step), last_end)
        k += 1

    one_month = add_months(handover, 1)
    add(one_month, MILESTONE, purposes.stored(purposes.ONE_MONTH), one_month, bring_inside=True)  # seed: 在工程保修期1个月内
    add(add_months(handover, 6), MILESTONE, purposes.stored(purposes.HALF_YEAR), last_end)
    by_end: dict[dt.date, list[str]] = {}
    for item in non_structural:
        by_end.setdefault(item.end_on, []).append(item.key)
    for end_on, names in sorted(by_end.items()):
        day = add_months(end_on, -1)
        if day > handover:  # seed: 保修期结束前1个月进行交代回访 — at least a month before the end
            add(day, MILESTONE, purposes.stored(purposes.BEFORE_END, names=names, isoformat=end_on.isoformat()), day)

    lead = dt.timedelta(days=settings.seasonal_lead_days)
    before = dt.timedelta(days=1)
    heating_end = max((i.end_on for i in items if i.key == "heating"), default=None)
    if heating is not None and heating_end is not None:
        for first, _last in heating.seasons_from(handover):
            if first > heating_end:
                break
            if first - lead > handover:
                add(first - lead, SEASONAL,
                    purposes.stored(purposes.BEFORE_HEATING, isoformat=first.isoformat()),
                    min(first - before, heating_end))

    water_end = max((i.end_on for i in items if CATEGORIES.get(i.key) and CATEGORIES[i.key].waterproofing), default=None)
    if rainy_start and water_end is not None:
        month_day = parse_month_day(rainy_start)
        for year in range(handover.year, water_end.year + 1):
            start = _on(year, month_day)
            if start > water_end:
                break
            if start - lead > handover:
                add(start - lead, SEASONAL, purposes.stored(purposes.BEFORE_RAINS),
                    min(start - before, water_end))

    after_warranty = add_months(last_end, settings.after_warranty_months)
    visits.append(
        PlannedVisit(
            max(after_warranty, last_end + before),
            AFTER_WARRANTY,
            [purposes.stored(purposes.AFTER_WARRANTY)],
            after=max(last_end, handover),
        )
    )
    return visits


def merge_close(visits: list[PlannedVisit], merge_days: int) -> list[PlannedVisit]:
    """Visits within `merge_days` of the first visit of a group become one visit on the
    group's earliest day, with all their purposes. A visit that must fall after that day (the one
    after the warranty) is not pulled into it."""
    merged: list[PlannedVisit] = []
    for visit in sorted(visits, key=lambda v: (v.on, _KIND_RANK[v.kind])):
        if merged and (visit.on - merged[-1].on).days <= merge_days and (
            visit.after is None or merged[-1].on > visit.after
        ):
            group = merged[-1]
            for purpose in visit.purposes:
                if purpose not in group.purposes:
                    group.purposes.append(purpose)
            if _KIND_RANK[visit.kind] < _KIND_RANK[group.kind]:
                group.kind = visit.kind
            if visit.due_by is not None and (group.due_by is None or visit.due_by < group.due_by):
                group.due_by = visit.due_by
        else:
            merged.append(PlannedVisit(visit.on, visit.kind, list(visit.purposes), visit.due_by, visit.after))
    return merged


def plan_visits(
    handover: dt.date,
    scale: str,
    items: list[ItemEnd],
    heating: Season | None = None,
    rainy_start: str | None = DEFAULT_RAINY_START,
    settings: PlanSettings = PlanSettings(),
) -> list[PlannedVisit]:
    """Every visit of the project's plan, on working days, close visits merged.

    A visit on a weekend or holiday moves to the next working day, or to the last one before it
    when the next would miss its deadline (RULES.md §6); a visit whose window holds no working day
    at all is left out."""
    placed = []
    for visit in _raw_visits(handover, scale, items, heating, rainy_start, settings):
        day = working_day_within(visit.on, visit.after, visit.due_by)
        if day is not None:
            visit.on = day
            placed.append(visit)
    return merge_close(placed, settings.merge_days)


def after_storm_visit(storm_on: dt.date, accepted_on: dt.date | None, items: list[ItemEnd],
                      not_before: dt.date | None = None) -> PlannedVisit | None:
    """The call or visit after heavy rain (RULES.md §6; the seed: 每次雨后进行现场回访或电话回访) of a
    project whose roof or exterior-wall waterproofing is under warranty on the storm day: on the
    first working day after the storm (and not before `not_before`, e.g. today). None when neither
    item covers that day."""
    if accepted_on is None or storm_on < accepted_on:
        return None
    covered = sorted((i for i in items if i.key in STORM_ITEMS and storm_on <= i.end_on),
                     key=lambda i: STORM_ITEMS.index(i.key))
    if not covered:
        return None
    day = storm_on + dt.timedelta(days=1)
    if not_before is not None and not_before > day:
        day = not_before
    purpose = purposes.stored(purposes.AFTER_STORM, storm=storm_on.isoformat(), names=[i.key for i in covered],
                              ends=sorted({i.end_on.isoformat() for i in covered}))
    return PlannedVisit(next_working_day(day), AFTER_STORM, [purpose], after=storm_on)
