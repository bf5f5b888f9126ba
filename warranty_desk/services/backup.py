"""Backups and restore: one `.wdbak` file holds everything.

A backup is a zip archive with
  - ``database.sqlite3``: a snapshot of the whole database (SQLite online backup API — never a file
    copy of a live database; from PostgreSQL every table is exported through the ORM into an SQLite
    file of the same schema, so a backup moves both ways between SQLite and PostgreSQL),
  - ``attachments/<sha[:2]>/<sha>``: every attachment file the snapshot refers to (taken from this PC's
    attachments folder, or from the database's ``attachment_blob`` when the folder lacks it; the
    snapshot itself carries the ``attachment_blob`` rows of a PostgreSQL office too),
  - ``manifest.json``: app name, archive format, schema version, created_at, who, row counts and the
    SHA-256 of every file in the archive.

Restore first backs up the current data, verifies the archive (hashes, integrity check), migrates a
snapshot from an older schema, then replaces the database in one step (SQLite: a checked temp file
put in place with ``os.replace``; PostgreSQL: all tables replaced in one transaction). Attachment
files are merged back into the attachments folder (content-addressed: nothing is overwritten).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from peewee import AutoField, ForeignKeyField, SqliteDatabase
from peewee import DatabaseError as PeeweeDatabaseError

from .. import migrations
from ..db import current_version, is_postgres, migrate
from ..errors import ValidationError
from ..fileio import make_private, private_file
from ..i18n import _
from ..models import ALL_MODELS, AttachmentBlob, AuditLog, database_proxy, tuples
from ..paths import data_dir
from . import attachments, audit
from . import settings as settings_service

log = logging.getLogger(__name__)

APP = "WarrantyDesk"
FORMAT = 1
SUFFIX = ".wdbak"
DB_NAME = "database.sqlite3"
MANIFEST = "manifest.json"
KEEP_DAILY = 14
KEEP_MONTHLY = 12
_NAME_RE = re.compile(r"^warranty-desk-(\d{8})-(\d{6})(?:-[a-z0-9-]+)?\.wdbak$")


class NotABackup(ValidationError):
    """The file is not a Warranty Desk backup (or is damaged)."""


@dataclass
class Manifest:
    app: str
    format: int
    schema_version: int
    created_at: str
    source: str
    files: dict[str, str]
    counts: dict[str, int] = field(default_factory=dict)
    created_by: str = ""
    last_audit_id: int = 0
    missing_attachments: list[str] = field(default_factory=list)

    @property
    def created(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.created_at)


@dataclass
class RestoreResult:
    manifest: Manifest
    safety_backup: Path | None
    migrated_from: int | None
    attachments_restored: int


# --- where backups go ---------------------------------------------------------------------------

def backup_folder() -> Path:
    try:
        configured = (settings_service.get("backup_folder") or "").strip()
    except PeeweeDatabaseError as exc:  # a damaged database must still find its backups
        log.warning("backup folder setting unreadable, using the default folder: %s", exc)
        configured = ""
    folder = Path(configured).expanduser() if configured else data_dir() / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _auto_name(now: dt.datetime, tag: str = "") -> str:
    return f"warranty-desk-{now:%Y%m%d-%H%M%S}{'-' + tag if tag else ''}{SUFFIX}"


def _unique(path: Path) -> Path:
    """`path`, or with -2, -3… when a file of that name exists (two backups in one second)."""
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name[: -len(SUFFIX)]}-{n}{SUFFIX}")
    return candidate


def _stamp_of(path: Path) -> dt.datetime | None:
    m = _NAME_RE.match(path.name)
    if not m:
        return None
    try:
        return dt.datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
    except ValueError:
        return None


def _stamp(backup: Path) -> dt.datetime:
    """The time in the name of one of `list_backups`' files (each has one)."""
    stamp = _stamp_of(backup)
    assert stamp is not None
    return stamp


def list_backups(folder: Path | None = None) -> list[Path]:
    """Our backups in the folder, newest first."""
    folder = Path(folder) if folder else backup_folder()
    found = [(stamp, p) for p in folder.glob(f"*{SUFFIX}") if (stamp := _stamp_of(p)) is not None]
    return [p for _stamp, p in sorted(found, key=lambda pair: (pair[0], pair[1].name), reverse=True)]


