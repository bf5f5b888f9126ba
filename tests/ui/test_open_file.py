"""`warranty-desk-gui FILE` (the desktop's "open with"): a backup opens the restore dialog, a sheet the
import; nothing changes before the clerk confirms; other files are refused with the reason."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from warranty_desk.models import Project

ROOT = Path(__file__).resolve().parents[2]


def _main_module():
    spec = importlib.util.spec_from_file_location("wd_main", ROOT / "main.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_window_takes_a_file_argument():
    main = _main_module()
    assert main.parse_args(["E:/保修台备份.wdbak"]).file == "E:/保修台备份.wdbak"
    args = main.parse_args(["--db", "office.db", "工程.xlsx"])
    assert args.file == "工程.xlsx" and args.db == "office.db"
    assert main.parse_args([]).file is None


def test_a_backup_opens_the_restore_dialog(app_window, qtbot, make_project, tmp_path, answers):
    from ui.open_file import open_file
    from warranty_desk.services import backup

    make_project(code="KEEP-1")
    wdbak = tmp_path / "备份.wdbak"
    backup.backup_to(wdbak)
    make_project(code="LATER-2")

    answers["question"] = QMessageBox.StandardButton.No
    assert open_file(app_window, str(wdbak)) is True
    asked = [shown for shown in answers["shown"] if shown[0] == "question"]
    assert asked and asked[-1][1] == "从备份恢复" and "1个工程" in asked[-1][2]
    assert Project.select().where(Project.code == "LATER-2").exists()  # declined: nothing replaced

    answers["question"] = QMessageBox.StandardButton.Yes
    open_file(app_window, str(wdbak))
    assert [p.code for p in Project.select()] == ["KEEP-1"]


def test_a_sheet_opens_the_import(app_window, qtbot, tmp_path, answers, monkeypatch):
    from ui.open_file import open_file

    sheet = tmp_path / "工程.csv"
    with open(sheet, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["工程编号", "工程名称", "工程类型", "工程规模", "竣工验收日期", "交付日期", "采暖地区"])
        writer.writerow(["OF-1", "双击打开的工程", "住宅", "小型", "2025-05-06", "2025-05-20", "北京"])

    from ui import import_window

    assert open_file(app_window, str(sheet)) is True  # the import window, on that file
    window = next(w for w in QApplication.topLevelWidgets()
                  if isinstance(w, import_window.ImportWindow) and w.isVisible())
    qtbot.waitUntil(lambda: window.view is not None and not import_window.busy(), timeout=20000)
    assert window.path_edit.text() == str(sheet) and not Project.select().exists()  # nothing yet
    window.forward()
    window.forward()
    qtbot.waitUntil(lambda: not import_window.busy() and window.report is not None, timeout=20000)
    assert not Project.select().exists()  # the preview writes nothing
    window.forward()
    qtbot.waitUntil(lambda: Project.select().where(Project.code == "OF-1").exists(), timeout=20000)
    qtbot.waitUntil(lambda: not import_window.busy(), timeout=20000)
    window.close()


def test_other_files_are_refused_with_the_reason(app_window, tmp_path, answers):
    from ui.open_file import open_file

    other = tmp_path / "合同.docx"
    other.write_bytes(b"x")
    assert open_file(app_window, str(other)) is False
    assert answers["shown"][-1][0] == "warning" and ".wdbak" in answers["shown"][-1][2]
    assert open_file(app_window, str(tmp_path / "不存在.wdbak")) is False
    assert "找不到文件" in answers["shown"][-1][2]
