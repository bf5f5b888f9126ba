"""How a follow-up visit is made (RULES.md §6: 电话, 短信, 邮件, 上门/现场检查, 问卷), and how a
planned visit of each kind is made unless the clerk chooses otherwise."""

from __future__ import annotations

from .visit_plan import MILESTONE, SEASONAL

PHONE = "电话"  # i18n: data (stored values, shown through _())
SMS = "短信"  # i18n: data
EMAIL = "邮件"  # i18n: data
ONSITE = "上门"  # i18n: data
QUESTIONNAIRE = "问卷"  # i18n: data

METHODS = (PHONE, SMS, EMAIL, ONSITE, QUESTIONNAIRE)
# milestone and seasonal visits inspect the building; the others are calls
_ONSITE_KINDS = (MILESTONE, SEASONAL)


def planned_method(kind: str) -> str:
    """The method a planned visit of `kind` gets (上门 for milestone and seasonal visits, else 电话)."""
    return ONSITE if kind in _ONSITE_KINDS else PHONE
