"""A file handed to the program (`warranty-desk-gui FILE`: the desktop's "open with", a file dropped
on the icon): a backup (.wdbak) opens the restore dialog, a sheet (.xlsx, .csv) the import. Nothing
is changed before the clerk confirms."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from warranty_desk.i18n import _

BACKUP_SUFFIXES = (".wdbak",)
SHEET_SUFFIXES = (".xlsx", ".xls", ".csv")


def kind_of(path: str) -> str | None:
    """'backup', 'sheet', or None for a file the program does not open."""
    suffix = Path(path).suffix.lower()
    if suffix in BACKUP_SUFFIXES:
        return "backup"
    if suffix in SHEET_SUFFIXES:
        return "sheet"
    return None


def open_file(window: QWidget, path: str) -> bool:
    """Open `path` in the running window; says why when it cannot. Returns whether a dialog opened."""
    file = Path(path)
    kind = kind_of(path)
    if kind is None:
        QMessageBox.warning(window, _("无法打开文件"),
                            _("保修台只能打开备份文件（.wdbak）和导入表格（.xlsx、.csv）：\n{path}").format(path=path))
        return False
    if not file.is_file():
        QMessageBox.warning(window, _("无法打开文件"), _("找不到文件：\n{path}").format(path=path))
        return False
    if kind == "backup":
        from .data_safety import restore_with_confirmation

        restore_with_confirmation(window, str(file))  # checks the file, then asks before replacing anything
        return True
    open_import(window, str(file))
    return True


def open_import(window: QWidget, path: str):
    """The import window on the sheet: the clerk says what it holds (step 1), checks each column and
    the preview; nothing is written before 开始导入. Returns the window."""
    from .import_window import open_import_window

    return open_import_window(window, "projects", path)
