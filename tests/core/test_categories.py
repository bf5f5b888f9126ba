"""RULES.md §2: statutory minimums per category, agreed periods only longer."""

import datetime as dt

import pytest

from warranty_desk.rules import categories as cat
from warranty_desk.rules.seasons import Season

D = dt.date
SEASONS = cat.SeasonRules(heating=Season("11-15", "03-15"), cooling=Season("06-01", "09-30"))


@pytest.mark.parametrize(
    "key, minimum",
    [
        ("foundation_structure", ("years", 50)),
        ("roof_waterproofing", ("years", 5)),
        ("wet_room_waterproofing", ("years", 5)),
        ("exterior_wall_seepage", ("years", 5)),
        ("heating", ("heating_seasons", 2)),
        ("cooling", ("cooling_seasons", 2)),
        ("electrical", ("years", 2)),
        ("plumbing", ("years", 2)),
        ("equipment", ("years", 2)),
        ("decoration", ("years", 2)),
        ("other", None),
    ],
)
def test_statutory_minimum_of_every_category(key, minimum):
    assert cat.minimum_period(key, 50) == minimum


def test_structure_minimum_is_the_design_life():
    assert cat.minimum_period("foundation_structure", 100) == ("years", 100)
    assert "100年" in cat.minimum_text("foundation_structure", 100)


@pytest.mark.parametrize(
    "key, unit, amount, start, end",
    [
        ("foundation_structure", "years", 50, D(2024, 6, 15), D(2074, 6, 15)),
        ("roof_waterproofing", "years", 5, D(2024, 2, 29), D(2029, 2, 28)),
        ("wet_room_waterproofing", "years", 5, D(2024, 6, 15), D(2029, 6, 15)),
        ("exterior_wall_seepage", "years", 8, D(2024, 6, 15), D(2032, 6, 15)),
        ("heating", "heating_seasons", 2, D(2024, 6, 15), D(2026, 3, 15)),
        ("heating", "heating_seasons", 2, D(2024, 12, 1), D(2027, 3, 15)),
        ("cooling", "cooling_seasons", 2, D(2024, 10, 1), D(2026, 9, 30)),
        ("electrical", "years", 2, D(2024, 2, 29), D(2026, 2, 28)),
        ("plumbing", "years", 2, D(2024, 6, 15), D(2026, 6, 15)),
        ("equipment", "months", 30, D(2024, 6, 15), D(2026, 12, 15)),
        ("decoration", "years", 2, D(2024, 1, 31), D(2026, 1, 31)),
    ],
)
def test_item_end(key, unit, amount, start, end):
    cat.check_agreed(key, unit, amount, 50)
    assert cat.item_end(start, unit, amount, SEASONS) == end


@pytest.mark.parametrize(
    "key, unit, amount, words",
    [
        ("roof_waterproofing", "years", 3, ["屋面防水工程", "5年"]),
        ("roof_waterproofing", "months", 59, ["屋面防水工程", "5年"]),
        ("electrical", "years", 1, ["电气管线", "2年"]),
        ("heating", "heating_seasons", 1, ["供热系统", "2个采暖期"]),
        ("heating", "years", 5, ["供热系统", "采暖期"]),
        ("cooling", "cooling_seasons", 1, ["供冷系统", "2个供冷期"]),
        ("foundation_structure", "years", 30, ["地基基础", "50年"]),
        ("decoration", "years", 0, ["装修工程"]),
    ],
)
def test_a_shorter_agreed_period_is_refused_naming_item_and_minimum(key, unit, amount, words):
    with pytest.raises(cat.PeriodTooShort) as info:
        cat.check_agreed(key, unit, amount, 50)
    for word in words:
        assert word in str(info.value)


def test_longer_agreed_periods_are_accepted():
    cat.check_agreed("roof_waterproofing", "years", 10, 50)
    cat.check_agreed("electrical", "months", 36, 50)
    cat.check_agreed("heating", "heating_seasons", 3, 50)
    cat.check_agreed("other", "years", 1, 50)  # no statutory minimum


@pytest.mark.parametrize(
    "ptype, heating, cooling, expected",
    [
        ("装饰装修", True, False, ["decoration", "electrical", "plumbing"]),
        ("市政工程", True, False, ["foundation_structure", "electrical", "plumbing", "equipment"]),
        ("住宅", False, False, ["foundation_structure", "roof_waterproofing", "wet_room_waterproofing",
                              "exterior_wall_seepage", "electrical", "plumbing", "equipment", "decoration"]),
        ("公共建筑", True, True, ["foundation_structure", "roof_waterproofing", "wet_room_waterproofing",
                                "exterior_wall_seepage", "heating", "cooling", "electrical", "plumbing",
                                "equipment", "decoration"]),
    ],
)
def test_categories_for_project_type(ptype, heating, cooling, expected):
    assert cat.categories_for(ptype, heating, cooling) == expected


def test_no_heating_season_in_a_region_without_heating():
    with pytest.raises(ValueError, match="没有采暖期"):
        cat.item_end(D(2024, 6, 15), "heating_seasons", 2, cat.SeasonRules(None, Season("06-01", "09-30")))
