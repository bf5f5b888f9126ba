"""A page refreshes itself when data it shows changed: at once when visible, else when shown."""

from __future__ import annotations

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QSplitter, QWidget

from ..signals import bus, touches


class Page(QWidget):
    tables: tuple[str, ...] = ()  # which tables this page shows; empty: every change

    def __init__(self, parent=None):
        super().__init__(parent)
        self._stale = True
        bus().changed.connect(self._on_changed)

    def _on_changed(self, changes) -> None:
        if self.tables and not touches(changes, *self.tables):
            return
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event):  # noqa: N802 - Qt
        super().showEvent(event)
        if self._stale:
            if getattr(self, "_after_show", False):
                self._after_show = False
                QTimer.singleShot(0, self._load_if_shown)
            else:
                self.refresh()

    def load_after_show(self) -> None:
        """Let the next first show put the page on screen before its data is read: the program's start
        (the window appears at once, its lists fill an instant later), not a page the clerk opens."""
        self._after_show = True

    def _load_if_shown(self) -> None:
        if self._stale and self.isVisible():
            self.refresh()

    def loaded(self) -> bool:
        """Whether the page shows its data (not waiting for its first load)."""
        return not self._stale

    def refresh(self) -> None:
        self._stale = False
        self.load()

    def load(self) -> None:  # overridden
        pass

    def is_dirty(self) -> bool:
        return False

    def discard(self) -> None:
        pass


def remember_splitter(splitter: QSplitter, name: str) -> None:
    splitter.setObjectName(name)
    state = QSettings().value(f"splitters/{name}")
    if state is not None:
        splitter.restoreState(state)
    splitter.splitterMoved.connect(lambda *_: QSettings().setValue(f"splitters/{name}", splitter.saveState()))
