"""Is this a database the program can use? `check_target(path_or_url)` looks at a file path or a
postgresql:// address without creating or changing anything (the 测试连接 button in 设置 → 数据安全):
it connects, reads the schema version and answers in words, or raises a ValidationError that says
what is wrong (server unreachable, wrong password, no such database, not a 保修台 database, a newer
program's database). `mask_password(url)` hides the password of an address for display."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import ValidationError
from .i18n import _

CONNECT_TIMEOUT_S = 5
OUR_TABLES = {"project", "ticket", "visit", "schema_version"}


@dataclass
class TargetCheck:
    target: str
    kind: str  # "sqlite" / "postgresql"
    version: int  # 0: empty (the program creates the tables at its next start)
    latest: int
    projects: int | None = None

    def message(self) -> str:
        where = _("数据库文件") if self.kind == "sqlite" else _("PostgreSQL 服务器")
        if self.version == 0:
            return _("连接成功：{where}可以使用，但里面还没有保修台的数据，下次启动时会建好数据表。").format(where=where)
        text = _("连接成功：保修台数据库（版本 {v}），{n}个工程。").format(v=self.version, n=self.projects or 0)
        if self.version < self.latest:
            text += _("下次启动时会升级到版本 {latest}（升级前自动备份）。").format(latest=self.latest)
        return text


def is_postgres_url(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


_USERINFO = re.compile(r"^(?P<head>[A-Za-z][\w+.-]*:/*[^:@/]*):(?P<secret>.*)@(?=[^@]*$)")
_PASSWORD_PARAM = re.compile(r"(?i)(password=)([^&\s]*)")


def password_of(target: str) -> str:
    """The password written in an address ("" when there is none)."""
    match = _USERINFO.match(target or "")
    if match:
        return unquote(match.group("secret"))
    param = _PASSWORD_PARAM.search(target or "")
    return unquote(param.group(2)) if param else ""


def mask_password(target: str) -> str:
    """postgresql://clerk:secret@server/office → postgresql://clerk:••••@server/office; also for a
    mistyped scheme (postgressql:/clerk:secret@…) and a ?password=… parameter."""
    if not target:
        return target
    masked = _USERINFO.sub(lambda m: f"{m.group('head')}:••••@", target, count=1)
    return _PASSWORD_PARAM.sub(lambda m: m.group(1) + "••••", masked)


def normalize(target: str) -> str:
    """The address as it will be saved; a ValidationError for anything the program cannot open."""
    target = (target or "").strip()
    if not target:
        return ""
    if "://" in target:
        if not is_postgres_url(target):
            raise ValidationError(_("不支持的数据库地址：{target}（请填文件路径，或 postgresql://用户名:密码@服务器/数据库名）")
                                  .format(target=mask_password(target)), field="database")
        parts = urlsplit(target)
        if not parts.hostname or parts.path in ("", "/"):
            raise ValidationError(_("地址不完整：需要服务器和数据库名，例如 postgresql://clerk:密码@192.168.1.10/warranty"),
                                  field="database")
        return target
    return str(Path(target).expanduser())


def _version_and_projects(cursor, tables: set[str]) -> tuple[int, int | None]:
    if not tables:
        return 0, None
    if "schema_version" not in tables or not OUR_TABLES <= tables:
        raise ValidationError(_("这个数据库不是保修台的数据库（里面已有别的数据表），请换一个数据库"), field="database")
    cursor.execute("SELECT MAX(version) FROM schema_version")
    version = cursor.fetchone()[0] or 0
    cursor.execute("SELECT COUNT(*) FROM project")
    return version, cursor.fetchone()[0]


def _check_newer(version: int, latest: int) -> None:
    if version > latest:
        raise ValidationError(_("这个数据库由较新版本的保修台建立（版本 {v}，本程序只认识到 {latest}），请先升级本程序")
                              .format(v=version, latest=latest), field="database")


def _check_sqlite(path: str, latest: int) -> TargetCheck:
    file = Path(path)
    if file.is_dir():
        raise ValidationError(_("“{path}”是一个文件夹，请填数据库文件的路径").format(path=path), field="database")
    if not file.exists():
        if not file.parent.is_dir():
            raise ValidationError(_("文件夹“{folder}”不存在").format(folder=file.parent), field="database")
        return TargetCheck(path, "sqlite", 0, latest)
    try:
        conn = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as exc:
        raise ValidationError(_("打不开文件“{path}”：{e}").format(path=path, e=exc), field="database") from exc
    try:
        cursor = conn.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type='table'")
        tables = {row[0] for row in cursor.fetchall()}
        version, projects = _version_and_projects(cursor, tables)
    except sqlite3.DatabaseError as exc:
        raise ValidationError(_("“{path}”不是保修台的数据库文件（{e}）").format(path=path, e=exc), field="database") from exc
    finally:
        conn.close()
    _check_newer(version, latest)
    return TargetCheck(path, "sqlite", version, latest, projects)


def _postgres_message(exc: Exception, target: str) -> str:
    text = str(exc)
    parts = urlsplit(target)
    host = parts.hostname or ""
    lower = text.lower()
    if "password authentication failed" in lower or "no password supplied" in lower:
        return _("用户名或密码不对（用户 {user}）").format(user=parts.username or "")
    if "does not exist" in lower and "database" in lower:
        return _("服务器上没有数据库“{name}”：请数据库管理员先建好它（CREATE DATABASE），或检查数据库名").format(
            name=parts.path.lstrip("/"))
    if ("could not translate host name" in lower or "name or service not known" in lower
            or "nodename nor servname" in lower):
        return _("找不到服务器“{host}”：请检查服务器名称或 IP 地址").format(host=host)
    if "connection refused" in lower or "timeout" in lower or "could not connect" in lower or "no route" in lower:
        return _("连不上服务器“{host}”：服务器没有开机、地址或端口不对，或被防火墙挡住").format(host=host)
    return _("连接失败：{error}").format(error=text.strip().splitlines()[0] if text.strip() else exc.__class__.__name__)


def _check_postgres(target: str, latest: int) -> TargetCheck:
    try:
        import psycopg2
    except ImportError as exc:  # pragma: no cover - psycopg2-binary is a dependency
        raise ValidationError(_("本程序缺少 PostgreSQL 驱动（psycopg2）"), field="database") from exc
    from . import passwords

    extra = {}
    if passwords.password_in(target) is None and passwords.password_for(target):
        extra["password"] = passwords.password_for(target)
    try:
        conn = psycopg2.connect(target, connect_timeout=CONNECT_TIMEOUT_S, **extra)
    except psycopg2.Error as exc:
        raise ValidationError(_postgres_message(exc, target), field="database") from exc
    try:
        conn.set_session(readonly=True, autocommit=True)
        cursor = conn.cursor()
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
        tables = {row[0] for row in cursor.fetchall()}
        version, projects = _version_and_projects(cursor, tables)
    except psycopg2.Error as exc:
        raise ValidationError(_postgres_message(exc, target), field="database") from exc
    finally:
        conn.close()
    _check_newer(version, latest)
    return TargetCheck(target, "postgresql", version, latest, projects)


def check_target(target: str) -> TargetCheck:
    """Connect to `target` (nothing is created or written) and say whether the program can use it."""
    from . import migrations

    target = normalize(target)
    if not target:
        raise ValidationError(_("请填写数据库文件路径或 postgresql:// 地址"), field="database")
    latest = migrations.latest_version()
    if is_postgres_url(target):
        return _check_postgres(target, latest)
    return _check_sqlite(target, latest)
