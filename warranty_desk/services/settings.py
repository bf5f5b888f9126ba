"""Company settings and the region season table. A setting that a rule reads takes its default
from that rule's own constant (rules/sla.py, rules/visit_plan.py, rules/seasons.py), so the
default lives in one place."""

from __future__ import annotations

import contextlib
import copy
import json
import threading
from typing import Any, TypedDict, cast

from warranty_desk.i18n import N_, _, join_list

from ..errors import NotFound, ValidationError
from ..models import Region, Setting, database_proxy, tuples
from ..rules import categories as cat
from ..rules import sla
from ..rules.categories import SeasonRules
from ..rules.periods import CIVIL_CODE, CONVENTIONS
from ..rules.seasons import DEFAULT_COOLING, DEFAULT_RAINY_START, DEFAULT_REGIONS, Season, parse_month_day
from ..rules.visit_plan import PlanSettings
from . import audit


class Settings(TypedDict):
    """Every setting with its value (`settings show --json`); the defaults are `DEFAULTS`."""

    company_name: str
    company_address: str
    hotline: str
    company_fax: str
    company_postcode: str
    company_bank: str
    company_account: str
    company_website: str
    logo_path: str
    period_end_convention: str
    count_season_under_way: bool
    sla: dict[str, dict[str, float]]  # urgency key → respond_hours / onsite_hours / complete_hours
    agreed_periods: dict[str, list]  # warranty item key → [unit, amount]
    visit_merge_days: int
    seasonal_lead_days: int
    visit_on_time_days: int
    visit_retry_days: int
    card_layout: str
    language: str
    clerk_name: str
    backup_folder: str
    calendar_reminder: bool
    calendar_reminder_days: int
    calendar_reminder_time: str
    go_live_date: str | None  # ISO date
    import_mappings: dict[str, dict]


_PLAN = PlanSettings()
DEFAULTS: dict[str, Any] = {  # every key of `Settings`
    "company_name": "",
    "company_address": "",
    "hotline": "",
    # the contractor's block of the 保修书 (GF-2017-0201): 传真, 邮政编码, 开户银行, 账号
    "company_fax": "",
    "company_postcode": "",
    "company_bank": "",
    "company_account": "",
    # the office's web page for owners; the 保修卡's QR code opens it when set
    "company_website": "",
    "logo_path": "",
    "period_end_convention": CIVIL_CODE,
    "count_season_under_way": False,
    # response / on-site / completion deadlines in hours (RULES.md §4)
    "sla": copy.deepcopy(sla.DEFAULT_SLA),
    # the company's own commitments where longer than the law: key → [unit, amount]
    "agreed_periods": {},
    "visit_merge_days": _PLAN.merge_days,
    "seasonal_lead_days": _PLAN.seasonal_lead_days,
    "visit_on_time_days": 7,  # a visit done within N days of its planned day counts as on time
    "visit_retry_days": 1,  # 未联系上: try again on the first working day at least N days later
    "card_layout": "a4_grid",  # a4_grid (cards with cut marks) / a5 (one per page)
    "language": "zh_CN",
    "clerk_name": "",
    "backup_folder": "",
    # the reminder each planned visit carries in the exported calendar file (.ics)
    "calendar_reminder": True,
    "calendar_reminder_days": 1,  # working days before the visit (0: on the day)
    "calendar_reminder_time": "09:00",
    # 启用日期: the day the office started using the program (ISO date; set by the first import when
    # empty). Planned visits before it are not made: the office's own records cover that time.
    "go_live_date": None,
    # the import window's column mappings the clerk chose, by the sheet's headers
    "import_mappings": {},
}


