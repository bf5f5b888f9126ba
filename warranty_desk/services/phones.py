"""Paired phones (手机端): pairing by a one-time code, the device token, revoking, last seen.

Pairing, not passwords: the clerk picks a staff member and shows a one-time code as a QR code (valid
10 minutes); the phone that opens it becomes that person's phone. It receives a long random token
(a cookie); the database keeps only its SHA-256, so neither the database nor a backup lets anyone
act as the phone. A revoked phone sees nothing any more. Everything here is audited, except the
"last seen" time (noise, not a change of the records).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from typing import TypedDict

from peewee import IntegrityError

from ..errors import NotFound, ValidationError
from ..i18n import _
from ..models import PairingCode, PhoneDevice, Setting, Staff, database_proxy
from . import audit

PAIRING_MINUTES = 10
TOKEN_BYTES = 32  # 256 bits, url-safe text of 43 characters
CODE_BYTES = 18  # 144 bits: a code cannot be guessed within its 10 minutes
NAME_MAX = 40
LAST_SEEN_EVERY = dt.timedelta(seconds=60)  # "last seen" is written at most once a minute per phone
SERVER_KEY = "meta.phone_server"  # where a headless phone server announces its address
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


class PairingRefused(ValidationError):
    """The pairing code is unknown, used or expired."""


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def actor_name(staff_name: str, device_name: str) -> str:
    """How the history names a change made from a phone: the person and the device."""
    return _("{person}（手机：{device}）").format(person=staff_name, device=device_name)[:100]


def _active_staff(staff_id) -> Staff:
    staff = Staff.get_or_none(Staff.id == staff_id) if staff_id not in (None, "") else None
    if staff is None:
        raise ValidationError(_("请选择要配对手机的员工"), field="staff")
    if not staff.active:
        raise ValidationError(_("{name}已停用，不能配对手机").format(name=staff.name), field="staff")
    return staff


class Pairing(TypedDict):
    code: str  # shown once, in the QR code
    expires_at: dt.datetime
    staff_name: str
    staff_id: int


class DeviceRow(TypedDict):
    id: int
    name: str
    staff_id: int
    staff_name: str
    paired_at: dt.datetime
    paired_by: str
    last_seen_at: dt.datetime | None
    last_seen_ip: str
    revoked_at: dt.datetime | None
    revoked_by: str
    user_agent: str


def create_pairing(staff_id, minutes: int = PAIRING_MINUTES, now: dt.datetime | None = None) -> Pairing:
    """A new one-time pairing code for a staff member: {code, expires_at, staff_name}. Only its hash
    is stored; the code itself goes into the QR code and nowhere else."""
    now = now or _now()
    code = secrets.token_urlsafe(CODE_BYTES)
    with database_proxy.atomic():
        staff = _active_staff(staff_id)
        row = PairingCode.create(code_hash=_hash(code), staff=staff, created_at=now, created_by=audit.current_user(),
                                 expires_at=now + dt.timedelta(minutes=minutes))
        audit.record("create", "pairing_code", row.id, None,
                     {"staff": staff.name, "expires_at": row.expires_at}, _("手机配对码：{name}").format(name=staff.name))
    return {"code": code, "expires_at": row.expires_at, "staff_name": staff.name, "staff_id": staff.id}


def _device_name(name: str | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("请给这部手机起个名字，例如“张师傅的手机”"), field="name")
    if len(name) > NAME_MAX:
        raise ValidationError(_("手机名称太长（{n}字），最多{m}字").format(n=len(name), m=NAME_MAX), field="name")
    return name


def check_code(code: str | None, now: dt.datetime | None = None) -> PairingCode:
    """The pairing code's row when it can still be used; PairingRefused (saying why) otherwise."""
    now = now or _now()
    code = (code or "").strip()
    row = PairingCode.get_or_none(PairingCode.code_hash == _hash(code)) if code else None
    if row is None:
        raise PairingRefused(_("配对码无效。请让办公室在“设置 → 手机端”重新生成配对二维码"), field="code")
    if row.used_at is not None:
        raise PairingRefused(_("这个配对码已经用过了，每个二维码只能配对一部手机。请让办公室重新生成"), field="code")
    if row.expires_at < now:
        raise PairingRefused(
            _("配对码已过期（二维码{m}分钟内有效）。请让办公室重新生成配对二维码").format(m=PAIRING_MINUTES), field="code")
    return row