# --- snapshots ----------------------------------------------------------------------------------

def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _sqlite_snapshot(db: SqliteDatabase, dest: Path) -> None:
    """Online backup API from a separate read connection: only committed data, concurrent-safe."""
    source = sqlite3.connect(str(db_path(db)), timeout=30)
    target = sqlite3.connect(str(dest))
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        target.close()
        source.close()


def _schema_only(dest: Path) -> SqliteDatabase:
    """An empty SQLite file with every migration step's DDL (no version stamps: those are copied)."""
    target = SqliteDatabase(str(dest))
    target.connect()
    for _version, step in migrations.steps():
        step.apply(target)
    return target


def _copy_tables(src, dst) -> dict[str, int]:
    """Copy every table through the ORM from `src` to the empty schema in `dst` (one transaction
    in `dst` is the caller's). Foreign keys pointing forward (or to the same table) are filled in a
    second pass, so the order of ALL_MODELS and reference cycles never matter."""
    counts: dict[str, int] = {}
    done: set = set()
    later: list[tuple] = []
    for model in ALL_MODELS:
        if model is AttachmentBlob:
            counts[model._meta.table_name] = _copy_blobs(src, dst)
            done.add(model)
            continue
        fields = model._meta.sorted_fields
        deferred = [f for f in fields if isinstance(f, ForeignKeyField) and (f.rel_model is model or f.rel_model not in done)]
        with src.bind_ctx([model], bind_refs=False, bind_backrefs=False):
            rows = list(tuples(model.select(*fields).order_by(model._meta.primary_key)))
        counts[model._meta.table_name] = len(rows)
        if deferred:
            # peewee fields overload ==, so positions are found by identity, never list.index()
            position = {id(f): i for i, f in enumerate(fields)}
            pk_index = position[id(model._meta.primary_key)]
            for f in deferred:
                i = position[id(f)]
                values = [(row[pk_index], row[i]) for row in rows if row[i] is not None]
                if values:
                    later.append((model, f, values))
            idx = {position[id(f)] for f in deferred}
            rows = [tuple(None if i in idx else v for i, v in enumerate(row)) for row in rows]
        batch = max(1, 900 // len(fields))
        with dst.bind_ctx([model], bind_refs=False, bind_backrefs=False):
            for start in range(0, len(rows), batch):
                model.insert_many(rows[start:start + batch], fields=fields).execute()
        done.add(model)
    for model, f, values in later:
        with dst.bind_ctx([model], bind_refs=False, bind_backrefs=False):
            pk = model._meta.primary_key
            for pk_value, ref in values:
                model.update({f: ref}).where(pk == pk_value).execute()
    return counts


BLOB_BATCH_BYTES = 32 * 1024 * 1024


def _copy_blobs(src, dst) -> int:
    """Copy `attachment_blob` in batches of at most ~32 MB, never the whole table in memory."""
    fields = [AttachmentBlob.sha256, AttachmentBlob.size, AttachmentBlob.data]
    with src.bind_ctx([AttachmentBlob], bind_refs=False, bind_backrefs=False):
        sizes = list(tuples(AttachmentBlob.select(AttachmentBlob.sha256, AttachmentBlob.size)
                     .order_by(AttachmentBlob.sha256)))
    batches: list[list[str]] = []
    total = 0
    for sha, size in sizes:
        if not batches or total + size > BLOB_BATCH_BYTES or len(batches[-1]) >= 200:
            batches.append([])
            total = 0
        batches[-1].append(sha)
        total += size
    for shas in batches:
        with src.bind_ctx([AttachmentBlob], bind_refs=False, bind_backrefs=False):
            rows = [(sha, size, bytes(data)) for sha, size, data in
                    tuples(AttachmentBlob.select(*fields).where(AttachmentBlob.sha256.in_(shas)))]
        with dst.bind_ctx([AttachmentBlob], bind_refs=False, bind_backrefs=False):
            AttachmentBlob.insert_many(rows, fields=fields).execute()
    return len(sizes)


def _snapshot_blob_shas(snapshot: Path) -> set[str]:
    con = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
    try:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'attachment_blob'").fetchone():
            return set()
        return {r[0] for r in con.execute("SELECT sha256 FROM attachment_blob")}
    finally:
        con.close()


def _blob_from_snapshot(snapshot: Path, sha: str) -> bytes | None:
    """An attachment's bytes from the snapshot's `attachment_blob` (checked against the hash)."""
    con = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
    try:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'attachment_blob'").fetchone():
            return None
        row = con.execute("SELECT data FROM attachment_blob WHERE sha256 = ?", (sha,)).fetchone()
    finally:
        con.close()
    if row is None or hashlib.sha256(bytes(row[0])).hexdigest() != sha:
        return None
    return bytes(row[0])


def _export_to_sqlite(db, dest: Path) -> None:
    """A PostgreSQL database → an SQLite snapshot, read in one REPEATABLE READ transaction."""
    target = _schema_only(dest)
    try:
        with db.atomic():
            if is_postgres(db):
                db.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            with target.atomic():
                _copy_tables(db, target)
    finally:
        target.close()


def _snapshot_info(snapshot: Path) -> tuple[int, dict[str, int], list[str], int]:
    """(schema version, row counts, attachment hashes, last audit id) of a snapshot file."""
    con = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        version = con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] if "schema_version" in tables else 0
        counts = {m._meta.table_name: con.execute(f'SELECT COUNT(*) FROM "{m._meta.table_name}"').fetchone()[0]
                  for m in ALL_MODELS if m._meta.table_name in tables}
        hashes = [r[0] for r in con.execute("SELECT DISTINCT sha256 FROM attachment")] if "attachment" in tables else []
        last_audit = con.execute("SELECT MAX(id) FROM audit_log").fetchone()[0] if "audit_log" in tables else 0
    finally:
        con.close()
    return version or 0, counts, hashes, last_audit or 0


