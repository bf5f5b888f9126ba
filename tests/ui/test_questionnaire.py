"""The visit form with the questionnaire: a clerk records a visit with answers (clicked and typed
in from a paper questionnaire) and a finding; the score, grade and the new ticket are in the
database. Also the 回访分析 panel, the annual plan dialog and the start-up reminder."""

from __future__ import annotations

import datetime as dt
import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QCheckBox, QLabel, QMessageBox, QPushButton  # noqa: E402

from warranty_desk.models import Staff, Ticket, Visit, VisitAnswer, VisitFinding  # noqa: E402
from warranty_desk.services import questionnaires  # noqa: E402
from warranty_desk.services.handover import handover  # noqa: E402


@pytest.fixture
def boxes(monkeypatch):
    shown = []

    def box(kind):
        def show(parent, title, text, *a, **k):
            shown.append((kind, title, text))
            return QMessageBox.StandardButton.Yes if kind == "question" else QMessageBox.StandardButton.Ok
        return show

    for kind in ("information", "warning", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(box(kind)))
    return shown


@pytest.fixture
def visit(db, make_project):
    project = make_project(contact="王业主", phone="13800138000")
    handover(project.id)
    Visit.delete().execute()
    Staff.create(name="刘洋")
    return Visit.create(project=project, planned_on=dt.date(2026, 11, 27), kind="periodic", purposes="定期回访")


def test_record_visit_with_questionnaire_and_finding(qtbot, visit, boxes):
    from ui.questionnaire_form import QuestionnaireForm
    from ui.visit_form import VisitDialog

    dialog = VisitDialog(visit.id)
    qtbot.addWidget(dialog)
    dialog.show()
    form = dialog.questionnaire
    assert isinstance(form, QuestionnaireForm)
    assert "尚未作答" in form.score_label.text()

    # question 1 clicked on screen: 4 of 5
    first = questionnaires.questions_of(questionnaires.active_template())[0]
    qtbot.mouseClick(form.inputs[first.id].buttons["4"], Qt.MouseButton.LeftButton)
    assert "75.0" in form.score_label.text()
    # the rest typed in from the paper questionnaire; "-" = not answered; Enter fills, does not save
    form.quick.setFocus()
    form.quick.insert("4 有轻微问题 是 - 5 5 希望 <b>更快</b> & 好")  # QTest cannot type CJK keys
    qtbot.keyClick(form.quick, Qt.Key.Key_Return)
    assert dialog.isVisible()
    # (75*3 + 60*2 + 100*2 + 100*2 + 100*1) / 10 = 84.5
    assert "84.5" in form.score_label.text() and "比较满意" in form.score_label.text()

    # a bad paper answer is named, nothing changes
    form.quick.clear()
    qtbot.keyClicks(form.quick, "7")
    qtbot.keyClick(form.quick, Qt.Key.Key_Return)
    assert "第1题" in form.quick_error.text()
    assert "84.5" in form.score_label.text()

    dialog.form.widgets["met_person"].setText("王业主")
    dialog.form.widgets["visitor"].setCurrentText("刘洋")
    qtbot.mouseClick(dialog.findChild(QPushButton, "addFinding"),
                     Qt.MouseButton.LeftButton)
    table = dialog.findings
    table.cellWidget(0, 0).setEditText("卫生间")
    table.cellWidget(0, 1).setCurrentIndex(table.cellWidget(0, 1).findData("wet_room_waterproofing"))
    table.cellWidget(0, 2).setText("卫生间地面渗水至楼下")
    ticket_box = table.cellWidget(0, 3)
    assert isinstance(ticket_box, QCheckBox)
    ticket_box.setChecked(True)

    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.MouseButton.LeftButton)
    assert not [b for b in boxes if b[0] in ("warning", "critical")], boxes

    saved = Visit.get_by_id(visit.id)
    assert saved.status == "done"
    assert saved.score == 84.5 and saved.grade == "fairly_satisfied"
    assert saved.met_person == "王业主" and saved.visitor == "刘洋"
    texts = {a.value for a in VisitAnswer.select().where(VisitAnswer.visit == visit)}
    assert "希望 <b>更快</b> & 好" in texts and len(texts) >= 5
    ticket = Ticket.get(Ticket.source_visit == visit.id)
    assert ticket.channel == "visit_finding" and ticket.category == "wet_room_waterproofing"
    assert ticket.description == "卫生间地面渗水至楼下"
    assert VisitFinding.get(VisitFinding.visit == visit).ticket_id == ticket.id


