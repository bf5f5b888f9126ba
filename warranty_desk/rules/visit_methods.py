"""How a follow-up visit is made (RULES.md §6: 电话, 短信, 邮件, 上门/现场检查, 问卷), and how a
planned visit of each kind is made unless the clerk chooses otherwise."""

from __future__ import annotations

from warranty_desk.i18n import N_, _

from .visit_plan import MILESTONE, SEASONAL

PHONE = "phone"  # stored keys (schema step 12), named through method_name()
SMS = "sms"
EMAIL = "email"
ONSITE = "onsite"
QUESTIONNAIRE = "questionnaire"

METHODS = (PHONE, SMS, EMAIL, ONSITE, QUESTIONNAIRE)
METHOD_NAMES = {PHONE: N_("电话"), SMS: N_("短信"), EMAIL: N_("邮件"), ONSITE: N_("上门"), QUESTIONNAIRE: N_("问卷")}
LEGACY_METHODS = {label: key for key, label in METHOD_NAMES.items()}  # stored before schema step 12


def method_name(method: str) -> str:
    """A visit's stored method in the active language (the one place that maps it)."""
    key = LEGACY_METHODS.get(method, method)
    return _(METHOD_NAMES[key]) if key in METHOD_NAMES else method


def method_key(value: str) -> str:
    """The method a caller names: its key or its name in either language; else as given."""
    from warranty_desk.i18n import key_of

    return key_of(value, METHODS, method_name, LEGACY_METHODS)
# milestone and seasonal visits inspect the building; the others are calls
_ONSITE_KINDS = (MILESTONE, SEASONAL)


def planned_method(kind: str) -> str:
    """The method a planned visit of `kind` gets (上门 for milestone and seasonal visits, else 电话)."""
    return ONSITE if kind in _ONSITE_KINDS else PHONE
