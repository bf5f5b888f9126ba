"""The desktop's side of the phone companion: the service running in this process (设置 → 手机端 →
开启), and how the open screens learn of changes they did not make.

- A phone's change made through the service in this process is announced on the one "changed"
  signal as soon as it commits (services.changes.notify, carried to the UI thread by a queued signal).
- A change made elsewhere — a headless phone service (`warranty-desk serve`), another clerk's PC on
  PostgreSQL — is noticed by polling the change counter (the audit log) every two seconds: one indexed
  query, only the tables others changed are announced.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from warranty_desk.services import changes
from warranty_desk.web.server import PhoneServer, ServeOptions

from .signals import announce

log = logging.getLogger(__name__)

POLL_MS = 2000


class _Bridge(QObject):
    """Carries a change notice from a server thread to the UI thread."""

    changed = Signal(object)

    def __init__(self):
        super().__init__()
        self.changed.connect(self._announce)

    def _announce(self, tables) -> None:
        announce(*sorted(tables))


_state: dict = {"server": None, "bridge": None, "watch": None}


def bridge() -> _Bridge:
    if _state["bridge"] is None:
        _state["bridge"] = _Bridge()
        changes.subscribe(lambda tables: _state["bridge"].changed.emit(set(tables)))
    return _state["bridge"]


def server() -> PhoneServer | None:
    running = _state["server"]
    return running if running is not None and running.running else None


def start(options: ServeOptions) -> PhoneServer:
    """Start the phone service in this process (raises ValidationError with the reason)."""
    stop()
    bridge()
    running = PhoneServer(options)
    running.start()
    _state["server"] = running
    app = QApplication.instance()
    if app is not None and not getattr(app, "_wd_phone_stop_hooked", False):
        app.aboutToQuit.connect(stop)
        app._wd_phone_stop_hooked = True
    return running


def stop() -> None:
    running = _state["server"]
    _state["server"] = None
    if running is not None:
        running.stop()


class ChangeWatch(QObject):
    """Polls the change counter; announces what other processes changed."""

    def __init__(self, parent=None, interval_ms: int = POLL_MS):
        super().__init__(parent)
        self.watcher = changes.Watcher()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def poll(self) -> None:
        try:
            tables = self.watcher.poll()
        except Exception as exc:  # noqa: BLE001 - a server gone for a moment: try again next time
            log.warning("change poll failed: %s", exc)
            return
        if tables is None:
            announce()  # so much changed: every page refreshes
        elif tables:
            announce(*sorted(tables))


def watch_changes(parent=None) -> ChangeWatch:
    if _state["watch"] is None:
        _state["watch"] = ChangeWatch(parent)
    return _state["watch"]
