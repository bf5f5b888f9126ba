"""The start-up check of an SQLite file, begun on a worker thread the moment the desktop program
starts (main.py), before Qt, peewee and the windows are loaded.

SQLite reads the file (``PRAGMA quick_check`` and ``PRAGMA foreign_key_check`` on a read-only
connection of its own) while Python imports the program; `integrity.open_checked(..., early=…)`
waits for the answer before anything is opened for writing, so a damaged file is still never
written to. Only the standard library is imported here: this module must load in a millisecond.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path


class EarlyCheck:
    def __init__(self, path: str | Path, quick: bool = True):
        self.path = Path(path)
        self.quick = quick
        # (check rows, foreign key rows, None) or (None, None, (stage, error))
        self._result: tuple | None = None
        self._thread = threading.Thread(target=self._run, name="integrity-early-check", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=5)
        except Exception as exc:  # noqa: BLE001 - any failure counts as damage, never as "sound"
            self._result = (None, None, ("open", exc))
            return
        try:
            rows = [r[0] for r in con.execute("PRAGMA quick_check" if self.quick else "PRAGMA integrity_check")]
            self._result = (rows, list(con.execute("PRAGMA foreign_key_check")), None)
        except Exception as exc:  # noqa: BLE001 - as above
            self._result = (None, None, ("read", exc))
        finally:
            con.close()

    def wait(self) -> tuple:
        """(rows of the check, rows of foreign_key_check, None) or (None, None, (stage, error))."""
        self._thread.join()
        return self._result or (None, None, ("read", RuntimeError("check did not finish")))


def start(target: str | Path | None, quick: bool = True) -> EarlyCheck | None:
    """Begin checking an existing, non-empty SQLite file now (None for a server URL or a new file)."""
    if not target or "://" in str(target):
        return None
    path = Path(target).expanduser()
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return None
    except OSError:
        return None
    return EarlyCheck(path, quick)
