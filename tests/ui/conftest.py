"""UI test helpers: the bundled font, QSettings kept in the test folder, no files opened, and
message boxes answered without blocking."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def answers(monkeypatch):
    """Message boxes never block: record them and answer from the `answers` dict."""
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    state = {"question": QMessageBox.StandardButton.Discard, "shown": [], "text": ("", False)}

    def box(kind):
        def show(parent, title, text, *args, **kwargs):
            state["shown"].append((kind, title, text))
            if kind == "question":
                return state["question"]
            return QMessageBox.StandardButton.Ok
        return show

    for kind in ("information", "warning", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(box(kind)))
    monkeypatch.setattr(QMessageBox, "exec", lambda self: state["shown"].append(("exec", self.windowTitle(), self.text())))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: state["text"]))
    return state


@pytest.fixture
def app_window(db, qtbot, tmp_path, answers):
    """The main window on the test database (fresh QSettings, printed files not opened)."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from ui import documents
    from ui.app import setup_application

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    setup_application(QApplication.instance())
    documents.OPEN_AFTER_PRINT = False
    from ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window
