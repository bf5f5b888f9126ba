"""Who is working (操作员): the name written into every history line, audit row and printed form.

The audit log takes it from one place (`audit.current_user`); this module decides what that is on a
PC: the operator chosen in the window (asked at the first start; chosen from the staff list at every
start when several clerks share the PC), kept in this PC's own config file — not in the database,
which several PCs share on PostgreSQL. The command line on this PC writes the same name unless
WARRANTY_DESK_USER says otherwise."""

from __future__ import annotations

from dataclasses import dataclass

from .. import config
from ..errors import ValidationError
from ..i18n import _
from ..rules import staff_roles
from . import audit, fields
from . import settings as settings_service
from . import staff as staff_service

MAX_NAME = 60  # a staff member's name (models.Staff.name)


def current() -> str:
    """The name the next audit row will carry."""
    return audit.current_user()


def remembered() -> str:
    """The operator chosen last on this PC ('' before the first start)."""
    return str(config.load().get("operator") or "").strip()


def asks_each_start() -> bool:
    """Several clerks share this PC: the operator is chosen at every start."""
    return bool(config.load().get("operator_each_start"))


def needs_asking() -> bool:
    return not remembered() or asks_each_start()


@dataclass(frozen=True)
class StartChoice:
    names: list[str]  # the active staff, by name
    suggested: str  # preselected: the last operator here (or the office's old 当前操作员 setting)
    each_start: bool
    first_start: bool  # nobody has been chosen on this PC yet


def start_choice() -> StartChoice:
    names = [ref.name for ref in staff_service.staff_choices(active_only=True)]
    suggested = remembered() or str(settings_service.get("clerk_name") or "").strip()
    return StartChoice(names, suggested, asks_each_start(), not remembered())


def clean_name(name) -> str:
    try:
        value = fields.text(name, MAX_NAME, _("操作员"))
    except ValueError as exc:
        raise ValidationError(str(exc), field="operator") from None
    if not value:
        raise ValidationError(_("请选择或填写操作员（您的姓名）"), field="operator")
    return value


def choose(name, each_start: bool | None = None, add_to_staff: bool = True) -> str:
    """`name` works on this PC from now on (and is remembered for the next start). A name not yet on
    the staff list is added to it (so the next start on a shared PC offers it)."""
    name = clean_name(name)
    if add_to_staff and name not in {ref.name for ref in staff_service.staff_choices()}:
        staff_service.save_staff({"name": name, "role": staff_roles.CLERK})
    set_for_this_process(name)
    values: dict = {"operator": name}
    if each_start is not None:
        values["operator_each_start"] = bool(each_start)
    config.save(values)
    return name


def set_for_this_process(name: str | None) -> None:
    """The operator of this running program (the window's choice)."""
    audit.set_clerk(name)

