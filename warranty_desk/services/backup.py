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
import io
import json
import logging
import os
import re
import shutil
import sqlite3
import stat
import struct
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from peewee import AutoField, ForeignKeyField, SqliteDatabase

from .. import attachment_store, audit_guard, config, early_check, migrations, op_changes, write_lock
from ..db import is_postgres, is_url, migrate
from ..errors import ValidationError
from ..fileio import make_private, private_file, sha256_of
from ..i18n import _
from ..models import ALL_MODELS, AttachmentBlob, AuditLog, database_proxy, tuples
from ..paths import data_dir
from ..workfiles import RESTORING, hold, work_dir
from . import attachments, audit
from . import settings as settings_service
from . import verify as verify_service

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


class DatabaseDamaged(ValidationError):
    """The database to back up has damaged pages: no backup of it is made."""


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
    sizes: dict[str, int] = field(default_factory=dict)  # bytes of every file (a cap when extracting)
    altered_attachments: list[str] = field(default_factory=list)  # files that no longer matched their hash
    audit_head: dict = field(default_factory=dict)  # the audit chain's last row {id, hash, first, rows}
    audit_breaks: list[str] = field(default_factory=list)  # where the chain no longer held, in words
    # the SHA-256 of the database whose pages (quick_check + foreign keys) this program checked as it
    # wrote them into the archive: a restore that finds these bytes need not read every page again
    checked_sha256: str = ""

    @property
    def created(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.created_at)


@dataclass
class RestoreResult:
    manifest: Manifest
    safety_backup: Path | None
    migrated_from: int | None
    attachments_restored: int
    counts: dict[str, int] = field(default_factory=dict)  # counted in the restored database
    guards_restored: list[str] = field(default_factory=list)  # audit guards the backup lacked, put back


# --- where backups go ---------------------------------------------------------------------------

def backup_folder(*, from_database: bool = True, target: str | Path | None = None) -> Path:
    """The folder for automatic backups: 设置 → 数据安全's choice, else the data folder's ``backups``.
    `from_database=False` (the database is damaged or not open): the folder last used for this database,
    remembered in this PC's config file, so the newest backup is found without reading the damaged file."""
    configured = ""
    if from_database:
        try:
            configured = (settings_service.get("backup_folder") or "").strip()
        except Exception:  # noqa: BLE001 - an unreadable database: fall back to what this PC remembers
            from_database = False
    if not from_database:
        configured = config.remembered_backup_folder(target or _current_target())
    folder = Path(configured).expanduser() if configured else data_dir() / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    if from_database:
        config.remember_backup_folder(target or _current_target(), str(folder))
    return folder


def offer_folders(target: str | Path) -> list[Path]:
    """Where to look for the newest good backup of a database that cannot be read: the folder this PC
    last used for it and the default one."""
    folders = []
    remembered = config.remembered_backup_folder(target)
    for folder in ([Path(remembered).expanduser()] if remembered else []) + [data_dir() / "backups"]:
        if folder not in folders and folder.is_dir():
            folders.append(folder)
    return folders


def remove_leftovers(target: str | Path | None) -> list[Path]:
    """Remove what interrupted backups and restores of this database left behind (workfiles)."""
    from .. import workfiles

    if target and not is_url(str(target)):
        with contextlib.suppress(OSError):
            write_lock.for_file(target).forget_stale()  # writer files of processes that crashed
    return workfiles.remove_leftovers(target, offer_folders(target) if target else [data_dir() / "backups"],
                                      attachments.attachments_dir())


def _current_target() -> str | None:
    db = database_proxy.obj
    return database_target(db) if db is not None else None


def database_target(db) -> str:
    """The file path or server address a database object was opened on."""
    if is_postgres(db):
        return str(db.database)
    return str(db_path(db))


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

def _sqlite_snapshot(db: SqliteDatabase, dest: Path) -> None:
    """Online backup API from a separate read connection: only committed data, concurrent-safe."""
    source = sqlite3.connect(str(db_path(db)), timeout=30)
    target = sqlite3.connect(str(dest))
    try:
        # a work file, read once into the archive (which is synced): no journal and no syncs while the
        # pages are copied (half the time of the copy)
        target.execute("PRAGMA journal_mode=OFF")
        target.execute("PRAGMA synchronous=OFF")
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        target.close()
        source.close()


HOLD_WAIT_S = 2.0  # how long a backup waits for a writer at work before it takes the slower snapshot


