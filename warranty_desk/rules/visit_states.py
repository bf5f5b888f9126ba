"""The states of a follow-up visit (回访): stored keys, their names, and which count as open or
recorded (RULES.md §6). The visit-side twin of rules/ticket_states.py.

planned → done (a 回访记录 was saved), unreachable (未联系上: the next try is a new planned
visit), missed (the office gave it up, with a reason); cancelled: dropped when a plan was rebuilt.
"""

from __future__ import annotations

from warranty_desk.i18n import N_, _

PLANNED = "planned"
DONE = "done"
UNREACHABLE = "unreachable"
MISSED = "missed"
CANCELLED = "cancelled"

STATES = (PLANNED, DONE, UNREACHABLE, MISSED, CANCELLED)
# a visit still to be made; 未联系上 is a recorded attempt whose next try is a new planned visit
OPEN_STATES = (PLANNED,)
# visits that happened (or were given up): a rebuilt plan keeps them and plans nothing close to them
RECORDED_STATES = (DONE, UNREACHABLE, MISSED)
# a visit record may be saved (again) in these states
RECORDABLE_STATES = (PLANNED, UNREACHABLE, DONE)

NAMES = {
    PLANNED: N_("计划"),
    DONE: N_("已完成"),
    UNREACHABLE: N_("未联系上"),
    MISSED: N_("未回访"),
    CANCELLED: N_("已取消"),
}


def name(status: str) -> str:
    """The untranslated name of a stored status (show it through _())."""
    return NAMES.get(status, status)


def status_name(status: str) -> str:
    """A visit's status in the active language."""
    return _(NAMES[status]) if status in NAMES else status


def is_open(status: str) -> bool:
    return status in OPEN_STATES
