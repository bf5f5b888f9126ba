"""Integrity at start: is the database file sound? A damaged one is opened read-only, never written.

`check_integrity(db)` runs SQLite's ``PRAGMA integrity_check`` (``quick_check`` for large files) and
``PRAGMA foreign_key_check`` and returns the problems in words (empty list: all well). PostgreSQL
checks its own pages; there only the foreign keys are the server's job, so nothing is returned.
`open_checked(target)` is how the desktop program opens its database: check first (`early_check.inspect`),
then either open normally (create/migrate) or, when damaged, open read-only so nothing more is written
to it (an empty, cut-short, unreadable or foreign file is not opened at all), and let the program offer
`backup.latest_good_backup()`. `require_sound_file(target)` is the command line's check before it writes.

At start the check is ``quick_check`` + ``foreign_key_check`` (every page, every record, the free
list and the keys: 0.1 s on an 80 MB office instead of 0.5 s, a few seconds on a 1 GB one), so nothing is
written to a file whose pages are damaged; the desktop start shows its window before that answer, with
the file open read-only until it comes (`open_for_start`, `finish_start`). The full ``integrity_check`` (index contents against their tables, UNIQUE) runs
afterwards on its own read-only connection (`full_check_file`, started by the desktop program once
its window shows); when it finds damage the program switches to read-only then.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from peewee import SqliteDatabase

from .. import early_check
from ..db import SQLITE_PRAGMAS, is_postgres, is_url, open_database
from ..early_check import EarlyCheck, Verdict
from ..errors import ValidationError
from ..i18n import _
from ..models import database_proxy

QUICK_ABOVE_BYTES = 200 * 1024 * 1024  # integrity_check reads every index; quick_check above this size
MAX_REPORTED = 20


@dataclass
class StartupCheck:
    db: object  # the open database; None when the file could not be opened at all (see `verdict`)
    problems: list[str] = field(default_factory=list)
    read_only: bool = False
    elapsed_ms: float = 0.0
    verdict: Verdict | None = None
    file_read_only: bool = False  # sound, but the file or its folder may not be written: opened read-only
    pending: EarlyCheck | None = None  # open read-only until this check answers (`open_for_start`)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def kind(self) -> str:
        return self.verdict.kind if self.verdict is not None else ("damaged" if self.problems else "ok")

    @property
    def viewable(self) -> bool:
        """The damaged file is open read-only and can be looked at (not an empty or unreadable one)."""
        return self.read_only and self.db is not None

    def message(self) -> str:
        if self.ok:
            return ""
        shown = "\n".join(f"· {p}" for p in self.problems[:5])
        if not self.viewable:
            path = self.verdict.path if self.verdict is not None else ""
            return _("保修台不能使用这个数据库文件，没有打开它，也不会往里面写任何内容：\n{path}\n\n{problems}").format(
                path=path, problems=shown)
        return _("数据库文件已损坏，保修台以只读方式打开，不会再写入任何内容，以免损坏扩大。\n"
                 "发现的问题：\n{problems}\n请从最近一次完好的备份恢复（设置 → 数据安全 → 从备份恢复）。").format(problems=shown)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def describe(verdict: Verdict) -> list[str]:
    """What is wrong with the file, in words (empty when it is sound)."""
    name = verdict.path.name
    if verdict.kind in ("ok", "new"):
        return []
    if verdict.kind == "empty":
        return [_("数据库文件“{name}”是空的（0 字节），可能是复制或保存时被中断了。保修台不会把它当作新的空数据库使用"
                  "（要从头开始，请先删除这个空文件）").format(name=name)]
    if verdict.kind == "not_sqlite":
        return [_("数据库文件“{name}”的文件头已损坏，或它根本不是数据库文件").format(name=name)]
    if verdict.kind == "truncated":
        return [_("数据库文件“{name}”不完整：只有 {size}，按文件头应至少有 {expected}（文件被截断了）").format(
            name=name, size=_size(verdict.size), expected=_size(verdict.expected_size))]
    if verdict.kind == "foreign":
        return [_("“{name}”不是保修台的数据库（里面是别的数据表：{tables}），保修台不会改动它。"
                  "请检查数据库的位置（设置 → 数据安全，或 --db）").format(
            name=name, tables="、".join(verdict.tables[:5]))]
    if verdict.error is not None:
        stage, exc = verdict.error
        if stage == "open":
            return [_("无法打开数据库文件：{err}").format(err=exc)]
        return [_("数据库文件无法读取：{err}").format(err=exc)]
    return _problems(verdict.rows, verdict.fk_rows)


def _problems(rows: list[str], fk_rows) -> list[str]:
    problems = [r for r in rows if r != "ok"][:MAX_REPORTED]
    for table, rowid, parent, _fkid in list(fk_rows)[:MAX_REPORTED]:
        problems.append(_("表 {table} 第 {rowid} 行引用了不存在的 {parent} 记录").format(
            table=table, rowid=rowid, parent=parent))
    return problems


def check_file(path: str | Path, quick: bool | None = None) -> list[str]:
    """Check an SQLite file through its own read-only connection (nothing is written)."""
    path = Path(path)
    if quick is None:
        quick = path.is_file() and path.stat().st_size > QUICK_ABOVE_BYTES
    return describe(early_check.inspect(path, quick=quick))


class DatabaseNotUsable(ValidationError):
    """The SQLite file is damaged, empty, cut short, not a database or another program's: nothing is
    written to it. `verdict` says which."""

    def __init__(self, verdict: Verdict):
        self.verdict = verdict
        problems = describe(verdict)
        text = problems[0] if verdict.kind != "damaged" else _(
            "数据库文件“{name}”已损坏：{problem}").format(name=verdict.path.name, problem=problems[0])
        if verdict.kind != "foreign":
            newest = _newest_backup(verdict.path)
            text += _("。没有写入任何内容；请从备份恢复：warranty-desk restore {backup}").format(
                backup=f'"{newest}"' if newest else _("备份文件.wdbak"))
        super().__init__(text.replace("\n", " "))


def _newest_backup(path: Path) -> Path | None:
    """The newest backup file of this database by its name (not verified: only named in a message)."""
    from . import backup

    for folder in backup.offer_folders(path):
        found = backup.list_backups(folder)
        if found:
            return found[0]
    return None


def require_sound_file(target: str, early: EarlyCheck | None = None) -> Verdict | None:
    """Before a command writes into an SQLite file: `quick_check` (begun early when `early` is given),
    DatabaseNotUsable when the file is not a sound 保修台 database. None for a server address."""
    if is_url(target):
        return None
    path = Path(target).expanduser()
    verdict = early.wait() if early is not None and early.path == path else early_check.inspect(path)
    if not verdict.sound:
        raise DatabaseNotUsable(verdict)
    return verdict


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
    """Open an SQLite file so that nothing can be written to it. In a folder the program may not write
    to, SQLite cannot make the shared-memory file a WAL database needs: then the file is read as it
    stands (``immutable``; nothing else can be writing to it there either)."""
    path = Path(path)
    pragmas = {k: v for k, v in SQLITE_PRAGMAS.items() if k != "journal_mode"}
    pragmas["query_only"] = 1
    uri = f"file:{path}?mode=ro"
    if not os.access(path.parent, os.W_OK) and not Path(f"{path}-shm").exists():
        uri += "&immutable=1"
    db = SqliteDatabase(uri, uri=True, pragmas=pragmas, check_same_thread=False)
    database_proxy.initialize(db)
    return db


def writable(path: str | Path) -> bool:
    """May the program write the database file (and the files SQLite keeps beside it)?"""
    path = Path(path)
    folder_ok = os.access(path.parent, os.W_OK)
    return folder_ok and (not path.exists() or os.access(path, os.W_OK))


def full_check_file(path: str | Path) -> list[str]:
    """The full ``integrity_check`` of an SQLite file on its own read-only connection (safe to run on
    a worker thread while the program keeps using the database)."""
    return check_file(path, quick=False)


def early_problems(early: EarlyCheck) -> list[str]:
    """The problems found by a check begun at start (`early_check.start`), in words."""
    return describe(early.wait())


def open_checked(target: str, quick: bool | None = None, early: EarlyCheck | None = None,
                 stamp: bool = True) -> StartupCheck:
    """Open the database for the program: checked first. A damaged file that SQLite still reads is
    opened read-only (nothing more is written to it); an empty, cut-short, unreadable or foreign file is
    not opened at all (`db` is None). `quick`: True for ``quick_check`` (the desktop start, see the
    module text), None: the full check below `QUICK_ABOVE_BYTES`. `early`: the check already running
    for this file (`early_check.start`). `stamp`: passed to `db.open_database`."""
    start = time.perf_counter()
    if is_url(target):
        db = open_database(target, stamp=stamp)
        return StartupCheck(db, [], False, (time.perf_counter() - start) * 1000)
    path = Path(target).expanduser()
    if early is not None and early.path == path and (quick is True or not early.quick):
        verdict = early.wait()
    else:
        if quick is None:
            quick = path.is_file() and path.stat().st_size > QUICK_ABOVE_BYTES
        verdict = early_check.inspect(path, quick=quick)
    elapsed = (time.perf_counter() - start) * 1000
    if not verdict.sound:
        db = open_read_only(path) if verdict.viewable else None
        return StartupCheck(db, describe(verdict), True, elapsed, verdict)
    if verdict.kind == "ok" and not writable(path):
        from .. import migrations

        if verdict.version != migrations.latest_version():
            raise ValidationError(_("数据库文件“{path}”是只读的，而它需要先升级到本程序的版本才能打开。"
                                    "请开放它和所在文件夹的写入权限后再启动").format(path=path))
        return StartupCheck(open_read_only(path), [], False, elapsed, verdict, file_read_only=True)
    db = open_database(str(path), stamp=stamp)
    return StartupCheck(db, [], False, elapsed, verdict)


def open_for_start(target: str, early: EarlyCheck | None) -> StartupCheck:
    """The desktop start, at any size of office: nothing that reads the whole file before the window
    shows, and still nothing written before the file is known sound.

    When what can be told cheaply is well (`early_check.peek`: header, length, our tables, the schema
    version this program writes, a writable file), the file is opened *read-only* at once and the answer
    is `pending` on the check already running (`early`): SQLite itself refuses every write on this
    connection, whatever the caller does. `finish_start` then swaps in the normal connection when the
    check says sound, or keeps the read-only one and reports the damage. Anything else (a new file, a
    server, a header that is wrong, a migration to make, a read-only file, no early check) is opened as
    `open_checked` does: checked first, written only when sound."""
    if is_url(target) or early is None:
        return open_checked(target, quick=True, early=early, stamp=False)
    from .. import migrations

    start = time.perf_counter()
    path = Path(target).expanduser()
    head = early_check.peek(path) if early.path == path else None
    if (head is None or head.kind != "ok" or head.version != migrations.latest_version()
            or not writable(path)):
        return open_checked(target, quick=True, early=early, stamp=False)
    db = open_read_only(path)
    return StartupCheck(db, [], False, (time.perf_counter() - start) * 1000, head, pending=early)


def finish_start(check: StartupCheck) -> StartupCheck:
    """The answer of the check `open_for_start` left pending (waits for it): sound — the database is
    opened for writing now (the read-only connection closed); damaged — the read-only connection stays
    (nothing was or will be written) and the problems are reported. An unreadable file is closed too."""
    if check.pending is None:
        return check
    verdict = check.pending.wait()
    elapsed = check.elapsed_ms
    ro_db: SqliteDatabase | None = check.db  # type: ignore[assignment]  # open_for_start opened it read-only
    if verdict.sound:
        db = open_database(str(verdict.path), stamp=False)
        if ro_db is not None and ro_db is not db:
            ro_db.close()
        return StartupCheck(db, [], False, elapsed, verdict)
    if not verdict.viewable and ro_db is not None:
        ro_db.close()
        ro_db = None
    return StartupCheck(ro_db, describe(verdict), True, elapsed, verdict)
