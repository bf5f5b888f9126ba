"""Who pays for a repair (RULES.md §4; 《房屋建筑工程质量保修办法》第十三条: 保修费用由质量缺陷的责任方承担),
and whether a report falls within the warranty."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from warranty_desk.i18n import N_, _, keyed, namer, said, say

from . import visit_purposes as _item_namer  # noqa: F401 - registers how a decision names its item

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

US = "us"  # stored keys (schema step 12), named through payer_name
SUBCONTRACTOR = "subcontractor"
OWNER = "owner"
SEPARATE = "separate"
PAYERS = (US, SUBCONTRACTOR, OWNER, SEPARATE)
BEARERS = (US, SUBCONTRACTOR, OWNER)  # who bears a cost line
PAYER_NAMES = {US: N_("我方"), SUBCONTRACTOR: N_("分包单位"), OWNER: N_("业主"), SEPARATE: N_("另行处理")}
LEGACY_PAYERS = {label: key for key, label in PAYER_NAMES.items()}  # stored before schema step 12


def cause_name(cause: str) -> str:
    """A ticket's stored cause class in the active language (the one place that maps it)."""
    key = LEGACY_CAUSES.get(cause, cause)
    return _(CAUSE_LABELS[key]) if key in CAUSE_LABELS else cause


namer("cause", cause_name)


def cause_key(value: str) -> str:
    """The cause class a caller names: its key or its name in either language; else as given."""
    from warranty_desk.i18n import key_of

    return key_of(value, CAUSE_CLASSES, cause_name, LEGACY_CAUSES)


def payer_name(payer: str) -> str:
    """Who pays (a ticket's payer, a cost line's bearer) in the active language."""
    key = LEGACY_PAYERS.get(payer, payer)
    return _(PAYER_NAMES[key]) if key in PAYER_NAMES else payer


namer("payer", payer_name)


def payer_key(value: str) -> str:
    """The payer a caller names: its key or its name in either language; else as given."""
    from warranty_desk.i18n import key_of

    return key_of(value, PAYERS, payer_name, LEGACY_PAYERS)


@dataclass(frozen=True)
class Allocation:
    cause: str
    payer: str  # us / subcontractor / owner / separate
    needs_quote: bool  # the owner must accept a plan and price before the repair starts
    free_to_owner: bool
    deductible: bool  # may be deducted from the 质量保证金 when the owner had it repaired elsewhere
    text: str  # what the clerk reads (the seed's wording)
    stored: str = ""  # the same as data (i18n.said): what the ticket's history keeps, said in its reader's language


WORKMANSHIP_TEXT = N_("施工质量问题，无条件进行保修，费用由{who}，业主免费")
SUBCONTRACTOR_BEARS = N_("责任分包单位承担")
WE_BEAR = N_("我方承担")
OWNER_DECIDES_TEXT = N_("{cause}造成，按业主认可的维修方案和费用进行维修，需业主先确认报价")
PAID_TEXT = N_("{cause}造成，有偿维修，需业主先确认报价")
FORCE_MAJEURE_TEXT = N_("不可抗力造成（地震、台风、洪水等），另行处理，我方积极配合")
EXPIRED_TEXT = N_("已超出保修期，提供有偿服务，需业主先确认报价")
ALLOCATION_TEXTS = (WORKMANSHIP_TEXT, OWNER_DECIDES_TEXT, PAID_TEXT, FORCE_MAJEURE_TEXT, EXPIRED_TEXT)


def _allocation(key, payer, needs_quote, free, deductible, template, **params) -> Allocation:
    from warranty_desk.i18n import said, say

    stored = said(template, **params)
    return Allocation(key, payer, needs_quote, free, deductible, say(stored), stored)


def allocate(cause: str, subcontractor_responsible: bool = False) -> Allocation:
    """The payer and conditions for a cause class."""
    from warranty_desk.i18n import keyed, nested

    cause = LEGACY_CAUSES.get(cause, cause)
    if cause == WORKMANSHIP:
        payer = SUBCONTRACTOR if subcontractor_responsible else US
        who = nested(SUBCONTRACTOR_BEARS if subcontractor_responsible else WE_BEAR)
        return _allocation(cause, payer, False, True, True, WORKMANSHIP_TEXT, who=who)
    if cause in (DESIGN, OWNER_MATERIAL):
        return _allocation(cause, OWNER, True, False, False, OWNER_DECIDES_TEXT, cause=keyed("cause", cause))
    if cause in (MISUSE, THIRD_PARTY):
        return _allocation(cause, OWNER, True, False, False, PAID_TEXT, cause=keyed("cause", cause))
    if cause == FORCE_MAJEURE:
        return _allocation(cause, SEPARATE, False, False, False, FORCE_MAJEURE_TEXT)
    if cause == EXPIRED:
        return _allocation(cause, OWNER, True, False, False, EXPIRED_TEXT)
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


@dataclass(frozen=True, slots=True)  # slots: an import of a history holds one per past repair
class WarrantyDecision:
    in_warranty: bool
    end_on: dt.date | None
    days: int | None  # days left (in warranty) or days past the end (out of warranty)
    reason: str  # the decision in the active language, to show now
    stored: str = ""  # the decision as a ticket keeps it: its template and parameters (i18n.said)


NO_PERIOD = N_("本工程未约定“{item_name}”的保修期，按保修期外处理")
COVERED = N_("{item_name} 保修至 {isoformat}，剩余 {left:,} 天")
EXPIRED_ON = N_("{item_name} 保修至 {isoformat}，已于 {isoformat2} 过保（报修时已过保 {past:,} 天）")


def decide_warranty(item_name: str, end_on: dt.date | None, reported_on: dt.date) -> WarrantyDecision:
    """In warranty when the report date is on or before the item's last covered day."""
    item = keyed("item", item_name)  # said in the reader's language where the item is one of the program's
    if end_on is None:
        stored = said(NO_PERIOD, item_name=item)
        return WarrantyDecision(False, None, None, say(stored), stored)
    if reported_on <= end_on:
        left = (end_on - reported_on).days
        stored = said(COVERED, item_name=item, isoformat=end_on.isoformat(), left=left)
        return WarrantyDecision(True, end_on, left, say(stored), stored)
    past = (reported_on - end_on).days
    expired_on = end_on + dt.timedelta(days=1)
    stored = said(EXPIRED_ON, item_name=item, isoformat=end_on.isoformat(), isoformat2=expired_on.isoformat(), past=past)
    return WarrantyDecision(False, end_on, past, say(stored), stored)


def decision_text(stored: str) -> str:
    """A ticket's stored warranty decision in the active language: one stored as its template and
    parameters (since schema step 13) said; a finished sentence an earlier release stored (in the
    language of that day) said again; a reason the clerk wrote stays as written."""
    from .visit_purposes import item_names

    return say(stored, (NO_PERIOD, COVERED, EXPIRED_ON), {"item_name": item_names})
