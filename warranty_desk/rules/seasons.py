"""Heating and cooling seasons per region (RULES.md §2.2).

A season is given by two "MM-DD" strings; a season whose end is before its start runs into the
next year (采暖期 11-15 → 03-15).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from warranty_desk.i18n import N_


def parse_month_day(text: str) -> tuple[int, int]:
    """'11-15' → (11, 15); raises ValueError with the offending text."""
    try:
        month_s, day_s = text.strip().split("-")
        month, day = int(month_s), int(day_s)
        dt.date(2024, month, day)  # a leap year accepts 02-29
    except (ValueError, AttributeError) as exc:
        raise ValueError(f"not a month-day like 11-15: {text!r}") from exc
    return month, day


def _on(year: int, month_day: tuple[int, int]) -> dt.date:
    month, day = month_day
    if month == 2 and day == 29:
        try:
            return dt.date(year, 2, 29)
        except ValueError:
            return dt.date(year, 2, 28)
    return dt.date(year, month, day)


@dataclass(frozen=True)
class Season:
    start: str  # "MM-DD"
    end: str

    def starting_in(self, year: int) -> tuple[dt.date, dt.date]:
        """The season that starts in `year`: (first day, last day)."""
        start_md, end_md = parse_month_day(self.start), parse_month_day(self.end)
        first = _on(year, start_md)
        last = _on(year + 1 if end_md < start_md else year, end_md)
        return first, last

    def seasons_from(self, day: dt.date, count_under_way: bool = False):
        """Seasons in order, beginning with the first that starts on or after `day`
        (or the one under way on `day` when `count_under_way`)."""
        year = day.year - 1
        while True:
            first, last = self.starting_in(year)
            year += 1
            if first >= day or (count_under_way and first < day <= last):
                yield first, last


# RULES.md §2.2: 供冷期 has no official dates; the rainy season's start where a region gives none
DEFAULT_COOLING = Season("06-01", "09-30")
DEFAULT_RAINY_START = "06-01"

# the region table a new database starts with (RULES.md §2.2): name, 采暖期 start and end, rainy season
# start, and where the heating dates come from (kept in the region's note). A city's regulation fixes its
# 法定采暖期; the government may start earlier or run longer in a cold year (announced each year), so
# the table is editable. Regions without district heating have no heating season. Rainy season:
# 主汛期 by climate zone — 华北/东北/西北 07-01 (七下八上), 新疆 06-15, 长江流域 06-01 (梅雨),
# 华南 04-15 (前汛期), 西南 05-01…05-15.
DEFAULT_REGIONS = [
    (N_("北京"), "11-15", "03-15", "07-01", "《北京市供热采暖管理办法》第十条"),  # i18n: data
    (N_("天津"), "11-15", "03-15", "07-01", "《天津市供热用热条例》"),  # i18n: data
    (N_("石家庄"), "11-15", "03-15", "07-01", "《河北省供热用热办法》：供热期11月15日至次年3月15日"),  # i18n: data
    (N_("唐山"), "11-15", "03-15", "07-01", "《河北省供热用热办法》"),  # i18n: data
    (N_("保定"), "11-15", "03-15", "07-01", "《河北省供热用热办法》"),  # i18n: data
    (N_("邯郸"), "11-15", "03-15", "07-01", "《河北省供热用热办法》"),  # i18n: data
    (N_("张家口"), "10-15", "04-15", "07-01", "张家口市供热期（《河北省供热用热办法》准许高寒地区自定）"),  # i18n: data
    (N_("太原"), "11-01", "03-31", "07-01", "《太原市城市集中供热条例》"),  # i18n: data
    (N_("大同"), "10-15", "04-15", "07-01", "大同市供热期"),  # i18n: data
    (N_("呼和浩特"), "10-15", "04-15", "07-01", "《呼和浩特市城市供热管理条例》"),  # i18n: data
    (N_("包头"), "10-15", "04-15", "07-01", "《包头市城市供热管理条例》"),  # i18n: data
    (N_("沈阳"), "11-01", "03-31", "07-01", "《沈阳市城市供热条例》"),  # i18n: data
    (N_("大连"), "11-05", "04-05", "07-01", "《大连市供热用热条例》"),  # i18n: data
    (N_("鞍山"), "11-01", "03-31", "07-01", "《辽宁省城市供热条例》：采暖期11月1日至次年3月31日"),  # i18n: data
    (N_("长春"), "10-25", "04-10", "07-01", "《长春市城市供热条例》"),  # i18n: data
    (N_("吉林"), "10-25", "04-10", "07-01", "《吉林市城市供热管理条例》"),  # i18n: data
    (N_("哈尔滨"), "10-20", "04-20", "07-01", "《哈尔滨市城市供热办法》"),  # i18n: data
    (N_("齐齐哈尔"), "10-15", "04-15", "07-01", "齐齐哈尔市供热期"),  # i18n: data
    (N_("大庆"), "10-15", "04-15", "07-01", "大庆市供热期"),  # i18n: data
    (N_("济南"), "11-15", "03-15", "07-01", "《济南市城市供热条例》"),  # i18n: data
    (N_("青岛"), "11-16", "04-05", "07-01", "《青岛市供热条例》"),  # i18n: data
    (N_("淄博"), "11-15", "03-15", "07-01", "淄博市供热期"),  # i18n: data
    (N_("潍坊"), "11-15", "03-15", "07-01", "潍坊市供热期"),  # i18n: data
    (N_("郑州"), "11-15", "03-15", "07-01", "《郑州市城市供热管理条例》"),  # i18n: data
    (N_("洛阳"), "11-15", "03-15", "07-01", "洛阳市供热期"),  # i18n: data
    (N_("西安"), "11-15", "03-15", "07-01", "《西安市城市集中供热条例》"),  # i18n: data
    (N_("兰州"), "11-01", "03-31", "07-01", "《兰州市城市供热管理条例》"),  # i18n: data
    (N_("西宁"), "10-15", "04-15", "07-01", "西宁市供热期"),  # i18n: data
    (N_("银川"), "11-01", "03-31", "07-01", "《银川市城市供热条例》"),  # i18n: data
    (N_("乌鲁木齐"), "10-15", "04-15", "06-15", "乌鲁木齐市供热期"),  # i18n: data
    (N_("拉萨"), "11-15", "03-15", "06-01", "拉萨市城区供暖期"),  # i18n: data
    (N_("上海"), None, None, "06-01", ""),
    (N_("南京"), None, None, "06-01", ""),
    (N_("杭州"), None, None, "06-01", ""),
    (N_("合肥"), None, None, "06-01", ""),
    (N_("武汉"), None, None, "06-01", ""),
    (N_("长沙"), None, None, "04-15", ""),
    (N_("南昌"), None, None, "04-15", ""),
    (N_("福州"), None, None, "04-15", ""),
    (N_("广州"), None, None, "04-15", ""),
    (N_("深圳"), None, None, "04-15", ""),
    (N_("南宁"), None, None, "04-15", ""),
    (N_("海口"), None, None, "05-01", ""),
    (N_("重庆"), None, None, "05-01", ""),
    (N_("成都"), None, None, "06-01", ""),
    (N_("贵阳"), None, None, "05-01", ""),
    (N_("昆明"), None, None, "05-15", ""),
]


def seasons_end(accepted_on: dt.date, season: Season, count: int, count_under_way: bool = False) -> dt.date:
    """Last day of the `count`-th season counted from acceptance.

    Default rule: only complete seasons that start on or after 竣工验收合格之日 count.
    >>> seasons_end(dt.date(2024, 6, 15), Season("11-15", "03-15"), 2)
    datetime.date(2026, 3, 15)
    >>> seasons_end(dt.date(2024, 12, 1), Season("11-15", "03-15"), 2)
    datetime.date(2027, 3, 15)
    """
    if count < 1:
        raise ValueError("a season count must be at least 1")
    for index, (_first, last) in enumerate(season.seasons_from(accepted_on, count_under_way), start=1):
        if index == count:
            return last
    raise AssertionError("unreachable")
