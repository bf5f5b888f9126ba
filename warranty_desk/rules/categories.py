"""Warranty categories, their statutory minimum periods, and which project types get which
(RULES.md §2: 《建设工程质量管理条例》第四十条; 《房屋建筑工程质量保修办法》第七条)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from warranty_desk.i18n import N_, _, namer, ngettext

from .periods import CIVIL_CODE, period_end
from .seasons import Season, seasons_end

YEARS = "years"
MONTHS = "months"
HEATING_SEASONS = "heating_seasons"
COOLING_SEASONS = "cooling_seasons"
DESIGN_LIFE = "design_life"  # the minimum is the project's design service life, in years

UNIT_NAMES = {YEARS: N_("年"), MONTHS: N_("个月"), HEATING_SEASONS: N_("个采暖期"), COOLING_SEASONS: N_("个供冷期")}
# how a period's unit may be written (command line, settings): the key, its Chinese name, short forms
UNIT_ALIASES = {
    YEARS: (YEARS, "year", "y", "年"),  # i18n: data
    MONTHS: (MONTHS, "month", "m", "个月", "月"),  # i18n: data
    HEATING_SEASONS: (HEATING_SEASONS, "heating_season", "个采暖期", "采暖期"),  # i18n: data
    COOLING_SEASONS: (COOLING_SEASONS, "cooling_season", "个供冷期", "供冷期"),  # i18n: data
}


def unit_key(text: str) -> str:
    """A period unit from its key or name (years / 年, months / 个月, heating_seasons / 个采暖期 …)."""
    raw = (text or "").strip().lower()
    for key, aliases in UNIT_ALIASES.items():
        if raw in aliases:
            return key
    names = " / ".join(_("{key}（{name}）").format(key=key, name=_(UNIT_NAMES[key])) for key in UNIT_NAMES)
    raise ValueError(_("期限单位“{text}”不对，应为：{names}").format(text=text, names=names))

# a project's type and scale are stored as keys (schema step 12), named through project_type_name / scale_name
RESIDENTIAL = "residential"
PUBLIC = "public"
INDUSTRIAL = "industrial"
MUNICIPAL = "municipal"
DECORATION = "decoration"
PROJECT_TYPES = (RESIDENTIAL, PUBLIC, INDUSTRIAL, MUNICIPAL, DECORATION)
TYPE_NAMES = {RESIDENTIAL: N_("住宅"), PUBLIC: N_("公共建筑"), INDUSTRIAL: N_("工业建筑"), MUNICIPAL: N_("市政工程"),
              DECORATION: N_("装饰装修")}
LEGACY_TYPES = {label: key for key, label in TYPE_NAMES.items()}  # stored before schema step 12

SMALL = "small"
MEDIUM = "medium"
LARGE = "large"
PROJECT_SCALES = (SMALL, MEDIUM, LARGE)
SCALE_NAMES = {SMALL: N_("小型"), MEDIUM: N_("中型"), LARGE: N_("大型")}
LEGACY_SCALES = {label: key for key, label in SCALE_NAMES.items()}  # stored before schema step 12


@dataclass(frozen=True)
class Category:
    key: str
    name: str  # the Chinese name (stored on an item, a msgid of the catalogs)
    minimum_unit: str | None  # None: no statutory minimum (其他项目)
    minimum_amount: int | None
    structural: bool = False
    waterproofing: bool = False


CATEGORIES: dict[str, Category] = {
    c.key: c
    for c in (
        Category("foundation_structure", N_("地基基础工程和主体结构工程"), DESIGN_LIFE, None, structural=True),
        Category("roof_waterproofing", N_("屋面防水工程"), YEARS, 5, waterproofing=True),
        Category("wet_room_waterproofing", N_("有防水要求的卫生间、房间的防渗漏"), YEARS, 5, waterproofing=True),
        Category("exterior_wall_seepage", N_("外墙面的防渗漏"), YEARS, 5, waterproofing=True),
        Category("heating", N_("供热系统"), HEATING_SEASONS, 2),
        Category("cooling", N_("供冷系统"), COOLING_SEASONS, 2),
        Category("electrical", N_("电气管线"), YEARS, 2),
        Category("plumbing", N_("给排水管道"), YEARS, 2),
        Category("equipment", N_("设备安装"), YEARS, 2),
        Category("decoration", N_("装修工程"), YEARS, 2),
        Category("other", N_("其他项目"), None, None),
    )
}

_BUILDING = [
    "foundation_structure",
    "roof_waterproofing",
    "wet_room_waterproofing",
    "exterior_wall_seepage",
    "heating",
    "cooling",
    "electrical",
    "plumbing",
    "equipment",
    "decoration",
]
CATEGORIES_BY_TYPE: dict[str, list[str]] = {
    RESIDENTIAL: _BUILDING,
    PUBLIC: _BUILDING,
    INDUSTRIAL: _BUILDING,
    MUNICIPAL: ["foundation_structure", "electrical", "plumbing", "equipment"],
    DECORATION: ["decoration", "electrical", "plumbing"],
}


class PeriodTooShort(ValueError):
    """An agreed period shorter than the statutory minimum (办法 第六条)."""


def minimum_text(key: str, design_life_years: int | None = None) -> str:
    """The statutory minimum of an item in the active language: 5年 / 5 years, 2个采暖期 /
    2 heating seasons, 设计文件规定的合理使用年限50年, 由双方约定."""
    cat = CATEGORIES[key]
    if cat.minimum_unit is None:
        return _("由双方约定")
    if cat.minimum_unit == DESIGN_LIFE:
        if not design_life_years:
            return _("设计文件规定的合理使用年限")
        return _("设计文件规定的合理使用年限{life}").format(life=period_text(YEARS, design_life_years))
    assert cat.minimum_amount is not None  # a statutory minimum with its amount
    return period_text(cat.minimum_unit, cat.minimum_amount)


def period_text(unit: str, amount: int) -> str:
    """A period in the active language: 5年 / 5 years, 6个月 / 6 months, 2个采暖期 / 2 heating seasons."""
    if unit == YEARS:
        return ngettext("{n}年", "{n}年", amount).format(n=amount)
    if unit == MONTHS:
        return ngettext("{n}个月", "{n}个月", amount).format(n=amount)
    if unit == HEATING_SEASONS:
        return ngettext("{n}个采暖期", "{n}个采暖期", amount).format(n=amount)
    if unit == COOLING_SEASONS:
        return ngettext("{n}个供冷期", "{n}个供冷期", amount).format(n=amount)
    return f"{amount} {unit}"


def category_name(key: str, stored_name: str = "") -> str:
    """The name of a warranty item in the active language: a category's own name through the
    catalogs; a name the office gave an item itself (an 其他项目 it named) as typed."""
    cat = CATEGORIES.get(key)
    if cat is not None and (not stored_name or stored_name == cat.name):
        return _(cat.name)
    return stored_name or key


namer("category", category_name)


def project_type_name(value: str) -> str:
    """A project's stored type (residential … or a name an earlier release stored) in the active language."""
    key = LEGACY_TYPES.get(value, value)
    return _(TYPE_NAMES[key]) if key in TYPE_NAMES else value


