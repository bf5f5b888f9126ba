"""RULES.md §6: the visit plan — cadence, milestones, seasonal visits, merging, working days."""

import datetime as dt

import pytest

from warranty_desk.rules.periods import add_months
from warranty_desk.rules.seasons import Season
from warranty_desk.rules.visit_plan import (
    AFTER_WARRANTY,
    MILESTONE,
    PERIODIC,
    SEASONAL,
    ItemEnd,
    PlannedVisit,
    PlanSettings,
    merge_close,
    plan_visits,
)
from warranty_desk.rules.workdays import is_working_day

D = dt.date
BEIJING = Season("11-15", "03-15")
HANDOVER = D(2024, 7, 1)
ITEMS = [
    ItemEnd("foundation_structure", D(2074, 6, 15)),
    ItemEnd("roof_waterproofing", D(2029, 6, 15)),
    ItemEnd("heating", D(2026, 3, 15)),
    ItemEnd("electrical", D(2026, 6, 15)),
]
NO_MERGE = PlanSettings(merge_days=0)


def _said(visit) -> list[str]:
    """A planned visit's purposes as the clerk reads them (stored as codes with parameters)."""
    from warranty_desk.rules.visit_purposes import purposes_of

    return purposes_of("\n".join(visit.purposes) if isinstance(visit.purposes, list) else visit.purposes)


def _purposes(visits):
    return [(v.on, p) for v in visits for p in _said(v)]


def _near(visits, day, days=10):
    return [v for v in visits if abs((v.on - day).days) <= days]


@pytest.mark.parametrize("scale, step", [("小型", 3), ("中型", 6), ("大型", 12)])
def test_cadence_by_size_runs_to_the_last_non_structural_end(scale, step):
    visits = plan_visits(HANDOVER, scale, ITEMS, BEIJING, None, NO_MERGE)
    periodic = [v for v in visits if any("定期回访" in p for p in _said(v))]
    expected = []
    k = 1
    while add_months(HANDOVER, step * k) <= D(2029, 6, 15):
        expected.append(add_months(HANDOVER, step * k))
        k += 1
    assert len(periodic) == len(expected)
    for visit, day in zip(periodic, expected):
        assert 0 <= (visit.on - day).days <= 10  # moved at most to the next working day
    assert max(v.on for v in periodic) <= D(2029, 6, 15)  # never into the 50-year structure period


@pytest.mark.parametrize("scale", ["小型", "中型", "大型"])
def test_milestones_one_month_and_half_a_year_after_handover(scale):
    visits = plan_visits(HANDOVER, scale, ITEMS, BEIJING, None)
    texts = _purposes(visits)
    one_month = [day for day, p in texts if p == "交付后一个月回访"]
    half_year = [day for day, p in texts if p == "交付后半年回访"]
    assert one_month and 0 <= (one_month[0] - D(2024, 8, 1)).days <= 5
    assert half_year and 0 <= (half_year[0] - D(2025, 1, 1)).days <= 5


def test_one_visit_a_month_before_each_distinct_warranty_end():
    visits = plan_visits(HANDOVER, "大型", ITEMS, BEIJING, None, NO_MERGE)
    before_end = [v for v in visits if any("保修期满前交代回访" in p for p in _said(v))]
    ends = sorted({D(2029, 6, 15), D(2026, 3, 15), D(2026, 6, 15)})
    assert len(before_end) == len(ends)
    for visit, end in zip(before_end, ends):
        target = add_months(end, -1)  # seed: 保修期结束前1个月 — at least a month before the end
        assert -10 <= (visit.on - target).days <= 0
        assert end.isoformat() in " ".join(_said(visit))
    assert visits[-1].kind == AFTER_WARRANTY


def test_seasonal_visits_before_each_covered_heating_season():
    visits = plan_visits(HANDOVER, "大型", ITEMS, BEIJING, None, NO_MERGE)
    heating = [v for v in visits if any("采暖期前检查" in p for p in _said(v))]
    # heating covered until 2026-03-15: seasons starting 2024-11-15 and 2025-11-15
    assert [v.on.year for v in heating] == [2024, 2025]
    for visit in heating:
        assert visit.on < D(visit.on.year, 11, 15)
        assert visit.kind == SEASONAL


def test_no_heating_visits_where_heating_is_not_covered():
    visits = plan_visits(HANDOVER, "大型", [i for i in ITEMS if i.key != "heating"], None, None, NO_MERGE)
    assert not [v for v in visits if any("采暖期" in p for p in _said(v))]


def test_rainy_season_visits_while_waterproofing_is_covered():
    visits = plan_visits(HANDOVER, "大型", ITEMS, BEIJING, "07-01", NO_MERGE)
    rainy = [v for v in visits if any("雨季前检查" in p for p in _said(v))]
    # roofing covered until 2029-06-15: the 2029 rainy season (07-01) is no longer covered
    assert [v.on.year for v in rainy] == [2025, 2026, 2027, 2028]
    for visit in rainy:
        assert visit.on < D(visit.on.year, 7, 1)
    dry = plan_visits(HANDOVER, "大型", [ItemEnd("electrical", D(2026, 6, 15))], BEIJING, "07-01", NO_MERGE)
    assert not [v for v in dry if any("雨季" in p for p in _said(v))]


def test_visits_within_15_days_merge_into_one_with_all_purposes():
    visits = [
        PlannedVisit(D(2025, 5, 6), PERIODIC, ["定期"]),
        PlannedVisit(D(2025, 5, 20), MILESTONE, ["交代"]),
        PlannedVisit(D(2025, 5, 22), SEASONAL, ["雨季"]),  # 16 days after the first: its own visit
    ]
    merged = merge_close(visits, 15)
    assert [(v.on, v.kind, v.purposes) for v in merged] == [
        (D(2025, 5, 6), MILESTONE, ["定期", "交代"]),
        (D(2025, 5, 22), SEASONAL, ["雨季"]),
    ]


@pytest.mark.parametrize("scale", ["小型", "中型", "大型"])
@pytest.mark.parametrize("handover", [D(2024, 2, 29), D(2024, 9, 30), D(2025, 1, 26), D(2026, 10, 1)])
def test_every_visit_is_on_a_working_day_and_no_two_are_close(scale, handover):
    items = [ItemEnd(i.key, add_months(handover, 60 if i.key == "roof_waterproofing" else 24)) for i in ITEMS]
    visits = plan_visits(handover, scale, items, BEIJING, "06-01")
    assert visits
    for visit in visits:
        assert is_working_day(visit.on), visit
        assert visit.on > handover
    for first, second in zip(visits, visits[1:]):
        assert (second.on - first.on).days > 15


def test_only_structure_means_no_plan():
    assert plan_visits(HANDOVER, "中型", [ItemEnd("foundation_structure", D(2074, 1, 1))]) == []


def test_unknown_scale_is_refused():
    with pytest.raises(ValueError):
        plan_visits(HANDOVER, "特大型", ITEMS)