def test_save_with_missing_met_person_shows_error(qtbot, visit, boxes):
    from ui.visit_form import VisitDialog

    dialog = VisitDialog(visit.id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.form.widgets["visitor"].setCurrentText("刘洋")
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.MouseButton.LeftButton)
    assert Visit.get_by_id(visit.id).status == "planned"
    assert dialog.isVisible()


def test_analysis_panel_on_demo(qtbot, demo_db):
    from ui.reports_analysis import ReportPanel

    panel = ReportPanel(today=dt.date(2026, 11, 29))
    qtbot.addWidget(panel)
    panel.resize(1000, 700)
    panel.show()
    qtbot.waitExposed(panel)
    qtbot.waitUntil(lambda: not panel.busy() and bool(panel.chart.rows))  # computed off the window's thread
    rows = panel.chart.rows
    assert [r["quarter"] for r in rows] == ["2025Q1", "2025Q2", "2025Q3", "2025Q4",
                                          "2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    assert all(r["count"] > 0 and 0 < r["average"] <= 100 for r in rows)
    assert "平均满意度" in panel.summary.text()
    assert panel.tables["area"].rowCount() >= 5
    assert panel.tables["project"].rowCount() > 5
    image = panel.chart.grab()
    assert not image.isNull()
    panel.period.setCurrentIndex(1)  # one quarter
    qtbot.waitUntil(lambda: "2026-10-01" in panel.summary.text())


def test_annual_plan_dialog_assign_and_balance(qtbot, visit, boxes):
    from ui.annual_plan_dialog import AnnualPlanDialog

    other = Staff.create(name="孙丽")
    for day in (3, 4, 5, 10):
        Visit.create(project=visit.project, planned_on=dt.date(2027, 3, day), kind="periodic")
    dialog = AnnualPlanDialog(2027, today=dt.date(2026, 11, 29))
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 4
    dialog.table.selectRow(0)
    dialog.staff.setCurrentIndex(dialog.staff.findData(other.id))
    qtbot.mouseClick(dialog.assign_button, Qt.MouseButton.LeftButton)
    assert Visit.get(Visit.planned_on == dt.date(2027, 3, 3)).staff_id == other.id
    dialog.month.setCurrentIndex(3)  # March
    qtbot.mouseClick(dialog.balance_button, Qt.MouseButton.LeftButton)
    counts = [Visit.select().where((Visit.staff == s) & (Visit.planned_on >= dt.date(2027, 3, 1))).count()
              for s in Staff.select()]
    assert sorted(counts) == [2, 2]
    dialog.sign_names["compiled"].setText("王芳")
    qtbot.mouseClick(dialog.findChild(QPushButton, "sign_compiled"), Qt.MouseButton.LeftButton)
    assert "已编制" in dialog.state_label.text()


def test_startup_reminder(qtbot, visit):
    from ui.reminder_dialog import reminder_dialog

    dialog = reminder_dialog(today=dt.date(2026, 11, 29))
    qtbot.addWidget(dialog)
    head = dialog.findChild(QLabel, "reminderHead")
    assert "逾期未做 1 次" in head.text()
    assert dialog.tables["overdue"].rowCount() == 1
    Visit.update(status="done").execute()
    assert reminder_dialog(today=dt.date(2026, 11, 29)) is None


def test_ics_dialog_exports_the_range(qtbot, visit, tmp_path, boxes):
    from icalendar import Calendar

    from ui.annual_plan_dialog import IcsDialog

    dialog = IcsDialog(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30))
    qtbot.addWidget(dialog)
    ok, count = dialog.export(tmp_path / "v.ics")
    assert ok and count == 1
    events = list(Calendar.from_ical((tmp_path / "v.ics").read_bytes()).walk("VEVENT"))
    assert len(events) == 1 and "13800138000" in str(events[0]["description"])
    ok, _n = dialog.export(tmp_path / "v.txt")
    assert not ok and "扩展名" in boxes[-1][2]