@contextlib.contextmanager
def _held_still(file: Path):
    """Yields True while the database file itself holds every committed page and cannot change: SQLite's
    write lock taken (a writer waits, within its busy timeout, until the backup has read the file) and
    the write-ahead log checkpointed into the file completely. False (nothing held) when that cannot be
    had at once — a writer at work, a reader still on older pages: then the online backup API copies a
    snapshot instead. Reading the file once, straight into the archive, halves a backup's time."""
    con = sqlite3.connect(str(file), timeout=HOLD_WAIT_S, isolation_level=None, check_same_thread=False)
    held = False
    try:
        try:
            con.execute("BEGIN IMMEDIATE")
            held = True
            if con.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
                checkpoint = sqlite3.connect(str(file), timeout=HOLD_WAIT_S)
                try:
                    busy, frames, copied = checkpoint.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                finally:
                    checkpoint.close()
                held = not busy and frames == copied
        except sqlite3.Error:
            held = False
        if not held:
            with contextlib.suppress(sqlite3.Error):
                con.execute("ROLLBACK")
        yield held
    finally:
        with contextlib.suppress(sqlite3.Error):
            con.execute("ROLLBACK")
        con.close()


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
        reading = db.atomic(isolation_level="REPEATABLE READ, READ ONLY") if is_postgres(db) else db.atomic()
        with reading:
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
    """Write a complete backup of the open database and its attachments to `path` (atomically).
    Every attachment file is hashed as it is written: one that no longer matches its hash is left out
    and listed (``altered_attachments``), like a missing one."""
    db = db or database_proxy.obj
    path = Path(path)
    if path.is_dir():
        path = path / _auto_name(now or dt.datetime.now())
    now = (now or dt.datetime.now()).replace(microsecond=0)
    target = database_target(db)
    since = verify_service.load_checkpoint(target)
    with work_dir(None, "wd-backup-") as tmp, contextlib.ExitStack() as still:
        snapshot = Path(tmp) / DB_NAME
        held = False
        if is_postgres(db):
            _export_to_sqlite(db, snapshot)
            pages = _Background(_integrity_problems, snapshot, True)
        else:
            if db.database in ("", ":memory:"):
                raise ValidationError(_("内存中的数据库不能备份"))
            live = db_path(db)
            held = still.enter_context(_held_still(live))
            # the file's pages are checked (quick_check) while they are copied, on the machine's other core
            pages = _Background(_integrity_problems, live, True)
            if held:  # the file itself, held still, is the snapshot: read once, straight into the archive
                snapshot = live
            else:
                _sqlite_snapshot(db, snapshot)
        # the audit chain of the snapshot is walked (from the checkpoint) beside the writing of the archive:
        # SQLite and hashlib leave Python's lock while they work, so the two share the machine's cores
        checks = _SnapshotChecks(snapshot, pages, since)
        try:
            version, counts, hashes, last_audit = _snapshot_info(snapshot)
        except sqlite3.DatabaseError as exc:  # pages SQLite cannot read: the check says which
            problems = checks.result()[0]
            raise DatabaseDamaged(_("数据库已损坏，无法做出可用的备份：{p}。请从以前的备份恢复").format(
                p=problems[0] if problems else exc)) from None
        files: dict[str, str] = {}
        sizes = {DB_NAME: snapshot.stat().st_size}
        missing: list[str] = []
        altered: list[str] = []
        folder = attachments.attachments_dir()
        in_snapshot = _snapshot_blob_shas(snapshot) if hashes else set()
        try:
            with private_file(path) as part:
                with zipfile.ZipFile(part, "w", allowZip64=True) as zf:
                    files[DB_NAME] = _write_hashed(zf, DB_NAME, snapshot, rollback_header=held)
                    problems, head, breaks = checks.result()
                    still.close()  # what the archive holds is read and checked: writers may go on
                    if problems:
                        raise DatabaseDamaged(_("数据库已损坏，无法做出可用的备份：{p}。请从以前的备份恢复").format(
                            p=problems[0]))
                    for sha in hashes:
                        name = f"attachments/{sha[:2]}/{sha}"
                        file = folder / sha[:2] / sha
                        written = _write_checked(zf, name, sha, file) if file.is_file() else None
                        if written is None and sha in in_snapshot:  # another clerk's file, in the database
                            data = _blob_from_snapshot(snapshot, sha)  # (stored by its hash: never changes)
                            if data is not None:
                                zf.writestr(name, data, compress_type=zipfile.ZIP_STORED)
                                written = len(data)
                        if written is None:
                            (altered if file.is_file() else missing).append(sha)
                            continue
                        files[name] = sha
                        sizes[name] = written
                    manifest = Manifest(app=APP, format=FORMAT, schema_version=version, created_at=now.isoformat(),
                                        source="postgresql" if is_postgres(db) else "sqlite", files=files,
                                        counts=counts, created_by=audit.current_user(), last_audit_id=last_audit,
                                        missing_attachments=missing, sizes=sizes, altered_attachments=altered,
                                        audit_head=head, audit_breaks=breaks, checked_sha256=files[DB_NAME])
                    # the manifest goes last: it lists what was really written
                    zf.writestr(MANIFEST, json.dumps(manifest.__dict__, ensure_ascii=False, indent=1))
                with open(part, "rb+") as fh:
                    os.fsync(fh.fileno())
        finally:
            checks.result()  # never leave the thread reading a snapshot about to be removed
    if missing or altered:
        log.warning("backup %s: %d attachment files missing, %d altered", path, len(missing), len(altered))
    if breaks:
        log.warning("backup %s: the audit chain no longer holds: %s", path, breaks[0])
    else:  # the next backup walks from here
        verify_service.save_checkpoint(target, head)
    return manifest


# The database goes into the archive as it is (stored, not compressed): a backup at the speed of
# copying the file (issue 20). zlib, even at its fastest level, took three times as long as the copy;
# the archive is the size of the database (about 3.5× what level 1 made).
DB_COMPRESS = zipfile.ZIP_STORED


