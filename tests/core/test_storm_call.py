"""RULES.md §6 (the seed's 雨期和汛期服务: 于每次雨后进行现场回访或电话回访): after heavy rain the clerk
names a region and the day; every project there whose roof or exterior-wall waterproofing is still
under warranty gets a planned call or visit with its own purpose — once per storm."""

import datetime as dt

import pytest

from warranty_desk.errors import ValidationError
from warranty_desk.models import AuditLog, Visit
from warranty_desk.rules.visit_plan import AFTER_STORM, ItemEnd, after_storm_visit
from warranty_desk.rules.workdays import is_working_day
from warranty_desk.services import storm, visits
from warranty_desk.services.handover import handover

D = dt.date
ACCEPTED = D(2024, 6, 15)
ITEMS = [ItemEnd("roof_waterproofing", D(2029, 6, 15)), ItemEnd("exterior_wall_seepage", D(2029, 6, 15)),
         ItemEnd("plumbing", D(2026, 6, 15))]


def _said(visit) -> list[str]:
    """A planned visit's purposes as the clerk reads them (stored as codes with parameters)."""
    from warranty_desk.rules.visit_purposes import purposes_of

    return purposes_of("\n".join(visit.purposes) if isinstance(visit.purposes, list) else visit.purposes)


@pytest.mark.parametrize("storm_on, items, expected_day, covered", [
    # a Monday storm: called on Tuesday
    (D(2026, 7, 20), ITEMS, D(2026, 7, 21), "屋面防水工程、外墙面的防渗漏"),
    # a Friday storm: the next working day is Monday
    (D(2026, 7, 24), ITEMS, D(2026, 7, 27), "屋面防水工程、外墙面的防渗漏"),
    # a storm on the eve of the National Day week: after the holiday (10-08)
    (D(2026, 9, 30), ITEMS, D(2026, 10, 8), "屋面防水工程、外墙面的防渗漏"),
    # only the roof still covered
    (D(2026, 7, 20), [ItemEnd("roof_waterproofing", D(2026, 7, 20)), ItemEnd("exterior_wall_seepage", D(2026, 7, 19))],
     D(2026, 7, 21), "屋面防水工程保修至2026-07-20"),
    # the waterproofing ended the day before the storm: no call
    (D(2029, 6, 16), ITEMS, None, None),
    # wet-room waterproofing and pipes are not what rain reaches
    (D(2026, 7, 20), [ItemEnd("wet_room_waterproofing", D(2029, 6, 15)), ItemEnd("plumbing", D(2029, 6, 15))],
     None, None),
    # a storm before the warranty started
    (D(2024, 6, 1), ITEMS, None, None),
])
def test_after_storm_visit(storm_on, items, expected_day, covered):
    visit = after_storm_visit(storm_on, ACCEPTED, items)
    if expected_day is None:
        assert visit is None
        return
    assert (visit.on, visit.kind) == (expected_day, AFTER_STORM)
    said = _said(visit)[0]
    assert storm_on.isoformat() in said and covered in said


def test_not_before_today_when_the_storm_was_days_ago():
    visit = after_storm_visit(D(2026, 7, 1), ACCEPTED, ITEMS, not_before=D(2026, 7, 11))  # a Saturday
    assert visit.on == D(2026, 7, 13) and is_working_day(visit.on)


@pytest.fixture
def region_office(db, make_project):
    """北京: two projects under roof warranty, one whose waterproofing ended, one not handed over;
    天津: one project under warranty."""
    a = make_project(code="BJ-1", heating_region="北京", accepted_on=D(2024, 6, 15), handed_over_on=D(2024, 7, 1))
    b = make_project(code="BJ-2", heating_region="北京", type="公共建筑", accepted_on=D(2025, 3, 1),
                     handed_over_on=D(2025, 3, 10), manager="")
    old = make_project(code="BJ-OLD", heating_region="北京", accepted_on=D(2019, 5, 1), handed_over_on=D(2019, 5, 10))
    make_project(code="BJ-NEW", heating_region="北京", accepted_on=None, handed_over_on=None)
    deco = make_project(code="BJ-DECO", heating_region="北京", type="装饰装修", accepted_on=D(2025, 1, 1),
                        handed_over_on=D(2025, 1, 5))
    tj = make_project(code="TJ-1", heating_region="天津", accepted_on=D(2024, 6, 15), handed_over_on=D(2024, 7, 1))
    for p in (a, b, old, deco, tj):
        handover(p.id)
    return {"a": a, "b": b}