# what each setting is, for `settings show` (a key added later without a line here shows its key)
SETTING_NAMES = {
    "company_name": N_("公司名称"),
    "company_address": N_("公司地址"),
    "hotline": N_("报修电话"),
    "company_fax": N_("公司传真（保修书）"),
    "company_postcode": N_("公司邮政编码（保修书）"),
    "company_bank": N_("公司开户银行（保修书）"),
    "company_account": N_("公司银行账号（保修书）"),
    "company_website": N_("公司网页（保修卡二维码打开它）"),
    "logo_path": N_("公司标志图片的位置"),
    "period_end_convention": N_("保修期截止日算法：civil_code（民法典，默认）/ day_before（前一日）"),
    "count_season_under_way": N_("竣工时正在进行的采暖期也计入（true / false）"),
    "sla": N_("报修处理时限（小时）：紧急 / 一般 的 respond_hours 响应、onsite_hours 到场、complete_hours 完成"),
    "agreed_periods": N_("公司承诺的保修期（长于法定）：保修项目 → [单位, 数量]"),
    "visit_merge_days": N_("相距几天以内的回访合并为一次（0–90）"),
    "seasonal_lead_days": N_("季节性回访在采暖期、雨季开始前几天（0–90）"),
    "visit_on_time_days": N_("在计划日期后几天内完成的回访算按时（0–90）"),
    "visit_retry_days": N_("未联系上时，至少隔几天再联系（0–90）"),
    "card_layout": N_("保修卡版式：a4_grid（A4 多张带裁切线）/ a5（每页一张）"),
    "language": N_("界面语言：zh_CN / en"),
    "clerk_name": N_("当前操作员"),
    "backup_folder": N_("备份文件夹（空：数据文件夹中的 backups）"),
    "go_live_date": N_("启用日期：此前的计划回访不生成，以导入的回访记录为准（首次导入时设为当天）"),
    "import_mappings": N_("导入窗口记住的列对应关系（按表头）"),
}
REGION_FIELDS = ("heating_start", "heating_end", "cooling_start", "cooling_end", "rainy_start")
CARD_LAYOUTS = ("a4_grid", "a5")
DAY_SETTINGS = ("visit_merge_days", "seasonal_lead_days", "visit_on_time_days", "visit_retry_days")
TEXT_MAX = 500

def ensure_defaults() -> None:
    """Fill an empty database with the default region table (once)."""
    if Region.select().exists():
        return
    with database_proxy.atomic():
        for name, start, end, rainy, source in DEFAULT_REGIONS:  # two first starts at once: the second adds nothing
            Region.insert(name=name, heating_start=start, heating_end=end, rainy_start=rainy,
                          note=source).on_conflict_ignore().execute()


_local = threading.local()  # a cache of the settings read within `cached()`, per thread


@contextlib.contextmanager
def cached():
    """Within the block, each setting is read from the database once (an import hands over hundreds
    of projects, each asking for the same settings); a `set` inside the block is seen at once."""
    if getattr(_local, "values", None) is not None:
        yield
        return
    _local.values = {}
    try:
        yield
    finally:
        _local.values = None


def get(key: str):
    memo = getattr(_local, "values", None)
    if memo is not None and key in memo:
        return copy.deepcopy(memo[key])
    row = Setting.get_or_none(Setting.key == key)
    value = copy.deepcopy(DEFAULTS.get(key)) if row is None else json.loads(row.value)
    if memo is not None:
        memo[key] = copy.deepcopy(value)
    return value


def get_all() -> Settings:
    values = copy.deepcopy(DEFAULTS)
    for row in Setting.select():
        if row.key in DEFAULTS:  # meta.* rows (program version, see db.stamp_app_version) are not settings
            values[row.key] = json.loads(row.value)
    return cast(Settings, values)