def _write_hashed(zf: zipfile.ZipFile, name: str, file: Path, rollback_header: bool = False) -> str:
    """Copy `file` into the archive, hashing the bytes as they are written (one read; the SHA-256 on a
    thread of its own, beside the archive's CRC and the writing); returns their SHA-256.
    `rollback_header`: a WAL database's file is stored as a self-contained one (header bytes 18 and 19,
    SQLite's file format versions, 2 = WAL → 1 = rollback journal: what `PRAGMA journal_mode=DELETE`
    writes), so that it is opened without a -wal beside it."""
    hasher = _Hasher()
    info = zipfile.ZipInfo.from_file(file, name)
    info.compress_type = DB_COMPRESS
    try:
        with open(file, "rb") as src, zf.open(info, "w", force_zip64=True) as out:
            for n, chunk in enumerate(iter(lambda: src.read(4 << 20), b"")):
                if n == 0 and rollback_header and chunk[:16] == b"SQLite format 3\x00" and chunk[18:20] == b"\x02\x02":
                    chunk = chunk[:18] + b"\x01\x01" + chunk[20:]
                hasher.update(chunk)
                out.write(chunk)
    finally:
        digest = hasher.hexdigest()
    return digest


class _Hasher:
    """SHA-256 of the chunks given to `update`, computed on a thread of its own (hashlib leaves
    Python's lock for large chunks): the hashing runs beside the reading and writing of the bytes."""

    def __init__(self):
        import queue
        import threading

        self._sha = hashlib.sha256()
        self._chunks: queue.Queue = queue.Queue(maxsize=8)
        self._thread = threading.Thread(target=self._run, name="backup-hash", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (chunk := self._chunks.get()) is not None:
            self._sha.update(chunk)

    def update(self, chunk: bytes) -> None:
        self._chunks.put(chunk)

    def hexdigest(self) -> str:
        """The hash of every chunk given (waits for the thread; call once)."""
        self._chunks.put(None)
        self._thread.join()
        return self._sha.hexdigest()


class _Background:
    """`fn(*args)` on a thread of its own; `result()` waits and hands back its value (or raises)."""

    def __init__(self, fn, *args):
        import threading

        self._value = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fn, args), name="backup-check", daemon=True)
        self._thread.start()

    def _run(self, fn, args) -> None:
        try:
            self._value = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            self._error = exc

    def result(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


class _SnapshotChecks:
    """The pages' check (begun by the caller) and the audit chain's walk of a snapshot (from the
    checkpoint `since`, on a thread of its own): (problems, chain head, breaks)."""

    def __init__(self, snapshot: Path, pages: _Background, since: dict | None):
        self._pages = pages
        self._chain = _Background(verify_service.chain_head_of_file, snapshot, since)

    def result(self) -> tuple[list[str], dict, list[str]]:
        problems = self._pages.result()
        try:
            head, breaks = self._chain.result()  # every backup walks the chain of what it saves
        except sqlite3.DatabaseError:
            if problems:  # the chain's pages are among the damaged ones: the damage is the answer
                return problems, {}, []
            raise
        if problems:
            return problems, {}, []
        return [], head, breaks


def _write_checked(zf: zipfile.ZipFile, name: str, sha: str, file: Path) -> int | None:
    """Copy an attachment file into the archive if its bytes still match the hash it is stored under
    (None, and nothing written, when they do not). Read once: the bytes hashed are the bytes written
    (attachments are at most 20 MB; a larger file of an older version is hashed, then copied)."""
    if file.stat().st_size > 3 * attachments.MAX_BYTES:
        if sha256_of(file) != sha:
            return None
        zf.write(file, name, compress_type=zipfile.ZIP_STORED)
        return file.stat().st_size
    data = file.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha:
        return None
    zf.writestr(name, data, compress_type=zipfile.ZIP_STORED)
    return len(data)


MANIFEST_MAX_BYTES = 16 * 1024 * 1024
ATTACHMENT_NAME = re.compile(r"^attachments/([0-9a-f]{2})/([0-9a-f]{64})$")
UNDECLARED_RATIO = 200  # a backup without declared sizes: how much a file may grow when unpacked


def read_manifest(path: str | Path) -> Manifest:
    """The manifest of a backup file; NotABackup with a clear message when it is not ours."""
    path = Path(path)
    not_ours = _("“{name}”不是保修台的备份文件（或已损坏），无法恢复。请选择以 .wdbak 结尾的保修台备份").format(name=path.name)
    if not path.is_file():
        raise NotABackup(_("找不到备份文件：{path}").format(path=path))
    try:
        with zipfile.ZipFile(path) as zf:
            if zf.getinfo(MANIFEST).file_size > MANIFEST_MAX_BYTES:
                raise NotABackup(not_ours)
            raw = json.loads(zf.read(MANIFEST).decode("utf-8"))
    except NotABackup:
        raise
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError, json.JSONDecodeError, OSError, EOFError,
            NotImplementedError, RuntimeError, ValueError):
        raise NotABackup(not_ours) from None
    if not isinstance(raw, dict) or raw.get("app") != APP or not isinstance(raw.get("files"), dict) \
            or DB_NAME not in raw["files"]:
        raise NotABackup(not_ours)
    fmt = raw.get("format")
    if not isinstance(fmt, int) or isinstance(fmt, bool) or fmt < 1:
        raise NotABackup(not_ours)
    if fmt > FORMAT:
        raise NotABackup(_("备份文件“{name}”的格式（第 {format} 版）比本程序认识的（第 {known} 版）新："
                           "它来自更新版本的保修台，请先升级本程序再恢复").format(name=path.name, format=fmt, known=FORMAT))
    try:
        manifest = Manifest(**{k: raw[k] for k in Manifest.__dataclass_fields__ if k in raw})
        manifest.created  # noqa: B018 - validates the date
    except (TypeError, ValueError):
        raise NotABackup(not_ours) from None
    if not isinstance(manifest.schema_version, int) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in manifest.files.items()) or not isinstance(
            manifest.sizes, dict) or not all(isinstance(v, int) and v >= 0 for v in manifest.sizes.values()) \
            or not isinstance(manifest.audit_head, dict) or not isinstance(manifest.audit_breaks, list) \
            or not isinstance(manifest.checked_sha256, str):
        raise NotABackup(not_ours)
    if manifest.schema_version > migrations.latest_version():
        raise NotABackup(_("这个备份来自更新版本的保修台（数据版本 {v}），请先升级本程序再恢复").format(
            v=manifest.schema_version))
    return manifest


