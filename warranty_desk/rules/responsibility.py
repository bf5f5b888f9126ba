"""Who pays for a repair (RULES.md §4; 《房屋建筑工程质量保修办法》第十三条: 保修费用由质量缺陷的责任方承担),
and whether a report falls within the warranty."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from warranty_desk.i18n import N_, _, retell

WORKMANSHIP = "workmanship"  # stored keys (schema step 10), named through cause_name
DESIGN = "design"
OWNER_MATERIAL = "owner_material"
MISUSE = "misuse"
THIRD_PARTY = "third_party"
FORCE_MAJEURE = "force_majeure"
EXPIRED = "expired"
CAUSE_CLASSES = (WORKMANSHIP, DESIGN, OWNER_MATERIAL, MISUSE, THIRD_PARTY, FORCE_MAJEURE, EXPIRED)
CAUSE_LABELS = {
    WORKMANSHIP: N_("施工质量"), DESIGN: N_("设计原因"), OWNER_MATERIAL: N_("业主指定材料"), MISUSE: N_("使用不当"),
    THIRD_PARTY: N_("第三方损坏"), FORCE_MAJEURE: N_("不可抗力"), EXPIRED: N_("超出保修期"),
}
LEGACY_CAUSES = {label: key for key, label in CAUSE_LABELS.items()}  # stored before schema step 10

US = N_("我方")  # a stored value, shown through _()
SUBCONTRACTOR = N_("分包单位")  # a stored value, shown through _()
OWNER = N_("业主")  # a stored value, shown through _()
SEPARATE = N_("另行处理")  # a stored value, shown through _()
PAYERS = (US, SUBCONTRACTOR, OWNER, SEPARATE)
BEARERS = (US, SUBCONTRACTOR, OWNER)  # who bears a cost line


def cause_name(cause: str) -> str:
    """A ticket's stored cause class in the active language (the one place that maps it)."""
    key = LEGACY_CAUSES.get(cause, cause)
    return _(CAUSE_LABELS[key]) if key in CAUSE_LABELS else cause


def cause_key(value: str) -> str:
    """The cause class a caller names: its key or its name in either language; else as given."""
    from warranty_desk.i18n import key_of

    return key_of(value, CAUSE_CLASSES, cause_name, LEGACY_CAUSES)


def payer_name(payer: str) -> str:
    """Who pays (a ticket's payer, a cost line's bearer) in the active language."""
    return _(payer) if payer in PAYERS else payer


@dataclass(frozen=True)
class Allocation:
    cause: str
    payer: str  # 我方 / 分包单位 / 业主 / 另行处理
    needs_quote: bool  # the owner must accept a plan and price before the repair starts
    free_to_owner: bool
    deductible: bool  # may be deducted from the 质量保证金 when the owner had it repaired elsewhere
    text: str  # what the clerk reads (the seed's wording)


def allocate(cause: str, subcontractor_responsible: bool = False) -> Allocation:
    """The payer and conditions for a cause class."""
    cause = LEGACY_CAUSES.get(cause, cause)
    if cause == WORKMANSHIP:
        payer = SUBCONTRACTOR if subcontractor_responsible else US
        who = _("责任分包单位承担") if subcontractor_responsible else _("我方承担")
        return Allocation(cause, payer, False, True, True, _("施工质量问题，无条件进行保修，费用由{who}，业主免费").format(who=who))
    if cause in (DESIGN, OWNER_MATERIAL):
        return Allocation(cause, OWNER, True, False, False,
                          _("{cause}造成，按业主认可的维修方案和费用进行维修，需业主先确认报价").format(cause=cause_name(cause)))
    if cause in (MISUSE, THIRD_PARTY):
        return Allocation(cause, OWNER, True, False, False, _("{cause}造成，有偿维修，需业主先确认报价").format(cause=cause_name(cause)))
    if cause == FORCE_MAJEURE:
        return Allocation(cause, SEPARATE, False, False, False, _("不可抗力造成（地震、台风、洪水等），另行处理，我方积极配合"))
    if cause == EXPIRED:
        return Allocation(cause, OWNER, True, False, False, _("已超出保修期，提供有偿服务，需业主先确认报价"))
    raise ValueError(_("责任类别“{cause}”不对，应为：{CAUSE_CLASSES}").format(cause=cause, CAUSE_CLASSES=" / ".join(cause_name(c) for c in CAUSE_CLASSES)))


def check_cause(cause: str, in_warranty: bool) -> None:
    """A cause class must agree with the warranty decision."""
    cause = LEGACY_CAUSES.get(cause, cause)
    if cause not in CAUSE_CLASSES:
        raise ValueError(_("责任类别“{cause}”不对，应为：{CAUSE_CLASSES}").format(cause=cause, CAUSE_CLASSES=" / ".join(cause_name(c) for c in CAUSE_CLASSES)))
    if in_warranty and cause == EXPIRED:
        raise ValueError(_("本单判定在保修期内，不能选“超出保修期”；如确已过保，请先更改保修判定并写明原因"))
    if not in_warranty and cause == WORKMANSHIP:
        raise ValueError(_("本单已过保修期，施工质量问题也按“超出保修期”有偿处理；如确在保修期内，请先更改保修判定并写明原因"))


@dataclass(frozen=True)
class WarrantyDecision:
    in_warranty: bool
    end_on: dt.date | None
    days: int | None  # days left (in warranty) or days past the end (out of warranty)
    reason: str


NO_PERIOD = N_("本工程未约定“{item_name}”的保修期，按保修期外处理")
COVERED = N_("{item_name} 保修至 {isoformat}，剩余 {left:,} 天")
EXPIRED_ON = N_("{item_name} 保修至 {isoformat}，已于 {isoformat2} 过保（报修时已过保 {past:,} 天）")


def decide_warranty(item_name: str, end_on: dt.date | None, reported_on: dt.date) -> WarrantyDecision:
    """In warranty when the report date is on or before the item's last covered day."""
    if end_on is None:
        return WarrantyDecision(False, None, None, _(NO_PERIOD).format(item_name=item_name))
    if reported_on <= end_on:
        left = (end_on - reported_on).days
        return WarrantyDecision(True, end_on, left, _(COVERED).format(item_name=item_name, isoformat=end_on.isoformat(), left=left))
    past = (reported_on - end_on).days
    expired_on = end_on + dt.timedelta(days=1)
    return WarrantyDecision(
        False, end_on, past,
        _(EXPIRED_ON).format(item_name=item_name, isoformat=end_on.isoformat(), isoformat2=expired_on.isoformat(), past=past),
    )


def decision_text(stored: str) -> str:
    """A ticket's stored warranty decision (made by `decide_warranty` in the language of that day)
    in the active language; a reason the clerk wrote stays as written."""
    from .visit_purposes import item_names

    return retell(stored, (NO_PERIOD, COVERED, EXPIRED_ON), {"item_name": item_names})