def _validate(key: str, value) -> None:
    if key not in DEFAULTS:
        raise ValidationError(_("未知的设置项：{key}（可设置：{keys}）").format(key=key, keys=join_list(DEFAULTS)),
                              field=key)
    default = DEFAULTS[key]
    # the value has the kind of its default: a bool is not a number, text is text, a table is a table
    kind_ok = (isinstance(value, bool) if isinstance(default, bool)
               else isinstance(value, int) and not isinstance(value, bool) if isinstance(default, int)
               else isinstance(value, str) if isinstance(default, str)
               else isinstance(value, dict) if isinstance(default, dict)
               else True)
    if not kind_ok:
        kind = (_("true 或 false") if isinstance(default, bool) else _("整数") if isinstance(default, int)
                else _("文字") if isinstance(default, str) else _("一个表（JSON 对象）"))
        raise ValidationError(_("设置项 {key} 应为{kind}，而不是“{value}”").format(key=key, kind=kind, value=value),
                              field=key)
    if isinstance(value, str) and len(value) > TEXT_MAX:
        raise ValidationError(_("设置项 {key} 太长（{n}字），最多{m}字").format(key=key, n=len(value), m=TEXT_MAX),
                              field=key)
    if key == "card_layout" and value not in CARD_LAYOUTS:
        raise ValidationError(_("保修卡版式只能是 a4_grid 或 a5"), field=key)
    if key == "agreed_periods":
        _validate_agreed(value)
    if key == "language" and value not in ("zh_CN", "en"):
        raise ValidationError(_("界面语言只能是中文（zh_CN）或英文（en）"), field=key)
    if key == "period_end_convention" and value not in CONVENTIONS:
        raise ValidationError(_("保修期截止日算法只能是 civil_code（民法典）或 day_before（前一日）"), field=key)
    if key == "sla":
        for urgency in sla.URGENCIES:
            hours = value.get(urgency) if isinstance(value, dict) else None
            if not isinstance(hours, dict):
                raise ValidationError(_("缺少“{urgency}”报修的时限设置").format(urgency=sla.urgency_name(urgency)), field=key)
            steps: list[Any] = [hours.get(k) for k in sla.HOUR_KEYS]
            if any(not isinstance(h, (int, float)) or h <= 0 for h in steps):
                raise ValidationError(_("“{urgency}”报修的时限必须是大于零的小时数").format(urgency=sla.urgency_name(urgency)),
                                      field=key)
            if not steps[0] <= steps[1] <= steps[2]:
                raise ValidationError(_("“{urgency}”报修的时限须满足：响应 ≤ 到场 ≤ 完成").format(urgency=sla.urgency_name(urgency)),
                                      field=key)
    if key == "go_live_date" and value not in (None, ""):
        try:
            import datetime as dt

            dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError(_("启用日期“{value}”不是日期，请写成 2026-01-01").format(value=value), field=key) from None
    if key == "import_mappings" and not isinstance(value, dict):
        raise ValidationError(_("导入列对应关系的格式不对"), field=key)
    if key in DAY_SETTINGS and (not isinstance(value, int) or not 0 <= value <= 90):
        raise ValidationError(_("天数必须是 0 到 90 之间的整数"), field=key)
    if key == "calendar_reminder" and not isinstance(value, bool):
        raise ValidationError(_("日历提醒只能是开或关"), field=key)
    if key == "calendar_reminder_days" and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 30):
        raise ValidationError(_("提前的工作日数必须是 0 到 30 之间的整数"), field=key)
    if key == "calendar_reminder_time":
        parse_clock(value)


def parse_clock(text) -> tuple[int, int]:
    """'9:00' / '09:30' → (hour, minute); a clear message otherwise."""
    parts = str(text or "").strip().replace("：", ":").split(":")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        hour, minute = int(parts[0]), int(parts[1])
        if 0 <= hour <= 23 and 0 <= minute <= 59:
            return hour, minute
    raise ValidationError(_("时间“{text}”无效，请写成 时:分，例如 09:00").format(text=text), field="calendar_reminder_time")