def test_storm_call_plans_a_visit_for_every_covered_project_of_the_region(region_office):
    """RULES.md §6: 北京 storm on 2026-07-20 → BJ-1 and BJ-2 (roof and walls under warranty), not
    BJ-OLD (ended 2024-05-01), not the decoration job (no roof item), not 天津."""
    before = Visit.select().count()
    result = storm.plan_storm_calls("北京", "2026-07-20", today=D(2026, 7, 20))
    assert [r["project_code"] for r in result["created"]] == ["BJ-1", "BJ-2"]
    assert Visit.select().count() == before + 2
    for row in result["created"]:
        visit = Visit.get_by_id(row["visit_id"])
        assert visit.kind == AFTER_STORM and visit.status == "planned" and visit.method == "phone"
        assert visit.planned_on == D(2026, 7, 21)
        assert "2026-07-20暴雨后回访" in _said(visit)[0]
    from warranty_desk import i18n
    from warranty_desk.services import audit

    notes = [audit.note_text(a.note) for a in AuditLog.select().where(AuditLog.table == "visit")]
    assert notes.count("北京2026-07-20暴雨后回访") == 2
    with i18n.override("en"):  # the note is kept as its template and parameters: said in the reader's language
        notes = [audit.note_text(a.note) for a in AuditLog.select().where(AuditLog.table == "visit")]
    assert sum("2026-07-20" in n and "暴雨" not in n for n in notes) == 2
    # the calls are on the clerk's list like every visit, named as such
    due = visits.due(D(2026, 7, 21), D(2026, 7, 21))
    assert {r["project_code"] for r in due if r["kind"] == AFTER_STORM} == {"BJ-1", "BJ-2"}
    assert {r["kind_name"] for r in due if r["kind"] == AFTER_STORM} == {"雨后回访"}


def test_the_same_storm_twice_adds_nothing(region_office):
    storm.plan_storm_calls("北京", D(2026, 7, 20), today=D(2026, 7, 20))
    again = storm.plan_storm_calls("北京", D(2026, 7, 20), today=D(2026, 7, 20))
    assert again["created"] == [] and again["already_planned"] == ["BJ-1", "BJ-2"]
    other = storm.plan_storm_calls("北京", D(2026, 8, 3), method="上门", today=D(2026, 8, 3))
    assert len(other["created"]) == 2  # another storm: its own visits


def test_storm_visits_survive_a_rebuilt_plan(region_office):
    """A re-plan (visits plan, a corrected date) replaces the plan's own visits, never a storm call."""
    from warranty_desk.services.handover import rebuild_visit_plan

    result = storm.plan_storm_calls("北京", D(2026, 7, 20), today=D(2026, 7, 20))
    rebuild_visit_plan(region_office["a"])
    assert Visit.get_or_none(Visit.id == result["created"][0]["visit_id"]) is not None


def test_the_preview_lists_what_will_be_planned(region_office):
    rows = storm.storm_projects("北京", "2026-07-20")
    assert [(r["project_code"], r["already_planned"]) for r in rows] == [("BJ-1", False), ("BJ-2", False)]
    storm.plan_storm_calls("北京", "2026-07-20", today=D(2026, 7, 20))
    assert all(r["already_planned"] for r in storm.storm_projects("北京", "2026-07-20"))


@pytest.mark.parametrize("region, day, kwargs, message", [
    ("火星", "2026-07-20", {}, "没有名为“火星”的地区"),
    ("", "2026-07-20", {}, "请选择地区"),
    ("北京", "", {}, "请填写暴雨日期"),
    ("北京", "2026-02-30", {}, "不是一个存在的日期"),
    ("北京", "2026-07-20", {"method": "飞鸽"}, "回访方式“飞鸽”不对"),
    ("北京", "2026-07-20", {"planned_on": "2026-07-19"}, "早于暴雨日期"),
    ("北京", "2026-07-20", {"planned_on": "2026-07-25"}, "非工作日"),
])
def test_bad_storm_input_is_refused_and_nothing_planned(region_office, region, day, kwargs, message):
    before = Visit.select().count()
    with pytest.raises(ValidationError, match=message):
        storm.plan_storm_calls(region, day, today=D(2026, 7, 20), **kwargs)
    assert Visit.select().count() == before