def scale_name(value: str) -> str:
    """A project's stored scale (small / medium / large, or 小型 …) in the active language."""
    key = LEGACY_SCALES.get(value, value)
    return _(SCALE_NAMES[key]) if key in SCALE_NAMES else value


def project_type_key(value: str) -> str:
    """The type a caller names: its key or its name in either language; else as given."""
    from warranty_desk.i18n import key_of

    return key_of(value, PROJECT_TYPES, project_type_name, LEGACY_TYPES)


def scale_key(value: str) -> str:
    """The scale a caller names: its key or its name in either language; else as given."""
    from warranty_desk.i18n import key_of

    return key_of(value, PROJECT_SCALES, scale_name, LEGACY_SCALES)


def is_residential(project_type: str) -> bool:
    return LEGACY_TYPES.get(project_type, project_type) == RESIDENTIAL


def categories_for(project_type: str, has_heating: bool, has_cooling: bool) -> list[str]:
    """The warranty items a project of this type gets at handover."""
    project_type = LEGACY_TYPES.get(project_type, project_type)
    if project_type not in CATEGORIES_BY_TYPE:
        raise ValueError(f"unknown project type: {project_type}")
    keys = []
    for key in CATEGORIES_BY_TYPE[project_type]:
        if key == "heating" and not has_heating:
            continue
        if key == "cooling" and not has_cooling:
            continue
        keys.append(key)
    return keys