def _validate_agreed(value: dict) -> None:
    """Company periods: known items, a known unit, whole numbers, never shorter than the law
    (办法 第六条; the structure's design life is checked per project at handover)."""
    for key, period in value.items():
        if key not in cat.CATEGORIES:
            raise ValidationError(_("没有保修项目“{key}”（可选：{keys}）").format(key=key, keys=join_list(cat.CATEGORIES)),
                                  field="agreed_periods")
        if (not isinstance(period, (list, tuple)) or len(period) != 2 or period[0] not in cat.UNIT_NAMES
                or not isinstance(period[1], int) or isinstance(period[1], bool)):
            raise ValidationError(
                _("“{name}”的承诺保修期应写成 [单位, 数量]，例如 [\"years\", 8]").format(name=cat.CATEGORIES[key].name),
                field="agreed_periods")
        try:
            cat.check_agreed(key, period[0], period[1], 0)
        except cat.PeriodTooShort as exc:
            raise ValidationError(str(exc), field="agreed_periods") from None


def set_many(values: dict) -> None:
    with database_proxy.atomic():
        old = {}
        values = dict(values)
        for key, value in values.items():
            if key == "sla" and isinstance(value, dict):  # {"紧急": …} / {"Urgent": …}: stored under the keys
                value = values[key] = {sla.urgency_key(k): v for k, v in value.items()}
            _validate(key, value)
            if key == "calendar_reminder_time":  # 9:00 and 9：00 are kept as 09:00
                value = values[key] = "{:02d}:{:02d}".format(*parse_clock(value))
            old[key] = get(key)
            memo = getattr(_local, "values", None)
            if memo is not None:
                memo.pop(key, None)
            Setting.insert(key=key, value=json.dumps(value, ensure_ascii=False)).on_conflict(
                conflict_target=[Setting.key], update={Setting.value: json.dumps(value, ensure_ascii=False)}
            ).execute()
        audit.record("update", "setting", None, old, values)


def set(key: str, value) -> None:  # noqa: A001 - mirrors get()
    set_many({key: value})


def go_live_date():
    """启用日期 as a date, or None while the office has not gone live (no import yet, not set)."""
    import datetime as dt

    value = get("go_live_date")
    return dt.date.fromisoformat(value) if value else None


def season_rules(region: Region | None, has_heating: bool) -> SeasonRules:
    heating = None
    if region is not None and has_heating and region.heating_start and region.heating_end:
        heating = Season(region.heating_start, region.heating_end)
    cooling_start = region.cooling_start if region else DEFAULT_COOLING.start
    cooling_end = region.cooling_end if region else DEFAULT_COOLING.end
    return SeasonRules(heating, Season(cooling_start, cooling_end), bool(get("count_season_under_way")))


def plan_settings() -> PlanSettings:
    return PlanSettings(merge_days=int(get("visit_merge_days")), seasonal_lead_days=int(get("seasonal_lead_days")))


def save_region(name: str, heating_start: str | None, heating_end: str | None, cooling_start: str,
                cooling_end: str, rainy_start: str, region_id: int | None = None) -> Region:
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("请填写地区名称"), field="name")
    if bool(heating_start) != bool(heating_end):
        raise ValidationError(_("采暖期的开始和结束日期要么都填，要么都不填"), field="heating_start")
    for field, value in (("heating_start", heating_start), ("heating_end", heating_end),
                         ("cooling_start", cooling_start), ("cooling_end", cooling_end),
                         ("rainy_start", rainy_start)):
        if value:
            try:
                parse_month_day(value)
            except ValueError:
                raise ValidationError(_("日期“{value}”格式不对，请写成 月-日，例如 11-15").format(value=value), field=field) from None
    with database_proxy.atomic():
        region = Region.get_by_id(region_id) if region_id else Region(name=name)
        old = audit.snapshot(region) if region_id else None
        clash = Region.select().where((Region.name == name) & (Region.id != (region_id or 0))).exists()
        if clash:
            raise ValidationError(_("地区“{name}”已存在").format(name=name), field="name")
        region.name = name
        region.heating_start = heating_start or None
        region.heating_end = heating_end or None
        region.cooling_start = cooling_start
        region.cooling_end = cooling_end
        region.rainy_start = rainy_start
        region.save()
        audit.record("update" if region_id else "create", "region", region.id, old, audit.snapshot(region))
    return region


