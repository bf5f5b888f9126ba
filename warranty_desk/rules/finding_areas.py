"""Where a problem found on a visit is (a finding's area): the visit form offers these; the clerk may
type another, which is kept as typed. An area from this list is stored as its key (schema step 13),
named where it is shown, in the active language."""

from __future__ import annotations

from warranty_desk.i18n import N_, _, key_of

AREA_NAMES = {
    "roof": N_("屋面"), "exterior_wall": N_("外墙"), "bathroom": N_("卫生间"), "kitchen": N_("厨房"),
    "doors_windows": N_("门窗"), "walls_floors": N_("墙面/地面"), "plumbing": N_("给排水"), "electrical": N_("电气"),
    "heating": N_("供暖"), "basement": N_("地下室"), "common_areas": N_("公共部位"), "other": N_("其他"),
}
AREAS = tuple(AREA_NAMES)
LEGACY = {name: key for key, name in AREA_NAMES.items()}  # stored before schema step 13


def area_name(stored: str) -> str:
    """A finding's stored area in the active language (one the clerk typed: as typed)."""
    key = LEGACY.get(stored, stored)
    return _(AREA_NAMES[key]) if key in AREA_NAMES else stored


def area_key(text: str) -> str:
    """The area a caller names: its key or its name in either language; typed text as given."""
    return key_of(text, AREAS, area_name, LEGACY)