def _integrity_problems(path: Path, quick: bool = False) -> list[str]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = [r[0] for r in con.execute("PRAGMA quick_check" if quick else "PRAGMA integrity_check")]
        problems = [] if rows == ["ok"] else rows
        problems += [_("外键错误：{value} 第{value2}行引用了不存在的 {value3}").format(value=r[0], value2=r[1], value3=r[2]) for r in con.execute("PRAGMA foreign_key_check")]
    except sqlite3.DatabaseError as exc:
        problems = [str(exc)]
    finally:
        con.close()
    return problems


# --- backup -------------------------------------------------------------------------------------

def backup_to(path: str | Path, *, db=None, now: dt.datetime | None = None) -> Manifest:
    """Write a complete backup of the open database and its attachments to `path` (atomically)."""
    db = db or database_proxy.obj
    path = Path(path)
    if path.is_dir():
        path = path / _auto_name(now or dt.datetime.now())
    now = (now or dt.datetime.now()).replace(microsecond=0)
    with tempfile.TemporaryDirectory(prefix="wd-backup-") as tmp:
        snapshot = Path(tmp) / DB_NAME
        if is_postgres(db):
            _export_to_sqlite(db, snapshot)
        else:
            if db.database in ("", ":memory:"):
                raise ValidationError(_("内存中的数据库不能备份"))
            _sqlite_snapshot(db, snapshot)
        problems = _integrity_problems(snapshot, quick=True)
        if problems:
            raise ValidationError(_("数据库已损坏，无法做出可用的备份：{p}。请从以前的备份恢复").format(p=problems[0]))
        version, counts, hashes, last_audit = _snapshot_info(snapshot)
        files = {DB_NAME: _sha256(snapshot)}
        missing: list[str] = []
        folder = attachments.attachments_dir()
        present: list[tuple[str, Path]] = []
        from_snapshot: list[str] = []  # not in this PC's folder, but in the database (another clerk's)
        in_snapshot = _snapshot_blob_shas(snapshot) if hashes else set()
        for sha in hashes:
            file = folder / sha[:2] / sha
            if file.is_file():
                present.append((f"attachments/{sha[:2]}/{sha}", file))
                files[f"attachments/{sha[:2]}/{sha}"] = sha
            elif sha in in_snapshot:
                from_snapshot.append(sha)
            else:
                missing.append(sha)
        manifest = Manifest(app=APP, format=FORMAT, schema_version=version, created_at=now.isoformat(),
                            source="postgresql" if is_postgres(db) else "sqlite", files=files, counts=counts,
                            created_by=audit.current_user(), last_audit_id=last_audit,
                            missing_attachments=missing)
        with private_file(path) as part:
            with zipfile.ZipFile(part, "w", allowZip64=True) as zf:
                zf.write(snapshot, DB_NAME, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
                for name, file in present:
                    zf.write(file, name, compress_type=zipfile.ZIP_STORED)
                for sha in from_snapshot:  # one at a time (each up to 20 MB), never all in memory
                    data = _blob_from_snapshot(snapshot, sha)
                    if data is None:  # does not match its hash: reported like a missing file
                        missing.append(sha)
                        continue
                    zf.writestr(f"attachments/{sha[:2]}/{sha}", data, compress_type=zipfile.ZIP_STORED)
                    files[f"attachments/{sha[:2]}/{sha}"] = sha
                # the manifest goes last: it lists what was really written
                zf.writestr(MANIFEST, json.dumps(manifest.__dict__, ensure_ascii=False, indent=1))
            with open(part, "rb+") as fh:
                os.fsync(fh.fileno())
    if missing:
        log.warning("backup %s: %d attachment files were missing", path, len(missing))
    return manifest


def read_manifest(path: str | Path) -> Manifest:
    """The manifest of a backup file; NotABackup with a clear message when it is not ours."""
    path = Path(path)
    not_ours = _("“{name}”不是保修台的备份文件（或已损坏），无法恢复。请选择以 .wdbak 结尾的保修台备份").format(name=path.name)
    if not path.is_file():
        raise NotABackup(_("找不到备份文件：{path}").format(path=path))
    try:
        with zipfile.ZipFile(path) as zf:
            raw = json.loads(zf.read(MANIFEST).decode("utf-8"))
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError, json.JSONDecodeError, OSError):
        raise NotABackup(not_ours) from None
    if not isinstance(raw, dict) or raw.get("app") != APP or DB_NAME not in (raw.get("files") or {}):
        raise NotABackup(not_ours)
    try:
        manifest = Manifest(**{k: raw[k] for k in Manifest.__dataclass_fields__ if k in raw})
        manifest.created  # noqa: B018 - validates the date
    except (TypeError, ValueError):
        raise NotABackup(not_ours) from None
    if manifest.format > FORMAT or manifest.schema_version > migrations.latest_version():
        raise NotABackup(_("这个备份来自更新版本的保修台（数据版本 {v}），请先升级本程序再恢复").format(
            v=manifest.schema_version))
    return manifest