def regions() -> list[Region]:
    """The region season table, in the order it was entered."""
    return list(Region.select().order_by(Region.id))


def region_names() -> list[str]:
    return [name for (name,) in tuples(Region.select(Region.name).order_by(Region.id))]


# --- the command line's view: every setting by name, read and written as text ---------------------

class RegionRow(TypedDict):
    """A region's seasons (month-day text, e.g. 11-15; no heating: None)."""

    name: str
    heating_start: str | None
    heating_end: str | None
    cooling_start: str
    cooling_end: str
    rainy_start: str


class SettingsShown(TypedDict):
    """`settings show`: every setting, what each is, and the region season table."""

    settings: Settings
    descriptions: dict[str, str]
    regions: list[RegionRow]


class SettingChange(TypedDict):
    """What `settings set` changed: the key as given, the value before and after (a region's: its seasons)."""

    key: str
    old: Any
    new: Any


def _region_values(region: Region) -> dict[str, str | None]:
    return {f: getattr(region, f) for f in REGION_FIELDS}


def region_rows() -> list[RegionRow]:
    """The region season table as plain rows."""
    return [cast(RegionRow, {"name": r.name, **_region_values(r)}) for r in Region.select().order_by(Region.id)]


def describe() -> SettingsShown:
    """Every setting with its value, and the region season table (JSON-friendly)."""
    values = get_all()
    return {
        "settings": values,
        "descriptions": {key: _(SETTING_NAMES[key]) if key in SETTING_NAMES else key for key in values},
        "regions": region_rows(),
    }


def _parse(default, text: str, key: str):
    """A setting's value from text, by the kind of its default."""
    raw = (text or "").strip()
    if isinstance(default, bool):
        lowered = raw.lower()
        if lowered in ("true", "yes", "on", "1", "是"):  # i18n: data
            return True
        if lowered in ("false", "no", "off", "0", "否"):  # i18n: data
            return False
        raise ValidationError(_("设置项 {key} 应为 true 或 false，而不是“{text}”").format(key=key, text=text), field=key)
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise ValidationError(_("设置项 {key} 应为整数，而不是“{text}”").format(key=key, text=text), field=key) from None
    if isinstance(default, (dict, list)):
        try:
            return json.loads(raw)
        except ValueError:
            raise ValidationError(
                _("设置项 {key} 应写成 JSON，例如 {example}").format(key=key, example=json.dumps(default, ensure_ascii=False)),
                field=key) from None
    return text if text is not None else ""


def _period(text: str, key: str) -> list | None:
    """'8 years' / '8年' / '3个采暖期' / '["years", 8]' → [unit, amount]; '' or none → None (removed)."""
    raw = (text or "").strip()
    if raw.lower() in ("", "none", "null", "无"):  # i18n: data
        return None
    if raw.startswith("["):
        value = _parse([], raw, key)
        return list(value) if isinstance(value, list) else value
    number = ""
    while raw and raw[0].isdigit():
        number, raw = number + raw[0], raw[1:]
    if not number:
        raise ValidationError(_("承诺保修期写成 数量 单位，例如 8 years 或 8年"), field=key)
    try:
        unit = cat.unit_key(raw.strip())
    except ValueError as exc:
        raise ValidationError(str(exc), field=key) from None
    return [unit, int(number)]


