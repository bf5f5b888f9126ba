"""RULES.md §4 (《房屋建筑工程质量保修办法》第九、十条): emergencies — 涉及结构安全, a burst pipe, a
roof leaking into the dwelling, no power, no heating in the heating season — are suggested 紧急
from the category, the words of the description and the date; everything else 一般."""

import datetime as dt

import pytest

from warranty_desk.rules.seasons import Season
from warranty_desk.rules.sla import urgency_name
from warranty_desk.rules.urgency import (
    BURST,
    GAS,
    HEATING_OUT,
    POWER,
    ROOF_LEAK,
    STRUCTURAL,
    in_season,
    suggest,
)

D = dt.date
BEIJING = Season("11-15", "03-15")
WINTER = D(2026, 12, 10)
SUMMER = D(2026, 7, 10)


@pytest.mark.parametrize(
    "category, description, day, heating, urgency, grounds",
    [
        # §4 涉及结构安全: the category alone, or the words in any category
        ("foundation_structure", "客厅墙面有细裂缝", SUMMER, BEIJING, "紧急", (STRUCTURAL,)),
        ("decoration", "阳台楼板开裂，能看到钢筋外露", SUMMER, BEIJING, "紧急", (STRUCTURAL,)),
        ("exterior_wall_seepage", "外墙明显倾斜", SUMMER, None, "紧急", (STRUCTURAL,)),
        # §4 burst pipe
        ("plumbing", "厨房水管爆裂，水流了一地", SUMMER, BEIJING, "紧急", (BURST,)),
        ("heating", "暖气管 爆管 跑水", SUMMER, BEIJING, "紧急", (BURST,)),
        ("plumbing", "卫生间下水管轻微渗水", SUMMER, BEIJING, "一般", ()),
        # §4 roof leak into dwellings
        ("roof_waterproofing", "顶层卧室下雨时往下滴水", SUMMER, None, "紧急", (ROOF_LEAK,)),
        ("decoration", "下雨后天花板漏水", SUMMER, None, "紧急", (ROOF_LEAK,)),
        ("roof_waterproofing", "屋面防水层起鼓", SUMMER, None, "一般", ()),
        # §4 no power
        ("electrical", "全屋没电，开关一合就跳", SUMMER, None, "紧急", (POWER,)),
        ("electrical", "插座冒烟有焦味", SUMMER, None, "紧急", (POWER,)),
        ("electrical", "卧室一个插座面板松动", SUMMER, None, "一般", ()),
        # gas: a safety emergency too
        ("equipment", "厨房闻到煤气味，怀疑燃气泄漏", SUMMER, None, "紧急", (GAS,)),
        # §4 no heating — only in the heating season, and only where there is district heating
        ("heating", "暖气不热，室温只有12度", WINTER, BEIJING, "紧急", (HEATING_OUT,)),
        ("other", "家里没有暖气", D(2026, 3, 10), BEIJING, "紧急", (HEATING_OUT,)),
        ("heating", "暖气不热", SUMMER, BEIJING, "一般", ()),
        ("heating", "暖气不热", D(2026, 11, 14), BEIJING, "一般", ()),  # the day before the season
        ("heating", "暖气不热", D(2026, 11, 15), BEIJING, "紧急", (HEATING_OUT,)),  # its first day
        ("heating", "暖气不热", WINTER, None, "一般", ()),  # a region without district heating
        ("decoration", "卧室太冷", WINTER, BEIJING, "一般", ()),  # cold, but not about the heating
        # a negation is not an emergency
        ("plumbing", "水管没有爆裂，只是接头处有点潮", SUMMER, BEIJING, "一般", ()),
        ("decoration", "未见裂缝和倾斜，墙纸起皱", SUMMER, BEIJING, "一般", ()),
        ("plumbing", "业主没关总阀，厨房跑水", SUMMER, BEIJING, "紧急", (BURST,)),
        ("plumbing", "楼上装修时没注意，把水管打破了，现在一直跑水", SUMMER, BEIJING, "紧急", (BURST,)),
        # several grounds, in the order of §4
        ("plumbing", "楼板开裂后水管破裂，整层停电", SUMMER, BEIJING, "紧急", (STRUCTURAL, BURST, POWER)),
        # nothing to go on
        ("decoration", "", SUMMER, BEIJING, "一般", ()),
    ],
)
def test_suggested_urgency(category, description, day, heating, urgency, grounds):
    result = suggest(category, description, day, heating)
    assert (urgency_name(result.urgency), result.grounds) == (urgency, grounds)
    assert result.structural == (STRUCTURAL in grounds)
    if urgency == "紧急":
        assert result.text.startswith("建议按紧急处理") and result.reasons
    else:
        assert result.text.startswith("建议按一般报修处理") and not result.reasons


def test_a_request_marked_as_structural_safety_is_an_emergency():
    """§4 and 办法第十条: a request the clerk marked 涉及结构安全 is 紧急, whatever its words."""
    result = suggest("decoration", "墙面有裂纹", SUMMER, None, structural_safety=True)
    assert result.urgency == "urgent" and result.structural


def test_the_words_that_triggered_are_named():
    result = suggest("plumbing", "厨房水管爆裂，全屋没电", SUMMER, BEIJING)
    assert result.words == ("爆裂", "全屋没电")
    assert "爆裂" in result.text and "全屋没电" in result.text


@pytest.mark.parametrize("day, inside", [
    (D(2026, 11, 14), False), (D(2026, 11, 15), True), (D(2026, 12, 31), True), (D(2027, 1, 1), True),
    (D(2027, 3, 15), True), (D(2027, 3, 16), False), (D(2026, 7, 1), False),
])
def test_heating_season_that_runs_into_the_next_year(day, inside):
    """RULES.md §2.2: 北京 11-15 → 03-15 runs across the new year."""
    assert in_season(BEIJING, day) is inside