def verify(path: str | Path) -> Manifest:
    """Read the manifest and check the SHA-256 of every file in the archive."""
    manifest = read_manifest(path)
    damaged = _("备份文件“{name}”已损坏（{what} 校验不符），不能用于恢复，请换一个备份").format
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            for name, sha in manifest.files.items():
                if name not in names:
                    raise NotABackup(damaged(name=Path(path).name, what=name))
                h = hashlib.sha256()
                with zf.open(name) as fh:
                    for chunk in iter(functools.partial(fh.read, 1 << 20), b""):
                        h.update(chunk)
                if h.hexdigest() != sha:
                    raise NotABackup(damaged(name=Path(path).name, what=name))
    except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile) as exc:
        raise NotABackup(damaged(name=Path(path).name, what=str(exc))) from None
    return manifest


def latest_good_backup(folder: str | Path | None = None) -> tuple[Path, Manifest] | None:
    """The newest backup in the folder that verifies completely, or None."""
    for path in list_backups(Path(folder) if folder else None):
        try:
            return path, verify(path)
        except NotABackup as exc:
            log.warning("skipping backup %s: %s", path, exc.message)
    return None


# --- automatic backups and retention --------------------------------------------------------------

def _last_audit_id() -> int:
    return AuditLog.select(AuditLog.id).order_by(AuditLog.id.desc()).limit(1).scalar() or 0


