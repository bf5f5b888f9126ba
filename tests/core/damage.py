"""Ways a database file gets damaged, for the data-safety tests (each as a new user or a failing disk
would leave it)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path


def checkpoint(path: Path) -> None:
    """Everything in the main file (no -wal beside it), so that damage to the file is damage to the data."""
    con = sqlite3.connect(str(path))
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def truncate(path: Path) -> None:
    """Cut off in the middle (a copy to a USB stick pulled out too early)."""
    checkpoint(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 + 1000])


def damage_header(path: Path) -> None:
    """The first bytes overwritten (the file no longer says it is SQLite)."""
    checkpoint(path)
    with open(path, "r+b") as fh:
        fh.write(b"\x00garbage-garbage")


def empty(path: Path) -> None:
    """0 bytes (a save that never happened)."""
    path.write_bytes(b"")


def garbage_pages(path: Path) -> None:
    """Garbage over the middle of the file every 16 KB, as a failing disk would leave it."""
    checkpoint(path)
    with open(path, "r+b") as fh:
        size = fh.seek(0, 2)
        for offset in range(8192, size - 4096, 16384):
            fh.seek(offset + 100)
            fh.write(b"\xde\xad\xbe\xef" * 200)


def foreign(path: Path) -> None:
    """Another program's SQLite database at the path."""
    path.unlink(missing_ok=True)
    for extra in ("-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    con = sqlite3.connect(str(path))
    con.execute("CREATE TABLE foo (x)")
    con.execute("INSERT INTO foo VALUES (1)")
    con.commit()
    con.close()


KINDS = {"truncated": truncate, "header": damage_header, "empty": empty, "pages": garbage_pages, "foreign": foreign}


def garbage_pages(path) -> None:
    """Garbage over the second half of the file (a failing disk), the schema pages at its start intact:
    what only reading the pages finds."""
    checkpoint(path)
    with open(path, "r+b") as fh:
        size = fh.seek(0, 2)
        for offset in range(size // 2, size - 4096, 8192):
            fh.seek(offset + 100)
            fh.write(b"\xde\xad\xbe\xef" * 200)


def hold_early_check(monkeypatch) -> threading.Event:
    """The early check answers only once the returned event is set (a large office on a busy machine)."""
    from warranty_desk import early_check

    release = threading.Event()
    real = early_check.inspect

    def slow_inspect(path, quick=True):
        release.wait(30)
        return real(path, quick)

    monkeypatch.setattr(early_check, "inspect", slow_inspect)
    return release
