"""RULES.md §6 (the seed's 定期服务): visits fall on working days, and a visit that has a deadline
keeps it — it moves to the next working day, or to the last one before when the next would miss
the deadline. No regular visit falls after the last non-structural warranty end."""

import datetime as dt
import json

import pytest

from warranty_desk.rules.categories import SeasonRules, categories_for, item_end, minimum_period
from warranty_desk.rules.periods import add_months
from warranty_desk.rules.seasons import Season
from warranty_desk.rules.visit_plan import AFTER_WARRANTY, ItemEnd, PlanSettings, plan_visits
from warranty_desk.rules.workdays import is_working_day, working_day_within

D = dt.date
BEIJING = Season("11-15", "03-15")
SEASONS = SeasonRules(BEIJING, Season("06-01", "09-30"))
ONE_MONTH = "交付后一个月回访"
HALF_YEAR = "交付后半年回访"


def _said(visit) -> list[str]:
    """A planned visit's purposes as the clerk reads them (stored as codes with parameters)."""
    from warranty_desk.rules.visit_purposes import purposes_of

    return purposes_of("\n".join(visit.purposes) if isinstance(visit.purposes, list) else visit.purposes)


@pytest.mark.parametrize(
    "day, after, until, expected",
    [
        # RULES.md §6: a working day stays where it is
        (D(2025, 2, 6), None, None, D(2025, 2, 6)),
        # no deadline: the next working day (国庆 2026 → 10-08)
        (D(2026, 10, 1), None, None, D(2026, 10, 8)),
        # the next working day keeps the deadline: later
        (D(2026, 10, 1), D(2026, 9, 1), D(2026, 10, 31), D(2026, 10, 8)),
        # the next would miss it (春节 2025: 01-28…02-04): the last working day before
        (D(2025, 2, 1), D(2025, 1, 1), D(2025, 2, 1), D(2025, 1, 27)),
        # 元旦 2030 on the warranty's last day: the day before
        (D(2030, 1, 1), D(2025, 1, 1), D(2030, 1, 1), D(2029, 12, 31)),
        # 中秋 2029 (09-22…09-24, a Sunday among them) on the last day: the Friday before
        (D(2029, 9, 23), D(2024, 9, 23), D(2029, 9, 23), D(2029, 9, 21)),
        # a 调休 working Sunday is a working day
        (D(2025, 1, 26), D(2025, 1, 1), D(2025, 2, 1), D(2025, 1, 26)),
        # aimed past its deadline: brought back inside the window
        (D(2025, 3, 1), D(2025, 1, 1), D(2025, 2, 1), D(2025, 1, 27)),
        # aimed on or before `after`: the first working day after it
        (D(2025, 1, 1), D(2025, 1, 1), D(2025, 2, 1), D(2025, 1, 2)),
        # a window without any working day: nowhere
        (D(2025, 2, 1), D(2025, 1, 31), D(2025, 2, 2), None),
        (D(2025, 2, 1), D(2025, 2, 1), D(2025, 2, 1), None),
    ],
)
def test_working_day_within_the_window(day, after, until, expected):
    assert working_day_within(day, after, until) == expected


def _items(accepted: dt.date, project_type: str = "住宅", heating: bool = True) -> list[ItemEnd]:
    keys = categories_for(project_type, heating, False)
    return [ItemEnd(k, item_end(accepted, *minimum_period(k, 50), SEASONS)) for k in keys]


def _last_end(items):
    return max(i.end_on for i in items if i.key != "foundation_structure")


def _with(visits, text):
    return [v for v in visits if any(text in p for p in _said(v))]


def test_the_issue_case_small_project_handed_over_on_new_years_day_2025():
    """RULES.md §6: 在工程保修期1个月内 — 2025-02-01 is a Saturday in the Spring Festival break."""
    handover = D(2025, 1, 1)
    items = _items(handover)
    visits = plan_visits(handover, "小型", items, BEIJING, "07-01")
    [first] = _with(visits, ONE_MONTH)
    assert D(2025, 1, 1) < first.on <= D(2025, 2, 1) and is_working_day(first.on)
    last_end = _last_end(items)
    assert last_end == D(2030, 1, 1)
    for visit in visits:
        if visit.kind != AFTER_WARRANTY:
            assert visit.on <= last_end, visit
    assert not [v for v in visits if v.on > last_end and any("定期回访" in p for p in _said(v))]
    [after] = [v for v in visits if v.kind == AFTER_WARRANTY]
    assert after.on > last_end


def _handovers():
    """Every day of two years around the long holidays (春节, 国庆, 元旦) of 2025–2026."""
    day = D(2024, 12, 1)
    while day <= D(2026, 12, 31):
        yield day
        day += dt.timedelta(days=1)


