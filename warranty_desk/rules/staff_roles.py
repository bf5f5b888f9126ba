"""The roles on the office's staff list that the program knows (the staff form offers them; the
clerk may type another, kept as typed). A known role is stored as its key (schema step 13), named
where it is shown, in the active language."""

from __future__ import annotations

from warranty_desk.i18n import N_, _, key_of

CLERK = "clerk"
REPAIRER = "repairer"
ROLE_NAMES = {
    "project_manager": N_("项目经理"), "document_controller": N_("资料员"), "repair_lead": N_("维修主管"),
    REPAIRER: N_("维修人员"), "visit_officer": N_("回访专员"), "quality": N_("质量部"), CLERK: N_("文员"),
}
ROLES = tuple(ROLE_NAMES)
LEGACY = {name: key for key, name in ROLE_NAMES.items()}  # stored before schema step 13


def role_name(stored: str) -> str:
    """A staff member's stored role in the active language (one the clerk typed: as typed)."""
    key = LEGACY.get(stored, stored)
    return _(ROLE_NAMES[key]) if key in ROLE_NAMES else stored


def role_key(text: str) -> str:
    """The role a caller names: its key or its name in either language; typed text as given."""
    return key_of(text, ROLES, role_name, LEGACY)