def minimum_period(key: str, design_life_years: int) -> tuple[str, int] | None:
    """The statutory minimum as (unit, amount), or None where the parties agree it."""
    cat = CATEGORIES[key]
    if cat.minimum_unit is None:
        return None
    if cat.minimum_unit == DESIGN_LIFE:
        return YEARS, design_life_years
    assert cat.minimum_amount is not None  # every statutory minimum but the design life has an amount
    return cat.minimum_unit, cat.minimum_amount


# 其他项目 has no statutory minimum: two years unless the parties agree otherwise
OTHER_DEFAULT_PERIOD = (YEARS, 2)


def default_period(key: str, design_life_years: int) -> tuple[str, int]:
    """The period an item gets unless one is agreed: its statutory minimum, or two years for 其他项目."""
    return minimum_period(key, design_life_years) or OTHER_DEFAULT_PERIOD


def _in_months(unit: str, amount: int) -> int:
    return amount * 12 if unit == YEARS else amount


def check_agreed(key: str, agreed_unit: str, agreed_amount: int, design_life_years: int) -> None:
    """Refuse an agreed period shorter than the statutory minimum, naming the item and minimum."""
    cat = CATEGORIES[key]
    if agreed_amount is None or agreed_amount <= 0:
        raise PeriodTooShort(_("“{name}”的约定保修期必须大于零").format(name=cat.name))
    minimum = minimum_period(key, design_life_years)
    if minimum is None:
        return
    min_unit, min_amount = minimum
    season_units = (HEATING_SEASONS, COOLING_SEASONS)
    if (min_unit in season_units) != (agreed_unit in season_units) or (
        min_unit in season_units and agreed_unit != min_unit
    ):
        raise PeriodTooShort(_("“{name}”的保修期须以{value}计").format(name=cat.name, value=UNIT_NAMES[min_unit]))
    if min_unit in season_units:
        too_short = agreed_amount < min_amount
    else:
        too_short = _in_months(agreed_unit, agreed_amount) < _in_months(min_unit, min_amount)
    if too_short:
        raise PeriodTooShort(
            _("“{name}”的约定保修期（{period_text}）短于国家规定的最低保修期（{minimum_text}），只能约定更长的期限").format(name=cat.name, period_text=period_text(agreed_unit, agreed_amount), minimum_text=minimum_text(key, design_life_years))
        )


@dataclass(frozen=True)
class SeasonRules:
    heating: Season | None
    cooling: Season
    count_under_way: bool = False


def item_end(
    start: dt.date,
    unit: str,
    amount: int,
    seasons: SeasonRules,
    convention: str = CIVIL_CODE,
) -> dt.date:
    """Last covered day of an item with the given period, counted from 竣工验收合格之日."""
    if unit == YEARS:
        return period_end(start, amount * 12, convention)
    if unit == MONTHS:
        return period_end(start, amount, convention)
    if unit == HEATING_SEASONS:
        if seasons.heating is None:
            raise ValueError(_("该地区没有采暖期，不能按采暖期计算保修期"))
        return seasons_end(start, seasons.heating, amount, seasons.count_under_way)
    if unit == COOLING_SEASONS:
        return seasons_end(start, seasons.cooling, amount, seasons.count_under_way)
    raise ValueError(f"unknown period unit: {unit}")
