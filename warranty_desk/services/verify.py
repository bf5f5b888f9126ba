"""`warranty-desk verify`, the desktop program's check after start, and every backup: does the office's
data still prove itself?

  - the database file (SQLite's full ``integrity_check`` and foreign keys),
  - the schema (this program's version, every table and column) and the audit log's guards,
  - the audit log's hash chain, row by row (audit_chain): the first rows that no longer match are named,
  - the chain against the heads the backups in the backup folder recorded: a chain recomputed after a
    change, or rows cut off its end, no longer matches what an earlier backup saw,
  - every attachment file against the SHA-256 it is stored under (and, on a server, the stored bytes).

Nothing is written: a guard found missing is reported (the next normal open puts it back). Only
queries through ``db.execute_sql`` are used, so the check can run on its own connection in a worker
thread while the program goes on.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import audit_chain, audit_guard, migrations
from ..db import current_version, is_postgres
from ..fileio import sha256_of
from ..i18n import N_, _

log = logging.getLogger(__name__)

BATCH = 5000
MAX_REPORTED = 20
ACTION_WORDS = {"create": N_("新建"), "update": N_("修改"), "delete": N_("删除"), "import": N_("导入"),
                "restore": N_("从备份恢复")}


@dataclass
class Problem:
    kind: str  # database / schema / guards / chain / anchor / attachment
    text: str
    row_id: int | None = None
    path: str | None = None


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # what was checked and found well, in words
    audit_rows: int = 0
    head_id: int = 0
    head_hash: str = audit_chain.GENESIS
    first_hash: str = ""
    attachments: int = 0
    elapsed_s: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        return [f"✓ {text}" for text in self.checked] + [f"✗ {p.text}" for p in self.problems]

    def as_dict(self) -> dict:
        return {"ok": self.ok, "checked": self.checked, "audit_rows": self.audit_rows, "head_id": self.head_id,
                "attachments": self.attachments,
                "problems": [{"kind": p.kind, "text": p.text, "row_id": p.row_id, "path": p.path}
                             for p in self.problems]}


# --- the audit chain ---------------------------------------------------------------------------------

def chain_rows(db):
    """Every audit row in id order (tuples in audit_chain.COLUMNS order), fetched in batches."""
    last = 0
    mark = "%s" if is_postgres(db) else "?"
    while True:
        rows = db.execute_sql(
            'SELECT id, at, "user", action, "table", record_id, old, new, note, prev_hash, chain_hash '
            f"FROM audit_log WHERE id > {mark} ORDER BY id LIMIT {BATCH}", (last,)).fetchall()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def describe_row(row) -> str:
    row_id, at, user, action, table, record_id = row[:6]
    when = audit_chain._when(at)[:16]
    what = f"{_(ACTION_WORDS[action]) if action in ACTION_WORDS else action} {table}" + (f" #{record_id}" if record_id is not None else "")
    return _("修改记录第 {id} 条（{when}，{user}，{what}）").format(id=row_id, when=when, user=user, what=what)


def break_text(brk: audit_chain.Break) -> str:
    row = describe_row(brk.row)
    if brk.reason == "altered":
        return _("{row}的内容与它的校验值不符：这条记录被改动过").format(row=row)
    if brk.reason == "linked":
        return _("{row}与前一条接不上：在它之前有记录被删除、插入或替换").format(row=row)
    return _("{row}没有校验值：它不是保修台写入的").format(row=row)


def check_chain(db, report: Report) -> audit_chain.WalkResult:
    result = audit_chain.walk(chain_rows(db), limit=MAX_REPORTED)
    report.audit_rows, report.head_id, report.head_hash = result.rows, result.head_id, result.head_hash
    first = db.execute_sql("SELECT chain_hash FROM audit_log ORDER BY id LIMIT 1").fetchone()
    report.first_hash = first[0] if first else ""
    for brk in result.breaks:
        report.problems.append(Problem("chain", break_text(brk), row_id=brk.row_id))
    if result.ok:
        report.checked.append(_("修改记录 {n} 条，校验链完整（最后一条是第 {id} 条）").format(n=result.rows, id=result.head_id))
    return result


def check_anchors(db, report: Report, folders) -> None:
    """Compare the chain with the heads that the backups in `folders` recorded (those of this office's
    chain — same first row — made after its latest restore)."""
    from . import backup

    if not report.first_hash:
        return
    restored = db.execute_sql("SELECT MAX(at) FROM audit_log WHERE action = 'restore'").fetchone()[0]
    restored = audit_chain._when(restored) if restored else ""
    compared = 0
    seen: set = set()
    for folder in folders:
        for path in backup.list_backups(folder):
            try:
                manifest = backup.read_manifest(path)
            except backup.NotABackup:
                continue
            head = manifest.audit_head or {}
            if not head.get("id") or head.get("first") != report.first_hash:
                continue  # an older backup without a head, or another office's
            if restored and manifest.created_at.replace("T", " ") <= restored:
                continue  # made before the data was restored from an older backup
            key = (head["id"], head.get("hash"))
            if key in seen:
                continue
            seen.add(key)
            compared += 1
            row = db.execute_sql(f"SELECT chain_hash FROM audit_log WHERE id = {'%s' if is_postgres(db) else '?'}",
                                 (int(head["id"]),)).fetchone()
            date = manifest.created.strftime("%Y-%m-%d %H:%M")
            if row is None:
                report.problems.append(Problem("anchor", _(
                    "备份 {name}（{date}）时已有的修改记录第 {id} 条已不在数据库中：记录被删除了").format(
                    name=path.name, date=date, id=head["id"]), row_id=int(head["id"]), path=str(path)))
            elif row[0] != head.get("hash"):
                report.problems.append(Problem("anchor", _(
                    "修改记录第 {id} 条与备份 {name}（{date}）中记下的校验值不同：它或它之前的记录被改动过，"
                    "校验链被重新计算过").format(id=head["id"], name=path.name, date=date),
                    row_id=int(head["id"]), path=str(path)))
    if compared and not any(p.kind == "anchor" for p in report.problems):
        report.checked.append(_("与 {n} 个备份中记下的校验值一致").format(n=compared))


# --- attachments -----------------------------------------------------------------------------------

VERIFIED_FILE = ".verified.json"


def check_attachments(db, report: Report, *, changed_only: bool = False) -> None:
    """Every attachment file against its hash. `changed_only` (the check after start): a file whose size
    and modification time are those it had when last found well is not read again (the list of those
    lives in the attachments folder; `verify` and every backup read every file)."""
    from .attachments import attachments_dir

    folder = attachments_dir()
    rows = db.execute_sql("SELECT sha256, MIN(owner_table), MIN(owner_id), MIN(filename), COUNT(*) FROM attachment "
                          "GROUP BY sha256 ORDER BY sha256").fetchall()
    blobs = set()
    if is_postgres(db) or db.execute_sql("SELECT 1 FROM attachment_blob LIMIT 1").fetchone():
        blobs = {r[0] for r in db.execute_sql("SELECT sha256 FROM attachment_blob").fetchall()}
    verified = _load_verified(folder) if changed_only else {}
    still_good: dict[str, list] = {}
    bad = 0
    for sha, owner_table, owner_id, filename, _count in rows:
        path = folder / sha[:2] / sha
        what = _("{table} #{id} 的“{name}”").format(table=owner_table, id=owner_id, name=filename)
        try:
            st = path.stat()
        except FileNotFoundError:
            if sha not in blobs:
                bad += 1
                report.problems.append(Problem("attachment", _("找不到附件文件 {path}（{what}）").format(
                    path=path, what=what), path=str(path)))
            continue
        stamp = [st.st_size, st.st_mtime_ns]
        if changed_only and verified.get(sha) == stamp:
            still_good[sha] = stamp
            continue
        if sha256_of(path) != sha:
            bad += 1
            report.problems.append(Problem("attachment", _(
                "附件文件 {path}（{what}）与记录的校验值不符：文件被改动过").format(path=path, what=what), path=str(path)))
        else:
            still_good[sha] = stamp
    if blobs and not changed_only:
        mark = "%s" if is_postgres(db) else "?"
        for sha in sorted(blobs):
            data = db.execute_sql(f"SELECT data FROM attachment_blob WHERE sha256 = {mark}", (sha,)).fetchone()[0]
            if hashlib.sha256(bytes(data)).hexdigest() != sha:
                bad += 1
                report.problems.append(Problem("attachment", _(
                    "数据库中保存的附件 {sha} 与它的校验值不符：被改动过").format(sha=sha[:12]), path=sha))
    report.attachments = len(rows)
    if changed_only:
        _save_verified(folder, still_good)
    if not bad:
        report.checked.append(_("附件 {n} 个，文件与校验值一致").format(n=len(rows)))


def _load_verified(folder: Path) -> dict:
    try:
        data = json.loads((folder / VERIFIED_FILE).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _save_verified(folder: Path, good: dict) -> None:
    from ..fileio import private_file

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with private_file(folder / VERIFIED_FILE) as tmp:
            tmp.write_text(json.dumps(good), encoding="utf-8")
    except OSError as exc:
        log.warning("could not note the attachments found well: %s", exc)


# --- all of it -------------------------------------------------------------------------------------

def check_schema(db, report: Report) -> bool:
    from .backup import missing_schema

    version = current_version(db)
    latest = migrations.latest_version()
    if version != latest:
        report.problems.append(Problem("schema", _("数据版本是 {v}，本程序是 {latest}：请用本程序打开一次（会先备份再升级）").format(
            v=version, latest=latest)))
        return False
    gone = missing_schema(db)
    if gone:
        report.problems.append(Problem("schema", _("缺少保修台的数据表或字段：{what}").format(what="、".join(gone[:10]))))
        return False
    guards = audit_guard.missing(db)
    if guards:
        report.problems.append(Problem("guards", _(
            "修改记录的保护（数据库触发器）被删除了：{names}。下次正常打开数据库时会重新加上").format(names="、".join(guards))))
    report.checked.append(_("数据版本 {v}，数据表和字段齐全").format(v=version)
                          + ("" if guards else _("，修改记录的保护（触发器）都在")))
    return True


def verify(db, *, file: str | Path | None = None, folders=None, integrity: bool = True,
           attachments: bool = True, changed_only: bool = False) -> Report:
    """Check everything listed in the module text. `file`: the SQLite file (its full integrity check);
    `folders`: where to find backups whose recorded chain heads are compared."""
    from .integrity import check_file

    start = time.perf_counter()
    report = Report()
    if file is not None and integrity:
        problems = check_file(file, quick=False)
        if problems:
            report.problems += [Problem("database", p) for p in problems]
            report.elapsed_s = time.perf_counter() - start
            return report  # a damaged file: the rest would only repeat the damage
        report.checked.append(_("数据库文件完好（完整性检查和外键）"))
    if check_schema(db, report):
        check_chain(db, report)
        if folders:
            check_anchors(db, report, folders)
        if attachments:
            check_attachments(db, report, changed_only=changed_only)
    report.elapsed_s = time.perf_counter() - start
    return report


# --- the checkpoint: the chain's head as last found whole ---------------------------------------------
#
# Walking the chain hashes every row again (1.2 million rows at 10× the default office: most of a
# backup's time). Each walk that finds the chain whole — every backup, the check after start — notes
# the head it reached: {"first", "id", "hash", "rows", "at"}, per database, in this PC's data folder,
# outside the database (nothing that writes the database can move it). The next backup walks only the
# rows after it, once the rows up to it still end in the same hash and are still as many: a chain
# recomputed after a change, rows deleted, inserted or cut off before it all fail that and are reported
# (a restore, the one legitimate replacement of the chain, voids the checkpoint). A row changed in place
# before the checkpoint without recomputing the chain keeps both: the full walks find it — `verify`,
# the check after every start, and a backup whose checkpoint is older than CHECKPOINT_DAYS.

CHECKPOINT_FILE = "chain-verified.json"
CHECKPOINT_DAYS = 7


def _checkpoint_path() -> Path:
    from ..paths import data_dir

    return data_dir() / CHECKPOINT_FILE


def _checkpoint_key(target) -> str:
    from ..config import database_key

    return database_key(target)


def load_checkpoint(target) -> dict | None:
    """The head last found whole for this database (None: none, unreadable or too old)."""
    import datetime as dt

    if not target:
        return None
    try:
        data = json.loads(_checkpoint_path().read_text(encoding="utf-8"))
        head = data.get(_checkpoint_key(target)) if isinstance(data, dict) else None
        if not isinstance(head, dict) or not all(k in head for k in ("first", "id", "hash", "rows", "at")):
            return None
        if dt.datetime.fromisoformat(head["at"]) < dt.datetime.now() - dt.timedelta(days=CHECKPOINT_DAYS):
            return None
        return head
    except (OSError, ValueError, TypeError):
        return None


def save_checkpoint(target, head: dict | None) -> None:
    """Note `head` (None: forget) as this database's chain head found whole. A failure only logs."""
    import datetime as dt

    from ..fileio import private_file

    if not target:
        return
    path = _checkpoint_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        data = data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        data = {}
    key = _checkpoint_key(target)
    if head is None or not head.get("id"):
        if key not in data:
            return
        data.pop(key)
    else:
        data[key] = {"first": head["first"], "id": int(head["id"]), "hash": head["hash"], "rows": int(head["rows"]),
                     "at": dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with private_file(path) as tmp:
            tmp.write_text(json.dumps(data), encoding="utf-8")
    except OSError as exc:
        log.warning("could not note the verified audit chain: %s", exc)


def _from_checkpoint(con, since: dict | None, first: str, mark: str) -> tuple[int, str, int, str]:
    """Where a walk may begin: (after id, from hash, rows before, what no longer matches in words). The
    checkpoint holds when its row still has its hash and the rows up to it are still as many."""
    if not since or since.get("first") != first or not since.get("id"):
        return 0, audit_chain.GENESIS, 0, ""
    restored = con.execute("SELECT MAX(at) FROM audit_log WHERE \"table\" = 'database' AND action = 'restore'"
                           ).fetchone()[0]
    if restored and audit_chain._when(restored) >= str(since.get("at", "")):
        return 0, audit_chain.GENESIS, 0, ""  # restored since: another chain, walked whole
    row = con.execute(f"SELECT chain_hash FROM audit_log WHERE id = {mark}", (since["id"],)).fetchone()
    # every row counted on the smallest index, less those after the checkpoint (a range of the key)
    total = con.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    after = con.execute(f"SELECT COUNT(*) FROM audit_log WHERE id > {mark}", (since["id"],)).fetchone()[0]
    if row is None:
        return 0, audit_chain.GENESIS, 0, _(
            "修改记录第 {id} 条在 {at} 校验时还在，现在已不在数据库中：记录被删除了").format(id=since["id"], at=since["at"])
    if row[0] != since["hash"]:
        return 0, audit_chain.GENESIS, 0, _(
            "修改记录第 {id} 条与 {at} 校验时记下的校验值不同：它或它之前的记录被改动过，校验链被重新计算过").format(
            id=since["id"], at=since["at"])
    if total - after != since["rows"]:
        return 0, audit_chain.GENESIS, 0, _(
            "第 {id} 条及以前的修改记录在 {at} 校验时有 {n} 条，现在有 {m} 条：有记录被删除或插入").format(
            id=since["id"], at=since["at"], n=since["rows"], m=total - after)
    return int(since["id"]), since["hash"], int(since["rows"]), ""


def chain_head_of_file(path: str | Path, since: dict | None = None) -> tuple[dict, list[str]]:
    """The chain head of an SQLite file ({"id", "hash", "first", "rows"}) and its breaks in words — for a
    backup's manifest (the snapshot is checked as it is written). `since`: a checkpoint
    (`load_checkpoint`): only the rows after it are walked when it still holds; otherwise every row, and
    what no longer matches it is a break."""
    import sqlite3

    con = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        columns = {r[1] for r in con.execute("PRAGMA table_info(audit_log)")}
        if "chain_hash" not in columns:
            return {}, []
        first = con.execute("SELECT chain_hash FROM audit_log ORDER BY id LIMIT 1").fetchone()
        first_hash = first[0] if first else ""
        start, previous, before, mismatch = _from_checkpoint(con, since, first_hash, "?")
        result = audit_chain.walk(con.execute(
            'SELECT id, at, "user", action, "table", record_id, old, new, note, prev_hash, chain_hash '
            "FROM audit_log WHERE id > ? ORDER BY id", (start,)), limit=5, previous=previous)
    finally:
        con.close()
    head = {"id": result.head_id or start, "hash": result.head_hash, "first": first_hash, "rows": before + result.rows}
    return head, ([mismatch] if mismatch else []) + [break_text(b) for b in result.breaks]


def check_after_start(target: str) -> Report:
    """The desktop program's check once its window shows, on a worker thread, through a connection of
    its own: the audit chain, the heads the backups recorded, attachment files changed since they were
    last found well. (The SQLite file's full integrity check runs just before, see integrity.)"""
    from peewee import SqliteDatabase

    from ..db import is_url
    from ..models import database_proxy
    from .backup import offer_folders

    folders = offer_folders(target)
    if is_url(target):
        db = database_proxy.obj
        try:
            report = verify(db, folders=folders, changed_only=True)
        finally:
            db.close()  # this thread's own connection
    else:
        path = Path(target).expanduser()
        db = SqliteDatabase(f"file:{path}?mode=ro", uri=True, pragmas={"query_only": 1}, check_same_thread=False)
        try:
            report = verify(db, folders=folders, changed_only=True)
        finally:
            db.close()
    _note_whole_chain(target, report)
    return report


def _note_whole_chain(target, report: Report) -> None:
    """A full walk that found the chain whole (and as the backups saw it) is the next backup's checkpoint."""
    if report.head_id and not any(p.kind in ("chain", "anchor", "database", "schema") for p in report.problems):
        save_checkpoint(target, {"first": report.first_hash, "id": report.head_id, "hash": report.head_hash,
                                 "rows": report.audit_rows})