CASES = [
    # (project type, heating, days between acceptance and handover, merge window)
    ("住宅", True, 0, 15),
    ("公共建筑", False, 20, 0),
    ("装饰装修", False, 3, 15),
    ("市政工程", False, 45, 30),
]


@pytest.mark.parametrize("scale", ["小型", "中型", "大型"])
@pytest.mark.parametrize("project_type, heating, gap, merge", CASES)
def test_every_deadline_is_kept_for_every_handover_day(scale, project_type, heating, gap, merge):
    """RULES.md §6 for any handover date, size and holiday: the one-month visit within a month of
    handover; the 交代回访 at least a month before its item ends; seasonal checks before their
    season; nothing but the after-warranty visit after the last non-structural end; all on working
    days after handover."""
    settings = PlanSettings(merge_days=merge)
    for handover in _handovers():
        accepted = handover - dt.timedelta(days=gap)
        items = _items(accepted, project_type, heating)
        last_end = _last_end(items)
        visits = plan_visits(handover, scale, items, BEIJING if heating else None, "07-01", settings)
        where = f"{project_type} {scale} handed over {handover}"
        assert len(_with(visits, ONE_MONTH)) == 1, where
        for visit in visits:
            assert is_working_day(visit.on) and visit.on > handover, (where, visit)
            if visit.kind == AFTER_WARRANTY:
                assert visit.on > last_end, (where, visit)
                continue
            assert visit.on <= last_end, (where, visit)
            for purpose in _said(visit):
                if purpose == ONE_MONTH:
                    assert visit.on <= add_months(handover, 1), (where, visit)
                if purpose.startswith("保修期满前交代回访"):
                    end = D.fromisoformat(purpose.rsplit("（", 1)[1][:10])
                    assert visit.on <= add_months(end, -1), (where, visit)
                if purpose.startswith("采暖期前检查"):
                    season_start = D.fromisoformat(purpose.split("（", 1)[1][:10])
                    assert visit.on < season_start, (where, visit)
                if purpose.startswith("雨季前检查"):
                    assert visit.on < D(visit.on.year, 7, 1), (where, visit)
        for first, second in zip(visits, visits[1:]):
            assert (second.on - first.on).days > merge, where


def test_a_visit_without_a_tight_deadline_still_moves_later():
    """RULES.md §6: the half-year visit (handover 2025-04-01 → 2025-10-01, 国庆) moves to the next
    working day, as it always did; only a deadline sends a visit earlier."""
    handover = D(2025, 4, 1)
    visits = plan_visits(handover, "大型", _items(handover), BEIJING, None, PlanSettings(merge_days=0))
    [half] = _with(visits, HALF_YEAR)
    assert half.on == D(2025, 10, 9)


def test_a_warranty_shorter_than_the_cadence_gets_no_regular_visit_after_it():
    """RULES.md §6 (through the warranty): a 6-month agreed item, no statutory one — the half-year
    visit and the cadence stop at its end."""
    handover = D(2025, 1, 1)
    items = [ItemEnd("other", D(2025, 6, 30))]
    visits = plan_visits(handover, "小型", items, None, None)
    assert visits
    assert all(v.on <= D(2025, 6, 30) for v in visits if v.kind != AFTER_WARRANTY)
    assert not _with(visits, HALF_YEAR)  # 2025-07-01 is past the end
    assert [v.kind for v in visits][-1] == AFTER_WARRANTY


def test_the_issue_case_through_handover_and_the_command_line(db, db_target, make_project, capsys):
    """The same case as the office meets it: a small project handed over on 2025-01-01 — the visits
    saved, and `visits due --json`, keep the deadlines of RULES.md §6."""
    from warranty_desk import cli
    from warranty_desk.models import Visit, WarrantyItem
    from warranty_desk.services.handover import handover

    project = make_project(code="NY-2025", scale="小型", heating_region="北京", accepted_on=D(2025, 1, 1),
                           handed_over_on=D(2025, 1, 1))
    handover(project.id)
    last_end = max(i.end_on for i in WarrantyItem.select().where(WarrantyItem.project == project)
                   if i.key != "foundation_structure")
    visits = list(Visit.select().where(Visit.project == project).order_by(Visit.planned_on))
    first = next(v for v in visits if ONE_MONTH in _said(v))
    assert D(2025, 1, 1) < first.planned_on <= D(2025, 2, 1) and is_working_day(first.planned_on)
    assert all(v.planned_on <= last_end for v in visits if v.kind != AFTER_WARRANTY)
    assert [v.kind for v in visits if v.planned_on > last_end] == [AFTER_WARRANTY]
    assert cli.main(["--db", db_target, "visits", "due", "--from", "2025-01-01", "--to", "2025-02-28", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["date"] == first.planned_on.isoformat() and "交付后一个月回访" in rows[0]["purposes"]
