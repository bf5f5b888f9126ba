"""Company settings and the region season table. A setting that a rule reads takes its default
from that rule's own constant (rules/sla.py, rules/visit_plan.py, rules/seasons.py), so the
default lives in one place."""

from __future__ import annotations

import copy
import json

from warranty_desk.i18n import _

from ..errors import ValidationError
from ..models import Region, Setting, database_proxy
from ..rules import sla
from ..rules.categories import SeasonRules
from ..rules.periods import CIVIL_CODE, CONVENTIONS
from ..rules.seasons import DEFAULT_COOLING, DEFAULT_REGIONS, Season, parse_month_day
from ..rules.visit_plan import PlanSettings
from . import audit

_PLAN = PlanSettings()
DEFAULTS: dict = {
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
}

def ensure_defaults() -> None:
    """Fill an empty database with the default region table (once)."""
    if Region.select().exists():
        return
    with database_proxy.atomic():
        for name, start, end, rainy in DEFAULT_REGIONS:
            Region.create(name=name, heating_start=start, heating_end=end, rainy_start=rainy)


def get(key: str):
    row = Setting.get_or_none(Setting.key == key)
    if row is None:
        return copy.deepcopy(DEFAULTS.get(key))
    return json.loads(row.value)


def get_all() -> dict:
    values = copy.deepcopy(DEFAULTS)
    for row in Setting.select():
        if row.key in DEFAULTS:  # meta.* rows (program version, see db.stamp_app_version) are not settings
            values[row.key] = json.loads(row.value)
    return values


def _validate(key: str, value) -> None:
    if key not in DEFAULTS:
        raise ValidationError(_("未知的设置项：{key}").format(key=key), field=key)
    if key == "language" and value not in ("zh_CN", "en"):
        raise ValidationError(_("界面语言只能是中文（zh_CN）或英文（en）"), field=key)
    if key == "period_end_convention" and value not in CONVENTIONS:
        raise ValidationError(_("保修期截止日算法只能是 civil_code（民法典）或 day_before（前一日）"), field=key)
    if key == "sla":
        for urgency in sla.URGENCIES:
            hours = value.get(urgency) if isinstance(value, dict) else None
            if not isinstance(hours, dict):
                raise ValidationError(_("缺少“{urgency}”报修的时限设置").format(urgency=urgency), field=key)
            steps = [hours.get(k) for k in sla.HOUR_KEYS]
            if any(not isinstance(h, (int, float)) or h <= 0 for h in steps):
                raise ValidationError(_("“{urgency}”报修的时限必须是大于零的小时数").format(urgency=urgency), field=key)
            if not steps[0] <= steps[1] <= steps[2]:
                raise ValidationError(_("“{urgency}”报修的时限须满足：响应 ≤ 到场 ≤ 完成").format(urgency=urgency), field=key)
    if key in ("visit_merge_days", "seasonal_lead_days", "visit_on_time_days", "visit_retry_days") and (not isinstance(value, int) or not 0 <= value <= 90):
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


def set_many(values: dict) -> None:
    with database_proxy.atomic():
        old = {}
        values = dict(values)
        for key, value in values.items():
            _validate(key, value)
            if key == "calendar_reminder_time":  # 9:00 and 9：00 are kept as 09:00
                value = values[key] = "{:02d}:{:02d}".format(*parse_clock(value))
            old[key] = get(key)
            Setting.insert(key=key, value=json.dumps(value, ensure_ascii=False)).on_conflict(
                conflict_target=[Setting.key], update={Setting.value: json.dumps(value, ensure_ascii=False)}
            ).execute()
        audit.record("update", "setting", None, old, values)


def set(key: str, value) -> None:  # noqa: A001 - mirrors get()
    set_many({key: value})


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
    return [name for (name,) in Region.select(Region.name).order_by(Region.id).tuples()]
