"""The office-wide write lock: every writer — window, command line, phone service — holds it while a
transaction runs; a restore takes it exclusively. A restore therefore waits for the transactions that
are running (or, after `RESTORE_WAIT_S`, refuses and says who is writing), and a writer that begins
while a restore runs is refused ("正在从备份恢复"). Nothing reported as saved can land in a database
that a restore is replacing.

SQLite (the restore replaces the file): a folder ``<database>.writers`` beside the file. Each process
that writes has its own ``<host>-<pid>.lock`` there (who it is, as JSON) and holds an OS lock on it while
one of its transactions runs; a restore holds ``restore.lock``. A writer locks its own file, then looks
at ``restore.lock``; a restore locks ``restore.lock``, then looks at every writer's file: whichever comes
second sees the first (the OS drops the locks of a process that dies, so a crash never blocks anyone).
A process that had the file open before a restore replaced it notices at its next transaction (another
file at the path) and opens the new one.

PostgreSQL (the restore replaces every table in one transaction): advisory locks — each write
transaction takes the shared transaction lock, a restore the exclusive session lock; who is writing is
read from the server's session list (the program names its sessions: db.session_name).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import threading
import time
from pathlib import Path

from .errors import ValidationError
from .fileio import private_folder
from .i18n import _
from .instance_lock import _try_lock, _unlock

RESTORE_WAIT_S = 30.0
PG_KEYS = (0x57445348, 1)  # "WDSH", 1: the advisory lock of this program's data
_local = threading.local()


class RestoreInProgress(ValidationError):
    """A restore is replacing the data: nothing may be written now."""

    def __init__(self, who: str = ""):
        super().__init__(_("正在从备份恢复数据{who}，现在不能保存，没有保存任何内容。请等恢复完成后再试").format(
            who=f"（{who}）" if who else ""))


class WritersBusy(ValidationError):
    """A restore waited for running writers and gave up: it names them."""

    def __init__(self, who: list[str], waited_s: float = RESTORE_WAIT_S):
        self.who = who
        super().__init__(_("有人正在写入数据，等了 {s} 秒仍未结束，没有恢复：{who}。请等它完成（或关闭它）后再恢复").format(
            s=int(waited_s), who="；".join(who) or _("另一个程序")))


def restoring() -> bool:
    """True in the thread that holds the exclusive lock for a restore (its own writes pass)."""
    return getattr(_local, "restoring", False)


def _identity() -> dict:
    from .db import session_name

    return {"pid": os.getpid(), "host": socket.gethostname(), "command": session_name(),
            "since": dt.datetime.now().replace(microsecond=0).isoformat()}


def describe_holder(info: dict) -> str:
    since = str(info.get("since") or "")[11:16]
    command = str(info.get("command") or "").split(" @", 1)[0] or _("保修台")
    return _("{command}（{host} 上的进程 {pid}，{since} 开始）").format(
        command=command, host=info.get("host") or "?", pid=info.get("pid") or "?", since=since or "?")


# --- SQLite: lock files beside the database -----------------------------------------------------------

class FileWriteLock:
    """The write lock of one SQLite file, for this process (shared by its threads)."""

    def __init__(self, database: str | Path):
        path = Path(database).expanduser().resolve()
        self.folder = path.with_name(path.name + ".writers")
        self.restore_path = self.folder / "restore.lock"
        self.mine = self.folder / f"{socket.gethostname()}-{os.getpid()}.lock"
        self._fd: int | None = None
        self._count = 0
        self._mutex = threading.Lock()

    def _open_mine(self) -> int | None:
        if self._fd is not None:
            try:
                if os.fstat(self._fd).st_ino == os.stat(self.mine).st_ino:
                    return self._fd
            except OSError:
                pass
            os.close(self._fd)
            self._fd = None
        try:
            private_folder(self.folder)  # beside the office's data: owner-only like it
            fd = os.open(self.mine, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return None  # a read-only folder: nothing can be written there anyway
        data = json.dumps(_identity(), ensure_ascii=False).encode()
        os.ftruncate(fd, 0)
        os.write(fd, data)
        self._fd = fd
        return fd

    def _restore_running(self) -> bool:
        try:
            fd = os.open(self.restore_path, os.O_RDWR)
        except OSError:
            return False
        try:
            for _attempt in range(5):  # another writer looking at the same moment holds it for microseconds
                if _try_lock(fd):
                    _unlock(fd)
                    return False
                time.sleep(0.002)
            return True
        finally:
            os.close(fd)

    def enter(self) -> None:
        if restoring():
            return
        with self._mutex:
            if self._count == 0:
                fd = self._open_mine()
                if fd is None:
                    return
                for _attempt in range(500):  # a restore looking at our file holds it for microseconds
                    if _try_lock(fd):
                        break
                    time.sleep(0.002)
                else:
                    raise RestoreInProgress()
                if self._restore_running():
                    _unlock(fd)
                    raise RestoreInProgress(self._restorer())
            self._count += 1

    def exit(self) -> None:
        if restoring():
            return
        with self._mutex:
            if self._count == 0:
                return
            self._count -= 1
            if self._count == 0 and self._fd is not None:
                with contextlib.suppress(OSError):
                    _unlock(self._fd)

    def _restorer(self) -> str:
        with contextlib.suppress(OSError, ValueError):
            return describe_holder(json.loads(self.restore_path.read_text(encoding="utf-8")))
        return ""

    def writers(self) -> list[str]:
        """Who holds a writer's lock now (this process's other threads included)."""
        busy = []
        for file in sorted(self.folder.glob("*.lock")):
            if file.name == self.restore_path.name:
                continue
            try:
                fd = os.open(file, os.O_RDWR)
            except OSError:
                continue
            try:
                if _try_lock(fd):
                    _unlock(fd)
                    continue
                with contextlib.suppress(OSError, ValueError):
                    busy.append(describe_holder(json.loads(file.read_text(encoding="utf-8"))))
                    continue
                busy.append(file.stem)
            finally:
                os.close(fd)
        return busy

    @contextlib.contextmanager
    def exclusive(self, wait_s: float):
        """Hold the restore lock, once no writer holds its own (waiting up to `wait_s`)."""
        private_folder(self.folder)
        fd = os.open(self.restore_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            deadline = time.monotonic() + max(wait_s, 2.0)
            while not _try_lock(fd):
                if time.monotonic() > deadline:
                    raise ValidationError(_("另一个恢复正在进行{who}，请等它完成").format(
                        who=f"（{self._restorer()}）" if self._restorer() else ""))
                time.sleep(0.01)
            try:
                os.ftruncate(fd, 0)
                os.write(fd, json.dumps(_identity(), ensure_ascii=False).encode())
                deadline = time.monotonic() + wait_s
                while True:
                    busy = self.writers()
                    if not busy:
                        break
                    if time.monotonic() > deadline:
                        raise WritersBusy(busy, wait_s)
                    time.sleep(0.05)
                _local.restoring = True
                try:
                    yield
                finally:
                    _local.restoring = False
            finally:
                _unlock(fd)
        finally:
            os.close(fd)

    def forget_stale(self) -> int:
        """Remove the writer files of processes of this PC that no longer run (what a crash left)."""
        removed = 0
        host = socket.gethostname()
        for file in self.folder.glob(f"{host}-*.lock"):
            try:
                pid = int(file.stem.rsplit("-", 1)[1])
            except (IndexError, ValueError):
                continue
            if pid == os.getpid() or _alive(pid):
                continue
            with contextlib.suppress(OSError):
                file.unlink()
                removed += 1
        return removed


def _alive(pid: int) -> bool:
    if os.name == "nt":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]  # Windows only
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if handle:
            kernel32.CloseHandle(handle)
            return True
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_file_locks: dict[str, FileWriteLock] = {}
_file_locks_mutex = threading.Lock()


def for_file(database: str | Path) -> FileWriteLock:
    key = str(Path(database).expanduser().resolve())
    with _file_locks_mutex:
        if key not in _file_locks:
            _file_locks[key] = FileWriteLock(key)
        return _file_locks[key]


# --- PostgreSQL: advisory locks --------------------------------------------------------------------

def pg_enter(db) -> None:
    """In a write transaction just begun: take the shared lock, or refuse while a restore runs."""
    if restoring():
        return
    cursor = db.cursor()
    cursor.execute("SELECT pg_try_advisory_xact_lock_shared(%s, %s)", PG_KEYS)
    if not cursor.fetchone()[0]:
        raise RestoreInProgress(", ".join(pg_holders(db, exclusive=True)))


def pg_holders(db, exclusive: bool) -> list[str]:
    """Who holds this program's advisory lock (exclusive: a restore; else writers), from the sessions."""
    rows = db.execute_sql(
        "SELECT a.application_name, a.client_addr, a.pid, a.xact_start FROM pg_locks l "
        "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.classid = %s "
        "AND l.objid = %s AND l.objsubid = 2 AND l.granted AND l.mode = %s AND l.pid <> pg_backend_pid()",
        (*PG_KEYS, "ExclusiveLock" if exclusive else "ShareLock")).fetchall()
    who = []
    for name, addr, backend, started in rows:
        command, _sep, where = (name or "").partition(" @")  # db.session_name: "<command> @<host> pid <pid>"
        host, _sep, pid = where.partition(" pid ")
        info = {"command": command or _("保修台"), "host": host or (str(addr) if addr else "?"),
                "pid": pid or backend, "since": started.isoformat() if started else ""}
        who.append(describe_holder(info))
    return who


@contextlib.contextmanager
def pg_exclusive(db, wait_s: float):
    """Hold the exclusive session lock for a restore, once running write transactions have ended."""
    deadline = time.monotonic() + wait_s
    while not db.execute_sql("SELECT pg_try_advisory_lock(%s, %s)", PG_KEYS).fetchone()[0]:
        if time.monotonic() > deadline:
            raise WritersBusy(pg_holders(db, exclusive=False) or pg_holders(db, exclusive=True), wait_s)
        time.sleep(0.05)
    _local.restoring = True
    try:
        yield
    finally:
        _local.restoring = False
        with contextlib.suppress(Exception):
            db.execute_sql("SELECT pg_advisory_unlock(%s, %s)", PG_KEYS)


@contextlib.contextmanager
def exclusive(target: str, db=None, wait_s: float = RESTORE_WAIT_S):
    """The lock a restore holds while it backs up the current data and replaces it."""
    if "://" in str(target):
        with pg_exclusive(db, wait_s):
            yield
    else:
        with for_file(target).exclusive(wait_s):
            yield
