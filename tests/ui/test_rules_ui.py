"""The rules nobody triggered, driven as a clerk would (issue #18): the urgency the intake suggests
and the clerk's override (RULES.md §4), the structural-safety duty from the ticket window to the
dashboard (办法第十条), and the storm call (RULES.md §6)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QDateTime

from warranty_desk.models import SafetyReport, Ticket, Unit, Visit
from warranty_desk.services import safety, tickets
from warranty_desk.services.handover import handover


def _office(make_project):
    project = make_project(code="UI-18", name="规则花园", heating_region="北京")
    handover(project.id)
    Unit.create(project=project, building="3号楼", entrance="2单元", room="501", owner_name="赵业主",
                owner_phone="13700000005")
    return project


def _intake_dialog(qtbot, project):
    from ui.pages.tickets import TicketDialog

    dialog = TicketDialog(None, project_id=project.id)
    qtbot.addWidget(dialog)
    dialog.show()
    f = dialog.form.widgets
    f["unit"].setCurrentIndex(1)
    f["reported_at"].setDateTime(QDateTime(dt.datetime.now().replace(second=0, microsecond=0) - dt.timedelta(hours=1)))
    return dialog, f


def test_intake_suggests_urgent_for_a_burst_pipe_and_the_clerk_confirms(db, make_project, qtbot, answers):
    """RULES.md §4: a burst pipe is 紧急 — suggested from the category and the words typed."""
    project = _office(make_project)
    dialog, f = _intake_dialog(qtbot, project)
    f["category"].setCurrentIndex(f["category"].findData("plumbing"))
    f["description"].insertPlainText("厨房水管爆裂，水流了一地")  # as an input method commits it
    qtbot.waitUntil(lambda: "建议按紧急处理" in dialog.suggestion_label.text())
    assert "爆裂" in dialog.suggestion_label.text()
    assert f["urgency"].currentData() == "urgent"  # followed, since the clerk did not pick one
    assert not f["urgency_reason"].isVisible()  # nothing to explain
    dialog._save_clicked()
    ticket = Ticket.get()
    assert ticket.urgency == "urgent"
    said = tickets.event_reason_text(ticket.events.get().reason)
    assert "系统建议紧急" in said and "已确认" in said


def test_the_clerk_overrides_the_suggestion_with_a_reason_kept_in_the_history(db, make_project, qtbot, answers):
    project = _office(make_project)
    dialog, f = _intake_dialog(qtbot, project)
    f["category"].setCurrentIndex(f["category"].findData("plumbing"))
    f["description"].setPlainText("阳台水管爆裂")
    qtbot.waitUntil(lambda: f["urgency"].currentData() == "urgent")
    # the clerk picks 一般 (as with the mouse): the reason line appears
    f["urgency"].setCurrentIndex(f["urgency"].findData("normal"))
    f["urgency"].activated.emit(f["urgency"].currentIndex())
    assert f["urgency_reason"].isVisible()
    f["urgency_reason"].setText("业主已关闭总阀，约好明天上午维修")
    f["description"].setPlainText("阳台水管爆裂，已关阀")  # typing on does not undo the clerk's choice
    qtbot.wait(400)
    assert f["urgency"].currentData() == "normal"
    dialog._save_clicked()
    ticket = Ticket.get()
    assert ticket.urgency == "normal"
    first = tickets.event_reason_text(ticket.events.get().reason)  # stored as its template, read in the window's language
    assert "系统建议紧急" in first and "登记人改为一般：业主已关闭总阀，约好明天上午维修" in first
    from ui.pages.tickets import TicketView

    view = TicketView(ticket.id)
    qtbot.addWidget(view)
    assert "登记人改为一般" in view.history.item(0).text()  # 处理记录 shows it


def test_no_heating_outside_the_heating_season_is_not_urgent(db, make_project, qtbot, answers):
    """RULES.md §4: no heat is an emergency in winter only (北京 11-15 → 03-15)."""
    project = _office(make_project)
    dialog, f = _intake_dialog(qtbot, project)
    f["category"].setCurrentIndex(f["category"].findData("heating"))
    f["description"].setPlainText("暖气不热")
    f["reported_at"].setDateTime(QDateTime(dt.datetime(2026, 7, 1, 9, 0)))
    qtbot.waitUntil(lambda: "建议按一般" in dialog.suggestion_label.text())
    assert f["urgency"].currentData() == "normal"
    f["reported_at"].setDateTime(QDateTime(dt.datetime(2026, 1, 5, 9, 0)))
    qtbot.waitUntil(lambda: "采暖期内不供暖" in dialog.suggestion_label.text())
    assert f["urgency"].currentData() == "urgent"


def test_structural_safety_from_intake_to_the_report_sent(app_window, db, make_project, qtbot, answers, tmp_path):
    """办法第十条: marked at intake → 紧急, the duty in the ticket window, the report printed, on the
    dashboard until recorded as sent."""
    from ui import documents
    from ui.pages.tickets import TicketView
    from ui.safety_panel import SentDialog

    project = _office(make_project)
    dialog, f = _intake_dialog(qtbot, project)
    f["category"].setCurrentIndex(f["category"].findData("foundation_structure"))
    f["description"].setPlainText("5楼客厅承重墙出现斜向裂缝")
    f["structural_safety"].setChecked(True)
    assert f["urgency"].currentData() == "urgent"
    dialog._save_clicked()
    ticket = Ticket.get()
    assert ticket.urgency == "urgent" and SafetyReport.get().ticket_id == ticket.id
    assert any("请立即报告当地建设行政主管部门" in text for _k, _t, text in answers["shown"])

    dashboard = app_window.page("工作台")
    dashboard.load()
    box = dashboard.boxes["safety"][0]
    assert not box.isHidden() and dashboard.safety_model.rowCount() == 1
    assert dashboard.safety_model.rows[0]["number"] == ticket.number

    view = TicketView(ticket.id)
    qtbot.addWidget(view)
    view.show()
    panel = view.safety
    assert panel.title.text() == "涉及结构安全" and "立即向当地建设行政主管部门报告" in panel.duty.text()
    assert "尚未报送" in panel.status.text() and panel.sent_button.isVisible()

    documents.LAST_OUTPUT.clear()
    panel.print_report(ask=False)
    qtbot.waitUntil(lambda: bool(documents.LAST_OUTPUT), timeout=20000)
    assert documents.LAST_OUTPUT[-1].read_bytes().startswith(b"%PDF")

    sent = SentDialog(ticket.id, safety.info(ticket.id), view)
    qtbot.addWidget(sent)
    sent.form.widgets["authority"].setText("某某区住房和城乡建设局")
    sent.form.widgets["sent_at"].setDateTime(QDateTime(dt.datetime.now().replace(second=0, microsecond=0)))
    sent.form.widgets["sent_ref"].setText("回执 18-1")
    sent._save_clicked()
    row = SafetyReport.get()
    assert row.sent_at is not None and row.authority == "某某区住房和城乡建设局" and row.sent_ref == "回执 18-1"
    qtbot.waitUntil(lambda: "已于" in panel.status.text())
    assert not panel.sent_button.isVisible()
    dashboard.load()
    assert box.isHidden() and dashboard.safety_model.rowCount() == 0


def test_a_ticket_is_marked_from_its_window(db, make_project, qtbot, answers):
    from ui.pages.tickets import TicketView
    from ui.safety_panel import MarkDialog

    project = _office(make_project)
    t = tickets.create_ticket({"project": project.code, "reporter": "物业", "category": "exterior_wall_seepage",
                               "description": "外墙饰面砖空鼓外凸", "urgency": "一般"}).ticket
    view = TicketView(t.id)
    qtbot.addWidget(view)
    view.show()
    assert view.safety.mark_button.isVisible() and not view.safety.title.isVisible()
    mark = MarkDialog(t.id, t.description, view)
    qtbot.addWidget(mark)
    mark.form.widgets["measures"].setPlainText("楼下设置警戒区")
    mark._save_clicked()
    assert Ticket.get_by_id(t.id).urgency == "urgent"
    qtbot.waitUntil(lambda: view.safety.title.isVisible())
    assert "楼下设置警戒区" in view.safety.status.text()


def test_storm_call_from_the_visits_page(app_window, db, make_project, qtbot, answers):
    """RULES.md §6: 北京, the day of the storm → a call for every project there under roof or wall
    warranty, listed before it is planned, planned once."""
    from ui.storm_dialog import StormDialog
    from warranty_desk.rules.visit_purposes import purpose_text

    bj = make_project(code="BJ-S1", heating_region="北京", accepted_on=dt.date(2024, 6, 15),
                      handed_over_on=dt.date(2024, 7, 1))
    tj = make_project(code="TJ-S1", heating_region="天津", accepted_on=dt.date(2024, 6, 15),
                      handed_over_on=dt.date(2024, 7, 1))
    for p in (bj, tj):
        handover(p.id)
    page = app_window.page("回访记录")
    assert page.storm_button.isEnabled()
    dialog = StormDialog(page, today=dt.date(2026, 7, 20))
    qtbot.addWidget(dialog)
    f = dialog.form.widgets
    f["region"].setCurrentIndex(f["region"].findText("北京"))
    f["storm_on"].setDate(QDate(2026, 7, 20))
    assert dialog.preview.count() == 1 and "BJ-S1" in dialog.preview.item(0).text()
    assert "将新安排 1 次回访" in dialog.count_label.text()
    f["method"].setCurrentIndex(f["method"].findData("onsite"))
    dialog._save_clicked()
    visit = Visit.get(Visit.kind == "after_storm")
    assert (visit.project_id, visit.method, visit.status) == (bj.id, "onsite", "planned")
    assert "2026-07-20暴雨后回访" in purpose_text(visit.purposes)
    assert any("已安排 1 次暴雨后回访" in text for _k, _t, text in answers["shown"])
    again = StormDialog(page, today=dt.date(2026, 7, 20))
    qtbot.addWidget(again)
    again.form.widgets["region"].setCurrentIndex(again.form.widgets["region"].findText("北京"))
    again.form.widgets["storm_on"].setDate(QDate(2026, 7, 20))
    assert "（已安排）" in again.preview.item(0).text() and "将新安排 0 次回访" in again.count_label.text()


def test_storm_dialog_needs_a_region(db, qtbot, answers):
    from ui.storm_dialog import StormDialog

    dialog = StormDialog(None)
    qtbot.addWidget(dialog)
    dialog._save_clicked()
    assert dialog.form.error_text("region") == "地区不能为空"
    assert Visit.select().count() == 0
    assert dialog.result() != dialog.DialogCode.Accepted  # the dialog stays for the clerk to fix


def test_a_new_deposit_in_the_form_starts_with_twelve_months(db, make_project, qtbot, answers):
    """《建设工程质量保证金管理办法》第二条: 缺陷责任期一般为1年 — the form's default, saved as such."""
    from decimal import Decimal

    from ui.pages.deposits import DepositDialog
    from warranty_desk.models import Deposit

    project = make_project(code="DEP-12", contract_amount=Decimal("1000000"))
    dialog = DepositDialog(None, project_id=project.id)
    qtbot.addWidget(dialog)
    assert dialog.form.value("defect_months") == 12
    dialog.form.widgets["amount"].setText("20000")
    dialog._save_clicked()
    assert Deposit.get().defect_months == 12