def pair(code: str | None, device_name: str | None, *, user_agent: str = "", ip: str = "",
         now: dt.datetime | None = None) -> tuple[PhoneDevice, str]:
    """Pair a phone with a valid code; returns the device and its token (shown once, to the phone)."""
    now = now or _now()
    name = _device_name(device_name)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with database_proxy.atomic():
        row = check_code(code, now)
        staff = _active_staff(row.staff_id)
        device = PhoneDevice.create(staff=staff, name=name, token_hash=_hash(token), paired_at=now,
                                    paired_by=row.created_by, user_agent=(user_agent or "")[:200],
                                    last_seen_at=now, last_seen_ip=(ip or "")[:64])
        # the code is used once: a second phone racing with the same code changes no row
        used = (PairingCode.update(used_at=now, device=device)
                .where((PairingCode.id == row.id) & PairingCode.used_at.is_null()).execute())
        if used != 1:
            raise PairingRefused(_("这个配对码已经用过了，每个二维码只能配对一部手机。请让办公室重新生成"), field="code")
        with audit.acting_as(actor_name(staff.name, name)):
            audit.record("pair", "phone_device", device.id, None,
                         {"staff": staff.name, "name": name, "ip": ip}, _("手机已配对"))
    return device, token


def authenticate(token: str | None, *, ip: str = "", now: dt.datetime | None = None) -> PhoneDevice | None:
    """The device a token belongs to (revoked ones too: check `revoked_at`), None for an unknown token.
    Notes when the phone was last seen (at most once a minute)."""
    if not token or not _TOKEN_SHAPE.match(token):
        return None
    device = PhoneDevice.get_or_none(PhoneDevice.token_hash == _hash(token))
    if device is None or device.revoked_at is not None:
        return device
    now = now or _now()
    if device.last_seen_at is None or now - device.last_seen_at >= LAST_SEEN_EVERY or device.last_seen_ip != ip:
        with database_proxy.atomic():
            PhoneDevice.update(last_seen_at=now, last_seen_ip=(ip or "")[:64]).where(PhoneDevice.id == device.id).execute()
        device.last_seen_at, device.last_seen_ip = now, ip
    return device


def get_device(device_id: int) -> PhoneDevice:
    device = PhoneDevice.get_or_none(PhoneDevice.id == device_id)
    if device is None:
        raise NotFound(_("找不到这部手机（可能已被删除），请刷新"))
    return device


def revoke(device_id: int, reason: str = "", now: dt.datetime | None = None) -> PhoneDevice:
    """Take a phone's pairing back: from its next request on it sees nothing."""
    now = now or _now()
    reason = (reason or "").strip()[:500]
    with database_proxy.atomic():
        device = get_device(device_id)
        if device.revoked_at is not None:
            return device
        by = audit.current_user()
        PhoneDevice.update(revoked_at=now, revoked_by=by[:100]).where(PhoneDevice.id == device.id).execute()
        audit.record("revoke", "phone_device", device.id, {"revoked_at": None}, {"revoked_at": now, "by": by},
                     reason or _("撤销手机配对：{name}").format(name=device.name))
        device.revoked_at, device.revoked_by = now, by
    return device


def list_devices(include_revoked: bool = True) -> list[DeviceRow]:
    """The paired phones for 设置 → 手机端, newest first."""
    query = (PhoneDevice.select(PhoneDevice, Staff.name).join(Staff)
             .order_by(PhoneDevice.revoked_at.is_null(False), PhoneDevice.paired_at.desc(), PhoneDevice.id.desc()))
    if not include_revoked:
        query = query.where(PhoneDevice.revoked_at.is_null())
    return [
        {"id": d.id, "name": d.name, "staff_id": d.staff_id, "staff_name": d.staff.name, "paired_at": d.paired_at,
         "paired_by": d.paired_by, "last_seen_at": d.last_seen_at, "last_seen_ip": d.last_seen_ip,
         "revoked_at": d.revoked_at, "revoked_by": d.revoked_by, "user_agent": d.user_agent}
        for d in query
    ]


# --- the headless server's address, for the desktops that show pairing codes -----------------

def announce_server(url: str, now: dt.datetime | None = None) -> None:
    """A headless phone server (`warranty-desk serve`) tells the desktops where phones reach it."""
    value = json.dumps({"url": url, "started_at": (now or _now()).isoformat(sep=" ")}, ensure_ascii=False)
    with database_proxy.atomic():
        try:
            Setting.insert(key=SERVER_KEY, value=value).on_conflict(
                conflict_target=[Setting.key], update={Setting.value: value}).execute()
        except IntegrityError:  # two servers starting at once: the later one's address stays
            pass


def withdraw_server(url: str) -> None:
    """The headless server stops: its address is no longer offered (unless another took its place)."""
    current = announced_server()
    if current and current.get("url") == url:
        with database_proxy.atomic():
            Setting.delete().where(Setting.key == SERVER_KEY).execute()


class ServerAddress(TypedDict):
    """Where the headless phone server said phones reach it, and since when."""

    url: str
    started_at: str  # local time, "YYYY-MM-DD HH:MM:SS"


def announced_server() -> ServerAddress | None:
    row = Setting.get_or_none(Setting.key == SERVER_KEY)
    if row is None:
        return None
    try:
        value = json.loads(row.value)
    except ValueError:
        return None
    if not isinstance(value, dict) or not value.get("url"):
        return None
    return {"url": str(value["url"]), "started_at": str(value.get("started_at") or "")}