def set_text(key: str, text: str) -> SettingChange:
    """Set one setting from the command line: `KEY VALUE`, where KEY is a setting
    (visit_merge_days, sla, …), a part of one (sla.紧急.respond_hours, agreed_periods.roof_waterproofing)
    or a region's season (region.北京.heating_start, region.北京.heating = 11-15~03-15 or none,
    region.太原 = a JSON object: a new region). Returns {key, old, new}."""
    key = (key or "").strip()
    parts = key.split(".")
    if parts[0] == "region":
        return _set_region(parts, text)
    top = parts[0]
    if top not in DEFAULTS:
        raise ValidationError(_("未知的设置项：{key}（可设置：{keys}，或 region.地区名.字段）").format(
            key=key, keys=join_list(DEFAULTS)), field=top)
    old = get(top)
    if len(parts) == 1:
        new = _parse(DEFAULTS[top], text, top)
    elif top == "agreed_periods" and len(parts) == 2:
        new = copy.deepcopy(old) or {}
        period = _period(text, key)
        if period is None:
            new.pop(parts[1], None)
        else:
            new[parts[1]] = period
    elif top == "sla" and len(parts) == 3:
        urgency = sla.urgency_key(parts[1])  # sla.紧急.… / sla.urgent.… / sla.Normal.…
        new = copy.deepcopy(old)
        if urgency not in new or parts[2] not in new[urgency]:
            raise ValidationError(
                _("没有设置项 {key}：应为 sla.紧急.respond_hours 这样的写法（紧急 / 一般；respond_hours / onsite_hours / "
                  "complete_hours）").format(key=key), field=top)
        try:
            hours = float(text)
        except (TypeError, ValueError):
            raise ValidationError(_("{key} 应为小时数，而不是“{text}”").format(key=key, text=text), field=top) from None
        new[urgency][parts[2]] = int(hours) if hours.is_integer() else hours
    else:
        raise ValidationError(_("没有设置项 {key}").format(key=key), field=top)
    set_many({top: new})
    return {"key": key, "old": old, "new": get(top)}


def _set_region(parts: list[str], text: str) -> SettingChange:
    if len(parts) < 2 or not parts[1].strip():
        raise ValidationError(_("地区设置写成 region.地区名.字段，例如 region.北京.heating_start"), field="region")
    name = parts[1].strip()
    region = Region.get_or_none(Region.name == name)
    old = _region_values(region) if region else None
    values: dict[str, Any] = dict(old) if old else {
        "heating_start": None, "heating_end": None, "cooling_start": DEFAULT_COOLING.start,
        "cooling_end": DEFAULT_COOLING.end, "rainy_start": DEFAULT_RAINY_START}
    if len(parts) == 2:
        given = _parse({}, text, "region")
        if not isinstance(given, dict) or not given.keys() <= frozenset(REGION_FIELDS):  # (`set` is this module's)
            raise ValidationError(_("地区的设置应为 JSON 对象，字段：{fields}").format(fields=join_list(REGION_FIELDS)),
                                  field="region")
        values.update({k: (v or None) for k, v in given.items()})
    elif len(parts) == 3 and parts[2] == "heating":
        raw = (text or "").strip()
        if raw.lower() in ("", "none", "无"):  # i18n: data
            values["heating_start"] = values["heating_end"] = None
        else:
            start, sep, end = raw.replace("→", "~").partition("~")
            if not sep:
                raise ValidationError(_("采暖期写成 开始~结束，例如 11-15~03-15，或 none（无集中供暖）"), field="region")
            values["heating_start"], values["heating_end"] = start.strip(), end.strip()
    elif len(parts) == 3 and parts[2] in REGION_FIELDS:
        if region is None:
            raise NotFound(_("没有名为“{name}”的地区；新建地区请写 region.{name} 加 JSON，例如 "
                             "{{\"heating_start\": \"11-01\", \"heating_end\": \"03-31\"}}").format(name=name))
        values[parts[2]] = (text or "").strip() or None
    else:
        raise ValidationError(_("地区字段只能是：{fields}、heating").format(fields=join_list(REGION_FIELDS)), field="region")
    for field in ("cooling_start", "cooling_end", "rainy_start"):
        if not values.get(field):
            raise ValidationError(_("地区的 {field} 不能为空（写成 月-日，例如 06-01）").format(field=field), field=field)
    saved = save_region(name, values["heating_start"], values["heating_end"], values["cooling_start"],
                        values["cooling_end"], values["rainy_start"], region.id if region else None)
    return {"key": ".".join(parts), "old": old, "new": _region_values(saved)}