def _size_cap(manifest: Manifest, info: zipfile.ZipInfo) -> int:
    """The most bytes an entry may unpack to: what the manifest declares, or (older backups, which
    declared nothing) the attachment limit and a generous ratio for the database."""
    if manifest.sizes:
        return manifest.sizes.get(info.filename, -1)
    if info.filename.startswith("attachments/"):
        return attachments.MAX_BYTES
    return info.compress_size * UNDECLARED_RATIO + 64 * 1024 * 1024


def _check_entries(zf: zipfile.ZipFile, manifest: Manifest, name: str) -> None:
    """Regular files only, each one the manifest lists under a name the program itself writes (no
    folder, link, absolute or ``..`` path), no larger than declared: otherwise the whole file is refused."""
    refuse = _("备份文件“{name}”不能用于恢复：{reason}。为安全起见整个文件都不使用，请换一个备份").format
    seen: set[str] = set()
    for info in zf.infolist():
        entry = info.filename
        mode = info.external_attr >> 16
        if entry in seen:
            raise NotABackup(refuse(name=name, reason=_("条目“{e}”出现了两次").format(e=entry)))
        seen.add(entry)
        kind = stat.S_IFMT(mode)  # 0 when the writer recorded no type (Python's writestr): a plain file
        if info.is_dir() or (kind and kind != stat.S_IFREG):
            raise NotABackup(refuse(name=name, reason=_("“{e}”不是普通文件（文件夹或链接）").format(e=entry)))
        if entry == MANIFEST:
            continue
        match = ATTACHMENT_NAME.match(entry)
        if entry != DB_NAME and not (match and match.group(2).startswith(match.group(1))):
            raise NotABackup(refuse(name=name, reason=_("其中有不属于保修台备份的条目“{e}”").format(e=entry)))
        if entry not in manifest.files or (match and manifest.files[entry] != match.group(2)):
            raise NotABackup(refuse(name=name, reason=_("条目“{e}”不在它的清单中，或与清单不符").format(e=entry)))
        cap = _size_cap(manifest, info)
        if info.file_size > cap or (manifest.sizes and info.file_size != cap):
            raise NotABackup(refuse(name=name, reason=_("条目“{e}”解开后有 {size} 字节，超过清单所写的 {cap} 字节").format(
                e=entry, size=info.file_size, cap=max(cap, 0))))


def verify(path: str | Path, skip: frozenset[str] = frozenset()) -> Manifest:
    """Read the manifest, check every entry of the archive (`_check_entries`) and the SHA-256 of every
    file (but those in `skip`: a restore checks the database's hash as it unpacks it, `_extract`)."""
    manifest = read_manifest(path)
    name = Path(path).name
    damaged = _("备份文件“{name}”已损坏（{what} 校验不符），不能用于恢复，请换一个备份").format
    try:
        with zipfile.ZipFile(path) as zf:
            _check_entries(zf, manifest, name)
            names = set(zf.namelist())
            for entry, sha in manifest.files.items():
                if entry not in names:
                    raise NotABackup(damaged(name=name, what=entry))
                if entry in skip:
                    continue
                h = hashlib.sha256()
                with zf.open(entry) as fh:
                    for chunk in iter(functools.partial(fh.read, 1 << 20), b""):
                        h.update(chunk)
                if h.hexdigest() != sha:
                    raise NotABackup(damaged(name=name, what=entry))
    except NotABackup:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile, NotImplementedError, RuntimeError,
            ValueError) as exc:
        raise NotABackup(damaged(name=name, what=str(exc))) from None
    return manifest


