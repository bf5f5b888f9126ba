"""The clerk's desk (issue #16), clicked and typed like a clerk: a call from "…6963" fills the intake
form; a closed ticket offers no cost or responsibility action; the operator's name is in the history,
the audit log and on the 派工单; the global search finds any part of a number and marks the row."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QDateTime, Qt

from warranty_desk.models import AuditLog, Staff, Ticket, TicketEvent, Unit
from warranty_desk.services import audit, tickets
from warranty_desk.services.handover import handover

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))


@pytest.fixture
def office(db, make_project):
    project = make_project(code="GC-2024-001", name="北京阳光花园项目", accepted_on=dt.date(2024, 6, 15),
                           handed_over_on=dt.date(2024, 7, 1))
    handover(project.id)
    owner = Unit.create(project=project, building="1号楼", entrance="1单元", room="101", owner_name="郑勇军",
                        owner_phone="15373556963")
    Unit.create(project=project, building="1号楼", entrance="1单元", room="102", owner_name="周刚超",
                owner_phone="15645154742")
    earlier = tickets.create_ticket({
        "project": project.id, "unit": owner.id, "reporter": "郑勇军", "category": "roof_waterproofing",
        "location": "顶层卧室", "description": "雨后顶棚渗水", "reported_at": dt.datetime.now() - dt.timedelta(days=3),
    }).ticket
    Staff.create(name="张师傅")
    return {"project": project, "owner": owner, "earlier": earlier}


@pytest.fixture
def operator_reset(monkeypatch):
    """The operator chosen in a test does not leak into the next one."""
    monkeypatch.setattr(audit, "_clerk_name", None)
    monkeypatch.setattr(audit, "_pc_operator", audit._UNREAD)


def test_a_call_from_the_last_four_digits_fills_the_intake(office, qtbot, answers, monkeypatch):
    from ui.pages import tickets as page

    opened = []
    monkeypatch.setattr(page, "open_ticket", lambda parent, ticket_id: opened.append(ticket_id))
    dialog = page.TicketDialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.caller_search, "6963")
    qtbot.waitUntil(lambda: dialog.caller_results.isVisible() and dialog.caller_results.count() > 0, timeout=3000)
    assert "郑勇军" in dialog.caller_results.item(0).text() and "1号楼-1单元-101" in dialog.caller_results.item(0).text()
    qtbot.keyClick(dialog.caller_search, Qt.Key.Key_Return)
    values = dialog.form.values()
    assert values["project"] == office["project"].id and values["unit"] == office["owner"].id
    assert (values["reporter"], values["phone"]) == ("郑勇军", "15373556963")
    # the unit's warranty items still running, with their end dates (accepted 2024-06-15)
    panel = dialog.caller_panel
    items = {panel.items.item(r, 0).text(): panel.items.item(r, 1).text() for r in range(panel.items.rowCount())}
    assert items["屋面防水工程"] == "2029-06-15" and "地基基础工程和主体结构工程" in items
    assert "给排水管道" not in items and "给排水管道" in panel.ended.text()  # two years: ended 2026-06-15
    # the unit's earlier repair, and the repeat it would be
    assert office["earlier"].number in panel.earlier.item(0).text()
    category = dialog.form.widgets["category"]
    category.setCurrentIndex(category.findData("roof_waterproofing"))
    assert panel.repeat.isVisibleTo(dialog) and office["earlier"].number in panel.repeat.text()
    qtbot.mouseClick(panel.repeat_link, Qt.MouseButton.LeftButton)
    assert opened == [office["earlier"].id]
    dialog.form.widgets["description"].setPlainText("卫生间顶棚又渗水")
    dialog._save_clicked()
    ticket = Ticket.select().order_by(Ticket.id.desc()).first()
    assert ticket.unit_id == office["owner"].id and ticket.repeat_of_id == office["earlier"].id
    assert ticket.phone == "15373556963"


def test_the_project_and_room_lists_take_typing(office, qtbot, answers):
    from ui.pages.tickets import TicketDialog

    dialog = TicketDialog(None)
    qtbot.addWidget(dialog)
    project, unit = dialog.form.widgets["project"], dialog.form.widgets["unit"]
    assert project.isEditable() and unit.isEditable() and unit.maxVisibleItems() <= 15
    assert dialog.form.value("project") is None  # nothing chosen before the clerk chooses
    project.setEditText("GC-2024-001  北京阳光花园项目")
    assert dialog.form.value("project") == office["project"].id
    unit.setEditText("1号楼-1单元-102  周刚超")
    assert dialog.form.value("unit") == Unit.get(Unit.room == "102").id
    assert dialog.form.value("reporter") == "周刚超"
    unit.setEditText("9号楼-9单元-909")  # names no unit: handed on as typed, the core says what is wrong
    assert dialog.form.value("unit") == "9号楼-9单元-909"
    category = dialog.form.widgets["category"]
    category.setCurrentIndex(category.findData("plumbing"))
    dialog.form.widgets["description"].setPlainText("漏水")
    dialog._save_clicked()
    assert Ticket.select().count() == 1  # refused, nothing written
    assert "9号楼-9单元-909" in " ".join(text for _k, _t, text in answers["shown"]) or \
        dialog.form.error_text("unit")


def _closed(office) -> Ticket:
    t = office["earlier"]
    at = t.reported_at
    tickets.dispatch(t.id, "张师傅", at=at + dt.timedelta(hours=1))
    tickets.transition(t.id, "已到场", at=at + dt.timedelta(hours=2))
    tickets.transition(t.id, "维修中", at=at + dt.timedelta(hours=3))
    tickets.set_cause(t.id, "施工质量")
    tickets.add_cost_line(t.id, "材料", "防水卷材", 350)
    tickets.transition(t.id, "待验收", at=at + dt.timedelta(hours=5))
    tickets.sign_off(t.id, "refused", note="业主出差", at=at + dt.timedelta(hours=6), close=True)
    return Ticket.get_by_id(t.id)


def test_a_closed_ticket_offers_no_cost_or_responsibility_action(office, qtbot, answers):
    from ui.ticket_window import TicketView

    ticket = _closed(office)
    assert ticket.state == "closed"
    view = TicketView(ticket.id)
    qtbot.addWidget(view)
    view.show()
    panel = view.lifecycle
    for button in (panel.cause_button, panel.quote_button, panel.accept_button, panel.refuse_button,
                   panel.add_cost_button, panel.dispatch_button, panel.move_button, panel.sign_button):
        assert not (button.isVisibleTo(view) and button.isEnabled()), button.objectName()
    assert "费用合计 ¥350.00" in panel.cost_totals.text()  # the costs still show, with their total
    assert panel.print_dispatch_button.isEnabled()
    assert "不需要再处理" in panel.finished_label.text()
    # and the core refuses them too, whatever calls it
    from warranty_desk.errors import ValidationError

    for call in (lambda: tickets.set_cause(ticket.id, "使用不当"),
                 lambda: tickets.add_cost_line(ticket.id, "人工", "补记", 100),
                 lambda: tickets.set_quote(ticket.id, 100)):
        with pytest.raises(ValidationError, match="已关闭"):
            call()


def test_the_header_keeps_state_deadlines_and_a_warning_verdict_in_view(office, qtbot, answers):
    from ui.ticket_window import TicketView

    out = tickets.create_ticket({"project": office["project"].id, "unit": office["owner"].id, "reporter": "郑勇军",
                                 "category": "plumbing", "description": "渗" * 1000 + "a" * 1000,
                                 "reported_at": dt.datetime.now() - dt.timedelta(days=5)}).ticket
    assert not out.in_warranty
    view = TicketView(out.id)
    qtbot.addWidget(view)
    view.show()
    header = view.header
    assert header.state.text() == "已受理" and "超时" in header.sla.text()
    assert header.verdict.property("warning") and "保修期外" in header.verdict.text()
    assert header.deadlines.property("warning") and "响应时限" in header.deadlines.text()
    assert view.description_text() == "渗" * 1000 + "a" * 1000
    assert view.width() <= 1366 and view.height() <= 768
    assert view.minimumSizeHint().width() <= 1366  # 2,000 characters do not widen the window
    ok = tickets.create_ticket({"project": office["project"].id, "reporter": "物业", "category": "roof_waterproofing",
                                "description": "屋面", "reported_at": dt.datetime.now()}).ticket
    calm = TicketView(ok.id)
    qtbot.addWidget(calm)
    assert not calm.header.verdict.property("warning") and "保修期内" in calm.header.verdict.text()


def test_the_operator_is_in_the_history_the_audit_and_the_dispatch_sheet(office, qtbot, answers, operator_reset,
                                                                          tmp_path, app_window):
    from ui.operator_dialog import OperatorDialog
    from ui.ticket_window import TicketView
    from warranty_desk.documents.dispatch_sheet import build_dispatch_sheet
    from warranty_desk.services import operator

    assert operator.needs_asking()  # the first start on this PC
    dialog = OperatorDialog(app_window, at_start=True)
    qtbot.addWidget(dialog)
    dialog.name.setCurrentText("")
    dialog.accept()
    assert dialog.error.isVisibleTo(dialog) and "操作员" in dialog.error.text()
    dialog.name.setCurrentText("王芳")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted and operator.current() == "王芳"
    assert not operator.needs_asking() and operator.remembered() == "王芳"
    assert Staff.select().where(Staff.name == "王芳").exists()  # on the list for the next start
    app_window._update_status()
    assert "王芳" in app_window.operator_button.text()

    view = TicketView(office["earlier"].id)
    qtbot.addWidget(view)
    panel = view.lifecycle
    panel.staff.setCurrentIndex(panel.staff.findText("张师傅"))
    panel.when.setDateTime(QDateTime(office["earlier"].reported_at + dt.timedelta(hours=1)))
    qtbot.mouseClick(panel.dispatch_button, Qt.MouseButton.LeftButton)
    assert Ticket.get_by_id(office["earlier"].id).state == "dispatched"
    event = TicketEvent.select().where(TicketEvent.to_state == "dispatched").get()
    assert event.by == "王芳"
    assert any("王芳" in view.history.item(i).text() for i in range(view.history.count()))
    assert AuditLog.select().order_by(AuditLog.id.desc()).first().user == "王芳"

    from documents_fixtures import pdf_text, squash

    sheet = build_dispatch_sheet(office["earlier"].id, tmp_path / "派工单.pdf")
    assert "派工人：王芳" in squash(pdf_text(sheet))

    # a PC several clerks share: asked again at the next start, the staff list offered
    operator.choose("王芳", each_start=True)
    assert operator.needs_asking()
    again = OperatorDialog(None, at_start=True)
    qtbot.addWidget(again)
    assert {"张师傅", "王芳"} <= {again.name.itemText(i) for i in range(again.name.count())}
    assert again.shared.isChecked() and again.name.currentText() == "王芳"


def test_global_search_finds_part_of_a_number_marks_the_row_and_stays_on_screen(office, app_window, qtbot):
    window = app_window
    window.resize(1366, 768)
    qtbot.keyClicks(window.search_box, "6963")
    window._run_search()
    popup = window.popup
    assert popup.isVisible() and "郑勇军" in popup.item(0).text()
    area = window.centralWidget().rect()
    assert popup.geometry().right() <= area.right() and popup.geometry().left() >= 0  # not past the edge
    assert popup.geometry().bottom() <= area.bottom()
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    detail = window.page("工程项目").detail
    assert detail.project.id == office["project"].id and detail.tabs.currentIndex() == 2
    marked = detail.unit_view.currentIndex()
    assert marked.isValid() and detail.unit_model.rows[marked.row()].id == office["owner"].id
    assert detail.unit_view.selectionModel().isRowSelected(marked.row(), marked.parent())
