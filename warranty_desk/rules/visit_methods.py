"""How a follow-up visit is made (RULES.md §6: 电话, 短信, 邮件, 上门/现场检查, 问卷), and how a
planned visit of each kind is made unless the clerk chooses otherwise."""

from __future__ import annotations

from warranty_desk.i18n import N_, _

from .visit_plan import MILESTONE, SEASONAL

PHONE = N_("电话")  # a stored value, shown through method_name()
SMS = N_("短信")
EMAIL = N_("邮件")
ONSITE = N_("上门")
QUESTIONNAIRE = N_("问卷")

METHODS = (PHONE, SMS, EMAIL, ONSITE, QUESTIONNAIRE)


def method_name(method: str) -> str:
    """A visit's stored method in the active language (the one place that maps it)."""
    return _(method) if method in METHODS else method
# milestone and seasonal visits inspect the building; the others are calls
_ONSITE_KINDS = (MILESTONE, SEASONAL)


def planned_method(kind: str) -> str:
    """The method a planned visit of `kind` gets (上门 for milestone and seasonal visits, else 电话)."""
    return ONSITE if kind in _ONSITE_KINDS else PHONE