def latest_good_backup(folder: str | Path | list | None = None) -> tuple[Path, Manifest] | None:
    """The newest backup that verifies completely in the folder (or folders), or None."""
    folders = folder if isinstance(folder, (list, tuple)) else [Path(folder) if folder else None]
    found = [p for f in folders for p in list_backups(f)]
    for path in sorted(found, key=lambda p: (_stamp_of(p), p.name), reverse=True):
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

def _extract(zf: zipfile.ZipFile, name: str, dest: Path, manifest: Manifest) -> None:
    """Unpack one entry, never more bytes than the manifest allows, and check its hash on the way."""
    info = zf.getinfo(name)
    cap = _size_cap(manifest, info)
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    hold(fd)
    with os.fdopen(fd, "wb") as out:
        start = _stored_data_offset(zf, info) if info.file_size <= cap else None
        if start is not None:  # the database, stored: copied by the OS, hashed from the archive beside it
            digest = _copy_stored(zf, start, info.file_size, out.fileno())
        else:
            digest = _unpack_hashed(zf, name, out, cap)
        out.flush()
        os.fsync(out.fileno())
    if digest != manifest.files[name]:
        raise NotABackup(_("备份文件已损坏（{what} 校验不符），不能用于恢复，请换一个备份").format(what=name))


def _unpack_hashed(zf: zipfile.ZipFile, name: str, out, cap: int) -> str:
    """An entry read through zipfile (inflated if compressed), hashed as it is written."""
    h = _Hasher()
    written = 0
    try:
        with zf.open(name) as src:
            for chunk in iter(lambda: src.read(4 << 20), b""):
                written += len(chunk)
                if written > cap:
                    raise NotABackup(_("备份中的“{e}”比清单所写的大，不能用于恢复").format(e=name))
                h.update(chunk)
                out.write(chunk)
    finally:
        digest = h.hexdigest()
    return digest


# a zip entry's local file header (APPNOTE 4.3.7): signature, versions, flags, method, time, date, CRC, sizes,
# the lengths of the name and of the extra field that come between it and the entry's bytes
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")


def _stored_data_offset(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> int | None:
    """Where an entry's bytes begin in the archive file, when they are stored as they are (not
    compressed, not encrypted) and its local header names it; None otherwise (then zipfile unpacks it)."""
    if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1 or info.compress_size != info.file_size:
        return None
    fp = zf.fp
    if fp is None or not hasattr(fp, "fileno"):
        return None
    try:
        header = os.pread(fp.fileno(), _LOCAL_HEADER.size, info.header_offset)
        if len(header) != _LOCAL_HEADER.size:
            return None
        fields = _LOCAL_HEADER.unpack(header)
        if fields[0] != b"PK\x03\x04":
            return None
        name_length, extra_length = fields[10], fields[11]
        local_name = os.pread(fp.fileno(), name_length, info.header_offset + _LOCAL_HEADER.size)
        if local_name.decode("utf-8" if info.flag_bits & 0x800 else "cp437", "replace") != info.filename:
            return None
    except (AttributeError, OSError, struct.error, ValueError, io.UnsupportedOperation):
        return None
    return info.header_offset + _LOCAL_HEADER.size + name_length + extra_length


def _copy_stored(zf: zipfile.ZipFile, start: int, length: int, out_fd: int) -> str:
    """`length` bytes of the archive from `start` into `out_fd` by the OS (copy_file_range: no trip
    through Python, as `cp` copies), while a thread hashes the same bytes of the archive; a short
    archive is refused. Returns their SHA-256."""
    assert zf.fp is not None  # an open archive (`_stored_data_offset` found its file)
    src_fd = zf.fp.fileno()

    def digest() -> str:
        sha = hashlib.sha256()
        offset, end = start, start + length
        while offset < end:
            chunk = os.pread(src_fd, min(4 << 20, end - offset), offset)
            if not chunk:
                break
            sha.update(chunk)
            offset += len(chunk)
        return sha.hexdigest() if offset == end else ""

    hashing = _Background(digest)
    try:
        copied = 0
        kernel = hasattr(os, "copy_file_range")
        while copied < length:
            n = 0
            if kernel:
                try:
                    n = os.copy_file_range(src_fd, out_fd, min(1 << 30, length - copied), start + copied, copied)
                except OSError:  # not between these files (another file system, an old kernel): by hand
                    kernel = False
                    continue
            else:
                chunk = os.pread(src_fd, min(4 << 20, length - copied), start + copied)
                n = os.pwrite(out_fd, chunk, copied) if chunk else 0
            if n == 0:
                raise NotABackup(_("备份文件已损坏（{what} 校验不符），不能用于恢复，请换一个备份").format(what=DB_NAME))
            copied += n
        os.fsync(out_fd)  # to disk while the hash is still being computed
    finally:
        value = hashing.result()
    return value


def _restore_attachments(zf: zipfile.ZipFile, manifest: Manifest) -> int:
    """Put back every attachment file that is missing or wrong (content-addressed, so merging is safe)."""
    folder = attachments.attachments_dir()
    restored = 0
    for name, sha in manifest.files.items():
        if not name.startswith("attachments/"):
            continue
        target = folder / sha[:2] / sha
        if target.is_file() and sha256_of(target) == sha:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=RESTORING, dir=target.parent)
        os.close(fd)
        try:
            _extract(zf, name, Path(tmp), manifest)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        restored += 1
    return restored