def auto_backup(reason: str = "daily", *, now: dt.datetime | None = None, folder: Path | None = None) -> Path | None:
    """Back up into the backup folder when needed and prune old backups; returns the new file.

    `daily` (at start, or from a timer): only if no backup was made today.
    `close` (when the program closes): only if something changed since the newest backup.
    """
    now = (now or dt.datetime.now()).replace(microsecond=0)
    folder = Path(folder) if folder else backup_folder()
    existing = list_backups(folder)
    newest = existing[0] if existing else None
    if newest is not None:
        if reason == "daily" and _stamp(newest).date() == now.date():
            return None
        if reason == "close":
            with contextlib.suppress(NotABackup):
                if read_manifest(newest).last_audit_id == _last_audit_id():
                    return None
    target = _unique(folder / _auto_name(now, "" if reason == "daily" else reason))
    backup_to(target, now=now)
    prune(folder, now=now)
    return target


def prune(folder: Path | None = None, *, now: dt.datetime | None = None,
          daily: int = KEEP_DAILY, monthly: int = KEEP_MONTHLY) -> list[Path]:
    """Keep the newest backup of each of the last `daily` days that have one and the newest of each
    of the last `monthly` months; delete the other files named like our automatic backups."""
    folder = Path(folder) if folder else backup_folder()
    backups = list_backups(folder)  # newest first
    keep: set[Path] = set()
    days: dict[dt.date, Path] = {}
    months: dict[tuple[int, int], Path] = {}
    for path in backups:
        stamp = _stamp(path)
        days.setdefault(stamp.date(), path)
        months.setdefault((stamp.year, stamp.month), path)
    keep.update(list(days.values())[:daily])
    keep.update(list(months.values())[:monthly])
    removed = []
    for path in backups:
        if path not in keep:
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


# --- restore ------------------------------------------------------------------------------------

def _extract(zf: zipfile.ZipFile, name: str, dest: Path) -> None:
    with zf.open(name) as src, open(dest, "wb") as out:
        shutil.copyfileobj(src, out, 1 << 20)
        out.flush()
        os.fsync(out.fileno())


def _restore_attachments(zf: zipfile.ZipFile, manifest: Manifest) -> int:
    """Put back every attachment file that is missing or wrong (content-addressed, so merging is safe)."""
    folder = attachments.attachments_dir()
    restored = 0
    for name, sha in manifest.files.items():
        if not name.startswith("attachments/"):
            continue
        target = folder / sha[:2] / sha
        if target.is_file() and _sha256(target) == sha:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".restoring.", dir=target.parent)
        os.close(fd)
        try:
            _extract(zf, name, Path(tmp))
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        restored += 1
    return restored


def _prepare_snapshot(snapshot: Path) -> int | None:
    """Check the extracted snapshot and migrate it to this program's schema; returns the old version
    when it was migrated."""
    problems = _integrity_problems(snapshot)
    if problems:
        raise NotABackup(_("备份中的数据库已损坏（{p}），不能用于恢复，请换一个备份").format(p=problems[0]))
    snap = SqliteDatabase(str(snapshot), pragmas={"foreign_keys": 1})
    snap.connect()
    try:
        before = current_version(snap)
        if before < migrations.latest_version():
            with snap.bind_ctx(ALL_MODELS, bind_refs=False, bind_backrefs=False):
                migrate(snap)
            return before
        return None
    finally:
        snap.close()


