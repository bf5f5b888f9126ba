"""The clerk's desk at a glance (issue #16): calendar cells name the project (cut to fit, code in the
tooltip) and the holiday in the window's language; the dashboard's lists keep the order their titles
say, fit their columns and an empty one gives its room to the others; the visit form shows its
questionnaire beside the record and confirms what was saved; an import's long messages wrap."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Qt

from warranty_desk.models import Visit
from warranty_desk.services import deposits
from warranty_desk.services.handover import handover


def test_calendar_cells_show_names_and_chinese_holidays(app_window, make_project, qtbot):
    project = make_project(code="GC-2026-024", name="北京阳光花园三期住宅小区项目")
    Visit.create(project=project, planned_on=dt.date(2026, 10, 9), kind="periodic")
    app_window.go(1)
    calendar = app_window.page("回访日历")
    calendar.show_date(dt.date(2026, 10, 9))
    cells = {c.day: c for c in calendar.month_cells if c.isVisible()}
    item = cells[dt.date(2026, 10, 9)].list.item(0)
    assert item.text() == "北京阳光花园三期住宅小区" and "GC-2026-024" not in item.text()
    assert "GC-2026-024" in item.toolTip() and "北京阳光花园三期住宅小区项目" in item.toolTip()
    assert cells[dt.date(2026, 10, 9)].list.textElideMode() == Qt.TextElideMode.ElideRight
    assert cells[dt.date(2026, 10, 1)].label.text() == "1 国庆节"
    assert cells[dt.date(2026, 10, 10)].label.text() == "10 班"
    calendar.show_date(dt.date(2026, 1, 1))
    cells = {c.day: c for c in calendar.month_cells if c.isVisible()}
    assert cells[dt.date(2026, 1, 1)].label.text() == "1 元旦"
    assert "元旦" in calendar.day_title.text() and "周周" not in calendar.day_title.text()


def test_calendar_holidays_in_english(app_window, qtbot):
    from warranty_desk import i18n

    i18n.set_locale("en")
    try:
        app_window.go(1)
        calendar = app_window.page("回访日历")
        calendar.show_date(dt.date(2026, 1, 1))
        cell = next(c for c in calendar.month_cells if c.day == dt.date(2026, 1, 1))
        assert cell.label.text() == "1 New Year's Day"
    finally:
        i18n.set_locale("zh_CN")


def test_dashboard_lists_sorted_fitting_and_empty_ones_small(app_window, make_project, qtbot):
    today = dt.date.today()
    for n, months in enumerate((30, 12, 20)):  # three deposits, entered out of date order
        project = make_project(code=f"DP-{n}", name=f"质保金工程{n}", contract_amount=Decimal("1000000"),
                               accepted_on=today - dt.timedelta(days=months * 31),
                               handed_over_on=today - dt.timedelta(days=months * 31))
        handover(project.id)
        deposits.set_deposit(project.id, {"amount": "30000", "defect_months": 12})
    app_window.resize(1366, 768)
    app_window.go(0)
    page = app_window.pages[0]
    page.refresh()
    qtbot.wait(50)
    rows = page.deposit_model.rows
    assert len(rows) >= 2 and [r["due_on"] for r in rows] == sorted(r["due_on"] for r in rows)
    assert "按日期" in page.boxes["deposits"][0].title()
    for key, view in page.views.items():
        assert view.horizontalScrollBar().maximum() == 0, key  # no sideways scrolling
        assert not view.isSortingEnabled()  # no header arrow that contradicts the title's order
    empty = [k for k, v in page.views.items() if not v.model().rowCount()]
    full = [k for k, v in page.views.items() if v.model().rowCount()]
    assert empty and full
    assert "safety" in empty and not page.boxes["safety"][0].isVisible()  # shown only while a report waits
    for key in set(empty) - {"safety"}:
        box = page.boxes[key][0]
        assert not page.views[key].isVisible() and page.empty_labels[key].isVisible()
        assert box.height() < 80, (key, box.height())


def test_visit_form_shows_the_questionnaire_and_confirms(db, make_project, qtbot, answers):
    from ui.visit_form import VisitDialog

    project = make_project(code="VF-1", name="回访工程")
    _items, visits = handover(project.id)
    dialog = VisitDialog(visits[0].id)
    qtbot.addWidget(dialog)
    dialog.resize(1366, 720)
    dialog.show()
    qtbot.waitExposed(dialog)
    box = dialog.questionnaire_box
    top_left = box.mapTo(dialog, box.rect().topLeft())
    assert box.isVisible() and top_left.y() < 200  # beside the record, not below the fold
    assert top_left.x() > dialog.width() // 3
    dialog.form.widgets["met_person"].setText("王业主")
    dialog.form.widgets["visitor"].setCurrentText("刘洋")
    dialog._save_clicked()
    assert Visit.get_by_id(visits[0].id).status == "done"
    confirmed = [text for kind, _title, text in answers["shown"] if kind == "information"]
    assert confirmed and "回访记录已保存" in confirmed[-1] and "VF-1" in confirmed[-1]


def test_import_errors_wrap_long_messages(qtbot):
    from ui.dialogs import ImportErrorsDialog
    from warranty_desk.errors import ImportFailed

    class Problem:
        def __init__(self, message):
            self.message = message

    failure = ImportFailed.__new__(ImportFailed)
    failure.errors = [Problem("第 2 行“联系电话”：" + "很长的说明" * 60)]
    dialog = ImportErrorsDialog(failure)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.list.wordWrap() and dialog.list.horizontalScrollBar().maximum() == 0
    rect = dialog.list.visualItemRect(dialog.list.item(0))
    assert rect.width() <= dialog.list.viewport().width() and rect.height() > 3 * dialog.list.fontMetrics().height()
