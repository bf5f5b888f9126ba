"""Start the program again (a new interface language applies from the start): the window closes as
the clerk closes it (backup on close, locks released), then the same program is started with the
same database — without a --lang of this run, so that the language just chosen in 设置 applies."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QProcess
from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger(__name__)

_state = {"requested": False, "db": None}


def request(window: QWidget | None, database: str | None) -> None:
    """Close the main window (and so the program); `run` starts it again once it has closed."""
    _state.update(requested=True, db=database)
    if window is not None:
        window.close()  # as the clerk closes it: its backup on close, its checks
    app = QApplication.instance()
    if app is not None:
        app.closeAllWindows()  # a ticket window left open would keep the program running


def requested() -> bool:
    return bool(_state["requested"])


def command() -> tuple[str, list[str]]:
    """The program and its arguments for the new start: this program, the same database."""
    frozen = getattr(sys, "frozen", False)  # the double-click bundle: the executable is the program
    args = [] if frozen else [sys.argv[0]]
    if _state["db"]:
        args += ["--db", str(_state["db"])]
    return sys.executable, args


def start_again() -> bool:
    """Called after the window and its locks are gone."""
    program, args = command()
    result = QProcess.startDetached(program, args)
    ok = bool(result[0] if isinstance(result, tuple) else result)  # PySide6 answers (ok, pid)
    if not ok:
        log.warning("could not start %s %s again", program, args)
    return ok
