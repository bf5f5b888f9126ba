"""设置 → 分包单位: selecting a subcontractor lists its open tickets with their deadline state and
the overdue count; double-clicking a ticket opens it. The 处理 tab prints the 派工单."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from warranty_desk.models import Subcontractor
from warranty_desk.services import tickets
from warranty_desk.services.handover import handover


def _office(make_project):
    project = make_project(code="SUB-1", name="<b>分包</b> & 工程")
    handover(project.id)
    roofer = Subcontractor.create(name="鑫㐂防水工程有限公司", trade="防水", phone="010-1")
    other = Subcontractor.create(name="别家水电", trade="水电")
    now = dt.datetime.now().replace(second=0, microsecond=0)

    def ticket(days_ago: float, sub, description: str):
        reported = now - dt.timedelta(days=days_ago)
        t = tickets.create_ticket({"project": project.code, "reporter": "王业主", "category": "roof_waterproofing",
                                   "location": description, "description": description, "reported_at": reported}).ticket
        tickets.dispatch(t.id, subcontractor=sub.id, at=reported + dt.timedelta(hours=1))
        return t

    late = ticket(10, roofer, "十天前报修，还没到场")  # on-site deadline (3 days) long past
    fresh = ticket(0.1, roofer, "刚报修")
    done = ticket(5, roofer, "已撤销的")
    tickets.cancel(done.id, "业主撤回")
    ticket(10, other, "别家的超时工单")
    return project, roofer, late, fresh


def _select(page, name: str) -> None:
    model = page.sub_model
    row = next(i for i, s in enumerate(model.rows) if s.name == name)
    page.sub_view.setCurrentIndex(model.index(row, 0))


def test_open_tickets_and_overdue_count_of_a_subcontractor(app_window, qtbot, make_project, monkeypatch):
    _project, roofer, late, fresh = _office(make_project)
    app_window.go(7)
    page = app_window.page("设置")
    page.tabs.setCurrentIndex([page.tabs.tabText(i) for i in range(page.tabs.count())].index("分包单位"))
    panel = page.sub_tickets
    assert "选中一个分包单位" in panel.summary.text()

    _select(page, roofer.name)
    assert panel.summary.text().startswith("鑫㐂防水工程有限公司：未完成工单 2 张，其中超时 1 张")
    numbers = [panel.model.rows[i]["number"] for i in range(panel.model.rowCount())]
    assert numbers == [late.number, fresh.number]  # overdue first; the cancelled one and the other firm's are not here
    sla_col = [c.header for c in panel.model.columns].index("时限")
    assert "已超时" in panel.model.index(0, sla_col).data()
    assert "还剩" in panel.model.index(1, sla_col).data()

    _select(page, "别家水电")
    assert "未完成工单 1 张，其中超时 1 张" in panel.summary.text()

    # a ticket closed elsewhere (here: cancelled) leaves the list when the data changes
    _select(page, roofer.name)
    from ui.operations import perform

    perform(page, tickets.cancel, fresh.id, "重复登记")
    assert "未完成工单 1 张，其中超时 1 张" in panel.summary.text()
    assert panel.model.rows[0]["number"] == late.number

    # double-click asks the main window to open the ticket (once)
    from ui.signals import bus

    opened, asked = [], []
    import ui.pages.tickets as ticket_page

    monkeypatch.setattr(ticket_page, "open_ticket", lambda parent, ticket_id: opened.append(ticket_id))
    record = lambda kind, record_id: asked.append((kind, record_id))  # noqa: E731
    bus().open_record.connect(record)
    assert panel.view.isVisible()
    rect = panel.view.visualRect(panel.model.index(0, 0))
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    bus().open_record.disconnect(record)
    assert asked == [("ticket", late.id)]
    assert set(opened) == {late.id}  # the main window opened it (main windows of earlier tests listen too)


def test_a_subcontractor_without_open_tickets(app_window, make_project):
    Subcontractor.create(name="空闲门窗公司")
    page = app_window.page("设置")
    app_window.go(7)
    _select(page, "空闲门窗公司")
    assert page.sub_tickets.summary.text() == "空闲门窗公司：没有未完成的维修工单"
    assert page.sub_tickets.model.rowCount() == 0


def test_print_dispatch_sheet_from_the_ticket_window(app_window, qtbot, make_project):
    from pypdf import PdfReader

    from ui import documents, operations
    from ui.pages.tickets import TicketView

    _project, _roofer, late, _fresh = _office(make_project)
    view = TicketView(late.id)
    qtbot.addWidget(view)
    button = view.lifecycle.print_dispatch_button
    assert button.isEnabled()
    before = len(documents.LAST_OUTPUT)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(documents.LAST_OUTPUT) > before and not operations.busy(), timeout=20000)
    out = documents.LAST_OUTPUT[-1]
    assert late.number in out.name
    text = "".join(page.extract_text() for page in PdfReader(str(out)).pages)
    assert "派工单" in text and late.number in text and "鑫㐂防水工程有限公司" in text
