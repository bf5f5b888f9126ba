"""修改记录: a button on the project page, the ticket window, the visit form and the 质保金 page opens
the record's audit history; the window only shows it (no cell can be edited, nothing deleted)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QDialogButtonBox, QLabel, QPushButton

from ui import record_history
from warranty_desk.models import AuditLog, Visit, WarrantyItem
from warranty_desk.services import deposits, handover, projects, tickets, visits


def _history(qtbot, button) -> record_history.HistoryDialog:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialogs = [w for w in button.window().findChildren(record_history.HistoryDialog) if w.isVisible()]
    assert len(dialogs) == 1
    return dialogs[0]


def _cells(dialog) -> list[list[str]]:
    t = dialog.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def test_project_history_includes_its_warranty_items_and_cannot_be_edited(app_window, qtbot, make_project):
    project = make_project(code="HX-1", name="旧名")
    handover.handover(project.id)
    project = projects.find_project(project.id)
    projects.update_project(project.id, {**{"code": "HX-1", "type": "住宅", "scale": "中型"}, "name": "新名"},
                            project.version)
    item = WarrantyItem.select().where(WarrantyItem.project == project.id).first()
    handover.set_agreed_period(item.id, item.agreed_unit, item.agreed_amount + 5, item.version)
    page = app_window.page("工程项目")
    app_window.go(2)
    page.open_project(project.id)
    dialog = _history(qtbot, page.detail.history_button)
    rows = _cells(dialog)
    headers = [dialog.table.horizontalHeaderItem(c).text() for c in range(dialog.table.columnCount())]
    assert headers[2] == "记录"
    assert any("名称：旧名 → 新名" in r[4] for r in rows)
    assert any(r[2] == item.name and r[3] == "修改" for r in rows)  # the warranty item's change is listed too
    # read only: no edit on double-click, only a 关闭 button
    before = AuditLog.select().count()
    assert dialog.table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    rect = dialog.table.visualItemRect(dialog.table.item(0, 4))
    qtbot.mouseDClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.table.state() != QAbstractItemView.State.EditingState
    assert [b.text() for b in dialog.findChildren(QPushButton)] == ["关闭"]
    dialog.findChild(QDialogButtonBox).rejected.emit()
    assert AuditLog.select().count() == before


def test_ticket_window_history(qtbot, db, make_project, answers):
    from ui.pages.tickets import TicketView

    project = make_project(code="HX-2")
    handover.handover(project.id)
    intake = tickets.create_ticket({
        "project": "HX-2", "reporter": "李业主", "phone": "13911112222", "channel": "电话", "location": "卫生间",
        "category": "wet_room_waterproofing", "description": "渗水 <b>&", "urgency": "一般",
        "reported_at": dt.datetime(2026, 11, 2, 9, 0)})
    view = TicketView(intake.ticket.id)
    qtbot.addWidget(view)
    view.show()
    dialog = _history(qtbot, view.history_button)
    rows = _cells(dialog)
    assert rows[0][2] == "新建" and "渗水 <b>&" in rows[0][3]
    assert intake.ticket.number in dialog.windowTitle()


def test_visit_form_history(qtbot, db, make_project, answers):
    from ui.visit_form import VisitDialog

    today = dt.date.today()
    project = make_project(code="HX-3", accepted_on=today - dt.timedelta(days=20),
                           handed_over_on=today - dt.timedelta(days=20))
    handover.handover(project.id)
    visit = Visit.select().where(Visit.project == project.id).order_by(Visit.planned_on).first()
    empty = record_history.HistoryDialog("visit", visit.id)  # planned at handover: nothing yet
    qtbot.addWidget(empty)
    assert empty.findChild(QLabel).text() == "这条记录还没有修改记录"
    visits.reschedule_visit(visit.id, visit.planned_on + dt.timedelta(days=7), "业主出差", allow_non_working=True)
    form = VisitDialog(visit.id)
    qtbot.addWidget(form)
    form.show()
    dialog = _history(qtbot, form.history_button)
    rows = _cells(dialog)
    assert len(rows) == 1 and "业主出差" in rows[0][4]
    assert "HX-3" in dialog.windowTitle()


def test_deposit_history_of_the_selected_deposit(app_window, qtbot, make_project, answers):
    project = make_project(code="HX-4", contract_amount="2000000")
    first = deposits.set_deposit("HX-4", {"amount": 50000, "defect_months": 24})
    deposits.set_deposit("HX-4", {"amount": 60000, "defect_months": 24}, first.version)
    page = app_window.page("质保金")
    app_window.go(5)
    page.load()
    qtbot.mouseClick(page.history_button, Qt.MouseButton.LeftButton)  # nothing selected: told to select
    assert answers["shown"][-1][2] == "请先在表中选择一笔质保金"
    page.select_deposit(first.id)
    dialog = _history(qtbot, page.history_button)
    rows = _cells(dialog)
    assert len(rows) == 2 and any("50000" in r[3] and "60000" in r[3] for r in rows), rows
    assert project.code in dialog.windowTitle()
