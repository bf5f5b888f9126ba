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


def _show_main_window(qtbot, tmp_path, size: tuple[int, int] | None = None):
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
    if size is not None:
        window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def show_main_window(qtbot, tmp_path, answers):
    """Shows the main window on the database open now, as the program does (fresh QSettings in the
    test folder, printed files not opened, message boxes answered): `show_main_window(size=None)`."""
    return lambda size=None: _show_main_window(qtbot, tmp_path, size)


@pytest.fixture
def app_window(db, show_main_window):
    """The main window on the test database."""
    return show_main_window()


@pytest.fixture
def demo_window(demo_db, show_main_window):
    """The main window on a copy of the demo office."""
    return show_main_window()


UI_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "ui") + os.sep


@pytest.fixture(autouse=True)
def ui_does_not_query(monkeypatch):
    """Every query a UI test runs comes from the core: a query whose nearest caller outside peewee is
    in ui/ (a select written there, or a foreign key read off a model instance) fails the test."""
    import sys

    import peewee

    skip = (os.path.dirname(peewee.__file__) + os.sep,)
    found: list[str] = []
    original = peewee.Database.execute_sql

    def execute_sql(self, sql, params=None, *args, **kwargs):
        frame = sys._getframe(1)
        while frame is not None and (frame.f_code.co_filename.startswith(skip)
                                     or frame.f_code.co_filename.endswith(("peewee.py", "playhouse"))):
            frame = frame.f_back
        if frame is not None and frame.f_code.co_filename.startswith(UI_DIR):
            found.append(f"{frame.f_code.co_filename[len(UI_DIR) - 3:]}:{frame.f_lineno} {sql[:60]}")
        return original(self, sql, params, *args, **kwargs)

    monkeypatch.setattr(peewee.Database, "execute_sql", execute_sql)
    yield found
    assert not found, "ui/ queried the database itself (read through a service):\n" + "\n".join(dict.fromkeys(found))
