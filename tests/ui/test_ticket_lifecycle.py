"""One ticket from the intake form to the owner's on-screen signature and closure, clicked like a
clerk; the audit log holds every step."""

import datetime as dt
import json

from PySide6.QtCore import QDateTime, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from warranty_desk.models import Attachment, AuditLog, Staff, Ticket, TicketEvent, Unit, Visit
from warranty_desk.services import attachments
from warranty_desk.services.handover import handover


def _sign(pad, points):
    """Drag the left mouse button along `points` on the pad."""
    def send(kind, point, buttons):
        event = QMouseEvent(kind, QPointF(*point), pad.mapToGlobal(QPointF(*point)), Qt.MouseButton.LeftButton,
                            buttons, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(pad, event)

    send(QMouseEvent.Type.MouseButtonPress, points[0], Qt.MouseButton.LeftButton)
    for point in points[1:]:
        send(QMouseEvent.Type.MouseMove, point, Qt.MouseButton.LeftButton)
    send(QMouseEvent.Type.MouseButtonRelease, points[-1], Qt.MouseButton.NoButton)


def _at(panel, moment: dt.datetime):
    panel.when.setDateTime(QDateTime(moment))


def test_intake_to_on_screen_signature_and_close(db, make_project, qtbot, answers):
    from ui.pages.tickets import TicketDialog, TicketView

    project = make_project(code="QT-1", name="阳光花园")
    handover(project.id)
    Unit.create(project=project, building="1号楼", entrance="1单元", room="101", owner_name="王业主",
                owner_phone="13800000001")
    Staff.create(name="张师傅")
    start = dt.datetime.now().replace(second=0, microsecond=0) - dt.timedelta(days=2)

    # intake, typed into the form
    dialog = TicketDialog(None, project_id=project.id)
    qtbot.addWidget(dialog)
    f = dialog.form.widgets
    f["unit"].setCurrentIndex(1)  # 1号楼-1单元-101, fills the owner's name and phone
    f["category"].setCurrentIndex(f["category"].findData("roof_waterproofing"))
    assert "屋面防水工程 保修至 2029-06-15" in dialog.decision_label.text()
    f["location"].setText("顶层卧室")
    f["description"].setPlainText("雨后卧室天花板渗水 <b>&</b>")
    f["reported_at"].setDateTime(QDateTime(start))
    dialog._save_clicked()
    ticket = Ticket.get()
    assert ticket.reporter == "王业主" and ticket.state == "received" and ticket.in_warranty
    assert any("已登记工单 BX-" in text for _k, _t, text in answers["shown"])

    view = TicketView(ticket.id)
    qtbot.addWidget(view)
    panel = view.lifecycle
    assert panel is not None and panel.isVisibleTo(view) and view.tabs.tabText(1) == "处理记录"

    # dispatch to our own staff
    panel.staff.setCurrentIndex(panel.staff.findText("张师傅"))
    panel.sub.setCurrentIndex(0)
    _at(panel, start + dt.timedelta(hours=1))
    qtbot.mouseClick(panel.dispatch_button, Qt.MouseButton.LeftButton)
    assert Ticket.get().state == "dispatched"

    # an illegal shortcut is not offered; the legal steps are
    assert "已关闭" not in [panel.next_state.itemText(i) for i in range(panel.next_state.count())]
    for hours, state in ((3, "onsite"), (4, "repairing")):
        panel.next_state.setCurrentIndex(panel.next_state.findData(state))
        _at(panel, start + dt.timedelta(hours=hours))
        qtbot.mouseClick(panel.move_button, Qt.MouseButton.LeftButton)
        assert Ticket.get().state == state

    panel.cause.setCurrentIndex(panel.cause.findData("workmanship"))
    qtbot.mouseClick(panel.cause_button, Qt.MouseButton.LeftButton)
    assert "无条件进行保修" in panel.allocation.text()
    panel.cost_text.setText("防水卷材")
    qtbot.keyClicks(panel.cost_amount, "350")
    qtbot.mouseClick(panel.findChild(type(panel.dispatch_button), "addCost"), Qt.MouseButton.LeftButton)
    assert panel.costs.rowCount() == 1 and "350.00" in panel.costs.item(0, 2).text()
    assert "费用合计 ¥350.00" in panel.cost_totals.text() and "我方 ¥350.00" in panel.cost_totals.text()

    panel.next_state.setCurrentIndex(panel.next_state.findData("awaiting_check"))
    _at(panel, start + dt.timedelta(hours=8))
    qtbot.mouseClick(panel.move_button, Qt.MouseButton.LeftButton)
    assert Ticket.get().state == "awaiting_check"

    # signing with an empty pad is refused with a message
    _at(panel, start + dt.timedelta(hours=9))
    qtbot.mouseClick(panel.sign_button, Qt.MouseButton.LeftButton)
    assert Ticket.get().state == "awaiting_check"
    assert any("签名图像" in text for _k, _t, text in answers["shown"])

    # the owner signs on screen
    panel.pad.resize(400, 150)
    _sign(panel.pad, [(20, 100), (60, 40), (100, 110), (160, 50), (220, 100), (300, 60)])
    assert not panel.pad.is_empty()
    panel.satisfaction.setCurrentIndex(panel.satisfaction.findData(5))
    qtbot.mouseClick(panel.sign_button, Qt.MouseButton.LeftButton)

    ticket = Ticket.get()
    assert ticket.state == "closed" and ticket.signoff_kind == "screen" and ticket.signoff_by == "王业主"
    assert ticket.satisfaction == 5
    signature = Attachment.get((Attachment.owner_table == "ticket") & (Attachment.kind == "signature"))
    png = attachments.read_bytes(signature)
    assert png.startswith(b"\x89PNG")
    import io

    from PIL import Image

    pixels = Image.open(io.BytesIO(png)).convert("L")
    assert pixels.getextrema()[0] < 100  # ink on the paper, not a blank image
    assert Visit.get(Visit.ticket == ticket).kind == "after_repair"
    assert [e.to_state for e in ticket.events.order_by(TicketEvent.id)] == [
        "received", "dispatched", "onsite", "repairing", "awaiting_check", "closed"]

    log = list(AuditLog.select().where(AuditLog.table == "ticket").order_by(AuditLog.id))
    assert [a.action for a in log] == ["create", "transition", "transition", "transition", "set_cause",
                                       "transition", "signoff", "transition"]
    assert [json.loads(a.new).get("state") for a in log if a.action == "transition"] == [
        "dispatched", "onsite", "repairing", "awaiting_check", "closed"]
    assert AuditLog.select().where((AuditLog.table == "cost_line") & (AuditLog.action == "create")).count() == 1
    assert AuditLog.select().where((AuditLog.table == "attachment") & (AuditLog.action == "create")).count() == 1
    assert panel.move_button.isEnabled() is False
