"""Handover as one service: items from the type, dates per RULES.md, the visit plan, re-runs."""

import datetime as dt

import pytest

from warranty_desk.errors import ValidationError
from warranty_desk.models import AuditLog, Visit, WarrantyItem
from warranty_desk.rules.workdays import is_working_day
from warranty_desk.services import settings
from warranty_desk.services.handover import handover, items_of, set_agreed_period

D = dt.date


def _ends(project):
    return {i.key: i.end_on for i in items_of(project)}


def test_residential_project_in_beijing_gets_every_item(make_project):
    project = make_project(accepted_on=D(2024, 6, 15), handed_over_on=D(2024, 7, 1))
    items, visits = handover(project.id)
    assert _ends(project) == {
        "foundation_structure": D(2074, 6, 15),
        "roof_waterproofing": D(2029, 6, 15),
        "wet_room_waterproofing": D(2029, 6, 15),
        "exterior_wall_seepage": D(2029, 6, 15),
        "heating": D(2026, 3, 15),
        "electrical": D(2026, 6, 15),
        "plumbing": D(2026, 6, 15),
        "equipment": D(2026, 6, 15),
        "decoration": D(2026, 6, 15),
    }
    assert visits and all(is_working_day(v.planned_on) for v in visits)
    assert Visit.select().where(Visit.project == project).count() == len(visits)
    assert AuditLog.select().where((AuditLog.table == "project") & (AuditLog.action == "handover")).count() == 1


def test_accepted_on_29_february(make_project):
    project = make_project(accepted_on=D(2024, 2, 29), handed_over_on=D(2024, 3, 5))
    handover(project.id)
    ends = _ends(project)
    assert ends["electrical"] == D(2026, 2, 28)
    assert ends["roof_waterproofing"] == D(2029, 2, 28)
    assert ends["foundation_structure"] == D(2074, 2, 28)


def test_heating_season_under_way_at_acceptance(make_project):
    project = make_project(accepted_on=D(2024, 12, 1), handed_over_on=D(2024, 12, 10))
    handover(project.id)
    assert _ends(project)["heating"] == D(2027, 3, 15)
    settings.set("count_season_under_way", True)
    handover(project.id)  # a re-run recomputes with the setting
    assert _ends(project)["heating"] == D(2026, 3, 15)


def test_fifty_and_hundred_year_design_life(make_project):
    project = make_project(design_life_years=100, accepted_on=D(2025, 3, 31), handed_over_on=D(2025, 4, 1))
    handover(project.id)
    item = WarrantyItem.get((WarrantyItem.project == project) & (WarrantyItem.key == "foundation_structure"))
    assert (item.minimum_amount, item.agreed_amount, item.end_on) == (100, 100, D(2125, 3, 31))


def test_region_without_heating_has_no_heating_item(make_project):
    project = make_project(heating_region="广州")
    handover(project.id)
    assert "heating" not in _ends(project)
    assert not Visit.select().where((Visit.project == project) & Visit.purposes.contains("采暖")).exists()


def test_decoration_project_gets_decoration_electrical_plumbing(make_project):
    project = make_project(type="装饰装修", scale="小型")
    handover(project.id)
    assert sorted(_ends(project)) == ["decoration", "electrical", "plumbing"]


def test_public_building_gets_cooling(make_project):
    project = make_project(type="公共建筑", accepted_on=D(2024, 10, 1), handed_over_on=D(2024, 10, 8))
    handover(project.id)
    assert _ends(project)["cooling"] == D(2026, 9, 30)


def test_period_end_convention_setting(make_project):
    settings.set("period_end_convention", "day_before")
    project = make_project()
    handover(project.id)
    assert _ends(project)["electrical"] == D(2026, 6, 14)


def test_company_commitment_longer_than_the_law(make_project):
    settings.set("agreed_periods", {"electrical": ["years", 3]})
    project = make_project()
    handover(project.id)
    item = WarrantyItem.get((WarrantyItem.project == project) & (WarrantyItem.key == "electrical"))
    assert (item.minimum_amount, item.agreed_amount, item.end_on) == (2, 3, D(2027, 6, 15))


def test_agreed_period_shorter_than_the_law_is_refused(make_project):
    project = make_project()
    handover(project.id)
    item = WarrantyItem.get((WarrantyItem.project == project) & (WarrantyItem.key == "roof_waterproofing"))
    with pytest.raises(ValidationError) as info:
        set_agreed_period(item.id, "years", 3, item.version)
    assert "屋面防水工程" in info.value.message and "5年" in info.value.message
    assert WarrantyItem.get_by_id(item.id).agreed_amount == 5
    longer = set_agreed_period(item.id, "years", 8, item.version)
    assert longer.end_on == D(2032, 6, 15)


def test_handover_before_acceptance_is_refused(make_project):
    project = make_project(accepted_on=D(2024, 6, 15), handed_over_on=None)
    with pytest.raises(ValidationError, match="早于竣工验收日期"):
        handover(project.id, handed_over_on=D(2024, 6, 1))
    assert not WarrantyItem.select().where(WarrantyItem.project == project).exists()


def test_rerun_after_date_correction_keeps_visits_done(make_project):
    project = make_project(accepted_on=D(2024, 6, 15), handed_over_on=D(2024, 7, 1))
    _items, visits = handover(project.id)
    first = visits[0]
    Visit.update(status="done", done_at=dt.datetime(2024, 8, 1, 10)).where(Visit.id == first.id).execute()
    _items, rebuilt = handover(project.id, accepted_on=D(2024, 6, 20), handed_over_on=D(2024, 7, 5))
    assert Visit.get_by_id(first.id).status == "done"  # kept
    assert _ends(project)["electrical"] == D(2026, 6, 20)
    planned = Visit.select().where((Visit.project == project) & (Visit.status == "planned"))
    assert planned.count() == len(rebuilt)
    # the one-month visit happened: not planned again
    assert all(abs((v.planned_on - first.planned_on).days) > 15 for v in planned)


def test_audit_records_only_real_changes():
    from decimal import Decimal

    from warranty_desk.services.audit import changed

    old = {"amount": Decimal("2000000"), "name": "甲", "on": dt.date(2026, 1, 1), "none": None}
    new = {"amount": Decimal("2000000.00"), "name": "甲", "on": dt.date(2026, 1, 1), "none": Decimal("0")}
    assert changed(old, new) == ({"none": None}, {"none": Decimal("0")})
    assert changed({"amount": Decimal("1.00")}, {"amount": Decimal("1.50")}) == (
        {"amount": Decimal("1.00")}, {"amount": Decimal("1.50")})
