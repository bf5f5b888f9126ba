"""Opening the database: SQLite file (default) or a PostgreSQL URL; schema created or migrated."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import sqlite3
import threading
from pathlib import Path

from peewee import DatabaseError as PeeweeDatabaseError
from peewee import OperationalError as PeeweeOperationalError
from peewee import PostgresqlDatabase, SqliteDatabase

from warranty_desk.i18n import _

from . import attachment_store, migrations
from .errors import DatabaseBusy, ValidationError
from .fileio import make_private
from .models import SchemaVersion, Setting, database_proxy, tuples

log = logging.getLogger(__name__)

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
    "cache_size": -32000,
}


class NewerSchemaError(ValidationError):
    pass


def _busy(exc: Exception) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class OfficeSqliteDatabase(SqliteDatabase):
    """SQLite whose every transaction takes the write lock when it begins (BEGIN IMMEDIATE), also
    those begun through `database_proxy.atomic()` (peewee then calls `begin()` without a lock type).

    A deferred transaction that reads and then writes fails at once with "database is locked" when
    another window committed in between; an immediate one waits (busy timeout) instead. A wait that
    runs out is told as `DatabaseBusy` ("正在被占用，请稍后再试"), never as the driver's text.

    Every transaction also holds the office-wide write lock (write_lock: refused while a restore
    runs), and first follows the file when a restore has put another one at its path."""

    def __init__(self, database, *args, **kwargs):
        kwargs.setdefault("lock_type", "IMMEDIATE")
        super().__init__(database, *args, **kwargs)
        self._file_ids: dict[int, tuple[int, int]] = {}
        self._holding = threading.local()

    def _office_lock(self):
        name = self.database or ""
        if name in ("", ":memory:") or name.startswith("file:"):
            return None
        from . import write_lock

        return write_lock.for_file(name)

    def _connect(self):
        conn = super()._connect()  # type: ignore[misc]
        with contextlib.suppress(OSError, TypeError):
            st = os.stat(self.database)
            self._file_ids[id(conn)] = (st.st_dev, st.st_ino)
        return conn

    def _close(self, conn):
        self._file_ids.pop(id(conn), None)
        super()._close(conn)  # type: ignore[misc]

    def _follow_replaced_file(self) -> None:
        """A restore (in another process) put a new file at the path: continue in that one."""
        conn = self._state.conn  # type: ignore[attr-defined]
        if conn is None:
            return
        known = self._file_ids.get(id(conn))
        try:
            st = os.stat(self.database)
        except (OSError, TypeError):
            return
        if known is not None and known != (st.st_dev, st.st_ino):
            self.close()
            self.connect()

    def begin(self, lock_type=None):
        lock = self._office_lock()
        if lock is not None:
            lock.enter()  # RestoreInProgress while a restore runs
            self._holding.lock = lock
        try:
            self._follow_replaced_file()
            super().begin(lock_type)
        except (sqlite3.OperationalError, PeeweeOperationalError) as exc:
            self._release()
            if _busy(exc):
                raise DatabaseBusy() from exc
            raise
        except BaseException:
            self._release()
            raise

    def _release(self) -> None:
        lock = getattr(self._holding, "lock", None)
        if lock is not None:
            self._holding.lock = None
            lock.exit()

    def commit(self):
        try:
            super().commit()
        finally:
            self._release()

    def rollback(self):
        # after "database or disk is full" SQLite has already rolled the transaction back: a second
        # ROLLBACK would fail with "cannot rollback" and hide the real reason
        try:
            conn = self._state.conn  # type: ignore[attr-defined]
            if conn is not None and not conn.in_transaction:
                return
            super().rollback()
        finally:
            self._release()


CONNECT_TIMEOUT_S = 5
URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")  # two letters or more: "C:" is a Windows drive


class PostgresqlOfficeDatabase(PostgresqlDatabase):  # the name starts with "Postgres": migration steps look at it
    """PostgreSQL with a connection timeout (a server that does not answer is told in seconds, not
    minutes), the program's name in the server's session list (pg_stat_activity), and the office-wide
    write lock in every transaction (write_lock: refused while a restore runs)."""

    def __init__(self, database, *args, **kwargs):
        from . import drivers

        drivers.ensure_postgres()  # the desktop program started on a file left it out of peewee's import
        kwargs.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
        kwargs.setdefault("application_name", session_name())
        if "password" not in kwargs and isinstance(database, str) and "://" in database:
            from . import passwords

            if passwords.password_in(database) is None:  # saved without it: the keyring, or typed this session
                secret = passwords.password_for(database)
                if secret:
                    kwargs["password"] = secret
        super().__init__(database, *args, **kwargs)

    def begin(self, isolation_level=None):
        if isinstance(isolation_level, str):  # e.g. "REPEATABLE READ, READ ONLY": set before any query
            with __import__("peewee").__exception_wrapper__:
                self.cursor().execute(f"BEGIN TRANSACTION ISOLATION LEVEL {isolation_level}")
        else:
            super().begin(isolation_level)
        from . import write_lock

        try:
            write_lock.pg_enter(self)
        except BaseException:
            super().rollback()
            raise


def session_name() -> str:
    """Who this process is, for the server's session list and the write lock's "who is writing":
    "warranty-desk import projects @host pid 4242" (no paths, no addresses)."""
    import socket
    import sys

    argv = list(sys.argv)
    stem = Path(argv[0]).stem if argv and argv[0] else "python"
    program = {"cli": "warranty-desk", "__main__": "warranty-desk", "main": "warranty-desk-gui"}.get(stem, stem)
    words, skip = [], False
    for arg in argv[1:]:
        if skip:
            skip = False
            continue
        if arg in ("--db", "--lang", "-o", "--output"):
            skip = True
            continue
        if arg.startswith("-") or "/" in arg or "\\" in arg or "://" in arg or "." in arg:
            continue
        words.append(arg)
    return f"{program} {' '.join(words[:3])} @{socket.gethostname()} pid {os.getpid()}"[:63]


def is_url(target: str) -> bool:
    return "://" in target


def _connect(target: str, busy_timeout_ms: int = 5000):
    if is_url(target) or URL_SCHEME.match(target):
        from .db_check import mask_password

        if target.startswith(("postgres://", "postgresql://")):
            return PostgresqlOfficeDatabase(target)
        if target.startswith("sqlite:///"):
            target = target[len("sqlite:///"):]
        else:
            raise ValidationError(_("不支持的数据库地址：{target}（请用文件路径或 postgresql://…）").format(
                target=mask_password(target)))
    path = Path(target).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    pragmas = dict(SQLITE_PRAGMAS, busy_timeout=busy_timeout_ms)
    return OfficeSqliteDatabase(str(path), pragmas=pragmas, timeout=busy_timeout_ms / 1000, check_same_thread=False)


def current_version(db) -> int:
    if not db.table_exists("schema_version"):
        return 0
    row = db.execute_sql("SELECT MAX(version) FROM schema_version").fetchone()
    return row[0] or 0


def copy_aside(db, version: int) -> Path | None:
    """Copy an SQLite file aside before migrating it (online backup API, never a file copy)."""
    if not isinstance(db, SqliteDatabase) or db.database in (":memory:", ""):
        return None
    source = Path(db.database)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = source.with_name(f"{source.stem}.v{version}.{stamp}.bak{source.suffix}")
    dest = sqlite3.connect(str(target))
    try:
        db.connection().backup(dest)
    finally:
        dest.close()
        make_private(target)
    log.info("copied %s aside to %s before migrating", source, target)
    return target


def migrate(db) -> int:
    """Bring the schema up to the latest version; returns the version it had before."""
    before = current_version(db)
    latest = migrations.latest_version()
    if before > latest:
        raise NewerSchemaError(
            _("数据库版本（{before}）比本程序（{latest}）新，请先升级保修台程序").format(before=before, latest=latest)
        )
    if 0 < before < latest:
        copy_aside(db, before)
    for version, step in migrations.steps():
        if version <= before:
            continue
        with db.atomic():
            step.apply(db)
            SchemaVersion.insert(version=version, applied_at=dt.datetime.now()).execute()
        log.info("schema migrated to version %s", version)
    return before


def open_database(target: str, *, create: bool = True, stamp: bool = True, busy_timeout_ms: int = 5000):
    """Open (and create or migrate) the database at a file path or URL and bind the models.
    `stamp=False`: the caller calls `stamp_app_version()` itself later (the desktop program, once its
    window shows: reading the installed version loads importlib.metadata, 20 ms).
    `busy_timeout_ms`: how long an SQLite write waits for another writer (the command line waits longer
    than a window, where the clerk is looking at a busy cursor)."""
    db = _connect(target, busy_timeout_ms)
    database_proxy.initialize(db)
    db.connect(reuse_if_open=True)
    protect_files(db)
    if create:
        migrate(db)
        from . import audit_guard

        audit_guard.ensure(db)  # one look at the triggers; put back only when someone dropped them
        if stamp:
            stamp_app_version()
        update_statistics(db)
        share_attachments(db)
    return db


def protect_files(db) -> None:
    """The database file and its -wal/-shm hold the office's data: owner-only, like the backups
    (SQLite creates a later -wal/-shm with the database file's mode)."""
    if isinstance(db, SqliteDatabase) and db.database not in (":memory:", ""):
        make_private(db.database, f"{db.database}-wal", f"{db.database}-shm", f"{db.database}-journal")


def share_attachments(db) -> int:
    """PostgreSQL: this PC's attachment files the server does not hold yet go into the database (files
    from before schema version 3). One short query when there is nothing to share; a failure is only
    logged (the files stay on this PC and are shared at the next start)."""
    if not is_postgres(db):
        return 0
    try:
        return attachment_store.share_local_files()
    except PeeweeDatabaseError as exc:
        log.warning("could not share this PC's attachment files with the server: %s", exc)
        return 0


STATISTICS_TABLES = ("visit", "ticket", "unit")  # the big tables whose growth makes old statistics wrong


def statistics_stale(db) -> bool:
    """True when SQLite has no planner statistics, or a big table has more than doubled (or halved)
    since they were taken."""
    if not db.execute_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
        return True
    for table in STATISTICS_TABLES:
        if not db.table_exists(table):
            continue
        # the largest rowid, not COUNT(*): one step down the table's b-tree instead of reading all of it
        # (rows are seldom deleted; what matters is growth), so opening costs the same at any size
        rows = db.execute_sql(f'SELECT MAX(rowid) FROM "{table}"').fetchone()[0] or 0
        stat = db.execute_sql("SELECT stat FROM sqlite_stat1 WHERE tbl = ? LIMIT 1", (table,)).fetchone()
        counted = int(stat[0].split()[0]) if stat and stat[0] else 0
        if rows > 2 * counted + 100 or counted > 2 * rows + 100:
            return True
    return False


def update_statistics(db, force: bool = False) -> bool:
    """Refresh SQLite's query-planner statistics when they are missing or stale (a sampled ANALYZE:
    ~20 ms on a 600-project office); returns whether it ran.

    Without them SQLite picks the index on `status` for "visits planned in this quarter" and reads
    every planned visit of ten years; with them it uses the date index (benchmarks/RESULTS.md).
    Usually nothing is written at open: only when the tables have grown a lot since the last time.
    PostgreSQL keeps its own statistics (autovacuum)."""
    if not isinstance(db, SqliteDatabase):
        return False
    try:
        if not force and not statistics_stale(db):
            return False
        db.execute_sql("PRAGMA analysis_limit=400")
        db.execute_sql("ANALYZE")
        return True
    except (sqlite3.Error, PeeweeDatabaseError) as exc:  # busy or read-only: they are only an optimisation
        log.warning("could not refresh the query statistics: %s", exc)
        return False


def stamp_app_version() -> None:
    """Record in the Setting table which program version created the database and which opened
    it last (keys meta.created_by_version / meta.app_version; services.settings hides meta.*)."""
    from .version import app_version

    value = json.dumps(app_version())
    stored = dict(tuples(Setting.select(Setting.key, Setting.value)
                  .where(Setting.key.in_(["meta.created_by_version", "meta.app_version"]))))
    if stored.get("meta.app_version") == value and "meta.created_by_version" in stored:
        return  # the same version as last time: no write (and no fsync) at a normal start
    with database_proxy.atomic():
        Setting.insert(key="meta.created_by_version", value=value).on_conflict_ignore().execute()
        Setting.insert(key="meta.app_version", value=value).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: value}
        ).execute()


def current_database():
    """The database the program has open now (None before the first open)."""
    return database_proxy.obj


def is_postgres(db) -> bool:
    return isinstance(db, PostgresqlDatabase)
