"""维修工单 list: rows come in batches as the clerk scrolls, only a few batches stay in memory (the
others are fetched again when scrolled back to), and a click on a column header sorts by the database."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, Qt

from warranty_desk.services import tickets as ticket_service


def _tickets(make_project, n: int) -> list[str]:
    project = make_project(code="T-1", name="工单工程 <b>&")
    numbers = []
    for i in range(n):
        at = dt.datetime(2026, 11, 1, 8, 0) + dt.timedelta(hours=i // 2)  # two tickets share each time
        intake = ticket_service.create_ticket({
            "project": project.id, "reporter": "李业主", "phone": "13900001111", "channel": "电话",
            "category": "other", "description": f"第{i}处渗水", "urgency": "紧急" if i % 3 else "一般",
            "reported_at": at})
        numbers.append(intake.ticket.number)
    return numbers


def test_batches_keep_memory_bounded_and_sorting_by_column(app_window, make_project, monkeypatch):
    import ui.pages.tickets as page_module

    monkeypatch.setattr(page_module, "BATCH", 3)
    monkeypatch.setattr(page_module, "KEEP_PAGES", 2)
    _tickets(make_project, 11)
    newest_first = [r["number"] for r in ticket_service.list_tickets()]
    page = app_window.page("维修工单")
    app_window.go(3)
    model = page.model
    assert model.rowCount() == 3
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 11
    assert model.resident_rows() <= 2 * 3  # the first batches were let go
    shown = [model.data(model.index(i, 0)) for i in range(model.rowCount())]  # scrolled back: fetched again
    assert shown == newest_first
    assert [row["number"] for row in model.rows] == newest_first
    assert model.resident_rows() <= 2 * 3

    header = page.view.horizontalHeader()
    header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)  # 工单号 ascending
    assert model.rowCount() == 3 and "3+" in page.count_label.text()  # starts again from the top
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert [model.data(model.index(i, 0)) for i in range(model.rowCount())] == sorted(newest_first)
    header.setSortIndicator(9, Qt.SortOrder.AscendingOrder)  # 内容: not sortable, the order stays
    assert header.sortIndicatorSection() == 0 and model.order == "number"
