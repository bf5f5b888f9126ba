"""Double-clicking a row in a list opens its record once, not twice (activated fires on double-click)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from ui.signals import bus
from warranty_desk.services.handover import handover


def test_double_click_on_a_visit_opens_it_once(app_window, qtbot, make_project, monkeypatch):
    today = dt.date.today()
    project = make_project(accepted_on=today - dt.timedelta(days=20), handed_over_on=today - dt.timedelta(days=20))
    handover(project.id)
    page = app_window.page("回访记录")
    app_window.go(4)
    page.load()
    assert page.model.rowCount() > 0
    import ui.visit_form as visit_form

    opened = []
    shown = []
    monkeypatch.setattr(visit_form.VisitDialog, "exec", lambda self: shown.append(self.window()) or 0)
    record = lambda kind, rid: opened.append((kind, rid))  # noqa: E731
    bus().open_record.connect(record)
    try:
        rect = page.view.visualRect(page.model.index(0, 1))
        qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    finally:
        bus().open_record.disconnect(record)
    assert [kind for kind, _ in opened] == ["visit"]
    # main windows of earlier tests still listen to the bus: count this window's dialogs
    assert sum(1 for w in shown if w is app_window or w.parent() is app_window) == 1
