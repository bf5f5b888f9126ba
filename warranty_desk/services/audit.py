"""The append-only audit log: who did what, when, with old and new values."""

from __future__ import annotations

import datetime as dt
import decimal
import getpass
import json
import os

from playhouse.shortcuts import model_to_dict

from ..models import AuditLog

_clerk_name: str | None = None


def set_clerk(name: str | None) -> None:
    """The clerk chosen in the program; otherwise the OS user is recorded."""
    global _clerk_name
    _clerk_name = (name or "").strip() or None


def current_user() -> str:
    if _clerk_name:
        return _clerk_name
    env = os.environ.get("WARRANTY_DESK_USER")
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:  # no login name (some services, containers)
        return "unknown"


def _default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return str(value)


def snapshot(instance) -> dict:
    return model_to_dict(instance, recurse=False) if instance is not None else {}


def to_json(values) -> str:
    if not values:
        return ""
    return json.dumps(values, ensure_ascii=False, default=_default, sort_keys=True)


def _same(a, b) -> bool:
    if isinstance(a, decimal.Decimal) or isinstance(b, decimal.Decimal):
        try:  # 2000000 and 2000000.00 are the same amount
            return a is not None and b is not None and decimal.Decimal(str(a)) == decimal.Decimal(str(b))
        except decimal.InvalidOperation:
            return False
    return to_json({"v": a}) == to_json({"v": b})


def changed(old: dict, new: dict) -> tuple[dict, dict]:
    """Only the fields that differ, for a compact record."""
    keys = [k for k in new if k != "version" and not _same(old.get(k), new.get(k))]
    return {k: old.get(k) for k in keys}, {k: new.get(k) for k in keys}


def record(action: str, table: str, record_id: int | None, old=None, new=None, note: str = "") -> AuditLog:
    return AuditLog.create(
        at=dt.datetime.now().replace(microsecond=0),
        user=current_user(),
        action=action,
        table=table,
        record_id=record_id,
        old=to_json(old),
        new=to_json(new),
        note=note,
    )


def history(table: str, record_id: int) -> list[AuditLog]:
    return list(
        AuditLog.select()
        .where((AuditLog.table == table) & (AuditLog.record_id == record_id))
        .order_by(AuditLog.at, AuditLog.id)
    )
