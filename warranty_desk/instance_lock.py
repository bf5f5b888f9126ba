"""One program window per SQLite database file on this machine.

Decision: SQLite in WAL mode with a busy timeout (db.py) makes two processes on one file *safe*
(every service is one transaction, edits check the `version` column), so the command line never
needs a lock. The desktop program still takes a lock so that a clerk who double-clicks twice is
told "保修台已在运行" instead of working in two windows that do not see each other's changes, and
so that a restore never replaces a file another window has open.

The lock is an OS file lock (fcntl.flock / msvcrt.locking) on ``<database>.lock``: the OS releases it
when the process ends, even after a crash or a kill, so a stale lock file never blocks the program.
The file holds the PID, host and start time of the holder, for the message.
PostgreSQL needs no lock: several clerks at once is what it is for.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from .i18n import _

_held: dict[str, InstanceLock] = {}
_WIN_LOCK_OFFSET = 1 << 20  # Windows locks a byte range: lock one far past the text so it stays readable


@dataclass
class Holder:
    pid: int
    host: str
    started_at: str

    def message(self) -> str:
        when = self.started_at[11:16] if len(self.started_at) >= 16 else self.started_at
        return _("保修台已在运行（{host} 上的进程 {pid}，{when} 打开），正在使用同一个数据库。"
                 "请切换到已经打开的保修台窗口。").format(host=self.host, pid=self.pid, when=when)


class AlreadyRunning(RuntimeError):
    def __init__(self, holder: Holder | None):
        self.holder = holder
        super().__init__(holder.message() if holder else _("保修台已在运行，正在使用同一个数据库。请切换到已经打开的保修台窗口。"))


def lock_path(database: str | Path) -> Path:
    path = Path(database).expanduser().resolve()
    return path.with_name(path.name + ".lock")


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


def read_holder(database: str | Path) -> Holder | None:
    return _read(lock_path(database))


class InstanceLock:
    def __init__(self, database: str | Path):
        self.path = lock_path(database)
        self.fd: int | None = None

    def acquire(self) -> InstanceLock:
        """Take the lock or raise AlreadyRunning (with who holds it)."""
        key = str(self.path)
        if key in _held:
            return _held[key]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            os.close(fd)
            raise AlreadyRunning(_read(self.path))
        info = {"pid": os.getpid(), "host": socket.gethostname(),
                "started_at": dt.datetime.now().replace(microsecond=0).isoformat()}
        data = json.dumps(info).encode()
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        os.write(fd, data)
        os.fsync(fd)
        self.fd = fd
        _held[key] = self
        return self

    def release(self) -> None:
        if self.fd is None:
            return
        try:
            _unlock(self.fd)
        finally:
            os.close(self.fd)
            self.fd = None
            _held.pop(str(self.path), None)
            # the file stays: unlinking a lock file races with another process opening it

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()


def _read(path: Path) -> Holder | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return Holder(int(raw["pid"]), str(raw["host"]), str(raw["started_at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def acquire(database: str | Path) -> InstanceLock:
    return InstanceLock(database).acquire()


def held_elsewhere(database: str | Path) -> bool:
    """True when another process holds the lock of this database file (this process's own lock
    does not count)."""
    path = lock_path(database)
    if str(path) in _held or not path.exists():
        return False
    return locked_elsewhere(path) is True


def locked_elsewhere(path: str | Path) -> bool | None:
    """True when a process holds the file's lock, False when none does, None when it cannot be opened."""
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return None
    try:
        if _try_lock(fd):
            _unlock(fd)
            return False
        return True
    finally:
        os.close(fd)
