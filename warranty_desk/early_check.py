"""Is this SQLite file a sound 保修台 database? Looked at before anything opens it for writing.

`inspect(path)` reads the file through its own read-only connection and answers with a `Verdict`:
  - ``new``: no file yet (the program creates the office),
  - ``empty``: a 0-byte file (a copy or save that was cut off): refused, never reused as a new office,
  - ``not_sqlite``: the first 100 bytes are not an SQLite header (damaged header, or another kind of file),
  - ``truncated``: shorter than its own header says (or not a whole number of pages),
  - ``damaged``: SQLite's ``quick_check`` / ``integrity_check`` or ``foreign_key_check`` found problems, or
    reading failed,
  - ``foreign``: a sound SQLite database holding another program's tables (never migrated into),
  - ``ok``.
The header checks cost one read of 100 bytes; ``quick_check`` reads the file once (0.1 s for an 80 MB
office, seconds for a regional contractor's), so the desktop program begins it on a worker thread the
moment it starts (main.py), before Qt, peewee and the windows are loaded, and the command line while it
parses its arguments; `integrity.open_checked(..., early=…)` waits for the answer before anything is
opened for writing. The desktop start does not wait for it before the window shows: `peek` tells in a
millisecond what the header and the schema say, the file is opened read-only meanwhile and for writing
only once the check has answered sound (`integrity.open_for_start` / `finish_start`).
Only the standard library is imported here: this module must load in a millisecond.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

HEADER = b"SQLite format 3\x00"
OUR_TABLES = ("schema_version", "project", "ticket", "visit", "audit_log")
MAX_ROWS = 20


@dataclass
class Verdict:
    path: Path
    kind: str  # new / empty / not_sqlite / truncated / damaged / foreign / ok
    rows: list = field(default_factory=list)  # quick_check / integrity_check rows other than "ok"
    fk_rows: list = field(default_factory=list)  # foreign_key_check rows
    error: tuple | None = None  # (stage, exception) when SQLite could not open or read the file
    size: int = 0
    expected_size: int = 0  # what the header says (truncated)
    tables: list = field(default_factory=list)
    version: int = 0  # the schema version written in the file (0: none)

    @property
    def sound(self) -> bool:
        return self.kind in ("ok", "new")

    @property
    def viewable(self) -> bool:
        """Damaged, but SQLite reads every page and the program's tables are there: it can be shown
        read-only while the clerk decides (an empty, truncated or unreadable file cannot)."""
        return self.kind == "damaged" and self.error is None and all(t in self.tables for t in OUR_TABLES)


def _header_verdict(path: Path) -> Verdict | None:
    """The checks that need no SQLite: exists, size, header, length against the header."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return Verdict(path, "new")
    if size == 0:
        wal = Path(f"{path}-wal")
        if wal.is_file() and wal.stat().st_size > 0:
            return None  # the pages are still in the write-ahead log: SQLite itself decides
        return Verdict(path, "empty")
    with open(path, "rb") as fh:
        head = fh.read(100)
    if len(head) < 100 or not head.startswith(HEADER):
        return Verdict(path, "not_sqlite", size=size)
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
        return Verdict(path, "not_sqlite", size=size)
    pages = int.from_bytes(head[28:32], "big")
    header_count_valid = pages > 0 and head[24:28] == head[92:96]  # SQLite's rule for the in-header size
    expected = pages * page_size if header_count_valid else 0
    if size % page_size or size < expected:
        return Verdict(path, "truncated", size=size, expected_size=max(expected, (size // page_size + 1) * page_size))
    return None


def inspect(path: str | Path, quick: bool = True) -> Verdict:
    """The verdict on an SQLite file (`quick`: ``quick_check``, otherwise the full ``integrity_check``)."""
    path = Path(path).expanduser()
    try:
        early = _header_verdict(path)
    except OSError as exc:
        return Verdict(path, "damaged", error=("open", exc))
    if early is not None:
        return early
    size = path.stat().st_size
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if not os.access(path.parent, os.W_OK) and not Path(f"{path}-shm").exists():
        uri += "&immutable=1"  # a read-only folder: SQLite could not make the -shm file a WAL read needs
    try:
        con = sqlite3.connect(uri, uri=True, timeout=5)
    except Exception as exc:  # noqa: BLE001 - any failure counts as damage, never as "sound"
        return Verdict(path, "damaged", error=("open", exc), size=size)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        version = (con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0
                   if "schema_version" in tables else 0)
        rows = [r[0] for r in con.execute("PRAGMA quick_check" if quick else "PRAGMA integrity_check")]
        fk_rows = list(con.execute("PRAGMA foreign_key_check"))[:MAX_ROWS]
    except Exception as exc:  # noqa: BLE001 - as above
        return Verdict(path, "damaged", error=("read", exc), size=size)
    finally:
        con.close()
    if rows != ["ok"] or fk_rows:
        return Verdict(path, "damaged", [r for r in rows if r != "ok"][:MAX_ROWS], fk_rows, size=size, tables=tables,
                       version=version)
    if tables and not all(t in tables for t in OUR_TABLES[:4]):
        return Verdict(path, "foreign", size=size, tables=tables, version=version)
    return Verdict(path, "ok", size=size, tables=tables, version=version)


def peek(path: str | Path) -> Verdict | None:
    """What can be told without reading the file through: the header checks, and through a read-only
    connection the tables and the schema version (page 1 and the schema pages only, a millisecond at
    any size). A Verdict of kind ``ok`` here only means "nothing wrong in what was looked at": the pages
    are `inspect`'s job. None when even this much could not be read (then `inspect` decides)."""
    path = Path(path).expanduser()
    try:
        early = _header_verdict(path)
    except OSError:
        return None
    if early is not None:
        return early
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if not os.access(path.parent, os.W_OK) and not Path(f"{path}-shm").exists():
        uri += "&immutable=1"
    try:
        con = sqlite3.connect(uri, uri=True, timeout=5)
        try:
            tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            version = (con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0
                       if "schema_version" in tables else 0)
        finally:
            con.close()
        size = path.stat().st_size
    except Exception:  # noqa: BLE001 - not readable cheaply: the full check decides
        return None
    if tables and not all(t in tables for t in OUR_TABLES[:4]):
        return Verdict(path, "foreign", size=size, tables=tables, version=version)
    return Verdict(path, "ok", size=size, tables=tables, version=version)


def _lower_priority() -> None:
    """The check runs beside the window's start: on a busy machine the window's thread goes first
    (Linux: a thread's own nice value; elsewhere nothing)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):
        pass


class EarlyCheck:
    """`inspect` on a worker thread, begun as early as possible; `wait()` gives its verdict."""

    def __init__(self, path: str | Path, quick: bool = True):
        self.path = Path(path).expanduser()
        self.quick = quick
        self._verdict: Verdict | None = None
        self._thread = threading.Thread(target=self._run, name="integrity-early-check", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        _lower_priority()
        try:
            self._verdict = inspect(self.path, self.quick)
        except Exception as exc:  # noqa: BLE001 - never "sound" by accident
            self._verdict = Verdict(self.path, "damaged", error=("read", exc))

    def done(self) -> bool:
        return not self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> Verdict:
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError("the check is still running")
        return self._verdict or Verdict(self.path, "damaged", error=("read", RuntimeError("check did not finish")))


def start(target: str | Path | None, quick: bool = True) -> EarlyCheck | None:
    """Begin checking the SQLite file at `target` now (None for a server address or a file that does
    not exist yet: nothing to check)."""
    if not target or "://" in str(target):
        return None
    try:
        if not Path(target).expanduser().exists():
            return None
    except OSError:
        pass
    return EarlyCheck(target, quick)
