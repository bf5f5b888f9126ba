"""A clerk's day in the window: new project through the form, handover, visits on the calendar,
a ticket from a visit finding, bad input refused beside the field, unsaved changes."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from warranty_desk.models import AuditLog, Project, Ticket, Visit, VisitFinding, WarrantyItem


def fill(qtbot, form, **values):
    for key, value in values.items():
        widget = form.widgets[key]
        if hasattr(widget, "findData") and not widget.isEditable():
            widget.setCurrentIndex(widget.findData(value))
        else:
            widget.clear()
            if value.isascii():
                qtbot.keyClicks(widget, value)  # typed key by key
            else:
                widget.insert(value)  # an input method commits the Chinese text at once


def test_empty_database_welcome_and_every_page(app_window, qtbot):
    qtbot.waitUntil(lambda: app_window.stack.currentWidget() is app_window.welcome)
    assert app_window.page_title.text() == "欢迎使用保修台"
    for index in range(8):
        qtbot.keyClick(app_window, Qt.Key(Qt.Key.Key_1 + index), Qt.KeyboardModifier.ControlModifier)
        assert app_window.stack.currentWidget() is app_window.pages[index]
    assert app_window.page("工作台").today_model.rowCount() == 0
    qtbot.keyClick(app_window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is app_window.search_box


def test_bundled_cjk_font_is_the_app_font(app_window):
    from PySide6.QtGui import QFontDatabase

    family = QApplication.font().family()
    assert family in QFontDatabase.applicationFontFamilies(0) or "WenQuanYi" in family


def test_new_project_form_refuses_bad_input_then_saves(app_window, qtbot):
    from ui.project_form import ProjectDialog

    dialog = ProjectDialog(app_window)
    qtbot.addWidget(dialog)
    f = dialog.form
    fill(qtbot, f, code="2026-T-001", name="")
    fill(qtbot, f, phone="13800abc")
    assert "只能包含数字" in f.error_text("phone")  # checked while typing
    fill(qtbot, f, phone="13800138000", accepted_on="2026-06-15", handed_over_on="2026-06-01")
    dialog._save_clicked()
    assert f.error_text("name") == "工程名称不能为空"
    fill(qtbot, f, name="阳光花园 <b>二期</b> & 𠀀鑫㐂")
    dialog._save_clicked()
    assert "早于竣工验收日期" in f.error_text("handed_over_on")  # the core's rule, beside the field
    assert Project.select().count() == 0  # nothing saved half-way
    fill(qtbot, f, handed_over_on="2026-07-01", heating_region="北京")
    qtbot.keyClick(f.widgets["name"], Qt.Key.Key_Return)  # Enter saves
    project = Project.get(Project.code == "2026-T-001")
    assert project.name == "阳光花园 <b>二期</b> & 𠀀鑫㐂" and project.phone == "13800138000"
    assert project.region.name == "北京" and project.handed_over_on == dt.date(2026, 7, 1)


def test_leaving_with_unsaved_changes_asks(app_window, qtbot, answers):
    from PySide6.QtWidgets import QMessageBox

    from ui.project_form import ProjectDialog

    dialog = ProjectDialog(app_window)
    qtbot.addWidget(dialog)
    dialog.show()
    fill(qtbot, dialog.form, code="X-1")
    answers["question"] = QMessageBox.StandardButton.Cancel
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc cancels … after asking
    assert dialog.isVisible() and answers["shown"][-1][0] == "question"
    answers["question"] = QMessageBox.StandardButton.Discard
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert Project.select().count() == 0


def test_project_page_handover_items_and_visits(app_window, qtbot, make_project, answers):
    from PySide6.QtWidgets import QMessageBox

    from ui.pages.handover_dialogs import AgreedPeriodDialog, HandoverDialog

    project = make_project(code="P-1", accepted_on=None, handed_over_on=None)
    app_window.open_record("project", project.id)
    page = app_window.page("工程项目")
    assert app_window.current_page() is page and page.detail.title.text().startswith("P-1")

    # a dirty project form: leaving the page asks first
    page.detail.form.widgets["name"].setText("改过的名字")
    answers["question"] = QMessageBox.StandardButton.Cancel
    assert app_window.go(0) is False and app_window.current_page() is page
    answers["question"] = QMessageBox.StandardButton.Discard
    assert app_window.go(0) is True
    assert Project.get_by_id(project.id).name != "改过的名字"
    app_window.open_record("project", project.id)

    dialog = HandoverDialog(Project.get_by_id(project.id), page.detail)
    qtbot.addWidget(dialog)
    fill(qtbot, dialog.form, accepted_on="2026-06-15", handed_over_on="2026-06-10")
    dialog._save_clicked()
    assert "早于竣工验收日期" in dialog.form.error_text("handed_over_on")
    assert WarrantyItem.select().count() == 0
    fill(qtbot, dialog.form, handed_over_on="2026-07-01")
    dialog._save_clicked()
    assert dialog.result() == dialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: page.detail.item_model.rowCount() > 0)
    items = {i.key: i for i in WarrantyItem.select().where(WarrantyItem.project == project.id)}
    assert items["roof_waterproofing"].end_on == dt.date(2031, 6, 15)
    shown = [page.detail.item_model.data(page.detail.item_model.index(r, 0)) for r in range(page.detail.item_model.rowCount())]
    assert "屋面防水工程" in shown
    assert page.detail.visit_model.rowCount() == Visit.select().where(Visit.project == project.id).count() > 0

    # a shorter agreed period is refused beside the field with the core's text
    roof = items["roof_waterproofing"]
    agreed = AgreedPeriodDialog(roof, page.detail)
    qtbot.addWidget(agreed)
    agreed.form.widgets["agreed_amount"].setValue(3)
    agreed._save_clicked()
    assert "5" in agreed.form.error_text("agreed_amount")
    assert WarrantyItem.get_by_id(roof.id).agreed_amount == 5
    agreed.form.widgets["agreed_amount"].setValue(8)
    agreed._save_clicked()
    assert WarrantyItem.get_by_id(roof.id).end_on == dt.date(2034, 6, 15)


def test_record_visit_with_a_finding_that_becomes_a_ticket(app_window, qtbot, make_project, monkeypatch):
    from ui.visit_form import VisitDialog
    from warranty_desk.services.handover import handover

    project = make_project(code="V-1", accepted_on=dt.date(2025, 6, 15), handed_over_on=dt.date(2025, 7, 1))
    handover(project.id)
    visit = Visit.select().where(Visit.project == project.id).order_by(Visit.planned_on).first()
    dialog = VisitDialog(visit.id, app_window)
    qtbot.addWidget(dialog)
    dialog.form.widgets["visitor"].setEditText("")
    dialog._save_clicked()
    assert dialog.form.error_text("visitor") == "回访人不能为空"
    dialog.form.widgets["visitor"].setEditText("王芳")
    dialog.form.widgets["met_person"].setText("张业主")
    row = dialog.findings.add_row()
    dialog.findings.cellWidget(row, 0).setEditText("屋面")
    dialog.findings.cellWidget(row, 2).setText("顶层漏水")
    dialog.findings.cellWidget(row, 3).setChecked(True)  # make a ticket, but no warranty item chosen
    dialog._save_clicked()
    assert "保修项目" in dialog.findings_error.text()
    assert Visit.get_by_id(visit.id).status == "planned"
    category = dialog.findings.cellWidget(row, 1)
    category.setCurrentIndex(category.findData("roof_waterproofing"))
    second = dialog.findings.add_row()
    dialog.findings.cellWidget(second, 0).setEditText("门窗")
    dialog.findings.cellWidget(second, 2).setText("窗户关不严")
    first_question = next(iter(dialog.questionnaire.inputs.values()))
    first_question.set_value("5")
    dialog._save_clicked()
    saved = Visit.get_by_id(visit.id)
    assert saved.score == 100 and saved.grade == "satisfied"
    assert saved.status == "done" and saved.visitor == "王芳" and saved.met_person == "张业主"
    ticket = Ticket.get(Ticket.source_visit == visit.id)
    assert ticket.category == "roof_waterproofing" and ticket.channel == "visit_finding" and "顶层漏水" in ticket.description

    # the other finding, saved without a ticket, becomes one in one click
    reopened = VisitDialog(visit.id, app_window)
    qtbot.addWidget(reopened)
    window_row = next(r for r in range(reopened.findings.rowCount())
                      if reopened.findings.cellWidget(r, 2).text() == "窗户关不严")
    category = reopened.findings.cellWidget(window_row, 1)
    category.setCurrentIndex(category.findData("decoration"))
    reopened.findings.cellWidget(window_row, 3).click()
    finding = VisitFinding.get(VisitFinding.description == "窗户关不严")
    assert finding.ticket_id is not None and finding.ticket.source_visit_id == visit.id
    assert reopened.findings.cellWidget(window_row, 3).text() == finding.ticket.number


def test_calendar_shows_visits_and_drag_reschedules(app_window, qtbot, make_project, answers, monkeypatch):
    from warranty_desk.services.handover import handover

    project = make_project(code="C-1", accepted_on=dt.date(2026, 6, 15), handed_over_on=dt.date(2026, 7, 1))
    handover(project.id)
    visit = Visit.select().where(Visit.project == project.id).order_by(Visit.planned_on).first()
    app_window.go(1)
    calendar = app_window.page("回访日历")
    calendar.show_date(visit.planned_on)
    cell = next(c for c in calendar.month_cells if c.day == visit.planned_on)
    assert any(cell.list.item(i).data(Qt.ItemDataRole.UserRole)[0] == visit.id for i in range(cell.list.count()))
    assert calendar.day_list.count() >= 1

    saturday = dt.date(2027, 1, 2)
    answers["text"] = ("", True)  # no reason: asked again; then cancelled
    asked = []
    reasons = iter([("", True), ("业主出差，周末在家", True)])
    monkeypatch.setattr(calendar, "ask_reason", lambda vid, day: (asked.append(day), next(reasons))[1][0])
    monkeypatch.setattr(calendar, "confirm_non_working", lambda message: "非工作日" in message)
    assert calendar.reschedule(visit.id, saturday) is True
    moved = Visit.get_by_id(visit.id)
    assert moved.planned_on == saturday and moved.original_planned_on == visit.planned_on
    assert moved.reschedule_reason == "业主出差，周末在家" and len(asked) == 2
    assert AuditLog.select().where(AuditLog.action == "reschedule").count() == 1
    calendar.show_date(saturday)
    assert calendar.day_list.count() == 1


def test_ticket_intake_form(app_window, qtbot, make_project, answers):
    from ui.pages.tickets import TicketDialog
    from warranty_desk.services.handover import handover

    project = make_project(code="K-1", accepted_on=dt.date(2025, 6, 15), handed_over_on=dt.date(2025, 7, 1))
    handover(project.id)
    dialog = TicketDialog(app_window, project_id=project.id)
    qtbot.addWidget(dialog)
    fill(qtbot, dialog.form, reporter="李业主", phone="电话号码", location="主卧", category="roof_waterproofing")
    dialog.form.widgets["description"].setPlainText("顶棚渗水 " + "很长" * 1000)
    dialog._save_clicked()
    assert "只能包含数字" in dialog.form.error_text("phone")
    fill(qtbot, dialog.form, phone="13900001111")
    dialog._save_clicked()
    assert "报修内容" in dialog.form.error_text("description")  # 2,000 characters at most
    assert Ticket.select().count() == 0
    dialog.form.widgets["description"].setPlainText("顶棚渗水")
    assert "保修" in dialog.decision_label.text()
    dialog._save_clicked()
    ticket = Ticket.get()
    assert ticket.reporter == "李业主" and ticket.project_id == project.id and ticket.in_warranty
    page = app_window.page("维修工单")
    app_window.go(3)
    assert page.model.rowCount() == 1 and page.model.rows[0]["number"] == ticket.number


def test_global_search_opens_a_project(app_window, qtbot, make_project):
    project = make_project(code="S-100", name="翠湖花园")
    app_window.search_box.insert("翠湖")
    app_window.search_box.textEdited.emit("翠湖")
    qtbot.waitUntil(lambda: app_window.popup.isVisible() and app_window.popup.count() == 1)
    qtbot.keyClick(app_window.search_box, Qt.Key.Key_Return)
    page = app_window.page("工程项目")
    assert app_window.current_page() is page and page.detail.project.id == project.id


def test_settings_refuse_bad_phone_and_save(app_window, qtbot):
    from warranty_desk.services import settings

    app_window.go(7)
    page = app_window.page("设置")
    fill(qtbot, page.form, company_name="华建 & <b>公司</b>", hotline="400-abc")
    assert page.save() is False and "只能包含数字" in page.form.error_text("hotline")
    fill(qtbot, page.form, hotline="400-810-2468")
    page.sla_boxes[("normal", "respond_hours")].setValue(500)  # respond after completion: refused
    assert page.save() is False and "响应" in page.sla_error.text()
    page.sla_boxes[("normal", "respond_hours")].setValue(12)
    assert page.save() is True
    assert settings.get("company_name") == "华建 & <b>公司</b>" and settings.get("sla")["normal"]["respond_hours"] == 12


def test_staff_dialog(app_window, qtbot):
    from ui.pages.settings import PersonDialog
    from warranty_desk.models import Staff

    dialog = PersonDialog("staff", None, app_window)
    qtbot.addWidget(dialog)
    fill(qtbot, dialog.form, name="王芳", phone="1380x")
    dialog._save_clicked()
    assert Staff.select().count() == 0 and dialog.form.error_text("phone")
    fill(qtbot, dialog.form, phone="13800001111")
    dialog._save_clicked()
    assert Staff.get().name == "王芳"


def test_long_work_runs_off_the_ui_thread(app_window, qtbot, tmp_path, monkeypatch):
    """The project page's 从表格导入… opens the import window, which checks and imports on a pool thread;
    a bad sheet lists its bad rows and cannot be imported."""
    import threading

    from PySide6.QtWidgets import QFileDialog

    from ui import import_window
    from warranty_desk.services import importing

    threads = []
    real_run = importing.run

    def run(*args, **kwargs):
        threads.append(threading.current_thread())
        return real_run(*args, **kwargs)

    monkeypatch.setattr(importing, "run", run)
    page = app_window.page("工程项目").list

    def import_from(path):
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
        before = set(QApplication.topLevelWidgets())
        qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
        window = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, import_window.ImportWindow) and w not in before)
        window.choose_file()
        qtbot.waitUntil(lambda: not import_window.busy(), timeout=10000)
        window.forward()  # the columns
        window.forward()  # the check
        qtbot.waitUntil(lambda: not import_window.busy(), timeout=10000)
        return window

    good = tmp_path / "p.csv"
    good.write_text("工程编号,工程名称,工程类型,工程规模\nI-1,导入工程,住宅,小型\n", encoding="utf-8")
    window = import_from(good)
    window.forward()  # 开始导入
    qtbot.waitUntil(lambda: not import_window.busy(), timeout=10000)
    assert Project.get(Project.code == "I-1").name == "导入工程"
    assert threads and threads[0] is not threading.main_thread()
    window.close()
    bad = tmp_path / "bad.csv"
    bad.write_text("工程编号,工程名称,工程类型,工程规模\nI-2,,别墅,小型\n", encoding="utf-8")
    window = import_from(bad)
    problems = [window.problems.item(i).text() for i in range(window.problems.count())]
    assert any("第2行" in line for line in problems) and not window.next_button.isEnabled()
    assert not Project.select().where(Project.code == "I-2").exists()
    window.close()


def test_print_certificate_from_the_documents_tab(app_window, qtbot, make_project):
    from pypdf import PdfReader

    from ui import documents, operations
    from warranty_desk.services.handover import handover

    project = make_project(code="D-1", name="文档测试工程")
    handover(project.id)
    app_window.open_record("project", project.id)
    detail = app_window.page("工程项目").detail
    button = detail.doc_buttons["certificate"]
    assert button.isEnabled()
    before = len(documents.LAST_OUTPUT)
    button.click()
    qtbot.waitUntil(lambda: len(documents.LAST_OUTPUT) > before and not operations.busy(), timeout=20000)
    text = "".join(page.extract_text() for page in PdfReader(str(documents.LAST_OUTPUT[-1])).pages)
    assert "文档测试工程" in text