def missing_schema(db) -> list[str]:
    """The program's tables and columns a database lacks ("table" or "table.column")."""
    gone = []
    for model in ALL_MODELS:
        table = model._meta.table_name
        if is_postgres(db):
            rows = db.execute_sql("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                                  "current_schema() AND table_name = %s", (table,)).fetchall()
        else:
            rows = db.execute_sql(f'PRAGMA table_info("{table}")').fetchall()
            rows = [(r[1],) for r in rows]
        columns = {r[0] for r in rows}
        if not columns:
            gone.append(table)
            continue
        gone += [f"{table}.{f.column_name}" for f in model._meta.sorted_fields if f.column_name not in columns]
    return gone


def _prepare_snapshot(snapshot: Path, manifest: Manifest) -> tuple[int | None, list[str]]:
    """Open the database inside the backup and check it before anything is replaced: the full integrity
    check, a 保修台 schema version this program can migrate (and the one the manifest names), every
    table and column of the program after migrating, the audit log's guards (put back when missing).
    Returns (the version it was migrated from or None, the guards put back)."""
    # `_extract` has proved the bytes are those whose SHA-256 the manifest records. When the manifest also
    # records that this program checked the pages of exactly those bytes as it wrote them (`checked_sha256`),
    # reading every page again proves nothing more: the header, the tables and the version are looked at
    # (a millisecond). Any other archive — an older release's, one whose database was rewritten and hashed
    # again by hand, another program's — is checked as the start checks a file (pages, records, free list,
    # foreign keys). The full integrity check (every index against its table: 33 s at 10× the default
    # office) follows after the start, as always.
    checked = bool(manifest.checked_sha256) and manifest.checked_sha256 == manifest.files.get(DB_NAME)
    verdict = (early_check.peek(snapshot) if checked else None) or early_check.inspect(snapshot, quick=True)
    not_ours = _("备份中的数据库不是保修台的数据库（{what}），不能用于恢复，请换一个备份").format
    if verdict.kind == "foreign" or (verdict.kind == "ok" and not verdict.version):
        raise NotABackup(not_ours(what="、".join(verdict.tables[:5]) or _("没有数据表")))
    if verdict.kind != "ok":
        from .integrity import describe

        raise NotABackup(_("备份中的数据库已损坏（{p}），不能用于恢复，请换一个备份").format(p=describe(verdict)[0]))
    latest = migrations.latest_version()
    if verdict.version > latest:
        raise NotABackup(_("这个备份来自更新版本的保修台（数据版本 {v}），请先升级本程序再恢复").format(v=verdict.version))
    if verdict.version != manifest.schema_version:
        raise NotABackup(_("备份的清单写的是数据版本 {m}，其中的数据库却是版本 {v}：这个备份被改动过，不能用于恢复").format(
            m=manifest.schema_version, v=verdict.version))
    snap = SqliteDatabase(str(snapshot), pragmas={"foreign_keys": 1})
    snap.connect()
    try:
        before = None
        if verdict.version < latest:
            with snap.bind_ctx(ALL_MODELS, bind_refs=False, bind_backrefs=False):
                migrate(snap)
            before = verdict.version
        gone = missing_schema(snap)
        if gone:
            raise NotABackup(not_ours(what=_("缺少 {what}").format(what="、".join(gone[:5]))))
        return before, audit_guard.ensure(snap)
    except NotABackup:
        raise
    except Exception as exc:  # noqa: BLE001 - a migration that fails on what is inside: not usable
        raise NotABackup(not_ours(what=str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__)) from exc
    finally:
        snap.close()


def _count(db) -> dict[str, int]:
    return {m._meta.table_name: db.execute_sql(f'SELECT COUNT(*) FROM "{m._meta.table_name}"').fetchone()[0]
            for m in ALL_MODELS}


def restore_from(path: str | Path, *, db=None, target: str | Path | None = None,
                 safety_backup: bool = True, wait_s: float = write_lock.RESTORE_WAIT_S) -> RestoreResult:
    """Replace the database (and merge the attachments) with the backup at `path`.

    `target`: the file or server to restore into (default: the open database's). The database inside
    the backup is checked before anything is replaced (`_prepare_snapshot`); then the office-wide write
    lock is taken (write_lock: running writers are waited for up to `wait_s`, then named; new ones are
    refused until the restore is done) and the current data is backed up first into the backup folder (``…-before-restore.wdbak``), or — a damaged file that cannot be
    backed up — copied aside untouched. Afterwards the database is open (the same file or server) with
    the restored data, and the counts are counted in it.
    """
    path = Path(path)
    # the database's hash is checked while it is unpacked (`_extract`), before anything is replaced:
    # not a second time here (it is most of the archive)
    manifest = verify(path, skip=frozenset({DB_NAME}))
    db = db if db is not None else database_proxy.obj
    if target is None:
        if db is None:
            raise ValidationError(_("没有打开的数据库可以恢复"))
        target = database_target(db)
    target = str(target)
    if is_url(target):
        result = _restore_into_server(path, manifest, db, safety_backup, wait_s)
    else:
        result = _restore_into_file(path, manifest, Path(target).expanduser(), db, safety_backup, wait_s)
    verify_service.save_checkpoint(target, None)  # another chain now: the next walk goes through it all
    return result


def _restore_into_file(path: Path, manifest: Manifest, file: Path, db, safety_backup: bool,
                       wait_s: float) -> RestoreResult:
    from .. import instance_lock
    from ..db import open_database
    from .integrity import describe, open_read_only

    if instance_lock.held_elsewhere(file):
        raise ValidationError(_("保修台的另一个窗口正在使用这个数据库，请先关闭它再恢复"))
    # the header and the tables decide here (a millisecond); the pages of a sound-looking file are not read:
    # the file is kept as it is, renamed, not copied (a file whose header or schema cannot be read is checked
    # through now, and a damaged one copied aside untouched)
    verdict = early_check.peek(file) or early_check.inspect(file, quick=True)
    if verdict.kind == "foreign":  # never overwrite another program's database
        raise ValidationError(describe(verdict)[0])
    was_open = db is not None and not db.is_closed() and database_target(db) == str(file)
    safety = None
    try:
        # a work folder beside the database (same disk, so os.replace is one atomic step)
        with zipfile.ZipFile(path) as zf, work_dir(file.parent, f".{file.name}{RESTORING}") as work:
            snapshot = work / DB_NAME
            _extract(zf, DB_NAME, snapshot, manifest)
            migrated, guards = _prepare_snapshot(snapshot, manifest)  # checked before anything is touched
            # from here no one writes: running transactions are waited for, new ones are refused
            with write_lock.exclusive(str(file), wait_s=wait_s):
                keep = safety_backup and verdict.kind not in ("new", "empty")
                if keep and verdict.kind != "ok":
                    safety = _set_aside(file)
                    keep = False
                elif keep:
                    keep = _file_has_data(file)
                    safety = _kept_name(file) if keep else None
                restored = _restore_attachments(zf, manifest)
                snap = SqliteDatabase(str(snapshot))
                with snap.bind_ctx([AuditLog], bind_refs=False, bind_backrefs=False):
                    _record_restore(path, manifest, safety)  # in the restored file before it goes live
                snap.close()
                if db is not None and not db.is_closed():
                    with contextlib.suppress(Exception):  # a damaged or read-only file cannot checkpoint
                        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                    db.close()
                kept = _move_aside(file, safety) if keep and safety is not None else []
                try:
                    for extra in ("-wal", "-shm", "-journal"):
                        with contextlib.suppress(FileNotFoundError):
                            os.unlink(str(file) + extra)
                    _replace(snapshot, file)
                except BaseException:
                    _put_back(kept)  # the current data back under its own name, as it was, before anyone writes
                    raise
                _fsync_dir(file.parent)
    except BaseException:
        # the old file is untouched: open it again as it was (never writing into a damaged one)
        if was_open and db.is_closed():
            if verdict.kind == "ok":
                open_database(str(file))
            elif verdict.viewable:
                open_read_only(file)
        raise
    restored_db = open_database(str(file))
    op_changes.note_everything()
    return RestoreResult(manifest, safety, migrated, restored, _count(restored_db), guards)


def keeps_replaced_file(db=None) -> bool:
    """Whether a restore keeps the data it replaces as the database file itself, renamed beside it (an
    SQLite file) rather than as a backup in the backup folder (a PostgreSQL server)."""
    db = db if db is not None else database_proxy.obj
    return db is None or not is_postgres(db)


def _kept_name(file: Path) -> Path:
    """Where a restore keeps the database file it replaces: beside it, named with the time."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate, n = file.with_name(f"{file.stem}-before-restore-{stamp}{file.suffix}"), 1
    while any(os.path.exists(f"{candidate}{extra}") for extra in ("", "-wal", "-shm", "-journal")):
        n += 1
        candidate = file.with_name(f"{file.stem}-before-restore-{stamp}-{n}{file.suffix}")
    return candidate


def _move_aside(file: Path, kept: Path) -> list[tuple[Path, Path]]:
    """The data a restore replaces, kept by renaming the database file (and a -wal, its index or a hot
    -journal still beside it: committed pages another process kept open, or what undoes a half-done write)
    within its folder: one step, nothing copied. Returns what was moved, for `_put_back`. On Windows a file
    another program holds open cannot be renamed: the error goes up and nothing is left moved."""
    moved: list[tuple[Path, Path]] = []
    try:
        for extra in ("", "-wal", "-shm", "-journal"):
            source = Path(f"{file}{extra}")
            if extra and not source.exists():
                continue
            os.rename(source, f"{kept}{extra}")
            moved.append((source, Path(f"{kept}{extra}")))
        _fsync_dir(file.parent)
    except BaseException:
        _put_back(moved)
        raise
    make_private(kept, f"{kept}-wal", f"{kept}-shm", f"{kept}-journal")
    if os.path.exists(f"{kept}-wal"):  # one file for the clerk to keep: its -wal folded in (else left beside it)
        with contextlib.suppress(sqlite3.Error):
            con = sqlite3.connect(str(kept), timeout=1)
            try:
                con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                con.close()
    return moved


def _replace(snapshot: Path, file: Path) -> None:
    """The checked snapshot put in place of the database file in one step (same folder)."""
    os.replace(snapshot, file)


def _put_back(moved: list[tuple[Path, Path]]) -> None:
    """Undo `_move_aside`: a restore that failed after the current file was renamed puts it back."""
    for source, kept in reversed(moved):
        try:
            os.replace(kept, source)
        except OSError:  # never lost: it is still there under its kept name, which the log says
            log.exception("could not put %s back as %s", kept, source)
    if moved:
        with contextlib.suppress(OSError):
            _fsync_dir(moved[0][0].parent)


def _restore_into_server(path: Path, manifest: Manifest, db, safety_backup: bool, wait_s: float) -> RestoreResult:
    safety = None
    with zipfile.ZipFile(path) as zf, work_dir(None, "wd-restore-") as tmp:
        snapshot = Path(tmp) / DB_NAME
        _extract(zf, DB_NAME, snapshot, manifest)
        migrated, _guards = _prepare_snapshot(snapshot, manifest)  # checked before anything is touched
        # from here no one writes: running transactions are waited for, new ones are refused
        with write_lock.exclusive(database_target(db), db, wait_s=wait_s):
            if safety_backup and _has_data(db):
                folder = backup_folder(target=database_target(db))
                safety = _unique(folder / _auto_name(dt.datetime.now(), "before-restore"))
                backup_to(safety, db=db)
            restored = _restore_attachments(zf, manifest)
            _import_into_postgres(snapshot, db, lambda: _record_restore(path, manifest, safety))
            guards = audit_guard.ensure(db)  # the server's own guards: put back if someone dropped them
    op_changes.note_everything()
    return RestoreResult(manifest, safety, migrated, restored, _count(db), guards)


def _record_restore(path: Path, manifest: Manifest, safety: Path | None) -> None:
    """The restore itself in the restored audit log (chained after the backup's last row)."""
    audit.record("restore", "database", None, None, {
        "backup": path.name, "backup_created_at": manifest.created_at, "backup_created_by": manifest.created_by,
        "counts": {k: manifest.counts.get(k, 0) for k in ("project", "ticket", "visit")},
        "safety_backup": str(safety or ""),
    }, _("从备份 {name} 恢复").format(name=path.name))


def db_path(db) -> Path:
    from .integrity import db_file

    return db_file(db)


def _has_data(db) -> bool:
    try:
        return bool(db.execute_sql("SELECT EXISTS (SELECT 1 FROM audit_log)").fetchone()[0])
    except Exception:  # noqa: BLE001 - a damaged file: treat as holding data (set it aside)
        return True


def _file_has_data(file: Path) -> bool:
    """Whether a sound SQLite file holds any record (an office that only just began holds none)."""
    con = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit_log'").fetchone():
            return False
        return con.execute("SELECT EXISTS (SELECT 1 FROM audit_log)").fetchone()[0] == 1
    except sqlite3.Error:
        return True
    finally:
        con.close()


def _set_aside(source: Path) -> Path:
    """A damaged SQLite file cannot be backed up; its files are copied aside untouched instead."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = source.with_name(f"{source.name}.damaged-{stamp}")
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


def _import_into_postgres(snapshot: Path, db, on_restored=None) -> None:
    """Replace every table of the PostgreSQL database with the snapshot's rows, in one transaction.
    TRUNCATE (not DELETE) empties the tables: the append-only guard on audit_log stops row deletes,
    while a restore legitimately replaces the whole log with the backup's own."""
    src = SqliteDatabase(str(snapshot))
    src.connect()
    try:
        tables = ", ".join(f'"{m._meta.table_name}"' for m in ALL_MODELS)
        with db.atomic():
            # the guard refuses TRUNCATE of the audit log; a restore (the tables' owner) lifts it for this
            # transaction only: the backup's own log, with its hash chain, replaces the log
            db.execute_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_truncate")
            db.execute_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            db.execute_sql("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_truncate")
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
            attachment_store.share_local_files()
            if on_restored is not None:
                on_restored()
    finally:
        src.close()


def restore_summary(result: RestoreResult) -> str:
    m = result.manifest
    counts = result.counts or m.counts  # counted in the restored database
    parts = [_("已从 {date} 的备份恢复：{projects}个工程，{tickets}张工单，{visits}次回访，{files}个附件文件").format(
        date=m.created.strftime("%Y-%m-%d %H:%M"), projects=counts.get("project", 0),
        tickets=counts.get("ticket", 0), visits=counts.get("visit", 0),
        files=sum(1 for n in m.files if n.startswith("attachments/")))]
    if result.migrated_from is not None:
        parts.append(_("（备份的数据版本 {v} 已升级到当前版本）").format(v=result.migrated_from))
    if result.guards_restored:
        parts.append(_("备份中修改记录的保护（数据库触发器）被删除过，已重新加上"))
    if result.safety_backup:
        parts.append(_("恢复前的数据已另存为：{p}").format(p=result.safety_backup))
    return "\n".join(parts)
