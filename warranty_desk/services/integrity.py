"""Integrity at start: is the database file sound? A damaged one is opened read-only, never written.

`check_integrity(db)` runs SQLite's ``PRAGMA integrity_check`` (``quick_check`` for large files) and
``PRAGMA foreign_key_check`` and returns the problems in words (empty list: all well). PostgreSQL
checks its own pages; there only the foreign keys are the server's job, so nothing is returned.
`open_checked(target)` is how the desktop program opens its database: check first, then either open
normally (create/migrate) or, when damaged, open read-only so nothing more is written to it, and
let the program offer `backup.latest_good_backup()`.

At start the check is ``quick_check`` + ``foreign_key_check`` (every page, every record, the free
list and the keys: 0.1 s on an 80 MB office instead of 0.5 s), so nothing is written to a file whose
pages are damaged. The full ``integrity_check`` (index contents against their tables, UNIQUE) runs
afterwards on its own read-only connection (`full_check_file`, started by the desktop program once
its window shows); when it finds damage the program switches to read-only then.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from peewee import SqliteDatabase

from ..db import SQLITE_PRAGMAS, is_postgres, is_url, open_database
from ..early_check import EarlyCheck
from ..i18n import _
from ..models import database_proxy

QUICK_ABOVE_BYTES = 200 * 1024 * 1024  # integrity_check reads every index; quick_check above this size
MAX_REPORTED = 20


@dataclass
class StartupCheck:
    db: object
    problems: list[str] = field(default_factory=list)
    read_only: bool = False
    elapsed_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def message(self) -> str:
        if self.ok:
            return ""
        shown = "\n".join(f"· {p}" for p in self.problems[:5])
        return _("数据库文件已损坏，保修台以只读方式打开，不会再写入任何内容，以免损坏扩大。\n"
                 "发现的问题：\n{problems}\n请从最近一次完好的备份恢复（设置 → 数据安全 → 从备份恢复）。").format(problems=shown)


def _problems(rows: list[str], fk_rows) -> list[str]:
    problems = [] if rows == ["ok"] else rows[:MAX_REPORTED]
    for table, rowid, parent, _fkid in list(fk_rows)[:MAX_REPORTED]:
        problems.append(_("表 {table} 第 {rowid} 行引用了不存在的 {parent} 记录").format(
            table=table, rowid=rowid, parent=parent))
    return problems


def check_file(path: str | Path, quick: bool | None = None) -> list[str]:
    """Check an SQLite file through its own read-only connection (nothing is written)."""
    path = Path(path)
    if quick is None:
        quick = path.stat().st_size > QUICK_ABOVE_BYTES
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as exc:
        return [_("无法打开数据库文件：{err}").format(err=exc)]
    try:
        rows = [r[0] for r in con.execute("PRAGMA quick_check" if quick else "PRAGMA integrity_check")]
        return _problems(rows, con.execute("PRAGMA foreign_key_check"))
    except sqlite3.DatabaseError as exc:
        return [_("数据库文件无法读取：{err}").format(err=exc)]
    finally:
        con.close()


def db_file(db) -> Path:
    """The file of an SQLite database, also when it was opened read-only through a file: URI."""
    name = db.database or ""
    if name.startswith("file:"):
        name = name[5:].split("?", 1)[0]
    return Path(name)


def check_integrity(db=None, quick: bool | None = None) -> list[str]:
    """Problems of the open database (empty when sound)."""
    db = db or database_proxy.obj
    if is_postgres(db):
        return []
    if quick is None:
        path = db_file(db)
        quick = path.is_file() and path.stat().st_size > QUICK_ABOVE_BYTES
    try:
        rows = [r[0] for r in db.execute_sql("PRAGMA quick_check" if quick else "PRAGMA integrity_check")]
        return _problems(rows, db.execute_sql("PRAGMA foreign_key_check"))
    except Exception as exc:  # noqa: BLE001 - a damaged file raises sqlite3.DatabaseError subclasses
        return [_("数据库文件无法读取：{err}").format(err=exc)]


def open_read_only(path: str | Path) -> SqliteDatabase:
    pragmas = {k: v for k, v in SQLITE_PRAGMAS.items() if k != "journal_mode"}
    pragmas["query_only"] = 1
    db = SqliteDatabase(f"file:{Path(path)}?mode=ro", uri=True, pragmas=pragmas, check_same_thread=False)
    database_proxy.initialize(db)
    return db


def full_check_file(path: str | Path) -> list[str]:
    """The full ``integrity_check`` of an SQLite file on its own read-only connection (safe to run on
    a worker thread while the program keeps using the database)."""
    return check_file(path, quick=False)


def early_problems(early: EarlyCheck) -> list[str]:
    """The problems found by a check begun at start (`early_check.start`), in words."""
    rows, fk_rows, error = early.wait()
    if error is not None:
        stage, exc = error
        if stage == "open":
            return [_("无法打开数据库文件：{err}").format(err=exc)]
        return [_("数据库文件无法读取：{err}").format(err=exc)]
    return _problems(rows, fk_rows)


def open_checked(target: str, quick: bool | None = None, early: EarlyCheck | None = None,
                 stamp: bool = True) -> StartupCheck:
    """Open the database for the program: checked first; read-only when damaged. `quick`: True for
    ``quick_check`` (the desktop start, see the module text), None: the full check below
    `QUICK_ABOVE_BYTES`. `early`: the check already running for this file (`early_check.start`).
    `stamp`: passed to `db.open_database` (False: the caller stamps the version later)."""
    start = time.perf_counter()
    if is_url(target):
        db = open_database(target, stamp=stamp)
        return StartupCheck(db, [], False, (time.perf_counter() - start) * 1000)
    path = Path(target).expanduser()
    if path.exists() and path.stat().st_size > 0:
        if early is not None and early.path == path and (quick is True or not early.quick):
            problems = early_problems(early)
        else:
            problems = check_file(path, quick=quick)
        if problems:
            db = open_read_only(path)
            return StartupCheck(db, problems, True, (time.perf_counter() - start) * 1000)
    elapsed = (time.perf_counter() - start) * 1000
    db = open_database(str(path), stamp=stamp)
    return StartupCheck(db, [], False, elapsed)
