"""Staff and subcontractors: add, edit, deactivate (never deleted: visits and tickets refer to them)."""

from __future__ import annotations

from typing import NamedTuple

from warranty_desk.i18n import _

from ..errors import ConflictError, ValidationError
from ..models import Staff, Subcontractor, database_proxy, tuples
from ..rules.staff_roles import role_key
from . import audit, fields


def _clean(raw: dict, name_max: int) -> dict:
    try:
        name = fields.text(raw.get("name"), name_max, _("姓名/名称"))
        phone = fields.phone(raw.get("phone"))
    except ValueError as exc:
        key = "phone" if "电话" in str(exc) else "name"
        raise ValidationError(str(exc), field=key) from None
    if not name:
        raise ValidationError(_("请填写姓名/名称"), field="name")
    return {"name": name, "phone": phone}


def save_staff(raw: dict, staff_id: int | None = None, expected_version: int | None = None) -> Staff:
    clean = _clean(raw, 60)
    try:
        clean["role"] = role_key(fields.text(raw.get("role"), 60, _("岗位")))  # a role of the list: its key
    except ValueError as exc:
        raise ValidationError(str(exc), field="role") from None
    clean["active"] = bool(raw.get("active", True))
    return _save(Staff, "staff", clean, staff_id, expected_version)


def save_subcontractor(raw: dict, sub_id: int | None = None, expected_version: int | None = None) -> Subcontractor:
    clean = _clean(raw, 200)
    try:
        clean["trade"] = fields.text(raw.get("trade"), 100, _("专业"))
        clean["contact"] = fields.text(raw.get("contact"), 100, _("联系人"))
    except ValueError as exc:
        raise ValidationError(str(exc), field="trade") from None
    clean["active"] = bool(raw.get("active", True))
    with database_proxy.atomic():
        clash = Subcontractor.select().where(
            (Subcontractor.name == clean["name"]) & (Subcontractor.id != (sub_id or 0))
        ).exists()
        if clash:
            raise ValidationError(_("分包单位“{name}”已存在").format(name=clean["name"]), field="name")
        return _save(Subcontractor, "subcontractor", clean, sub_id, expected_version)


def _save(model, table: str, clean: dict, row_id: int | None, expected_version: int | None):
    with database_proxy.atomic():
        if row_id is None:
            row = model.create(**clean)
            audit.record("create", table, row.id, None, audit.snapshot(row))
            return row
        row = model.get_or_none(model.id == row_id)
        if row is None:
            raise ValidationError(_("记录已不存在，请刷新"))
        if expected_version is not None and row.version != expected_version:
            raise ConflictError()
        old = audit.snapshot(row)
        for key, value in clean.items():
            setattr(row, key, value)
        row.version += 1
        row.save()
        before, after = audit.changed(old, audit.snapshot(row))
        audit.record("update", table, row.id, before, after)
        return row


def list_staff(active_only: bool = False) -> list[Staff]:
    query = Staff.select().order_by(Staff.active.desc(), Staff.name)
    if active_only:
        query = query.where(Staff.active == True)  # noqa: E712
    return list(query)


def list_subcontractors(active_only: bool = False) -> list[Subcontractor]:
    query = Subcontractor.select().order_by(Subcontractor.active.desc(), Subcontractor.name)
    if active_only:
        query = query.where(Subcontractor.active == True)  # noqa: E712
    return list(query)


class StaffRef(NamedTuple):
    id: int
    name: str


class SubcontractorRef(NamedTuple):
    id: int
    name: str
    trade: str


def staff_choices(active_only: bool = False) -> list[StaffRef]:
    """Staff as (id, name) by name: the pickers (only those still working with `active_only`)."""
    query = Staff.select(Staff.id, Staff.name).order_by(Staff.name)
    if active_only:
        query = query.where(Staff.active == True)  # noqa: E712
    return [StaffRef(*row) for row in tuples(query)]


def subcontractor_choices(active_only: bool = False) -> list[SubcontractorRef]:
    """Subcontractors as (id, name, trade) by name: the pickers and filters."""
    query = Subcontractor.select(Subcontractor.id, Subcontractor.name, Subcontractor.trade).order_by(Subcontractor.name)
    if active_only:
        query = query.where(Subcontractor.active == True)  # noqa: E712
    return [SubcontractorRef(*row) for row in tuples(query)]