def restore_from(path: str | Path, *, db=None, safety_backup: bool = True) -> RestoreResult:
    """Replace the open database (and merge the attachments) with the backup at `path`.

    The current data is backed up first into the backup folder (``…-before-restore.wdbak``).
    Afterwards the database is open again (the same file or server) with the restored data.
    """
    from .. import instance_lock
    from ..db import open_database
    from .integrity import check_integrity

    db = db or database_proxy.obj
    manifest = verify(path)
    if not is_postgres(db) and instance_lock.held_elsewhere(db_path(db)):
        raise ValidationError(_("保修台的另一个窗口正在使用这个数据库，请先关闭它再恢复"))
    safety = None
    if safety_backup and _has_data(db):
        if check_integrity(db):
            safety = _set_aside_damaged(db)
        else:
            safety = _unique(backup_folder() / _auto_name(dt.datetime.now(), "before-restore"))
            backup_to(safety, db=db)
    with zipfile.ZipFile(path) as zf:
        if is_postgres(db):
            with tempfile.TemporaryDirectory(prefix="wd-restore-") as tmp:
                snapshot = Path(tmp) / DB_NAME
                _extract(zf, DB_NAME, snapshot)
                migrated = _prepare_snapshot(snapshot)
                restored = _restore_attachments(zf, manifest)
                _import_into_postgres(snapshot, db)
            return RestoreResult(manifest, safety, migrated, restored)
        target = db_path(db)
        # a work folder beside the database (same disk, so os.replace is one atomic step)
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.restoring.", dir=target.parent))
        work_copy = work / DB_NAME
        try:
            _extract(zf, DB_NAME, work_copy)
            migrated = _prepare_snapshot(work_copy)
            restored = _restore_attachments(zf, manifest)
            with contextlib.suppress(Exception):  # a damaged or read-only file cannot checkpoint
                db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            db.close()
            for extra in ("-wal", "-shm", "-journal"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(str(target) + extra)
            os.replace(work_copy, target)
            _fsync_dir(target.parent)
        finally:
            shutil.rmtree(work, ignore_errors=True)
            open_database(str(target))  # the restored file, or the untouched old one after a failure
    return RestoreResult(manifest, safety, migrated, restored)


def db_path(db) -> Path:
    from .integrity import db_file

    return db_file(db)


def _has_data(db) -> bool:
    try:
        return bool(db.execute_sql("SELECT EXISTS (SELECT 1 FROM audit_log)").fetchone()[0])
    except Exception:  # noqa: BLE001 - a damaged file: treat as holding data (set it aside)
        return True


def _set_aside_damaged(db) -> Path:
    """A damaged SQLite file cannot be backed up; its files are copied aside untouched instead."""
    source = db_path(db)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = source.with_name(f"{source.name}.damaged-{stamp}")
    db.close()
    shutil.copy2(source, target)
    for extra in ("-wal", "-shm"):
        if os.path.exists(str(source) + extra):
            shutil.copy2(str(source) + extra, str(target) + extra)
    make_private(target, f"{target}-wal", f"{target}-shm")  # the office's data, like the database
    return target


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _import_into_postgres(snapshot: Path, db) -> None:
    """Replace every table of the PostgreSQL database with the snapshot's rows, in one transaction.
    TRUNCATE (not DELETE) empties the tables: the append-only guard on audit_log stops row deletes,
    while a restore legitimately replaces the whole log with the backup's own."""
    src = SqliteDatabase(str(snapshot))
    src.connect()
    try:
        tables = ", ".join(f'"{m._meta.table_name}"' for m in ALL_MODELS)
        with db.atomic():
            db.execute_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            _copy_tables(src, db)
            for model in ALL_MODELS:
                pk = model._meta.primary_key
                if isinstance(pk, AutoField):
                    table = model._meta.table_name
                    db.execute_sql(
                        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{pk.column_name}'), "
                        f"COALESCE(MAX(\"{pk.column_name}\"), 1), MAX(\"{pk.column_name}\") IS NOT NULL) FROM \"{table}\""
                    )
            # a backup made on SQLite has no attachment_blob rows: its files (just put back into this
            # PC's folder) go to the server, so every clerk's PC sees the restored attachments
            attachments.share_local_files()
    finally:
        src.close()


def restore_summary(result: RestoreResult) -> str:
    m = result.manifest
    parts = [_("已从 {date} 的备份恢复：{projects}个工程，{tickets}张工单，{visits}次回访，{files}个附件文件").format(
        date=m.created.strftime("%Y-%m-%d %H:%M"), projects=m.counts.get("project", 0),
        tickets=m.counts.get("ticket", 0), visits=m.counts.get("visit", 0),
        files=sum(1 for n in m.files if n.startswith("attachments/")))]
    if result.migrated_from is not None:
        parts.append(_("（备份的数据版本 {v} 已升级到当前版本）").format(v=result.migrated_from))
    if result.safety_backup:
        parts.append(_("恢复前的数据已另存为：{p}").format(p=result.safety_backup))
    return "\n".join(parts)

