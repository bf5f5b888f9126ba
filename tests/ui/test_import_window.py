"""Issue 12: the import window driven like a clerk: file and sheet, each column beside its field
(chosen from a list, remembered), a preview with every problem before anything is written, then
the import with progress, and a cancel that leaves nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt

from ui import import_window
from ui.import_window import STEP_COLUMNS, STEP_IMPORT, STEP_PREVIEW, ImportWindow
from warranty_desk.models import Project, Visit, WarrantyItem

HEADERS = ["工程编号", "工程名称", "建设单位", "工程类型", "工程规模", "竣工验收日期", "交付日期", "负责人", "负责人微信"]


def office_sheet(path, rows=None, title="2024年竣工工程一览"):
    book = Workbook()
    sheet = book.active
    sheet.title = "竣工工程"
    sheet.append([title])
    sheet.append(HEADERS)
    for row in rows or [
        ["WIN-1", "阳光花园一期", "阳光置业有限公司", "住宅", "中型", dt.date(2024, 6, 15), dt.date(2024, 7, 1), "李强", "lq01"],
        ["WIN-2", "阳光花园二期", None, "住宅", "小型", 45463, 45474, "赵磊", "zl02"],
    ]:
        sheet.append(row)
    if rows is None:
        sheet.merge_cells("C3:C4")
    book.save(path)
    return path


def _wait(qtbot):
    qtbot.waitUntil(lambda: not import_window.busy(), timeout=60000)


def _combo_for(window: ImportWindow, header: str):
    for row in range(window.columns_table.rowCount()):
        if window.columns_table.item(row, 1).text() == header:
            return window.columns_table.cellWidget(row, 3)
    raise AssertionError(header)


def _open(qtbot, path, kind="projects"):
    window = ImportWindow(None, kind, str(path))
    qtbot.addWidget(window)
    window.show()
    _wait(qtbot)
    return window


def test_mapping_preview_and_import(app_window, qtbot, tmp_path):
    window = _open(qtbot, office_sheet(tmp_path / "office.xlsx"))
    assert window.sheet_combo.currentText() == "竣工工程" and "表头在第2行" in window.file_note.text()
    qtbot.mouseClick(window.next_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentIndex() == STEP_COLUMNS
    assert _combo_for(window, "工程编号").currentData() == "code"
    assert _combo_for(window, "负责人微信").currentData() is None  # unknown: 不导入
    manager = _combo_for(window, "负责人")
    assert manager.currentData() is None
    manager.setCurrentIndex(manager.findData("manager"))  # the clerk says 负责人 is the 项目经理
    qtbot.mouseClick(window.next_button, Qt.MouseButton.LeftButton)
    _wait(qtbot)
    assert window.stack.currentIndex() == STEP_PREVIEW
    summary = window.summary.text()
    assert "将新建工程项目：2条" in summary and "将办理交付：2个工程" in summary and "未导入的列：负责人微信" in summary
    assert window.preview_table.rowCount() == 2 and window.preview_table.item(0, 1).text() == "WIN-1"
    problems = [window.problems.item(i).text() for i in range(window.problems.count())]
    assert any("合并单元格" in p for p in problems)  # the merged 建设单位, filled in with a warning
    assert Project.select().count() == 0  # nothing written by the preview
    assert window.next_button.isEnabled() and window.next_button.text() == "开始导入"
    from ui.signals import bus

    notices = []
    bus().changed.connect(notices.append)
    qtbot.mouseClick(window.next_button, Qt.MouseButton.LeftButton)
    _wait(qtbot)
    assert any(n.touches("project") and n.touches("warranty_item") and n.touches("visit") for n in notices)
    assert window.stack.currentIndex() == STEP_IMPORT
    assert "已导入2个工程" in window.result_label.text()
    assert window.progress.value() == 100
    second = Project.get(Project.code == "WIN-2")
    assert second.manager == "赵磊" and second.client.name == "阳光置业有限公司"
    assert WarrantyItem.select().where(WarrantyItem.project == second).count() > 0
    window.close()
    # the next sheet with the same headers: the mapping chosen is remembered
    again = _open(qtbot, office_sheet(tmp_path / "next.xlsx", rows=[
        ["WIN-3", "三期", "阳光置业有限公司", "住宅", "中型", None, None, "王芳", "wf"]]))
    assert again.view.remembered
    assert _combo_for(again, "负责人").currentData() == "manager"


def test_a_bad_sheet_shows_every_problem_and_cannot_be_imported(app_window, qtbot, tmp_path):
    window = _open(qtbot, office_sheet(tmp_path / "bad.xlsx", rows=[
        ["BAD-1", "", "甲", "别墅", "中型", None, None, "", ""],
        ["BAD-2", "工程", "甲", "住宅", "中型", "2024-06-15", "2024-05-01", "", ""],
    ]))
    window.forward()
    window.forward()
    _wait(qtbot)
    problems = [window.problems.item(i).text() for i in range(window.problems.count())]
    assert any("第3行 B列“工程名称”" in p for p in problems)
    assert any("第3行 D列“工程类型”" in p for p in problems)
    assert any("第4行 G列“交付日期”" in p for p in problems)
    assert not window.next_button.isEnabled()
    assert Project.select().count() == 0


def test_cancel_leaves_nothing(app_window, qtbot, tmp_path):
    rows = [[f"CAN-{i:03d}", f"工程{i}", "甲", "住宅", "中型", dt.date(2024, 6, 15), dt.date(2024, 7, 1), "", ""]
            for i in range(300)]
    window = _open(qtbot, office_sheet(tmp_path / "big.xlsx", rows=rows))
    window.forward()
    window.forward()
    _wait(qtbot)
    assert "将新建工程项目：300条" in window.summary.text()
    window.forward()  # 开始导入
    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    _wait(qtbot)
    assert "导入已取消，未导入任何数据" in window.result_label.text()
    assert Project.select().count() == 0 and Visit.select().count() == 0


@pytest.mark.parametrize("kind", ["units", "tickets", "visits"])
def test_every_kind_is_offered(app_window, qtbot, kind):
    window = ImportWindow(None, kind)
    qtbot.addWidget(window)
    assert window.kind == kind
